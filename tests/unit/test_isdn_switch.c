/* SPDX-License-Identifier: MIT */
/* The simulated ISDN network's routing core, driven with fake nodes. */
#include <errno.h>
#include <string.h>

#include <vpdnd/core.h>

#include "switch.h"
#include "vpdn_test.h"
#include "wire.h"

#define MAXQ 64

struct fake {
	struct isdn_sw_node *node;
	struct isdn_msg q[MAXQ];
	uint8_t data[MAXQ][64];
	unsigned n, head;
};

static int fake_send(void *ctx, const struct isdn_msg *m)
{
	struct fake *f = ctx;
	if (f->n >= MAXQ)
		return -ENOBUFS;
	f->q[f->n] = *m;
	if (m->data_len && m->data_len <= 64) {
		memcpy(f->data[f->n], m->data, m->data_len);
		f->q[f->n].data = f->data[f->n];
	}
	f->n++;
	return 0;
}

/* Next message the node received, or NULL. */
static const struct isdn_msg *next(struct fake *f)
{
	return f->head < f->n ? &f->q[f->head++] : NULL;
}

static void drain(struct fake *f)
{
	f->head = f->n;
}

static struct vpdn_core *core;
static struct isdn_sw *sw;
static struct fake lac, r1, r2;

static int reg(struct fake *f, const char *port, uint32_t chans, const char *num)
{
	struct isdn_msg m;
	isdn_msg_init(&m, ISDN_MSG_REGISTER, 0);
	strcpy(m.port, port);
	m.channels = chans;
	strcpy(m.numbers[0], num);
	m.n_numbers = 1;
	return isdn_sw_node_input(f->node, &m);
}

static int msg(struct fake *f, uint8_t type, uint16_t cref, int cause)
{
	struct isdn_msg m;
	isdn_msg_init(&m, type, cref);
	m.cause = cause;
	return isdn_sw_node_input(f->node, &m);
}

static int setup_call(struct fake *f, uint16_t cref, const char *port, const char *called)
{
	struct isdn_msg m;
	isdn_msg_init(&m, ISDN_MSG_SETUP, cref);
	strcpy(m.port, port);
	strcpy(m.called, called);
	m.bearer_kbps = 64;
	return isdn_sw_node_input(f->node, &m);
}

static void start(void)
{
	core = vpdn_core_new_test();
	sw = isdn_sw_new(core);
	memset(&lac, 0, sizeof(lac));
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	lac.node = isdn_sw_node_new(sw, "LAC", fake_send, &lac);
	r1.node = isdn_sw_node_new(sw, "remote1", fake_send, &r1);
	r2.node = isdn_sw_node_new(sw, "remote2", fake_send, &r2);
	CU_ASSERT_EQUAL(reg(&lac, "E1 0", 0x7fff7fff, "8211"), 0);
	CU_ASSERT_EQUAL(reg(&r1, "BRI 0", 0x6, "6122"), 0);
	CU_ASSERT_EQUAL(reg(&r2, "BRI 0", 0x6, "6121"), 0);
	const struct isdn_msg *m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_REGISTER_ACK);
	CU_ASSERT_STRING_EQUAL(m->port, "E1 0");
	drain(&r1);
	drain(&r2);
}

static void stop(void)
{
	isdn_sw_free(sw);
	vpdn_core_free_test(core);
}

