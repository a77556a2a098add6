/* SPDX-License-Identifier: MIT */
/*
 * Two L2TP engines back to back over a fake transport (a queue of
 * datagrams), on one test core with a fake clock: tunnels with
 * authentication and hidden AVPs, sessions both ways, CDN paths, StopCCN
 * result codes, tie breaker, failover, hold state.
 *
 * The test plays the other modules on the bus: it publishes
 * FORWARD_REQUEST (LAC PPP) and DIALOUT_REQUEST (LNS dialer), claims
 * SESSION_INCOMING (LNS PPP) and DIAL_REQUEST (LAC dialer).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "l2tp.h"
#include "restart-state.h"
#include "vpdn_test.h"

#define SECRET "l2tptunnel"
#define MAXREC 256

/* ------------------------------------------------------------------ */
/* Fake network                                                       */

struct dgram {
	struct l2tp *to;
	struct sockaddr_storage dst, src;
	size_t len;
	uint8_t data[];
};

struct rec {
	int from;              /* 0 LAC, 1 LNS */
	bool control;
	uint16_t type, ns, nr, tid, sid;
	uint16_t result, error, cause;
	bool ppp_disc;             /* PPP Disconnect Cause Code (RFC 3145) */
	uint16_t disc_code, disc_proto;
	uint8_t disc_dir;
	char msg[64], disc_msg[64]; /* Result Code message, AVP 46 text */
	bool hidden, seq;
	size_t len;
	uint8_t data[512];
};

struct net {
	struct vpdn_core *core;
	struct vpdn_timers *tm;
	struct l2tp *lac, *lns;
	GQueue q;
	struct rec rec[MAXREC];
	unsigned nrec;
	bool drop_to_lns;
	unsigned drop_to_lac_n;   /* drop the next N datagrams to the LAC */
	unsigned lns_src_port;    /* the LNS answers from this port (§8.1), 0: 1701 */
	uint16_t drop_type_to_lac; /* drop control messages of this type to the LAC */
	struct vpdn_request *last_req;
};

static struct net N;

/* The IPv6 variant (opts.v6): every 127.0.0.N of the tests and configs
 * becomes fd00::N, so the same exchanges run over IPv6 addresses. */
static bool v6_mode;

static void addr(struct sockaddr_storage *ss, const char *ip, unsigned port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char v6[64];

	memset(ss, 0, sizeof(*ss));
	if (v6_mode && strncmp(ip, "127.0.0.", 8) == 0) {
		snprintf(v6, sizeof(v6), "fd00::%s", ip + 8);
		ip = v6;
	}
	if (strchr(ip, ':')) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		CU_ASSERT_FATAL(inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1);
		return;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	inet_pton(AF_INET, ip, &in->sin_addr);
}

/* In the IPv6 variant, "127.0.0." in a config becomes "fd00::". */
static void config_v6(char *buf, size_t size)
{
	GString *g = g_string_new(buf);

	if (v6_mode) {
		g_string_replace(g, "127.0.0.", "fd00::", 0);
		g_strlcpy(buf, g->str, size);
	}
	g_string_free(g, TRUE);
}

static void record(int from, const uint8_t *buf, size_t len)
{
	struct l2tp_decode_ctx *dc = g_new0(struct l2tp_decode_ctx, 1);
	struct l2tp_header h;
	struct l2tp_msg m;
	struct rec *r;

	if (N.nrec >= MAXREC) {
		g_free(dc);
		return;
	}
	r = &N.rec[N.nrec++];
	memset(r, 0, sizeof(*r));
	r->from = from;
	l2tp_decode_ctx_init(dc, SECRET, strlen(SECRET));
	if (l2tp_datagram_decode(buf, len, &h, &m, dc) < 0)
		r->type = 0xffff;
	r->control = l2tp_header_is_control(&h);
	r->type = r->control ? m.message_type : 0xfffe;
	r->ns = h.ns;
	r->nr = h.nr;
	r->tid = h.tunnel_id;
	r->sid = h.session_id;
	r->seq = (h.flags & L2TP_HDR_S) != 0;
	r->result = m.result.result;
	r->error = m.result.error;
	r->cause = l2tp_msg_has(&m, L2TP_AVP_Q931_CAUSE) ? m.q931.cause : 0;
	r->ppp_disc = l2tp_msg_has(&m, L2TP_AVP_PPP_DISCONNECT_CAUSE);
	r->disc_code = m.ppp_disconnect.code;
	r->disc_proto = m.ppp_disconnect.protocol;
	r->disc_dir = m.ppp_disconnect.direction;
	l2tp_bytes_to_str(&m.result.message, r->msg, sizeof(r->msg));
	l2tp_bytes_to_str(&m.ppp_disconnect.message, r->disc_msg, sizeof(r->disc_msg));
	r->hidden = m.hidden != 0;
	r->len = MIN(len, sizeof(r->data));
	memcpy(r->data, buf, r->len);
	g_free(dc);
}

static int fake_xmit(void *xctx, const struct sockaddr_storage *local,
		     const struct sockaddr_storage *peer, const uint8_t *buf, size_t len)
{
	struct l2tp *self = xctx;
	struct sockaddr_storage lac, lns;
	struct dgram *d;

	record(self == N.lns, buf, len);
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	d = g_malloc0(sizeof(*d) + len);
	if (l2tp_addr_same_host(peer, &lns) && !N.drop_to_lns)
		d->to = N.lns;
	else if (l2tp_addr_same_host(peer, &lac)) {
		if (N.drop_type_to_lac && N.rec[N.nrec - 1].control &&
		    N.rec[N.nrec - 1].type == N.drop_type_to_lac)
			; /* lost */
		else if (N.drop_to_lac_n)
			N.drop_to_lac_n--;
		else
			d->to = N.lac;
	}
	if (!d->to) {
		g_free(d); /* a black hole */
		return 0;
	}
	d->dst = *peer;
	d->src = *local;
	if (self == N.lns && N.lns_src_port)
		((struct sockaddr_in *)&d->src)->sin_port = htons(N.lns_src_port);
	d->len = len;
	memcpy(d->data, buf, len);
	g_queue_push_tail(&N.q, d);
	return 0;
}

static void pump(void)
{
	struct dgram *d;
	unsigned n = 0;

	while ((d = g_queue_pop_head(&N.q)) && n++ < 10000) {
		l2tp_input(d->to, &d->dst, &d->src, d->data, d->len);
		g_free(d);
	}
}

/* Let time pass in small steps, delivering what is sent. */
static void run(uint64_t ms)
{
	pump();
	for (uint64_t t = 0; t < ms; t += 50) {
		vpdn_timers_advance(N.tm, 50);
		pump();
	}
}

static struct rec *find(int from, uint16_t type, unsigned nth)
{
	for (unsigned i = 0; i < N.nrec; i++)
		if (N.rec[i].from == from && N.rec[i].control && N.rec[i].type == type && nth-- == 0)
			return &N.rec[i];
	return NULL;
}

static unsigned count(int from, uint16_t type)
{
	unsigned n = 0;

	for (unsigned i = 0; i < N.nrec; i++)
		if (N.rec[i].from == from && N.rec[i].control && N.rec[i].type == type)
			n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Deterministic randomness per engine                                */

struct rnd {
	uint8_t base;
	uint32_t ctr;
};
static struct rnd rnd_lac, rnd_lns;

static int det_random(void *buf, size_t len, void *data)
{
	struct rnd *r = data;
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		r->ctr++;
		p[i] = r->base | ((r->ctr * 7 + i) & 0x0f);
		if (i == 1)
			p[i] = (uint8_t)r->ctr;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Configs                                                            */

#define LAC_CFG_FMT \
	"vpdn { enable = true search-order = {\"domain\"} }\n" \
	"vpdn-group \"1\" {\n" \
	"  request-dialin { protocol = \"l2tp\" domain = {\"cisco.com\"} }\n" \
	"%s" \
	"  terminate-from = \"%s\"\n" \
	"  initiate-to = {%s}\n" \
	"  local-name = \"LAC\"\n" \
	"  tunnel-password = \"%s\"\n" \
	"  source-ip = \"127.0.0.1\"\n" \
	"  hidden-avps = %s\n" \
	"  sequencing = %s\n" \
	"%s" \
	"}\n"

#define LNS_CFG_FMT \
	"vpdn { enable = true }\n" \
	"vpdn-group \"1\" {\n" \
	"  accept-dialin { protocol = \"l2tp\" virtual-template = 1 }\n" \
	"  request-dialout { protocol = \"l2tp\" pool-member = 1 }\n" \
	"  terminate-from = \"LAC\"\n" \
	"  initiate-to = {\"127.0.0.1\"}\n" \
	"  local-name = \"LNS\"\n" \
	"  tunnel-password = \"%s\"\n" \
	"  source-ip = \"127.0.0.2\"\n" \
	"  hidden-avps = %s\n" \
	"  session-limit = %d\n" \
	"%s" \
	"}\n"

static struct l2tp_config *parse(const char *text)
{
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);
	struct l2tp_config *c = NULL;
	char *err = NULL;

	CU_ASSERT_FATAL(cfg_parse_buf(cfg, text) == CFG_SUCCESS);
	CU_ASSERT_EQUAL(l2tp_config_check(cfg), 0);
	CU_ASSERT_FATAL(l2tp_config_parse(cfg, &c, &err) == 0);
	cfg_free(cfg);
	return c;
}

struct opts {
	const char *lac_secret, *lns_secret, *terminate_from, *initiate_to;
	bool hidden, sequencing;
	int session_limit;
	bool same_random;
	bool no_dialout;
	const char *lac_extra, *lns_extra; /* more lines for the vpdn-group */
	bool v6;                /* the tunnel over IPv6: fd00::1 <-> fd00::2 */
};

static struct vpdn_subscription *subs[8];
static unsigned nsubs;

static void setup_net(const struct opts *o)
{
	char buf[2048];

	memset(&N, 0, sizeof(N));
	g_queue_init(&N.q);
	N.core = vpdn_core_new_test();
	N.tm = vpdn_core_timers(N.core);
	vpdn_log_set_targets(vpdn_core_log(N.core), getenv("L2TP_TEST_LOG") ? VPDN_LOG_TO_STDERR : 0);
	snprintf(buf, sizeof(buf), LAC_CFG_FMT,
		 o->no_dialout ? "" : "  accept-dialout { protocol = \"l2tp\" dialer = 1 }\n",
		 o->terminate_from ? o->terminate_from : "LNS",
		 o->initiate_to ? o->initiate_to : "\"127.0.0.2\"",
		 o->lac_secret ? o->lac_secret : SECRET, o->hidden ? "true" : "false",
		 o->sequencing ? "true" : "false", o->lac_extra ? o->lac_extra : "");
	v6_mode = o->v6;
	config_v6(buf, sizeof(buf));
	N.lac = l2tp_new(N.core, parse(buf), fake_xmit, NULL);
	N.lac->xctx = N.lac;
	snprintf(buf, sizeof(buf), LNS_CFG_FMT, o->lns_secret ? o->lns_secret : SECRET,
		 o->hidden ? "true" : "false", o->session_limit, o->lns_extra ? o->lns_extra : "");
	config_v6(buf, sizeof(buf));
	N.lns = l2tp_new(N.core, parse(buf), fake_xmit, NULL);
	N.lns->xctx = N.lns;
	rnd_lac.base = 0x10;
	rnd_lac.ctr = 0;
	rnd_lns.base = o->same_random ? 0x10 : 0xa0;
	rnd_lns.ctr = 0;
	N.lac->random = det_random;
	N.lac->random_data = &rnd_lac;
	N.lns->random = det_random;
	N.lns->random_data = &rnd_lns;
	CU_ASSERT_EQUAL(l2tp_subscribe(N.lac), 0);
	CU_ASSERT_EQUAL(l2tp_subscribe(N.lns), 0);
}

static void teardown_net(void)
{
	struct dgram *d;

	for (unsigned i = 0; i < nsubs; i++)
		vpdn_bus_unsubscribe(vpdn_core_bus(N.core), subs[i]);
	nsubs = 0;
	l2tp_free(N.lac);
	l2tp_free(N.lns);
	while ((d = g_queue_pop_head(&N.q)))
		g_free(d);
	vpdn_core_free_test(N.core);
}

/* ------------------------------------------------------------------ */
/* The other modules, played by the test                              */

struct endpoint {          /* a consumer or a carrier on a link end */
	struct vpdn_link *link;
	unsigned frames, hangups;
	int cause;
	uint8_t last[64];
	size_t last_len;
};

static void ep_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct endpoint *e = ctx;

	e->frames++;
	e->last_len = MIN(len, sizeof(e->last));
	memcpy(e->last, d, e->last_len);
}

static void ep_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct endpoint *e = ctx;

	e->hangups++;
	e->cause = cause;
}

static const struct vpdn_link_ops ep_ops = { .frame = ep_frame, .hangup = ep_hangup };

/* LNS side PPP */
static struct endpoint lns_ppp[2100];
static unsigned n_incoming;
static bool refuse_incoming;
static struct vpdn_proxy seen_proxy;
static char seen_user[64];

static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_session *s = ev->payload;
	struct vpdn_ev_session_accept acc = { .size = sizeof(acc), .interface = "Vi2" };
	struct vpdn_request *req;

	if (refuse_incoming || n_incoming >= G_N_ELEMENTS(lns_ppp))
		return VPDN_BUS_PASS;
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->link);
	seen_proxy = s->proxy;
	g_strlcpy(seen_user, s->user ? s->user : "", sizeof(seen_user));
	CU_ASSERT_EQUAL(s->virtual_template, 1);
	lns_ppp[n_incoming].link = s->link;
	vpdn_link_attach(s->link, VPDN_LINK_B, &ep_ops, &lns_ppp[n_incoming]);
	n_incoming++;
	req = vpdn_event_take_request(ev);
	vpdn_request_complete(req, 0, &acc);
	return VPDN_BUS_CLAIM;
}

