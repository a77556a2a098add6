/* SPDX-License-Identifier: MIT */
/*
 * A LAC forwarding the call (role VPDN_PPP_ROLE_LAC_FORWARD): with the
 * peer's CHAP response (or PAP request) captured, ask for a tunnel
 * (VPDN_EV_FORWARD_REQUEST) with the proxy LCP and authentication; once
 * L2TP has spliced the carrier the engine steps aside; with no tunnel it
 * authenticates locally.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

static void fwd_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct ppp_engine *e = data;
	e->ap->fwd_req = NULL;         /* e->ap is held while fwd_req is */
	if (e->dead)
		return;
	if (status == 0) {
		/* L2TP spliced the carrier: our end was replaced. Step aside. */
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: %s is forwarded", e->name,
		     e->user ? e->user : "?");
		e->attached = false;
		ppp_engine_die(e, true);
	} else if (status == -ENOENT) {
		plog(e, VPDN_DEBUG_VPDN_EVENTS,
		     "%s VPDN: no tunnel for %s, authenticating locally", e->name,
		     e->user ? e->user : "?");
		ppp_set_phase(e, VPDN_PPP_PHASE_AUTHENTICATING, "by this end");
		ppp_auth_arm_deadline(e);
		if (e->lac->pap)
			ppp_pap_verify_captured(e);
		else
			ppp_chap_verify_captured(e);
	} else {
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: forwarding %s failed (%s)", e->name,
		     e->user ? e->user : "?", g_strerror(-status));
		if (e->lac->pap)
			ppp_pap_send_verdict(e, e->lac->resp_id, false);
		else
			ppp_chap_send_result(e, false, e->lac->resp_id);
		ppp_fail(e, status, "forwarding failed");
	}
}

void ppp_lac_forward(struct ppp_engine *e)
{
	struct ppp_lac *l = e->lac;
	struct ppp_auth_phase *ap = ppp_auth_phase(e);
	vpdn_timer_cancel(e->mgr->timers, &ap->deadline);
	ppp_set_phase(e, VPDN_PPP_PHASE_FORWARDING, NULL);
	if (l->dnis)
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Got DNIS string %s", e->name, l->dnis);
	const char *at = l->user ? strrchr(l->user, '@') : NULL;
	size_t sent_len;
	const uint8_t *sent = ppp_fsm_last_request(&e->lcp_fsm, &sent_len);
	struct vpdn_ev_forward ev = {
		.size = sizeof(ev),
		.link = e->link,
		.interface = e->name,
		.call_id = e->call_id,
		.user = l->user,
		.domain = at && at[1] ? at + 1 : NULL,
		.calling = l->calling,
		.called = l->called,
		.dnis = l->dnis,
		.bearer_kbps = l->bearer_kbps,
		.async = e->async,
		.proxy = {
			.present = true,
			.init_rcvd_confreq = l->init_rcvd,
			.init_rcvd_confreq_len = l->init_rcvd_len,
			.last_sent_confreq = sent,
			.last_sent_confreq_len = sent_len,
			.last_rcvd_confreq = l->last_rcvd,
			.last_rcvd_confreq_len = l->last_rcvd_len,
			.auth_type = l->pap ? 3 : 2,
			.auth_name = l->user,
			.auth_challenge = l->pap ? NULL : ap->chal,
			.auth_challenge_len = l->pap ? 0 : PPP_CHAL_LEN,
			.has_auth_id = true,
			.auth_id = l->resp_id,
			.auth_response = l->resp,
			.auth_response_len = l->resp_len,
		},
	};
	/* fwd_done runs from the main loop, never in here. */
	ap->fwd_req = vpdn_bus_request(e->mgr->bus, VPDN_EV_FORWARD_REQUEST, &ev, fwd_done, e);
}

