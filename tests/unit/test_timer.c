/* SPDX-License-Identifier: MIT */
/* Timers: ordering, cancel, re-arm, callbacks that arm and free, and
 * 100 000 armed timers on a fake clock. */
#include <glib.h>
#include <stdlib.h>

#include <vpdnd/timer.h>

#include "vpdn_test.h"

static struct vpdn_timers *tm;
static int order[16];
static int fired;

static void record(struct vpdn_timer *t, void *data)
{
	order[fired++] = GPOINTER_TO_INT(data);
}

static int setup(void)
{
	tm = vpdn_timers_new_fake();
	fired = 0;
	return 0;
}

static int teardown(void)
{
	vpdn_timers_free(tm);
	return 0;
}

static void test_ordering(void)
{
	struct vpdn_timer t[5];
	uint64_t delays[5] = { 300, 100, 200, 100, 50 };
	setup();
	for (int i = 0; i < 5; i++) {
		vpdn_timer_init(&t[i], record, GINT_TO_POINTER(i));
		vpdn_timer_arm(tm, &t[i], delays[i]);
	}
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 5);
	CU_ASSERT_EQUAL(vpdn_timers_advance(tm, 99), 1); /* the 50 ms one */
	CU_ASSERT_EQUAL(order[0], 4);
	CU_ASSERT_EQUAL(vpdn_timers_advance(tm, 1), 2); /* both 100 ms, FIFO */
	CU_ASSERT_EQUAL(order[1], 1);
	CU_ASSERT_EQUAL(order[2], 3);
	CU_ASSERT_EQUAL(vpdn_timers_advance(tm, 1000), 2);
	CU_ASSERT_EQUAL(order[3], 2);
	CU_ASSERT_EQUAL(order[4], 0);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	CU_ASSERT_EQUAL(vpdn_timers_now(tm), 1100);
	teardown();
}

static void test_cancel_and_rearm(void)
{
	struct vpdn_timer a, b;
	setup();
	vpdn_timer_init(&a, record, GINT_TO_POINTER(1));
	vpdn_timer_init(&b, record, GINT_TO_POINTER(2));
	CU_ASSERT_FALSE(vpdn_timer_armed(&a));
	vpdn_timer_arm(tm, &a, 100);
	vpdn_timer_arm(tm, &b, 200);
	CU_ASSERT_TRUE(vpdn_timer_armed(&a));
	vpdn_timer_cancel(tm, &a);
	vpdn_timer_cancel(tm, &a); /* harmless twice */
	CU_ASSERT_FALSE(vpdn_timer_armed(&a));
	vpdn_timer_arm(tm, &b, 50); /* moving an armed timer */
	CU_ASSERT_EQUAL(vpdn_timer_remaining(tm, &b), 50);
	CU_ASSERT_EQUAL(vpdn_timers_advance(tm, 60), 1);
	CU_ASSERT_EQUAL(order[0], 2);
	CU_ASSERT_EQUAL(vpdn_timers_advance(tm, 1000), 0);
	CU_ASSERT_EQUAL(fired, 1);
	teardown();
}

/* A callback that re-arms itself: a periodic timer, each period seen. */
struct periodic {
	struct vpdn_timer t;
	int ticks;
	uint64_t seen[8];
};

static void tick(struct vpdn_timer *t, void *data)
{
	struct periodic *p = data;
	p->seen[p->ticks++] = vpdn_timers_now(tm);
	if (p->ticks < 5)
		vpdn_timer_arm(tm, t, 1000);
}

static void test_rearm_in_callback(void)
{
	struct periodic p = { 0 };
	setup();
	vpdn_timer_init(&p.t, tick, &p);
	vpdn_timer_arm(tm, &p.t, 1000);
	vpdn_timers_advance(tm, 10000);
	CU_ASSERT_EQUAL(p.ticks, 5);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(p.seen[i], (uint64_t)(i + 1) * 1000);
	teardown();
}

/* A callback may cancel another due timer and free its own container. */
struct pair {
	struct vpdn_timer t;
	struct pair *other;
	int *count;
};

static void cancel_other(struct vpdn_timer *t, void *data)
{
	struct pair *p = data;
	(*p->count)++;
	if (p->other)
		vpdn_timer_cancel(tm, &p->other->t);
	g_free(p);
}

