/* SPDX-License-Identifier: MIT */
/*
 * The l2tp module's internals: config (vpdn-groups), the engine (one per
 * node: tunnels by local ID, the transport hook; l2tp.c, demux.c,
 * peers.c, tunnel-select.c), tunnels (tunnel.c, tunnel-ctrl.c), sessions
 * (session.c, session-data.c; the call types behind session-fsm.h), and
 * the glue that knows them (l2tp-events.c, l2tp-bus.c), which they do
 * not know: they tell their view of a change through l2tp_changed().
 *
 * Ownership, top down: struct l2tp owns every tunnel (hash by local Tunnel
 * ID); a tunnel owns its sessions (hash by local Session ID) and its
 * reliable-delivery engine. Groups belong to the config and live until the
 * module stops. Nothing here has its own GSource: every timer is a
 * struct vpdn_timer on the core facility.
 *
 * Freeing rules: a session is freed synchronously by l2tp_session_close()
 * (callers return right after). A tunnel is never freed while its
 * reliable-delivery engine is delivering: l2tp_tunnel_stop() only changes
 * state, and the tunnel is freed from its reap timer.
 */
#ifndef L2TP_L2TP_H
#define L2TP_L2TP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <confuse.h>
#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/vpdnd.h>

#include "codec.h"
#include "ctrl.h"

#define L2TP_MAX_INITIATE 16
#define L2TP_MAX_MSG 4096
#define L2TP_DEFAULT_PORT 1701
#define L2TP_MAX_IDS 65535      /* tunnels per node, sessions per tunnel */
#define L2TP_DEFAULT_MAX_HALF_OPEN 512
#define L2TP_DEFAULT_SCCRQ_RATE 100   /* per second and source address */
#define L2TP_DEFAULT_DEAD_TIME 60     /* s an LNS that failed is skipped */
#define L2TP_DEFAULT_SETUP_TIMEOUT 60 /* s: longer than a retransmission cycle */

/* ------------------------------------------------------------------ */
/* Config                                                             */

struct l2tp_peer_addr {
	struct sockaddr_storage addr;
	int priority;           /* lower is preferred; default 1 */
	unsigned limit;         /* sessions at most ("limit N"); 0: none */
	char text[64];          /* "18.18.18.2" for logs */
	/* Run time (not config): tunnel set-up to it failed; skipped until
	 * then (lns-dead-time). A reload starts the new groups afresh. */
	uint64_t dead_until_ms;
	unsigned order;         /* position in the config (stable sort) */
};

struct l2tp_group {
	char *name;
	bool request_dialin, accept_dialout, accept_dialin, request_dialout;
	char **domains;         /* NULL-terminated */
	char **dnis;
	int dialer;             /* accept-dialout dialer N, -1 none */
	int virtual_template;   /* accept-dialin, -1 none */
	int pool_member;        /* request-dialout, -1 none */
	char *terminate_from;   /* peer Host Name we accept, NULL: any */
	char *local_name;       /* our Host Name, NULL: node hostname */
	char *password;         /* tunnel secret, NULL: none. Never logged. */
	struct l2tp_peer_addr initiate_to[L2TP_MAX_INITIATE];
	unsigned n_initiate;    /* sorted by priority */
	struct sockaddr_storage source;
	bool has_source;
	char source_text[64];
	unsigned hello_s, rwin, retries, rto_min_s, rto_max_s;
	bool hidden, tunnel_auth, sequencing;
	unsigned setup_timeout_s; /* wait on the peer during set-up */
	bool cdn_q931_cause;    /* Q.931 Cause Code AVP in CDN (unless the
				 * peer is known to refuse it) */
	unsigned session_limit; /* 0: none */
	unsigned dead_time_s;   /* lns-dead-time */
	unsigned sessions;      /* live sessions using this group */
	bool dynamic;           /* made from a TUNNEL_AUTHORIZE answer, owned
				 * by l2tp->authz_groups (not the config) */
};

enum l2tp_search { L2TP_SEARCH_DOMAIN = 1, L2TP_SEARCH_DNIS = 2, L2TP_SEARCH_AUTHORIZE = 3 };
#define L2TP_SEARCH_KEYS 3

struct l2tp_config {
	bool enable;
	int search[L2TP_SEARCH_KEYS]; /* order; 0 = unused */
	/* Settings of the groups made for RADIUS's answers (authorize.c):
	 * a copy of vpdn { authorize-group }, or the defaults. */
	struct l2tp_group *authorize_template;
	char **listen;          /* local addresses */
	unsigned port;
	unsigned max_half_open; /* answered tunnels not established yet */
	unsigned sccrq_rate;    /* new SCCRQs per second per source; 0: any */
	GPtrArray *groups;      /* struct l2tp_group* */
};

