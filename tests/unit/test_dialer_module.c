/* SPDX-License-Identifier: MIT */
/*
 * The dialer module in one process: fake isdn (CALL_PLACE, CALL_HANGUP),
 * fake ppp (PPP_START) and fake l2tp (DIALOUT_REQUEST) handlers on the
 * test core's bus, the fake clock for every timer.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/core.h>

#include "dialer.h"
#include "vpdn_test.h"

/* ---- config ---- */

static cfg_opt_t vpdn_opts[] = {
	CFG_BOOL("enable", cfg_false, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t ppp_opts[] = {
	CFG_STR_LIST("ppp-authentication", NULL, CFGF_NONE),
	CFG_STR("ppp-chap-hostname", NULL, CFGF_NONE),
	CFG_END()
};

static size_t opts_len(const cfg_opt_t *o)
{
	size_t n = 0;
	while (o[n].name)
		n++;
	return n;
}

static cfg_t *parse(const char *text)
{
	GArray *iface = g_array_new(FALSE, TRUE, sizeof(cfg_opt_t));
	GArray *top = g_array_new(FALSE, TRUE, sizeof(cfg_opt_t));
	cfg_opt_t end = CFG_END();
	cfg_opt_t vpdn = CFG_SEC("vpdn", vpdn_opts, CFGF_NONE);
	cfg_t *cfg;

	g_array_append_vals(iface, dialer_interface_options, opts_len(dialer_interface_options));
	g_array_append_vals(iface, ppp_opts, opts_len(ppp_opts));
	g_array_append_val(iface, end);
	cfg_opt_t sec = CFG_SEC("interface", (cfg_opt_t *)iface->data,
				CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);
	g_array_append_vals(top, dialer_options, opts_len(dialer_options));
	g_array_append_val(top, vpdn);
	g_array_append_val(top, sec);
	g_array_append_val(top, end);
	cfg = cfg_init((cfg_opt_t *)top->data, CFGF_NONE);
	g_array_free(top, TRUE);
	g_array_free(iface, TRUE);
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

/* ---- fakes ---- */

#define MAX_PORTS 4

struct port_fake {
	const char *name;
	int sync_status;             /* < 0: complete at once with it; 0: pend */
	struct vpdn_request *req;
	struct vpdn_link *link;
	uint32_t call_id;
	char short_name[16];
	unsigned placed;
	char number[40];
};

static struct vpdn_core *core;
static struct vpdn_bus *bus;
static struct vpdn_timers *tm;
static struct dialer_module *dm;
static struct port_fake ports[MAX_PORTS];
static unsigned n_places;
static char last_place_port[32];

static unsigned n_ppp;
static struct {
	char interface[32], config[32];
	bool iface_null;
	enum vpdn_ppp_role role;
	enum vpdn_call_dir dir;
	uint32_t call_id;
	uint32_t mru;
	struct vpdn_link *link;
} ppp;
static uint32_t call_mru; /* vpdn_ev_call.mru of the calls the fakes make */

static unsigned n_hangups;
static uint32_t last_hangup;
static unsigned n_dialout;
static struct vpdn_request *dialout_req;
static struct { int pool; char number[40], remote[80], profile[32]; } dialout;
static unsigned n_binds;
static struct { char interface[32], profile[32]; bool bound; } bnd;
static struct vpdn_subscription *subs[6];

static struct port_fake *port_by_name(const char *name)
{
	for (int i = 0; i < MAX_PORTS; i++)
		if (ports[i].name && name && !strcmp(ports[i].name, name))
			return &ports[i];
	return NULL;
}

static enum vpdn_bus_verdict fake_place(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call_place *p = ev->payload;
	struct port_fake *pf = port_by_name(p->port);
	struct vpdn_request *req = vpdn_event_take_request(ev);

	n_places++;
	snprintf(last_place_port, sizeof(last_place_port), "%s", p->port ? p->port : "(any)");
	if (!pf) {
		vpdn_request_complete(req, -VPDN_CAUSE_RESOURCE_UNAVAILABLE, NULL);
		return VPDN_BUS_CLAIM;
	}
	pf->placed++;
	snprintf(pf->number, sizeof(pf->number), "%s", p->number);
	if (pf->sync_status < 0)
		vpdn_request_complete(req, pf->sync_status, NULL);
	else
		pf->req = req;
	return VPDN_BUS_CLAIM;
}

/* The fake network answers the pending call on a port. */
static void port_connect(struct port_fake *pf, uint32_t call_id, const char *chan)
{
	struct vpdn_request *req = pf->req;

	pf->link = vpdn_link_new(chan);
	pf->call_id = call_id;
	snprintf(pf->short_name, sizeof(pf->short_name), "%s", chan);
	struct vpdn_ev_call c = {
		.size = sizeof(c), .call_id = call_id, .dir = VPDN_CALL_OUT, .port = pf->name,
		.short_name = pf->short_name, .channel = pf->short_name, .interface = pf->name,
		.called = pf->number, .bearer_kbps = 64, .link = pf->link, .mru = call_mru,
	};
	pf->req = NULL;
	vpdn_request_complete(req, 0, &c);
}

static int ppp_refuse; /* PPP_START answered with this (negative) */

static enum vpdn_bus_verdict fake_ppp_start(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp_start *s = ev->payload;
	struct vpdn_request *req = vpdn_event_take_request(ev);

	n_ppp++;
	if (ppp_refuse) {
		vpdn_request_complete(req, ppp_refuse, NULL);
		return VPDN_BUS_CLAIM;
	}
	ppp.iface_null = !s->interface;
	snprintf(ppp.interface, sizeof(ppp.interface), "%s", s->interface ? s->interface : "Vi1");
	snprintf(ppp.config, sizeof(ppp.config), "%s", s->config ? s->config : "");
	ppp.role = s->role;
	ppp.dir = s->dir;
	ppp.call_id = s->call_id;
	ppp.mru = s->mru;
	ppp.link = s->link;
	struct vpdn_ev_ppp r = { .size = sizeof(r), .interface = ppp.interface, .link = s->link };
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict fake_hangup(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call_hangup *h = ev->payload;
	n_hangups++;
	last_hangup = h->call_id;
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict fake_dialout(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_dialout *d = ev->payload;
	n_dialout++;
	dialout.pool = d->pool;
	snprintf(dialout.number, sizeof(dialout.number), "%s", d->number ? d->number : "");
	snprintf(dialout.remote, sizeof(dialout.remote), "%s", d->remote_name ? d->remote_name : "");
	snprintf(dialout.profile, sizeof(dialout.profile), "%s", d->profile ? d->profile : "");
	dialout_req = vpdn_event_take_request(ev);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_bind(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_dialer_bind *b = ev->payload;
	n_binds++;
	snprintf(bnd.interface, sizeof(bnd.interface), "%s", b->interface);
	snprintf(bnd.profile, sizeof(bnd.profile), "%s", b->profile);
	bnd.bound = b->bound;
	return VPDN_BUS_PASS;
}

static int n_failed;
static char failed_profile[32];

static enum vpdn_bus_verdict on_dial_failed(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_dial_failed *f = ev->payload;
	n_failed++;
	snprintf(failed_profile, sizeof(failed_profile), "%s", f->profile ? f->profile : "");
	return VPDN_BUS_PASS;
}

static void setup(const char *conf)
{
	cfg_t *cfg;

	core = vpdn_core_new_test();
	bus = vpdn_core_bus(core);
	tm = vpdn_core_timers(core);
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG_DIALER_EVENTS, true);
	memset(ports, 0, sizeof(ports));
	n_places = n_ppp = n_hangups = n_dialout = n_binds = n_failed = 0;
	memset(&ppp, 0, sizeof(ppp));
	memset(&bnd, 0, sizeof(bnd));
	dialout_req = NULL;
	subs[0] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_PLACE, fake_place, NULL);
	subs[1] = vpdn_bus_subscribe(bus, VPDN_EV_PPP_START, fake_ppp_start, NULL);
	subs[2] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_HANGUP, fake_hangup, NULL);
	subs[3] = vpdn_bus_subscribe(bus, VPDN_EV_DIALOUT_REQUEST, fake_dialout, NULL);
	subs[4] = vpdn_bus_subscribe(bus, VPDN_EV_DIALER_BIND, on_bind, NULL);
	subs[5] = vpdn_bus_subscribe(bus, VPDN_EV_DIAL_FAILED, on_dial_failed, NULL);
	cfg = parse(conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL_FATAL(dialer_check(cfg), 0);
	CU_ASSERT_EQUAL_FATAL(dialer_module_new(core, cfg, &dm), 0);
	cfg_free(cfg); /* the module keeps nothing from it */
}

static void teardown(void)
{
	dialer_module_free(dm);
	dm = NULL;
	for (int i = 0; i < MAX_PORTS; i++)
		if (ports[i].link)
			vpdn_link_unref(ports[i].link);
	for (int i = 0; i < 6; i++)
		vpdn_bus_unsubscribe(bus, subs[i]);
	vpdn_core_free_test(core);
}

static enum dialer_state state_of(const char *name)
{
	struct dialer_info in;
	CU_ASSERT_EQUAL_FATAL(dialer_module_info_by_name(dm, name, &in), 0);
	return in.state;
}

/* ---- incoming calls ---- */

static int in_status;
static bool in_done;

static void incoming_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	in_done = true;
	in_status = status;
}

static struct vpdn_link *incoming(const char *iface, const char *chan, uint32_t call_id)
{
	struct vpdn_link *l = vpdn_link_new(chan);
	struct vpdn_ev_call c = {
		.size = sizeof(c), .call_id = call_id, .dir = VPDN_CALL_IN, .port = "E1 0",
		.channel = chan, .short_name = chan, .interface = iface, .calling = "6122",
		.called = "211", .bearer_kbps = 64, .link = l, .mru = call_mru,
	};
	in_done = false;
	in_status = 1;
	struct vpdn_request *r = vpdn_bus_request(bus, VPDN_EV_CALL_INCOMING, &c, incoming_done, NULL);
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_FALSE(in_done); /* never inside vpdn_bus_request() */
	vpdn_bus_run_pending(bus);
	CU_ASSERT_TRUE(in_done); /* answered (or refused) on the next turn */
	return l;
}

static const char *lac_conf =
	"vpdn { enable = true }\n"
	"dialer-list \"1\" { protocol = \"ip\" permit = true }\n"
	"interface \"Serial0:15\" { dialer-rotary-group = 1 ppp-authentication = {\"chap\"}"
	"  ppp-chap-hostname = \"LAC\" }\n"
	"interface \"Serial1:15\" { dialer-rotary-group = 1 }\n"
	"interface \"Dialer1\" { dialer-in-band = true dialer-aaa = true dialer-group = 1 }\n";

static void test_incoming_lac_forward(void)
{
	setup(lac_conf);
	struct vpdn_link *l = incoming("Serial0:15", "Se0:17", 0x11B);
	CU_ASSERT_TRUE(in_done);
	CU_ASSERT_EQUAL(in_status, 0);
	CU_ASSERT_EQUAL(n_ppp, 1);
	CU_ASSERT_STRING_EQUAL(ppp.interface, "Se0:17");
	CU_ASSERT_STRING_EQUAL(ppp.config, "Serial0:15");
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_LAC_FORWARD);
	CU_ASSERT_EQUAL(ppp.dir, VPDN_CALL_IN);
	CU_ASSERT_EQUAL(ppp.call_id, 0x11B);
	CU_ASSERT_PTR_EQUAL(ppp.link, l);
	CU_ASSERT_EQUAL(dialer_module_incoming_count(dm), 1);
	/* The member without ppp settings takes them from its rotary group. */
	struct vpdn_link *l2 = incoming("Serial1:15", "Se1:3", 0x11C);
	CU_ASSERT_EQUAL(in_status, 0);
	CU_ASSERT_STRING_EQUAL(ppp.config, "Dialer1");
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_LAC_FORWARD);
	/* Cleared: forgotten. */
	struct vpdn_ev_call c = { .size = sizeof(c), .call_id = 0x11B, .link = l, .cause = 16 };
	vpdn_bus_publish(bus, VPDN_EV_CALL_CLEARED, &c);
	CU_ASSERT_EQUAL(dialer_module_incoming_count(dm), 1);
	vpdn_link_unref(l);
	vpdn_link_unref(l2);
	teardown();
}

/* PPP refuses to start on an answered call (answered at once, so the
 * refusal arrives on the next turn): the call is cleared. */
static void test_incoming_ppp_refused(void)
{
	setup(lac_conf);
	ppp_refuse = -ENODEV;
	struct vpdn_link *l = incoming("Serial0:15", "Se0:17", 0x11B);
	CU_ASSERT_EQUAL(in_status, 0);
	CU_ASSERT_EQUAL(n_ppp, 1);
	CU_ASSERT_EQUAL(n_hangups, 1);
	CU_ASSERT_EQUAL(last_hangup, 0x11B);
	ppp_refuse = 0;
	vpdn_link_unref(l);
	teardown();
}

static void test_incoming_server_and_unknown(void)
{
	setup("interface \"BRI0\" { ppp-authentication = {\"chap\"} }\n"
	      "interface \"Serial0:15\" { dialer-vpdn-forward = true ppp-authentication = {\"chap\"} }\n"
	      "interface \"Ethernet0\" { }\n");
	struct vpdn_link *l = incoming("BRI0", "BR0:1", 0x11B);
	CU_ASSERT_EQUAL(in_status, 0);
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_SERVER); /* no vpdn enable */
	CU_ASSERT_STRING_EQUAL(ppp.config, "BRI0");
	vpdn_link_unref(l);
	l = incoming("Serial0:15", "Se0:17", 0x11C);
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_LAC_FORWARD); /* explicit */
	vpdn_link_unref(l);
	/* An interface without PPP settings and a port nobody configured:
	 * unclaimed, which isdn answers with cause 88. */
	n_ppp = 0;
	l = incoming("Ethernet0", "x", 0x11D);
	CU_ASSERT_EQUAL(in_status, -ENOENT);
	vpdn_link_unref(l);
	l = incoming("BRI1", "BR1:1", 0x11E);
	CU_ASSERT_EQUAL(in_status, -ENOENT);
	CU_ASSERT_EQUAL(n_ppp, 0);
	vpdn_link_unref(l);
	teardown();
}

