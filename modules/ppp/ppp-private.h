/* SPDX-License-Identifier: MIT */
/* The engine's insides, shared by ppp.c, lcp.c, ipcp.c, chap-state.c,
 * pap-state.c and manager.c. Not for other modules. */
#ifndef VPDN_PPP_PRIVATE_H
#define VPDN_PPP_PRIVATE_H

#include <glib.h>
#include <systemd/sd-bus.h>

#include "ppp.h"

#define PPP_CHAL_LEN 16         /* our CHAP challenges */
#define PPP_PEER_CHAL_MAX 64    /* peer challenges we answer */
#define PPP_LOOP_LIMIT 3        /* own magic seen this often: looped */

/* LCP negotiated state (by size: no padding, #19). */
struct ppp_lcp {
	struct vpdn_timer echo_timer;
	/* ours (what we request), then the peer's (what we acked) */
	uint32_t accm, peer_accm;
	uint32_t magic, peer_magic;
	uint32_t confreqs_sent;
	uint16_t mru, peer_mru;
	uint8_t auth;               /* enum ppp_auth_proto we ask for */
	uint8_t auth_idx;           /* index into conf->auth */
	bool want_mru, want_accm, want_magic, want_pfc, want_acfc;
	uint8_t peer_auth;          /* the peer wants us to authenticate */
	bool peer_pfc, peer_acfc;
	uint8_t loops;              /* own magic seen in peer requests */
	uint8_t echo_outstanding;
	uint8_t echo_id;
};

struct ppp_ipcp {
	struct ppp_pool *pool;          /* the named pool it came from (pool.c) */
	char *refused_why;              /* why (g_malloc'd), or NULL */
	struct in_addr local, peer;     /* negotiated */
	struct in_addr dns1, dns2;      /* as a client: what the server gave */
	struct in_addr assigned;        /* address we give the peer (0: none) */
	/* a peer-chosen address last judged (retransmitted requests) */
	struct in_addr judged;
	bool assigned_from_pool;
	bool assigned_checked;          /* ADDRESS_CHECK asked for `assigned` */
	bool want_addr, want_dns1, want_dns2;
	bool judged_ok;
	/* nothing allowed to give: the engine closes after this input */
	bool refused;
};

/* Longest IPv6CP Configure-Request kept for the network phase (one
 * Interface-Id option is 14 octets). */
#define PPP_EARLY_IPV6CP_MAX 32

/* IPv6CP (ipv6cp.c), allocated only where the interface enables IPv6:
 * an IPv4-only session pays one pointer. */
struct ppp_ipv6cp {
	struct ppp_fsm fsm;
	uint8_t local[8];               /* our Interface-Identifier */
	uint8_t peer[8];                /* the peer's, as acked */
	uint8_t suggested[8];           /* what we Nak the peer with */
	uint64_t key;                   /* peer ifid in the manager's set */
	bool want_ifid;                 /* we send the option (not rejected) */
	bool have_peer, have_suggested;
	bool registered;                /* key is in mgr->peer_ifids */
	bool refused;                   /* close IPv6CP after this input */
	char refused_why[96];
	struct vpdn_auth_ipv6 *auth;    /* authorization's IPv6 (copied), or NULL */
	/* the peer's Configure-Request that came while a LAC's proxy
	 * authentication was verified (as early_ipcp) */
	uint8_t early[PPP_EARLY_IPV6CP_MAX];
	uint8_t early_len;
};

enum ppp_chap_auth_state { CHAP_A_IDLE, CHAP_A_SENT, CHAP_A_VERIFY, CHAP_A_DONE, CHAP_A_FAILED };
enum ppp_chap_peer_state { CHAP_P_IDLE, CHAP_P_SECRET, CHAP_P_SENT, CHAP_P_DONE, CHAP_P_FAILED };

/* What CHAP keeps for the session's life; our challenge itself, its
 * timer and counts are the authentication phase's (struct ppp_auth_phase). */
