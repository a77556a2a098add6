/* SPDX-License-Identifier: MIT */
/*
 * The PPP engine (internal API of the ppp module, unit-tested directly).
 *
 * One struct ppp_engine per PPP session: LCP and IPCP automata, CHAP/PAP
 * state in both directions, keepalive, and the role-specific logic (client,
 * server, LAC forwarding, LNS proxy acceptance). A struct ppp_manager holds
 * the per-interface configuration, the Virtual-Access numbering, the peer
 * address pools and the bus claims (PPP_START, SESSION_INCOMING).
 *
 * Data path: PPP frames arrive at the engine's end of the carrier link
 * (end B by convention). IPv4 packets from the network link (`net`, PPP at
 * end A) are sent on the carrier after copying them behind a 4-octet PPP
 * header in the manager's one scratch buffer (links take contiguous
 * borrowed frames, so this is one copy and no allocation per packet).
 * IPv4 frames from the carrier are passed to `net` as a pointer into the
 * received frame (no copy).
 *
 * Lifetime: an engine is owned by its manager. It frees itself when PPP is
 * finished (LCP This-Layer-Finished, carrier hang-up, forwarded), but never
 * from inside one of its own callbacks: entry points (frame, hangup, timer,
 * request completion) count nesting and the free happens on the way out.
 */
#ifndef VPDN_PPP_ENGINE_H
#define VPDN_PPP_ENGINE_H

#include <confuse.h>
#include <glib.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/vpdnd.h>

#include "fsm.h"

#define PPP_LCP   0xC021
#define PPP_PAP   0xC023
#define PPP_CHAP  0xC223
#define PPP_IPCP  0x8021
#define PPP_IP    0x0021
#define PPP_IPV6CP 0x8057
#define PPP_IPV6  0x0057

/* LCP option types */
enum {
	LCP_OPT_MRU = 1,
	LCP_OPT_ACCM = 2,
	LCP_OPT_AUTH = 3,
	LCP_OPT_QUALITY = 4,
	LCP_OPT_MAGIC = 5,
	LCP_OPT_PFC = 7,
	LCP_OPT_ACFC = 8,
	LCP_OPT_CALLBACK = 13,
	LCP_OPT_MRRU = 17,
	LCP_OPT_EPDISC = 19,
};

/* IPv6CP option types (RFC 5072) */
enum { IPV6CP_OPT_IFID = 1 };

/* IPCP option types */
enum {
	IPCP_OPT_COMPRESS = 2,
	IPCP_OPT_ADDR = 3,
	IPCP_OPT_DNS1 = 129,
	IPCP_OPT_NBNS1 = 130,
	IPCP_OPT_DNS2 = 131,
	IPCP_OPT_NBNS2 = 132,
};

enum ppp_auth_proto { PPP_AUTH_P_NONE = 0, PPP_AUTH_P_PAP = 1, PPP_AUTH_P_CHAP = 2 };

enum ppp_lcp_reneg { PPP_RENEG_ON_MISMATCH = 0, PPP_RENEG_ALWAYS = 1 };

/* Settings of one config interface ("Virtual-Template1", "Dialer2",
 * "Serial0:15"), reference counted: engines keep theirs across reloads. */
