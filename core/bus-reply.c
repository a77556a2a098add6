/* SPDX-License-Identifier: MIT */
/*
 * Copies of request replies, for completions the bus delivers later.
 *
 * A claimer's reply is borrowed for the duration of vpdn_request_complete();
 * when the bus queues the completion (it was given while the request was
 * still being dispatched), it keeps a deep copy until the requester's
 * callback has run: one allocation holding the struct, then every string
 * and octet string it points to. Links in a reply are referenced for as
 * long as the copy lives; a call handed over in a reply that is dropped
 * (the requester cancelled first) is hung up. The reply structs of the built-in types are
 * described by a table; a registered type's reply is copied shallowly by
 * its leading `uint32_t size` (its pointers must outlive the next
 * main-loop turn).
 */
#include <glib.h>
#include <stddef.h>
#include <string.h>

#include <vpdnd/events.h>
#include <vpdnd/link.h>

#include "bus-private.h"

#define MAX_STR 10
#define MAX_BLOB 4

struct blob_field { size_t ptr, len; };

struct reply_desc {
	size_t size;                     /* sizeof the reply struct; 0: no reply */
	size_t str[MAX_STR];             /* offsets of const char * */
	struct blob_field blob[MAX_BLOB];/* offsets of (const uint8_t *, size_t) */
	size_t link;                     /* offset of struct vpdn_link *, or 0 */
	bool secret;                     /* wipe before freeing */
	bool call;                       /* hands a call over (carrier at end A) */
};

#define S(T, f) offsetof(struct T, f)
#define PROXY_BLOBS(T) \
	{ S(T, proxy.init_rcvd_confreq), S(T, proxy.init_rcvd_confreq_len) }, \
	{ S(T, proxy.last_sent_confreq), S(T, proxy.last_sent_confreq_len) }, \
	{ S(T, proxy.last_rcvd_confreq), S(T, proxy.last_rcvd_confreq_len) }, \
	{ S(T, proxy.auth_challenge), S(T, proxy.auth_challenge_len) }

static const struct reply_desc call_reply = {
	sizeof(struct vpdn_ev_call),
	{ S(vpdn_ev_call, port), S(vpdn_ev_call, channel), S(vpdn_ev_call, short_name),
	  S(vpdn_ev_call, interface), S(vpdn_ev_call, calling), S(vpdn_ev_call, called) },
	{ { 0 } }, S(vpdn_ev_call, link), false, true,
};

/* auth_response is the fifth octet string of a proxy: more than MAX_BLOB
 * would make every row bigger, so the session reply lists it by hand. */
static const struct reply_desc session_reply = {
	sizeof(struct vpdn_ev_session),
	{ S(vpdn_ev_session, group), S(vpdn_ev_session, peer_name),
	  S(vpdn_ev_session, interface), S(vpdn_ev_session, user),
	  S(vpdn_ev_session, calling), S(vpdn_ev_session, called),
	  S(vpdn_ev_session, profile), S(vpdn_ev_session, proxy.auth_name) },
	{ PROXY_BLOBS(vpdn_ev_session) }, S(vpdn_ev_session, link), false,
};

static const struct reply_desc ppp_reply = {
	sizeof(struct vpdn_ev_ppp),
	{ S(vpdn_ev_ppp, interface), S(vpdn_ev_ppp, user), S(vpdn_ev_ppp, disconnect_message) },
	{ { 0 } }, S(vpdn_ev_ppp, link), false,
};

static const struct reply_desc auth_reply = {
	sizeof(struct vpdn_ev_auth_result),
	{ S(vpdn_ev_auth_result, reason), S(vpdn_ev_auth_result, user) },
	{ { 0 } }, 0, false,
};

static const struct reply_desc secret_reply = {
	sizeof(struct vpdn_ev_secret_reply),
	{ 0 }, { { 0 } }, 0, true,
};

static const struct reply_desc accept_reply = {
	sizeof(struct vpdn_ev_session_accept),
	{ S(vpdn_ev_session_accept, interface) }, { { 0 } }, 0, false,
};

static const struct reply_desc refusal_reply = {
	sizeof(struct vpdn_ev_address_refusal),
	{ S(vpdn_ev_address_refusal, reason), S(vpdn_ev_address_refusal, holder) },
	{ { 0 } }, 0, false,
};

static const struct reply_desc counters_reply = {
	sizeof(struct vpdn_ev_interface_counters_reply), { 0 }, { { 0 } }, 0, false,
};

static const struct reply_desc no_reply = { 0 };

static const struct reply_desc *desc_of(uint32_t type)
{
	switch (type) {
	case VPDN_EV_CALL_PLACE:
	case VPDN_EV_DIAL_REQUEST: return &call_reply;
	case VPDN_EV_DIALOUT_REQUEST:
	case VPDN_EV_FORWARD_REQUEST: return &session_reply;
	case VPDN_EV_PPP_START: return &ppp_reply;
	case VPDN_EV_AUTH_REQUEST: return &auth_reply;
	case VPDN_EV_SECRET_REQUEST: return &secret_reply;
	case VPDN_EV_SESSION_INCOMING: return &accept_reply;
	case VPDN_EV_ADDRESS_CHECK: return &refusal_reply;
	case VPDN_EV_INTERFACE_COUNTERS: return &counters_reply;
	default: return type < VPDN_EV__BUILTIN_COUNT ? &no_reply : NULL;
	}
}

