/* SPDX-License-Identifier: MIT */
/*
 * UDP transport: one socket per local address (the `l2tp { listen }`
 * addresses plus every vpdn-group's source-ip; the wildcard address when
 * there is none) serves every tunnel. Receive with recvmmsg into reusable
 * buffers (no allocation per datagram). Everything the engine sends is
 * queued and goes out with sendmmsg: at the end of a received batch, when
 * the queue is full, and otherwise before the main loop next polls (a
 * source whose prepare() flushes). So the data a TUN read batch hands to
 * L2TP sessions (the ip module's callbacks), timer expiries and D-Bus calls
 * cost one sendmmsg per main-loop iteration, not one sendto per datagram.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "l2tp.h"

#define BATCH 64
#define DGRAM_MAX (L2TP_MAX_MSG + 64)
#define GSO_SEGS_MAX 64      /* the kernel's UDP_MAX_SEGMENTS (linux 4.18 .. 6.x) */
#define GSO_BYTES_MAX 65000  /* UDP payload of one IPv4 datagram, with room */
#define GSO_FAIL_MAX 16
#define RX_SLOT 65536        /* one UDP GRO buffer at most */
/* Datagrams handed on in one turn, about, as many as without GRO: a GRO
 * socket reads as many buffers as RX_BUDGET over the most datagrams a
 * buffer held lately (64 buffers of one datagram, 4 of 16, 1 of 64; the
 * most starts at 64 and decays by an eighth a turn, so a turn of big
 * buffers among small ones keeps it up). The TUN reader behind takes
 * about that many a turn: bench section 5b (PPPoE through a LAC) with
 * BATCH full buffers a turn dropped 3.4 of 3.9 million packets at the
 * LNS's TUN (its 500-packet queue; 175 000 -> 31 000 packets/s at
 * 1400 B), with 256 a turn still 2.3 million; with 64, none. */
#define RX_BUDGET 64

struct l2tp_sock {
	struct l2tp_transport *tr;
	int fd;
	struct sockaddr_storage addr;
	guint watch;
	bool gro;    /* UDP_GRO on: a read may be many datagrams (on_readable) */
	unsigned vlen; /* buffers the next read asks for (BATCH without GRO) */
	unsigned per;  /* GRO: the most datagrams a buffer held lately */
};

struct tx_entry {
	int fd;
	struct sockaddr_storage peer;
	size_t len;
	uint8_t buf[DGRAM_MAX];
};

struct flush_source {
	GSource base;
	struct l2tp_transport *tr;
};

struct l2tp_transport {
	struct l2tp *l2tp;
	struct vpdn_log *log; /* the core's: outlives l2tp, which module fini frees first */
	GPtrArray *socks;
	GSource *flush;  /* struct flush_source: sends the queue before poll */
	unsigned ntx;
	struct mmsghdr rx_msgs[BATCH];
	struct iovec rx_iov[BATCH];
	struct sockaddr_storage rx_addr[BATCH];
	/* BATCH slots of RX_SLOT: a UDP GRO buffer is many datagrams (the
	 * pages of a slot are touched only as far as a buffer reaches) */
	uint8_t *rx_buf;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} rx_cmsg[BATCH];
	uint64_t rx_dgrams;     /* datagrams received, GRO buffers split */
	uint64_t rx_gro;        /* GRO buffers of more than one datagram */
	struct tx_entry tx[BATCH];
	/* flush_tx's messages: at most one per queued datagram */
	struct mmsghdr tx_msgs[BATCH];
	struct iovec tx_iov[BATCH];
	unsigned tx_first[BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} tx_cmsg[BATCH];
	bool no_gso;            /* the kernel has no UDP_SEGMENT, or refused it */
	unsigned gso_fails;     /* GSO messages refused in a row */
	uint64_t gso_sends;     /* GSO messages sent */
};

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static bool same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return a->ss_family == b->ss_family && memcmp(a, b, ss_len(a)) == 0;
}

/*
 * How many queued datagrams from i on may leave as one UDP GSO send
 * (UDP_SEGMENT): same socket, same peer, all of the first one's length
 * but the last (which may be shorter), within the kernel's limits (64
 * segments, one IP datagram's worth of payload). 1: alone.
 */
