/* SPDX-License-Identifier: MIT */
/*
 * The isdn module end to end in one process: nodes and the switch joined
 * by socketpairs, driven by the main loop (no sleeps) and the fake clock.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/core.h>

#include "isdn.h"
#include "isdn-private.h"
#include "isdn-state.h"
#include "restart-state.h"
#include <vpdnd/restart.h>
#include "line-module.h"
#include "switch.h"
#include "vpdn_test.h"
#include "wire.h"

enum mode { ANSWER, REFUSE, IGNORE, DEFER };

struct consumer {
	struct vpdn_link *link;
	unsigned frames, hangups;
	int cause;
	uint8_t last[64];
	size_t last_len;
};

static struct vpdn_core *core;
static struct vpdn_bus *bus;
static struct isdn_sw *sw;
static struct isdn *lac, *rem1, *rem2;
static enum mode mode;
static int refuse_cause;
static struct vpdn_request *deferred;
static struct consumer in_cons[4], out_cons[4];
static unsigned n_in, n_connected, n_cleared;
static int last_cleared_cause;
static char last_called[33], last_calling[33], last_channel[33], last_iface[33];
static int place_status;
static bool place_done;
static struct vpdn_subscription *subs[3];

static void cons_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct consumer *c = ctx;
	c->frames++;
	c->last_len = len < sizeof(c->last) ? len : sizeof(c->last);
	memcpy(c->last, d, c->last_len);
}

static void cons_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct consumer *c = ctx;
	c->hangups++;
	c->cause = cause;
	vpdn_link_detach(link, VPDN_LINK_B);
}

static const struct vpdn_link_ops cons_ops = { cons_frame, cons_hangup };

static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;
	struct vpdn_request *req;

	n_in++;
	snprintf(last_called, sizeof(last_called), "%s", c->called ? c->called : "");
	snprintf(last_calling, sizeof(last_calling), "%s", c->calling ? c->calling : "");
	snprintf(last_channel, sizeof(last_channel), "%s", c->channel ? c->channel : "");
	snprintf(last_iface, sizeof(last_iface), "%s", c->interface ? c->interface : "");
	if (mode == IGNORE)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	switch (mode) {
	case ANSWER: {
		struct consumer *k = &in_cons[(n_in - 1) % 4];
		memset(k, 0, sizeof(*k));
		k->link = c->link;
		vpdn_link_attach(c->link, VPDN_LINK_B, &cons_ops, k);
		vpdn_request_complete(req, 0, NULL);
		break;
	}
	case REFUSE:
		vpdn_request_complete(req, -refuse_cause, NULL);
		break;
	default:
		deferred = req;
		break;
	}
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_connected(const struct vpdn_event *ev, void *data)
{
	n_connected++;
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_cleared(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;
	n_cleared++;
	last_cleared_cause = c->cause;
	return VPDN_BUS_PASS;
}

static struct consumer *next_out;

static void place_cb(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_call *c = reply;
	place_done = true;
	place_status = status;
	if (status == 0 && c && c->link && next_out) {
		memset(next_out, 0, sizeof(*next_out));
		next_out->link = c->link;
		snprintf(last_channel, sizeof(last_channel), "%s", c->channel);
		vpdn_link_attach(c->link, VPDN_LINK_B, &cons_ops, next_out);
	}
}

/* Main-loop turns: sockets, then the bus's queued completions (the test
 * core's timers are a fake clock, so the bus's timer never fires here). */
static void pump(void)
{
	int idle = 0;
	for (int i = 0; i < 10000 && idle < 3; i++) {
		bool busy = g_main_context_iteration(NULL, FALSE);
		busy = vpdn_bus_run_pending(bus) > 0 || busy;
		idle = busy ? 0 : idle + 1;
	}
}

