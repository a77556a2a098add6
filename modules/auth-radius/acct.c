/* SPDX-License-Identifier: MIT */
/* RADIUS accounting. See acct.h. */
#include "acct.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "auth-radius.h"

#define INTERIM_MIN_S 10

struct acct {
	struct vpdn_core *core;
	struct vpdn_timers *tm;
	struct vpdn_log *log;
	struct radius_client *client;
	bool on;
	uint32_t interim_s;
	char *nas_id;
	struct in_addr nas_ip;
	unsigned queue_max;
	GQueue q;                       /* struct rec, oldest first */
	unsigned in_flight;
	GHashTable *sessions;           /* iface -> struct asess */
	GHashTable *authz;              /* iface -> struct pending_authz */
	GHashTable *lines;              /* iface -> struct line (L2TP calling/called) */
	struct vpdn_subscription *subs[6];
	char sid_prefix[24];
	uint32_t sid_next;
	uint64_t *n_records, *n_dropped, *n_acked;
	uint64_t dropped;
	/* the spool (radius { acct-spool }): one file per queued record */
	char *spool_dir;
	uint64_t spool_seq;             /* the next file's number */
	uint64_t *n_spooled, *n_spool_errors;
	struct restored *restored;      /* restart in place: sessions waiting for ppp */
};

/* What accounting keeps of an Access-Accept: the timers it enforces and
 * the Class its records echo. The rest of struct radius_authz (2 104
 * octets of routes, pools and texts) is the ip module's and was copied
 * whole into every pending authorization and session before. */
struct acct_authz {
	uint32_t session_timeout, idle_timeout, interim_interval;
	size_t class_len;
	uint8_t class_[RADIUS_ATTR_MAX];
};

struct pending_authz {
	char *user;
	struct acct_authz z;
};

struct line {
	char *calling, *called;
	bool down;                      /* SESSION_DOWN seen */
};

struct asess {
	struct acct *a;
	char *iface, *user, *sid;
	struct in_addr addr;
	struct vpdn_link *net;
	uint64_t start_ms;
	struct acct_authz z;
	uint32_t cause;                 /* Acct-Terminate-Cause, 0 not known yet */
	bool down;
	uint64_t idle_bytes;
	uint64_t base[4];               /* in oct/pkt, out oct/pkt counted before a restart */
	struct vpdn_timer interim, session_to, idle, stop;
	/* the ip module's IPv6 counters (INTERFACE_COUNTERS), the last
	 * answer: asked for each record while up and once more before the
	 * interface goes (PPP_IPV6_DOWN, PPP_NETWORK_DOWN) */
	struct acct_v6 v6;
	struct acct_v6 v6_base;         /* the IPv6 ones counted before a restart */
};

struct rec {
	struct acct *a;
	GList node;
	struct radius_req *rr;          /* while handed to the client */
	uint32_t status;
	char *sid, *user, *iface, *calling, *called;
	struct in_addr addr;
	uint64_t in_oct, out_oct, in_pkt, out_pkt;
	struct acct_v6 v6;
	uint32_t session_time, cause, event_time;
	uint8_t class_[RADIUS_ATTR_MAX];
	size_t class_len;
	uint64_t created_ms;
	struct acct_tunnel *tun;        /* RFC 2867 attributes, or NULL */
	char *spool_path;               /* its file in the spool, or NULL */
};

static const char *status_name(uint32_t s)
{
	switch (s) {
	case RADIUS_ACCT_START: return "Start";
	case RADIUS_ACCT_STOP: return "Stop";
	case RADIUS_ACCT_INTERIM: return "Interim-Update";
	case RADIUS_ACCT_TUNNEL_START: return "Tunnel-Start";
	case RADIUS_ACCT_TUNNEL_STOP: return "Tunnel-Stop";
	case RADIUS_ACCT_TUNNEL_LINK_START: return "Tunnel-Link-Start";
	case RADIUS_ACCT_TUNNEL_LINK_STOP: return "Tunnel-Link-Stop";
	case RADIUS_ACCT_TUNNEL_REJECT: return "Tunnel-Reject";
	case RADIUS_ACCT_TUNNEL_LINK_REJECT: return "Tunnel-Link-Reject";
	default: return "?";
	}
}

static void rec_free(struct rec *r)
{
	g_free(r->spool_path);
	g_free(r->sid);
	g_free(r->user);
	g_free(r->iface);
	g_free(r->calling);
	g_free(r->called);
	acct_tunnel_free(r->tun);
	g_free(r);
}

static void pump(struct acct *a);

/* ---- the spool ----
 *
 * With radius { acct-spool = "DIR" } every queued record is also a file
 * DIR/<16 hex digits>.acct (a GKeyFile), written as a temporary file,
 * fsync()ed and renamed (g_file_set_contents_full, durable), removed
 * when a server acknowledged the record or it was given up. A node that
 * stops (or crashes) with records queued finds them at its next start
 * and queues them first, in the order of their numbers. Acct-Delay-Time
 * counts the time the node was down (the record keeps its wall-clock
 * creation time). */

#define SPOOL_GROUP "record"

static void spool_unlink(struct acct *a, struct rec *r)
{
	if (r->spool_path && g_unlink(r->spool_path) < 0 && errno != ENOENT)
		vpdn_warn(a->log, "AUTH-RADIUS: acct-spool: cannot remove %s: %s", r->spool_path,
			  g_strerror(errno));
}

static void spool_write(struct acct *a, struct rec *r)
{
	GKeyFile *k;
	GError *err = NULL;
	char addr[INET_ADDRSTRLEN] = "", name[32];
	gsize len;

	if (!a->spool_dir)
		return;
	k = g_key_file_new();
	g_key_file_set_uint64(k, SPOOL_GROUP, "status", r->status);
	g_key_file_set_string(k, SPOOL_GROUP, "sid", r->sid ? r->sid : "");
#define SET_STR(f) if (r->f) g_key_file_set_string(k, SPOOL_GROUP, #f, r->f)
	SET_STR(user);
	SET_STR(iface);
	SET_STR(calling);
	SET_STR(called);
#undef SET_STR
	if (r->addr.s_addr && inet_ntop(AF_INET, &r->addr, addr, sizeof(addr)))
		g_key_file_set_string(k, SPOOL_GROUP, "addr", addr);
	g_key_file_set_uint64(k, SPOOL_GROUP, "in_oct", r->in_oct);
	g_key_file_set_uint64(k, SPOOL_GROUP, "out_oct", r->out_oct);
	g_key_file_set_uint64(k, SPOOL_GROUP, "in_pkt", r->in_pkt);
	g_key_file_set_uint64(k, SPOOL_GROUP, "out_pkt", r->out_pkt);
	if (r->v6.on) {
		g_key_file_set_uint64(k, SPOOL_GROUP, "in_oct6", r->v6.in_oct);
		g_key_file_set_uint64(k, SPOOL_GROUP, "out_oct6", r->v6.out_oct);
		g_key_file_set_uint64(k, SPOOL_GROUP, "in_pkt6", r->v6.in_pkt);
		g_key_file_set_uint64(k, SPOOL_GROUP, "out_pkt6", r->v6.out_pkt);
	}
	g_key_file_set_uint64(k, SPOOL_GROUP, "session_time", r->session_time);
	g_key_file_set_uint64(k, SPOOL_GROUP, "cause", r->cause);
	g_key_file_set_uint64(k, SPOOL_GROUP, "event_time", r->event_time);
	/* when it was made, wall clock (ms), for Acct-Delay-Time */
	g_key_file_set_uint64(k, SPOOL_GROUP, "created_wall_ms",
			      (uint64_t)g_get_real_time() / 1000 -
				      (vpdn_timers_now(a->tm) - r->created_ms));
	if (r->class_len) {
		char *b = g_base64_encode(r->class_, r->class_len);
		g_key_file_set_string(k, SPOOL_GROUP, "class", b);
		g_free(b);
	}
	if (r->tun) {
		g_key_file_set_string(k, SPOOL_GROUP, "tun_client_ep", r->tun->client_ep);
		g_key_file_set_string(k, SPOOL_GROUP, "tun_server_ep", r->tun->server_ep);
		g_key_file_set_boolean(k, SPOOL_GROUP, "tun_v6", r->tun->v6);
		if (r->tun->client_id)
			g_key_file_set_string(k, SPOOL_GROUP, "tun_client_id", r->tun->client_id);
		if (r->tun->server_id)
			g_key_file_set_string(k, SPOOL_GROUP, "tun_server_id", r->tun->server_id);
		g_key_file_set_string(k, SPOOL_GROUP, "tun_connection", r->tun->connection);
	}
	char *data = g_key_file_to_data(k, &len, NULL);
	g_key_file_free(k);
	snprintf(name, sizeof(name), "%016" PRIX64 ".acct", a->spool_seq++);
	r->spool_path = g_build_filename(a->spool_dir, name, NULL);
	if (!g_file_set_contents_full(r->spool_path, data, (gssize)len,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0600, &err)) {
		(*a->n_spool_errors)++;
		vpdn_warn(a->log, "AUTH-RADIUS: acct-spool: %s of session %s kept in memory "
			  "only: %s", status_name(r->status), r->sid, err->message);
		g_clear_error(&err);
		g_clear_pointer(&r->spool_path, g_free);
	} else {
		(*a->n_spooled)++;
	}
	g_free(data);
}