static void test_call_connect_data_clear(void)
{
	const struct isdn_msg *m;

	start();
	/* remote1 dials the LAC (the seed's dial-in) */
	CU_ASSERT_EQUAL(setup_call(&r1, 1, "BRI 0", "8211"), 0);
	m = next(&r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_CALL_PROCEEDING);
	CU_ASSERT_EQUAL(m->cref, 0x8001);
	CU_ASSERT_EQUAL(m->channel, 2); /* highest free on the caller's port */
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_SETUP);
	CU_ASSERT_EQUAL(m->cref & ISDN_CREF_FLAG, 0);
	CU_ASSERT_EQUAL(m->channel, 0); /* lowest free toward the called port */
	CU_ASSERT_STRING_EQUAL(m->calling, "6122");
	CU_ASSERT_STRING_EQUAL(m->called, "8211");
	CU_ASSERT_STRING_EQUAL(m->port, "E1 0");
	CU_ASSERT_EQUAL(m->bearer_kbps, 64);
	uint16_t lac_cref = m->cref | ISDN_CREF_FLAG;
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 2);

	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_ALERTING, lac_cref, 0), 0);
	m = next(&r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_ALERTING);
	/* data before connect is dropped */
	struct isdn_msg d;
	uint8_t frame[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	isdn_msg_init(&d, ISDN_MSG_DATA, 1);
	d.data = frame;
	d.data_len = sizeof(frame);
	CU_ASSERT_EQUAL(isdn_sw_node_input(r1.node, &d), 0);
	CU_ASSERT_PTR_NULL(next(&lac));
	CU_ASSERT_EQUAL(isdn_sw_stats(sw)->dropped_data, 1);

	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_CONNECT, lac_cref, 0), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_CONNECT_ACK);
	m = next(&r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_CONNECT);
	CU_ASSERT_EQUAL(msg(&r1, ISDN_MSG_CONNECT_ACK, 1, 0), 0);

	CU_ASSERT_EQUAL(isdn_sw_node_input(r1.node, &d), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DATA);
	CU_ASSERT_EQUAL(m->cref, lac_cref ^ ISDN_CREF_FLAG);
	CU_ASSERT_EQUAL_FATAL(m->data_len, sizeof(frame));
	CU_ASSERT(memcmp(m->data, frame, sizeof(frame)) == 0);

	/* remote1 hangs up */
	CU_ASSERT_EQUAL(msg(&r1, ISDN_MSG_DISCONNECT, 1, 16), 0);
	m = next(&r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_RELEASE);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(m->cause, 16);
	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_RELEASE, lac_cref, 0), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(msg(&r1, ISDN_MSG_RELEASE_COMPLETE, 1, 0), 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	CU_ASSERT_EQUAL(isdn_sw_stats(sw)->connected, 1);
	stop();
}