extern cfg_opt_t l2tp_cfg_options[];
int l2tp_config_check(cfg_t *cfg);
/* Parse the module's sections. Returns 0 or -EINVAL with *error set
 * (g_malloc'd). */
int l2tp_config_parse(cfg_t *cfg, struct l2tp_config **out, char **error);
void l2tp_config_free(struct l2tp_config *c);
/* "1.2.3.4", "1.2.3.4:1702", "1.2.3.4 priority 2 limit 1000". */
int l2tp_parse_peer(const char *s, unsigned default_port, struct l2tp_peer_addr *out);
struct l2tp_group *l2tp_config_group(struct l2tp_config *c, const char *name);
struct l2tp_group *l2tp_group_clone(const struct l2tp_group *g);
void l2tp_group_free(struct l2tp_group *g);

/* ------------------------------------------------------------------ */
/* Engine                                                             */

struct l2tp_tunnel;
struct l2tp_session;
struct l2tp_transport;

/* Send one datagram from local to peer. buf is borrowed for the call. */
typedef int (*l2tp_xmit_fn)(void *xctx, const struct sockaddr_storage *local,
			    const struct sockaddr_storage *peer, const uint8_t *buf,
			    size_t len);

struct l2tp_counters {
	uint64_t *malformed, *ctrl_rx, *ctrl_tx, *data_rx, *data_tx, *no_tunnel,
		*no_session, *retransmits, *tunnels_up, *sessions_up, *wen;
};

struct l2tp_capture;
struct l2tp;

/* The objects a view (D-Bus, l2tp-bus.c) shows. */
enum l2tp_object {
	L2TP_OBJECT_TUNNEL,     /* obj: struct l2tp_tunnel * */
	L2TP_OBJECT_SESSION,    /* obj: struct l2tp_session * */
};
typedef void (*l2tp_changed_fn)(struct l2tp *l2tp, enum l2tp_object what, const void *obj);

struct l2tp {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_timers *tm;
	struct vpdn_bus *bus;
	struct l2tp_config *cfg;
	GPtrArray *retired;         /* struct l2tp_config*: replaced by a reload,
				     * kept while a tunnel still uses a group */
	GHashTable *tunnels;        /* uint16 local id -> struct l2tp_tunnel* */
	uint64_t *tid_bits;         /* tunnel IDs in use, see l2tp_alloc_id */
	uint64_t rx_batch;          /* the transport's received batches; 0: none
				     * (tests calling l2tp_input directly) */
	unsigned n_sessions;
	l2tp_xmit_fn xmit;
	void *xctx;
	l2tp_random_fn random;      /* IDs, challenges, tie breakers, RVs */
	void *random_data;
	uint32_t call_serial;
	struct l2tp_counters cnt;
	uint64_t cnt_store[11];     /* when the core gives no counters */
	struct vpdn_subscription *subs[6];
	GHashTable *peer_hosts;     /* IPv4 s_addr of tunnel peers -> tunnel count */
	sd_bus_slot *module_slot;    /* l2tp-bus.c's registration, or NULL */
	l2tp_changed_fn changed;     /* the view's hook, or NULL */
	struct l2tp_transport *transport;
	struct l2tp_capture *capture; /* running packet capture, or NULL */
	GList *dials;               /* struct l2tp_dial*: DIAL_REQUESTs pending */
	uint8_t dbuf[L2TP_MAX_MSG + 32]; /* data transmit scratch */
	struct {                         /* l2tp_gauge_add's cache */
		const char *state;       /* static string: compared by pointer */
		const char *role;        /* "lac", "lns" (sessions), NULL (tunnels) */
		bool tunnels;
		uint64_t *value;         /* the core's counter */
	} gauges[32];
	unsigned n_gauges;
	struct l2tp_decode_ctx dctx;     /* receive scratch, reused */
	/* Flood limits (l2tp { max-half-open, sccrq-rate }). */
	GHashTable *sccrq_buckets;  /* source host -> struct l2tp_bucket* */
	uint64_t *sccrq_rate_limited, *sccrq_half_open_full;
	uint64_t flood_store[2];
	uint64_t flood_logged_ms;   /* last refusal logged (one a second) */
	/* Set-ups the peer did not complete within setup-timeout:
	 * [0] tunnels, [1] sessions. */
	uint64_t *setup_timeouts[2];
	uint64_t setup_timeout_store[2];
	/* Peers (host address, GBytes -> NULL) that refused the Q.931
	 * Cause Code AVP in our CDN: left out of CDNs to them for the
	 * node's life (issue #22). */
	GHashTable *no_q931_peers;
	uint64_t *q931_refused;
	uint64_t q931_store;
	/* Datagrams for a tunnel not from its peer's address and port. */
	uint64_t *foreign_source;
	uint64_t foreign_store;
	/* authorize.c: FORWARD_REQUESTs waiting on TUNNEL_AUTHORIZE, the
	 * groups made from the answers (struct l2tp_group*, dynamic), and
	 * [0] answers used, [1] refused (bad answer, too many groups). */
	GHashTable *authz_pending;
	GPtrArray *authz_groups;
	uint64_t *authz_cnt[2];
	uint64_t authz_store[2];
};