static unsigned gso_run(const struct l2tp_transport *tr, unsigned i)
{
	const struct tx_entry *first = &tr->tx[i];
	size_t total = first->len;
	unsigned n = 1;

	if (tr->no_gso)
		return 1;
	while (i + n < tr->ntx && n < GSO_SEGS_MAX) {
		const struct tx_entry *e = &tr->tx[i + n];

		if (e->fd != first->fd || e->len > first->len || total + e->len > GSO_BYTES_MAX ||
		    !same_peer(&e->peer, &first->peer))
			break;
		total += e->len;
		n++;
		if (e->len < first->len)
			break;
	}
	return n;
}

/*
 * The queue leaves with sendmmsg, one message per socket and peer run:
 * a run of equal-sized datagrams (a TCP super-packet from the TUN, cut
 * to the session's MSS, wrapped in PPP and L2TP) is one message of many
 * iovecs with a UDP_SEGMENT cmsg, which the kernel splits (UDP GSO: one
 * pass down the stack for up to 64 datagrams); the rest one message each.
 * A GSO message the kernel refuses (a device without checksum offload,
 * a segment over the path's MTU) is sent again as single datagrams; after
 * GSO_FAIL_MAX refusals in a row other than the path's (EINVAL, EMSGSIZE)
 * GSO is off for the transport (logged).
 */
static void flush_tx(struct l2tp_transport *tr)
{
	unsigned i = 0;

	while (i < tr->ntx) {
		unsigned n = 0, niov = 0, first = i;
		int fd = tr->tx[i].fd, r;

		while (i < tr->ntx && tr->tx[i].fd == fd && n < BATCH) {
			unsigned run = gso_run(tr, i);
			struct msghdr *h = &tr->tx_msgs[n].msg_hdr;

			memset(&tr->tx_msgs[n], 0, sizeof(tr->tx_msgs[n]));
			h->msg_iov = &tr->tx_iov[niov];
			h->msg_iovlen = run;
			h->msg_name = &tr->tx[i].peer;
			h->msg_namelen = ss_len(&tr->tx[i].peer);
			if (run > 1) {
				struct cmsghdr *cm;
				uint16_t seg = (uint16_t)tr->tx[i].len;

				h->msg_control = tr->tx_cmsg[n].buf;
				h->msg_controllen = sizeof(tr->tx_cmsg[n].buf);
				cm = CMSG_FIRSTHDR(h);
				cm->cmsg_level = SOL_UDP;
				cm->cmsg_type = UDP_SEGMENT;
				cm->cmsg_len = CMSG_LEN(sizeof(seg));
				memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
			}
			tr->tx_first[n] = i;
			for (unsigned k = 0; k < run; k++, i++, niov++) {
				tr->tx_iov[niov].iov_base = tr->tx[i].buf;
				tr->tx_iov[niov].iov_len = tr->tx[i].len;
			}
			n++;
		}
		for (unsigned done = 0; done < n;) {
			struct msghdr *h;

			r = sendmmsg(fd, tr->tx_msgs + done, n - done, 0);
			if (r > 0) {
				for (int k = 0; k < r; k++)
					if (tr->tx_msgs[done + k].msg_hdr.msg_iovlen > 1) {
						tr->gso_sends++;
						tr->gso_fails = 0;
					}
				done += (unsigned)r;
				continue;
			}
			h = &tr->tx_msgs[done].msg_hdr;
			if (h->msg_iovlen > 1 && errno != EAGAIN && errno != ENOBUFS) {
				/* The kernel refused the GSO message: its
				 * datagrams one by one (same iovecs). */
				int e = errno;

				for (unsigned k = 0; k < h->msg_iovlen; k++)
					if (sendto(fd, h->msg_iov[k].iov_base, h->msg_iov[k].iov_len, 0,
						   h->msg_name, h->msg_namelen) < 0)
						break;
				/* EINVAL, EMSGSIZE: this peer's path (segments
				 * over its MTU), not the kernel's GSO. */
				if (e != EINVAL && e != EMSGSIZE && ++tr->gso_fails >= GSO_FAIL_MAX &&
				    !tr->no_gso) {
					tr->no_gso = true;
					vpdn_info(tr->log, "L2TP: UDP GSO refused %u times (%s): off",
						  tr->gso_fails, g_strerror(e));
				}
				done++;
				continue;
			}
			vpdn_debug(tr->log, VPDN_DEBUG_L2X_ERRORS,
				   "L2TP: sendmmsg: %s (%u datagrams lost)", g_strerror(errno),
				   i - tr->tx_first[done]);
			break;
		}
		(void)first;
	}
	tr->ntx = 0;
}

