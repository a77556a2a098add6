/* SPDX-License-Identifier: MIT */
/*
 * The typed event bus. Subscriptions per type form a list ordered by
 * priority, then by subscription order. Dispatch walks the list by `next`
 * pointers; an unsubscribe during dispatch only marks the entry dead (it is
 * unlinked once no dispatch is running), and entries added during a
 * dispatch carry a serial newer than the dispatch's and are skipped by it.
 *
 * Requests: a completion given while its request is still being dispatched
 * (by the claiming handler, or -ENOENT/-EPROTO by the bus itself) is queued
 * with a copy of the reply (bus-reply.c) and delivered by run_pending(),
 * from a zero-delay timer on the next main-loop turn; one given later runs
 * the requester's callback at once. A request holds one reference for the
 * requester (dropped when its callback ran or it cancelled), one for the
 * claimer that took it (dropped by complete) and one while it is queued.
 *
 * Deferred frees (vpdn_bus_defer_free()): an object a module let go of
 * during a dispatch is freed by the same timer, after the turn's queued
 * completions, so that code still on the stack may touch it. Each request
 * runs exactly once: on its turn, from vpdn_bus_run_pending() /
 * vpdn_bus_run_deferred(), or at the latest from vpdn_bus_free().
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/bus.h>
#include <vpdnd/events.h>
#include <vpdnd/timer.h>

#include "bus-private.h"

struct vpdn_subscription {
	struct vpdn_subscription *next;
	uint32_t type;
	int priority;
	uint64_t serial;
	bool dead;
	vpdn_bus_handler fn;
	void *data;
};

struct vpdn_request {
	struct vpdn_bus *bus;
	uint32_t type;
	vpdn_request_done done;
	void *data;
	int refs;
	bool taken;
	bool dispatching;       /* inside its own vpdn_bus_request() */
	bool sync;              /* vpdn_bus_ask(): delivered at once */
	bool completed;         /* a status was given; later ones are dropped */
	bool delivered;         /* the requester's callback ran */
	bool cancelled;
	int status;             /* while queued */
	struct vpdn_reply_copy *reply;
};

struct vpdn_bus {
	GHashTable *lists;      /* type -> struct vpdn_subscription * (head) */
	GPtrArray *dyn_names;   /* type - VPDN_EV__DYNAMIC_BASE -> name */
	GHashTable *dyn_ids;    /* name -> type */
	uint64_t serial;
	unsigned depth;         /* dispatches in progress */
	bool has_dead;
	GQueue pending;         /* struct vpdn_request *, completions to deliver */
	GQueue frees;           /* struct deferred_free *, objects to free */
	struct vpdn_timers *tm; /* drives the pending queue, or NULL */
	struct vpdn_timer wake;
	struct vpdn_bus_stats stats;
};

struct deferred_free {
	vpdn_free_fn fn;
	void *obj;
};

static void wake_fired(struct vpdn_timer *t, void *data);
static void wake(struct vpdn_bus *bus);

struct vpdn_bus *vpdn_bus_new(void)
{
	struct vpdn_bus *bus = g_new0(struct vpdn_bus, 1);
	bus->lists = g_hash_table_new(g_direct_hash, g_direct_equal);
	bus->dyn_names = g_ptr_array_new_with_free_func(g_free);
	bus->dyn_ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_queue_init(&bus->pending);
	g_queue_init(&bus->frees);
	vpdn_timer_init(&bus->wake, wake_fired, bus);
	return bus;
}

static void free_list(gpointer key, gpointer value, gpointer user)
{
	struct vpdn_subscription *s = value;
	while (s) {
		struct vpdn_subscription *next = s->next;
		g_free(s);
		s = next;
	}
}

static void request_unref(struct vpdn_request *req);

void vpdn_bus_free(struct vpdn_bus *bus)
{
	if (!bus)
		return;
	if (bus->tm)
		vpdn_timer_cancel(bus->tm, &bus->wake);
	(void)vpdn_bus_run_deferred(bus); /* nothing let go of is leaked */
	struct vpdn_request *req;
	while ((req = g_queue_pop_head(&bus->pending))) {
		vpdn_reply_copy_free(req->reply);
		req->reply = NULL;
		request_unref(req); /* the queue's; a requester's stays leaked as before */
	}
	g_hash_table_foreach(bus->lists, free_list, NULL);
	g_hash_table_destroy(bus->lists);
	g_hash_table_destroy(bus->dyn_ids);
	g_ptr_array_free(bus->dyn_names, TRUE);
	g_free(bus);
}