/* Admission of a new SCCRQ from peer: the per-source rate limit and the
 * cap on half-open tunnels. false: dropped (counted, logged). */
bool l2tp_sccrq_admit(struct l2tp *l2tp, const struct sockaddr_storage *peer);

/* Create the engine with a transport hook (sockets, or a test's). Takes
 * ownership of cfg. */
struct l2tp *l2tp_new(struct vpdn_core *core, struct l2tp_config *cfg, l2tp_xmit_fn xmit,
		      void *xctx);
void l2tp_free(struct l2tp *l2tp);
/* Send StopCCN (shutting down) on every tunnel; call before l2tp_free()
 * while the transport is still there. */
void l2tp_shutdown(struct l2tp *l2tp);

/* A datagram for local from peer (buf borrowed for the call). */
void l2tp_input(struct l2tp *l2tp, const struct sockaddr_storage *local,
		const struct sockaddr_storage *peer, const uint8_t *buf, size_t len);

/* Reload: switch to nc (ownership taken on success). New tunnels and calls
 * use the new groups; a tunnel keeps its group's old settings unless the
 * group of that name kept every setting the tunnel depends on (secret,
 * names, addresses), in which case it moves to the new group and new
 * calls may reuse it. Returns 0 or -errno with *error set. */
int l2tp_reconfigure(struct l2tp *l2tp, struct l2tp_config *nc, char **error);

/* The model's one word to its view: "the properties of obj changed" (a
 * state, a name, an ID, a tunnel's session count). Tunnels and sessions
 * call nothing else of the view: it finds them by path itself. */
void l2tp_changed(struct l2tp *l2tp, enum l2tp_object what, const void *obj);
void l2tp_set_changed_hook(struct l2tp *l2tp, l2tp_changed_fn fn);

/* Gauges kept current for metrics: node counters named
 * `family{state="STATE"}` (no "_total": a gauge). delta +1 / -1. */
/* Gauge (family, role, state) += delta: "l2tp_tunnels{state=...}" (role
 * NULL) or "l2tp_sessions{role=\"lns\",state=...}". role and state are
 * static strings. */
void l2tp_gauge_add(struct l2tp *l2tp, const char *family, const char *role, const char *state,
		    int delta);
/* "lac" or "lns": the session's side, a static string (the role label). */
const char *l2tp_session_role(const struct l2tp_session *s);

/* Tunnel peers by host, for ADDRESS_CHECK (l2tp_tunnel_new/_free;
 * peers.c). */
void l2tp_peer_host_add(struct l2tp *l2tp, const struct sockaddr_storage *peer, int delta);
/* Why a PPP peer must not get address a (a tunnel endpoint), or NULL. */
const char *l2tp_address_refusal(struct l2tp *l2tp, struct in_addr a, char *holder,
				 size_t size);

/* Subscribe FORWARD_REQUEST, DIALOUT_REQUEST, PPP_AUTHENTICATED, PPP_PHASE,
 * PPP_DOWN, ADDRESS_CHECK (l2tp-events.c). */
/* l2tp-events.c: walk vpdn { search-order } from *k for f: a vpdn-group
 * found (returned), or the "authorize" key reached (NULL, *k at it), or
 * the end (NULL, *k = L2TP_SEARCH_KEYS). */
struct l2tp_group *l2tp_group_for_forward(struct l2tp *l2tp, const struct vpdn_ev_forward *f,
					  unsigned *k);
/* Start f's session in g; on failure req is completed with the error. */
void l2tp_forward_to_group(struct l2tp *l2tp, struct l2tp_group *g,
			   const struct vpdn_ev_forward *f, struct vpdn_request *req);
/* authorize.c: ask TUNNEL_AUTHORIZE for f (search-order key k is
 * "authorize"), then forward to the group made from the answer or go on
 * with the search; req is completed in every case. */
void l2tp_authorize_start(struct l2tp *l2tp, const struct vpdn_ev_forward *f,
			  struct vpdn_request *req, unsigned k);
/* Pending asks completed (-ESHUTDOWN), dynamic groups freed: after the
 * tunnels. */
void l2tp_authorize_stop(struct l2tp *l2tp);
int l2tp_subscribe(struct l2tp *l2tp);
void l2tp_unsubscribe(struct l2tp *l2tp);

