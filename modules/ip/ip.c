/* SPDX-License-Identifier: MIT */
/* The ip module: TUN-backed interfaces, addresses, routes, dial on demand,
 * shared mode. See ip.h. This file is the module's life: set-up from the
 * config, reload, teardown and the queries; the config is read in
 * ip-config.c, interfaces and their data path are ip-iface.c, sessions
 * ip-network.c, the D-Bus side ip-bus.c; ip-private.h the state they
 * share. */
#include "ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "ip-private.h"

static void loop_free(gpointer p)
{
	struct ip_loop *l = p;

	ip_bus_obj_remove(l->m, &l->obj);
	g_free(l->name);
	g_free(l);
}

/* ---- setup ---- */

static int setup_interfaces(struct ip_module *m, cfg_t *cfg)
{
	int r;

	if (m->mode == IP_MODE_SHARED) {
		r = ip_state_take_tun(m, m->shared_name, &m->shared_ifindex);
		m->shared_adopted = r >= 0;
		if (r < 0)
			r = m->ops->tun_open(m->ops_ctx, m->shared_name, m->mtu, &m->shared_ifindex);
		if (r < 0) {
			vpdn_err(m->log, "IP: Failed to create shared TUN %s: %s", m->shared_name,
				 g_strerror(-r));
			return r;
		}
		m->shared_fd = r;
		ip_shared_watch(m);
		ip_tun_log_offloads(m, m->shared_name, m->shared_fd);
	}
	for (unsigned i = 0; cfg_getopt(cfg, "interface") && i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *name = cfg_title(s);
		struct ip_iface *ifc;

		if (ip_is_loopback(name)) {
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
		} else if (ip_is_dialer_section(cfg, s)) {
			if ((r = ip_iface_new(m, name, true, &ifc)) < 0)
				return r;
		}
	}
	for (guint i = 0; i < m->routes->len; i++) {
		const struct ip_route *rt = &g_array_index(m->routes, struct ip_route, i);
		struct ip_iface *ifc = ip_iface_find(m, rt->ifname);
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &rt->dst, a, sizeof(a));
		if (!ifc) {
			vpdn_warn(m->log, "IP: route %s/%d: interface %s does not exist", a, rt->plen,
				  rt->ifname);
			continue;
		}
		r = m->ops->route(m->ops_ctx, true, ifc->ifindex, rt->dst, rt->plen,
				  (struct in_addr){ 0 }, IP_STATIC_METRIC, 0);
		if (r < 0 && r != -EEXIST)
			return r;
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "IP: route %s/%d via %s (%s)", a, rt->plen,
			   ifc->name, ifc->kname);
	}
	return 0;
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
	m->sbuf = g_malloc(IP_RBUF);
	m->ifaces = g_hash_table_new_full(vpdn_ifname_hash, vpdn_ifname_equal, NULL, ip_iface_free);
	m->peers = g_hash_table_new(g_direct_hash, g_direct_equal);
	m->binds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	m->routes = g_array_new(FALSE, TRUE, sizeof(struct ip_route));
	g_array_set_clear_func(m->routes, ip_route_clear);
	m->loopbacks = g_array_new(FALSE, TRUE, sizeof(struct in_addr));
	m->loop_objs = g_ptr_array_new_with_free_func(loop_free);
	m->bus_objs = g_tree_new(ip_bus_key_cmp);
	m->rx = vpdn_core_counter(core, "ip_rx_packets_total", "packets from the kernel sent on sessions");
	m->tx = vpdn_core_counter(core, "ip_tx_packets_total", "packets from sessions written to the kernel");
	m->drops = vpdn_core_counter(core, "ip_drops_total", "packets dropped (malformed, no session, write error)");
	m->gso_packets = vpdn_core_counter(core, "ip_tun_gso_packets_total",
					   "TCP/UDP super-packets from the TUN (offloads) sent as segments");
	m->gro_packets = vpdn_core_counter(core, "ip_tun_gro_packets_total",
					   "TCP segments from sessions written to the TUN coalesced");
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
	m->framed_refused = vpdn_core_counter(core, "ip_framed_routes_refused_total",
					      "routes from a session's authorization not installed");
	ip6_init(m);
	r = ip_config_load(m, cfg);
	if (r < 0)
		goto fail;
	ip_network_subscribe(m);
	ip6_subscribe(m);
	r = setup_interfaces(m, cfg);
	if (r < 0)
		goto fail;
	ip_gro_init(m);
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
	ip_network_unsubscribe(m);
	ip6_unsubscribe(m);
	/* Sessions first (they may free Vi interfaces), then the rest;
	 * each by its link (a ref), found again: one's end may end another. */
	GPtrArray *up = g_ptr_array_new();
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct ip_iface *)v)->net)
			g_ptr_array_add(up, vpdn_link_ref(((struct ip_iface *)v)->net));
	for (guint i = 0; i < up->len; i++) {
		struct ip_iface *ifc = ip_iface_by_net(m, up->pdata[i]);
		if (ifc)
			ip_iface_down(ifc, "stopping");
		vpdn_link_unref(up->pdata[i]);
	}
	g_ptr_array_free(up, true);
	g_hash_table_destroy(m->ifaces);
	ip6_fini(m);
	g_hash_table_destroy(m->peers);
	g_hash_table_destroy(m->binds);
	for (guint i = 0; i < m->loopbacks->len; i++)
		m->ops->addr(m->ops_ctx, false, m->lo_index,
			     g_array_index(m->loopbacks, struct in_addr, i), 32);
	g_array_free(m->loopbacks, TRUE);
	g_ptr_array_free(m->loop_objs, TRUE);
	g_tree_destroy(m->bus_objs);
	g_array_free(m->routes, TRUE);
	ip_gro_fini(m);
	if (m->shared_source)
		g_source_remove(m->shared_source);
	if (m->shared_fd >= 0)
		m->ops->tun_close(m->ops_ctx, m->shared_fd);
	g_free(m->rbuf);
	g_free(m->sbuf);
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
	return ip_iface_find(m, name) != NULL;
}

int ip_module_iface_fd(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
	return ifc ? ifc->fd : -ENOENT;
}

int ip_module_iface_ifindex(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
	return ifc ? ifc->ifindex : -ENOENT;
}

const char *ip_module_iface_kernel_name(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
	return ifc ? ifc->kname : NULL;
}

int ip_module_dod_queued(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
	return ifc ? (ifc->dod ? (int)ifc->dod->qlen : 0) : -ENOENT;
}

bool ip_module_iface_up(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
	return ifc && ifc->net;
}

const char *ip_module_lookup_peer(struct ip_module *m, struct in_addr peer)
{
	struct ip_iface *ifc = g_hash_table_lookup(m->peers, GUINT_TO_POINTER(peer.s_addr));
	return ifc ? ifc->name : NULL;
}

uint32_t ip_module_iface_mtu(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
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
	struct ip_iface *ifc = ip_iface_find(m, rt->ifname);
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
			  IP_STATIC_METRIC, 0);
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
	g_array_set_clear_func(m->routes, ip_route_clear);
	if (ip_config_routes(cfg, m->routes) < 0) {
		g_array_free(m->routes, TRUE);
		m->routes = old;
		return -EINVAL;
	}
	m->root = cfg;
	/* New dialer interfaces (before their routes). */
	for (unsigned i = 0; cfg_getopt(cfg, "interface") && i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		struct ip_iface *ifc;

		if (!ip_iface_find(m, cfg_title(s)) && ip_is_dialer_section(cfg, s) &&
		    (r = ip_iface_new(m, cfg_title(s), true, &ifc)) < 0)
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
