/* SPDX-License-Identifier: MIT */
/*
 * A whole PPP session over a serial line of the line module: the caller's
 * side of a socketpair runs a PPP client engine (libppp_static) through
 * the test's own RFC 1662 framing; the line's CALL_INCOMING is claimed by
 * the test, which starts a PPP server engine on the link with PPP_START.
 * CHAP is verified by a fake authenticator on the bus. Driven by the main
 * loop without blocking and the fake clock, until IPCP is Opened on both.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/vpdnd.h>

#include "chap.h"
#include "hdlc.h"
#include "line-module.h"
#include "line.h"
#include "ppp.h"
#include "vpdn_test.h"

static const char *conf_text =
	"interface \"Serial0:15\" { ip-address = \"18.18.18.1\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LAC\" }\n"
	"interface \"client\" { ip-address = \"17.17.17.1\"\n"
	"  ppp-chap-hostname = \"remote1@cisco.com\"  ppp-chap-password = \"cisco\" }\n";

static struct vpdn_core *core;
static struct vpdn_bus *bus;
static struct ppp_manager *mgr;
static struct line_module *is;
static int peer = -1;
static struct vpdn_link *cl;            /* the client's carrier link */
static struct hdlc_deframer *rx;        /* the client's deframer */
static uint32_t cl_send_accm = HDLC_ACCM_DEFAULT;
static unsigned n_network_up, n_auth, n_accm_line, n_cleared, ppp_started;
static int cleared_cause;
static char up_if[2][16];

static void cl_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	uint8_t buf[HDLC_ENCODED_MAX(2048)];
	ssize_t n = hdlc_encode(cl_send_accm, 0, d, len, buf, sizeof(buf));

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(write(peer, buf, (size_t)n), n);
}

static void cl_hangup(void *ctx, struct vpdn_link *link, int cause)
{
}

static const struct vpdn_link_ops cl_ops = { cl_frame, cl_hangup };

static void rx_frame(const uint8_t *f, size_t len, void *data)
{
	vpdn_link_send(cl, VPDN_LINK_A, f, len);
}

static void ppp_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	ppp_started = status == 0 ? 1 : 2;
}

