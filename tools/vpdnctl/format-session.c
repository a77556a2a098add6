/* SPDX-License-Identifier: MIT */
/* `show vpdn session ID` / `show vpdn session all`: one session in detail. */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "format.h"
#include "json.h"

void fmt_vpdn_session_detail_clear(struct vpdn_session_detail *d)
{
	char **strs[] = {
		&d->type, &d->state, &d->interface, &d->username, &d->calling, &d->called,
		&d->t_state, &d->t_remote_name, &d->t_local_name, &d->t_remote_address,
		&d->t_local_address, &d->t_group, &d->ppp_role, &d->ppp_phase, &d->ppp_user,
		&d->lcp_state, &d->ipcp_state, &d->local_auth, &d->peer_auth, &d->local_address,
		&d->peer_address, &d->dns1, &d->dns2, &d->ipv6cp_state, &d->local_link_local,
		&d->peer_link_local,
	};

	for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
		g_free(*strs[i]);
	memset(d, 0, sizeof(*d));
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static const char *on_off(bool b)
{
	return b ? "on" : "off";
}

static void print_lcp_side(FILE *f, const char *who, uint16_t mru, uint32_t accm,
			   uint32_t magic, const char *auth, bool pfc, bool acfc)
{
	fprintf(f, "    %-6s MRU %u, ACCM 0x%08" PRIx32 ", magic 0x%08" PRIx32
		", auth %s, PFC %s, ACFC %s\n", who, mru, accm, magic, or_dash(auth), on_off(pfc),
		on_off(acfc));
}

static void print_one(FILE *f, const struct vpdn_session_detail *d)
{
	bool up = d->state && strcmp(d->state, "est") == 0;
	char t1[32], t2[32];

	fprintf(f, "Session id %u is %s, tunnel id %u\n", d->local_id, up ? "up" : "down",
		d->tunnel_id);
	fprintf(f, "  Remote session id is %u, remote tunnel id %u\n", d->remote_id,
		d->t_remote_id);
	fprintf(f, "  Session type %s, call serial number %" PRIu32 "\n", or_dash(d->type),
		d->serial);
	if (d->has_tunnel) {
		fprintf(f, "Remote tunnel name is %s\n", or_dash(d->t_remote_name));
		fprintf(f, "  Internet address is %s, port %u\n", or_dash(d->t_remote_address),
			d->t_remote_port);
		fprintf(f, "Local tunnel name is %s\n", or_dash(d->t_local_name));
		fprintf(f, "  Internet address is %s, port %u\n", or_dash(d->t_local_address),
			d->t_local_port);
		fprintf(f, "  Tunnel state is %s, up %s, vpdn-group %s, %" PRIu32 " sessions\n",
			or_dash(d->t_state), fmt_hms(d->t_uptime, t1, sizeof(t1)),
			or_dash(d->t_group), d->t_sessions);
		fprintf(f, "  Control channel Ns %u, Nr %u, receive window %u, peer's %u, "
			"congestion window %u\n", d->ns, d->nr, d->rwin, d->peer_rwin, d->cwnd);
		fprintf(f, "    %" PRIu32 " unacknowledged, %" PRIu32 " queued, retransmit timeout %"
			PRIu32 " ms, hello interval ", d->unacked, d->queued, d->rto_ms);
		if (d->hello_s)
			fprintf(f, "%" PRIu32 " seconds\n", d->hello_s);
		else
			fprintf(f, "off\n");
	}
	fprintf(f, "  Session state is %s, time since change %s, up %s\n", or_dash(d->state),
		fmt_hms(d->last_change, t1, sizeof(t1)), fmt_hms(d->uptime, t2, sizeof(t2)));
	if (d->setup_timer_ms)
		fprintf(f, "  Setup timer expires in %" PRIu64 ".%03u seconds\n",
			d->setup_timer_ms / 1000, (unsigned)(d->setup_timer_ms % 1000));
	else
		fprintf(f, "  Setup timer is not running\n");
	fprintf(f, "    %" PRIu64 " Packets sent, %" PRIu64 " received\n", d->packets_out,
		d->packets_in);
	fprintf(f, "    %" PRIu64 " Bytes sent, %" PRIu64 " received\n", d->bytes_out,
		d->bytes_in);
	fprintf(f, "    %" PRIu64 " errors\n", d->errors);
	fprintf(f, "  Session username is %s\n", or_dash(d->username));
	fprintf(f, "    Interface %s\n", or_dash(d->interface));
	fprintf(f, "    Calling number %s, called number %s\n", or_dash(d->calling),
		or_dash(d->called));
	fprintf(f, "  Sequencing is %s\n", on_off(d->sequencing));
	if (!d->has_ppp) {
		fprintf(f, "  PPP is not terminated on this node\n");
		return;
	}
	fprintf(f, "  PPP %s: phase %s, role %s, user %s\n", or_dash(d->interface),
		or_dash(d->ppp_phase), or_dash(d->ppp_role), or_dash(d->ppp_user));
	fprintf(f, "    LCP %s\n", or_dash(d->lcp_state));
	print_lcp_side(f, "Local:", d->local_mru, d->local_accm, d->local_magic, d->local_auth,
		       d->local_pfc, d->local_acfc);
	print_lcp_side(f, "Peer:", d->peer_mru, d->peer_accm, d->peer_magic, d->peer_auth,
		       d->peer_pfc, d->peer_acfc);
	fprintf(f, "    IPCP %s\n", or_dash(d->ipcp_state));
	fprintf(f, "      Local address %s, peer address %s\n", or_dash(d->local_address),
		or_dash(d->peer_address));
	if ((d->dns1 && *d->dns1) || (d->dns2 && *d->dns2))
		fprintf(f, "      DNS %s, %s\n", or_dash(d->dns1), or_dash(d->dns2));
	if (d->ipv6cp_state && *d->ipv6cp_state) {
		fprintf(f, "    IPV6CP %s\n", d->ipv6cp_state);
		fprintf(f, "      Local link-local %s, peer link-local %s\n",
			or_dash(d->local_link_local), or_dash(d->peer_link_local));
	}
}

void fmt_vpdn_session_details(FILE *f, const struct vpdn_session_detail *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fprintf(f, "\n");
		print_one(f, &d[i]);
	}
}