static char *key_str(GKeyFile *k, const char *key)
{
	return g_key_file_has_key(k, SPOOL_GROUP, key, NULL)
		       ? g_key_file_get_string(k, SPOOL_GROUP, key, NULL) : NULL;
}

static uint64_t key_u64(GKeyFile *k, const char *key)
{
	return g_key_file_get_uint64(k, SPOOL_GROUP, key, NULL);
}

/* One file into a record, or NULL (unreadable: the file is kept aside). */
static struct rec *spool_read(struct acct *a, const char *path)
{
	GKeyFile *k = g_key_file_new();
	struct rec *r = NULL;
	char *s;

	if (!g_key_file_load_from_file(k, path, G_KEY_FILE_NONE, NULL) ||
	    !g_key_file_has_key(k, SPOOL_GROUP, "status", NULL) ||
	    !g_key_file_has_key(k, SPOOL_GROUP, "sid", NULL))
		goto fail;
	r = g_new0(struct rec, 1);
	r->a = a;
	r->node.data = r;
	r->status = (uint32_t)key_u64(k, "status");
	r->sid = key_str(k, "sid");
	r->user = key_str(k, "user");
	r->iface = key_str(k, "iface");
	r->calling = key_str(k, "calling");
	r->called = key_str(k, "called");
	if ((s = key_str(k, "addr")) && inet_pton(AF_INET, s, &r->addr) != 1)
		r->addr.s_addr = 0;
	g_free(s);
	r->in_oct = key_u64(k, "in_oct");
	r->out_oct = key_u64(k, "out_oct");
	r->in_pkt = key_u64(k, "in_pkt");
	r->out_pkt = key_u64(k, "out_pkt");
	r->v6.on = g_key_file_has_key(k, SPOOL_GROUP, "in_oct6", NULL);
	r->v6.in_oct = key_u64(k, "in_oct6");
	r->v6.out_oct = key_u64(k, "out_oct6");
	r->v6.in_pkt = key_u64(k, "in_pkt6");
	r->v6.out_pkt = key_u64(k, "out_pkt6");
	r->session_time = (uint32_t)key_u64(k, "session_time");
	r->cause = (uint32_t)key_u64(k, "cause");
	r->event_time = (uint32_t)key_u64(k, "event_time");
	uint64_t wall = key_u64(k, "created_wall_ms"), now_wall = (uint64_t)g_get_real_time() / 1000;
	uint64_t age = wall && wall <= now_wall ? now_wall - wall : 0, now = vpdn_timers_now(a->tm);
	r->created_ms = age < now ? now - age : 0;
	if ((s = key_str(k, "class"))) {
		gsize n = 0;
		guchar *b = g_base64_decode(s, &n);
		if (n <= sizeof(r->class_)) {
			memcpy(r->class_, b, n);
			r->class_len = n;
		}
		g_free(b);
		g_free(s);
	}
	if (g_key_file_has_key(k, SPOOL_GROUP, "tun_connection", NULL)) {
		r->tun = g_new0(struct acct_tunnel, 1);
#define CP(f, key) if ((s = key_str(k, key))) { g_strlcpy(r->tun->f, s, sizeof(r->tun->f)); g_free(s); }
		CP(client_ep, "tun_client_ep");
		CP(server_ep, "tun_server_ep");
		CP(connection, "tun_connection");
#undef CP
		r->tun->v6 = g_key_file_get_boolean(k, SPOOL_GROUP, "tun_v6", NULL);
		r->tun->client_id = key_str(k, "tun_client_id");
		r->tun->server_id = key_str(k, "tun_server_id");
	}
	r->spool_path = g_strdup(path);
fail:
	g_key_file_free(k);
	return r;
}