/* ---- rotary dial requests ---- */

static int dial_status;
static bool dial_done_flag;
static struct vpdn_link *dial_link;

static void dial_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_call *c = reply;
	dial_done_flag = true;
	dial_status = status;
	dial_link = c ? c->link : NULL;
}

static struct vpdn_request *dial_request(const char *dialer, const char *number)
{
	struct vpdn_ev_dial d = { .size = sizeof(d), .dialer = dialer, .number = number,
				  .reason = "dialer session 0x1D4C" };
	dial_done_flag = false;
	dial_status = 1;
	dial_link = NULL;
	struct vpdn_request *r = vpdn_bus_request(bus, VPDN_EV_DIAL_REQUEST, &d, dial_done, NULL);
	CU_ASSERT_FALSE(dial_done_flag);
	vpdn_bus_run_pending(bus); /* main-loop turns: the hunt's answers */
	return dial_done_flag ? NULL : r; /* NULL: answered by then */
}

static void test_rotary_hunt(void)
{
	setup(lac_conf);
	ports[0] = (struct port_fake){ .name = "Serial0:15", .sync_status = -VPDN_CAUSE_NO_CHANNEL };
	ports[1] = (struct port_fake){ .name = "Serial1:15" };
	struct vpdn_request *r = dial_request("Dialer1", "6121");
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_FALSE(dial_done_flag);
	CU_ASSERT_EQUAL(ports[0].placed, 1);  /* busy port tried first */
	CU_ASSERT_EQUAL(ports[1].placed, 1);  /* then the next one */
	CU_ASSERT_STRING_EQUAL(ports[1].number, "6121");
	port_connect(&ports[1], 0x8055, "Se1:30");
	CU_ASSERT_TRUE(dial_done_flag);
	CU_ASSERT_EQUAL(dial_status, 0);
	CU_ASSERT_PTR_EQUAL(dial_link, ports[1].link);
	CU_ASSERT_EQUAL(n_ppp, 0); /* L2TP splices: no PPP at the LAC */
	/* Unknown dialer: not ours. */
	r = dial_request("Dialer9", "6121");
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(dial_status, -ENOENT);
	teardown();
}