struct l2tp_tunnel *l2tp_tunnel_get(struct l2tp *l2tp, uint16_t tid);
/* Random non-zero 16-bit ID not in `used`; 0 when all are taken. */
/* IDs in use of one table (the node's tunnels, a tunnel's sessions): the
 * hash table maps them; once it holds L2TP_ID_BITS_AT of them, a bitmap of
 * all 65 536 (*bits, 8 KiB) marks them too, so that drawing a free ID by
 * random probes costs no hash lookups when the table is nearly full (ten
 * probes a set-up at 60 000 sessions). Insert and remove through these. */
#define L2TP_ID_BITS_AT 4096
uint16_t l2tp_alloc_id(struct l2tp *l2tp, GHashTable *used, uint64_t **bits);
void l2tp_id_insert(GHashTable *used, uint64_t **bits, uint16_t id, gpointer value);
void l2tp_id_remove(GHashTable *used, uint64_t **bits, uint16_t id);
/* May CDNs on t carry the Q.931 Cause Code AVP? The group's
 * cdn-q931-cause, unless the peer is known to refuse it. */
bool l2tp_tunnel_q931_ok(const struct l2tp_tunnel *t);
/* t's peer answered a CDN with StopCCN m: if that says (result 2, error
 * 8) that it does not know AVP 12, remember the peer (logged once at
 * notice level, counted). Returns true when it did. */
bool l2tp_q931_learn(struct l2tp_tunnel *t, const struct l2tp_msg *m);
/* Does a Result Code's error message name AVP type `type` ("AVP 12",
 * "unknown AVP 0x000c")? 1 it does, 0 it names another, -1 it names
 * none. */
int l2tp_text_names_avp(const struct l2tp_bytes *msg, unsigned type);
/* setup-timeout of the tunnel's group in ms (the default without one). */
uint64_t l2tp_setup_timeout_ms(const struct l2tp_tunnel *t);
/* Log under l2x-events etc. with the "Tnl N L2TP: " prefix done by caller. */
#define l2tp_dbg(l2tp, cat, ...) vpdn_debug((l2tp)->log, (cat), __VA_ARGS__)

/* A session's debug line, with the seed's prefix: "Se0:17 Tnl/Cl 45029/291 L2TP: ...". */
#define SLOG(s, cat, fmt, ...)                                                          \
	vpdn_debug((s)->tunnel->l2tp->log, (cat), "%s%sTnl/Cl %u/%u L2TP: " fmt,            \
		   (s)->ifname ? (s)->ifname : "", (s)->ifname ? " " : "", (s)->tunnel->tid, \
		   (s)->sid, ##__VA_ARGS__)
void l2tp_addr_text(const struct sockaddr_storage *ss, char *buf, size_t size);
uint16_t l2tp_addr_port(const struct sockaddr_storage *ss);
bool l2tp_addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Same host and same port. */
bool l2tp_addr_same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* 0.0.0.0 or :: (a socket bound to every address). */
bool l2tp_addr_is_any(const struct sockaddr_storage *ss);
/* A datagram for tunnel t came from src to local. Is src the tunnel's
 * peer (address and port) and local its local address (when both the
 * tunnel's and the socket's are specific)? If not, it is counted
 * (l2tp_foreign_source_total) and logged under l2x-errors: the caller
 * drops it. what: "Data" or "Control" for the log line. */
bool l2tp_tunnel_source_ok(struct l2tp_tunnel *t, const struct sockaddr_storage *local,
			   const struct sockaddr_storage *src, const char *what);

/* Find or create a tunnel for one new session of group g (LAC dial-in,
 * LNS dial-out). Load sharing: the initiate-to entries of the best
 * priority that are not dead (lns-dead-time) and below their limit; among
 * them the one carrying fewest sessions (ties: config order). When every
 * entry is dead, the one whose dead time ends first is tried anyway.
 * tried: entries not to use (failover). need_bearer: only tunnels whose
 * peer sent Bearer Capabilities. NULL with *err -EAGAIN (every usable
 * entry at its limit) or -EHOSTUNREACH. */
struct l2tp_tunnel *l2tp_tunnel_for_group(struct l2tp *l2tp, struct l2tp_group *g,
					  bool need_bearer, const char *ifname, uint32_t tried,
					  int *err);
/* Tunnel set-up to initiate-to entry t->addr_index failed: the entry is
 * dead for lns-dead-time, the calls waiting on t move to another tunnel
 * when load sharing finds one (tunnel-select.c). */
void l2tp_tunnel_failover(struct l2tp_tunnel *t);
/* Sessions on the usable tunnels to initiate-to entry idx of g. */
unsigned l2tp_group_entry_sessions(struct l2tp *l2tp, const struct l2tp_group *g, unsigned idx);

/* ------------------------------------------------------------------ */
/* Tunnel (tunnel.c, tunnel-ctrl.c)                                   */

enum l2tp_tunnel_state {
	L2TP_TUNNEL_IDLE,
	L2TP_TUNNEL_WAIT_CTL_REPLY,
	L2TP_TUNNEL_WAIT_CTL_CONN,
	L2TP_TUNNEL_ESTABLISHED,
	L2TP_TUNNEL_CLOSING,     /* StopCCN sent or received: hold state */
};
const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state s);
/* The short name `show vpdn` prints ("est"). */
const char *l2tp_tunnel_state_short(enum l2tp_tunnel_state s);

