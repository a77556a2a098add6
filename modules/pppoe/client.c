/* SPDX-License-Identifier: MIT */
/*
 * The client's discovery state machine (RFC 2516 §5, host side):
 *
 *   IDLE      --start: PADI (broadcast)-->                     PADI_SENT
 *   PADI_SENT --PADO, our Host-Uniq, AC-Name/service match: PADR--> PADR_SENT
 *   PADR_SENT --PADS from that AC, our Host-Uniq, sid != 0-->  OPEN
 *   PADR_SENT --PADS with an error tag or sid 0-->             CLOSED (failed)
 *   PADI_SENT/PADR_SENT --timer: again, 1 s doubling, 5 tries--> CLOSED
 *   OPEN      --PADT from the AC / carrier ends it-->          CLOSED (session.c)
 *
 * Host-Uniq is the session's unit number (4 octets), unique on the node,
 * so answers are matched to the discovery that asked.
 */
#include <errno.h>
#include <string.h>

#include "pppoe-private.h"

#define CLIENT_TIMEOUT_MS 1000
#define CLIENT_TRIES 5

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void send_req(struct pppoe_session *s, uint8_t code)
{
	uint8_t buf[PPPOE_ETH_DATA_MAX];
	struct pppoe_builder b;

	pppoe_build_begin(&b, buf, sizeof(buf), code, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, s->service, strlen(s->service));
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, s->host_uniq, s->host_uniq_len);
	if (code == PPPOE_CODE_PADR) {
		if (s->cookie)
			pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, s->cookie, s->cookie_len);
		if (s->relay)
			pppoe_build_tag(&b, PPPOE_TAG_RELAY_SESSION_ID, s->relay, s->relay_len);
	}
	if (s->want_payload)
		pppoe_build_u16(&b, PPPOE_TAG_PPP_MAX_PAYLOAD, s->want_payload);
	pppoe_send(s->ifc, code == PPPOE_CODE_PADI ? bcast : s->peer, &b);
	vpdn_timer_arm(s->ifc->e->tm, &s->timer, (uint64_t)CLIENT_TIMEOUT_MS << s->tries);
}

static void fail(struct pppoe_session *s, const char *why)
{
	struct pppoe_engine *e = s->ifc->e;

	vpdn_notice(e->log, "%s PPPoE: %s: discovery failed: %s", s->ifc->name, s->name, why);
	pppoe_session_set_state(s, PPPOE_ST_CLOSED, why);
	e->ops->session_closed(e->ctx, s, why);
	pppoe_session_free(s);
}

static void on_timer(struct vpdn_timer *t, void *data)
{
	struct pppoe_session *s = data;

	if (++s->tries >= CLIENT_TRIES) {
		(*s->ifc->e->c.client_timeouts)++;
		fail(s, s->state == PPPOE_ST_PADI_SENT ? "no PADO" : "no PADS");
		return;
	}
	send_req(s, s->state == PPPOE_ST_PADI_SENT ? PPPOE_CODE_PADI : PPPOE_CODE_PADR);
}

struct pppoe_session *pppoe_client_start(struct pppoe_if *ifc, const char *service,
					 const char *ac_name, uint16_t want_payload)
{
	struct pppoe_session *s = pppoe_session_new(ifc, PPPOE_ROLE_CLIENT, bcast);

	s->service = g_strdup(service ? service : "");
	s->ac_name = ac_name && *ac_name ? g_strdup(ac_name) : NULL;
	/* ask for no more than the Ethernet carries (RFC 4638) */
	if (want_payload > ifc->eth_mtu - PPPOE_HLEN - 2)
		want_payload = (uint16_t)(ifc->eth_mtu - PPPOE_HLEN - 2);
	s->want_payload = want_payload > PPPOE_DEFAULT_MRU ? want_payload : 0;
	s->host_uniq_len = 4;
	s->host_uniq = g_malloc(4);
	s->host_uniq[0] = (uint8_t)(s->unit >> 24);
	s->host_uniq[1] = (uint8_t)(s->unit >> 16);
	s->host_uniq[2] = (uint8_t)(s->unit >> 8);
	s->host_uniq[3] = (uint8_t)s->unit;
	vpdn_timer_init(&s->timer, on_timer, s);
	g_ptr_array_add(ifc->pending, s);
	pppoe_session_set_state(s, PPPOE_ST_PADI_SENT, "dialing");
	send_req(s, PPPOE_CODE_PADI);
	return s;
}