/* LAC dialer */
static int dial_mode; /* 0 answer, 1 later, else the negative status to fail with */
static struct vpdn_request *pending_dial;
static struct endpoint lac_bchan_out;
static struct vpdn_link *dial_link;
static char dialed[32], dialer_name[32];

static enum vpdn_bus_verdict on_dial(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_dial *d = ev->payload;
	struct vpdn_ev_call call = { .size = sizeof(call) };
	struct vpdn_request *req = vpdn_event_take_request(ev);

	g_strlcpy(dialed, d->number ? d->number : "", sizeof(dialed));
	g_strlcpy(dialer_name, d->dialer ? d->dialer : "", sizeof(dialer_name));
	if (dial_mode == 1) {
		pending_dial = req; /* answered later by the test */
		return VPDN_BUS_CLAIM;
	}
	if (dial_mode) {
		vpdn_request_complete(req, dial_mode, NULL);
		return VPDN_BUS_CLAIM;
	}
	dial_link = vpdn_link_new("Se0:30");
	lac_bchan_out.link = dial_link;
	vpdn_link_attach(dial_link, VPDN_LINK_A, &ep_ops, &lac_bchan_out);
	call.link = dial_link;
	call.short_name = "Se0:30";
	call.channel = "Serial0:30";
	call.bearer_kbps = 64;
	vpdn_request_complete(req, 0, &call);
	return VPDN_BUS_CLAIM;
}

static unsigned tunnels_up, tunnels_down, sessions_up, sessions_down;
static int last_down_result;

static enum vpdn_bus_verdict on_count(const struct vpdn_event *ev, void *data)
{
	switch (ev->type) {
	case VPDN_EV_TUNNEL_UP: tunnels_up++; break;
	case VPDN_EV_TUNNEL_DOWN: tunnels_down++; break;
	case VPDN_EV_SESSION_UP: sessions_up++; break;
	case VPDN_EV_SESSION_DOWN:
		sessions_down++;
		last_down_result = ((const struct vpdn_ev_session *)ev->payload)->result;
		break;
	default: break;
	}
	return VPDN_BUS_PASS;
}

static struct vpdn_ev_accm seen_accm;
static unsigned n_accm;

static enum vpdn_bus_verdict on_accm(const struct vpdn_event *ev, void *data)
{
	seen_accm = *(const struct vpdn_ev_accm *)ev->payload;
	n_accm++;
	return VPDN_BUS_PASS;
}

static void actors(bool dialer)
{
	struct vpdn_bus *bus = vpdn_core_bus(N.core);

	memset(lns_ppp, 0, sizeof(lns_ppp));
	memset(&lac_bchan_out, 0, sizeof(lac_bchan_out));
	n_incoming = 0;
	refuse_incoming = false;
	dial_mode = 0;
	dial_link = NULL;
	tunnels_up = tunnels_down = sessions_up = sessions_down = 0;
	n_accm = 0;
	subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_INCOMING, on_incoming, NULL);
	if (dialer)
		subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_DIAL_REQUEST, on_dial, NULL);
	subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_UP, on_count, NULL);
	subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_DOWN, on_count, NULL);
	subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, on_count, NULL);
	subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_DOWN, on_count, NULL);
	subs[nsubs++] = vpdn_bus_subscribe(bus, VPDN_EV_LINK_ACCM, on_accm, NULL);
}

/* LAC PPP forwarding a user */
struct fwd_result {
	bool done;
	int status;
	struct vpdn_link *session_link;
};

static void fwd_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct fwd_result *r = data;
	const struct vpdn_ev_session *s = reply;

	r->done = true;
	r->status = status;
	r->session_link = s ? s->link : NULL;
}

static const uint8_t confreq[] = { 0x03, 0x05, 0xc2, 0x23, 0x05, 0x05, 0x06, 0x6b, 0xde, 0x50, 0xcc };
static const uint8_t chal[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static struct vpdn_link *dial_in(struct endpoint *bchan, struct fwd_result *r)
{
	struct vpdn_ev_forward f = { .size = sizeof(f) };
	struct vpdn_link *link = vpdn_link_new("Se0:17");

	memset(bchan, 0, sizeof(*bchan));
	memset(r, 0, sizeof(*r));
	bchan->link = link;
	vpdn_link_attach(link, VPDN_LINK_A, &ep_ops, bchan);
	f.link = link;
	f.interface = "Se0:17";
	f.user = "remote1@cisco.com";
	f.domain = "cisco.com";
	f.calling = "6122";
	f.called = "8211";
	f.dnis = "211";
	f.bearer_kbps = 64;
	f.proxy.present = true;
	f.proxy.init_rcvd_confreq = confreq;
	f.proxy.init_rcvd_confreq_len = sizeof(confreq);
	f.proxy.last_sent_confreq = confreq;
	f.proxy.last_sent_confreq_len = sizeof(confreq);
	f.proxy.last_rcvd_confreq = confreq;
	f.proxy.last_rcvd_confreq_len = sizeof(confreq);
	f.proxy.auth_type = 2;
	f.proxy.auth_name = "remote1@cisco.com";
	f.proxy.auth_challenge = chal;
	f.proxy.auth_challenge_len = sizeof(chal);
	f.proxy.has_auth_id = true;
	f.proxy.auth_id = 7;
	f.proxy.auth_response = chal;
	f.proxy.auth_response_len = sizeof(chal);
	N.last_req = vpdn_bus_request(vpdn_core_bus(N.core), VPDN_EV_FORWARD_REQUEST, &f, fwd_done, r);
	return link;
}

static struct vpdn_request *dial_out(struct fwd_result *r, const char *number)
{
	struct vpdn_ev_dialout d = { .size = sizeof(d) };

	memset(r, 0, sizeof(*r));
	d.pool = 1;
	d.profile = "Dialer2";
	d.number = number;
	d.remote_name = "remote2@cisco.com";
	return vpdn_bus_request(vpdn_core_bus(N.core), VPDN_EV_DIALOUT_REQUEST, &d, fwd_done, r);
}

static struct l2tp_tunnel *only_tunnel(struct l2tp *l2tp)
{
	GHashTableIter it;
	gpointer v = NULL;

	if (g_hash_table_size(l2tp->tunnels) != 1)
		return NULL;
	g_hash_table_iter_init(&it, l2tp->tunnels);
	g_hash_table_iter_next(&it, NULL, &v);
	return v;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */

static void test_dialin_hidden_auth(void)
{
	struct opts o = { .hidden = true };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tl, *tn;
	struct rec *r;
	static const uint8_t frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00 };

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(1000);
	CU_ASSERT_TRUE(fr.done);
	CU_ASSERT_EQUAL(fr.status, 0);
	tl = only_tunnel(N.lac);
	tn = only_tunnel(N.lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tn);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(tl->peer_tid, tn->tid);
	CU_ASSERT_EQUAL(tn->peer_tid, tl->tid);
	CU_ASSERT_STRING_EQUAL(tl->peer_name, "LNS");
	CU_ASSERT_STRING_EQUAL(tn->peer_name, "LAC");
	CU_ASSERT_TRUE(tn->peer_bearer); /* the LAC has accept-dialout */
	/* Appendix B.1: SCCRQ 0/0, SCCRP 0/1, SCCCN 1/1; both challenged. */
	r = find(0, L2TP_MSG_SCCRQ, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->ns, 0);
	CU_ASSERT_EQUAL(r->nr, 0);
	CU_ASSERT_EQUAL(r->tid, 0);
	CU_ASSERT_TRUE(r->hidden);
	r = find(1, L2TP_MSG_SCCRP, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->ns, 0);
	CU_ASSERT_EQUAL(r->nr, 1);
	CU_ASSERT_EQUAL(r->tid, tl->tid);
	r = find(0, L2TP_MSG_SCCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->ns, 1);
	CU_ASSERT_EQUAL(r->nr, 1);
	CU_ASSERT_TRUE(tl->challenged);
	CU_ASSERT_TRUE(tn->challenged);
	/* Session: ICRQ, ICRP, ICCN. */
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_ICRQ), 1);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ICRP), 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_ICCN), 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_STOPCCN) + count(1, L2TP_MSG_STOPCCN), 0);
	CU_ASSERT_EQUAL(n_incoming, 1);
	CU_ASSERT_STRING_EQUAL(seen_user, "remote1@cisco.com");
	CU_ASSERT_TRUE(seen_proxy.present);
	CU_ASSERT_EQUAL(seen_proxy.auth_type, 2);
	CU_ASSERT_EQUAL(seen_proxy.last_sent_confreq_len, sizeof(confreq));
	CU_ASSERT_EQUAL(seen_proxy.auth_challenge_len, 16);
	CU_ASSERT_TRUE(seen_proxy.has_auth_id);
	CU_ASSERT_EQUAL(seen_proxy.auth_id, 7);
	CU_ASSERT_EQUAL(tunnels_up, 2);
	CU_ASSERT_EQUAL(sessions_up, 2);
	CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 1);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 1);
	/* Data: B channel -> LNS PPP, and back. */
	vpdn_link_send(bchan.link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	CU_ASSERT_EQUAL(lns_ppp[0].last_len, sizeof(frame));
	CU_ASSERT_EQUAL(memcmp(lns_ppp[0].last, frame, sizeof(frame)), 0);
	vpdn_link_send(lns_ppp[0].link, VPDN_LINK_B, frame, 4);
	pump();
	CU_ASSERT_EQUAL(bchan.frames, 1);
	CU_ASSERT_EQUAL(bchan.last_len, 4);
	{
		GHashTableIter it;
		gpointer v;

		g_hash_table_iter_init(&it, tn->sessions);
		g_hash_table_iter_next(&it, NULL, &v);
		CU_ASSERT_EQUAL(((struct l2tp_session *)v)->pkts_in, 1);
		CU_ASSERT_EQUAL(((struct l2tp_session *)v)->bytes_in, sizeof(frame));
		CU_ASSERT_EQUAL(((struct l2tp_session *)v)->pkts_out, 1);
		CU_ASSERT_STRING_EQUAL(((struct l2tp_session *)v)->ifname, "Vi2");
	}
	/* The caller hangs up: CDN result 1 with the cause; the LNS PPP
	 * hears of it. */
	vpdn_link_hangup(bchan.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	run(500);
	r = find(0, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_LOST_CARRIER);
	CU_ASSERT_EQUAL(r->cause, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 1);
	CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 0);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 0);
	CU_ASSERT_EQUAL(sessions_down, 2);
	/* The tunnel stays, kept alive by HELLO. */
	run(61000);
	CU_ASSERT_TRUE(count(0, L2TP_MSG_HELLO) + count(1, L2TP_MSG_HELLO) >= 1);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_ESTABLISHED);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* The model's one word to its view (issue #15): tunnels and sessions
 * call nothing of D-Bus; every change they make that a view shows comes
 * through l2tp_changed(), naming the object. */
static struct {
	unsigned tunnel, session;
	const void *last_tunnel, *last_session;
	char tunnel_state[32], session_state[32], session_user[64], session_ifname[16];
	unsigned tunnel_sessions;
} seen_changes;

static void record_change(struct l2tp *l2tp, enum l2tp_object what, const void *obj)
{
	if (what == L2TP_OBJECT_TUNNEL) {
		const struct l2tp_tunnel *t = obj;

		seen_changes.tunnel++;
		seen_changes.last_tunnel = t;
		g_strlcpy(seen_changes.tunnel_state, l2tp_tunnel_state_short(t->state),
			  sizeof(seen_changes.tunnel_state));
		seen_changes.tunnel_sessions = g_hash_table_size(t->sessions);
	} else {
		const struct l2tp_session *x = obj;

		seen_changes.session++;
		seen_changes.last_session = x;
		g_strlcpy(seen_changes.session_state, l2tp_session_state_short(x),
			  sizeof(seen_changes.session_state));
		g_strlcpy(seen_changes.session_user, x->user ? x->user : "",
			  sizeof(seen_changes.session_user));
		g_strlcpy(seen_changes.session_ifname, x->ifname ? x->ifname : "",
			  sizeof(seen_changes.session_ifname));
	}
}

static struct l2tp_session *only_session(struct l2tp_tunnel *t);

static void test_changed_hook(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tn;

	memset(&seen_changes, 0, sizeof(seen_changes));
	setup_net(&o);
	actors(true);
	l2tp_set_changed_hook(N.lns, record_change);
	dial_in(&bchan, &fr);
	run(1000);
	CU_ASSERT_TRUE_FATAL(fr.done);
	CU_ASSERT_EQUAL(fr.status, 0);
	tn = only_tunnel(N.lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tn);
	/* the tunnel: idle -> wait-ctl-conn -> est, then a session came */
	CU_ASSERT_TRUE(seen_changes.tunnel >= 3);
	CU_ASSERT_PTR_EQUAL(seen_changes.last_tunnel, tn);
	CU_ASSERT_STRING_EQUAL(seen_changes.tunnel_state, "est");
	CU_ASSERT_EQUAL(seen_changes.tunnel_sessions, 1);
	/* the session: wait-connect, est, and the interface PPP named */
	CU_ASSERT_TRUE(seen_changes.session >= 2);
	CU_ASSERT_PTR_EQUAL(seen_changes.last_session, only_session(tn));
	CU_ASSERT_STRING_EQUAL(seen_changes.session_state, "est");
	CU_ASSERT_STRING_EQUAL(seen_changes.session_ifname, "Vi2");
	/* the call ends: the tunnel's session count goes back to 0 */
	vpdn_link_hangup(bchan.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	run(500);
	CU_ASSERT_PTR_EQUAL(seen_changes.last_tunnel, tn);
	CU_ASSERT_EQUAL(seen_changes.tunnel_sessions, 0);
	/* no hook: nothing is called (the LAC never had one) */
	l2tp_set_changed_hook(N.lns, NULL);
	seen_changes.tunnel = 0;
	l2tp_tunnel_stop(tn, L2TP_STOPCCN_CLEAR, 0, "test");
	run(100);
	CU_ASSERT_EQUAL(seen_changes.tunnel, 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_dialin_reuses_tunnel_and_sequencing(void)
{
	struct opts o = { .sequencing = true };
	struct endpoint b1, b2;
	struct fwd_result f1, f2;
	static const uint8_t frame[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08 };
	unsigned nrec0;

	setup_net(&o);
	actors(true);
	dial_in(&b1, &f1);
	run(500);
	dial_in(&b2, &f2);
	run(500);
	CU_ASSERT_EQUAL(f1.status, 0);
	CU_ASSERT_TRUE(f2.done);
	CU_ASSERT_EQUAL(f2.status, 0);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRQ), 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_ICRQ), 2);
	CU_ASSERT_EQUAL(n_incoming, 2);
	/* Sequencing Required: data carries Ns both ways. */
	nrec0 = N.nrec;
	vpdn_link_send(b2.link, VPDN_LINK_A, frame, sizeof(frame));
	vpdn_link_send(lns_ppp[1].link, VPDN_LINK_B, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(N.nrec, nrec0 + 2);
	CU_ASSERT_TRUE(N.rec[nrec0].seq);
	CU_ASSERT_FALSE(N.rec[nrec0].control);
	CU_ASSERT_TRUE(N.rec[nrec0 + 1].seq);
	CU_ASSERT_EQUAL(lns_ppp[1].frames, 1);
	CU_ASSERT_EQUAL(b2.frames, 1);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 0);
	vpdn_link_unref(b1.link);
	vpdn_link_unref(b2.link);
	teardown_net();
}

