/* SPDX-License-Identifier: MIT */
/*
 * vpdn_random_bytes: small requests from the pool (refilled when it runs
 * out), large ones straight from the kernel; never the same octets twice.
 * vpdn_fmt_int: the same text as snprintf's "%s%lld", truncation included.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "vpdn_test.h"

static void test_random_small_requests(void)
{
	enum { N = 3000 }; /* 2 octets each: the 512-octet pool refills ~12 times */
	static uint16_t v[N];
	unsigned dup = 0, seen[65536 / 32] = { 0 };

	for (unsigned i = 0; i < N; i++) {
		CU_ASSERT_EQUAL_FATAL(vpdn_random_bytes(&v[i], sizeof(v[i])), 0);
		if (seen[v[i] / 32] & (1u << (v[i] % 32)))
			dup++;
		seen[v[i] / 32] |= 1u << (v[i] % 32);
	}
	/* 3000 draws from 65536: ~66 collisions expected; a pool handed out
	 * twice (or not refilled) would repeat whole runs */
	CU_ASSERT_TRUE(dup < 200);
	for (unsigned i = 0; i + 8 < N; i += 256) /* no run repeats one pool later */
		CU_ASSERT_NOT_EQUAL(memcmp(&v[i], &v[i + 256 < N ? i + 256 : i + 1], 16), 0);
}

static void test_random_sizes(void)
{
	uint8_t a[64], b[64], big[1000], zero[1000];

	memset(zero, 0, sizeof(zero));
	CU_ASSERT_EQUAL(vpdn_random_bytes(a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(vpdn_random_bytes(b, sizeof(b)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, b, sizeof(a)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, zero, sizeof(a)), 0); /* wiped octets never given */
	CU_ASSERT_EQUAL(vpdn_random_bytes(big, sizeof(big)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(big, zero, sizeof(big)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(big + 500, zero, 64), 0);
	CU_ASSERT_EQUAL(vpdn_random_bytes(a, 0), 0);
	for (int i = 0; i < 100; i++) { /* odd sizes straddle the refill */
		CU_ASSERT_EQUAL(vpdn_random_bytes(a, 13), 0);
	}
}

static void test_fmt_int(void)
{
	static const long long vals[] = { 0, 1, 9, 10, 42, 4711, 65535, -1, -10, 100000,
					   LLONG_MAX, LLONG_MIN };
	static const char *const prefixes[] = { "Vi", "Virtual-Template", "", NULL };
	char a[32], b[32];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++)
			for (size_t size = 1; size <= sizeof(a); size++) {
				snprintf(b, size, "%s%lld", prefixes[p] ? prefixes[p] : "", vals[i]);
				CU_ASSERT_PTR_EQUAL(vpdn_fmt_int(a, size, prefixes[p], vals[i]), a);
				CU_ASSERT_STRING_EQUAL(a, b);
			}
	a[0] = 'x';
	vpdn_fmt_int(a, 0, "Vi", 3); /* size 0: nothing written */
	CU_ASSERT_EQUAL(a[0], 'x');
}

static const struct vpdn_test_case util_tests[] = {
	{ "fmt_int: as snprintf %s%lld", test_fmt_int },
	{ "random: small requests from the pool", test_random_small_requests },
	{ "random: sizes, large requests direct", test_random_sizes },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "core-util", util_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
