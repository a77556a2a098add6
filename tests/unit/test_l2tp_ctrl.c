/* SPDX-License-Identifier: MIT */
/* Reliable delivery of L2TP control messages (modules/l2tp/ctrl.c). */
#include <string.h>

#include <vpdnd/core.h>
#include <vpdnd/timer.h>

#include "ctrl.h"
#include "vpdn_test.h"

#define MAXPKT 64

struct pkt {
	uint16_t ns, nr;
	size_t len;
	uint64_t at;
	uint8_t tag;
};

struct peer {
	struct l2tp_ctrl c;
	struct vpdn_timers *tm;
	struct pkt out[MAXPKT];
	unsigned nout;
	uint8_t delivered[MAXPKT];
	unsigned ndelivered;
	unsigned hellos;
	unsigned dead;
	unsigned drained;
	uint64_t dead_at;
	/* reply to deliver with a message of this tag, 0 = none */
	uint8_t reply_tag;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int p_xmit(void *ctx, const uint8_t *buf, size_t len)
{
	struct peer *p = ctx;

	CU_ASSERT_FATAL(p->nout < MAXPKT);
	p->out[p->nout].ns = get16(buf + 8);
	p->out[p->nout].nr = get16(buf + 10);
	p->out[p->nout].len = len;
	p->out[p->nout].at = vpdn_timers_now(p->tm);
	p->out[p->nout].tag = len > 12 ? buf[12] : 0;
	p->nout++;
	return 0;
}

static void make_msg(uint8_t *b, uint8_t tag)
{
	memset(b, 0, 20);
	b[0] = 0xC8;
	b[1] = 0x02;
	b[3] = 20;
	b[12] = tag;
}

static void p_deliver(void *ctx, const uint8_t *buf, size_t len)
{
	struct peer *p = ctx;

	CU_ASSERT_FATAL(p->ndelivered < MAXPKT);
	p->delivered[p->ndelivered++] = len > 12 ? buf[12] : 0;
	if (p->reply_tag) {
		uint8_t m[20];

		make_msg(m, p->reply_tag);
		p->reply_tag = 0;
		l2tp_ctrl_send(&p->c, m, sizeof(m));
	}
}

static void p_hello(void *ctx)
{
	((struct peer *)ctx)->hellos++;
}

static void p_dead(void *ctx)
{
	struct peer *p = ctx;

	p->dead++;
	p->dead_at = vpdn_timers_now(p->tm);
}

static void p_drained(void *ctx)
{
	((struct peer *)ctx)->drained++;
}

static const struct l2tp_ctrl_ops ops = {
	.xmit = p_xmit, .deliver = p_deliver, .hello = p_hello,
	.dead = p_dead, .drained = p_drained,
};

static void peer_init(struct peer *p, struct vpdn_timers *tm, uint16_t rwin)
{
	struct l2tp_ctrl_cfg cfg;

	memset(p, 0, sizeof(*p));
	p->tm = tm;
	l2tp_ctrl_cfg_default(&cfg);
	cfg.rwin = rwin;
	l2tp_ctrl_init(&p->c, tm, &cfg, &ops, p);
}

/* Feed packet i of `from` to `to`. */
static int feed(struct peer *from, unsigned i, struct peer *to)
{
	uint8_t m[20];

	make_msg(m, from->out[i].tag);
	return l2tp_ctrl_input(&to->c, from->out[i].ns, from->out[i].nr,
			       from->out[i].len == 12, m, from->out[i].len);
}

static void test_appendix_b1(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer lac, lns;
	uint8_t m[20];

	peer_init(&lac, tm, 4);
	peer_init(&lns, tm, 4);
	make_msg(m, 1); /* SCCRQ */
	CU_ASSERT_EQUAL(l2tp_ctrl_send(&lac.c, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(lac.nout, 1);
	CU_ASSERT_EQUAL(lac.out[0].ns, 0);
	CU_ASSERT_EQUAL(lac.out[0].nr, 0);

	lns.reply_tag = 2; /* SCCRP */
	CU_ASSERT_EQUAL(feed(&lac, 0, &lns), 0);
	CU_ASSERT_EQUAL(lns.nout, 1);
	CU_ASSERT_EQUAL(lns.out[0].tag, 2);
	CU_ASSERT_EQUAL(lns.out[0].ns, 0);
	CU_ASSERT_EQUAL(lns.out[0].nr, 1);

	lac.reply_tag = 3; /* SCCCN */
	CU_ASSERT_EQUAL(feed(&lns, 0, &lac), 0);
	CU_ASSERT_EQUAL(lac.nout, 2);
	CU_ASSERT_EQUAL(lac.out[1].tag, 3);
	CU_ASSERT_EQUAL(lac.out[1].ns, 1);
	CU_ASSERT_EQUAL(lac.out[1].nr, 1);

	CU_ASSERT_EQUAL(feed(&lac, 1, &lns), 0);
	CU_ASSERT_EQUAL(lns.nout, 1); /* the ack is delayed */
	vpdn_timers_advance(tm, 500);
	CU_ASSERT_EQUAL(lns.nout, 2);
	CU_ASSERT_EQUAL(lns.out[1].len, 12); /* ZLB */
	CU_ASSERT_EQUAL(lns.out[1].ns, 1);
	CU_ASSERT_EQUAL(lns.out[1].nr, 2);
	CU_ASSERT_EQUAL(lns.drained, 1); /* SCCRP acked by the SCCCN */
	CU_ASSERT_EQUAL(feed(&lns, 1, &lac), 0);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&lac.c), 0);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&lns.c), 0);
	CU_ASSERT_EQUAL(lac.drained, 1);
	/* Nothing is retransmitted afterwards. */
	vpdn_timers_advance(tm, 40000);
	CU_ASSERT_EQUAL(lac.nout, 2);
	CU_ASSERT_EQUAL(lns.nout, 2);
	l2tp_ctrl_fini(&lac.c);
	l2tp_ctrl_fini(&lns.c);
	vpdn_timers_free(tm);
}

