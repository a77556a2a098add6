/* SPDX-License-Identifier: MIT */
/*
 * Reliable delivery of L2TP control messages (RFC 2661 §5.8, Appendix A).
 *
 * One engine per tunnel. It knows nothing of AVPs: the tunnel hands it fully
 * encoded control messages (12-octet header with L, S set and O clear) and
 * the engine writes Ns and Nr into octets 8..11 every time it transmits one,
 * so a retransmission keeps its Ns and carries the current Nr.
 *
 *  - Ns/Nr arithmetic mod 65536; duplicates are acked, not delivered;
 *    messages ahead of Nr inside our receive window are queued and delivered
 *    in order once the gap is filled; beyond it they are dropped.
 *  - Delayed acknowledgement: a ZLB goes out ack_delay_ms after an
 *    in-order message unless an outgoing message carried the ack first.
 *  - Retransmission: rto_min, doubling, capped at rto_max; after `retries`
 *    retransmissions and one more timeout the peer is dead (ops->dead).
 *  - Slow start / congestion avoidance (Appendix A) bounded by the peer's
 *    receive window; messages beyond the window wait in a queue.
 *  - Hello: ops->hello after hello_ms without receiving anything, unless a
 *    message (a HELLO too) is still unacknowledged: one outstanding is
 *    enough, its retransmissions detect a dead peer.
 *
 * No allocation on the transmit path except the one copy of each message
 * kept for retransmission.
 */
#ifndef L2TP_CTRL_H
#define L2TP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <vpdnd/timer.h>

#define L2TP_CTRL_HDR_LEN 12

/* mod-65536 comparisons (RFC 2661 §5.8): a precedes b. */
static inline int l2tp_seq_cmp(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b);
}

struct l2tp_ctrl_cfg {
	uint16_t rwin;            /* our receive window (advertised) */
	unsigned retries;         /* retransmissions before the peer is dead */
	unsigned rto_min_ms;      /* first timeout */
	unsigned rto_max_ms;      /* cap */
	unsigned ack_delay_ms;    /* delayed ZLB */
	unsigned hello_ms;        /* idle time before HELLO; 0 = never */
};

void l2tp_ctrl_cfg_default(struct l2tp_ctrl_cfg *cfg);

/*
 * Callbacks into the tunnel. Lifetime rules:
 *  - xmit: buf is borrowed for the call; may not free the engine.
 *  - deliver: one in-order non-ZLB message (whole datagram, header
 *    included, borrowed for the call). The callee may send, and may stop
 *    the engine (l2tp_ctrl_stop) but must NOT free it: free the tunnel from
 *    a timer or after l2tp_ctrl_input() returns.
 *  - hello: the idle timer fired and nothing is in flight; the callee
 *    normally sends a HELLO.
 *  - dead: the retransmission budget is exhausted. The engine is not used
 *    again after this returns: the callee may free it from here.
 *  - drained: every message sent has been acknowledged (used to finish a
 *    StopCCN). The callee may free the engine from here. May be NULL.
 */
struct l2tp_ctrl_ops {
	int (*xmit)(void *ctx, const uint8_t *buf, size_t len);
	void (*deliver)(void *ctx, const uint8_t *buf, size_t len);
	void (*hello)(void *ctx);
	void (*dead)(void *ctx);
	void (*drained)(void *ctx);
};

struct l2tp_ctrl_msg;

struct l2tp_ctrl_stats {
	uint64_t tx, rx, retransmits, duplicates, out_of_order, dropped, zlb_tx, zlb_rx;
	uint64_t hello_skipped;    /* HELLO due while a message was unacked */
};

struct l2tp_ctrl {
	struct vpdn_timers *tm;
	const struct l2tp_ctrl_ops *ops;
	void *ctx;
	struct l2tp_ctrl_cfg cfg;

