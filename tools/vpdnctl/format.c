/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "format.h"
#include "json.h"

void fmt_table(FILE *f, const struct fmt_column *cols, size_t ncols,
	       const char *const *cells, size_t nrows)
{
	unsigned *width = g_new0(unsigned, ncols);

	for (size_t c = 0; c < ncols; c++) {
		size_t w = strlen(cols[c].header);

		for (size_t r = 0; r < nrows; r++) {
			const char *cell = cells[r * ncols + c];
			size_t l = cell ? strlen(cell) : 0;

			if (l > w)
				w = l;
		}
		w += cols[c].sep;
		width[c] = w > cols[c].min_width ? (unsigned)w : cols[c].min_width;
	}

	for (size_t r = 0; r <= nrows; r++) {
		GString *line = g_string_new(NULL);

		for (size_t c = 0; c < ncols; c++) {
			const char *cell = r == 0 ? cols[c].header : cells[(r - 1) * ncols + c];

			if (!cell)
				cell = "";
			if (c + 1 < ncols)
				g_string_append_printf(line, "%-*s", (int)width[c], cell);
			else
				g_string_append(line, cell);
		}
		/* An empty last cell leaves trailing blanks: drop them. */
		while (line->len && line->str[line->len - 1] == ' ')
			g_string_truncate(line, line->len - 1);
		fprintf(f, "%s\n", line->str);
		g_string_free(line, TRUE);
	}
	g_free(width);
}

char *fmt_hms(uint64_t seconds, char *buf, size_t size)
{
	snprintf(buf, size, "%02" PRIu64 ":%02u:%02u", seconds / 3600,
		 (unsigned)(seconds / 60 % 60), (unsigned)(seconds % 60));
	return buf;
}

void fmt_vpdn_tunnel_clear(struct vpdn_tunnel_row *t)
{
	g_free(t->remote_name);
	g_free(t->state);
	g_free(t->remote_address);
	g_free(t->group);
	memset(t, 0, sizeof(*t));
}

void fmt_vpdn_session_clear(struct vpdn_session_row *s)
{
	g_free(s->interface);
	g_free(s->username);
	g_free(s->state);
	memset(s, 0, sizeof(*s));
}

static int tunnel_cmp(const void *a, const void *b)
{
	const struct vpdn_tunnel_row *x = a, *y = b;

	return (int)x->local_id - (int)y->local_id;
}

static int session_cmp(const void *a, const void *b)
{
	const struct vpdn_session_row *x = a, *y = b;

	if (x->tunnel_id != y->tunnel_id)
		return (int)x->tunnel_id - (int)y->tunnel_id;
	return (int)x->local_id - (int)y->local_id;
}

static void sort_rows(struct vpdn_tunnel_row *tunnels, size_t ntunnels,
		      struct vpdn_session_row *sessions, size_t nsessions)
{
	if (ntunnels > 1)
		qsort(tunnels, ntunnels, sizeof(*tunnels), tunnel_cmp);
	if (nsessions > 1)
		qsort(sessions, nsessions, sizeof(*sessions), session_cmp);
}

/* IOS's column widths (`show vpdn` on 12.x); wider values widen them. */
static const struct fmt_column tunnel_cols[] = {
	{ "LocID", 6, 1 },
	{ "RemID", 6, 1 },
	{ "Remote Name", 14, 2 },
	{ "State", 7, 2 },
	{ "Remote Address", 16, 2 },
	{ "Port", 6, 2 },
	{ "Sessions", 0, 2 },
};
#define TUNNEL_NCOLS G_N_ELEMENTS(tunnel_cols)

static const struct fmt_column session_cols[] = {
	{ "LocID", 6, 1 },
	{ "RemID", 6, 1 },
	{ "TunID", 6, 1 },
	{ "Intf", 8, 2 },
	{ "Username", 19, 2 },
	{ "State", 7, 2 },
	{ "Last Chg", 9, 1 },
	{ "Fastswitch", 0, 2 },
};
#define SESSION_NCOLS G_N_ELEMENTS(session_cols)

static void print_tunnels(FILE *f, const struct vpdn_tunnel_row *t, size_t n)
{
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < n; i++) {
		g_ptr_array_add(cells, g_strdup_printf("%u", t[i].local_id));
		g_ptr_array_add(cells, g_strdup_printf("%u", t[i].remote_id));
		g_ptr_array_add(cells, g_strdup(t[i].remote_name ? t[i].remote_name : ""));
		g_ptr_array_add(cells, g_strdup(t[i].state ? t[i].state : ""));
		g_ptr_array_add(cells, g_strdup(t[i].remote_address ? t[i].remote_address : ""));
		g_ptr_array_add(cells, g_strdup_printf("%u", t[i].remote_port));
		g_ptr_array_add(cells, g_strdup_printf("%u", t[i].sessions));
	}
	fmt_table(f, tunnel_cols, TUNNEL_NCOLS, (const char *const *)cells->pdata, n);
	g_ptr_array_free(cells, TRUE);
}

