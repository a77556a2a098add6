/* SPDX-License-Identifier: MIT */
/* pcap writer for PPP frames: see capture.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "capture.h"

#define REC_HDR 16

struct isdn_capture {
	FILE *f;
	uint64_t packets;
	int err;                     /* first write error (negative errno) */
	uint8_t rec[REC_HDR + ISDN_CAPTURE_SNAPLEN];
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);  /* native byte order, as the magic says */
}

int isdn_capture_open(int fd, struct isdn_capture **out)
{
	struct isdn_capture *cap;
	uint8_t hdr[24];
	uint16_t v;
	int r;

	if (fd < 0)
		return -EBADF;
	cap = g_new0(struct isdn_capture, 1);
	cap->f = fdopen(fd, "wb");
	if (!cap->f) {
		r = -errno;
		close(fd);
		g_free(cap);
		return r;
	}
	setvbuf(cap->f, NULL, _IOFBF, 65536);
	put32(hdr, 0xa1b2c3d4u);
	v = 2;
	memcpy(hdr + 4, &v, 2);
	v = 4;
	memcpy(hdr + 6, &v, 2);
	put32(hdr + 8, 0);   /* thiszone */
	put32(hdr + 12, 0);  /* sigfigs */
	put32(hdr + 16, ISDN_CAPTURE_SNAPLEN);
	put32(hdr + 20, ISDN_CAPTURE_LINKTYPE_PPP);
	if (fwrite(hdr, sizeof(hdr), 1, cap->f) != 1) {
		r = errno ? -errno : -EIO;
		fclose(cap->f);
		g_free(cap);
		return r;
	}
	*out = cap;
	return 0;
}

void isdn_capture_frame(struct isdn_capture *cap, const uint8_t *data, size_t len)
{
	int64_t now = g_get_real_time();
	size_t incl = len > ISDN_CAPTURE_SNAPLEN ? ISDN_CAPTURE_SNAPLEN : len;

	if (!cap || cap->err)
		return;
	put32(cap->rec, (uint32_t)(now / G_USEC_PER_SEC));
	put32(cap->rec + 4, (uint32_t)(now % G_USEC_PER_SEC));
	put32(cap->rec + 8, (uint32_t)incl);
	put32(cap->rec + 12, (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len));
	memcpy(cap->rec + REC_HDR, data, incl);
	if (fwrite(cap->rec, REC_HDR + incl, 1, cap->f) != 1) {
		cap->err = errno ? -errno : -EIO;
		return;
	}
	cap->packets++;
}

uint64_t isdn_capture_packets(const struct isdn_capture *cap)
{
	return cap ? cap->packets : 0;
}

int isdn_capture_close(struct isdn_capture *cap, uint64_t *packets)
{
	int r;

	if (!cap)
		return -ENOENT;
	r = cap->err;
	if (fflush(cap->f) != 0 && !r)
		r = errno ? -errno : -EIO;
	if (fclose(cap->f) != 0 && !r)
		r = errno ? -errno : -EIO;
	if (packets)
		*packets = cap->packets;
	g_free(cap);
	return r;
}