struct ppp_chap {
	uint8_t astate, pstate;
	uint8_t id;                     /* id of our challenge ("Success lost": resent) */
	uint8_t peer_id;                /* the challenge we answer */
	uint8_t peer_chal_len;
	struct ppp_chap_peer *peer;     /* the peer's challenge, once one came */
};

/* The side that answers a challenge (a client, a LAC dialling out):
 * allocated on the first challenge, so an LNS carries none. */
struct ppp_chap_peer {
	uint8_t chal[PPP_PEER_CHAL_MAX];
	uint8_t resp[16];               /* our last response (resend on dup) */
};

enum ppp_pap_auth_state { PAP_A_IDLE, PAP_A_WAIT, PAP_A_VERIFY, PAP_A_DONE, PAP_A_FAILED };
enum ppp_pap_peer_state { PAP_P_IDLE, PAP_P_SECRET, PAP_P_SENT, PAP_P_DONE, PAP_P_FAILED };

struct ppp_pap {
	uint8_t astate, pstate;
	uint8_t id, tries;
	uint8_t bad;                    /* failed verifications */
	uint8_t last_rx_id;             /* request being verified / verdict given */
	uint8_t verdict;                /* PAP_AUTH_ACK / NAK once given */
	char *secret;                   /* our password (peer side), wiped on free */
	struct vpdn_timer timer;
};

/* LAC forwarding: what the proxy AVPs will carry. */
struct ppp_lac {
	uint8_t *init_rcvd; size_t init_rcvd_len;
	uint8_t *last_rcvd; size_t last_rcvd_len;
	bool pap;                       /* PAP captured (else CHAP) */
	uint8_t resp_id;
	uint8_t resp[255]; size_t resp_len;  /* CHAP response or PAP password */
	char *user;
	char *calling, *called, *dnis;
	uint32_t bearer_kbps;
};

/* Longest authenticator text sent to the peer (CHAP/PAP message). */
#define PPP_AUTH_MSG_MAX 128
/* Longest IPCP Configure-Request kept for the network phase. */
#define PPP_EARLY_IPCP_MAX 128

/*
 * The authentication phase's state (auth-phase.c), a block of its own
 * (#19: bytes per session): allocated when something needs it (the
 * engine's start for a listening LCP's deadline, LCP Up, a request to
 * the bus, a challenge from the peer) and freed when the network phase
 * starts with no request pending, so an LNS holding 10 000 sessions
 * keeps none. Lifetime: owned by the engine (e->ap); its timers and
 * requests are cancelled before it is freed (ppp_auth_phase_free()).
 */
struct ppp_auth_phase {
	struct vpdn_timer deadline;     /* of the phase (or of a listening LCP) */
	struct vpdn_timer chap_timer;   /* our CHAP challenge's retransmission */
	struct vpdn_request *auth_req, *secret_req, *fwd_req;
	void (*verify_cb)(struct ppp_engine *e, bool ok, const char *user);
	void (*secret_cb)(struct ppp_engine *e, const char *secret, size_t len);
	/* An IPCP Configure-Request that came while a LAC's proxy
	 * authentication was still being verified */
	uint8_t *early_ipcp;
	size_t early_ipcp_len;
	/* LNS: the LAC's proxy authentication (copied), until the first
	 * LCP Up uses it or not (ppp_proxy_free()); NULL: none */
	struct vpdn_proxy *proxy;
	uint8_t chal[PPP_CHAL_LEN];     /* our CHAP challenge */
	uint8_t chap_tries;             /* challenges sent for this id */
	uint8_t chap_bad;               /* failed CHAP verifications */
};