static cfg_t *parse(const char *text)
{
	cfg_t *cfg = cfg_init(isdn_options, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(isdn_check(cfg), 0);
	return cfg;
}

static struct isdn *node(const char *text)
{
	int sp[2];
	struct isdn *is = NULL;
	cfg_t *cfg = parse(text);

	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(isdn_sw_add_fd(sw, sp[0]), 0);
	CU_ASSERT_EQUAL_FATAL(isdn_new_fd(core, cfg, sp[1], &is), 0);
	cfg_free(cfg);
	return is;
}

static void start(void)
{
	core = vpdn_core_new_test();
	bus = vpdn_core_bus(core);
	sw = isdn_sw_new(core);
	mode = ANSWER;
	n_in = n_connected = n_cleared = 0;
	deferred = NULL;
	subs[0] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_INCOMING, on_incoming, NULL);
	subs[1] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, on_connected, NULL);
	subs[2] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_CLEARED, on_cleared, NULL);
	lac = node("isdn { switch-type = \"primary-net5\" call-timeout = 30 }\n"
		   "controller \"E1 0\" { pri-group-timeslots = \"1-31\" number = {\"8211\"} dnis-digits = 3 }\n");
	rem1 = node("controller \"BRI 0\" { number = {\"6122\"} }\n");
	rem2 = node("controller \"BRI 0\" { number = {\"6121\"} }\n");
	pump();
	CU_ASSERT(isdn_connected(lac));
}

static void stop(void)
{
	isdn_free(lac);
	isdn_free(rem1);
	isdn_free(rem2);
	isdn_sw_free(sw);
	pump();
	for (int i = 0; i < 3; i++)
		vpdn_bus_unsubscribe(bus, subs[i]);
	vpdn_core_free_test(core);
}

static void place(const char *port, const char *number, struct consumer *out)
{
	struct vpdn_ev_call_place p = { .size = sizeof(p), .port = port, .number = number,
					.bearer_kbps = 64 };
	place_done = false;
	place_status = 1;
	next_out = out;
	(void)vpdn_bus_request(bus, VPDN_EV_CALL_PLACE, &p, place_cb, NULL);
	pump();
}

