/* SPDX-License-Identifier: MIT */
/* The asynchronous RADIUS transport. See client.h. */
#include "client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IDS 256
#define TXQ 64              /* datagrams queued before a sendmmsg */
#define TXQ_ARENA 65536     /* octets of them */
#define PKT_SPARE 64        /* packet buffers kept for reuse (256 KiB) */
#define RXB 16              /* datagrams per recvmmsg */

struct server;

struct rsock {
	struct server *srv;
	enum radius_service svc;
	int fd;
	guint watch;
	struct radius_req *ids[IDS];
	unsigned next_id;
	unsigned used;
};

struct server {
	struct radius_client *c;
	unsigned idx;
	const struct radius_server_conf *conf;
	enum radius_server_state state;
	uint64_t dead_until;          /* ms on the timers' clock */
	struct rsock sock[RADIUS_SVC__COUNT];
	struct radius_server_stats st;
};

struct radius_req {
	struct radius_client *c;
	enum radius_service svc;
	uint8_t code;
	radius_build_fn build;
	radius_done_fn done;
	void *data;
	GList node;                   /* in c->queue[svc] while waiting */
	bool queued;
	struct server *srv;           /* while in flight */
	uint8_t id;
	unsigned tries;               /* on srv */
	uint64_t tried;               /* bit per server index (first 64) */
	struct radius_pkt *pkt;       /* while in flight */
	size_t pkt_used;              /* the most of pkt->buf any build wrote */
	struct vpdn_timer timer;
	uint64_t submitted;
	uint64_t seq;                 /* submission order */
};

/* Datagrams put on the wire during one timer callback (the kick that
 * pumps the queues, a retransmission), sent together by one sendmmsg per
 * socket when the callback ends (tx_flush): a burst of set-ups costs one
 * system call, not one send each. Copies, so a request freed before the
 * flush (by a done callback) leaves its datagram intact. */
struct txq {
	unsigned n;
	size_t used;
	struct {
		struct rsock *k;
		size_t off, len;
	} d[TXQ];
	uint8_t *arena;             /* TXQ_ARENA octets, made on first use */
};

struct radius_client {
	struct vpdn_core *core;
	struct vpdn_timers *tm;
	struct vpdn_log *log;
	struct radius_client_conf conf;
	struct server *servers;
	GQueue queue[RADIUS_SVC__COUNT];
	unsigned in_flight[RADIUS_SVC__COUNT];
	struct vpdn_timer kick;
	uint64_t seq;
	/* accounting unanswered: one record at a time until an answer, so
	 * records arrive in order (acct.h) */
	bool acct_degraded;
	struct txq txq;
	/* wiped packet buffers of answered requests, for the next ones: a
	 * 4 KiB malloc and free per request otherwise (glibc's tcache
	 * stops at 1 KiB) */
	struct radius_pkt *spare[PKT_SPARE];
	unsigned n_spare;
	uint64_t *n_requests, *n_retrans, *n_timeouts, *n_bad, *n_unknown, *n_full,
		*n_send_err;
};

const char *radius_service_name(enum radius_service s)
{
	switch (s) {
	case RADIUS_SVC_AUTH: return "auth";
	case RADIUS_SVC_ACCT: return "acct";
	default: return "?";
	}
}

const char *radius_server_state_name(enum radius_server_state s)
{
	switch (s) {
	case RADIUS_SERVER_ALIVE: return "alive";
	case RADIUS_SERVER_DEAD: return "dead";
	default: return "?";
	}
}

static void server_set_state(struct server *s, enum radius_server_state to, const char *why)
{
	struct radius_client *c = s->c;

	if (s->state == to)
		return;
	vpdn_notice(c->log, "RADIUS: server %s from %s to %s (%s)", s->conf->name,
		    radius_server_state_name(s->state), radius_server_state_name(to), why);
	s->state = to;
	s->st.state = to;
	if (to == RADIUS_SERVER_DEAD)
		s->dead_until = vpdn_timers_now(c->tm) + (uint64_t)c->conf.dead_time_s * 1000;
}

static void schedule(struct radius_client *c)
{
	if (!vpdn_timer_armed(&c->kick))
		vpdn_timer_arm(c->tm, &c->kick, 0);
}

