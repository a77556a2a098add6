/* SPDX-License-Identifier: MIT */
/*
 * The access concentrator's discovery state machine (RFC 2516 §5):
 *
 *   PADI (rate allowed, service offered)   -> PADO with AC-Cookie; no state
 *   PADI, service not offered              -> PADO with Service-Name-Error
 *   PADI over the rate / at a session limit -> nothing (counted)
 *   PADR, cookie missing or wrong          -> nothing (counted): costs an HMAC
 *   PADR, same MAC + Host-Uniq as a session opened < 10 s ago
 *                                           -> the same PADS again
 *   PADR at a session limit                -> PADS sid 0 + AC-System-Error
 *   PADR, service not offered              -> PADS sid 0 + Service-Name-Error
 *   PADR otherwise                         -> session IDLE -> OPEN, PADS,
 *                                              carrier's session_open()
 *   (PADT both ways: session.c)
 *
 * AC-Cookie = HMAC-SHA256(key, client MAC || ifindex) cut to 16 octets; the
 * key is replaced every cookie-lifetime seconds and the previous one still
 * accepted, so a cookie lives one to two lifetimes.
 */
#include <errno.h>
#include <string.h>

#include "pppoe-private.h"

static void rotate_keys(struct pppoe_engine *e, const struct pppoe_group *g)
{
	unsigned life = g->cookie_lifetime_s ? g->cookie_lifetime_s : 60;
	uint64_t gen = vpdn_timers_now(e->tm) / (life * 1000ull);

	if (e->key_ready && gen == e->key_gen)
		return;
	if (e->key_ready && gen == e->key_gen + 1) {
		e->key_cur ^= 1;
	} else {
		vpdn_random_bytes(e->key[e->key_cur ^ 1], sizeof(e->key[0]));
	}
	vpdn_random_bytes(e->key[e->key_cur], sizeof(e->key[0]));
	e->key_gen = gen;
	e->key_ready = true;
}

static void cookie_with(const uint8_t key[32], const struct pppoe_if *ifc, const uint8_t mac[6],
			uint8_t out[PPPOE_COOKIE_LEN])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, 32);
	uint8_t idx[4] = { (uint8_t)(ifc->ifindex >> 24), (uint8_t)(ifc->ifindex >> 16),
			   (uint8_t)(ifc->ifindex >> 8), (uint8_t)ifc->ifindex };
	uint8_t dig[32];
	gsize n = sizeof(dig);

	g_hmac_update(h, mac, 6);
	g_hmac_update(h, idx, sizeof(idx));
	g_hmac_get_digest(h, dig, &n);
	g_hmac_unref(h);
	memcpy(out, dig, PPPOE_COOKIE_LEN);
}

void pppoe_server_cookie(struct pppoe_if *ifc, const uint8_t mac[6], uint8_t out[16])
{
	rotate_keys(ifc->e, ifc->group);
	cookie_with(ifc->e->key[ifc->e->key_cur], ifc, mac, out);
}

static bool same16(const uint8_t *a, const uint8_t *b)
{
	uint8_t x = 0;

	for (int i = 0; i < PPPOE_COOKIE_LEN; i++)
		x |= a[i] ^ b[i];
	return x == 0;
}

static bool cookie_ok(struct pppoe_if *ifc, const uint8_t mac[6], const struct pppoe_blob *c)
{
	struct pppoe_engine *e = ifc->e;
	uint8_t want[PPPOE_COOKIE_LEN];

	if (!c->present || c->len != PPPOE_COOKIE_LEN)
		return false;
	rotate_keys(e, ifc->group);
	for (unsigned k = 0; k < 2; k++) {
		cookie_with(e->key[e->key_cur ^ k], ifc, mac, want);
		if (same16(want, c->data))
			return true;
	}
	return false;
}

/* The Service-Name asked for, if this group offers it. */
static bool service_offered(const struct pppoe_group *g, const struct pppoe_blob *want)
{
	if (!g->services || g->services->len == 0)
		return true;   /* any */
	if (want->len == 0)
		return true;   /* "any service" from the client */
	for (guint i = 0; i < g->services->len; i++)
		if (pppoe_blob_eq(want, g_ptr_array_index(g->services, i)))
			return true;
	return false;
}

/* PADI rate: one-second windows, per interface and per MAC slot. */
static bool padi_allowed(struct pppoe_if *ifc, const uint8_t src[6])
{
	const struct pppoe_group *g = ifc->group;
	uint64_t win = vpdn_timers_now(ifc->e->tm) / 1000;
	gint64 k = pppoe_mac_key(src);

	if (g->padi_rate) {
		if (ifc->padi_window != win) {
			ifc->padi_window = win;
			ifc->padi_count = 0;
		}
		if (ifc->padi_count >= g->padi_rate)
			return false;
	}
	if (g->padi_rate_mac) {
		guint slot = g_int64_hash(&k) % PPPOE_MAC_RATE_SLOTS;
		if (ifc->mac_rate[slot].window != win || ifc->mac_rate[slot].mac != k) {
			ifc->mac_rate[slot].window = win;
			ifc->mac_rate[slot].mac = k;
			ifc->mac_rate[slot].n = 0;
		}
		if (ifc->mac_rate[slot].n >= g->padi_rate_mac)
			return false;
		ifc->mac_rate[slot].n++;
	}
	ifc->padi_count++;
	return true;
}

