/* SPDX-License-Identifier: MIT */
/*
 * Restart in place for pppoe (docs/RESTART.md): the module's save and
 * restore hooks. The AF_PACKET sockets of each interface are handed to
 * the successor ("pppoe/packet/ethernet1/disc", ".../sess"): frames that
 * arrive meanwhile wait in their buffers. What is saved (state version
 * PPPOE_STATE_VERSION), as a{sv}:
 *
 *   next-unit (session names go on from there); sessions: per open
 *   access-concentrator session with its call: the interface, session
 *   ID, peer MAC, payload size, unit and name ("PPPoE7"), Service-Name,
 *   Host-Uniq and Relay-Session-Id (echoed in a PADT), the call id, the
 *   calling MAC text, the template that answered it, its age.
 *
 * Restore rebuilds each session open with the same ID and name, and its
 * call, and offers the call's link as "carrier/PPPoE7" to whoever had it
 * spliced (l2tp at a LAC). One nobody takes back is ended with a PADT,
 * logged and counted. Not saved: client sessions and sessions still in
 * discovery (the client retries), the AC-Cookie keys (a PADR in flight
 * during the switch is refused; the client starts again with a PADI).
 */
#include <errno.h>
#include <glib.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <vpdnd/restart.h>

#include "pppoe-module.h"

static void fd_name(const char *ifname, const char *kind, char *buf, size_t size)
{
	g_snprintf(buf, size, "pppoe/packet/%s/%s", ifname, kind);
	for (char *p = buf; *p; p++)
		if (*p == ':')
			*p = '_';
}

int pppoe_state_take_socket(struct pppoe_module *m, const char *ifname, const char *kind,
			    int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof(sll);
	char name[96];
	int fd;

	if (!vpdn_core_restarted(m->core))
		return -1;
	fd_name(ifname, kind, name, sizeof(name));
	fd = vpdn_core_take_fd(m->core, name);
	if (fd < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	if (getsockname(fd, (struct sockaddr *)&sll, &len) < 0 || sll.sll_family != AF_PACKET ||
	    sll.sll_ifindex != ifindex || sll.sll_protocol != htons(proto)) {
		vpdn_warn(m->log, "%s PPPoE: restart: %s handed over is not that socket: opening "
			  "a new one", ifname, name);
		close(fd);
		return -1;
	}
	return fd;
}

static GVariant *bytes_v(const uint8_t *p, size_t n)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, n ? p : (const uint8_t *)"", n, 1);
}

struct save_ctx {
	struct pppoe_module *m;
	GVariantBuilder *b;
	unsigned n, skipped;
};

static gboolean save_call(gpointer key, gpointer value, gpointer data)
{
	struct save_ctx *x = data;
	struct pppoe_call *c = value;
	struct pppoe_session *s = c->s;
	GVariantBuilder b;
	uint64_t now = vpdn_timers_now(x->m->e->tm);

	if (c->dead || !c->connected || !s || s->role != PPPOE_ROLE_SERVER ||
	    s->state != PPPOE_ST_OPEN || !c->link || !c->port->attached) {
		x->skipped++;
		return FALSE;
	}
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
#define ADD(k, v) g_variant_builder_add(&b, "{sv}", (k), (v))
	ADD("if", g_variant_new_string(s->ifc->name));
	ADD("sid", g_variant_new_uint16(s->id));
	ADD("peer", bytes_v(s->peer, 6));
	ADD("mtu", g_variant_new_uint16(s->mtu));
	ADD("unit", g_variant_new_uint32(s->unit));
	ADD("name", g_variant_new_string(s->name));
	if (s->service)
		ADD("service", g_variant_new_string(s->service));
	ADD("host-uniq", bytes_v(s->host_uniq, s->host_uniq_len));
	ADD("relay", bytes_v(s->relay, s->relay_len));
	ADD("call-id", g_variant_new_uint32(c->call_id));
	ADD("calling", g_variant_new_string(c->calling));
	if (c->config)
		ADD("config", g_variant_new_string(c->config));
	ADD("age-ms", g_variant_new_uint64(now > s->created_ms ? now - s->created_ms : 0));
#undef ADD
	g_variant_builder_add_value(x->b, g_variant_builder_end(&b));
	x->n++;
	return FALSE;
}