static gint cmp_names(gconstpointer x, gconstpointer y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The records a previous run left, queued first, oldest first. */
static void spool_replay(struct acct *a)
{
	GError *err = NULL;
	GDir *d = g_dir_open(a->spool_dir, 0, &err);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	unsigned loaded = 0, bad = 0, dropped = 0;

	if (!d) {
		vpdn_warn(a->log, "AUTH-RADIUS: acct-spool: %s", err->message);
		g_clear_error(&err);
		g_ptr_array_unref(names);
		return;
	}
	while ((n = g_dir_read_name(d)))
		if (strlen(n) == 21 && g_str_has_suffix(n, ".acct"))
			g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	for (unsigned i = 0; i < names->len; i++) {
		char *path = g_build_filename(a->spool_dir, names->pdata[i], NULL);
		uint64_t seq = g_ascii_strtoull(names->pdata[i], NULL, 16);
		struct rec *r;

		if (seq >= a->spool_seq)
			a->spool_seq = seq + 1;
		if (a->q.length >= a->queue_max) {
			/* the bound holds across restarts: the newest go */
			dropped++;
			a->dropped++;
			(*a->n_dropped)++;
			(void)g_unlink(path);
		} else if (!(r = spool_read(a, path))) {
			/* kept for a human, out of the replay */
			char *aside = g_strconcat(path, ".bad", NULL);
			bad++;
			(void)g_rename(path, aside);
			g_free(aside);
		} else {
			g_queue_push_tail_link(&a->q, &r->node);
			(*a->n_records)++;
			loaded++;
		}
		g_free(path);
	}
	g_ptr_array_unref(names);
	if (loaded || bad || dropped)
		vpdn_notice(a->log, "AUTH-RADIUS: acct-spool %s: %u records from the previous run "
			    "queued, %u unreadable (renamed .bad), %u dropped (acct-queue full)",
			    a->spool_dir, loaded, bad, dropped);
}

int acct_set_spool(struct acct *a, const char *dir)
{
	if (!dir || !*dir) {
		g_clear_pointer(&a->spool_dir, g_free);
		return 0;
	}
	if (a->spool_dir && !strcmp(a->spool_dir, dir))
		return 0;
	if (g_mkdir_with_parents(dir, 0700) < 0) {
		int e = errno;
		vpdn_err(a->log, "AUTH-RADIUS: acct-spool %s: %s", dir, g_strerror(e));
		return -e;
	}
	g_free(a->spool_dir);
	a->spool_dir = g_strdup(dir);
	spool_replay(a);
	/* records queued before (a reload that adds the spool) go there too */
	for (GList *l = a->q.head; l; l = l->next) {
		struct rec *r = l->data;
		if (!r->spool_path)
			spool_write(a, r);
	}
	pump(a);
	return 0;
}

static int add_vsa_u32(struct radius_pkt *p, uint32_t vendor, uint8_t vtype, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return radius_add_vsa(p, vendor, vtype, b, sizeof(b));
}

int acct_add_v6(struct radius_pkt *p, const struct acct_v6 *c)
{
	int e = 0;

	if (!c->on)
		return 0;
	e |= add_vsa_u32(p, ACCT_VENDOR_ERX, ACCT_ERX_IPV6_INPUT_OCTETS, (uint32_t)c->in_oct);
	e |= add_vsa_u32(p, ACCT_VENDOR_ERX, ACCT_ERX_IPV6_OUTPUT_OCTETS, (uint32_t)c->out_oct);
	e |= add_vsa_u32(p, ACCT_VENDOR_ERX, ACCT_ERX_IPV6_INPUT_PACKETS, (uint32_t)c->in_pkt);
	e |= add_vsa_u32(p, ACCT_VENDOR_ERX, ACCT_ERX_IPV6_OUTPUT_PACKETS, (uint32_t)c->out_pkt);
	e |= add_vsa_u32(p, ACCT_VENDOR_ERX, ACCT_ERX_IPV6_INPUT_GIGAWORDS,
				(uint32_t)(c->in_oct >> 32));
	e |= add_vsa_u32(p, ACCT_VENDOR_ERX, ACCT_ERX_IPV6_OUTPUT_GIGAWORDS,
				(uint32_t)(c->out_oct >> 32));
	return e;
}

static int build_acct(struct radius_pkt *p, const uint8_t *secret, size_t slen, uint32_t age,
		      void *data)
{
	struct rec *r = data;
	struct acct *a = r->a;
	uint64_t delay = (vpdn_timers_now(a->tm) - r->created_ms) / 1000;
	int e = 0;

	e |= radius_add_u32(p, RADIUS_ACCT_STATUS_TYPE, r->status);
	e |= radius_add_str(p, RADIUS_ACCT_SESSION_ID, r->sid);
	if (r->user && *r->user)
		e |= radius_add(p, RADIUS_USER_NAME, r->user, MIN(strlen(r->user), 253));
	e |= radius_add_u32(p, RADIUS_ACCT_AUTHENTIC, 1);   /* RADIUS */
	e |= radius_add_u32(p, RADIUS_SERVICE_TYPE, 2);
	e |= radius_add_u32(p, RADIUS_FRAMED_PROTOCOL, 1);
	e |= auth_radius_add_nas(p, a->nas_id, a->nas_ip, r->iface);
	if (r->addr.s_addr)
		e |= radius_add_ipv4(p, RADIUS_FRAMED_IP_ADDRESS, r->addr.s_addr);
	if (r->calling && *r->calling)
		e |= radius_add(p, RADIUS_CALLING_STATION_ID, r->calling, MIN(strlen(r->calling), 253));
	if (r->called && *r->called)
		e |= radius_add(p, RADIUS_CALLED_STATION_ID, r->called, MIN(strlen(r->called), 253));
	if (r->class_len)
		e |= radius_add(p, RADIUS_CLASS, r->class_, r->class_len);
	e |= radius_add_u32(p, RADIUS_EVENT_TIMESTAMP, r->event_time);
	e |= radius_add_u32(p, RADIUS_ACCT_DELAY_TIME, (uint32_t)delay);
	if (r->status == RADIUS_ACCT_STOP || r->status == RADIUS_ACCT_INTERIM ||
	    r->status == RADIUS_ACCT_TUNNEL_STOP || r->status == RADIUS_ACCT_TUNNEL_LINK_STOP) {
		e |= radius_add_u32(p, RADIUS_ACCT_SESSION_TIME, r->session_time);
		e |= radius_add_u32(p, RADIUS_ACCT_INPUT_OCTETS, (uint32_t)r->in_oct);
		e |= radius_add_u32(p, RADIUS_ACCT_OUTPUT_OCTETS, (uint32_t)r->out_oct);
		e |= radius_add_u32(p, RADIUS_ACCT_INPUT_GIGAWORDS, (uint32_t)(r->in_oct >> 32));
		e |= radius_add_u32(p, RADIUS_ACCT_OUTPUT_GIGAWORDS, (uint32_t)(r->out_oct >> 32));
		e |= radius_add_u32(p, RADIUS_ACCT_INPUT_PACKETS, (uint32_t)r->in_pkt);
		e |= radius_add_u32(p, RADIUS_ACCT_OUTPUT_PACKETS, (uint32_t)r->out_pkt);
		if (r->status == RADIUS_ACCT_STOP || r->status == RADIUS_ACCT_INTERIM)
			e |= acct_add_v6(p, &r->v6);
	}
	/* RFC 2867 §4.1: a Reject MAY say why */
	if (r->status == RADIUS_ACCT_STOP || r->status == RADIUS_ACCT_TUNNEL_LINK_STOP ||
	    r->status == RADIUS_ACCT_TUNNEL_REJECT || r->status == RADIUS_ACCT_TUNNEL_LINK_REJECT)
		e |= radius_add_u32(p, RADIUS_ACCT_TERMINATE_CAUSE, r->cause);
	if (r->tun)
		e |= acct_tunnel_add(p, r->tun);
	return e ? -EMSGSIZE : 0;
}

static void acct_done(int status, const struct radius_view *v, void *data)
{
	struct rec *r = data;
	struct acct *a = r->a;

	r->rr = NULL;
	a->in_flight--;
	g_queue_unlink(&a->q, &r->node);
	spool_unlink(a, r);
	if (status == 0) {
		(*a->n_acked)++;
		vpdn_debug(a->log, VPDN_DEBUG_PPP_AUTHENTICATION,
			   "AUTH-RADIUS: accounting %s of session %s acknowledged",
			   status_name(r->status), r->sid);
	} else {
		a->dropped++;
		(*a->n_dropped)++;
		vpdn_warn(a->log, "AUTH-RADIUS: accounting %s of session %s lost: %s",
			  status_name(r->status), r->sid, g_strerror(-status));
	}
	rec_free(r);
	pump(a);
}

static void pump(struct acct *a)
{
	if (!a->client)
		return;
	for (GList *l = a->q.head; l && a->in_flight < ACCT_WINDOW; l = l->next) {
		struct rec *r = l->data;
		int err = 0;

		if (r->rr)
			continue;
		r->rr = radius_client_submit(a->client, RADIUS_SVC_ACCT, RADIUS_ACCOUNTING_REQUEST,
					     build_acct, acct_done, r, &err);
		if (!r->rr)
			break;
		a->in_flight++;
	}
}

static void counters_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct asess *s = data;
	const struct vpdn_ev_interface_counters_reply *c = reply;

	if (status < 0 || !c || c->size < offsetof(struct vpdn_ev_interface_counters_reply, ipv6) +
					  sizeof(c->ipv6))
		return;
	s->v6.on = s->v6.on || c->ipv6 || c->in_packets6 || c->out_packets6;
	s->v6.in_oct = c->in_octets6;
	s->v6.out_oct = c->out_octets6;
	s->v6.in_pkt = c->in_packets6;
	s->v6.out_pkt = c->out_packets6;
}

