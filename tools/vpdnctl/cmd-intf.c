/* SPDX-License-Identifier: MIT */
/*
 * show interfaces [virtual-access N | NAME], show users.
 *
 * IP interfaces are the ip module's objects (/org/vpdnd/interface/<name>,
 * org.vpdnd.Interface1); L2TP sessions (org.vpdnd.Session1) give the
 * "Bound to Tnl/Cl" line and the LAC's forwarded users. Interfaces come
 * from the ip module's paged ListInterfaces, sessions from the l2tp
 * module's paged ListSessions (neither is one message that grows with
 * the calls); every basic property is kept as text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "format.h"
#include "json.h"
#include "vpdnctl.h"

#define INTF_IFACE "org.vpdnd.Interface1"
#define SESSION_IFACE "org.vpdnd.Session1"

/* One object's interface: property name -> text. */
struct obj {
	char *path;
	char *iface;
	GHashTable *props;
};

static void obj_free(gpointer p)
{
	struct obj *o = p;

	g_free(o->path);
	g_free(o->iface);
	g_hash_table_unref(o->props);
	g_free(o);
}

static const char *prop(const struct obj *o, const char *name)
{
	const char *v = g_hash_table_lookup(o->props, name);
	return v ? v : "";
}

static uint64_t prop_u(const struct obj *o, const char *name)
{
	return g_ascii_strtoull(prop(o, name), NULL, 10);
}

