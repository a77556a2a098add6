/* SPDX-License-Identifier: MIT */
/*
 * Accounting of the L2TP sessions this node forwards as a LAC (Start /
 * Stop with the RFC 2867 tunnel attributes), and tunnel accounting at
 * both ends (Tunnel-Start/-Stop, Tunnel-Link-Start/-Stop) when
 * radius { tunnel-accounting = true }. Records go through acct.c's FIFO.
 */
#ifndef VPDN_RADIUS_ACCT_LAC_H
#define VPDN_RADIUS_ACCT_LAC_H

#include <stdbool.h>

#include <vpdnd/core.h>

#include "acct.h"

struct acct_lac;

struct acct_lac *acct_lac_new(struct vpdn_core *core, struct acct *acct);
void acct_lac_configure(struct acct_lac *l, bool tunnel_acct);
/* Restart in place (docs/RESTART.md): the open records as the state's
 * ACCT_LAC_STATE_TYPE member; restored, they are taken back when l2tp's
 * restore names their session / tunnel ("l2tp-session-restored",
 * "l2tp-tunnel-restored"), no Start; the others get their Stop
 * (NAS-Error) on the first main-loop turn. restore: 0 or -EPROTO. */
GVariant *acct_lac_save(struct acct_lac *l);
int acct_lac_restore(struct acct_lac *l, GVariant *data);
/* Sessions and tunnels being accounted (tests). */
unsigned acct_lac_sessions(const struct acct_lac *l);
void acct_lac_free(struct acct_lac *l);

#endif