/* ---- identifiers ---- */

static int id_alloc(struct rsock *k, struct radius_req *r)
{
	if (k->used >= IDS)
		return -EAGAIN;
	for (unsigned n = 0; n < IDS; n++) {
		unsigned id = (k->next_id + n) % IDS;
		if (!k->ids[id]) {
			k->ids[id] = r;
			k->used++;
			k->next_id = (id + 1) % IDS;
			return (int)id;
		}
	}
	return -EAGAIN;
}

static void unsend(struct radius_req *r)
{
	struct server *s = r->srv;

	if (!s)
		return;
	struct rsock *k = &s->sock[r->svc];
	if (k->ids[r->id] == r) {
		k->ids[r->id] = NULL;
		k->used--;
	}
	s->st.in_flight[r->svc]--;
	r->srv = NULL;
	vpdn_timer_cancel(r->c->tm, &r->timer);
}

/* Wipe and free r's packet: the octets any build wrote (a packet is
 * written from its start, never past its length), not the whole 4 KiB
 * buffer on every answer. */
static void pkt_drop(struct radius_req *r)
{
	struct radius_client *c = r->c;

	if (!r->pkt)
		return;
	explicit_bzero(r->pkt->buf, MAX(r->pkt_used, MIN(r->pkt->len, sizeof(r->pkt->buf))));
	r->pkt->len = r->pkt->ma_off = 0;
	if (c->n_spare < PKT_SPARE)
		c->spare[c->n_spare++] = r->pkt;
	else
		g_free(r->pkt);
	r->pkt = NULL;
	r->pkt_used = 0;
}

static void req_free(struct radius_req *r)
{
	pkt_drop(r);
	g_free(r);
}

/* Leave the wire or the queue, without calling done. */
static void detach(struct radius_req *r)
{
	struct radius_client *c = r->c;

	if (r->queued) {
		g_queue_unlink(&c->queue[r->svc], &r->node);
		r->queued = false;
	}
	if (r->pkt) {
		unsend(r);
		c->in_flight[r->svc]--;
	}
}

static void finish(struct radius_req *r, int status, const struct radius_view *v)
{
	struct radius_client *c = r->c;
	radius_done_fn done = r->done;
	void *data = r->data;

	detach(r);
	req_free(r);
	if (done)
		done(status, v, data);
	schedule(c);
}

/* ---- sending ---- */

static void send_failed(struct radius_client *c, const struct rsock *k, int err)
{
	/* A full socket buffer or an ICMP error is a lost datagram: the
	 * retransmission timer handles it. */
	(*c->n_send_err)++;
	vpdn_debug(c->log, VPDN_DEBUG_PPP_AUTHENTICATION, "RADIUS: send to %s (%s): %s",
		   k->srv->conf->name, radius_service_name(k->svc), g_strerror(err));
}

/* Send what is queued: one sendmmsg per run of datagrams to one socket. */
static void tx_flush(struct radius_client *c)
{
	struct txq *q = &c->txq;
	struct mmsghdr msgs[TXQ];
	struct iovec iov[TXQ];
	unsigned i = 0;

	while (i < q->n) {
		struct rsock *k = q->d[i].k;
		unsigned n = 0;

		while (i + n < q->n && q->d[i + n].k == k) {
			iov[n].iov_base = q->arena + q->d[i + n].off;
			iov[n].iov_len = q->d[i + n].len;
			memset(&msgs[n], 0, sizeof(msgs[n]));
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
			n++;
		}
		for (unsigned done = 0; done < n;) {
			int r = sendmmsg(k->fd, msgs + done, n - done, 0);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				/* the first of the rest was refused: count it
				 * as send() did, and go on with the next */
				send_failed(c, k, errno);
				done++;
				continue;
			}
			done += (unsigned)r;
		}
		i += n;
	}
	if (q->arena && q->used)
		explicit_bzero(q->arena, q->used);
	q->n = 0;
	q->used = 0;
}