/* The consumer k hangs up its end (normal clearing) and lets go. */
static void hang_up(struct consumer *k)
{
	vpdn_link_hangup(k->link, VPDN_LINK_B, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_link_detach(k->link, VPDN_LINK_B);
	pump();
}

static void test_dial_in_data_and_hangup(void)
{
	start();
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, 0);
	CU_ASSERT_STRING_EQUAL(last_channel, "BRI0:2");
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_STRING_EQUAL(last_called, "211");   /* DNIS */
	CU_ASSERT_STRING_EQUAL(last_calling, "6122");
	CU_ASSERT_STRING_EQUAL(last_iface, "Serial0:15");
	CU_ASSERT_EQUAL(n_connected, 2);               /* both ends */
	CU_ASSERT_EQUAL(isdn_call_count(lac), 1);
	CU_ASSERT_EQUAL(isdn_call_count(rem1), 1);
	/* a PPP frame from remote1 reaches the LAC's consumer, and back */
	uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x7d, 0x00, 0x04 };
	CU_ASSERT_EQUAL(vpdn_link_send(out_cons[0].link, VPDN_LINK_B, lcp, sizeof(lcp)), 0);
	pump();
	CU_ASSERT_EQUAL(in_cons[0].frames, 1);
	CU_ASSERT_EQUAL(in_cons[0].last_len, sizeof(lcp));
	CU_ASSERT(memcmp(in_cons[0].last, lcp, sizeof(lcp)) == 0);
	CU_ASSERT_EQUAL(vpdn_link_send(in_cons[0].link, VPDN_LINK_B, lcp, 4), 0);
	pump();
	CU_ASSERT_EQUAL(out_cons[0].frames, 1);
	CU_ASSERT_EQUAL(out_cons[0].last_len, 4);
	/* remote1's consumer hangs up: the LAC's consumer hears cause 16 */
	hang_up(&out_cons[0]);
	CU_ASSERT_EQUAL(in_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(in_cons[0].cause, 16);
	CU_ASSERT_EQUAL(out_cons[0].hangups, 0);
	CU_ASSERT_EQUAL(n_cleared, 2);
	CU_ASSERT_EQUAL(last_cleared_cause, 16);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(isdn_call_count(rem1), 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	CU_ASSERT_EQUAL(vpdn_timers_count(vpdn_core_timers(core)), 0);
	stop();
}

/* A node with two PRIs: the switch numbers call references per D channel,
 * so both calls carry cref 1 and the node tells them apart by port. */
static void test_two_pris_same_cref(void)
{
	start();
	struct isdn *big = node("controller \"E1 0\" { number = {\"71\"} }\n"
				"controller \"E1 1\" { number = {\"72\"} }\n");
	pump();
	place("BRI 0", "71", &out_cons[0]);
	CU_ASSERT_EQUAL(place_status, 0);
	CU_ASSERT_STRING_EQUAL(last_iface, "Serial0:15");
	place("BRI 0", "72", &out_cons[1]);
	CU_ASSERT_EQUAL(place_status, 0);
	CU_ASSERT_STRING_EQUAL(last_iface, "Serial1:15");
	CU_ASSERT_EQUAL(isdn_call_count(big), 2);
	/* each PRI's lowest B channel holds one of them (the channel index) */
	struct isdn_call *c0 = isdn_call_on(big, g_ptr_array_index(big->ports, 0), 0);
	struct isdn_call *c1 = isdn_call_on(big, g_ptr_array_index(big->ports, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(c0);
	CU_ASSERT_PTR_NOT_NULL(c1);
	CU_ASSERT_PTR_NOT_EQUAL(c0, c1);
	CU_ASSERT_PTR_NULL(isdn_call_on(big, g_ptr_array_index(big->ports, 1), 1));
	/* a frame on the second call reaches only the second call */
	uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x7d, 0x00, 0x04 };
	CU_ASSERT_EQUAL(vpdn_link_send(out_cons[1].link, VPDN_LINK_B, lcp, sizeof(lcp)), 0);
	pump();
	CU_ASSERT_EQUAL(in_cons[1].frames, 1);
	CU_ASSERT_EQUAL(in_cons[0].frames, 0);
	/* clearing the first leaves the second */
	hang_up(&out_cons[0]);
	CU_ASSERT_EQUAL(in_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(in_cons[1].hangups, 0);
	CU_ASSERT_EQUAL(isdn_call_count(big), 1);
	CU_ASSERT_PTR_NULL(isdn_call_on(big, g_ptr_array_index(big->ports, 0), 0));
	hang_up(&out_cons[1]);
	CU_ASSERT_EQUAL(isdn_call_count(big), 0);
	isdn_free(big);
	stop();
}

static void test_dial_out_busy_unallocated(void)
{
	start();
	/* the seed's dial-out: LAC to 6121 hunts down from Serial0:30 */
	place("Serial0:15", "6121", &out_cons[0]);
	CU_ASSERT_EQUAL(place_status, 0);
	CU_ASSERT_STRING_EQUAL(last_channel, "Serial0:30");
	place(NULL, "6121", &out_cons[1]);
	CU_ASSERT_EQUAL(place_status, 0);
	CU_ASSERT_STRING_EQUAL(last_channel, "Serial0:29");
	place("E1 0", "6121", &out_cons[2]);
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_USER_BUSY);
	place("E1 0", "5555", &out_cons[2]);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_UNALLOCATED_NUMBER);
	place("E1 0", "12ab", &out_cons[2]);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_INVALID_NUMBER_FORMAT);
	/* a port nobody has: unclaimed */
	place("T1 7", "6121", &out_cons[2]);
	CU_ASSERT_EQUAL(place_status, -ENOENT);
	CU_ASSERT_EQUAL(isdn_stats(lac)->failed, 3);
	/* CALL_HANGUP clears the first call by id: the LAC end hears nothing
	 * back on a request it made itself, remote2's consumer gets cause 16 */
	CU_ASSERT_EQUAL(isdn_call_count(lac), 2);
	stop();
}

