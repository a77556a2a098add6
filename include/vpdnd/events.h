/* SPDX-License-Identifier: MIT */
/*
 * Built-in event types and their payloads.
 *
 * Rules for every payload: pointers are borrowed for the duration of the
 * dispatch; copy what you keep. Strings are NUL-terminated UTF-8 or NULL.
 * Structs only grow at the end (append-only); the first field of a struct
 * that may grow is `uint32_t size` set to sizeof by the publisher.
 *
 * Request events (marked REQUEST) are published with vpdn_bus_request()
 * (ADDRESS_CHECK, a question, with vpdn_bus_ask()); the answer never
 * arrives inside vpdn_bus_request() (bus.h: the request lifetime rule);
 * the reply struct named is passed to the completion, status < 0 is a
 * negative errno or, where stated, a negative Q.931 cause.
 *
 * The flows (see docs/ARCHITECTURE.md):
 *  dial-in, LAC:   isdn CALL_INCOMING -> dialer/ppp claims, answers, runs
 *                  PPP (LAC forwarding) -> FORWARD_REQUEST -> l2tp claims,
 *                  opens tunnel+session, splices the B channel link with the
 *                  session link.
 *  dial-in, LNS:   l2tp SESSION_INCOMING -> ppp claims, clones Vi from the
 *                  virtual-template, accepts proxy LCP, AUTH_REQUEST ->
 *                  auth-local (reply: the user's address), IPCP
 *                  (ADDRESS_CHECK before an address is acked) ->
 *                  PPP_NETWORK_UP -> ip attaches a TUN.
 *  dial-out, LNS:  ip INTERESTING_TRAFFIC on an idle dialer -> dialer claims
 *                  -> DIALOUT_REQUEST (dialer vpdn) -> l2tp sends OCRQ ...
 *                  OCCN, replies with the session link -> dialer starts PPP
 *                  (PPP_START, callout) -> PPP_NETWORK_UP bound to DialerN.
 *  dial-out, LAC:  l2tp OCRQ -> DIAL_REQUEST (accept-dialout's dialer) ->
 *                  dialer hunts its rotary group -> CALL_PLACE -> isdn
 *                  -> reply with the B channel link -> l2tp splices, OCCN.
 */
#ifndef VPDND_EVENTS_H
#define VPDND_EVENTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vpdn_link;

enum vpdn_event_type {
	VPDN_EV_NONE = 0,

	/* ISDN / carriers */
	VPDN_EV_CALL_INCOMING,   /* REQUEST vpdn_ev_call; reply none. Claim =
				    answer it (complete 0) or refuse it
				    (complete -cause). */
	VPDN_EV_CALL_PLACE,      /* REQUEST vpdn_ev_call_place; reply vpdn_ev_call */
	VPDN_EV_CALL_CONNECTED,  /* vpdn_ev_call */
	VPDN_EV_CALL_CLEARED,    /* vpdn_ev_call (cause set) */
	VPDN_EV_CALL_HANGUP,     /* REQUEST vpdn_ev_call_hangup; clear a call */

	/* Dialer */
	VPDN_EV_DIAL_REQUEST,    /* REQUEST vpdn_ev_dial; reply vpdn_ev_call */
	VPDN_EV_DIALOUT_REQUEST, /* REQUEST vpdn_ev_dialout; reply vpdn_ev_session */
	VPDN_EV_INTERESTING_TRAFFIC, /* vpdn_ev_traffic */
	VPDN_EV_DIALER_BIND,     /* vpdn_ev_dialer_bind */

	/* PPP */
	VPDN_EV_PPP_START,       /* REQUEST vpdn_ev_ppp_start; reply vpdn_ev_ppp */
	VPDN_EV_PPP_PHASE,       /* vpdn_ev_ppp */
	VPDN_EV_PPP_AUTHENTICATED, /* vpdn_ev_ppp (user set) */
	VPDN_EV_PPP_NETWORK_UP,  /* vpdn_ev_ppp_network */
	VPDN_EV_PPP_NETWORK_DOWN,/* vpdn_ev_ppp_network */
	VPDN_EV_PPP_DOWN,        /* vpdn_ev_ppp */
	VPDN_EV_FORWARD_REQUEST, /* REQUEST vpdn_ev_forward; reply vpdn_ev_session */
	VPDN_EV_LINK_ACCM,       /* vpdn_ev_accm (from L2TP SLI) */

