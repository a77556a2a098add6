/* SPDX-License-Identifier: MIT */
/*
 * show vpdn [tunnel|session|group], clear vpdn tunnel l2tp ID, clear vpdn session ID,
 * show vpdn history failure (org.vpdnd.Node1.GetVpdnHistory, the node's last
 * vpdn-history-size ended sessions).
 *
 * Tunnels and sessions are the L2TP module's objects, listed page by page
 * with org.vpdnd.L2tp1.ListTunnels and ListSessions (never one message
 * that grows with the number of sessions): org.vpdnd.Tunnel1 (LocalId q, RemoteId q, RemoteName s, State s,
 * RemoteAddress s, RemotePort q, Sessions u, Group s) and org.vpdnd.Session1
 * (LocalId q, RemoteId q, TunnelId q, Interface s, Username s, State s,
 * LastChange t, Fastswitch b). Unknown interfaces and properties are skipped.
 *
 * show vpdn session ID | all: one session in detail, from three classes:
 * L2tp1.FindSessions(q) gives its path(s), then Properties.GetAll of its
 * Session1, of its tunnel's Tunnel1 and, when PPP runs on this node for
 * the session's interface, of the ppp module's org.vpdnd.PppSession1 at
 * /org/vpdnd/ppp/<interface> (format-session.c prints them).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "events.h"
#include "format.h"
#include "json.h"
#include "vpdnctl.h"

#define TUNNEL_IFACE "org.vpdnd.Tunnel1"
#define SESSION_IFACE "org.vpdnd.Session1"
#define L2TP_PATH VPDN_DBUS_ROOT "/module/l2tp"
#define L2TP_IFACE "org.vpdnd.L2tp1"
#define PPP_SESSION_IFACE "org.vpdnd.PppSession1"

/* Read a variant holding a basic type `type` into out (strings g_strdup'd
 * into *(char **)out). A variant of another type is skipped. */
