/* SPDX-License-Identifier: MIT */
/*
 * Delegated-prefix pools: a prefix (e.g. 2001:db8:100::/40) handed out as
 * prefixes of assign-length (/56), by index. The used indices sit in a
 * hash set (a pool of 2^32 /64s is never a bitmap); a cursor walks
 * forward so a freed prefix is not handed out again at once. The node's
 * lease bound (dhcpv6-max-leases) keeps the set small.
 */
#include <errno.h>
#include <string.h>

#include "dhcpv6-private.h"

void dh_prefix_mask(struct in6_addr *a, uint8_t plen)
{
	for (int i = 0; i < 16; i++) {
		int bits = (int)plen - 8 * i;
		if (bits >= 8)
			continue;
		a->s6_addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

struct dh_pool *dh_pool_new(const char *name, const struct in6_addr *prefix, uint8_t plen,
			    uint8_t assign)
{
	struct dh_pool *p = g_new0(struct dh_pool, 1);

	p->name = g_strdup(name);
	p->prefix = *prefix;
	dh_prefix_mask(&p->prefix, plen);
	p->plen = plen;
	p->assign = assign < plen ? plen : assign;
	p->size = 1ull << ((p->assign - plen) > 32 ? 32 : (p->assign - plen));
	p->used = g_hash_table_new(g_direct_hash, g_direct_equal);
	return p;
}

void dh_pool_free(gpointer v)
{
	struct dh_pool *p = v;

	if (!p)
		return;
	g_hash_table_destroy(p->used);
	g_free(p->name);
	g_free(p);
}

void dh_pool_prefix(const struct dh_pool *p, uint64_t index, struct in6_addr *out)
{
	*out = p->prefix;
	/* the index sits in bits [plen, assign) */
	for (unsigned b = 0; b < (unsigned)(p->assign - p->plen); b++) {
		if (!(index >> b & 1))
			continue;
		unsigned bit = p->assign - 1u - b;       /* 0 = the top bit */
		out->s6_addr[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	}
}

static gpointer key(uint64_t index)
{
	return GSIZE_TO_POINTER((gsize)index + 1);
}

int dh_pool_take(struct dh_pool *p, uint64_t *index, struct in6_addr *out)
{
	if (g_hash_table_size(p->used) >= p->size)
		return -ENOSPC;
	for (uint64_t n = 0; n < p->size; n++) {
		uint64_t i = (p->cursor + n) % p->size;
		if (g_hash_table_contains(p->used, key(i)))
			continue;
		g_hash_table_add(p->used, key(i));
		p->cursor = (i + 1) % p->size;
		*index = i;
		dh_pool_prefix(p, i, out);
		return 0;
	}
	return -ENOSPC;
}

void dh_pool_put(struct dh_pool *p, uint64_t index)
{
	g_hash_table_remove(p->used, key(index));
}

size_t dh_pool_in_use(const struct dh_pool *p)
{
	return g_hash_table_size(p->used);
}