/* Which limit refuses one more session for src, or NULL. */
static const char *limit_reached(struct pppoe_if *ifc, const uint8_t src[6])
{
	const struct pppoe_group *g = ifc->group;

	if (ifc->e->sessions_max && ifc->e->n_sessions >= ifc->e->sessions_max)
		return "node session limit";
	if (g->sessions_per_if && ifc->n_sessions >= g->sessions_per_if)
		return "interface session limit";
	if (g->sessions_per_mac && pppoe_if_mac_sessions(ifc, src) >= g->sessions_per_mac)
		return "per-MAC session limit";
	return NULL;
}

/* RFC 4638: grant what the client asks, up to pppoe-max-payload and what
 * the Ethernet carries (device MTU - 8); nothing when that is <= 1492. */
static uint16_t granted_payload(const struct pppoe_if *ifc, const struct pppoe_disc *d)
{
	const struct pppoe_group *g = ifc->group;
	unsigned most = g->max_payload;

	if (ifc->eth_mtu - PPPOE_HLEN - 2 < most)
		most = ifc->eth_mtu - PPPOE_HLEN - 2;
	if (!d->has_max_payload || most <= PPPOE_DEFAULT_MRU || d->max_payload <= PPPOE_DEFAULT_MRU)
		return 0;
	return (uint16_t)(d->max_payload < most ? d->max_payload : most);
}

static void answer(struct pppoe_if *ifc, const uint8_t dst[6], uint8_t code, uint16_t sid,
		   const struct pppoe_disc *d, const struct pppoe_blob *service,
		   const uint8_t *cookie, uint16_t payload, uint16_t err_tag, const char *err)
{
	const struct pppoe_group *g = ifc->group;
	uint8_t buf[PPPOE_ETH_DATA_MAX];
	struct pppoe_builder b;

	pppoe_build_begin(&b, buf, sizeof(buf), code, sid);
	pppoe_build_blob(&b, PPPOE_TAG_SERVICE_NAME, service);
	if (code == PPPOE_CODE_PADO) {
		pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, g->ac_name, strlen(g->ac_name));
		/* offer our other services too when the client asked for any */
		if (!err_tag && service->len == 0 && g->services)
			for (guint i = 0; i < g->services->len; i++) {
				const char *s = g_ptr_array_index(g->services, i);
				pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, s, strlen(s));
			}
	}
	pppoe_build_blob(&b, PPPOE_TAG_HOST_UNIQ, &d->host_uniq);
	pppoe_build_blob(&b, PPPOE_TAG_RELAY_SESSION_ID, &d->relay_session_id);
	if (cookie)
		pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookie, PPPOE_COOKIE_LEN);
	if (payload)
		pppoe_build_u16(&b, PPPOE_TAG_PPP_MAX_PAYLOAD, payload);
	if (err_tag)
		pppoe_build_tag(&b, err_tag, err, strlen(err));
	pppoe_send(ifc, dst, &b);
}

static void padi(struct pppoe_if *ifc, const uint8_t src[6], const struct pppoe_disc *d)
{
	struct pppoe_engine *e = ifc->e;
	const struct pppoe_blob *svc = &d->service_names[0];
	uint8_t cookie[PPPOE_COOKIE_LEN];
	const char *lim;
	char mac[20];

	(*e->c.padi)++;
	if (!padi_allowed(ifc, src)) {
		(*e->c.padi_rate_limited)++;
		pppoe_log_limit(e, "%s PPPoE: PADI rate limit reached, PADIs not answered "
				"(latest from %s)", ifc->name, pppoe_mac_format(src, mac, sizeof(mac)));
		return;
	}
	if (!service_offered(ifc->group, svc)) {
		(*e->c.service_refused)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_EVENTS,
			   "%s PPPoE: PADI from %s for a service not offered", ifc->name,
			   pppoe_mac_format(src, mac, sizeof(mac)));
		answer(ifc, src, PPPOE_CODE_PADO, 0, d, svc, NULL, 0, PPPOE_TAG_SERVICE_NAME_ERROR,
		       "service not offered");
		return;
	}
	if ((lim = limit_reached(ifc, src))) {
		(*e->c.limit_refused)++;
		pppoe_log_limit(e, "%s PPPoE: PADI from %s not answered: %s", ifc->name,
				pppoe_mac_format(src, mac, sizeof(mac)), lim);
		return;
	}
	pppoe_server_cookie(ifc, src, cookie);
	answer(ifc, src, PPPOE_CODE_PADO, 0, d, svc, cookie, granted_payload(ifc, d), 0,
	       NULL);
}