int vpdn_bus_register_type(struct vpdn_bus *bus, const char *name)
{
	if (!name || !*name)
		return -EINVAL;
	int existing = vpdn_bus_lookup_type(bus, name);
	if (existing >= 0)
		return existing;
	char *copy = g_strdup(name);
	g_ptr_array_add(bus->dyn_names, copy);
	int id = VPDN_EV__DYNAMIC_BASE + (int)bus->dyn_names->len - 1;
	g_hash_table_insert(bus->dyn_ids, copy, GINT_TO_POINTER(id));
	return id;
}

int vpdn_bus_lookup_type(struct vpdn_bus *bus, const char *name)
{
	for (uint32_t t = 1; t < VPDN_EV__BUILTIN_COUNT; t++)
		if (g_strcmp0(vpdn_event_type_name(t), name) == 0)
			return (int)t;
	gpointer v;
	if (g_hash_table_lookup_extended(bus->dyn_ids, name, NULL, &v))
		return GPOINTER_TO_INT(v);
	return -ENOENT;
}

const char *vpdn_bus_type_name(struct vpdn_bus *bus, uint32_t type)
{
	if (type < VPDN_EV__BUILTIN_COUNT)
		return vpdn_event_type_name(type);
	if (type >= VPDN_EV__DYNAMIC_BASE && type - VPDN_EV__DYNAMIC_BASE < bus->dyn_names->len)
		return g_ptr_array_index(bus->dyn_names, type - VPDN_EV__DYNAMIC_BASE);
	return NULL;
}

static bool type_valid(struct vpdn_bus *bus, uint32_t type)
{
	return (type > VPDN_EV_NONE && type < VPDN_EV__BUILTIN_COUNT) ||
	       (type >= VPDN_EV__DYNAMIC_BASE &&
		type - VPDN_EV__DYNAMIC_BASE < bus->dyn_names->len);
}

struct vpdn_subscription *vpdn_bus_subscribe_prio(struct vpdn_bus *bus, uint32_t type,
						  int priority, vpdn_bus_handler fn,
						  void *data)
{
	if (!type_valid(bus, type) || !fn)
		return NULL;
	struct vpdn_subscription *s = g_new0(struct vpdn_subscription, 1);
	s->type = type;
	s->priority = priority;
	s->serial = ++bus->serial;
	s->fn = fn;
	s->data = data;

	struct vpdn_subscription *head = g_hash_table_lookup(bus->lists, GUINT_TO_POINTER(type));
	if (!head || head->priority > priority) {
		s->next = head;
		g_hash_table_insert(bus->lists, GUINT_TO_POINTER(type), s);
		return s;
	}
	struct vpdn_subscription *p = head;
	while (p->next && p->next->priority <= priority)
		p = p->next;
	s->next = p->next;
	p->next = s;
	return s;
}

struct vpdn_subscription *vpdn_bus_subscribe(struct vpdn_bus *bus, uint32_t type,
					     vpdn_bus_handler fn, void *data)
{
	return vpdn_bus_subscribe_prio(bus, type, 0, fn, data);
}

static void purge_dead(struct vpdn_bus *bus, uint32_t type)
{
	gpointer key = GUINT_TO_POINTER(type);
	struct vpdn_subscription *head = g_hash_table_lookup(bus->lists, key);
	struct vpdn_subscription **pp = &head;
	while (*pp) {
		struct vpdn_subscription *s = *pp;
		if (s->dead) {
			*pp = s->next;
			g_free(s);
		} else {
			pp = &s->next;
		}
	}
	if (head)
		g_hash_table_insert(bus->lists, key, head);
	else
		g_hash_table_remove(bus->lists, key);
}

static void purge_all(struct vpdn_bus *bus)
{
	GList *keys = g_hash_table_get_keys(bus->lists);
	for (GList *k = keys; k; k = k->next)
		purge_dead(bus, GPOINTER_TO_UINT(k->data));
	g_list_free(keys);
	bus->has_dead = false;
}