/* The IPv6 counters of s's interface into s->v6, while the ip module
 * still has it (else s->v6 keeps the last answer). */
static void ask_counters(struct acct *a, struct asess *s)
{
	struct vpdn_ev_interface_counters q = { .size = sizeof(q), .interface = s->iface,
						.net = s->net };

	if (s->down)
		return;
	(void)vpdn_bus_ask(vpdn_core_bus(a->core), VPDN_EV_INTERFACE_COUNTERS, &q, counters_done, s);
}

static void queue_record(struct acct *a, struct asess *s, uint32_t status)
{
	struct rec *r;
	char ibuf[64];

	if (a->q.length >= a->queue_max) {
		a->dropped++;
		(*a->n_dropped)++;
		vpdn_warn(a->log, "%s AUTH-RADIUS: accounting queue full (%u records): %s of "
			  "session %s dropped",
			  vpdn_log_printable(ibuf, sizeof(ibuf), s->iface, strlen(s->iface), 0),
			  a->q.length, status_name(status), s->sid);
		return;
	}
	r = g_new0(struct rec, 1);
	r->a = a;
	r->node.data = r;
	r->status = status;
	r->sid = g_strdup(s->sid);
	r->user = g_strdup(s->user);
	r->iface = g_strdup(s->iface);
	struct line *ln = g_hash_table_lookup(a->lines, s->iface);
	if (ln) {
		r->calling = g_strdup(ln->calling);
		r->called = g_strdup(ln->called);
	}
	r->addr = s->addr;
	r->created_ms = vpdn_timers_now(a->tm);
	r->event_time = (uint32_t)vpdn_timers_wall(a->tm);
	r->session_time = (uint32_t)((r->created_ms - s->start_ms) / 1000);
	if (s->net) {
		const struct vpdn_link_stats *in = vpdn_link_stats(s->net, VPDN_LINK_B);
		const struct vpdn_link_stats *out = vpdn_link_stats(s->net, VPDN_LINK_A);
		if (in) {
			r->in_oct = in->bytes;
			r->in_pkt = in->frames;
		}
		if (out) {
			r->out_oct = out->bytes;
			r->out_pkt = out->frames;
		}
	}
	if (status != RADIUS_ACCT_START)   /* only Interim and Stop carry counters */
		ask_counters(a, s);
	r->v6 = s->v6;
	r->in_oct += s->base[0];
	r->in_pkt += s->base[1];
	r->out_oct += s->base[2];
	r->out_pkt += s->base[3];
	r->v6.on |= s->v6_base.on;
	r->v6.in_oct += s->v6_base.in_oct;
	r->v6.in_pkt += s->v6_base.in_pkt;
	r->v6.out_oct += s->v6_base.out_oct;
	r->v6.out_pkt += s->v6_base.out_pkt;
	r->cause = s->cause ? s->cause : RADIUS_TERM_LOST_CARRIER;
	memcpy(r->class_, s->z.class_, s->z.class_len);
	r->class_len = s->z.class_len;
	spool_write(a, r);
	g_queue_push_tail_link(&a->q, &r->node);
	(*a->n_records)++;
	pump(a);
}

void acct_queue_extra(struct acct *a, const struct acct_extra *x)
{
	struct rec *r;

	if (!a->on)
		return;
	if (a->q.length >= a->queue_max) {
		a->dropped++;
		(*a->n_dropped)++;
		vpdn_warn(a->log, "AUTH-RADIUS: accounting queue full (%u records): %s of "
			  "session %s dropped", a->q.length, status_name(x->status), x->sid);
		return;
	}
	r = g_new0(struct rec, 1);
	r->a = a;
	r->node.data = r;
	r->status = x->status;
	r->sid = g_strdup(x->sid);
	r->user = g_strdup(x->user);
	r->iface = g_strdup(x->iface);
	r->calling = g_strdup(x->calling);
	r->called = g_strdup(x->called);
	r->created_ms = vpdn_timers_now(a->tm);
	r->event_time = (uint32_t)vpdn_timers_wall(a->tm);
	r->session_time = x->start_ms ? (uint32_t)((r->created_ms - x->start_ms) / 1000) : 0;
	r->in_oct = x->in_oct;
	r->out_oct = x->out_oct;
	r->in_pkt = x->in_pkt;
	r->out_pkt = x->out_pkt;
	r->cause = x->cause ? x->cause : RADIUS_TERM_LOST_CARRIER;
	r->tun = x->tun ? acct_tunnel_dup(x->tun) : NULL;
	spool_write(a, r);
	g_queue_push_tail_link(&a->q, &r->node);
	(*a->n_records)++;
	pump(a);
}

/* "%s%08X" of the prefix and the next number, without printf (once per
 * set-up: 1 500 instructions by g_strdup_printf). */
void acct_make_sid(struct acct *a, char *buf, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	char t[sizeof(a->sid_prefix) + 9];
	size_t n = strnlen(a->sid_prefix, sizeof(a->sid_prefix) - 1);
	uint32_t v = ++a->sid_next;

	memcpy(t, a->sid_prefix, n);
	for (int i = 7; i >= 0; i--, v >>= 4)
		t[n + (size_t)i] = hex[v & 15];
	t[n + 8] = 0;
	g_strlcpy(buf, t, size);
}

bool acct_enabled(const struct acct *a)
{
	return a->on;
}

/* ---- sessions ---- */

static void sess_free(gpointer p)
{
	struct asess *s = p;
	struct acct *a = s->a;

	vpdn_timer_cancel(a->tm, &s->interim);
	vpdn_timer_cancel(a->tm, &s->session_to);
	vpdn_timer_cancel(a->tm, &s->idle);
	vpdn_timer_cancel(a->tm, &s->stop);
	if (s->net)
		vpdn_link_unref(s->net);
	g_free(s->iface);
	g_free(s->user);
	g_free(s->sid);
	g_free(s);
}

static uint32_t interim_of(struct acct *a, struct asess *s)
{
	uint32_t v = s->z.interim_interval ? s->z.interim_interval : a->interim_s;

	return v && v < INTERIM_MIN_S ? INTERIM_MIN_S : v;
}

static void on_interim(struct vpdn_timer *t, void *data)
{
	struct asess *s = data;

	queue_record(s->a, s, RADIUS_ACCT_INTERIM);
	vpdn_timer_arm(s->a->tm, &s->interim, (uint64_t)interim_of(s->a, s) * 1000);
}

static bool restored_take(struct acct *a, const struct vpdn_ev_ppp_network *n);

static void cut(struct asess *s, uint32_t cause, const char *what)
{
	char ibuf[64];

	if (s->down || !s->net)
		return;
	s->cause = cause;
	vpdn_info(s->a->log, "%s AUTH-RADIUS: %s expired, ending the session",
		  vpdn_log_printable(ibuf, sizeof(ibuf), s->iface, strlen(s->iface), 0), what);
	/* as the IP side: PPP closes the network and the session */
	vpdn_link_hangup(s->net, VPDN_LINK_B, -ETIME);
}

