/* SPDX-License-Identifier: MIT */
/*
 * The vpdnd daemon: arguments, config, modules, D-Bus, signals, main loop.
 *
 * Start-up order: pass 1 of the config (modules list), load and check the
 * modules, pass 2 (everything, with the modules' options and checks), then
 * --check stops here and lists the modules; otherwise connect D-Bus, init
 * the modules in dependency order and run. SIGTERM/SIGINT stop cleanly
 * (modules finalised in reverse), SIGHUP reloads.
 */
#include <errno.h>
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vpdnd-config.h"
#include "core-private.h"
#include "daemon.h"
#include "loader.h"
#include "metrics-http.h"
#include "node-bus.h"
#include "node-events.h"
#include "restart-daemon.h"
#include "sd-notify.h"
#include <build-config.h>

struct daemon {
	struct vpdn_core *core;
	struct vpdn_loader *loader;
	cfg_t *cfg;
	char *config_path;
	char **module_names; /* as loaded, to refuse a reload that changes them */
	GMainLoop *loop;
	int exit_status;
	struct vpdn_metrics_http *metrics; /* NULL unless metrics { listen } */
	struct vpdn_sd *sd;                /* systemd notifications */
	/* Restart in place (docs/RESTART.md): the binary as started (an
	 * upgrade installs a new one at the same path), the arguments, and
	 * a restart agreed over D-Bus, done once the main loop returned. */
	char *exe;
	char **argv;
	enum { RESTART_NONE, RESTART_EXEC, RESTART_FDSTORE, RESTART_FDSTORE_STOP } restart_pending;
};

/* The exit status after handing everything to systemd's fd store at
 * Node1.RestartViaFdStore(): the unit restarts on it
 * (RestartForceExitStatus=75, EX_TEMPFAIL). At a SIGTERM of a restart
 * job the node exits 0: systemd's job starts the successor. */
#define VPDN_EXIT_FDSTORE 75

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vpdnd -c FILE [OPTIONS]\n"
		"\n"
		"  -c, --config FILE    config file (default " VPDND_SYSCONFDIR "/vpdnd.conf)\n"
		"      --check          validate the config, list the modules it loads, exit\n"
		"      --bus BUS        D-Bus to join: system (default), session, or an address\n"
		"      --no-bus         run without D-Bus\n"
		"  -d, --debug CAT      switch a debug category on (repeatable; \"all\")\n"
		"      --syslog         log to syslog/journal as well as stderr\n"
		"  -f, --foreground     accepted for compatibility (vpdnd never forks)\n"
		"  -V, --version        print the version\n"
		"  -h, --help           this text\n"
		"\n"
		"Modules are searched in $VPDND_MODULE_PATH, the config's module-path,\n"
		"the build tree (when run from it) and " VPDND_MODULEDIR ".\n");
}

/* Running from the build tree: modules are found there without installing. */
static bool in_build_tree(void)
{
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	bool yes = exe && g_str_has_prefix(exe, VPDND_BUILD_ROOT "/");
	g_free(exe);
	return yes;
}

static void setup_search_path(struct vpdn_loader *ld, char **config_dirs)
{
	vpdn_loader_add_path_list(ld, g_getenv("VPDND_MODULE_PATH"));
	for (char **d = config_dirs; d && *d; d++)
		vpdn_loader_add_path(ld, *d);
	if (in_build_tree()) {
		/* modules/NAME/NAME.so, and modules that share a directory
		 * (modules/isdn/isdn-switch.so). */
		vpdn_loader_add_path(ld, VPDND_BUILD_ROOT "/modules");
		GDir *dir = g_dir_open(VPDND_BUILD_ROOT "/modules", 0, NULL);
		const char *name;
		while (dir && (name = g_dir_read_name(dir))) {
			char *sub = g_build_filename(VPDND_BUILD_ROOT "/modules", name, NULL);
			if (g_file_test(sub, G_FILE_TEST_IS_DIR))
				vpdn_loader_add_path(ld, sub);
			g_free(sub);
		}
		if (dir)
			g_dir_close(dir);
	}
	vpdn_loader_add_path(ld, VPDND_MODULEDIR);
}