/* Data counts as life for the HELLO timer, looked at once per received
 * batch (rx_batch, set by the transport; 0 in the other tests: every
 * datagram). */
static void test_data_rearms_hello_per_batch(void)
{
	struct opts o = { 0 };
	struct endpoint b;
	struct fwd_result f;
	struct l2tp_tunnel *tn;
	static const uint8_t frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45 };

	setup_net(&o);
	actors(true);
	dial_in(&b, &f);
	run(500);
	CU_ASSERT_EQUAL_FATAL(f.status, 0);
	tn = only_tunnel(N.lns);
	CU_ASSERT_FATAL(tn != NULL);
	N.lns->rx_batch = 7;
	vpdn_timers_advance(N.tm, 40000);
	CU_ASSERT_TRUE(vpdn_timer_remaining(N.tm, &tn->ctrl.hello_timer) <= 20000);
	/* first data of batch 7: HELLO pushed back to 60 s */
	vpdn_link_send(b.link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	CU_ASSERT_EQUAL(vpdn_timer_remaining(N.tm, &tn->ctrl.hello_timer), 60000);
	/* data the other way keeps the LAC from sending HELLO meanwhile */
	vpdn_link_send(lns_ppp[0].link, VPDN_LINK_B, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(b.frames, 1);
	/* later data of the same batch: not looked at again */
	vpdn_timers_advance(N.tm, 40000);
	vpdn_link_send(b.link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 2);
	CU_ASSERT_EQUAL(vpdn_timer_remaining(N.tm, &tn->ctrl.hello_timer), 20000);
	/* the next batch: pushed back again */
	N.lns->rx_batch = 8;
	vpdn_link_send(b.link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 3);
	CU_ASSERT_EQUAL(vpdn_timer_remaining(N.tm, &tn->ctrl.hello_timer), 60000);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_HELLO), 0);
	vpdn_link_unref(b.link);
	teardown_net();
}

static void test_dialout(void)
{
	struct opts o = { .hidden = true };
	struct endpoint bchan, lns_dialer;
	struct fwd_result fi, fo;
	struct rec *r;
	static const uint8_t frame[] = { 0xff, 0x03, 0xc0, 0x21, 0x01 };

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fi);
	run(500);
	dial_out(&fo, "6121");
	run(500);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT_EQUAL(fo.status, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fo.session_link);
	/* The existing tunnel was reused: one SCCRQ only. */
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRQ) + count(1, L2TP_MSG_SCCRQ), 1);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_OCRQ), 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCRP), 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCCN), 1);
	CU_ASSERT_STRING_EQUAL(dialed, "6121");
	CU_ASSERT_STRING_EQUAL(dialer_name, "Dialer1");
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 2);
	/* The dialer's PPP attaches at end B and talks to the B channel. */
	memset(&lns_dialer, 0, sizeof(lns_dialer));
	vpdn_link_attach(fo.session_link, VPDN_LINK_B, &ep_ops, &lns_dialer);
	vpdn_link_send(fo.session_link, VPDN_LINK_B, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lac_bchan_out.frames, 1);
	vpdn_link_send(dial_link, VPDN_LINK_A, frame, 3);
	pump();
	CU_ASSERT_EQUAL(lns_dialer.frames, 1);
	CU_ASSERT_EQUAL(lns_dialer.last_len, 3);
	/* The LNS clears it: CDN, the B channel is hung up. */
	{
		GHashTableIter it;
		gpointer v;
		struct l2tp_tunnel *tn = only_tunnel(N.lns);

		g_hash_table_iter_init(&it, tn->sessions);
		while (g_hash_table_iter_next(&it, NULL, &v))
			if (((struct l2tp_session *)v)->kind == L2TP_SESSION_LNS_OC)
				break;
		l2tp_session_close(v, true, L2TP_CDN_ADMIN, 0, 0, "test");
	}
	run(500);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_ADMIN);
	CU_ASSERT_EQUAL(lac_bchan_out.hangups, 1);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 1);
	vpdn_link_unref(dial_link);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void dialout_failure(int mode, bool with_dialer, int want_result, int want_cause,
			    int want_status, bool want_ocrp)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fi, fo;
	struct rec *r;

	setup_net(&o);
	actors(with_dialer);
	dial_mode = mode;
	dial_in(&bchan, &fi);
	run(500);
	dial_out(&fo, "6121");
	run(500);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT_EQUAL(fo.status, want_status);
	r = find(0, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, want_result);
	CU_ASSERT_EQUAL(r->cause, want_cause);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCRP), want_ocrp ? 1 : 0);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCCN), 0);
	/* The dial-in session is untouched. */
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 1);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lns)->sessions), 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_dialout_busy(void)
{
	dialout_failure(-VPDN_CAUSE_USER_BUSY, true, L2TP_CDN_BUSY, VPDN_CAUSE_USER_BUSY, -EBUSY,
			false);
}

static void test_dialout_no_answer(void)
{
	dialout_failure(-VPDN_CAUSE_NO_ANSWER, true, L2TP_CDN_TIMEOUT, VPDN_CAUSE_NO_ANSWER,
			-ETIMEDOUT, false);
}

static void test_dialout_no_dialer(void)
{
	/* Nobody claims DIAL_REQUEST: CDN instead of OCRP. */
	dialout_failure(0, false, L2TP_CDN_PERM_NO_FACILITIES, 0, -ECONNREFUSED, false);
}

static void test_dialout_no_channel(void)
{
	dialout_failure(-VPDN_CAUSE_NO_CHANNEL, true, L2TP_CDN_TEMP_NO_FACILITIES,
			VPDN_CAUSE_NO_CHANNEL, -EAGAIN, false);
}


/* PPP at the LNS refused the negotiation (no common authentication
 * protocol): it publishes PPP_DOWN with the RFC 3145 cause, then hangs up
 * the session's link with -EPROTO. The CDN says so: result 2 (the reason
 * in the message), error 6, and the PPP Disconnect Cause Code 15 about
 * CHAP, at the peer. Before: result 1, "Lost carrier", Q.931 cause 16. */
static void test_cdn_ppp_refused(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(1000);
	CU_ASSERT_EQUAL_FATAL(n_incoming, 1);
	struct vpdn_ev_ppp down = {
		.size = sizeof(down), .interface = "Vi2", .link = lns_ppp[0].link,
		.phase = VPDN_PPP_PHASE_DOWN, .reason = -EPROTO,
		.disconnect_known = true, .disconnect_code = VPDN_PPP_DISC_AUTH_PROTOCOL,
		.disconnect_protocol = 0xC223, .disconnect_direction = VPDN_PPP_DISC_AT_PEER,
		.disconnect_message = "LCP: no common authentication protocol",
	};
	vpdn_bus_publish(vpdn_core_bus(N.core), VPDN_EV_PPP_DOWN, &down);
	vpdn_link_hangup(lns_ppp[0].link, VPDN_LINK_B, -EPROTO);
	run(500);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_VENDOR);
	CU_ASSERT_STRING_EQUAL(r->msg, "LCP: no common authentication protocol");
	CU_ASSERT_EQUAL(r->cause, 0); /* no Q.931 cause: no carrier was lost */
	CU_ASSERT_TRUE(r->ppp_disc);
	CU_ASSERT_EQUAL(r->disc_code, 15);
	CU_ASSERT_EQUAL(r->disc_proto, 0xC223);
	CU_ASSERT_EQUAL(r->disc_dir, 1);
	CU_ASSERT_STRING_EQUAL(r->disc_msg, "LCP: no common authentication protocol");
	/* the LAC hears it and clears the call */
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(only_tunnel(N.lac));
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_auth_failure(void)
{
	struct opts o = { .lac_secret = "l2tptunnel", .lns_secret = "wrong" };
	struct endpoint bchan;
	struct fwd_result fr;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(2000);
	CU_ASSERT_TRUE(fr.done);
	CU_ASSERT(fr.status < 0);
	/* The LAC checks the SCCRP's response and refuses: StopCCN 4. */
	r = find(0, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCCN), 0);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_ICRQ), 0);
	CU_ASSERT_EQUAL(n_incoming, 0);
	/* Both forget the tunnel once the StopCCN is acked / held. */
	run(40000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 0);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_terminate_from_mismatch(void)
{
	struct opts o = { .terminate_from = "SOMEONE" };
	struct endpoint bchan;
	struct fwd_result fr;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(2000);
	CU_ASSERT(fr.status < 0);
	r = find(0, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_NOT_AUTHORIZED);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_tie_breaker(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fi, fo;

	setup_net(&o);
	actors(true);
	/* Both open a tunnel before hearing from the other. The LAC's tie
	 * breaker is lower (0x1.. < 0xa..): it wins. */
	dial_in(&bchan, &fi);
	dial_out(&fo, "6121");
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRQ), 1);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_SCCRQ), 1);
	run(3000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 1);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 1);
	CU_ASSERT_TRUE(only_tunnel(N.lac)->initiator);
	CU_ASSERT_FALSE(only_tunnel(N.lns)->initiator);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRP), 0); /* the LAC answered no SCCRQ */
	CU_ASSERT_EQUAL(fi.status, 0);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT_EQUAL(fo.status, 0);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lns)->sessions), 2);
	vpdn_link_unref(bchan.link);
	if (dial_link)
		vpdn_link_unref(dial_link);
	teardown_net();
}

static void test_tie_breaker_equal(void)
{
	struct opts o = { .same_random = true };
	struct endpoint bchan;
	struct fwd_result fi, fo;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fi);
	dial_out(&fo, "6121");
	run(1000);
	/* Equal values: both drop their attempts. */
	CU_ASSERT_TRUE(fi.done);
	CU_ASSERT(fi.status < 0);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT(fo.status < 0);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRP) + count(1, L2TP_MSG_SCCRP), 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_failover(void)
{
	struct opts o = { .initiate_to = "\"127.0.0.9\", \"127.0.0.2 priority 2\"" };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *t;
	char a[64];

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(30000);
	CU_ASSERT_FALSE(fr.done);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRQ), 6); /* 1 + 5 retransmissions */
	run(2000);
	/* 127.0.0.9 is declared dead at 31 s; 127.0.0.2 answers. */
	CU_ASSERT_TRUE(fr.done);
	CU_ASSERT_EQUAL(fr.status, 0);
	t = only_tunnel(N.lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	l2tp_addr_text(&t->peer, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "127.0.0.2");
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_ESTABLISHED);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Issue #14 item 1: a PPP peer must not get a tunnel endpoint's address
 * (the tunnel would be routed into its session): live tunnels' peers by
 * a hash, the config's addresses by a walk; the bus answer is synchronous. */
static void check_done_cb(struct vpdn_request *req, int status, const void *reply, void *data)
{
	*(int *)data = status;
}

