/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the ip module (read by `vpdnctl show interfaces`):
 *   /org/vpdnd/interface/<name>  org.vpdnd.Interface1 (path element
 *                                escaped as sd_bus_path_encode does)
 *   /org/vpdnd/module/ip         org.vpdnd.Ip1 (ListInterfaces, Interfaces)
 * The interfaces (Virtual-Access per session, dialers, loopbacks) are one
 * class registered once: a fallback vtable whose find callback looks the
 * path's name up, so an LNS in per-interface mode with 100 000 sessions
 * registers nothing per session. They are not enumerated (GetManagedObjects
 * would grow with the sessions, and past dbus-max-objects it is refused):
 * ListInterfaces pages through them in creation order, each reply bounded
 * in rows and bytes, as L2tp1.ListSessions does (modules/l2tp/l2tp-bus.c).
 * Without a bus every function here does nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ip-private.h"

#define IP_BUS_IFACE "org.vpdnd.Interface1"
#define IP_BUS_PREFIX VPDN_DBUS_ROOT "/interface"
#define IP_MODULE_IFACE "org.vpdnd.Ip1"

/* ------------------------------------------------------------------ */
/* Interface1                                                         */

static const char *iface_kind(const struct ip_iface *ifc)
{
	if (ifc->dialer)
		return "dialer";
	if (ifc->m->mode == IP_MODE_SHARED)
		return "shared";
	if (!g_strcmp0(vpdn_ifname_type(ifc->name), "Virtual-Access")) /* "Vi2" too */
		return "virtual-access";
	return "serial";
}

static const char *iface_state(const struct ip_iface *ifc)
{
	if (ifc->net)
		return "up";
	return ifc->dod && ifc->dod->dialing ? "dialing" : "down";
}

static int append_addr(sd_bus_message *reply, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN] = "";

	if (a.s_addr)
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
	return sd_bus_message_append(reply, "s", buf);
}

static const char *iface_unnumbered(const struct ip_iface *ifc)
{
	const char *conf = ifc->config ? ifc->config : ifc->name;

	return vpdn_interface_ip_unnumbered(vpdn_interface_find(ifc->m->root, conf));
}

/* The properties, by table: one getter each. userdata: what obj_find
 * found, an ip_bus_obj heading an interface or a loopback (one class, so
 * no member offsets: the getter reads the kind it finds). */
#define GETTER(fn) \
	static int fn(sd_bus *bus, const char *path, const char *interface, \
		      const char *property, sd_bus_message *reply, void *userdata, \
		      sd_bus_error *error)

/* An interface's member; a loopback has none (NULL reads ""). */
#define IFACE(o) ((o)->loop ? NULL : (const struct ip_iface *)(o))
#define IFACE_STR(fn, member) \
	GETTER(fn) \
	{ \
		const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata); \
		return sd_bus_message_append(reply, "s", ifc && ifc->member ? ifc->member : ""); \
	}
/* An interface's counter; a loopback counts nothing (0). */
#define IFACE_U64(fn, member) \
	GETTER(fn) \
	{ \
		const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata); \
		return sd_bus_message_append(reply, "t", ifc ? (uint64_t)ifc->member : 0); \
	}

static const char *obj_name(const struct ip_bus_obj *o);

GETTER(prop_name)
{
	return sd_bus_message_append(reply, "s", obj_name(userdata));
}

GETTER(prop_kernel_name)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);

	return sd_bus_message_append(reply, "s", ifc ? ifc->kname : "lo");
}

GETTER(prop_ifindex)
{
	const struct ip_bus_obj *o = userdata;
	const struct ip_iface *ifc = IFACE(o);

	return sd_bus_message_append(reply, "i", ifc ? (int32_t)ifc->ifindex
						     : (int32_t)((const struct ip_loop *)o)->m->lo_index);
}

GETTER(prop_kind)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);

	return sd_bus_message_append(reply, "s", ifc ? iface_kind(ifc) : "loopback");
}

GETTER(prop_state)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);

	return sd_bus_message_append(reply, "s", ifc ? iface_state(ifc) : "up");
}

GETTER(prop_local_address)
{
	const struct ip_bus_obj *o = userdata;
	const struct ip_iface *ifc = IFACE(o);

	if (!ifc)
		return append_addr(reply, ((const struct ip_loop *)o)->addr);
	return append_addr(reply, ifc->net ? ifc->local : (struct in_addr){ 0 });
}