struct ppp_engine {
	/* by size, no padding; the flags one bit each (#19: bytes a session) */
	struct ppp_manager *mgr;
	struct ppp_engine *prev, *next;
	struct ppp_conf *conf;      /* core, log, timers: the manager's (mgr->) */
	struct vpdn_link *link;
	struct vpdn_link *net;
	char name[24];
	char *profile;
	const char *disc_msg;           /* static text */
	char *user;                     /* peer's (authenticated) name */
	char *auth_pool;                /* pool authorization named (Framed-Pool) */
	/* Rarely set, so allocated when set (bytes per session, #15):
	 * the authenticator's text for the peer (printable), NULL: the
	 * fixed one */
	char *auth_msg;
	struct vpdn_route4 *auth_routes; /* authorization's, n_auth_routes */
	int vaccess;
	uint32_t call_id;
	int down_reason;
	int net_refused;                /* the IP side refused it: close (-errno) */
	uint32_t malformed;
	struct in_addr auth_addr;       /* address authorization gave, or 0 */
	/* The carrier's largest frame (a PPPoE session's payload, RFC 4638),
	 * 0: none. Our MRU proposal and the peer's MRU we send to are
	 * capped at it (lcp.c). */
	uint16_t carrier_mru;
	uint16_t l2tp_tid, l2tp_sid;    /* LNS: the L2TP session, restart key */
	/* RFC 3145 cause for PPP_DOWN (the first one set wins: disc_known) */
	uint16_t disc_code, disc_proto;
	uint8_t disc_dir;
	uint8_t role;                   /* enum vpdn_ppp_role */
	uint8_t dir;                    /* enum vpdn_call_dir */
	uint8_t phase;
	uint8_t end;                    /* our end of link */
	uint8_t n_auth_routes;          /* at most VPDN_ROUTES_MAX */
	bool async : 1;
	bool auth_peer : 1;             /* we authenticate the peer */
	bool auth_us : 1;               /* the peer authenticates us */
	bool peer_done : 1, us_done : 1;
	bool proxy_auth : 1;            /* verifying the forwarded exchange */
	bool attached : 1, freed_link_end : 1;
	bool dead : 1;                  /* ppp_engine_die() ran: freed next turn */
	bool lac_local : 1;
	bool disc_known : 1;
	bool carrier_gone : 1, proxy_lcp_ok : 1;
	bool in_net_up : 1;             /* publishing PPP_NETWORK_UP / IPV6_UP */
	bool net_v4 : 1, net_v6 : 1;    /* announced on `net` (NETWORK_UP, IPV6_UP) */
	struct ppp_fsm lcp_fsm, ipcp_fsm;
	struct ppp_lcp lcp;
	struct ppp_ipcp ipcp;
	struct ppp_ipv6cp *v6;          /* NULL: IPv6 not enabled (Protocol-Reject) */
	struct ppp_chap chap;
	struct ppp_pap *pap;            /* allocated on PAP's first use (pap-state.c) */
	struct ppp_lac *lac;            /* LAC_FORWARD role only */
	struct ppp_auth_phase *ap;      /* while authenticating, or NULL (ppp_auth_phase()) */
};

struct ppp_manager {
	struct vpdn_core *core;
	struct vpdn_bus *bus;
	struct vpdn_log *log;
	struct vpdn_timers *timers;
	cfg_t *cfg;
	GHashTable *confs;              /* name (casefolded) -> struct ppp_conf* */
	struct ppp_engine *engines;
	size_t n_engines;
	/* the engines by name: a Virtual-Access engine named after its
	 * number ("Vi2", vaccess 2) in by_vaccess[number], a pointer a
	 * session instead of a hash table's slot; any other in by_name
	 * (ppp_manager_index_add/_remove) */
	GHashTable *by_name;            /* e->name -> the newest engine of that name */
	GPtrArray *by_vaccess;          /* number -> engine, or NULL */
	GArray *vaccess_used;           /* gboolean per number */
	GSequence *vaccess_free;        /* numbers < vaccess_used->len not in use, sorted */
	struct vpdn_subscription *sub_start, *sub_incoming;
	uint64_t *c_malformed, *c_sessions, *c_auth_fail, *c_too_big;
	uint64_t *c_addr_refused;       /* addresses IPCP refused */
	uint64_t *c_ipcp_closed;        /* sessions closed: no allowed address */
	struct ppp_pools *pools;        /* pool.c: ip-local-pool */
	uint64_t *c_ifid_nak;           /* peer ifids Nak'd: zero, ours */
	uint64_t *c_ifid_dup;           /* peer ifids Nak'd: another session's */
	uint64_t *c_ipv6cp_closed;      /* IPv6CP closed alone: no agreement */
	uint64_t *c_net_unsent;         /* IP packets for an NCP not Opened */
	uint64_t *c_proto_rej;          /* protocols we Protocol-Rejected */
	/* server sessions' peer Interface-Identifiers (uint64_t* -> engine):
	 * unique on the node, so a shared TUN tells sessions apart */
	GHashTable *peer_ifids;
	sd_bus_slot *bus_slot;          /* ppp-bus.c: module object and engine class */
	struct ppp_fsm_env fsm_env;     /* every engine's layers' (fsm.h) */
	uint8_t scratch[65536 + 8];     /* data path: header + packet */
};

