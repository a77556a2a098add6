/* SPDX-License-Identifier: MIT */
/*
 * Fitting IPv4 packets to a link's MTU (the peer's negotiated MRU) on the
 * way from the kernel to a session: RFC 791 fragmentation for packets that
 * allow it, RFC 1191 ICMP "fragmentation needed" (type 3 code 4, with the
 * next-hop MTU) for those with DF set. Pure functions on buffers: no
 * state, no allocation; the ip module calls them from its TUN read path.
 */
#ifndef VPDND_IP_FRAG_H
#define VPDND_IP_FRAG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Smallest MTU we fragment to (RFC 791: every host takes 68). */
#define IP_MTU_MIN 68

/* A well-formed IPv4 header at p (version 4, IHL >= 5, total length
 * within len and >= IHL)? Returns the total length, or -EBADMSG. */
int ip_v4_check(const uint8_t *p, size_t len);
/* DF bit of a checked header. */
static inline int ip_v4_df(const uint8_t *p) { return (p[6] & 0x40) != 0; }

/* Split the packet p (len octets, checked, DF clear) into fragments of
 * at most mtu octets, each written into scratch (cap >= mtu) and passed
 * to out() in order; options without the copy bit go in the first
 * fragment only (RFC 791 3.2). A packet that is itself a fragment keeps
 * its offset and MF. Returns the number of fragments, or -EMSGSIZE (DF
 * set, or the header leaves no room for 8 octets of data), -EBADMSG,
 * -EINVAL (mtu or cap too small). */
int ip_fragment(const uint8_t *p, size_t len, unsigned mtu, uint8_t *scratch, size_t cap,
		void (*out)(void *ctx, const uint8_t *frag, size_t n), void *ctx);

/* Build into out (cap octets) the ICMP Destination Unreachable,
 * Fragmentation Needed and DF Set (type 3, code 4) answering packet p,
 * with next-hop MTU mtu, from src to p's source: IP header, ICMP header,
 * then p's header and as much of its data as keeps the answer within 576
 * octets (RFC 1812 4.3.2.3). Returns its length, or -EPERM when no ICMP
 * error may be sent about p (RFC 1122 3.2.2: p is an ICMP error, a
 * non-first fragment, or from a source that is not one host: 0,
 * broadcast, multicast, loopback), -EBADMSG, -ENOSPC. */
ssize_t ip_icmp_frag_needed(const uint8_t *p, size_t len, unsigned mtu, struct in_addr src,
			    uint8_t *out, size_t cap);

/* The Internet checksum (RFC 1071) of n octets. */
uint16_t ip_csum(const uint8_t *p, size_t n);

#endif
