/* SPDX-License-Identifier: MIT */
/* The ip module: TUN-backed interfaces, addresses, routes, dial on demand,
 * shared mode. See ip.h; the D-Bus side is ip-bus.c, the shared state
 * ip-private.h. */
#include "ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/dbus.h>

#include "frag.h"
#include "ip-private.h"

#define IP_BATCH 64          /* packets read per readable fd */
#define IP_RBUF 65536

static cfg_opt_t ip_sec_opts[] = {
	CFG_STR("mode", "per-interface", CFGF_NONE),
	CFG_STR("shared-device", "vpdn0", CFGF_NONE),
	CFG_INT("dod-queue", 32, CFGF_NONE),
	CFG_INT("dod-timeout", 60000, CFGF_NONE), /* ms to wait for the dial */
	CFG_INT("mtu", 1500, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t ip_route_opts[] = {
	CFG_STR("interface", NULL, CFGF_NONE),
	CFG_END()
};

cfg_opt_t ip_options[] = {
	CFG_SEC("ip", ip_sec_opts, CFGF_NONE),
	CFG_SEC("ip-route", ip_route_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_END()
};

cfg_opt_t ip_interface_options[] = {
	CFG_BOOL("ip-dialer", cfg_false, CFGF_NONE),
	CFG_END()
};

/* ---- names and addresses ---- */

static bool has_prefix_ci(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);
	if (g_ascii_strncasecmp(s, p, n))
		return false;
	*rest = s + n;
	return true;
}

void ip_kernel_name(const char *ios, char out[IFNAMSIZ])
{
	static const struct { const char *ios, *k; } map[] = {
		{ "Virtual-Access", "vi" }, { "Virtual-Template", "vt" },
		{ "Dialer", "dialer" }, { "Vi", "vi" }, { "Di", "dialer" },
		{ "Loopback", "lo" },
	};
	const char *rest = ios ? ios : "";
	size_t n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
		const char *r;
		if (has_prefix_ci(rest, map[i].ios, &r) && g_ascii_isdigit(*r)) {
			n = (size_t)g_snprintf(out, IFNAMSIZ, "%s", map[i].k);
			rest = r;
			break;
		}
	}
	for (; *rest && n < IFNAMSIZ - 1; rest++) {
		char c = g_ascii_tolower(*rest);
		if (g_ascii_isalnum(c) || c == '-')
			out[n++] = c;
		else if (c == '/' || c == ':' || c == '.')
			out[n++] = '-';
	}
	out[n] = '\0';
	if (!n)
		g_strlcpy(out, "ip", IFNAMSIZ);
}

int ip_parse_prefix(const char *s, struct in_addr *a, int *plen)
{
	char buf[64];
	const char *rest;
	size_t n;

	if (!s)
		return -EINVAL;
	n = strcspn(s, "/ \t");
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) != 1)
		return -EINVAL;
	rest = s + n;
	*plen = 32;
	if (*rest == '/') {
		char *end;
		long v = strtol(rest + 1, &end, 10);
		if (end == rest + 1 || *end || v < 0 || v > 32)
			return -EINVAL;
		*plen = (int)v;
	} else if (*rest) {
		struct in_addr mask;
		uint32_t h;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (inet_pton(AF_INET, rest, &mask) != 1)
			return -EINVAL;
		h = ntohl(mask.s_addr);
		if ((~h & (~h + 1)) != 0) /* not contiguous */
			return -EINVAL;
		*plen = __builtin_popcount(h);
	}
	return 0;
}