#define plog(e, cat, ...) vpdn_debug((e)->mgr->log, (cat), __VA_ARGS__)
#define NEG VPDN_DEBUG_PPP_NEGOTIATION
#define AUTHC VPDN_DEBUG_PPP_AUTHENTICATION

/* pool.c: the address pool that applies to a server engine */
bool ppp_pool_wanted(const struct ppp_engine *e);
struct in_addr ppp_pool_take(struct ppp_engine *e);   /* 0: none (logged) */
void ppp_pool_put(struct ppp_engine *e, struct in_addr a);
void ppp_pool_release(struct ppp_engine *e);          /* at the engine's end */
/* org.vpdnd.Ppp1.Pools: a(ssuut) name, ranges, size, in use, exhausted */
int ppp_pools_bus_get(sd_bus *bus, const char *path, const char *interface,
		      const char *property, sd_bus_message *reply, void *userdata,
		      sd_bus_error *error);

/* ppp.c: the engine's life and its carrier */
void ppp_send(struct ppp_engine *e, uint16_t proto, const uint8_t *pkt, size_t len);
/* `debug ppp packet` (packet.c): a control packet (after the protocol
 * field) as one line, "LCP ConfReq id 1 len 14: MRU 1500, MagicNumber
 * 0x...". CHAP responses and PAP passwords print as VPDN_SECRET_MASK.
 * Returns dst. */
char *ppp_packet_text(uint16_t proto, const uint8_t *p, size_t n, char *dst, size_t size);
/* Log pkt as sent ("O") or received ("I") if `ppp packet` is on. */
void ppp_log_packet(struct ppp_engine *e, const char *dir, uint16_t proto, const uint8_t *pkt,
		    size_t len);
void ppp_set_phase(struct ppp_engine *e, enum vpdn_ppp_phase p, const char *detail);
void ppp_count_malformed(struct ppp_engine *e);
/* VPDN_EV_PPP_PHASE, _AUTHENTICATED, _DOWN about e. */
void ppp_publish(struct ppp_engine *e, uint32_t type);
/* The session is over: tell the bus, let go of the carrier (hanging it
 * up unless it hung up first or was spliced away), leave the manager's
 * tables; e is marked dead and freed on the next turn
 * (vpdn_bus_defer_free()), so callers may read it after. Once. */
void ppp_engine_die(struct ppp_engine *e, bool spliced);
/* LCP finished (This-Layer-Finished): the session is over. */
void ppp_lcp_finished(struct ppp_engine *e);
/* Tear the session down now (LCP close + carrier hang-up). */
void ppp_fail(struct ppp_engine *e, int reason, const char *why);
/* Record why the session ends, for PPP_DOWN (RFC 3145: code, control
 * protocol, direction, text); the first call wins. Lifetime: msg is kept
 * by pointer until the engine is freed, so it must be static text (a
 * literal), never a buffer of the caller's. */
void ppp_set_disconnect(struct ppp_engine *e, enum vpdn_ppp_disconnect_code code,
			uint16_t proto, enum vpdn_ppp_disconnect_dir dir, const char *msg);
