/* SPDX-License-Identifier: MIT */
/*
 * One timer facility for every protocol timer in the node.
 *
 * Timers are intrusive: a protocol embeds a struct vpdn_timer in its own
 * object, so arming a timer never allocates. All armed timers of a node sit
 * in one binary min-heap behind a single GSource, so 100 000 armed timers
 * cost one poll timeout, not 100 000 sources, and no iteration scans them.
 *
 * Time is a monotonic count of milliseconds. A fake clock (for tests) only
 * moves when the test calls vpdn_timers_advance().
 */
#ifndef VPDND_TIMER_H
#define VPDND_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vpdn_timers;
struct vpdn_timer;

/*
 * Called once when the timer expires, from the main loop (or from
 * vpdn_timers_advance() with a fake clock). The timer is already disarmed;
 * the callback may re-arm it, arm others, cancel others, or free the object
 * that embeds it.
 */
typedef void (*vpdn_timer_fn)(struct vpdn_timer *t, void *data);

/* Embedded in its owner: 24 bytes (the expiry and the FIFO order among
 * equal expiries are in the facility's heap entry). */
struct vpdn_timer {
	size_t heap_index; /* private: SIZE_MAX while not armed */
	vpdn_timer_fn fn;
	void *data;
};

/* Prepare an embedded timer. Must be called before any other use. */
void vpdn_timer_init(struct vpdn_timer *t, vpdn_timer_fn fn, void *data);

/* (Re)arm to fire after delay_ms from now. Arming an armed timer moves it. */
void vpdn_timer_arm(struct vpdn_timers *tm, struct vpdn_timer *t, uint64_t delay_ms);

/* Disarm; harmless on a timer that is not armed. */
void vpdn_timer_cancel(struct vpdn_timers *tm, struct vpdn_timer *t);

static inline bool vpdn_timer_armed(const struct vpdn_timer *t)
{
	return t->heap_index != SIZE_MAX;
}

/* Milliseconds left before t fires (0 if due or not armed). */
uint64_t vpdn_timer_remaining(struct vpdn_timers *tm, const struct vpdn_timer *t);

/* Facility. vpdn_timers_new() attaches one GSource to the default main
 * context; vpdn_timers_new_fake() attaches nothing and starts at 0 ms. */
struct vpdn_timers *vpdn_timers_new(void);
struct vpdn_timers *vpdn_timers_new_fake(void);
void vpdn_timers_free(struct vpdn_timers *tm);

/* Current time on this facility's clock, ms. */
uint64_t vpdn_timers_now(struct vpdn_timers *tm);

/* Wall-clock seconds since the epoch (fake clocks start at 0 + advanced). */
uint64_t vpdn_timers_wall(struct vpdn_timers *tm);

/* Fake clock only: move time forward by ms, firing every timer that falls
 * due, in expiry order, with now() equal to each timer's expiry when it
 * fires. Returns the number of timers fired. */
size_t vpdn_timers_advance(struct vpdn_timers *tm, uint64_t ms);

/* Number of armed timers (for tests and metrics). */
size_t vpdn_timers_count(struct vpdn_timers *tm);

/* Run due timers now (real clock); used by the GSource and by tests. */
size_t vpdn_timers_run_due(struct vpdn_timers *tm);

#ifdef __cplusplus
}
#endif
#endif
