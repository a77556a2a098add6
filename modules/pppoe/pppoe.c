/* SPDX-License-Identifier: MIT */
/*
 * The pppoe module: config, one AF_PACKET socket pair per interface
 * (discovery 0x8863 and session 0x8864, each bound to its protocol and
 * interface so only PPPoE frames wake us), sessions as links, and the bus:
 *
 *  server: a session opened by PADR is published as CALL_INCOMING with
 *          interface = the bba-group's virtual-template interface
 *          ("Virtual-Template1"), short name "PPPoE<n>", calling = the
 *          peer's MAC; the dialer answers it and starts PPP (server or
 *          LAC forwarding, as for a B channel).
 *  client: CALL_PLACE for a port that names a `pppoe-client` interface
 *          runs discovery; PADS completes the request with the link.
 *  CALL_HANGUP (dialer) or a hang-up from PPP on the link: PADT;
 *  PADT from the peer: the link is hung up, CALL_CLEARED.
 *
 * Frames on the link are FF 03 + protocol + information; on the wire the
 * session payload is protocol + information (FF 03 stripped). Nothing
 * longer than the session's payload (1492, or PPP-Max-Payload) is sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pppoe-module.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000   /* linux/if.h; glibc's net/if.h stops before it */
#endif

/* ---- calls ---- */

static void call_free(struct pppoe_call *c)
{
	if (c->req)
		vpdn_request_cancel(c->req);
	if (c->link) {
		vpdn_link_detach(c->link, VPDN_LINK_A);
		vpdn_link_unref(c->link);
	}
	g_free(c->config);
	g_free(c);
}

static void fill_call(struct pppoe_call *c, struct vpdn_ev_call *ev, enum vpdn_call_dir dir,
		      int cause)
{
	struct pppoe_session *s = c->s;

	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->call_id = c->call_id;
	ev->dir = dir;
	ev->port = c->port->ifc->name;
	ev->channel = s ? s->name : vpdn_link_name(c->link);
	ev->short_name = ev->channel;
	ev->interface = c->config && dir == VPDN_CALL_IN ? c->config : c->port->ifc->name;
	ev->calling = c->calling;
	ev->called = s && s->service ? s->service : "";
	ev->bearer_kbps = 0;
	ev->cause = cause;
	ev->link = c->link;
	ev->mru = s ? s->mtu : 0; /* 1492, or the PPP-Max-Payload granted */
}

/* The call is over: tell PPP (link) and the bus, forget it. The session
 * is gone already or is ended here with a PADT. */
static void call_end(struct pppoe_call *c, int cause, const char *why, bool padt)
{
	struct pppoe_module *m = c->m;
	struct vpdn_ev_call ev;

	if (c->dead)
		return;
	c->dead = true;
	pppoe_capture_session_gone(c);
	if (c->s) {
		struct pppoe_session *s = c->s;
		c->s = NULL;
		s->data = NULL;
		if (padt)
			pppoe_session_terminate(s, why);
	}
	vpdn_notice(m->log, "%s PPPoE: %s ended: %s", c->port->ifc->name,
		    vpdn_link_name(c->link), why);
	g_tree_steal(m->calls, GUINT_TO_POINTER(c->call_id));
	if (c->link) {
		vpdn_link_detach(c->link, VPDN_LINK_A);
		vpdn_link_hangup(c->link, VPDN_LINK_A, cause);
	}
	if (c->connected || c->publishing) {
		fill_call(c, &ev, c->config ? VPDN_CALL_IN : VPDN_CALL_OUT, cause);
		vpdn_bus_publish(m->bus, VPDN_EV_CALL_CLEARED, &ev);
	}
	if (!c->publishing)
		call_free(c);
}

static int sendmmsg_fn(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
	return sendmmsg(fd, msgs, n, flags);
}

unsigned pppoe_send_batch(int fd, struct mmsghdr *msgs, unsigned n,
			  int (*send)(int fd, struct mmsghdr *msgs, unsigned n, int flags),
			  unsigned *dropped, int *last_errno)
{
	unsigned done = 0, sent = 0;

	*dropped = 0;
	while (done < n) {
		int r = send(fd, msgs + done, n - done, MSG_DONTWAIT);

		if (r > 0) {
			done += (unsigned)r;
			sent += (unsigned)r;
			continue;
		}
		if (r == 0)
			errno = EIO;
		*last_errno = errno;
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS) {   /* this frame dropped below us; not the rest */
			done++;
			(*dropped)++;
			continue;
		}
		*dropped += n - done;
		break;
	}
	return sent;
}

