/* SPDX-License-Identifier: MIT */
/* The PPP frame capture of a port, line or B channel (see capture.h): the
 * tree's one pcap writer (lib/pcap-writer) with LINKTYPE_PPP, buffered. */
#include "capture.h"

#include <errno.h>

#include <glib.h>

#include "pcap-writer.h"

struct isdn_capture {
	struct pcapw *w;
};

int isdn_capture_open(int fd, struct isdn_capture **out)
{
	struct pcapw *w;
	int r = pcapw_open(fd, PCAPW_LINK_PPP, 0, &w);

	if (r < 0)
		return r;
	*out = g_new0(struct isdn_capture, 1);
	(*out)->w = w;
	return 0;
}

void isdn_capture_frame(struct isdn_capture *cap, const uint8_t *data, size_t len)
{
	/* A write error sticks in the writer; close reports it. */
	if (cap)
		(void)pcapw_write(cap->w, NULL, 0, data, len);
}

uint64_t isdn_capture_packets(const struct isdn_capture *cap)
{
	return cap ? pcapw_packets(cap->w) : 0;
}

int isdn_capture_close(struct isdn_capture *cap, uint64_t *packets)
{
	int r;

	if (!cap)
		return -ENOENT;
	r = pcapw_close(cap->w, packets);
	g_free(cap);
	return r;
}