	/* Authentication */
	VPDN_EV_AUTH_REQUEST,    /* REQUEST vpdn_ev_auth; reply vpdn_ev_auth_result */
	VPDN_EV_SECRET_REQUEST,  /* REQUEST vpdn_ev_secret; reply vpdn_ev_secret_reply */

	/* L2TP */
	VPDN_EV_TUNNEL_UP,       /* vpdn_ev_tunnel */
	VPDN_EV_TUNNEL_DOWN,     /* vpdn_ev_tunnel */
	VPDN_EV_SESSION_INCOMING,/* REQUEST vpdn_ev_session; reply vpdn_ev_session_accept */
	VPDN_EV_SESSION_UP,      /* vpdn_ev_session */
	VPDN_EV_SESSION_DOWN,    /* vpdn_ev_session */

	/* IP */
	VPDN_EV_INTERFACE_CREATED,   /* vpdn_ev_interface */
	VPDN_EV_INTERFACE_DESTROYED, /* vpdn_ev_interface */

	/* Core */
	VPDN_EV_CONFIG_RELOADED, /* vpdn_ev_reload */
	VPDN_EV_SHUTDOWN,        /* NULL payload: the node is stopping */

	/* Appended after the first release. */
	VPDN_EV_DIAL_FAILED,     /* vpdn_ev_dial_failed: a dialer's call attempt
				    failed; whoever holds traffic for it drops it */
	VPDN_EV_ADDRESS_CHECK,   /* REQUEST vpdn_ev_address_check; reply
				    vpdn_ev_address_refusal. Synchronous:
				    see the struct. */
	VPDN_EV_TUNNEL_AUTHORIZE, /* REQUEST vpdn_ev_tunnel_authorize; reply
				    vpdn_ev_tunnel_authorization (LAC: where
				    a user goes, RFC 2868 from RADIUS) */
	VPDN_EV_SESSION_FAILED,  /* vpdn_ev_session: an L2TP session ended
				    before it came up (never SESSION_UP): its
				    result, error, cause and ended_by as in
				    SESSION_DOWN (the failure history) */
	VPDN_EV_PPP_IPV6_UP,     /* vpdn_ev_ppp_ipv6: IPv6CP opened */
	VPDN_EV_PPP_IPV6_DOWN,   /* vpdn_ev_ppp_ipv6: IPv6CP left Opened */
	VPDN_EV_IPV6_ROUTE,      /* REQUEST vpdn_ev_ipv6_route; reply none:
				    route (or unroute) a prefix to a session,
				    e.g. a DHCPv6-delegated prefix */
	VPDN_EV_INTERFACE_COUNTERS, /* REQUEST vpdn_ev_interface_counters;
				    reply vpdn_ev_interface_counters_reply:
				    a question (vpdn_bus_ask), see the struct */

	VPDN_EV__BUILTIN_COUNT,
	VPDN_EV__DYNAMIC_BASE = 1000,
};

/* "call-incoming", ... ; NULL for unknown */
const char *vpdn_event_type_name(uint32_t type);

/* Q.931 cause values used across modules. */
enum vpdn_q931_cause {
	VPDN_CAUSE_UNALLOCATED_NUMBER = 1,
	VPDN_CAUSE_NO_ROUTE = 3,
	VPDN_CAUSE_NORMAL_CLEARING = 16,
	VPDN_CAUSE_USER_BUSY = 17,
	VPDN_CAUSE_NO_USER_RESPONDING = 18,
	VPDN_CAUSE_NO_ANSWER = 19,
	VPDN_CAUSE_CALL_REJECTED = 21,
	VPDN_CAUSE_DEST_OUT_OF_ORDER = 27,
	VPDN_CAUSE_INVALID_NUMBER_FORMAT = 28,
	VPDN_CAUSE_NORMAL_UNSPECIFIED = 31,
	VPDN_CAUSE_NO_CHANNEL = 34,
	VPDN_CAUSE_NETWORK_OUT_OF_ORDER = 38,
	VPDN_CAUSE_TEMPORARY_FAILURE = 41,
	VPDN_CAUSE_RESOURCE_UNAVAILABLE = 47,
	VPDN_CAUSE_BEARER_NOT_AVAILABLE = 58,
	VPDN_CAUSE_INCOMPATIBLE_DESTINATION = 88,
	VPDN_CAUSE_RECOVERY_ON_TIMER = 102,
	VPDN_CAUSE_INTERWORKING = 127,
};
const char *vpdn_q931_cause_name(int cause);