static void print_sessions(FILE *f, const struct vpdn_session_row *s, size_t n)
{
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
	char hms[32];

	for (size_t i = 0; i < n; i++) {
		g_ptr_array_add(cells, g_strdup_printf("%u", s[i].local_id));
		g_ptr_array_add(cells, g_strdup_printf("%u", s[i].remote_id));
		g_ptr_array_add(cells, g_strdup_printf("%u", s[i].tunnel_id));
		g_ptr_array_add(cells, g_strdup(s[i].interface ? s[i].interface : ""));
		g_ptr_array_add(cells, g_strdup(s[i].username ? s[i].username : ""));
		g_ptr_array_add(cells, g_strdup(s[i].state ? s[i].state : ""));
		g_ptr_array_add(cells, g_strdup(fmt_hms(s[i].last_change, hms, sizeof(hms))));
		g_ptr_array_add(cells, g_strdup(s[i].fastswitch ? "enabled" : "disabled"));
	}
	fmt_table(f, session_cols, SESSION_NCOLS, (const char *const *)cells->pdata, n);
	g_ptr_array_free(cells, TRUE);
}

void fmt_vpdn(FILE *f, unsigned what, struct vpdn_tunnel_row *tunnels, size_t ntunnels,
	      struct vpdn_session_row *sessions, size_t nsessions)
{
	const char *title = what == FMT_VPDN_TUNNELS  ? "L2TP Tunnel Information" :
			    what == FMT_VPDN_SESSIONS ? "L2TP Session Information" :
							"L2TP Tunnel and Session Information";

	sort_rows(tunnels, ntunnels, sessions, nsessions);
	if (ntunnels == 0 && nsessions == 0) {
		fputs("% No active L2TP tunnels\n", f);
		fputs("% No active L2F tunnels\n", f);
		return;
	}
	fprintf(f, "%s Total tunnels %zu sessions %zu\n", title, ntunnels, nsessions);
	if ((what & FMT_VPDN_TUNNELS) && ntunnels) {
		fputc('\n', f);
		print_tunnels(f, tunnels, ntunnels);
	}
	if ((what & FMT_VPDN_SESSIONS) && nsessions) {
		fputc('\n', f);
		print_sessions(f, sessions, nsessions);
	}
	fputs("\n% No active L2F tunnels\n", f);
}

void fmt_vpdn_json(FILE *f, unsigned what, struct vpdn_tunnel_row *tunnels, size_t ntunnels,
		   struct vpdn_session_row *sessions, size_t nsessions)
{
	struct json j;

