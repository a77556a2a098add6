/* SPDX-License-Identifier: MIT */
/* The line module: its lines, their bus handlers (each line answers for
 * its own calls), capture and reload. See line-module.h. */
#include "line-module.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/capture.h>

#include "capture.h"
#include "config-snap.h"

/* A failed call, counted as the isdn module counts its own (the same
 * node counters, by cause). */
static void count_failure(struct line_module *lm, int cause)
{
	char name[64];
	uint64_t *c;

	snprintf(name, sizeof(name), "isdn_call_failures_cause_%d_total", cause);
	c = vpdn_core_counter(lm->core, name, "ISDN calls that failed, by Q.931 cause");
	if (c)
		(*c)++;
	c = vpdn_core_counter(lm->core, "isdn_call_failures_total", "ISDN calls that never connected");
	if (c)
		(*c)++;
}

/* CALL_PLACE on a dial-out line (line.h): the port named is a dial-out
 * line (its name or its config interface) that no ISDN port took (the
 * isdn module runs first), or no port is named and a dial-out line is
 * free. */
static enum vpdn_bus_verdict on_call_place(const struct vpdn_event *ev, void *data)
{
	struct line_module *lm = data;
	const struct vpdn_ev_call_place *p = ev->payload;
	struct line *line = NULL;
	struct vpdn_request *req;
	int r;

	for (guint i = 0; i < lm->lines->len && !line; i++) {
		struct line *l = g_ptr_array_index(lm->lines, i);
		struct line_info li;
		line_get_info(l, &li);
		if (li.mode == LINE_CALLS_IN)
			continue;
		if (p->port ? line_matches(l, p->port) : line_can_dial(l))
			line = l;
	}
	if (!line)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	if (!req)
		return VPDN_BUS_CLAIM;
	if (p->number && p->number[0] && !line_number_ok(p->number)) {
		count_failure(lm, VPDN_CAUSE_INVALID_NUMBER_FORMAT);
		vpdn_request_complete(req, -VPDN_CAUSE_INVALID_NUMBER_FORMAT, NULL);
		return VPDN_BUS_CLAIM;
	}
	r = line_dial(line, p->number, req);
	if (r < 0)
		count_failure(lm, -r);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_call_hangup(const struct vpdn_event *ev, void *data)
{
	struct line_module *lm = data;
	const struct vpdn_ev_call_hangup *h = ev->payload;
	struct vpdn_request *req;

	for (guint i = 0; i < lm->lines->len; i++) {
		if (!line_hangup(g_ptr_array_index(lm->lines, i), h->call_id, h->cause))
			continue;
		req = vpdn_event_take_request(ev);
		if (req)
			vpdn_request_complete(req, 0, NULL);
		return VPDN_BUS_CLAIM;
	}
	return VPDN_BUS_PASS;
}

/* LINK_ACCM from PPP (async carriers): the line of that link takes it. */
static enum vpdn_bus_verdict on_link_accm(const struct vpdn_event *ev, void *data)
{
	struct line_module *lm = data;
	const struct vpdn_ev_accm *a = ev->payload;

