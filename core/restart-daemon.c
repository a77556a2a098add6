/* SPDX-License-Identifier: MIT */
/*
 * Restart in place, the daemon's steps (docs/RESTART.md): at a planned
 * restart, save (modules' hooks), write the state, exec the binary with
 * the kept descriptors; at start, adopt the state and the descriptors,
 * and after the modules' init, restore them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <systemd/sd-daemon.h>

#include "core-private.h"
#include "restart-daemon.h"
#include "restart-state.h"

char *vpdn_restart_state_path(struct vpdn_core *core, const char *dir)
{
	char *name = g_strdup_printf("%s.restart", core->hostname ? core->hostname : "vpdnd");
	char *path = g_build_filename(dir, name, NULL);

	g_free(name);
	return path;
}

/* Tell the service manager to drop its copies of what we were handed
 * (FDSTOREREMOVE=1): they are ours now, and a later start (after a crash)
 * must not get this state again. */
static void fdstore_forget(char **names, int n)
{
	for (int i = 0; names && i < n; i++) {
		char *msg = g_strdup_printf("FDSTOREREMOVE=1\nFDNAME=%s", names[i]);

		sd_notify(0, msg);
		g_free(msg);
	}
}

/* The state in the descriptor the fd store handed back (read from 0,
 * closed: consumed once). */
static int read_state_fd(int fd, struct vpdn_state *st, char **why)
{
	GByteArray *buf = g_byte_array_new();
	guint8 chunk[65536];
	ssize_t k;
	GBytes *b;
	int r;

	*why = NULL;
	memset(st, 0, sizeof(*st));
	if (lseek(fd, 0, SEEK_SET) < 0) {
		*why = g_strdup_printf("cannot read the state descriptor: %s", g_strerror(errno));
		g_byte_array_free(buf, TRUE);
		close(fd);
		return -EIO;
	}
	while ((k = read(fd, chunk, sizeof(chunk))) > 0 && buf->len <= VPDN_STATE_MAX_BYTES)
		g_byte_array_append(buf, chunk, (guint)k);
	close(fd);
	b = g_byte_array_free_to_bytes(buf);
	r = vpdn_state_decode(b, st, why);
	g_bytes_unref(b);
	return r;
}

GVariant *vpdn_restart_adopt(struct vpdn_core *core)
{
	const char *path = g_getenv(VPDN_RESTART_ENV);
	struct vpdn_state st;
	char **names = NULL;
	char *why = NULL, *boot = NULL, *file = NULL;
	GVariant *modules = NULL;
	int n, r, state_fd = -1;
	uint32_t pid = (uint32_t)getpid();

	/* The descriptors, by name (LISTEN_FDS/LISTEN_FDNAMES of our own pid:
	 * the predecessor exec'd us, or systemd passed its fd store; the
	 * variables go). */
	memset(&st, 0, sizeof(st));
	n = sd_listen_fds_with_names(1, &names);
	for (int i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		const char *name = names && names[i] ? names[i] : "unknown";

		fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (strcmp(name, VPDN_RESTART_FDSTORE_STATE) == 0 && state_fd < 0)
			state_fd = fd;
		else
			vpdn_restart_add_inherited(core, name, fd);
	}
	if (state_fd >= 0) {
		/* Through systemd's fd store: the state is in the store too
		 * (written with pid 0: the successor has a new pid). A state
		 * file named as well is not ours to trust. */
		fdstore_forget(names, n);
		g_strfreev(names);
		if (path)
			g_unsetenv(VPDN_RESTART_ENV);
		file = g_strdup("(fd store)");
		pid = 0;
		r = read_state_fd(state_fd, &st, &why);
	} else {
		g_strfreev(names);
		if (!path)
			return NULL;
		file = g_strdup(path);
		g_unsetenv(VPDN_RESTART_ENV);
		r = vpdn_state_read(file, &st, &why);
	}
	if (r == 0) {
		boot = vpdn_state_boot_id();
		r = vpdn_state_check(&st, VPDND_VERSION_STRING, core->hostname, pid,
				     boot, (uint64_t)g_get_real_time(), &why);
	}
	if (r < 0) {
		vpdn_warn(core->log, "%%SYS-4-RESTART: restart state %s refused (%s): clean start",
			  file, why ? why : g_strerror(-r));
		goto out;
	}
	vpdn_restart_set_history(core, true, st.restarts, st.times, st.first_start_us);
	/* The uptime goes on from the first start (same boot: the monotonic
	 * clock is older than it). */
	{
		uint64_t now = vpdn_timers_now(core->timers);
		uint64_t up = ((uint64_t)g_get_real_time() - st.first_start_us) / 1000;

		core->started_ms = up < now ? now - up : 0;
	}
	modules = st.modules;
	st.modules = NULL;
	if (state_fd >= 0)
		n--;
	vpdn_notice(core->log, "%%SYS-5-RESTART: restarting in place (restart %u%s): state of %zu "
		    "module%s, %d descriptor%s", st.restarts, state_fd >= 0 ? ", from the fd store" : "",
		    g_variant_n_children(modules), g_variant_n_children(modules) == 1 ? "" : "s",
		    n < 0 ? 0 : n, n == 1 ? "" : "s");
out:
	vpdn_state_clear(&st);
	g_free(why);
	g_free(boot);
	g_free(file);
	return modules;
}

