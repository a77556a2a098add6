/* SPDX-License-Identifier: MIT */
/* The ip module's interfaces and their data path: TUN devices (one per
 * interface, or the shared one), packets between the kernel and the
 * sessions' network links (fitted to the peer's MRU), the dial-on-demand
 * queue of an idle dialer profile, and a TUN device deleted under the
 * node. Sessions come and go in ip-network.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <glib-unix.h>
#include <string.h>

#include "frag.h"
#include "gso.h"
#include "ip-private.h"

/* ---- interfaces ---- */

static int tun_drain(struct ip_module *m, struct ip_iface *ifc, int fd);
static void tun_lost(struct ip_module *m, struct ip_iface *ifc, int err);

/* A TUN whose device was deleted (`ip link del vi1`) is readable forever:
 * poll reports POLLERR and read fails with EBADFD. Either ends the device:
 * tun_lost() stops polling it (the source is removed here or by
 * tun_lost itself; ifc may be freed when this returns). */
static gboolean on_tun_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct ip_iface *ifc = data;
	int r = (cond & (G_IO_ERR | G_IO_HUP | G_IO_NVAL)) ? -EBADFD : tun_drain(ifc->m, ifc, fd);

	if (r == -EAGAIN)
		return G_SOURCE_CONTINUE;
	ifc->source = 0; /* this source goes with the return value */
	tun_lost(ifc->m, ifc, r);
	return G_SOURCE_REMOVE;
}

static gboolean on_shared_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct ip_module *m = data;
	int r = (cond & (G_IO_ERR | G_IO_HUP | G_IO_NVAL)) ? -EBADFD : tun_drain(m, NULL, fd);

	if (r == -EAGAIN)
		return G_SOURCE_CONTINUE;
	m->shared_source = 0;
	tun_lost(m, NULL, r);
	return G_SOURCE_REMOVE;
}

/* Say which offloads the kernel took for a new TUN: at info for the
 * first one the module opens, at debug for the others (one a session in
 * per-interface mode). */
void ip_tun_log_offloads(struct ip_module *m, const char *kname, int fd)
{
	unsigned o;

	if (!m->ops->tun_offloads)
		return;
	o = m->ops->tun_offloads(m->ops_ctx, fd);
	char text[96];
	g_snprintf(text, sizeof(text), "%s%s%s%s%s%s", (o & IP_TUN_VNET) ? "vnet-hdr" : "none",
		   (o & 0x01) ? " csum" : "", (o & 0x02) ? " tso4" : "", (o & 0x04) ? " tso6" : "",
		   (o & 0x20) ? " uso4" : "", (o & 0x40) ? " uso6" : "");
	if (!m->offloads_logged)
		vpdn_info(m->log, "IP: TUN %s offloads: %s", kname, text);
	else
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "IP: TUN %s offloads: %s", kname, text);
	m->offloads_logged = true;
}

void ip_shared_watch(struct ip_module *m)
{
	if (m->ops->pollable)
		m->shared_source = g_unix_fd_add(m->shared_fd, G_IO_IN, on_shared_readable, m);
}

static void publish_iface(struct ip_module *m, struct ip_iface *ifc, uint32_t type)
{
	struct vpdn_ev_interface ev = {
		.size = sizeof(ev), .name = ifc->name, .kernel_name = ifc->kname,
		.ifindex = ifc->ifindex,
	};
	vpdn_bus_publish(m->bus, type, &ev);
}

void ip_dod_flush_drop(struct ip_iface *ifc, const char *why)
{
	struct ip_module *m = ifc->m;
	struct ip_dod *d = ifc->dod;
	if (!d)
		return;
	if (d->qlen)
		vpdn_debug(m->log, VPDN_DEBUG_DIALER_EVENTS, "%s IP: %s, %u queued packets dropped",
			   ifc->name, why, d->qlen);
	*m->dod_dropped += d->qlen;
	d->qlen = d->qhead = 0;
	d->dialing = false;
	vpdn_timer_cancel(m->timers, &d->dial_timer);
}

static void on_dial_timeout(struct vpdn_timer *t, void *data)
{
	ip_dod_flush_drop(data, "dial timed out");
}

struct ip_iface *ip_iface_find(struct ip_module *m, const char *name)
{
	return name ? g_hash_table_lookup(m->ifaces, name) : NULL;
}

