/* SPDX-License-Identifier: MIT */
/*
 * Rotary hunt: place a call on the first port of a dialer that has a free
 * B channel ("rotor dialout [priority]": ports in config order).
 *
 *   placing(port i) --CALL_PLACE connected--> done(0, call)
 *   placing(port i) --no channel here (34, 47, 38, unclaimed)--> placing(i+1)
 *   placing(port i) --any other cause (17 busy, 1, 18 ...)--> done(-cause)
 *   no port left --> done(-34 or the last local cause)
 *
 * Lifetime: the hunt frees itself after calling done (or when cancelled).
 * CALL_PLACE completes from the main loop, never inside vpdn_bus_request(),
 * so the next port is tried from place_done().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dialer-private.h"

enum hunt_state {
	HUNT_PLACING,
	HUNT_DONE,
};

static const char *hunt_state_name(enum hunt_state st)
{
	switch (st) {
	case HUNT_PLACING: return "placing";
	case HUNT_DONE: return "done";
	default: return "unknown";
	}
}

struct dialer_hunt {
	struct dialer_module *m;
	enum hunt_state state;
	char *dialer;            /* "Di1" for logs */
	char *number;
	char *cause;
	GPtrArray *ports;        /* borrowed copy of names (owned strings) */
	guint next;              /* next port to try */
	char prefix[32];         /* "Se0:15" of the port being tried */
	struct vpdn_request *req;
	int last;                /* last failure */
	dialer_hunt_done done;
	void *data;
};

const char *dialer_cause_text(int status)
{
	if (status == -ENOENT)
		return "no ISDN port took the call";
	if (status < 0 && -status < 128)
		return vpdn_q931_cause_name(-status);
	return g_strerror(status < 0 ? -status : EIO);
}

static void hunt_free(struct dialer_hunt *h)
{
	g_free(h->dialer);
	g_free(h->number);
	g_free(h->cause);
	g_ptr_array_free(h->ports, TRUE);
	g_free(h);
}

static bool retryable(int status)
{
	return status == -VPDN_CAUSE_NO_CHANNEL || status == -VPDN_CAUSE_RESOURCE_UNAVAILABLE ||
	       status == -VPDN_CAUSE_NETWORK_OUT_OF_ORDER || status == -ENOENT;
}

/* Report once, then free the hunt. */
static void finish(struct dialer_hunt *h, int status, const struct vpdn_ev_call *call)
{
	h->state = HUNT_DONE;
	h->req = NULL;
	if (status < 0)
		DDR(h->m, "%s DDR: rotor dialout to %s failed: %s", h->prefix, h->number,
		    dialer_cause_text(status));
	if (h->done)
		h->done(h, status, call, h->data);
	hunt_free(h);
}

static void hunt_next(struct dialer_hunt *h);

/* Completion of our CALL_PLACE, from the main loop; `call` is borrowed
 * for this call only. */
static void place_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct dialer_hunt *h = data;

	h->req = NULL;
	if (h->state != HUNT_PLACING) {
		vpdn_warn(h->m->log, "%s DDR: call placed in state %s, ignored", h->prefix,
			  hunt_state_name(h->state));
		return;
	}
	if (status >= 0 && reply) {
		finish(h, 0, reply);
		return;
	}
	if (status >= 0)
		status = -EIO;
	h->last = status;
	if (retryable(status) && h->next < h->ports->len) {
		hunt_next(h);
		return;
	}
	finish(h, retryable(status) && status != -ENOENT ? -VPDN_CAUSE_NO_CHANNEL : status, NULL);
}

/* Place the call on the next port; place_done() answers. */
static void hunt_next(struct dialer_hunt *h)
{
	const char *port = h->ports->len ? g_ptr_array_index(h->ports, h->next) : NULL;
	struct vpdn_ev_call_place p = {
		.size = sizeof(p),
		.port = port,
		.number = h->number,
		.bearer_kbps = 64,
	};

	h->next++;
	if (port)
		vpdn_ifname_short(port, h->prefix, sizeof(h->prefix)); /* "Se0:15", "BR0" */
	else
		snprintf(h->prefix, sizeof(h->prefix), "%s", h->dialer);
	DDR(h->m, "%s DDR: rotor dialout [priority]", h->prefix);
	DDR(h->m, "%s DDR: Dialing cause %s", h->prefix, h->cause);
	DDR(h->m, "%s DDR: Attempting to dial %s", h->prefix, h->number);
	h->req = vpdn_bus_request(h->m->bus, VPDN_EV_CALL_PLACE, &p, place_done, h);
}

struct dialer_hunt *dialer_hunt_start(struct dialer_module *m, const struct dialer_conf *c,
				      const char *number, const char *cause,
				      dialer_hunt_done done, void *data)
{
	struct dialer_hunt *h = g_new0(struct dialer_hunt, 1);

	h->m = m;
	h->state = HUNT_PLACING;
	h->dialer = g_strdup(c->short_name);
	h->number = g_strdup(number);
	h->cause = g_strdup(cause ? cause : "unknown");
	h->ports = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < c->ports->len; i++)
		g_ptr_array_add(h->ports, g_strdup(g_ptr_array_index(c->ports, i)));
	h->done = done;
	h->data = data;
	hunt_next(h); /* done never runs before this returns */
	return h;
}

void dialer_hunt_cancel(struct dialer_hunt *h)
{
	if (!h)
		return;
	if (h->req)
		vpdn_request_cancel(h->req);
	h->req = NULL;
	hunt_free(h);
}