static int read_variant(sd_bus_message *m, char type, void *out)
{
	const char *contents = NULL;
	char sig[2] = { type, '\0' };
	char t;
	int r;

	r = sd_bus_message_peek_type(m, &t, &contents);
	if (r < 0)
		return r;
	if (t != 'v' || !contents || strcmp(contents, sig) != 0)
		return sd_bus_message_skip(m, "v");
	r = sd_bus_message_enter_container(m, 'v', sig);
	if (r < 0)
		return r;
	if (type == 's') {
		const char *s;

		r = sd_bus_message_read_basic(m, 's', &s);
		if (r >= 0) {
			g_free(*(char **)out);
			*(char **)out = g_strdup(s);
		}
	} else if (type == 'b') {
		int b;

		r = sd_bus_message_read_basic(m, 'b', &b);
		if (r >= 0)
			*(bool *)out = b;
	} else {
		r = sd_bus_message_read_basic(m, type, out);
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* Which property fills which field of a row. */
struct prop_field {
	const char *name;
	char type;     /* D-Bus basic type: q, u, t, b, s */
	size_t offset; /* into the row struct */
};

static const struct prop_field tunnel_fields[] = {
	{ "LocalId", 'q', offsetof(struct vpdn_tunnel_row, local_id) },
	{ "RemoteId", 'q', offsetof(struct vpdn_tunnel_row, remote_id) },
	{ "RemoteName", 's', offsetof(struct vpdn_tunnel_row, remote_name) },
	{ "State", 's', offsetof(struct vpdn_tunnel_row, state) },
	{ "RemoteAddress", 's', offsetof(struct vpdn_tunnel_row, remote_address) },
	{ "RemotePort", 'q', offsetof(struct vpdn_tunnel_row, remote_port) },
	{ "Sessions", 'u', offsetof(struct vpdn_tunnel_row, sessions) },
	{ "Group", 's', offsetof(struct vpdn_tunnel_row, group) },
	{ NULL, 0, 0 },
};

static const struct prop_field session_fields[] = {
	{ "LocalId", 'q', offsetof(struct vpdn_session_row, local_id) },
	{ "RemoteId", 'q', offsetof(struct vpdn_session_row, remote_id) },
	{ "TunnelId", 'q', offsetof(struct vpdn_session_row, tunnel_id) },
	{ "Interface", 's', offsetof(struct vpdn_session_row, interface) },
	{ "Username", 's', offsetof(struct vpdn_session_row, username) },
	{ "State", 's', offsetof(struct vpdn_session_row, state) },
	{ "LastChange", 't', offsetof(struct vpdn_session_row, last_change) },
	{ "Fastswitch", 'b', offsetof(struct vpdn_session_row, fastswitch) },
	{ NULL, 0, 0 },
};

/* Read an a{sv} of properties into the row fields the table names;
 * properties not in the table are skipped. */
static int read_props(sd_bus_message *m, const struct prop_field *fields, void *row)
{
	const char *prop;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const struct prop_field *f;

		r = sd_bus_message_read_basic(m, 's', &prop);
		if (r < 0)
			return r;
		for (f = fields; f->name && strcmp(f->name, prop) != 0; f++)
			;
		if (f->name)
			r = read_variant(m, f->type, (char *)row + f->offset);
		else
			r = sd_bus_message_skip(m, "v");
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

struct vpdn_rows {
	GArray *tunnels, *sessions;
};

/* One row of ListTunnels or ListSessions. */
static int vpdn_object(sd_bus_message *m, const char *path, const char *iface, void *data)
{
	struct vpdn_rows *rows = data;
	int r;

	if (strcmp(iface, TUNNEL_IFACE) == 0) {
		struct vpdn_tunnel_row t = { 0 };

		r = read_props(m, tunnel_fields, &t);
		g_array_append_val(rows->tunnels, t);
		return r;
	}
	if (strcmp(iface, SESSION_IFACE) == 0) {
		struct vpdn_session_row s = { 0 };

		r = read_props(m, session_fields, &s);
		g_array_append_val(rows->sessions, s);
		return r;
	}
	return sd_bus_message_skip(m, "a{sv}");
}

static int show_vpdn_what(struct vpdnctl *c, unsigned what)
{
	GArray *tunnels = g_array_new(FALSE, TRUE, sizeof(struct vpdn_tunnel_row));
	GArray *sessions = g_array_new(FALSE, TRUE, sizeof(struct vpdn_session_row));
	struct vpdn_rows rows = { tunnels, sessions };
	int ret;

	ret = vpdnctl_walk_pages(c, "list the tunnels", L2TP_PATH, L2TP_IFACE, "ListTunnels",
				 TUNNEL_IFACE, vpdn_object, &rows);
	/* Sessions too for `show vpdn tunnel`: its title counts them. */
	if (ret == VPDNCTL_OK)
		ret = vpdnctl_walk_pages(c, "list the sessions", L2TP_PATH, L2TP_IFACE,
					 "ListSessions", SESSION_IFACE, vpdn_object, &rows);
	if (ret != VPDNCTL_OK)
		goto out;
	if (c->json)
		fmt_vpdn_json(c->out, what, (struct vpdn_tunnel_row *)(void *)tunnels->data,
			      tunnels->len, (struct vpdn_session_row *)(void *)sessions->data,
			      sessions->len);
	else
		fmt_vpdn(c->out, what, (struct vpdn_tunnel_row *)(void *)tunnels->data,
			 tunnels->len, (struct vpdn_session_row *)(void *)sessions->data,
			 sessions->len);
out:
	for (guint i = 0; i < tunnels->len; i++)
		fmt_vpdn_tunnel_clear(&g_array_index(tunnels, struct vpdn_tunnel_row, i));
	for (guint i = 0; i < sessions->len; i++)
		fmt_vpdn_session_clear(&g_array_index(sessions, struct vpdn_session_row, i));
	g_array_free(tunnels, TRUE);
	g_array_free(sessions, TRUE);
	return ret;
}

static int show_vpdn(struct vpdnctl *c, int argc, char **argv)
{
	return show_vpdn_what(c, FMT_VPDN_ALL);
}

static int show_vpdn_tunnel(struct vpdnctl *c, int argc, char **argv)
{
	return show_vpdn_what(c, FMT_VPDN_TUNNELS);
}

/* ------------------------------------------------------------------ */
/* show vpdn session ID | all: one session in detail                  */

#define D(member) offsetof(struct vpdn_session_detail, member)
static const struct prop_field detail_session_fields[] = {
	{ "LocalId", 'q', D(local_id) },
	{ "RemoteId", 'q', D(remote_id) },
	{ "TunnelId", 'q', D(tunnel_id) },
	{ "Type", 's', D(type) },
	{ "State", 's', D(state) },
	{ "Interface", 's', D(interface) },
	{ "Username", 's', D(username) },
	{ "CallingNumber", 's', D(calling) },
	{ "CalledNumber", 's', D(called) },
	{ "CallSerial", 'u', D(serial) },
	{ "LastChange", 't', D(last_change) },
	{ "Uptime", 't', D(uptime) },
	{ "SetupTimer", 't', D(setup_timer_ms) },
	{ "PacketsIn", 't', D(packets_in) },
	{ "PacketsOut", 't', D(packets_out) },
	{ "BytesIn", 't', D(bytes_in) },
	{ "BytesOut", 't', D(bytes_out) },
	{ "Errors", 't', D(errors) },
	{ "Sequencing", 'b', D(sequencing) },
	{ NULL, 0, 0 },
};

static const struct prop_field detail_tunnel_fields[] = {
	{ "RemoteId", 'q', D(t_remote_id) },
	{ "State", 's', D(t_state) },
	{ "RemoteName", 's', D(t_remote_name) },
	{ "LocalName", 's', D(t_local_name) },
	{ "RemoteAddress", 's', D(t_remote_address) },
	{ "RemotePort", 'q', D(t_remote_port) },
	{ "LocalAddress", 's', D(t_local_address) },
	{ "LocalPort", 'q', D(t_local_port) },
	{ "Group", 's', D(t_group) },
	{ "Sessions", 'u', D(t_sessions) },
	{ "Uptime", 't', D(t_uptime) },
	{ "Ns", 'q', D(ns) },
	{ "Nr", 'q', D(nr) },
	{ "ReceiveWindow", 'q', D(rwin) },
	{ "PeerReceiveWindow", 'q', D(peer_rwin) },
	{ "CongestionWindow", 'q', D(cwnd) },
	{ "Unacked", 'u', D(unacked) },
	{ "Queued", 'u', D(queued) },
	{ "HelloInterval", 'u', D(hello_s) },
	{ "RetransmitTimeout", 'u', D(rto_ms) },
	{ NULL, 0, 0 },
};

static const struct prop_field detail_ppp_fields[] = {
	{ "Role", 's', D(ppp_role) },
	{ "Phase", 's', D(ppp_phase) },
	{ "User", 's', D(ppp_user) },
	{ "LcpState", 's', D(lcp_state) },
	{ "IpcpState", 's', D(ipcp_state) },
	{ "LocalMru", 'q', D(local_mru) },
	{ "PeerMru", 'q', D(peer_mru) },
	{ "LocalAccm", 'u', D(local_accm) },
	{ "PeerAccm", 'u', D(peer_accm) },
	{ "LocalMagic", 'u', D(local_magic) },
	{ "PeerMagic", 'u', D(peer_magic) },
	{ "LocalAuth", 's', D(local_auth) },
	{ "PeerAuth", 's', D(peer_auth) },
	{ "LocalPfc", 'b', D(local_pfc) },
	{ "PeerPfc", 'b', D(peer_pfc) },
	{ "LocalAcfc", 'b', D(local_acfc) },
	{ "PeerAcfc", 'b', D(peer_acfc) },
	{ "LocalAddress", 's', D(local_address) },
	{ "PeerAddress", 's', D(peer_address) },
	{ "PrimaryDns", 's', D(dns1) },
	{ "SecondaryDns", 's', D(dns2) },
	{ "Ipv6cpState", 's', D(ipv6cp_state) },
	{ "LocalLinkLocal", 's', D(local_link_local) },
	{ "PeerLinkLocal", 's', D(peer_link_local) },
	{ NULL, 0, 0 },
};
#undef D

/* Properties.GetAll(iface) on path into the fields. quiet: a missing
 * object is no error (VPDNCTL_FAILED returned, nothing printed). */
static int get_all(struct vpdnctl *c, const char *what, const char *path, const char *iface,
		   const struct prop_field *fields, void *row, bool quiet)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r, ret = VPDNCTL_OK;

	r = sd_bus_call_method(c->bus, c->name, path, "org.freedesktop.DBus.Properties", "GetAll",
			       &error, &reply, "s", iface);
	if (r >= 0)
		r = read_props(reply, fields, row);
	if (r < 0)
		ret = quiet ? VPDNCTL_FAILED : vpdnctl_call_failed(c, what, r, &error);
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	return ret;
}

/* The session at path, its tunnel, and its PPP engine if PPP runs here
 * (the ppp module's object for the session's interface). */
static int read_detail(struct vpdnctl *c, const char *path, struct vpdn_session_detail *d)
{
	char tpath[64];
	char *ppath = NULL;
	int ret;

	ret = get_all(c, "read the session", path, SESSION_IFACE, detail_session_fields, d, false);
	if (ret != VPDNCTL_OK)
		return ret;
	snprintf(tpath, sizeof(tpath), VPDN_DBUS_ROOT "/tunnel/%u", d->tunnel_id);
	d->has_tunnel = get_all(c, NULL, tpath, TUNNEL_IFACE, detail_tunnel_fields, d, true) ==
			VPDNCTL_OK;
	if (d->interface && *d->interface &&
	    sd_bus_path_encode(VPDN_DBUS_ROOT "/ppp", d->interface, &ppath) >= 0)
		d->has_ppp = get_all(c, NULL, ppath, PPP_SESSION_IFACE, detail_ppp_fields, d,
				     true) == VPDNCTL_OK;
	free(ppath);
	return VPDNCTL_OK;
}

static void print_details(struct vpdnctl *c, GArray *details)
{
	if (c->json)
		fmt_vpdn_session_details_json(c->out,
					      (struct vpdn_session_detail *)(void *)details->data,
					      details->len);
	else
		fmt_vpdn_session_details(c->out, (struct vpdn_session_detail *)(void *)details->data,
					 details->len);
}

static void free_details(GArray *details)
{
	for (guint i = 0; i < details->len; i++)
		fmt_vpdn_session_detail_clear(&g_array_index(details, struct vpdn_session_detail, i));
	g_array_free(details, TRUE);
}

static int parse_id(const char *s, uint16_t *ret);

/* show vpdn session ID: L2tp1.FindSessions gives the sessions with that
 * local ID (one per tunnel at most); "No session N" when none. */
static int show_session_id(struct vpdnctl *c, const char *arg)
{
	GArray *details = g_array_new(FALSE, TRUE, sizeof(struct vpdn_session_detail));
	sd_bus_message *reply = NULL;
	const char *path;
	uint16_t id;
	int r, ret;

	ret = parse_id(arg, &id);
	if (ret != VPDNCTL_OK)
		goto out;
	ret = vpdnctl_call(c, "find the session", L2TP_PATH, L2TP_IFACE, "FindSessions", &reply,
			   "q", id);
	if (ret != VPDNCTL_OK)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "o");
	while (r > 0 && (r = sd_bus_message_read_basic(reply, 'o', &path)) > 0) {
		struct vpdn_session_detail d = { 0 };

		ret = read_detail(c, path, &d);
		g_array_append_val(details, d);
		if (ret != VPDNCTL_OK)
			goto out;
	}
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse FindSessions: %s\n", strerror(-r));
		ret = VPDNCTL_FAILED;
		goto out;
	}
	print_details(c, details);
out:
	free_details(details);
	sd_bus_message_unref(reply);
	return ret;
}