static void flush_tx(struct pppoe_module *m)
{
	struct mmsghdr msgs[TX_BATCH];
	struct iovec iov[TX_BATCH];
	unsigned i = 0;

	while (i < m->ntx) {
		unsigned n = 0;
		int fd = m->tx[i].fd;
		while (i < m->ntx && m->tx[i].fd == fd) {
			memset(&msgs[n], 0, sizeof(msgs[n]));
			iov[n].iov_base = m->tx[i].buf;
			iov[n].iov_len = m->tx[i].len;
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
			n++;
			i++;
		}
		unsigned dropped = 0;
		int err = 0;
		unsigned sent = pppoe_send_batch(fd, msgs, n, sendmmsg_fn, &dropped, &err);

		(*m->e->c.tx_sess) += sent;
		if (dropped) {
			(*m->e->c.tx_dropped) += dropped;
			pppoe_log_limit(m->e, "PPPoE: sendmmsg: %s (%u of %u frames lost)",
					g_strerror(err), dropped, n);
		}
	}
	m->ntx = 0;
}

struct flush_source {
	GSource base;
	struct pppoe_module *m;
};

/* Once per main-loop iteration, before poll; never dispatches. */
static gboolean flush_prepare(GSource *src, gint *timeout)
{
	struct pppoe_module *m = ((struct flush_source *)src)->m;

	if (m->ntx)
		flush_tx(m);
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

static int send_session(struct pppoe_call *c, const uint8_t *data, size_t len)
{
	struct pppoe_module *m = c->m;
	struct pppoe_session *s = c->s;
	struct pppoe_engine *e = c->m->e;
	uint8_t buf[PPPOE_ETH_HLEN + PPPOE_HLEN + 9000 + 2];

	if (len >= 2 && data[0] == 0xff && data[1] == 0x03) {
		data += 2;
		len -= 2;
	}
	if (len < 1 || len > (size_t)s->mtu + 2) {
		(*e->c.too_big)++;
		return -EMSGSIZE;
	}
	size_t total = PPPOE_ETH_HLEN + PPPOE_HLEN + len;
	if (total <= TX_FRAME) {
		if (m->ntx == TX_BATCH)
			flush_tx(m);
		struct pppoe_tx *t = &m->tx[m->ntx++];
		t->fd = c->port->fd_sess;
		t->len = (uint16_t)total;
		pppoe_eth_header(t->buf, s->peer, c->port->ifc->mac, PPPOE_ETH_P_SESS);
		pppoe_session_header(t->buf + PPPOE_ETH_HLEN, s->id, (uint16_t)len);
		memcpy(t->buf + PPPOE_ETH_HLEN + PPPOE_HLEN, data, len);
		return 0;
	}
	pppoe_eth_header(buf, s->peer, c->port->ifc->mac, PPPOE_ETH_P_SESS);
	pppoe_session_header(buf + PPPOE_ETH_HLEN, s->id, (uint16_t)len);
	memcpy(buf + PPPOE_ETH_HLEN + PPPOE_HLEN, data, len);
	if (send(c->port->fd_sess, buf, total, MSG_DONTWAIT) < 0)
		return -errno;
	(*e->c.tx_sess)++;
	return 0;
}

static void link_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct pppoe_call *c = ctx;

	if (c->s && c->s->state == PPPOE_ST_OPEN && send_session(c, data, len) == 0 &&
	    pppoe_capturing(c))
		pppoe_capture_frame(c, data, len);
}

static void link_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct pppoe_call *c = ctx;

	call_end(c, VPDN_CAUSE_NORMAL_CLEARING, "PPP hung up", true);
}

static const struct vpdn_link_ops link_ops = { link_frame, link_hangup };

static struct pppoe_call *call_new(struct pppoe_module *m, struct pppoe_port *p,
				   struct pppoe_session *s)
{
	struct pppoe_call *c = g_new0(struct pppoe_call, 1);

	c->m = m;
	c->port = p;
	c->s = s;
	/* From the core's one call-id service, as the isdn and line
	 * modules' calls: a CALL_HANGUP names one carrier's call. After a
	 * wrap, an id still held here is skipped. */
	do
		c->call_id = vpdn_core_call_id(m->core);
	while (g_tree_lookup(m->calls, GUINT_TO_POINTER(c->call_id)));
	s->data = c;
	g_tree_insert(m->calls, GUINT_TO_POINTER(c->call_id), c);
	return c;
}