static void on_session_timeout(struct vpdn_timer *t, void *data)
{
	cut(data, RADIUS_TERM_SESSION_TIMEOUT, "Session-Timeout");
}

static uint64_t traffic(struct asess *s)
{
	const struct vpdn_link_stats *x = vpdn_link_stats(s->net, VPDN_LINK_A);
	const struct vpdn_link_stats *y = vpdn_link_stats(s->net, VPDN_LINK_B);

	return (x ? x->frames : 0) + (y ? y->frames : 0);
}

static void on_idle(struct vpdn_timer *t, void *data)
{
	struct asess *s = data;
	uint64_t now = traffic(s);

	if (now == s->idle_bytes) {
		cut(s, RADIUS_TERM_IDLE_TIMEOUT, "Idle-Timeout");
		return;
	}
	s->idle_bytes = now;
	vpdn_timer_arm(s->a->tm, &s->idle, (uint64_t)s->z.idle_timeout * 1000);
}

static void on_stop(struct vpdn_timer *t, void *data)
{
	struct asess *s = data;
	struct acct *a = s->a;
	struct line *ln;

	if (a->on)
		queue_record(a, s, RADIUS_ACCT_STOP);
	/* the line stayed for this Stop; it goes with its L2TP session */
	ln = g_hash_table_lookup(a->lines, s->iface);
	if (ln && ln->down)
		g_hash_table_remove(a->lines, s->iface);
	g_hash_table_remove(a->sessions, s->iface);
}

static enum vpdn_bus_verdict on_network_up(const struct vpdn_event *ev, void *data)
{
	struct acct *a = data;
	const struct vpdn_ev_ppp_network *n = ev->payload;
	struct pending_authz *pz;
	struct asess *s;
	char sid[40];

	if (!n || !n->interface || n->size < offsetof(struct vpdn_ev_ppp_network, peer) + sizeof(n->peer))
		return VPDN_BUS_PASS;
	if (restored_take(a, n))
		return VPDN_BUS_PASS;
	pz = g_hash_table_lookup(a->authz, n->interface);
	/* accounted: sessions RADIUS authorized (others belong to auth-local) */
	if (!pz || !n->user || strcmp(pz->user, n->user) != 0)
		return VPDN_BUS_PASS;
	s = g_new0(struct asess, 1);
	s->a = a;
	s->iface = g_strdup(n->interface);
	s->user = g_strdup(n->user);
	acct_make_sid(a, sid, sizeof(sid));
	s->sid = g_strdup(sid);
	s->addr = n->peer;
	s->net = n->net ? vpdn_link_ref(n->net) : NULL;
	if (s->net)
		vpdn_link_count(s->net);        /* Acct-Input/Output-Octets, idle */
	s->start_ms = vpdn_timers_now(a->tm);
	s->z = pz->z;
	g_hash_table_remove(a->authz, n->interface);
	vpdn_timer_init(&s->interim, on_interim, s);
	vpdn_timer_init(&s->session_to, on_session_timeout, s);
	vpdn_timer_init(&s->idle, on_idle, s);
	vpdn_timer_init(&s->stop, on_stop, s);
	/* a stale session on the same interface (missed down) ends first */
	struct asess *old = g_hash_table_lookup(a->sessions, s->iface);
	if (old)
		on_stop(&old->stop, old);
	g_hash_table_insert(a->sessions, s->iface, s);
	if (a->on) {
		queue_record(a, s, RADIUS_ACCT_START);
		if (interim_of(a, s))
			vpdn_timer_arm(a->tm, &s->interim, (uint64_t)interim_of(a, s) * 1000);
	}
	if (s->z.session_timeout && s->net)
		vpdn_timer_arm(a->tm, &s->session_to, (uint64_t)s->z.session_timeout * 1000);
	if (s->z.idle_timeout && s->net)
		vpdn_timer_arm(a->tm, &s->idle, (uint64_t)s->z.idle_timeout * 1000);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_network_down(const struct vpdn_event *ev, void *data)
{
	struct acct *a = data;
	const struct vpdn_ev_ppp_network *n = ev->payload;
	struct asess *s;

	if (!n || !n->interface || !(s = g_hash_table_lookup(a->sessions, n->interface)))
		return VPDN_BUS_PASS;
	if (s->down)
		return VPDN_BUS_PASS;
	ask_counters(a, s);   /* before the ip module lets the interface go */
	s->down = true;
	vpdn_timer_cancel(a->tm, &s->interim);
	vpdn_timer_cancel(a->tm, &s->session_to);
	vpdn_timer_cancel(a->tm, &s->idle);
	/* the rest of the tear-down (PPP_DOWN, SESSION_DOWN) names the cause */
	vpdn_timer_arm(a->tm, &s->stop, 0);
	return VPDN_BUS_PASS;
}

/* IPv6CP closing: the last IPv6 counters, before the ip module drops
 * the session's IPv6 (or, IPv6 alone, the interface). */
static enum vpdn_bus_verdict on_ipv6_down(const struct vpdn_event *ev, void *data)
{
	struct acct *a = data;
	const struct vpdn_ev_ppp_ipv6 *n = ev->payload;
	struct asess *s;

	if (n && n->interface && (s = g_hash_table_lookup(a->sessions, n->interface)))
		ask_counters(a, s);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	struct acct *a = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct asess *s;

	if (!p || !p->interface)
		return VPDN_BUS_PASS;
	/* an Accept whose network never came up */
	g_hash_table_remove(a->authz, p->interface);
	if (!(s = g_hash_table_lookup(a->sessions, p->interface)))
		return VPDN_BUS_PASS;
	if (!s->cause && p->size >= offsetof(struct vpdn_ev_ppp, disconnect_direction) +
				    sizeof(p->disconnect_direction) && p->disconnect_known) {
		switch (p->disconnect_code) {
		case VPDN_PPP_DISC_ADMIN:
			s->cause = RADIUS_TERM_ADMIN_RESET;
			break;
		case VPDN_PPP_DISC_NORMAL:
			s->cause = p->disconnect_direction == VPDN_PPP_DISC_AT_LOCAL
					   ? RADIUS_TERM_NAS_REQUEST : RADIUS_TERM_USER_REQUEST;
			break;
		case VPDN_PPP_DISC_LCP_ECHO_TIMEOUT:
		case VPDN_PPP_DISC_LCP_NO_PACKETS:
			s->cause = RADIUS_TERM_LOST_CARRIER;
			break;
		default:
			s->cause = RADIUS_TERM_NAS_ERROR;
			break;
		}
	}
	if (!s->down)
		on_network_down(&(struct vpdn_event){ .type = VPDN_EV_PPP_NETWORK_DOWN,
			.payload = &(struct vpdn_ev_ppp_network){ .size = sizeof(struct vpdn_ev_ppp_network),
								 .interface = p->interface } }, a);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_session(const struct vpdn_event *ev, void *data)
{
	struct acct *a = data;
	const struct vpdn_ev_session *se = ev->payload;

	if (!se || !se->interface || se->size < offsetof(struct vpdn_ev_session, cause) + sizeof(se->cause))
		return VPDN_BUS_PASS;
	if (ev->type == VPDN_EV_SESSION_UP) {
		/* the numbers are for records only: none with accounting
		 * off (a reload that turns it on finds earlier sessions'
		 * Stops without them) */
		if (!a->on)
			return VPDN_BUS_PASS;
		struct line *ln = g_new0(struct line, 1);
		ln->calling = g_strdup(se->calling);
		ln->called = g_strdup(se->called);
		g_hash_table_replace(a->lines, g_strdup(se->interface), ln);
		return VPDN_BUS_PASS;
	}
	struct asess *s = g_hash_table_lookup(a->sessions, se->interface);
	if (s && !s->cause) {
		/* RFC 2661 CDN result 1: loss of carrier, 3: administrative */
		s->cause = se->result == 3 ? RADIUS_TERM_ADMIN_RESET
			 : se->result == 1 ? RADIUS_TERM_LOST_CARRIER : RADIUS_TERM_LOST_SERVICE;
	}
	/* the line goes when the Stop has been built (it names the numbers) */
	if (!s) {
		g_hash_table_remove(a->lines, se->interface);
	} else {
		struct line *ln = g_hash_table_lookup(a->lines, se->interface);
		if (ln)
			ln->down = true;
	}
	return VPDN_BUS_PASS;
}

static void line_free(gpointer p)
{
	struct line *l = p;

	g_free(l->calling);
	g_free(l->called);
	g_free(l);
}

static void pz_free(gpointer p)
{
	struct pending_authz *pz = p;

	g_free(pz->user);
	g_free(pz);
}

struct acct *acct_new(struct vpdn_core *core)
{
	struct acct *a = g_new0(struct acct, 1);
	struct vpdn_bus *bus = vpdn_core_bus(core);
	uint8_t rnd[2] = {0, 0};