static struct pppoe_session *pending_of(struct pppoe_if *ifc, const struct pppoe_disc *d)
{
	if (!d->host_uniq.present || d->host_uniq.len != 4)
		return NULL;
	for (guint i = 0; i < ifc->pending->len; i++) {
		struct pppoe_session *s = g_ptr_array_index(ifc->pending, i);
		if (!memcmp(s->host_uniq, d->host_uniq.data, 4))
			return s;
	}
	return NULL;
}

static bool service_matches(const struct pppoe_session *s, const struct pppoe_disc *d)
{
	for (unsigned i = 0; i < d->n_service_names && i < PPPOE_MAX_SERVICE_NAMES; i++)
		if (pppoe_blob_eq(&d->service_names[i], s->service) || !*s->service)
			return true;
	return false;
}

static void pado(struct pppoe_session *s, const uint8_t src[6], const struct pppoe_disc *d)
{
	struct pppoe_engine *e = s->ifc->e;

	if (s->state != PPPOE_ST_PADI_SENT)
		return;   /* a second AC's offer: the first one won */
	if (d->service_name_error.present || d->ac_system_error.present ||
	    d->generic_error.present) {
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_EVENTS, "%s PPPoE: %s: PADO with an error "
			   "tag ignored", s->ifc->name, s->name);
		return;
	}
	if (!pppoe_mac_is_unicast(src) || !service_matches(s, d) ||
	    (s->ac_name && !pppoe_blob_eq(&d->ac_name, s->ac_name)))
		return;
	memcpy(s->peer, src, 6);
	g_free(s->cookie);
	s->cookie = NULL;
	s->cookie_len = 0;
	if (d->ac_cookie.present) {
		s->cookie = g_memdup2(d->ac_cookie.data, d->ac_cookie.len);
		s->cookie_len = d->ac_cookie.len;
	}
	if (d->relay_session_id.present) {
		s->relay = g_memdup2(d->relay_session_id.data, d->relay_session_id.len);
		s->relay_len = d->relay_session_id.len;
	}
	g_free(s->ac_name);
	s->ac_name = g_strndup((const char *)d->ac_name.data, d->ac_name.len);
	s->tries = 0;
	pppoe_session_set_state(s, PPPOE_ST_PADR_SENT, "PADO received");
	send_req(s, PPPOE_CODE_PADR);
}

static void pads(struct pppoe_session *s, const uint8_t src[6], const struct pppoe_disc *d)
{
	struct pppoe_engine *e = s->ifc->e;
	int r;

	if (s->state != PPPOE_ST_PADR_SENT || memcmp(src, s->peer, 6))
		return;
	if (d->session_id == 0 || d->service_name_error.present || d->ac_system_error.present ||
	    d->generic_error.present) {
		fail(s, d->service_name_error.present ? "Service-Name-Error"
			: d->ac_system_error.present ? "AC-System-Error"
			: d->generic_error.present ? "Generic-Error" : "PADS for session 0");
		return;
	}
	vpdn_timer_cancel(e->tm, &s->timer);
	g_ptr_array_remove_fast(s->ifc->pending, s);
	if ((r = pppoe_session_bind_id(s, d->session_id)) < 0) {
		fail(s, "session ID already in use on this interface");
		return;
	}
	if (s->want_payload && d->has_max_payload && d->max_payload > PPPOE_DEFAULT_MRU)
		s->mtu = d->max_payload < s->want_payload ? d->max_payload : s->want_payload;
	pppoe_session_set_state(s, PPPOE_ST_OPEN, "PADS received");
	(*e->c.sessions)++;
	if ((r = e->ops->session_open(e->ctx, s)) < 0) {
		(*e->c.open_failed)++;
		pppoe_session_terminate(s, "no PPP");
	}
}

void pppoe_client_input(struct pppoe_if *ifc, const uint8_t src[6], const struct pppoe_disc *d)
{
	struct pppoe_session *s = pending_of(ifc, d);

	if (!s)
		return;
	if (d->code == PPPOE_CODE_PADO)
		pado(s, src, d);
	else if (d->code == PPPOE_CODE_PADS)
		pads(s, src, d);
}