static void transmit(struct radius_req *r)
{
	struct radius_client *c = r->c;
	struct rsock *k = &r->srv->sock[r->svc];
	struct txq *q = &c->txq;
	size_t len = r->pkt->len;

	if (!q->arena)
		q->arena = g_malloc(TXQ_ARENA);
	if (q->n == TXQ || q->used + len > TXQ_ARENA)
		tx_flush(c);
	memcpy(q->arena + q->used, r->pkt->buf, len);
	q->d[q->n].k = k;
	q->d[q->n].off = q->used;
	q->d[q->n].len = len;
	q->n++;
	q->used += len;
	vpdn_timer_arm(c->tm, &r->timer, c->conf.timeout_ms);
}

static void debug_packet(struct radius_client *c, const char *dir, const struct server *s,
			 const uint8_t *buf, size_t len)
{
	struct radius_view v;
	struct radius_attr a;
	size_t pos = 0;
	char line[900];

	if (!vpdn_log_debug_on(c->log, VPDN_DEBUG_PPP_AUTHENTICATION))
		return;
	if (radius_parse(buf, len, &v) < 0)
		return;
	vpdn_log_write(c->log, VPDN_LOG_DEBUG, VPDN_DEBUG_PPP_AUTHENTICATION,
		       "RADIUS: %s %s id %u %s %s, %zu octets", dir,
		       radius_code_name(v.code) ? radius_code_name(v.code) : "?", v.id,
		       strcmp(dir, "send") == 0 ? "to" : "from", s->conf->name, v.len);
	while (radius_next(&v, &pos, &a))
		vpdn_log_write(c->log, VPDN_LOG_DEBUG, VPDN_DEBUG_PPP_AUTHENTICATION,
			       "RADIUS:  %s", radius_attr_format(&a, line, sizeof(line)));
}

/* Build r for server s and put it on the wire as its try number `tries`. */
static int send_to(struct radius_req *r, struct server *s, unsigned tries)
{
	struct radius_client *c = r->c;
	struct rsock *k = &s->sock[r->svc];
	uint8_t auth[RADIUS_AUTH_LEN];
	uint64_t now = vpdn_timers_now(c->tm);
	int id, ret;

	id = id_alloc(k, r);
	if (id < 0)
		return id;
	if (!r->pkt)
		r->pkt = c->n_spare ? c->spare[--c->n_spare] : g_new(struct radius_pkt, 1);
	if (r->code == RADIUS_ACCESS_REQUEST) {
		ret = vpdn_random_bytes(auth, sizeof(auth));
		if (ret < 0)
			goto fail;
		radius_pkt_init(r->pkt, r->code, (uint8_t)id, auth);
	} else {
		radius_pkt_init(r->pkt, r->code, (uint8_t)id, NULL);
	}
	/* First, so a forged answer cannot hide behind a chosen prefix. */
	ret = radius_add_message_authenticator(r->pkt);
	if (ret < 0)
		goto fail;
	ret = r->build(r->pkt, s->conf->secret, s->conf->secret_len,
		       (uint32_t)((now - r->submitted) / 1000), r->data);
	if (ret < 0)
		goto fail;
	ret = radius_finish_request(r->pkt, s->conf->secret, s->conf->secret_len);
	r->pkt_used = MAX(r->pkt_used, MIN(r->pkt->len, sizeof(r->pkt->buf)));
	if (ret < 0)
		goto fail;
	r->srv = s;
	r->id = (uint8_t)id;
	r->tries = tries;
	if (s->idx < 64)
		r->tried |= 1ull << s->idx;
	s->st.in_flight[r->svc]++;
	s->st.requests[r->svc]++;
	(*c->n_requests)++;
	debug_packet(c, "send", s, r->pkt->buf, r->pkt->len);
	transmit(r);
	return 0;
fail:
	r->pkt_used = MAX(r->pkt_used, MIN(r->pkt->len, sizeof(r->pkt->buf)));
	k->ids[id] = NULL;
	k->used--;
	return ret;
}

/* The server for r's next try: the first alive one not tried yet, else
 * the untried (or, for accounting, any) dead one whose dead-time ends
 * first. NULL: every server tried (authentication gives up). */
