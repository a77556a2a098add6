/* SPDX-License-Identifier: MIT */
/*
 * Interfaces appearing, going, and going up or down, from rtnetlink's
 * link group (libmnl): a port whose interface appears is opened, one whose
 * interface is deleted (or renamed away) is closed and waits for it again,
 * and an interface that loses IFF_UP or carrier ends its sessions.
 *
 * The kernel drops notifications when our socket's buffer is full
 * (ENOBUFS): then each port is checked against the interfaces as they are
 * now (by name), counted in pppoe_netlink_overruns_total and logged.
 *
 * Lifetime: the socket and its GSource belong to the module; both go in
 * pppoe_netlink_close(), before the ports.
 */
#include <errno.h>
#include <glib-unix.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <linux/if.h> /* IFF_LOWER_UP; after net/if.h (libc-compat) */
#include <string.h>

#include "pppoe-module.h"

static void link_state(struct pppoe_module *m, int ifindex, bool down)
{
	for (guint i = 0; i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		if (p->ifc->ifindex != ifindex || p->down == down)
			continue;
		p->down = down;
		if (!down) {
			vpdn_notice(m->log, "%s PPPoE: interface up", p->ifc->name);
			continue;
		}
		unsigned n = pppoe_if_down(p->ifc, "interface down");
		vpdn_warn(m->log, "%s PPPoE: interface down, %u session%s ended", p->ifc->name, n,
			  n == 1 ? "" : "s");
	}
}

static int on_attr(const struct nlattr *a, void *data)
{
	const char **ifname = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*ifname = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

/* A link message: attach a waiting port whose interface appeared, detach
 * one whose interface was deleted, else follow up/down. */
static int on_link(const struct nlmsghdr *h, void *data)
{
	struct pppoe_module *m = data;
	const struct ifinfomsg *ifi;
	const char *ifname = NULL;

	if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
	    mnl_nlmsg_get_payload_len(h) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(h);
	mnl_attr_parse(h, sizeof(*ifi), on_attr, &ifname);
	for (guint i = 0; i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		if (p->attached && p->ifc->ifindex == ifi->ifi_index) {
			if (h->nlmsg_type == RTM_DELLINK ||
			    (ifname && strcmp(ifname, p->ifc->name) != 0))  /* renamed away */
				pppoe_port_detach(p, "interface removed");
			else
				link_state(m, ifi->ifi_index, !(ifi->ifi_flags & IFF_UP) ||
					   !(ifi->ifi_flags & IFF_LOWER_UP));
		} else if (!p->attached && h->nlmsg_type == RTM_NEWLINK && ifname &&
			   strcmp(ifname, p->ifc->name) == 0) {
			pppoe_port_attach(p);
		}
	}
	return MNL_CB_OK;
}

/* Notifications were lost: compare each port with the interface of its
 * name as it is now. (Up/down is followed again from the next message.) */
static void resync(struct pppoe_module *m)
{
	(*m->nl_overruns)++;
	vpdn_warn(m->log, "PPPoE: rtnetlink notifications lost (socket buffer full): "
		  "checking the interfaces again");
	for (guint i = 0; i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		int idx = (int)if_nametoindex(p->ifc->name);

		if (p->attached && idx != p->ifc->ifindex)
			pppoe_port_detach(p, "interface removed");
		if (!p->attached && idx > 0)
			pppoe_port_attach(p);
	}
}

static gboolean on_netlink(gint fd, GIOCondition cond, gpointer data)
{
	struct pppoe_module *m = data;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			resync(m);
			continue;
		}
		if (n <= 0)
			break;
		/* Notifications: sequence 0, from the kernel (port 0). */
		mnl_cb_run(buf, (size_t)n, 0, 0, on_link, m);
	}
	return G_SOURCE_CONTINUE;
}

int pppoe_netlink_open(struct pppoe_module *m)
{
	int r;

	m->nl_overruns = vpdn_core_counter(m->core, "pppoe_netlink_overruns_total",
		"rtnetlink link notifications lost (socket buffer full); interfaces checked again");
	if (!m->nl_overruns)
		m->nl_overruns = &m->nl_overruns_store;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl)
		return -errno;
	if (mnl_socket_bind(m->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		pppoe_netlink_close(m);
		return r;
	}
	m->src_nl = g_unix_fd_add(mnl_socket_get_fd(m->nl), G_IO_IN, on_netlink, m);
	return 0;
}

void pppoe_netlink_close(struct pppoe_module *m)
{
	if (m->src_nl)
		g_source_remove(m->src_nl);
	m->src_nl = 0;
	if (m->nl)
		mnl_socket_close(m->nl);
	m->nl = NULL;
}