/* show vpdn session all: every session in detail, page by page (data:
 * the GArray of struct vpdn_session_detail). */
static int detail_row(sd_bus_message *m, const char *path, const char *iface, void *data)
{
	GArray *details = data;
	struct vpdn_session_detail d = { 0 };
	int r;

	if (strcmp(iface, SESSION_IFACE) != 0)
		return sd_bus_message_skip(m, "a{sv}");
	r = read_props(m, detail_session_fields, &d);
	if (r < 0) {
		fmt_vpdn_session_detail_clear(&d);
		return r;
	}
	g_array_append_val(details, d);
	return 0;
}

static int show_session_all(struct vpdnctl *c)
{
	GArray *details = g_array_new(FALSE, TRUE, sizeof(struct vpdn_session_detail));
	int ret;

	ret = vpdnctl_walk_pages(c, "list the sessions", L2TP_PATH, L2TP_IFACE, "ListSessions",
				 SESSION_IFACE, detail_row, details);
	/* The rows have the session's properties; add its tunnel and PPP. */
	for (guint i = 0; ret == VPDNCTL_OK && i < details->len; i++) {
		struct vpdn_session_detail *d = &g_array_index(details, struct vpdn_session_detail, i);
		char path[64];
		struct vpdn_session_detail fresh = { 0 };

		snprintf(path, sizeof(path), VPDN_DBUS_ROOT "/session/%u_%u", d->tunnel_id,
			 d->local_id);
		/* Gone since the page was read: keep what the page said. */
		if (read_detail(c, path, &fresh) == VPDNCTL_OK) {
			fmt_vpdn_session_detail_clear(d);
			*d = fresh;
		} else {
			fmt_vpdn_session_detail_clear(&fresh);
		}
	}
	if (ret == VPDNCTL_OK)
		print_details(c, details);
	free_details(details);
	return ret;
}