static uint32_t plen_mask(int plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

/* The option if some loaded module defines it, else NULL. cfg_getopt()
 * would report "no such option" through the config's error function
 * (dialer-pool without the dialer module). */
static cfg_opt_t *find_opt(cfg_t *s, const char *name)
{
	for (cfg_opt_t *o = s ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* "Loopback0", "Lo0" */
static bool is_loopback(const char *name)
{
	const char *t = vpdn_ifname_type(name);

	return t && !strcmp(t, "Loopback");
}

static bool route_names(cfg_t *root, const char *name)
{
	for (unsigned i = 0; i < cfg_size(root, "ip-route"); i++)
		if (vpdn_ifname_eq(cfg_getstr(cfg_getnsec(root, "ip-route", i), "interface"), name))
			return true;
	return false;
}

static bool is_dialer_section(cfg_t *root, cfg_t *ifc)
{
	cfg_opt_t *o;

	if (is_loopback(cfg_title(ifc)))
		return false;
	if (cfg_getbool(ifc, "ip-dialer"))
		return true;
	o = find_opt(ifc, "dialer-pool");
	if (o && cfg_opt_size(o) > 0 && o->type == CFGT_INT && cfg_opt_getnint(o, 0) > 0)
		return true;
	return route_names(root, cfg_title(ifc));
}

/* Address of an interface section: ip-address, else its ip-unnumbered
 * interface's (vpdn_interface_address). 0 when none. */
static struct in_addr section_address(cfg_t *root, cfg_t *ifc)
{
	struct in_addr a = { 0 };
	const char *v = vpdn_interface_address(root, ifc);
	int plen;

	if (!v || ip_parse_prefix(v, &a, &plen) < 0)
		a.s_addr = 0;
	return a;
}

int ip_check(cfg_t *cfg)
{
	cfg_t *ip = cfg_getsec(cfg, "ip");
	struct in_addr a;
	int plen, ret = 0;

	if (ip) {
		const char *mode = cfg_getstr(ip, "mode");
		if (strcmp(mode, "per-interface") && strcmp(mode, "shared")) {
			cfg_error(ip, "ip: mode must be \"per-interface\" or \"shared\", not \"%s\"", mode);
			ret = -EINVAL;
		}
		if (cfg_getint(ip, "dod-queue") < 0 || cfg_getint(ip, "dod-queue") > 4096) {
			cfg_error(ip, "ip: dod-queue must be 0..4096");
			ret = -EINVAL;
		}
		if (cfg_getint(ip, "dod-timeout") < 1) {
			cfg_error(ip, "ip: dod-timeout must be a positive number of ms");
			ret = -EINVAL;
		}
		if (cfg_getint(ip, "mtu") < 68 || cfg_getint(ip, "mtu") > IP_DOD_SLOT) {
			cfg_error(ip, "ip: mtu must be 68..%d", IP_DOD_SLOT);
			ret = -EINVAL;
		}
		if (!*cfg_getstr(ip, "shared-device") ||
		    strlen(cfg_getstr(ip, "shared-device")) >= IFNAMSIZ) {
			cfg_error(ip, "ip: bad shared-device name");
			ret = -EINVAL;
		}
	}
	for (unsigned i = 0; i < cfg_size(cfg, "ip-route"); i++) {
		cfg_t *r = cfg_getnsec(cfg, "ip-route", i);
		const char *ifn = cfg_getstr(r, "interface");
		if (ip_parse_prefix(cfg_title(r), &a, &plen) < 0) {
			cfg_error(r, "ip-route: bad prefix \"%s\"", cfg_title(r));
			ret = -EINVAL;
		}
		if (!ifn || !*ifn) {
			cfg_error(r, "ip-route %s: interface missing", cfg_title(r));
			ret = -EINVAL;
		}
	}
	if (cfg_getopt(cfg, "interface")) {
		for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
			cfg_t *s = cfg_getnsec(cfg, "interface", i);
			const char *v = vpdn_interface_ip_address(s);
			const char *u = vpdn_interface_ip_unnumbered(s);
			if (v && ip_parse_prefix(v, &a, &plen) < 0) {
				cfg_error(s, "interface %s: bad ip-address \"%s\"", cfg_title(s), v);
				ret = -EINVAL;
			}
			if (u && !vpdn_interface_find(cfg, u)) {
				cfg_error(s, "interface %s: ip-unnumbered names unknown interface %s",
					  cfg_title(s), u);
				ret = -EINVAL;
			}
		}
	}
	return ret;
}

static void loop_free(gpointer p)
{
	struct ip_loop *l = p;

	ip_bus_obj_remove(l->m, &l->obj);
	g_free(l->name);
	g_free(l);
}

/* ---- interfaces ---- */

static int tun_drain(struct ip_module *m, struct ip_iface *ifc, int fd);
static void tun_lost(struct ip_module *m, struct ip_iface *ifc, int err);
static void static_routes_restore(struct ip_iface *ifc);

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

static void publish_iface(struct ip_module *m, struct ip_iface *ifc, uint32_t type)
{
	struct vpdn_ev_interface ev = {
		.size = sizeof(ev), .name = ifc->name, .kernel_name = ifc->kname,
		.ifindex = ifc->ifindex,
	};
	vpdn_bus_publish(m->bus, type, &ev);
}

static void dod_flush_drop(struct ip_iface *ifc, const char *why)
{
	struct ip_module *m = ifc->m;
	if (ifc->qlen)
		vpdn_debug(m->log, VPDN_DEBUG_DIALER_EVENTS, "%s IP: %s, %u queued packets dropped",
			   ifc->name, why, ifc->qlen);
	*m->dod_dropped += ifc->qlen;
	ifc->qlen = ifc->qhead = 0;
	ifc->dialing = false;
	vpdn_timer_cancel(m->timers, &ifc->dial_timer);
}

static void on_dial_timeout(struct vpdn_timer *t, void *data)
{
	dod_flush_drop(data, "dial timed out");
}

static struct ip_iface *iface_find(struct ip_module *m, const char *name)
{
	char *k = vpdn_ifname_key(name);
	struct ip_iface *ifc = g_hash_table_lookup(m->ifaces, k);
	g_free(k);
	return ifc;
}

struct ip_iface *ip_iface_find(struct ip_module *m, const char *name)
{
	return iface_find(m, name);
}

static int iface_new(struct ip_module *m, const char *name, bool dialer, struct ip_iface **out)
{
	struct ip_iface *ifc = g_new0(struct ip_iface, 1);
	int r;

	ifc->m = m;
	ifc->name = g_strdup(name);
	ifc->dialer = dialer;
	ifc->fd = -1;
	vpdn_timer_init(&ifc->dial_timer, on_dial_timeout, ifc);
	if (m->mode == IP_MODE_SHARED) {
		g_strlcpy(ifc->kname, m->shared_name, IFNAMSIZ);
		ifc->ifindex = m->shared_ifindex;
	} else {
		ip_kernel_name(name, ifc->kname);
		r = m->ops->tun_open(m->ops_ctx, ifc->kname, m->mtu, &ifc->ifindex);
		if (r < 0) {
			vpdn_err(m->log, "%s IP: Failed to create TUN %s: %s", name, ifc->kname,
				 g_strerror(-r));
			goto fail;
		}
		ifc->fd = r;
		if (m->ops->pollable)
			ifc->source = g_unix_fd_add(ifc->fd, G_IO_IN, on_tun_readable, ifc);
	}
	if (dialer) {
		ifc->qcap = m->dod_queue;
		ifc->q = g_new(struct ip_slot, ifc->qcap ? ifc->qcap : 1);
	}
	g_hash_table_insert(m->ifaces, vpdn_ifname_key(name), ifc);
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
static void iface_free(gpointer p)
{
	struct ip_iface *ifc = p;
	struct ip_module *m = ifc->m;

	vpdn_timer_cancel(m->timers, &ifc->dial_timer);
	if (ifc->source)
		g_source_remove(ifc->source);
	if (ifc->fd >= 0)
		m->ops->tun_close(m->ops_ctx, ifc->fd);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: interface %s removed", ifc->name,
		   ifc->kname);
	publish_iface(m, ifc, VPDN_EV_INTERFACE_DESTROYED);
	ip_bus_obj_remove(m, &ifc->obj);
	g_free(ifc->user);
	g_free(ifc->owner);
	g_free(ifc->profile);
	g_free(ifc->link_name);
	g_free(ifc->config);
	g_free(ifc->q);
	g_free(ifc->name);
	g_free(ifc);
}

static void iface_destroy(struct ip_iface *ifc)
{
	char *k = vpdn_ifname_key(ifc->name);
	g_hash_table_remove(ifc->m->ifaces, k);
	g_free(k);
}

/* ---- the data path ---- */

static void net_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct ip_iface *ifc = ctx;
	struct ip_module *m = ifc->m;
	int fd = ifc->fd >= 0 ? ifc->fd : m->shared_fd;

	if (len < 20 || (data[0] >> 4) != 4 || m->ops->tun_write(m->ops_ctx, fd, data, len) < 0) {
		(*m->drops)++;
		ifc->ndrops++;
		return;
	}
	(*m->tx)++;
	ifc->pkts_in++;
	ifc->bytes_in += len;
}

static void iface_down(struct ip_iface *ifc, const char *why);

/* The PPP end went away without NETWORK_DOWN. ifc may be freed here. */
static void net_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	iface_down(ctx, "link hung up");
}

