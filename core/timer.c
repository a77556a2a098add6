/* SPDX-License-Identifier: MIT */
/*
 * The timer facility: a binary min-heap of intrusive timers behind one
 * GSource. Arm, cancel and re-arm are O(log n); the GSource's prepare()
 * reads the heap top, so a main-loop iteration costs O(1) however many
 * timers are armed.
 */
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vpdnd/timer.h>

struct timer_source {
	GSource source;
	struct vpdn_timers *tm;
};

/* A heap entry carries its timer's key, so that sifting compares entries
 * in the heap array instead of following a pointer into each timer (which
 * lives in its session, far apart in memory: with 60 000 sessions the
 * cache misses of a sift through 16 levels were most of a timer's cost). */
struct heap_ent {
	uint64_t expires, seq;
	struct vpdn_timer *t;
};

struct vpdn_timers {
	struct heap_ent *heap;
	size_t len, cap;
	uint64_t seq;
	bool fake;
	uint64_t fake_now;  /* ms, fake clock only */
	struct timer_source *source;
};

static bool earlier(const struct heap_ent *a, const struct heap_ent *b)
{
	if (a->expires != b->expires)
		return a->expires < b->expires;
	return a->seq < b->seq;
}

static void heap_set(struct vpdn_timers *tm, size_t i, struct heap_ent e)
{
	tm->heap[i] = e;
	e.t->heap_index = i;
}

/* A 4-ary heap: half the levels of a binary one, and a node's four
 * children side by side (96 bytes), so a sift through 100 000 timers
 * touches about 9 levels' cache lines instead of 17. */
#define HEAP_D 4

static void sift_up(struct vpdn_timers *tm, size_t i)
{
	struct heap_ent e = tm->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / HEAP_D;
		if (!earlier(&e, &tm->heap[parent]))
			break;
		heap_set(tm, i, tm->heap[parent]);
		i = parent;
	}
	heap_set(tm, i, e);
}

static void sift_down(struct vpdn_timers *tm, size_t i)
{
	struct heap_ent e = tm->heap[i];
	for (;;) {
		size_t first = HEAP_D * i + 1, m = i;
		size_t last = first + HEAP_D < tm->len ? first + HEAP_D : tm->len;
		const struct heap_ent *best = &e;
		for (size_t c = first; c < last; c++)
			if (earlier(&tm->heap[c], best)) {
				m = c;
				best = &tm->heap[c];
			}
		if (m == i)
			break;
		heap_set(tm, i, tm->heap[m]);
		i = m;
	}
	heap_set(tm, i, e);
}

/* Put e at index i (a removal's hole, a re-armed timer's own place) and
 * move it up or down to where it belongs. */
static void heap_place(struct vpdn_timers *tm, size_t i, struct heap_ent e)
{
	bool up = i > 0 && earlier(&e, &tm->heap[(i - 1) / HEAP_D]);
	heap_set(tm, i, e);
	if (up)
		sift_up(tm, i);
	else
		sift_down(tm, i);
}

static void heap_remove(struct vpdn_timers *tm, struct vpdn_timer *t)
{
	size_t i = t->heap_index;
	struct heap_ent last = tm->heap[--tm->len];
	t->heap_index = SIZE_MAX;
	if (i < tm->len)
		heap_place(tm, i, last);
}

uint64_t vpdn_timers_now(struct vpdn_timers *tm)
{
	if (tm->fake)
		return tm->fake_now;
	return (uint64_t)g_get_monotonic_time() / 1000;
}

uint64_t vpdn_timers_wall(struct vpdn_timers *tm)
{
	if (tm->fake)
		return tm->fake_now / 1000;
	return (uint64_t)time(NULL);
}

void vpdn_timer_init(struct vpdn_timer *t, vpdn_timer_fn fn, void *data)
{
	memset(t, 0, sizeof(*t));
	t->heap_index = SIZE_MAX;
	t->fn = fn;
	t->data = data;
}

void vpdn_timer_arm(struct vpdn_timers *tm, struct vpdn_timer *t, uint64_t delay_ms)
{
	if (vpdn_timer_armed(t)) {
		/* re-armed (a tunnel's timers at every message): its entry
		 * takes the new expiry where it is and moves up or down, one
		 * sift instead of a removal's and an insertion's */
		heap_place(tm, t->heap_index,
			   (struct heap_ent){ vpdn_timers_now(tm) + delay_ms, tm->seq++, t });
		return;
	}
	if (tm->len == tm->cap) {
		size_t cap = tm->cap ? tm->cap * 2 : 64;
		tm->heap = g_renew(struct heap_ent, tm->heap, cap);
		tm->cap = cap;
	}
	/* expiry and order live in the heap entry only: the embedded timer
	 * is 24 bytes, not 40 (#19) */
	heap_set(tm, tm->len++, (struct heap_ent){ vpdn_timers_now(tm) + delay_ms, tm->seq++, t });
	sift_up(tm, tm->len - 1);
}

