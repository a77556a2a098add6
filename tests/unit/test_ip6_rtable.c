/* SPDX-License-Identifier: MIT */
/* IPv6 longest-prefix match (modules/ip/ip6-rtable.c): the shared TUN's
 * demux of prefixes other than a session's /64, checked against a
 * linear longest-match over the same routes. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "ip6-rtable.h"
#include "vpdn_test.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	CU_ASSERT_FATAL(inet_pton(AF_INET6, s, &a) == 1);
	return a;
}

static void *look(const struct ip6_rtable *t, const char *dst, uint8_t *plen)
{
	struct in6_addr d = a6(dst);
	return ip6_rtable_lookup(t, &d, plen);
}

static int A, B, C, D, E;

static void test_longest_match(void)
{
	struct ip6_rtable t;
	struct in6_addr p;
	uint8_t plen = 0;

	ip6_rtable_init(&t);
	CU_ASSERT_PTR_NULL(look(&t, "2001:db8::1", NULL));
	p = a6("2001:db8::");
	ip6_rtable_add(&t, &p, 32, &A);
	p = a6("2001:db8:5::");
	ip6_rtable_add(&t, &p, 48, &B);
	p = a6("2001:db8:5:100::");
	ip6_rtable_add(&t, &p, 56, &C);
	p = a6("2001:db8:5:1ff::");      /* bits past /56 ignored: 2001:db8:5:100::/56 */
	ip6_rtable_add(&t, &p, 56, &D);  /* the same prefix again: C stays first */
	p = a6("2001:db8:5:123::7");
	ip6_rtable_add(&t, &p, 128, &E);
	CU_ASSERT_EQUAL(t.n, 5);
	CU_ASSERT_EQUAL(t.n_plens, 4);
	CU_ASSERT(t.plens[0] == 128 && t.plens[1] == 56 && t.plens[2] == 48 && t.plens[3] == 32);

	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:123::7", &plen), &E);
	CU_ASSERT_EQUAL(plen, 128);
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:123::8", &plen), &C);
	CU_ASSERT_EQUAL(plen, 56);
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:1ff:ffff::1", NULL), &C);
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:200::1", &plen), &B);
	CU_ASSERT_EQUAL(plen, 48);
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:6::1", &plen), &A);
	CU_ASSERT_EQUAL(plen, 32);
	CU_ASSERT_PTR_NULL(look(&t, "2001:db9::1", NULL));

	/* removal: the next one under the same prefix, then the shorter ones */
	p = a6("2001:db8:5:100::");
	CU_ASSERT_FALSE(ip6_rtable_remove(&t, &p, 56, &A));   /* not there */
	CU_ASSERT_TRUE(ip6_rtable_remove(&t, &p, 56, &C));
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:123::8", NULL), &D);
	CU_ASSERT_TRUE(ip6_rtable_remove(&t, &p, 56, &D));
	CU_ASSERT_EQUAL(t.n_plens, 3);                        /* /56 gone */
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:123::8", NULL), &B);
	p = a6("2001:db8:5:123::7");
	CU_ASSERT_TRUE(ip6_rtable_remove(&t, &p, 128, &E));
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db8:5:123::7", NULL), &B);
	CU_ASSERT(t.n == 2 && t.n_plens == 2 && t.plens[0] == 48 && t.plens[1] == 32);
	/* a default route */
	p = a6("::");
	ip6_rtable_add(&t, &p, 0, &E);
	CU_ASSERT_PTR_EQUAL(look(&t, "2001:db9::1", &plen), &E);
	CU_ASSERT_EQUAL(plen, 0);
	ip6_rtable_clear(&t);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_PTR_NULL(look(&t, "2001:db8::1", NULL));
}

/* Random routes and destinations: the same answer as a linear scan that
 * keeps the first of the longest (the demux before this table). */
struct lin { struct in6_addr p; uint8_t plen; void *val; };

static bool in_prefix(const struct in6_addr *a, const struct in6_addr *p, unsigned plen)
{
	for (unsigned i = 0; i < plen; i++) {
		unsigned bit = 0x80 >> (i % 8);
		if ((a->s6_addr[i / 8] & bit) != (p->s6_addr[i / 8] & bit))
			return false;
	}
	return true;
}

static bool count_entry(const struct in6_addr *prefix, uint8_t plen, void *val, void *data)
{
	(*(unsigned *)data)++;
	return false;
}

static void test_against_linear(void)
{
	static const uint8_t lens[] = { 32, 40, 48, 56, 60, 64, 127, 128 };
	struct ip6_rtable t;
	struct lin r[300];
	GRand *rnd = g_rand_new_with_seed(18);
	unsigned n = 0, seen = 0;

	ip6_rtable_init(&t);
	for (; n < G_N_ELEMENTS(r); n++) {
		struct in6_addr p = a6("2001:db8::");
		p.s6_addr[4] = (uint8_t)g_rand_int_range(rnd, 0, 4);  /* few /40s: overlaps */
		p.s6_addr[5] = (uint8_t)g_rand_int_range(rnd, 0, 4);
		for (int i = 6; i < 16; i++)
			p.s6_addr[i] = (uint8_t)g_rand_int_range(rnd, 0, 3);
		r[n].plen = lens[g_rand_int_range(rnd, 0, G_N_ELEMENTS(lens))];
		r[n].p = p;
		r[n].val = GUINT_TO_POINTER(n + 1);
		ip6_rtable_add(&t, &p, r[n].plen, r[n].val);
	}
	CU_ASSERT(ip6_rtable_any(&t, count_entry, &seen) == false && seen == n);
	for (int k = 0; k < 3000; k++) {
		struct in6_addr d = a6("2001:db8::");
		d.s6_addr[4] = (uint8_t)g_rand_int_range(rnd, 0, 5);
		d.s6_addr[5] = (uint8_t)g_rand_int_range(rnd, 0, 5);
		for (int i = 6; i < 16; i++)
			d.s6_addr[i] = (uint8_t)g_rand_int_range(rnd, 0, 3);
		const struct lin *best = NULL;
		for (unsigned i = 0; i < n; i++)
			if (r[i].val && in_prefix(&d, &r[i].p, r[i].plen) && (!best || r[i].plen > best->plen))
				best = &r[i];
		CU_ASSERT_PTR_EQUAL(ip6_rtable_lookup(&t, &d, NULL), best ? best->val : NULL);
		if (k % 10 == 9) {   /* take one away now and then */
			unsigned i = (unsigned)g_rand_int_range(rnd, 0, (gint32)n);
			if (r[i].val) {
				CU_ASSERT_TRUE(ip6_rtable_remove(&t, &r[i].p, r[i].plen, r[i].val));
				r[i].val = NULL;
			}
		}
	}
	ip6_rtable_clear(&t);
	g_rand_free(rnd);
}

static const struct vpdn_test_case rtable_tests[] = {
	{ "longest match, same prefix twice, removal", test_longest_match },
	{ "random routes: as a linear scan", test_against_linear },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ip6-rtable", rtable_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