static unsigned hangup_status_calls;
static void hangup_cb(struct vpdn_request *req, int status, const void *reply, void *data)
{
	hangup_status_calls++;
	CU_ASSERT_EQUAL(status, 0);
}

static uint32_t connected_id;
static enum vpdn_bus_verdict grab_id(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;
	if (c->dir == VPDN_CALL_OUT)
		connected_id = c->call_id;
	return VPDN_BUS_PASS;
}

static void test_call_hangup_request(void)
{
	start();
	struct vpdn_subscription *s = vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, grab_id, NULL);
	place("E1 0", "6122", &out_cons[0]);
	CU_ASSERT_EQUAL_FATAL(place_status, 0);
	CU_ASSERT(connected_id & 0x8000);
	struct vpdn_ev_call_hangup h = { .size = sizeof(h), .call_id = connected_id, .cause = 16 };
	hangup_status_calls = 0;
	(void)vpdn_bus_request(bus, VPDN_EV_CALL_HANGUP, &h, hangup_cb, NULL);
	pump();
	CU_ASSERT_EQUAL(hangup_status_calls, 1);
	CU_ASSERT_EQUAL(in_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(out_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(isdn_call_count(rem1), 0);
	vpdn_bus_unsubscribe(bus, s);
	stop();
}

static void test_refused_and_unclaimed(void)
{
	start();
	mode = REFUSE;
	refuse_cause = VPDN_CAUSE_CALL_REJECTED;
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT_EQUAL(place_status, -21);
	mode = IGNORE;
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT_EQUAL(place_status, -88);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(isdn_call_count(rem1), 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	stop();
}

static void test_no_answer_timeout(void)
{
	start();
	mode = DEFER;
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT_FALSE(place_done);
	CU_ASSERT_PTR_NOT_NULL(deferred);
	vpdn_timers_advance(vpdn_core_timers(core), 30000);
	pump();
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_NO_USER_RESPONDING);
	pump();
	/* the LAC cancelled its CALL_INCOMING: completing it now is harmless */
	vpdn_request_complete(deferred, 0, NULL);
	pump();
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(isdn_call_count(rem1), 0);
	stop();
}

/* Reload: call-timeout and dnis-digits apply to new calls; any other
 * change is refused and the running settings stay. */
static void test_reload(void)
{
	start();
	cfg_t *c = parse("isdn { call-timeout = 5 }\ncontroller \"BRI 0\" { number = {\"6122\"} }\n");
	CU_ASSERT_EQUAL(isdn_reload(rem1, c), 0);
	cfg_free(c);
	static const char *const refused[] = {
		"controller \"BRI 0\" { number = {\"6199\"} }\n",
		"isdn { switch-type = \"basic-5ess\" }\ncontroller \"BRI 0\" { number = {\"6122\"} }\n",
		"isdn { network = \"unix:/elsewhere.sock\" }\ncontroller \"BRI 0\" { number = {\"6122\"} }\n",
		"controller \"BRI 0\" { number = {\"6122\"} }\ncontroller \"BRI 1\" { number = {\"6123\"} }\n",
		"controller \"BRI 1\" { number = {\"6122\"} }\n",
		"",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		c = parse(refused[i]);
		CU_ASSERT_EQUAL(isdn_reload(rem1, c), -EINVAL);
		cfg_free(c);
	}
	CU_ASSERT_EQUAL(rem1->setup_timeout_ms, 5000);
	/* the new call-timeout is the one a new call runs with */
	mode = DEFER;
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT_FALSE(place_done);
	vpdn_timers_advance(vpdn_core_timers(core), 5000);
	pump();
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_NO_USER_RESPONDING);
	vpdn_request_complete(deferred, 0, NULL);
	pump();
	/* dnis-digits on the LAC */
	c = parse("isdn { switch-type = \"primary-net5\" call-timeout = 30 }\n"
		  "controller \"E1 0\" { pri-group-timeslots = \"1-31\" number = {\"8211\"} dnis-digits = 2 }\n");
	CU_ASSERT_EQUAL(isdn_reload(lac, c), 0);
	cfg_free(c);
	CU_ASSERT_EQUAL(((struct isdn_port *)g_ptr_array_index(lac->ports, 0))->dnis_digits, 2);
	stop();
}