enum vpdn_call_dir { VPDN_CALL_IN = 1, VPDN_CALL_OUT = 2 };

/* Which side ended a session or a tunnel (SESSION_DOWN, TUNNEL_DOWN). */
enum vpdn_end_side {
	VPDN_END_UNKNOWN = 0,
	VPDN_END_LOCAL = 1,     /* we sent the CDN/StopCCN, or gave up on the peer */
	VPDN_END_PEER = 2,      /* the peer sent it */
};
/* "local", "peer", "unknown" */
const char *vpdn_end_side_name(int side);

/* A call on a carrier (B channel, tty line). */
struct vpdn_ev_call {
	uint32_t size;
	uint32_t call_id;       /* unique per node, 0x011B style in logs */
	enum vpdn_call_dir dir;
	const char *port;       /* "E1 0", "BRI 0", "tty0" */
	const char *channel;    /* IOS name of the channel: "Serial0:17" */
	const char *short_name; /* "Se0:17" */
	const char *interface;  /* config interface owning the port: "Serial0:15" */
	const char *calling;    /* calling party number ("6122") */
	const char *called;     /* called number as seen locally (DNIS "211") */
	uint32_t bearer_kbps;   /* 64 */
	bool async;             /* the carrier frames async HDLC (tty) */
	int cause;              /* for CALL_CLEARED: Q.931 cause */
	struct vpdn_link *link; /* carrier at end A; consumer attaches at B */
	/* Appended (issue #17, RFC 4638): the largest PPP frame (protocol
	 * field and information) this call carries, e.g. the PPPoE session's
	 * negotiated payload (1492 by default, up to PPP-Max-Payload); PPP's
	 * MRU, proposed and accepted, stays at or below it. 0: no limit
	 * from the carrier (the config's ppp-mru alone). */
	uint32_t mru;
};

struct vpdn_ev_call_place {
	uint32_t size;
	const char *port;       /* port to use, or NULL: any that can */
	const char *number;     /* called number */
	const char *calling;    /* our number to present, or NULL */
	uint32_t bearer_kbps;
};

struct vpdn_ev_call_hangup {
	uint32_t size;
	uint32_t call_id;
	int cause;
};

/* Ask a dialer (profile or dialer interface) to place a call. */
struct vpdn_ev_dial {
	uint32_t size;
	const char *dialer;     /* "Dialer1" (LAC accept-dialout dialer 1) */
	const char *number;     /* "6121"; NULL: the profile's dialer string */
	const char *reason;     /* for "Dialing cause" lines */
};

/* Ask L2TP to place a call through a LAC (dialer vpdn). */
struct vpdn_ev_dialout {
	uint32_t size;
	int pool;               /* dialer pool number (pool-member) */
	const char *profile;    /* "Dialer2" */
	const char *number;     /* "6121" */
	const char *remote_name;/* "remote2@cisco.com" */
	uint32_t min_bps, max_bps;
};

/* A packet routed to an idle dialer interface. */
struct vpdn_ev_traffic {
	uint32_t size;
	const char *interface;  /* "Dialer2" */
	const uint8_t *packet;  /* IPv4 or IPv6 packet (version nibble) */
	size_t len;
};

struct vpdn_ev_dial_failed {
	uint32_t size;
	const char *profile;    /* the dialer interface: "Dialer1" */
	const char *reason;     /* for logs: "PPP down", "cause 17" ... */
};

struct vpdn_ev_dialer_bind {
	uint32_t size;
	const char *interface;  /* "Vi1" */
	const char *profile;    /* "Dialer2" */
	bool bound;
};

/* Proxy LCP and proxy authentication data (L2TP AVPs 26-33). Octet
 * strings are the bodies of the LCP CONFREQs starting at the first option. */
struct vpdn_proxy {
	bool present;
	const uint8_t *init_rcvd_confreq; size_t init_rcvd_confreq_len;
	const uint8_t *last_sent_confreq; size_t last_sent_confreq_len;
	const uint8_t *last_rcvd_confreq; size_t last_rcvd_confreq_len;
	uint16_t auth_type;     /* 0 none given; 1 text, 2 CHAP, 3 PAP, 4 none, 5 MS-CHAPv1 */
	const char *auth_name;
	const uint8_t *auth_challenge; size_t auth_challenge_len;
	bool has_auth_id;
	uint8_t auth_id;
	const uint8_t *auth_response; size_t auth_response_len;
};