static int show_vpdn_session(struct vpdnctl *c, int argc, char **argv)
{
	if (argc == 1)
		return show_session_id(c, argv[0]);
	return show_vpdn_what(c, FMT_VPDN_SESSIONS);
}

static int show_vpdn_session_all(struct vpdnctl *c, int argc, char **argv)
{
	return show_session_all(c);
}

/* show vpdn group: org.vpdnd.L2tp1.Peers, a(ssuuuu). */
static int show_vpdn_group(struct vpdnctl *c, int argc, char **argv)
{
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(struct vpdn_peer_row));
	sd_bus_message *reply = NULL;
	int r, ret;

	ret = vpdnctl_call(c, "read the load sharing state", L2TP_PATH,
			   "org.freedesktop.DBus.Properties", "Get", &reply, "ss", L2TP_IFACE,
			   "Peers");
	if (ret != VPDNCTL_OK)
		goto out;
	r = sd_bus_message_enter_container(reply, 'v', "a(ssuuuu)");
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "(ssuuuu)");
	while (r > 0) {
		struct vpdn_peer_row p = { 0 };
		const char *g, *a;

		r = sd_bus_message_read(reply, "(ssuuuu)", &g, &a, &p.priority, &p.limit,
					&p.sessions, &p.dead_s);
		if (r <= 0)
			break;
		p.group = g_strdup(g);
		p.address = g_strdup(a);
		g_array_append_val(rows, p);
	}
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse Peers: %s\n", strerror(-r));
		ret = VPDNCTL_FAILED;
		goto out;
	}
	if (c->json)
		fmt_vpdn_peers_json(c->out, (struct vpdn_peer_row *)(void *)rows->data, rows->len);
	else
		fmt_vpdn_peers(c->out, (struct vpdn_peer_row *)(void *)rows->data, rows->len);
