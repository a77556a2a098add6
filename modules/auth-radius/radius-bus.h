/* SPDX-License-Identifier: MIT */
/* The auth-radius module's D-Bus object (radius-bus.c). */
#ifndef VPDN_RADIUS_BUS_H
#define VPDN_RADIUS_BUS_H

#include <systemd/sd-bus.h>

#include <vpdnd/core.h>

struct auth_radius;

int radius_bus_register(struct vpdn_core *core, struct auth_radius *ar, sd_bus_slot **slot);

#endif