/* LAC: PPP has a user for a domain; tunnel it. On success (status 0) the
 * claimer has spliced `link` to its session: the requester must not touch
 * end B of the link afterwards. */
struct vpdn_ev_forward {
	uint32_t size;
	struct vpdn_link *link; /* the carrier's link (B channel) */
	const char *interface;  /* "Se0:17" */
	uint32_t call_id;
	const char *user;       /* "remote1@cisco.com" */
	const char *domain;     /* "cisco.com" */
	const char *calling, *called, *dnis;
	uint32_t bearer_kbps;
	bool async;
	struct vpdn_proxy proxy;
};

/* LAC: where does this user's call go (IOS `vpdn authorize`; RFC 2868
 * Tunnel-* attributes from RADIUS)? Asked by l2tp where `vpdn
 * search-order` lists "authorize". The answerer may also authenticate the
 * user with the proxy's credentials (CHAP or PAP, as captured by PPP).
 * Reply vpdn_ev_tunnel_authorization:
 *   0: n_endpoints >= 1 L2TP endpoints, sorted by preference;
 *   -ENOENT: no tunnel for the user (the LAC goes on with its search);
 *   -EACCES: the user is refused (no tunnel, no local termination);
 *   -ETIMEDOUT: nobody answered (the LAC goes on with its search). */
struct vpdn_ev_tunnel_authorize {
	uint32_t size;
	const char *interface;  /* "Se0:17" */
	const char *user;       /* "remote1@cisco.com" */
	const char *domain;     /* "cisco.com" */
	const char *calling, *called, *dnis;
	struct vpdn_proxy proxy; /* the user's authentication, if captured */
};

#define VPDN_TUNNEL_ENDPOINTS_MAX 8
/* One tunnel endpoint (one RFC 2868 tag). Strings borrowed for the
 * completion; password is a secret: never logged. */
struct vpdn_tunnel_endpoint {
	struct sockaddr_storage addr;  /* the LNS; port 0: the default 1701 */
	char text[64];                 /* "18.18.18.2", for logs */
	uint32_t preference;           /* Tunnel-Preference, lower first; 0 none */
	uint8_t tag;                   /* 1..31, 0 untagged */
	const char *password;          /* Tunnel-Password (decrypted) or NULL */
	const char *assignment_id;     /* Tunnel-Assignment-Id or NULL */
	const char *client_auth_id;    /* Tunnel-Client-Auth-Id: our Host Name */
	const char *server_auth_id;    /* Tunnel-Server-Auth-Id: the LNS's */
};

struct vpdn_ev_tunnel_authorization {
	uint32_t size;
	unsigned n_endpoints;          /* <= VPDN_TUNNEL_ENDPOINTS_MAX */
	const struct vpdn_tunnel_endpoint *endpoints;
	const char *reason;            /* failures: printable, for logs */
};

enum vpdn_l2tp_role { VPDN_L2TP_ROLE_UNKNOWN = 0, VPDN_L2TP_ROLE_LAC, VPDN_L2TP_ROLE_LNS };

