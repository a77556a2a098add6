/* SPDX-License-Identifier: MIT */
/* Interface names as IOS writes them, and the `interface` sections of the
 * config: see include/vpdnd/interface.h. */
#include <glib.h>
#include <string.h>

#include <vpdnd/interface.h>

/* The interface types IOS names, with the short form its log lines use. */
static const struct iftype {
	const char *full, *brief;
	const char *lfull, *lbrief; /* the same, lower-cased: what parse() compares */
} iftypes[] = {
	{ "Async", "As", "async", "as" },
	{ "BRI", "BR", "bri", "br" },
	{ "Dialer", "Di", "dialer", "di" },
	{ "Ethernet", "Et", "ethernet", "et" },
	{ "FastEthernet", "Fa", "fastethernet", "fa" },
	{ "GigabitEthernet", "Gi", "gigabitethernet", "gi" },
	{ "Loopback", "Lo", "loopback", "lo" },
	{ "Multilink", "Mu", "multilink", "mu" },
	{ "Null", "Nu", "null", "nu" },
	{ "Port-channel", "Po", "port-channel", "po" },
	{ "Serial", "Se", "serial", "se" },
	{ "Tunnel", "Tu", "tunnel", "tu" },
	{ "Virtual-Access", "Vi", "virtual-access", "vi" },
	{ "Virtual-Template", "Vt", "virtual-template", "vt" },
};

#define TYPE_MAX 24 /* longer than every full type name above */

/* The known type name starts with, and where its unit begins (the first
 * digit); NULL when the part before the first digit (spaces left out) is
 * no type above, or no digit follows it. */
/* A session's set-up looks names up several times (its Virtual-Access,
 * its template): this runs without calls into GLib, comparing a
 * lower-cased copy with the lower-cased table. */
static inline char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static const struct iftype *parse(const char *name, const char **unit)
{
	char t[TYPE_MAX];
	size_t n = 0;
	const char *p;

	for (p = name; *p && !(*p >= '0' && *p <= '9'); p++) {
		if (*p == ' ')
			continue;
		if (n + 1 >= sizeof(t))
			return NULL;
		t[n++] = ascii_lower(*p);
	}
	if (!*p || n == 0)
		return NULL;
	t[n] = '\0';
	for (size_t i = 0; i < G_N_ELEMENTS(iftypes); i++)
		if (t[0] == iftypes[i].lfull[0] &&
		    (!strcmp(t, iftypes[i].lfull) || !strcmp(t, iftypes[i].lbrief))) {
			*unit = p;
			return &iftypes[i];
		}
	return NULL;
}

/* Append s without spaces (lower-cased if lower) to out[*o..size-1]. */
static void put(char *out, size_t size, size_t *o, const char *s, bool lower)
{
	for (; *s && *o + 1 < size; s++)
		if (*s != ' ')
			out[(*o)++] = lower ? ascii_lower(*s) : *s;
}

/* Room a key of name needs, its terminator included. */
static size_t key_size(const char *name)
{
	return strlen(name) + TYPE_MAX + 1;
}

static void key_into(const char *name, char *out, size_t size)
{
	const struct iftype *t;
	const char *unit;
	size_t o = 0;

	if ((t = parse(name, &unit))) {
		put(out, size, &o, t->full, true);
		put(out, size, &o, unit, true);
	} else {
		put(out, size, &o, name, true);
	}
	out[o] = '\0';
}

char *vpdn_ifname_key(const char *name)
{
	char *k;

	if (!name)
		return g_strdup("");
	k = g_malloc(key_size(name));
	key_into(name, k, key_size(name));
	return k;
}

bool vpdn_ifname_eq(const char *a, const char *b)
{
	char sa[96], sb[96];
	char *ka = sa, *kb = sb;
	bool eq;

	if (!a || !b)
		return false;
	if (key_size(a) > sizeof(sa))
		ka = g_malloc(key_size(a));
	if (key_size(b) > sizeof(sb))
		kb = g_malloc(key_size(b));
	key_into(a, ka, ka == sa ? sizeof(sa) : key_size(a));
	key_into(b, kb, kb == sb ? sizeof(sb) : key_size(b));
	eq = strcmp(ka, kb) == 0;
	if (ka != sa)
		g_free(ka);
	if (kb != sb)
		g_free(kb);
	return eq;
}