static const struct vpdn_link_ops net_ops = { .frame = net_frame, .hangup = net_hangup };

static void send_fit(struct ip_iface *ifc, const uint8_t *p, size_t len);

static void send_up(struct ip_iface *ifc, const uint8_t *p, size_t len)
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
	}
}

static void frag_out(void *ctx, const uint8_t *f, size_t n)
{
	send_up(ctx, f, n);
}

static bool icmp_allowed(struct ip_module *m)
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
	if (n > 0 && icmp_allowed(m) && fd >= 0 &&
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

static void dod_packet(struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	struct ip_module *m = ifc->m;

	if (!ifc->dialing) {
		struct vpdn_ev_traffic ev = {
			.size = sizeof(ev), .interface = ifc->name, .packet = p, .len = len,
		};
		char dst[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, p + 16, dst, sizeof(dst));
		vpdn_debug(m->log, VPDN_DEBUG_DIALER_EVENTS,
			   "%s IP: interesting traffic to %s, asking to dial", ifc->name, dst);
		ifc->dialing = true;
		vpdn_timer_arm(m->timers, &ifc->dial_timer, m->dod_timeout);
		if (vpdn_bus_publish(m->bus, VPDN_EV_INTERESTING_TRAFFIC, &ev) != 1) {
			vpdn_debug(m->log, VPDN_DEBUG_DIALER_EVENTS,
				   "%s IP: nobody dials for this interface, packet dropped",
				   ifc->name);
			(*m->unclaimed)++;
			(*m->dod_dropped)++;
			ifc->dialing = false;
			vpdn_timer_cancel(m->timers, &ifc->dial_timer);
			return;
		}
		/* The dial may have completed while we published. */
		if (ifc->net) {
			send_up(ifc, p, len);
			return;
		}
	}
	if (ifc->qlen >= ifc->qcap || len > IP_DOD_SLOT) {
		(*m->dod_dropped)++;
		return;
	}
	struct ip_slot *s = &ifc->q[(ifc->qhead + ifc->qlen) % ifc->qcap];
	s->len = (uint16_t)len;
	memcpy(s->data, p, len);
	ifc->qlen++;
	(*m->dod_queued)++;
}

static const struct ip_route *route_lookup(struct ip_module *m, struct in_addr dst)
{
	const struct ip_route *best = NULL;
	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *r = &g_array_index(m->routes, struct ip_route, i);
		if ((dst.s_addr & plen_mask(r->plen)) == r->dst.s_addr &&
		    (!best || r->plen > best->plen))
			best = r;
	}
	return best;
}

static void packet_in(struct ip_module *m, struct ip_iface *ifc, const uint8_t *p, size_t len)
{
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
			ifc = iface_find(m, r->ifname);
		if (!ifc) {
			(*m->drops)++;
			return;
		}
	}
	if (ifc->net)
		send_up(ifc, p, len);
	else if (ifc->dialer)
		dod_packet(ifc, p, len);
	else
		(*m->drops)++;
}

/* Read up to a batch of packets. Returns -EAGAIN when the device is
 * fine (drained, or more next time), another negative errno when it is
 * unusable (EBADFD: deleted; EIO, ENODEV...). */
static int tun_drain(struct ip_module *m, struct ip_iface *ifc, int fd)
{
	for (int i = 0; i < IP_BATCH; i++) {
		ssize_t n = m->ops->tun_read(m->ops_ctx, fd, m->rbuf, IP_RBUF);
		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n < 0)
			return (int)n;
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
	iface_down(ifc, why);
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
	static_routes_restore(ifc);
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
			iface_destroy(ifc);
		}
		return;
	}
	vpdn_err(m->log, "IP: shared TUN %s lost (%s): %u sessions closed", m->shared_name,
		 g_strerror(-err), g_hash_table_size(m->by_net));
	if (m->shared_source)
		g_source_remove(m->shared_source);
	m->shared_source = 0;
	if (m->shared_fd >= 0)
		m->ops->tun_close(m->ops_ctx, m->shared_fd);
	m->shared_fd = -1;
	/* Every interface is on the shared device; collect first (closing
	 * one changes the tables). */
	on_shared = g_ptr_array_new();
	g_hash_table_iter_init(&it, m->by_net);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(on_shared, k);
	for (guint i = 0; i < on_shared->len; i++) {
		struct ip_iface *s = g_hash_table_lookup(m->by_net, on_shared->pdata[i]);
		if (s)
			iface_session_lost(s, "shared TUN lost");
	}
	g_ptr_array_free(on_shared, TRUE);
	r = m->ops->tun_open(m->ops_ctx, m->shared_name, m->mtu, &m->shared_ifindex);
	if (r < 0) {
		vpdn_err(m->log, "IP: Failed to re-create shared TUN %s: %s", m->shared_name,
			 g_strerror(-r));
		return;
	}
	m->shared_fd = r;
	if (m->ops->pollable)
		m->shared_source = g_unix_fd_add(r, G_IO_IN, on_shared_readable, m);
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct ip_iface *d = v;
		d->ifindex = m->shared_ifindex;
		if (d->dialer)
			static_routes_restore(d);
	}
	vpdn_info(m->log, "IP: shared TUN %s re-created (ifindex %d)", m->shared_name,
		  m->shared_ifindex);
}

/* ---- sessions ---- */

/* (Re)install the static routes through a dialer interface. The kernel
 * flushes a device's routes when its last IPv4 address goes, which a
 * dialer profile's session address is when the call ends. */
static void static_routes_restore(struct ip_iface *ifc)
{
	struct ip_module *m = ifc->m;

	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *rt = &g_array_index(m->routes, struct ip_route, i);
		if (iface_find(m, rt->ifname) != ifc)
			continue;
		int r = m->ops->route(m->ops_ctx, true, ifc->ifindex, rt->dst, rt->plen,
				      (struct in_addr){ 0 }, IP_STATIC_METRIC);
		if (r < 0 && r != -EEXIST)
			vpdn_warn(m->log, "%s IP: Failed to restore a static route: %s", ifc->name,
				  g_strerror(-r));
	}
}