/* The module stops with a call up: the call is cleared (the consumer
 * hears it), taken out of the tables, and its memory freed through the
 * bus's deferred frees, once (ASan: no leak, no double free). */
static void test_stop_with_call_up(void)
{
	start();
	place("E1 0", "6121", &out_cons[0]);
	CU_ASSERT_EQUAL_FATAL(place_status, 0);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 1);
	vpdn_bus_run_pending(bus);
	isdn_free(lac);
	lac = NULL;
	CU_ASSERT_EQUAL(out_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(vpdn_bus_run_deferred(bus), 1);  /* the LAC's one call */
	CU_ASSERT_EQUAL(vpdn_bus_run_deferred(bus), 0);
	stop();
}

static void test_node_death(void)
{
	start();
	place("E1 0", "6121", &out_cons[0]);
	CU_ASSERT_EQUAL_FATAL(place_status, 0);
	n_cleared = 0;
	isdn_free(rem2);
	rem2 = NULL;
	pump();
	CU_ASSERT_EQUAL(out_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(out_cons[0].cause, VPDN_CAUSE_DEST_OUT_OF_ORDER);
	CU_ASSERT_EQUAL(last_cleared_cause, VPDN_CAUSE_DEST_OUT_OF_ORDER);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	place("E1 0", "6121", &out_cons[0]);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_UNALLOCATED_NUMBER);
	stop();
}