out:
	for (guint i = 0; i < rows->len; i++)
		fmt_vpdn_peer_clear(&g_array_index(rows, struct vpdn_peer_row, i));
	g_array_free(rows, TRUE);
	sd_bus_message_unref(reply);
	return ret;
}

/* show vpdn history failure: (u size, t total, a(entry)) newest first. */
static int show_vpdn_history(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	uint64_t total = 0, now = (uint64_t)(g_get_real_time() / G_USEC_PER_SEC);
	uint32_t size = 0;
	unsigned n = 0;
	struct json j;
	int r, ret;

	ret = vpdnctl_call(c, "read the VPDN history", VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
			   "GetVpdnHistory", &reply, NULL);
	if (ret != VPDNCTL_OK)
		return ret;
	r = sd_bus_message_read(reply, "ut", &size, &total);
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "(tqqqqssssssstsqqqiqsss)");
	if (r < 0)
		goto bad;
	if (c->json) {
		json_init(&j, c->out);
		json_object_begin(&j);
		json_kv_uint(&j, "size", size);
		json_kv_uint(&j, "total", total);
		json_key(&j, "entries");
		json_array_begin(&j);
	}
	while ((r = sd_bus_message_enter_container(reply, 'r', "tqqqqssssssstsqqqiqsss")) > 0) {
		struct ev_fields f;

		r = ev_read(reply, &ev_history_entry, &f);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (r < 0)
			break;
		if (c->json) {
			json_object_begin(&j);
			ev_json_members(&j, &f);
			json_object_end(&j);
			continue;
		}
		if (n == 0)
			fprintf(c->out, "%% VPDN user failure table: size %u, %" PRIu64
				" sessions ended since the node started\n", size, total);
		fprintf(c->out, "\n");
		ev_print_history_entry(c->out, &f, now);
		n++;
	}
	if (c->json) {
		json_array_end(&j);
		json_object_end(&j);
	} else if (r >= 0 && n == 0) {
		fprintf(c->out, "%% VPDN user failure table is empty (size %u, %" PRIu64
			" sessions ended since the node started)\n", size, total);
	}
	if (r < 0)
		goto bad;
	sd_bus_message_unref(reply);
	return VPDNCTL_OK;
