/* SPDX-License-Identifier: MIT */
/* The event bus: publish, claim, requests (answered at once: delivered on
 * the next turn; later; unclaimed; cancelled, also while queued; replies
 * copied), questions, dynamic types, changes to subscriptions during
 * dispatch, and frees deferred to the next turn. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/bus.h>
#include <vpdnd/events.h>
#include <vpdnd/link.h>
#include <vpdnd/timer.h>

#include "vpdn_test.h"

struct rec {
	int calls;
	enum vpdn_bus_verdict verdict;
	const void *last_payload;
};

static enum vpdn_bus_verdict rec_handler(const struct vpdn_event *ev, void *data)
{
	struct rec *r = data;
	r->calls++;
	r->last_payload = ev->payload;
	return r->verdict;
}

static void test_publish_all(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct rec a = { 0 }, b = { 0 };
	vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_UP, rec_handler, &a);
	vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_UP, rec_handler, &b);
	struct vpdn_ev_tunnel t = { .size = sizeof(t), .tunnel_id = 45029 };
	CU_ASSERT_EQUAL(vpdn_bus_publish(bus, VPDN_EV_TUNNEL_UP, &t), 0);
	CU_ASSERT_EQUAL(a.calls, 1);
	CU_ASSERT_EQUAL(b.calls, 1);
	CU_ASSERT_PTR_EQUAL(a.last_payload, &t);
	/* Other types do not reach them. */
	vpdn_bus_publish(bus, VPDN_EV_TUNNEL_DOWN, &t);
	CU_ASSERT_EQUAL(a.calls, 1);
	CU_ASSERT_EQUAL(vpdn_bus_publish(bus, 777, &t), -EINVAL);
	vpdn_bus_free(bus);
}

static void test_claim_stops_dispatch(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct rec first = { .verdict = VPDN_BUS_PASS }, owner = { .verdict = VPDN_BUS_CLAIM },
		   late = { 0 };
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, rec_handler, &first);
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, rec_handler, &owner);
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, rec_handler, &late);
	CU_ASSERT_EQUAL(vpdn_bus_publish(bus, VPDN_EV_CALL_CONNECTED, NULL), 1);
	CU_ASSERT_EQUAL(first.calls, 1);
	CU_ASSERT_EQUAL(owner.calls, 1);
	CU_ASSERT_EQUAL(late.calls, 0);
	CU_ASSERT_EQUAL(vpdn_bus_stats(bus)->claimed, 1);
	vpdn_bus_free(bus);
}

static void test_priority(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct rec normal = { .verdict = VPDN_BUS_CLAIM }, early = { .verdict = VPDN_BUS_CLAIM };
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, rec_handler, &normal);
	vpdn_bus_subscribe_prio(bus, VPDN_EV_CALL_CONNECTED, -10, rec_handler, &early);
	vpdn_bus_publish(bus, VPDN_EV_CALL_CONNECTED, NULL);
	CU_ASSERT_EQUAL(early.calls, 1);
	CU_ASSERT_EQUAL(normal.calls, 0);
	vpdn_bus_free(bus);
}

/* Requests */
struct answer {
	int done_calls;
	int status;
	char user[64];
};

static void on_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct answer *a = data;
	a->done_calls++;
	a->status = status;
	if (reply)
		g_strlcpy(a->user, ((const struct vpdn_ev_auth_result *)reply)->user, sizeof(a->user));
}

static struct vpdn_request *held;