/* A session (LAC or LNS side), as L2TP describes it. */
struct vpdn_ev_session {
	uint32_t size;
	uint16_t tunnel_id, session_id;         /* local IDs */
	uint16_t peer_tunnel_id, peer_session_id;
	enum vpdn_call_dir dir;                 /* as the LNS sees it: IN dial-in */
	const char *group;                      /* vpdn-group name */
	const char *peer_name;                  /* tunnel peer's hostname */
	const char *interface;                  /* "Se0:17", "Vi2" or NULL */
	const char *user;
	const char *calling, *called;
	int virtual_template;                   /* LNS dial-in: template number, -1 none */
	const char *profile;                    /* LNS dial-out: dialer profile */
	struct vpdn_link *link;                 /* session carrier at end A */
	struct vpdn_proxy proxy;                /* LNS dial-in: from ICCN */
	int result;                             /* SESSION_DOWN: CDN result code */
	int error;                              /* SESSION_DOWN: CDN error code */
	int cause;                              /* SESSION_DOWN: Q.931 cause or 0 */
	/* Appended: SESSION_DOWN, which side ended it (a session closed
	 * with its tunnel: the side that ended the tunnel). */
	enum vpdn_end_side ended_by;
	/* Appended: SESSION_DOWN, the RFC 3145 PPP Disconnect Cause its CDN
	 * carried (AVP 46: the one we sent for our PPP, or the peer's), the
	 * direction as this node sees it (the peer's "at local" is our
	 * VPDN_PPP_DISC_AT_PEER); ppp_disconnect_known false: none. */
	bool ppp_disconnect_known;
	uint16_t ppp_disconnect_code;      /* enum vpdn_ppp_disconnect_code */
	uint16_t ppp_disconnect_protocol;
	uint8_t ppp_disconnect_direction;  /* enum vpdn_ppp_disconnect_dir */
	/* Appended: this node's end of the session, the tunnel's addresses
	 * and our Host Name in it (RFC 2867 accounting). */
	enum vpdn_l2tp_role role;
	struct sockaddr_storage tunnel_local, tunnel_peer;
	const char *local_name;
	/* Appended: the session's data messages so far (SESSION_DOWN: all),
	 * in = received from the tunnel peer, out = sent to it. */
	uint64_t packets_in, packets_out, octets_in, octets_out;
};

/* Reply to SESSION_INCOMING: who consumes the session. */
struct vpdn_ev_session_accept {
	uint32_t size;
	const char *interface;  /* "Vi2" */
};

struct vpdn_ev_tunnel {
	uint32_t size;
	uint16_t tunnel_id, peer_tunnel_id;
	const char *peer_name;
	const char *group;
	struct sockaddr_storage peer;
	int result, error;      /* TUNNEL_DOWN: StopCCN result/error */
	/* Appended: TUNNEL_DOWN, which side ended it. */
	enum vpdn_end_side ended_by;
	/* Appended: our address and Host Name in the tunnel; initiator:
	 * we sent the SCCRQ (RFC 2867 accounting). */
	struct sockaddr_storage local;
	const char *local_name;
	bool initiator;
};

enum vpdn_ppp_role {
	VPDN_PPP_ROLE_CLIENT = 1,    /* dial-up user */
	VPDN_PPP_ROLE_SERVER,        /* Virtual-Access, dialer profile */
	VPDN_PPP_ROLE_LAC_FORWARD,   /* LCP + CHAP challenge, then forward */
};

enum vpdn_ppp_phase {
	VPDN_PPP_PHASE_DOWN,
	VPDN_PPP_PHASE_ESTABLISHING,
	VPDN_PPP_PHASE_AUTHENTICATING,
	VPDN_PPP_PHASE_FORWARDING,
	VPDN_PPP_PHASE_UP,
	VPDN_PPP_PHASE_TERMINATING,
};

/* Start a PPP engine on a link (claimed by the ppp module). */
struct vpdn_ev_ppp_start {
	uint32_t size;
	struct vpdn_link *link;    /* carrier at end A; PPP attaches at B */
	const char *interface;     /* name for logs: "Se0:17", "Vi1" */
	const char *config;        /* config interface to take PPP settings
				      from: "Serial0:15", "Dialer2",
				      "Virtual-Template1" */
	enum vpdn_ppp_role role;
	enum vpdn_call_dir dir;    /* callin / callout (for `callin`) */
	uint32_t call_id;
	const char *calling, *called, *dnis;
	bool async;
	const struct vpdn_proxy *proxy; /* LNS: proxy LCP/auth, or NULL */
	uint32_t mru;              /* appended: the carrier's limit (see
				      vpdn_ev_call.mru); 0: none */
};