struct l2tp_tunnel {
	struct l2tp *l2tp;
	uint16_t tid, peer_tid;
	enum l2tp_tunnel_state state;
	bool initiator;
	bool up_published;
	bool peer_bearer;           /* the peer sent Bearer Capabilities */
	bool challenged;            /* we sent a Challenge */
	bool has_tie_breaker;
	bool stop_sent;             /* we sent StopCCN */
	enum vpdn_end_side ended_by; /* set before its sessions are closed */
	bool peer_port_fixed;       /* §8.1: the peer's port may change no more */
	bool cdn_q931_sent;         /* a CDN with the Q.931 Cause Code AVP went out */
	uint16_t addr_index;        /* initiate-to entry in use */
	uint32_t tried;             /* initiate-to entries tried (failover) */
	uint32_t peer_bearer_caps, peer_framing_caps;
	uint64_t hello_batch;       /* l2tp->rx_batch when data last looked at HELLO */
	uint64_t *sid_bits;         /* session IDs in use, see l2tp_alloc_id */
	struct l2tp_group *group;
	struct sockaddr_storage local, peer;
	char *peer_name;
	uint8_t challenge[16];
	uint8_t tie_breaker[8];
	struct l2tp_ctrl ctrl;
	GHashTable *sessions;       /* uint16 local sid -> struct l2tp_session* */
	GHashTable *peer_sessions;  /* uint16 peer sid -> struct l2tp_session*:
				     * the peer's Assigned Session IDs in use */
	struct vpdn_timer reap_timer;
	struct vpdn_timer setup_timer; /* wait-ctl-reply / wait-ctl-conn */
	uint64_t changed_ms;
	int result, error;          /* why it went down */
	uint64_t wen_count;
	uint64_t rtx_seen;          /* ctrl.stats.retransmits already counted */
	uint64_t data_rx, data_tx;
};

/* Initiate (LAC dial-in, LNS dial-out): SCCRQ to group's initiate-to
 * entry idx. */
struct l2tp_tunnel *l2tp_tunnel_initiate(struct l2tp *l2tp, struct l2tp_group *g,
					 unsigned idx, uint32_t tried);
/* An SCCRQ with Tunnel ID 0 arrived. */
void l2tp_tunnel_accept(struct l2tp *l2tp, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer, const struct l2tp_header *h,
			const struct l2tp_msg *m, const uint8_t *buf, size_t len);
/* A control datagram for an existing tunnel (header decoded only: the
 * tunnel decodes the AVPs with its secret once the message is in order).
 * Dropped (counted) unless it comes from the tunnel's peer address and
 * port; the initiator takes the port of the responder's first datagram
 * once (RFC 2661 §8.1), after which it is fixed. */
void l2tp_tunnel_input(struct l2tp_tunnel *t, const struct sockaddr_storage *local,
		       const struct sockaddr_storage *peer,
		       const struct l2tp_header *h, const uint8_t *buf, size_t len);
/* Send StopCCN (result/error), clear every session, hold, then free. */
void l2tp_tunnel_stop(struct l2tp_tunnel *t, int result, int error, const char *why);
/* Free now (module stop). */
void l2tp_tunnel_free(struct l2tp_tunnel *t);
/* Encode and queue a control message for session peer_sid. */
int l2tp_tunnel_send(struct l2tp_tunnel *t, uint16_t peer_sid, struct l2tp_msg *m);
bool l2tp_tunnel_usable(const struct l2tp_tunnel *t);
const char *l2tp_tunnel_local_name(const struct l2tp_tunnel *t);

/* ------------------------------------------------------------------ */
/* Sessions (session.c, session-data.c; call types behind it)         */

enum l2tp_session_kind {
	L2TP_SESSION_LAC_IC,
	L2TP_SESSION_LNS_IC,
	L2TP_SESSION_LNS_OC,
	L2TP_SESSION_LAC_OC,
};

