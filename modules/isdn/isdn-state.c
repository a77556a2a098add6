/* SPDX-License-Identifier: MIT */
/*
 * Restart in place for isdn (docs/RESTART.md): the module's save and
 * restore hooks. The connection to the ISDN network (the switch) is
 * handed to the successor as "isdn/stream": the switch never sees it
 * close, so it keeps the node's registrations and calls. What is saved
 * (state version ISDN_STATE_VERSION), as a{sv}:
 *
 *   ports: (name, dchan index, registered) per port; rx: the octets read
 *   from the stream that are not a whole message yet; next-cref,
 *   next-out; calls: per active call (U10) its D channel index, call
 *   reference, call id, direction, B channel, numbers, bearer, the
 *   peer's PPP name and how long it has been up.
 *
 * Restore adopts the stream (no REGISTER for the ports the switch
 * already has), rebuilds each call active on its B channel and offers
 * its link as "carrier/Se0:17" (the link's name) to whoever had it
 * spliced (l2tp at a LAC). A call nobody takes back is cleared toward
 * the network (DISCONNECT, cause 16), logged and counted. Calls still
 * being set up or cleared are not saved: the network's own timers end
 * them. When the stream cannot be adopted (no state, another version,
 * the ports renumbered), it is closed and the module connects anew:
 * the switch clears the old calls.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include <vpdnd/restart.h>

#include "isdn-private.h"
#include "isdn-state.h"
#include "port.h"
#include "stream.h"

#define FD_NAME "isdn/stream"

static GVariant *save_call(struct isdn *is, struct isdn_call *c)
{
	GVariantBuilder b;
	uint64_t now = vpdn_timers_now(is->tm);

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
#define ADD(k, v) g_variant_builder_add(&b, "{sv}", (k), (v))
	ADD("dchan", g_variant_new_uint16(c->port->dchan_ix));
	ADD("cref", g_variant_new_uint16((uint16_t)c->key));
	ADD("call-id", g_variant_new_uint32(c->call_id));
	ADD("dir", g_variant_new_byte((uint8_t)c->dir));
	ADD("chan", g_variant_new_int32(c->chan));
	ADD("calling", g_variant_new_string(c->calling));
	ADD("called", g_variant_new_string(isdn_call_called(c)));
	ADD("bearer", g_variant_new_uint32(c->bearer));
	ADD("remote", g_variant_new_string(c->remote_name ? c->remote_name : ""));
	ADD("up-ms", g_variant_new_uint64(now > c->active_at ? now - c->active_at : 0));
#undef ADD
	return g_variant_builder_end(&b);
}

GVariant *isdn_state_save(struct isdn *is)
{
	GVariantBuilder b, pb, cb;
	GHashTableIter it;
	gpointer v;
	unsigned n = 0, skipped = 0;
	const uint8_t *rx = NULL;
	size_t rx_len = 0;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_init(&pb, G_VARIANT_TYPE("a(sqb)"));
	for (guint i = 0; i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		g_variant_builder_add(&pb, "(sqb)", p->name, p->dchan_ix, p->registered);
	}
	g_variant_builder_add(&b, "{sv}", "ports", g_variant_builder_end(&pb));
	g_variant_builder_init(&cb, G_VARIANT_TYPE("aa{sv}"));
	if (is->stream) {
		/* What the old process queued goes out now (the successor
		 * does not know it); a message half read comes along. */
		if (isdn_stream_flush(is->stream, 200) < 0)
			vpdn_warn(is->log, "ISDN: restart: could not write everything queued to the "
				  "ISDN network");
		rx = isdn_stream_pending_rx(is->stream, &rx_len);
		if (vpdn_core_keep_fd(is->core, FD_NAME, isdn_stream_fd(is->stream)) < 0)
			vpdn_warn(is->log, "ISDN: restart: cannot keep the ISDN network connection");
		g_hash_table_iter_init(&it, is->calls);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			struct isdn_call *c = v;

			if (c->released || c->q.state != Q931_ACTIVE || c->chan < 0 || !c->link ||
			    c->b_gone) {
				skipped++;
				continue;
			}
			g_variant_builder_add_value(&cb, save_call(is, c));
			n++;
		}
	}
	g_variant_builder_add(&b, "{sv}", "calls", g_variant_builder_end(&cb));
	g_variant_builder_add(&b, "{sv}", "rx",
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, rx_len ? rx : (const uint8_t *)"",
							rx_len, 1));
	g_variant_builder_add(&b, "{sv}", "next-cref", g_variant_new_uint16(is->next_cref));
	g_variant_builder_add(&b, "{sv}", "next-out", g_variant_new_uint32(is->next_out));
	vpdn_notice(is->log, "ISDN: restart: saved %u call%s (%u not active: left)%s", n,
		    n == 1 ? "" : "s", skipped, is->stream ? "" : ", not connected to the network");
	return g_variant_builder_end(&b);
}

