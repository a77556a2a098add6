/* SPDX-License-Identifier: MIT */
/*
 * tcpseg: TCP segmentation and coalescing in user space, for a TUN device
 * opened with IFF_VNET_HDR (each packet read or written is preceded by a
 * struct virtio_net_hdr). Used by bench/loadgen --tun (the user's end of
 * the bulk TCP bench, section 8 of bench/bench.sh):
 *
 * - tcpgro: the L2TP -> TUN direction. Consecutive in-order segments of
 *   one TCP flow (IPv4 or IPv6, no IP options or extension headers, equal
 *   headers but for the sequence number, IP length/ID/checksum and a PSH
 *   on the last) are joined into one super-packet with gso_type
 *   TCPV4/TCPV6, gso_size = the first segment's payload, NEEDS_CSUM
 *   (csum_start = the TCP header, the checksum field holding the folded
 *   pseudo-header sum, as the kernel's own CHECKSUM_PARTIAL packets): one
 *   write(2) for up to 64 KB instead of one per segment.
 * - tcpseg_segment: the TUN -> L2TP direction. A TSO super-packet read
 *   from the TUN is cut into gso_size segments with their own IP and TCP
 *   headers and full checksums, laid out at a fixed stride (room for an
 *   encapsulation before each), so that they go out in one UDP_SEGMENT
 *   send.
 * - tcpseg_complete_csum: a packet read with NEEDS_CSUM but no GSO gets
 *   its checksum filled in.
 *
 * No allocation; the unit test is tests/unit/test_bench_tcpseg.c.
 */
#ifndef BENCH_TCPSEG_H
#define BENCH_TCPSEG_H

#include <linux/virtio_net.h>
#include <stddef.h>
#include <stdint.h>

#define TCPSEG_VNET_LEN ((size_t)sizeof(struct virtio_net_hdr)) /* 10 */
#define TCPSEG_MAX_PKT 65535u /* an IPv4 total length / IPv6 payload */

/* One's complement sum of n octets onto sum (32-bit accumulator). */
uint32_t tcpseg_sum(const uint8_t *p, size_t n, uint32_t sum);
/* Folded to 16 bits (not complemented). */
uint16_t tcpseg_fold(uint32_t sum);
/* The pseudo-header sum of an IPv4 or IPv6 packet pkt for protocol proto
 * and an upper-layer length of l4len. */
uint32_t tcpseg_pseudo(const uint8_t *pkt, uint8_t proto, uint32_t l4len);

/* Fill in the checksum a NEEDS_CSUM packet leaves to the device (from
 * csum_start to the end, the field at csum_start + csum_offset holding the
 * seed). 0, or -1 when vh's offsets lie outside the packet. */
int tcpseg_complete_csum(uint8_t *pkt, size_t len, const struct virtio_net_hdr *vh);

/* Cut the TSO packet pkt (gso_type TCPV4/TCPV6, gso_size MSS) into
 * segments: segment i is written at out + i * stride + headroom, its length
 * to lens[i]; stride must be at least headroom + the IP and TCP headers +
 * gso_size (0: exactly that, the segments then back to back, for
 * UDP_SEGMENT) and out hold maxsegs strides. Returns the number of segments,
 * or -1 (not TCP over IPv4/IPv6, malformed, or more than maxsegs). */
int tcpseg_segment(const uint8_t *pkt, size_t len, const struct virtio_net_hdr *vh,
		   uint8_t *out, size_t stride, size_t headroom, size_t *lens, int maxsegs);

/* The coalescer: buf holds the virtio_net_hdr then the packet being built. */
struct tcpgro {
	uint8_t buf[TCPSEG_VNET_LEN + TCPSEG_MAX_PKT];
	size_t len;       /* of the packet after the vnet header; 0: empty */
	size_t hlen;      /* IP + TCP headers */
	uint32_t next_seq;
	uint16_t mss;     /* payload of the first segment */
	uint16_t nseg;
	uint8_t v6, closed; /* closed: the last was short or had PSH */
	uint64_t merged;  /* segments appended to another (statistics) */
};

enum tcpgro_verdict {
	TCPGRO_HELD,        /* taken: merged, or the start of a new packet */
	TCPGRO_FLUSH_FIRST, /* write what tcpgro_finish returns, then add again */
	TCPGRO_ALONE,       /* not a candidate (the coalescer is empty): write
			     * it as is, behind a zero vnet header */
};

void tcpgro_init(struct tcpgro *g);
enum tcpgro_verdict tcpgro_add(struct tcpgro *g, const uint8_t *pkt, size_t len);
/* Finish the packet held (its vnet header, IP length and checksum, the TCP
 * checksum seed) and empty the coalescer: returns the octets from g->buf
 * to write (vnet header included), 0 when it was empty. */
size_t tcpgro_finish(struct tcpgro *g);

#endif
