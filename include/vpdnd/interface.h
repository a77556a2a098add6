/* SPDX-License-Identifier: MIT */
/*
 * Interface names and `interface "NAME" { ... }` sections, as IOS has them.
 *
 * A name is a type and a unit: "Dialer1", "Serial0:15", "Virtual-Access2",
 * "Serial0/0.1", "BRI0:1". Every known type has its IOS short form, which
 * names the same interface: "Di1" is "Dialer1", "Se0:15" is "Serial0:15",
 * "Vi2" is "Virtual-Access2", "Vt1" is "Virtual-Template1", "BR0" is
 * "BRI0", "Lo0" is "Loopback0". As in IOS, case never matters, nor do
 * spaces ("dialer 1" is "Dialer1"). A type is only recognised when a
 * digit follows it ("Di" alone is not "Dialer"); the unit is compared
 * whole, so "Dialer1" is not "Dialer10" and "Serial0" is not "Serial0:15".
 * Names of other types ("client", "remote1") are compared as they are,
 * without case and spaces.
 *
 * The core owns the interface keys several modules read: `description`,
 * `ip-address` (the interface's own address, "a.b.c.d", "a.b.c.d/len" or
 * "a.b.c.d m.m.m.m") and `ip-unnumbered` (borrow another interface's
 * address). Modules add their own keys through interface_options.
 */
#ifndef VPDND_INTERFACE_H
#define VPDND_INTERFACE_H

#include <confuse.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Do a and b name the same interface? false if either is NULL. */
bool vpdn_ifname_eq(const char *a, const char *b);

/* The full name of the name's type when it is one of the known ones:
 * "Dialer" for "Dialer1", "di 1" and "Di1"; NULL otherwise ("client",
 * "Dialer" without a unit). A static string. */
const char *vpdn_ifname_type(const char *name);

/* The IOS short form, for log lines: "Dialer1" -> "Di1", "Serial0:15" ->
 * "Se0:15", "Virtual-Access2" -> "Vi2", "BRI 0" -> "BR0"; a name of an
 * unknown type without its spaces ("E1 0" -> "E10"). Truncated to fit
 * size (always terminated when size > 0); NULL gives "". Returns buf. */
const char *vpdn_ifname_short(const char *name, char *buf, size_t size);

/* A key for hash tables (g_free it): two names have equal keys exactly
 * when vpdn_ifname_eq() says they are the same ("dialer1" for "Di1");
 * NULL gives "". */
char *vpdn_ifname_key(const char *name);

/* Hash functions for a GHashTable keyed by the names themselves
 * (g_hash_table_new(vpdn_ifname_hash, vpdn_ifname_equal)): names that
 * vpdn_ifname_eq() says are the same hash and compare equal, with no key
 * to allocate per entry. */
unsigned int vpdn_ifname_hash(const void *name);
int vpdn_ifname_equal(const void *a, const void *b);

/* The `interface "NAME"` section of the config that name names (by
 * vpdn_ifname_eq), the first if several do, or NULL (none, name NULL, or
 * a config without interface sections). */
cfg_t *vpdn_interface_find(cfg_t *root, const char *name);

/* The core's interface keys (description, ip-address, ip-unnumbered),
 * terminated by CFG_END(). */
const cfg_opt_t *vpdn_interface_core_options(void);

/* A table for `interface` sections: the core's keys, then `more` (a
 * module's interface_options; NULL for none). For parsers outside the
 * daemon (unit tests, fuzzers); cfg_init() copies it: g_free() it after. */
cfg_opt_t *vpdn_interface_options_new(const cfg_opt_t *more);

/* The section's ip-address / ip-unnumbered, or NULL when unset (or the
 * section NULL, or parsed with a table without the core's keys). */
const char *vpdn_interface_ip_address(cfg_t *ifc);
const char *vpdn_interface_ip_unnumbered(cfg_t *ifc);

/* The address the interface uses: its ip-address, else the ip-address of
 * the interface its ip-unnumbered names (one step: not followed further).
 * NULL when neither gives one. The text is not checked here. */
const char *vpdn_interface_address(cfg_t *root, cfg_t *ifc);

#ifdef __cplusplus
}
#endif
#endif