	sort_rows(tunnels, ntunnels, sessions, nsessions);
	json_init(&j, f);
	json_object_begin(&j);
	if (what & FMT_VPDN_TUNNELS) {
		json_key(&j, "tunnels");
		json_array_begin(&j);
		for (size_t i = 0; i < ntunnels; i++) {
			const struct vpdn_tunnel_row *t = &tunnels[i];

			json_object_begin(&j);
			json_kv_uint(&j, "local_id", t->local_id);
			json_kv_uint(&j, "remote_id", t->remote_id);
			json_kv_string(&j, "remote_name", t->remote_name ? t->remote_name : "");
			json_kv_string(&j, "state", t->state ? t->state : "");
			json_kv_string(&j, "remote_address",
				       t->remote_address ? t->remote_address : "");
			json_kv_uint(&j, "remote_port", t->remote_port);
			json_kv_uint(&j, "sessions", t->sessions);
			json_kv_string(&j, "group", t->group ? t->group : "");
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	if (what & FMT_VPDN_SESSIONS) {
		json_key(&j, "sessions");
		json_array_begin(&j);
		for (size_t i = 0; i < nsessions; i++) {
			const struct vpdn_session_row *s = &sessions[i];

			json_object_begin(&j);
			json_kv_uint(&j, "local_id", s->local_id);
			json_kv_uint(&j, "remote_id", s->remote_id);
			json_kv_uint(&j, "tunnel_id", s->tunnel_id);
			json_kv_string(&j, "interface", s->interface ? s->interface : "");
			json_kv_string(&j, "username", s->username ? s->username : "");
			json_kv_string(&j, "state", s->state ? s->state : "");
			json_kv_uint(&j, "last_change", s->last_change);
			json_kv_bool(&j, "fastswitch", s->fastswitch);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
}

void fmt_vpdn_peer_clear(struct vpdn_peer_row *p)
{
	g_free(p->group);
	g_free(p->address);
	p->group = p->address = NULL;
}

void fmt_vpdn_peers(FILE *f, const struct vpdn_peer_row *rows, size_t n)
{
	static const struct fmt_column cols[] = {
		{ "Group", 0, 2 }, { "Address", 0, 2 }, { "Priority", 0, 2 },
		{ "Limit", 0, 2 }, { "Sessions", 0, 2 }, { "Status", 0, 0 },
	};
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);

	if (!n) {
		fputs("% No vpdn-group initiates tunnels\n", f);
		g_ptr_array_free(cells, TRUE);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vpdn_peer_row *p = &rows[i];

		g_ptr_array_add(cells, g_strdup(p->group ? p->group : ""));
		g_ptr_array_add(cells, g_strdup(p->address ? p->address : ""));
		g_ptr_array_add(cells, g_strdup_printf("%u", p->priority));
		g_ptr_array_add(cells, p->limit ? g_strdup_printf("%u", p->limit) : g_strdup("-"));
		g_ptr_array_add(cells, g_strdup_printf("%u", p->sessions));
		g_ptr_array_add(cells, p->dead_s ? g_strdup_printf("dead %us", p->dead_s) :
						   g_strdup("alive"));
	}
	fmt_table(f, cols, G_N_ELEMENTS(cols), (const char *const *)cells->pdata, n);
	g_ptr_array_free(cells, TRUE);
}

void fmt_vpdn_peers_json(FILE *f, const struct vpdn_peer_row *rows, size_t n)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_key(&j, "peers");
	json_array_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const struct vpdn_peer_row *p = &rows[i];

		json_object_begin(&j);
		json_kv_string(&j, "group", p->group ? p->group : "");
		json_kv_string(&j, "address", p->address ? p->address : "");
		json_kv_uint(&j, "priority", p->priority);
		json_kv_uint(&j, "limit", p->limit);
		json_kv_uint(&j, "sessions", p->sessions);
		json_kv_bool(&j, "dead", p->dead_s != 0);
		json_kv_uint(&j, "dead_seconds", p->dead_s);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
}

void fmt_user_clear(struct fmt_user_row *u)
{
	char **all[] = { &u->interface, &u->user, &u->mode, &u->uptime, &u->peer_address,
			 &u->ipv6_state, &u->ipv6_link_local, &u->ipv6_peer_link_local,
			 &u->ipv6_prefix, &u->ipv6_routed };

	for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
		g_clear_pointer(all[i], g_free);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

void fmt_users(FILE *f, const struct fmt_user_row *rows, size_t n)
{
	static const struct fmt_column cols[] = {
		{ "  Interface", 12, 1 }, { "User", 18, 1 }, { "Mode", 20, 1 },
		{ "Uptime", 9, 1 }, { "Peer Address", 0, 0 },
	};
	const char **cells = g_new0(const char *, n * 5 + 1);
	char **names = g_new0(char *, n + 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *t = open_memstream(&buf, &len);

	for (size_t i = 0; i < n; i++) {
		names[i] = g_strdup_printf("  %s", nz(rows[i].interface));
		cells[i * 5] = names[i];
		cells[i * 5 + 1] = rows[i].user;
		cells[i * 5 + 2] = rows[i].mode;
		cells[i * 5 + 3] = rows[i].uptime;
		cells[i * 5 + 4] = rows[i].peer_address;
	}
	if (t) {
		fmt_table(t, cols, 5, cells, n);
		fclose(t);
	}
	/* The table's lines (header, then one per row), each row followed by
	 * its IPv6 line where the user has IPv6. */
	char **lines = g_strsplit(buf ? buf : "", "\n", -1);
	for (size_t l = 0; lines[l] && *lines[l]; l++) {
		fprintf(f, "%s\n", lines[l]);
		if (l == 0 || l > n || !*nz(rows[l - 1].ipv6_state) ||
		    !strcmp(rows[l - 1].ipv6_state, "down"))
			continue;
		const struct fmt_user_row *u = &rows[l - 1];
		fprintf(f, "      IPv6 %s", u->ipv6_state);
		if (*nz(u->ipv6_link_local))
			fprintf(f, " %s", u->ipv6_link_local);
		if (*nz(u->ipv6_peer_link_local))
			fprintf(f, " peer %s", u->ipv6_peer_link_local);
		if (*nz(u->ipv6_prefix))
			fprintf(f, " prefix %s", u->ipv6_prefix);
		if (*nz(u->ipv6_routed))
			fprintf(f, " delegated %s", u->ipv6_routed);
		fputc('\n', f);
	}
	g_strfreev(lines);
	free(buf);
	g_strfreev(names);
	g_free(cells);
}

void fmt_users_json(FILE *f, const struct fmt_user_row *rows, size_t n)
{
	struct json j;

	json_init(&j, f);
	json_array_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const struct fmt_user_row *u = &rows[i];

		json_object_begin(&j);
		json_kv_string(&j, "interface", nz(u->interface));
		json_kv_string(&j, "user", nz(u->user));
		json_kv_string(&j, "mode", nz(u->mode));
		json_kv_string(&j, "uptime", nz(u->uptime));
		json_kv_string(&j, "peer_address", nz(u->peer_address));
		json_kv_string(&j, "ipv6_state", nz(u->ipv6_state));
		json_kv_string(&j, "ipv6_link_local", nz(u->ipv6_link_local));
		json_kv_string(&j, "ipv6_peer_link_local", nz(u->ipv6_peer_link_local));
		json_kv_string(&j, "ipv6_prefix", nz(u->ipv6_prefix));
		json_kv_string(&j, "ipv6_delegated", nz(u->ipv6_routed));
		json_object_end(&j);
	}
	json_array_end(&j);
}