void vpdn_timer_cancel(struct vpdn_timers *tm, struct vpdn_timer *t)
{
	if (vpdn_timer_armed(t))
		heap_remove(tm, t);
}

uint64_t vpdn_timer_remaining(struct vpdn_timers *tm, const struct vpdn_timer *t)
{
	uint64_t now = vpdn_timers_now(tm), expires;
	/* not armed here (a zeroed, never initialised timer included: its
	 * index 0 is another's entry, or none) */
	if (!vpdn_timer_armed(t) || t->heap_index >= tm->len || tm->heap[t->heap_index].t != t)
		return 0;
	expires = tm->heap[t->heap_index].expires;
	return expires <= now ? 0 : expires - now;
}

size_t vpdn_timers_count(struct vpdn_timers *tm)
{
	return tm->len;
}

/* Fire every timer due at `now`. A callback may arm timers that are due at
 * once (delay 0); they fire in this same pass only if their expiry is not
 * later than now, which keeps the loop finite for any delay > 0. */
static size_t run_due_at(struct vpdn_timers *tm, uint64_t now)
{
	size_t fired = 0;
	while (tm->len > 0 && tm->heap[0].expires <= now) {
		struct vpdn_timer *t = tm->heap[0].t;
		heap_remove(tm, t);
		fired++;
		t->fn(t, t->data); /* may free t's container: do not touch t */
	}
	return fired;
}

size_t vpdn_timers_run_due(struct vpdn_timers *tm)
{
	return run_due_at(tm, vpdn_timers_now(tm));
}

size_t vpdn_timers_advance(struct vpdn_timers *tm, uint64_t ms)
{
	g_return_val_if_fail(tm->fake, 0);
	uint64_t target = tm->fake_now + ms;
	size_t fired = 0;
	while (tm->len > 0 && tm->heap[0].expires <= target) {
		if (tm->heap[0].expires > tm->fake_now)
			tm->fake_now = tm->heap[0].expires;
		fired += run_due_at(tm, tm->fake_now);
	}
	tm->fake_now = target;
	return fired;
}

static gboolean source_prepare(GSource *source, gint *timeout)
{
	struct vpdn_timers *tm = ((struct timer_source *)source)->tm;
	if (tm->len == 0) {
		*timeout = -1;
		return FALSE;
	}
	uint64_t now = vpdn_timers_now(tm), exp = tm->heap[0].expires;
	if (exp <= now) {
		*timeout = 0;
		return TRUE;
	}
	uint64_t d = exp - now;
	*timeout = d > G_MAXINT ? G_MAXINT : (gint)d;
	return FALSE;
}

static gboolean source_check(GSource *source)
{
	struct vpdn_timers *tm = ((struct timer_source *)source)->tm;
	return tm->len > 0 && tm->heap[0].expires <= vpdn_timers_now(tm);
}

static gboolean source_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	vpdn_timers_run_due(((struct timer_source *)source)->tm);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
	.prepare = source_prepare,
	.check = source_check,
	.dispatch = source_dispatch,
};

struct vpdn_timers *vpdn_timers_new(void)
{
	struct vpdn_timers *tm = g_new0(struct vpdn_timers, 1);
	tm->source = (struct timer_source *)g_source_new(&timer_source_funcs,
							  sizeof(struct timer_source));
	tm->source->tm = tm;
	g_source_set_name(&tm->source->source, "vpdn-timers");
	g_source_attach(&tm->source->source, NULL);
	return tm;
}

struct vpdn_timers *vpdn_timers_new_fake(void)
{
	struct vpdn_timers *tm = g_new0(struct vpdn_timers, 1);
	tm->fake = true;
	return tm;
}

void vpdn_timers_free(struct vpdn_timers *tm)
{
	if (!tm)
		return;
	for (size_t i = 0; i < tm->len; i++)
		tm->heap[i].t->heap_index = SIZE_MAX;
	if (tm->source) {
		g_source_destroy(&tm->source->source);
		g_source_unref(&tm->source->source);
	}
	g_free(tm->heap);
	g_free(tm);
}
