/* SPDX-License-Identifier: MIT */
/* Links: frames both ways, drops, hang-ups, and splices between carriers. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/link.h>

#include "vpdn_test.h"

struct end {
	int frames, hangups, cause;
	uint8_t last[64];
	size_t last_len;
	struct vpdn_link *hung_on;
};

static void on_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct end *e = ctx;
	e->frames++;
	e->last_len = len < sizeof(e->last) ? len : sizeof(e->last);
	memcpy(e->last, data, e->last_len);
}

static void on_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct end *e = ctx;
	e->hangups++;
	e->cause = cause;
	e->hung_on = link;
}

static const struct vpdn_link_ops ops = { .frame = on_frame, .hangup = on_hangup };

static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x07, 0x00, 0x04 };

static void test_both_ways(void)
{
	struct vpdn_link *l = vpdn_link_new("Se0:17");
	struct end carrier = { 0 }, ppp = { 0 };
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(l), "Se0:17");
	/* counted only once asked for (#19: bytes a carrier link) */
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_A, lcp, sizeof(lcp)), -ENOTCONN);
	CU_ASSERT_PTR_NULL(vpdn_link_stats(l, VPDN_LINK_B));
	vpdn_link_count(l);
	CU_ASSERT_EQUAL_FATAL(vpdn_link_stats(l, VPDN_LINK_B)->drops, 0);
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_A, lcp, sizeof(lcp)), -ENOTCONN);
	CU_ASSERT_EQUAL(vpdn_link_stats(l, VPDN_LINK_B)->drops, 1);
	vpdn_link_count(l);     /* again: the counts stay */
	CU_ASSERT_EQUAL(vpdn_link_stats(l, VPDN_LINK_B)->drops, 1);
	vpdn_link_attach(l, VPDN_LINK_A, &ops, &carrier);
	vpdn_link_attach(l, VPDN_LINK_B, &ops, &ppp);
	CU_ASSERT_TRUE(vpdn_link_attached(l, VPDN_LINK_B));
	/* an end's ctx, by its ops (a module's object of the link) */
	static const struct vpdn_link_ops other = { .frame = on_frame };
	CU_ASSERT_PTR_EQUAL(vpdn_link_ctx(l, VPDN_LINK_B, &ops), &ppp);
	CU_ASSERT_PTR_EQUAL(vpdn_link_ctx(l, VPDN_LINK_A, &ops), &carrier);
	CU_ASSERT_PTR_NULL(vpdn_link_ctx(l, VPDN_LINK_B, &other));
	CU_ASSERT_PTR_NULL(vpdn_link_ctx(NULL, VPDN_LINK_B, &ops));
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_A, lcp, sizeof(lcp)), 0);
	CU_ASSERT_EQUAL(ppp.frames, 1);
	CU_ASSERT_EQUAL(carrier.frames, 0);
	CU_ASSERT_EQUAL(ppp.last_len, sizeof(lcp));
	CU_ASSERT_EQUAL(memcmp(ppp.last, lcp, sizeof(lcp)), 0);
	vpdn_link_send(l, VPDN_LINK_B, lcp, 4);
	CU_ASSERT_EQUAL(carrier.frames, 1);
	CU_ASSERT_EQUAL(vpdn_link_stats(l, VPDN_LINK_B)->bytes, sizeof(lcp));
	CU_ASSERT_EQUAL(vpdn_link_stats(l, VPDN_LINK_A)->bytes, 4);
	vpdn_link_hangup(l, VPDN_LINK_A, 16);
	CU_ASSERT_EQUAL(ppp.hangups, 1);
	CU_ASSERT_EQUAL(ppp.cause, 16);
	vpdn_link_detach(l, VPDN_LINK_B);
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_A, lcp, sizeof(lcp)), -ENOTCONN);
	CU_ASSERT_PTR_NULL(vpdn_link_ctx(l, VPDN_LINK_B, &ops));
	vpdn_link_set_name(l, "Vi2");
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(l), "Vi2");
	vpdn_link_unref(l);
}

static void test_splice(void)
{
	struct vpdn_link *bchan = vpdn_link_new("Se0:17");
	struct vpdn_link *sess = vpdn_link_new("Tnl/Cl 45029/291");
	struct end isdn = { 0 }, l2tp = { 0 }, ppp = { 0 };
	vpdn_link_attach(bchan, VPDN_LINK_A, &ops, &isdn);
	vpdn_link_attach(bchan, VPDN_LINK_B, &ops, &ppp);
	vpdn_link_attach(sess, VPDN_LINK_A, &ops, &l2tp);

	CU_ASSERT_EQUAL(vpdn_link_splice(bchan, sess), 0);
	CU_ASSERT_EQUAL(vpdn_link_splice(bchan, sess), -EBUSY);
	CU_ASSERT_PTR_EQUAL(vpdn_link_spliced_to(bchan), sess);
	CU_ASSERT_PTR_EQUAL(vpdn_link_spliced_to(sess), bchan);

	/* B channel -> L2TP session, untouched, PPP no longer sees it. */
	vpdn_link_send(bchan, VPDN_LINK_A, lcp, sizeof(lcp));
	CU_ASSERT_EQUAL(l2tp.frames, 1);
	CU_ASSERT_EQUAL(ppp.frames, 0);
	CU_ASSERT_EQUAL(memcmp(l2tp.last, lcp, sizeof(lcp)), 0);
	/* And back. */
	vpdn_link_send(sess, VPDN_LINK_A, lcp, 6);
	CU_ASSERT_EQUAL(isdn.frames, 1);
	CU_ASSERT_EQUAL(isdn.last_len, 6);

	/* The caller keeps its own references across the hang-up. */
	vpdn_link_hangup(bchan, VPDN_LINK_A, 16);
	CU_ASSERT_EQUAL(l2tp.hangups, 1);
	CU_ASSERT_EQUAL(l2tp.cause, 16);
	CU_ASSERT_PTR_EQUAL(l2tp.hung_on, sess);
	CU_ASSERT_PTR_NULL(vpdn_link_spliced_to(bchan)); /* dissolved */
	CU_ASSERT_PTR_NULL(vpdn_link_spliced_to(sess));
	CU_ASSERT_EQUAL(vpdn_link_send(bchan, VPDN_LINK_A, lcp, sizeof(lcp)), -ENOTCONN);
	vpdn_link_unref(bchan);
	vpdn_link_unref(sess);
}

