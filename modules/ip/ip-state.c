/* SPDX-License-Identifier: MIT */
/*
 * Restart in place for ip (docs/RESTART.md). save() hands every session's
 * TUN descriptor to the successor ("ip/tun/Vi1", the kernel name; in
 * shared mode the one device, "ip/tun/vpdn0", its kernel name too), so the kernel device and
 * its addresses and routes outlive the exec (a TUN device goes when its
 * last descriptor closes, and the old process runs no fini). The state
 * (version 1) is only the list of names kept, for the log.
 *
 * The new process takes a descriptor back where it would open a TUN
 * (ip_iface_new() when ppp's restore republishes PPP_NETWORK_UP, the
 * shared device at init), once it checked that it is a TUN of that name;
 * the interface is then "adopted": an address or route the kernel
 * already has (-EEXIST) is ours, not a failure, and is removed with the
 * session as one we added.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vpdnd/restart.h>

#include "ip-private.h"

static void fd_name(const char *kname, char *buf, size_t size)
{
	g_snprintf(buf, size, "ip/tun/%s", kname);
}

int ip_state_take_tun(struct ip_module *m, const char *kname, int *ifindex)
{
	struct ifreq ifr;
	char name[64];
	int fd, idx, fl;

	fd_name(kname, name, sizeof(name));
	fd = vpdn_core_take_fd(m->core, name);
	if (fd < 0)
		return -ENOENT;
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0 || strncmp(ifr.ifr_name, kname, IFNAMSIZ) ||
	    !(ifr.ifr_flags & IFF_TUN)) {
		vpdn_warn(m->log, "IP: restart: descriptor %s is not the TUN %s, closed", name,
			  kname);
		goto fail;
	}
	idx = m->ops->ifindex(m->ops_ctx, kname);
	if (idx < 0)
		goto fail;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		goto fail;
	*ifindex = idx;
	vpdn_info(m->log, "IP: restart: TUN %s adopted (ifindex %d), addresses and routes kept",
		  kname, idx);
	return fd;
fail:
	close(fd);
	return -EBADF;
}

GVariant *ip_state_save(struct ip_module *m)
{
	GVariantBuilder b;
	GHashTableIter it;
	gpointer k, v;
	char name[64];
	unsigned n = 0;

	g_variant_builder_init(&b, G_VARIANT_TYPE("as"));
	if (m->mode == IP_MODE_SHARED && m->shared_fd >= 0) {
		/* by its kernel name, as setup_interfaces() takes it back */
		fd_name(m->shared_name, name, sizeof(name));
		if (vpdn_core_keep_fd(m->core, name, m->shared_fd) == 0) {
			g_variant_builder_add(&b, "s", name);
			n++;
		}
	}
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct ip_iface *ifc = v;
		/* sessions' own devices; a dialer's is made again at init */
		if (ifc->fd < 0 || ifc->dialer || !ifc->net)
			continue;
		fd_name(ifc->kname, name, sizeof(name));
		if (vpdn_core_keep_fd(m->core, name, ifc->fd) == 0) {
			g_variant_builder_add(&b, "s", name);
			n++;
		}
	}
	vpdn_info(m->log, "IP: restart: %u TUN device(s) kept", n);
	return g_variant_builder_end(&b);
}

int ip_state_restore(struct ip_module *m, GVariant *data, uint32_t version)
{
	if (version != IP_STATE_VERSION)
		return -EPROTO;
	if (!g_variant_is_of_type(data, G_VARIANT_TYPE("as")))
		return -EBADMSG;
	vpdn_info(m->log, "IP: restart: %zu TUN device(s) were kept; the ones no session "
		  "took back are closed", g_variant_n_children(data));
	return 0;
}
