/* SPDX-License-Identifier: MIT */
/*
 * Output formatting of vpdnctl, free of D-Bus so that unit tests feed it
 * fake data (tests/unit/test_vpdnctl_format.c).
 */
#ifndef VPDNCTL_FORMAT_H
#define VPDNCTL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An aligned text table. Each column is padded to
 * max(min_width, widest cell or header + sep); the last column is not
 * padded. min_width gives IOS's own layout for short values. */
struct fmt_column {
	const char *header;
	unsigned min_width;
	unsigned sep;          /* spaces at least after the widest cell */
};

/* cells: nrows * ncols strings, row-major (NULL prints as empty). */
void fmt_table(FILE *f, const struct fmt_column *cols, size_t ncols,
	       const char *const *cells, size_t nrows);

/* Seconds as hh:mm:ss (hours grow past 99). Returns buf. */
char *fmt_hms(uint64_t seconds, char *buf, size_t size);

/* org.vpdnd.Tunnel1 / org.vpdnd.Session1 as vpdnctl sees them. Strings
 * are owned by the row (free with fmt_vpdn_*_clear). */
struct vpdn_tunnel_row {
	uint16_t local_id, remote_id;
	char *remote_name;
	char *state;
	char *remote_address;
	uint16_t remote_port;
	uint32_t sessions;
	char *group;
};

struct vpdn_session_row {
	uint16_t local_id, remote_id, tunnel_id;
	char *interface;
	char *username;
	char *state;
	uint64_t last_change;   /* seconds since the last state change */
	bool fastswitch;
};

void fmt_vpdn_tunnel_clear(struct vpdn_tunnel_row *t);
void fmt_vpdn_session_clear(struct vpdn_session_row *s);

/* What `show vpdn` prints. */
enum {
	FMT_VPDN_TUNNELS = 0x1,
	FMT_VPDN_SESSIONS = 0x2,
	FMT_VPDN_ALL = 0x3,
};

/* Sorts the arrays (tunnels by local id, sessions by tunnel then local id)
 * and prints IOS's `show vpdn` layout, or JSON. */
void fmt_vpdn(FILE *f, unsigned what, struct vpdn_tunnel_row *tunnels, size_t ntunnels,
	      struct vpdn_session_row *sessions, size_t nsessions);
void fmt_vpdn_json(FILE *f, unsigned what, struct vpdn_tunnel_row *tunnels, size_t ntunnels,
		   struct vpdn_session_row *sessions, size_t nsessions);

/* One initiate-to entry of a vpdn-group (org.vpdnd.L2tp1.Peers). Strings
 * owned by the row (fmt_vpdn_peer_clear). */
struct vpdn_peer_row {
	char *group;
	char *address;
	uint32_t priority, limit, sessions;
	uint32_t dead_s;        /* seconds still marked dead, 0: alive */
};

void fmt_vpdn_peer_clear(struct vpdn_peer_row *p);
/* `show vpdn group`: Group, Address, Priority, Limit ("-": none),
 * Sessions, Status ("alive", "dead 42s"), in the order given; or JSON. */
void fmt_vpdn_peers(FILE *f, const struct vpdn_peer_row *rows, size_t n);
void fmt_vpdn_peers_json(FILE *f, const struct vpdn_peer_row *rows, size_t n);

/* `show vpdn session ID`: one session with its tunnel (org.vpdnd.Session1,
 * org.vpdnd.Tunnel1) and, where PPP runs on this node, its PPP engine
 * (org.vpdnd.PppSession1). Strings are owned (fmt_vpdn_session_detail_clear). */
struct vpdn_session_detail {
	/* Session1 */
	uint16_t local_id, remote_id, tunnel_id;
	char *type, *state, *interface, *username, *calling, *called;
	uint32_t serial;
	uint64_t last_change, uptime, setup_timer_ms;
	uint64_t packets_in, packets_out, bytes_in, bytes_out, errors;
	bool sequencing;
	/* Tunnel1 */
	bool has_tunnel;
	uint16_t t_remote_id, t_remote_port, t_local_port;
	char *t_state, *t_remote_name, *t_local_name, *t_remote_address, *t_local_address, *t_group;
	uint16_t ns, nr, rwin, peer_rwin, cwnd;
	uint32_t unacked, queued, hello_s, t_sessions, rto_ms;
	uint64_t t_uptime;
	/* PppSession1 */
	bool has_ppp;
	char *ppp_role, *ppp_phase, *ppp_user, *lcp_state, *ipcp_state;
	uint16_t local_mru, peer_mru;
	uint32_t local_accm, peer_accm, local_magic, peer_magic;
	char *local_auth, *peer_auth;
	bool local_pfc, peer_pfc, local_acfc, peer_acfc;
	char *local_address, *peer_address, *dns1, *dns2;
	char *ipv6cp_state, *local_link_local, *peer_link_local; /* "" no IPv6 */
};

void fmt_vpdn_session_detail_clear(struct vpdn_session_detail *d);
/* IOS's `show vpdn session all` layout, for each of n sessions. */
void fmt_vpdn_session_details(FILE *f, const struct vpdn_session_detail *d, size_t n);
/* {"sessions": [{..., "tunnel": {...}, "ppp": {...} or null}, ...]} */
void fmt_vpdn_session_details_json(FILE *f, const struct vpdn_session_detail *d, size_t n);

/* `show users`: one logged-in user (an up IP interface with a user, or
 * the LAC's forwarded L2TP call). The ipv6_* strings are the ip module's
 * Interface1 Ipv6State / Ipv6LinkLocal / Ipv6Prefix ("" no IPv6). Strings
 * are owned by the row (fmt_user_clear). */
struct fmt_user_row {
	char *interface, *user, *mode, *uptime, *peer_address;
	char *ipv6_state, *ipv6_link_local, *ipv6_peer_link_local, *ipv6_prefix;
	char *ipv6_routed;  /* Ipv6Routed: prefixes routed to it (DHCPv6 PD), "" none */
};

void fmt_user_clear(struct fmt_user_row *u);
/* IOS's `show users` table, in the order given; a user with IPv6 (state
 * neither "" nor "down") gets a second line
 * "      IPv6 STATE LINK-LOCAL peer PEER-LINK-LOCAL prefix PREFIX
 * delegated ROUTED". */
void fmt_users(FILE *f, const struct fmt_user_row *rows, size_t n);
/* [{"interface":..., "ipv6_state":..., ...}, ...] */
void fmt_users_json(FILE *f, const struct fmt_user_row *rows, size_t n);

#endif
