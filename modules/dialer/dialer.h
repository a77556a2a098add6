/* SPDX-License-Identifier: MIT */
/*
 * The dialer module: who answers calls and who dials what.
 *
 *  - Incoming calls (VPDN_EV_CALL_INCOMING) on an ISDN port whose D-channel
 *    interface has PPP settings (ppp-authentication), is in a rotary group
 *    or is a dialer pool member are answered and PPP is started on the B
 *    channel (role SERVER, or LAC_FORWARD on a node that forwards users to
 *    L2TP: `dialer-vpdn-forward`, default `vpdn { enable }`).
 *  - Dial requests (VPDN_EV_DIAL_REQUEST, the LAC's accept-dialout dialer):
 *    hunt a B channel on the rotary group's ports (hunt.c) and answer with
 *    the call; no PPP (L2TP splices the B channel).
 *  - Dial on demand (VPDN_EV_INTERESTING_TRAFFIC on a dialer profile whose
 *    dialer-group's dialer-list permits ip) and the D-Bus Dial(profile):
 *    ISDN profiles hunt and run PPP as a client; `dialer-vpdn` profiles ask
 *    L2TP (VPDN_EV_DIALOUT_REQUEST) and run PPP as a callout server on a
 *    cloned Virtual-Access. Per profile: wait-for-carrier, idle-timeout
 *    (IP packets on the network link, sampled by one timer per call),
 *    enable-timeout after a failure (profile.c: the profile's state machine).
 *  - Binding: PPP_AUTHENTICATED with a profile's dialer-remote-name binds
 *    the call to the profile (%DIALER-6-BIND, VPDN_EV_DIALER_BIND).
 *
 * Config (see README.md):
 *   dialer-list "1" { protocol = "ip"  permit = true }
 *   interface "Serial0:15" { dialer-rotary-group = 1 }
 *   interface "Dialer1" { dialer-in-band = true  dialer-aaa = true
 *                         dialer-group = 1  dialer-string = "8211"
 *                         dialer-ports = {"BRI 0"}  dialer-idle-timeout = 120 }
 *   interface "Dialer2" { dialer-pool = 1  dialer-vpdn = true
 *                         dialer-remote-name = "remote2@cisco.com"
 *                         dialer-string = "6121" }
 *   interface "BRI0" { dialer-pool-member = {1} }
 */
#ifndef DIALER_DIALER_H
#define DIALER_DIALER_H

#include <confuse.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/core.h>

struct dialer_module;

extern cfg_opt_t dialer_options[];
extern cfg_opt_t dialer_interface_options[];

int dialer_check(cfg_t *cfg);

/* Everything from cfg is copied: the module keeps no cfg pointer. */
int dialer_module_new(struct vpdn_core *core, cfg_t *cfg, struct dialer_module **out);
void dialer_module_free(struct dialer_module *m);

enum dialer_state {
	DIALER_IDLE,
	DIALER_DIALING,      /* placing the call; wait-for-carrier runs */
	DIALER_CONNECTING,   /* carrier up, PPP negotiating */
	DIALER_CONNECTED,    /* network up (or call bound); idle-timeout runs */
	DIALER_ENABLE_WAIT,  /* after a failed call: no dial for enable-timeout */
};
const char *dialer_state_name(enum dialer_state st);

/* Dial a profile now (D-Bus Dial, tests). 0, -ENOENT (no such dialer),
 * -EBUSY (not idle), -EAGAIN (enable-timeout running), -EINVAL (no
 * dialer-string). */
int dialer_module_dial(struct dialer_module *m, const char *name, const char *reason);

struct dialer_info {
	const char *name, *kind;      /* "Dialer1"; "isdn", "vpdn", "rotary" */
	enum dialer_state state;
	const char *number, *remote_name;
	const char *interface;        /* "BR0:1", "Vi1" or "" */
	uint32_t call_id;
	uint32_t idle_left;           /* seconds, 0 when not connected */
	uint32_t failures;
	uint32_t calls;               /* calls placed */
};
/* Apply a new config (see dialer.c); calls stay up. */
int dialer_module_reload(struct dialer_module *m, cfg_t *cfg);
unsigned dialer_module_count(struct dialer_module *m);
/* i-th dialer (config order); strings borrowed until the next event. */
int dialer_module_info(struct dialer_module *m, unsigned i, struct dialer_info *out);
int dialer_module_info_by_name(struct dialer_module *m, const char *name,
			       struct dialer_info *out);
/* Incoming calls answered and not cleared yet. */
unsigned dialer_module_incoming_count(struct dialer_module *m);

#endif
