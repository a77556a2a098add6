/* SPDX-License-Identifier: MIT */
/*
 * The line module: serial lines (line.h), each a port whose one channel is
 * an async HDLC byte stream, for an external PPP (pppd, a VM's serial port).
 *
 * Config (the `line` sections; `modules` must name "line"):
 *   line "tty0" {
 *     device = "/dev/ttyS0"                  # one of: device (a tty),
 *     pty = true                             #   pty (made by the line;
 *     pty-link = "/run/vpdnd/tty0"           #   optional symlink to it),
 *     listen = "unix:/run/vpdnd/tty0.sock"   #   listen (QEMU -chardev socket,
 *                                            #   server=off), connect (server=on)
 *     speed = 115200                         # tty/pty bit/s
 *     number = "6122"                        # calling number presented
 *     called = "211"                         # called number (DNIS) presented
 *     interface = "Serial0:15"               # config interface for PPP settings
 *     calls = "in"                           # in | out (device, connect) |
 *   }                                        #   both (device): line.h
 *
 * Events: publishes CALL_INCOMING, CALL_CONNECTED, CALL_CLEARED for its
 * calls (call ids from vpdn_core_call_id(), shared with the isdn module's
 * ports); claims CALL_PLACE when the port named is a dial-out line (its
 * name or its config interface) that no ISDN port answered to, or no port
 * is named and a dial-out line is free (the isdn module, which runs first,
 * claims such a request while it has a port); claims CALL_HANGUP for its
 * calls; takes LINK_ACCM for its links and the peer's name from
 * PPP_AUTHENTICATED / FORWARD_REQUEST (show isdn active).
 *
 * D-Bus: /org/vpdnd/isdn/<line> (beside the ISDN ports), org.vpdnd.IsdnPort1
 * and org.vpdnd.IsdnLine1; /org/vpdnd/module/line, org.vpdnd.Line1. See
 * line-bus.c.
 */
#ifndef LINE_MODULE_H
#define LINE_MODULE_H

#include <confuse.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <vpdnd/core.h>

#include "line.h"

struct line_module {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_bus *bus;
	GPtrArray *lines;             /* struct line *, owned, in config order */
	GPtrArray *snap;              /* the settings in force, for reload */
	struct vpdn_subscription *sub_place, *sub_hangup, *sub_accm, *sub_auth, *sub_forward;
	sd_bus_slot *module_slot;     /* /org/vpdnd/module/line and the lines' class, line-bus.c */
	GHashTable *line_paths;       /* object path element ("tty0") -> line, line-bus.c */
	struct vpdn_subscription *bus_subs[3]; /* call changes -> PropertiesChanged */
	struct isdn_capture *cap;     /* StartCapture, or NULL */
	char *cap_path;               /* its file (resolved), or NULL */
	struct line *cap_line;        /* its line */
};

extern cfg_opt_t line_options[];
int line_module_check(cfg_t *cfg);
/* Read the config and start every line. 0 or negative errno. */
int line_module_new(struct vpdn_core *core, cfg_t *cfg, struct line_module **out);
void line_module_free(struct line_module *lm);
/* Nothing changes live: a line added, removed or changed is refused with
 * cfg_error() naming the first such option. 0 or -EINVAL. */
int line_module_reload(struct line_module *lm, cfg_t *cfg);
/* A line by name, or NULL. Borrowed. */
struct line *line_module_find(struct line_module *lm, const char *name);

/* org.vpdnd.Line1.StartCapture/StopCapture: the PPP frames of a line (see
 * capture.h). 0, or negative errno with *msg (g_free): -EBUSY one is
 * running, -ENOENT no such line, else why the file could not be created. */
int line_capture_start(struct line_module *lm, const char *path, const char *what, char **msg);
int line_capture_stop(struct line_module *lm, uint64_t *packets);

/* line-config.c */
bool line_number_ok(const char *s);
/* line "NAME" { ... } -> conf (strings borrowed from sec). 0 or -EINVAL
 * (cfg_error said why). */
int line_from_cfg(cfg_t *sec, struct line_conf *lc);
GPtrArray *line_config_snap(cfg_t *cfg);
bool line_config_compatible(GPtrArray *old, GPtrArray *new, cfg_t *root);

/* line-bus.c (no-op without a bus) */
int line_bus_register(struct line_module *lm);
void line_bus_unregister(struct line_module *lm);

#endif
