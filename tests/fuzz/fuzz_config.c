/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the config loader: core/config.c's pass 2
 * (vpdn_config_parse_string: libconfuse with the core's options merged
 * with a module's, then the module's semantic check) and the l2tp module's
 * own parse of its sections (modules/l2tp/config.c: vpdn-group, l2tp,
 * initiate-to addresses, ranges). No module is dlopen'ed in a fuzzer: the
 * two loader calls pass 2 makes are answered here with the l2tp module's
 * descriptor (its option table and check), linked in.
 * Whatever the text, the loader answers a config or an error, never
 * crashes, and never leaks (ASan's leak checker runs at exit).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>
#include <glib.h>

#include "vpdnd-config.h"
#include "loader.h"
#include "l2tp.h"

static struct vpdn_module fake_l2tp = {
	.name = "l2tp",
	.options = l2tp_cfg_options,
	.check = l2tp_config_check,
};

size_t vpdn_loader_count(const struct vpdn_loader *ld)
{
	return 1;
}

const struct vpdn_module *vpdn_loader_module(const struct vpdn_loader *ld, size_t i)
{
	return &fake_l2tp;
}

/* vpdn_config_apply_core() is not fuzzed: no core. */
struct vpdn_log *vpdn_core_log(struct vpdn_core *core)
{
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string(text, "fuzz.conf", NULL, &error);

	if (cfg) {
		struct l2tp_config *c = NULL;
		char *err2 = NULL;

		if (l2tp_config_parse(cfg, &c, &err2) == 0)
			l2tp_config_free(c);
		g_free(err2);
		vpdn_config_free(cfg);
	} else if (!error) {
		abort(); /* a refusal always says why */
	}
	g_free(error);
	g_free(text);
	return 0;
}
