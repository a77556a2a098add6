/* SPDX-License-Identifier: MIT */
/* The line module's config: `line "NAME" { ... }` sections, their check,
 * and reload (nothing changes live). See line-module.h. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "config-snap.h"
#include "line-module.h"
#include "line.h"
#include "wire.h"

/* "unix:/path" or "/path" -> "/path"; NULL if neither. */
static const char *unix_path(const char *spec)
{
	if (!spec)
		return NULL;
	if (strncmp(spec, "unix:", 5) == 0)
		spec += 5;
	return spec[0] == '/' ? spec : NULL;
}

bool line_number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > ISDN_WIRE_NUMBER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '#'))
			return false;
	return true;
}

static cfg_opt_t line_opts[] = {
	CFG_STR("device", NULL, CFGF_NONE),
	CFG_BOOL("pty", cfg_false, CFGF_NONE),
	CFG_STR("pty-link", NULL, CFGF_NONE),
	CFG_STR("listen", NULL, CFGF_NONE),
	CFG_STR("connect", NULL, CFGF_NONE),
	CFG_INT("speed", 115200, CFGF_NONE),
	CFG_STR("number", NULL, CFGF_NONE),
	CFG_STR("called", NULL, CFGF_NONE),
	CFG_STR("interface", NULL, CFGF_NONE),
	CFG_STR("calls", "in", CFGF_NONE),
	CFG_END()
};



cfg_opt_t line_options[] = {
	CFG_SEC("line", line_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static bool speed_ok(long speed)
{
	static const long speeds[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
				       230400, 460800, 921600 };
	for (size_t i = 0; i < G_N_ELEMENTS(speeds); i++)
		if (speed == speeds[i])
			return true;
	return false;
}

/* calls = "in" | "out" | "both" (line.h: dial-out on device and connect
 * lines, both on device lines only). */
static int line_calls_from_cfg(cfg_t *sec, const char *name, struct line_conf *lc)
{
	const char *calls = cfg_getstr(sec, "calls");

	if (!calls || !strcmp(calls, "in"))
		lc->calls = LINE_CALLS_IN;
	else if (!strcmp(calls, "out"))
		lc->calls = LINE_CALLS_OUT;
	else if (!strcmp(calls, "both"))
		lc->calls = LINE_CALLS_BOTH;
	else {
		cfg_error(sec, "line \"%s\": calls must be \"in\", \"out\" or \"both\", not \"%s\"", name, calls);
		return -EINVAL;
	}
	if (line_calls_check(lc->kind, lc->calls) < 0) {
		cfg_error(sec, "line \"%s\": calls = \"%s\" needs a %s line", name, line_calls_name(lc->calls),
			  lc->calls == LINE_CALLS_OUT ? "device or connect" : "device");
		return -EINVAL;
	}
	return 0;
}

/* line "NAME" { device | pty | listen | connect, speed, number, called,
 * interface }; strings are borrowed from sec. */
int line_from_cfg(cfg_t *sec, struct line_conf *lc)
{
	const char *dev = cfg_getstr(sec, "device"), *lis = cfg_getstr(sec, "listen");
	const char *con = cfg_getstr(sec, "connect");
	bool pty = cfg_getbool(sec, "pty");
	const char *name = cfg_title(sec);
	long speed = cfg_getint(sec, "speed");
	int n = (dev != NULL) + (lis != NULL) + (con != NULL) + pty;

	memset(lc, 0, sizeof(*lc));
	if (!name || !*name || strlen(name) > 31 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/._-") != strlen(name)) {
		cfg_error(sec, "line \"%s\": name must be 1-31 letters, digits or :/._-", name ? name : "");
		return -EINVAL;
	}
	if (n != 1) {
		cfg_error(sec, "line \"%s\": give exactly one of device, pty, listen, connect", name);
		return -EINVAL;
	}
	if ((lis && !unix_path(lis)) || (con && !unix_path(con))) {
		cfg_error(sec, "line \"%s\": listen/connect must be unix:/absolute/path", name);
		return -EINVAL;
	}
	if (dev && dev[0] != '/') {
		cfg_error(sec, "line \"%s\": device must be an absolute path", name);
		return -EINVAL;
	}
	if (!speed_ok(speed)) {
		cfg_error(sec, "line \"%s\": unsupported speed %ld", name, speed);
		return -EINVAL;
	}
	lc->number = cfg_getstr(sec, "number");
	lc->called = cfg_getstr(sec, "called");
	if ((lc->number && !line_number_ok(lc->number)) || (lc->called && !line_number_ok(lc->called))) {
		cfg_error(sec, "line \"%s\": bad number", name);
		return -EINVAL;
	}
	lc->name = name;
	lc->kind = dev ? LINE_DEVICE : pty ? LINE_PTY : lis ? LINE_LISTEN : LINE_CONNECT;
	if (line_calls_from_cfg(sec, name, lc) < 0)
		return -EINVAL;
	lc->path = dev ? dev : lis ? unix_path(lis) : con ? unix_path(con) : NULL;
	lc->pty_link = cfg_getstr(sec, "pty-link");
	lc->speed = (unsigned)speed;
	lc->interface = cfg_getstr(sec, "interface");
	return 0;
}

int line_module_check(cfg_t *cfg)
{
	for (unsigned i = 0; i < cfg_size(cfg, "line"); i++) {
		struct line_conf lc;
		if (line_from_cfg(cfg_getnsec(cfg, "line", i), &lc) < 0)
			return -EINVAL;
	}
	return 0;
}

static bool is_live(const char *kind, const char *opt)
{
	return false;  /* a line's device, socket, numbers: all as running */
}

/* The settings in force: each line section, in order. */
GPtrArray *line_config_snap(cfg_t *cfg)
{
	static const char *const kinds[] = { "line" };

	return isdn_snap_new(cfg, NULL, kinds, G_N_ELEMENTS(kinds));
}

bool line_config_compatible(GPtrArray *old, GPtrArray *new, cfg_t *root)
{
	return isdn_snap_compatible(old, new, root, is_live);
}
