/* SPDX-License-Identifier: MIT */
/* The isdn module's config: the isdn section and the controllers, their
 * check, and reload (call-timeout and dnis-digits live). See isdn.h. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "config-snap.h"
#include "isdn-private.h"
#include "port.h"
#include "stream.h"
#include "wire.h"

static cfg_opt_t isdn_section_opts[] = {
	CFG_STR("switch-type", "primary-net5", CFGF_NONE),
	CFG_STR("network", "unix:/run/vpdnd/isdn.sock", CFGF_NONE),
	CFG_INT("call-timeout", 30, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t controller_opts[] = {
	CFG_STR("pri-group-timeslots", NULL, CFGF_NONE),
	CFG_STR_LIST("number", NULL, CFGF_NONE),
	CFG_INT("dnis-digits", 0, CFGF_NONE),
	CFG_END()
};

cfg_opt_t isdn_options[] = {
	CFG_SEC("isdn", isdn_section_opts, CFGF_NONE),
	CFG_SEC("controller", controller_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

bool isdn_number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > ISDN_WIRE_NUMBER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '#'))
			return false;
	return true;
}

int isdn_port_from_cfg(cfg_t *sec, struct isdn_port *p)
{
	const char *ts = cfg_getstr(sec, "pri-group-timeslots");
	long dnis = cfg_getint(sec, "dnis-digits");
	unsigned n = cfg_size(sec, "number");

	if (isdn_port_init(p, cfg_title(sec)) < 0) {
		cfg_error(sec, "controller \"%s\": expected \"E1 n\", \"T1 n\" or \"BRI n\"", cfg_title(sec));
		return -EINVAL;
	}
	if (ts && p->type == ISDN_PORT_BRI) {
		cfg_error(sec, "controller \"%s\": pri-group-timeslots on a BRI", cfg_title(sec));
		return -EINVAL;
	}
	if (ts && isdn_port_set_timeslots(p, ts) < 0) {
		cfg_error(sec, "controller \"%s\": bad pri-group-timeslots \"%s\"", cfg_title(sec), ts);
		return -EINVAL;
	}
	if (dnis < 0 || dnis > ISDN_WIRE_NUMBER_MAX) {
		cfg_error(sec, "controller \"%s\": dnis-digits out of range", cfg_title(sec));
		return -EINVAL;
	}
	p->dnis_digits = (int)dnis;
	if (n > ISDN_PORT_MAX_NUMBERS) {
		cfg_error(sec, "controller \"%s\": at most %d numbers", cfg_title(sec), ISDN_PORT_MAX_NUMBERS);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *num = cfg_getnstr(sec, "number", i);
		if (!isdn_number_ok(num)) {
			cfg_error(sec, "controller \"%s\": bad number \"%s\"", cfg_title(sec), num);
			return -EINVAL;
		}
		snprintf(p->numbers[i], sizeof(p->numbers[i]), "%s", num);
	}
	p->n_numbers = n;
	return 0;
}

int isdn_check(cfg_t *cfg)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn");
	struct isdn_port p;

	if (sec && !isdn_unix_path(cfg_getstr(sec, "network"))) {
		cfg_error(sec, "isdn: network must be unix:/absolute/path");
		return -EINVAL;
	}
	if (sec && cfg_getint(sec, "call-timeout") <= 0) {
		cfg_error(sec, "isdn: call-timeout must be positive");
		return -EINVAL;
	}
	for (unsigned i = 0; i < cfg_size(cfg, "controller"); i++)
		if (isdn_port_from_cfg(cfg_getnsec(cfg, "controller", i), &p) < 0)
			return -EINVAL;
	return 0;
}

/* What new calls use: the rest must be as running. */
static bool is_live(const char *kind, const char *opt)
{
	if (!strcmp(kind, "isdn"))
		return !strcmp(opt, "call-timeout");
	if (!strcmp(kind, "controller"))
		return !strcmp(opt, "dnis-digits");
	return false;
}

/* The settings in force, per section (isdn, each controller, in order). */
GPtrArray *isdn_config_snap(cfg_t *cfg)
{
	static const char *const kinds[] = { "controller" };
	GPtrArray *snap = isdn_snap_new(cfg, "isdn", kinds, G_N_ELEMENTS(kinds));

	return snap;
}

int isdn_reload(struct isdn *is, cfg_t *cfg)
{
	GPtrArray *snap = isdn_config_snap(cfg);
	cfg_t *sec = cfg_getsec(cfg, "isdn");

	if (!is->snap || !isdn_snap_compatible(is->snap, snap, cfg, is_live)) {
		g_ptr_array_free(snap, TRUE);
		return -EINVAL;
	}
	is->setup_timeout_ms = (uint64_t)cfg_getint(sec, "call-timeout") * 1000;
	for (unsigned i = 0; i < cfg_size(cfg, "controller") && i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		p->dnis_digits = (int)cfg_getint(cfg_getnsec(cfg, "controller", i), "dnis-digits");
	}
	isdn_snap_forget_sections(snap);
	g_ptr_array_free(is->snap, TRUE);
	is->snap = snap;
	vpdn_notice(is->log, "ISDN: configuration reloaded: call-timeout %lu s, %u controller%s",
		    (unsigned long)(is->setup_timeout_ms / 1000), is->ports->len,
		    is->ports->len == 1 ? "" : "s");
	return 0;
}
