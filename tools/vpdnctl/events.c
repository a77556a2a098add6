/* SPDX-License-Identifier: MIT */
/* Decoding and printing the node's session events (events.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "events.h"
#include "format.h"

#define TUNNEL_FIELDS "tunnel_id", "peer_tunnel_id", "peer_name", "peer_address", "group"
#define SESSION_FIELDS                                                                    \
	"tunnel_id", "session_id", "peer_tunnel_id", "peer_session_id", "direction", "user", \
		"interface", "peer_name", "peer_address"
#define SESSION_DOWN_FIELDS                                                                \
	SESSION_FIELDS, "local_address", "remote_address", "duration", "ended_by", "result", \
		"error", "q931_cause", "ppp_disconnect_code", "ppp_protocol", "ppp_direction",  \
		"cause", "reason"

static const char *const tunnel_up_names[] = { TUNNEL_FIELDS, NULL };
static const char *const tunnel_down_names[] = { TUNNEL_FIELDS, "duration", "ended_by", "result",
						 "error", "cause", "reason", NULL };
static const char *const session_up_names[] = { SESSION_FIELDS, NULL };
static const char *const session_down_names[] = { SESSION_DOWN_FIELDS, NULL };
static const char *const history_names[] = { "ended", SESSION_DOWN_FIELDS, NULL };

const struct ev_kind ev_tunnel_up = { "TunnelUp", "qqsss", tunnel_up_names };
const struct ev_kind ev_tunnel_down = { "TunnelDown", "qqssstsqqss", tunnel_down_names };
const struct ev_kind ev_session_up = { "SessionUp", "qqqqsssss", session_up_names };
const struct ev_kind ev_session_down = { "SessionDown", "qqqqssssssstsqqqiqsss",
					 session_down_names };
const struct ev_kind ev_history_entry = { "history", "tqqqqssssssstsqqqiqsss", history_names };

const struct ev_kind *ev_kind_of_signal(const char *member)
{
	static const struct ev_kind *const kinds[] = { &ev_tunnel_up, &ev_tunnel_down,
						       &ev_session_up, &ev_session_down };

	for (size_t i = 0; member && i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(kinds[i]->name, member) == 0)
			return kinds[i];
	return NULL;
}

int ev_read(sd_bus_message *m, const struct ev_kind *kind, struct ev_fields *f)
{
	int r = 0;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	for (unsigned i = 0; kind->sig[i] && i < EV_MAX_FIELDS; i++) {
		char t = kind->sig[i];

		switch (t) {
		case 'q': {
			uint16_t q;

			r = sd_bus_message_read_basic(m, t, &q);
			f->v[i].u = q;
			break;
		}
		case 'u': {
			uint32_t u;

			r = sd_bus_message_read_basic(m, t, &u);
			f->v[i].u = u;
			break;
		}
		case 't':
			r = sd_bus_message_read_basic(m, t, &f->v[i].u);
			break;
		case 'i': {
			int32_t v;

			r = sd_bus_message_read_basic(m, t, &v);
			f->v[i].i = v;
			break;
		}
		case 's':
			r = sd_bus_message_read_basic(m, t, &f->v[i].s);
			break;
		default:
			r = -EINVAL;
		}
		if (r == 0)
			r = -EBADMSG; /* fewer arguments than the signature */
		if (r < 0)
			return r;
		f->n = i + 1;
	}
	return 0;
}