GVariant *pppoe_state_save(struct pppoe_module *m)
{
	GVariantBuilder b, sb;
	struct save_ctx x = { .m = m, .b = &sb };
	char name[96];

	/* Frames queued by the old process go out now. */
	pppoe_flush(m);
	for (guint i = 0; i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);

		if (!p->attached)
			continue;
		fd_name(p->ifc->name, "disc", name, sizeof(name));
		if (p->fd_disc >= 0 && vpdn_core_keep_fd(m->core, name, p->fd_disc) < 0)
			vpdn_warn(m->log, "%s PPPoE: restart: cannot keep %s", p->ifc->name, name);
		fd_name(p->ifc->name, "sess", name, sizeof(name));
		if (p->fd_sess >= 0 && vpdn_core_keep_fd(m->core, name, p->fd_sess) < 0)
			vpdn_warn(m->log, "%s PPPoE: restart: cannot keep %s", p->ifc->name, name);
	}
	g_variant_builder_init(&sb, G_VARIANT_TYPE("aa{sv}"));
	g_tree_foreach(m->calls, save_call, &x);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&b, "{sv}", "next-unit", g_variant_new_uint32(m->e->next_unit));
	g_variant_builder_add(&b, "{sv}", "sessions", g_variant_builder_end(&sb));
	vpdn_notice(m->log, "PPPoE: restart: saved %u session%s (%u not open at the access "
		    "concentrator: left)", x.n, x.n == 1 ? "" : "s", x.skipped);
	return g_variant_builder_end(&b);
}

struct find_link {
	struct vpdn_link *link;
	struct pppoe_call *c;
};

static gboolean by_link(gpointer key, gpointer value, gpointer data)
{
	struct find_link *f = data;
	struct pppoe_call *c = value;

	if (c->link == f->link) {
		f->c = c;
		return TRUE;
	}
	return FALSE;
}

/* A restored session whose link nobody took back: PADT. */
static void session_orphan(void *ctx, struct vpdn_link *link)
{
	struct pppoe_module *m = ctx;
	struct find_link f = { .link = link };
	uint64_t *lost;

	g_tree_foreach(m->calls, by_link, &f);
	if (!f.c)
		return;
	vpdn_warn(m->log, "%s PPPoE: restart: %s not taken back, ending it", f.c->port->ifc->name,
		  vpdn_link_name(link));
	lost = vpdn_core_counter(m->core, "pppoe_restart_sessions_lost_total",
				 "PPPoE sessions saved at a restart in place that could not be rebuilt");
	if (lost)
		(*lost)++;
	pppoe_call_clear(f.c, "not restored after restart");
}

static bool get_bytes(GVariant *d, const char *key, uint8_t **out, uint16_t *len)
{
	GVariant *v = g_variant_lookup_value(d, key, G_VARIANT_TYPE_BYTESTRING);
	gsize n = 0;
	const void *p;

	*out = NULL;
	*len = 0;
	if (!v)
		return false;
	p = g_variant_get_fixed_array(v, &n, 1);
	if (n && n <= 0xffff) {
		*out = g_memdup2(p, n);
		*len = (uint16_t)n;
	}
	g_variant_unref(v);
	return true;
}

/* The core's call ids go on past id (they are handed out in order), so a
 * new call of any carrier never gets a restored call's id. */
static void call_id_past(struct vpdn_core *core, uint32_t id)
{
	for (unsigned i = 0; i < (1u << 24); i++)
		if (vpdn_core_call_id(core) >= id)
			return;
}