struct ppp_conf {
	int refs;
	char *name;
	uint8_t auth[2];            /* methods we ask the peer for, in order */
	uint8_t n_auth;
	bool callin;                /* authenticate only calls that came in */
	bool chap_refuse, pap_refuse;
	char *chap_hostname;        /* our CHAP name (NULL: node hostname) */
	char *chap_password;        /* our CHAP secret toward peers, or NULL */
	char *pap_user, *pap_password;
	uint32_t keepalive_ms;      /* 0: no Echo keepalive */
	uint8_t keepalive_count;
	uint32_t restart_ms;
	uint8_t max_configure, max_failure, max_terminate;
	uint8_t max_bad_auth;
	uint16_t mru;               /* MRU we propose (1500: not sent) */
	bool pfc, acfc;             /* propose PFC/ACFC */
	enum ppp_lcp_reneg reneg;
	bool force_local_chap;
	bool ipcp_dns_request;      /* as a client: ask for DNS addresses */
	struct in_addr local;       /* our IPCP address (0: ask the peer) */
	struct in_addr peer_default;/* address given to peers asking 0.0.0.0 */
	struct in_addr pool_first;  /* pool (host order range), n 0: none */
	uint32_t pool_size;
	uint8_t *pool_used;         /* bitmap */
	uint32_t pool_hint;         /* no free address below this index */
	char *pool_name;            /* ppp-peer-default-ip-address-pool */
	struct in_addr dns1, dns2;  /* offered to peers that ask */
	bool accept_peer_addr;      /* ppp-ipcp-accept-peer-address: with no
				       address to give, a peer's own one
				       (validated) is acked */
	bool ipv6;                  /* ipv6-enable: IPv6CP beside IPCP */
	bool has_ipv6_ifid;         /* ipv6-interface-id given */
	uint8_t ipv6_ifid[8];       /* ... our Interface-Identifier */
};

struct ppp_conf *ppp_conf_new(const char *name);
struct ppp_conf *ppp_conf_ref(struct ppp_conf *c);
void ppp_conf_unref(struct ppp_conf *c);
/* Fill from an `interface` section (NULL: defaults). root: the whole
 * config, to resolve ip-unnumbered. Returns 0 or -EINVAL (bad value). */
int ppp_conf_load(struct ppp_conf *c, cfg_t *root, cfg_t *iface);
/* Pool: take a free address (0 if none / exhausted), give one back. */
struct in_addr ppp_conf_pool_take(struct ppp_conf *c);
void ppp_conf_pool_put(struct ppp_conf *c, struct in_addr a);

/* pool.c: named pools (ip-local-pool), node-wide. */
struct ppp_pools;
struct ppp_pool_info {
	const char *name;
	uint32_t size, used;
	uint64_t exhausted;
	unsigned n_range;
	struct in_addr first[16], last[16];
};
extern cfg_opt_t ppp_pool_options[];        /* top level: ip-local-pool */
extern cfg_opt_t ppp_pool_section_opts[];   /* inside one */
/* Config check with file:line errors (ranges, template pool names). */
int ppp_pools_check(cfg_t *cfg);
struct ppp_pools *ppp_pools_new(struct vpdn_core *core, cfg_t *cfg);
int ppp_pools_reload(struct ppp_pools *ps, cfg_t *cfg);
void ppp_pools_free(struct ppp_pools *ps);
/* Each pool, sorted by name (show ip local pool). */
void ppp_pools_foreach(struct ppp_pools *ps,
		       void (*fn)(const struct ppp_pool_info *info, void *data), void *data);

struct ppp_manager;
struct ppp_engine;

/* Start parameters (what PPP_START carries, plus the test end). */
struct ppp_start {
	struct vpdn_link *link;
	enum vpdn_link_end_id end;    /* where PPP attaches (B by default) */
	const char *interface;        /* log name: "Se0:17", "Vi2" */
	const char *profile;          /* bound dialer profile or NULL */
	enum vpdn_ppp_role role;
	enum vpdn_call_dir dir;
	uint32_t call_id;
	const char *calling, *called, *dnis;
	bool async;
	uint16_t carrier_mru;         /* the carrier's largest frame, 0: none */
	uint32_t bearer_kbps;
	const struct vpdn_proxy *proxy;
	int vaccess;                  /* Virtual-Access number owned, or 0 */
	uint16_t l2tp_tid, l2tp_sid;  /* LNS: the L2TP session (restart key), or 0 */
};

/* The `interface` options this module defines (module descriptor). */
extern cfg_opt_t ppp_interface_options[];

