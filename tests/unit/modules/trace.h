/* SPDX-License-Identifier: MIT */
/* Test modules report init/fini on the bus as a "test-trace" event whose
 * payload is "init:<name>" or "fini:<name>". */
#ifndef TEST_MODULE_TRACE_H
#define TEST_MODULE_TRACE_H
#include <glib.h>
#include <vpdnd/vpdnd.h>

struct trace_state {
	struct vpdn_core *core;
	const char *name;
};

static inline void trace(struct vpdn_core *core, const char *what, const char *name)
{
	struct vpdn_bus *bus = vpdn_core_bus(core);
	char buf[64];
	g_snprintf(buf, sizeof(buf), "%s:%s", what, name);
	vpdn_bus_publish(bus, (uint32_t)vpdn_bus_register_type(bus, "test-trace"), buf);
}

#define TRACE_MODULE_FUNCS(NAME)                                               \
	static int trace_init(struct vpdn_core *core, cfg_t *cfg, void **state) \
	{                                                                      \
		struct trace_state *s = g_new0(struct trace_state, 1);         \
		s->core = core;                                                \
		s->name = NAME;                                                \
		trace(core, "init", NAME);                                     \
		*state = s;                                                    \
		return 0;                                                      \
	}                                                                      \
	static void trace_fini(void *state)                                    \
	{                                                                      \
		struct trace_state *s = state;                                 \
		trace(s->core, "fini", s->name);                               \
		g_free(s);                                                     \
	}
#endif
