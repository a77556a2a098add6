/* SPDX-License-Identifier: MIT */
/*
 * testcarrier: a test-only module standing in for the modules around L2TP.
 *
 * At a LAC it plays ISDN + PPP forwarding (DialIn publishes
 * FORWARD_REQUEST with a fake B channel and proxy LCP/CHAP data) and the
 * dialer (it claims DIAL_REQUEST and answers with a fresh B channel).
 * At an LNS it plays PPP (it claims SESSION_INCOMING, answers "Vi<n>" and
 * publishes PPP_AUTHENTICATED) and a dialer profile (DialOut publishes
 * DIALOUT_REQUEST). Consumers (LNS side, end B) echo every frame; carriers
 * (LAC side, end A) count what they receive.
 *
 * D-Bus: /org/vpdnd/module/testcarrier, org.vpdnd.TestCarrier1:
 *   DialIn(s user, s calling, s called) -> u id
 *   DialOut(i pool, s number) -> u id
 *   SendFrame(u id, ay frame)
 *   HangUp(u id)
 *   Calls: a(ussstt) id, kind, state, interface, frames in, frames out
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include <vpdnd/dbus.h>
#include <vpdnd/vpdnd.h>

#define IFACE "org.vpdnd.TestCarrier1"

enum call_kind { DIALIN, DIALOUT, INCOMING, DIAL };
static const char *const kind_names[] = { "dialin", "dialout", "incoming", "dial" };

struct tc;

struct call {
	struct tc *tc;
	uint32_t id;
	enum call_kind kind;
	char state[16];
	char ifname[32];
	int status;
	struct vpdn_link *link;
	bool at_b;              /* consumer at end B (else carrier at A) */
	struct vpdn_request *req;
	uint64_t frames_in, frames_out;
};

struct tc {
	struct vpdn_core *core;
	GPtrArray *calls;
	uint32_t next_id;
	unsigned next_vi;
	struct vpdn_subscription *subs[2];
	sd_bus_slot *slot;
};

static void set_state(struct call *c, const char *st)
{
	g_strlcpy(c->state, st, sizeof(c->state));
	vpdn_info(vpdn_core_log(c->tc->core), "testcarrier: call %u (%s) %s", c->id,
		  kind_names[c->kind], st);
}

static struct call *call_new(struct tc *tc, enum call_kind kind)
{
	struct call *c = g_new0(struct call, 1);

	c->tc = tc;
	c->id = ++tc->next_id;
	c->kind = kind;
	g_strlcpy(c->state, "pending", sizeof(c->state));
	g_ptr_array_add(tc->calls, c);
	return c;
}

static struct call *call_get(struct tc *tc, uint32_t id)
{
	for (unsigned i = 0; i < tc->calls->len; i++)
		if (((struct call *)tc->calls->pdata[i])->id == id)
			return tc->calls->pdata[i];
	return NULL;
}

/* Carrier at end A: counts frames. */
static void carrier_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	((struct call *)ctx)->frames_in++;
}

static void carrier_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct call *c = ctx;

	set_state(c, "down");
	c->status = cause;
}

static const struct vpdn_link_ops carrier_ops = { .frame = carrier_frame, .hangup = carrier_hangup };

/* Consumer at end B: echoes frames. */
static void consumer_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct call *c = ctx;

	c->frames_in++;
	if (vpdn_link_send(link, VPDN_LINK_B, d, len) == 0)
		c->frames_out++;
}

static void consumer_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct call *c = ctx;

	set_state(c, "down");
	c->status = cause;
	vpdn_link_detach(link, VPDN_LINK_B);
}

static const struct vpdn_link_ops consumer_ops = { .frame = consumer_frame, .hangup = consumer_hangup };

static void call_drop(struct call *c)
{
	if (c->req)
		vpdn_request_cancel(c->req);
	c->req = NULL;
	if (c->link) {
		vpdn_link_detach(c->link, c->at_b ? VPDN_LINK_B : VPDN_LINK_A);
		vpdn_link_unref(c->link);
		c->link = NULL;
	}
}

/* ------------------------------------------------------------------ */

static void forward_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct call *c = data;

	c->req = NULL;
	c->status = status;
	if (status < 0 && strcmp(c->state, "down") != 0)
		set_state(c, "failed");
	else if (status >= 0)
		set_state(c, "up");
}

/* Proxy LCP: what the LAC sent (CHAP, its magic) and what the caller
 * sent (its own magic: an LNS running PPP takes equal ones for a looped
 * line and renegotiates). The CHAP response is random, so an LNS that
 * verifies it (ppp + auth-local) refuses the user: a wrong password. */
static const uint8_t confreq[] = { 0x03, 0x05, 0xc2, 0x23, 0x05, 0x05, 0x06, 0x6b, 0xde, 0x50, 0xcc };
static const uint8_t peer_confreq[] = { 0x05, 0x06, 0x12, 0x34, 0x56, 0x78 };