/*
 * The MTU toward the peer follows its negotiated MRU (at most ip { mtu },
 * the idle devices' MTU): the device's in per-interface mode, the host
 * route's in shared mode (one device for all). The kernel then answers DF
 * packets over it with ICMP fragmentation-needed and fragments the others;
 * send_fit() enforces it for whatever still comes. mru 0: idle again.
 */
static void iface_apply_mtu(struct ip_iface *ifc, uint32_t mru)
{
	struct ip_module *m = ifc->m;
	uint32_t mtu = mru ? MIN(mru, m->mtu) : 0;
	uint32_t was = ifc->mtu ? ifc->mtu : m->mtu;
	int r = 0;

	if (mtu && mtu < IP_MTU_MIN)
		mtu = IP_MTU_MIN;
	ifc->mtu = mtu;
	if (m->mode == IP_MODE_PER_INTERFACE) {
		uint32_t want = mtu ? mtu : m->mtu;
		if (ifc->fd >= 0 && m->ops->link_mtu && want != was)
			r = m->ops->link_mtu(m->ops_ctx, ifc->ifindex, want);
	} else if (mtu && mtu < m->mtu && ifc->route_added && m->ops->route_mtu) {
		r = m->ops->route_mtu(m->ops_ctx, ifc->ifindex, ifc->peer, 32, ifc->local, mtu);
		if (r == -EINVAL && ifc->local.s_addr) /* installed without a source */
			r = m->ops->route_mtu(m->ops_ctx, ifc->ifindex, ifc->peer, 32,
					      (struct in_addr){ 0 }, mtu);
	}
	if (r < 0)
		vpdn_warn(m->log, "%s IP: Failed to set MTU %u on %s: %s", ifc->name, mtu, ifc->kname,
			  g_strerror(-r));
	else if (mtu && mtu != m->mtu)
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: MTU %u (the peer's MRU) on %s%s",
			   ifc->name, mtu, ifc->kname,
			   m->mode == IP_MODE_SHARED ? ", route" : "");
}

static void iface_down(struct ip_iface *ifc, const char *why)
{
	struct ip_module *m = ifc->m;
	char a[INET_ADDRSTRLEN];

	if (!ifc->net)
		return;
	inet_ntop(AF_INET, &ifc->peer, a, sizeof(a));
	g_hash_table_remove(m->by_net, ifc->net);
	vpdn_link_detach(ifc->net, VPDN_LINK_B);
	vpdn_link_unref(ifc->net);
	ifc->net = NULL;
	/* Only our own entry: a newer session of the owner may hold it now. */
	if (ifc->in_peers &&
	    g_hash_table_lookup(m->peers, GUINT_TO_POINTER(ifc->peer.s_addr)) == ifc)
		g_hash_table_remove(m->peers, GUINT_TO_POINTER(ifc->peer.s_addr));
	ifc->in_peers = false;
	if (ifc->route_added)
		m->ops->route(m->ops_ctx, false, ifc->ifindex, ifc->peer, 32, ifc->local, 0);
	if (ifc->addr_added) {
		m->ops->addr(m->ops_ctx, false, ifc->ifindex, ifc->local, 32);
		if (ifc->dialer)
			static_routes_restore(ifc);
	}
	ifc->route_added = ifc->addr_added = false;
	if (ifc->dialer && ifc->mtu)
		iface_apply_mtu(ifc, 0);
	ifc->mtu = 0;
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: %s, route to %s removed", ifc->name, why,
		   a);
	g_clear_pointer(&ifc->user, g_free);
	g_clear_pointer(&ifc->owner, g_free);
	g_clear_pointer(&ifc->link_name, g_free);
	if (ifc->dialer) {
		g_clear_pointer(&ifc->profile, g_free);
		g_clear_pointer(&ifc->config, g_free);
	}
	ip_bus_changed(ifc);
	if (!ifc->dialer)
		iface_destroy(ifc);
}

/* The session of `held` loses its address to a newer session of the same
 * owner: its route goes now and its PPP session is ended (the network link
 * hung up), so nothing of it is left to remove the new route later. */
static void take_over(struct ip_iface *held, const char *by)
{
	struct ip_module *m = held->m;
	struct vpdn_link *net = vpdn_link_ref(held->net);
	char a[INET_ADDRSTRLEN], why[64];

	inet_ntop(AF_INET, &held->peer, a, sizeof(a));
	vpdn_log_write(m->log, VPDN_LOG_NOTICE, -1,
		       "%s IP: %s taken over by a newer session of its owner on %s; "
		       "ending this one", held->name, a, by);
	(*m->addr_takeovers)++;
	snprintf(why, sizeof(why), "replaced by %s", by);
	iface_down(held, why);   /* held may be freed */
	vpdn_link_hangup(net, VPDN_LINK_B, -EADDRINUSE);
	vpdn_link_unref(net);
}

/* May a session of `owner` have a? NULL, or why not (and *holder). The
 * owner rule of VPDN_EV_ADDRESS_CHECK (events.h). */
static const char *address_refusal(struct ip_module *m, struct in_addr a, const char *owner,
				   bool authorized, const char *asking, const char **holder)
{
	struct ip_iface *held = g_hash_table_lookup(m->peers, GUINT_TO_POINTER(a.s_addr));
	struct ip_route_info ri;

	*holder = NULL;
	if (held) {
		if (held->owner && owner && !strcmp(held->owner, owner))
			return NULL;    /* the owner again: its newest session wins */
		if (asking && !strcmp(held->name, asking))
			return NULL;
		*holder = held->name;
		return "in use by another session";
	}
	for (guint i = 0; i < m->loop_objs->len; i++)
		if (((struct ip_loop *)g_ptr_array_index(m->loop_objs, i))->addr.s_addr == a.s_addr)
			return "one of our addresses";
	if (!m->ops->route_get || m->ops->route_get(m->ops_ctx, a, &ri) < 0)
		return NULL;    /* no kernel to ask, or no route at all */
	switch (ri.type) {
	case RTN_UNICAST:
		break;
	case RTN_LOCAL:
		return "one of our addresses";
	case RTN_BROADCAST:
		return "a broadcast address of a connected network";
	case RTN_MULTICAST:
	case RTN_ANYCAST:
		return "not a unicast address";
	default:
		return NULL;    /* blackhole, unreachable, prohibit: not routed */
	}
	/* A peer-chosen address must not be one the kernel reaches directly
	 * (a host on a connected LAN, a dialer profile's remote). */
	if (!authorized && !ri.gateway)
		return "routed to a connected network";
	return NULL;
}

