/* SPDX-License-Identifier: MIT */
/* IPv6 longest-prefix match: a hash per prefix length (ip6-rtable.h). */
#include <string.h>

#include "ip6-rtable.h"

struct ip6_rt_entry {
	struct in6_addr prefix;    /* masked; the hash key */
	void *val;
	struct ip6_rt_entry *next; /* same prefix, added later */
};

static void mask6(struct in6_addr *out, const struct in6_addr *in, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	memset(out, 0, sizeof(*out));
	memcpy(out->s6_addr, in->s6_addr, full);
	if (rest)
		out->s6_addr[full] = in->s6_addr[full] & (uint8_t)(0xFF << (8 - rest));
}

static guint key_hash(gconstpointer k)
{
	const uint8_t *p = k;
	uint64_t a, b;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	a ^= b * 0x9E3779B97F4A7C15ull;
	return (guint)(a ^ (a >> 32));
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 16) == 0;
}

static void chain_free(gpointer p)
{
	struct ip6_rt_entry *e = p;

	while (e) {
		struct ip6_rt_entry *next = e->next;
		g_free(e);
		e = next;
	}
}

void ip6_rtable_init(struct ip6_rtable *t)
{
	memset(t, 0, sizeof(*t));
}

void ip6_rtable_clear(struct ip6_rtable *t)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(t->by_plen); i++)
		if (t->by_plen[i])
			g_hash_table_destroy(t->by_plen[i]);
	ip6_rtable_init(t);
}

void ip6_rtable_add(struct ip6_rtable *t, const struct in6_addr *prefix, uint8_t plen, void *val)
{
	struct ip6_rt_entry *e, *head;
	unsigned i;

	if (plen > 128)
		return;
	e = g_new0(struct ip6_rt_entry, 1);
	mask6(&e->prefix, prefix, plen);
	e->val = val;
	if (!t->by_plen[plen]) {
		t->by_plen[plen] = g_hash_table_new_full(key_hash, key_equal, NULL, chain_free);
		for (i = t->n_plens; i > 0 && t->plens[i - 1] < plen; i--)
			t->plens[i] = t->plens[i - 1];
		t->plens[i] = plen;
		t->n_plens++;
	}
	head = g_hash_table_lookup(t->by_plen[plen], &e->prefix);
	if (head) {
		while (head->next)
			head = head->next;
		head->next = e;
	} else {
		g_hash_table_insert(t->by_plen[plen], &e->prefix, e);
	}
	t->n++;
}

bool ip6_rtable_remove(struct ip6_rtable *t, const struct in6_addr *prefix, uint8_t plen, void *val)
{
	struct ip6_rt_entry *head, *e, **pp;
	struct in6_addr k;
	GHashTable *h;

	if (plen > 128 || !(h = t->by_plen[plen]))
		return false;
	mask6(&k, prefix, plen);
	if (!(head = g_hash_table_lookup(h, &k)))
		return false;
	for (pp = &head; *pp && (*pp)->val != val; pp = &(*pp)->next)
		;
	if (!(e = *pp))
		return false;
	if (e == head) {
		/* the key lives in the head: steal it, put the rest back */
		g_hash_table_steal(h, &k);
		if (e->next)
			g_hash_table_insert(h, &e->next->prefix, e->next);
	} else {
		*pp = e->next;
	}
	g_free(e);
	t->n--;
	if (!g_hash_table_size(h)) {
		g_hash_table_destroy(h);
		t->by_plen[plen] = NULL;
		unsigned i = 0;
		while (t->plens[i] != plen)
			i++;
		memmove(t->plens + i, t->plens + i + 1, t->n_plens - i - 1);
		t->n_plens--;
	}
	return true;
}

void *ip6_rtable_lookup(const struct ip6_rtable *t, const struct in6_addr *dst, uint8_t *plen)
{
	struct in6_addr k;

	for (unsigned i = 0; i < t->n_plens; i++) {
		const struct ip6_rt_entry *e;
		mask6(&k, dst, t->plens[i]);
		if ((e = g_hash_table_lookup(t->by_plen[t->plens[i]], &k))) {
			if (plen)
				*plen = t->plens[i];
			return e->val;
		}
	}
	return NULL;
}

bool ip6_rtable_any(const struct ip6_rtable *t, ip6_rtable_fn fn, void *data)
{
	for (unsigned i = 0; i < t->n_plens; i++) {
		GHashTableIter it;
		gpointer k, v;
		g_hash_table_iter_init(&it, t->by_plen[t->plens[i]]);
		while (g_hash_table_iter_next(&it, &k, &v))
			for (const struct ip6_rt_entry *e = v; e; e = e->next)
				if (fn(&e->prefix, t->plens[i], e->val, data))
					return true;
	}
	return false;
}