unsigned int vpdn_ifname_hash(const void *name)
{
	char s[96], *k = s;
	guint h;

	if (!name)
		return 0;
	if (key_size(name) > sizeof(s))
		k = g_malloc(key_size(name));
	key_into(name, k, k == s ? sizeof(s) : key_size(name));
	h = g_str_hash(k);
	if (k != s)
		g_free(k);
	return h;
}

int vpdn_ifname_equal(const void *a, const void *b)
{
	return vpdn_ifname_eq(a, b);
}

const char *vpdn_ifname_type(const char *name)
{
	const struct iftype *t;
	const char *unit;

	return name && (t = parse(name, &unit)) ? t->full : NULL;
}

const char *vpdn_ifname_short(const char *name, char *buf, size_t size)
{
	const struct iftype *t;
	const char *unit;
	size_t o = 0;

	if (!size)
		return buf;
	if (name && (t = parse(name, &unit))) {
		put(buf, size, &o, t->brief, false);
		put(buf, size, &o, unit, false);
	} else if (name) {
		put(buf, size, &o, name, false);
	}
	buf[o] = '\0';
	return buf;
}

/* ---- the config's interface sections ---- */

static cfg_opt_t core_options[] = {
	CFG_STR("description", NULL, CFGF_NONE),
	CFG_STR("ip-address", NULL, CFGF_NONE),
	CFG_STR("ip-unnumbered", NULL, CFGF_NONE),
	CFG_END()
};

const cfg_opt_t *vpdn_interface_core_options(void)
{
	return core_options;
}

static size_t opts_len(const cfg_opt_t *o)
{
	size_t n = 0;

	while (o && o[n].name)
		n++;
	return n;
}

cfg_opt_t *vpdn_interface_options_new(const cfg_opt_t *more)
{
	size_t a = opts_len(core_options), b = opts_len(more);
	cfg_opt_t *t = g_new0(cfg_opt_t, a + b + 1); /* zeroed: the last is CFG_END() */

	memcpy(t, core_options, a * sizeof(*t));
	if (b)
		memcpy(t + a, more, b * sizeof(*t));
	return t;
}

/* The option if the section's table has it, else NULL: cfg_getopt()
 * would report "no such option" through the config's error function. */
static cfg_opt_t *find_opt(cfg_t *s, const char *name)
{
	for (cfg_opt_t *o = s ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

cfg_t *vpdn_interface_find(cfg_t *root, const char *name)
{
	cfg_opt_t *o = find_opt(root, "interface");

	if (!o || o->type != CFGT_SEC || !name)
		return NULL;
	for (unsigned i = 0; i < cfg_opt_size(o); i++) {
		cfg_t *s = cfg_opt_getnsec(o, i);
		if (s && cfg_title(s) && vpdn_ifname_eq(cfg_title(s), name))
			return s;
	}
	return NULL;
}

static const char *opt_str(cfg_t *s, const char *name)
{
	cfg_opt_t *o = find_opt(s, name);

	if (!o || o->type != CFGT_STR || cfg_opt_size(o) == 0)
		return NULL;
	return cfg_opt_getnstr(o, 0);
}

const char *vpdn_interface_ip_address(cfg_t *ifc)
{
	return opt_str(ifc, "ip-address");
}

const char *vpdn_interface_ip_unnumbered(cfg_t *ifc)
{
	return opt_str(ifc, "ip-unnumbered");
}

const char *vpdn_interface_address(cfg_t *root, cfg_t *ifc)
{
	const char *v = vpdn_interface_ip_address(ifc);

	if (!v && (v = vpdn_interface_ip_unnumbered(ifc)))
		v = vpdn_interface_ip_address(vpdn_interface_find(root, v));
	return v;
}