/* RFC 3145 PPP Disconnect Cause Codes (L2TP AVP 46 in a CDN). */
enum vpdn_ppp_disconnect_code {
	VPDN_PPP_DISC_NO_INFO = 0,
	VPDN_PPP_DISC_ADMIN = 1,
	VPDN_PPP_DISC_LCP_RENEG_DISABLED = 2,
	VPDN_PPP_DISC_NORMAL = 3,                /* Terminate-Request sent */
	VPDN_PPP_DISC_ENCRYPTION_REFUSED = 4,
	VPDN_PPP_DISC_LCP_FSM_TIMEOUT = 5,       /* TO- */
	VPDN_PPP_DISC_LCP_NO_PACKETS = 6,
	VPDN_PPP_DISC_LCP_MAGIC = 7,             /* looped back */
	VPDN_PPP_DISC_LCP_ECHO_TIMEOUT = 8,
	VPDN_PPP_DISC_MP_ENDPOINT = 9,
	VPDN_PPP_DISC_MP_MRRU = 10,
	VPDN_PPP_DISC_MP_SSN = 11,
	VPDN_PPP_DISC_CALLBACK_REFUSED = 12,
	VPDN_PPP_DISC_AUTH_FSM_TIMEOUT = 13,
	VPDN_PPP_DISC_AUTH_MP_NAME = 14,
	VPDN_PPP_DISC_AUTH_PROTOCOL = 15,        /* no acceptable protocol */
	VPDN_PPP_DISC_AUTH_FAILED = 16,          /* bad name or secret */
	VPDN_PPP_DISC_NCP_FSM_TIMEOUT = 17,
	VPDN_PPP_DISC_NCP_NONE = 18,
	VPDN_PPP_DISC_NCP_ADDRESSES = 19,
	VPDN_PPP_DISC_NCP_NOT_PERMITTED = 20,
};
/* Direction of RFC 3145: where the failure was seen. */
enum vpdn_ppp_disconnect_dir {
	VPDN_PPP_DISC_GLOBAL = 0,
	VPDN_PPP_DISC_AT_PEER = 1,
	VPDN_PPP_DISC_AT_LOCAL = 2,
};
const char *vpdn_ppp_disconnect_name(int code);

struct vpdn_ev_ppp {
	uint32_t size;
	const char *interface;
	struct vpdn_link *link;
	enum vpdn_ppp_phase phase;
	const char *user;          /* authenticated peer name, or NULL */
	int reason;                /* PPP_DOWN: negative errno (-EPROTO: negotiation
				      failed, -EACCES: authentication, -ENODEV: the
				      IP interface went away, ...) */
	/* Appended: PPP_DOWN, the RFC 3145 cause (carried to the L2TP CDN
	 * by whoever carries the session); disconnect_known false: none. */
	bool disconnect_known;
	uint16_t disconnect_code;      /* enum vpdn_ppp_disconnect_code */
	uint16_t disconnect_protocol;  /* control protocol (0xC021...), 0 global */
	uint8_t disconnect_direction;  /* enum vpdn_ppp_disconnect_dir */
	const char *disconnect_message; /* one line of text, or NULL */
};

/* IPCP is up (or down). `net` is a link whose frames are IPv4 packets:
 * PPP at end A, the ip module attaches at end B. */
/* An IPv4 route toward a PPP user: dst/plen through the session's
 * interface (a point-to-point link: the user is the gateway). */
struct vpdn_route4 {
	struct in_addr dst;        /* network order, no bits past plen */
	uint8_t plen;              /* 1..32 */
	uint32_t metric;           /* kernel priority, 0 = the host route's */
};
#define VPDN_ROUTES_MAX 8

struct vpdn_ev_ppp_network {
	uint32_t size;
	const char *interface;     /* "Vi2" */
	const char *config;        /* "Virtual-Template1", "Dialer2" */
	const char *profile;       /* bound dialer profile or NULL */
	const char *user;
	struct vpdn_link *net;
	struct in_addr local, peer;
	struct in_addr dns1, dns2;
	uint32_t mtu;
	/* Appended: routes authorization gave (vpdn_ev_auth_result), at most
	 * VPDN_ROUTES_MAX; the IP side installs them through the session's
	 * interface with its host route and removes them with it. */
	const struct vpdn_route4 *routes;
	size_t n_routes;
};

/* What authorization says of a user's IPv6 (RFC 3162, RFC 4818, RFC 6911
 * attributes; a zero plen or a NULL name: not given). */
struct vpdn_auth_ipv6 {
	struct in6_addr framed_prefix;     /* Framed-IPv6-Prefix: the RA /64 */
	uint8_t framed_plen;
	struct in6_addr delegated_prefix;  /* Delegated-IPv6-Prefix: DHCPv6 PD */
	uint8_t delegated_plen;
	uint8_t interface_id[8];           /* Framed-Interface-Id: the peer's */
	bool has_interface_id;
	struct in6_addr dns[2];            /* DNS-Server-IPv6-Address */
	size_t n_dns;
	const char *framed_pool;           /* Framed-IPv6-Pool */
	const char *delegated_pool;        /* Delegated-IPv6-Pool (RFC 8044) */
};

