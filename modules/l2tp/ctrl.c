/* SPDX-License-Identifier: MIT */
/*
 * Reliable delivery of L2TP control messages: see ctrl.h.
 */
#include <errno.h>
#include <string.h>

#include "ctrl.h"

struct l2tp_ctrl_msg {
	uint16_t ns;
	uint16_t len;
	uint8_t data[];
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void l2tp_ctrl_cfg_default(struct l2tp_ctrl_cfg *cfg)
{
	cfg->rwin = 8;
	cfg->retries = 5;
	cfg->rto_min_ms = 1000;
	cfg->rto_max_ms = 8000;
	cfg->ack_delay_ms = 200;
	cfg->hello_ms = 60000;
}

uint64_t l2tp_ctrl_cycle_ms(const struct l2tp_ctrl_cfg *cfg)
{
	uint64_t total = 0, rto = cfg->rto_min_ms;

	for (unsigned i = 0; i <= cfg->retries; i++) {
		total += rto;
		rto = MIN(rto * 2, (uint64_t)cfg->rto_max_ms);
	}
	return total;
}

static void rtx_fired(struct vpdn_timer *t, void *data);
static void ack_fired(struct vpdn_timer *t, void *data);
static void hello_fired(struct vpdn_timer *t, void *data);

void l2tp_ctrl_init(struct l2tp_ctrl *c, struct vpdn_timers *tm, const struct l2tp_ctrl_cfg *cfg,
		    const struct l2tp_ctrl_ops *ops, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->tm = tm;
	c->ops = ops;
	c->ctx = ctx;
	if (cfg)
		c->cfg = *cfg;
	else
		l2tp_ctrl_cfg_default(&c->cfg);
	if (c->cfg.rwin == 0)
		c->cfg.rwin = 1;
	if (c->cfg.rto_min_ms == 0)
		c->cfg.rto_min_ms = 1000;
	if (c->cfg.rto_max_ms < c->cfg.rto_min_ms)
		c->cfg.rto_max_ms = c->cfg.rto_min_ms;
	c->peer_rwin = 4;
	c->cwnd = 1;
	c->ssthresh = 4;
	c->rto = c->cfg.rto_min_ms;
	g_queue_init(&c->sent);
	g_queue_init(&c->queued);
	c->reorder = g_new0(struct l2tp_ctrl_msg *, c->cfg.rwin);
	vpdn_timer_init(&c->rtx_timer, rtx_fired, c);
	vpdn_timer_init(&c->ack_timer, ack_fired, c);
	vpdn_timer_init(&c->hello_timer, hello_fired, c);
}

void l2tp_ctrl_fini(struct l2tp_ctrl *c)
{
	if (!c->reorder)
		return;
	vpdn_timer_cancel(c->tm, &c->rtx_timer);
	vpdn_timer_cancel(c->tm, &c->ack_timer);
	vpdn_timer_cancel(c->tm, &c->hello_timer);
	g_queue_clear_full(&c->sent, g_free);
	g_queue_clear_full(&c->queued, g_free);
	for (unsigned i = 0; i < c->cfg.rwin; i++)
		g_free(c->reorder[i]);
	g_free(c->reorder);
	c->reorder = NULL;
	c->reorder_head = 0;
}

void l2tp_ctrl_set_peer(struct l2tp_ctrl *c, uint16_t peer_tid, uint16_t peer_rwin)
{
	c->peer_tid = peer_tid;
	c->peer_rwin = peer_rwin ? peer_rwin : 4;
	c->ssthresh = c->peer_rwin;
	if (c->cwnd > c->peer_rwin)
		c->cwnd = c->peer_rwin;
}

static int transmit(struct l2tp_ctrl *c, struct l2tp_ctrl_msg *m)
{
	put16(m->data + 8, m->ns);
	put16(m->data + 10, c->nr);
	/* The message carries our Nr: no separate ack is owed any more. */
	c->ack_pending = false;
	c->unacked_rx = 0;
	vpdn_timer_cancel(c->tm, &c->ack_timer);
	c->stats.tx++;
	return c->ops->xmit(c->ctx, m->data, m->len);
}

static bool window_open(const struct l2tp_ctrl *c)
{
	unsigned limit = MIN(c->cwnd, c->peer_rwin);

	return c->sent.length < MAX(limit, 1u);
}

static void try_send(struct l2tp_ctrl *c)
{
	while (c->queued.length && window_open(c)) {
		struct l2tp_ctrl_msg *m = g_queue_pop_head(&c->queued);

		g_queue_push_tail(&c->sent, m);
		if (!vpdn_timer_armed(&c->rtx_timer))
			vpdn_timer_arm(c->tm, &c->rtx_timer, c->rto);
		transmit(c, m);
	}
}

int l2tp_ctrl_send(struct l2tp_ctrl *c, const uint8_t *msg, size_t len)
{
	struct l2tp_ctrl_msg *m;

	if (len < L2TP_CTRL_HDR_LEN || len > 65535)
		return -EINVAL;
	m = g_malloc(sizeof(*m) + len);
	m->ns = c->ns++;
	m->len = len;
	memcpy(m->data, msg, len);
	g_queue_push_tail(&c->queued, m);
	try_send(c);
	return 0;
}

static void send_zlb(struct l2tp_ctrl *c)
{
	uint8_t zlb[L2TP_CTRL_HDR_LEN];

	put16(zlb, 0xC802);
	put16(zlb + 2, L2TP_CTRL_HDR_LEN);
	put16(zlb + 4, c->peer_tid);
	put16(zlb + 6, 0);
	/* A ZLB carries the Ns of the next message not yet transmitted. */
	if (c->queued.length)
		put16(zlb + 8, ((struct l2tp_ctrl_msg *)g_queue_peek_head(&c->queued))->ns);
	else
		put16(zlb + 8, c->ns);
	put16(zlb + 10, c->nr);
	c->ack_pending = false;
	c->unacked_rx = 0;
	vpdn_timer_cancel(c->tm, &c->ack_timer);
	c->stats.zlb_tx++;
	c->ops->xmit(c->ctx, zlb, sizeof(zlb));
}

void l2tp_ctrl_flush_ack(struct l2tp_ctrl *c)
{
	if (c->ack_pending)
		send_zlb(c);
}

static void ack_fired(struct vpdn_timer *t, void *data)
{
	struct l2tp_ctrl *c = data;

	if (c->ack_pending)
		send_zlb(c);
}

static void rtx_fired(struct vpdn_timer *t, void *data)
{
	struct l2tp_ctrl *c = data;
	struct l2tp_ctrl_msg *m = g_queue_peek_head(&c->sent);

	if (!m)
		return;
	if (c->retry >= c->cfg.retries) {
		/* Lifetime: the callee may free the engine; do not touch c. */
		c->ops->dead(c->ctx);
		return;
	}
	c->retry++;
	c->stats.retransmits++;
	/* Appendix A: on a retransmission, halve the threshold, restart
	 * slow start. */
	c->ssthresh = MAX(c->cwnd / 2, 1);
	c->cwnd = 1;
	c->cwnd_acks = 0;
	c->rto = MIN(c->rto * 2, c->cfg.rto_max_ms);
	vpdn_timer_arm(c->tm, &c->rtx_timer, c->rto);
	transmit(c, m);
}

static void hello_fired(struct vpdn_timer *t, void *data)
{
	struct l2tp_ctrl *c = data;

	if (c->stopped || !c->cfg.hello_ms)
		return;
	vpdn_timer_arm(c->tm, &c->hello_timer, c->cfg.hello_ms);
	/* Something of ours (a HELLO included) is still unacknowledged: its
	 * retransmissions find out whether the peer is alive, and end the
	 * tunnel when it is not. Another HELLO would only add a message to
	 * the window every interval while the peer is silent. */
	if (c->sent.length || c->queued.length) {
		c->stats.hello_skipped++;
		return;
	}
	c->ops->hello(c->ctx);
}

void l2tp_ctrl_start_hello(struct l2tp_ctrl *c)
{
	if (c->cfg.hello_ms && !c->stopped)
		vpdn_timer_arm(c->tm, &c->hello_timer, c->cfg.hello_ms);
}

void l2tp_ctrl_touch(struct l2tp_ctrl *c)
{
	/* Re-arming moves the timer in the heap: O(log n), no allocation. */
	if (vpdn_timer_armed(&c->hello_timer))
		vpdn_timer_arm(c->tm, &c->hello_timer, c->cfg.hello_ms);
}

void l2tp_ctrl_quiesce(struct l2tp_ctrl *c)
{
	c->stopped = true;
	vpdn_timer_cancel(c->tm, &c->hello_timer);
}

static void grow_window(struct l2tp_ctrl *c)
{
	if (c->cwnd < c->ssthresh) {
		c->cwnd++;
	} else if (++c->cwnd_acks >= c->cwnd) {
		c->cwnd++;
		c->cwnd_acks = 0;
	}
	if (c->cwnd > c->peer_rwin)
		c->cwnd = c->peer_rwin;
}

/* Returns the number of messages newly acknowledged. */
static unsigned process_ack(struct l2tp_ctrl *c, uint16_t nr)
{
	struct l2tp_ctrl_msg *head = g_queue_peek_head(&c->sent);
	uint16_t n;

	if (!head)
		return 0;
	n = nr - head->ns;
	if (n == 0 || n > c->sent.length)
		return 0; /* nothing new, or acks what was never sent: ignore */
	for (unsigned i = 0; i < n; i++) {
		g_free(g_queue_pop_head(&c->sent));
		grow_window(c);
	}
	c->retry = 0;
	c->rto = c->cfg.rto_min_ms;
	if (c->sent.length)
		vpdn_timer_arm(c->tm, &c->rtx_timer, c->rto);
	else
		vpdn_timer_cancel(c->tm, &c->rtx_timer);
	try_send(c);
	return n;
}

/* The slot of Ns nr+i. */
static struct l2tp_ctrl_msg **reorder_slot(struct l2tp_ctrl *c, unsigned i)
{
	return &c->reorder[(c->reorder_head + i) % c->cfg.rwin];
}

/* Nr moved by one: slot 0 (empty) becomes the window's last. A ring, so
 * every message received costs no move of the window (rwin pointers: 8
 * KiB with receive-window 1024). */
static void shift_reorder(struct l2tp_ctrl *c)
{
	*reorder_slot(c, 0) = NULL;
	c->reorder_head = (c->reorder_head + 1) % c->cfg.rwin;
}

int l2tp_ctrl_input(struct l2tp_ctrl *c, uint16_t ns, uint16_t nr, bool zlb,
		    const uint8_t *buf, size_t len)
{
	unsigned acked;
	int d, ret = 0;

	c->stats.rx++;
	l2tp_ctrl_touch(c);
	acked = process_ack(c, nr);
	if (zlb) {
		c->stats.zlb_rx++;
		goto out;
	}
	d = l2tp_seq_cmp(ns, c->nr);
	if (d < 0) {
		/* Already delivered: acknowledge again, do not process. */
		c->stats.duplicates++;
		send_zlb(c);
		ret = 1;
		goto out;
	}
	if (d > 0) {
		if (d >= c->cfg.rwin) {
			c->stats.dropped++;
			ret = -ENOBUFS;
			goto out;
		}
		if (!*reorder_slot(c, (unsigned)d)) {
			struct l2tp_ctrl_msg *m = g_malloc(sizeof(*m) + len);

			m->ns = ns;
			m->len = len;
			memcpy(m->data, buf, len);
			*reorder_slot(c, (unsigned)d) = m;
			c->stats.out_of_order++;
		} else {
			c->stats.duplicates++;
		}
		ret = 1;
		goto out;
	}
	/* In order: deliver it, then whatever it unblocks. Nr moves first
	 * so that a reply sent from deliver() acknowledges the message. */
	c->nr++;
	c->ack_pending = true;
	c->unacked_rx++;
	if (!vpdn_timer_armed(&c->ack_timer))
		vpdn_timer_arm(c->tm, &c->ack_timer, c->cfg.ack_delay_ms);
	if (*reorder_slot(c, 0)) {
		/* slot 0 would be Ns nr-1: cannot happen, but keep
		 * the array consistent. */
		g_free(*reorder_slot(c, 0));
		*reorder_slot(c, 0) = NULL;
	}
	shift_reorder(c);
	c->ops->deliver(c->ctx, buf, len);
	while (c->reorder && *reorder_slot(c, 0)) {
		struct l2tp_ctrl_msg *m = *reorder_slot(c, 0);

		*reorder_slot(c, 0) = NULL;
		c->nr++;
		c->ack_pending = true;
		c->unacked_rx++;
		if (!vpdn_timer_armed(&c->ack_timer))
			vpdn_timer_arm(c->tm, &c->ack_timer, c->cfg.ack_delay_ms);
		shift_reorder(c);
		c->ops->deliver(c->ctx, m->data, m->len);
		g_free(m);
	}
out:
	/* Our own messages are held back by the peer's window: they cannot
	 * carry the ack, so do not let the peer wait for the delayed one. */
	if (c->ack_pending && c->queued.length)
		send_zlb(c);
	/* Half our window received and not acked: the peer is about to
	 * stall on it; ack now rather than after the delay. */
	if (c->ack_pending && c->unacked_rx >= MAX(c->cfg.rwin / 2, 2))
		send_zlb(c);
	if (acked && !c->sent.length && !c->queued.length && c->ops->drained)
		c->ops->drained(c->ctx);
	return ret;
}

size_t l2tp_ctrl_in_flight(const struct l2tp_ctrl *c)
{
	return c->sent.length;
}

size_t l2tp_ctrl_queued(const struct l2tp_ctrl *c)
{
	return c->queued.length;
}

/* ------------------------------------------------------------------ */
/* Restart in place (l2tp-state.c)                                    */

void l2tp_ctrl_each_pending(const struct l2tp_ctrl *c, l2tp_ctrl_pending_fn fn, void *data)
{
	for (const GList *l = c->sent.head; l; l = l->next) {
		const struct l2tp_ctrl_msg *m = l->data;

		fn(data, m->ns, m->data, m->len);
	}
	for (const GList *l = c->queued.head; l; l = l->next) {
		const struct l2tp_ctrl_msg *m = l->data;

		fn(data, m->ns, m->data, m->len);
	}
}

int l2tp_ctrl_restore_pending(struct l2tp_ctrl *c, uint16_t ns, const uint8_t *msg, size_t len)
{
	struct l2tp_ctrl_msg *m;

	if (len < L2TP_CTRL_HDR_LEN || len > 65535)
		return -EINVAL;
	/* Oldest first, each after the one before, all before c->ns. */
	if (c->queued.length) {
		const struct l2tp_ctrl_msg *last = g_queue_peek_tail(&c->queued);

		if ((uint16_t)(last->ns + 1) != ns)
			return -EINVAL;
	}
	if (l2tp_seq_cmp(ns, c->ns) >= 0)
		return -EINVAL;
	m = g_malloc(sizeof(*m) + len);
	m->ns = ns;
	m->len = len;
	memcpy(m->data, msg, len);
	g_queue_push_tail(&c->queued, m);
	return 0;
}

void l2tp_ctrl_resume(struct l2tp_ctrl *c)
{
	try_send(c);
}