int ip_iface_new(struct ip_module *m, const char *name, bool dialer, struct ip_iface **out)
{
	struct ip_iface *ifc = g_new0(struct ip_iface, 1);
	int r;

	ifc->m = m;
	ifc->name = g_strdup(name);
	ifc->dialer = dialer;
	ifc->fd = -1;
	if (m->mode == IP_MODE_SHARED) {
		g_strlcpy(ifc->kname, m->shared_name, IFNAMSIZ);
		ifc->ifindex = m->shared_ifindex;
	} else {
		ip_kernel_name(name, ifc->kname);
		r = ip_state_take_tun(m, ifc->kname, &ifc->ifindex);
		ifc->adopted = r >= 0;
		if (r < 0)
			r = m->ops->tun_open(m->ops_ctx, ifc->kname, m->mtu, &ifc->ifindex);
		if (r < 0) {
			vpdn_err(m->log, "%s IP: Failed to create TUN %s: %s", name, ifc->kname,
				 g_strerror(-r));
			goto fail;
		}
		ifc->fd = r;
		if (m->ops->pollable)
			ifc->source = g_unix_fd_add(ifc->fd, G_IO_IN, on_tun_readable, ifc);
		ip_tun_log_offloads(m, ifc->kname, ifc->fd);
		ip_gro_init(m);
	}
	if (dialer) {
		unsigned cap = m->dod_queue;
		ifc->dod = g_malloc0(sizeof(*ifc->dod) + sizeof(struct ip_slot) * (cap ? cap : 1));
		ifc->dod->qcap = cap;
		vpdn_timer_init(&ifc->dod->dial_timer, on_dial_timeout, ifc);
	}
	g_hash_table_replace(m->ifaces, ifc->name, ifc);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: interface created on %s (ifindex %d)",
		   name, ifc->kname, ifc->ifindex);
	ip_bus_obj_add(m, &ifc->obj, false);
	publish_iface(m, ifc, VPDN_EV_INTERFACE_CREATED);
	*out = ifc;
	return 0;
fail:
	g_free(ifc->name);
	g_free(ifc);
	return r;
}

/* Called by the hash table's value destructor. */
void ip_iface_free(gpointer p)
{
	struct ip_iface *ifc = p;
	struct ip_module *m = ifc->m;

	if (ifc->dod)
		vpdn_timer_cancel(m->timers, &ifc->dod->dial_timer);
	if (ifc->source)
		g_source_remove(ifc->source);
	if (ifc->fd >= 0) {
		ip_gro_flush(m);
		m->ops->tun_close(m->ops_ctx, ifc->fd);
	}
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: interface %s removed", ifc->name,
		   ifc->kname);
	publish_iface(m, ifc, VPDN_EV_INTERFACE_DESTROYED);
	ip_bus_obj_remove(m, &ifc->obj);
	g_free(ifc->user);
	g_free(ifc->profile);
	g_free(ifc->link_name);
	g_free(ifc->c6);
	g_free(ifc->dod);
	g_free(ifc->framed);
	g_free(ifc->name);
	g_free(ifc);
}

unsigned ip_ifaces_up(struct ip_module *m)
{
	GHashTableIter it;
	gpointer k, v;
	unsigned n = 0;

	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v))
		n += ((struct ip_iface *)v)->net != NULL;
	return n;
}

void ip_iface_destroy(struct ip_iface *ifc)
{
	g_hash_table_remove(ifc->m->ifaces, ifc->name);
}

/* ---- the data path ---- */

static void net_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct ip_iface *ifc = ctx;
	struct ip_module *m = ifc->m;
	int fd = ifc->fd >= 0 ? ifc->fd : m->shared_fd;

	if (len && (data[0] >> 4) == 6) {
		ip6_from_session(ifc, data, len);
		return;
	}
	if (len < 20 || (data[0] >> 4) != 4 || !ifc->v4_up) {
		(*m->drops)++;
		ifc->ndrops++;
		return;
	}
	if (m->gro) {
		int r;

		if (m->gro->len && m->gro->fd != fd)
			ip_gro_flush(m);
		r = ip_gro_add(m->gro, data, len);
		if (r == 0) {
			ip_gro_flush(m);
			r = ip_gro_add(m->gro, data, len);
		}
		if (r == 1) {
			m->gro->fd = fd;
			goto counted;
		}
		ip_gro_flush(m);
	}
	if (m->ops->tun_write(m->ops_ctx, fd, data, len) < 0) {
		(*m->drops)++;
		ifc->ndrops++;
		return;
	}