	a->core = core;
	a->tm = vpdn_core_timers(core);
	a->log = vpdn_core_log(core);
	a->queue_max = 10000;
	g_queue_init(&a->q);
	a->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, sess_free);
	a->authz = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pz_free);
	a->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, line_free);
	/* unique across restarts: start time in seconds and 16 random bits */
	(void)vpdn_random_bytes(rnd, sizeof(rnd));
	snprintf(a->sid_prefix, sizeof(a->sid_prefix), "%08X%02X%02X",
		 (uint32_t)vpdn_timers_wall(a->tm), rnd[0], rnd[1]);
	a->n_records = vpdn_core_counter(core, "radius_acct_records_total",
					 "Accounting records queued");
	a->n_acked = vpdn_core_counter(core, "radius_acct_acked_total",
				       "Accounting records a server acknowledged");
	a->n_dropped = vpdn_core_counter(core, "radius_acct_dropped_total",
					 "Accounting records dropped: queue full");
	a->n_spooled = vpdn_core_counter(core, "radius_acct_spooled_total",
					 "Accounting records written to acct-spool");
	a->n_spool_errors = vpdn_core_counter(core, "radius_acct_spool_errors_total",
					      "Accounting records acct-spool could not write");
	a->subs[0] = vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_UP, on_network_up, a);
	/* before the ip module's (priority 0): its counters are still there */
	a->subs[1] = vpdn_bus_subscribe_prio(bus, VPDN_EV_PPP_NETWORK_DOWN, -1, on_network_down, a);
	a->subs[2] = vpdn_bus_subscribe(bus, VPDN_EV_PPP_DOWN, on_ppp_down, a);
	a->subs[3] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, on_session, a);
	a->subs[4] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_DOWN, on_session, a);
	a->subs[5] = vpdn_bus_subscribe_prio(bus, VPDN_EV_PPP_IPV6_DOWN, -1, on_ipv6_down, a);
	for (int i = 0; i < 6; i++)
		if (!a->subs[i]) {
			acct_free(a);
			return NULL;
		}
	if (!a->n_records || !a->n_acked || !a->n_dropped) {
		acct_free(a);
		return NULL;
	}
	return a;
}

void acct_free(struct acct *a)
{
	if (!a)
		return;
	for (int i = 0; i < 6; i++)
		if (a->subs[i])
			vpdn_bus_unsubscribe(vpdn_core_bus(a->core), a->subs[i]);
	acct_set_client(a, NULL);
	if (a->q.length)
		vpdn_warn(a->log, "AUTH-RADIUS: %u accounting records undelivered at stop%s%s",
			  a->q.length, a->spool_dir ? ", kept in " : " (lost: no acct-spool)",
			  a->spool_dir ? a->spool_dir : "");
	while (a->q.head) {
		struct rec *r = a->q.head->data;
		g_queue_unlink(&a->q, &r->node);
		rec_free(r);
	}
	acct_restored_free(a);
	g_hash_table_destroy(a->sessions);
	g_hash_table_destroy(a->authz);
	g_hash_table_destroy(a->lines);
	g_free(a->nas_id);
	g_free(a->spool_dir);
	g_free(a);
}

void acct_configure(struct acct *a, bool on, uint32_t interim_s, const char *nas_id,
		    struct in_addr nas_ip, unsigned queue_max)
{
	a->on = on;
	a->interim_s = interim_s;
	g_free(a->nas_id);
	a->nas_id = g_strdup(nas_id);
	a->nas_ip = nas_ip;
	a->queue_max = queue_max ? queue_max : 1;
}

void acct_set_client(struct acct *a, struct radius_client *c)
{
	for (GList *l = a->q.head; l; l = l->next) {
		struct rec *r = l->data;
		if (r->rr) {
			radius_req_cancel(r->rr);
			r->rr = NULL;
			a->in_flight--;
		}
	}
	a->client = c;
	pump(a);
}

void acct_authorized(struct acct *a, const char *iface, const char *user,
		     const struct radius_authz *z)
{
	struct pending_authz *pz;

	if (!iface || !user)
		return;
	pz = g_new(struct pending_authz, 1);
	pz->user = g_strdup(user);
	pz->z.session_timeout = z->session_timeout;
	pz->z.idle_timeout = z->idle_timeout;
	pz->z.interim_interval = z->interim_interval;
	pz->z.class_len = MIN(z->class_len, sizeof(pz->z.class_));
	memcpy(pz->z.class_, z->class_, pz->z.class_len);
	g_hash_table_replace(a->authz, g_strdup(iface), pz);
}

uint64_t acct_dropped(const struct acct *a)
{
	return a->dropped;
}

unsigned acct_queued(const struct acct *a)
{
	return a->q.length;
}

unsigned acct_sessions(const struct acct *a)
{
	return g_hash_table_size(a->sessions);
}

unsigned acct_pending(const struct acct *a)
{
	return g_hash_table_size(a->authz) + g_hash_table_size(a->lines);
}

/* ---- dynamic authorization (dae.c) ---- */

static bool matches(const struct asess *s, const struct acct_match *m)
{
	if (m->sid && strcmp(m->sid, s->sid) != 0)
		return false;
	if (m->user && (!s->user || strcmp(m->user, s->user) != 0))
		return false;
	if (m->addr.s_addr && m->addr.s_addr != s->addr.s_addr)
		return false;
	if (m->port_id && strcmp(m->port_id, s->iface) != 0)
		return false;
	return !s->down;
}

/* The live sessions m names (at most max), into out. */
static unsigned find(struct acct *a, const struct acct_match *m, struct asess **out, unsigned max)
{
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	if (!m->sid && !m->user && !m->addr.s_addr && !m->port_id)
		return 0;
	g_hash_table_iter_init(&it, a->sessions);
	while (g_hash_table_iter_next(&it, NULL, &v) && n < max)
		if (matches(v, m))
			out[n++] = v;
	return n;
}

