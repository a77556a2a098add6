/* SPDX-License-Identifier: MIT */
/* pcap files through libpcap's savefile writer: see pcap-writer.h. */
#include "pcap-writer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib.h>
#include <pcap/pcap.h>

#define PCAPW_BUFSIZE 65536

struct pcapw {
	pcap_t *dead;          /* the link type and snaplen, for libpcap */
	pcap_dumper_t *dumper; /* owns the FILE, and so the fd */
	unsigned flags;
	uint64_t packets;
	int err;               /* first write error (negative errno) */
	uint8_t rec[PCAPW_SNAPLEN];
	char iobuf[PCAPW_BUFSIZE]; /* the FILE's buffer (glibc ignores a size
				    * without a buffer); outlives the FILE */
};

const char *pcapw_link_name(enum pcapw_link link)
{
	switch (link) {
	case PCAPW_LINK_PPP:
		return "PPP";
	case PCAPW_LINK_RAW:
		return "RAW";
	}
	return "unknown";
}

/* libpcap speaks DLT_* values and maps them to the file's LINKTYPE_*. */
static int link_dlt(enum pcapw_link link)
{
	switch (link) {
	case PCAPW_LINK_PPP:
		return DLT_PPP;
	case PCAPW_LINK_RAW:
		return DLT_RAW;
	}
	return -1;
}

static int stream_error(int fallback)
{
	return errno ? -errno : fallback;
}

int pcapw_open(int fd, enum pcapw_link link, unsigned flags, struct pcapw **out)
{
	struct pcapw *w = NULL;
	FILE *f = NULL;
	int dlt = link_dlt(link), r;

	*out = NULL;
	if (fd < 0)
		return -EBADF;
	if (dlt < 0) {
		r = -EINVAL;
		goto fail;
	}
	w = g_new0(struct pcapw, 1);
	w->flags = flags;
	w->dead = pcap_open_dead(dlt, PCAPW_SNAPLEN);
	if (!w->dead) {
		r = -ENOMEM;
		goto fail;
	}
	f = fdopen(fd, "wb");
	if (!f) {
		r = stream_error(-EIO);
		goto fail;
	}
	fd = -1; /* f owns it */
	if (!(flags & PCAPW_FLUSH))
		setvbuf(f, w->iobuf, _IOFBF, sizeof(w->iobuf));
	errno = 0;
	w->dumper = pcap_dump_fopen(w->dead, f);
	if (!w->dumper) {
		/* libpcap closed f on failure. */
		r = stream_error(-EIO);
		f = NULL;
		goto fail;
	}
	f = NULL; /* the dumper owns it */
	if ((flags & PCAPW_FLUSH) && pcap_dump_flush(w->dumper) != 0) {
		r = stream_error(-EIO);
		goto fail;
	}
	*out = w;
	return 0;

fail:
	if (w) {
		if (w->dumper)
			pcap_dump_close(w->dumper);
		if (w->dead)
			pcap_close(w->dead);
		g_free(w);
	}
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	return r;
}

int pcapw_write(struct pcapw *w, const void *head, size_t headlen, const void *data,
		size_t len)
{
	struct pcap_pkthdr h;
	gint64 now = g_get_real_time();
	size_t orig = headlen + len, n = 0;
	FILE *f;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (head && headlen) {
		n = headlen < PCAPW_SNAPLEN ? headlen : PCAPW_SNAPLEN;
		memcpy(w->rec, head, n);
	}
	if (data && len && n < PCAPW_SNAPLEN) {
		size_t m = len < PCAPW_SNAPLEN - n ? len : PCAPW_SNAPLEN - n;

		memcpy(w->rec + n, data, m);
		n += m;
	}
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(now / G_USEC_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(now % G_USEC_PER_SEC);
	h.caplen = (bpf_u_int32)n;
	h.len = (bpf_u_int32)(orig > UINT32_MAX ? UINT32_MAX : orig);
	f = pcap_dump_file(w->dumper);
	errno = 0;
	pcap_dump((u_char *)w->dumper, &h, w->rec);
	if (ferror(f) || ((w->flags & PCAPW_FLUSH) && pcap_dump_flush(w->dumper) != 0)) {
		w->err = stream_error(-EIO);
		return w->err;
	}
	w->packets++;
	return 0;
}

uint64_t pcapw_packets(const struct pcapw *w)
{
	return w ? w->packets : 0;
}

int pcapw_close(struct pcapw *w, uint64_t *packets)
{
	int r;

	if (!w)
		return -ENOENT;
	r = w->err;
	errno = 0;
	if (pcap_dump_flush(w->dumper) != 0 && !r)
		r = stream_error(-EIO);
	/* pcap_dump_close() says nothing: a close error (none after a good
	 * flush on a local file) would go unseen. */
	pcap_dump_close(w->dumper);
	pcap_close(w->dead);
	if (packets)
		*packets = w->packets;
	g_free(w);
	return r;
}