counted:
	(*m->tx)++;
	ifc->pkts_in++;
	ifc->bytes_in += len;
}

/*
 * Coalescing into the TUN: the TCP segments a batch of datagrams brings
 * for one flow are written as one super-packet (gso.c's ip_gro) when the
 * batch is over (a prepare()-only GSource, as the l2tp transport flushes
 * its queue) or another packet comes between. Counted as the segments
 * came; a failed write counts its segments as drops (module-wide: the
 * session may be gone).
 */
void ip_gro_flush(struct ip_module *m)
{
	struct virtio_net_hdr vh;
	unsigned segs;
	size_t n;
	int fd;

	if (!m->gro || !m->gro->len)
		return;
	segs = m->gro->segs;
	fd = m->gro->fd;
	n = ip_gro_finish(m->gro, &vh);
	if ((vh.gso_type ? m->ops->tun_write_vnet(m->ops_ctx, fd, &vh, m->gro->buf, n)
			 : m->ops->tun_write(m->ops_ctx, fd, m->gro->buf, n)) < 0) {
		*m->drops += segs;
		return;
	}
	if (vh.gso_type)
		(*m->gro_packets)++;
}

static gboolean gro_prepare(GSource *src, gint *timeout)
{
	ip_gro_flush(*(struct ip_module **)(src + 1));
	*timeout = -1;
	return FALSE;
}

static gboolean gro_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs gro_funcs = { .prepare = gro_prepare, .dispatch = gro_dispatch };

/* Only on the kernel's TUN with headers (the first device says), never
 * with fakes: their writes stay one packet each. VPDND_TUN_GRO=0: off. */
void ip_gro_init(struct ip_module *m)
{
	const char *env = getenv("VPDND_TUN_GRO");
	int fd = m->shared_fd;

	if (m->gro || !m->ops->pollable || !m->ops->tun_write_vnet || !m->ops->tun_offloads ||
	    (env && strcmp(env, "0") == 0))
		return;
	if (fd < 0) {
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, m->ifaces);
		while (fd < 0 && g_hash_table_iter_next(&it, &k, &v))
			fd = ((struct ip_iface *)v)->fd;
	}
	if (fd < 0 || !(m->ops->tun_offloads(m->ops_ctx, fd) & IP_TUN_VNET))
		return;
	m->gro = g_new0(struct ip_gro, 1);
	m->gro->cap = 65535;
	m->gro->buf = g_malloc(m->gro->cap);
	m->gro->fd = -1;
	m->gro_flush = g_source_new(&gro_funcs, sizeof(GSource) + sizeof(struct ip_module *));
	*(struct ip_module **)(m->gro_flush + 1) = m;
	g_source_set_priority(m->gro_flush, G_PRIORITY_HIGH);
	g_source_set_name(m->gro_flush, "ip-tun-gro-flush");
	g_source_attach(m->gro_flush, NULL);
}

void ip_gro_fini(struct ip_module *m)
{
	if (!m->gro)
		return;
	ip_gro_flush(m);
	g_source_destroy(m->gro_flush);
	g_source_unref(m->gro_flush);
	g_free(m->gro->buf);
	g_free(m->gro);
	m->gro = NULL;
}

/* The PPP end went away without NETWORK_DOWN. ifc may be freed here. */
static void net_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	ip_iface_down(ctx, "link hung up");
}

const struct vpdn_link_ops ip_iface_net_ops = { .frame = net_frame, .hangup = net_hangup };

static void send_fit(struct ip_iface *ifc, const uint8_t *p, size_t len);

void ip_iface_send(struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	struct ip_module *m = ifc->m;
	if (ifc->mtu && len > ifc->mtu) {
		send_fit(ifc, p, len);
		return;
	}
	if (vpdn_link_send(ifc->net, VPDN_LINK_B, p, len) < 0) {
		(*m->drops)++;
		ifc->ndrops++;
	} else {
		(*m->rx)++;
		ifc->pkts_out++;
		ifc->bytes_out += len;
		if (len && (p[0] >> 4) == 6)
			ip_count6(ifc, false, len);
	}
}

