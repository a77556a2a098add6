/* SPDX-License-Identifier: MIT */
/*
 * The isdn module: ISDN ports of a node on the simulated ISDN network.
 *
 * Config:
 *   isdn {
 *     switch-type = "primary-net5"          # shown in logs only
 *     network = "unix:/run/vpdnd/isdn.sock"  # the isdn-switch node
 *     call-timeout = 30                      # s, SETUP to CONNECT (cause 18)
 *   }
 *   controller "E1 0" {                      # "E1 n", "T1 n" or "BRI n"
 *     pri-group-timeslots = "1-31"           # PRI only; default all
 *     number = {"8211"}                      # numbers of this port
 *     dnis-digits = 3                        # DNIS: trailing digits kept
 *   }
 *
 * Events: publishes CALL_INCOMING (request: complete 0 answers, -cause
 * refuses, unclaimed refuses with 88), CALL_CONNECTED, CALL_CLEARED; claims
 * CALL_PLACE (port by name "E1 0" or D channel "Serial0:15"/"Se0:15", or
 * NULL: any port with a free B channel) and CALL_HANGUP for its calls.
 * The B channel is a vpdn_link with this module at end A.
 *
 * Without any controller the node does not connect to an ISDN network.
 * Serial lines are the line module's (modules/line): they share the
 * node's call ids (vpdn_core_call_id()) and the D-Bus path prefix
 * /org/vpdnd/isdn/, and answer for their own calls on the bus.
 *
 * D-Bus: /org/vpdnd/isdn/<port> ("E1_0"), org.vpdnd.IsdnPort1; see
 * isdn-bus.c.
 */
#ifndef ISDN_ISDN_H
#define ISDN_ISDN_H

#include <confuse.h>
#include <vpdnd/core.h>

struct isdn;

extern cfg_opt_t isdn_options[];
int isdn_check(cfg_t *cfg);

/* Read the config and connect to the network (retrying every second while
 * it is not there). */
int isdn_new(struct vpdn_core *core, cfg_t *cfg, struct isdn **out);
/* Tests: use an already connected socket instead of `network`. */
int isdn_new_fd(struct vpdn_core *core, cfg_t *cfg, int fd, struct isdn **out);
void isdn_free(struct isdn *is);
/* A new config: call-timeout and each controller's dnis-digits change
 * live (new calls); anything else that differs (network, switch-type,
 * controllers added, removed or changed) is refused with
 * cfg_error() naming the first such option, and nothing changes.
 * 0 or -EINVAL. */
int isdn_reload(struct isdn *is, cfg_t *cfg);

unsigned isdn_call_count(const struct isdn *is);
bool isdn_connected(const struct isdn *is);

struct isdn_stats {
	uint64_t calls_in, calls_out, connected, failed, malformed, protocol_errors;
};
const struct isdn_stats *isdn_stats(const struct isdn *is);

#endif
