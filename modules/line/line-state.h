/* SPDX-License-Identifier: MIT */
/* Restart in place for the line module (line-state.c, docs/RESTART.md). */
#ifndef LINE_STATE_H
#define LINE_STATE_H

#include <glib.h>
#include <stdint.h>

struct line;
struct line_module;

#define LINE_STATE_VERSION 1

GVariant *line_state_save(struct line_module *lm);
int line_state_restore(struct line_module *lm, GVariant *data, uint32_t version);
/* line_start(): the line's stream a restart in place handed over (checked
 * to be of the line's kind), or -1. */
int line_state_take_stream(struct line *l);

#endif
