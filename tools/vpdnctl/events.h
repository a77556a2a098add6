/* SPDX-License-Identifier: MIT */
/*
 * The node's session events as vpdnctl reads them: the Node1 signals
 * TunnelUp, TunnelDown, SessionUp, SessionDown and the entries of
 * Node1.GetVpdnHistory (dbus/org.vpdnd.Node1.xml), decoded by a table of
 * argument names into fields, printed as one text line / one JSON
 * object (monitor --events) or as IOS's `show vpdn history failure`.
 */
#ifndef VPDNCTL_EVENTS_H
#define VPDNCTL_EVENTS_H

#include <stdint.h>
#include <stdio.h>

#include <systemd/sd-bus.h>

#include "json.h"

#define EV_MAX_FIELDS 24

struct ev_fields {
	const struct ev_kind *kind;
	unsigned n;
	union {
		uint64_t u;
		int64_t i;
		const char *s;    /* borrowed from the message */
	} v[EV_MAX_FIELDS];
};

/* One signal or entry shape: its name, D-Bus signature of basic types,
 * argument names (dbus/org.vpdnd.Node1.xml). */
struct ev_kind {
	const char *name;
	const char *sig;
	const char *const *names;
};

extern const struct ev_kind ev_tunnel_up, ev_tunnel_down, ev_session_up, ev_session_down,
	ev_history_entry;
/* The kind of a Node1 signal member, or NULL. */
const struct ev_kind *ev_kind_of_signal(const char *member);

/* Read the kind's fields from m (at its first argument, or inside an
 * entered struct). Returns 0 or a negative errno. */
int ev_read(sd_bus_message *m, const struct ev_kind *kind, struct ev_fields *f);
/* Field by name: string ("" if absent), unsigned, signed. */
const char *ev_s(const struct ev_fields *f, const char *name);
uint64_t ev_u(const struct ev_fields *f, const char *name);
int64_t ev_i(const struct ev_fields *f, const char *name);

/* {"event": NAME, every field} as one line (kind's name unless NULL event). */
void ev_print_json(FILE *out, const struct ev_fields *f, const char *event);
/* One line of text. */
void ev_print_text(FILE *out, const struct ev_fields *f);
/* One history entry, IOS-like, several lines; now: wall clock seconds. */
void ev_print_history_entry(FILE *out, const struct ev_fields *f, uint64_t now);
/* The entry's fields as members of the open JSON object. */
void ev_json_members(struct json *j, const struct ev_fields *f);

#endif
