/* SPDX-License-Identifier: MIT */
/*
 * L2tp1.ListTunnels and ListSessions: the objects of the Tunnel1 and
 * Session1 classes in pages of (path, every property), so that a client
 * reads 100 000 sessions without one huge message (GetManagedObjects
 * lists none of them). The classes themselves are in l2tp-bus.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "l2tp-bus-private.h"

/* ------------------------------------------------------------------ */
/* ListTunnels, ListSessions: pages of (path, properties)             */

/* The variable part of a row, for the byte budget (the fixed part of a
 * row is well under L2TP_BUS_ROW_FIXED octets). */
static size_t len0(const char *s)
{
	return s ? strlen(s) : 0;
}

static gint by_id(gconstpointer a, gconstpointer b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/*
 * The first `want` IDs above `after` in an ID table (the node's tunnels,
 * a tunnel's sessions), in order, into out. A table of L2TP_ID_BITS_AT IDs
 * or more has its bitmap of all 65 536 (l2tp_alloc_id): scanned word by
 * word, so a page costs its rows plus at most 1024 words, however small
 * the pages a client asks for. A smaller table is sorted (at most a few
 * thousand IDs). Every ID found is checked against the table.
 */
unsigned l2tp_bus_ids_after(GHashTable *table, const uint64_t *bits, uint32_t after,
			  unsigned want, uint16_t *out)
{
	unsigned n = 0;

	if (after >= 65535 || want == 0)
		return 0;
	if (bits) {
		for (uint32_t id = after + 1; id <= 65535 && n < want;) {
			uint64_t w = bits[id / 64] >> (id % 64);

			if (!w) {
				id = (id / 64 + 1) * 64;
				continue;
			}
			id += (uint32_t)__builtin_ctzll(w);
			if (id <= 65535 && g_hash_table_contains(table, GUINT_TO_POINTER(id)))
				out[n++] = (uint16_t)id;
			id++;
		}
		return n;
	}
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint16_t));
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, table);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		uint16_t id = (uint16_t)GPOINTER_TO_UINT(k);

		if (id > after)
			g_array_append_val(ids, id);
	}
	g_array_sort(ids, by_id);
	for (; n < want && n < ids->len; n++)
		out[n] = g_array_index(ids, uint16_t, n);
	g_array_free(ids, TRUE);
	return n;
}

int l2tp_bus_append_tunnels(struct l2tp *l2tp, sd_bus_message *m, uint32_t cursor,
			    uint32_t max, uint32_t *next, uint32_t *rows)
{
	uint16_t ids[L2TP_BUS_PAGE_MAX];
	size_t bytes = 0;
	unsigned k;
	uint32_t n = 0;
	int r;

	max = vpdn_dbus_page_max(max);
	*next = 0;
	k = l2tp_bus_ids_after(l2tp->tunnels, l2tp->tid_bits, cursor, max, ids);
	r = sd_bus_message_open_container(m, 'a', "(oa{sv})");
	for (unsigned i = 0; r >= 0 && i < k; i++) {
		struct l2tp_tunnel *t = l2tp_tunnel_get(l2tp, ids[i]);
		size_t row = L2TP_BUS_ROW_FIXED + len0(t->peer_name) +
			     len0(t->group ? t->group->name : NULL);
		char path[64];

		if (n > 0 && bytes + row > L2TP_BUS_PAGE_BYTES)
			break;
		l2tp_bus_tunnel_path(t, path, sizeof(path));
		r = vpdn_dbus_append_object_row(m, path, TUNNEL_IFACE, l2tp_bus_tunnel_vtable, t);
		bytes += row;
		n++;
	}
	/* More may follow a full page (or one the byte budget ended). */
	if (n == max || n < k)
		*next = ids[n - 1];
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (rows)
		*rows = n;
	return r;
}

int l2tp_bus_append_sessions(struct l2tp *l2tp, sd_bus_message *m, uint32_t cursor,
			     uint32_t max, uint32_t *next, uint32_t *rows)
{
	uint16_t ids[L2TP_BUS_PAGE_MAX], tid = (uint16_t)(cursor >> 16);
	uint32_t after = cursor & 0xffff, n = 0, last = 0;
	size_t bytes = 0;
	int r;

	max = vpdn_dbus_page_max(max);
	*next = 0;
	r = sd_bus_message_open_container(m, 'a', "(oa{sv})");
	/* Key order (tunnel, session): this tunnel's sessions above `after`,
	 * then the next tunnel's from its first. */
	while (r >= 0) {
		struct l2tp_tunnel *t = tid ? l2tp_tunnel_get(l2tp, tid) : NULL;
		unsigned k = t ? l2tp_bus_ids_after(t->sessions, t->sid_bits, after, max - n, ids) : 0;

		for (unsigned i = 0; r >= 0 && i < k; i++) {
			struct l2tp_session *s = l2tp_session_get(t, ids[i]);
			size_t row = L2TP_BUS_ROW_FIXED + len0(s->user) + len0(s->ifname);
			char path[64];

			if (n > 0 && bytes + row > L2TP_BUS_PAGE_BYTES) {
				*next = last;
				goto done;
			}
			l2tp_bus_session_path(s, path, sizeof(path));
			r = vpdn_dbus_append_object_row(m, path, SESSION_IFACE, l2tp_bus_session_vtable, s);
			bytes += row;
			n++;
			last = (uint32_t)tid << 16 | ids[i];
		}
		if (n == max) {
			*next = last;
			break;
		}
		if (l2tp_bus_ids_after(l2tp->tunnels, l2tp->tid_bits, tid, 1, &tid) == 0)
			break; /* the end: *next stays 0 */
		after = 0;
	}
done:
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (rows)
		*rows = n;
	return r;
}

static int method_list(sd_bus_message *m, void *userdata, sd_bus_error *error, bool sessions)
{
	struct l2tp *l2tp = userdata;
	sd_bus_message *reply = NULL;
	uint32_t cursor, max, next = 0;
	int r;

	r = sd_bus_message_read(m, "uu", &cursor, &max);
	if (r < 0)
		return r;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r < 0)
		return r;
	r = sessions ? l2tp_bus_append_sessions(l2tp, reply, cursor, max, &next, NULL)
		     : l2tp_bus_append_tunnels(l2tp, reply, cursor, max, &next, NULL);
	if (r >= 0)
		r = sd_bus_message_append_basic(reply, 'u', &next);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

int l2tp_bus_method_list_tunnels(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return method_list(m, userdata, error, false);
}

int l2tp_bus_method_list_sessions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return method_list(m, userdata, error, true);
}

