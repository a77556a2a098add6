/* SPDX-License-Identifier: MIT */
/* The isdn module's event-bus handlers: CALL_PLACE and CALL_HANGUP for
 * its ports' calls, the peer's name from PPP_AUTHENTICATED and
 * FORWARD_REQUEST. Serial lines (the line module) answer for their own
 * calls. See isdn.h. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "isdn-private.h"
#include "port.h"
#include "q931.h"
#include "wire.h"

/* A free call reference of our own on port p (scoped by its D channel). */
static uint16_t alloc_cref(struct isdn *is, const struct isdn_port *p)
{
	for (unsigned tries = 0; tries < 0x8000; tries++) {
		uint16_t c = is->next_cref;
		is->next_cref = (uint16_t)(is->next_cref % 0x7fff + 1);
		if (!g_hash_table_contains(is->calls, GUINT_TO_POINTER(CALL_KEY(p->dchan_ix, c | ISDN_CREF_FLAG))))
			return c;
	}
	return 0;
}

static enum vpdn_bus_verdict on_call_place(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_call_place *p = ev->payload;
	struct isdn_port *port = NULL;
	struct vpdn_request *req;
	struct isdn_call *c;
	uint16_t cref;
	int ch;

	if (!is->ports->len)
		return VPDN_BUS_PASS;
	if (p->port) {
		port = isdn_find_port(is, p->port);
		if (!port)
			return VPDN_BUS_PASS;
	} else {
		for (guint i = 0; i < is->ports->len && !port; i++)
			if (isdn_port_free_count(g_ptr_array_index(is->ports, i)))
				port = g_ptr_array_index(is->ports, i);
		if (!port)
			port = g_ptr_array_index(is->ports, 0);
	}
	req = vpdn_event_take_request(ev);
	if (!req)
		return VPDN_BUS_CLAIM;
	if (!isdn_number_ok(p->number) || (p->calling && p->calling[0] && !isdn_number_ok(p->calling))) {
		isdn_count_failure(is, VPDN_CAUSE_INVALID_NUMBER_FORMAT);
		vpdn_request_complete(req, -VPDN_CAUSE_INVALID_NUMBER_FORMAT, NULL);
		return VPDN_BUS_CLAIM;
	}
	if (!is->stream) {
		isdn_count_failure(is, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
		vpdn_request_complete(req, -VPDN_CAUSE_NETWORK_OUT_OF_ORDER, NULL);
		return VPDN_BUS_CLAIM;
	}
	cref = alloc_cref(is, port);
	ch = isdn_port_alloc(port, true);
	if (ch < 0 || !cref) {
		if (ch >= 0)
			isdn_port_release(port, ch);
		isdn_count_failure(is, VPDN_CAUSE_NO_CHANNEL);
		vpdn_request_complete(req, -VPDN_CAUSE_NO_CHANNEL, NULL);
		return VPDN_BUS_CLAIM;
	}
	c = isdn_call_new(is, port, cref | ISDN_CREF_FLAG, VPDN_CALL_OUT, p->calling && p->calling[0]
			  ? p->calling : port->n_numbers ? port->numbers[0] : "", p->number);
	c->bearer = p->bearer_kbps ? p->bearer_kbps : 64;
	isdn_call_set_channel(c, ch);
	c->req = req;
	is->st.calls_out++;
	(*is->c_out)++;
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Outgoing call id = 0x%04X, dsl 0",
		   port->dchan_short, c->call_id);
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Event: Call to %s at %u Kb/s",
		   port->dchan_short, isdn_call_called(c), c->bearer);
	(void)q931_input(&c->q, Q931_IN_SETUP_REQ, 0);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_call_hangup(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_call_hangup *h = ev->payload;
	struct vpdn_request *req;
	struct isdn_call *c = g_hash_table_lookup(is->call_ids, GUINT_TO_POINTER(h->call_id));

	if (c) {
		req = vpdn_event_take_request(ev);
		(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ,
				 h->cause > 0 && h->cause < 128 ? h->cause : VPDN_CAUSE_NORMAL_CLEARING);
		if (req)
			vpdn_request_complete(req, 0, NULL);
		return VPDN_BUS_CLAIM;
	}
	return VPDN_BUS_PASS;
}

/* The peer's name for show isdn active: from PPP authentication, or from
 * the LAC's forward request (whose user is not verified locally). */
static void learn_remote_name(struct isdn *is, const struct vpdn_link *link, const char *user)
{
	struct isdn_call *c;

	if (!link || !user)
		return;
	c = isdn_call_of_link(is, link);
	if (c) {
		char name[ISDN_REMOTE_NAME_MAX];
		vpdn_log_printable(name, sizeof(name), user, strlen(user), 0);
		g_free(c->remote_name);
		c->remote_name = g_strdup(name);
	}
}

static enum vpdn_bus_verdict on_ppp_authenticated(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp *p = ev->payload;

	learn_remote_name(data, p->link, p->user);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_forward(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_forward *f = ev->payload;

	learn_remote_name(data, f->link, f->user);
	return VPDN_BUS_PASS;
}

void isdn_events_subscribe(struct isdn *is)
{
	is->sub_place = vpdn_bus_subscribe(is->bus, VPDN_EV_CALL_PLACE, on_call_place, is);
	is->sub_hangup = vpdn_bus_subscribe(is->bus, VPDN_EV_CALL_HANGUP, on_call_hangup, is);
	is->sub_auth = vpdn_bus_subscribe(is->bus, VPDN_EV_PPP_AUTHENTICATED, on_ppp_authenticated, is);
	/* before l2tp claims it */
	is->sub_forward = vpdn_bus_subscribe_prio(is->bus, VPDN_EV_FORWARD_REQUEST, -100, on_forward, is);
}

void isdn_events_unsubscribe(struct isdn *is)
{
	struct vpdn_subscription **subs[] = { &is->sub_place, &is->sub_hangup, &is->sub_auth,
					      &is->sub_forward };

	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++)
		if (*subs[i]) {
			vpdn_bus_unsubscribe(is->bus, *subs[i]);
			*subs[i] = NULL;
		}
}