static void test_rotary_all_busy(void)
{
	setup(lac_conf);
	ports[0] = (struct port_fake){ .name = "Serial0:15", .sync_status = -VPDN_CAUSE_NO_CHANNEL };
	ports[1] = (struct port_fake){ .name = "Serial1:15", .sync_status = -VPDN_CAUSE_NO_CHANNEL };
	struct vpdn_request *r = dial_request("Dialer1", "6121");
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_TRUE(dial_done_flag);
	CU_ASSERT_EQUAL(dial_status, -VPDN_CAUSE_NO_CHANNEL);
	CU_ASSERT_EQUAL(n_places, 2);
	/* The called user busy: no point trying another port. */
	ports[0].sync_status = -VPDN_CAUSE_USER_BUSY;
	n_places = 0;
	r = dial_request("Dialer1", "6121");
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(dial_status, -VPDN_CAUSE_USER_BUSY);
	CU_ASSERT_EQUAL(n_places, 1);
	/* Asynchronous busy on the second port (after the first had no channel). */
	ports[0].sync_status = -VPDN_CAUSE_NO_CHANNEL;
	ports[1].sync_status = 0;
	r = dial_request("Dialer1", "6121");
	CU_ASSERT_PTR_NOT_NULL(r);
	struct vpdn_request *pend = ports[1].req;
	ports[1].req = NULL;
	vpdn_request_complete(pend, -VPDN_CAUSE_USER_BUSY, NULL);
	CU_ASSERT_TRUE(dial_done_flag);
	CU_ASSERT_EQUAL(dial_status, -VPDN_CAUSE_USER_BUSY);
	teardown();
}