static struct server *pick(struct radius_client *c, struct radius_req *r)
{
	uint64_t now = vpdn_timers_now(c->tm);
	struct server *best = NULL;

	for (unsigned i = 0; i < c->conf.n_servers; i++) {
		struct server *s = &c->servers[i];
		if (s->state == RADIUS_SERVER_DEAD && now >= s->dead_until)
			server_set_state(s, RADIUS_SERVER_ALIVE, "dead-time over");
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < c->conf.n_servers; i++) {
			struct server *s = &c->servers[i];
			bool tried = i < 64 && (r->tried & (1ull << i));
			if (tried && pass == 0)
				continue;
			if (s->state == RADIUS_SERVER_ALIVE && !tried)
				return s;
			if (!best || s->dead_until < best->dead_until)
				if (!tried || r->svc == RADIUS_SVC_ACCT)
					best = s;
		}
		if (best || r->svc != RADIUS_SVC_ACCT)
			break;
	}
	return best;
}

static void pump(struct radius_client *c, enum radius_service svc)
{
	while (c->in_flight[svc] < c->conf.max_in_flight && c->queue[svc].head) {
		if (svc == RADIUS_SVC_ACCT && c->acct_degraded && c->in_flight[svc])
			break;
		struct radius_req *r = c->queue[svc].head->data;
		struct server *s = pick(c, r);
		int ret;

		if (!s) {
			finish(r, -ETIMEDOUT, NULL);
			continue;
		}
		g_queue_unlink(&c->queue[svc], &r->node);
		r->queued = false;
		c->in_flight[svc]++;
		ret = send_to(r, s, 1);
		if (ret == -EAGAIN) {
			/* that server's 256 identifiers are all in use:
			 * wait for one to come back */
			c->in_flight[svc]--;
			g_queue_push_head_link(&c->queue[svc], &r->node);
			r->queued = true;
			pkt_drop(r);
			break;
		}
		if (ret < 0) {
			c->in_flight[svc]--;
			pkt_drop(r);
			vpdn_warn(c->log, "RADIUS: cannot build a %s request: %s",
				  radius_service_name(svc), g_strerror(-ret));
			radius_done_fn done = r->done;
			void *data = r->data;
			req_free(r);
			if (done)
				done(ret, NULL, data);
		}
	}
}

static void on_kick(struct vpdn_timer *t, void *data)
{
	struct radius_client *c = data;

	for (int svc = 0; svc < RADIUS_SVC__COUNT; svc++)
		pump(c, svc);
	tx_flush(c);
}

