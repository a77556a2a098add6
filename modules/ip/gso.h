/* SPDX-License-Identifier: MIT */
/*
 * Generic segmentation offload done in user space: the TUN device, opened
 * with IFF_VNET_HDR and TUNSETOFFLOAD (TSO4/6, USO4/6, CSUM), hands the
 * node TCP (and UDP) super-packets of up to 64 KB with a struct
 * virtio_net_hdr in front; each leaves on a session as wire-sized
 * segments. And the checksums the kernel left to us (NEEDS_CSUM).
 * Pure functions on buffers: no state, no allocation.
 */
#ifndef VPDND_IP_GSO_H
#define VPDND_IP_GSO_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* USO (linux 6.2's TUN_F_USO4/6) */
#endif

/* The one's complement sum (RFC 1071) of n octets at p added to sum,
 * unfolded: words are loaded in host order, so the folded result stored
 * back with memcpy is in network order. */
uint64_t ip_csum_add(uint64_t sum, const void *p, size_t n);
/* Fold to 16 bits and complement: the checksum field's value (host-order
 * load of the network-order field). */
uint16_t ip_csum_fold(uint64_t sum);

/* Complete the checksum of a packet the kernel marked NEEDS_CSUM: the
 * field at csum_start + csum_offset holds the pseudo-header sum; the sum
 * from csum_start to the end goes there (0xffff for a UDP zero). Returns
 * 0, or -EINVAL when the offsets lie outside the packet. */
int ip_csum_complete(uint8_t *p, size_t len, unsigned csum_start, unsigned csum_offset);

/*
 * Split the super-packet p (len octets: an IPv4 or IPv6 header without
 * extension headers, then TCP or UDP) described by vh (gso_type TCPV4,
 * TCPV6 or UDP_L4, gso_size) into segments of at most mss payload octets
 * (mss 0 or larger than gso_size: gso_size), each written whole into
 * scratch (cap octets: the headers plus mss) and passed to out() in order.
 * Each segment has its own IPv4 total length, identification (+1 a
 * segment) and header checksum, or IPv6 payload length; TCP sequence
 * number, FIN and PSH on the last segment only, CWR on the first only,
 * and a full TCP checksum; UDP length and checksum. Returns the number of
 * segments, or -EBADMSG (headers malformed, family and gso_type apart),
 * -EPROTONOSUPPORT (another gso_type, IPv6 extension headers), -EINVAL
 * (mss or cap too small).
 */
int ip_gso_segment(const uint8_t *p, size_t len, const struct virtio_net_hdr *vh,
		   unsigned mss, uint8_t *scratch, size_t cap,
		   void (*out)(void *ctx, const uint8_t *seg, size_t n), void *ctx);

/* The header octets (IP + TCP/UDP) of a super-packet ip_gso_segment takes,
 * or a negative errno as it would return. */
int ip_gso_hdrlen(const uint8_t *p, size_t len, const struct virtio_net_hdr *vh);

/*
 * The other way (a session's packets to the TUN): consecutive TCP/IPv4
 * segments of one flow coalesced into one super-packet, written with a
 * virtio_net_hdr (gso_type TCPV4, gso_size the first segment's payload,
 * NEEDS_CSUM), as the kernel's GRO would. A segment joins when it is the
 * flow's next (same addresses, ports, TOS, TTL, ACK number, window, TCP
 * options; sequence number where the last ended), carries ACK (and PSH)
 * only, no more payload than the first, and the packet so far ended on a
 * full segment without PSH. Each segment's TCP checksum is checked
 * first (the kernel trusts a NEEDS_CSUM packet's data).
 */
struct ip_gro {
	uint8_t *buf;      /* the packet so far (cap octets) */
	size_t cap, len;   /* len 0: empty */
	unsigned segs, mss;
	bool closed;       /* ended short or with PSH: nothing more joins */
	int fd;            /* where it goes (the caller's) */
};

/* 1: p joined g (or started it when empty); 0: p could start a packet but
 * not join this one (write g, then add p again); -1: p is not a segment
 * that coalesces (write g, then p alone). */
int ip_gro_add(struct ip_gro *g, const uint8_t *p, size_t len);
/* The packet in g made whole (lengths, IPv4 checksum, the TCP checksum
 * field's pseudo-header sum) and *vh for it (all zero for one segment:
 * written as it came). Returns its length; g is empty after. */
size_t ip_gro_finish(struct ip_gro *g, struct virtio_net_hdr *vh);

#endif