/* Answers at once with a reply on its stack naming a string on its stack. */
static enum vpdn_bus_verdict auth_sync(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_auth *auth = ev->payload;
	struct vpdn_request *req = vpdn_event_take_request(ev);
	char name[64];
	g_strlcpy(name, auth->user, sizeof(name));
	struct vpdn_ev_auth_result res = { .size = sizeof(res), .ok = true, .user = name };
	vpdn_request_complete(req, 0, &res);
	memset(name, 'X', sizeof(name) - 1); /* the bus kept its own copy */
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict auth_async(const struct vpdn_event *ev, void *data)
{
	held = vpdn_event_take_request(ev);
	CU_ASSERT_PTR_NOT_NULL(held);
	CU_ASSERT_PTR_NULL(vpdn_event_take_request(ev)); /* only once */
	return VPDN_BUS_CLAIM;
}

static void test_request_sync(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { 0 };
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, auth_sync, NULL);
	struct vpdn_ev_auth q = { .size = sizeof(q), .user = "remote1@cisco.com" };
	/* Never inside vpdn_bus_request(): pending until the next turn. */
	CU_ASSERT_PTR_NOT_NULL(vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &a));
	CU_ASSERT_EQUAL(a.done_calls, 0);
	CU_ASSERT_EQUAL(vpdn_bus_pending_count(bus), 1);
	CU_ASSERT_EQUAL(vpdn_bus_stats(bus)->deferred, 1);
	CU_ASSERT_EQUAL(vpdn_bus_run_pending(bus), 1);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	CU_ASSERT_EQUAL(a.status, 0);
	CU_ASSERT_STRING_EQUAL(a.user, "remote1@cisco.com");
	CU_ASSERT_EQUAL(vpdn_bus_run_pending(bus), 0);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	vpdn_bus_free(bus);
}

/* A queued completion is dropped when the requester cancels first. */
static void test_request_cancelled_while_queued(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { 0 }, b = { 0 };
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, auth_sync, NULL);
	struct vpdn_ev_auth q = { .size = sizeof(q), .user = "u" };
	struct vpdn_request *r = vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &a);
	vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	vpdn_request_cancel(r);
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(a.done_calls, 0);
	CU_ASSERT_EQUAL(b.done_calls, 1);
	vpdn_bus_free(bus);
}

/* The core's timers deliver the queue: a fake clock's advance does. */
static void test_request_delivered_by_timers(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { .status = 1 };
	vpdn_bus_set_timers(bus, tm);
	vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, NULL, on_done, &a);
	CU_ASSERT_EQUAL(a.done_calls, 0);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 1);
	vpdn_timers_advance(tm, 0);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	CU_ASSERT_EQUAL(a.status, -ENOENT);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	vpdn_bus_free(bus);
	vpdn_timers_free(tm);
}

/* A queued reply is a deep copy: strings, octet strings, the secret, and
 * a reference on the link. */
static enum vpdn_bus_verdict forward_sync(const struct vpdn_event *ev, void *data)
{
	struct vpdn_link *link = data;
	uint8_t confreq[4] = { 1, 4, 5, 0xdc };
	char user[32] = "remote1@cisco.com";
	struct vpdn_ev_session s = { .size = sizeof(s), .tunnel_id = 7, .user = user,
				     .link = link };
	s.proxy.present = true;
	s.proxy.last_sent_confreq = confreq;
	s.proxy.last_sent_confreq_len = sizeof(confreq);
	s.proxy.auth_response = confreq;
	s.proxy.auth_response_len = 2;
	vpdn_request_complete(vpdn_event_take_request(ev), 0, &s);
	memset(user, 0, sizeof(user));
	memset(confreq, 0, sizeof(confreq));
	vpdn_link_unref(link); /* the claimer lets go of it at once */
	return VPDN_BUS_CLAIM;
}

struct fwd_answer { int calls; bool ok; };

static void on_forward(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_session *s = reply;
	struct fwd_answer *f = data;
	f->calls++;
	f->ok = status == 0 && s && s->tunnel_id == 7 && !strcmp(s->user, "remote1@cisco.com") &&
		s->proxy.last_sent_confreq_len == 4 && s->proxy.last_sent_confreq[3] == 0xdc &&
		s->proxy.auth_response[1] == 4 && !strcmp(vpdn_link_name(s->link), "Se0:17");
}

