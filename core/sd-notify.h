/* SPDX-License-Identifier: MIT */
/*
 * systemd service notifications (sd_notify from libsystemd): READY=1 once
 * the node listens, RELOADING=1 (with MONOTONIC_USEC) / READY=1 around a
 * reload, STOPPING=1, STATUS= with the established tunnels and sessions
 * (checked once a second, sent only when it changed), and WATCHDOG=1 from
 * the main loop at half of WatchdogSec= when the manager asks for it.
 * Everything is a no-op when NOTIFY_SOCKET is not set.
 */
#ifndef VPDND_SD_NOTIFY_H
#define VPDND_SD_NOTIFY_H

#include <stdbool.h>

struct vpdn_core;
struct vpdn_sd;

struct vpdn_sd *vpdn_sd_new(struct vpdn_core *core);
/* The node is up: READY=1 with the first STATUS=, start the watchdog. */
void vpdn_sd_ready(struct vpdn_sd *sd);
void vpdn_sd_reloading(struct vpdn_sd *sd);
/* After a reload, whatever its result (systemd waits for READY=1). */
void vpdn_sd_reloaded(struct vpdn_sd *sd, const char *error);
void vpdn_sd_stopping(struct vpdn_sd *sd);
void vpdn_sd_free(struct vpdn_sd *sd);
/* NOTIFY_SOCKET was set. */
bool vpdn_sd_on(struct vpdn_sd *sd);
/* At SIGTERM: is systemd stopping us for a restart (the unit's job is
 * "restart": systemctl restart, try-restart, reload-or-restart), as
 * opposed to a stop? Asks the manager over the system bus (a second at
 * most); false with *why (g_malloc'd) when not or when it cannot tell. */
bool vpdn_sd_restart_job(struct vpdn_sd *sd, char **why);

#endif
