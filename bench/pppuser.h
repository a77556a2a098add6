/* SPDX-License-Identifier: MIT */
/*
 * The PPP user side shared by the bench generators (loadgen: on the L2TP
 * data channel after proxy LCP/CHAP; isdngen: on an ISDN B channel from
 * the first LCP Configure-Request), and the /proc readings both print.
 *
 * A user is driven by pppu_input() with each PPP frame it receives; it
 * answers through the send callback (protocol + information field; the
 * caller adds its framing). It is a conformant RFC 1661 peer: LCP and IPCP
 * each run the option negotiation automaton of RFC 1661 4.1 (the state
 * table in pppuser.c, its own: the project's modules/ppp/fsm.c needs the
 * core's log and timer facility and a GLib main loop per process, while a
 * generator holds 100 000 users in ~20 bytes each and sweeps their timers
 * itself; the unit test bench-pppuser drives this one against fsm.c's
 * engine). The phases are RFC 1661 3: Establish (LCP), Authenticate when
 * the peer's acknowledged LCP request carries Authentication-Protocol
 * (CHAP MD5 only: name/secret; any other is Nak'ed to CHAP MD5), Network
 * (IPCP starts only after CHAP Success; IPCP packets before are discarded,
 * RFC 1661 3.5). A Configure-Request in Opened takes the layer down
 * (This-Layer-Down), sends our request, then the answer; a Nak of our
 * address makes the next request carry the address offered; a Reject drops
 * the option. Options we do not implement are Configure-Rejected (LCP:
 * all but MRU, ACCM, Auth, Magic, ACFC; IPCP: all but IP-Address). LCP
 * Echo-Request is answered in Opened, unknown codes are Code-Rejected.
 * No administrative Close: the generators hang up at the carrier.
 */
#ifndef BENCH_PPPUSER_H
#define BENCH_PPPUSER_H

#include <stddef.h>
#include <stdint.h>

#define PPPU_MAGIC 0x55667788u
#define PPPU_RESTART_S 1.0f   /* Restart timer (the sweeps run every 0.5 s) */
#define PPPU_MAX_CONFIGURE 10
#define PPPU_MAX_TERMINATE 2

/* RFC 1661 4.2 states, less Initial (the generators always want the link
 * open: a fresh, zeroed layer is Starting). */
enum pppu_state {
	PPPU_STARTING, PPPU_CLOSED, PPPU_STOPPED, PPPU_CLOSING, PPPU_STOPPING,
	PPPU_REQSENT, PPPU_ACKRCVD, PPPU_ACKSENT, PPPU_OPENED, PPPU__STATE_COUNT
};
const char *pppu_state_name(enum pppu_state s);

enum pppu_phase { PPPU_PH_ESTABLISH, PPPU_PH_AUTHENTICATE, PPPU_PH_NETWORK };

struct pppu_layer {
	uint8_t state;    /* enum pppu_state */
	uint8_t id;       /* identifier of our outstanding Configure-Request */
	uint8_t restart;  /* restart counter */
	uint8_t flags;    /* PPPU_F_* */
};
#define PPPU_F_NO_OPT   1u  /* our option (Magic / IP-Address) was rejected */
#define PPPU_F_AUTH     2u  /* LCP: the peer's acked request wants CHAP */
#define PPPU_F_MAGIC2   4u  /* LCP: the peer Nak'ed our magic: use ~PPPU_MAGIC */
#define PPPU_F_ANSWERED 8u  /* our outstanding request was Acked/Nak'ed/Rejected */

struct pppu {
	struct pppu_layer lcp, ipcp;
	uint8_t phase;      /* enum pppu_phase */
	uint8_t up;         /* IPCP Opened */
	uint16_t ups;       /* times IPCP came up (renegotiations count) */
	uint32_t addr;      /* our IPCP address, 0 before the first request */
	float t_sent;       /* when our last Configure/Terminate-Request went out */
};

/* PPPU_UP: IPCP reached Opened; PPPU_DOWN: it left Opened; PPPU_REFUSED:
 * a layer finished (Max-Configure, Terminate) or CHAP failed (pppu_why()
 * says which). */
enum pppu_result { PPPU_NOTHING = 0, PPPU_UP = 1, PPPU_DOWN = 2, PPPU_REFUSED = -1 };

typedef void (*pppu_send_fn)(void *ctx, uint16_t proto, const uint8_t *p, size_t len);

struct pppu_io {
	pppu_send_fn send;
	void *ctx;
	uint32_t addr;              /* our IPCP address to ask first (host order) */
	const char *name, *secret;  /* CHAP */
	float now;                  /* seconds, for the restart timer */
};

/* A received frame (address/control optional). */
enum pppu_result pppu_input(struct pppu *u, const struct pppu_io *io, const uint8_t *f, size_t len);
/* The restart timers: call every ~0.5 s per user (TO+ / TO-) for which
 * pppu_due() says a timer ran out (cheap: no pppu_io to build for the
 * other 99 %). */
enum pppu_result pppu_tick(struct pppu *u, const struct pppu_io *io);
int pppu_due(const struct pppu *u, float now);
/* Every state change, when set (loadgen --trace, the unit test): layer
 * "LCP"/"IPCP", the event's name ("RCR+"), from, to (pppu_state_name). */
extern void (*pppu_trace)(const struct pppu *u, const char *layer, const char *event,
			  const char *from, const char *to);
/* Why the last PPPU_REFUSED (static text). */
const char *pppu_why(void);
/* LCP Echo-Replies sent by every user so far. */
extern uint64_t pppu_echo_replies;

/* The lower layer is up: LCP sends its first Configure-Request (isdngen,
 * at CONNECT). */
void pppu_start(struct pppu *u, const struct pppu_io *io);
/* L2TP proxy LCP (loadgen, after ICCN): the LAC negotiated LCP for this
 * user, so LCP is Opened with our magic; peer_auth: the LAC's request had
 * CHAP (then IPCP waits for the LNS's CHAP Success). */
void pppu_proxy_opened(struct pppu *u, const struct pppu_io *io, int peer_auth);
/* 17.x.y.z for user g, never .0 or .255 */
uint32_t pppu_client_addr(uint32_t g);

/* The generators' report lines (stdout, "key value", for bench.sh):
 * watched processes (--watch PID, up to 8) print "rss_kib TAG I KIB" and
 * "cpu_s TAG I SECONDS"; a phase prints "phase N sessions ... rate R" and
 * then its watch lines tagged afterN; a hold prints "hold_cpu I CORES"
 * (from bench_watched_run_s: not in clock ticks) and returns its length. */
int bench_watch(int pid);   /* 0, or -1: too many */
int bench_nwatch(void);
/* CPU seconds the i-th watched process has run, all its threads, from
 * /proc/PID/task/TID/schedstat (nanoseconds: fine enough to charge a short
 * phase or a blast) */
double bench_watched_run_s(int i);
void bench_print_watch(const char *tag);
void bench_print_phase(int ph, uint32_t sessions, uint32_t total, double seconds);
struct bench_hold {
	double t0, cpu0[8];
};
void bench_hold_start(struct bench_hold *h);
double bench_hold_end(const struct bench_hold *h);

/* /proc: VmRSS in KiB (-1 if unknown), utime+stime in seconds. */
long bench_rss_kib(int pid);
double bench_cpu_s(int pid);
double bench_now(void);

#endif