/* The dialer's part: answer and start a PPP server on the link. */
static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;
	struct vpdn_request *req = vpdn_event_take_request(ev);
	struct vpdn_ev_ppp_start st = {
		.size = sizeof(st), .link = c->link, .interface = c->short_name,
		.config = c->interface, .role = VPDN_PPP_ROLE_SERVER, .dir = VPDN_CALL_IN,
		.call_id = c->call_id, .calling = c->calling, .called = c->called,
		.dnis = c->called, .async = c->async,
	};

	CU_ASSERT(c->async);
	(void)vpdn_bus_request(bus, VPDN_EV_PPP_START, &st, ppp_done, NULL);
	vpdn_request_complete(req, 0, NULL);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_auth(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_auth *a = ev->payload;
	struct vpdn_request *req = vpdn_event_take_request(ev);
	bool ok = a->method == VPDN_AUTH_CHAP_MD5 && a->user && !strcmp(a->user, "remote1@cisco.com") &&
		  chap_md5_verify(a->chap_id, "cisco", 5, a->challenge, a->challenge_len, a->response,
				  a->response_len);
	/* authorization gives remote1 its address (chap-secrets' column) */
	struct vpdn_ev_auth_result r = { .size = sizeof(r), .ok = ok, .user = a->user,
					 .address = { htonl(0x11111101) } };

	n_auth++;
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_accm(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_accm *a = ev->payload;

	if (a->link == cl) {
		cl_send_accm = a->send_accm;
		hdlc_deframer_set_accm(rx, a->recv_accm);
	} else {
		n_accm_line++;
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_up(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp_network *n = ev->payload;

	snprintf(up_if[n_network_up % 2], sizeof(up_if[0]), "%s", n->interface);
	n_network_up++;
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_cleared(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;

	n_cleared++;
	cleared_cause = c->cause;
	return VPDN_BUS_PASS;
}

/* One round: the main loop (the line's fd), then the client's side. */
static bool pump_once(void)
{
	uint8_t buf[4096];
	bool busy = false;
	ssize_t n;

	while (g_main_context_iteration(NULL, FALSE))
		busy = true;
	if (vpdn_bus_run_pending(bus)) /* the fake clock's core: by hand */
		busy = true;
	while ((n = read(peer, buf, sizeof(buf))) > 0) {
		hdlc_deframer_feed(rx, buf, (size_t)n);
		busy = true;
	}
	return busy;
}

/* A parser with the interface table the daemon builds: the core's keys
 * (ip-address, ip-unnumbered...), then ppp's. */
static cfg_t *ppp_cfg_init(void)
{
	cfg_opt_t *iface = vpdn_interface_options_new(ppp_interface_options);
	cfg_opt_t opts[] = {
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE),
		CFG_END()
	};
	cfg_t *c = cfg_init(opts, 0);

	g_free(iface); /* cfg_init() copied it */
	return c;
}

static void test_ppp_session_over_serial(void)
{
	cfg_t *pcfg, *icfg;
	int sp[2];

	core = vpdn_core_new_test();
	bus = vpdn_core_bus(core);
	pcfg = ppp_cfg_init();
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(pcfg, conf_text), CFG_SUCCESS);
	mgr = ppp_manager_new(core, pcfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mgr);
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_INCOMING, on_incoming, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, on_auth, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_LINK_ACCM, on_accm, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_UP, on_up, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_CLEARED, on_cleared, NULL);

	/* The listening socket is replaced by the attached fd below and is
	 * not unlinked by line_module_free(): removed at the end (make check fails
	 * on files left in /tmp). */
	char *sock = g_strdup_printf("/tmp/vpdnd-isdn-ppp-%d.sock", (int)getpid());
	char *text = g_strdup_printf("line \"tty0\" { listen = \"unix:%s\""
				     " number = \"6122\" called = \"211\" interface = \"Serial0:15\" }\n",
				     sock);
	icfg = cfg_init(line_options, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(icfg, text), CFG_SUCCESS);
	g_free(text);
	CU_ASSERT_EQUAL_FATAL(line_module_new(core, icfg, &is), 0);
	cfg_free(icfg);

	/* the client: its engine behind the test's framing on the socketpair */
	rx = hdlc_deframer_new(0, rx_frame, NULL);
	cl = vpdn_link_new("client");
	vpdn_link_attach(cl, VPDN_LINK_A, &cl_ops, NULL);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	peer = sp[0];
	CU_ASSERT_EQUAL(fcntl(peer, F_SETFL, O_NONBLOCK), 0);
	CU_ASSERT_EQUAL_FATAL(line_attach_fd(line_module_find(is, "tty0"), sp[1]), 0);
	CU_ASSERT_EQUAL(ppp_started, 0); /* answers come on the next turn */
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(ppp_started, 1);
	struct ppp_engine *srv = ppp_manager_find(mgr, "tty0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);

	struct ppp_start st = { .link = cl, .end = VPDN_LINK_B, .interface = "client",
				.role = VPDN_PPP_ROLE_CLIENT, .dir = VPDN_CALL_OUT, .async = true };
	struct ppp_engine *cli = ppp_engine_start(mgr, ppp_manager_conf(mgr, "client"), &st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cli);

	for (int i = 0; i < 2000 && n_network_up < 2; i++)
		if (!pump_once())
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	CU_ASSERT_EQUAL(n_network_up, 2);
	CU_ASSERT_EQUAL(n_auth, 1);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(cli)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(srv)->state, FSM_OPENED);
	CU_ASSERT_STRING_EQUAL(ppp_engine_user(srv), "remote1@cisco.com");
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(srv).s_addr, htonl(0x11111101));  /* 17.17.17.1 */
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(cli).s_addr, htonl(0x12121201));  /* 18.18.18.1 */
	/* the server's LINK_ACCM reached the line: both directions use it */
	CU_ASSERT(n_accm_line >= 1);
	struct line_info li;
	line_get_info(line_module_find(is, "tty0"), &li);
	CU_ASSERT_EQUAL(li.send_accm, 0);   /* the client engine asks for ACCM 0 */
	CU_ASSERT_EQUAL(li.rx->bad_fcs, 0);
	/* LCP Configure-Request and -Ack, CHAP Response, IPCP Request and Ack */
	CU_ASSERT_EQUAL(li.rx->frames, 5);
	CU_ASSERT_STRING_EQUAL(li.remote_name ? li.remote_name : "", "remote1@cisco.com");

	/* the caller goes away: the call clears with 16, the server goes */
	close(peer);
	peer = -1;
	for (int i = 0; i < 20; i++) {
		(void)g_main_context_iteration(NULL, FALSE);
		vpdn_bus_run_pending(bus);
	}
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_link_hangup(cl, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_timers_advance(vpdn_core_timers(core), 1000);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);

	line_module_free(is);
	(void)unlink(sock);
	g_free(sock);
	ppp_manager_free(mgr);
	vpdn_link_detach(cl, VPDN_LINK_A);
	vpdn_link_unref(cl);
	hdlc_deframer_free(rx);
	cfg_free(pcfg);
	vpdn_core_free_test(core);
}

static const struct vpdn_test_case tests[] = {
	{ "PPP session over a serial line", test_ppp_session_over_serial },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-serial-ppp", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