/* ---- dial on demand ---- */

static const uint8_t ip_packet[20] = {
	0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0,
	10, 200, 20, 32,   /* s */
	17, 17, 17, 2,     /* d */
};

static int traffic(const char *iface)
{
	struct vpdn_ev_traffic t = { .size = sizeof(t), .interface = iface, .packet = ip_packet,
				     .len = sizeof(ip_packet) };
	int r = vpdn_bus_publish(bus, VPDN_EV_INTERESTING_TRAFFIC, &t);
	vpdn_bus_run_pending(bus); /* the dial's answers, on the next turns */
	return r;
}

static const char *remote1_conf =
	"dialer-list \"1\" { protocol = \"ip\" permit = true }\n"
	"dialer-list \"2\" { protocol = \"ip\" permit = false }\n"
	"interface \"BRI0\" { dialer-pool-member = {1} }\n"
	"interface \"Dialer1\" { dialer-pool = 1 dialer-string = \"8211\" dialer-group = 1"
	"  dialer-idle-timeout = 10 dialer-enable-timeout = 15 dialer-wait-for-carrier = 30 }\n"
	"interface \"Dialer3\" { dialer-pool = 1 dialer-string = \"8213\" dialer-group = 2 }\n"
	"interface \"Dialer4\" { dialer-string = \"8214\" }\n";