#define FIELD(base, off, T) (*(T *)((char *)(base) + (off)))

/* The secret reply's octet string is (secret, secret_len), secret_len 0
 * meaning a NUL-terminated string. */
static size_t secret_len(const struct vpdn_ev_secret_reply *r)
{
	return r->secret ? (r->secret_len ? r->secret_len : strlen(r->secret)) : 0;
}

struct vpdn_reply_copy *vpdn_reply_copy_new(uint32_t type, const void *reply)
{
	const struct reply_desc *d = desc_of(type);
	uint32_t given;

	if (!reply)
		return NULL;
	memcpy(&given, reply, sizeof(given));
	if (!d) {
		/* A registered type: shallow, by its own size field. */
		if (given < sizeof(uint32_t) || given > 65536)
			return NULL;
		struct vpdn_reply_copy *c = g_malloc0(sizeof(*c) + given);
		c->len = given;
		memcpy(c->data, reply, given);
		return c;
	}
	if (!d->size)
		return NULL;
	/* A claimer built against a shorter struct says so in `size`. */
	size_t n = given >= sizeof(uint32_t) && given < d->size ? given : d->size;
	size_t total = d->size + 1;
	for (size_t i = 0; i < MAX_STR && d->str[i]; i++)
		if (d->str[i] + sizeof(char *) <= n && FIELD(reply, d->str[i], const char *))
			total += strlen(FIELD(reply, d->str[i], const char *)) + 1;
	for (size_t i = 0; i < MAX_BLOB && d->blob[i].ptr; i++)
		if (d->blob[i].len + sizeof(size_t) <= n && FIELD(reply, d->blob[i].ptr, const void *))
			total += FIELD(reply, d->blob[i].len, size_t);
	if (type == VPDN_EV_FORWARD_REQUEST || type == VPDN_EV_DIALOUT_REQUEST) {
		const struct vpdn_ev_session *s = reply;
		if (offsetof(struct vpdn_ev_session, proxy.auth_response_len) + sizeof(size_t) <= n &&
		    s->proxy.auth_response)
			total += s->proxy.auth_response_len;
	}
	if (d->secret)
		total += secret_len(reply) + 1;

	struct vpdn_reply_copy *c = g_malloc0(sizeof(*c) + total);
	char *tail = (char *)c->data + d->size;
	c->len = total;
	c->secret = d->secret;
	memcpy(c->data, reply, n);
	for (size_t i = 0; i < MAX_STR && d->str[i]; i++) {
		const char *s = d->str[i] + sizeof(char *) <= n ? FIELD(reply, d->str[i], const char *) : NULL;
		if (!s)
			continue;
		size_t l = strlen(s) + 1;
		memcpy(tail, s, l);
		FIELD(c->data, d->str[i], const char *) = tail;
		tail += l;
	}
	for (size_t i = 0; i < MAX_BLOB && d->blob[i].ptr; i++) {
		if (d->blob[i].len + sizeof(size_t) > n || !FIELD(reply, d->blob[i].ptr, const void *))
			continue;
		size_t l = FIELD(reply, d->blob[i].len, size_t);
		memcpy(tail, FIELD(reply, d->blob[i].ptr, const void *), l);
		FIELD(c->data, d->blob[i].ptr, const void *) = tail;
		tail += l;
	}
	if (type == VPDN_EV_FORWARD_REQUEST || type == VPDN_EV_DIALOUT_REQUEST) {
		struct vpdn_ev_session *s = (struct vpdn_ev_session *)c->data;
		if (offsetof(struct vpdn_ev_session, proxy.auth_response_len) + sizeof(size_t) <= n &&
		    s->proxy.auth_response) {
			memcpy(tail, s->proxy.auth_response, s->proxy.auth_response_len);
			s->proxy.auth_response = (const uint8_t *)tail;
			tail += s->proxy.auth_response_len;
		}
	}
	if (d->secret && ((const struct vpdn_ev_secret_reply *)reply)->secret) {
		struct vpdn_ev_secret_reply *r = (struct vpdn_ev_secret_reply *)c->data;
		size_t l = secret_len(reply);
		memcpy(tail, r->secret, l);
		tail[l] = 0;
		r->secret = tail;
		r->secret_len = l;
	}
	if (d->link && d->link + sizeof(void *) <= n && FIELD(c->data, d->link, struct vpdn_link *))
		c->link = vpdn_link_ref(FIELD(c->data, d->link, struct vpdn_link *));
	c->call = d->call;
	return c;
}

/* The requester cancelled before the answer reached it: a call the answer
 * handed over has nobody, so it is hung up (as the claimer would have,
 * seeing the request cancelled). */
void vpdn_reply_copy_drop(struct vpdn_reply_copy *c, int status)
{
	if (c && c->call && c->link && status >= 0)
		vpdn_link_hangup(c->link, VPDN_LINK_B, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_reply_copy_free(c);
}

void vpdn_reply_copy_free(struct vpdn_reply_copy *c)
{
	if (!c)
		return;
	if (c->link)
		vpdn_link_unref(c->link);
	if (c->secret)
		memset(c->data, 0, c->len);
	g_free(c);
}