GETTER(prop_peer_address)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);

	return append_addr(reply, ifc && ifc->net ? ifc->peer : (struct in_addr){ 0 });
}

IFACE_STR(prop_user, user)
IFACE_STR(prop_profile, profile)
GETTER(prop_link)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);
	const char *s = ifc ? ip_iface_link_name(ifc) : NULL;

	return sd_bus_message_append(reply, "s", s ? s : "");
}
IFACE_STR(prop_config, config)

GETTER(prop_unnumbered)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);
	const char *u = ifc ? iface_unnumbered(ifc) : NULL;

	return sd_bus_message_append(reply, "s", u ? u : "");
}

GETTER(prop_mtu)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);

	return sd_bus_message_append(reply, "u", !ifc ? 65536u : ifc->mtu ? ifc->mtu : ifc->m->mtu);
}

IFACE_U64(prop_packets_in, pkts_in)
IFACE_U64(prop_packets_out, pkts_out)
IFACE_U64(prop_bytes_in, bytes_in)
IFACE_U64(prop_bytes_out, bytes_out)
IFACE_U64(prop_drops, ndrops)
/* IPv6's: 0 for a session that never had IPv6 (no ifc->c6) */
#define IFACE_C6(fn, member) \
	GETTER(fn) \
	{ \
		const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata); \
		return sd_bus_message_append(reply, "t", ifc && ifc->c6 ? ifc->c6->member : 0); \
	}

IFACE_C6(prop_packets6_in, pkts_in)
IFACE_C6(prop_packets6_out, pkts_out)
IFACE_C6(prop_bytes6_in, bytes_in)
IFACE_C6(prop_bytes6_out, bytes_out)

GETTER(prop_uptime)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);

	return sd_bus_message_append(reply, "t", ifc && ifc->net ?
			(uint64_t)((g_get_monotonic_time() - ifc->up_since) / G_USEC_PER_SEC) : 0);
}
/* IPv6 (ip-ipv6.c): the session's state, our and the peer's link-local
 * addresses, its prefix (server: the advertised /64; client: the global
 * address learned from the RA). "" / "down" without IPv6. */
enum { IP6_PROP_STATE, IP6_PROP_LOCAL, IP6_PROP_PEER, IP6_PROP_PREFIX };

static int append_v6(sd_bus_message *reply, const struct ip_bus_obj *o, int which)
{
	const struct ip_iface *ifc = IFACE(o);
	char ll[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN + 4];
	const char *state = "down";
	const char *v[] = { state, ll, peer, pfx };

	ll[0] = peer[0] = pfx[0] = '\0';
	if (ifc)
		ip6_describe(ifc, ll, peer, pfx, sizeof(pfx), &state);
	v[0] = state;
	return sd_bus_message_append(reply, "s", v[which]);
}

GETTER(prop_v6_state) { return append_v6(reply, userdata, IP6_PROP_STATE); }
GETTER(prop_v6_local) { return append_v6(reply, userdata, IP6_PROP_LOCAL); }
GETTER(prop_v6_peer) { return append_v6(reply, userdata, IP6_PROP_PEER); }
GETTER(prop_v6_prefix) { return append_v6(reply, userdata, IP6_PROP_PREFIX); }
GETTER(prop_v6_routed)
{
	const struct ip_iface *ifc = IFACE((const struct ip_bus_obj *)userdata);
	char buf[IP6_ROUTED_TEXT] = "";

	if (ifc)
		ip6_routed_text(ifc, buf, sizeof(buf));
	return sd_bus_message_append(reply, "s", buf);
}
#undef IFACE_U64
#undef IFACE_STR