static void frag_out(void *ctx, const uint8_t *f, size_t n)
{
	ip_iface_send(ctx, f, n);
}

bool ip_icmp_allowed(struct ip_module *m)
{
	uint64_t now = vpdn_timers_now(m->timers), add;

	add = (now - m->icmp_ms) * IP_ICMP_RATE / 1000;
	if (add) {
		m->icmp_tokens = (uint32_t)MIN(IP_ICMP_RATE, m->icmp_tokens + add);
		m->icmp_ms = now;
	}
	if (!m->icmp_tokens)
		return false;
	m->icmp_tokens--;
	return true;
}

/*
 * A packet from the kernel longer than the peer's MRU (the interface or
 * route MTU should have stopped it; this is the guarantee): no frame over
 * the MRU leaves. DF set: dropped, and an ICMP fragmentation-needed with
 * the MTU goes back to its source (from the peer's address: a local one
 * would be a martian to the kernel), at most IP_ICMP_RATE a second. DF
 * clear: sent in fragments.
 */
static void send_fit(struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	struct ip_module *m = ifc->m;
	int fd = ifc->fd >= 0 ? ifc->fd : m->shared_fd;
	ssize_t n;
	int r;

	if (ip_v4_check(p, len) < 0)
		goto drop;
	if (!ip_v4_df(p)) {
		r = ip_fragment(p, len, ifc->mtu, m->fbuf, sizeof(m->fbuf), frag_out, ifc);
		if (r < 0)
			goto drop;
		(*m->fragmented)++;
		return;
	}
	n = ip_icmp_frag_needed(p, len, ifc->mtu, ifc->peer, m->ibuf, sizeof(m->ibuf));
	if (n > 0 && ip_icmp_allowed(m) && fd >= 0 &&
	    m->ops->tun_write(m->ops_ctx, fd, m->ibuf, (size_t)n) >= 0) {
		(*m->frag_needed)++;
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS,
			   "%s IP: %zu-octet packet with DF over MTU %u, ICMP fragmentation needed sent",
			   ifc->name, len, ifc->mtu);
	}
drop:
	(*m->too_big)++;
	(*m->drops)++;
	ifc->ndrops++;
}

static bool family_up(const struct ip_iface *ifc, const uint8_t *p)
{
	return (p[0] >> 4) == 6 ? ifc->v6 != NULL : ifc->v4_up;
}

void ip_dod_deliver(struct ip_iface *ifc)
{
	struct ip_module *m = ifc->m;
	struct ip_dod *q = ifc->dod;
	if (!q)
		return;
	unsigned kept = 0, n = q->qlen;

	/* In order; a held packet of the family not up yet moves to the
	 * front (slot kept <= the slot it came from: no overwrite). */
	for (unsigned i = 0; i < n && ifc->net; i++) {
		struct ip_slot *s = &q->q[(q->qhead + i) % q->qcap];
		if (family_up(ifc, s->data)) {
			ip_iface_send(ifc, s->data, s->len);
			(*m->dod_delivered)++;
			continue;
		}
		struct ip_slot *d = &q->q[(q->qhead + kept) % q->qcap];
		if (d != s) {
			d->len = s->len;
			memcpy(d->data, s->data, s->len);
		}
		kept++;
	}
	if (!ifc->net)   /* hung up while sending: ip_iface_down flushed */
		return;
	q->qlen = kept;
	if (kept)        /* the other family's NCP may still open: the dial timer stays */
		return;
	q->qhead = 0;
	vpdn_timer_cancel(m->timers, &q->dial_timer);
	q->dialing = false;
}

/* A packet (IPv4, or IPv6 from ip6_from_kernel) on an idle dialer:
 * interesting traffic, held until the dial's network comes up. */
