/* SPDX-License-Identifier: MIT */
/*
 * isdn-testpeer: a test-only module standing in for the dialer/PPP layers
 * in the process-level ISDN tests (tests/integration/test-isdn-calls.sh).
 *
 *   isdn-testpeer {
 *     answer-cause = 0       # 0: answer incoming calls; N: refuse with N
 *     dial = {"6121"}        # numbers to call, one after another
 *     dial-port = "E1 0"     # port for the calls (default: any)
 *     dial-interval = 300    # ms before each call
 *   }
 *
 * It echoes frames received on answered calls, sends one frame on each
 * call it places once connected, and logs one "isdn-testpeer:" line per
 * event at notice level, for the test to grep.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <vpdnd/module.h>

static cfg_opt_t tp_section_opts[] = {
	CFG_INT("answer-cause", 0, CFGF_NONE),
	CFG_STR_LIST("dial", NULL, CFGF_NONE),
	CFG_STR("dial-port", NULL, CFGF_NONE),
	CFG_INT("dial-interval", 300, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t tp_options[] = {
	CFG_SEC("isdn-testpeer", tp_section_opts, CFGF_NONE),
	CFG_END()
};

#define TP_MAX_LINKS 16

struct tp {
	struct vpdn_core *core;
	struct vpdn_log *log;
	int answer_cause;
	char **dial;
	unsigned n_dial, next_dial;
	char *port;
	uint64_t interval;
	struct vpdn_timer timer;
	struct vpdn_subscription *sub_in, *sub_clr;
	struct vpdn_link *links[TP_MAX_LINKS]; /* attached at end B, not owned */
};

static void tp_forget(struct tp *tp, struct vpdn_link *link)
{
	for (int i = 0; i < TP_MAX_LINKS; i++)
		if (tp->links[i] == link)
			tp->links[i] = NULL;
}

static void tp_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct tp *tp = ctx;

	vpdn_notice(tp->log, "isdn-testpeer: %s frame of %zu octets", vpdn_link_name(link), len);
	if (len && d[len - 1] == 0x01) {   /* a probe: echo it, marked */
		uint8_t out[64];
		size_t n = len < sizeof(out) ? len : sizeof(out);
		memcpy(out, d, n);
		out[n - 1] = 0x02;
		vpdn_link_send(link, VPDN_LINK_B, out, n);
	} else {
		vpdn_notice(tp->log, "isdn-testpeer: %s echo received", vpdn_link_name(link));
	}
}

/* Lifetime: the carrier is gone; detach now, the link is not ours. */
static void tp_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct tp *tp = ctx;

	vpdn_notice(tp->log, "isdn-testpeer: %s hangup cause %d", vpdn_link_name(link), cause);
	tp_forget(tp, link);
	vpdn_link_detach(link, VPDN_LINK_B);
}

static const struct vpdn_link_ops tp_link_ops = { tp_frame, tp_hangup };

static void tp_attach(struct tp *tp, struct vpdn_link *link)
{
	for (int i = 0; i < TP_MAX_LINKS; i++)
		if (!tp->links[i]) {
			tp->links[i] = link;
			vpdn_link_attach(link, VPDN_LINK_B, &tp_link_ops, tp);
			return;
		}
}

static enum vpdn_bus_verdict tp_incoming(const struct vpdn_event *ev, void *data)
{
	struct tp *tp = data;
	const struct vpdn_ev_call *c = ev->payload;
	struct vpdn_request *req = vpdn_event_take_request(ev);