static void test_network_death(void)
{
	start();
	place("E1 0", "6121", &out_cons[0]);
	CU_ASSERT_EQUAL_FATAL(place_status, 0);
	isdn_sw_free(sw);
	sw = NULL;
	pump();
	CU_ASSERT_FALSE(isdn_connected(lac));
	CU_ASSERT_EQUAL(out_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(out_cons[0].cause, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
	/* remote2 hears of the LAC's leg first (27) or of its own loss (38) */
	CU_ASSERT_EQUAL(in_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	place("E1 0", "6121", &out_cons[0]);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
	stop();
}

static void test_malformed_from_network(void)
{
	int sp[2];
	struct isdn *is = NULL;
	cfg_t *cfg;
	uint8_t junk[] = { 0x00, 9, 0x99, 0, 0, 0x00, 0x01, 0xde, 0xad };
	uint8_t setup_bad[] = { 0x00, 10, ISDN_MSG_SETUP, 0, 0, 0x00, 0x01, ISDN_TLV_CHANNEL, 5, 1 };
	uint8_t buf[256];

	core = vpdn_core_new_test();
	bus = vpdn_core_bus(core);
	cfg = parse("controller \"BRI 0\" { number = {\"6122\"} }\n");
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(isdn_new_fd(core, cfg, sp[1], &is), 0);
	pump();
	CU_ASSERT(read(sp[0], buf, sizeof(buf)) > 0); /* its REGISTER */
	CU_ASSERT_EQUAL(write(sp[0], setup_bad, sizeof(setup_bad)), (ssize_t)sizeof(setup_bad));
	pump();
	CU_ASSERT_EQUAL(isdn_stats(is)->malformed, 1);
	CU_ASSERT_FALSE(isdn_connected(is));
	isdn_free(is);
	close(sp[0]);
	/* and an unknown message type on a fresh connection */
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(isdn_new_fd(core, cfg, sp[1], &is), 0);
	CU_ASSERT_EQUAL(write(sp[0], junk, sizeof(junk)), (ssize_t)sizeof(junk));
	pump();
	CU_ASSERT_EQUAL(isdn_stats(is)->malformed, 1);
	isdn_free(is);
	close(sp[0]);
	cfg_free(cfg);
	vpdn_core_free_test(core);
}

static void test_malformed_to_switch(void)
{
	int sp[2];
	uint8_t junk[] = { 0x00, 0x02, 0x00 };

	core = vpdn_core_new_test();
	bus = vpdn_core_bus(core);
	sw = isdn_sw_new(core);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(isdn_sw_add_fd(sw, sp[0]), 0);
	CU_ASSERT_EQUAL(write(sp[1], junk, sizeof(junk)), (ssize_t)sizeof(junk));
	pump();
	CU_ASSERT_EQUAL(isdn_sw_stats(sw)->malformed, 1);
	/* the switch hung up on us */
	uint8_t b[8];
	CU_ASSERT_EQUAL(read(sp[1], b, sizeof(b)), 0);
	close(sp[1]);
	isdn_sw_free(sw);
	vpdn_core_free_test(core);
}

static void test_config_errors(void)
{
	static const char *bad[] = {
		"controller \"X1 0\" { }",
		"controller \"E1 0\" { pri-group-timeslots = \"0-31\" }",
		"controller \"BRI 0\" { pri-group-timeslots = \"1-2\" }",
		"controller \"E1 0\" { number = {\"12a\"} }",
		"controller \"E1 0\" { dnis-digits = -1 }",
		"isdn { network = \"tcp:1.2.3.4\" }",
		"isdn { call-timeout = 0 }",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		cfg_t *cfg = cfg_init(isdn_options, CFGF_NONE);
		cfg_set_error_function(cfg, NULL);
		CU_ASSERT_EQUAL(cfg_parse_buf(cfg, bad[i]), CFG_SUCCESS);
		CU_ASSERT_EQUAL(isdn_check(cfg), -EINVAL);
		cfg_free(cfg);
	}
}

/* The line module beside the isdn modules on one bus (two carriers, two
 * modules): a CALL_PLACE naming no port is the ISDN ports' (the isdn
 * module runs first) even with a free dial-out line; one naming the line
 * or its interface is the line's (here it cannot connect: cause 27). The
 * ISDN call's id came from the core's one service. */
static void test_line_beside_ports(void)
{
	struct line_module *lm = NULL;
	char *text;
	cfg_t *cfg;

	start();
	text = g_strdup_printf("line \"tty9\" { connect = \"unix:/tmp/vpdnd-no-such-%d.sock\""
			       " calls = \"out\" interface = \"Serial9\" }\n", (int)getpid());
	cfg = cfg_init(line_options, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(line_module_new(core, cfg, &lm), 0);
	cfg_free(cfg);
	g_free(text);
	CU_ASSERT_TRUE(line_can_dial(line_module_find(lm, "tty9")));

	place(NULL, "6122", &out_cons[0]);
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, 0);
	CU_ASSERT_EQUAL(strncmp(last_channel, "Serial0:", 8), 0);  /* the LAC's E1 0 */
	CU_ASSERT_EQUAL(isdn_call_count(lac), 1);
	CU_ASSERT_EQUAL(n_in, 1);
	/* rem1's incoming call took the node's first id */
	CU_ASSERT_EQUAL(vpdn_core_call_id(core), 0x011C);

	place("Serial9", "6121", NULL);
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_DEST_OUT_OF_ORDER);
	place("tty9", "6121", NULL);
	CU_ASSERT(place_done);
	CU_ASSERT_EQUAL(place_status, -VPDN_CAUSE_DEST_OUT_OF_ORDER);
	CU_ASSERT_EQUAL(n_in, 1);                  /* no ISDN call for them */
	CU_ASSERT_TRUE(line_can_dial(line_module_find(lm, "tty9")));

	hang_up(&out_cons[0]);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	line_module_free(lm);
	stop();
}

/* Restart in place (isdn-state.c): remote1's call to the LAC is up; the
 * LAC's module saves (the stream kept), vanishes without a word (the
 * exec) and a new one restores: the same call id on the same B channel,
 * its link offered as carrier/NAME; frames flow both ways; the switch
 * kept the connection and the call (a second REGISTER would have had
 * the node dropped). Another version is refused. A second restart where
 * nobody takes the link: the call is cleared toward the network
 * (remote1 hears cause 16), counted. */
static struct isdn *lac_restart_cfg(GVariant **st, const char *controllers);

static struct isdn *lac_restart(GVariant **st)
{
	return lac_restart_cfg(st, "controller \"E1 0\" { pri-group-timeslots = \"1-31\" "
			       "number = {\"8211\"} dnis-digits = 3 }\n");
}

static struct isdn *lac_restart_cfg(GVariant **st, const char *controllers)
{
	const char *name = NULL;
	struct isdn *is = NULL;
	int fd;
	cfg_t *cfg;

	*st = g_variant_ref_sink(isdn_state_save(lac));
	CU_ASSERT_EQUAL_FATAL(vpdn_restart_kept_count(core), 1);
	fd = dup(vpdn_restart_kept_at(core, 0, &name));
	CU_ASSERT_STRING_EQUAL(name, "isdn/stream");
	vpdn_restart_kept_clear(core);
	/* The old module goes without a word (its copy of the socket
	 * closes, as at the exec; the switch still has the dup). */
	isdn_free(lac);
	lac = NULL;
	pump();
	vpdn_restart_set_history(core, true, 1, NULL, 0);
	vpdn_restart_add_inherited(core, "isdn/stream", fd);
	{
		char *text = g_strdup_printf("isdn { switch-type = \"primary-net5\" network = "
					     "\"unix:/nonexistent/isdn.sock\" }\n%s", controllers);
		cfg = parse(text);
		g_free(text);
	}
	CU_ASSERT_EQUAL_FATAL(isdn_new(core, cfg, &is), 0);
	cfg_free(cfg);
	return is;
}

static void test_restart_in_place(void)
{
	uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };
	struct consumer k = { 0 };
	struct vpdn_link *l;
	uint32_t call_id;
	char key[64], chan_before[ISDN_CHAN_NAME_MAX];
	GVariant *st;
	uint64_t *lost;

	start();
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT_EQUAL_FATAL(place_status, 0);
	CU_ASSERT_EQUAL_FATAL(isdn_call_count(lac), 1);
	{
		GList *v = g_hash_table_get_values(lac->calls);
		struct isdn_call *c = v->data;
		call_id = c->call_id;
		g_snprintf(key, sizeof(key), "carrier/%s", vpdn_link_name(c->link));
		isdn_call_channel(c, chan_before);
		g_list_free(v);
	}
	unsigned sw_calls = isdn_sw_call_count(sw);
	CU_ASSERT(sw_calls > 0);
	lac = lac_restart(&st);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), sw_calls);  /* the switch kept it */
	CU_ASSERT_EQUAL(isdn_state_restore(lac, st, ISDN_STATE_VERSION + 1), -EPROTO);
	CU_ASSERT_EQUAL(isdn_state_restore(lac, st, ISDN_STATE_VERSION), 0);
	g_variant_unref(st);
	CU_ASSERT(isdn_connected(lac));
	CU_ASSERT_EQUAL_FATAL(isdn_call_count(lac), 1);
	{
		GList *v = g_hash_table_get_values(lac->calls);
		struct isdn_call *c = v->data;
		CU_ASSERT_EQUAL(c->call_id, call_id);
		CU_ASSERT_EQUAL(c->q.state, Q931_ACTIVE);
		CU_ASSERT_STRING_EQUAL(c->calling, "6122");
		CU_ASSERT_STRING_EQUAL(isdn_call_called(c), "8211"); /* after calling, in the call */
		{
			char chan[ISDN_CHAN_NAME_MAX], lkey[64];
			/* the names are made again from the channel: the same */
			CU_ASSERT_STRING_EQUAL(isdn_call_channel(c, chan), chan_before);
			CU_ASSERT(chan[0] != '\0');
			g_snprintf(lkey, sizeof(lkey), "carrier/%s", vpdn_link_name(c->link));
			CU_ASSERT_STRING_EQUAL(lkey, key);
		}
		g_list_free(v);
	}
	l = vpdn_core_restored_link_take(core, key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	k.link = l;
	vpdn_link_attach(l, VPDN_LINK_B, &cons_ops, &k);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 0);
	pump();
	out_cons[0].frames = 0;
	CU_ASSERT_EQUAL(vpdn_link_send(out_cons[0].link, VPDN_LINK_B, lcp, sizeof(lcp)), 0);
	pump();
	CU_ASSERT_EQUAL(k.frames, 1);
	CU_ASSERT_EQUAL(k.last_len, sizeof(lcp));
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_B, lcp, 6), 0);
	pump();
	CU_ASSERT_EQUAL(out_cons[0].frames, 1);
	CU_ASSERT_EQUAL(out_cons[0].hangups, 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), sw_calls);
	/* Once more, and nobody takes the link back: cleared, counted. */
	vpdn_link_detach(l, VPDN_LINK_B);
	lac = lac_restart(&st);
	CU_ASSERT_EQUAL(isdn_state_restore(lac, st, ISDN_STATE_VERSION), 0);
	g_variant_unref(st);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 1);
	pump();
	CU_ASSERT_EQUAL(out_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(out_cons[0].cause, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	lost = vpdn_core_counter(core, "isdn_restart_calls_lost_total", NULL);
	CU_ASSERT_EQUAL(*lost, 1);
	stop();
}

/* The new config numbers the ports otherwise (a controller inserted
 * before E1 0): the connection handed over cannot be used (the switch
 * knows E1 0 by its old index), so it is closed and the module connects
 * anew; the switch clears the node's calls: remote1 hears it. */
static void test_restart_ports_renumbered(void)
{
	GVariant *st;

	start();
	place("BRI 0", "8211", &out_cons[0]);
	CU_ASSERT_EQUAL_FATAL(place_status, 0);
	lac = lac_restart_cfg(&st, "controller \"E1 1\" { number = {\"8311\"} }\n"
			      "controller \"E1 0\" { pri-group-timeslots = \"1-31\" "
			      "number = {\"8211\"} dnis-digits = 3 }\n");
	CU_ASSERT_EQUAL(isdn_state_restore(lac, st, ISDN_STATE_VERSION), 0);
	g_variant_unref(st);
	CU_ASSERT_EQUAL(isdn_call_count(lac), 0);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 0);
	/* The reconnect timer (due now) closes the old connection. */
	vpdn_timers_advance(vpdn_core_timers(core), 1);
	pump();
	CU_ASSERT_EQUAL(out_cons[0].hangups, 1);
	CU_ASSERT_EQUAL(isdn_sw_call_count(sw), 0);
	CU_ASSERT_FALSE(isdn_connected(lac));
	stop();
}

static const struct vpdn_test_case call_tests[] = {
	{ "two PRIs, the same cref on each", test_two_pris_same_cref },
	{ "dial-in, data, hang-up", test_dial_in_data_and_hangup },
	{ "dial-out, busy, unallocated", test_dial_out_busy_unallocated },
	{ "CALL_HANGUP", test_call_hangup_request },
	{ "refused, unclaimed", test_refused_and_unclaimed },
	{ "no answer timeout", test_no_answer_timeout },
	{ "called node dies", test_node_death },
	{ "module stops with a call up: freed next turn", test_stop_with_call_up },
	{ "network dies", test_network_death },
	{ "malformed from the network", test_malformed_from_network },
	{ "malformed to the switch", test_malformed_to_switch },
	{ "config errors", test_config_errors },
	{ "reload", test_reload },
	{ "a line module beside the ports", test_line_beside_ports },
	{ "restart in place: the call survives, an orphan is cleared", test_restart_in_place },
	{ "restart in place: ports renumbered, connected anew", test_restart_ports_renumbered },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-calls", call_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