static struct vpdn_link *net_up(const char *iface, const char *profile)
{
	struct vpdn_link *net = vpdn_link_new("net");
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = iface, .config = profile,
					 .profile = profile, .net = net };
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	return net;
}

static void sink_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n) { }
static const struct vpdn_link_ops sink_ops = { sink_frame, NULL };

static void test_dod_isdn_and_idle(void)
{
	setup(remote1_conf);
	ports[0] = (struct port_fake){ .name = "BRI0" };
	CU_ASSERT_EQUAL(traffic("Dialer1"), 1);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_DIALING);
	CU_ASSERT_EQUAL(ports[0].placed, 1);
	CU_ASSERT_STRING_EQUAL(ports[0].number, "8211");
	CU_ASSERT_EQUAL(traffic("Dialer1"), 1); /* more traffic: still one call */
	CU_ASSERT_EQUAL(ports[0].placed, 1);
	port_connect(&ports[0], 0x8005, "BR0:1");
	CU_ASSERT_EQUAL(n_ppp, 1);
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_CLIENT);
	CU_ASSERT_EQUAL(ppp.dir, VPDN_CALL_OUT);
	CU_ASSERT_STRING_EQUAL(ppp.config, "Dialer1");
	CU_ASSERT_STRING_EQUAL(ppp.interface, "BR0:1");
	CU_ASSERT_PTR_EQUAL(ppp.link, ports[0].link);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_CONNECTING);
	/* No wait-for-carrier once connected. */
	vpdn_timers_advance(tm, 60000);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_CONNECTING);
	struct vpdn_link *net = net_up("BR0:1", "Dialer1");
	vpdn_link_attach(net, VPDN_LINK_B, &sink_ops, NULL);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_CONNECTED);
	struct dialer_info in;
	dialer_module_info_by_name(dm, "Dialer1", &in);
	CU_ASSERT_EQUAL(in.idle_left, 10);
	CU_ASSERT_STRING_EQUAL(in.interface, "BR0:1");
	/* Traffic keeps it up. */
	for (int i = 0; i < 4; i++) {
		vpdn_timers_advance(tm, 5000);
		vpdn_link_send(net, VPDN_LINK_A, ip_packet, sizeof(ip_packet));
	}
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_CONNECTED);
	CU_ASSERT_EQUAL(n_hangups, 0);
	/* Then 10 s of silence hang it up (checked every 2.5 s). */
	vpdn_timers_advance(tm, 9000);
	CU_ASSERT_EQUAL(n_hangups, 0);
	vpdn_timers_advance(tm, 4000);
	CU_ASSERT_EQUAL(n_hangups, 1);
	CU_ASSERT_EQUAL(last_hangup, 0x8005);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_IDLE);
	/* isdn then reports the call cleared: nothing more happens. */
	struct vpdn_ev_call c = { .size = sizeof(c), .call_id = 0x8005, .link = ports[0].link,
				  .cause = 16 };
	vpdn_bus_publish(bus, VPDN_EV_CALL_CLEARED, &c);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_IDLE);
	dialer_module_info_by_name(dm, "Dialer1", &in);
	CU_ASSERT_EQUAL(in.failures, 0);
	CU_ASSERT_EQUAL(in.calls, 1);
	vpdn_link_unref(net);
	/* dialer-list denies ip, and a profile without dialer-group: not
	 * interesting. */
	CU_ASSERT_EQUAL(traffic("Dialer3"), 0);
	CU_ASSERT_EQUAL(traffic("Dialer4"), 0);
	CU_ASSERT_EQUAL(traffic("Dialer7"), 0);
	teardown();
}

/* An IPv6 packet (next header 59) 2001:db8:1::1 -> 2001:db8:1020::32. */
static const uint8_t ip6_packet[40] = {
	0x60, 0, 0, 0, 0, 0, 59, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x32,
};

static int traffic6(const char *iface)
{
	struct vpdn_ev_traffic t = { .size = sizeof(t), .interface = iface, .packet = ip6_packet,
				     .len = sizeof(ip6_packet) };
	int r = vpdn_bus_publish(bus, VPDN_EV_INTERESTING_TRAFFIC, &t);
	vpdn_bus_run_pending(bus);
	return r;
}

/* dialer-list protocol ipv6 (IOS's `dialer-list 1 protocol ipv6
 * permit`): IPv6 dials only where the list names it; "ip" alone is IPv4
 * only, as in IOS. */