static void test_reply_copied(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct fwd_answer f = { 0 };
	vpdn_bus_subscribe(bus, VPDN_EV_FORWARD_REQUEST, forward_sync, vpdn_link_new("Se0:17"));
	vpdn_bus_request(bus, VPDN_EV_FORWARD_REQUEST, NULL, on_forward, &f);
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(f.calls, 1);
	CU_ASSERT_TRUE(f.ok);
	vpdn_bus_free(bus);
}

static enum vpdn_bus_verdict secret_sync(const struct vpdn_event *ev, void *data)
{
	char secret[16] = "s3cr3t";
	struct vpdn_ev_secret_reply r = { .size = sizeof(r), .secret = secret };
	vpdn_request_complete(vpdn_event_take_request(ev), 0, &r);
	memset(secret, 0, sizeof(secret));
	return VPDN_BUS_CLAIM;
}

static void on_secret(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_secret_reply *r = reply;
	*(bool *)data = r && r->secret_len == 6 && !memcmp(r->secret, "s3cr3t", 7);
}

static void test_secret_copied(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	bool ok = false;
	vpdn_bus_subscribe(bus, VPDN_EV_SECRET_REQUEST, secret_sync, NULL);
	vpdn_bus_request(bus, VPDN_EV_SECRET_REQUEST, NULL, on_secret, &ok);
	vpdn_bus_run_pending(bus);
	CU_ASSERT_TRUE(ok);
	vpdn_bus_free(bus);
}

/* A call handed over at once to a requester that cancels before the
 * answer reaches it is hung up (nobody else would). */
struct carrier { int hangups; };

static void carrier_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	((struct carrier *)ctx)->hangups++;
}

static const struct vpdn_link_ops carrier_ops = { .hangup = carrier_hangup };

static void on_placed(struct vpdn_request *req, int status, const void *reply, void *data)
{
	(*(int *)data)++;
}

static enum vpdn_bus_verdict place_sync(const struct vpdn_event *ev, void *data)
{
	struct vpdn_ev_call call = { .size = sizeof(call), .link = data, .short_name = "Se0:30" };
	vpdn_request_complete(vpdn_event_take_request(ev), 0, &call);
	return VPDN_BUS_CLAIM;
}

static void test_dropped_call_hung_up(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct vpdn_link *link = vpdn_link_new("Se0:30");
	struct carrier car = { 0 };
	int placed = 0;
	vpdn_link_attach(link, VPDN_LINK_A, &carrier_ops, &car);
	vpdn_bus_subscribe(bus, VPDN_EV_CALL_PLACE, place_sync, link);
	struct vpdn_request *r = vpdn_bus_request(bus, VPDN_EV_CALL_PLACE, NULL, on_placed, &placed);
	vpdn_bus_run_pending(bus); /* delivered: the requester owns the call */
	CU_ASSERT_EQUAL(car.hangups, 0);
	r = vpdn_bus_request(bus, VPDN_EV_CALL_PLACE, NULL, on_placed, &placed);
	vpdn_request_cancel(r);
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(car.hangups, 1);
	CU_ASSERT_EQUAL(placed, 1);
	vpdn_link_detach(link, VPDN_LINK_A);
	vpdn_link_unref(link);
	vpdn_bus_free(bus);
}