/* Setup data kept until the session is established. */
struct l2tp_call {
	char *user, *calling, *called, *number, *profile, *remote_name;
	uint32_t bearer_kbps, min_bps, max_bps;
	int pool;
	bool async;
	/* proxy LCP/auth for the ICCN (LAC) */
	struct vpdn_proxy proxy;
	GByteArray *proxy_store;
	struct l2tp_dial *dial;     /* LAC dial-out: our pending DIAL_REQUEST */
};

/* A session's PPP Disconnect Cause (RFC 3145), known only at its end: a
 * block of its own (l2tp_session_set_ppp_disc()), 8 bytes a session. */
struct l2tp_ppp_disc {
	uint16_t code, proto;
	uint8_t dir;
	char msg[];                 /* "" for none */
};

struct l2tp_session {
	struct l2tp_tunnel *tunnel;
	uint16_t sid, peer_sid;
	uint8_t kind;               /* enum l2tp_session_kind */
	uint8_t state;              /* the kind's state enum */
	bool seq;                   /* send data with Ns */
	bool up_published;
	uint16_t data_ns, data_nr;
	uint32_t serial;
	struct vpdn_link *link;     /* this session as a carrier (end A) */
	struct vpdn_link *carrier;  /* LAC: B channel spliced to link */
	struct vpdn_request *req;   /* request we must complete, or NULL */
	struct vpdn_request *out_req; /* request we issued, pending */
	char *ifname;               /* "Se0:17", "Vi2" */
	char *user;
	struct l2tp_call *call;
	/* kept from call once it is dropped: one block, a presence byte
	 * (bit 0 calling, bit 1 called) then both strings, read through
	 * l2tp_session_calling()/_called() (l2tp_session_set_numbers()) */
	char *numbers;
	struct vpdn_timer setup_timer; /* armed while waiting on the peer */
	uint64_t changed_ms;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out, errors;
	/* LNS: why PPP ended (PPP_DOWN comes before the link's hang-up), for
	 * the CDN's PPP Disconnect Cause Code (RFC 3145) */
	struct l2tp_ppp_disc *ppp_disc;     /* NULL: none known */
};

const char *l2tp_session_state_name(const struct l2tp_session *s);
const char *l2tp_session_state_short(const struct l2tp_session *s);
/* Established (data flows)? */
bool l2tp_session_established(const struct l2tp_session *s);

/* NULL when the tunnel has no free Session ID. */
struct l2tp_session *l2tp_session_new(struct l2tp_tunnel *t, enum l2tp_session_kind kind);
/* Refuse a call we could not even create a session for: CDN with
 * Assigned Session ID 0 to the peer's session. */
void l2tp_session_refuse(struct l2tp_tunnel *t, uint16_t peer_sid, int result, int error,
			 const char *why);
struct l2tp_session *l2tp_session_get(struct l2tp_tunnel *t, uint16_t sid);
/* The session of t the peer assigned peer_sid to, or NULL. */
struct l2tp_session *l2tp_session_by_peer_sid(struct l2tp_tunnel *t, uint16_t peer_sid);
/* Record the peer's Assigned Session ID for s. -EINVAL for 0 (never
 * assigned, §4.4.3), -EEXIST when another session of the tunnel has it:
 * the caller refuses the call (CDN 2/5), s->peer_sid is left unchanged. */
int l2tp_session_set_peer_sid(struct l2tp_session *s, uint16_t peer_sid);
/* Answer for a refused Assigned Session ID (r from the above): CDN
 * result 2, error 5 and a text, on s (closed, freed) or, with s NULL,
 * to the peer's session peer_sid. Counted as malformed. */
void l2tp_session_bad_peer_sid(struct l2tp_tunnel *t, struct l2tp_session *s, uint16_t peer_sid,
			       int r);
void l2tp_session_set_state(struct l2tp_session *s, int state);
/* Tear down: CDN (if send_cdn and the peer knows the session), fail any
 * pending request, hang up the link, publish SESSION_DOWN, free.
 * The session is freed when this returns. */
void l2tp_session_close(struct l2tp_session *s, bool send_cdn, int result, int error,
			int cause, const char *why);
/* The tunnel went away (no CDN: StopCCN clears sessions). Frees s. */
void l2tp_session_tunnel_down(struct l2tp_session *s);
/* The tunnel reached established. */
void l2tp_session_tunnel_up(struct l2tp_session *s);
/* A control message for this session (in order, decoded). */
void l2tp_session_input(struct l2tp_session *s, const struct l2tp_msg *m);
/* Move a session waiting for a tunnel to another tunnel (failover). */
void l2tp_session_move(struct l2tp_session *s, struct l2tp_tunnel *to);
/* A data message for this session: payload after the header
 * (session-data.c). */