static enum vpdn_bus_verdict on_address_check(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_address_check *q = e->payload;
	struct vpdn_ev_address_refusal r = { .size = sizeof(r) };
	struct vpdn_request *req;

	if (!e->request || !q || q->size < offsetof(struct vpdn_ev_address_check, authorized) +
					   sizeof(q->authorized))
		return VPDN_BUS_PASS;
	r.reason = address_refusal(m, q->address, q->owner, q->authorized, q->interface,
				   &r.holder);
	if (!r.reason || !(req = vpdn_event_take_request(e)))
		return VPDN_BUS_PASS;
	(*m->addr_refused)++;
	vpdn_request_complete(req, r.holder ? -EADDRINUSE : -EADDRNOTAVAIL, &r);
	return VPDN_BUS_CLAIM;
}

static int iface_up(struct ip_iface *ifc, const struct vpdn_ev_ppp_network *ev)
{
	struct ip_module *m = ifc->m;
	char a[INET_ADDRSTRLEN];
	const char *owner = vpdn_address_owner(ev->user, ev->profile, ev->config);
	int r;

	/* A link carries one network: by_net maps each up link to its one
	 * interface (a second NETWORK_UP on a link moves it). */
	struct ip_iface *old = g_hash_table_lookup(m->by_net, ev->net);
	if (old && old != ifc)
		iface_down(old, "moved");
	/* The peers table says who has the address: the owner's newest
	 * session takes it, another owner's is refused (two sessions that
	 * passed ADDRESS_CHECK before either was up). */
	struct ip_iface *held = ev->peer.s_addr
		? g_hash_table_lookup(m->peers, GUINT_TO_POINTER(ev->peer.s_addr)) : NULL;
	if (held && held != ifc) {
		if (!held->owner || !owner || strcmp(held->owner, owner)) {
			inet_ntop(AF_INET, &ev->peer, a, sizeof(a));
			vpdn_warn(m->log, "%s IP: %s is in use by the session on %s; "
				  "this session is refused", ev->interface, a, held->name);
			(*m->addr_refused)++;
			vpdn_link_hangup(ev->net, VPDN_LINK_B, -EADDRINUSE);
			return -EADDRINUSE;
		}
		take_over(held, ev->interface);
	}
	ifc->local = ev->local;
	if (!ifc->local.s_addr)
		ifc->local = section_address(m->root, vpdn_interface_find(m->root, ev->config));
	ifc->peer = ev->peer;
	ifc->net = vpdn_link_ref(ev->net);
	g_hash_table_insert(m->by_net, ifc->net, ifc);
	ifc->up_since = g_get_monotonic_time();
	ifc->pkts_in = ifc->pkts_out = ifc->bytes_in = ifc->bytes_out = ifc->ndrops = 0;
	g_free(ifc->user);
	ifc->user = g_strdup(ev->user);
	g_free(ifc->owner);
	ifc->owner = g_strdup(owner);
	g_free(ifc->link_name);
	ifc->link_name = g_strdup(ev->interface);
	g_free(ifc->config);
	ifc->config = g_strdup(ev->config);
	g_free(ifc->profile);
	ifc->profile = g_strdup(ev->profile ? ev->profile : (ifc->dialer ? ifc->name : NULL));
	vpdn_link_attach(ifc->net, VPDN_LINK_B, &net_ops, ifc);

	if (m->mode == IP_MODE_PER_INTERFACE && ifc->local.s_addr) {
		r = m->ops->addr(m->ops_ctx, true, ifc->ifindex, ifc->local, 32);
		ifc->addr_added = r == 0;
		if (r < 0 && r != -EEXIST)
			vpdn_warn(m->log, "%s IP: Failed to add local address: %s", ifc->name,
				  g_strerror(-r));
	}
	if (ifc->peer.s_addr) {
		r = m->ops->route(m->ops_ctx, true, ifc->ifindex, ifc->peer, 32, ifc->local, 0);
		if (r == -EINVAL && ifc->local.s_addr) /* source not local here */
			r = m->ops->route(m->ops_ctx, true, ifc->ifindex, ifc->peer, 32,
					  (struct in_addr){ 0 }, 0);
		ifc->route_added = r == 0;
		g_hash_table_insert(m->peers, GUINT_TO_POINTER(ifc->peer.s_addr), ifc);
		ifc->in_peers = true;
		if (r < 0) {
			/* No route, no traffic: the session would be a black hole
			 * (EEXIST: a route we did not make, same metric). */
			vpdn_warn(m->log, "%s IP: Failed to install route to %s on %s: %s; "
				  "ending the session", ifc->name,
				  inet_ntop(AF_INET, &ifc->peer, a, sizeof(a)), ifc->kname,
				  g_strerror(-r));
			(*m->route_failures)++;
			struct vpdn_link *net = vpdn_link_ref(ifc->net);
			bool dialer = ifc->dialer;
			iface_down(ifc, "route refused");   /* a Vi is freed */
			vpdn_link_hangup(net, VPDN_LINK_B, r);
			vpdn_link_unref(net);
			return dialer ? r : 1;   /* 1: freed already */
		}
		/* the address text only when a line is written (a set-up's cost) */
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: Install route to %s on %s",
			   ifc->name, inet_ntop(AF_INET, &ifc->peer, a, sizeof(a)), ifc->kname);
	}
	iface_apply_mtu(ifc, ev->mtu);
	/* Deliver what waited for the dial, in order. */
	vpdn_timer_cancel(m->timers, &ifc->dial_timer);
	ifc->dialing = false;
	while (ifc->qlen && ifc->net) {
		struct ip_slot *s = &ifc->q[ifc->qhead];
		ifc->qhead = (ifc->qhead + 1) % ifc->qcap;
		ifc->qlen--;
		send_up(ifc, s->data, s->len);
		(*m->dod_delivered)++;
	}
	ifc->qhead = 0;
	ip_bus_changed(ifc);
	return 0;
}