void vpdn_bus_unsubscribe(struct vpdn_bus *bus, struct vpdn_subscription *sub)
{
	if (!sub || sub->dead)
		return;
	sub->dead = true;
	if (bus->depth > 0)
		bus->has_dead = true;
	else
		purge_dead(bus, sub->type);
}

static int dispatch(struct vpdn_bus *bus, const struct vpdn_event *ev)
{
	uint64_t limit = bus->serial;
	int claimed = 0;

	bus->stats.published++;
	bus->depth++;
	for (struct vpdn_subscription *s = g_hash_table_lookup(bus->lists,
							      GUINT_TO_POINTER(ev->type));
	     s; s = s->next) {
		if (s->dead || s->serial > limit)
			continue;
		if (s->fn(ev, s->data) == VPDN_BUS_CLAIM) {
			claimed = 1;
			bus->stats.claimed++;
			break;
		}
	}
	if (--bus->depth == 0 && bus->has_dead)
		purge_all(bus);
	return claimed;
}

int vpdn_bus_publish(struct vpdn_bus *bus, uint32_t type, const void *payload)
{
	if (!type_valid(bus, type))
		return -EINVAL;
	struct vpdn_event ev = { .type = type, .payload = payload, .request = NULL };
	return dispatch(bus, &ev);
}

static void request_unref(struct vpdn_request *req)
{
	if (--req->refs == 0) {
		vpdn_reply_copy_free(req->reply);
		g_free(req);
	}
}

/* Run the requester's callback (once, unless it cancelled). */
static void deliver(struct vpdn_request *req, int status, const void *reply)
{
	if (req->delivered || req->cancelled)
		return;
	req->delivered = true;
	req->done(req, status, reply, req->data);
	request_unref(req); /* the requester's reference */
}

static void request_finish(struct vpdn_request *req, int status, const void *reply)
{
	if (req->completed || req->cancelled)
		return;
	req->completed = true;
	req->status = status;
	if (!req->dispatching || req->sync) {
		deliver(req, status, reply);
		return;
	}
	/* Never inside vpdn_bus_request(): keep it for the next turn. */
	struct vpdn_bus *bus = req->bus;
	req->reply = vpdn_reply_copy_new(req->type, reply);
	req->refs++; /* the queue's */
	g_queue_push_tail(&bus->pending, req);
	bus->stats.deferred++;
	wake(bus);
}

static struct vpdn_request *pop_and_deliver(struct vpdn_bus *bus)
{
	struct vpdn_request *req = g_queue_pop_head(&bus->pending);
	if (!req)
		return NULL;
	if (req->cancelled)
		vpdn_reply_copy_drop(req->reply, req->status);
	else {
		deliver(req, req->status, req->reply ? (const void *)req->reply->data : NULL);
		vpdn_reply_copy_free(req->reply);
	}
	req->reply = NULL;
	request_unref(req); /* the queue's */
	return req;
}

static bool run_one_free(struct vpdn_bus *bus)
{
	struct deferred_free *f = g_queue_pop_head(&bus->frees);
	if (!f)
		return false;
	vpdn_free_fn fn = f->fn;
	void *obj = f->obj;
	g_free(f);
	fn(obj);
	return true;
}

static void wake(struct vpdn_bus *bus)
{
	if (bus->tm && !vpdn_timer_armed(&bus->wake))
		vpdn_timer_arm(bus->tm, &bus->wake, 0);
}

void vpdn_bus_defer_free(struct vpdn_bus *bus, vpdn_free_fn fn, void *obj)
{
	if (!fn)
		return;
	struct deferred_free *f = g_new(struct deferred_free, 1);
	f->fn = fn;
	f->obj = obj;
	g_queue_push_tail(&bus->frees, f);
	wake(bus);
}

size_t vpdn_bus_run_deferred(struct vpdn_bus *bus)
{
	size_t n = 0;
	while (run_one_free(bus))
		n++;
	return n;
}

size_t vpdn_bus_run_pending(struct vpdn_bus *bus)
{
	size_t n = 0;
	do {
		while (pop_and_deliver(bus))
			n++;
		(void)vpdn_bus_run_deferred(bus);
	} while (bus->pending.length);
	if (bus->tm)
		vpdn_timer_cancel(bus->tm, &bus->wake);
	return n;
}

