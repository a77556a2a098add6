/* SPDX-License-Identifier: MIT */
/*
 * Links: the data path between modules. Data never crosses the event bus.
 *
 * A link is a frame pipe with two ends, A and B. Conventionally the carrier
 * (a B channel, a tty line, an L2TP session) attaches to end A and the
 * consumer (a PPP engine) to end B. Each end is an {ops, ctx} pair.
 *
 * Frames on a link are PPP frames as on a synchronous HDLC line, without
 * flags and FCS: address and control (FF 03) unless compressed by ACFC, then
 * the protocol field and the information field. That is also what L2TP
 * carries, so a B channel and an L2TP session can be spliced without
 * touching the frames.
 *
 * Ownership:
 *  - frame data passed to vpdn_link_send() is borrowed by the receiving
 *    end for the duration of its frame() callback only: copy what you keep.
 *    No frame is allocated by the link.
 *  - the link is reference counted; whoever creates it holds one reference.
 *    Each attached end does not hold a reference: an end must detach (or be
 *    told by hangup()) before its ctx goes away.
 */
#ifndef VPDND_LINK_H
#define VPDND_LINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vpdn_link_end_id { VPDN_LINK_A = 0, VPDN_LINK_B = 1 };

struct vpdn_link;

struct vpdn_link_ops {
	/* A frame from the other end. data is borrowed (see above). The
	 * callee may send, detach, hang up or unref the link from here. */
	void (*frame)(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len);
	/* The other end hung up with a cause (a Q.931 cause or negative
	 * errno). Called at most once per hang-up; this end stays attached
	 * until it detaches itself. May be NULL. */
	void (*hangup)(void *ctx, struct vpdn_link *link, int cause);
};

struct vpdn_link_stats {
	uint64_t frames, bytes, drops;
};

/* name: for logs, e.g. "Se0:17" or "Vi2"; copied. */
struct vpdn_link *vpdn_link_new(const char *name);
struct vpdn_link *vpdn_link_ref(struct vpdn_link *link);
void vpdn_link_unref(struct vpdn_link *link);

const char *vpdn_link_name(const struct vpdn_link *link);
void vpdn_link_set_name(struct vpdn_link *link, const char *name);

/* Attach ops/ctx at an end, replacing whatever was there. Attaching or
 * detaching at end B of a spliced link dissolves the splice first, as
 * vpdn_link_unsplice() does (the splice's forwarder lives there). */
void vpdn_link_attach(struct vpdn_link *link, enum vpdn_link_end_id end,
		      const struct vpdn_link_ops *ops, void *ctx);
void vpdn_link_detach(struct vpdn_link *link, enum vpdn_link_end_id end);
int vpdn_link_attached(const struct vpdn_link *link, enum vpdn_link_end_id end);
/* The ctx attached at end with exactly these ops, or NULL: a module finds
 * its own object of a link without a table of its links. */
void *vpdn_link_ctx(const struct vpdn_link *link, enum vpdn_link_end_id end,
		    const struct vpdn_link_ops *ops);

/* Send a frame from end `from` to the other end. Returns 0, or -ENOTCONN
 * when nothing is attached there (the frame is counted as a drop). */
int vpdn_link_send(struct vpdn_link *link, enum vpdn_link_end_id from,
		   const uint8_t *data, size_t len);

/* Tell the other end that `from` is gone (carrier lost, consumer left). */
void vpdn_link_hangup(struct vpdn_link *link, enum vpdn_link_end_id from, int cause);

/* Count the frames received at each end from now on (once is enough; a
 * link nobody asked about counts nothing, #19). */
void vpdn_link_count(struct vpdn_link *link);
/* Frames received at `end` (i.e. sent by the other end) since
 * vpdn_link_count(); NULL if it was never called. */
const struct vpdn_link_stats *vpdn_link_stats(const struct vpdn_link *link,
					      enum vpdn_link_end_id end);

/*
 * Splice: connect two carriers directly. Attaches internal forwarders at
 * end B of both links, so a frame arriving from a's carrier is sent on b
 * from end B (reaching b's carrier at end A), and the other way round. A
 * hang-up on either carrier dissolves the splice and is then passed to the
 * other carrier. Whatever consumer was attached at the B ends is replaced
 * (detach it first if it must know). Each link keeps a reference on the
 * other while spliced; vpdn_link_unsplice() drops both.
 */
int vpdn_link_splice(struct vpdn_link *a, struct vpdn_link *b);
void vpdn_link_unsplice(struct vpdn_link *a);
struct vpdn_link *vpdn_link_spliced_to(const struct vpdn_link *a);

#ifdef __cplusplus
}
#endif
#endif
