/* SPDX-License-Identifier: MIT */
/* RFC 1662 async HDLC-like framing. See hdlc.h. */
#include "hdlc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Table for the reflected CCITT polynomial x^16 + x^12 + x^5 + 1 (0x8408),
 * built at first use from the polynomial (RFC 1662 §C.2 describes it). */
static uint16_t fcs_table[256];
static bool fcs_table_ready;

static void fcs_table_init(void)
{
	for (unsigned b = 0; b < 256; b++) {
		uint16_t v = (uint16_t)b;
		for (int i = 0; i < 8; i++)
			v = (v & 1) ? (uint16_t)((v >> 1) ^ 0x8408) : (uint16_t)(v >> 1);
		fcs_table[b] = v;
	}
	__atomic_store_n(&fcs_table_ready, true, __ATOMIC_RELEASE);
}

static inline uint16_t fcs_byte(uint16_t fcs, uint8_t c)
{
	return (uint16_t)((fcs >> 8) ^ fcs_table[(fcs ^ c) & 0xff]);
}

static void fcs_table_ensure(void)
{
	if (!__atomic_load_n(&fcs_table_ready, __ATOMIC_ACQUIRE))
		fcs_table_init();
}

uint16_t hdlc_fcs16(uint16_t fcs, const void *data, size_t len)
{
	const uint8_t *p = data;

	fcs_table_ensure();
	for (size_t i = 0; i < len; i++)
		fcs = fcs_byte(fcs, p[i]);
	return fcs;
}

bool hdlc_must_escape(uint8_t c, uint32_t accm)
{
	if (c == HDLC_FLAG || c == HDLC_ESCAPE)
		return true;
	return c < 0x20 && (accm & (UINT32_C(1) << c));
}

static inline bool put_escaped(uint8_t c, uint32_t accm, uint8_t *out,
			       size_t size, size_t *pos)
{
	if (hdlc_must_escape(c, accm)) {
		if (size - *pos < 2)
			return false;
		out[(*pos)++] = HDLC_ESCAPE;
		out[(*pos)++] = c ^ HDLC_TRANS;
	} else {
		if (size - *pos < 1)
			return false;
		out[(*pos)++] = c;
	}
	return true;
}

ssize_t hdlc_encode(uint32_t accm, unsigned flags, const void *frame, size_t len,
		    uint8_t *out, size_t size)
{
	const uint8_t *p = frame;
	size_t pos = 0;
	uint16_t fcs;

	if (!frame || len == 0 || (!out && size))
		return -EINVAL;
	if (!(flags & HDLC_ENC_NO_OPEN_FLAG)) {
		if (size < 1)
			return -ENOSPC;
		out[pos++] = HDLC_FLAG;
	}
	fcs = hdlc_fcs16(HDLC_FCS_INIT, p, len);
	for (size_t i = 0; i < len; i++)
		if (!put_escaped(p[i], accm, out, size, &pos))
			return -ENOSPC;
	fcs ^= 0xFFFF;
	if (!put_escaped((uint8_t)(fcs & 0xff), accm, out, size, &pos) ||
	    !put_escaped((uint8_t)(fcs >> 8), accm, out, size, &pos))
		return -ENOSPC;
	if (size - pos < 1)
		return -ENOSPC;
	out[pos++] = HDLC_FLAG;
	return (ssize_t)pos;
}

struct hdlc_deframer {
	hdlc_frame_fn fn;
	void *data;
	uint32_t accm;
	size_t max_frame;       /* without FCS */
	uint8_t *buf;           /* max_frame + HDLC_FCS_LEN octets */
	size_t len;             /* octets in buf (unescaped) */
	uint16_t fcs;
	bool escaped;           /* previous octet was 7D */
	bool toss;              /* discard until the next flag */
	struct hdlc_stats stats;
};

static void frame_start(struct hdlc_deframer *d)
{
	d->len = 0;
	d->fcs = HDLC_FCS_INIT;
	d->escaped = false;
	d->toss = false;
}

struct hdlc_deframer *hdlc_deframer_new(size_t max_frame, hdlc_frame_fn fn, void *data)
{
	struct hdlc_deframer *d;

	if (!fn)
		return NULL;
	fcs_table_ensure();
	d = calloc(1, sizeof(*d));
	if (!d)
		goto fail;
	d->fn = fn;
	d->data = data;
	d->accm = HDLC_ACCM_DEFAULT;
	if (hdlc_deframer_set_max_frame(d, max_frame) < 0)
		goto fail;
	return d;
fail:
	free(d);
	return NULL;
}

void hdlc_deframer_free(struct hdlc_deframer *d)
{
	if (!d)
		return;
	free(d->buf);
	free(d);
}

void hdlc_deframer_set_accm(struct hdlc_deframer *d, uint32_t recv_accm)
{
	d->accm = recv_accm;
}

uint32_t hdlc_deframer_get_accm(const struct hdlc_deframer *d)
{
	return d->accm;
}

int hdlc_deframer_set_max_frame(struct hdlc_deframer *d, size_t max_frame)
{
	uint8_t *nb;

	if (max_frame == 0)
		max_frame = HDLC_FRAME_MAX(HDLC_MRU_DEFAULT);
	if (max_frame > SIZE_MAX - HDLC_FCS_LEN)
		return -EINVAL;
	nb = malloc(max_frame + HDLC_FCS_LEN);
	if (!nb)
		return -ENOMEM;
	free(d->buf);
	d->buf = nb;
	d->max_frame = max_frame;
	frame_start(d);
	return 0;
}

void hdlc_deframer_reset(struct hdlc_deframer *d)
{
	frame_start(d);
}

const struct hdlc_stats *hdlc_deframer_stats(const struct hdlc_deframer *d)
{
	return &d->stats;
}

/* A flag closed the current frame. */
static void frame_end(struct hdlc_deframer *d)
{
	if (d->escaped) {
		d->stats.aborts++;
	} else if (d->toss) {
		/* already counted (too long) */
	} else if (d->len == 0) {
		/* inter-frame fill or a shared flag */
	} else if (d->len < HDLC_MIN_FRAME) {
		d->stats.runts++;
	} else if (d->fcs != HDLC_FCS_GOOD) {
		d->stats.bad_fcs++;
	} else {
		size_t n = d->len - HDLC_FCS_LEN;
		d->stats.frames++;
		d->stats.octets += n;
		d->fn(d->buf, n, d->data);
	}
	frame_start(d);
}

void hdlc_deframer_feed(struct hdlc_deframer *d, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!d || !p)
		return;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == HDLC_FLAG) {
			frame_end(d);
			continue;
		}
		if (c < 0x20 && (d->accm & (UINT32_C(1) << c))) {
			/* RFC 1662 §4.2: inserted by a DCE, not ours. */
			d->stats.ctrl_dropped++;
			continue;
		}
		if (d->toss)
			continue;
		if (c == HDLC_ESCAPE && !d->escaped) {
			d->escaped = true;
			continue;
		}
		if (d->escaped) {
			c ^= HDLC_TRANS;
			d->escaped = false;
		}
		if (d->len >= d->max_frame + HDLC_FCS_LEN) {
			d->stats.too_long++;
			d->toss = true;
			continue;
		}
		d->buf[d->len++] = c;
		d->fcs = fcs_byte(d->fcs, c);
	}
}