static struct l2tp_sock *sock_for(struct l2tp_transport *tr, const struct sockaddr_storage *local)
{
	struct l2tp_sock *wild = NULL;

	for (unsigned i = 0; i < tr->socks->len; i++) {
		struct l2tp_sock *s = tr->socks->pdata[i];

		if (l2tp_addr_same_host(&s->addr, local))
			return s;
		if (!wild && s->addr.ss_family == local->ss_family)
			wild = s;
	}
	return wild;
}

int l2tp_transport_xmit(void *xctx, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer, const uint8_t *buf, size_t len)
{
	struct l2tp_transport *tr = xctx;
	struct l2tp_sock *s = sock_for(tr, local);

	if (!s)
		return -EADDRNOTAVAIL;
	if (tr->l2tp->capture)
		l2tp_capture_packet(tr->l2tp, &s->addr, peer, buf, len, true);
	if (len <= DGRAM_MAX) {
		struct tx_entry *e;

		if (tr->ntx == BATCH)
			flush_tx(tr);
		e = &tr->tx[tr->ntx++];
		e->fd = s->fd;
		e->peer = *peer;
		e->len = len;
		memcpy(e->buf, buf, len);
		return 0;
	}
	if (sendto(s->fd, buf, len, 0, (const struct sockaddr *)peer, ss_len(peer)) < 0) {
		int e = errno;

		vpdn_debug(tr->l2tp->log, VPDN_DEBUG_L2X_ERRORS, "L2TP: sendto: %s", g_strerror(e));
		return -e;
	}
	return 0;
}

size_t l2tp_transport_queued(const struct l2tp_transport *tr)
{
	return tr->ntx;
}

/* Runs once per main-loop iteration, before poll and before the sources
 * of lower priority are prepared (G_PRIORITY_HIGH); never dispatches. */
static gboolean flush_prepare(GSource *src, gint *timeout)
{
	struct l2tp_transport *tr = ((struct flush_source *)src)->tr;

	if (tr->ntx)
		flush_tx(tr);
	*timeout = -1;
	return FALSE;
}

static gboolean flush_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs flush_funcs = {
	.prepare = flush_prepare,
	.dispatch = flush_dispatch,
};

size_t l2tp_gro_split(const uint8_t *buf, size_t len, size_t seg,
		      void (*out)(void *ctx, const uint8_t *d, size_t n), void *ctx)
{
	size_t k = 0;

	if (!seg || seg > len)
		seg = len;
	for (size_t off = 0; off < len; off += seg, k++)
		out(ctx, buf + off, len - off < seg ? len - off : seg);
	return k;
}

struct rx_ctx {
	struct l2tp_sock *s;
	const struct sockaddr_storage *from;
};

static void rx_one(void *ctx, const uint8_t *d, size_t n)
{
	struct rx_ctx *c = ctx;
	struct l2tp_transport *tr = c->s->tr;

	tr->rx_dgrams++;
	if (tr->l2tp->capture)
		l2tp_capture_packet(tr->l2tp, &c->s->addr, c->from, d, n, false);
	l2tp_input(tr->l2tp, &c->s->addr, c->from, d, n);
	/* A turn per datagram: answers given at once to what this one
	 * asked reach their requesters before the next is handled (an
	 * ICCN's AUTH_REQUEST before the IPCP request behind it). */
	vpdn_bus_run_pending(tr->l2tp->bus);
}

