/* SPDX-License-Identifier: MIT */
/* The user-side Q.931 call machine: every transition, causes, timers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vpdnd/core.h>

#include "q931.h"
#include "vpdn_test.h"
#include "wire.h"

struct rec {
	uint8_t sent[16];
	int sent_cause[16];
	unsigned n_sent;
	enum q931_ind ind[16];
	int ind_cause[16];
	unsigned n_ind;
	bool released;
};

static void rec_send(void *ctx, struct q931_call *c, uint8_t type, int cause)
{
	struct rec *r = ctx;
	if (r->n_sent < 16) {
		r->sent[r->n_sent] = type;
		r->sent_cause[r->n_sent++] = cause;
	}
}

static void rec_ind(void *ctx, struct q931_call *c, enum q931_ind ind, int cause)
{
	struct rec *r = ctx;
	if (r->n_ind < 16) {
		r->ind[r->n_ind] = ind;
		r->ind_cause[r->n_ind++] = cause;
	}
	if (ind == Q931_IND_RELEASED)
		r->released = true;
}

static const struct q931_ops ops = { rec_send, rec_ind };

static struct vpdn_core *core;
static struct vpdn_timers *tm;
static struct q931_call call;
static struct rec rec;

static int setup(void)
{
	core = vpdn_core_new_test();
	tm = vpdn_core_timers(core);
	return core ? 0 : 1;
}

static int teardown(void)
{
	vpdn_core_free_test(core);
	return 0;
}

static void fresh(void)
{
	memset(&rec, 0, sizeof(rec));
	q931_call_init(&call, tm, 30000, &ops, &rec);
}

static uint8_t last_sent(void)
{
	return rec.n_sent ? rec.sent[rec.n_sent - 1] : 0;
}

static void test_outgoing_to_active_and_local_clear(void)
{
	fresh();
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_SETUP_REQ, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_CALL_INITIATED);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_SETUP);
	CU_ASSERT(vpdn_timer_armed(&call.timer));
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CALL_PROCEEDING, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_OUTGOING_PROCEEDING);
	CU_ASSERT_EQUAL(rec.ind[0], Q931_IND_PROCEEDING);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_ALERTING, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_CALL_DELIVERED);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CONNECT, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_ACTIVE);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_CONNECT_ACK);
	CU_ASSERT_EQUAL(rec.ind[rec.n_ind - 1], Q931_IND_CONNECTED);
	CU_ASSERT_FALSE(vpdn_timer_armed(&call.timer));
	/* a second CONNECT is a protocol error and changes nothing */
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CONNECT, 0), -EPROTO);
	CU_ASSERT_EQUAL(call.state, Q931_ACTIVE);
	/* local clearing: DISCONNECT, RELEASE, RELEASE COMPLETE */
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_DISCONNECT_REQ, 16), 0);
	CU_ASSERT_EQUAL(call.state, Q931_DISCONNECT_REQUEST);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(rec.sent_cause[rec.n_sent - 1], 16);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_RELEASE, 0), 0);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(call.state, Q931_NULL);
	CU_ASSERT(rec.released);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 16);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_RELEASE, 0), -EPROTO);
}

static void test_connect_directly_from_initiated(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP_REQ, 0);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CONNECT, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_ACTIVE);
	q931_input(&call, Q931_IN_DISCONNECT_REQ, 0);
	q931_input(&call, Q931_IN_RELEASE_COMPLETE, 0);
	CU_ASSERT(rec.released);
}

static void test_outgoing_busy(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP_REQ, 0);
	/* the network refuses at once: RELEASE COMPLETE cause 17 */
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_RELEASE_COMPLETE, 17), 0);
	CU_ASSERT_EQUAL(call.state, Q931_NULL);
	CU_ASSERT(rec.released);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 17);
	CU_ASSERT_FALSE(vpdn_timer_armed(&call.timer));
}

static void test_remote_disconnect(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP_REQ, 0);
	q931_input(&call, Q931_IN_CALL_PROCEEDING, 0);
	/* network: unallocated number after proceeding */
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_DISCONNECT, 1), 0);
	CU_ASSERT_EQUAL(rec.ind[rec.n_ind - 1], Q931_IND_DISCONNECTED);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 1);
	CU_ASSERT_EQUAL(call.state, Q931_RELEASE_REQUEST);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_RELEASE);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_RELEASE_COMPLETE, 0), 0);
	CU_ASSERT(rec.released);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 1); /* first cause kept */
}

static void test_setup_timeout(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP_REQ, 0);
	q931_input(&call, Q931_IN_CALL_PROCEEDING, 0);
	vpdn_timers_advance(tm, 29999);
	CU_ASSERT_EQUAL(call.state, Q931_OUTGOING_PROCEEDING);
	vpdn_timers_advance(tm, 1);
	CU_ASSERT_EQUAL(call.state, Q931_DISCONNECT_REQUEST);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_DISCONNECT);
	CU_ASSERT_EQUAL(rec.sent_cause[rec.n_sent - 1], 102);
	/* T305: the network does not answer the DISCONNECT */
	vpdn_timers_advance(tm, 4000);
	CU_ASSERT_EQUAL(call.state, Q931_RELEASE_REQUEST);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_RELEASE);
	/* T308: nor the RELEASE */
	vpdn_timers_advance(tm, 4000);
	CU_ASSERT_EQUAL(call.state, Q931_NULL);
	CU_ASSERT(rec.released);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 18); /* no user responding */
}