static enum vpdn_bus_verdict on_network_up(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ppp_network *ev = e->payload;
	struct ip_iface *ifc = NULL;

	const char *profile = ev->profile;

	if (!ev->net || !ev->interface)
		return VPDN_BUS_PASS;
	if (!profile) { /* an answered call the dialer bound to a profile */
		char *k = vpdn_ifname_key(ev->interface);
		profile = g_hash_table_lookup(m->binds, k);
		g_free(k);
	}
	if (profile)
		ifc = iface_find(m, profile);
	if (!ifc && ev->config && (ifc = iface_find(m, ev->config)) && !ifc->dialer)
		ifc = NULL;
	if (ifc && ifc->net) {
		vpdn_warn(m->log, "%s IP: %s is already up, session not attached", ev->interface,
			  ifc->name);
		return VPDN_BUS_PASS;
	}
	if (!ifc) {
		if ((ifc = iface_find(m, ev->interface))) {
			if (ifc->net)
				iface_down(ifc, "replaced");
			else if (!ifc->dialer)
				iface_destroy(ifc);
		}
		if (iface_new(m, ev->interface, false, &ifc) < 0)
			return VPDN_BUS_PASS;
	}
	/* refused before anything was set up: a new Vi goes again */
	if (iface_up(ifc, ev) == -EADDRINUSE && !ifc->dialer && !ifc->net)
		iface_destroy(ifc);
	return VPDN_BUS_PASS;
}

/* The dialer bound a call (interface "BR0:1") to a profile ("Dialer1") by
 * the peer's name: its network, when it comes up, uses the profile's TUN
 * and so the profile's static routes, as the profile's own calls do. */
/* The dialer gave up on this interface's call: the held packets will not
 * be delivered; drop them now so the next packet asks for a new dial
 * (instead of waiting out dod-timeout). */
static enum vpdn_bus_verdict on_dial_failed(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_dial_failed *ev = e->payload;
	struct ip_iface *ifc;

	if (!ev->profile)
		return VPDN_BUS_PASS;
	ifc = iface_find(m, ev->profile);
	if (ifc && ifc->dialing && !ifc->net)
		dod_flush_drop(ifc, "dial failed");
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_dialer_bind(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_dialer_bind *ev = e->payload;

	if (!ev->interface || !ev->profile)
		return VPDN_BUS_PASS;
	if (ev->bound)
		g_hash_table_replace(m->binds, vpdn_ifname_key(ev->interface), g_strdup(ev->profile));
	else {
		char *k = vpdn_ifname_key(ev->interface);
		g_hash_table_remove(m->binds, k);
		g_free(k);
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_network_down(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ppp_network *ev = e->payload;
	struct ip_iface *ifc = ev->net ? g_hash_table_lookup(m->by_net, ev->net) : NULL;

	if (ifc)
		iface_down(ifc, "network down");
	return VPDN_BUS_PASS;
}

/* ---- setup ---- */

static int load_config(struct ip_module *m, cfg_t *cfg)
{
	cfg_t *ip = cfg_getsec(cfg, "ip");

	m->mode = IP_MODE_PER_INTERFACE;
	m->dod_queue = 32;
	m->dod_timeout = 60000;
	m->mtu = 1500;
	g_strlcpy(m->shared_name, "vpdn0", IFNAMSIZ);
	if (ip) {
		m->mode = strcmp(cfg_getstr(ip, "mode"), "shared") ? IP_MODE_PER_INTERFACE
								    : IP_MODE_SHARED;
		g_strlcpy(m->shared_name, cfg_getstr(ip, "shared-device"), IFNAMSIZ);
		m->dod_queue = (unsigned)cfg_getint(ip, "dod-queue");
		m->dod_timeout = (uint64_t)cfg_getint(ip, "dod-timeout");
		m->mtu = (uint32_t)cfg_getint(ip, "mtu");
	}
	for (unsigned i = 0; i < cfg_size(cfg, "ip-route"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "ip-route", i);
		struct ip_route r = { .ifname = g_strdup(cfg_getstr(s, "interface")) };
		if (ip_parse_prefix(cfg_title(s), &r.dst, &r.plen) < 0 || !r.ifname) {
			g_free(r.ifname);
			return -EINVAL;
		}
		r.dst.s_addr &= plen_mask(r.plen);
		g_array_append_val(m->routes, r);
	}
	return 0;
}

static int setup_interfaces(struct ip_module *m, cfg_t *cfg)
{
	int r;

	if (m->mode == IP_MODE_SHARED) {
		r = m->ops->tun_open(m->ops_ctx, m->shared_name, m->mtu, &m->shared_ifindex);
		if (r < 0) {
			vpdn_err(m->log, "IP: Failed to create shared TUN %s: %s", m->shared_name,
				 g_strerror(-r));
			return r;
		}
		m->shared_fd = r;
		if (m->ops->pollable)
			m->shared_source = g_unix_fd_add(r, G_IO_IN, on_shared_readable, m);
	}
	for (unsigned i = 0; cfg_getopt(cfg, "interface") && i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *name = cfg_title(s);
		struct ip_iface *ifc;

		if (is_loopback(name)) {
			const char *v = vpdn_interface_ip_address(s);
			struct in_addr a;
			int plen;
			if (!v || ip_parse_prefix(v, &a, &plen) < 0)
				continue;
			if (m->lo_index <= 0)
				m->lo_index = m->ops->ifindex(m->ops_ctx, "lo");
			if (m->lo_index <= 0)
				return -ENODEV;
			r = m->ops->addr(m->ops_ctx, true, m->lo_index, a, plen);
			if (r == 0)
				g_array_append_val(m->loopbacks, a);
			else if (r != -EEXIST)
				return r;
			struct ip_loop *l = g_new0(struct ip_loop, 1);
			l->m = m;
			l->name = g_strdup(name);
			l->addr = a;
			g_ptr_array_add(m->loop_objs, l);
			ip_bus_obj_add(m, &l->obj, true);
			vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: address %s on lo", name, v);
		} else if (is_dialer_section(cfg, s)) {
			if ((r = iface_new(m, name, true, &ifc)) < 0)
				return r;
		}
	}
	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *rt = &g_array_index(m->routes, struct ip_route, i);
		struct ip_iface *ifc = iface_find(m, rt->ifname);
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &rt->dst, a, sizeof(a));
		if (!ifc) {
			vpdn_warn(m->log, "IP: route %s/%d: interface %s does not exist", a, rt->plen,
				  rt->ifname);
			continue;
		}
		r = m->ops->route(m->ops_ctx, true, ifc->ifindex, rt->dst, rt->plen,
				  (struct in_addr){ 0 }, IP_STATIC_METRIC);
		if (r < 0 && r != -EEXIST)
			return r;
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "IP: route %s/%d via %s (%s)", a, rt->plen,
			   ifc->name, ifc->kname);
	}
	return 0;
}