static void json_lcp_side(struct json *j, const char *key, uint16_t mru, uint32_t accm,
			  uint32_t magic, const char *auth, bool pfc, bool acfc)
{
	json_key(j, key);
	json_object_begin(j);
	json_kv_uint(j, "mru", mru);
	json_kv_uint(j, "accm", accm);
	json_kv_uint(j, "magic", magic);
	json_kv_string(j, "auth", auth);
	json_kv_bool(j, "pfc", pfc);
	json_kv_bool(j, "acfc", acfc);
	json_object_end(j);
}

static void json_one(struct json *j, const struct vpdn_session_detail *d)
{
	json_object_begin(j);
	json_kv_uint(j, "local_id", d->local_id);
	json_kv_uint(j, "remote_id", d->remote_id);
	json_kv_uint(j, "tunnel_id", d->tunnel_id);
	json_kv_string(j, "type", d->type);
	json_kv_string(j, "state", d->state);
	json_kv_uint(j, "serial", d->serial);
	json_kv_uint(j, "last_change", d->last_change);
	json_kv_uint(j, "uptime", d->uptime);
	json_kv_uint(j, "setup_timer_ms", d->setup_timer_ms);
	json_kv_string(j, "interface", d->interface);
	json_kv_string(j, "username", d->username);
	json_kv_string(j, "calling", d->calling);
	json_kv_string(j, "called", d->called);
	json_kv_bool(j, "sequencing", d->sequencing);
	json_kv_uint(j, "packets_in", d->packets_in);
	json_kv_uint(j, "packets_out", d->packets_out);
	json_kv_uint(j, "bytes_in", d->bytes_in);
	json_kv_uint(j, "bytes_out", d->bytes_out);
	json_kv_uint(j, "errors", d->errors);
	json_key(j, "tunnel");
	if (d->has_tunnel) {
		json_object_begin(j);
		json_kv_uint(j, "local_id", d->tunnel_id);
		json_kv_uint(j, "remote_id", d->t_remote_id);
		json_kv_string(j, "state", d->t_state);
		json_kv_string(j, "remote_name", d->t_remote_name);
		json_kv_string(j, "local_name", d->t_local_name);
		json_kv_string(j, "remote_address", d->t_remote_address);
		json_kv_uint(j, "remote_port", d->t_remote_port);
		json_kv_string(j, "local_address", d->t_local_address);
		json_kv_uint(j, "local_port", d->t_local_port);
		json_kv_string(j, "group", d->t_group);
		json_kv_uint(j, "sessions", d->t_sessions);
		json_kv_uint(j, "uptime", d->t_uptime);
		json_kv_uint(j, "ns", d->ns);
		json_kv_uint(j, "nr", d->nr);
		json_kv_uint(j, "receive_window", d->rwin);
		json_kv_uint(j, "peer_receive_window", d->peer_rwin);
		json_kv_uint(j, "congestion_window", d->cwnd);
		json_kv_uint(j, "unacked", d->unacked);
		json_kv_uint(j, "queued", d->queued);
		json_kv_uint(j, "hello_interval", d->hello_s);
		json_kv_uint(j, "retransmit_timeout_ms", d->rto_ms);
		json_object_end(j);
	} else {
		json_string(j, NULL);
	}
	json_key(j, "ppp");
	if (d->has_ppp) {
		json_object_begin(j);
		json_kv_string(j, "role", d->ppp_role);
		json_kv_string(j, "phase", d->ppp_phase);
		json_kv_string(j, "user", d->ppp_user);
		json_kv_string(j, "lcp_state", d->lcp_state);
		json_lcp_side(j, "lcp_local", d->local_mru, d->local_accm, d->local_magic,
			      d->local_auth, d->local_pfc, d->local_acfc);
		json_lcp_side(j, "lcp_peer", d->peer_mru, d->peer_accm, d->peer_magic,
			      d->peer_auth, d->peer_pfc, d->peer_acfc);
		json_kv_string(j, "ipcp_state", d->ipcp_state);
		json_kv_string(j, "local_address", d->local_address);
		json_kv_string(j, "peer_address", d->peer_address);
		json_kv_string(j, "dns1", d->dns1);
		json_kv_string(j, "dns2", d->dns2);
		/* IPv6CP: "" where IPv6 is not enabled */
		json_kv_string(j, "ipv6cp_state", d->ipv6cp_state);
		json_kv_string(j, "local_link_local", d->local_link_local);
		json_kv_string(j, "peer_link_local", d->peer_link_local);
		json_object_end(j);
	} else {
		json_string(j, NULL);
	}
	json_object_end(j);
}

void fmt_vpdn_session_details_json(FILE *f, const struct vpdn_session_detail *d, size_t n)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_key(&j, "sessions");
	json_array_begin(&j);
	for (size_t i = 0; i < n; i++)
		json_one(&j, &d[i]);
	json_array_end(&j);
	json_object_end(&j);
}