/* Questions are answered before vpdn_bus_ask() returns. */
static void test_ask(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { 0 }, b = { .status = 1 }, c = { 0 };
	CU_ASSERT_EQUAL(vpdn_bus_ask(bus, VPDN_EV_AUTH_REQUEST, NULL, on_done, &b), -ENOENT);
	CU_ASSERT_EQUAL(b.done_calls, 1);
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, auth_sync, NULL);
	struct vpdn_ev_auth q = { .size = sizeof(q), .user = "asked" };
	CU_ASSERT_EQUAL(vpdn_bus_ask(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &a), 0);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	CU_ASSERT_STRING_EQUAL(a.user, "asked");
	CU_ASSERT_EQUAL(vpdn_bus_pending_count(bus), 0);
	vpdn_bus_free(bus);

	/* A claimer that keeps the question for later: -EPROTO now. */
	bus = vpdn_bus_new();
	held = NULL;
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, auth_async, NULL);
	CU_ASSERT_EQUAL(vpdn_bus_ask(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &c), -EPROTO);
	CU_ASSERT_EQUAL(c.done_calls, 1);
	vpdn_request_complete(held, 0, NULL); /* dropped */
	CU_ASSERT_EQUAL(c.done_calls, 1);
	CU_ASSERT_EQUAL(vpdn_bus_ask(bus, 777, NULL, on_done, &c), -EINVAL);
	vpdn_bus_free(bus);
}

static void test_request_async(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { 0 };
	held = NULL;
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, auth_async, NULL);
	struct vpdn_ev_auth q = { .size = sizeof(q), .user = "remote1@cisco.com" };
	struct vpdn_request *req = vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &a);
	CU_ASSERT_PTR_NOT_NULL(req);
	CU_ASSERT_PTR_EQUAL(req, held);
	CU_ASSERT_EQUAL(a.done_calls, 0); /* the answer comes later */
	CU_ASSERT_EQUAL(vpdn_request_type(req), VPDN_EV_AUTH_REQUEST);
	struct vpdn_ev_auth_result res = { .size = sizeof(res), .ok = false, .user = "later" };
	vpdn_request_complete(held, -EACCES, &res);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	CU_ASSERT_EQUAL(a.status, -EACCES);
	CU_ASSERT_STRING_EQUAL(a.user, "later");
	vpdn_bus_free(bus);
}

static void test_request_cancelled(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { 0 };
	held = NULL;
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, auth_async, NULL);
	struct vpdn_ev_auth q = { .size = sizeof(q), .user = "u" };
	struct vpdn_request *req = vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, &q, on_done, &a);
	CU_ASSERT_PTR_NOT_NULL(req);
	vpdn_request_cancel(req);
	CU_ASSERT_TRUE(vpdn_request_cancelled(held));
	vpdn_request_complete(held, 0, NULL); /* dropped silently */
	CU_ASSERT_EQUAL(a.done_calls, 0);
	vpdn_bus_free(bus);
}

static void test_request_unclaimed(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { .status = 1 };
	struct rec pass = { .verdict = VPDN_BUS_PASS };
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, rec_handler, &pass);
	CU_ASSERT_PTR_NOT_NULL(vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, NULL, on_done, &a));
	CU_ASSERT_EQUAL(pass.calls, 1);
	CU_ASSERT_EQUAL(a.done_calls, 0); /* -ENOENT on the next turn too */
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	CU_ASSERT_EQUAL(a.status, -ENOENT);
	CU_ASSERT_EQUAL(vpdn_bus_stats(bus)->unclaimed, 1);
	vpdn_bus_free(bus);
}

static void test_claim_without_take(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct answer a = { 0 };
	struct rec claim = { .verdict = VPDN_BUS_CLAIM };
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, rec_handler, &claim);
	CU_ASSERT_PTR_NOT_NULL(vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, NULL, on_done, &a));
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(a.done_calls, 1);
	CU_ASSERT_EQUAL(a.status, -EPROTO);
	vpdn_bus_free(bus);
}

/* Subscription changes during dispatch. */
struct selfish {
	struct vpdn_bus *bus;
	struct vpdn_subscription *self, *victim, *added;
	int calls;
	struct rec *late;
};

