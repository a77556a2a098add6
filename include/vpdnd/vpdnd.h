/* SPDX-License-Identifier: MIT */
/* Everything a module needs. */
#ifndef VPDND_VPDND_H
#define VPDND_VPDND_H
#include <vpdnd/bus.h>
#include <vpdnd/capture.h>
#include <vpdnd/core.h>
#include <vpdnd/dbus.h>
#include <vpdnd/events.h>
#include <vpdnd/interface.h>
#include <vpdnd/link.h>
#include <vpdnd/log.h>
#include <vpdnd/module.h>
#include <vpdnd/restart.h>
#include <vpdnd/timer.h>
#endif