const char *ppp_our_name(struct ppp_engine *e);

/* auth-phase.c: LCP layer events seen by the engine, the authentication
 * phase and the way to the network phase */
/* ppp.c: frees the proxy authentication (e->ap->proxy, if any), the user's
 * response in it wiped first. */
void ppp_proxy_free(struct ppp_engine *e);
void ppp_lcp_up(struct ppp_engine *e);
void ppp_lcp_down(struct ppp_engine *e);
/* An engine into / out of the manager's name index (ppp_manager_find). */
void ppp_manager_index_add(struct ppp_manager *m, struct ppp_engine *e);
void ppp_manager_index_remove(struct ppp_manager *m, struct ppp_engine *e);

/* One direction of authentication finished. this_end: we authenticated
 * the peer (user set). */
void ppp_auth_done(struct ppp_engine *e, bool this_end, bool ok, const char *user);
/* The LAC's proxy authentication not yet used (e->ap's), or NULL. */
static inline const struct vpdn_proxy *ppp_proxy(const struct ppp_engine *e)
{
	return e->ap ? e->ap->proxy : NULL;
}
/* e->ap, allocated (zeroed, its timers set up) if the engine has none. */
struct ppp_auth_phase *ppp_auth_phase(struct ppp_engine *e);
/* Cancel e->ap's timers and requests, wipe it and free it; none: nothing. */
void ppp_auth_phase_free(struct ppp_engine *e);
/* Arm the phase's deadline (authentication, or a passive open's first
 * LCP): restart timer x (max-configure + 2). */
void ppp_auth_arm_deadline(struct ppp_engine *e);

/* network.c: the network link to the ip module */
void ppp_ipcp_up(struct ppp_engine *e);
void ppp_ipcp_down(struct ppp_engine *e);

void ppp_ipv6cp_up(struct ppp_engine *e);
void ppp_ipv6cp_down(struct ppp_engine *e);

/* lac-forward.c: LAC, the peer's CHAP response captured; forward the call. */
void ppp_lac_forward(struct ppp_engine *e);

/* lcp.c */
extern const struct ppp_fsm_ops ppp_lcp_ops;
void ppp_lcp_init(struct ppp_engine *e);
void ppp_lcp_fini(struct ppp_engine *e);
void ppp_lcp_protocol_reject(struct ppp_engine *e, uint16_t proto,
			     const uint8_t *info, size_t len);
/* Judge a list of LCP options as the peer's request would be (proxy). */
int ppp_lcp_check_peer(struct ppp_engine *e, const uint8_t *opts, size_t len);
/* Take the options of a request we are deemed to have sent (proxy):
 * returns 0 if acceptable as our own. */
int ppp_lcp_adopt_ours(struct ppp_engine *e, const uint8_t *opts, size_t len);
void ppp_lcp_log_opts(struct ppp_engine *e, const char *proto,
		      const uint8_t *opts, size_t len);

/* ppp-bus.c: /org/vpdnd/module/ppp and the engines' class
 * /org/vpdnd/ppp/<name> (org.vpdnd.PppSession1). Without a bus: nothing. */
int ppp_bus_add(struct ppp_manager *m);
void ppp_bus_remove(struct ppp_manager *m);

/* ipcp.c */
extern const struct ppp_fsm_ops ppp_ipcp_ops;
void ppp_ipcp_init(struct ppp_engine *e);
void ppp_ipcp_fini(struct ppp_engine *e);
/* After IPCP input: close the session if IPCP found no allowed address. */
void ppp_ipcp_check_refused(struct ppp_engine *e);
/* Keep why IPCP or the IP side refused (e->ipcp.refused_why). */
#define PPP_IPCP_WHY_MAX 160
void ppp_ipcp_set_why(struct ppp_engine *e, const char *why);

