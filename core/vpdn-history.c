/* SPDX-License-Identifier: MIT */
/*
 * The bounded history of ended VPDN sessions: a GQueue, newest at the
 * head; adding past the size drops the oldest, so memory stays at `size`
 * entries (each a few hundred octets) however many sessions end.
 */
#include <glib.h>

#include "vpdn-history.h"

struct vpdn_history {
	GQueue q;        /* struct vpdn_session_end *, newest first */
	unsigned size;
	uint64_t total;
};

void vpdn_session_end_free(struct vpdn_session_end *e)
{
	if (!e)
		return;
	g_free(e->user);
	g_free(e->interface);
	g_free(e->peer_name);
	g_free(e->peer_address);
	g_free(e->local_address);
	g_free(e->remote_address);
	g_free(e->reason);
	g_free(e);
}

struct vpdn_history *vpdn_history_new(unsigned size)
{
	struct vpdn_history *h = g_new0(struct vpdn_history, 1);

	g_queue_init(&h->q);
	h->size = MIN(size, VPDN_HISTORY_SIZE_MAX);
	return h;
}

void vpdn_history_free(struct vpdn_history *h)
{
	if (!h)
		return;
	g_queue_clear_full(&h->q, (GDestroyNotify)vpdn_session_end_free);
	g_free(h);
}

static void trim(struct vpdn_history *h)
{
	while (h->q.length > h->size)
		vpdn_session_end_free(g_queue_pop_tail(&h->q));
}

void vpdn_history_add(struct vpdn_history *h, struct vpdn_session_end *e)
{
	h->total++;
	g_queue_push_head(&h->q, e);
	trim(h);
}

void vpdn_history_set_size(struct vpdn_history *h, unsigned size)
{
	h->size = MIN(size, VPDN_HISTORY_SIZE_MAX);
	trim(h);
}

unsigned vpdn_history_size(const struct vpdn_history *h)
{
	return h->size;
}

unsigned vpdn_history_count(const struct vpdn_history *h)
{
	return h->q.length;
}

uint64_t vpdn_history_total(const struct vpdn_history *h)
{
	return h->total;
}

const struct vpdn_session_end *vpdn_history_at(const struct vpdn_history *h, unsigned i)
{
	return g_queue_peek_nth((GQueue *)&h->q, i);
}

const GList *vpdn_history_entries(const struct vpdn_history *h)
{
	return h->q.head;
}