/* Restart in place (pppoe-state.c): the call of a session rebuilt open,
 * with its call id, its link (named as the session) at end A. */
struct pppoe_call *pppoe_call_restore(struct pppoe_module *m, struct pppoe_port *p,
				      struct pppoe_session *s, uint32_t call_id)
{
	struct pppoe_call *c = g_new0(struct pppoe_call, 1);

	c->m = m;
	c->port = p;
	c->s = s;
	c->call_id = call_id;
	c->connected = true;
	s->data = c;
	g_tree_insert(m->calls, GUINT_TO_POINTER(c->call_id), c);
	c->link = vpdn_link_new(s->name);
	vpdn_link_attach(c->link, VPDN_LINK_A, &link_ops, c);
	return c;
}

void pppoe_call_clear(struct pppoe_call *c, const char *why)
{
	call_end(c, VPDN_CAUSE_NORMAL_CLEARING, why, true);
}

void pppoe_flush(struct pppoe_module *m)
{
	if (m->ntx)
		flush_tx(m);
}

static void incoming_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct pppoe_call *c = data;

	c->req = NULL;
	if (c->dead)
		return;
	if (status < 0) {
		(*c->m->e->c.open_failed)++;
		vpdn_warn(c->m->log, "%s PPPoE: %s: nobody answers (%s), PADT sent",
			  c->port->ifc->name, vpdn_link_name(c->link),
			  status == -ENOENT ? "no dialer/PPP for this interface" : "refused");
		call_end(c, -status < 128 ? -status : VPDN_CAUSE_CALL_REJECTED, "not answered", true);
		return;
	}
	c->connected = true;
	struct vpdn_ev_call ev;
	fill_call(c, &ev, VPDN_CALL_IN, 0);
	vpdn_bus_publish(c->m->bus, VPDN_EV_CALL_CONNECTED, &ev);
}

/* engine: a session is open (server: PADS sent; client: PADS received) */
static int on_session_open(void *ctx, struct pppoe_session *s)
{
	struct pppoe_module *m = ctx;
	struct pppoe_port *p = s->ifc->data;
	struct pppoe_call *c = s->data;
	struct vpdn_ev_call ev;

	if (s->role == PPPOE_ROLE_CLIENT) {
		if (!c)
			return -ENOENT;
		c->link = vpdn_link_new(s->name);
		vpdn_link_attach(c->link, VPDN_LINK_A, &link_ops, c);
		c->connected = true;
		pppoe_mac_format(s->peer, c->calling, sizeof(c->calling));
		vpdn_info(m->log, "%s PPPoE: %s up, session %u with %s (AC \"%s\"), payload %u",
			  p->ifc->name, s->name, s->id, c->calling, s->ac_name ? s->ac_name : "",
			  s->mtu);
		fill_call(c, &ev, VPDN_CALL_OUT, 0);
		struct vpdn_request *req = c->req;
		c->req = NULL;
		vpdn_request_complete(req, 0, &ev);
		return 0;
	}
	c = call_new(m, p, s);
	c->config = g_strdup(p->ifc->group->config);
	pppoe_mac_format(s->peer, c->calling, sizeof(c->calling));
	c->link = vpdn_link_new(s->name);
	vpdn_link_attach(c->link, VPDN_LINK_A, &link_ops, c);
	vpdn_info(m->log, "%s PPPoE: %s session %u from %s, service \"%s\", payload %u, "
		  "answered by %s", p->ifc->name, s->name, s->id, c->calling,
		  s->service ? s->service : "", s->mtu, p->ifc->group->config);
	fill_call(c, &ev, VPDN_CALL_IN, 0);
	c->publishing = true;
	struct vpdn_request *req = vpdn_bus_request(m->bus, VPDN_EV_CALL_INCOMING, &ev,
						    incoming_done, c);
	c->publishing = false;
	if (c->dead) {
		if (req)
			vpdn_request_cancel(req);
		call_free(c);
		return 0;
	}
	if (req && !c->connected)
		c->req = req;
	return 0;
}

/* engine: the session ended by itself (PADT from the peer, a client's
 * discovery failed) */