static enum vpdn_bus_verdict unsub_self(const struct vpdn_event *ev, void *data)
{
	struct selfish *s = data;
	s->calls++;
	vpdn_bus_unsubscribe(s->bus, s->self);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict unsub_victim(const struct vpdn_event *ev, void *data)
{
	struct selfish *s = data;
	s->calls++;
	vpdn_bus_unsubscribe(s->bus, s->victim);
	s->victim = NULL; /* the handle is invalid once unsubscribed */
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict add_during(const struct vpdn_event *ev, void *data)
{
	struct selfish *s = data;
	s->calls++;
	if (!s->added)
		s->added = vpdn_bus_subscribe(s->bus, ev->type, rec_handler, s->late);
	return VPDN_BUS_PASS;
}

static void test_unsubscribe_during_dispatch(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct selfish a = { .bus = bus }, b = { .bus = bus };
	struct rec victim = { 0 }, after = { 0 };
	a.self = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, unsub_self, &a);
	b.self = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, unsub_victim, &b);
	b.victim = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, rec_handler, &victim);
	vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, rec_handler, &after);

	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	CU_ASSERT_EQUAL(a.calls, 1);
	CU_ASSERT_EQUAL(b.calls, 1);
	CU_ASSERT_EQUAL(victim.calls, 0); /* removed before its turn */
	CU_ASSERT_EQUAL(after.calls, 1);  /* the walk went on past the holes */

	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	CU_ASSERT_EQUAL(a.calls, 1); /* gone */
	CU_ASSERT_EQUAL(b.calls, 2);
	CU_ASSERT_EQUAL(after.calls, 2);
	vpdn_bus_free(bus);
}

static void test_subscribe_during_dispatch(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct rec late = { 0 };
	struct selfish s = { .bus = bus, .late = &late };
	vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, add_during, &s);
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	CU_ASSERT_EQUAL(late.calls, 0); /* not for the event in flight */
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	CU_ASSERT_EQUAL(late.calls, 1);
	vpdn_bus_free(bus);
}

/* A handler that publishes another event (nested dispatch) and whose
 * nested handler unsubscribes the outer one. */
struct nest {
	struct vpdn_bus *bus;
	struct vpdn_subscription *outer_sub;
	int outer, inner;
};

static enum vpdn_bus_verdict outer_h(const struct vpdn_event *ev, void *data)
{
	struct nest *n = data;
	n->outer++;
	vpdn_bus_publish(n->bus, VPDN_EV_SESSION_DOWN, NULL);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict inner_h(const struct vpdn_event *ev, void *data)
{
	struct nest *n = data;
	n->inner++;
	vpdn_bus_unsubscribe(n->bus, n->outer_sub);
	return VPDN_BUS_PASS;
}

static void test_publish_during_dispatch(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	struct nest n = { .bus = bus };
	n.outer_sub = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, outer_h, &n);
	vpdn_bus_subscribe(bus, VPDN_EV_SESSION_DOWN, inner_h, &n);
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	CU_ASSERT_EQUAL(n.outer, 1);
	CU_ASSERT_EQUAL(n.inner, 1);
	vpdn_bus_free(bus);
}

static void test_dynamic_types(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	int t = vpdn_bus_register_type(bus, "hello-greeting");
	CU_ASSERT(t >= VPDN_EV__DYNAMIC_BASE);
	CU_ASSERT_EQUAL(vpdn_bus_register_type(bus, "hello-greeting"), t);
	int u = vpdn_bus_register_type(bus, "radius-accounting");
	CU_ASSERT_NOT_EQUAL(t, u);
	CU_ASSERT_STRING_EQUAL(vpdn_bus_type_name(bus, (uint32_t)t), "hello-greeting");
	CU_ASSERT_EQUAL(vpdn_bus_lookup_type(bus, "hello-greeting"), t);
	CU_ASSERT_EQUAL(vpdn_bus_lookup_type(bus, "tunnel-up"), VPDN_EV_TUNNEL_UP);
	CU_ASSERT_EQUAL(vpdn_bus_lookup_type(bus, "nope"), -ENOENT);
	CU_ASSERT_EQUAL(vpdn_bus_register_type(bus, ""), -EINVAL);
	struct rec r = { 0 };
	CU_ASSERT_PTR_NOT_NULL(vpdn_bus_subscribe(bus, (uint32_t)t, rec_handler, &r));
	const char *payload = "hi";
	CU_ASSERT_EQUAL(vpdn_bus_publish(bus, (uint32_t)t, payload), 0);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT_PTR_EQUAL(r.last_payload, payload);
	CU_ASSERT_PTR_NULL(vpdn_bus_subscribe(bus, VPDN_EV__DYNAMIC_BASE + 99, rec_handler, &r));
	vpdn_bus_free(bus);
}