static void test_cancel_from_callback(void)
{
	int count = 0;
	setup();
	struct pair *a = g_new0(struct pair, 1), *b = g_new0(struct pair, 1);
	vpdn_timer_init(&a->t, cancel_other, a);
	vpdn_timer_init(&b->t, cancel_other, b);
	a->other = b;
	a->count = b->count = &count;
	vpdn_timer_arm(tm, &a->t, 10);
	vpdn_timer_arm(tm, &b->t, 10);
	vpdn_timers_advance(tm, 10);
	CU_ASSERT_EQUAL(count, 1); /* b was cancelled by a before firing */
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	g_free(b);
	teardown();
}

static int hits;
static uint64_t last_expiry;
static bool monotonic = true;

static void count_hit(struct vpdn_timer *t, void *data)
{
	uint64_t now = vpdn_timers_now(tm);
	if (now < last_expiry)
		monotonic = false;
	last_expiry = now;
	hits++;
}

static void test_hundred_thousand(void)
{
	const int n = 100000;
	struct vpdn_timer *t = g_new(struct vpdn_timer, n);
	setup();
	hits = 0;
	last_expiry = 0;
	monotonic = true;
	srand(42);
	for (int i = 0; i < n; i++) {
		vpdn_timer_init(&t[i], count_hit, NULL);
		vpdn_timer_arm(tm, &t[i], 1 + (uint64_t)(rand() % 60000));
	}
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), (size_t)n);
	/* Cancel every tenth. */
	for (int i = 0; i < n; i += 10)
		vpdn_timer_cancel(tm, &t[i]);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), (size_t)(n - n / 10));
	vpdn_timers_advance(tm, 30000);
	int first = hits;
	CU_ASSERT(first > 0 && first < n);
	vpdn_timers_advance(tm, 30000);
	CU_ASSERT_EQUAL(hits, n - n / 10);
	CU_ASSERT_TRUE(monotonic);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	teardown();
	g_free(t);
}

/* Armed timers re-armed in place, earlier and later (the 4-ary heap's
 * sift up and down from the middle): each fires once, at its last
 * expiry, in order. */
static uint64_t *want_at;
static bool at_wanted = true;

static void check_at(struct vpdn_timer *t, void *data)
{
	if (vpdn_timers_now(tm) != want_at[GPOINTER_TO_SIZE(data)])
		at_wanted = false;
	count_hit(t, data);
}

static void test_rearm_armed(void)
{
	const int n = 20000;
	struct vpdn_timer *t = g_new(struct vpdn_timer, n);
	want_at = g_new(uint64_t, n);
	setup();
	hits = 0;
	last_expiry = 0;
	monotonic = at_wanted = true;
	srand(7);
	for (int i = 0; i < n; i++) {
		vpdn_timer_init(&t[i], check_at, GSIZE_TO_POINTER((size_t)i));
		want_at[i] = 1 + (uint64_t)(rand() % 60000);
		vpdn_timer_arm(tm, &t[i], want_at[i]);
	}
	int wrong = 0;
	for (int k = 0; k < 5 * n; k++) {
		int i = rand() % n;
		want_at[i] = 1 + (uint64_t)(rand() % 60000);
		vpdn_timer_arm(tm, &t[i], want_at[i]);
		wrong += vpdn_timer_remaining(tm, &t[i]) != want_at[i];
	}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), (size_t)n);
	vpdn_timers_advance(tm, 60000);
	CU_ASSERT_EQUAL(hits, n);
	CU_ASSERT_TRUE(monotonic);
	CU_ASSERT_TRUE(at_wanted);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	teardown();
	g_free(want_at);
	g_free(t);
}

/* The real-clock facility drives one GSource from the main loop. */
static void quit_loop(struct vpdn_timer *t, void *data)
{
	g_main_loop_quit(data);
}

static void test_real_clock_source(void)
{
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	struct vpdn_timers *real = vpdn_timers_new();
	struct vpdn_timer t;
	vpdn_timer_init(&t, quit_loop, loop);
	uint64_t start = vpdn_timers_now(real);
	vpdn_timer_arm(real, &t, 20);
	g_main_loop_run(loop);
	CU_ASSERT(vpdn_timers_now(real) - start >= 20);
	CU_ASSERT_FALSE(vpdn_timer_armed(&t));
	vpdn_timers_free(real);
	g_main_loop_unref(loop);
}

static const struct vpdn_test_case tests[] = {
	{ "ordering", test_ordering },
	{ "cancel and re-arm", test_cancel_and_rearm },
	{ "re-arm in callback", test_rearm_in_callback },
	{ "cancel from callback", test_cancel_from_callback },
	{ "100 000 timers", test_hundred_thousand },
	{ "armed timers re-armed earlier and later", test_rearm_armed },
	{ "real clock GSource", test_real_clock_source },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "timer", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