static const char *module_at(void *data, size_t i, const char **version, const char **desc)
{
	struct daemon *d = data;
	const struct vpdn_module *m = vpdn_loader_module(d->loader, i);
	if (!m)
		return NULL;
	if (version)
		*version = m->version ? m->version : "";
	if (desc)
		*desc = m->description ? m->description : "";
	return m->name;
}

/* The line of the file that holds "value" (libconfuse keeps no line per
 * option), else fallback. */
static int line_of_value(const char *path, const char *value, int fallback)
{
	char *text = NULL, *quoted = g_strdup_printf("\"%s\"", value);
	int line = fallback;

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		char **lines = g_strsplit(text, "\n", -1);
		for (int i = 0; lines[i]; i++)
			if (strstr(lines[i], "listen") && strstr(lines[i], quoted)) {
				line = i + 1;
				break;
			}
		g_strfreev(lines);
	}
	g_free(text);
	g_free(quoted);
	return line;
}

/* metrics { listen }: NULL when unset. */
static const char *metrics_listen(cfg_t *cfg, int *line)
{
	cfg_t *sec = cfg_getsec(cfg, "metrics");

	*line = sec ? sec->line : 0;
	return sec ? cfg_getstr(sec, "listen") : NULL;
}

/* Open, move or close the metrics endpoint to match cfg. On failure the
 * endpoint in force (if any) is opened again and *error says why
 * (file:line). */
static int apply_metrics(struct daemon *d, cfg_t *cfg, char **error)
{
	int line;
	const char *listen = metrics_listen(cfg, &line);
	struct vpdn_metrics_http *h;
	char *why = NULL;

	unsigned max_series = cfg_getint(cfg_getsec(cfg, "metrics"), "max-series");

	if (g_strcmp0(listen, vpdn_metrics_http_address(d->metrics)) == 0) {
		vpdn_metrics_http_set_max_series(d->metrics, max_series);
		return 0;
	}
	if (!listen) {
		vpdn_metrics_http_close(d->metrics);
		d->metrics = NULL;
		vpdn_notice(vpdn_core_log(d->core), "%%SYS-5-METRICS: metrics endpoint closed");
		return 0;
	}
	/* Same port on another address, or the other way round: free the old
	 * socket first so that the new bind can succeed. */
	char *old = g_strdup(vpdn_metrics_http_address(d->metrics));
	vpdn_metrics_http_close(d->metrics);
	d->metrics = NULL;
	h = vpdn_metrics_http_open(d->core, listen, &why);
	if (!h) {
		*error = g_strdup_printf("%s:%d: %s", d->config_path,
					 line_of_value(d->config_path, listen, line), why);
		g_free(why);
		why = NULL;
		if (old && !(d->metrics = vpdn_metrics_http_open(d->core, old, &why))) {
			vpdn_err(vpdn_core_log(d->core), "%s", why);
			g_free(why);
		}
		g_free(old);
		return -EADDRNOTAVAIL;
	}
	g_free(old);
	vpdn_metrics_http_set_max_series(h, max_series);
	d->metrics = h;
	return 0;
}

static bool same_modules(struct daemon *d, const struct vpdn_config_core *cc)
{
	if (g_strv_length(d->module_names) != cc->n_modules)
		return false;
	for (size_t i = 0; i < cc->n_modules; i++)
		if (g_strcmp0(d->module_names[i], cc->modules[i]) != 0)
			return false;
	return true;
}