/* The segment size of a UDP GRO buffer (its cmsg), 0 for a datagram. */
static size_t gro_size(struct msghdr *h)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int v;

			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			return v > 0 ? (size_t)v : 0;
		}
	return 0;
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct l2tp_sock *s = data;
	struct l2tp_transport *tr = s->tr;
	unsigned vlen = s->vlen, most = 0;
	int n;

	for (unsigned i = 0; i < vlen; i++) {
		tr->rx_iov[i].iov_base = tr->rx_buf + (size_t)i * RX_SLOT;
		tr->rx_iov[i].iov_len = s->gro ? RX_SLOT : DGRAM_MAX;
		memset(&tr->rx_msgs[i].msg_hdr, 0, sizeof(tr->rx_msgs[i].msg_hdr));
		tr->rx_msgs[i].msg_hdr.msg_iov = &tr->rx_iov[i];
		tr->rx_msgs[i].msg_hdr.msg_iovlen = 1;
		tr->rx_msgs[i].msg_hdr.msg_name = &tr->rx_addr[i];
		tr->rx_msgs[i].msg_hdr.msg_namelen = sizeof(tr->rx_addr[i]);
		if (s->gro) {
			tr->rx_msgs[i].msg_hdr.msg_control = tr->rx_cmsg[i].buf;
			tr->rx_msgs[i].msg_hdr.msg_controllen = sizeof(tr->rx_cmsg[i].buf);
		}
	}
	n = recvmmsg(fd, tr->rx_msgs, vlen, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return G_SOURCE_CONTINUE;
	tr->l2tp->rx_batch++;
	for (int i = 0; i < n; i++) {
		struct rx_ctx c = { s, &tr->rx_addr[i] };
		struct msghdr *h = &tr->rx_msgs[i].msg_hdr;

		size_t k = l2tp_gro_split(tr->rx_iov[i].iov_base, tr->rx_msgs[i].msg_len,
					  s->gro ? gro_size(h) : 0, rx_one, &c);

		if (k > 1)
			tr->rx_gro++;
		most = MAX(most, (unsigned)k);
	}
	if (s->gro) {
		s->per = most >= s->per ? most : s->per - (s->per - most + 7) / 8;
		s->vlen = CLAMP(RX_BUDGET / MAX(s->per, 1u), 1u, (unsigned)BATCH);
	}
	flush_tx(tr);
	return G_SOURCE_CONTINUE;
}

void l2tp_transport_stats(const struct l2tp_transport *tr, struct l2tp_transport_stats *o)
{
	*o = (struct l2tp_transport_stats){ .rx_datagrams = tr->rx_dgrams, .rx_gro = tr->rx_gro,
					    .gso_sends = tr->gso_sends, .gso_off = tr->no_gso };
}

static int open_sock(struct l2tp_transport *tr, const struct sockaddr_storage *addr, char **error)
{
	struct l2tp_sock *s;
	char text[64];
	int fd, one = 1, err, seg = 0;
	socklen_t sl = sizeof(seg);

	for (unsigned i = 0; i < tr->socks->len; i++)
		if (l2tp_addr_same_host(&((struct l2tp_sock *)tr->socks->pdata[i])->addr, addr))
			return 0;
	l2tp_addr_text(addr, text, sizeof(text));
	/* Restart in place: the socket the previous process had. */
	fd = l2tp_state_take_socket(tr->l2tp, addr);
	if (fd >= 0)
		goto bound;
	fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* An IPv6 socket never takes IPv4 traffic as ::ffff:a.b.c.d: each
	 * family has its own socket, and a peer is one family's address
	 * (the source check compares family and address). */
	if (addr->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	/* One socket serves every tunnel: a burst of call set-ups (or data)
	 * from thousands of sessions overflows the default 208 KiB receive
	 * buffer and costs PPP restarts. Ask for 4 MiB each way (the kernel
	 * caps it at net.core.rmem_max/wmem_max; failure is harmless). */
	int buf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, (const struct sockaddr *)addr, ss_len(addr)) < 0)
		goto fail;
bound:
	/* UDP GSO (linux 4.18): asked per message (flush_tx); a kernel
	 * without it says so here. */
	if (getsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, &sl) < 0 && !tr->no_gso) {
		tr->no_gso = true;
		vpdn_info(tr->l2tp->log, "L2TP: no UDP GSO in this kernel (%s): sendmmsg only",
			  g_strerror(errno));
	}
	s = g_new0(struct l2tp_sock, 1);
	/* UDP GRO (linux 5.0): the kernel may hand over many datagrams of a
	 * peer at once, their size in a cmsg; RX_BUDGET bounds a turn's
	 * burst. On unless VPDND_UDP_GRO=0 (for comparing; a kernel that
	 * refuses it receives one datagram a read). */
	const char *gro = getenv("VPDND_UDP_GRO");
	s->gro = !(gro && strcmp(gro, "0") == 0) &&
		 setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0;
	s->vlen = s->gro ? 1 : BATCH;   /* GRO: as if a buffer held 64 */
	s->per = GSO_SEGS_MAX;
	s->tr = tr;
	s->fd = fd;
	s->addr = *addr;
	s->watch = g_unix_fd_add(fd, G_IO_IN, on_readable, s);
	g_ptr_array_add(tr->socks, s);
	vpdn_info(tr->l2tp->log, "L2TP: listening on %s port %u (UDP GSO %s, GRO %s)", text,
		  l2tp_addr_port(addr), tr->no_gso ? "off" : "on", s->gro ? "on" : "off");
	return 0;