static void test_busy_and_unallocated(void)
{
	const struct isdn_msg *m;

	start();
	CU_ASSERT_EQUAL(setup_call(&lac, 1, "E1 0", "6121"), 0);
	CU_ASSERT_EQUAL(next(&lac)->channel, 30); /* the seed's Serial0:30 */
	CU_ASSERT_EQUAL(next(&r2)->channel, 1);
	CU_ASSERT_EQUAL(setup_call(&lac, 2, "E1 0", "6121"), 0);
	CU_ASSERT_EQUAL(next(&lac)->channel, 29);
	CU_ASSERT_EQUAL(next(&r2)->channel, 2);
	/* both B channels of remote2 in use: busy */
	CU_ASSERT_EQUAL(setup_call(&lac, 3, "E1 0", "6121"), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(m->cause, 17);
	CU_ASSERT_EQUAL(m->cref, 0x8003);
	CU_ASSERT_PTR_NULL(next(&r2));
	/* unknown number */
	CU_ASSERT_EQUAL(setup_call(&lac, 4, "E1 0", "9999"), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->cause, 1);
	/* port not registered: resource unavailable; empty number: 28 */
	CU_ASSERT_EQUAL(setup_call(&lac, 5, "T1 3", "6121"), 0);
	CU_ASSERT_EQUAL(next(&lac)->cause, 47);
	CU_ASSERT_EQUAL(setup_call(&lac, 6, "E1 0", ""), 0);
	CU_ASSERT_EQUAL(next(&lac)->cause, 28);
	CU_ASSERT_EQUAL(isdn_sw_stats(sw)->busy, 1);
	CU_ASSERT_EQUAL(isdn_sw_stats(sw)->unallocated, 1);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 4);
	/* remote2 refuses its first call: the caller gets DISCONNECT 88 */
	CU_ASSERT_EQUAL(msg(&r2, ISDN_MSG_RELEASE_COMPLETE, 0x8001, 88), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(m->cause, 88);
	CU_ASSERT_EQUAL(m->cref, 0x8001);
	/* a channel is free again on remote2 */
	CU_ASSERT_EQUAL(setup_call(&lac, 7, "E1 0", "6121"), 0);
	CU_ASSERT_EQUAL(next(&lac)->type, ISDN_MSG_CALL_PROCEEDING);
	m = next(&r2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->channel, 1);
	stop();
}

static void test_no_channel_and_proposed_channel(void)
{
	const struct isdn_msg *m;
	struct isdn_msg s;

	start();
	/* remote1 proposes channel 1 */
	isdn_msg_init(&s, ISDN_MSG_SETUP, 9);
	strcpy(s.port, "BRI 0");
	strcpy(s.called, "6121");
	s.channel = 1;
	CU_ASSERT_EQUAL(isdn_sw_node_input(r1.node, &s), 0);
	m = next(&r1);
	CU_ASSERT_EQUAL(m->channel, 1);
	/* the same channel again: no channel */
	s.cref = 10;
	CU_ASSERT_EQUAL(isdn_sw_node_input(r1.node, &s), 0);
	m = next(&r1);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(m->cause, 34);
	stop();
}

static void test_longest_prefix(void)
{
	struct fake pbx = { 0 };
	const struct isdn_msg *m;

	start();
	pbx.node = isdn_sw_node_new(sw, "pbx", fake_send, &pbx);
	CU_ASSERT_EQUAL(reg(&pbx, "T1 0", 0x7fffff, "61"), 0);
	drain(&pbx);
	CU_ASSERT_EQUAL(setup_call(&lac, 1, "E1 0", "6199"), 0);
	m = next(&pbx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_SETUP);
	CU_ASSERT_STRING_EQUAL(m->called, "6199");
	CU_ASSERT_EQUAL(setup_call(&lac, 2, "E1 0", "6121"), 0);
	CU_ASSERT_PTR_NULL(next(&pbx));
	m = next(&r2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_SETUP);
	/* "612" is a prefix of nothing registered longer: goes to pbx ("61") */
	CU_ASSERT_EQUAL(setup_call(&lac, 3, "E1 0", "612"), 0);
	CU_ASSERT_PTR_NOT_NULL(next(&pbx));
	stop();
}

static void test_node_death_clears_calls(void)
{
	const struct isdn_msg *m;

	start();
	CU_ASSERT_EQUAL(setup_call(&lac, 1, "E1 0", "6121"), 0);
	m = next(&r2);
	uint16_t c2 = m->cref | ISDN_CREF_FLAG;
	CU_ASSERT_EQUAL(msg(&r2, ISDN_MSG_CONNECT, c2, 0), 0);
	CU_ASSERT_EQUAL(setup_call(&lac, 2, "E1 0", "6122"), 0); /* ringing, not answered */
	drain(&lac);
	isdn_sw_node_free(r2.node);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(m->cause, 27);
	CU_ASSERT_EQUAL(m->cref, 0x8001);
	CU_ASSERT_PTR_NULL(next(&lac)); /* the other call is untouched */
	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_RELEASE, 1, 0), 0);
	CU_ASSERT_EQUAL(next(&lac)->type, ISDN_MSG_RELEASE_COMPLETE);
	/* number 6121 is gone with its node */
	CU_ASSERT_EQUAL(setup_call(&lac, 3, "E1 0", "6121"), 0);
	CU_ASSERT_EQUAL(next(&lac)->cause, 1);
	/* the caller dies while its call rings: remote1 is told */
	isdn_sw_node_free(lac.node);
	m = next(&r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_SETUP);
	m = next(&r1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(m->cause, 27);
	CU_ASSERT_EQUAL(msg(&r1, ISDN_MSG_RELEASE, m->cref ^ ISDN_CREF_FLAG, 0), 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	isdn_sw_free(sw);
	vpdn_core_free_test(core);
}

static void test_protocol_errors(void)
{
	struct isdn_msg m;
	const struct isdn_msg *r;

	start();
	CU_ASSERT_EQUAL(reg(&lac, "E1 0", 0x7fff7fff, "1"), -EPROTO); /* twice */
	CU_ASSERT_EQUAL(reg(&lac, "X25 0", 1, "1"), -EPROTO);
	CU_ASSERT_EQUAL(reg(&lac, "E1 1", 0, "1"), -EPROTO);
	CU_ASSERT_EQUAL(setup_call(&lac, 0x8001, "E1 0", "6121"), -EPROTO);
	CU_ASSERT_EQUAL(setup_call(&lac, 0, "E1 0", "6121"), -EPROTO);
	isdn_msg_init(&m, ISDN_MSG_REGISTER_ACK, 0);
	CU_ASSERT_EQUAL(isdn_sw_node_input(lac.node, &m), -EPROTO);
	/* unknown call reference: RELEASE COMPLETE 81, except for REL COMP */
	drain(&lac);
	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_DISCONNECT, 0x0042, 16), 0);
	r = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->type, ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(r->cause, 81);
	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_RELEASE_COMPLETE, 0x0042, 16), 0);
	CU_ASSERT_PTR_NULL(next(&lac));
	/* a duplicate SETUP cref */
	CU_ASSERT_EQUAL(setup_call(&lac, 5, "E1 0", "6121"), 0);
	CU_ASSERT_EQUAL(setup_call(&lac, 5, "E1 0", "6121"), -EPROTO);
	/* CONNECT from the caller's leg is ignored */
	drain(&r2);
	CU_ASSERT_EQUAL(msg(&lac, ISDN_MSG_CONNECT, 5, 0), 0);
	CU_ASSERT_PTR_NULL(next(&r2));
	stop();
}