static gint by_seq_desc(gconstpointer a, gconstpointer b)
{
	const struct radius_req *x = a, *y = b;

	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* An accounting request went unanswered: every younger one in flight
 * goes back to the head of the queue, in order, so that only the oldest
 * is retried and the records reach the server in order. */
static void acct_rewind(struct radius_client *c, const struct radius_req *oldest)
{
	GList *back = NULL;

	c->acct_degraded = true;
	for (unsigned i = 0; i < c->conf.n_servers; i++) {
		struct rsock *k = &c->servers[i].sock[RADIUS_SVC_ACCT];
		for (unsigned id = 0; id < IDS; id++) {
			struct radius_req *r = k->ids[id];
			if (r && r != oldest && r->seq > oldest->seq)
				back = g_list_prepend(back, r);
		}
	}
	back = g_list_sort(back, by_seq_desc);
	for (GList *l = back; l; l = l->next) {
		struct radius_req *r = l->data;
		unsend(r);
		c->in_flight[RADIUS_SVC_ACCT]--;
		pkt_drop(r);
		r->tried = 0;
		g_queue_push_head_link(&c->queue[RADIUS_SVC_ACCT], &r->node);
		r->queued = true;
	}
	g_list_free(back);
}

static void timeout(struct radius_req *r);

static void on_timeout(struct vpdn_timer *t, void *data)
{
	struct radius_req *r = data;
	struct radius_client *c = r->c;

	timeout(r);
	tx_flush(c);
}

static void timeout(struct radius_req *r)
{
	struct radius_client *c = r->c;
	struct server *s = r->srv, *next;
	char why[64];

	if (r->svc == RADIUS_SVC_ACCT)
		acct_rewind(c, r);

	if (r->tries < c->conf.retries) {
		s->st.retransmissions[r->svc]++;
		(*c->n_retrans)++;
		vpdn_debug(c->log, VPDN_DEBUG_PPP_AUTHENTICATION,
			   "RADIUS: %s id %u to %s: no answer, try %u of %u",
			   radius_service_name(r->svc), r->id, s->conf->name, r->tries + 1,
			   c->conf.retries);
		/* The same octets under the same identifier, so a late
		 * answer to an earlier try still counts; an accounting
		 * request gets its grown Acct-Delay-Time (and a new
		 * identifier, RFC 2866 §5.2) when it is built again for the
		 * next server or the next round. */
		r->tries++;
		transmit(r);
		return;
	}
	s->st.timeouts[r->svc]++;
	(*c->n_timeouts)++;
	snprintf(why, sizeof(why), "%u tries unanswered", r->tries);
	server_set_state(s, RADIUS_SERVER_DEAD, why);
	unsend(r);
	for (;;) {
		next = pick(c, r);
		if (!next) {
			vpdn_info(c->log, "RADIUS: no server answered a %s request",
				  radius_service_name(r->svc));
			finish(r, -ETIMEDOUT, NULL);
			return;
		}
		int ret = send_to(r, next, 1);
		if (ret == 0)
			return;
		if (next->idx < 64)
			r->tried |= 1ull << next->idx;
		if (ret != -EAGAIN) {
			finish(r, ret, NULL);
			return;
		}
		/* accounting with every server's identifiers in use: back to
		 * the head of the queue */
		if (r->svc == RADIUS_SVC_ACCT) {
			c->in_flight[r->svc]--;
			pkt_drop(r);
			g_queue_push_head_link(&c->queue[r->svc], &r->node);
			r->queued = true;
			return;
		}
	}
}

/* ---- receiving ---- */

static bool answer_fits(uint8_t req_code, uint8_t code)
{
	if (req_code == RADIUS_ACCESS_REQUEST)
		return code == RADIUS_ACCESS_ACCEPT || code == RADIUS_ACCESS_REJECT ||
		       code == RADIUS_ACCESS_CHALLENGE;
	if (req_code == RADIUS_ACCOUNTING_REQUEST)
		return code == RADIUS_ACCOUNTING_RESPONSE;
	return false;
}

static void bad_answer(struct server *s, const struct radius_view *v, const char *why)
{
	struct radius_client *c = s->c;

	s->st.bad_answers++;
	(*c->n_bad)++;
	vpdn_warn(c->log, "RADIUS: %s id %u from %s dropped: %s",
		  radius_code_name(v->code) ? radius_code_name(v->code) : "packet", v->id,
		  s->conf->name, why);
}

static void on_datagram(struct rsock *k, const uint8_t *buf, size_t n)
{
	struct server *s = k->srv;
	struct radius_client *c = s->c;
	struct radius_view v;
	struct radius_req *r;
	int ret;

	if (radius_parse(buf, n, &v) < 0) {
		s->st.bad_answers++;
		(*c->n_bad)++;
		vpdn_warn(c->log, "RADIUS: malformed datagram of %zu octets from %s dropped",
			  n, s->conf->name);
		return;
	}
	debug_packet(c, "recv", s, buf, n);
	r = k->ids[v.id];
	if (!r) {
		(*c->n_unknown)++;
		vpdn_debug(c->log, VPDN_DEBUG_PPP_AUTHENTICATION,
			   "RADIUS: %s id %u from %s answers nothing pending (late?)",
			   radius_code_name(v.code) ? radius_code_name(v.code) : "packet", v.id,
			   s->conf->name);
		return;
	}
	if (!answer_fits(r->code, v.code)) {
		bad_answer(s, &v, "not an answer to the request");
		return;
	}
	ret = radius_verify_response(&v, r->pkt->buf + 4, s->conf->secret, s->conf->secret_len,
				     r->code == RADIUS_ACCESS_REQUEST);
	if (ret == -ENOMSG) {
		bad_answer(s, &v, "no Message-Authenticator");
		return;
	}
	if (ret < 0) {
		bad_answer(s, &v, "authenticator does not verify (wrong secret or forged)");
		return;
	}
	s->st.answers[r->svc]++;
	if (r->svc == RADIUS_SVC_ACCT)
		c->acct_degraded = false;
	if (s->state == RADIUS_SERVER_DEAD)
		server_set_state(s, RADIUS_SERVER_ALIVE, "answered");
	finish(r, 0, &v);
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct rsock *k = data;
	/* one node thread, and no main-loop recursion inside on_datagram:
	 * one set of buffers serves every socket */
	static uint8_t bufs[RXB][RADIUS_MAX_LEN + 1];
	struct mmsghdr msgs[RXB];
	struct iovec iov[RXB];

	/* bounded: at most 64 datagrams per wake-up, the loop stays fair;
	 * RXB per system call, and a short batch means the socket is drained
	 * (no recv left to return EAGAIN) */
	for (int got = 0; got < 64;) {
		int n;

		for (int i = 0; i < RXB; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, RXB, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			/* ICMP port unreachable on the connected socket: the
			 * retransmission timer handles it */
			got++;
			continue;
		}
		for (int i = 0; i < n; i++)
			on_datagram(k, bufs[i], msgs[i].msg_len);
		got += n;
		if (n < RXB)
			break;
	}
	return G_SOURCE_CONTINUE;
}

static int sock_open(struct rsock *k, const struct sockaddr_storage *ss)
{
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in);

	k->fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (k->fd < 0)
		return -errno;
	if (connect(k->fd, (const struct sockaddr *)ss, len) < 0)
		return -errno;
	k->watch = g_unix_fd_add(k->fd, G_IO_IN, on_readable, k);
	return 0;
}

