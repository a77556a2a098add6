/* SPDX-License-Identifier: MIT */
/*
 * The optional Prometheus endpoint: `metrics { listen = "127.0.0.1:9464" }`
 * serves GET/HEAD /metrics in the Prometheus text format (0.0.4) through
 * libmicrohttpd, driven from the GLib main loop (MHD_USE_EPOLL, its epoll
 * fd in one GSource; no threads).
 */
#ifndef VPDND_METRICS_HTTP_H
#define VPDND_METRICS_HTTP_H

#include <glib.h>
#include <sys/socket.h>

struct vpdn_core;
struct vpdn_metrics_http;

/* "127.0.0.1:9464", "[::1]:9464" (numeric hosts only, port 1..65535) into
 * *ss and *len. 0, or -EINVAL with *error (no file:line: the caller adds it). */
int vpdn_metrics_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
			      char **error);

#define VPDN_METRICS_MAX_SERIES_DEFAULT 10000

/* The node's counters as Prometheus text: one # HELP / # TYPE per family
 * (a name ending in _total is a counter, anything else a gauge), the
 * family's samples together, each with node="<hostname>" first. Names get
 * the vpdnd_ prefix. At most max_series samples: a family that would pass
 * the bound is left out whole, and vpdnd_metrics_series_dropped says how
 * many samples were. Free with g_free. */
char *vpdn_metrics_render(struct vpdn_core *core, unsigned max_series);

/* Listen on `listen` and serve. NULL with *error ("cannot listen on X:
 * Address already in use") on failure. */
struct vpdn_metrics_http *vpdn_metrics_http_open(struct vpdn_core *core, const char *listen,
						 char **error);
void vpdn_metrics_http_set_max_series(struct vpdn_metrics_http *h, unsigned max_series);
void vpdn_metrics_http_close(struct vpdn_metrics_http *h);
const char *vpdn_metrics_http_address(const struct vpdn_metrics_http *h);
/* The port bound (useful with port 0 in tests). */
int vpdn_metrics_http_port(const struct vpdn_metrics_http *h);

#endif