static void on_session_closed(void *ctx, struct pppoe_session *s, const char *reason)
{
	struct pppoe_call *c = s->data;

	if (!c)
		return;
	c->s = NULL;
	s->data = NULL;
	if (c->req && !c->connected) {   /* client discovery failed */
		struct vpdn_request *req = c->req;
		c->req = NULL;
		g_tree_steal(c->m->calls, GUINT_TO_POINTER(c->call_id));
		vpdn_request_complete(req, -VPDN_CAUSE_NO_USER_RESPONDING, NULL);
		call_free(c);
		return;
	}
	call_end(c, VPDN_CAUSE_NORMAL_CLEARING, reason, false);
}

static int on_send_disc(void *ctx, struct pppoe_if *ifc, const uint8_t dst[6],
			const uint8_t *pkt, size_t len)
{
	struct pppoe_port *p = ifc->data;
	uint8_t buf[PPPOE_ETH_HLEN + PPPOE_ETH_DATA_MAX];

	if (len > PPPOE_ETH_DATA_MAX)
		return -EMSGSIZE;
	if (p->m->ntx)
		flush_tx(p->m);   /* a PADT goes after the session's last frames */
	pppoe_eth_header(buf, dst, ifc->mac, PPPOE_ETH_P_DISC);
	memcpy(buf + PPPOE_ETH_HLEN, pkt, len);
	if (send(p->fd_disc, buf, PPPOE_ETH_HLEN + len, MSG_DONTWAIT) < 0) {
		vpdn_debug(ifc->e->log, VPDN_DEBUG_PPPOE_EVENTS, "%s PPPoE: send: %s", ifc->name,
			   g_strerror(errno));
		return -errno;
	}
	return 0;
}

static const struct pppoe_carrier_ops carrier_ops = {
	on_send_disc, on_session_open, on_session_closed,
};

/* ---- sockets ---- */

static void session_frame(struct pppoe_port *p, const uint8_t *f, size_t n)
{
	struct pppoe_engine *e = p->m->e;
	const uint8_t *payload;
	const char *why = "shorter than an Ethernet header";
	size_t plen;
	uint16_t sid;
	uint8_t buf[2 + 9000 + 2];
	char mac[20];

	(*e->c.rx_sess)++;
	if (n < PPPOE_ETH_HLEN ||
	    pppoe_session_decode(f + PPPOE_ETH_HLEN, n - PPPOE_ETH_HLEN, &sid, &payload, &plen,
				 &why) < 0) {
		(*e->c.malformed)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_PACKETS, "%s PPPoE: session packet dropped: %s",
			   p->ifc->name, why);
		return;
	}
	struct pppoe_session *s = pppoe_if_find(p->ifc, sid, f + PPPOE_ETH_ALEN);
	struct pppoe_call *c = s ? s->data : NULL;
	if (!c || !c->link || s->state != PPPOE_ST_OPEN) {
		(*e->c.sess_unknown)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_PACKETS, "%s PPPoE %u: session packet from %s "
			   "dropped: no such session of that MAC", p->ifc->name, sid,
			   pppoe_mac_format(f + PPPOE_ETH_ALEN, mac, sizeof(mac)));
		return;
	}
	if (plen > (size_t)s->mtu + 2) {
		(*e->c.too_big)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_PACKETS, "%s PPPoE %u: %zu-octet frame over the "
			   "session's payload %u dropped", p->ifc->name, sid, plen - 2, s->mtu);
		return;
	}
	buf[0] = 0xff;
	buf[1] = 0x03;
	memcpy(buf + 2, payload, plen);
	if (pppoe_capturing(c))
		pppoe_capture_frame(c, buf, plen + 2);
	vpdn_link_send(c->link, VPDN_LINK_A, buf, plen + 2);
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct pppoe_port *p = data;
	struct pppoe_module *m = p->m;
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_ll from[RX_BATCH];
	bool disc = fd == p->fd_disc;

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < RX_BATCH; i++) {
		iov[i].iov_base = m->rx[i];
		iov[i].iov_len = FRAME_MAX;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	int n = recvmmsg(fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		const uint8_t *f = m->rx[i];
		size_t len = msgs[i].msg_len;
		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC || len < PPPOE_ETH_HLEN) {
			(*m->e->c.malformed)++;
			continue;
		}
		/* not to us (another AC's unicast), or our own going out */
		if (from[i].sll_pkttype == PACKET_OTHERHOST || from[i].sll_pkttype == PACKET_OUTGOING ||
		    !memcmp(f + PPPOE_ETH_ALEN, p->ifc->mac, 6))
			continue;
		if (disc)
			pppoe_disc_input(p->ifc, f + PPPOE_ETH_ALEN, f, f + PPPOE_ETH_HLEN,
					 len - PPPOE_ETH_HLEN);
		else
			session_frame(p, f, len);
		/* A turn per frame, as the l2tp transport does: answers given
		 * at once to what this frame asked reach their requesters
		 * before the next frame is handled. */
		vpdn_bus_run_pending(m->bus);
	}
	if (m->ntx)
		flush_tx(m);
	return G_SOURCE_CONTINUE;
}