/*
 * PPP_IPV6_UP / PPP_IPV6_DOWN: IPv6CP (RFC 5072) of a session opened or
 * left Opened. One network link per PPP session carries every network
 * protocol: the PPP engine creates it when the first NCP opens (IPCP or
 * IPv6CP), announces each family on it (PPP_NETWORK_UP for IPv4, this
 * for IPv6), and hangs it up when the last NCP is down; either NCP may
 * fail or close alone. On the link the frames are bare IP datagrams and
 * both sides tell the family by the version nibble; the PPP engine sends
 * IPv6 (protocol 0x0057) only while IPv6CP is Opened and drops (with a
 * counter) what it may not send. Peer interface identifiers are unique
 * among a server node's sessions (IPv6CP Naks a duplicate), so that a
 * shared TUN can tell sessions apart by link-local address.
 */
struct vpdn_ev_ppp_ipv6 {
	uint32_t size;
	const char *interface;     /* "Vi2" */
	const char *config;        /* "Virtual-Template1", "Dialer2" */
	const char *profile;       /* bound dialer profile or NULL */
	const char *user;
	struct vpdn_link *net;     /* the session's network link */
	uint8_t local_ifid[8];     /* ours: fe80::local_ifid */
	uint8_t peer_ifid[8];      /* the peer's: fe80::peer_ifid */
	uint32_t mtu;
	bool server;               /* we serve the user (RA, DHCPv6 server);
				      false: we are the client (dialer) */
	const struct vpdn_auth_ipv6 *auth; /* server: what authorization
				      gave, NULL none; borrowed */
};

/*
 * IPV6_ROUTE: route a prefix to a session's interface, or take the route
 * away (e.g. a DHCPv6-delegated prefix, its lease ended). Answered by the
 * ip module: 0, or a negative errno (-ENOENT: no such session). Routes
 * a session still holds are removed with the session.
 */
struct vpdn_ev_ipv6_route {
	uint32_t size;
	const char *interface;     /* the session's: "Vi2" */
	struct in6_addr prefix;    /* no bits past plen */
	uint8_t plen;
	struct in6_addr via;       /* the peer's link-local address */
	bool add;                  /* false: remove */
};

/*
 * INTERFACE_COUNTERS: a session interface's per-family counters, asked
 * by accounting (auth-radius: Interim-Update, Stop) as a question
 * (vpdn_bus_ask(), answered before it returns) by the ip module, which
 * counts packets by family as they cross the interface. In = from the
 * peer (the subscriber), out = toward it. -ENOENT: no interface has that
 * session (gone already: ask before PPP_NETWORK_DOWN / PPP_IPV6_DOWN
 * reach the ip module, i.e. at a lower subscription priority).
 */
struct vpdn_ev_interface_counters {
	uint32_t size;
	const char *interface;     /* the session's: "Vi2" */
	struct vpdn_link *net;     /* its network link (PPP_NETWORK_UP's), or NULL */
};

struct vpdn_ev_interface_counters_reply {
	uint32_t size;
	uint64_t in_packets, out_packets, in_octets, out_octets;       /* both families */
	uint64_t in_packets6, out_packets6, in_octets6, out_octets6;   /* IPv6 alone */
	bool ipv6;                 /* IPv6CP is up on it now */
};

struct vpdn_ev_accm {
	uint32_t size;
	struct vpdn_link *link;
	uint32_t send_accm, recv_accm;
};

enum vpdn_auth_method {
	VPDN_AUTH_NONE = 0,
	VPDN_AUTH_PAP = 1,
	VPDN_AUTH_CHAP_MD5 = 2,
};

/* Verify a peer's credentials. */
struct vpdn_ev_auth {
	uint32_t size;
	enum vpdn_auth_method method;
	const char *interface;
	const char *user;
	const char *local_name;      /* our name (CHAP hostname) */
	/* CHAP */
	uint8_t chap_id;
	const uint8_t *challenge; size_t challenge_len;
	const uint8_t *response; size_t response_len;
	/* PAP */
	const char *password;
};