/* ---- public ---- */

struct radius_client *radius_client_new(struct vpdn_core *core, const struct radius_client_conf *conf,
					int *err)
{
	struct radius_client *c = g_new0(struct radius_client, 1);
	int r = 0;

	c->core = core;
	c->tm = vpdn_core_timers(core);
	c->log = vpdn_core_log(core);
	c->conf = *conf;
	if (!c->conf.retries)
		c->conf.retries = 1;
	if (!c->conf.max_in_flight)
		c->conf.max_in_flight = 1;
	for (int i = 0; i < RADIUS_SVC__COUNT; i++)
		g_queue_init(&c->queue[i]);
	vpdn_timer_init(&c->kick, on_kick, c);
	c->n_requests = vpdn_core_counter(core, "radius_requests_total",
					  "RADIUS requests sent (first tries)");
	c->n_retrans = vpdn_core_counter(core, "radius_retransmissions_total",
					 "RADIUS retransmissions");
	c->n_timeouts = vpdn_core_counter(core, "radius_timeouts_total",
					  "RADIUS requests a server left unanswered after every try");
	c->n_bad = vpdn_core_counter(core, "radius_bad_answers_total",
				     "RADIUS answers dropped: malformed or failing verification");
	c->n_unknown = vpdn_core_counter(core, "radius_unknown_answers_total",
					 "RADIUS answers matching no pending request");
	c->n_full = vpdn_core_counter(core, "radius_queue_full_total",
				      "RADIUS requests refused: queue full");
	c->n_send_err = vpdn_core_counter(core, "radius_send_errors_total",
					  "RADIUS datagrams the socket refused");
	if (!c->n_requests || !c->n_retrans || !c->n_timeouts || !c->n_bad || !c->n_unknown ||
	    !c->n_full || !c->n_send_err) {
		r = -ENOMEM;
		goto fail;
	}
	c->servers = g_new0(struct server, conf->n_servers ? conf->n_servers : 1);
	for (unsigned i = 0; i < conf->n_servers; i++) {
		struct server *s = &c->servers[i];
		s->c = c;
		s->idx = i;
		s->conf = &conf->servers[i];
		s->st.name = s->conf->name;
		for (int svc = 0; svc < RADIUS_SVC__COUNT; svc++) {
			s->sock[svc].srv = s;
			s->sock[svc].svc = svc;
			s->sock[svc].fd = -1;
		}
	}
	for (unsigned i = 0; i < conf->n_servers; i++)
		for (int svc = 0; svc < RADIUS_SVC__COUNT; svc++) {
			r = sock_open(&c->servers[i].sock[svc], &conf->servers[i].addr[svc]);
			if (r < 0) {
				vpdn_err(c->log, "RADIUS: server %s (%s): socket: %s",
					 conf->servers[i].name, radius_service_name(svc),
					 g_strerror(-r));
				goto fail;
			}
		}
	return c;
fail:
	radius_client_free(c);
	if (err)
		*err = r;
	return NULL;
}