void l2tp_session_data(struct l2tp_session *s, const struct l2tp_header *h,
		       const uint8_t *payload, size_t len);
/* Create the session's link (carrier at end A). */
void l2tp_session_make_link(struct l2tp_session *s);
/* The session whose link (end A) this is, or NULL: the session's own
 * ctx on the link, no table (#19). */
struct l2tp_session *l2tp_session_of_link(struct l2tp *l2tp, const struct vpdn_link *link);
void l2tp_session_fill_event(struct l2tp_session *s, struct vpdn_ev_session *ev);
void l2tp_session_published_up(struct l2tp_session *s);
int l2tp_session_send(struct l2tp_session *s, struct l2tp_msg *m);
/* CDN result for a negative errno or a negative/positive Q.931 cause. */
int l2tp_cdn_result_for(int status, int *cause);
void l2tp_call_free(struct l2tp_call *c);
/* The session is established: free its setup data (s->call), keeping the
 * calling and called numbers for `show vpdn session ID`. */
void l2tp_session_drop_call(struct l2tp_session *s);
/* Keep the session's PPP Disconnect Cause (msg: NULL for none, at most
 * 200 octets kept), replacing one kept before. */
void l2tp_session_set_ppp_disc(struct l2tp_session *s, uint16_t code, uint16_t proto,
			       uint8_t dir, const char *msg);
/* Keep copies of the numbers (either NULL) in s->numbers, one allocation
 * (#19); the old block is freed after the copies (the new numbers may
 * point into it). */
void l2tp_session_set_numbers(struct l2tp_session *s, const char *calling, const char *called);
/* The calling / called number of the call (the dialled number of an
 * outgoing call), or NULL. */
const char *l2tp_session_calling(const struct l2tp_session *s);
const char *l2tp_session_called(const struct l2tp_session *s);

/* A message the session's machine does not expect in its state: log it
 * under l2x-errors and clear the call (CDN 2, general error). */
void l2tp_session_unexpected(struct l2tp_session *s, const struct l2tp_msg *m);

/* A session-scoped control message (l2tp_msg_session_scoped(): ICRQ ...
 * SLI) on established tunnel t, in order and decoded: a new call (ICRQ,
 * OCRQ) to the state machine of the call type it opens, the others to the
 * session h names (none: counted, ignored); WEN counts, SLI becomes
 * LINK_ACCM, the rest goes to l2tp_session_input(). */
void l2tp_session_message(struct l2tp_tunnel *t, const struct l2tp_header *h,
			  const struct l2tp_msg *m);
bool l2tp_msg_session_scoped(unsigned type);
/* A session message we cannot take (an unknown AVP with M set, a
 * mandatory AVP missing): RFC 2661 §4.1 ends the session, not the
 * tunnel: CDN 2/error for a known session, a refused new call, anything
 * else ignored (counted). */
void l2tp_session_message_error(struct l2tp_tunnel *t, const struct l2tp_header *h,
				const struct l2tp_msg *m, int error, const char *why);
/* A call we originate for a claimed request: kind L2TP_SESSION_LAC_IC with
 * the FORWARD_REQUEST's struct vpdn_ev_forward (LAC dial-in), or
 * L2TP_SESSION_LNS_OC with the DIALOUT_REQUEST's struct vpdn_ev_dialout
 * (LNS dial-out). req is completed later; a negative errno (nothing
 * started) leaves it to the caller. */
int l2tp_session_start(struct l2tp *l2tp, enum l2tp_session_kind kind, struct l2tp_group *g,
		       const void *request, struct vpdn_request *req);
/* The engine stops: what the call types keep outside their sessions (the
 * LAC dial-out's pending DIAL_REQUESTs) is cancelled. After the tunnels. */
void l2tp_sessions_stop(struct l2tp *l2tp);

/* ------------------------------------------------------------------ */
/* Packet capture (capture.c)                                         */

enum l2tp_capture_filter {
	L2TP_CAPTURE_ALL,
	L2TP_CAPTURE_TUNNEL,    /* one tunnel by local Tunnel ID */
	L2TP_CAPTURE_SESSION,   /* one session by local Session ID */
};
/* Start writing a new pcap file `name` inside the node's capture
 * directory (vpdn_capture_create(): never an existing file, never through
 * a symlink, mode 0600). -EBUSY when one runs; other errors as
 * vpdn_capture_create(), with *error. */
int l2tp_capture_start(struct l2tp *l2tp, const char *name, enum l2tp_capture_filter filter,
		       uint16_t id, char **error);