/* A variant as text (basic types), or NULL (skipped). */
static int read_text(sd_bus_message *m, char **out)
{
	const char *contents = NULL;
	char t;
	int r;

	*out = NULL;
	r = sd_bus_message_peek_type(m, &t, &contents);
	if (r < 0)
		return r;
	if (!contents || strlen(contents) != 1 || !strchr("sobyqnuixtd", contents[0]))
		return sd_bus_message_skip(m, "v");
	r = sd_bus_message_enter_container(m, 'v', contents);
	if (r < 0)
		return r;
	switch (contents[0]) {
	case 's': case 'o': {
		const char *s;
		r = sd_bus_message_read_basic(m, contents[0], &s);
		if (r >= 0)
			*out = g_strdup(s);
		break;
	}
	case 'b': {
		int b;
		r = sd_bus_message_read_basic(m, 'b', &b);
		if (r >= 0)
			*out = g_strdup(b ? "true" : "false");
		break;
	}
	case 'y': { uint8_t v; r = sd_bus_message_read_basic(m, 'y', &v); if (r >= 0) *out = g_strdup_printf("%u", v); break; }
	case 'q': { uint16_t v; r = sd_bus_message_read_basic(m, 'q', &v); if (r >= 0) *out = g_strdup_printf("%u", v); break; }
	case 'n': { int16_t v; r = sd_bus_message_read_basic(m, 'n', &v); if (r >= 0) *out = g_strdup_printf("%d", v); break; }
	case 'u': { uint32_t v; r = sd_bus_message_read_basic(m, 'u', &v); if (r >= 0) *out = g_strdup_printf("%" PRIu32, v); break; }
	case 'i': { int32_t v; r = sd_bus_message_read_basic(m, 'i', &v); if (r >= 0) *out = g_strdup_printf("%" PRId32, v); break; }
	case 'x': { int64_t v; r = sd_bus_message_read_basic(m, 'x', &v); if (r >= 0) *out = g_strdup_printf("%" PRId64, v); break; }
	case 't': { uint64_t v; r = sd_bus_message_read_basic(m, 't', &v); if (r >= 0) *out = g_strdup_printf("%" PRIu64, v); break; }
	case 'd': { double v; r = sd_bus_message_read_basic(m, 'd', &v); if (r >= 0) *out = g_strdup_printf("%g", v); break; }
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

struct want_objects {
	const char *const *want; /* NULL-terminated interfaces to keep */
	GPtrArray *objs;
};

/* One row of a paged list: a wanted interface's properties are kept as
 * text, keyed by name. */
static int keep_object(sd_bus_message *m, const char *path, const char *iface, void *data)
{
	struct want_objects *w = data;
	bool keep = false;
	int r;

	for (const char *const *i = w->want; *i; i++)
		keep = keep || strcmp(*i, iface) == 0;
	if (!keep)
		return sd_bus_message_skip(m, "a{sv}");

	struct obj *o = g_new0(struct obj, 1);
	o->path = g_strdup(path);
	o->iface = g_strdup(iface);
	o->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_ptr_array_add(w->objs, o);
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	while (r > 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *name;
		char *text = NULL;

		r = sd_bus_message_read_basic(m, 's', &name);
		if (r >= 0)
			r = read_text(m, &text);
		if (r >= 0 && text)
			g_hash_table_replace(o->props, g_strdup(name), text);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = 1;
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	return r;
}

/* Every object's interfaces among `want` (NULL-terminated). Neither IP
 * interfaces nor L2TP sessions are managed objects (an LNS has one
 * Virtual-Access interface and one session per call): the ip module's
 * ListInterfaces and the l2tp module's ListSessions page through them. */
static int get_objects(struct vpdnctl *c, const char *const *want, GPtrArray **ret)
{
	static const struct {
		const char *iface, *what, *path, *interface, *method;
	} lists[] = {
		{ INTF_IFACE, "list the IP interfaces", VPDN_DBUS_ROOT "/module/ip",
		  "org.vpdnd.Ip1", "ListInterfaces" },
		{ SESSION_IFACE, "list the L2TP sessions", VPDN_DBUS_ROOT "/module/l2tp",
		  "org.vpdnd.L2tp1", "ListSessions" },
	};
	GPtrArray *objs = g_ptr_array_new_with_free_func(obj_free);
	int ret_code;

	for (size_t k = 0; k < G_N_ELEMENTS(lists); k++) {
		bool wanted = false;

		for (const char *const *i = want; *i; i++)
			wanted = wanted || strcmp(*i, lists[k].iface) == 0;
		if (!wanted)
			continue;
		ret_code = vpdnctl_walk_pages(c, lists[k].what, lists[k].path, lists[k].interface,
					      lists[k].method, lists[k].iface, keep_object,
					      &(struct want_objects){ want, objs });
		if (ret_code != VPDNCTL_OK) {
			g_ptr_array_free(objs, TRUE);
			return ret_code;
		}
	}
	*ret = objs;
	return VPDNCTL_OK;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	const struct obj *x = *(struct obj *const *)a, *y = *(struct obj *const *)b;
	int r = strcmp(x->iface, y->iface);

	return r ? r : strcmp(prop(x, "Name"), prop(y, "Name"));
}

/* "Vi2" -> "Virtual-Access2", "Di2" -> "Dialer2"; others as they are. */
static char *long_name(const char *n)
{
	if (g_str_has_prefix(n, "Vi") && g_ascii_isdigit(n[2]))
		return g_strdup_printf("Virtual-Access%s", n + 2);
	if (g_str_has_prefix(n, "Di") && g_ascii_isdigit(n[2]))
		return g_strdup_printf("Dialer%s", n + 2);
	return g_strdup(n);
}

/* Does the interface object answer to `want` ("Virtual-Access2", "Vi2",
 * "vi2", "Dialer2")? Its Name or the PPP link it carries (Link). */
static bool intf_matches(const struct obj *o, const char *want)
{
	const char *names[] = { prop(o, "Name"), prop(o, "Link"), prop(o, "KernelName") };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		char *l = long_name(names[i]);
		bool hit = *names[i] && (g_ascii_strcasecmp(names[i], want) == 0 ||
					 g_ascii_strcasecmp(l, want) == 0);
		g_free(l);
		if (hit)
			return true;
	}
	return false;
}

/* The L2TP session carried by interface object o, or NULL. */
static const struct obj *session_of(GPtrArray *objs, const struct obj *o)
{
	for (guint i = 0; i < objs->len; i++) {
		const struct obj *s = objs->pdata[i];
		const char *si = prop(s, "Interface");

		if (strcmp(s->iface, SESSION_IFACE) || !*si)
			continue;
		if (!strcmp(si, prop(o, "Name")) || (*prop(o, "Link") && !strcmp(si, prop(o, "Link"))))
			return s;
	}
	return NULL;
}

static const char *const intf_string_props[] = {
	"Name", "KernelName", "Kind", "State", "LocalAddress", "PeerAddress", "User", "Profile",
	"Link", "Config", "Unnumbered", "Ipv6State", "Ipv6LinkLocal", "Ipv6PeerLinkLocal",
	"Ipv6Prefix", "Ipv6Routed", NULL
};
static const char *const intf_number_props[] = {
	"Ifindex", "Mtu", "PacketsIn", "PacketsOut", "BytesIn", "BytesOut", "Drops", "Uptime",
	"Ipv6PacketsIn", "Ipv6PacketsOut", "Ipv6BytesIn", "Ipv6BytesOut", NULL
};

static void intf_json(struct json *j, GPtrArray *objs, const struct obj *o)
{
	const struct obj *s = session_of(objs, o);

	json_object_begin(j);
	for (const char *const *p = intf_string_props; *p; p++) {
		char *key = g_ascii_strdown(*p, -1);
		json_kv_string(j, key, prop(o, *p));
		g_free(key);
	}
	json_kv_uint(j, "ifindex", prop_u(o, "Ifindex"));
	json_kv_uint(j, "mtu", prop_u(o, "Mtu"));
	json_kv_uint(j, "packets_in", prop_u(o, "PacketsIn"));
	json_kv_uint(j, "packets_out", prop_u(o, "PacketsOut"));
	json_kv_uint(j, "bytes_in", prop_u(o, "BytesIn"));
	json_kv_uint(j, "bytes_out", prop_u(o, "BytesOut"));
	json_kv_uint(j, "drops", prop_u(o, "Drops"));
	json_kv_uint(j, "uptime", prop_u(o, "Uptime"));
	json_kv_uint(j, "ipv6_packets_in", prop_u(o, "Ipv6PacketsIn"));
	json_kv_uint(j, "ipv6_packets_out", prop_u(o, "Ipv6PacketsOut"));
	json_kv_uint(j, "ipv6_bytes_in", prop_u(o, "Ipv6BytesIn"));
	json_kv_uint(j, "ipv6_bytes_out", prop_u(o, "Ipv6BytesOut"));
	if (s) {
		json_kv_uint(j, "tunnel_id", prop_u(s, "TunnelId"));
		json_kv_uint(j, "session_id", prop_u(s, "LocalId"));
	}
	json_object_end(j);
	(void)intf_number_props;
}

/* The address of the interface an unnumbered one borrows. */
static const char *address_of(GPtrArray *objs, const char *name)
{
	for (guint i = 0; i < objs->len; i++) {
		const struct obj *o = objs->pdata[i];
		if (!strcmp(o->iface, INTF_IFACE) && !g_ascii_strcasecmp(prop(o, "Name"), name))
			return prop(o, "LocalAddress");
	}
	return "";
}

static void intf_text(FILE *f, GPtrArray *objs, const struct obj *o)
{
	const char *name = prop(o, "Name"), *kind = prop(o, "Kind"), *state = prop(o, "State");
	const struct obj *s = session_of(objs, o);
	bool up = !strcmp(state, "up");
	char *ln = long_name(*prop(o, "Link") && strcmp(kind, "dialer") ? prop(o, "Link") : name);
	char hms[32];

	if (!strcmp(kind, "dialer") && !up)
		fprintf(f, "%s is up (spoofing), line protocol is up (spoofing)\n", ln);
	else
		fprintf(f, "%s is %s, line protocol is %s\n", ln, up ? "up" : "down",
			up ? "up" : "down");
	if (!strcmp(kind, "virtual-access"))
		fputs("  Hardware is Virtual Access interface\n", f);
	else if (!strcmp(kind, "dialer"))
		fputs("  Hardware is Unknown\n", f);
	else if (!strcmp(kind, "loopback"))
		fputs("  Hardware is Loopback\n", f);
	else
		fprintf(f, "  Hardware is %s\n", kind);
	if (*prop(o, "Unnumbered")) {
		const char *a = address_of(objs, prop(o, "Unnumbered"));
		fprintf(f, "  Interface is unnumbered. Using address of %s (%s)\n", prop(o, "Unnumbered"),
			*a ? a : *prop(o, "LocalAddress") ? prop(o, "LocalAddress") : "none");
	} else if (*prop(o, "LocalAddress")) {
		fprintf(f, "  Internet address is %s/32\n", prop(o, "LocalAddress"));
	}
	if (*prop(o, "PeerAddress"))
		fprintf(f, "  Peer address is %s\n", prop(o, "PeerAddress"));
	if (*prop(o, "Ipv6LinkLocal")) {   /* IOS show ipv6 interface */
		fprintf(f, "  IPv6 is enabled, link-local address is %s (%s)\n",
			prop(o, "Ipv6LinkLocal"), prop(o, "Ipv6State"));
		if (*prop(o, "Ipv6PeerLinkLocal"))
			fprintf(f, "  IPv6 peer link-local address is %s\n",
				prop(o, "Ipv6PeerLinkLocal"));
		if (*prop(o, "Ipv6Prefix"))
			fprintf(f, "  IPv6 %s %s\n",
				!strcmp(prop(o, "Ipv6State"), "configured") ? "global address"
									    : "prefix advertised",
				prop(o, "Ipv6Prefix"));
		if (*prop(o, "Ipv6Routed"))
			fprintf(f, "  IPv6 routed (delegated) %s\n", prop(o, "Ipv6Routed"));
	}
	fprintf(f, "  MTU %" PRIu64 " bytes\n", prop_u(o, "Mtu"));
	if (*prop(o, "Config") && strcmp(prop(o, "Config"), name))
		fprintf(f, "  Cloned from %s\n", prop(o, "Config"));
	if (*prop(o, "Profile") && strcmp(prop(o, "Profile"), name))
		fprintf(f, "  Bound to profile %s\n", prop(o, "Profile"));
	if (!strcmp(kind, "dialer") && *prop(o, "Link"))
		fprintf(f, "  Bound to %s\n", prop(o, "Link"));
	if (s)
		fprintf(f, "  Bound to Tnl/Cl %" PRIu64 "/%" PRIu64 "\n", prop_u(s, "TunnelId"),
			prop_u(s, "LocalId"));
	if (*prop(o, "User"))
		fprintf(f, "  User %s\n", prop(o, "User"));
	if (*prop(o, "KernelName"))
		fprintf(f, "  Kernel interface %s\n", prop(o, "KernelName"));
	if (up)
		fprintf(f, "  Uptime %s\n", fmt_hms(prop_u(o, "Uptime"), hms, sizeof(hms)));
	fprintf(f, "     %" PRIu64 " packets input, %" PRIu64 " bytes\n", prop_u(o, "PacketsIn"),
		prop_u(o, "BytesIn"));
	fprintf(f, "     %" PRIu64 " packets output, %" PRIu64 " bytes\n", prop_u(o, "PacketsOut"),
		prop_u(o, "BytesOut"));
	if (*prop(o, "Ipv6State") || prop_u(o, "Ipv6PacketsIn") || prop_u(o, "Ipv6PacketsOut"))
		fprintf(f, "     IPv6: %" PRIu64 " packets input, %" PRIu64 " bytes, %" PRIu64
			" packets output, %" PRIu64 " bytes\n", prop_u(o, "Ipv6PacketsIn"),
			prop_u(o, "Ipv6BytesIn"), prop_u(o, "Ipv6PacketsOut"), prop_u(o, "Ipv6BytesOut"));
	fprintf(f, "     %" PRIu64 " drops\n", prop_u(o, "Drops"));
	g_free(ln);
}

static int show_interfaces_named(struct vpdnctl *c, const char *want, bool va_only)
{
	static const char *const ifaces[] = { INTF_IFACE, SESSION_IFACE, NULL };
	GPtrArray *objs = NULL;
	struct json j;
	int ret, n = 0;

	ret = get_objects(c, ifaces, &objs);
	if (ret != VPDNCTL_OK)
		return ret;
	g_ptr_array_sort(objs, by_name);
	if (c->json) {
		json_init(&j, c->out);
		json_array_begin(&j);
	}
	for (guint i = 0; i < objs->len; i++) {
		const struct obj *o = objs->pdata[i];

		if (strcmp(o->iface, INTF_IFACE))
			continue;
		if (want && !intf_matches(o, want))
			continue;
		if (va_only && !want && strcmp(prop(o, "Kind"), "virtual-access"))
			continue;
		if (c->json)
			intf_json(&j, objs, o);
		else
			intf_text(c->out, objs, o);
		n++;
	}
	if (c->json)
		json_array_end(&j);
	g_ptr_array_free(objs, TRUE);
	if (want && n == 0) {
		fprintf(stderr, "vpdnctl: no interface %s on this node\n", want);
		return VPDNCTL_FAILED;
	}
	return VPDNCTL_OK;
}

static int show_interfaces(struct vpdnctl *c, int argc, char **argv)
{
	return show_interfaces_named(c, argc ? argv[0] : NULL, false);
}

static int show_interfaces_va(struct vpdnctl *c, int argc, char **argv)
{
	char *want;
	int ret;

	if (argc == 0)
		return show_interfaces_named(c, NULL, true);
	if (!g_ascii_isdigit(argv[0][0]) || strspn(argv[0], "0123456789") != strlen(argv[0])) {
		fprintf(stderr, "vpdnctl: virtual-access wants a number, not '%s'\n", argv[0]);
		return VPDNCTL_USAGE;
	}
	want = g_strdup_printf("Virtual-Access%s", argv[0]);
	ret = show_interfaces_named(c, want, true);
	g_free(want);
	return ret;
}

/* Users: up IP interfaces with a user (with their IPv6 state from the ip
 * module's Interface1), then L2TP sessions whose interface is not an IP
 * interface here (the LAC's forwarded calls). */
static int show_users(struct vpdnctl *c, int argc, char **argv)
{
	static const char *const ifaces[] = { INTF_IFACE, SESSION_IFACE, NULL };
	GPtrArray *objs = NULL;
	GArray *rows;
	int ret;

	ret = get_objects(c, ifaces, &objs);
	if (ret != VPDNCTL_OK)
		return ret;
	g_ptr_array_sort(objs, by_name);
	rows = g_array_new(FALSE, TRUE, sizeof(struct fmt_user_row));
	g_array_set_clear_func(rows, (GDestroyNotify)fmt_user_clear);
	for (guint i = 0; i < objs->len; i++) {
		const struct obj *o = objs->pdata[i];
		struct fmt_user_row u = { 0 };
		char hms[32];

		if (!strcmp(o->iface, INTF_IFACE)) {
			const struct obj *s;
			const char *link = *prop(o, "Link") ? prop(o, "Link") : prop(o, "Name");

			if (strcmp(prop(o, "State"), "up") || !*prop(o, "User"))
				continue;
			s = session_of(objs, o);
			u.mode = s ? g_strdup_printf("PPP (L2TP %" PRIu64 "/%" PRIu64 ")",
						     prop_u(s, "TunnelId"), prop_u(s, "LocalId"))
				   : g_strdup("PPP");
			u.interface = g_strdup(link);
			u.user = g_strdup(prop(o, "User"));
			u.uptime = g_strdup(fmt_hms(prop_u(o, "Uptime"), hms, sizeof(hms)));
			u.peer_address = g_strdup(prop(o, "PeerAddress"));
			u.ipv6_state = g_strdup(prop(o, "Ipv6State"));
			u.ipv6_link_local = g_strdup(prop(o, "Ipv6LinkLocal"));
			u.ipv6_peer_link_local = g_strdup(prop(o, "Ipv6PeerLinkLocal"));
			u.ipv6_prefix = g_strdup(prop(o, "Ipv6Prefix"));
			u.ipv6_routed = g_strdup(prop(o, "Ipv6Routed"));
		} else {
			bool local = false;
			const char *si = prop(o, "Interface");

			if (!*prop(o, "Username") || strcmp(prop(o, "State"), "est"))
				continue;
			for (guint k = 0; k < objs->len && !local; k++) {
				const struct obj *x = objs->pdata[k];
				local = !strcmp(x->iface, INTF_IFACE) &&
					(!strcmp(prop(x, "Name"), si) || !strcmp(prop(x, "Link"), si));
			}
			if (local)
				continue;
			u.mode = g_strdup_printf("VPDN (L2TP %" PRIu64 "/%" PRIu64 ")",
						 prop_u(o, "TunnelId"), prop_u(o, "LocalId"));
			u.interface = g_strdup(si);
			u.user = g_strdup(prop(o, "Username"));
			u.uptime = g_strdup(fmt_hms(prop_u(o, "LastChange"), hms, sizeof(hms)));
			u.peer_address = g_strdup("");
		}
		g_array_append_val(rows, u);
	}
	if (c->json)
		fmt_users_json(c->out, (const struct fmt_user_row *)rows->data, rows->len);
	else
		fmt_users(c->out, (const struct fmt_user_row *)rows->data, rows->len);
	g_array_free(rows, TRUE);
	g_ptr_array_free(objs, TRUE);
	return VPDNCTL_OK;
}

/* show ipv6 dhcp binding: the dhcpv6 module's Dhcpv6Server1.Bindings
 * (IOS's name): each delegated prefix, its session and lifetimes. */
static int show_ipv6_dhcp_binding(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *ifn, *user, *pfx, *state;
	uint32_t pref, valid, iaid;
	uint64_t left_ms;
	struct json j;
	int r, ret;

	r = sd_bus_get_property(c->bus, c->name, VPDN_DBUS_ROOT "/module/dhcpv6",
				"org.vpdnd.Dhcpv6Server1", "Bindings", &error, &reply,
				"a(ssssuuut)");
	if (r < 0) {
		ret = vpdnctl_call_failed(c, "read the DHCPv6 bindings (is the dhcpv6 module "
					  "loaded?)", r, &error);
		sd_bus_error_free(&error);
		return ret;
	}
	r = sd_bus_message_enter_container(reply, 'a', "(ssssuuut)");
	if (c->json) {
		json_init(&j, c->out);
		json_array_begin(&j);
	}
	while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssuuut)", &ifn, &user, &pfx, &state,
						  &pref, &valid, &iaid, &left_ms)) > 0) {
		if (c->json) {
			json_object_begin(&j);
			json_kv_string(&j, "prefix", pfx);
			json_kv_string(&j, "interface", ifn);
			json_kv_string(&j, "user", user);
			json_kv_string(&j, "state", state);
			json_kv_uint(&j, "iaid", iaid);
			json_kv_uint(&j, "preferred_lifetime", pref);
			json_kv_uint(&j, "valid_lifetime", valid);
			json_kv_uint(&j, "expires_in", left_ms / 1000);
			json_object_end(&j);
		} else {
			fprintf(c->out, "Client: %s (%s)\n", *user ? user : "-", ifn);
			fprintf(c->out, "  IA PD: IA ID 0x%08" PRIX32 ", %s\n", iaid, state);
			fprintf(c->out, "    Prefix: %s\n", pfx);
			fprintf(c->out, "            preferred lifetime %" PRIu32 ", valid lifetime %"
				PRIu32 "\n", pref, valid);
			fprintf(c->out, "            expires in %" PRIu64 " seconds\n", left_ms / 1000);
		}
	}
	if (c->json)
		json_array_end(&j);
	sd_bus_message_unref(reply);
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse Bindings: %s\n", strerror(-r));
		return VPDNCTL_FAILED;
	}
	return VPDNCTL_OK;
}