static int reload_config(void *data, char **message)
{
	struct daemon *d = data;
	struct vpdn_log *log = vpdn_core_log(d->core);
	struct vpdn_config_core cc;
	char *error = NULL;
	int err;

	*message = NULL;
	err = vpdn_config_read_core(d->config_path, &cc, &error);
	if (err < 0)
		goto fail;
	if (!same_modules(d, &cc)) {
		error = g_strdup_printf("%s:%d: the modules list changed: restart vpdnd to load or unload modules",
					cc.modules_file, cc.modules_line);
		vpdn_config_core_clear(&cc);
		err = -EINVAL;
		goto fail;
	}
	vpdn_config_core_clear(&cc);
	cfg_t *cfg = vpdn_config_parse(d->config_path, d->loader, &error);
	if (!cfg) {
		err = -EINVAL;
		goto fail;
	}
	/* The metrics endpoint first: a port in use refuses the reload before
	 * any module switched. */
	err = apply_metrics(d, cfg, &error);
	if (err < 0) {
		vpdn_config_free(cfg);
		goto fail;
	}
	vpdn_config_apply_core(cfg, d->core);
	/* A module refuses what it cannot apply with cfg_error(): file:line
	 * and the option, rather than the loader's generic line. */
	vpdn_config_errors_begin(cfg);
	err = vpdn_loader_reload(d->loader, cfg, &error);
	char *why = vpdn_config_errors_end();
	if (err < 0 && why) {
		g_free(error);
		error = why;
	} else {
		g_free(why);
	}
	/* Modules have switched to the new config (or kept their old state on
	 * error); the old tree can go. */
	vpdn_config_free(d->cfg);
	d->cfg = cfg;
	if (err < 0)
		goto fail;
	struct vpdn_ev_reload ev = { .size = sizeof(ev), .path = d->config_path, .cfg = cfg };
	vpdn_bus_publish(vpdn_core_bus(d->core), VPDN_EV_CONFIG_RELOADED, &ev);
	vpdn_notice(log, "%%SYS-5-CONFIG: configuration reloaded from %s", d->config_path);
	return 0;
fail:
	vpdn_err(log, "Reload refused, running config stays in force: %s", error);
	*message = error;
	return err;
}

/* SIGHUP and Node1.Reload(): systemd hears RELOADING=1, then READY=1
 * whatever the result. */
static int do_reload(void *data, char **message)
{
	struct daemon *d = data;
	int err;

	vpdn_sd_reloading(d->sd);
	err = reload_config(d, message);
	vpdn_sd_reloaded(d->sd, err < 0 ? *message : NULL);
	return err;
}

static const char *state_directory(struct daemon *d)
{
	return cfg_getstr(d->cfg, "state-directory");
}

/* Node1.Restart(): agree (the checks that can fail without harm), then
 * leave the main loop; the daemon saves and execs after it. */
static int do_restart(void *data, char **message)
{
	struct daemon *d = data;
	int r;

	if (d->restart_pending)
		return 0;
	r = vpdn_restart_check(d->exe, state_directory(d), message);
	if (r < 0)
		return r;
	d->restart_pending = RESTART_EXEC;
	g_main_loop_quit(d->loop);
	return 0;
}

/* Node1.RestartViaFdStore(): only under systemd. */
static int do_restart_fdstore(void *data, char **message)
{
	struct daemon *d = data;

	if (d->restart_pending)
		return 0;
	if (!vpdn_sd_on(d->sd)) {
		*message = g_strdup("cannot restart through the fd store: not run by systemd "
				    "(NOTIFY_SOCKET is not set)");
		return -ENOTCONN;
	}
	d->restart_pending = RESTART_FDSTORE;
	g_main_loop_quit(d->loop);
	return 0;
}

/* Save into systemd's fd store; true when done (the node must exit
 * without a word), false when it failed and the node goes on. */