	uint16_t peer_tid;        /* written into ZLBs */
	uint16_t ns;              /* Ns of the next new message */
	uint16_t nr;              /* next Ns expected from the peer */
	uint16_t peer_rwin;       /* the peer's receive window (default 4) */
	uint16_t cwnd, ssthresh;
	uint16_t cwnd_acks;       /* congestion avoidance: acks since cwnd grew */
	uint16_t retry;           /* retransmissions of the oldest message */
	unsigned rto;             /* current timeout, ms */
	bool ack_pending;
	uint16_t unacked_rx;      /* delivered since our last ack */
	bool stopped;             /* no more timers; input still acks */

	GQueue sent;              /* l2tp_ctrl_msg in flight, oldest first */
	GQueue queued;            /* waiting for window space */
	/* cfg.rwin slots, a ring: reorder[(reorder_head + i) % cfg.rwin]
	 * holds Ns nr+i (moving the head, not the array, on each delivery) */
	struct l2tp_ctrl_msg **reorder;
	unsigned reorder_head;

	struct vpdn_timer rtx_timer, ack_timer, hello_timer;
	struct l2tp_ctrl_stats stats;
};

void l2tp_ctrl_init(struct l2tp_ctrl *c, struct vpdn_timers *tm, const struct l2tp_ctrl_cfg *cfg,
		    const struct l2tp_ctrl_ops *ops, void *ctx);
/* Free queued messages and cancel timers. */
void l2tp_ctrl_fini(struct l2tp_ctrl *c);

/* The peer's Assigned Tunnel ID / Receive Window Size (0 means "not
 * given": 4). Sets SSTHRESH as Appendix A says. */
void l2tp_ctrl_set_peer(struct l2tp_ctrl *c, uint16_t peer_tid, uint16_t peer_rwin);

/* Queue an encoded control message (len >= 12). Copies it. Returns 0 or
 * negative errno. The message's Ns is assigned now. */
int l2tp_ctrl_send(struct l2tp_ctrl *c, const uint8_t *msg, size_t len);

/* A control datagram from the peer whose header was parsed: ns/nr from the
 * header, zlb when it carries no AVP. Returns 0 if processed, 1 if it was
 * a duplicate or queued out of order, negative errno if dropped. */
int l2tp_ctrl_input(struct l2tp_ctrl *c, uint16_t ns, uint16_t nr, bool zlb,
		    const uint8_t *buf, size_t len);

/* Arm the HELLO timer (once the tunnel is established). */
void l2tp_ctrl_start_hello(struct l2tp_ctrl *c);
/* Something (control or data) arrived from the peer: restart the idle
 * time before the next HELLO. */
void l2tp_ctrl_touch(struct l2tp_ctrl *c);

/* Send an acknowledgement now (ZLB) if one is owed. */
void l2tp_ctrl_flush_ack(struct l2tp_ctrl *c);

/* Stop hello and delayed-ack timers (tunnel going down); retransmission
 * of what is in flight continues so a StopCCN is delivered. */
void l2tp_ctrl_quiesce(struct l2tp_ctrl *c);

/* Messages in flight / waiting for window space. */
size_t l2tp_ctrl_in_flight(const struct l2tp_ctrl *c);
size_t l2tp_ctrl_queued(const struct l2tp_ctrl *c);

/* Restart in place (l2tp-state.c). Every message not acknowledged yet,
 * oldest first (in flight, then waiting): its Ns and its encoded bytes. */
typedef void (*l2tp_ctrl_pending_fn)(void *data, uint16_t ns, const uint8_t *buf, size_t len);
void l2tp_ctrl_each_pending(const struct l2tp_ctrl *c, l2tp_ctrl_pending_fn fn, void *data);
/* Rebuild in a fresh engine: set ns/nr (and the window) first, then the
 * pending messages oldest first (each Ns one after the last, all before
 * ns; -EINVAL otherwise), then l2tp_ctrl_resume() sends what the window
 * allows, with their Ns and the current Nr. */
int l2tp_ctrl_restore_pending(struct l2tp_ctrl *c, uint16_t ns, const uint8_t *msg, size_t len);
void l2tp_ctrl_resume(struct l2tp_ctrl *c);

/* Total time from first transmission to the peer being declared dead. */
uint64_t l2tp_ctrl_cycle_ms(const struct l2tp_ctrl_cfg *cfg);

#endif
