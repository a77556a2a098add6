/* SPDX-License-Identifier: MIT */
/*
 * Prometheus endpoint over libmicrohttpd in external-polling mode.
 *
 * MHD runs with MHD_USE_EPOLL and no thread of its own: its epoll fd sits in
 * one GSource whose prepare() takes MHD_get_timeout() (0 when MHD has
 * connections ready to process) and whose dispatch() calls MHD_run(), which
 * never blocks. We make the listening socket ourselves (so that "address in
 * use" is reported with its errno) and hand it to MHD.
 *
 * Requests are hostile: MHD parses them within its per-connection memory
 * limit; we answer GET/HEAD /metrics (200), other paths 404, other methods
 * 405, and bound connections (total, per source, idle timeout).
 *
 * Lifetime: the GSource holds a pointer to the struct vpdn_metrics_http; it
 * is destroyed in vpdn_metrics_http_close() before MHD is stopped.
 */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core-private.h"
#include "metrics-http.h"

#define METRICS_CONN_LIMIT 32
#define METRICS_PER_IP_LIMIT 8
#define METRICS_CONN_TIMEOUT_S 10
#define METRICS_CONN_MEMORY (16 * 1024)

struct metrics_source {
	GSource src;
	struct vpdn_metrics_http *h;
	gpointer tag;
	gint64 deadline; /* monotonic us, or -1 */
};

struct vpdn_metrics_http {
	struct vpdn_core *core;
	struct MHD_Daemon *mhd;
	struct metrics_source *source;
	char *address;
	int port;
	unsigned max_series;
	uint64_t *c_ok, *c_not_found, *c_bad_method;
};

/* ---- Prometheus text ---- */

static void append_escaped(GString *out, const char *s, bool label)
{
	for (; *s; s++) {
		if (*s == '\\')
			g_string_append(out, "\\\\");
		else if (*s == '\n')
			g_string_append(out, "\\n");
		else if (label && *s == '"')
			g_string_append(out, "\\\"");
		else
			g_string_append_c(out, *s);
	}
}

/* "l2tp_tunnels{state=\"est\"}" -> family "vpdnd_l2tp_tunnels". Characters a
 * metric name may not hold become '_'. */
static char *family_of(const char *name, const char **labels)
{
	const char *brace = strchr(name, '{');
	size_t n = brace ? (size_t)(brace - name) : strlen(name);
	GString *fam = g_string_new("vpdnd_");

	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		g_string_append_c(fam, g_ascii_isalnum(ch) || ch == '_' || ch == ':' ? ch : '_');
	}
	*labels = brace ? brace + 1 : NULL;
	return g_string_free(fam, FALSE);
}

char *vpdn_metrics_render(struct vpdn_core *core, unsigned max_series)
{
	unsigned emitted = 0, dropped = 0;
	size_t n = vpdn_core_counter_count(core);
	GString *out = g_string_sized_new(64 * n + 64);
	GHashTable *families = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						     (GDestroyNotify)g_ptr_array_unref);
	GPtrArray *order = g_ptr_array_new(); /* family names, first-seen order */
	GString *node = g_string_new(NULL);

	append_escaped(node, vpdn_core_hostname(core), true);
	for (size_t i = 0; i < n; i++) {
		const struct vpdn_counter *c = vpdn_core_counter_at(core, i);
		const char *labels;
		char *fam = family_of(c->name, &labels);
		GPtrArray *members = g_hash_table_lookup(families, fam);

		if (!members) {
			members = g_ptr_array_new();
			g_hash_table_insert(families, fam, members);
			g_ptr_array_add(order, fam);
		} else {
			g_free(fam);
		}
		g_ptr_array_add(members, (gpointer)c);
	}
	for (guint i = 0; i < order->len; i++) {
		const char *fam = order->pdata[i];
		GPtrArray *members = g_hash_table_lookup(families, fam);
		const struct vpdn_counter *first = members->pdata[0];

		if (emitted + members->len > max_series) {
			dropped += members->len;
			continue;
		}
		emitted += members->len;
		g_string_append_printf(out, "# HELP %s ", fam);
		append_escaped(out, first->help && *first->help ? first->help : fam, false);
		g_string_append_printf(out, "\n# TYPE %s %s\n", fam,
				       g_str_has_suffix(fam, "_total") ? "counter" : "gauge");
		for (guint k = 0; k < members->len; k++) {
			const struct vpdn_counter *c = members->pdata[k];
			const char *brace = strchr(c->name, '{');
			const char *end = brace ? strrchr(brace, '}') : NULL;

			g_string_append_printf(out, "%s{node=\"%s\"", fam, node->str);
			if (brace && end && end > brace + 1) {
				g_string_append_c(out, ',');
				g_string_append_len(out, brace + 1, end - brace - 1);
			}
			g_string_append_printf(out, "} %" G_GUINT64_FORMAT "\n", c->value);
		}
	}
	g_string_append_printf(out, "# HELP vpdnd_uptime_seconds Seconds since the node started\n"
			       "# TYPE vpdnd_uptime_seconds gauge\n"
			       "vpdnd_uptime_seconds{node=\"%s\"} %" G_GUINT64_FORMAT "\n"
			       "# HELP vpdnd_build_info The running vpdnd's version\n"
			       "# TYPE vpdnd_build_info gauge\n"
			       "vpdnd_build_info{node=\"%s\",version=\"" VPDND_VERSION_STRING "\"} 1\n",
			       node->str, vpdn_core_uptime(core), node->str);
	g_string_append_printf(out, "# HELP vpdnd_metrics_series_dropped Samples left out by metrics max-series\n"
			       "# TYPE vpdnd_metrics_series_dropped gauge\n"
			       "vpdnd_metrics_series_dropped{node=\"%s\"} %u\n", node->str, dropped);
	g_string_free(node, TRUE);
	g_ptr_array_free(order, TRUE);
	g_hash_table_destroy(families);
	return g_string_free(out, FALSE);
}