static void test_address_check_endpoints(void)
{
	struct opts o = { .initiate_to = "\"127.0.0.2\"" };
	struct endpoint bchan;
	struct fwd_result fr;
	char holder[80];
	struct in_addr lac = { .s_addr = htonl(0x7f000001) }, other = { .s_addr = htonl(0x0a010203) };

	setup_net(&o);
	actors(true);
	/* the configs: the LNS initiates to the LAC, listens nowhere here */
	CU_ASSERT_STRING_EQUAL(l2tp_address_refusal(N.lns, lac, holder, sizeof(holder)) ?: "",
			       "a tunnel endpoint");
	CU_ASSERT_STRING_EQUAL(holder, "vpdn-group 1");
	CU_ASSERT_PTR_NULL(l2tp_address_refusal(N.lns, other, holder, sizeof(holder)));
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL(fr.status, 0);
	struct l2tp_tunnel *tn = only_tunnel(N.lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tn);
	/* the live tunnel's peer, found by the hash */
	CU_ASSERT_STRING_EQUAL(l2tp_address_refusal(N.lns, lac, holder, sizeof(holder)) ?: "",
			       "a tunnel endpoint");
	CU_ASSERT_STRING_EQUAL(holder, "an L2TP tunnel peer");
	/* over the bus: a question, answered before vpdn_bus_ask() returns */
	int status = 1;
	struct vpdn_ev_address_check q = { .size = sizeof(q), .address = lac, .owner = "x" };
	CU_ASSERT_EQUAL(vpdn_bus_ask(vpdn_core_bus(N.core), VPDN_EV_ADDRESS_CHECK, &q,
				     check_done_cb, &status), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(status, -EADDRNOTAVAIL);
	q.address = other;
	CU_ASSERT_EQUAL(vpdn_bus_ask(vpdn_core_bus(N.core), VPDN_EV_ADDRESS_CHECK, &q,
				     check_done_cb, &status), -ENOENT);
	CU_ASSERT_EQUAL(status, -ENOENT);
	/* the tunnel gone: out of the hash */
	l2tp_tunnel_free(tn);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->peer_hosts), 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_dead_peer_clears_tunnel(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *t;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL(fr.status, 0);
	t = only_tunnel(N.lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* Nothing reaches the LNS any more. Its HELLO (at 60 s idle) is
	 * never acked: 1+2+4+8+8+8 s later it clears the tunnel and the
	 * session. */
	N.drop_to_lns = true;
	run(60000 + 30000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 1);
	run(2000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 0);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 1);
	/* The LAC heard the LNS's HELLOs until then; 60 s after the last
	 * one its own HELLO goes unanswered and 31 s later it gives up. */
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 1);
	run(90000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 0);
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	CU_ASSERT(only_tunnel(N.lac) == NULL);
	CU_ASSERT_EQUAL(tunnels_down, 2);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_stopccn_hold(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tl;
	struct rec *stop;
	unsigned zlbs;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	l2tp_tunnel_stop(only_tunnel(N.lns), L2TP_STOPCCN_CLEAR, 0, "test");
	run(500);
	stop = find(1, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(stop != NULL);
	CU_ASSERT_EQUAL(stop->result, L2TP_STOPCCN_CLEAR);
	tl = only_tunnel(N.lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tl);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_CLOSING);
	CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 0);
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	/* The LNS got its ack and is gone. */
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 0);
	/* A retransmitted StopCCN is acked again during the hold. */
	zlbs = tl->ctrl.stats.zlb_tx;
	{
		struct sockaddr_storage lac, lns;

		addr(&lac, "127.0.0.1", 1701);
		addr(&lns, "127.0.0.2", 1701);
		l2tp_input(N.lac, &lac, &lns, stop->data, stop->len);
	}
	CU_ASSERT_EQUAL(tl->ctrl.stats.zlb_tx, zlbs + 1);
	CU_ASSERT_EQUAL(tl->ctrl.stats.duplicates, 1);
	run(32000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Inject a control message as if from the LNS on the established tunnel. */
static void inject_from_lns(struct l2tp_msg *m, const uint8_t *extra, size_t extra_len)
{
	struct l2tp_tunnel *tl = only_tunnel(N.lac), *tn = only_tunnel(N.lns);
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage lac, lns;
	uint8_t buf[512];
	int len;

	len = l2tp_control_encode(buf, sizeof(buf), tl->tid, 0, tn->ctrl.ns, tn->ctrl.nr, m, &ec);
	CU_ASSERT_FATAL(len > 0);
	if (extra_len)
		memcpy(buf + len, extra, extra_len);
	len += extra_len;
	buf[2] = len >> 8;
	buf[3] = len & 0xff;
	tn->ctrl.ns++; /* the LNS's engine never sent it: keep Ns in step */
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	l2tp_input(N.lac, &lac, &lns, buf, len);
}

static void test_unknown_mandatory_avp(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_msg m;
	struct rec *r;
	/* M bit, length 8, vendor 0, type 99, value 0 */
	static const uint8_t avp[] = { 0x80, 0x08, 0x00, 0x00, 0x00, 0x63, 0x00, 0x00 };

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	inject_from_lns(&m, avp, sizeof(avp));
	r = find(0, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_UNKNOWN_MANDATORY_AVP);
	CU_ASSERT(*N.lac->cnt.malformed >= 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* The numbers kept after the call is dropped: one block, either absent,
 * an empty string distinct from none, new numbers taken from the old
 * block itself. */
static void test_session_numbers_block(void)
{
	struct l2tp_session s = { 0 };

	CU_ASSERT_PTR_NULL(l2tp_session_calling(&s));
	CU_ASSERT_PTR_NULL(l2tp_session_called(&s));
	l2tp_session_set_numbers(&s, "5551234", "800");
	CU_ASSERT_STRING_EQUAL(l2tp_session_calling(&s), "5551234");
	CU_ASSERT_STRING_EQUAL(l2tp_session_called(&s), "800");
	l2tp_session_set_numbers(&s, l2tp_session_called(&s), l2tp_session_calling(&s));
	CU_ASSERT_STRING_EQUAL(l2tp_session_calling(&s), "800");
	CU_ASSERT_STRING_EQUAL(l2tp_session_called(&s), "5551234");
	l2tp_session_set_numbers(&s, NULL, "42");
	CU_ASSERT_PTR_NULL(l2tp_session_calling(&s));
	CU_ASSERT_STRING_EQUAL(l2tp_session_called(&s), "42");
	l2tp_session_set_numbers(&s, "", NULL);
	CU_ASSERT_STRING_EQUAL(l2tp_session_calling(&s), "");
	CU_ASSERT_PTR_NULL(l2tp_session_called(&s));
	l2tp_session_set_numbers(&s, NULL, NULL);
	CU_ASSERT_PTR_NULL(s.numbers);
	CU_ASSERT_PTR_NULL(l2tp_session_calling(&s));
	CU_ASSERT_PTR_NULL(l2tp_session_called(&s));
}

static void test_fsm_error(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_msg m;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	/* An SCCRP on an established tunnel. */
	l2tp_msg_init(&m, L2TP_MSG_SCCRP);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 1;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "LNS");
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 77;
	inject_from_lns(&m, NULL, 0);
	r = find(0, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_FSM_ERROR);
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_version_check(void)
{
	struct opts o = { 0 };
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage lac, lns;
	struct l2tp_msg m;
	uint8_t buf[512];
	struct rec *r;
	int len;

	setup_net(&o);
	actors(true);
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 2;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	m.framing_caps = 3;
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "LAC");
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 4242;
	len = l2tp_control_encode(buf, sizeof(buf), 0, 0, 0, 0, &m, &ec);
	CU_ASSERT_FATAL(len > 0);
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	l2tp_input(N.lns, &lns, &lac, buf, len);
	r = find(1, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_BAD_VERSION);
	CU_ASSERT_EQUAL(r->tid, 4242);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_SCCRP), 0);
	teardown_net();
}

static void test_session_limit_and_unclaimed(void)
{
	struct opts o = { .session_limit = 1 };
	struct endpoint b1, b2, b3;
	struct fwd_result f1, f2, f3;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&b1, &f1);
	run(500);
	CU_ASSERT_EQUAL(f1.status, 0);
	dial_in(&b2, &f2);
	run(500);
	/* The LNS allows one session: CDN 4 (temporary lack of resources). */
	CU_ASSERT_TRUE(f2.done);
	CU_ASSERT(f2.status < 0);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_TEMP_NO_FACILITIES);
	CU_ASSERT_EQUAL(b2.hangups, 1);
	/* Nobody takes the session: CDN too. */
	vpdn_link_hangup(b1.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	run(500);
	refuse_incoming = true;
	dial_in(&b3, &f3);
	run(500);
	/* The LAC's side was established (ICRP) before the LNS refused. */
	CU_ASSERT_EQUAL(f3.status, 0);
	CU_ASSERT_EQUAL(b3.hangups, 1);
	r = find(1, L2TP_MSG_CDN, 1);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_PERM_NO_FACILITIES);
	vpdn_link_unref(b1.link);
	vpdn_link_unref(b2.link);
	vpdn_link_unref(b3.link);
	teardown_net();
}

static void test_sli_and_wen(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tn;
	struct l2tp_session *s;
	struct l2tp_msg m;
	GHashTableIter it;
	gpointer v;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	tn = only_tunnel(N.lns);
	g_hash_table_iter_init(&it, tn->sessions);
	g_hash_table_iter_next(&it, NULL, &v);
	s = v;
	l2tp_msg_init(&m, L2TP_MSG_SLI);
	l2tp_msg_set(&m, L2TP_AVP_ACCM);
	m.accm.send = 0x000a0000;
	m.accm.recv = 0xffffffff;
	l2tp_session_send(s, &m);
	l2tp_msg_init(&m, L2TP_MSG_WEN);
	l2tp_msg_set(&m, L2TP_AVP_CALL_ERRORS);
	m.call_errors.crc = 3;
	l2tp_session_send(s, &m);
	run(500);
	/* The LAC publishes the ACCM for the B channel's link. */
	CU_ASSERT_EQUAL(n_accm, 1);
	CU_ASSERT_PTR_EQUAL(seen_accm.link, bchan.link);
	CU_ASSERT_EQUAL(seen_accm.send_accm, 0x000a0000);
	CU_ASSERT_EQUAL(only_tunnel(N.lac)->wen_count, 1);
	CU_ASSERT_EQUAL(*N.lac->cnt.wen, 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_sccrp_lost(void)
{
	struct opts o = { .hidden = true };
	struct endpoint bchan;
	struct fwd_result fr;

	setup_net(&o);
	actors(true);
	N.drop_to_lac_n = 1; /* the first SCCRP is lost */
	dial_in(&bchan, &fr);
	run(5000);
	/* The LAC retransmitted its SCCRQ (Tunnel ID 0): the LNS knew it,
	 * acked it and made no second tunnel; its SCCRP went again. */
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCRQ), 2);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_SCCRP), 2);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 1);
	CU_ASSERT_EQUAL(fr.status, 0);
	CU_ASSERT_EQUAL(only_tunnel(N.lns)->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT(*N.lns->cnt.retransmits >= 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_unknown_host(void)
{
	struct opts o = { 0 };
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage lac, lns;
	struct l2tp_msg m;
	uint8_t buf[512];
	struct rec *r;
	int len;

	setup_net(&o);
	actors(true);
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 1;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	m.framing_caps = 3;
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "EVIL");
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 99;
	len = l2tp_control_encode(buf, sizeof(buf), 0, 0, 0, 0, &m, &ec);
	CU_ASSERT_FATAL(len > 0);
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	l2tp_input(N.lns, &lns, &lac, buf, len);
	r = find(1, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_SCCRP), 0);
	teardown_net();
}

static void test_unexpected_session_message(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_session *s;
	struct l2tp_msg m;
	GHashTableIter it;
	gpointer v;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	g_hash_table_iter_init(&it, only_tunnel(N.lns)->sessions);
	g_hash_table_iter_next(&it, NULL, &v);
	s = v;
	/* An ICRP to the LAC's established session. */
	l2tp_msg_init(&m, L2TP_MSG_ICRP);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = s->sid;
	l2tp_session_send(s, &m);
	run(500);
	r = find(0, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lns)->sessions), 0);
	/* The tunnel itself is fine. */
	CU_ASSERT_EQUAL(only_tunnel(N.lac)->state, L2TP_TUNNEL_ESTABLISHED);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_dialout_needs_bearer(void)
{
	struct opts o = { .no_dialout = true };
	struct endpoint bchan;
	struct fwd_result fi, fo;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fi);
	run(500);
	CU_ASSERT_FALSE(only_tunnel(N.lns)->peer_bearer);
	dial_out(&fo, "6121");
	run(3000);
	/* The only tunnel goes to a LAC that cannot dial: a new tunnel is
	 * tried, whose peer (the same LAC) sent no Bearer Capabilities
	 * either: no OCRQ, the request fails. */
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT(fo.status < 0);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_OCRQ), 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_forward_cancelled(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(N.last_req);
	/* The caller hangs up while the tunnel is being set up. */
	vpdn_request_cancel(N.last_req);
	run(1000);
	CU_ASSERT_EQUAL(only_tunnel(N.lac)->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_ICRQ), 0);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 0);
	CU_ASSERT_FALSE(fr.done);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_id_exhaustion(void)
{
	struct opts o = { 0 };
	GHashTable *used = g_hash_table_new(NULL, NULL);
	uint64_t *bits = NULL;
	uint16_t id;

	setup_net(&o);
	for (unsigned i = 1; i <= 65535; i++)
		if (i != 4242)
			l2tp_id_insert(used, &bits, i, GUINT_TO_POINTER(i));
	/* One free ID left: found, whatever the random source says. */
	CU_ASSERT_EQUAL(l2tp_alloc_id(N.lac, used, &bits), 4242);
	CU_ASSERT_PTR_NOT_NULL(bits); /* a full table probes a bitmap */
	l2tp_id_insert(used, &bits, 4242, GUINT_TO_POINTER(4242));
	CU_ASSERT_EQUAL(l2tp_alloc_id(N.lac, used, &bits), 0);
	l2tp_id_remove(used, &bits, 17);
	CU_ASSERT_EQUAL(l2tp_alloc_id(N.lac, used, &bits), 17);
	for (unsigned i = 1; i <= 65535; i++)
		l2tp_id_remove(used, &bits, i);
	id = l2tp_alloc_id(N.lac, used, &bits);
	CU_ASSERT_NOT_EQUAL(id, 0);
	g_free(bits);
	g_hash_table_destroy(used);
	teardown_net();
}

/* Below L2TP_ID_BITS_AT IDs the hash table is probed; from there on a
 * bitmap, kept in step by insert/remove: drawn IDs are never in use. */
static void test_id_bitmap(void)
{
	struct opts o = { 0 };
	GHashTable *used = g_hash_table_new(NULL, NULL);
	uint64_t *bits = NULL;
	unsigned bad = 0;

	setup_net(&o);
	for (unsigned i = 0; i < L2TP_ID_BITS_AT - 1; i++) {
		uint16_t id = l2tp_alloc_id(N.lns, used, &bits);

		bad += id == 0 || g_hash_table_contains(used, GUINT_TO_POINTER(id));
		l2tp_id_insert(used, &bits, id, GUINT_TO_POINTER(1));
	}
	CU_ASSERT_PTR_NULL(bits);
	for (unsigned n = 0; g_hash_table_size(used) < 60000 - 1; n++) {
		uint16_t id = l2tp_alloc_id(N.lns, used, &bits);

		bad += id == 0 || g_hash_table_contains(used, GUINT_TO_POINTER(id));
		l2tp_id_insert(used, &bits, id, GUINT_TO_POINTER(1));
		if (n % 3 == 0) /* churn: give it back, drawn again later */
			l2tp_id_remove(used, &bits, id);
	}
	CU_ASSERT_PTR_NOT_NULL(bits);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(g_hash_table_size(used), 60000 - 1);
	g_free(bits);
	g_hash_table_destroy(used);
	teardown_net();
}