	for (guint i = 0; i < lm->lines->len; i++)
		if (line_set_accm(g_ptr_array_index(lm->lines, i), a->link, a->send_accm,
				  a->recv_accm))
			break;
	return VPDN_BUS_PASS;
}

/* The peer's name for show isdn active: from PPP authentication, or from
 * the LAC's forward request (whose user is not verified locally). */
static void learn_remote_name(struct line_module *lm, const struct vpdn_link *link, const char *user)
{
	if (!link || !user)
		return;
	for (guint i = 0; i < lm->lines->len; i++)
		if (line_set_remote_name(g_ptr_array_index(lm->lines, i), link, user))
			return;
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

int line_module_new(struct vpdn_core *core, cfg_t *cfg, struct line_module **out)
{
	struct line_module *lm = g_new0(struct line_module, 1);
	int r;

	lm->core = core;
	lm->log = vpdn_core_log(core);
	lm->bus = vpdn_core_bus(core);
	lm->lines = g_ptr_array_new_with_free_func((GDestroyNotify)line_free);
	for (unsigned i = 0; i < cfg_size(cfg, "line"); i++) {
		struct line_conf lc;
		struct line *l = NULL;
		r = line_from_cfg(cfg_getnsec(cfg, "line", i), &lc);
		if (r < 0 || (r = line_new(core, &lc, &l)) < 0)
			goto fail;
		g_ptr_array_add(lm->lines, l);
	}
	/* after the isdn module's (priority 0): an ISDN port named, or any
	 * port while there is one, is the isdn module's call */
	lm->sub_place = vpdn_bus_subscribe_prio(lm->bus, VPDN_EV_CALL_PLACE, 10, on_call_place, lm);
	lm->sub_hangup = vpdn_bus_subscribe(lm->bus, VPDN_EV_CALL_HANGUP, on_call_hangup, lm);
	lm->sub_accm = vpdn_bus_subscribe(lm->bus, VPDN_EV_LINK_ACCM, on_link_accm, lm);
	lm->sub_auth = vpdn_bus_subscribe(lm->bus, VPDN_EV_PPP_AUTHENTICATED, on_ppp_authenticated, lm);
	/* before l2tp claims it */
	lm->sub_forward = vpdn_bus_subscribe_prio(lm->bus, VPDN_EV_FORWARD_REQUEST, -100, on_forward, lm);
	for (guint i = 0; i < lm->lines->len; i++) {
		r = line_start(g_ptr_array_index(lm->lines, i));
		if (r < 0)
			goto fail;
	}
	(void)line_bus_register(lm);
	lm->snap = line_config_snap(cfg);
	isdn_snap_forget_sections(lm->snap);
	*out = lm;
	return 0;
fail:
	line_module_free(lm);
	return r;
}

int line_module_reload(struct line_module *lm, cfg_t *cfg)
{
	GPtrArray *snap = line_config_snap(cfg);

	if (!lm->snap || !line_config_compatible(lm->snap, snap, cfg)) {
		g_ptr_array_free(snap, TRUE);
		return -EINVAL;
	}
	isdn_snap_forget_sections(snap);
	g_ptr_array_free(lm->snap, TRUE);
	lm->snap = snap;
	return 0;
}

void line_module_free(struct line_module *lm)
{
	struct vpdn_subscription **subs[] = { &lm->sub_place, &lm->sub_hangup, &lm->sub_accm,
					      &lm->sub_auth, &lm->sub_forward };

	if (!lm)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++)
		if (*subs[i])
			vpdn_bus_unsubscribe(lm->bus, *subs[i]);
	line_bus_unregister(lm);
	if (lm->cap_line)
		line_set_capture(lm->cap_line, NULL);
	g_ptr_array_free(lm->lines, TRUE);
	if (lm->cap)
		(void)isdn_capture_close(lm->cap, NULL);
	g_free(lm->cap_path);
	if (lm->snap)
		g_ptr_array_free(lm->snap, TRUE);
	g_free(lm);
}

struct line *line_module_find(struct line_module *lm, const char *name)
{
	for (guint i = 0; name && i < lm->lines->len; i++) {
		struct line *l = g_ptr_array_index(lm->lines, i);
		struct line_info info;
		line_get_info(l, &info);
		if (strcmp(info.name, name) == 0)
			return l;
	}
	return NULL;
}

int line_capture_start(struct line_module *lm, const char *path, const char *what, char **msg)
{
	struct line *line = what && *what ? line_module_find(lm, what) : NULL;
	char *file = NULL;
	int r;

	if (lm->cap) {
		*msg = g_strdup("A capture is already running");
		return -EBUSY;
	}
	if (!line) {
		*msg = g_strdup_printf("No serial line \"%s\"", what ? what : "");
		return -ENOENT;
	}
	r = vpdn_capture_create(lm->core, path, &file, msg);
	if (r < 0) {
		vpdn_warn(lm->log, "ISDN: capture refused: %s", *msg);
		return r;
	}
	r = isdn_capture_open(r, &lm->cap);
	if (r < 0) {
		*msg = g_strdup_printf("Cannot write %s: %s", file, g_strerror(-r));
		lm->cap = NULL;
		g_free(file);
		return r;
	}
	lm->cap_path = file;
	lm->cap_line = line;
	line_set_capture(line, lm->cap);
	vpdn_info(lm->log, "ISDN: capturing the PPP frames of %s to %s", what, file);
	return 0;
}

int line_capture_stop(struct line_module *lm, uint64_t *packets)
{
	int r;

	if (!lm->cap)
		return -ENOENT;
	line_set_capture(lm->cap_line, NULL);
	r = isdn_capture_close(lm->cap, packets);
	lm->cap = NULL;
	g_clear_pointer(&lm->cap_path, g_free);
	lm->cap_line = NULL;
	vpdn_info(lm->log, "ISDN: capture stopped, %" PRIu64 " packets", packets ? *packets : 0);
	return r;
}