/* The running capture's resolved file name, or NULL. */
const char *l2tp_capture_path(const struct l2tp *l2tp);
/* Stop; *packets (if given) gets the number written. -ENOENT if none. */
int l2tp_capture_stop(struct l2tp *l2tp, uint64_t *packets);
/* A datagram sent (out) or received on the socket bound to local. */
void l2tp_capture_packet(struct l2tp *l2tp, const struct sockaddr_storage *local,
			 const struct sockaddr_storage *peer, const uint8_t *buf, size_t len,
			 bool out);

/* ------------------------------------------------------------------ */
/* D-Bus (l2tp-bus.c)                                                 */

/* The module object and the two classes (tunnels, sessions), registered
 * once; sets the engine's changed hook (l2tp_changed()). */
int l2tp_bus_module_add(struct l2tp *l2tp);
/* ListTunnels/ListSessions: append one page, a(oa{sv}) (path, every
 * property), of the objects whose key (tunnel ID; tunnel ID << 16 |
 * session ID) is above cursor, in key order: at most max rows (0: the
 * default; capped at L2TP_BUS_PAGE_MAX) and about L2TP_BUS_PAGE_BYTES.
 * *next: the cursor of the next page, 0 when this one reached the end. */
#define L2TP_BUS_PAGE_DEFAULT VPDN_DBUS_PAGE_DEFAULT
#define L2TP_BUS_PAGE_MAX VPDN_DBUS_PAGE_MAX
#define L2TP_BUS_PAGE_BYTES VPDN_DBUS_PAGE_BYTES
#define L2TP_BUS_ROW_FIXED 512   /* a row's octets beyond its strings (~430), rounded up */
int l2tp_bus_append_tunnels(struct l2tp *l2tp, sd_bus_message *m, uint32_t cursor,
			    uint32_t max, uint32_t *next, uint32_t *rows);
int l2tp_bus_append_sessions(struct l2tp *l2tp, sd_bus_message *m, uint32_t cursor,
			     uint32_t max, uint32_t *next, uint32_t *rows);

/* ------------------------------------------------------------------ */
/* Restart in place (l2tp-state.c, docs/RESTART.md)                   */

/* Every established tunnel and session, as the module's state. */
GVariant *l2tp_state_save(struct l2tp *l2tp);
/* Rebuild them (after init: the transport is there). 0, or -EPROTO for
 * a version or shape it does not know; each tunnel or session that
 * cannot be rebuilt is logged and left out. */
int l2tp_state_restore(struct l2tp *l2tp, GVariant *data, uint32_t version);
/* The layout of l2tp_state_save()'s GVariant (2: sessions as tuples). */
#define L2TP_STATE_VERSION 2
uint32_t l2tp_state_version(void);
/* The name a socket bound to addr is handed over under:
 * "l2tp/udp/127.0.0.2/1701" (':' of IPv6 as '_'). */
void l2tp_state_fd_name(const struct sockaddr_storage *addr, char *buf, size_t size);
/* The socket bound to addr the previous process handed over (checked:
 * a UDP socket bound there), non-blocking; -1: none, open one. */
int l2tp_state_take_socket(struct l2tp *l2tp, const struct sockaddr_storage *addr);

/* ------------------------------------------------------------------ */
/* Transport (transport.c): one UDP socket per local address.         */

struct l2tp_transport *l2tp_transport_new(struct l2tp *l2tp, char **error);
void l2tp_transport_free(struct l2tp_transport *tr);
/* Reload: open sockets the new config needs, close the ones it no longer
 * lists. Refused (nothing changed, *error set) when a socket a tunnel uses
 * would close, or a new one cannot be bound. */
int l2tp_transport_reconfigure(struct l2tp_transport *tr, const struct l2tp_config *nc,
			       char **error);
int l2tp_transport_xmit(void *xctx, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer, const uint8_t *buf, size_t len);
/* Restart in place: send what is queued, hand every socket to the core
 * (vpdn_core_keep_fd, l2tp_state_fd_name). */
void l2tp_transport_keep_fds(struct l2tp_transport *tr);
/* Datagrams queued for the next sendmmsg (tests). */
size_t l2tp_transport_queued(const struct l2tp_transport *tr);
/* Datagrams received (UDP GRO buffers counted by their datagrams), GRO
 * buffers of more than one, UDP GSO messages sent, GSO off. */
struct l2tp_transport_stats {
	uint64_t rx_datagrams, rx_gro, gso_sends;
	bool gso_off;
};
void l2tp_transport_stats(const struct l2tp_transport *tr, struct l2tp_transport_stats *o);
/* Split a UDP GRO receive buffer of len octets into its datagrams of seg
 * octets (the last may be shorter; seg 0: one datagram), each passed to
 * out() in order. Returns their number. */
size_t l2tp_gro_split(const uint8_t *buf, size_t len, size_t seg,
		      void (*out)(void *ctx, const uint8_t *d, size_t n), void *ctx);

#endif