static void test_dod_ipv6(void)
{
	setup("dialer-list \"1\" { protocol = \"ip\" permit = true }\n"
	      "dialer-list \"2\" { protocol = {\"ip\", \"ipv6\"} permit = true }\n"
	      "dialer-list \"3\" { protocol = \"ipv6\" permit = true }\n"
	      "interface \"BRI0\" { dialer-pool-member = {1} }\n"
	      "interface \"Dialer1\" { dialer-pool = 1 dialer-string = \"8211\" dialer-group = 1 }\n"
	      "interface \"Dialer2\" { dialer-pool = 1 dialer-string = \"8212\" dialer-group = 2 }\n"
	      "interface \"Dialer3\" { dialer-pool = 1 dialer-string = \"8213\" dialer-group = 3 }\n");
	ports[0] = (struct port_fake){ .name = "BRI0" };
	CU_ASSERT_EQUAL(traffic6("Dialer1"), 0);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_IDLE);
	CU_ASSERT_EQUAL(traffic6("Dialer2"), 1);
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_DIALING);
	CU_ASSERT_EQUAL(ports[0].placed, 1);
	CU_ASSERT_STRING_EQUAL(ports[0].number, "8212");
	CU_ASSERT_EQUAL(traffic("Dialer3"), 0);     /* ipv6 only: IPv4 is not */
	CU_ASSERT_EQUAL(state_of("Dialer3"), DIALER_IDLE);
	port_connect(&ports[0], 0x8006, "BR0:1");   /* the placed call's request done */
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_CONNECTING);
	teardown();
}

/* RFC 4638 (issue #17): the call's mru (a PPPoE session's payload)
 * reaches PPP_START, on a call answered and on a call placed. */
static void test_call_mru_to_ppp(void)
{
	setup(lac_conf);
	call_mru = 1492;
	struct vpdn_link *l = incoming("Serial0:15", "PPPoE1", 0x11B);
	CU_ASSERT_EQUAL(in_status, 0);
	CU_ASSERT_EQUAL(n_ppp, 1);
	CU_ASSERT_EQUAL(ppp.mru, 1492);
	vpdn_link_unref(l);
	teardown();

	setup(remote1_conf);
	ports[0] = (struct port_fake){ .name = "BRI0" };
	CU_ASSERT_EQUAL(traffic("Dialer1"), 1);
	call_mru = 1500;
	port_connect(&ports[0], 0x8005, "PPPoE2");
	CU_ASSERT_EQUAL(n_ppp, 1);
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_CLIENT);
	CU_ASSERT_EQUAL(ppp.mru, 1500);
	call_mru = 0;
	teardown();
}

static void test_enable_timeout_and_carrier(void)
{
	setup(remote1_conf);
	ports[0] = (struct port_fake){ .name = "BRI0", .sync_status = -VPDN_CAUSE_USER_BUSY };
	CU_ASSERT_EQUAL(traffic("Dialer1"), 1);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_ENABLE_WAIT);
	CU_ASSERT_EQUAL(ports[0].placed, 1);
	/* The failure is announced, for whoever holds the traffic. */
	CU_ASSERT_EQUAL(n_failed, 1);
	CU_ASSERT_STRING_EQUAL(failed_profile, "Dialer1");
	/* Held off: not dialed, and not claimed, so the ip module drops the
	 * packet instead of holding it for a dial that will not come. */
	CU_ASSERT_EQUAL(traffic("Dialer1"), 0);
	CU_ASSERT_EQUAL(ports[0].placed, 1);
	CU_ASSERT_EQUAL(dialer_module_dial(dm, "Dialer1", NULL), -EAGAIN);
	vpdn_timers_advance(tm, 14999);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_ENABLE_WAIT);
	vpdn_timers_advance(tm, 1);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_IDLE);
	/* Wait for carrier: the call never connects. */
	ports[0].sync_status = 0;
	CU_ASSERT_EQUAL(dialer_module_dial(dm, "Dialer1", NULL), 0);
	CU_ASSERT_EQUAL(ports[0].placed, 2);
	CU_ASSERT_EQUAL(dialer_module_dial(dm, "Dialer1", NULL), -EBUSY);
	vpdn_timers_advance(tm, 29999);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_DIALING);
	vpdn_timers_advance(tm, 1);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_ENABLE_WAIT);
	CU_ASSERT_TRUE(vpdn_request_cancelled(ports[0].req)); /* the call is withdrawn */
	vpdn_request_complete(ports[0].req, -VPDN_CAUSE_NORMAL_CLEARING, NULL);
	ports[0].req = NULL;
	struct dialer_info in;
	dialer_module_info_by_name(dm, "Dialer1", &in);
	CU_ASSERT_EQUAL(in.failures, 2);
	/* PPP failing (CHAP refused) before the network is up: a failure. */
	vpdn_timers_advance(tm, 15000);
	CU_ASSERT_EQUAL(dialer_module_dial(dm, "Dialer1", NULL), 0);
	port_connect(&ports[0], 0x8006, "BR0:2");
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_CONNECTING);
	struct vpdn_ev_ppp p = { .size = sizeof(p), .interface = "BR0:2", .link = ports[0].link,
				 .reason = -EACCES };
	vpdn_bus_publish(bus, VPDN_EV_PPP_DOWN, &p);
	CU_ASSERT_EQUAL(state_of("Dialer1"), DIALER_ENABLE_WAIT);
	CU_ASSERT_EQUAL(n_hangups, 1);
	CU_ASSERT_EQUAL(last_hangup, 0x8006);
	CU_ASSERT_EQUAL(n_failed, 3);
	CU_ASSERT_EQUAL(dialer_module_dial(dm, "Nope", NULL), -ENOENT);
	teardown();
}