static void test_event_names(void)
{
	for (uint32_t t = 1; t < VPDN_EV__BUILTIN_COUNT; t++)
		CU_ASSERT_PTR_NOT_NULL(vpdn_event_type_name(t));
	CU_ASSERT_STRING_EQUAL(vpdn_event_type_name(VPDN_EV_FORWARD_REQUEST), "forward-request");
	CU_ASSERT_STRING_EQUAL(vpdn_q931_cause_name(17), "User busy");
}

/* ---- deferred frees ---- */

struct victim {
	bool dead;
	int *freed;             /* outside the object: counts its frees */
	struct vpdn_bus *bus;
	bool chain;             /* its free asks for another one */
};

static void victim_free(void *obj)
{
	struct victim *v = obj;
	(*v->freed)++;
	if (v->chain) {
		struct victim *next = g_new0(struct victim, 1);
		next->freed = v->freed;
		vpdn_bus_defer_free(v->bus, victim_free, next);
	}
	g_free(v);
}

/* A handler lets go of the object during the dispatch: the publisher may
 * still read it after; the free runs on the next turn, once. */
static enum vpdn_bus_verdict kill_victim(const struct vpdn_event *ev, void *data)
{
	struct victim *v = *(struct victim **)data;
	if (!v->dead) {
		v->dead = true;
		vpdn_bus_defer_free(v->bus, victim_free, v);
	}
	return VPDN_BUS_PASS;
}

static void test_defer_free_next_turn(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct vpdn_bus *bus = vpdn_bus_new();
	int freed = 0;
	struct victim *v = g_new0(struct victim, 1);
	v->freed = &freed;
	v->bus = bus;
	vpdn_bus_set_timers(bus, tm);
	vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_DOWN, kill_victim, &v);
	vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_DOWN, kill_victim, &v); /* asks twice: once */
	struct vpdn_ev_tunnel t = { .size = sizeof(t) };
	vpdn_bus_publish(bus, VPDN_EV_TUNNEL_DOWN, &t);
	/* Still there for the code after the publish, marked dead. */
	CU_ASSERT_EQUAL(freed, 0);
	CU_ASSERT_TRUE(v->dead);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 1);
	vpdn_timers_advance(tm, 0);
	CU_ASSERT_EQUAL(freed, 1);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	vpdn_timers_advance(tm, 1000);
	CU_ASSERT_EQUAL(vpdn_bus_run_pending(bus), 0);
	CU_ASSERT_EQUAL(freed, 1);          /* never twice */
	vpdn_bus_free(bus);
	CU_ASSERT_EQUAL(freed, 1);
	vpdn_timers_free(tm);
}

/* A turn delivers its queued completions before its frees, so a callback
 * for the object runs while it is still allocated. */
struct order {
	int freed;
	int seen_alive;
};

static struct order *order_now;

static void order_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	if (order_now->freed == 0)
		order_now->seen_alive++;
}