static int restore_session(struct pppoe_module *m, GVariant *d)
{
	const char *ifname = NULL, *name = NULL, *service = NULL, *calling = "", *config = NULL;
	guint16 sid = 0, mtu = 0;
	guint32 unit = 0, call_id = 0;
	guint64 age = 0;
	GVariant *peer;
	uint8_t mac[6];
	gsize n = 0;
	struct pppoe_port *p;
	struct pppoe_session *s;
	struct pppoe_call *c;
	char key[64];

	if (!g_variant_lookup(d, "if", "&s", &ifname) || !g_variant_lookup(d, "sid", "q", &sid) ||
	    !g_variant_lookup(d, "mtu", "q", &mtu) || !g_variant_lookup(d, "unit", "u", &unit) ||
	    !g_variant_lookup(d, "name", "&s", &name) ||
	    !g_variant_lookup(d, "call-id", "u", &call_id) || !sid || sid == 0xffff ||
	    strlen(name) >= sizeof(s->name) ||
	    !(peer = g_variant_lookup_value(d, "peer", G_VARIANT_TYPE_BYTESTRING)))
		return -EBADMSG;
	{
		const void *pm = g_variant_get_fixed_array(peer, &n, 1);
		if (n == 6)
			memcpy(mac, pm, 6);
	}
	g_variant_unref(peer);
	if (n != 6)
		return -EBADMSG;
	g_variant_lookup(d, "service", "&s", &service);
	g_variant_lookup(d, "calling", "&s", &calling);
	g_variant_lookup(d, "config", "&s", &config);
	g_variant_lookup(d, "age-ms", "t", &age);
	p = pppoe_port_find(m, ifname);
	if (!p || !p->attached || !p->ifc->group) {
		vpdn_warn(m->log, "%s PPPoE: restart: session %u of %s not restored: the interface "
			  "is not an access concentrator's any more", ifname, sid, name);
		return -ENOENT;
	}
	if (g_tree_lookup(m->calls, GUINT_TO_POINTER(call_id)))
		return -EEXIST;
	{
		/* Its own unit, not a new one (next-unit covers it). */
		uint32_t next = m->e->next_unit;
		s = pppoe_session_new(p->ifc, PPPOE_ROLE_SERVER, mac);
		m->e->next_unit = next;
	}
	if (pppoe_session_bind_id(s, sid) < 0) {
		pppoe_session_free(s);
		return -EEXIST;
	}
	s->unit = unit;
	g_strlcpy(s->name, name, sizeof(s->name));
	s->mtu = mtu;
	s->service = g_strdup(service);
	get_bytes(d, "host-uniq", &s->host_uniq, &s->host_uniq_len);
	get_bytes(d, "relay", &s->relay, &s->relay_len);
	{
		uint64_t now = vpdn_timers_now(m->e->tm);
		s->created_ms = now > age ? now - age : 0;
	}
	pppoe_session_set_state(s, PPPOE_ST_OPEN, "restored after restart");
	c = pppoe_call_restore(m, p, s, call_id);
	g_strlcpy(c->calling, calling, sizeof(c->calling));
	c->config = g_strdup(config);
	call_id_past(m->core, call_id);
	g_snprintf(key, sizeof(key), "carrier/%s", vpdn_link_name(c->link));
	if (vpdn_core_restored_link_offer(m->core, key, c->link, session_orphan, m) < 0) {
		pppoe_call_clear(c, "not restored after restart");
		return -EEXIST;
	}
	vpdn_info(m->log, "%s PPPoE: restart: %s session %u with %s restored open", ifname, name,
		  sid, calling);
	return 0;
}

int pppoe_state_restore(struct pppoe_module *m, GVariant *data, uint32_t version)
{
	GVariant *list, *d;
	GVariantIter it;
	guint32 next_unit = 0;
	unsigned n = 0, lost = 0;

	if (version != PPPOE_STATE_VERSION)
		return -EPROTO;
	if (!g_variant_is_of_type(data, G_VARIANT_TYPE("a{sv}")) ||
	    !(list = g_variant_lookup_value(data, "sessions", G_VARIANT_TYPE("aa{sv}"))))
		return -EBADMSG;
	if (g_variant_lookup(data, "next-unit", "u", &next_unit) && next_unit > m->e->next_unit)
		m->e->next_unit = next_unit;
	g_variant_iter_init(&it, list);
	while ((d = g_variant_iter_next_value(&it))) {
		if (restore_session(m, d) == 0)
			n++;
		else
			lost++;
		g_variant_unref(d);
	}
	g_variant_unref(list);
	vpdn_notice(m->log, "PPPoE: restart: %u session%s restored, %u lost", n, n == 1 ? "" : "s",
		    lost);
	return 0;
}