static int open_socket(int ifindex, uint16_t proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};
	/* protocol 0 until bound: no frame of another interface gets in */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* One socket per interface carries every session: a burst of set-ups
	 * (or a moment without the CPU) overflows the default 208 KiB and
	 * costs PPP retransmissions (a second each at the client). 4 MiB:
	 * forced if we may (CAP_NET_ADMIN), else up to net.core.rmem_max;
	 * failure is harmless. */
	int buf = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void port_free(gpointer x)
{
	struct pppoe_port *p = x;

	if (p->src_disc)
		g_source_remove(p->src_disc);
	if (p->src_sess)
		g_source_remove(p->src_sess);
	if (p->fd_disc >= 0)
		close(p->fd_disc);
	if (p->fd_sess >= 0)
		close(p->fd_sess);
	pppoe_if_free(p->ifc);
	g_free(p->service);
	g_free(p->ac_name);
	g_free(p);
}

/* Find the interface by name and open its sockets. -ENODEV: not there
 * (yet); the port waits for rtnetlink to announce it. */
int pppoe_port_attach(struct pppoe_port *p)
{
	struct pppoe_module *m = p->m;
	const char *name = p->ifc->name;
	struct ifreq ifr;
	int ifindex = (int)if_nametoindex(name), fd, r;

	if (!ifindex)
		return -ENODEV;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	r = ioctl(fd, SIOCGIFHWADDR, &ifr);
	struct ifreq mtu = ifr, flags = ifr;
	int mr = ioctl(fd, SIOCGIFMTU, &mtu);
	int fr = ioctl(fd, SIOCGIFFLAGS, &flags);
	close(fd);
	if (r < 0 || ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */) {
		vpdn_err(m->log, "%s PPPoE: not an Ethernet interface", name);
		return -EMEDIUMTYPE;
	}
	p->ifc->ifindex = ifindex;
	memcpy(p->ifc->mac, ifr.ifr_hwaddr.sa_data, 6);
	p->down = fr == 0 && (!(flags.ifr_flags & IFF_UP) || !(flags.ifr_flags & IFF_RUNNING));
	p->ifc->eth_mtu = PPPOE_ETH_DATA_MAX;
	if (mr == 0 && mtu.ifr_mtu >= 1280)
		p->ifc->eth_mtu = (unsigned)mtu.ifr_mtu > 9000 ? 9000 : (unsigned)mtu.ifr_mtu;
	/* A restart in place hands the sockets over (pppoe-state.c). */
	p->fd_disc = pppoe_state_take_socket(m, name, "disc", ifindex, PPPOE_ETH_P_DISC);
	p->fd_sess = pppoe_state_take_socket(m, name, "sess", ifindex, PPPOE_ETH_P_SESS);
	if ((p->fd_disc < 0 && (p->fd_disc = open_socket(ifindex, PPPOE_ETH_P_DISC)) < 0) ||
	    (p->fd_sess < 0 && (p->fd_sess = open_socket(ifindex, PPPOE_ETH_P_SESS)) < 0)) {
		r = p->fd_disc < 0 ? p->fd_disc : p->fd_sess;
		vpdn_err(m->log, "%s PPPoE: AF_PACKET socket: %s", name, g_strerror(-r));
		if (p->fd_disc >= 0)
			close(p->fd_disc);
		p->fd_disc = p->fd_sess = -1;
		p->ifc->ifindex = 0;
		return r;
	}
	p->src_disc = g_unix_fd_add(p->fd_disc, G_IO_IN, on_readable, p);
	p->src_sess = g_unix_fd_add(p->fd_sess, G_IO_IN, on_readable, p);
	p->attached = true;
	char mac[20];
	vpdn_info(m->log, "%s PPPoE: %s%s%s on %s", name,
		  p->ifc->group ? "access concentrator, bba-group " : "",
		  p->ifc->group ? p->ifc->group->name : "", p->ifc->client ?
		  (p->ifc->group ? ", client" : "client") : "",
		  pppoe_mac_format(p->ifc->mac, mac, sizeof(mac)));
	return 0;
}