/* ---- HTTP ---- */

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, char *body,
			      const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(
		strlen(body), body, g_free);
	enum MHD_Result ret;

	if (!r) {
		g_free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct vpdn_metrics_http *h = cls;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		(*h->c_bad_method)++;
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			      g_strdup("Only GET and HEAD are served here.\n"), "text/plain");
	}
	if (strcmp(url, "/metrics") != 0) {
		(*h->c_not_found)++;
		return answer(conn, MHD_HTTP_NOT_FOUND, g_strdup("Not found: try /metrics\n"),
			      "text/plain");
	}
	(*h->c_ok)++;
	return answer(conn, MHD_HTTP_OK, vpdn_metrics_render(h->core, h->max_series),
		      "text/plain; version=0.0.4; charset=utf-8");
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct vpdn_metrics_http *h = cls;
	char *msg = g_strdup_vprintf(fmt, ap);

	g_strchomp(msg);
	vpdn_info(vpdn_core_log(h->core), "metrics: %s", msg);
	g_free(msg);
}

static gboolean src_prepare(GSource *src, gint *timeout)
{
	struct metrics_source *ms = (struct metrics_source *)src;
	MHD_UNSIGNED_LONG_LONG to = 0;

	if (MHD_get_timeout(ms->h->mhd, &to) != MHD_YES) {
		ms->deadline = -1;
		*timeout = -1;
		return FALSE;
	}
	if (to == 0) {
		*timeout = 0;
		return TRUE;
	}
	if (to > G_MAXINT)
		to = G_MAXINT;
	*timeout = (gint)to;
	ms->deadline = g_source_get_time(src) + (gint64)to * 1000;
	return FALSE;
}

static gboolean src_check(GSource *src)
{
	struct metrics_source *ms = (struct metrics_source *)src;

	if (g_source_query_unix_fd(src, ms->tag))
		return TRUE;
	return ms->deadline >= 0 && g_source_get_time(src) >= ms->deadline;
}

static gboolean src_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	struct metrics_source *ms = (struct metrics_source *)src;

	MHD_run(ms->h->mhd);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs metrics_source_funcs = {
	.prepare = src_prepare,
	.check = src_check,
	.dispatch = src_dispatch,
};

static int listen_socket(const struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, 16) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

struct vpdn_metrics_http *vpdn_metrics_http_open(struct vpdn_core *core, const char *listen,
						 char **error)
{
	struct vpdn_metrics_http *h = NULL;
	struct sockaddr_storage ss;
	socklen_t len;
	const union MHD_DaemonInfo *info;
	int fd = -1;

	if (vpdn_metrics_parse_listen(listen, &ss, &len, error) < 0)
		return NULL;
	fd = listen_socket(&ss, len);
	if (fd < 0) {
		*error = g_strdup_printf("metrics: cannot listen on %s: %s", listen, g_strerror(-fd));
		return NULL;
	}
	h = g_new0(struct vpdn_metrics_http, 1);
	h->core = core;
	h->address = g_strdup(listen);
	h->port = g_ascii_strtoll(strrchr(listen, ':') + 1, NULL, 10);
	h->max_series = VPDN_METRICS_MAX_SERIES_DEFAULT;
	h->c_ok = vpdn_core_counter(core, "metrics_http_requests_total{code=\"200\"}",
				    "HTTP requests to the metrics endpoint, by status code");
	h->c_not_found = vpdn_core_counter(core, "metrics_http_requests_total{code=\"404\"}", NULL);
	h->c_bad_method = vpdn_core_counter(core, "metrics_http_requests_total{code=\"405\"}", NULL);
	h->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
					  (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, on_request, h,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
				  MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONN_LIMIT,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_PER_IP_LIMIT,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_CONN_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEMORY,
				  MHD_OPTION_END);
	if (!h->mhd) {
		*error = g_strdup_printf("metrics: cannot start the HTTP server on %s", listen);
		goto fail;
	}
	fd = -1; /* MHD's now */
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		*error = g_strdup_printf("metrics: libmicrohttpd has no epoll fd for %s", listen);
		goto fail;
	}
	h->source = (struct metrics_source *)g_source_new(&metrics_source_funcs,
							   sizeof(struct metrics_source));
	h->source->h = h;
	h->source->deadline = -1;
	h->source->tag = g_source_add_unix_fd(&h->source->src, info->epoll_fd, G_IO_IN);
	g_source_set_name(&h->source->src, "vpdnd metrics http");
	g_source_attach(&h->source->src, NULL);
	vpdn_notice(vpdn_core_log(core), "%%SYS-5-METRICS: serving Prometheus metrics on http://%s/metrics",
		    listen);
	return h;
fail:
	if (fd >= 0)
		close(fd);
	vpdn_metrics_http_close(h);
	return NULL;
}

void vpdn_metrics_http_close(struct vpdn_metrics_http *h)
{
	if (!h)
		return;
	if (h->source) {
		g_source_destroy(&h->source->src);
		g_source_unref(&h->source->src);
	}
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	g_free(h->address);
	g_free(h);
}

void vpdn_metrics_http_set_max_series(struct vpdn_metrics_http *h, unsigned max_series)
{
	if (h)
		h->max_series = max_series;
}

const char *vpdn_metrics_http_address(const struct vpdn_metrics_http *h)
{
	return h ? h->address : NULL;
}

int vpdn_metrics_http_port(const struct vpdn_metrics_http *h)
{
	return h ? h->port : -1;
}