static void route_clear(gpointer p)
{
	g_free(((struct ip_route *)p)->ifname);
}

int ip_module_new(struct vpdn_core *core, cfg_t *cfg, const struct ip_sys_ops *ops,
		  void *ops_ctx, struct ip_module **out)
{
	struct ip_module *m = g_new0(struct ip_module, 1);
	int r;

	m->core = core;
	m->log = vpdn_core_log(core);
	m->bus = vpdn_core_bus(core);
	m->timers = vpdn_core_timers(core);
	m->ops = ops;
	m->ops_ctx = ops_ctx;
	m->root = cfg;
	m->shared_fd = -1;
	m->rbuf = g_malloc(IP_RBUF);
	m->ifaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, iface_free);
	m->peers = g_hash_table_new(g_direct_hash, g_direct_equal);
	m->by_net = g_hash_table_new(g_direct_hash, g_direct_equal);
	m->binds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	m->routes = g_array_new(FALSE, TRUE, sizeof(struct ip_route));
	g_array_set_clear_func(m->routes, route_clear);
	m->loopbacks = g_array_new(FALSE, TRUE, sizeof(struct in_addr));
	m->loop_objs = g_ptr_array_new_with_free_func(loop_free);
	m->bus_objs = g_tree_new(ip_bus_key_cmp);
	m->rx = vpdn_core_counter(core, "ip_rx_packets_total", "packets from the kernel sent on sessions");
	m->tx = vpdn_core_counter(core, "ip_tx_packets_total", "packets from sessions written to the kernel");
	m->drops = vpdn_core_counter(core, "ip_drops_total", "packets dropped (malformed, no session, write error)");
	m->dod_queued = vpdn_core_counter(core, "ip_dod_queued_total", "packets held for dial on demand");
	m->dod_delivered = vpdn_core_counter(core, "ip_dod_delivered_total", "held packets delivered once up");
	m->dod_dropped = vpdn_core_counter(core, "ip_dod_dropped_total", "dial-on-demand packets dropped");
	m->unclaimed = vpdn_core_counter(core, "ip_traffic_unclaimed_total", "interesting traffic no dialer took");
	m->tun_lost = vpdn_core_counter(core, "ip_tun_lost_total", "TUN devices lost (deleted under the node); their sessions closed");
	m->frag_needed = vpdn_core_counter(core, "ip_frag_needed_total", "ICMP fragmentation-needed sent for DF packets over a peer's MRU");
	m->fragmented = vpdn_core_counter(core, "ip_fragmented_total", "packets over a peer's MRU sent in fragments");
	m->too_big = vpdn_core_counter(core, "ip_too_big_total", "packets over a peer's MRU not sent whole (DF or malformed)");
	m->icmp_tokens = IP_ICMP_RATE;
	m->addr_refused = vpdn_core_counter(core, "ip_address_refused_total",
					    "peer addresses refused (ours, in use by another owner, connected)");
	m->addr_takeovers = vpdn_core_counter(core, "ip_address_takeovers_total",
					      "addresses taken from a stale session by its owner's newer one");
	m->route_failures = vpdn_core_counter(core, "ip_route_failures_total",
					      "session host routes the kernel refused (session ended)");
	r = load_config(m, cfg);
	if (r < 0)
		goto fail;
	m->sub_up = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_NETWORK_UP, on_network_up, m);
	m->sub_down = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_NETWORK_DOWN, on_network_down, m);
	m->sub_bind = vpdn_bus_subscribe(m->bus, VPDN_EV_DIALER_BIND, on_dialer_bind, m);
	m->sub_failed = vpdn_bus_subscribe(m->bus, VPDN_EV_DIAL_FAILED, on_dial_failed, m);
	m->sub_check = vpdn_bus_subscribe(m->bus, VPDN_EV_ADDRESS_CHECK, on_address_check, m);
	r = setup_interfaces(m, cfg);
	if (r < 0)
		goto fail;
	r = ip_bus_module_add(m);
	if (r < 0) {
		vpdn_err(m->log, "IP: Failed to add the D-Bus objects: %s", g_strerror(-r));
		goto fail;
	}
	*out = m;
	return 0;
fail:
	ip_module_free(m);
	return r;
}

void ip_module_free(struct ip_module *m)
{
	GHashTableIter it;
	gpointer k, v;

	if (!m)
		return;
	/* Nothing is found by path from here on. */
	ip_bus_module_remove(m);
	if (m->sub_up)
		vpdn_bus_unsubscribe(m->bus, m->sub_up);
	if (m->sub_down)
		vpdn_bus_unsubscribe(m->bus, m->sub_down);
	if (m->sub_bind)
		vpdn_bus_unsubscribe(m->bus, m->sub_bind);
	if (m->sub_failed)
		vpdn_bus_unsubscribe(m->bus, m->sub_failed);
	if (m->sub_check)
		vpdn_bus_unsubscribe(m->bus, m->sub_check);
	/* Sessions first (they may free Vi interfaces), then the rest;
	 * iface_down takes each out of by_net. */
	while (g_hash_table_size(m->by_net)) {
		g_hash_table_iter_init(&it, m->by_net);
		g_hash_table_iter_next(&it, &k, &v);
		iface_down(v, "stopping");
	}
	g_hash_table_destroy(m->ifaces);
	g_hash_table_destroy(m->peers);
	g_hash_table_destroy(m->by_net);
	g_hash_table_destroy(m->binds);
	for (guint i = 0; i < m->loopbacks->len; i++)
		m->ops->addr(m->ops_ctx, false, m->lo_index,
			     g_array_index(m->loopbacks, struct in_addr, i), 32);
	g_array_free(m->loopbacks, TRUE);
	g_ptr_array_free(m->loop_objs, TRUE);
	g_tree_destroy(m->bus_objs);
	g_array_free(m->routes, TRUE);
	if (m->shared_source)
		g_source_remove(m->shared_source);
	if (m->shared_fd >= 0)
		m->ops->tun_close(m->ops_ctx, m->shared_fd);
	g_free(m->rbuf);
	g_free(m);
}

