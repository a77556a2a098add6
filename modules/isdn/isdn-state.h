/* SPDX-License-Identifier: MIT */
/* Restart in place for isdn (isdn-state.c, docs/RESTART.md). */
#ifndef ISDN_STATE_H
#define ISDN_STATE_H

#include <glib.h>
#include <stdint.h>

struct isdn;

#define ISDN_STATE_VERSION 1

/* save(): keeps the stream ("isdn/stream"), returns the ports and the
 * active calls. */
GVariant *isdn_state_save(struct isdn *is);
/* restore(): adopts the stream kept at init, rebuilds the calls and
 * offers their links ("carrier/NAME"). -EPROTO another version. */
int isdn_state_restore(struct isdn *is, GVariant *data, uint32_t version);
/* init: take the stream a restart in place handed over (0), else -1. */
int isdn_state_take_stream(struct isdn *is);

#endif