void vpdn_restart_restore(struct vpdn_core *core, struct vpdn_loader *ld, GVariant *modules)
{
	unsigned orphans;

	if (modules) {
		vpdn_loader_restore(ld, modules);
		orphans = vpdn_restart_orphan_links(core);
		if (orphans)
			vpdn_notice(core->log, "Restart: %u link%s not taken back by any module: "
				    "cleared by their carriers", orphans, orphans == 1 ? "" : "s");
		vpdn_bus_run_deferred(core->bus);
	}
	vpdn_restart_close_untaken(core);
}

int vpdn_restart_check(const char *exe, const char *state_dir, char **error)
{
	*error = NULL;
	if (!exe || access(exe, X_OK) < 0) {
		*error = g_strdup_printf("cannot restart: %s is not executable (%s)",
					 exe ? exe : "the binary", g_strerror(errno));
		return -ENOEXEC;
	}
	if (!state_dir || g_mkdir_with_parents(state_dir, 0750) < 0 ||
	    access(state_dir, W_OK) < 0) {
		*error = g_strdup_printf("cannot restart: state-directory %s is not writable (%s)",
					 state_dir ? state_dir : "(none)", g_strerror(errno));
		return -EACCES;
	}
	return 0;
}

/* Every descriptor from 3 up close-on-exec. */
static void cloexec_all(void)
{
#ifdef CLOSE_RANGE_CLOEXEC
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	GDir *dir = g_dir_open("/proc/self/fd", 0, NULL);
	const char *e;

	while (dir && (e = g_dir_read_name(dir))) {
		int fd = atoi(e);

		if (fd >= 3)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	if (dir)
		g_dir_close(dir);
}

/* The state of this process and its modules' save(); pid 0 for a state
 * handed over through systemd's fd store (the successor has a new pid). */
static void fill_state(struct vpdn_core *core, struct vpdn_loader *ld, struct vpdn_state *st,
		       uint32_t pid)
{
	vpdn_state_init(st);
	st->version = g_strdup(VPDND_VERSION_STRING);
	st->hostname = g_strdup(core->hostname);
	st->pid = pid;
	st->boot_id = vpdn_state_boot_id();
	st->written_us = (uint64_t)g_get_real_time();
	st->first_start_us = vpdn_restart_first_start(core);
	st->restarts = vpdn_restart_count(core) + 1;
	{
		const GArray *t = vpdn_restart_times(core);
		guint from = t->len >= VPDN_STATE_MAX_TIMES ? t->len - VPDN_STATE_MAX_TIMES + 1 : 0;

		g_array_append_vals(st->times, &g_array_index(t, uint64_t, from), t->len - from);
		g_array_append_val(st->times, st->written_us);
	}
	st->modules = vpdn_loader_save(ld);
}

int vpdn_restart_exec(struct vpdn_core *core, struct vpdn_loader *ld, const char *state_path,
		      const char *exe, char **argv, bool *gone, char **error)
{
	struct vpdn_state st;
	GString *names = g_string_new(NULL);
	unsigned n;
	int *high = NULL, err;
	char *why = NULL, buf[32];

	*gone = false;
	*error = NULL;
	fill_state(core, ld, &st, (uint32_t)getpid());
	err = vpdn_state_write(state_path, &st, &why);
	if (err < 0) {
		*error = g_strdup_printf("cannot write the restart state %s: %s", state_path, why);
		goto fail;
	}
	n = vpdn_restart_kept_count(core);
	vpdn_notice(core->log, "%%SYS-5-RESTART: restarting in place: state of %zu module%s in %s, "
		    "%u descriptor%s handed over", g_variant_n_children(st.modules),
		    g_variant_n_children(st.modules) == 1 ? "" : "s", state_path, n, n == 1 ? "" : "s");
	/* The point of no return: the descriptors are renumbered. */
	*gone = true;
	high = g_new0(int, n ? n : 1);
	for (unsigned i = 0; i < n; i++) {
		const char *name;
		int fd = vpdn_restart_kept_at(core, i, &name);

		high[i] = fcntl(fd, F_DUPFD_CLOEXEC, 3 + (int)n);
		g_string_append_printf(names, "%s%s", i ? ":" : "", name);
	}
	cloexec_all();
	for (unsigned i = 0; i < n; i++)
		if (high[i] < 0 || dup2(high[i], 3 + (int)i) < 0) {
			*error = g_strdup_printf("cannot hand descriptor %u over: %s", i, g_strerror(errno));
			err = -EBADF;
			goto fail_gone;
		}
	g_snprintf(buf, sizeof(buf), "%u", n);
	g_setenv("LISTEN_FDS", buf, TRUE);
	g_snprintf(buf, sizeof(buf), "%d", (int)getpid());
	g_setenv("LISTEN_PID", buf, TRUE);
	g_setenv("LISTEN_FDNAMES", names->str, TRUE);
	g_setenv(VPDN_RESTART_ENV, state_path, TRUE);
	fflush(NULL);
	execv(exe, argv);
	err = -errno;
	*error = g_strdup_printf("cannot exec %s: %s", exe, g_strerror(errno));
fail_gone:
	g_unlink(state_path);
	g_free(high);
	g_string_free(names, TRUE);
	vpdn_state_clear(&st);
	g_free(why);
	return err;
fail:
	vpdn_restart_kept_clear(core);
	g_string_free(names, TRUE);
	vpdn_state_clear(&st);
	g_free(why);
	return err;
}

/* A sealed memfd holding the state file's bytes, or -errno. */
static int state_memfd(const struct vpdn_state *st)
{
	GBytes *b = vpdn_state_encode(st);
	gsize n = 0;
	const guint8 *p = g_bytes_get_data(b, &n);
	int fd = memfd_create(VPDN_RESTART_FDSTORE_STATE, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int err = 0;

	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (gsize off = 0; off < n;) {
		ssize_t k = write(fd, p + off, n - off);

		if (k < 0) {
			err = -errno;
			close(fd);
			goto out;
		}
		off += (gsize)k;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
out:
	g_bytes_unref(b);
	return err < 0 ? err : fd;
}

static int fdstore_send(const char *name, int fd)
{
	char *msg = g_strdup_printf("FDSTORE=1\nFDNAME=%s", name);
	int r = sd_pid_notify_with_fds(0, 0, msg, &fd, 1);

	g_free(msg);
	return r < 0 ? r : r == 0 ? -ENOTCONN : 0;
}

int vpdn_restart_fdstore(struct vpdn_core *core, struct vpdn_loader *ld, char **error)
{
	struct vpdn_state st;
	unsigned n, sent = 0;
	const char *max_s = g_getenv("FDSTORE");
	int fd = -1, r = 0;

	*error = NULL;
	if (!g_getenv("NOTIFY_SOCKET")) {
		*error = g_strdup("not run by systemd (NOTIFY_SOCKET is not set)");
		return -ENOTCONN;
	}
	fill_state(core, ld, &st, 0);
	n = vpdn_restart_kept_count(core);
	/* systemd >= 254 says how many it keeps (FileDescriptorStoreMax=);
	 * it drops the others with a warning of its own we would not see. */
	if (max_s && g_ascii_strtoull(max_s, NULL, 10) < (guint64)n + 1) {
		*error = g_strdup_printf("the fd store keeps %s descriptors, the node hands over %u: "
					 "raise FileDescriptorStoreMax=", max_s, n + 1);
		r = -ENOSPC;
		goto out;
	}
	fd = state_memfd(&st);
	if (fd < 0) {
		*error = g_strdup_printf("cannot hold the state in memory: %s", g_strerror(-fd));
		r = fd;
		goto out;
	}
	for (; sent < n; sent++) {
		const char *name;
		int kfd = vpdn_restart_kept_at(core, sent, &name);

		if ((r = fdstore_send(name, kfd)) < 0)
			break;
	}
	/* The state last: a store that has it has every descriptor too. */
	if (r == 0)
		r = fdstore_send(VPDN_RESTART_FDSTORE_STATE, fd);
	if (r < 0) {
		*error = g_strdup_printf("cannot hand descriptors to the fd store: %s", g_strerror(-r));
		for (unsigned i = 0; i < sent; i++) {
			const char *name;
			char *msg;

			vpdn_restart_kept_at(core, i, &name);
			msg = g_strdup_printf("FDSTOREREMOVE=1\nFDNAME=%s", name);
			sd_notify(0, msg);
			g_free(msg);
		}
		goto out;
	}
	vpdn_notice(core->log, "%%SYS-5-RESTART: restarting through the fd store: state of %zu "
		    "module%s (%zu octets), %u descriptor%s handed to systemd",
		    g_variant_n_children(st.modules), g_variant_n_children(st.modules) == 1 ? "" : "s",
		    (size_t)lseek(fd, 0, SEEK_END), n, n == 1 ? "" : "s");
out:
	if (fd >= 0)
		close(fd);
	vpdn_restart_kept_clear(core);
	vpdn_state_clear(&st);
	return r;
}