#define IP(name, sig, get, flags) SD_BUS_PROPERTY(name, sig, get, 0, flags)
static const sd_bus_vtable iface_vtable[] = {
	SD_BUS_VTABLE_START(0),
	IP("Name", "s", prop_name, SD_BUS_VTABLE_PROPERTY_CONST),
	IP("KernelName", "s", prop_kernel_name, SD_BUS_VTABLE_PROPERTY_CONST),
	IP("Ifindex", "i", prop_ifindex, SD_BUS_VTABLE_PROPERTY_CONST),
	IP("Kind", "s", prop_kind, SD_BUS_VTABLE_PROPERTY_CONST),
	IP("State", "s", prop_state, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("LocalAddress", "s", prop_local_address, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("PeerAddress", "s", prop_peer_address, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("User", "s", prop_user, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Profile", "s", prop_profile, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Link", "s", prop_link, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Config", "s", prop_config, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Unnumbered", "s", prop_unnumbered, 0),
	IP("Mtu", "u", prop_mtu, 0),
	IP("PacketsIn", "t", prop_packets_in, 0),
	IP("PacketsOut", "t", prop_packets_out, 0),
	IP("BytesIn", "t", prop_bytes_in, 0),
	IP("BytesOut", "t", prop_bytes_out, 0),
	IP("Drops", "t", prop_drops, 0),
	IP("Uptime", "t", prop_uptime, 0),
	IP("Ipv6State", "s", prop_v6_state, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Ipv6LinkLocal", "s", prop_v6_local, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Ipv6PeerLinkLocal", "s", prop_v6_peer, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Ipv6Prefix", "s", prop_v6_prefix, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	IP("Ipv6Routed", "s", prop_v6_routed, 0),
	IP("Ipv6PacketsIn", "t", prop_packets6_in, 0),
	IP("Ipv6PacketsOut", "t", prop_packets6_out, 0),
	IP("Ipv6BytesIn", "t", prop_bytes6_in, 0),
	IP("Ipv6BytesOut", "t", prop_bytes6_out, 0),
	SD_BUS_VTABLE_END
};
#undef IP

/* ------------------------------------------------------------------ */
/* The class: objects found by path                                   */

static const char *obj_name(const struct ip_bus_obj *o)
{
	return o->loop ? ((const struct ip_loop *)o)->name : ((const struct ip_iface *)o)->name;
}

/* The object whose name is exactly name (as the path was encoded from
 * it: "vi2" is not "Vi2"), or NULL. */
static struct ip_bus_obj *obj_by_name(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);

	if (ifc && strcmp(ifc->name, name) == 0)
		return &ifc->obj;
	for (guint i = 0; i < m->loop_objs->len; i++) {
		struct ip_loop *l = g_ptr_array_index(m->loop_objs, i);

		if (strcmp(l->name, name) == 0)
			return &l->obj;
	}
	return NULL;
}

static int obj_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		    void **found, sd_bus_error *error)
{
	struct ip_module *m = userdata;
	struct ip_bus_obj *o;
	char *name = NULL;
	int r;

	r = sd_bus_path_decode(path, IP_BUS_PREFIX, &name);
	if (r <= 0 || !name)
		return 0;
	o = strchr(name, '/') ? NULL : obj_by_name(m, name);
	free(name);
	if (!o)
		return 0;
	*found = o;
	return 1;
}

gint ip_bus_key_cmp(gconstpointer a, gconstpointer b)
{
	uint32_t x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return (x > y) - (x < y);
}

void ip_bus_obj_add(struct ip_module *m, struct ip_bus_obj *o, bool loop)
{
	/* 0 is the first page's cursor; after 2^32 - 1 interfaces the keys
	 * go round, skipping any still held. */
	do
		o->key = ++m->bus_next_key;
	while (o->key == 0 || g_tree_lookup(m->bus_objs, GUINT_TO_POINTER(o->key)));
	o->loop = loop;
	g_tree_insert(m->bus_objs, GUINT_TO_POINTER(o->key), o);
}

void ip_bus_obj_remove(struct ip_module *m, struct ip_bus_obj *o)
{
	if (o->key && g_tree_lookup(m->bus_objs, GUINT_TO_POINTER(o->key)) == o)
		g_tree_remove(m->bus_objs, GUINT_TO_POINTER(o->key));
	o->key = 0;
}

void ip_bus_changed(struct ip_iface *ifc)
{
	sd_bus *bus = ifc->m->bus_slot ? vpdn_core_dbus(ifc->m->core) : NULL;
	char *path = NULL;

	if (!bus || sd_bus_path_encode(IP_BUS_PREFIX, ifc->name, &path) < 0)
		return;
	sd_bus_emit_properties_changed(bus, path, IP_BUS_IFACE, "State", "LocalAddress",
				       "PeerAddress", "User", "Profile", "Link", "Config", "Ipv6State",
				       "Ipv6LinkLocal", "Ipv6PeerLinkLocal", "Ipv6Prefix", NULL);
	free(path);
}

/* ------------------------------------------------------------------ */
/* ListInterfaces: pages of (path, properties)                        */

static size_t len0(const char *s)
{
	return s ? strlen(s) : 0;
}

/* A row's octets, for the byte budget: the fixed part (names of the
 * properties, signatures, numbers, padding) and its strings (the path
 * escapes a name to at most 3 octets a character). */
static size_t row_size(const struct ip_bus_obj *o)
{
	size_t n = IP_BUS_ROW_FIXED + 4 * len0(obj_name(o));

	if (!o->loop) {
		const struct ip_iface *ifc = (const struct ip_iface *)o;

		n += len0(ifc->user) + len0(ifc->profile) + len0(ip_iface_link_name(ifc)) +
		     len0(ifc->config) + len0(iface_unnumbered(ifc));
		/* the five Ipv6* properties (~30 octets each) and their values */
		n += IP_BUS_ROW_V6 + (ifc->v6 ? 3 * (INET6_ADDRSTRLEN + 4) + IP6_ROUTED_TEXT : 0);
	}
	return n;
}

int ip_bus_append_interfaces(struct ip_module *m, sd_bus_message *msg, uint32_t cursor,
			     uint32_t max, uint32_t *next, uint32_t *rows)
{
	GTreeNode *node = g_tree_upper_bound(m->bus_objs, GUINT_TO_POINTER(cursor));
	uint32_t n = 0, last = 0;
	size_t bytes = 0;
	int r;

	max = vpdn_dbus_page_max(max);
	*next = 0;
	r = sd_bus_message_open_container(msg, 'a', "(oa{sv})");
	for (; r >= 0 && node; node = g_tree_node_next(node)) {
		struct ip_bus_obj *o = g_tree_node_value(node);
		size_t row = row_size(o);
		char *path = NULL;

		if (n == max || (n > 0 && bytes + row > IP_BUS_PAGE_BYTES)) {
			*next = last; /* more follow */
			break;
		}
		r = sd_bus_path_encode(IP_BUS_PREFIX, obj_name(o), &path);
		if (r >= 0)
			r = vpdn_dbus_append_object_row(msg, path, IP_BUS_IFACE, iface_vtable, o);
		free(path);
		bytes += row;
		n++;
		last = o->key;
	}
	if (r >= 0)
		r = sd_bus_message_close_container(msg);
	if (rows)
		*rows = n;
	return r;
}

static int method_list_interfaces(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct ip_module *m = userdata;
	sd_bus_message *reply = NULL;
	uint32_t cursor, max, next = 0;
	int r;

	r = sd_bus_message_read(msg, "uu", &cursor, &max);
	if (r < 0)
		return r;
	r = sd_bus_message_new_method_return(msg, &reply);
	if (r < 0)
		return r;
	r = ip_bus_append_interfaces(m, reply, cursor, max, &next, NULL);
	if (r >= 0)
		r = sd_bus_message_append_basic(reply, 'u', &next);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/* ------------------------------------------------------------------ */
/* Module object                                                      */

GETTER(module_interfaces)
{
	struct ip_module *m = userdata;

	return sd_bus_message_append(reply, "u", (uint32_t)g_tree_nnodes(m->bus_objs));
}
#undef GETTER

static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_NAMES("ListInterfaces", "uu", SD_BUS_PARAM(cursor) SD_BUS_PARAM(max),
				 "a(oa{sv})u", SD_BUS_PARAM(interfaces) SD_BUS_PARAM(next),
				 method_list_interfaces, 0),
	SD_BUS_PROPERTY("Interfaces", "u", module_interfaces, 0, 0),
	SD_BUS_VTABLE_END
};

int ip_bus_module_add(struct ip_module *m)
{
	int r;

	r = vpdn_dbus_add_module_object(m->core, "ip", IP_MODULE_IFACE, module_vtable, m,
					&m->bus_slot);
	if (r < 0 || !m->bus_slot)
		return r;
	/* The class goes with the module object's slot. */
	r = vpdn_dbus_slot_add_fallback(m->bus_slot, IP_BUS_PREFIX, IP_BUS_IFACE, iface_vtable,
					obj_find, m);
	if (r < 0)
		m->bus_slot = sd_bus_slot_unref(m->bus_slot);
	return r;
}

void ip_bus_module_remove(struct ip_module *m)
{
	m->bus_slot = sd_bus_slot_unref(m->bus_slot);
}