static const char *lns_conf =
	"dialer-list \"1\" { protocol = \"ip\" permit = true }\n"
	"interface \"Dialer2\" { dialer-pool = 1 dialer-remote-name = \"remote2@cisco.com\""
	"  dialer-string = \"6121\" dialer-vpdn = true dialer-group = 1 }\n";

static void test_dod_vpdn_bind(void)
{
	setup(lns_conf);
	CU_ASSERT_EQUAL(traffic("Dialer2"), 1);
	CU_ASSERT_EQUAL(n_dialout, 1);
	CU_ASSERT_EQUAL(dialout.pool, 1);
	CU_ASSERT_STRING_EQUAL(dialout.number, "6121");
	CU_ASSERT_STRING_EQUAL(dialout.remote, "remote2@cisco.com");
	CU_ASSERT_STRING_EQUAL(dialout.profile, "Dialer2");
	CU_ASSERT_EQUAL(n_places, 0);
	struct vpdn_link *sl = vpdn_link_new("Tnl/Cl 11407/304");
	struct vpdn_ev_session s = { .size = sizeof(s), .tunnel_id = 11407, .session_id = 304,
				     .dir = VPDN_CALL_OUT, .profile = "Dialer2", .link = sl };
	vpdn_request_complete(dialout_req, 0, &s);
	CU_ASSERT_EQUAL(n_ppp, 1);
	CU_ASSERT_EQUAL(n_binds, 0); /* PPP_START is answered on the next turn */
	vpdn_bus_run_pending(bus);
	CU_ASSERT_TRUE(ppp.iface_null); /* ppp clones a Virtual-Access */
	CU_ASSERT_STRING_EQUAL(ppp.config, "Dialer2");
	CU_ASSERT_EQUAL(ppp.role, VPDN_PPP_ROLE_SERVER);
	CU_ASSERT_EQUAL(ppp.dir, VPDN_CALL_OUT);
	CU_ASSERT_PTR_EQUAL(ppp.link, sl);
	CU_ASSERT_EQUAL(n_binds, 1);
	CU_ASSERT_STRING_EQUAL(bnd.interface, "Vi1");
	CU_ASSERT_STRING_EQUAL(bnd.profile, "Dialer2");
	CU_ASSERT_TRUE(bnd.bound);
	struct vpdn_link *net = net_up("Vi1", "Dialer2");
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_CONNECTED);
	/* L2TP tears the session down: unbound, idle. */
	s.link = sl;
	vpdn_bus_publish(bus, VPDN_EV_SESSION_DOWN, &s);
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_IDLE);
	CU_ASSERT_EQUAL(n_binds, 2);
	CU_ASSERT_FALSE(bnd.bound);
	vpdn_link_unref(net);
	/* A refused dial-out (CDN busy) is a failure. */
	CU_ASSERT_EQUAL(traffic("Dialer2"), 1);
	vpdn_request_complete(dialout_req, -EBUSY, NULL);
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_ENABLE_WAIT);
	vpdn_link_unref(sl);
	teardown();
}

