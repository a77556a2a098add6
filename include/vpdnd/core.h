/* SPDX-License-Identifier: MIT */
/*
 * The services the core hands to every module. Everything a module needs
 * from the node is reached through the struct vpdn_core it gets in init().
 */
#ifndef VPDND_CORE_H
#define VPDND_CORE_H

#include <stddef.h>
#include <stdint.h>

#include <vpdnd/bus.h>
#include <vpdnd/events.h>
#include <vpdnd/link.h>
#include <vpdnd/log.h>
#include <vpdnd/timer.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vpdn_core;
struct sd_bus;

#define VPDND_VERSION_STRING "0.1.0"

struct vpdn_bus *vpdn_core_bus(struct vpdn_core *core);
struct vpdn_timers *vpdn_core_timers(struct vpdn_core *core);
struct vpdn_log *vpdn_core_log(struct vpdn_core *core);
/* The node's hostname (config `hostname`, default the system's). */
const char *vpdn_core_hostname(struct vpdn_core *core);
/* The connected D-Bus, or NULL when the node runs without one. */
struct sd_bus *vpdn_core_dbus(struct vpdn_core *core);
/* Path of the config file in force. */
const char *vpdn_core_config_path(struct vpdn_core *core);
/* Seconds since the node started. */
uint64_t vpdn_core_uptime(struct vpdn_core *core);
/* Ask the node to stop (from a module or a D-Bus method). */
void vpdn_core_shutdown(struct vpdn_core *core);

/* Named counters for metrics (per node). A module registers a counter
 * once and bumps it through the returned pointer. name: "l2tp_malformed_total".
 * help: one line. The pointer stays valid until the node stops. */
uint64_t *vpdn_core_counter(struct vpdn_core *core, const char *name, const char *help);

/* A call id unique in the node, for every carrier that hands calls out
 * (ISDN ports, serial lines): 0x011B style, never 0 and with bit 15 clear
 * (an ISDN port's own outgoing ids set it); past 0x7fff the count goes on
 * in the upper half so that 60 000+ calls still have distinct ids. A
 * carrier that still holds an old call under the id it gets asks again. */
uint32_t vpdn_core_call_id(struct vpdn_core *core);

/* Fill buf with len random octets (glibc's arc4random_buf; up to 64 octets
 * from a pool refilled 512 at a time). Returns 0: arc4random cannot fail.
 * Not thread-safe. */
int vpdn_random_bytes(void *buf, size_t len);

/* prefix followed by v in decimal into buf (truncated to size, always
 * terminated when size > 0), as snprintf(buf, size, "%s%d", prefix, v)
 * without printf's cost: names made on every session set-up ("Vi12",
 * "l2tp/1/4711"). Returns buf. */
char *vpdn_fmt_int(char *buf, size_t size, const char *prefix, long long v);

/* A core for unit tests: fake clock timers, bus, log to stderr, no D-Bus.
 * Free with vpdn_core_free_test(). */
struct vpdn_core *vpdn_core_new_test(void);
void vpdn_core_free_test(struct vpdn_core *core);

#ifdef __cplusplus
}
#endif
#endif