/* Call references are scoped per D channel: a node with two PRIs uses
 * cref 1 on both at once, and DATA and clearing follow the D channel. */
static void test_cref_per_dchan(void)
{
	struct fake big = { 0 };
	const struct isdn_msg *m;
	struct isdn_msg s;
	uint16_t c[2];

	start();
	big.node = isdn_sw_node_new(sw, "big", fake_send, &big);
	for (int i = 0; i < 2; i++) {
		isdn_msg_init(&s, ISDN_MSG_REGISTER, 0);
		s.dchan = (uint16_t)(7 + i);
		strcpy(s.port, i ? "E1 1" : "E1 0");
		s.channels = 0x7fff7fff;
		strcpy(s.numbers[0], i ? "72" : "71");
		s.n_numbers = 1;
		CU_ASSERT_EQUAL(isdn_sw_node_input(big.node, &s), 0);
		m = next(&big);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(m->type, ISDN_MSG_REGISTER_ACK);
		CU_ASSERT_EQUAL(m->dchan, 7 + i);
	}
	/* a D channel index registered twice is a protocol error */
	CU_ASSERT_EQUAL(isdn_sw_node_input(big.node, &s), -EPROTO);
	/* one call to each PRI: both get cref 1, told apart by dchan */
	CU_ASSERT_EQUAL(setup_call(&lac, 1, "E1 0", "71"), 0);
	CU_ASSERT_EQUAL(setup_call(&lac, 2, "E1 0", "72"), 0);
	for (int i = 0; i < 2; i++) {
		m = next(&big);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(m->type, ISDN_MSG_SETUP);
		CU_ASSERT_EQUAL(m->dchan, 7 + i);
		CU_ASSERT_STRING_EQUAL(m->port, i ? "E1 1" : "E1 0");
		c[i] = m->cref;
	}
	CU_ASSERT_EQUAL(c[0], c[1]);
	for (int i = 0; i < 2; i++) {
		isdn_msg_init(&s, ISDN_MSG_CONNECT, c[i] | ISDN_CREF_FLAG);
		s.dchan = (uint16_t)(7 + i);
		CU_ASSERT_EQUAL(isdn_sw_node_input(big.node, &s), 0);
		CU_ASSERT_EQUAL(next(&big)->type, ISDN_MSG_CONNECT_ACK);
	}
	drain(&lac);
	/* DATA on the second PRI reaches the caller's second call */
	uint8_t frame[] = { 0xff, 0x03, 0xc0, 0x21 };
	isdn_msg_init(&s, ISDN_MSG_DATA, c[1] | ISDN_CREF_FLAG);
	s.dchan = 8;
	s.data = frame;
	s.data_len = sizeof(frame);
	CU_ASSERT_EQUAL(isdn_sw_node_input(big.node, &s), 0);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DATA);
	CU_ASSERT_EQUAL(m->cref, 0x8002);
	CU_ASSERT_EQUAL(m->dchan, 0);
	/* clearing the first PRI's call leaves the second one up */
	isdn_msg_init(&s, ISDN_MSG_RELEASE, c[0] | ISDN_CREF_FLAG);
	s.dchan = 7;
	CU_ASSERT_EQUAL(isdn_sw_node_input(big.node, &s), 0);
	m = next(&big);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(m->dchan, 7);
	m = next(&lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->type, ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(m->cref, 0x8001);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 3);
	/* a SETUP whose PORT is not its D channel's port: 47 */
	isdn_msg_init(&s, ISDN_MSG_SETUP, 3);
	s.dchan = 8;
	strcpy(s.port, "E1 0");
	strcpy(s.called, "8211");
	CU_ASSERT_EQUAL(isdn_sw_node_input(big.node, &s), 0);
	m = next(&big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->cause, 47);
	CU_ASSERT_EQUAL(m->dchan, 8);
	isdn_sw_node_free(big.node);
	stop();
}

static const struct vpdn_test_case sw_tests[] = {
	{ "call references per D channel", test_cref_per_dchan },
	{ "call, connect, data, clear", test_call_connect_data_clear },
	{ "busy, unallocated, refusal", test_busy_and_unallocated },
	{ "no channel, proposed channel", test_no_channel_and_proposed_channel },
	{ "longest prefix routing", test_longest_prefix },
	{ "node death clears calls (27)", test_node_death_clears_calls },
	{ "protocol errors", test_protocol_errors },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-switch", sw_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