static int m_dialin(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct tc *tc = userdata;
	struct vpdn_ev_forward f = { .size = sizeof(f) };
	const char *user, *calling, *called, *at;
	uint8_t challenge[16], response[16];
	struct vpdn_request *req;
	struct call *c;
	int r;

	r = sd_bus_message_read(m, "sss", &user, &calling, &called);
	if (r < 0)
		return r;
	c = call_new(tc, DIALIN);
	snprintf(c->ifname, sizeof(c->ifname), "Se0:%u", 16 + c->id);
	c->link = vpdn_link_new(c->ifname);
	vpdn_link_attach(c->link, VPDN_LINK_A, &carrier_ops, c);
	vpdn_random_bytes(challenge, sizeof(challenge));
	vpdn_random_bytes(response, sizeof(response));
	at = strchr(user, '@');
	f.link = c->link;
	f.interface = c->ifname;
	f.call_id = 0x100 + c->id;
	f.user = user;
	f.domain = at ? at + 1 : NULL;
	f.calling = calling;
	f.called = called;
	f.dnis = called;
	f.bearer_kbps = 64;
	f.proxy.present = true;
	f.proxy.init_rcvd_confreq = peer_confreq;
	f.proxy.init_rcvd_confreq_len = sizeof(peer_confreq);
	f.proxy.last_sent_confreq = confreq;
	f.proxy.last_sent_confreq_len = sizeof(confreq);
	f.proxy.last_rcvd_confreq = peer_confreq;
	f.proxy.last_rcvd_confreq_len = sizeof(peer_confreq);
	f.proxy.auth_type = 2;
	f.proxy.auth_name = user;
	f.proxy.auth_challenge = challenge;
	f.proxy.auth_challenge_len = sizeof(challenge);
	f.proxy.has_auth_id = true;
	f.proxy.auth_id = 7;
	f.proxy.auth_response = response;
	f.proxy.auth_response_len = sizeof(response);
	req = vpdn_bus_request(vpdn_core_bus(tc->core), VPDN_EV_FORWARD_REQUEST, &f, forward_done, c);
	if (req)
		c->req = req;
	return sd_bus_reply_method_return(m, "u", c->id);
}

static void dialout_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct call *c = data;
	const struct vpdn_ev_session *s = reply;

	c->req = NULL;
	c->status = status;
	if (status < 0 || !s || !s->link) {
		set_state(c, "failed");
		return;
	}
	c->link = vpdn_link_ref(s->link);
	c->at_b = true;
	vpdn_link_attach(c->link, VPDN_LINK_B, &consumer_ops, c);
	set_state(c, "up");
}

static int m_dialout(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct tc *tc = userdata;
	struct vpdn_ev_dialout d = { .size = sizeof(d) };
	const char *number;
	struct vpdn_request *req;
	struct call *c;
	int32_t pool;
	int r;

	r = sd_bus_message_read(m, "is", &pool, &number);
	if (r < 0)
		return r;
	c = call_new(tc, DIALOUT);
	snprintf(c->ifname, sizeof(c->ifname), "Vi%u", ++tc->next_vi);
	d.pool = pool;
	d.profile = "Dialer2";
	d.number = number;
	d.remote_name = "remote2@cisco.com";
	d.min_bps = d.max_bps = 64000;
	req = vpdn_bus_request(vpdn_core_bus(tc->core), VPDN_EV_DIALOUT_REQUEST, &d, dialout_done, c);
	if (req)
		c->req = req;
	return sd_bus_reply_method_return(m, "u", c->id);
}

static int m_send(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct tc *tc = userdata;
	const void *data;
	size_t len;
	uint32_t id;
	struct call *c;
	int r;

	r = sd_bus_message_read(m, "u", &id);
	if (r < 0)
		return r;
	r = sd_bus_message_read_array(m, 'y', &data, &len);
	if (r < 0)
		return r;
	c = call_get(tc, id);
	if (!c || !c->link)
		return vpdn_dbus_errorf(error, -ENOENT, "No live call %u", id);
	r = vpdn_link_send(c->link, c->at_b ? VPDN_LINK_B : VPDN_LINK_A, data, len);
	if (r < 0)
		return vpdn_dbus_errorf(error, r, NULL);
	c->frames_out++;
	return sd_bus_reply_method_return(m, NULL);
}

