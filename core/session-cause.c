/* SPDX-License-Identifier: MIT */
/*
 * Why a VPDN session or tunnel ended, as a slug from a fixed set (the
 * `cause` label of sessions_ended_total and tunnels_ended_total: a peer
 * sending result code 54321 makes "l2tp-other", never a new series) and
 * as one line of text. Code meanings: RFC 2661 §4.4.2 (CDN and StopCCN
 * result codes, general error codes), RFC 3145 (PPP Disconnect Cause),
 * Q.931 (events.h's causes).
 */
#include <string.h>

#include <glib.h>

#include "vpdn-history.h"

struct code_name {
	unsigned code;
	const char *slug;
	const char *text;
};

/* RFC 2661 §4.4.2, CDN result codes. */
static const struct code_name cdn_results[] = {
	{ 1, "l2tp-lost-carrier", "lost carrier" },
	{ 2, "l2tp-general-error", "general error" },
	{ 3, "l2tp-admin", "administrative" },
	{ 4, "l2tp-no-facilities-temporary", "temporary lack of facilities" },
	{ 5, "l2tp-no-facilities-permanent", "permanent lack of facilities" },
	{ 6, "l2tp-invalid-destination", "invalid destination" },
	{ 7, "l2tp-no-carrier", "no carrier detected" },
	{ 8, "l2tp-busy", "busy signal" },
	{ 9, "l2tp-no-dial-tone", "no dial tone" },
	{ 10, "l2tp-timeout", "not established in time" },
	{ 11, "l2tp-no-framing", "no framing detected" },
	{ 0, NULL, NULL },
};

/* RFC 2661 §4.4.2, StopCCN result codes. */
static const struct code_name stopccn_results[] = {
	{ 1, "l2tp-clear", "general request to clear" },
	{ 2, "l2tp-general-error", "general error" },
	{ 3, "l2tp-already-exists", "control channel already exists" },
	{ 4, "l2tp-not-authorized", "requester not authorized" },
	{ 5, "l2tp-version-unsupported", "protocol version not supported" },
	{ 6, "l2tp-shutting-down", "requester is being shut down" },
	{ 7, "l2tp-fsm-error", "finite state machine error" },
	{ 0, NULL, NULL },
};

/* RFC 2661 §4.4.2, general error codes (result 2). */
static const struct code_name errors[] = {
	{ 1, "l2tp-no-control-connection", "no control connection" },
	{ 2, "l2tp-bad-length", "length is wrong" },
	{ 3, "l2tp-out-of-range", "a field was out of range" },
	{ 4, "l2tp-no-resources", "insufficient resources" },
	{ 5, "l2tp-bad-session-id", "invalid Session ID" },
	{ 6, "l2tp-vendor-error", "vendor specific error" },
	{ 7, "l2tp-try-another", "try another" },
	{ 8, "l2tp-unknown-avp", "unknown mandatory AVP" },
	{ 0, NULL, NULL },
};

/* RFC 3145 codes (vpdn_ppp_disconnect_name() has their text). */
static const char *const ppp_slugs[] = {
	[VPDN_PPP_DISC_NO_INFO] = "ppp-no-info",
	[VPDN_PPP_DISC_ADMIN] = "ppp-admin",
	[VPDN_PPP_DISC_LCP_RENEG_DISABLED] = "ppp-lcp-renegotiation-disabled",
	[VPDN_PPP_DISC_NORMAL] = "ppp-normal",
	[VPDN_PPP_DISC_ENCRYPTION_REFUSED] = "ppp-encryption-refused",
	[VPDN_PPP_DISC_LCP_FSM_TIMEOUT] = "ppp-lcp-timeout",
	[VPDN_PPP_DISC_LCP_NO_PACKETS] = "ppp-lcp-no-packets",
	[VPDN_PPP_DISC_LCP_MAGIC] = "ppp-lcp-looped",
	[VPDN_PPP_DISC_LCP_ECHO_TIMEOUT] = "ppp-lcp-echo-timeout",
	[VPDN_PPP_DISC_MP_ENDPOINT] = "ppp-mp-endpoint",
	[VPDN_PPP_DISC_MP_MRRU] = "ppp-mp-mrru",
	[VPDN_PPP_DISC_MP_SSN] = "ppp-mp-ssn",
	[VPDN_PPP_DISC_CALLBACK_REFUSED] = "ppp-callback-refused",
	[VPDN_PPP_DISC_AUTH_FSM_TIMEOUT] = "ppp-auth-timeout",
	[VPDN_PPP_DISC_AUTH_MP_NAME] = "ppp-auth-mp-name",
	[VPDN_PPP_DISC_AUTH_PROTOCOL] = "ppp-auth-protocol",
	[VPDN_PPP_DISC_AUTH_FAILED] = "ppp-auth-failed",
	[VPDN_PPP_DISC_NCP_FSM_TIMEOUT] = "ppp-ncp-timeout",
	[VPDN_PPP_DISC_NCP_NONE] = "ppp-no-ncp",
	[VPDN_PPP_DISC_NCP_ADDRESSES] = "ppp-ncp-addresses",
	[VPDN_PPP_DISC_NCP_NOT_PERMITTED] = "ppp-no-permitted-address",
};

