/* SPDX-License-Identifier: MIT */
/*
 * The PPP user side shared by the bench generators (loadgen: on the L2TP
 * data channel after proxy LCP/CHAP; isdngen: on an ISDN B channel from
 * the first LCP Configure-Request), and the /proc readings both print.
 *
 * A user is driven by pppu_input() with each PPP frame it receives; it
 * answers through the send callback (protocol + information field; the
 * caller adds its framing). It plays: LCP (acks the peer's request as is,
 * sends its own with magic PPPU_MAGIC), CHAP MD5 (answers a challenge as
 * name/secret), IPCP (acks the peer's request, sends its own with the
 * user's address), LCP Echo-Reply.
 */
#ifndef BENCH_PPPUSER_H
#define BENCH_PPPUSER_H

#include <stddef.h>
#include <stdint.h>

#define PPPU_MAGIC 0x55667788u

struct pppu {
	uint8_t lcp_acked, lcp_we_acked;   /* LCP both ways */
	uint8_t ipcp_sent, ipcp_acked, ipcp_we_acked;
	uint8_t up;                        /* IPCP done both ways */
	float t_sent;                      /* when our last request went out */
};

enum pppu_result { PPPU_NOTHING = 0, PPPU_UP = 1, PPPU_REFUSED = -1 };

typedef void (*pppu_send_fn)(void *ctx, uint16_t proto, const uint8_t *p, size_t len);

struct pppu_io {
	pppu_send_fn send;
	void *ctx;
	uint32_t addr;              /* our IPCP address (host order) */
	const char *name, *secret;  /* CHAP */
	float now;                  /* seconds, for t_sent */
};

/* A received frame (address/control optional). PPPU_UP when this frame
 * completed IPCP both ways, PPPU_REFUSED on an IPCP Nak/Reject. */
enum pppu_result pppu_input(struct pppu *u, const struct pppu_io *io, const uint8_t *f, size_t len);
/* LCP Echo-Replies sent by every user so far. */
extern uint64_t pppu_echo_replies;

/* Send our LCP / IPCP Configure-Request (also the retransmissions). */
void pppu_lcp_confreq(struct pppu *u, const struct pppu_io *io);
void pppu_ipcp_confreq(struct pppu *u, const struct pppu_io *io);
/* 17.x.y.z for user g, never .0 or .255 */
uint32_t pppu_client_addr(uint32_t g);

/* The generators' report lines (stdout, "key value", for bench.sh):
 * watched processes (--watch PID, up to 8) print "rss_kib TAG I KIB" and
 * "cpu_s TAG I SECONDS"; a phase prints "phase N sessions ... rate R" and
 * then its watch lines tagged afterN; a hold prints "hold_cpu I CORES"
 * and returns its length. */
int bench_watch(int pid);   /* 0, or -1: too many */
int bench_nwatch(void);
/* CPU seconds the i-th watched process has run, from /proc/PID/schedstat
 * (nanoseconds: fine enough to charge a short phase or a blast) */
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