static bool fdstore_now(struct daemon *d)
{
	char *error = NULL;
	int r;

	if (d->core->dbus)
		sd_bus_flush(d->core->dbus);
	r = vpdn_restart_fdstore(d->core, d->loader, &error);
	if (r < 0) {
		vpdn_err(vpdn_core_log(d->core), "%%SYS-3-RESTART: restart through the fd store "
			 "failed: %s; %s", error, d->restart_pending == RESTART_FDSTORE_STOP ?
			 "stopping cleanly" : "the node goes on");
		g_free(error);
		return false;
	}
	vpdn_sd_stopping(d->sd);
	return true;
}

/* The loop returned for a restart: save, write, exec. Returns only when
 * it failed: false, the node goes on; true, it must exit. */
static bool restart_now(struct daemon *d)
{
	char *path = vpdn_restart_state_path(d->core, state_directory(d));
	char *error = NULL;
	bool gone = false;

	d->restart_pending = RESTART_NONE;
	vpdn_sd_reloading(d->sd);
	/* The D-Bus reply and whatever the modules queued go out first. */
	if (d->core->dbus)
		sd_bus_flush(d->core->dbus);
	vpdn_restart_exec(d->core, d->loader, path, d->exe, d->argv, &gone, &error);
	vpdn_err(vpdn_core_log(d->core), "%%SYS-3-RESTART: restart in place failed: %s%s", error,
		 gone ? "; exiting" : "; the node goes on");
	vpdn_sd_reloaded(d->sd, error);
	g_free(error);
	g_free(path);
	return gone;
}