/* A session of src opened lately with the same Host-Uniq: its PADS was
 * lost and the client asks again. Bounded: sessions per MAC. */
static struct pppoe_session *recent(struct pppoe_if *ifc, const uint8_t src[6],
				    const struct pppoe_disc *d)
{
	uint64_t now = vpdn_timers_now(ifc->e->tm);
	uint16_t hl = d->host_uniq.present ? d->host_uniq.len : 0;

	for (GSList *l = pppoe_if_mac_list(ifc, src); l; l = l->next) {
		struct pppoe_session *s = l->data;
		if (now - s->created_ms > PPPOE_PADR_RESEND_MS || s->host_uniq_len != hl)
			continue;
		if (!hl || !memcmp(s->host_uniq, d->host_uniq.data, hl))
			return s;
	}
	return NULL;
}

static void padr(struct pppoe_if *ifc, const uint8_t src[6], const struct pppoe_disc *d)
{
	struct pppoe_engine *e = ifc->e;
	const struct pppoe_blob *svc = &d->service_names[0];
	struct pppoe_session *s;
	const char *lim;
	char mac[20];
	int r;

	(*e->c.padr)++;
	pppoe_mac_format(src, mac, sizeof(mac));
	if (!cookie_ok(ifc, src, &d->ac_cookie)) {
		(*e->c.bad_cookie)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_EVENTS,
			   "%s PPPoE: PADR from %s ignored: %s AC-Cookie", ifc->name, mac,
			   d->ac_cookie.present ? "wrong" : "no");
		return;
	}
	if ((s = recent(ifc, src, d))) {
		answer(ifc, src, PPPOE_CODE_PADS, s->id, d, svc, NULL,
		       s->mtu > PPPOE_DEFAULT_MRU ? s->mtu : 0, 0, NULL);
		return;
	}
	if (!service_offered(ifc->group, svc)) {
		(*e->c.service_refused)++;
		answer(ifc, src, PPPOE_CODE_PADS, 0, d, svc, NULL, 0, PPPOE_TAG_SERVICE_NAME_ERROR,
		       "service not offered");
		return;
	}
	if ((lim = limit_reached(ifc, src))) {
		(*e->c.limit_refused)++;
		pppoe_log_limit(e, "%s PPPoE: PADR from %s refused: %s", ifc->name, mac, lim);
		answer(ifc, src, PPPOE_CODE_PADS, 0, d, svc, NULL, 0, PPPOE_TAG_AC_SYSTEM_ERROR, lim);
		return;
	}
	s = pppoe_session_new(ifc, PPPOE_ROLE_SERVER, src);
	if ((r = pppoe_session_bind_id(s, 0)) < 0) {
		pppoe_session_free(s);
		(*e->c.limit_refused)++;
		answer(ifc, src, PPPOE_CODE_PADS, 0, d, svc, NULL, 0, PPPOE_TAG_AC_SYSTEM_ERROR,
		       "no session ID free");
		return;
	}
	if (d->host_uniq.present) {
		s->host_uniq = g_memdup2(d->host_uniq.data, d->host_uniq.len);
		s->host_uniq_len = d->host_uniq.len;
	}
	if (d->relay_session_id.present) {
		s->relay = g_memdup2(d->relay_session_id.data, d->relay_session_id.len);
		s->relay_len = d->relay_session_id.len;
	}
	s->service = g_strndup((const char *)svc->data, svc->len);
	uint16_t pl = granted_payload(ifc, d);
	if (pl)
		s->mtu = pl;
	pppoe_session_set_state(s, PPPOE_ST_OPEN, "PADR with a valid cookie");
	(*e->c.sessions)++;
	/* PADS first: PPP may send its first LCP packet from session_open(). */
	answer(ifc, src, PPPOE_CODE_PADS, s->id, d, svc, NULL, pl, 0, NULL);
	if ((r = e->ops->session_open(e->ctx, s)) < 0) {
		(*e->c.open_failed)++;
		vpdn_warn(e->log, "%s PPPoE %u: nobody answers the session (%s), PADT sent",
			  ifc->name, s->id, g_strerror(-r));
		pppoe_session_terminate(s, "no service available");
	}
}

void pppoe_server_input(struct pppoe_if *ifc, const uint8_t src[6], const uint8_t dst[6],
			const struct pppoe_disc *d)
{
	if (d->code == PPPOE_CODE_PADI)
		padi(ifc, src, d);
	else if (d->code == PPPOE_CODE_PADR && !memcmp(dst, ifc->mac, 6))
		padr(ifc, src, d);   /* RFC 2516 §5.3: PADR is unicast to the AC */
}