static int m_hangup(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct tc *tc = userdata;
	struct call *c;
	uint32_t id;
	int r;

	r = sd_bus_message_read(m, "u", &id);
	if (r < 0)
		return r;
	c = call_get(tc, id);
	if (!c)
		return vpdn_dbus_errorf(error, -ENOENT, "No call %u", id);
	if (c->link) {
		struct vpdn_link *link = c->link;

		c->link = NULL;
		if (c->at_b) {
			vpdn_link_detach(link, VPDN_LINK_B);
			vpdn_link_hangup(link, VPDN_LINK_B, -ECONNRESET);
		} else {
			vpdn_link_detach(link, VPDN_LINK_A);
			vpdn_link_hangup(link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
		}
		vpdn_link_unref(link);
	}
	if (c->req) {
		vpdn_request_cancel(c->req);
		c->req = NULL;
	}
	set_state(c, "down");
	return sd_bus_reply_method_return(m, NULL);
}

static int p_calls(sd_bus *bus, const char *path, const char *interface, const char *property,
		   sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct tc *tc = userdata;
	int r;

	r = sd_bus_message_open_container(reply, 'a', "(ussstt)");
	if (r < 0)
		return r;
	for (unsigned i = 0; i < tc->calls->len; i++) {
		struct call *c = tc->calls->pdata[i];

		r = sd_bus_message_append(reply, "(ussstt)", c->id, kind_names[c->kind], c->state,
					  c->ifname, c->frames_in, c->frames_out);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static const sd_bus_vtable tc_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("DialIn", "sss", "u", m_dialin, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("DialOut", "is", "u", m_dialout, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("SendFrame", "uay", "", m_send, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("HangUp", "u", "", m_hangup, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("Calls", "a(ussstt)", p_calls, 0, 0),
	SD_BUS_VTABLE_END
};

/* ------------------------------------------------------------------ */

static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	struct tc *tc = data;
	const struct vpdn_ev_session *s = ev->payload;
	struct vpdn_ev_session_accept acc = { .size = sizeof(acc) };
	struct vpdn_ev_ppp auth = { .size = sizeof(auth) };
	struct vpdn_request *req;
	struct call *c;

	if (!s->link || !ev->request)
		return VPDN_BUS_PASS;
	c = call_new(tc, INCOMING);
	snprintf(c->ifname, sizeof(c->ifname), "Vi%u", ++tc->next_vi);
	c->link = vpdn_link_ref(s->link);
	c->at_b = true;
	vpdn_link_attach(c->link, VPDN_LINK_B, &consumer_ops, c);
	acc.interface = c->ifname;
	req = vpdn_event_take_request(ev);
	vpdn_request_complete(req, 0, &acc);
	set_state(c, "up");
	/* What PPP would say once CHAP succeeded. */
	auth.interface = c->ifname;
	auth.link = c->link;
	auth.phase = VPDN_PPP_PHASE_UP;
	auth.user = s->proxy.auth_name ? s->proxy.auth_name : s->user;
	if (auth.user)
		vpdn_bus_publish(vpdn_core_bus(tc->core), VPDN_EV_PPP_AUTHENTICATED, &auth);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_dial(const struct vpdn_event *ev, void *data)
{
	struct tc *tc = data;
	const struct vpdn_ev_dial *d = ev->payload;
	struct vpdn_ev_call call = { .size = sizeof(call) };
	struct vpdn_request *req;
	struct call *c;
	char channel[32];

	if (!ev->request)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	if (d->number && strcmp(d->number, "busy") == 0) {
		vpdn_request_complete(req, -VPDN_CAUSE_USER_BUSY, NULL);
		return VPDN_BUS_CLAIM;
	}
	c = call_new(tc, DIAL);
	snprintf(c->ifname, sizeof(c->ifname), "Se0:%u", 29 + c->id);
	snprintf(channel, sizeof(channel), "Serial0:%u", 29 + c->id);
	c->link = vpdn_link_new(c->ifname);
	vpdn_link_attach(c->link, VPDN_LINK_A, &carrier_ops, c);
	call.call_id = 0x8000 + c->id;
	call.dir = VPDN_CALL_OUT;
	call.channel = channel;
	call.short_name = c->ifname;
	call.called = d->number;
	call.bearer_kbps = 64;
	call.link = c->link;
	set_state(c, "up");
	vpdn_request_complete(req, 0, &call);
	return VPDN_BUS_CLAIM;
}

static int tc_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct tc *tc = g_new0(struct tc, 1);
	int r;

	tc->core = core;
	tc->calls = g_ptr_array_new();
	tc->subs[0] = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_SESSION_INCOMING, on_incoming, tc);
	tc->subs[1] = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_DIAL_REQUEST, on_dial, tc);
	r = vpdn_dbus_add_module_object(core, "testcarrier", IFACE, tc_vtable, tc, &tc->slot);
	if (r < 0) {
		vpdn_err(vpdn_core_log(core), "testcarrier: D-Bus object: %s", g_strerror(-r));
		return r;
	}
	*state = tc;
	return 0;
}

static void tc_fini(void *state)
{
	struct tc *tc = state;

	for (unsigned i = 0; i < 2; i++)
		vpdn_bus_unsubscribe(vpdn_core_bus(tc->core), tc->subs[i]);
	for (unsigned i = 0; i < tc->calls->len; i++) {
		call_drop(tc->calls->pdata[i]);
		g_free(tc->calls->pdata[i]);
	}
	g_ptr_array_free(tc->calls, TRUE);
	sd_bus_slot_unref(tc->slot);
	g_free(tc);
}

static const char *const tc_requires[] = { "l2tp", NULL };

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_SESSION_INCOMING, VPDN_EV_DIAL_REQUEST, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_FORWARD_REQUEST, VPDN_EV_DIALOUT_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "testcarrier",
	.version = VPDND_VERSION_STRING,
	.description = "Test-only stand-in for ISDN, PPP and dialers around L2TP",
	.requires = tc_requires,
	.init = tc_init,
	.fini = tc_fini,
	.claims = claims,
	.uses = uses,
};