bad:
	fprintf(stderr, "vpdnctl: Failed to parse the VPDN history: %s\n", strerror(-r));
	sd_bus_message_unref(reply);
	return VPDNCTL_FAILED;
}

/* A tunnel or session id: 1..65535. */
static int parse_id(const char *s, uint16_t *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > 65535) {
		fprintf(stderr, "vpdnctl: '%s' is not a valid ID (1-65535)\n", s);
		return VPDNCTL_USAGE;
	}
	*ret = (uint16_t)v;
	return VPDNCTL_OK;
}

static int clear_tunnel(struct vpdnctl *c, int argc, char **argv)
{
	uint16_t id;
	int ret = parse_id(argv[0], &id);

	if (ret != VPDNCTL_OK)
		return ret;
	return vpdnctl_call(c, "clear the tunnel", L2TP_PATH, L2TP_IFACE, "ClearTunnel", NULL,
			    "q", id);
}

static int clear_session(struct vpdnctl *c, int argc, char **argv)
{
	uint16_t id;
	int ret = parse_id(argv[0], &id);

	if (ret != VPDNCTL_OK)
		return ret;
	return vpdnctl_call(c, "clear the session", L2TP_PATH, L2TP_IFACE, "ClearSession", NULL,
			    "q", id);
}

const struct vpdnctl_command vpdnctl_vpdn_commands[] = {
	{ "show vpdn", NULL, 0, 0, CMD_NODE, show_vpdn, "L2TP tunnels and sessions" },
	{ "show vpdn tunnel", NULL, 0, 0, CMD_NODE, show_vpdn_tunnel, "L2TP tunnels" },
	{ "show vpdn session", "[ID]", 0, 1, CMD_NODE, show_vpdn_session,
	  "L2TP sessions; with a local session ID: that session in detail (tunnel Ns/Nr, "
	  "timers, LCP and IPCP both ways, counters)" },
	{ "show vpdn session all", NULL, 0, 0, CMD_NODE, show_vpdn_session_all,
	  "Every L2TP session in detail" },
	{ "show vpdn group", NULL, 0, 0, CMD_NODE, show_vpdn_group,
	  "Load sharing: each initiate-to peer's sessions, limit, dead time" },
	{ "show vpdn history failure", NULL, 0, 0, CMD_NODE, show_vpdn_history,
	  "The last ended VPDN sessions: user, peer, when, who ended it, cause" },
	{ "clear vpdn tunnel l2tp", "ID", 1, 1, CMD_NODE | CMD_EXACT, clear_tunnel,
	  "Tear down an L2TP tunnel (local tunnel ID)" },
	{ "clear vpdn session", "ID", 1, 1, CMD_NODE | CMD_EXACT, clear_session,
	  "Tear down an L2TP session (local session ID)" },
	{ NULL }
};