void ip_dod_packet(struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	struct ip_module *m = ifc->m;
	struct ip_dod *q = ifc->dod;

	if (!q)
		return;
	if (!q->dialing) {
		struct vpdn_ev_traffic ev = {
			.size = sizeof(ev), .interface = ifc->name, .packet = p, .len = len,
		};
		char dst[INET6_ADDRSTRLEN];
		if ((p[0] >> 4) == 6)
			inet_ntop(AF_INET6, p + 24, dst, sizeof(dst));
		else
			inet_ntop(AF_INET, p + 16, dst, sizeof(dst));
		vpdn_debug(m->log, VPDN_DEBUG_DIALER_EVENTS,
			   "%s IP: interesting traffic to %s, asking to dial", ifc->name, dst);
		q->dialing = true;
		vpdn_timer_arm(m->timers, &q->dial_timer, m->dod_timeout);
		if (vpdn_bus_publish(m->bus, VPDN_EV_INTERESTING_TRAFFIC, &ev) != 1) {
			vpdn_debug(m->log, VPDN_DEBUG_DIALER_EVENTS,
				   "%s IP: nobody dials for this interface, packet dropped",
				   ifc->name);
			(*m->unclaimed)++;
			(*m->dod_dropped)++;
			q->dialing = false;
			vpdn_timer_cancel(m->timers, &q->dial_timer);
			return;
		}
		/* The dial may have completed while we published. */
		if (ifc->net && family_up(ifc, p)) {
			ip_iface_send(ifc, p, len);
			return;
		}
	}
	if (q->qlen >= q->qcap || len > IP_DOD_SLOT) {
		(*m->dod_dropped)++;
		return;
	}
	struct ip_slot *s = &q->q[(q->qhead + q->qlen) % q->qcap];
	s->len = (uint16_t)len;
	memcpy(s->data, p, len);
	q->qlen++;
	(*m->dod_queued)++;
}

static const struct ip_route *route_lookup(struct ip_module *m, struct in_addr dst)
{
	const struct ip_route *best = NULL;
	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *r = &g_array_index(m->routes, struct ip_route, i);
		if ((dst.s_addr & ip_plen_mask(r->plen)) == r->dst.s_addr &&
		    (!best || r->plen > best->plen))
			best = r;
	}
	return best;
}

static void packet_in(struct ip_module *m, struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	if (len && (p[0] >> 4) == 6) {
		ip6_from_kernel(m, ifc, p, len);
		return;
	}
	if (len < 20 || (p[0] >> 4) != 4) {
		(*m->drops)++;
		return;
	}
	if (!ifc) { /* shared device: by peer, then by static route */
		struct in_addr dst;
		const struct ip_route *r;
		memcpy(&dst, p + 16, 4);
		ifc = g_hash_table_lookup(m->peers, GUINT_TO_POINTER(dst.s_addr));
		if (!ifc && (r = route_lookup(m, dst)))
			ifc = ip_iface_find(m, r->ifname);
		if (!ifc) {
			(*m->drops)++;
			return;
		}
	}
	if (ifc->net && ifc->v4_up)
		ip_iface_send(ifc, p, len);
	else if (ifc->net)   /* IPv6 alone on the session */
		(*m->drops)++;
	else if (ifc->dialer)
		ip_dod_packet(ifc, p, len);
	else
		(*m->drops)++;
}

/* The MTU a super-packet's segments must fit: the session's, when the
 * device (or, shared, the IPv4 destination) says which; 0 when unknown
 * (segments of gso_size: the kernel's own MSS for the route). */
static unsigned gso_mtu(struct ip_module *m, struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	if (!ifc && len >= 20 && (p[0] >> 4) == 4) {
		uint32_t dst;

		memcpy(&dst, p + 16, 4);
		ifc = g_hash_table_lookup(m->peers, GUINT_TO_POINTER(dst));
	}
	return ifc ? ifc->mtu : 0;
}

struct seg_ctx {
	struct ip_module *m;
	struct ip_iface *ifc;
};

static void seg_out(void *ctx, const uint8_t *seg, size_t n)
{
	struct seg_ctx *c = ctx;

	packet_in(c->m, c->ifc, seg, n);
}

/*
 * A packet read with its virtio_net_hdr (the TUN's offloads): a
 * super-packet goes out as segments that fit the session's MTU, each
 * through packet_in as if the kernel had sent it alone (counters, the
 * MTU guarantee, dial on demand); a packet whose checksum the kernel left
 * to us (NEEDS_CSUM) has it completed first.
 */
