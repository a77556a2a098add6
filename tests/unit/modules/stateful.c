/* SPDX-License-Identifier: MIT */
/* A module with the restart hooks (docs/RESTART.md): save() returns a
 * string, restore() traces what it got ("restore:v3:DATA") and refuses
 * another version. Data "later": -EAGAIN on the first call (called again
 * after the others); "never": -EAGAIN every time. */
#include <errno.h>
#include <string.h>
#include "trace.h"

TRACE_MODULE_FUNCS("stateful")

static GVariant *save(void *state)
{
	trace(((struct trace_state *)state)->core, "save", "stateful");
	return g_variant_new_string("kept");
}

static int restore(void *state, GVariant *data, uint32_t version)
{
	char what[64];

	if (version != 3 || !g_variant_is_of_type(data, G_VARIANT_TYPE_STRING))
		return -EPROTO;
	const char *d = g_variant_get_string(data, NULL);
	static bool again;
	if (!strcmp(d, "never") || (!strcmp(d, "later") && !again)) {
		again = true;
		trace(((struct trace_state *)state)->core, "restore", "again");
		return -EAGAIN;
	}
	g_snprintf(what, sizeof(what), "restore:v%u", version);
	trace(((struct trace_state *)state)->core, what, g_variant_get_string(data, NULL));
	return 0;
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "stateful",
	.version = "1.0",
	.description = "a module with restart hooks",
	.init = trace_init,
	.fini = trace_fini,
	.state_version = 3,
	.save = save,
	.restore = restore,
};