static void test_retransmit_schedule(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];
	static const uint64_t at[] = { 0, 1000, 3000, 7000, 15000, 23000 };
	struct l2tp_ctrl_cfg cfg;

	peer_init(&p, tm, 4);
	make_msg(m, 1);
	l2tp_ctrl_send(&p.c, m, sizeof(m));
	vpdn_timers_advance(tm, 30999);
	CU_ASSERT_EQUAL(p.nout, 6);
	for (unsigned i = 0; i < 6 && i < p.nout; i++) {
		CU_ASSERT_EQUAL(p.out[i].at, at[i]);
		CU_ASSERT_EQUAL(p.out[i].ns, 0); /* keeps its Ns */
	}
	CU_ASSERT_EQUAL(p.dead, 0);
	vpdn_timers_advance(tm, 1);
	CU_ASSERT_EQUAL(p.dead, 1);
	CU_ASSERT_EQUAL(p.dead_at, 31000);
	CU_ASSERT_EQUAL(p.c.stats.retransmits, 5);
	l2tp_ctrl_cfg_default(&cfg);
	CU_ASSERT_EQUAL(l2tp_ctrl_cycle_ms(&cfg), 31000);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_retransmit_carries_current_nr(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];

	peer_init(&p, tm, 4);
	make_msg(m, 1);
	l2tp_ctrl_send(&p.c, m, sizeof(m));
	CU_ASSERT_EQUAL(p.out[0].nr, 0);
	/* The peer sends us something that does not ack ours. */
	make_msg(m, 6);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(p.ndelivered, 1);
	vpdn_timers_advance(tm, 1000);
	/* The delayed ack went out first (a ZLB at 200 ms), then the
	 * retransmission at 1 s: Ns 0 again, Nr 1 now. */
	CU_ASSERT_EQUAL(p.nout, 3);
	CU_ASSERT_EQUAL(p.out[1].len, 12);
	CU_ASSERT_EQUAL(p.out[1].at, 200);
	CU_ASSERT_EQUAL(p.out[1].nr, 1);
	CU_ASSERT_EQUAL(p.out[2].ns, 0);
	CU_ASSERT_EQUAL(p.out[2].nr, 1);
	CU_ASSERT_EQUAL(p.out[2].len, 20);
	CU_ASSERT_EQUAL(p.out[2].at, 1000);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_duplicate(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];

	peer_init(&p, tm, 4);
	make_msg(m, 1);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(p.ndelivered, 1);
	CU_ASSERT_EQUAL(p.nout, 0);
	/* The same message again (our ack was lost): acked now, not
	 * processed. */
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m)), 1);
	CU_ASSERT_EQUAL(p.ndelivered, 1);
	CU_ASSERT_EQUAL(p.nout, 1);
	CU_ASSERT_EQUAL(p.out[0].len, 12);
	CU_ASSERT_EQUAL(p.out[0].nr, 1);
	CU_ASSERT_EQUAL(p.c.stats.duplicates, 1);
	/* An old Ns far behind (within 32767) is a duplicate too. */
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 40000, 0, false, m, sizeof(m)), 1);
	CU_ASSERT_EQUAL(p.ndelivered, 1);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_out_of_order(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];

	peer_init(&p, tm, 4);
	make_msg(m, 12);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 2, 0, false, m, sizeof(m)), 1);
	make_msg(m, 11);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 1, 0, false, m, sizeof(m)), 1);
	/* Ns 4 is beyond our window of 4 (0..3): dropped. */
	make_msg(m, 14);
	CU_ASSERT(l2tp_ctrl_input(&p.c, 4, 0, false, m, sizeof(m)) < 0);
	CU_ASSERT_EQUAL(p.ndelivered, 0);
	make_msg(m, 10);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(p.ndelivered, 3);
	CU_ASSERT_EQUAL(p.delivered[0], 10);
	CU_ASSERT_EQUAL(p.delivered[1], 11);
	CU_ASSERT_EQUAL(p.delivered[2], 12);
	CU_ASSERT_EQUAL(p.c.nr, 3);
	vpdn_timers_advance(tm, 1000);
	CU_ASSERT_EQUAL(p.nout, 1);
	CU_ASSERT_EQUAL(p.out[0].nr, 3);
	/* Wrap-around: Ns 65535 -> 0 works the same. */
	p.c.nr = 65535;
	make_msg(m, 21);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m)), 1);
	make_msg(m, 20);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 65535, 0, false, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(p.ndelivered, 5);
	CU_ASSERT_EQUAL(p.delivered[3], 20);
	CU_ASSERT_EQUAL(p.delivered[4], 21);
	CU_ASSERT_EQUAL(p.c.nr, 1);
	/* The window's slots are a ring (5 moves so far on 4 slots): its
	 * last slot (Ns nr+3) and one before it still hold and deliver. */
	make_msg(m, 34);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 4, 0, false, m, sizeof(m)), 1);
	make_msg(m, 33);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 3, 0, false, m, sizeof(m)), 1);
	make_msg(m, 35);
	CU_ASSERT(l2tp_ctrl_input(&p.c, 5, 0, false, m, sizeof(m)) < 0);
	make_msg(m, 31);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 1, 0, false, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(p.ndelivered, 6);
	make_msg(m, 32);
	CU_ASSERT_EQUAL(l2tp_ctrl_input(&p.c, 2, 0, false, m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(p.ndelivered, 9);
	CU_ASSERT_EQUAL(p.delivered[5], 31);
	CU_ASSERT_EQUAL(p.delivered[6], 32);
	CU_ASSERT_EQUAL(p.delivered[7], 33);
	CU_ASSERT_EQUAL(p.delivered[8], 34);
	CU_ASSERT_EQUAL(p.c.nr, 5);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_slow_start(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20], z[12] = { 0 };

	peer_init(&p, tm, 4);
	l2tp_ctrl_set_peer(&p.c, 99, 4);
	CU_ASSERT_EQUAL(p.c.cwnd, 1);
	CU_ASSERT_EQUAL(p.c.ssthresh, 4);
	make_msg(m, 7);
	for (int i = 0; i < 8; i++)
		l2tp_ctrl_send(&p.c, m, sizeof(m));
	CU_ASSERT_EQUAL(p.nout, 1);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 1);
	CU_ASSERT_EQUAL(l2tp_ctrl_queued(&p.c), 7);
	/* Ack Ns 0: CWND 2, two more go out. */
	l2tp_ctrl_input(&p.c, 0, 1, true, z, 12);
	CU_ASSERT_EQUAL(p.c.cwnd, 2);
	CU_ASSERT_EQUAL(p.nout, 3);
	CU_ASSERT_EQUAL(p.out[1].ns, 1);
	CU_ASSERT_EQUAL(p.out[2].ns, 2);
	/* Ack both: CWND 4 (= SSTHRESH = peer window). */
	l2tp_ctrl_input(&p.c, 0, 3, true, z, 12);
	CU_ASSERT_EQUAL(p.c.cwnd, 4);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 4);
	CU_ASSERT_EQUAL(p.nout, 7);
	/* Never beyond the peer's window. */
	l2tp_ctrl_input(&p.c, 0, 4, true, z, 12);
	CU_ASSERT_EQUAL(p.c.cwnd, 4);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 4);
	CU_ASSERT_EQUAL(p.nout, 8);
	/* A timeout: SSTHRESH = CWND/2, CWND = 1. */
	vpdn_timers_advance(tm, 1000);
	CU_ASSERT_EQUAL(p.c.cwnd, 1);
	CU_ASSERT_EQUAL(p.c.ssthresh, 2);
	CU_ASSERT_EQUAL(p.nout, 9);
	CU_ASSERT_EQUAL(p.out[8].ns, 4);
	/* Congestion avoidance above SSTHRESH: +1 per CWND acks. */
	l2tp_ctrl_input(&p.c, 0, 5, true, z, 12); /* cwnd 2 */
	CU_ASSERT_EQUAL(p.c.cwnd, 2);
	l2tp_ctrl_input(&p.c, 0, 6, true, z, 12); /* avoidance: 1/2 */
	CU_ASSERT_EQUAL(p.c.cwnd, 2);
	l2tp_ctrl_input(&p.c, 0, 7, true, z, 12); /* 2/2 -> 3 */
	CU_ASSERT_EQUAL(p.c.cwnd, 3);
	/* An Nr acking what was never sent is ignored. */
	l2tp_ctrl_input(&p.c, 0, 100, true, z, 12);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 1);
	l2tp_ctrl_input(&p.c, 0, 8, true, z, 12);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 0);
	CU_ASSERT_EQUAL(p.drained, 1);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_hello(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t z[12] = { 0 };

	peer_init(&p, tm, 4);
	l2tp_ctrl_start_hello(&p.c);
	vpdn_timers_advance(tm, 59000);
	CU_ASSERT_EQUAL(p.hellos, 0);
	l2tp_ctrl_input(&p.c, 0, 0, true, z, 12); /* something arrived */
	vpdn_timers_advance(tm, 59000);
	CU_ASSERT_EQUAL(p.hellos, 0);
	vpdn_timers_advance(tm, 1000);
	CU_ASSERT_EQUAL(p.hellos, 1);
	vpdn_timers_advance(tm, 60000);
	CU_ASSERT_EQUAL(p.hellos, 2);
	l2tp_ctrl_quiesce(&p.c);
	vpdn_timers_advance(tm, 120000);
	CU_ASSERT_EQUAL(p.hellos, 2);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_piggyback(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];

	peer_init(&p, tm, 4);
	make_msg(m, 10);
	l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m));
	vpdn_timers_advance(tm, 50);
	make_msg(m, 11);
	l2tp_ctrl_send(&p.c, m, sizeof(m));
	vpdn_timers_advance(tm, 500);
	/* Only the message, which carried Nr 1; no ZLB. */
	CU_ASSERT_EQUAL(p.nout, 1);
	CU_ASSERT_EQUAL(p.out[0].nr, 1);
	CU_ASSERT_EQUAL(p.c.stats.zlb_tx, 0);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_ack_every_half_window(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];

	peer_init(&p, tm, 8);
	make_msg(m, 10);
	for (uint16_t ns = 0; ns < 3; ns++)
		l2tp_ctrl_input(&p.c, ns, 0, false, m, sizeof(m));
	CU_ASSERT_EQUAL(p.nout, 0); /* still delayed */
	l2tp_ctrl_input(&p.c, 3, 0, false, m, sizeof(m));
	/* Four of our window of eight unacked: a ZLB at once. */
	CU_ASSERT_EQUAL(p.nout, 1);
	CU_ASSERT_EQUAL(p.out[0].len, 12);
	CU_ASSERT_EQUAL(p.out[0].nr, 4);
	CU_ASSERT_EQUAL(p.out[0].at, 0);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static void test_ack_when_window_closed(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct peer p;
	uint8_t m[20];

	peer_init(&p, tm, 8);
	make_msg(m, 1);
	l2tp_ctrl_send(&p.c, m, sizeof(m)); /* in flight, cwnd 1 */
	p.reply_tag = 2;                   /* its reply must wait */
	make_msg(m, 10);
	l2tp_ctrl_input(&p.c, 0, 0, false, m, sizeof(m));
	CU_ASSERT_EQUAL(l2tp_ctrl_queued(&p.c), 1);
	/* The reply cannot carry the ack: a ZLB goes at once. */
	CU_ASSERT_EQUAL(p.nout, 2);
	CU_ASSERT_EQUAL(p.out[1].len, 12);
	CU_ASSERT_EQUAL(p.out[1].nr, 1);
	CU_ASSERT_EQUAL(p.out[1].ns, 1); /* Ns of the next message queued */
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

/* A HELLO that sends a message, as the tunnel's does. */
static void p_hello_sends(void *ctx)
{
	struct peer *p = ctx;
	uint8_t m[20];

	p->hellos++;
	make_msg(m, 6);
	l2tp_ctrl_send(&p->c, m, sizeof(m));
}

static const struct l2tp_ctrl_ops hello_ops = {
	.xmit = p_xmit, .deliver = p_deliver, .hello = p_hello_sends,
	.dead = p_dead, .drained = p_drained,
};

/* The peer goes silent with hello = 10 s: the first HELLO's
 * retransmissions (1, 2, 4, 8, 8 s; dead at 31 s) span three hello
 * intervals. Only that one HELLO is ever sent (six transmissions of one
 * Ns), not a new one every 10 s. */
static void test_one_outstanding_hello(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct l2tp_ctrl_cfg cfg;
	struct peer p;
	unsigned hello_tx = 0;

	memset(&p, 0, sizeof(p));
	p.tm = tm;
	l2tp_ctrl_cfg_default(&cfg);
	cfg.hello_ms = 10000;
	l2tp_ctrl_init(&p.c, tm, &cfg, &hello_ops, &p);
	l2tp_ctrl_start_hello(&p.c);
	vpdn_timers_advance(tm, 10000);
	CU_ASSERT_EQUAL(p.hellos, 1);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 1);
	vpdn_timers_advance(tm, 30000);
	CU_ASSERT_EQUAL(p.hellos, 1);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c) + l2tp_ctrl_queued(&p.c), 1);
	CU_ASSERT_EQUAL(p.c.stats.hello_skipped, 3);
	for (unsigned i = 0; i < p.nout; i++) {
		CU_ASSERT_EQUAL(p.out[i].ns, 0);
		hello_tx += p.out[i].tag == 6;
	}
	CU_ASSERT_EQUAL(hello_tx, 6); /* first transmission + 5 retries */
	vpdn_timers_advance(tm, 1000);
	CU_ASSERT_EQUAL(p.dead, 1);
	CU_ASSERT_EQUAL(p.dead_at, 41000);
	l2tp_ctrl_fini(&p.c);

	/* Once it is acked, HELLOs resume at the interval. */
	memset(&p, 0, sizeof(p));
	p.tm = tm;
	l2tp_ctrl_init(&p.c, tm, &cfg, &hello_ops, &p);
	l2tp_ctrl_start_hello(&p.c);
	vpdn_timers_advance(tm, 10000);
	CU_ASSERT_EQUAL(p.hellos, 1);
	{
		uint8_t z[12] = { 0 };

		l2tp_ctrl_input(&p.c, 0, 1, true, z, 12); /* ack of the HELLO */
	}
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&p.c), 0);
	vpdn_timers_advance(tm, 10000);
	CU_ASSERT_EQUAL(p.hellos, 2);
	l2tp_ctrl_fini(&p.c);
	vpdn_timers_free(tm);
}

static const struct vpdn_test_case ctrl_tests[] = {
	{ "appendix B.1 Ns/Nr trace", test_appendix_b1 },
	{ "retransmission 1,2,4,8,8 s then dead at 31 s", test_retransmit_schedule },
	{ "retransmission carries the current Nr", test_retransmit_carries_current_nr },
	{ "duplicates acked, not processed", test_duplicate },
	{ "out-of-order queued inside the window", test_out_of_order },
	{ "slow start, congestion avoidance, peer window", test_slow_start },
	{ "hello after idle time", test_hello },
	{ "one outstanding HELLO while the peer is silent", test_one_outstanding_hello },
	{ "ack piggybacked on an outgoing message", test_piggyback },
	{ "ack at once after half a window", test_ack_every_half_window },
	{ "ack at once when our messages wait for window", test_ack_when_window_closed },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-ctrl", ctrl_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