#define DAE_MAX_MATCH 64

int acct_disconnect(struct acct *a, const struct acct_match *m)
{
	struct asess *hit[DAE_MAX_MATCH];
	unsigned n = find(a, m, hit, DAE_MAX_MATCH);

	/* cut() publishes (PPP closes): each session is looked up first */
	for (unsigned i = 0; i < n; i++)
		cut(hit[i], RADIUS_TERM_ADMIN_RESET, "Disconnect-Request");
	return (int)n;
}

int acct_coa(struct acct *a, const struct acct_match *m, bool has_session, uint32_t session_s,
	     bool has_idle, uint32_t idle_s)
{
	struct asess *hit[DAE_MAX_MATCH];
	unsigned n = find(a, m, hit, DAE_MAX_MATCH);
	char ibuf[64];

	for (unsigned i = 0; i < n; i++) {
		struct asess *s = hit[i];
		uint64_t now = vpdn_timers_now(a->tm);
		uint64_t elapsed = now - s->start_ms;

		char st[32] = "", it[32] = "";
		if (has_session)
			snprintf(st, sizeof(st), " Session-Timeout %u", session_s);
		if (has_idle)
			snprintf(it, sizeof(it), " Idle-Timeout %u", idle_s);
		vpdn_info(a->log, "%s AUTH-RADIUS: CoA-Request:%s%s",
			  vpdn_log_printable(ibuf, sizeof(ibuf), s->iface, strlen(s->iface), 0),
			  st, it);
		if (has_idle) {
			s->z.idle_timeout = idle_s;
			vpdn_timer_cancel(a->tm, &s->idle);
			if (idle_s && s->net) {
				s->idle_bytes = traffic(s);
				vpdn_timer_arm(a->tm, &s->idle, (uint64_t)idle_s * 1000);
			}
		}
		if (has_session) {
			/* the session's whole life, counted from its start */
			s->z.session_timeout = session_s;
			vpdn_timer_cancel(a->tm, &s->session_to);
			if (session_s && s->net)
				vpdn_timer_arm(a->tm, &s->session_to,
					       (uint64_t)session_s * 1000 > elapsed
						       ? (uint64_t)session_s * 1000 - elapsed : 0);
		}
	}
	return (int)n;
}

const char *acct_nas_id(const struct acct *a)
{
	return a->nas_id;
}

struct in_addr acct_nas_ip(const struct acct *a)
{
	return a->nas_ip;
}

/* ---- restart in place (docs/RESTART.md) ----
 *
 * save(): per accounted session its interface, user, Acct-Session-Id,
 * address, the time it has run (ms), the authorization that drives its
 * records and timers (Session-Timeout, Idle-Timeout, Acct-Interim-
 * Interval, Class), the time left to its next Interim-Update, its L2TP
 * line (calling/called) and its counters so far (the network link of the
 * new process counts from 0: they are added). Queued records are not in
 * the state: with acct-spool they are files the next start replays (one
 * in flight is sent again, same Acct-Session-Id); without, they are lost
 * (logged). restore(): the sessions wait, by interface, for ppp's restore
 * to republish PPP_NETWORK_UP (auth-radius comes before ppp in the
 * modules list, as in every shipped config): the session is taken back
 * with its Acct-Session-Id and start, no Start is sent, its timers
 * resume. One ppp did not bring back gets its Stop (Lost-Carrier) on the
 * first main-loop turn. */

#define ACCT_STATE_TYPE "a(sssuttuuuaytssa{st})"

struct restored {
	struct acct *a;
	GHashTable *sess;      /* iface -> struct asess (no net, timers off) */
	GHashTable *left;      /* iface -> interim ms left (GUINT_TO_POINTER+1) */
	struct vpdn_timer sweep;
};

static void restored_sweep(struct vpdn_timer *t, void *data);

GVariant *acct_save(struct acct *a, GVariant *lac)
{
	GVariantBuilder b;
	GHashTableIter it;
	gpointer v;
	uint64_t now = vpdn_timers_now(a->tm), wall_ms = (uint64_t)(g_get_real_time() / 1000);
	unsigned n = 0;

	g_variant_builder_init(&b, G_VARIANT_TYPE("(tu" ACCT_STATE_TYPE ACCT_LAC_STATE_TYPE ")"));
	g_variant_builder_add(&b, "t", wall_ms);
	g_variant_builder_add(&b, "u", a->sid_next);
	g_variant_builder_open(&b, G_VARIANT_TYPE(ACCT_STATE_TYPE));
	g_hash_table_iter_init(&it, a->sessions);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct asess *s = v;
		struct line *ln = g_hash_table_lookup(a->lines, s->iface);
		GVariantBuilder c;
		uint64_t left = vpdn_timer_armed(&s->interim) ? vpdn_timer_remaining(a->tm, &s->interim) : 0;

		if (s->down)
			continue;       /* its Stop is queued next turn: not ours to keep */
		g_variant_builder_init(&c, G_VARIANT_TYPE("a{st}"));
		if (s->net) {
			const struct vpdn_link_stats *in = vpdn_link_stats(s->net, VPDN_LINK_B);
			const struct vpdn_link_stats *out = vpdn_link_stats(s->net, VPDN_LINK_A);

			g_variant_builder_add(&c, "{st}", "in_oct", s->base[0] + (in ? in->bytes : 0));
			g_variant_builder_add(&c, "{st}", "in_pkt", s->base[1] + (in ? in->frames : 0));
			g_variant_builder_add(&c, "{st}", "out_oct", s->base[2] + (out ? out->bytes : 0));
			g_variant_builder_add(&c, "{st}", "out_pkt", s->base[3] + (out ? out->frames : 0));
		}
		ask_counters(a, s);   /* the ip module's IPv6 counters, still up */
		if (s->v6.on || s->v6_base.on) {
			g_variant_builder_add(&c, "{st}", "v6_in_oct", s->v6_base.in_oct + s->v6.in_oct);
			g_variant_builder_add(&c, "{st}", "v6_in_pkt", s->v6_base.in_pkt + s->v6.in_pkt);
			g_variant_builder_add(&c, "{st}", "v6_out_oct", s->v6_base.out_oct + s->v6.out_oct);
			g_variant_builder_add(&c, "{st}", "v6_out_pkt", s->v6_base.out_pkt + s->v6.out_pkt);
		}
		g_variant_builder_add(&b, "(sssuttuuu@aytss@a{st})", s->iface, s->user, s->sid,
				      (guint32)s->addr.s_addr, now - s->start_ms, left,
				      s->z.session_timeout, s->z.idle_timeout, s->z.interim_interval,
				      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, s->z.class_,
								s->z.class_len, 1),
				      (guint64)s->idle_bytes,
				      ln && ln->calling ? ln->calling : "", ln && ln->called ? ln->called : "",
				      g_variant_builder_end(&c));
		n++;
	}
	g_variant_builder_close(&b);
	if (!lac)
		lac = g_variant_new("(t@a" ACCT_LAC_SESS_T "@a" ACCT_LAC_TUNNEL_T ")", (guint64)0,
				    g_variant_new_array(G_VARIANT_TYPE(ACCT_LAC_SESS_T), NULL, 0),
				    g_variant_new_array(G_VARIANT_TYPE(ACCT_LAC_TUNNEL_T), NULL, 0));
	g_variant_builder_add_value(&b, lac);
	if (a->q.length)
		vpdn_notice(a->log, "AUTH-RADIUS: restart: %u accounting record%s queued %s", a->q.length,
			    a->q.length == 1 ? "" : "s",
			    a->spool_dir ? "stay in acct-spool for the next process"
					 : "are lost (no acct-spool)");
	vpdn_info(a->log, "AUTH-RADIUS: restart: %u accounted session%s saved", n, n == 1 ? "" : "s");
	return g_variant_builder_end(&b);
}

