/* SPDX-License-Identifier: MIT */
/*
 * The one pcap writer of the tree (l2tp's datagram capture, isdn's PPP
 * frame capture), on libpcap's own savefile writer (pcap_open_dead() +
 * pcap_dump_fopen()): classic format, magic 0xa1b2c3d4 in host order,
 * version 2.4, snaplen 65535, real timestamps in microseconds.
 *
 * The file is not opened here: the caller hands in the descriptor that
 * vpdn_capture_create() made (inside the capture directory, O_CREAT |
 * O_EXCL | O_NOFOLLOW, mode 0600), so libpcap never opens a path and the
 * guarantees of vpdnd/capture.h hold. One record buffer per writer,
 * allocated at open: no allocation per packet.
 */
#ifndef PCAP_WRITER_H
#define PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

#define PCAPW_SNAPLEN 65535u

/* The link types the tree writes (the numbers are the file's LINKTYPE_*). */
enum pcapw_link {
	PCAPW_LINK_PPP = 9,   /* PPP frames as on a sync line (FF 03 + protocol ...) */
	PCAPW_LINK_RAW = 101, /* raw IPv4 or IPv6 packets */
};
const char *pcapw_link_name(enum pcapw_link link);

enum pcapw_flags {
	/* Flush every record to the file (it can be read while it grows, and a
	 * write error is known at the packet that met it). Without it the
	 * records go through a 64 KiB buffer and errors are known at close. */
	PCAPW_FLUSH = 1u << 0,
};

struct pcapw;

/* Write the file header to fd. The writer owns fd from here on, also on
 * failure (it is closed then). 0 or negative errno (-EBADF for fd < 0,
 * -EINVAL for an unknown link type). */
int pcapw_open(int fd, enum pcapw_link link, unsigned flags, struct pcapw **out);

/* Append one record: head (may be NULL/0, e.g. a synthesized IP + UDP
 * header) then data, truncated to the snaplen; the record's original
 * length is headlen + len. Returns 0, or the first write error (negative
 * errno), which sticks: after it nothing more is written. */
int pcapw_write(struct pcapw *w, const void *head, size_t headlen, const void *data,
		size_t len);

/* Records written so far (0 for NULL). */
uint64_t pcapw_packets(const struct pcapw *w);

/* Flush and close; *packets (may be NULL) gets the records written. 0, or
 * negative errno if the file was not written completely (-ENOENT for
 * NULL). Frees w. */
int pcapw_close(struct pcapw *w, uint64_t *packets);

#endif