/* One turn: what was queued before it, completions first, then frees;
 * what the turn queues goes to the next (the timer is re-armed, so a
 * chain of requests cannot starve the loop). */
static void wake_fired(struct vpdn_timer *t, void *data)
{
	struct vpdn_bus *bus = data;
	guint frees = bus->frees.length;
	for (guint n = bus->pending.length; n > 0 && pop_and_deliver(bus); n--)
		;
	for (; frees > 0 && run_one_free(bus); frees--)
		;
	if (bus->pending.length || bus->frees.length)
		wake(bus);
}

void vpdn_bus_set_timers(struct vpdn_bus *bus, struct vpdn_timers *tm)
{
	if (bus->tm)
		vpdn_timer_cancel(bus->tm, &bus->wake);
	bus->tm = tm;
	if (tm && (bus->pending.length || bus->frees.length))
		vpdn_timer_arm(tm, &bus->wake, 0);
}

size_t vpdn_bus_pending_count(const struct vpdn_bus *bus)
{
	return bus->pending.length;
}

static struct vpdn_request *request_publish(struct vpdn_bus *bus, uint32_t type,
					    const void *payload, vpdn_request_done done,
					    void *data, bool sync)
{
	struct vpdn_request *req = g_new0(struct vpdn_request, 1);
	req->bus = bus;
	req->type = type;
	req->done = done;
	req->data = data;
	req->sync = sync;
	req->refs = 2; /* the requester's, and ours during dispatch */
	bus->stats.requests++;

	struct vpdn_event ev = { .type = type, .payload = payload, .request = req };
	req->dispatching = true;
	int claimed = dispatch(bus, &ev);
	if (!claimed) {
		bus->stats.unclaimed++;
		request_finish(req, -ENOENT, NULL);
	} else if (!req->taken) {
		/* Claimed but neither completed nor taken: the claimer broke
		 * the contract; fail the request rather than leak it. */
		request_finish(req, -EPROTO, NULL);
	} else if (sync && !req->completed) {
		/* A question must be answered before the claimer returns. */
		request_finish(req, -EPROTO, NULL);
	}
	req->dispatching = false;
	return req;
}

struct vpdn_request *vpdn_bus_request(struct vpdn_bus *bus, uint32_t type,
				      const void *payload, vpdn_request_done done,
				      void *data)
{
	if (!type_valid(bus, type) || !done)
		return NULL;
	struct vpdn_request *req = request_publish(bus, type, payload, done, data, false);
	request_unref(req); /* ours; the requester's stays until done or cancel */
	return req;
}

int vpdn_bus_ask(struct vpdn_bus *bus, uint32_t type, const void *payload,
		 vpdn_request_done done, void *data)
{
	if (!type_valid(bus, type) || !done)
		return -EINVAL;
	struct vpdn_request *req = request_publish(bus, type, payload, done, data, true);
	int status = req->status;
	request_unref(req);
	return status;
}

struct vpdn_request *vpdn_event_take_request(const struct vpdn_event *ev)
{
	struct vpdn_request *req = ev->request;
	if (!req || req->taken)
		return NULL;
	req->taken = true;
	req->refs++; /* the claimer's reference, dropped by complete */
	return req;
}

void vpdn_request_complete(struct vpdn_request *req, int status, const void *reply)
{
	if (!req)
		return;
	if (!req->taken) {
		g_warning("vpdn_request_complete() on a request that was not taken");
		return;
	}
	request_finish(req, status, reply);
	request_unref(req); /* the claimer's reference */
}

void vpdn_request_cancel(struct vpdn_request *req)
{
	/* Also when its completion is queued: the callback then never runs. */
	if (!req || req->delivered || req->cancelled)
		return;
	req->cancelled = true;
	request_unref(req); /* the requester's reference */
}

bool vpdn_request_cancelled(const struct vpdn_request *req)
{
	return req->cancelled;
}

bool vpdn_request_answered(const struct vpdn_request *req)
{
	return req->completed;
}

uint32_t vpdn_request_type(const struct vpdn_request *req)
{
	return req->type;
}

const struct vpdn_bus_stats *vpdn_bus_stats(const struct vpdn_bus *bus)
{
	return &bus->stats;
}
