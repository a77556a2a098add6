/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the one pcap writer (lib/pcap-writer): whatever the
 * records, the file it writes reads back with libpcap record for record
 * (the head then the data, truncated to the snaplen, the original length
 * kept), and the writer neither crashes nor leaks.
 *
 * Input: byte 0 picks the link type (bit 0) and the flush flag (bit 1);
 * then records of [hlen][len 2 octets BE][hlen octets head][len octets
 * data]; a length running past the end takes what is left. A record can
 * be made longer than the snaplen by a repeat byte: bit 7 of hlen set
 * means "repeat the data 64 times" (so the snaplen truncation is reached).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pcap-writer.h"

#define MAX_RECORDS 64

struct rec {
	size_t hlen, len;
	unsigned repeat;
	const uint8_t *head, *data;
};

static uint8_t *big;

static size_t take(const uint8_t **p, size_t *left, size_t want)
{
	size_t n = want < *left ? want : *left;

	*p += n;
	*left -= n;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec recs[MAX_RECORDS];
	char errbuf[PCAP_ERRBUF_SIZE];
	const uint8_t *p = data;
	size_t left = size, n = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	struct pcapw *w;
	uint64_t packets = 0;
	enum pcapw_link link;
	unsigned flags;
	pcap_t *pc;
	FILE *f;
	int fd;

	if (size < 1)
		return 0;
	if (!big)
		big = malloc(64 * 0x10000);
	link = (data[0] & 1) ? PCAPW_LINK_PPP : PCAPW_LINK_RAW;
	flags = (data[0] & 2) ? PCAPW_FLUSH : 0;
	take(&p, &left, 1);
	while (left >= 3 && n < MAX_RECORDS) {
		struct rec *r = &recs[n++];

		r->repeat = (p[0] & 0x80) ? 64 : 1;
		r->hlen = p[0] & 0x7f;
		r->len = (size_t)p[1] << 8 | p[2];
		take(&p, &left, 3);
		r->head = p;
		r->hlen = take(&p, &left, r->hlen);
		r->data = p;
		r->len = take(&p, &left, r->len);
	}

	fd = memfd_create("fuzz_pcap_writer", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (pcapw_open(dup(fd), link, flags, &w) != 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		const uint8_t *body = recs[i].data;
		size_t len = recs[i].len;

		if (recs[i].repeat > 1) {
			for (unsigned k = 0; k < recs[i].repeat; k++)
				memcpy(big + k * len, recs[i].data, len);
			body = big;
			len *= recs[i].repeat;
		}
		if (pcapw_write(w, recs[i].head, recs[i].hlen, body, len) != 0)
			abort();
	}
	if (pcapw_packets(w) != n || pcapw_close(w, &packets) != 0 || packets != n)
		abort();

	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "rb");
	if (!f)
		abort();
	pc = pcap_fopen_offline(f, errbuf);
	if (!pc)
		abort();
	if (pcap_datalink(pc) != (link == PCAPW_LINK_PPP ? DLT_PPP : DLT_RAW) ||
	    pcap_snapshot(pc) != (int)PCAPW_SNAPLEN)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t orig = recs[i].hlen + recs[i].len * recs[i].repeat;
		size_t caplen = orig < PCAPW_SNAPLEN ? orig : PCAPW_SNAPLEN;
		size_t hl = recs[i].hlen;

		if (pcap_next_ex(pc, &h, &d) != 1 || h->len != orig || h->caplen != caplen)
			abort();
		if (memcmp(d, recs[i].head, hl) != 0)
			abort();
		for (size_t off = hl; off < caplen; off++)
			if (d[off] != recs[i].data[(off - hl) % recs[i].len])
				abort();
	}
	if (pcap_next_ex(pc, &h, &d) != PCAP_ERROR_BREAK)
		abort();
	pcap_close(pc); /* closes f, and so fd */
	return 0;
}