static void test_unsplice(void)
{
	struct vpdn_link *a = vpdn_link_new("a"), *b = vpdn_link_new("b");
	struct end ea = { 0 }, eb = { 0 };
	vpdn_link_attach(a, VPDN_LINK_A, &ops, &ea);
	vpdn_link_attach(b, VPDN_LINK_A, &ops, &eb);
	CU_ASSERT_EQUAL(vpdn_link_splice(a, a), -EBUSY);
	vpdn_link_splice(a, b);
	vpdn_link_unsplice(b);
	CU_ASSERT_FALSE(vpdn_link_attached(a, VPDN_LINK_B));
	CU_ASSERT_FALSE(vpdn_link_attached(b, VPDN_LINK_B));
	vpdn_link_unsplice(a); /* harmless */
	vpdn_link_send(a, VPDN_LINK_A, lcp, 4);
	CU_ASSERT_EQUAL(eb.frames, 0);
	vpdn_link_unref(a);
	vpdn_link_unref(b);
}

/* Attaching over a splice's forwarder at end B dissolves the splice on
 * both links (before: the other link kept forwarding into a consumer that
 * had replaced the forwarder, and the two references were never dropped;
 * the splice is now read from the forwarder, not kept beside it, #19). */
static void test_attach_over_splice(void)
{
	struct vpdn_link *a = vpdn_link_new("Se0:17");
	struct vpdn_link *b = vpdn_link_new("a name longer than sixteen bytes");
	struct end ea = { 0 }, eb = { 0 }, ppp = { 0 };
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(b), "a name longer than sixteen bytes");
	vpdn_link_set_name(b, vpdn_link_name(b));   /* its own name, on the heap */
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(b), "a name longer than sixteen bytes");
	vpdn_link_set_name(b, "Tnl/Cl 1/2");        /* back inline */
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(b), "Tnl/Cl 1/2");
	vpdn_link_set_name(b, vpdn_link_name(b));   /* its own name, inline */
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(b), "Tnl/Cl 1/2");
	vpdn_link_attach(a, VPDN_LINK_A, &ops, &ea);
	vpdn_link_attach(b, VPDN_LINK_A, &ops, &eb);
	CU_ASSERT_EQUAL_FATAL(vpdn_link_splice(a, b), 0);
	vpdn_link_attach(a, VPDN_LINK_B, &ops, &ppp);
	CU_ASSERT_PTR_NULL(vpdn_link_spliced_to(a));
	CU_ASSERT_PTR_NULL(vpdn_link_spliced_to(b));
	CU_ASSERT_FALSE(vpdn_link_attached(b, VPDN_LINK_B));
	vpdn_link_send(a, VPDN_LINK_A, lcp, 4);     /* to the new consumer */
	CU_ASSERT_EQUAL(ppp.frames, 1);
	CU_ASSERT_EQUAL(eb.frames, 0);
	CU_ASSERT_EQUAL(vpdn_link_send(b, VPDN_LINK_A, lcp, 4), -ENOTCONN);
	/* Splice again, then a detach at end B dissolves it the same way. */
	vpdn_link_detach(a, VPDN_LINK_B);
	CU_ASSERT_EQUAL_FATAL(vpdn_link_splice(a, b), 0);
	vpdn_link_detach(b, VPDN_LINK_B);
	CU_ASSERT_PTR_NULL(vpdn_link_spliced_to(a));
	CU_ASSERT_FALSE(vpdn_link_attached(a, VPDN_LINK_B));
	/* b's owner gone first, a's splice holding the last reference on it:
	 * attaching over the splice frees b at the end of the call, never
	 * before it writes b's end (ASan in build-asan). */
	CU_ASSERT_EQUAL_FATAL(vpdn_link_splice(a, b), 0);
	vpdn_link_unref(b);
	vpdn_link_attach(b, VPDN_LINK_B, &ops, &ppp);
	CU_ASSERT_PTR_NULL(vpdn_link_spliced_to(a));
	CU_ASSERT_FALSE(vpdn_link_attached(a, VPDN_LINK_B));
	vpdn_link_unref(a);   /* the last reference: ASan sees a leak otherwise */
}

static const struct vpdn_test_case tests[] = {
	{ "frames both ways", test_both_ways },
	{ "splice two carriers", test_splice },
	{ "unsplice", test_unsplice },
	{ "attach over a splice", test_attach_over_splice },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "link", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