struct vpdn_ev_auth_result {
	uint32_t size;
	bool ok;
	const char *reason;          /* human readable, never the secret */
	const char *user;            /* canonical name */
	/* Appended: authorization. The address the user is to get (IPCP),
	 * 0.0.0.0 for none (username ip-address, chap-secrets' 4th column). */
	struct in_addr address;
	/* Appended: text for the peer (RADIUS Reply-Message), or NULL. The PPP
	 * engine sends it, made printable and cut to 128 octets, in its CHAP
	 * Success/Failure or PAP Authenticate-Ack/Nak; NULL: its fixed text.
	 * Never the local reason (which may say too much). */
	const char *peer_message;
	/* Appended: routes authorization gives toward the user (RADIUS
	 * Framed-Route, Framed-IP-Netmask), checked by the authenticator;
	 * the PPP engine keeps the first VPDN_ROUTES_MAX and hands them to
	 * the IP side in PPP_NETWORK_UP. */
	const struct vpdn_route4 *routes;
	size_t n_routes;
	/* Appended: IPv6 authorization (RADIUS Framed-IPv6-Prefix, ...), or
	 * NULL for none. Like routes it is not deep-copied by the bus: a
	 * claimer giving it completes outside the request's dispatch, and
	 * the requester copies what it keeps before its callback returns. */
	const struct vpdn_auth_ipv6 *ipv6;
	/* Appended: the named IPv4 pool (ip-local-pool) the user's address
	 * comes from (RADIUS Framed-Pool), or NULL: the interface's. An
	 * unknown name leaves the user without an address (IPCP closes).
	 * Borrowed like routes. */
	const char *framed_pool;
};

/* What is our secret toward a peer (to answer its CHAP challenge)? */
struct vpdn_ev_secret {
	uint32_t size;
	const char *local_name;      /* "LNS" */
	const char *peer_name;       /* "remote2@cisco.com" */
};

struct vpdn_ev_secret_reply {
	uint32_t size;
	const char *secret;          /* borrowed; never log it */
	size_t secret_len;
};

/*
 * ADDRESS_CHECK: may a PPP peer get this IPv4 address? Asked by IPCP
 * before it acks (or Naks with) an address, as a question
 * (vpdn_bus_ask(), answered before it returns): each module that knows a
 * reason to refuse claims the request and completes it at once (before
 * returning) with a negative errno and a vpdn_ev_address_refusal; nobody
 * claiming (-ENOENT) means no objection. A claimer that does not answer
 * at once gives the asker -EPROTO, which it treats as refused. Who
 * answers:
 *  - ip: the address is ours (a local, broadcast or multicast route in the
 *    kernel), held by another owner's session (-EADDRINUSE), or (for a
 *    peer-chosen address, !authorized) routed to a connected network or
 *    one of our interfaces;
 *  - l2tp: the address is a tunnel endpoint (a tunnel's peer, an
 *    initiate-to, listen or source-ip address).
 * The owner rule (docs/RELIABILITY.md): an address belongs to the owner
 * of the session that holds it (vpdn_address_owner()). The same owner
 * asking again (a user reconnecting while its dead session lingers) is
 * not refused: its newest session takes the address and the ip module
 * tears the stale one down when the new network comes up. Another owner
 * is refused.
 */
struct vpdn_ev_address_check {
	uint32_t size;
	struct in_addr address;
	const char *interface;       /* the asking session: "Vi3" */
	const char *owner;           /* vpdn_address_owner() of that session */
	bool authorized;             /* given by authorization or config (user
					entry, pool, peer default) rather than
					chosen by the peer */
};

struct vpdn_ev_address_refusal {
	uint32_t size;
	const char *reason;          /* "in use by another session", ... */
	const char *holder;          /* "Vi2", "tunnel 11407" or NULL */
};

/* Who owns a session's address: the authenticated user, else the dialer
 * profile, else the config interface (a dial-out nobody authenticated). */
static inline const char *vpdn_address_owner(const char *user, const char *profile,
					     const char *config)
{
	return user && *user ? user : profile && *profile ? profile : config;
}

struct vpdn_ev_interface {
	uint32_t size;
	const char *name;            /* "Vi2", "Dialer2" */
	const char *kernel_name;     /* TUN device name */
	int ifindex;
};

struct vpdn_ev_reload {
	uint32_t size;
	const char *path;
	struct cfg_t *cfg;           /* the new config, already applied */
};

#ifdef __cplusplus
}
#endif
#endif