fail:
	err = errno;
	*error = g_strdup_printf("l2tp: cannot bind UDP %s port %u: %s", text, l2tp_addr_port(addr),
				 g_strerror(err));
	if (fd >= 0)
		close(fd);
	return -err;
}

static void sock_free(gpointer p)
{
	struct l2tp_sock *s = p;

	if (s->watch)
		g_source_remove(s->watch);
	close(s->fd);
	g_free(s);
}

void l2tp_transport_keep_fds(struct l2tp_transport *tr)
{
	char name[128];

	flush_tx(tr);
	for (unsigned i = 0; i < tr->socks->len; i++) {
		struct l2tp_sock *s = tr->socks->pdata[i];

		l2tp_state_fd_name(&s->addr, name, sizeof(name));
		if (vpdn_core_keep_fd(tr->l2tp->core, name, s->fd) < 0)
			vpdn_warn(tr->log, "L2TP: restart: cannot hand %s over", name);
	}
}

void l2tp_transport_free(struct l2tp_transport *tr)
{
	if (!tr)
		return;
	flush_tx(tr);
	if (tr->flush) {
		g_source_destroy(tr->flush);
		g_source_unref(tr->flush);
	}
	g_ptr_array_free(tr->socks, TRUE);
	g_free(tr->rx_buf);
	g_free(tr);
}

/* No listen address and no source-ip: the wildcard of each family.
 * IPv6's is optional (a kernel without IPv6, or with it disabled). */