/* ---- queries ---- */

void ip_module_stats(struct ip_module *m, struct ip_stats *o)
{
	*o = (struct ip_stats){
		.rx = *m->rx, .tx = *m->tx, .drops = *m->drops, .dod_queued = *m->dod_queued,
		.dod_delivered = *m->dod_delivered, .dod_dropped = *m->dod_dropped,
		.traffic_unclaimed = *m->unclaimed, .tun_lost = *m->tun_lost,
		.frag_needed = *m->frag_needed, .fragmented = *m->fragmented,
		.too_big = *m->too_big,
	};
}

bool ip_module_has_iface(struct ip_module *m, const char *name)
{
	return iface_find(m, name) != NULL;
}

int ip_module_iface_fd(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = iface_find(m, name);
	return ifc ? ifc->fd : -ENOENT;
}

int ip_module_iface_ifindex(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = iface_find(m, name);
	return ifc ? ifc->ifindex : -ENOENT;
}

const char *ip_module_iface_kernel_name(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = iface_find(m, name);
	return ifc ? ifc->kname : NULL;
}

int ip_module_dod_queued(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = iface_find(m, name);
	return ifc ? (int)ifc->qlen : -ENOENT;
}

bool ip_module_iface_up(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = iface_find(m, name);
	return ifc && ifc->net;
}

const char *ip_module_lookup_peer(struct ip_module *m, struct in_addr peer)
{
	struct ip_iface *ifc = g_hash_table_lookup(m->peers, GUINT_TO_POINTER(peer.s_addr));
	return ifc ? ifc->name : NULL;
}

uint32_t ip_module_iface_mtu(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = iface_find(m, name);
	return ifc ? ifc->mtu : 0;
}

int ip_module_shared_fd(struct ip_module *m)
{
	return m->shared_fd;
}

/* ---- reload ---- */

static bool route_same(const struct ip_route *a, const struct ip_route *b)
{
	return a->dst.s_addr == b->dst.s_addr && a->plen == b->plen &&
	       vpdn_ifname_eq(a->ifname, b->ifname);
}

static bool route_in(GArray *routes, const struct ip_route *r)
{
	for (guint i = 0; i < routes->len; i++)
		if (route_same(&g_array_index(routes, struct ip_route, i), r))
			return true;
	return false;
}

static void route_apply(struct ip_module *m, const struct ip_route *rt, bool add)
{
	struct ip_iface *ifc = iface_find(m, rt->ifname);
	char a[INET_ADDRSTRLEN];
	int r;

	inet_ntop(AF_INET, &rt->dst, a, sizeof(a));
	if (!ifc) {
		if (add)
			vpdn_warn(m->log, "IP: route %s/%d: interface %s does not exist", a,
				  rt->plen, rt->ifname);
		return;
	}
	r = m->ops->route(m->ops_ctx, add, ifc->ifindex, rt->dst, rt->plen, (struct in_addr){ 0 },
			  IP_STATIC_METRIC);
	if (r < 0 && r != -EEXIST && r != -ESRCH && r != -ENOENT)
		vpdn_warn(m->log, "IP: Failed to %s route %s/%d via %s: %s",
			  add ? "add" : "remove", a, rt->plen, ifc->name, g_strerror(-r));
	else
		vpdn_info(m->log, "IP: reload: route %s/%d via %s %s", a, rt->plen, ifc->name,
			  add ? "added" : "removed");
}

/* A new config: static routes added and removed, new dialer interfaces
 * created. The mode, the shared device and the MTU need a restart (kept,
 * logged); sessions that are up stay. */
int ip_module_reload(struct ip_module *m, cfg_t *cfg)
{
	cfg_t *ip = cfg_getsec(cfg, "ip");
	GArray *old = m->routes;
	int r;

	if (ip && ((strcmp(cfg_getstr(ip, "mode"), "shared") == 0) != (m->mode == IP_MODE_SHARED) ||
		   (uint32_t)cfg_getint(ip, "mtu") != m->mtu))
		vpdn_warn(m->log, "IP: reload: ip mode and mtu changes need a restart; kept");
	if (ip) {
		m->dod_timeout = (uint64_t)cfg_getint(ip, "dod-timeout");
	}
	m->routes = g_array_new(FALSE, TRUE, sizeof(struct ip_route));
	g_array_set_clear_func(m->routes, route_clear);
	for (unsigned i = 0; i < cfg_size(cfg, "ip-route"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "ip-route", i);
		struct ip_route rt = { .ifname = g_strdup(cfg_getstr(s, "interface")) };

		if (ip_parse_prefix(cfg_title(s), &rt.dst, &rt.plen) < 0 || !rt.ifname) {
			g_free(rt.ifname);
			g_array_free(m->routes, TRUE);
			m->routes = old;
			return -EINVAL;
		}
		rt.dst.s_addr &= plen_mask(rt.plen);
		g_array_append_val(m->routes, rt);
	}
	m->root = cfg;
	/* New dialer interfaces (before their routes). */
	for (unsigned i = 0; cfg_getopt(cfg, "interface") && i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		struct ip_iface *ifc;

		if (!iface_find(m, cfg_title(s)) && is_dialer_section(cfg, s) &&
		    (r = iface_new(m, cfg_title(s), true, &ifc)) < 0)
			vpdn_warn(m->log, "IP: reload: cannot create %s: %s", cfg_title(s),
				  g_strerror(-r));
	}
	for (guint i = 0; i < old->len; i++) {
		const struct ip_route *rt = &g_array_index(old, struct ip_route, i);
		if (!route_in(m->routes, rt))
			route_apply(m, rt, false);
	}
	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *rt = &g_array_index(m->routes, struct ip_route, i);
		if (!route_in(old, rt))
			route_apply(m, rt, true);
	}
	g_array_free(old, TRUE);
	return 0;
}