/* ipv6cp.c (RFC 5072): only for engines with e->v6 */
extern const struct ppp_fsm_ops ppp_ipv6cp_ops;
void ppp_ipv6cp_init(struct ppp_engine *e);
void ppp_ipv6cp_fini(struct ppp_engine *e);
/* An IPv6CP packet (phase UP): input, then the after-input checks. */
void ppp_ipv6cp_input(struct ppp_engine *e, const uint8_t *p, size_t n);
/* An IPv6CP packet in the authentication phase: kept as
 * ppp_auth_early_ipcp() keeps IPCP's (LAC proxy authentication). */
void ppp_ipv6cp_early(struct ppp_engine *e, const uint8_t *p, size_t n);
/* The network phase started: take the kept request, if any. */
void ppp_ipv6cp_take_early(struct ppp_engine *e);
/* Keep authorization's IPv6 (auth reply), NULL: none. */
/* Server: the peer's Interface-Id in the manager's set (restore). */
void ppp_ipv6cp_register_peer(struct ppp_engine *e);
void ppp_ipv6cp_set_auth(struct ppp_engine *e, const struct vpdn_auth_ipv6 *a);

/* chap-state.c */
void ppp_chap_init(struct ppp_engine *e);
/* e->ap->chap_timer: our challenge unanswered */
void ppp_chap_timeout(struct vpdn_timer *t, void *data);
void ppp_chap_fini(struct ppp_engine *e);
void ppp_chap_start_auth(struct ppp_engine *e);
void ppp_chap_input(struct ppp_engine *e, const uint8_t *pkt, size_t len);
/* LNS: verify a forwarded CHAP exchange (proxy AVPs). */
void ppp_chap_verify_proxy(struct ppp_engine *e, const char *user, uint8_t id,
			   const uint8_t *chal, size_t chal_len,
			   const uint8_t *resp, size_t resp_len);
/* LAC fallback (nobody claimed the forward): verify the captured response. */
void ppp_chap_verify_captured(struct ppp_engine *e);
void ppp_chap_send_result(struct ppp_engine *e, bool ok, uint8_t id);

/* pap-state.c */
void ppp_pap_init(struct ppp_engine *e);
void ppp_pap_fini(struct ppp_engine *e);
void ppp_pap_start_auth(struct ppp_engine *e);
void ppp_pap_start_peer(struct ppp_engine *e);
void ppp_pap_input(struct ppp_engine *e, const uint8_t *pkt, size_t len);
/* LAC fallback (nobody claimed the forward): verify the captured request. */
void ppp_pap_verify_captured(struct ppp_engine *e);
void ppp_pap_send_verdict(struct ppp_engine *e, uint8_t id, bool ok);
void ppp_pap_verify_proxy(struct ppp_engine *e, const char *user, uint8_t id,
			  const uint8_t *pw, size_t pw_len);

/* Shared by chap/pap (auth-phase.c): ask the bus to verify a peer's credentials
 * (VPDN_EV_AUTH_REQUEST); cb runs once, maybe before this returns. The
 * request is cancelled if the engine goes away first. */
/* An IPCP packet in the authentication phase: kept (the last
 * Configure-Request, at most PPP_EARLY_IPCP_MAX octets) when the peer's
 * authentication is a LAC's proxy one being verified, else dropped. */
void ppp_auth_early_ipcp(struct ppp_engine *e, const uint8_t *p, size_t n);
/* The text of our CHAP Success/Failure, PAP Ack/Nak: the authenticator's
 * (sanitized, bounded) or the fixed one; NULL with *len 0 for none. */
const char *ppp_auth_message(const struct ppp_engine *e, bool ok, size_t *len);
void ppp_verify(struct ppp_engine *e, const struct vpdn_ev_auth *a,
		void (*cb)(struct ppp_engine *e, bool ok, const char *user));
/* Our secret toward peer_name: the configured password if any, else
 * VPDN_EV_SECRET_REQUEST. cb gets NULL when there is none. */
void ppp_get_secret(struct ppp_engine *e, const char *local_name, const char *peer_name,
		    const char *configured,
		    void (*cb)(struct ppp_engine *e, const char *secret, size_t len));

#endif