	vpdn_notice(tp->log, "isdn-testpeer: incoming from %s to %s on %s",
		    c->calling ? c->calling : "?", c->called ? c->called : "?", c->channel);
	if (tp->answer_cause) {
		vpdn_request_complete(req, -tp->answer_cause, NULL);
		return VPDN_BUS_CLAIM;
	}
	tp_attach(tp, c->link);
	vpdn_request_complete(req, 0, NULL);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict tp_cleared(const struct vpdn_event *ev, void *data)
{
	struct tp *tp = data;
	const struct vpdn_ev_call *c = ev->payload;

	vpdn_notice(tp->log, "isdn-testpeer: cleared %s cause %d", c->channel ? c->channel : "-", c->cause);
	return VPDN_BUS_PASS;
}

static void tp_placed(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct tp *tp = data;
	const struct vpdn_ev_call *c = reply;
	uint8_t probe[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x05, 0x01 };

	if (status < 0 || !c) {
		vpdn_notice(tp->log, "isdn-testpeer: dial failed cause %d", -status);
		return;
	}
	vpdn_notice(tp->log, "isdn-testpeer: dial connected on %s", c->channel);
	tp_attach(tp, c->link);
	vpdn_link_send(c->link, VPDN_LINK_B, probe, sizeof(probe));
}

static void tp_dial(struct vpdn_timer *t, void *data)
{
	struct tp *tp = data;
	struct vpdn_ev_call_place p = { .size = sizeof(p), .port = tp->port, .bearer_kbps = 64 };

	if (tp->next_dial >= tp->n_dial)
		return;
	p.number = tp->dial[tp->next_dial++];
	vpdn_notice(tp->log, "isdn-testpeer: dialing %s", p.number);
	(void)vpdn_bus_request(vpdn_core_bus(tp->core), VPDN_EV_CALL_PLACE, &p, tp_placed, tp);
	if (tp->next_dial < tp->n_dial)
		vpdn_timer_arm(vpdn_core_timers(tp->core), &tp->timer, tp->interval);
}

static void tp_fini(void *state)
{
	struct tp *tp = state;

	vpdn_timer_cancel(vpdn_core_timers(tp->core), &tp->timer);
	vpdn_bus_unsubscribe(vpdn_core_bus(tp->core), tp->sub_in);
	vpdn_bus_unsubscribe(vpdn_core_bus(tp->core), tp->sub_clr);
	for (int i = 0; i < TP_MAX_LINKS; i++)
		if (tp->links[i])
			vpdn_link_detach(tp->links[i], VPDN_LINK_B);
	g_strfreev(tp->dial);
	g_free(tp->port);
	g_free(tp);
}

static int tp_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct tp *tp = g_new0(struct tp, 1);
	cfg_t *sec = cfg_getsec(cfg, "isdn-testpeer");

	tp->core = core;
	tp->log = vpdn_core_log(core);
	tp->answer_cause = sec ? (int)cfg_getint(sec, "answer-cause") : 0;
	tp->interval = sec ? (uint64_t)cfg_getint(sec, "dial-interval") : 300;
	tp->n_dial = sec ? cfg_size(sec, "dial") : 0;
	tp->dial = g_new0(char *, tp->n_dial + 1);
	for (unsigned i = 0; i < tp->n_dial; i++)
		tp->dial[i] = g_strdup(cfg_getnstr(sec, "dial", i));
	tp->port = g_strdup(sec ? cfg_getstr(sec, "dial-port") : NULL);
	vpdn_timer_init(&tp->timer, tp_dial, tp);
	tp->sub_in = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_CALL_INCOMING, tp_incoming, tp);
	tp->sub_clr = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_CALL_CLEARED, tp_cleared, tp);
	if (tp->n_dial)
		vpdn_timer_arm(vpdn_core_timers(core), &tp->timer, tp->interval);
	*state = tp;
	return 0;
}

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_CALL_INCOMING, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_CALL_PLACE, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "isdn-testpeer",
	.version = VPDND_VERSION_STRING,
	.description = "Test stand-in for the layers above ISDN: answers, dials, echoes",
	.requires = NULL,
	.options = tp_options,
	.interface_options = NULL,
	.check = NULL,
	.init = tp_init,
	.reload = NULL,
	.fini = tp_fini,
	.claims = claims,
	.uses = uses,
};