/* Many sessions on one tunnel: unique IDs, one timer facility, data
 * demultiplexed to the right session. */
static void test_many_sessions(void)
{
	enum { NS = 2000 };
	struct opts o = { 0 };
	struct endpoint *b = g_new0(struct endpoint, NS);
	struct fwd_result *f = g_new0(struct fwd_result, NS);
	static const uint8_t frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45 };
	unsigned ok = 0;
	size_t timers;

	setup_net(&o);
	actors(true);
	for (unsigned i = 0; i < NS; i++) {
		struct vpdn_ev_forward fw = { .size = sizeof(fw) };

		b[i].link = vpdn_link_new("Se0:1");
		vpdn_link_attach(b[i].link, VPDN_LINK_A, &ep_ops, &b[i]);
		fw.link = b[i].link;
		fw.interface = "Se0:1";
		fw.user = "u@cisco.com";
		fw.domain = "cisco.com";
		vpdn_bus_request(vpdn_core_bus(N.core), VPDN_EV_FORWARD_REQUEST, &fw, fwd_done, &f[i]);
		if (i % 50 == 49)
			run(100);
	}
	run(2000);
	for (unsigned i = 0; i < NS; i++)
		ok += f[i].done && f[i].status == 0;
	CU_ASSERT_EQUAL(ok, NS);
	if (ok != NS)
		fprintf(stderr, "ok %u, lac %u lns %u sessions, incoming %u; lac q %zu f %zu rtx %lu cwnd %u; lns q %zu f %zu rtx %lu cwnd %u\n", ok,
			g_hash_table_size(only_tunnel(N.lac)->sessions), g_hash_table_size(only_tunnel(N.lns)->sessions), n_incoming,
			l2tp_ctrl_queued(&only_tunnel(N.lac)->ctrl), l2tp_ctrl_in_flight(&only_tunnel(N.lac)->ctrl), (unsigned long)only_tunnel(N.lac)->ctrl.stats.retransmits, only_tunnel(N.lac)->ctrl.cwnd,
			l2tp_ctrl_queued(&only_tunnel(N.lns)->ctrl), l2tp_ctrl_in_flight(&only_tunnel(N.lns)->ctrl), (unsigned long)only_tunnel(N.lns)->ctrl.stats.retransmits, only_tunnel(N.lns)->ctrl.cwnd);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 1);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), NS);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lns)->sessions), NS);
	/* No timer per session: a handful per tunnel. */
	timers = vpdn_timers_count(N.tm);
	CU_ASSERT(timers <= 8);
	/* A frame on call 1234 reaches the 1235th LNS consumer only. */
	vpdn_link_send(b[1234].link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	{
		unsigned hits = 0;

		for (unsigned i = 0; i < n_incoming; i++)
			hits += lns_ppp[i].frames;
		CU_ASSERT_EQUAL(n_incoming, NS);
		CU_ASSERT_EQUAL(hits, 1);
	}
	/* The state gauges (cached counter pointers): LAC and LNS share the
	 * test core, so each established tunnel counts twice, and each
	 * session once on each side (the role label). */
	CU_ASSERT_EQUAL(*vpdn_core_counter(N.core, "l2tp_sessions{role=\"lac\",state=\"est\"}", NULL), NS);
	CU_ASSERT_EQUAL(*vpdn_core_counter(N.core, "l2tp_sessions{role=\"lns\",state=\"est\"}", NULL), NS);
	CU_ASSERT_EQUAL(*vpdn_core_counter(N.core, "l2tp_tunnels{state=\"est\"}", NULL), 2);
	for (unsigned i = 0; i < NS; i++)
		vpdn_link_unref(b[i].link);
	teardown_net();
	g_free(b);
	g_free(f);
}

static void test_dialout_cleared_while_dialing(void)
{
	struct opts o = { 0 };
	struct endpoint bchan, late;
	struct fwd_result fi, fo;
	struct vpdn_ev_call call = { .size = sizeof(call) };
	struct l2tp_tunnel *tn;
	GHashTableIter it;
	gpointer v;

	setup_net(&o);
	actors(true);
	dial_mode = 1;
	pending_dial = NULL;
	dial_in(&bchan, &fi);
	run(500);
	dial_out(&fo, "6121");
	run(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pending_dial);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCRP), 1);
	CU_ASSERT_FALSE(fo.done);
	/* The LNS gives up while the LAC is still dialing. */
	tn = only_tunnel(N.lns);
	g_hash_table_iter_init(&it, tn->sessions);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((struct l2tp_session *)v)->kind == L2TP_SESSION_LNS_OC)
			break;
	l2tp_session_close(v, true, L2TP_CDN_ADMIN, 0, 0, "test");
	run(500);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 1);
	/* The call connects afterwards: the LAC hangs it up. */
	memset(&late, 0, sizeof(late));
	late.link = vpdn_link_new("Se0:31");
	vpdn_link_attach(late.link, VPDN_LINK_A, &ep_ops, &late);
	call.link = late.link;
	call.short_name = "Se0:31";
	vpdn_request_complete(pending_dial, 0, &call);
	CU_ASSERT_EQUAL(late.hangups, 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCCN), 0);
	CU_ASSERT_PTR_NULL(N.lac->dials);
	vpdn_link_unref(late.link);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static void test_pending_dial_cancelled_at_stop(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fi, fo;

	setup_net(&o);
	actors(true);
	dial_mode = 1;
	pending_dial = NULL;
	dial_in(&bchan, &fi);
	run(500);
	dial_out(&fo, "6121");
	run(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pending_dial);
	CU_ASSERT_PTR_NOT_NULL(N.lac->dials);
	/* teardown frees the engines: the pending dial is cancelled, and
	 * the dialer's completion afterwards is dropped by the bus. */
	l2tp_free(N.lac);
	N.lac = NULL;
	CU_ASSERT_TRUE(vpdn_request_cancelled(pending_dial));
	vpdn_request_complete(pending_dial, -EIO, NULL);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* ------------------------------------------------------------------ */
/* Hostile input: sources, IDs, timers, AVPs (issues #14 and #22)      */

static struct l2tp_session *only_session(struct l2tp_tunnel *t)
{
	GHashTableIter it;
	gpointer v = NULL;

	if (!t || g_hash_table_size(t->sessions) != 1)
		return NULL;
	g_hash_table_iter_init(&it, t->sessions);
	g_hash_table_iter_next(&it, NULL, &v);
	return v;
}

/* An LCP Terminate-Request in a data message to (tid, sid) of `to`,
 * sent from src to dst. */
static void send_terminate(struct l2tp *to, const char *dst, const char *src, unsigned sport,
			   uint16_t tid, uint16_t sid)
{
	static const uint8_t term[] = { 0xff, 0x03, 0xc0, 0x21, 0x05, 0x01, 0x00, 0x04 };
	struct sockaddr_storage d, sa;
	uint8_t buf[64];
	int hl;

	hl = l2tp_data_header_encode(buf, sizeof(buf), 0, tid, sid, 0, sizeof(term));
	CU_ASSERT_FATAL(hl > 0);
	memcpy(buf + hl, term, sizeof(term));
	addr(&d, dst, 1701);
	addr(&sa, src, sport);
	l2tp_input(to, &d, &sa, buf, hl + sizeof(term));
}

/* A HELLO to tunnel tid of `to`, Ns ns, sent from src. */
static void send_hello(struct l2tp *to, const char *dst, const char *src, unsigned sport,
		       uint16_t tid, uint16_t ns, uint16_t nr)
{
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage d, sa;
	struct l2tp_msg m;
	uint8_t buf[64];
	int len;

	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	len = l2tp_control_encode(buf, sizeof(buf), tid, 0, ns, nr, &m, &ec);
	CU_ASSERT_FATAL(len > 0);
	addr(&d, dst, 1701);
	addr(&sa, src, sport);
	l2tp_input(to, &d, &sa, buf, len);
}

/* Issue #14 item 2: data and control messages for a live tunnel and
 * session from another host, another port or to another local address
 * are dropped and counted; the session stays. */
static void test_foreign_source_dropped(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tn;
	struct l2tp_session *s;
	uint64_t rx0;
	unsigned zlb0;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	zlb0 = count(1, L2TP_MSG_ZLB);
	tn = only_tunnel(N.lns);
	s = only_session(tn);
	CU_ASSERT_FATAL(s != NULL);
	/* A foreign host, the peer's host from another port, the peer to
	 * another of our addresses: none reaches PPP. */
	send_terminate(N.lns, "127.0.0.2", "127.0.0.66", 1701, tn->tid, s->sid);
	send_terminate(N.lns, "127.0.0.2", "127.0.0.1", 40000, tn->tid, s->sid);
	send_terminate(N.lns, "127.0.0.3", "127.0.0.1", 1701, tn->tid, s->sid);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 0);
	CU_ASSERT_EQUAL(*N.lns->foreign_source, 3);
	CU_ASSERT_EQUAL(s->pkts_in, 0);
	/* Control from a foreign host or port: not even acknowledged. */
	rx0 = tn->ctrl.stats.rx;
	send_hello(N.lns, "127.0.0.2", "127.0.0.66", 1701, tn->tid, tn->ctrl.nr, tn->ctrl.ns);
	send_hello(N.lns, "127.0.0.2", "127.0.0.1", 1702, tn->tid, tn->ctrl.nr, tn->ctrl.ns);
	CU_ASSERT_EQUAL(tn->ctrl.stats.rx, rx0);
	CU_ASSERT_EQUAL(*N.lns->foreign_source, 5);
	run(500);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ZLB), zlb0);
	CU_ASSERT_PTR_EQUAL(only_session(tn), s);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(bchan.hangups, 0);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 0);
	/* The real peer still gets through. */
	send_terminate(N.lns, "127.0.0.2", "127.0.0.1", 1701, tn->tid, s->sid);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	CU_ASSERT_EQUAL(*N.lns->foreign_source, 5);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Issue #18: the tunnel over IPv6 (fd00::1 <-> fd00::2): set-up, data
 * both ways, the peers' addresses; then a datagram with the right tunnel
 * and session IDs from another IPv6 host, from the peer's host on
 * another port, and from the peer's IPv4-mapped form is dropped and
 * counted, and the session stays. */
static void test_ipv6_tunnel_and_source_check(void)
{
	struct opts o = { .v6 = true };
	static const uint8_t frame[] = { 0xff, 0x03, 0x00, 0x57, 0x60, 0x00 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tl, *tn;
	struct l2tp_session *s;
	char a[64];

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	tl = only_tunnel(N.lac);
	tn = only_tunnel(N.lns);
	CU_ASSERT_FATAL(tl != NULL && tn != NULL);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(tl->peer.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(tl->local.ss_family, AF_INET6);
	l2tp_addr_text(&tl->peer, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "fd00::2");
	l2tp_addr_text(&tn->peer, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "fd00::1");
	CU_ASSERT_EQUAL(l2tp_addr_port(&tn->peer), 1701);
	s = only_session(tn);
	CU_ASSERT_FATAL(s != NULL);
	vpdn_link_send(bchan.link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	CU_ASSERT_EQUAL(lns_ppp[0].last_len, sizeof(frame));
	vpdn_link_send(lns_ppp[0].link, VPDN_LINK_B, frame, 4);
	pump();
	CU_ASSERT_EQUAL(bchan.frames, 1);
	/* The attacks: another host, another port, the mapped form. */
	send_terminate(N.lns, "127.0.0.2", "127.0.0.66", 1701, tn->tid, s->sid);
	send_terminate(N.lns, "127.0.0.2", "127.0.0.1", 40000, tn->tid, s->sid);
	send_terminate(N.lns, "127.0.0.2", "::ffff:127.0.0.1", 1701, tn->tid, s->sid);
	send_hello(N.lns, "127.0.0.2", "fd00::66", 1701, tn->tid, tn->ctrl.nr, tn->ctrl.ns);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	CU_ASSERT_EQUAL(*N.lns->foreign_source, 4);
	run(500);
	CU_ASSERT_PTR_EQUAL(only_session(tn), s);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 0);
	/* The real peer still gets through. */
	send_terminate(N.lns, "127.0.0.2", "127.0.0.1", 1701, tn->tid, s->sid);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 2);
	CU_ASSERT_EQUAL(*N.lns->foreign_source, 4);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* An IPv4 tunnel (peer 127.0.0.1): the same address as ::ffff:127.0.0.1
 * (an IPv6 datagram with the IPv4-mapped source) is another peer. */
static void test_v4_mapped_source_dropped(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tn;
	struct l2tp_session *s;
	uint64_t rx0;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	tn = only_tunnel(N.lns);
	CU_ASSERT_FATAL(tn != NULL);
	s = only_session(tn);
	CU_ASSERT_FATAL(s != NULL);
	rx0 = tn->ctrl.stats.rx;
	send_terminate(N.lns, "::ffff:127.0.0.2", "::ffff:127.0.0.1", 1701, tn->tid, s->sid);
	send_hello(N.lns, "127.0.0.2", "::ffff:127.0.0.1", 1701, tn->tid, tn->ctrl.nr, tn->ctrl.ns);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 0);
	CU_ASSERT_EQUAL(tn->ctrl.stats.rx, rx0);
	CU_ASSERT_EQUAL(*N.lns->foreign_source, 2);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* RFC 2661 §8.1: the LNS answers from port 1702. The LAC takes that
 * port from the first datagram, once; afterwards neither the old port
 * nor a third one is accepted. */
static void test_first_reply_port_change_once(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tl, *tn;
	struct l2tp_session *sl;
	uint64_t rx0;

	setup_net(&o);
	actors(true);
	N.lns_src_port = 1702;
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	tl = only_tunnel(N.lac);
	tn = only_tunnel(N.lns);
	CU_ASSERT_FATAL(tl != NULL && tn != NULL);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(l2tp_addr_port(&tl->peer), 1702);
	CU_ASSERT_EQUAL(*N.lac->foreign_source, 0);
	sl = only_session(tl);
	CU_ASSERT_FATAL(sl != NULL);
	/* Data from the port we first sent to, and from a third port. */
	send_terminate(N.lac, "127.0.0.1", "127.0.0.2", 1701, tl->tid, sl->sid);
	send_terminate(N.lac, "127.0.0.1", "127.0.0.2", 1703, tl->tid, sl->sid);
	CU_ASSERT_EQUAL(bchan.frames, 0);
	CU_ASSERT_EQUAL(*N.lac->foreign_source, 2);
	rx0 = tl->ctrl.stats.rx;
	send_hello(N.lac, "127.0.0.1", "127.0.0.2", 1701, tl->tid, tl->ctrl.nr, tl->ctrl.ns);
	CU_ASSERT_EQUAL(tl->ctrl.stats.rx, rx0);
	CU_ASSERT_EQUAL(*N.lac->foreign_source, 3);
	/* From 1702, all is well both ways. */
	send_terminate(N.lac, "127.0.0.1", "127.0.0.2", 1702, tl->tid, sl->sid);
	CU_ASSERT_EQUAL(bchan.frames, 1);
	vpdn_link_send(bchan.link, VPDN_LINK_A, (const uint8_t *)"\xff\x03\x00\x21", 4);
	pump();
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	vpdn_link_unref(bchan.link);
	teardown_net();

	/* While wait-ctl-reply: the first datagram from the peer's host
	 * (a ZLB acking our SCCRQ, from 1702) fixes the port; a second one
	 * from 1703 is dropped. */
	setup_net(&o);
	actors(true);
	N.drop_to_lns = true;
	dial_in(&bchan, &fr);
	pump();
	tl = only_tunnel(N.lac);
	CU_ASSERT_FATAL(tl != NULL);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_WAIT_CTL_REPLY);
	{
		uint8_t zlb[12] = { 0xc8, 0x02, 0x00, 0x0c };
		struct sockaddr_storage d, sa;

		zlb[4] = tl->tid >> 8;
		zlb[5] = tl->tid & 0xff;
		zlb[11] = 1; /* Nr 1: acks the SCCRQ */
		addr(&d, "127.0.0.1", 1701);
		addr(&sa, "127.0.0.2", 1702);
		l2tp_input(N.lac, &d, &sa, zlb, sizeof(zlb));
		CU_ASSERT_EQUAL(l2tp_addr_port(&tl->peer), 1702);
		CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&tl->ctrl), 0);
		CU_ASSERT_EQUAL(*N.lac->foreign_source, 0);
		addr(&sa, "127.0.0.2", 1703);
		l2tp_input(N.lac, &d, &sa, zlb, sizeof(zlb));
		CU_ASSERT_EQUAL(l2tp_addr_port(&tl->peer), 1702);
		CU_ASSERT_EQUAL(*N.lac->foreign_source, 1);
	}
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* A control message from the LAC to the LNS on the established tunnel,
 * header Session ID sid; extra octets (an AVP) go right after the
 * Message Type AVP. */