int acct_restore(struct acct *a, GVariant *data, GVariant **lac)
{
	GVariantIter *it = NULL;
	guint64 wall_ms, ran, left, idle;
	guint32 sid_next, addr, sto, ito, interim;
	const char *iface, *user, *sid, *calling, *called;
	GVariant *cls, *ctr;
	uint64_t now = vpdn_timers_now(a->tm), down_ms;
	struct restored *rs;
	unsigned n = 0;

	*lac = NULL;
	if (!g_variant_is_of_type(data, G_VARIANT_TYPE("(tu" ACCT_STATE_TYPE ACCT_LAC_STATE_TYPE ")")))
		return -EPROTO;
	g_variant_get(data, "(tu" ACCT_STATE_TYPE "@" ACCT_LAC_STATE_TYPE ")", &wall_ms, &sid_next,
		      &it, lac);
	down_ms = (uint64_t)(g_get_real_time() / 1000);
	down_ms = down_ms > wall_ms ? down_ms - wall_ms : 0;
	rs = a->restored;
	if (!rs) {
		rs = g_new0(struct restored, 1);
		rs->a = a;
		rs->sess = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, sess_free);
		rs->left = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		vpdn_timer_init(&rs->sweep, restored_sweep, rs);
		a->restored = rs;
	}
	while (g_variant_iter_next(it, "(&s&s&suttuuu@ayt&s&s@a{st})", &iface, &user, &sid, &addr,
				   &ran, &left, &sto, &ito, &interim, &cls, &idle, &calling, &called,
				   &ctr)) {
		struct asess *s = g_new0(struct asess, 1);
		gsize clen = 0;
		const void *cp = g_variant_get_fixed_array(cls, &clen, 1);

		s->a = a;
		s->iface = g_strdup(iface);
		s->user = g_strdup(user);
		s->sid = g_strdup(sid);
		s->addr.s_addr = addr;
		s->start_ms = now > ran + down_ms ? now - ran - down_ms : 0;
		s->z.session_timeout = sto;
		s->z.idle_timeout = ito;
		s->z.interim_interval = interim;
		s->z.class_len = MIN(clen, sizeof(s->z.class_));
		if (s->z.class_len) /* an empty array's data is NULL */
			memcpy(s->z.class_, cp, s->z.class_len);
		s->idle_bytes = idle;
		g_variant_lookup(ctr, "in_oct", "t", &s->base[0]);
		g_variant_lookup(ctr, "in_pkt", "t", &s->base[1]);
		g_variant_lookup(ctr, "out_oct", "t", &s->base[2]);
		g_variant_lookup(ctr, "out_pkt", "t", &s->base[3]);
		s->v6_base.on = g_variant_lookup(ctr, "v6_in_oct", "t", &s->v6_base.in_oct);
		g_variant_lookup(ctr, "v6_in_pkt", "t", &s->v6_base.in_pkt);
		g_variant_lookup(ctr, "v6_out_oct", "t", &s->v6_base.out_oct);
		g_variant_lookup(ctr, "v6_out_pkt", "t", &s->v6_base.out_pkt);
		vpdn_timer_init(&s->interim, on_interim, s);
		vpdn_timer_init(&s->session_to, on_session_timeout, s);
		vpdn_timer_init(&s->idle, on_idle, s);
		vpdn_timer_init(&s->stop, on_stop, s);
		if (*calling || *called) {
			struct line *ln = g_new0(struct line, 1);

			ln->calling = g_strdup(calling);
			ln->called = g_strdup(called);
			g_hash_table_replace(a->lines, g_strdup(iface), ln);
		}
		g_hash_table_replace(rs->left, g_strdup(iface), GSIZE_TO_POINTER((gsize)left + 1));
		g_hash_table_replace(rs->sess, s->iface, s);
		g_variant_unref(cls);
		g_variant_unref(ctr);
		n++;
	}
	g_variant_iter_free(it);
	vpdn_timer_arm(a->tm, &rs->sweep, 0);
	vpdn_info(a->log, "AUTH-RADIUS: restart: %u accounted session%s restored, waiting for ppp",
		  n, n == 1 ? "" : "s");
	return 0;
}

/* PPP_NETWORK_UP of a restored session: take it back, no Start. */
static bool restored_take(struct acct *a, const struct vpdn_ev_ppp_network *n)
{
	struct restored *rs = a->restored;
	struct asess *s;
	gpointer key, left;
	uint64_t now = vpdn_timers_now(a->tm);

	if (!rs || !g_hash_table_lookup_extended(rs->sess, n->interface, &key, (gpointer *)&s) ||
	    !n->user || strcmp(s->user, n->user) != 0)
		return false;
	g_hash_table_steal(rs->sess, n->interface);
	left = g_hash_table_lookup(rs->left, n->interface);
	s->net = n->net ? vpdn_link_ref(n->net) : NULL;
	if (s->net)
		vpdn_link_count(s->net);
	if (n->peer.s_addr)
		s->addr = n->peer;
	struct asess *old = g_hash_table_lookup(a->sessions, s->iface);
	if (old)
		on_stop(&old->stop, old);
	g_hash_table_insert(a->sessions, s->iface, s);
	if (a->on && interim_of(a, s)) {
		uint64_t l = left ? (uint64_t)GPOINTER_TO_SIZE(left) - 1 : 0;

		vpdn_timer_arm(a->tm, &s->interim, l ? l : (uint64_t)interim_of(a, s) * 1000);
	}
	if (s->z.session_timeout && s->net) {
		uint64_t to = (uint64_t)s->z.session_timeout * 1000, ran = now - s->start_ms;

		vpdn_timer_arm(a->tm, &s->session_to, to > ran ? to - ran : 0);
	}
	if (s->z.idle_timeout && s->net)
		vpdn_timer_arm(a->tm, &s->idle, (uint64_t)s->z.idle_timeout * 1000);
	return true;
}

/* The first main-loop turn after restore: sessions ppp did not bring back
 * ended with the old process: their Stop. */
static void restored_sweep(struct vpdn_timer *t, void *data)
{
	struct restored *rs = data;
	struct acct *a = rs->a;
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	g_hash_table_iter_init(&it, rs->sess);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct asess *s = v;

		s->cause = RADIUS_TERM_NAS_ERROR;
		if (a->on)
			queue_record(a, s, RADIUS_ACCT_STOP);
		g_hash_table_remove(a->lines, s->iface);
		n++;
	}
	g_hash_table_remove_all(rs->sess);
	g_hash_table_remove_all(rs->left);
	if (n)
		vpdn_notice(a->log, "AUTH-RADIUS: restart: %u accounted session%s not restored: "
			    "Stop (NAS-Error)", n, n == 1 ? "" : "s");
}

void acct_restored_free(struct acct *a)
{
	struct restored *rs = a->restored;

	if (!rs)
		return;
	vpdn_timer_cancel(a->tm, &rs->sweep);
	g_hash_table_destroy(rs->sess);
	g_hash_table_destroy(rs->left);
	g_free(rs);
	a->restored = NULL;
}
