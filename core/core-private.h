/* SPDX-License-Identifier: MIT */
/* The core's own view of struct vpdn_core. Not part of the SDK. */
#ifndef VPDND_CORE_PRIVATE_H
#define VPDND_CORE_PRIVATE_H

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/core.h>

struct vpdn_core {
	struct vpdn_bus *bus;
	struct vpdn_timers *timers;
	struct vpdn_log *log;
	char *hostname;
	char *config_path;
	char *capture_dir;      /* config capture-directory; NULL: captures refused */
	sd_bus *dbus;          /* NULL without D-Bus; owned (one ref) */
	bool dbus_lost;        /* dbus is a lost connection, a new one is being made */
	GHashTable *dbus_regs; /* struct registration *: every module object, dbus-util.c */
	sd_bus *dbus_handles;  /* never connected: the modules' slot handles */
	unsigned dbus_max_objects; /* config dbus-max-objects: GetManagedObjects past it is refused */
	unsigned vpdn_history_size; /* config vpdn-history-size: ended sessions kept */
	struct vpdn_node_events *events; /* node-events.c, NULL until the daemon makes it */
	uint64_t started_ms;   /* on the timers' clock */
	uint32_t next_call;    /* vpdn_core_call_id()'s count */
	GHashTable *counters;  /* name -> struct vpdn_counter* */
	GPtrArray *counter_list; /* registration order, for metrics */
	void (*shutdown_fn)(struct vpdn_core *core, void *data);
	void *shutdown_data;
	bool test;             /* made by vpdn_core_new_test() */
	struct vpdn_restart *restart; /* restart.c: descriptors, links, history; or NULL */
};

/* Beyond this many module objects one GetManagedObjects reply could pass
 * dbus-daemon's 32 MiB message limit (objects run to a few KiB). */
#define VPDN_DBUS_MAX_OBJECTS_DEFAULT 4096

struct vpdn_counter {
	char *name;
	char *help;
	uint64_t value;
};

/* Create/free the daemon's core (real clock). */
struct vpdn_core *vpdn_core_new(const char *hostname, const char *config_path);
void vpdn_core_free(struct vpdn_core *core);
void vpdn_core_set_hostname(struct vpdn_core *core, const char *hostname);
/* Iterate counters in registration order (metrics, D-Bus). */
size_t vpdn_core_counter_count(struct vpdn_core *core);
const struct vpdn_counter *vpdn_core_counter_at(struct vpdn_core *core, size_t i);

/* dbus-util.c: the registry of module objects. Register every object on
 * bus (a new connection after one was lost; NULL: drop them from the old
 * one). Returns 0, or -EIO if some part could not be registered. */
int vpdn_dbus_registry_attach(struct vpdn_core *core, sd_bus *bus);
size_t vpdn_dbus_registry_count(struct vpdn_core *core);
/* At close: every object leaves the connection; handles still held by
 * modules stay valid (unref frees them). */
void vpdn_dbus_registry_free(struct vpdn_core *core);

#endif