static void inject_from_lac(struct l2tp_msg *m, uint16_t sid, const uint8_t *extra,
			    size_t extra_len)
{
	struct l2tp_tunnel *tl = only_tunnel(N.lac), *tn = only_tunnel(N.lns);
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage lac, lns;
	uint8_t buf[512];
	int len;

	len = l2tp_control_encode(buf, sizeof(buf), tn->tid, sid, tl->ctrl.ns, tl->ctrl.nr, m, &ec);
	CU_ASSERT_FATAL(len > 0);
	if (extra_len) {
		memmove(buf + 20 + extra_len, buf + 20, len - 20);
		memcpy(buf + 20, extra, extra_len);
	}
	len += extra_len;
	buf[2] = len >> 8;
	buf[3] = len & 0xff;
	tl->ctrl.ns++;
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	l2tp_input(N.lns, &lns, &lac, buf, len);
}

static void icrq(struct l2tp_msg *m, uint16_t assigned_sid)
{
	l2tp_msg_init(m, L2TP_MSG_ICRQ);
	l2tp_msg_set(m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m->assigned_session_id = assigned_sid;
	l2tp_msg_set(m, L2TP_AVP_CALL_SERIAL_NUMBER);
	m->call_serial_number = 77;
	l2tp_msg_set(m, L2TP_AVP_BEARER_TYPE);
	m->bearer_type = L2TP_BEARER_DIGITAL;
}

/* Issue #14 item 14: an ICRQ with an unknown M-bit AVP (before its
 * Assigned Session ID) ends that call only: CDN 2/8 to the peer's
 * session; the tunnel and its other session stay. */
static void test_unknown_mandatory_avp_in_icrq(void)
{
	static const uint8_t avp[] = { 0x80, 0x08, 0x00, 0x00, 0x00, 0x63, 0x00, 0x00 };
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_msg m;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	icrq(&m, 4242);
	inject_from_lac(&m, 0, avp, sizeof(avp));
	run(500);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_UNKNOWN_MANDATORY_AVP);
	CU_ASSERT_EQUAL(r->sid, 4242);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_STOPCCN), 0);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ICRP), 1); /* the first call's only */
	CU_ASSERT_EQUAL(only_tunnel(N.lns)->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lns)->sessions), 1);
	CU_ASSERT_EQUAL(bchan.hangups, 0);
	CU_ASSERT(*N.lns->cnt.malformed >= 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Assigned Session ID 0 and an Assigned Session ID already in use by a
 * session of the tunnel: CDN 2/5, no session. */
static void test_bad_assigned_session_id(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tn;
	struct l2tp_msg m;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	tn = only_tunnel(N.lns);
	icrq(&m, 0);
	inject_from_lac(&m, 0, NULL, 0);
	run(500);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_BAD_SESSION_ID);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 1);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ICRP), 1);
	/* Two ICRQs with the same Assigned Session ID: the first is a call,
	 * the second refused. So is one reusing the live session's ID. */
	icrq(&m, 4242);
	inject_from_lac(&m, 0, NULL, 0);
	run(500);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 2);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ICRP), 2);
	icrq(&m, 4242);
	inject_from_lac(&m, 0, NULL, 0);
	run(500);
	CU_ASSERT_EQUAL(bchan.hangups, 0);
	/* (The CDN goes to the peer's session of that ID: a peer that
	 * reuses the ID of a call it still has loses that call.) */
	CU_ASSERT_FATAL(only_session(only_tunnel(N.lac)) != NULL);
	icrq(&m, only_session(only_tunnel(N.lac))->sid);
	inject_from_lac(&m, 0, NULL, 0);
	run(500);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 2);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ICRP), 2);
	r = find(1, L2TP_MSG_CDN, 1);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_BAD_SESSION_ID);
	CU_ASSERT_EQUAL(r->sid, 4242);
	r = find(1, L2TP_MSG_CDN, 2);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_BAD_SESSION_ID);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_STOPCCN), 0);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	vpdn_link_unref(bchan.link);
	teardown_net();

	/* At the LAC: an ICRP assigning Session ID 0 (in place of the LNS's
	 * real one, which is lost) ends the call with CDN 2/5. */
	setup_net(&o);
	actors(true);
	N.drop_type_to_lac = L2TP_MSG_ICRP;
	dial_in(&bchan, &fr);
	run(300);
	tn = only_tunnel(N.lns);
	CU_ASSERT_FATAL(tn != NULL && only_session(only_tunnel(N.lac)) != NULL);
	{
		struct l2tp_tunnel *tl = only_tunnel(N.lac);
		struct l2tp_encode_ctx ec = { 0 };
		struct sockaddr_storage lac, lns;
		uint8_t buf[128];
		int len;

		l2tp_msg_init(&m, L2TP_MSG_ICRP);
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
		m.assigned_session_id = 0;
		/* The Ns of the lost ICRP. */
		len = l2tp_control_encode(buf, sizeof(buf), tl->tid, only_session(tl)->sid,
					  (uint16_t)(tn->ctrl.ns - 1), tn->ctrl.nr, &m, &ec);
		CU_ASSERT_FATAL(len > 0);
		addr(&lac, "127.0.0.1", 1701);
		addr(&lns, "127.0.0.2", 1701);
		l2tp_input(N.lac, &lac, &lns, buf, len);
		r = find(0, L2TP_MSG_CDN, 0);
		CU_ASSERT_FATAL(r != NULL);
		CU_ASSERT_EQUAL(r->result, L2TP_CDN_GENERAL_ERROR);
		CU_ASSERT_EQUAL(r->error, L2TP_ERR_BAD_SESSION_ID);
		CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 0);
		CU_ASSERT_TRUE(fr.done);
		CU_ASSERT(fr.status < 0);
		CU_ASSERT_EQUAL(count(0, L2TP_MSG_ICCN), 0);
	}
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Assigned Tunnel ID 0 in an SCCRQ (at the LNS) or an SCCRP (at the
 * LAC): the tunnel is refused with StopCCN 2/3. */
static void test_assigned_tunnel_id_zero(void)
{
	struct opts o = { 0 };
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage lac, lns;
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tl;
	struct l2tp_msg m;
	uint8_t buf[512];
	struct rec *r;
	int len;

	setup_net(&o);
	actors(true);
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 1;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	m.framing_caps = 3;
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "LAC");
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 0;
	len = l2tp_control_encode(buf, sizeof(buf), 0, 0, 0, 0, &m, &ec);
	CU_ASSERT_FATAL(len > 0);
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	l2tp_input(N.lns, &lns, &lac, buf, len);
	r = find(1, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_OUT_OF_RANGE);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_SCCRP), 0);
	teardown_net();

	setup_net(&o);
	actors(true);
	N.drop_to_lns = true;
	dial_in(&bchan, &fr);
	pump();
	tl = only_tunnel(N.lac);
	CU_ASSERT_FATAL(tl != NULL);
	l2tp_msg_init(&m, L2TP_MSG_SCCRP);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 1;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	m.framing_caps = 3;
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "LNS");
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 0;
	len = l2tp_control_encode(buf, sizeof(buf), tl->tid, 0, 0, 1, &m, &ec);
	CU_ASSERT_FATAL(len > 0);
	l2tp_input(N.lac, &lac, &lns, buf, len);
	r = find(0, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->error, L2TP_ERR_OUT_OF_RANGE);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_SCCCN), 0);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_CLOSING);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Issue #14 item 6: an ICRQ with no ICCN. The LNS's session in
 * wait-connect is cleared after setup-timeout (60 s) with CDN 10 and
 * freed; the tunnel and its other call stay. */
static void test_wait_connect_timeout(void)
{
	struct opts o = { 0 };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tn;
	struct l2tp_msg m;
	struct rec *r;
	unsigned ns0;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	tn = only_tunnel(N.lns);
	ns0 = N.lns->n_sessions;
	icrq(&m, 4242);
	inject_from_lac(&m, 0, NULL, 0);
	run(500);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_ICRP), 2);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 2);
	CU_ASSERT_PTR_NOT_NULL(l2tp_session_by_peer_sid(tn, 4242));
	run(58000);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 2);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_CDN), 0);
	run(2000);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_EQUAL(r->sid, 4242);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 1);
	CU_ASSERT_EQUAL(N.lns->n_sessions, ns0);
	CU_ASSERT_PTR_NULL(l2tp_session_by_peer_sid(tn, 4242));
	CU_ASSERT_EQUAL(*N.lns->setup_timeouts[1], 1);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(bchan.hangups, 0);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 0);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* The LAC's call in wait-reply: no ICRP arrives (every one is lost).
 * setup-timeout = 5: CDN 10, the forward request fails with
 * -ETIMEDOUT, the B channel is hung up. */
