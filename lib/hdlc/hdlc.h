/* SPDX-License-Identifier: MIT */
/*
 * RFC 1662 asynchronous HDLC-like framing, for tty carriers.
 *
 * Frames in and out are PPP frames as they travel on a link (FF 03 +
 * protocol + information, or compressed forms: the framer does not care);
 * the framer adds/removes flags, octet stuffing and the FCS-16.
 *
 * Encoder: stateless, writes into a caller buffer (no allocation).
 * Deframer: streaming; feed arbitrary chunks, one callback per good frame.
 */
#ifndef VPDN_HDLC_H
#define VPDN_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HDLC_FLAG        0x7E
#define HDLC_ESCAPE      0x7D
#define HDLC_TRANS       0x20
#define HDLC_FCS_INIT    0xFFFF
#define HDLC_FCS_GOOD    0xF0B8    /* residue over frame + received FCS */
#define HDLC_FCS_LEN     2
#define HDLC_MIN_FRAME   4         /* incl. FCS; shorter ones are runts */
#define HDLC_ACCM_DEFAULT 0xFFFFFFFFu
#define HDLC_MRU_DEFAULT 1500
/* Largest frame (without FCS) for an MRU: FF 03 + 2-octet protocol + MRU. */
#define HDLC_FRAME_MAX(mru) ((size_t)(mru) + 4)
/* Worst-case encoded size of a len-octet frame: every octet and the FCS
 * escaped, plus an opening and a closing flag. */
#define HDLC_ENCODED_MAX(len) (2 * ((size_t)(len) + HDLC_FCS_LEN) + 2)

/* FCS-16 (poly 0x8408 reflected). Start with HDLC_FCS_INIT; the value to
 * send is the complement, least significant octet first. */
uint16_t hdlc_fcs16(uint16_t fcs, const void *data, size_t len);

/* True if octet c must be escaped under accm (7E, 7D always; c < 0x20
 * when bit c of accm is set). */
bool hdlc_must_escape(uint8_t c, uint32_t accm);

/* Encoder flags. */
#define HDLC_ENC_NO_OPEN_FLAG 0x1  /* omit the opening flag (back-to-back
				      frames may share one flag) */

/* Encode frame[0..len) with FCS into out. accm: the send ACCM (bit n set =
 * escape octet n < 0x20). Returns the encoded length, -EINVAL (NULL with
 * len > 0, len 0), -ENOSPC (size too small; size HDLC_ENCODED_MAX(len)
 * always suffices). */
ssize_t hdlc_encode(uint32_t accm, unsigned flags, const void *frame, size_t len,
		    uint8_t *out, size_t size);

struct hdlc_stats {
	uint64_t frames;        /* good frames delivered */
	uint64_t octets;        /* octets of good frames (without FCS) */
	uint64_t bad_fcs;
	uint64_t aborts;        /* 7D 7E */
	uint64_t too_long;      /* longer than max_frame (+ FCS) */
	uint64_t runts;         /* fewer than 4 octets incl. FCS */
	uint64_t ctrl_dropped;  /* unescaped ACCM-flagged octets discarded */
};

struct hdlc_deframer;

/* Called once per good frame: frame[0..len) without FCS, borrowed for the
 * duration of the call. The callback must not free the deframer or feed it
 * re-entrantly. */
typedef void (*hdlc_frame_fn)(const uint8_t *frame, size_t len, void *data);

/* max_frame: largest frame delivered (without FCS); 0 means
 * HDLC_FRAME_MAX(HDLC_MRU_DEFAULT). The receive ACCM starts at
 * HDLC_ACCM_DEFAULT. Returns NULL on allocation failure. */
struct hdlc_deframer *hdlc_deframer_new(size_t max_frame, hdlc_frame_fn fn, void *data);
void hdlc_deframer_free(struct hdlc_deframer *d);

/* Receive ACCM: unescaped octets < 0x20 whose bit is set are discarded
 * (RFC 1662 §4.2: inserted by DCEs). */
void hdlc_deframer_set_accm(struct hdlc_deframer *d, uint32_t recv_accm);
uint32_t hdlc_deframer_get_accm(const struct hdlc_deframer *d);
/* Change the bound (for a new MRU); a frame in progress is dropped.
 * Returns 0, -ENOMEM. */
int hdlc_deframer_set_max_frame(struct hdlc_deframer *d, size_t max_frame);

/* Feed received octets, any chunking. Data before the first flag is
 * treated as a (possibly partial) frame and checked like any other. */
void hdlc_deframer_feed(struct hdlc_deframer *d, const void *data, size_t len);

/* Drop any frame in progress (e.g. on carrier loss); counters stay. */
void hdlc_deframer_reset(struct hdlc_deframer *d);

const struct hdlc_stats *hdlc_deframer_stats(const struct hdlc_deframer *d);

#ifdef __cplusplus
}
#endif
#endif
