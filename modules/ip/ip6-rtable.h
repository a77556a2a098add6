/* SPDX-License-Identifier: MIT */
/*
 * IPv6 longest-prefix match for the ip module's demux (shared TUN: which
 * session a packet from the kernel goes to, ip-ipv6.c): one hash table
 * per prefix length in use, keyed by the prefix (no bits past plen), and
 * the lengths in use, longest first. A lookup masks the destination to
 * each length in turn and stops at the first hit: at most as many hash
 * lookups as lengths in use (a handful: /48, /56, /64 in practice),
 * whatever the number of routes. Several values under one prefix (two
 * dialers with the same ipv6-route) are kept in the order added; the
 * oldest answers.
 */
#ifndef VPDND_IP6_RTABLE_H
#define VPDND_IP6_RTABLE_H

#include <glib.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct ip6_rtable {
	GHashTable *by_plen[129];  /* struct in6_addr * -> struct ip6_rt_entry * (chain) */
	uint8_t plens[129];        /* the lengths with a table, longest first */
	unsigned n_plens;
	unsigned n;                /* entries */
};

void ip6_rtable_init(struct ip6_rtable *t);
void ip6_rtable_clear(struct ip6_rtable *t);
/* Add (prefix/plen -> val); bits of prefix past plen are ignored. */
void ip6_rtable_add(struct ip6_rtable *t, const struct in6_addr *prefix, uint8_t plen, void *val);
/* Remove the entry (prefix/plen -> val); false when there is none. */
bool ip6_rtable_remove(struct ip6_rtable *t, const struct in6_addr *prefix, uint8_t plen, void *val);
/* The value of the longest prefix holding dst, or NULL; its length in
 * *plen when plen is not NULL. */
void *ip6_rtable_lookup(const struct ip6_rtable *t, const struct in6_addr *dst, uint8_t *plen);
/* Call fn for every entry until it returns true; returns that value. */
typedef bool (*ip6_rtable_fn)(const struct in6_addr *prefix, uint8_t plen, void *val, void *data);
bool ip6_rtable_any(const struct ip6_rtable *t, ip6_rtable_fn fn, void *data);

#endif