static void test_wait_reply_timeout(void)
{
	struct opts o = { .lac_extra = "  setup-timeout = 5\n" };
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *tl;
	struct rec *r;

	setup_net(&o);
	actors(true);
	N.drop_type_to_lac = L2TP_MSG_ICRP;
	dial_in(&bchan, &fr);
	run(4000);
	tl = only_tunnel(N.lac);
	CU_ASSERT_FATAL(tl != NULL);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_FALSE(fr.done);
	CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 1);
	run(1500);
	CU_ASSERT_TRUE(fr.done);
	CU_ASSERT_EQUAL(fr.status, -ETIMEDOUT);
	r = find(0, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 0);
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	CU_ASSERT_EQUAL(*N.lac->setup_timeouts[1], 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Dial-out: the LAC answers OCRQ with OCRP and dials for ever. The
 * LNS (setup-timeout = 5) clears its call in wait-connect with CDN 10;
 * the LAC's call goes with it; the late answer is hung up. Without
 * the LNS's timer, the LAC's own (wait-cs-answer, 60 s) would. */
static void test_outgoing_call_timeouts(void)
{
	struct opts o = { .lns_extra = "  setup-timeout = 5\n" };
	struct endpoint bchan, late;
	struct fwd_result fi, fo;
	struct vpdn_ev_call call = { .size = sizeof(call) };
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_mode = 1;
	pending_dial = NULL;
	dial_in(&bchan, &fi);
	run(500);
	dial_out(&fo, "6121");
	run(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pending_dial);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_OCRP), 1);
	run(3500);
	CU_ASSERT_FALSE(fo.done);
	run(1500);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT_EQUAL(fo.status, -ETIMEDOUT);
	r = find(1, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_EQUAL(*N.lns->setup_timeouts[1], 1);
	CU_ASSERT_EQUAL(g_hash_table_size(only_tunnel(N.lac)->sessions), 1);
	memset(&late, 0, sizeof(late));
	late.link = vpdn_link_new("Se0:31");
	vpdn_link_attach(late.link, VPDN_LINK_A, &ep_ops, &late);
	call.link = late.link;
	call.short_name = "Se0:31";
	vpdn_request_complete(pending_dial, 0, &call);
	CU_ASSERT_EQUAL(late.hangups, 1);
	vpdn_link_unref(late.link);
	vpdn_link_unref(bchan.link);
	teardown_net();

	/* The LAC's own timer: it dials for 60 s, then CDN 10. (The two
	 * engines share the test core's counters.) */
	memset(&o, 0, sizeof(o));
	o.lns_extra = "  setup-timeout = 120\n";
	setup_net(&o);
	actors(true);
	dial_mode = 1;
	pending_dial = NULL;
	dial_in(&bchan, &fi);
	run(500);
	dial_out(&fo, "6121");
	run(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pending_dial);
	run(61000);
	CU_ASSERT_EQUAL(*N.lac->setup_timeouts[1], 1);
	r = find(0, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_TIMEOUT);
	CU_ASSERT_TRUE(fo.done);
	CU_ASSERT(fo.status < 0);
	vpdn_request_complete(pending_dial, -EIO, NULL);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Tunnels: an SCCRP acked but no SCCCN (the responder in
 * wait-ctl-conn), an SCCRQ acked but no SCCRP (the initiator in
 * wait-ctl-reply): StopCCN 2 after setup-timeout, the tunnel (and its
 * half-open slot) freed, the waiting call failed. */
static void test_tunnel_wait_timeouts(void)
{
	struct opts o = { 0 };
	struct l2tp_encode_ctx ec = { 0 };
	struct sockaddr_storage lac, lns;
	struct endpoint bchan;
	struct fwd_result fr;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	uint8_t buf[512], zlb[12] = { 0xc8, 0x02, 0x00, 0x0c };
	struct rec *r;
	int len;

	setup_net(&o);
	actors(true);
	addr(&lac, "127.0.0.1", 1701);
	addr(&lns, "127.0.0.2", 1701);
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 1;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	m.framing_caps = 3;
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "LAC");
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 4343;
	len = l2tp_control_encode(buf, sizeof(buf), 0, 0, 0, 0, &m, &ec);
	CU_ASSERT_FATAL(len > 0);
	l2tp_input(N.lns, &lns, &lac, buf, len);
	t = only_tunnel(N.lns);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_WAIT_CTL_CONN);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_SCCRP), 1);
	/* The SCCRP is acked (so no retransmission ends it), nothing else. */
	zlb[4] = t->tid >> 8;
	zlb[5] = t->tid & 0xff;
	zlb[9] = 1;  /* Ns 1 */
	zlb[11] = 1; /* Nr 1 */
	l2tp_input(N.lns, &lns, &lac, zlb, sizeof(zlb));
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&t->ctrl), 0);
	vpdn_timers_advance(N.tm, 59000);
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_WAIT_CTL_CONN);
	vpdn_timers_advance(N.tm, 1000);
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_CLOSING);
	r = find(1, L2TP_MSG_STOPCCN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_STOPCCN_GENERAL_ERROR);
	CU_ASSERT_EQUAL(r->tid, 4343);
	CU_ASSERT_EQUAL(*N.lns->setup_timeouts[0], 1);
	vpdn_timers_advance(N.tm, 40000);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 0);
	teardown_net();

	setup_net(&o);
	actors(true);
	N.drop_to_lns = true;
	dial_in(&bchan, &fr);
	pump();
	t = only_tunnel(N.lac);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_WAIT_CTL_REPLY);
	memset(zlb, 0, sizeof(zlb));
	zlb[0] = 0xc8;
	zlb[1] = 0x02;
	zlb[3] = 0x0c;
	zlb[4] = t->tid >> 8;
	zlb[5] = t->tid & 0xff;
	zlb[11] = 1; /* acks the SCCRQ */
	l2tp_input(N.lac, &lac, &lns, zlb, sizeof(zlb));
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&t->ctrl), 0);
	run(59000);
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_WAIT_CTL_REPLY);
	CU_ASSERT_FALSE(fr.done);
	run(1000);
	CU_ASSERT_EQUAL(t->state, L2TP_TUNNEL_CLOSING);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_STOPCCN), 1);
	CU_ASSERT_TRUE(fr.done);
	CU_ASSERT(fr.status < 0);
	CU_ASSERT_EQUAL(bchan.hangups, 1);
	CU_ASSERT_EQUAL(*N.lac->setup_timeouts[0], 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

static unsigned cdn_with_cause(int from)
{
	unsigned n = 0;

	for (unsigned i = 0; i < N.nrec; i++)
		if (N.rec[i].from == from && N.rec[i].control && N.rec[i].type == L2TP_MSG_CDN &&
		    N.rec[i].cause)
			n++;
	return n;
}

/* Issue #22: cdn-q931-cause = false leaves AVP 12 out of CDN. */
static void test_cdn_q931_cause_knob(void)
{
	struct opts o = { .lac_extra = "  cdn-q931-cause = false\n" };
	struct endpoint bchan;
	struct fwd_result fr;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&bchan, &fr);
	run(500);
	CU_ASSERT_EQUAL_FATAL(fr.status, 0);
	vpdn_link_hangup(bchan.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	run(500);
	r = find(0, L2TP_MSG_CDN, 0);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_LOST_CARRIER);
	CU_ASSERT_EQUAL(r->cause, 0);
	CU_ASSERT_EQUAL(cdn_with_cause(0), 0);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 1);
	vpdn_link_unref(bchan.link);
	teardown_net();
}

/* Issue #22: an LNS like l2tpns answers our CDN with AVP 12 by StopCCN
 * 2/8 "unknown AVP 0x000c", dropping the tunnel's other session. The
 * LAC learns it for that peer: the next tunnel's CDNs leave AVP 12
 * out, and nothing else is lost. Learned once; another AVP named, or
 * another result, teaches nothing. */
static void test_cdn_q931_learned(void)
{
	struct opts o = { 0 };
	struct endpoint b1, b2, b3;
	struct fwd_result f1, f2, f3;
	struct l2tp_tunnel *tn;
	struct rec *r;
	unsigned ncdn;

	setup_net(&o);
	actors(true);
	dial_in(&b1, &f1);
	run(500);
	dial_in(&b2, &f2);
	run(500);
	CU_ASSERT_EQUAL_FATAL(f2.status, 0);
	CU_ASSERT_TRUE(l2tp_tunnel_q931_ok(only_tunnel(N.lac)));
	vpdn_link_hangup(b1.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	pump();
	CU_ASSERT_EQUAL(cdn_with_cause(0), 1);
	/* The LNS plays l2tpns. */
	tn = only_tunnel(N.lns);
	l2tp_tunnel_stop(tn, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_MANDATORY_AVP,
			 "unknown AVP 0x000c");
	run(500);
	CU_ASSERT_EQUAL(b2.hangups, 1);
	CU_ASSERT_EQUAL(*N.lac->q931_refused, 1);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->no_q931_peers), 1);
	run(40000); /* the old tunnels are gone */
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 0);
	/* A new tunnel to the same peer: the CDN has no AVP 12. */
	dial_in(&b3, &f3);
	run(500);
	CU_ASSERT_EQUAL_FATAL(f3.status, 0);
	CU_ASSERT_FALSE(l2tp_tunnel_q931_ok(only_tunnel(N.lac)));
	ncdn = count(0, L2TP_MSG_CDN);
	vpdn_link_hangup(b3.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	run(500);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_CDN), ncdn + 1);
	r = find(0, L2TP_MSG_CDN, ncdn);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_LOST_CARRIER);
	CU_ASSERT_EQUAL(r->cause, 0);
	CU_ASSERT_EQUAL(cdn_with_cause(0), 1);
	/* The LNS tunnel is fine this time. */
	CU_ASSERT_EQUAL(only_tunnel(N.lns)->state, L2TP_TUNNEL_ESTABLISHED);
	/* A second refusal by the known peer is not counted again. */
	only_tunnel(N.lac)->cdn_q931_sent = true;
	l2tp_tunnel_stop(only_tunnel(N.lns), L2TP_STOPCCN_GENERAL_ERROR,
			 L2TP_ERR_UNKNOWN_MANDATORY_AVP, "unknown AVP 0x000c");
	run(500);
	CU_ASSERT_EQUAL(*N.lac->q931_refused, 1);
	vpdn_link_unref(b1.link);
	vpdn_link_unref(b2.link);
	vpdn_link_unref(b3.link);
	teardown_net();

	/* Another AVP named: nothing learned. */
	setup_net(&o);
	actors(true);
	dial_in(&b1, &f1);
	run(500);
	vpdn_link_hangup(b1.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	run(500);
	l2tp_tunnel_stop(only_tunnel(N.lns), L2TP_STOPCCN_GENERAL_ERROR,
			 L2TP_ERR_UNKNOWN_MANDATORY_AVP, "unknown AVP 0x0063");
	run(500);
	CU_ASSERT_EQUAL(*N.lac->q931_refused, 0);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->no_q931_peers), 0);
	vpdn_link_unref(b1.link);
	teardown_net();
}

static void test_text_names_avp(void)
{
	static const struct {
		const char *text;
		int want;
	} v[] = {
		{ "unknown AVP 0x000c", 1 }, { "Unknown AVP 12", 1 }, { "AVP type 12 unknown", 1 },
		{ "avp#0xC", 1 }, { "unknown AVP 0x0063", 0 }, { "AVP 120", 0 },
		{ "Invalid mandatory AVP", -1 }, { "", -1 }, { "0x", -1 },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(v); i++) {
		struct l2tp_bytes b = { (const uint8_t *)v[i].text, (uint16_t)strlen(v[i].text) };

		CU_ASSERT_EQUAL(l2tp_text_names_avp(&b, 12), v[i].want);
	}
}

/* Restart in place (l2tp-state.c): the LNS engine's state is saved with
 * a HELLO in flight (lost on the way), the engine is dropped without a
 * word (the process execs) and a new one restores it: the same tunnel
 * IDs in state established, Ns/Nr kept, the lost HELLO retransmitted
 * with its Ns, no StopCCN either way, HELLO goes on. The session comes
 * back established; nobody takes its link back (no PPP hooks yet), so it
 * is cleared with CDN 3 and the tunnel stays. A state of another version
 * is refused. */
static void test_restart_in_place(void)
{
	struct opts o = { 0 };
	struct endpoint b;
	struct fwd_result f;
	struct l2tp_tunnel *tn, *tl;
	uint16_t tid, peer_tid, ns, nr, sid, peer_sid, hello_ns;
	unsigned hellos, cdns;
	GVariant *st;
	char buf[2048];
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&b, &f);
	run(1000);
	CU_ASSERT_EQUAL_FATAL(f.status, 0);
	tn = only_tunnel(N.lns);
	tl = only_tunnel(N.lac);
	CU_ASSERT_FATAL(tn && tl && tn->state == L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL_FATAL(g_hash_table_size(tn->sessions), 1);
	{
		GHashTableIter it;
		gpointer v;
		struct l2tp_session *s;

		g_hash_table_iter_init(&it, tn->sessions);
		g_hash_table_iter_next(&it, NULL, &v);
		s = v;
		sid = s->sid;
		peer_sid = s->peer_sid;
	}
	/* Everything to the LAC is lost: the LNS's HELLO stays unacked. */
	N.drop_to_lac_n = 100000;
	for (unsigned i = 0; i < 1400 && !l2tp_ctrl_in_flight(&tn->ctrl); i++) {
		vpdn_timers_advance(N.tm, 50);
		pump();
	}
	CU_ASSERT_EQUAL_FATAL(l2tp_ctrl_in_flight(&tn->ctrl), 1);
	hellos = count(1, L2TP_MSG_HELLO);
	CU_ASSERT_EQUAL_FATAL(hellos, 1);
	hello_ns = find(1, L2TP_MSG_HELLO, 0)->ns;
	tid = tn->tid;
	peer_tid = tn->peer_tid;
	ns = tn->ctrl.ns;
	nr = tn->ctrl.nr;

	st = g_variant_ref_sink(l2tp_state_save(N.lns));
	CU_ASSERT_TRUE(g_variant_is_of_type(st, G_VARIANT_TYPE("aa{sv}")));
	CU_ASSERT_EQUAL(g_variant_n_children(st), 1);
	/* The secret is never in the state. */
	{
		GBytes *sb = g_variant_get_data_as_bytes(st);
		gsize n;
		const char *p = g_bytes_get_data(sb, &n);

		CU_ASSERT_PTR_NULL(g_strstr_len(p, n, SECRET));
		g_bytes_unref(sb);
	}
	/* The old process ends by exec: nothing more is sent. Here the
	 * engine is freed; it must not say goodbye either. */
	for (unsigned i = 0; i < nsubs; i++)
		vpdn_bus_unsubscribe(vpdn_core_bus(N.core), subs[i]);
	nsubs = 0;
	l2tp_free(N.lns);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_STOPCCN), 0);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_CDN), 0);
	actors(true);

	snprintf(buf, sizeof(buf), LNS_CFG_FMT, SECRET, "false", 0, "");
	N.lns = l2tp_new(N.core, parse(buf), fake_xmit, NULL);
	N.lns->xctx = N.lns;
	N.lns->random = det_random;
	N.lns->random_data = &rnd_lns;
	CU_ASSERT_EQUAL(l2tp_subscribe(N.lns), 0);
	CU_ASSERT_EQUAL(l2tp_state_restore(N.lns, st, l2tp_state_version() + 1), -EPROTO);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lns->tunnels), 0);

	N.drop_to_lac_n = 0;
	CU_ASSERT_EQUAL(l2tp_state_restore(N.lns, st, l2tp_state_version()), 0);
	g_variant_unref(st);
	tn = only_tunnel(N.lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tn);
	CU_ASSERT_EQUAL(tn->tid, tid);
	CU_ASSERT_EQUAL(tn->peer_tid, peer_tid);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_EQUAL(tn->ctrl.ns, ns);
	CU_ASSERT_EQUAL(tn->ctrl.nr, nr);
	CU_ASSERT_STRING_EQUAL(tn->peer_name, "LAC");
	CU_ASSERT_PTR_NOT_NULL(tn->group);
	/* The lost HELLO went out again at once, with its Ns. */
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_HELLO), hellos + 1);
	r = find(1, L2TP_MSG_HELLO, hellos);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->ns, hello_ns);
	CU_ASSERT_EQUAL(r->tid, peer_tid);
	{
		struct l2tp_session *s = l2tp_session_get(tn, sid);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(s->peer_sid, peer_sid);
		CU_ASSERT_TRUE(l2tp_session_established(s));
		CU_ASSERT_PTR_NOT_NULL(s->link);
	}
	run(500);
	CU_ASSERT_EQUAL(l2tp_ctrl_in_flight(&tn->ctrl), 0);
	/* No PPP takes the link back: CDN 3, the tunnel stays. The
	 * restored session was up: its end is a SESSION_DOWN (the ended
	 * history, SessionDown on D-Bus), and no second SESSION_UP. */
	cdns = count(1, L2TP_MSG_CDN);
	{
		unsigned ups = sessions_up, downs = sessions_down;

		CU_ASSERT_EQUAL(vpdn_restart_orphan_links(N.core), 1);
		CU_ASSERT_EQUAL(sessions_down, downs + 1);
		CU_ASSERT_EQUAL(sessions_up, ups);
	}
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_CDN), cdns + 1);
	r = find(1, L2TP_MSG_CDN, cdns);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_ADMIN);
	CU_ASSERT_EQUAL(r->sid, peer_sid);
	run(500);
	CU_ASSERT_EQUAL(g_hash_table_size(tn->sessions), 0);
	CU_ASSERT_EQUAL(g_hash_table_size(tl->sessions), 0);
	CU_ASSERT_EQUAL(b.hangups, 1);
	/* Two HELLO intervals later both ends still hold the tunnel. */
	run(130000);
	CU_ASSERT_PTR_EQUAL(only_tunnel(N.lac), tl);
	CU_ASSERT_EQUAL(tl->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_PTR_EQUAL(only_tunnel(N.lns), tn);
	CU_ASSERT_EQUAL(tn->state, L2TP_TUNNEL_ESTABLISHED);
	CU_ASSERT_TRUE(count(1, L2TP_MSG_HELLO) >= hellos + 2);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_STOPCCN), 0);
	CU_ASSERT_EQUAL(count(1, L2TP_MSG_STOPCCN), 0);
	vpdn_link_unref(b.link);
	teardown_net();
}