static void wildcard(unsigned port, sa_family_t family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = family;
	if (family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static bool optional_v6(const struct sockaddr_storage *ss, int err)
{
	return ss->ss_family == AF_INET6 && l2tp_addr_is_any(ss) &&
	       (err == -EAFNOSUPPORT || err == -EADDRNOTAVAIL || err == -EPROTONOSUPPORT);
}

/* ------------------------------------------------------------------ */
/* Reload                                                             */

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return l2tp_addr_same_host(a, b) && l2tp_addr_port(a) == l2tp_addr_port(b);
}

static void want_add(GArray *want, const struct sockaddr_storage *ss)
{
	for (guint i = 0; i < want->len; i++)
		if (same_addr(&g_array_index(want, struct sockaddr_storage, i), ss))
			return;
	g_array_append_val(want, *ss);
}

/* The sockets a config needs (as l2tp_transport_new opens them). */
static GArray *wanted_addrs(const struct l2tp_config *c)
{
	GArray *want = g_array_new(FALSE, TRUE, sizeof(struct sockaddr_storage));
	struct l2tp_peer_addr pa;

	for (char **a = c->listen; a && *a; a++)
		if (l2tp_parse_peer(*a, c->port, &pa) == 0)
			want_add(want, &pa.addr);
	for (unsigned i = 0; i < c->groups->len; i++) {
		struct l2tp_group *g = c->groups->pdata[i];

		if (g->has_source)
			want_add(want, &g->source);
	}
	if (want->len == 0) {
		struct sockaddr_storage ss;

		wildcard(c->port, AF_INET, &ss);
		want_add(want, &ss);
		wildcard(c->port, AF_INET6, &ss);
		want_add(want, &ss);
	}
	return want;
}

static bool wanted(GArray *want, const struct sockaddr_storage *ss)
{
	for (guint i = 0; i < want->len; i++)
		if (same_addr(&g_array_index(want, struct sockaddr_storage, i), ss))
			return true;
	return false;
}

int l2tp_transport_reconfigure(struct l2tp_transport *tr, const struct l2tp_config *nc,
			       char **error)
{
	GArray *want = wanted_addrs(nc);
	GPtrArray *opened = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;
	char text[64];
	int r = 0;

	*error = NULL;
	/* Refuse first, before anything changes: a socket an existing tunnel
	 * sends on must stay. */
	g_hash_table_iter_init(&it, tr->l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;
		struct l2tp_sock *s = sock_for(tr, &t->local);

		if (s && !wanted(want, &s->addr)) {
			l2tp_addr_text(&s->addr, text, sizeof(text));
			*error = g_strdup_printf("l2tp: cannot stop listening on %s port %u: tunnel %u "
						 "uses it (clear the tunnel first, or keep the address)",
						 text, l2tp_addr_port(&s->addr), t->tid);
			r = -EBUSY;
			goto out;
		}
	}
	/* Open what is new. */
	for (guint i = 0; i < want->len; i++) {
		struct sockaddr_storage *ss = &g_array_index(want, struct sockaddr_storage, i);
		bool have = false;

		for (guint k = 0; k < tr->socks->len && !have; k++)
			have = same_addr(&((struct l2tp_sock *)tr->socks->pdata[k])->addr, ss);
		if (have)
			continue;
		guint before = tr->socks->len;

		r = open_sock(tr, ss, error);
		if (r < 0 && optional_v6(ss, r)) {
			g_clear_pointer(error, g_free);
			r = 0;
			continue;
		}
		if (r < 0)
			goto undo;
		if (tr->socks->len == before) {
			/* Same host on another port: one socket per host. */
			l2tp_addr_text(ss, text, sizeof(text));
			*error = g_strdup_printf("l2tp: cannot change the port on %s while it is "
						 "open: restart vpdnd to change the port", text);
			r = -EBUSY;
			goto undo;
		}
		g_ptr_array_add(opened, tr->socks->pdata[tr->socks->len - 1]);
	}
	/* Close what is gone. */
	for (guint k = 0; k < tr->socks->len;) {
		struct l2tp_sock *s = tr->socks->pdata[k];

		if (wanted(want, &s->addr)) {
			k++;
			continue;
		}
		l2tp_addr_text(&s->addr, text, sizeof(text));
		vpdn_info(tr->l2tp->log, "L2TP: no longer listening on %s port %u", text,
			  l2tp_addr_port(&s->addr));
		flush_tx(tr);
		g_ptr_array_remove_index(tr->socks, k);
	}
	goto out;
undo:
	for (guint i = 0; i < opened->len; i++)
		g_ptr_array_remove(tr->socks, opened->pdata[i]);
out:
	g_ptr_array_free(opened, TRUE);
	g_array_free(want, TRUE);
	return r;
}

struct l2tp_transport *l2tp_transport_new(struct l2tp *l2tp, char **error)
{
	struct l2tp_transport *tr = g_new0(struct l2tp_transport, 1);
	struct l2tp_config *c = l2tp->cfg;
	struct l2tp_peer_addr pa;

	tr->l2tp = l2tp;
	tr->log = l2tp->log;
	tr->socks = g_ptr_array_new_with_free_func(sock_free);
	tr->rx_buf = g_malloc((size_t)BATCH * RX_SLOT);
	tr->flush = g_source_new(&flush_funcs, sizeof(struct flush_source));
	((struct flush_source *)tr->flush)->tr = tr;
	g_source_set_priority(tr->flush, G_PRIORITY_HIGH);
	g_source_set_name(tr->flush, "l2tp-tx-flush");
	g_source_attach(tr->flush, NULL);
	for (char **a = c->listen; a && *a; a++) {
		if (l2tp_parse_peer(*a, c->port, &pa) < 0 || open_sock(tr, &pa.addr, error) < 0)
			goto fail;
	}
	for (unsigned i = 0; i < c->groups->len; i++) {
		struct l2tp_group *g = c->groups->pdata[i];

		if (g->has_source && open_sock(tr, &g->source, error) < 0)
			goto fail;
	}
	if (tr->socks->len == 0) {
		struct sockaddr_storage ss;
		int r;

		wildcard(c->port, AF_INET, &ss);
		if (open_sock(tr, &ss, error) < 0)
			goto fail;
		wildcard(c->port, AF_INET6, &ss);
		r = open_sock(tr, &ss, error);
		if (r < 0 && !optional_v6(&ss, r))
			goto fail;
		if (r < 0) {
			vpdn_info(l2tp->log, "L2TP: no IPv6 wildcard socket (%s): IPv4 only", *error);
			g_clear_pointer(error, g_free);
		}
	}
	return tr;
fail:
	l2tp_transport_free(tr);
	return NULL;
}