void radius_client_free(struct radius_client *c)
{
	if (!c)
		return;
	/* pending requests go away silently: the owner is stopping too */
	for (int svc = 0; svc < RADIUS_SVC__COUNT; svc++) {
		while (c->queue[svc].head) {
			struct radius_req *r = c->queue[svc].head->data;
			detach(r);
			req_free(r);
		}
	}
	tx_flush(c);   /* nothing queued outside a callback; to be sure */
	g_free(c->txq.arena);
	for (unsigned i = 0; c->servers && i < c->conf.n_servers; i++)
		for (int svc = 0; svc < RADIUS_SVC__COUNT; svc++) {
			struct rsock *k = &c->servers[i].sock[svc];
			for (unsigned id = 0; id < IDS; id++)
				if (k->ids[id]) {
					struct radius_req *r = k->ids[id];
					detach(r);
					req_free(r);
				}
			if (k->watch)
				g_source_remove(k->watch);
			if (k->fd >= 0)
				close(k->fd);
		}
	vpdn_timer_cancel(c->tm, &c->kick);
	while (c->n_spare)
		g_free(c->spare[--c->n_spare]);
	g_free(c->servers);
	g_free(c);
}

struct radius_req *radius_client_submit(struct radius_client *c, enum radius_service svc,
					uint8_t code, radius_build_fn build,
					radius_done_fn done, void *data, int *err)
{
	unsigned limit = svc == RADIUS_SVC_ACCT ? c->conf.acct_queue : c->conf.max_queued;
	struct radius_req *r;

	if (!c->conf.n_servers) {
		if (err)
			*err = -ENOENT;
		return NULL;
	}
	if (c->queue[svc].length >= limit) {
		(*c->n_full)++;
		if (err)
			*err = -ENOBUFS;
		return NULL;
	}
	r = g_new0(struct radius_req, 1);
	r->c = c;
	r->svc = svc;
	r->code = code;
	r->build = build;
	r->done = done;
	r->data = data;
	r->node.data = r;
	r->submitted = vpdn_timers_now(c->tm);
	r->seq = ++c->seq;
	vpdn_timer_init(&r->timer, on_timeout, r);
	g_queue_push_tail_link(&c->queue[svc], &r->node);
	r->queued = true;
	schedule(c);
	return r;
}

void radius_req_cancel(struct radius_req *r)
{
	struct radius_client *c;

	if (!r)
		return;
	c = r->c;
	detach(r);
	req_free(r);
	schedule(c);
}

unsigned radius_client_n_servers(const struct radius_client *c)
{
	return c->conf.n_servers;
}

void radius_client_server_stats(const struct radius_client *c, unsigned i,
				struct radius_server_stats *out)
{
	if (i < c->conf.n_servers) {
		const struct server *s = &c->servers[i];
		uint64_t now = vpdn_timers_now(c->tm);
		*out = s->st;
		out->dead_left_s = s->state == RADIUS_SERVER_DEAD && s->dead_until > now
					   ? (uint32_t)((s->dead_until - now + 999) / 1000) : 0;
	}
}

unsigned radius_client_queued(const struct radius_client *c, enum radius_service svc)
{
	return c->queue[svc].length;
}

unsigned radius_client_in_flight(const struct radius_client *c, enum radius_service svc)
{
	return c->in_flight[svc];
}

void radius_server_conf_clear(struct radius_server_conf *s)
{
	if (s->secret) {
		explicit_bzero(s->secret, s->secret_len);
		g_free(s->secret);
	}
	g_free(s->name);
	memset(s, 0, sizeof(*s));
}