/* The LAC engine restarted: saved with the call up and spliced to its
 * B channel, freed without a word, a new one built from the same config
 * restores. The B channel's module (isdn) offered the carrier again as
 * carrier/Se0:17: the session is established with the same IDs and
 * spliced to it, frames go both ways, no CDN. Once more with no carrier
 * offered: CDN result 1 (lost carrier) to the LNS, counted. */
static struct l2tp *lac_again(GVariant *st)
{
	char buf[2048];
	struct l2tp *l2tp;

	snprintf(buf, sizeof(buf), LAC_CFG_FMT, "", "LNS", "\"127.0.0.2\"", SECRET, "false",
		 "false", "");
	l2tp = l2tp_new(N.core, parse(buf), fake_xmit, NULL);
	l2tp->xctx = l2tp;
	l2tp->random = det_random;
	l2tp->random_data = &rnd_lac;
	CU_ASSERT_EQUAL(l2tp_subscribe(l2tp), 0);
	return l2tp;
}

static unsigned carrier_orphans;

static void carrier_orphan(void *ctx, struct vpdn_link *link)
{
	carrier_orphans++;
}

static void test_restart_lac(void)
{
	struct opts o = { .no_dialout = true };
	struct endpoint b;
	struct fwd_result f;
	struct l2tp_tunnel *tl;
	struct l2tp_session *s;
	uint16_t tid, sid, peer_sid;
	uint8_t frame[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };
	unsigned cdns;
	uint64_t *lost;
	GVariant *st;
	struct rec *r;

	setup_net(&o);
	actors(true);
	dial_in(&b, &f);
	run(1000);
	CU_ASSERT_EQUAL_FATAL(f.status, 0);
	tl = only_tunnel(N.lac);
	s = only_session(tl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	tid = tl->tid;
	sid = s->sid;
	peer_sid = s->peer_sid;
	cdns = count(0, L2TP_MSG_CDN);

	st = g_variant_ref_sink(l2tp_state_save(N.lac));
	l2tp_free(N.lac);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_CDN), cdns);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_STOPCCN), 0);
	/* Only this test's engine dropped the splice; the B channel (the
	 * carrier module's) lives on and is offered back. */
	b.hangups = 0;
	N.lac = lac_again(st);
	CU_ASSERT_EQUAL(vpdn_core_restored_link_offer(N.core, "carrier/Se0:17", b.link,
							carrier_orphan, NULL), 0);
	CU_ASSERT_EQUAL(l2tp_state_restore(N.lac, st, l2tp_state_version() + 1), -EPROTO);
	CU_ASSERT_EQUAL(l2tp_state_restore(N.lac, st, l2tp_state_version()), 0);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(N.core), 0);
	CU_ASSERT_EQUAL(carrier_orphans, 0);
	tl = only_tunnel(N.lac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tl);
	CU_ASSERT_EQUAL(tl->tid, tid);
	s = l2tp_session_get(tl, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->peer_sid, peer_sid);
	CU_ASSERT_TRUE(l2tp_session_established(s));
	CU_ASSERT_PTR_EQUAL(s->carrier, b.link);
	CU_ASSERT_PTR_EQUAL(vpdn_link_spliced_to(b.link), s->link);
	/* Frames both ways through the splice and the tunnel. */
	lns_ppp[0].frames = 0;
	CU_ASSERT_EQUAL(vpdn_link_send(b.link, VPDN_LINK_A, frame, sizeof(frame)), 0);
	run(100);
	CU_ASSERT_EQUAL(lns_ppp[0].frames, 1);
	CU_ASSERT_EQUAL(lns_ppp[0].last_len, sizeof(frame));
	b.frames = 0;
	CU_ASSERT_EQUAL(vpdn_link_send(lns_ppp[0].link, VPDN_LINK_B, frame, sizeof(frame)), 0);
	run(100);
	CU_ASSERT_EQUAL(b.frames, 1);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_CDN), cdns);
	CU_ASSERT_EQUAL(b.hangups, 0);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 0);

	/* Again, and the carrier does not come back. */
	g_variant_unref(st);
	st = g_variant_ref_sink(l2tp_state_save(N.lac));
	l2tp_free(N.lac);
	N.lac = lac_again(st);
	CU_ASSERT_EQUAL(l2tp_state_restore(N.lac, st, l2tp_state_version()), 0);
	g_variant_unref(st);
	run(500);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_CDN), cdns + 1);
	r = find(0, L2TP_MSG_CDN, cdns);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->result, L2TP_CDN_LOST_CARRIER);
	CU_ASSERT_EQUAL(r->sid, peer_sid);
	CU_ASSERT_EQUAL(lns_ppp[0].hangups, 1);
	lost = vpdn_core_counter(N.core, "l2tp_restart_sessions_lost_total", NULL);
	CU_ASSERT_EQUAL(*lost, 1);
	CU_ASSERT_EQUAL(only_tunnel(N.lac)->tid, tid);
	CU_ASSERT_EQUAL(count(0, L2TP_MSG_STOPCCN), 0);
	vpdn_link_unref(b.link);
	teardown_net();
}

/* The sockets handed over at a restart: named without ':' (IPv6 too),
 * taken back only when the descriptor is a UDP socket bound to the
 * address its name says (else closed, and the transport opens one). */
static void test_restart_sockets(void)
{
	struct opts o = { 0 };
	struct sockaddr_storage a4, a6, bound;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a6;
	socklen_t len = sizeof(bound);
	char name[128];
	int fd, other;

	setup_net(&o);
	addr(&a4, "10.8.0.2", 1701);
	l2tp_state_fd_name(&a4, name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(name, "l2tp/udp/10.8.0.2/1701");
	memset(&a6, 0, sizeof(a6));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(1702);
	inet_pton(AF_INET6, "2001:db8::1", &in6->sin6_addr);
	l2tp_state_fd_name(&a6, name, sizeof(name));
	CU_ASSERT_PTR_NULL(strchr(name, ':'));
	CU_ASSERT_PTR_NOT_NULL(strstr(name, "2001_db8__1"));
	CU_ASSERT_TRUE(g_str_has_suffix(name, "/1702"));

	/* A real socket on 127.0.0.1, handed over under its own name. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT_FATAL(fd >= 0);
	addr(&bound, "127.0.0.1", 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&bound, sizeof(struct sockaddr_in)), 0);
	CU_ASSERT_EQUAL(getsockname(fd, (struct sockaddr *)&bound, &len), 0);
	l2tp_state_fd_name(&bound, name, sizeof(name));
	vpdn_restart_add_inherited(N.core, name, fd);
	CU_ASSERT_EQUAL(l2tp_state_take_socket(N.lns, &bound), fd);
	CU_ASSERT_EQUAL(l2tp_state_take_socket(N.lns, &bound), -1); /* once */
	CU_ASSERT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	/* Under another address's name: not that socket, closed. */
	other = dup(fd);
	l2tp_state_fd_name(&a4, name, sizeof(name));
	vpdn_restart_add_inherited(N.core, name, other);
	CU_ASSERT_EQUAL(l2tp_state_take_socket(N.lns, &a4), -1);
	CU_ASSERT_EQUAL(fcntl(other, F_GETFD), -1);
	close(fd);
	teardown_net();
}

static const struct vpdn_test_case tunnel_tests[] = {
	{ "dial-in with hidden AVPs and authentication both ways", test_dialin_hidden_auth },
	{ "tunnels and sessions tell their view through one hook", test_changed_hook },
	{ "second dial-in reuses the tunnel; sequencing", test_dialin_reuses_tunnel_and_sequencing },
	{ "data re-arms HELLO once per received batch", test_data_rearms_hello_per_batch },
	{ "ID bitmap once a table is large", test_id_bitmap },
	{ "dial-out on the existing tunnel, cleared by the LNS", test_dialout },
	{ "PPP refused the negotiation: CDN 2 with the PPP Disconnect Cause", test_cdn_ppp_refused },
	{ "dial-out busy: CDN 8 with cause", test_dialout_busy },
	{ "dial-out no answer: CDN 10", test_dialout_no_answer },
	{ "dial-out without a dialer: CDN instead of OCRP", test_dialout_no_dialer },
	{ "dial-out no channel: CDN 4", test_dialout_no_channel },
	{ "tunnel authentication failure: StopCCN 4", test_auth_failure },
	{ "terminate-from mismatch: StopCCN 4", test_terminate_from_mismatch },
	{ "tie breaker: lower value wins, loser adopts", test_tie_breaker },
	{ "tie breaker: equal values, both drop", test_tie_breaker_equal },
	{ "failover to the next initiate-to address", test_failover },
	{ "dead peer: tunnel cleared after the retransmission cycle", test_dead_peer_clears_tunnel },
	{ "StopCCN hold state re-acks", test_stopccn_hold },
	{ "unknown M-bit AVP: StopCCN 2/8", test_unknown_mandatory_avp },
	{ "message out of sequence: StopCCN 7", test_fsm_error },
	{ "session numbers kept in one block", test_session_numbers_block },
	{ "protocol version 2.0: StopCCN 5", test_version_check },
	{ "session limit CDN 4, unclaimed session CDN 5", test_session_limit_and_unclaimed },
	{ "SLI publishes LINK_ACCM, WEN counted", test_sli_and_wen },
	{ "lost SCCRP: retransmitted SCCRQ recognised", test_sccrp_lost },
	{ "SCCRQ from an unknown host: StopCCN 4", test_unknown_host },
	{ "unexpected message for a session: CDN 2", test_unexpected_session_message },
	{ "dial-out only to a LAC with Bearer Capabilities", test_dialout_needs_bearer },
	{ "forward request cancelled while the tunnel comes up", test_forward_cancelled },
	{ "ID allocation when (nearly) all are taken", test_id_exhaustion },
	{ "2000 sessions on one tunnel", test_many_sessions },
	{ "dial-out cleared while dialing: the late call is hung up", test_dialout_cleared_while_dialing },
	{ "pending dial cancelled when the module stops", test_pending_dial_cancelled_at_stop },
	{ "restart in place: tunnel kept, HELLO resent, session CDN 3", test_restart_in_place },
	{ "restart in place: sockets handed over by name", test_restart_sockets },
	{ "restart in place: LAC sessions spliced to their carrier again", test_restart_lac },
	{ "data and control from a foreign host or port dropped, counted", test_foreign_source_dropped },
	{ "first reply from another port accepted once (RFC 2661 8.1)", test_first_reply_port_change_once },
	{ "IPv6 tunnel: set-up, data, foreign v6 and mapped sources dropped",
	  test_ipv6_tunnel_and_source_check },
	{ "IPv4 tunnel: the peer's IPv4-mapped IPv6 form is dropped", test_v4_mapped_source_dropped },
	{ "unknown M-bit AVP in an ICRQ: CDN 2/8 for that call only", test_unknown_mandatory_avp_in_icrq },
	{ "Assigned Session ID 0 or in use: CDN 2/5", test_bad_assigned_session_id },
	{ "Assigned Tunnel ID 0 in SCCRQ or SCCRP: StopCCN 2/3", test_assigned_tunnel_id_zero },
	{ "ICRQ without ICCN: CDN 10 after setup-timeout, session freed", test_wait_connect_timeout },
	{ "no ICRP: the LAC's call cleared after setup-timeout", test_wait_reply_timeout },
	{ "outgoing call set-up timeouts at the LNS and the LAC", test_outgoing_call_timeouts },
	{ "tunnel wait-ctl-conn and wait-ctl-reply timeouts", test_tunnel_wait_timeouts },
	{ "cdn-q931-cause = false: CDN without AVP 12", test_cdn_q931_cause_knob },
	{ "StopCCN 2/8 naming AVP 12 after our CDN: learned for the peer", test_cdn_q931_learned },
	{ "which AVP a Result Code's message names", test_text_names_avp },
	{ "ADDRESS_CHECK: tunnel endpoints refused", test_address_check_endpoints },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-tunnel", tunnel_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