static gboolean on_sigterm(gpointer data)
{
	struct daemon *d = data;
	char *why = NULL;

	/* systemctl restart: systemd stops us with SIGTERM as at a stop,
	 * but its job says restart: keep everything in its fd store. */
	if (vpdn_sd_on(d->sd) && !d->restart_pending) {
		if (vpdn_sd_restart_job(d->sd, &why)) {
			vpdn_notice(vpdn_core_log(d->core), "%%SYS-5-RESTART: systemd restarts the "
				    "unit: handing over through the fd store");
			d->restart_pending = RESTART_FDSTORE_STOP;
			g_main_loop_quit(d->loop);
			return G_SOURCE_CONTINUE;
		}
		vpdn_info(vpdn_core_log(d->core), "SIGTERM, not a restart (%s)", why);
		g_free(why);
	}
	vpdn_notice(vpdn_core_log(d->core), "%%SYS-5-SHUTDOWN: stopping on signal");
	vpdn_sd_stopping(d->sd);
	g_main_loop_quit(d->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_sighup(gpointer data)
{
	struct daemon *d = data;
	char *msg = NULL;
	do_reload(d, &msg);
	g_free(msg);
	return G_SOURCE_CONTINUE;
}

static void on_shutdown(struct vpdn_core *core, void *data)
{
	struct daemon *d = data;
	vpdn_sd_stopping(d->sd);
	g_main_loop_quit(d->loop);
}

int vpdn_daemon_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "bus", required_argument, NULL, 'b' },
		{ "no-bus", no_argument, NULL, 'N' },
		{ "debug", required_argument, NULL, 'd' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon d = { 0 };
	const char *config = VPDND_SYSCONFDIR "/vpdnd.conf";
	const char *bus_spec = "system";
	bool check = false, no_bus = false, syslog_too = false;
	GPtrArray *debug = g_ptr_array_new();
	struct vpdn_config_core cc = { 0 };
	char *error = NULL;
	int opt, status = 1;

	while ((opt = getopt_long(argc, argv, "c:d:fVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 'C': check = true; break;
		case 'b': bus_spec = optarg; break;
		case 'N': no_bus = true; break;
		case 'd':
			if (vpdn_debug_parse(optarg) < 0) {
				fprintf(stderr, "vpdnd: unknown debug category '%s'\n", optarg);
				g_ptr_array_free(debug, TRUE);
				return 2;
			}
			g_ptr_array_add(debug, optarg);
			break;
		case 'S': syslog_too = true; break;
		case 'f': break;
		case 'V': printf("vpdnd %s\n", VPDND_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); g_ptr_array_free(debug, TRUE); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vpdnd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		g_ptr_array_free(debug, TRUE);
		return 2;
	}
	d.config_path = g_strdup(config);
	d.exe = g_file_read_link("/proc/self/exe", NULL);
	d.argv = g_strdupv(argv);

	/* Pass 1: which modules. */
	if (vpdn_config_read_core(d.config_path, &cc, &error) < 0) {
		fprintf(stderr, "vpdnd: %s\n", error);
		status = VPDN_EXIT_CONFIG;
		goto out;
	}
	d.loader = vpdn_loader_new();
	setup_search_path(d.loader, cc.module_path);
	if (vpdn_loader_load(d.loader, (const char *const *)cc.modules, cc.n_modules, &error) < 0) {
		fprintf(stderr, "vpdnd: %s:%d: %s\n", cc.modules_file, cc.modules_line, error);
		status = VPDN_EXIT_CONFIG;
		goto out;
	}
	d.module_names = g_strdupv(cc.modules);

	/* Pass 2: everything. */
	d.cfg = vpdn_config_parse(d.config_path, d.loader, &error);
	if (!d.cfg) {
		fprintf(stderr, "vpdnd: %s\n", error);
		if (!cc.complete && cc.n_modules == 0)
			fprintf(stderr, "vpdnd: hint: put `modules = {...}` before the modules' own sections\n");
		status = VPDN_EXIT_CONFIG;
		goto out;
	}
	char *warning = vpdn_config_permission_warning(d.config_path);
	if (warning) {
		fprintf(stderr, "vpdnd: warning: %s\n", warning);
		g_free(warning);
	}
	/* What the modules ask that nobody answers: needs are config errors
	 * (the modules list: --check fails, the node does not start); uses
	 * are warnings, printed by --check only (a node may well run a
	 * subset: an LAC has no local authenticator). */
	GPtrArray *unanswered = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *unanswered_w = g_ptr_array_new_with_free_func(g_free);
	vpdn_loader_unanswered(d.loader, unanswered, unanswered_w);
	for (guint i = 0; check && i < unanswered_w->len; i++)
		fprintf(stderr, "vpdnd: warning: %s\n", (char *)unanswered_w->pdata[i]);
	for (guint i = 0; i < unanswered->len; i++)
		fprintf(stderr, "vpdnd: %s:%d: %s\n", cc.modules_file, cc.modules_line,
			(char *)unanswered->pdata[i]);
	bool refused = unanswered->len > 0;
	g_ptr_array_free(unanswered, TRUE);
	g_ptr_array_free(unanswered_w, TRUE);
	if (refused) {
		status = VPDN_EXIT_CONFIG;
		goto out;
	}
	if (check) {
		for (size_t i = 0; i < vpdn_loader_count(d.loader); i++) {
			const struct vpdn_module *m = vpdn_loader_module(d.loader, i);
			printf("%s %s %s\n", m->name, m->version ? m->version : "-",
			       m->description ? m->description : "");
		}
		status = 0;
		goto out;
	}

	d.core = vpdn_core_new(cc.hostname, d.config_path);
	d.core->shutdown_fn = on_shutdown;
	d.core->shutdown_data = &d;
	vpdn_config_apply_core(d.cfg, d.core);
	if (syslog_too)
		vpdn_log_set_targets(d.core->log, VPDN_LOG_TO_STDERR | VPDN_LOG_TO_SYSLOG);
	for (guint i = 0; i < debug->len; i++)
		vpdn_log_set_debug(d.core->log, vpdn_debug_parse(debug->pdata[i]), true);
	d.loop = g_main_loop_new(NULL, FALSE);
	d.sd = vpdn_sd_new(d.core);
	/* Before the modules: it hears every session from the first. */
	if (!vpdn_node_events_new(d.core)) {
		fprintf(stderr, "vpdnd: cannot subscribe to the session events\n");
		status = 1;
		goto out;
	}
	if (apply_metrics(&d, d.cfg, &error) < 0) {
		fprintf(stderr, "vpdnd: %s\n", error);
		status = 1;
		goto out;
	}

	/* A restart in place: the state and descriptors of the process
	 * this one replaced, before the modules open their sockets. */
	GVariant *restored = vpdn_restart_adopt(d.core);
	struct vpdn_node_info info = { .module_at = module_at, .reload = do_reload,
				       .restart = do_restart, .restart_fdstore = do_restart_fdstore,
				       .data = &d };
	if (!no_bus && vpdn_node_bus_open(d.core, bus_spec, &info) < 0) {
		fprintf(stderr, "vpdnd: cannot join the %s D-Bus (use --no-bus to run without it)\n", bus_spec);
		status = 1;
		goto out;
	}
	if (vpdn_loader_init(d.loader, d.core, d.cfg, &error) < 0) {
		vpdn_err(d.core->log, "%s", error);
		status = 1;
		if (restored)
			g_variant_unref(restored);
		goto out_bus;
	}
	vpdn_restart_restore(d.core, d.loader, restored);
	if (restored)
		g_variant_unref(restored);
	vpdn_notice(d.core->log, "%%SYS-5-RESTART: vpdnd %s started as %s with %zu module%s",
		    VPDND_VERSION, vpdn_core_hostname(d.core), vpdn_loader_count(d.loader),
		    vpdn_loader_count(d.loader) == 1 ? "" : "s");

	guint sig_term = g_unix_signal_add(SIGTERM, on_sigterm, &d);
	guint sig_int = g_unix_signal_add(SIGINT, on_sigterm, &d);
	guint sig_hup = g_unix_signal_add(SIGHUP, on_sighup, &d);
	signal(SIGPIPE, SIG_IGN);
	vpdn_sd_ready(d.sd);

	for (;;) {
		g_main_loop_run(d.loop);
		if (!d.restart_pending)
			break;
		if (d.restart_pending != RESTART_EXEC) {
			bool stop = d.restart_pending == RESTART_FDSTORE_STOP;

			if (fdstore_now(&d)) {
				/* systemd holds everything: no fini, no goodbye. */
				fflush(NULL);
				_exit(stop ? 0 : VPDN_EXIT_FDSTORE);
			}
			d.restart_pending = RESTART_NONE;
			if (stop) {
				vpdn_notice(vpdn_core_log(d.core), "%%SYS-5-SHUTDOWN: stopping on signal");
				break;
			}
			continue;
		}
		if (restart_now(&d)) {
			/* The descriptors were renumbered: nothing can go on,
			 * and nothing may say goodbye to the peers. */
			_exit(1);
		}
	}

	g_source_remove(sig_term);
	g_source_remove(sig_int);
	g_source_remove(sig_hup);
	vpdn_sd_stopping(d.sd);
	vpdn_bus_publish(d.core->bus, VPDN_EV_SHUTDOWN, NULL);
	vpdn_loader_fini(d.loader);
	status = 0;
out_bus:
	if (!no_bus)
		vpdn_node_bus_close(d.core);
out:
	vpdn_metrics_http_close(d.metrics);
	vpdn_sd_free(d.sd);
	g_free(error);
	vpdn_config_core_clear(&cc);
	vpdn_config_free(d.cfg);
	vpdn_loader_free(d.loader);
	if (d.core) {
		vpdn_node_events_free(d.core->events);
		vpdn_core_free(d.core);
	}
	if (d.loop)
		g_main_loop_unref(d.loop);
	g_strfreev(d.module_names);
	g_free(d.config_path);
	g_free(d.exe);
	g_strfreev(d.argv);
	g_ptr_array_free(debug, TRUE);
	return status;
}
