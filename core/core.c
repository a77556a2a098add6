/* SPDX-License-Identifier: MIT */
/* struct vpdn_core: the services handed to modules. */
#include <errno.h>
#include <glib.h>
#include <unistd.h>

#include "core-private.h"
#include "restart-state.h"
#include "vpdn-history.h"

struct vpdn_bus *vpdn_core_bus(struct vpdn_core *core) { return core->bus; }
struct vpdn_timers *vpdn_core_timers(struct vpdn_core *core) { return core->timers; }
struct vpdn_log *vpdn_core_log(struct vpdn_core *core) { return core->log; }
const char *vpdn_core_hostname(struct vpdn_core *core) { return core->hostname; }
struct sd_bus *vpdn_core_dbus(struct vpdn_core *core) { return core->dbus; }
const char *vpdn_core_config_path(struct vpdn_core *core) { return core->config_path; }

uint64_t vpdn_core_uptime(struct vpdn_core *core)
{
	return (vpdn_timers_now(core->timers) - core->started_ms) / 1000;
}

void vpdn_core_shutdown(struct vpdn_core *core)
{
	if (core->shutdown_fn)
		core->shutdown_fn(core, core->shutdown_data);
}

uint32_t vpdn_core_call_id(struct vpdn_core *core)
{
	uint32_t k = core->next_call++ & 0x7fffffff;

	return (k / 0x7f00) << 16 | (0x0100 + k % 0x7f00);
}

static void counter_free(gpointer p)
{
	struct vpdn_counter *c = p;
	g_free(c->name);
	g_free(c->help);
	g_free(c);
}

uint64_t *vpdn_core_counter(struct vpdn_core *core, const char *name, const char *help)
{
	struct vpdn_counter *c = g_hash_table_lookup(core->counters, name);
	if (!c) {
		c = g_new0(struct vpdn_counter, 1);
		c->name = g_strdup(name);
		c->help = g_strdup(help ? help : "");
		g_hash_table_insert(core->counters, c->name, c);
		g_ptr_array_add(core->counter_list, c);
	}
	return &c->value;
}

size_t vpdn_core_counter_count(struct vpdn_core *core)
{
	return core->counter_list->len;
}

const struct vpdn_counter *vpdn_core_counter_at(struct vpdn_core *core, size_t i)
{
	return i < core->counter_list->len ? g_ptr_array_index(core->counter_list, i) : NULL;
}

static struct vpdn_core *core_alloc(struct vpdn_timers *timers)
{
	struct vpdn_core *core = g_new0(struct vpdn_core, 1);
	core->bus = vpdn_bus_new();
	core->timers = timers;
	vpdn_bus_set_timers(core->bus, timers);
	core->log = vpdn_log_new();
	core->counters = g_hash_table_new(g_str_hash, g_str_equal);
	core->counter_list = g_ptr_array_new_with_free_func(counter_free);
	core->started_ms = vpdn_timers_now(timers);
	core->dbus_max_objects = VPDN_DBUS_MAX_OBJECTS_DEFAULT;
	core->next_call = 0x1b;  /* the first call is 0x011B, as on IOS */
	core->vpdn_history_size = VPDN_HISTORY_SIZE_DEFAULT;
	return core;
}

struct vpdn_core *vpdn_core_new(const char *hostname, const char *config_path)
{
	struct vpdn_core *core = core_alloc(vpdn_timers_new());
	char host[256] = "vpdnd";
	if (!hostname && gethostname(host, sizeof(host) - 1) == 0)
		host[sizeof(host) - 1] = 0;
	core->hostname = g_strdup(hostname ? hostname : host);
	core->config_path = g_strdup(config_path);
	return core;
}

void vpdn_core_set_hostname(struct vpdn_core *core, const char *hostname)
{
	g_free(core->hostname);
	core->hostname = g_strdup(hostname);
}

void vpdn_core_free(struct vpdn_core *core)
{
	if (!core)
		return;
	vpdn_dbus_registry_free(core);
	vpdn_restart_free(core->restart);
	vpdn_bus_free(core->bus);
	vpdn_timers_free(core->timers);
	vpdn_log_free(core->log);
	g_hash_table_destroy(core->counters);
	g_ptr_array_free(core->counter_list, TRUE);
	g_free(core->hostname);
	g_free(core->config_path);
	g_free(core->capture_dir);
	g_free(core);
}

struct vpdn_core *vpdn_core_new_test(void)
{
	struct vpdn_core *core = core_alloc(vpdn_timers_new_fake());
	core->hostname = g_strdup("test");
	core->test = true;
	vpdn_log_set_timestamps(core->log, false);
	/* Tests see every debug line; they are cheap on a fake link. */
	vpdn_log_set_debug(core->log, VPDN_DEBUG__COUNT, true);
	return core;
}

void vpdn_core_free_test(struct vpdn_core *core)
{
	vpdn_core_free(core);
}