static void vnet_packet_in(struct ip_module *m, struct ip_iface *ifc, uint8_t *p, size_t len,
			   const struct virtio_net_hdr *vh)
{
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		struct seg_ctx c = { m, ifc };
		unsigned mtu = gso_mtu(m, ifc, p, len), mss = 0;
		int hl = ip_gso_hdrlen(p, len, vh), r;

		if (hl > 0 && mtu > (unsigned)hl)
			mss = mtu - (unsigned)hl;
		r = hl < 0 ? hl : ip_gso_segment(p, len, vh, mss, m->sbuf, IP_RBUF, seg_out, &c);
		if (r < 0) {
			(*m->drops)++;
			vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS,
				   "IP: %zu-octet super-packet (gso type %u, size %u) dropped: %s", len,
				   vh->gso_type, vh->gso_size, g_strerror(-r));
		} else {
			(*m->gso_packets)++;
		}
		return;
	}
	if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    ip_csum_complete(p, len, vh->csum_start, vh->csum_offset) < 0) {
		(*m->drops)++;
		return;
	}
	packet_in(m, ifc, p, len);
}

/* Read up to a batch of packets. Returns -EAGAIN when the device is
 * fine (drained, or more next time), another negative errno when it is
 * unusable (EBADFD: deleted; EIO, ENODEV...). */
static int tun_drain(struct ip_module *m, struct ip_iface *ifc, int fd)
{
	for (int i = 0; i < IP_BATCH; i++) {
		struct virtio_net_hdr vh;
		ssize_t n;

		if (m->ops->tun_read_vnet)
			n = m->ops->tun_read_vnet(m->ops_ctx, fd, &vh, m->rbuf, IP_RBUF);
		else
			n = m->ops->tun_read(m->ops_ctx, fd, m->rbuf, IP_RBUF);
		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n < 0)
			return (int)n;
		if (m->ops->tun_read_vnet && (vh.gso_type || vh.flags))
			vnet_packet_in(m, ifc, m->rbuf, (size_t)n, &vh);
		else
			packet_in(m, ifc, m->rbuf, (size_t)n);
	}
	return -EAGAIN;
}

void ip_module_tun_input(struct ip_module *m, int fd)
{
	GHashTableIter it;
	gpointer k, v;
	int r;

	if (m->mode == IP_MODE_SHARED && fd == m->shared_fd) {
		if ((r = tun_drain(m, NULL, fd)) != -EAGAIN)
			tun_lost(m, NULL, r);
		return;
	}
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct ip_iface *ifc = v;
		if (ifc->fd == fd) {
			if ((r = tun_drain(m, ifc, fd)) != -EAGAIN)
				tun_lost(m, ifc, r);
			return;
		}
	}
}

/* ---- a TUN device gone under us ---- */

/* Close the session on ifc: the IP side is gone, so the PPP session
 * (told by a hang-up of the network link) closes with that cause and its
 * carrier (an L2TP session: CDN) follows. ifc may be freed (a Vi). */
static void iface_session_lost(struct ip_iface *ifc, const char *why)
{
	struct vpdn_link *net;

	if (!ifc->net)
		return;
	net = vpdn_link_ref(ifc->net);
	/* The kernel took the device's address and route with it. */
	ifc->addr_added = ifc->route_added = false;
	ip_iface_down(ifc, why);
	vpdn_link_hangup(net, VPDN_LINK_B, -ENODEV);
	vpdn_link_unref(net);
}

/* A dialer profile's TUN exists while idle (static routes point at it):
 * make it again so dial on demand works after the loss. */
static void dialer_tun_reopen(struct ip_iface *ifc)
{
	struct ip_module *m = ifc->m;
	int r = m->ops->tun_open(m->ops_ctx, ifc->kname, m->mtu, &ifc->ifindex);

	if (r < 0) {
		vpdn_err(m->log, "%s IP: Failed to re-create TUN %s: %s", ifc->name, ifc->kname,
			 g_strerror(-r));
		return;
	}
	ifc->fd = r;
	if (m->ops->pollable)
		ifc->source = g_unix_fd_add(ifc->fd, G_IO_IN, on_tun_readable, ifc);
	ip_static_routes_restore(ifc);
	vpdn_info(m->log, "%s IP: TUN %s re-created (ifindex %d)", ifc->name, ifc->kname,
		  ifc->ifindex);
}