static void test_defer_free_after_completions(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct vpdn_bus *bus = vpdn_bus_new();
	struct order o = { 0 };
	order_now = &o;
	vpdn_bus_set_timers(bus, tm);
	struct victim *v = g_new0(struct victim, 1);
	v->freed = &o.freed;
	vpdn_bus_defer_free(bus, victim_free, v);
	vpdn_bus_request(bus, VPDN_EV_AUTH_REQUEST, NULL, order_done, NULL); /* -ENOENT, queued */
	vpdn_timers_advance(tm, 0);
	CU_ASSERT_EQUAL(o.seen_alive, 1);
	CU_ASSERT_EQUAL(o.freed, 1);
	vpdn_bus_free(bus);
	vpdn_timers_free(tm);
}

/* A free asked for by a free goes to a following turn (the timer is
 * re-armed; the fake clock fires it within the same advance), none is
 * lost; run_pending() and run_deferred() drain everything. */
static void test_defer_free_chain(void)
{
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct vpdn_bus *bus = vpdn_bus_new();
	int freed = 0;
	vpdn_bus_set_timers(bus, tm);
	struct victim *v = g_new0(struct victim, 1);
	v->freed = &freed;
	v->bus = bus;
	v->chain = true;
	vpdn_bus_defer_free(bus, victim_free, v);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 1);
	vpdn_timers_advance(tm, 0);
	CU_ASSERT_EQUAL(freed, 2);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);

	v = g_new0(struct victim, 1);
	v->freed = &freed;
	vpdn_bus_defer_free(bus, victim_free, v);
	vpdn_bus_run_pending(bus);
	CU_ASSERT_EQUAL(freed, 3);
	CU_ASSERT_EQUAL(vpdn_timers_count(tm), 0);
	v = g_new0(struct victim, 1);
	v->freed = &freed;
	vpdn_bus_defer_free(bus, victim_free, v);
	CU_ASSERT_EQUAL(vpdn_bus_run_deferred(bus), 1);
	CU_ASSERT_EQUAL(vpdn_bus_run_deferred(bus), 0);
	CU_ASSERT_EQUAL(freed, 4);
	vpdn_bus_free(bus);
	vpdn_timers_free(tm);
}

/* Shutdown: a free still queued when the bus goes (no timers, no turn)
 * runs then; ASan sees no leak. */
static void test_defer_free_at_shutdown(void)
{
	struct vpdn_bus *bus = vpdn_bus_new();
	int freed = 0;
	for (int i = 0; i < 3; i++) {
		struct victim *v = g_new0(struct victim, 1);
		v->freed = &freed;
		vpdn_bus_defer_free(bus, victim_free, v);
	}
	CU_ASSERT_EQUAL(freed, 0);
	vpdn_bus_free(bus);
	CU_ASSERT_EQUAL(freed, 3);
}

static const struct vpdn_test_case tests[] = {
	{ "publish reaches all", test_publish_all },
	{ "claim stops dispatch", test_claim_stops_dispatch },
	{ "priority", test_priority },
	{ "request answered at once: next turn", test_request_sync },
	{ "request cancelled while queued", test_request_cancelled_while_queued },
	{ "request delivered by the timers", test_request_delivered_by_timers },
	{ "queued reply copied", test_reply_copied },
	{ "queued secret copied", test_secret_copied },
	{ "question answered at once", test_ask },
	{ "dropped call hung up", test_dropped_call_hung_up },
	{ "request completed asynchronously", test_request_async },
	{ "request cancelled", test_request_cancelled },
	{ "request unclaimed", test_request_unclaimed },
	{ "claim without take", test_claim_without_take },
	{ "unsubscribe during dispatch", test_unsubscribe_during_dispatch },
	{ "subscribe during dispatch", test_subscribe_during_dispatch },
	{ "publish during dispatch", test_publish_during_dispatch },
	{ "dynamic types", test_dynamic_types },
	{ "event names", test_event_names },
	{ "free deferred to the next turn, once", test_defer_free_next_turn },
	{ "free after the turn's completions", test_defer_free_after_completions },
	{ "free asked by a free: next turn", test_defer_free_chain },
	{ "free still queued at shutdown", test_defer_free_at_shutdown },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "bus", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