struct ppp_manager *ppp_manager_new(struct vpdn_core *core, cfg_t *cfg);
void ppp_manager_free(struct ppp_manager *m);
int ppp_manager_reload(struct ppp_manager *m, cfg_t *cfg);
/* The settings for a config interface (borrowed); defaults if unknown. */
struct ppp_conf *ppp_manager_conf(struct ppp_manager *m, const char *name);
/* Lowest free Virtual-Access number (from 1), marked used. */
int ppp_manager_vaccess_take(struct ppp_manager *m);
void ppp_manager_vaccess_put(struct ppp_manager *m, int n);
void ppp_manager_vaccess_unfree(struct ppp_manager *m, int n);
size_t ppp_manager_engine_count(struct ppp_manager *m);
struct ppp_engine *ppp_manager_find(struct ppp_manager *m, const char *ifname);

/* Create and start an engine; conf is referenced. NULL on bad arguments. */
struct ppp_engine *ppp_engine_start(struct ppp_manager *m, struct ppp_conf *conf,
				    const struct ppp_start *st);
/* Built and attached, nothing sent, LCP Initial (ppp-state.c). */
struct ppp_engine *ppp_engine_new(struct ppp_manager *m, struct ppp_conf *conf,
				  const struct ppp_start *st);
/* Restart in place (ppp-state.c, docs/RESTART.md): the server engines
 * on L2TP sessions as a GVariant (PPP_STATE_VERSION), and rebuilt
 * Opened from one, each on the link l2tp offered back. restore: the
 * number of engines rebuilt, or -EPROTO (another version), -EBADMSG. */
#define PPP_STATE_VERSION 2
GVariant *ppp_state_save(struct ppp_manager *m);
int ppp_state_restore(struct ppp_manager *m, GVariant *data, uint32_t version);

/* Administrative close: LCP Terminate, then the engine goes away.
 * reason is kept by pointer (ppp_set_disconnect): static text only. */
void ppp_engine_close(struct ppp_engine *e, const char *reason);

/* Introspection (tests, D-Bus later). */
enum vpdn_ppp_phase ppp_engine_phase(const struct ppp_engine *e);
const char *ppp_engine_name(const struct ppp_engine *e);
const char *ppp_engine_user(const struct ppp_engine *e);
struct ppp_fsm *ppp_engine_lcp(struct ppp_engine *e);
struct ppp_fsm *ppp_engine_ipcp(struct ppp_engine *e);
/* IPv6CP, or NULL where IPv6 is not enabled for the interface. */
struct ppp_fsm *ppp_engine_ipv6cp(struct ppp_engine *e);
/* The Interface-Identifiers IPv6CP negotiated (false: no IPv6CP). */
bool ppp_engine_ifids(const struct ppp_engine *e, uint8_t local[8], uint8_t peer[8]);
struct vpdn_link *ppp_engine_net(struct ppp_engine *e);
struct in_addr ppp_engine_local_addr(const struct ppp_engine *e);
struct in_addr ppp_engine_peer_addr(const struct ppp_engine *e);
uint32_t ppp_engine_malformed(const struct ppp_engine *e);
uint32_t ppp_engine_magic(const struct ppp_engine *e);
uint32_t ppp_engine_lcp_confreqs_sent(const struct ppp_engine *e);

const char *ppp_phase_name(enum vpdn_ppp_phase p);
const char *ppp_role_name(enum vpdn_ppp_role r);

/* Internal: option codecs, testable alone. Parse an IPv4 from "a.b.c.d",
 * "a.b.c.d/len" or "a.b.c.d mask". */
int ppp_parse_ipv4(const char *s, struct in_addr *out);
/* Why no PPP peer may have this address ("loopback", "multicast", ...),
 * or NULL if its class is fine (unicast). */
const char *ppp_ipcp_bad_class(struct in_addr a);
/* An Interface-Identifier from "::1" or "::205:ff:fe00:1" (an IPv6
 * address whose upper 64 bits are zero and lower 64 not): 0 or -EINVAL. */
int ppp_parse_ifid(const char *s, uint8_t out[8]);

#endif