/* The interface is gone: its sessions end, its sockets close; the port
 * waits for an interface of that name again. */
void pppoe_port_detach(struct pppoe_port *p, const char *why)
{
	unsigned n = pppoe_if_down(p->ifc, why);

	if (p->m->ntx)
		flush_tx(p->m);   /* nothing queued may name a closed socket */
	if (p->src_disc)
		g_source_remove(p->src_disc);
	if (p->src_sess)
		g_source_remove(p->src_sess);
	p->src_disc = p->src_sess = 0;
	if (p->fd_disc >= 0)
		close(p->fd_disc);
	if (p->fd_sess >= 0)
		close(p->fd_sess);
	p->fd_disc = p->fd_sess = -1;
	p->ifc->ifindex = 0;
	p->attached = false;
	p->down = true;
	vpdn_warn(p->m->log, "%s PPPoE: %s, %u session%s ended; waiting for it", p->ifc->name, why,
		  n, n == 1 ? "" : "s");
}

int pppoe_port_open(struct pppoe_module *m, cfg_t *s)
{
	const char *name = cfg_title(s);
	const char *grp = cfg_getstr(s, "pppoe-enable");
	static const uint8_t none[6];
	int r;

	struct pppoe_port *p = g_new0(struct pppoe_port, 1);
	p->m = m;
	p->fd_disc = p->fd_sess = -1;
	p->down = true;
	p->ifc = pppoe_if_new(m->e, name, 0, none);
	p->ifc->data = p;
	p->ifc->group = grp ? pppoe_group_find(m, grp) : NULL;
	p->ifc->client = cfg_getbool(s, "pppoe-client");
	p->service = g_strdup(cfg_getstr(s, "pppoe-service-name"));
	p->ac_name = g_strdup(cfg_getstr(s, "pppoe-ac-name"));
	p->want_payload = (uint16_t)cfg_getint(s, "pppoe-max-payload");
	g_ptr_array_add(m->ports, p);
	if ((r = pppoe_port_attach(p)) == -ENODEV) {
		/* a VLAN or veth made later: rtnetlink tells us when it comes */
		vpdn_warn(m->log, "%s PPPoE: no such interface yet; waiting for it", name);
		return 0;
	}
	return r;
}

/* ---- bus ---- */

struct pppoe_port *pppoe_port_find(struct pppoe_module *m, const char *name)
{
	for (guint i = 0; name && i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		if (!strcmp(p->ifc->name, name))
			return p;
	}
	return NULL;
}

static enum vpdn_bus_verdict on_call_place(const struct vpdn_event *ev, void *data)
{
	struct pppoe_module *m = data;
	const struct vpdn_ev_call_place *cp = ev->payload;
	struct pppoe_port *p = cp ? pppoe_port_find(m, cp->port) : NULL;
	struct vpdn_request *req;