static int field(const struct ev_fields *f, const char *name)
{
	for (unsigned i = 0; i < f->n && f->kind->names[i]; i++)
		if (strcmp(f->kind->names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *ev_s(const struct ev_fields *f, const char *name)
{
	int i = field(f, name);

	return i >= 0 && f->kind->sig[i] == 's' && f->v[i].s ? f->v[i].s : "";
}

uint64_t ev_u(const struct ev_fields *f, const char *name)
{
	int i = field(f, name);

	return i >= 0 && strchr("qut", f->kind->sig[i]) ? f->v[i].u : 0;
}

int64_t ev_i(const struct ev_fields *f, const char *name)
{
	int i = field(f, name);

	return i >= 0 && f->kind->sig[i] == 'i' ? f->v[i].i : 0;
}

void ev_json_members(struct json *j, const struct ev_fields *f)
{
	for (unsigned i = 0; i < f->n; i++) {
		const char *name = f->kind->names[i];

		switch (f->kind->sig[i]) {
		case 's':
			json_kv_string(j, name, f->v[i].s);
			break;
		case 'i':
			/* ppp_disconnect_code -1: none */
			json_key(j, name);
			if (f->v[i].i < 0)
				json_string(j, NULL);
			else
				json_int(j, f->v[i].i);
			break;
		default:
			json_kv_uint(j, name, f->v[i].u);
		}
	}
}

void ev_print_json(FILE *out, const struct ev_fields *f, const char *event)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	json_kv_string(&j, "event", event ? event : f->kind->name);
	ev_json_members(&j, f);
	json_object_end(&j);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_peer(FILE *out, const struct ev_fields *f)
{
	fprintf(out, "peer %s", or_dash(ev_s(f, "peer_name")));
	if (*ev_s(f, "peer_address"))
		fprintf(out, " %s", ev_s(f, "peer_address"));
}

static void print_end(FILE *out, const struct ev_fields *f)
{
	char hms[32];

	fprintf(out, ", after %s, ended by %s: %s (%s)",
		fmt_hms(ev_u(f, "duration"), hms, sizeof(hms)), ev_s(f, "ended_by"),
		ev_s(f, "cause"), ev_s(f, "reason"));
}

void ev_print_text(FILE *out, const struct ev_fields *f)
{
	bool tunnel = f->kind == &ev_tunnel_up || f->kind == &ev_tunnel_down;

	fprintf(out, "%s ", f->kind->name);
	if (tunnel) {
		fprintf(out, "tunnel %" PRIu64 " (peer's %" PRIu64 "), ", ev_u(f, "tunnel_id"),
			ev_u(f, "peer_tunnel_id"));
		print_peer(out, f);
		fprintf(out, ", group %s", or_dash(ev_s(f, "group")));
	} else {
		fprintf(out, "session %" PRIu64 "/%" PRIu64 " (peer's %" PRIu64 "/%" PRIu64 "), %s, user %s, interface %s, ",
			ev_u(f, "tunnel_id"), ev_u(f, "session_id"), ev_u(f, "peer_tunnel_id"),
			ev_u(f, "peer_session_id"), ev_s(f, "direction"), or_dash(ev_s(f, "user")),
			or_dash(ev_s(f, "interface")));
		print_peer(out, f);
		if (*ev_s(f, "local_address") || *ev_s(f, "remote_address"))
			fprintf(out, ", IP %s -> %s", or_dash(ev_s(f, "local_address")),
				or_dash(ev_s(f, "remote_address")));
	}
	if (f->kind == &ev_tunnel_down || f->kind == &ev_session_down)
		print_end(out, f);
	fputc('\n', out);
}

void ev_print_history_entry(FILE *out, const struct ev_fields *f, uint64_t now)
{
	uint64_t ended = ev_u(f, "ended");
	char when[64] = "?", ago[32], lived[32];
	time_t t = (time_t)ended;
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "User: %s, session %" PRIu64 "/%" PRIu64 " (peer's %" PRIu64 "/%" PRIu64 "), %s, interface %s\n",
		or_dash(ev_s(f, "user")), ev_u(f, "tunnel_id"), ev_u(f, "session_id"),
		ev_u(f, "peer_tunnel_id"), ev_u(f, "peer_session_id"), ev_s(f, "direction"),
		or_dash(ev_s(f, "interface")));
	fprintf(out, "  Peer: %s, IP address %s", or_dash(ev_s(f, "peer_name")),
		or_dash(ev_s(f, "peer_address")));
	if (*ev_s(f, "remote_address"))
		fprintf(out, "; user's IP %s (ours %s)", ev_s(f, "remote_address"),
			or_dash(ev_s(f, "local_address")));
	fputc('\n', out);
	fprintf(out, "  Log time: %s (%s ago), lived %s, ended by %s\n", when,
		fmt_hms(now > ended ? now - ended : 0, ago, sizeof(ago)),
		fmt_hms(ev_u(f, "duration"), lived, sizeof(lived)), ev_s(f, "ended_by"));
	fprintf(out, "  Failure type: %s\n", ev_s(f, "cause"));
	fprintf(out, "  Failure reason: %s\n", ev_s(f, "reason"));
}