/* The Q.931 causes events.h names, as slugs. */
static const struct code_name q931_causes[] = {
	{ VPDN_CAUSE_UNALLOCATED_NUMBER, "q931-unallocated-number", NULL },
	{ VPDN_CAUSE_NO_ROUTE, "q931-no-route", NULL },
	{ VPDN_CAUSE_NORMAL_CLEARING, "q931-normal-clearing", NULL },
	{ VPDN_CAUSE_USER_BUSY, "q931-user-busy", NULL },
	{ VPDN_CAUSE_NO_USER_RESPONDING, "q931-no-user-responding", NULL },
	{ VPDN_CAUSE_NO_ANSWER, "q931-no-answer", NULL },
	{ VPDN_CAUSE_CALL_REJECTED, "q931-call-rejected", NULL },
	{ VPDN_CAUSE_DEST_OUT_OF_ORDER, "q931-destination-out-of-order", NULL },
	{ VPDN_CAUSE_INVALID_NUMBER_FORMAT, "q931-invalid-number-format", NULL },
	{ VPDN_CAUSE_NORMAL_UNSPECIFIED, "q931-normal-unspecified", NULL },
	{ VPDN_CAUSE_NO_CHANNEL, "q931-no-channel", NULL },
	{ VPDN_CAUSE_NETWORK_OUT_OF_ORDER, "q931-network-out-of-order", NULL },
	{ VPDN_CAUSE_TEMPORARY_FAILURE, "q931-temporary-failure", NULL },
	{ VPDN_CAUSE_RESOURCE_UNAVAILABLE, "q931-resource-unavailable", NULL },
	{ VPDN_CAUSE_BEARER_NOT_AVAILABLE, "q931-bearer-not-available", NULL },
	{ VPDN_CAUSE_INCOMPATIBLE_DESTINATION, "q931-incompatible-destination", NULL },
	{ VPDN_CAUSE_RECOVERY_ON_TIMER, "q931-recovery-on-timer", NULL },
	{ VPDN_CAUSE_INTERWORKING, "q931-interworking", NULL },
	{ 0, NULL, NULL },
};

static const struct code_name *lookup(const struct code_name *t, unsigned code)
{
	for (; t->slug; t++)
		if (t->code == code)
			return t;
	return NULL;
}

static const char *l2tp_slug(const struct code_name *results, int result, int error)
{
	const struct code_name *c;

	if (result == 2 && (c = lookup(errors, (unsigned)error)))
		return c->slug;
	c = lookup(results, (unsigned)result);
	return c ? c->slug : "l2tp-other";
}

/* The most telling one first: our PPP's RFC 3145 cause (it saw why),
 * then a Q.931 cause other than normal clearing (the call's fate), then
 * the CDN's result code. */
const char *vpdn_session_cause(const struct vpdn_session_end *e)
{
	const struct code_name *c;

	if (e->ppp_known && e->ppp_code != VPDN_PPP_DISC_NO_INFO)
		return e->ppp_code < G_N_ELEMENTS(ppp_slugs) ? ppp_slugs[e->ppp_code] : "ppp-other";
	if (e->q931 && e->q931 != VPDN_CAUSE_NORMAL_CLEARING)
		return (c = lookup(q931_causes, e->q931)) ? c->slug : "q931-other";
	return l2tp_slug(cdn_results, e->result, e->error);
}

const char *vpdn_tunnel_cause(int result, int error)
{
	return l2tp_slug(stopccn_results, result, error);
}

static void append_l2tp(GString *s, const struct code_name *results, int result, int error)
{
	const struct code_name *r = lookup(results, (unsigned)result);
	const struct code_name *er = lookup(errors, (unsigned)error);

	g_string_append_printf(s, "L2TP result %d (%s)", result, r ? r->text : "unknown");
	if (error)
		g_string_append_printf(s, ", error %d (%s)", error, er ? er->text : "unknown");
}

char *vpdn_session_cause_text(const struct vpdn_session_end *e)
{
	GString *s = g_string_new(NULL);

	if (e->ppp_known) {
		g_string_append_printf(s, "PPP: %s (code %u", vpdn_ppp_disconnect_name(e->ppp_code),
				       e->ppp_code);
		if (e->ppp_protocol)
			g_string_append_printf(s, ", protocol 0x%04X", e->ppp_protocol);
		g_string_append_printf(s, ", %s); ",
				       e->ppp_direction == VPDN_PPP_DISC_AT_PEER ? "at peer" :
				       e->ppp_direction == VPDN_PPP_DISC_AT_LOCAL ? "at local" :
										    "global");
	}
	append_l2tp(s, cdn_results, e->result, e->error);
	if (e->q931)
		g_string_append_printf(s, "; Q.931 cause %u (%s)", e->q931,
				       vpdn_q931_cause_name(e->q931));
	return g_string_free(s, FALSE);
}

char *vpdn_tunnel_cause_text(int result, int error)
{
	GString *s = g_string_new(NULL);

	append_l2tp(s, stopccn_results, result, error);
	return g_string_free(s, FALSE);
}

char *vpdn_text_sanitize(const char *s, size_t max)
{
	char *valid, *end;

	if (!s)
		return g_strdup("");
	valid = g_utf8_make_valid(s, -1);
	if (strlen(valid) > max) {
		/* Cut on a character boundary. */
		end = g_utf8_find_prev_char(valid, valid + max + 1);
		*(end ? end : valid) = '\0';
	}
	return valid;
}

void vpdn_session_end_finish(struct vpdn_session_end *e)
{
	char **strs[] = { &e->user, &e->interface, &e->peer_name, &e->peer_address,
			  &e->local_address, &e->remote_address };

	for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
		if (!*strs[i])
			*strs[i] = g_strdup("");
	e->cause = vpdn_session_cause(e);
	g_free(e->reason);
	e->reason = vpdn_session_cause_text(e);
}