	if (!p || !p->ifc->client)
		return VPDN_BUS_PASS;
	if (!(req = vpdn_event_take_request(ev)))
		return VPDN_BUS_CLAIM;
	if (p->down) {
		vpdn_notice(m->log, "%s PPPoE: interface down, not dialing", p->ifc->name);
		vpdn_request_complete(req, -VPDN_CAUSE_NETWORK_OUT_OF_ORDER, NULL);
		return VPDN_BUS_CLAIM;
	}
	struct pppoe_session *s = pppoe_client_start(p->ifc, p->service, p->ac_name,
						     p->want_payload);
	struct pppoe_call *c = call_new(m, p, s);
	c->req = req;
	snprintf(c->calling, sizeof(c->calling), "%s", "");
	vpdn_info(m->log, "%s PPPoE: %s dialing, service \"%s\"", p->ifc->name, s->name,
		  p->service);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_call_hangup(const struct vpdn_event *ev, void *data)
{
	struct pppoe_module *m = data;
	const struct vpdn_ev_call_hangup *h = ev->payload;
	struct pppoe_call *c = h ? g_tree_lookup(m->calls, GUINT_TO_POINTER(h->call_id))
				 : NULL;

	if (!c)
		return VPDN_BUS_PASS;
	if (c->req && !c->connected) {   /* a client still discovering */
		struct pppoe_session *s = c->s;
		struct vpdn_request *req = c->req;
		c->req = NULL;
		c->s = NULL;
		if (s) {
			s->data = NULL;
			pppoe_session_free(s);
		}
		g_tree_steal(m->calls, GUINT_TO_POINTER(c->call_id));
		vpdn_request_complete(req, -VPDN_CAUSE_NORMAL_CLEARING, NULL);
		call_free(c);
		return VPDN_BUS_CLAIM;
	}
	call_end(c, h->cause ? h->cause : VPDN_CAUSE_NORMAL_CLEARING, "hung up", true);
	return VPDN_BUS_CLAIM;
}

void pppoe_module_free(struct pppoe_module *m)
{
	GTreeNode *n;

	if (!m)
		return;
	pppoe_bus_unregister(m);
	if (m->cap)
		pppoe_capture_stop(m, NULL);
	pppoe_netlink_close(m);
	if (m->sub_place)
		vpdn_bus_unsubscribe(m->bus, m->sub_place);
	if (m->sub_hangup)
		vpdn_bus_unsubscribe(m->bus, m->sub_hangup);
	/* the node stops: every session ends with a PADT */
	while ((n = g_tree_node_first(m->calls))) {
		struct pppoe_call *c = g_tree_node_value(n);
		g_tree_steal(m->calls, g_tree_node_key(n));
		if (c->s) {
			c->s->data = NULL;
			pppoe_session_terminate(c->s, "node stopping");
			c->s = NULL;
		}
		call_free(c);
	}
	g_tree_destroy(m->calls);
	if (m->ntx)
		flush_tx(m);   /* the PADTs above went direct; data still queued goes now */
	if (m->flush) {
		g_source_destroy(m->flush);
		g_source_unref(m->flush);
	}
	if (m->ports)
		g_ptr_array_free(m->ports, TRUE);
	if (m->groups)
		g_ptr_array_free(m->groups, TRUE);
	pppoe_engine_free(m->e);
	g_free(m);
}

static gint cmp_id(gconstpointer a, gconstpointer b)
{
	guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return x < y ? -1 : x > y;
}

int pppoe_module_new(struct vpdn_core *core, cfg_t *cfg, struct pppoe_module **out)
{
	struct pppoe_module *m = g_new0(struct pppoe_module, 1);
	int r = 0;

	m->core = core;
	m->bus = vpdn_core_bus(core);
	m->log = vpdn_core_log(core);
	m->e = pppoe_engine_new(core, &carrier_ops, m);
	m->e->sessions_max = (unsigned)cfg_getint(cfg, "pppoe-sessions-max");
	m->groups = g_ptr_array_new_with_free_func(pppoe_group_free);
	m->ports = g_ptr_array_new_with_free_func(port_free);
	m->calls = g_tree_new(cmp_id);
	for (unsigned i = 0; i < cfg_size(cfg, "bba-group"); i++)
		g_ptr_array_add(m->groups, pppoe_group_load(cfg_getnsec(cfg, "bba-group", i),
						     vpdn_core_hostname(core)));
	/* before the interfaces are looked up: none appears unseen */
	if ((r = pppoe_netlink_open(m)) < 0) {
		vpdn_err(m->log, "PPPoE: rtnetlink socket: %s", g_strerror(-r));
		goto fail;
	}
	for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		if (!cfg_getstr(s, "pppoe-enable") && !cfg_getbool(s, "pppoe-client"))
			continue;
		if ((r = pppoe_port_open(m, s)) < 0)
			goto fail;
	}
	m->flush = g_source_new(&flush_funcs, sizeof(struct flush_source));
	((struct flush_source *)m->flush)->m = m;
	g_source_set_priority(m->flush, G_PRIORITY_HIGH);
	g_source_attach(m->flush, NULL);
	m->sub_place = vpdn_bus_subscribe(m->bus, VPDN_EV_CALL_PLACE, on_call_place, m);
	m->sub_hangup = vpdn_bus_subscribe(m->bus, VPDN_EV_CALL_HANGUP, on_call_hangup, m);
	if ((r = pppoe_bus_register(m)) < 0) {
		vpdn_err(m->log, "PPPoE: Failed to add the D-Bus object: %s", g_strerror(-r));
		goto fail;
	}
	*out = m;
	return 0;
fail:
	pppoe_module_free(m);
	return r;
}