/* init: a restart in place handed the connection over: keep it until
 * restore() (or, if restore never comes, the reconnect timer closes it
 * and connects anew). */
int isdn_state_take_stream(struct isdn *is)
{
	int fd;

	if (!vpdn_core_restarted(is->core))
		return -1;
	fd = vpdn_core_take_fd(is->core, FD_NAME);
	if (fd < 0)
		return -1;
	is->adopt_fd = fd;
	vpdn_timer_arm(is->tm, &is->reconnect, 0);
	return 0;
}

/* A restored call whose link nobody took back: clear it cleanly. */
static void call_orphan(void *ctx, struct vpdn_link *link)
{
	struct isdn *is = ctx;
	struct isdn_call *c = isdn_call_of_link(is, link);
	char chan[ISDN_CHAN_NAME_MAX];
	uint64_t *lost;

	if (!c)
		return;
	vpdn_warn(is->log, "ISDN %s: restart: call id 0x%04X on %s not taken back, clearing it",
		  c->port->dchan_short, c->call_id, isdn_call_channel(c, chan));
	lost = vpdn_core_counter(is->core, "isdn_restart_calls_lost_total",
				 "ISDN calls saved at a restart in place that could not be rebuilt");
	if (lost)
		(*lost)++;
	c->b_gone = true;
	(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ, VPDN_CAUSE_NORMAL_CLEARING);
}

static int restore_call(struct isdn *is, GVariant *d)
{
	guint16 dchan = 0, cref = 0;
	guint32 call_id = 0, bearer = 64;
	guint8 dir = 0;
	gint32 chan = -1;
	guint64 up = 0;
	const char *calling = "", *called = "", *remote = "";
	struct isdn_port *p;
	struct isdn_call *c;
	char key[64], chname[ISDN_CHAN_NAME_MAX];

	if (!g_variant_lookup(d, "dchan", "q", &dchan) || !g_variant_lookup(d, "cref", "q", &cref) ||
	    !g_variant_lookup(d, "call-id", "u", &call_id) || !g_variant_lookup(d, "dir", "y", &dir) ||
	    !g_variant_lookup(d, "chan", "i", &chan) || !cref ||
	    (dir != VPDN_CALL_IN && dir != VPDN_CALL_OUT))
		return -EBADMSG;
	g_variant_lookup(d, "calling", "&s", &calling);
	g_variant_lookup(d, "called", "&s", &called);
	g_variant_lookup(d, "bearer", "u", &bearer);
	g_variant_lookup(d, "remote", "&s", &remote);
	g_variant_lookup(d, "up-ms", "t", &up);
	p = dchan < is->ports->len ? g_ptr_array_index(is->ports, dchan) : NULL;
	if (!p || g_hash_table_contains(is->calls, GUINT_TO_POINTER(CALL_KEY(dchan, cref))) ||
	    g_hash_table_contains(is->call_ids, GUINT_TO_POINTER(call_id)) ||
	    isdn_port_take(p, chan) < 0)
		return -EEXIST;
	c = isdn_call_new(is, p, cref, dir, calling, called);
	/* The same call id as before. */
	g_hash_table_remove(is->call_ids, GUINT_TO_POINTER(c->call_id));
	c->call_id = call_id;
	g_hash_table_insert(is->call_ids, GUINT_TO_POINTER(c->call_id), c);
	g_free(c->remote_name);
	c->remote_name = *remote ? g_strdup(remote) : NULL;
	c->bearer = bearer;
	if (dir == VPDN_CALL_IN) {
		/* The core's call ids (shared with the other carriers) go on
		 * past it: they are handed out in order. */
		for (unsigned i = 0; i < (1u << 24) && vpdn_core_call_id(is->core) < call_id; i++)
			;
	}
	isdn_call_set_channel(c, chan);
	c->q.state = Q931_ACTIVE;
	c->active = c->published = true;
	{
		uint64_t now = vpdn_timers_now(is->tm);
		c->active_at = now > up ? now - up : 0;
	}
	g_snprintf(key, sizeof(key), "carrier/%s", vpdn_link_name(c->link));
	if (vpdn_core_restored_link_offer(is->core, key, c->link, call_orphan, is) < 0) {
		call_orphan(is, c->link);
		return -EEXIST;
	}
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: restart: call id 0x%04X restored "
		   "active on %s", p->dchan_short, c->call_id, isdn_call_channel(c, chname));
	return 0;
}