/*
 * The TUN behind ifc (per-interface mode) or the shared one (ifc NULL) is
 * unusable. Stop polling it (a deleted device polls POLLERR forever: the
 * spin this prevents), close it, count it, log it, and close the sessions
 * that ran on it with that cause: a session without a device has no data
 * path, and its kernel state (address, host route) went with the device.
 *
 * The shared device is then made again at once, empty, for new sessions.
 * Its sessions are not re-attached: re-installing every session's route
 * behind an operator's back would hide the deletion, and clients that
 * redial get all their state from the normal path. Sessions see a CDN
 * (L2TP) or Terminate-Request (PPP) with the reason, not a silent stall.
 */
static void tun_lost(struct ip_module *m, struct ip_iface *ifc, int err)
{
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *on_shared;
	int r;

	(*m->tun_lost)++;
	ip_gro_flush(m);
	if (ifc) {
		vpdn_err(m->log, "%s IP: TUN %s lost (%s): interface down%s", ifc->name,
			 ifc->kname, g_strerror(-err), ifc->net ? ", session closed" : "");
		if (ifc->source)
			g_source_remove(ifc->source);
		ifc->source = 0;
		if (ifc->fd >= 0)
			m->ops->tun_close(m->ops_ctx, ifc->fd);
		ifc->fd = -1;
		ifc->ifindex = 0;
		if (ifc->dialer) {
			iface_session_lost(ifc, "TUN lost");
			dialer_tun_reopen(ifc);
		} else if (ifc->net) {
			iface_session_lost(ifc, "TUN lost"); /* frees ifc */
		} else {
			ip_iface_destroy(ifc);
		}
		return;
	}
	vpdn_err(m->log, "IP: shared TUN %s lost (%s): %u sessions closed", m->shared_name,
		 g_strerror(-err), ip_ifaces_up(m));
	if (m->shared_source)
		g_source_remove(m->shared_source);
	m->shared_source = 0;
	if (m->shared_fd >= 0)
		m->ops->tun_close(m->ops_ctx, m->shared_fd);
	m->shared_fd = -1;
	/* Every interface is on the shared device; collect first (closing
	 * one changes the tables). */
	on_shared = g_ptr_array_new();
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct ip_iface *)v)->net)
			g_ptr_array_add(on_shared, vpdn_link_ref(((struct ip_iface *)v)->net));
	for (guint i = 0; i < on_shared->len; i++) {
		struct ip_iface *s = ip_iface_by_net(m, on_shared->pdata[i]);
		if (s)
			iface_session_lost(s, "shared TUN lost");
	}
	for (guint i = 0; i < on_shared->len; i++)
		vpdn_link_unref(on_shared->pdata[i]);
	g_ptr_array_free(on_shared, TRUE);
	r = m->ops->tun_open(m->ops_ctx, m->shared_name, m->mtu, &m->shared_ifindex);
	if (r < 0) {
		vpdn_err(m->log, "IP: Failed to re-create shared TUN %s: %s", m->shared_name,
			 g_strerror(-r));
		return;
	}
	m->shared_fd = r;
	ip_shared_watch(m);
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct ip_iface *d = v;
		d->ifindex = m->shared_ifindex;
		if (d->dialer)
			ip_static_routes_restore(d);
	}
	vpdn_info(m->log, "IP: shared TUN %s re-created (ifindex %d)", m->shared_name,
		  m->shared_ifindex);
}

/* (Re)install the static routes through a dialer interface. The kernel
 * flushes a device's routes when its last IPv4 address goes, which a
 * dialer profile's session address is when the call ends. */
void ip_static_routes_restore(struct ip_iface *ifc)
{
	struct ip_module *m = ifc->m;

	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *rt = &g_array_index(m->routes, struct ip_route, i);
		if (ip_iface_find(m, rt->ifname) != ifc)
			continue;
		int r = m->ops->route(m->ops_ctx, true, ifc->ifindex, rt->dst, rt->plen,
				      (struct in_addr){ 0 }, IP_STATIC_METRIC, 0);
		if (r < 0 && r != -EEXIST)
			vpdn_warn(m->log, "%s IP: Failed to restore a static route: %s", ifc->name,
				  g_strerror(-r));
	}
}