static void test_bind_incoming_by_remote_name(void)
{
	setup("interface \"BRI0\" { ppp-authentication = {\"chap\"} }\n"
	      "interface \"Dialer2\" { dialer-remote-name = \"remote2@cisco.com\""
	      "  dialer-idle-timeout = 20 }\n");
	struct vpdn_link *l = incoming("BRI0", "BR0:1", 0x11B);
	CU_ASSERT_EQUAL(in_status, 0);
	struct vpdn_ev_ppp a = { .size = sizeof(a), .interface = "BR0:1", .link = l,
				 .user = "someone@else" };
	vpdn_bus_publish(bus, VPDN_EV_PPP_AUTHENTICATED, &a);
	CU_ASSERT_EQUAL(n_binds, 0);
	a.user = "remote2@cisco.com";
	vpdn_bus_publish(bus, VPDN_EV_PPP_AUTHENTICATED, &a);
	CU_ASSERT_EQUAL(n_binds, 1);
	CU_ASSERT_STRING_EQUAL(bnd.interface, "BR0:1");
	CU_ASSERT_STRING_EQUAL(bnd.profile, "Dialer2");
	struct vpdn_link *net = net_up("BR0:1", NULL);
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_CONNECTED);
	/* The bound call obeys the profile's idle-timeout. */
	vpdn_timers_advance(tm, 25000);
	CU_ASSERT_EQUAL(n_hangups, 1);
	CU_ASSERT_EQUAL(last_hangup, 0x11B);
	CU_ASSERT_EQUAL(state_of("Dialer2"), DIALER_IDLE);
	CU_ASSERT_FALSE(bnd.bound);
	struct vpdn_ev_call c = { .size = sizeof(c), .call_id = 0x11B, .link = l, .cause = 16 };
	vpdn_bus_publish(bus, VPDN_EV_CALL_CLEARED, &c);
	CU_ASSERT_EQUAL(dialer_module_incoming_count(dm), 0);
	vpdn_link_unref(net);
	vpdn_link_unref(l);
	teardown();
}

/* IOS names (vpdnd/interface.h): a call on "Se0:15" is Serial0:15's, a
 * dial request for "di 1" is Dialer1's, an interface "Di3" is a Dialer;
 * "Dialer10" is not Dialer1. */
static void test_ios_short_names(void)
{
	setup(lac_conf);
	struct vpdn_link *l = incoming("Se0:15", "Se0:17", 0x11F);
	CU_ASSERT_EQUAL(in_status, 0);
	CU_ASSERT_STRING_EQUAL(ppp.config, "Serial0:15");
	vpdn_link_unref(l);
	CU_ASSERT_EQUAL(state_of("Di1"), state_of("Dialer1"));
	ports[0] = (struct port_fake){ .name = "Serial0:15" };
	struct vpdn_request *r = dial_request("di 1", "6121");
	CU_ASSERT_PTR_NOT_NULL(r);
	CU_ASSERT_EQUAL(ports[0].placed, 1);
	port_connect(&ports[0], 0x8056, "Se0:30");
	CU_ASSERT_EQUAL(dial_status, 0);
	r = dial_request("Dialer10", "6121");
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(dial_status, -ENOENT);
	teardown();

	cfg_t *cfg = parse("interface \"Di3\" { dialer-string = \"6121\" }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(dialer_check(cfg), 0);
	cfg_free(cfg);
}

static void test_config_errors(void)
{
	static const char *bad[] = {
		"interface \"Serial0:15\" { dialer-rotary-group = 2 }\n",
		"interface \"Dialer2\" { dialer-vpdn = true }\n",
		"interface \"Dialer2\" { dialer-string = \"61x1\" }\n",
		"interface \"BRI0\" { dialer-string = \"6121\" }\n",
		"dialer-list \"one\" { }\n",
		"dialer-list \"1\" { protocol = {\"ip\", \"appletalk\"} }\n",
		"interface \"Dialer1\" { dialer-wait-for-carrier = 0 }\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		cfg_t *cfg = parse(bad[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
		cfg_set_error_function(cfg, NULL);
		CU_ASSERT_EQUAL(dialer_check(cfg), -EINVAL);
		cfg_free(cfg);
	}
	cfg_t *cfg = parse(lac_conf);
	CU_ASSERT_EQUAL(dialer_check(cfg), 0);
	cfg_free(cfg);
}

static const struct vpdn_test_case incoming_tests[] = {
	{ "LAC: answered, PPP LAC forwarding on the B channel", test_incoming_lac_forward },
	{ "server role; unknown interface refused", test_incoming_server_and_unknown },
	{ "PPP refuses an answered call: cleared", test_incoming_ppp_refused },
	{ "bind an incoming call by remote name", test_bind_incoming_by_remote_name },
	{ "IOS short names: Se0:15, Di1, Di3", test_ios_short_names },
	{ NULL, NULL }
};

static const struct vpdn_test_case dial_tests[] = {
	{ "rotary hunt past a busy port", test_rotary_hunt },
	{ "all ports busy: 34; user busy: 17", test_rotary_all_busy },
	{ "dial on demand over ISDN, idle-timeout", test_dod_isdn_and_idle },
	{ "dial on demand: dialer-list protocol ipv6", test_dod_ipv6 },
	{ "RFC 4638: the call's mru reaches PPP_START both ways", test_call_mru_to_ppp },
	{ "enable-timeout, wait-for-carrier, PPP failure", test_enable_timeout_and_carrier },
	{ "dial on demand over L2TP (dialer vpdn), bind", test_dod_vpdn_bind },
	{ "config errors", test_config_errors },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "dialer-incoming", incoming_tests, NULL, NULL },
	{ "dialer-dial", dial_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