/* Every port the old process had registered has the same index now. */
static bool ports_match(struct isdn *is, GVariant *ports)
{
	GVariantIter it;
	const char *name;
	guint16 ix;
	gboolean reg;
	bool ok = true;

	g_variant_iter_init(&it, ports);
	while (g_variant_iter_next(&it, "(&sqb)", &name, &ix, &reg)) {
		struct isdn_port *p = ix < is->ports->len ? g_ptr_array_index(is->ports, ix) : NULL;

		if (reg && (!p || strcmp(p->name, name))) {
			vpdn_warn(is->log, "ISDN: restart: port %s (index %u) is not configured as "
				  "before", name, ix);
			ok = false;
		}
		if (reg && p && !strcmp(p->name, name))
			p->registered = true;
	}
	return ok;
}

int isdn_state_restore(struct isdn *is, GVariant *data, uint32_t version)
{
	GVariant *ports = NULL, *calls = NULL, *rx = NULL, *d;
	GVariantIter it;
	unsigned n = 0, lost = 0;
	int fd = is->adopt_fd, r = 0;

	if (version != ISDN_STATE_VERSION)
		return -EPROTO;
	if (!g_variant_is_of_type(data, G_VARIANT_TYPE("a{sv}")) ||
	    !(ports = g_variant_lookup_value(data, "ports", G_VARIANT_TYPE("a(sqb)"))) ||
	    !(calls = g_variant_lookup_value(data, "calls", G_VARIANT_TYPE("aa{sv}"))) ||
	    !(rx = g_variant_lookup_value(data, "rx", G_VARIANT_TYPE_BYTESTRING))) {
		r = -EBADMSG;
		goto out;
	}
	if (fd < 0) {
		lost = (unsigned)g_variant_n_children(calls);
		vpdn_warn(is->log, "ISDN: restart: the ISDN network connection was not handed over: "
			  "%u call%s lost", lost, lost == 1 ? "" : "s");
		goto out;
	}
	if (!ports_match(is, ports)) {
		for (guint i = 0; i < is->ports->len; i++)
			((struct isdn_port *)g_ptr_array_index(is->ports, i))->registered = false;
		lost = (unsigned)g_variant_n_children(calls);
		vpdn_warn(is->log, "ISDN: restart: connecting to the ISDN network anew: %u call%s "
			  "lost", lost, lost == 1 ? "" : "s");
		goto out; /* the reconnect timer closes the old connection */
	}
	is->adopt_fd = -1;
	vpdn_timer_cancel(is->tm, &is->reconnect);
	g_variant_lookup(data, "next-cref", "q", &is->next_cref);
	g_variant_lookup(data, "next-out", "u", &is->next_out);
	if (!is->next_cref)
		is->next_cref = 1;
	if (isdn_attach_stream(is, fd, true) < 0) {
		lost = (unsigned)g_variant_n_children(calls);
		vpdn_timer_arm(is->tm, &is->reconnect, 1000);
		goto out;
	}
	{
		gsize len = 0;
		const uint8_t *p = g_variant_get_fixed_array(rx, &len, 1);

		if (len && isdn_stream_prefill(is->stream, p, len) < 0)
			vpdn_warn(is->log, "ISDN: restart: %zu octets read before the restart lost", len);
	}
	g_variant_iter_init(&it, calls);
	while ((d = g_variant_iter_next_value(&it))) {
		if (restore_call(is, d) == 0)
			n++;
		else
			lost++;
		g_variant_unref(d);
	}
	vpdn_info(is->log, "ISDN: restart: the ISDN network connection adopted, %u call%s "
		  "restored, %u lost", n, n == 1 ? "" : "s", lost);
out:
	if (ports)
		g_variant_unref(ports);
	if (calls)
		g_variant_unref(calls);
	if (rx)
		g_variant_unref(rx);
	return r;
}