/* clear isdn call ID: org.vpdnd.Isdn1.HangUp ("0x011B" or decimal), or
 * org.vpdnd.Line1.HangUp on a node with serial lines only. */
static int clear_isdn_call(struct vpdnctl *c, int argc, char **argv)
{
	char *end = NULL;
	unsigned long id = strtoul(argv[0], &end, 0);
	int ret;

	if (!*argv[0] || !end || *end || id == 0 || id > UINT32_MAX) {
		fprintf(stderr, "vpdnctl: bad call id '%s' (e.g. 0x011B, as show isdn active prints)\n",
			argv[0]);
		return VPDNCTL_USAGE;
	}
	/* Either carrier's HangUp clears any call of the node (CALL_HANGUP on
	 * its bus); a node with serial lines only has no isdn module. */
	if (vpdnctl_has_property(c, VPDN_DBUS_ROOT "/module/isdn", VPDN_DBUS_MODULE_IFACE, "Name", "s") ||
	    !vpdnctl_has_property(c, VPDN_DBUS_ROOT "/module/line", VPDN_DBUS_MODULE_IFACE, "Name", "s"))
		ret = vpdnctl_call(c, "hang up the call", VPDN_DBUS_ROOT "/module/isdn",
				   "org.vpdnd.Isdn1", "HangUp", NULL, "u", (uint32_t)id);
	else
		ret = vpdnctl_call(c, "hang up the call", VPDN_DBUS_ROOT "/module/line",
				   "org.vpdnd.Line1", "HangUp", NULL, "u", (uint32_t)id);
	if (ret == VPDNCTL_OK && !c->json)
		fprintf(c->out, "Call 0x%04lX hung up\n", id);
	return ret;
}

const struct vpdnctl_command vpdnctl_intf_commands[] = {
	{ "clear isdn call", "ID", 1, 1, CMD_NODE | CMD_EXACT, clear_isdn_call,
	  "Hang up an ISDN or serial-line call (ID as show isdn active prints it)" },
	{ "show interfaces", "[NAME]", 0, 1, CMD_NODE, show_interfaces,
	  "IP interfaces: state, addresses, user, counters (all, or one)" },
	{ "show interfaces virtual-access", "[N]", 0, 1, CMD_NODE, show_interfaces_va,
	  "A Virtual-Access interface (IOS-like), or all of them" },
	{ "show ipv6 dhcp binding", NULL, 0, 0, CMD_NODE, show_ipv6_dhcp_binding,
	  "DHCPv6 delegated prefixes: session, user, lifetimes (IOS's name)" },
	{ "show users", NULL, 0, 0, CMD_NODE, show_users,
	  "Users logged in: interface, user, mode, uptime, peer address, IPv6" },
	{ NULL }
};