static void test_alerted_timeout_is_no_answer(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP_REQ, 0);
	q931_input(&call, Q931_IN_ALERTING, 0);
	vpdn_timers_advance(tm, 30000);
	CU_ASSERT_EQUAL(call.state, Q931_DISCONNECT_REQUEST);
	q931_input(&call, Q931_IN_RELEASE, 0);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 19);
}

static void test_incoming_answer(void)
{
	fresh();
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_SETUP, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_CALL_PRESENT);
	CU_ASSERT_EQUAL(rec.n_sent, 0);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_SETUP, 0), -EPROTO);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CONNECT_ACK, 0), -EPROTO);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_ANSWER, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_CONNECT_REQUEST);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_CONNECT);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CONNECT_ACK, 0), 0);
	CU_ASSERT_EQUAL(call.state, Q931_ACTIVE);
	CU_ASSERT_EQUAL(rec.ind[rec.n_ind - 1], Q931_IND_CONNECTED);
	/* remote clears an active call */
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_DISCONNECT, 27), 0);
	CU_ASSERT_EQUAL(call.state, Q931_RELEASE_REQUEST);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_RELEASE, 0), 0); /* collision */
	CU_ASSERT_EQUAL(call.state, Q931_NULL);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 27);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_RELEASE); /* no RELEASE COMPLETE in U19 */
}

static void test_incoming_reject(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP, 0);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_REJECT, 88), 0);
	CU_ASSERT_EQUAL(last_sent(), ISDN_MSG_RELEASE_COMPLETE);
	CU_ASSERT_EQUAL(rec.sent_cause[rec.n_sent - 1], 88);
	CU_ASSERT(rec.released);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 88);
	/* reject is only valid in call present */
	fresh();
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_REJECT, 21), -EPROTO);
	/* disconnect-request in call present rejects (default cause 21) */
	q931_input(&call, Q931_IN_SETUP, 0);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_DISCONNECT_REQ, 0), 0);
	CU_ASSERT_EQUAL(rec.sent_cause[rec.n_sent - 1], 21);
	CU_ASSERT(rec.released);
}

static void test_t313(void)
{
	fresh();
	q931_input(&call, Q931_IN_SETUP, 0);
	q931_input(&call, Q931_IN_ANSWER, 0);
	vpdn_timers_advance(tm, 4000);
	CU_ASSERT_EQUAL(call.state, Q931_DISCONNECT_REQUEST);
	CU_ASSERT_EQUAL(rec.sent_cause[rec.n_sent - 1], 102);
	/* network answers with DISCONNECT too: collision -> RELEASE */
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_DISCONNECT, 16), 0);
	CU_ASSERT_EQUAL(call.state, Q931_RELEASE_REQUEST);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_RELEASE_COMPLETE, 0), 0);
	CU_ASSERT_EQUAL(rec.ind_cause[rec.n_ind - 1], 102);
}

static void test_invalid_inputs(void)
{
	static const enum q931_input all[] = {
		Q931_IN_ANSWER, Q931_IN_REJECT, Q931_IN_DISCONNECT_REQ, Q931_IN_CALL_PROCEEDING,
		Q931_IN_ALERTING, Q931_IN_CONNECT, Q931_IN_CONNECT_ACK, Q931_IN_DISCONNECT,
		Q931_IN_RELEASE, Q931_IN_RELEASE_COMPLETE,
	};
	/* in U0 only SETUP / SETUP_REQ are valid */
	fresh();
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		CU_ASSERT_EQUAL(q931_input(&call, all[i], 0), -EPROTO);
	CU_ASSERT_EQUAL(call.state, Q931_NULL);
	CU_ASSERT_EQUAL(rec.n_sent, 0);
	CU_ASSERT_EQUAL(q931_input(&call, (enum q931_input)99, 0), -EPROTO);
	/* in U19 a late CONNECT or DISCONNECT is ignored */
	q931_input(&call, Q931_IN_SETUP_REQ, 0);
	q931_input(&call, Q931_IN_DISCONNECT, 16);
	CU_ASSERT_EQUAL(call.state, Q931_RELEASE_REQUEST);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_CONNECT, 0), -EPROTO);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_DISCONNECT, 16), -EPROTO);
	CU_ASSERT_EQUAL(q931_input(&call, Q931_IN_SETUP_REQ, 0), -EPROTO);
	q931_call_stop(&call);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(q931_state_name(Q931_NULL), "null");
	CU_ASSERT_STRING_EQUAL(q931_state_name(Q931_OUTGOING_PROCEEDING), "outgoing call proceeding");
	CU_ASSERT_STRING_EQUAL(q931_state_name(Q931_RELEASE_REQUEST), "release request");
	CU_ASSERT_STRING_EQUAL(q931_state_name((enum q931_state)77), "unknown");
	CU_ASSERT_STRING_EQUAL(q931_input_name(Q931_IN_CONNECT_ACK), "CONNECT_ACK");
}

static const struct vpdn_test_case q931_tests[] = {
	{ "outgoing to active, local clear", test_outgoing_to_active_and_local_clear },
	{ "CONNECT straight from call initiated", test_connect_directly_from_initiated },
	{ "outgoing busy", test_outgoing_busy },
	{ "remote disconnect keeps its cause", test_remote_disconnect },
	{ "setup timeout, T305, T308", test_setup_timeout },
	{ "alerted then timeout is no answer", test_alerted_timeout_is_no_answer },
	{ "incoming answered, remote clear, collision", test_incoming_answer },
	{ "incoming rejected", test_incoming_reject },
	{ "T313", test_t313 },
	{ "invalid inputs", test_invalid_inputs },
	{ "names", test_names },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-q931", q931_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
