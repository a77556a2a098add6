/* SPDX-License-Identifier: MIT */
/*
 * The simulated ISDN network (the isdn-switch module): nodes connect over a
 * UNIX stream socket, REGISTER their ports (name, B channels, numbers),
 * and the switch routes SETUP by called number (longest registered number
 * that is a prefix of it), assigns B channels (lowest free toward the
 * called port, highest free on the calling port), answers busy (17),
 * unallocated number (1), no channel (34), carries DATA between the two
 * legs of an active call and, when a node goes away, clears every call of
 * that node toward the other party with cause 27.
 *
 * The routing core works on nodes with a send callback so that tests can
 * drive it directly; isdn_sw_listen()/isdn_sw_add_fd() put it on sockets.
 */
#ifndef ISDN_SWITCH_H
#define ISDN_SWITCH_H

#include <confuse.h>
#include <stdint.h>
#include <vpdnd/core.h>

#include "stream.h"
#include "wire.h"

struct isdn_sw;
struct isdn_sw_node;

/* Send m to the node. Returns 0 or negative errno (the switch then drops
 * the node later, from the main loop, never from inside the callback). */
typedef int (*isdn_sw_send_fn)(void *ctx, const struct isdn_msg *m);

struct isdn_sw_stats {
	uint64_t calls, connected, busy, unallocated, no_channel, malformed, dropped_data;
};

struct isdn_sw *isdn_sw_new(struct vpdn_core *core);
void isdn_sw_free(struct isdn_sw *sw);
const struct isdn_sw_stats *isdn_sw_stats(const struct isdn_sw *sw);

/* A node attached by the caller. name: for logs. */
struct isdn_sw_node *isdn_sw_node_new(struct isdn_sw *sw, const char *name,
				      isdn_sw_send_fn send, void *ctx);
/* A message from the node. 0, or -EPROTO for a protocol violation: the
 * caller must then free the node. */
int isdn_sw_node_input(struct isdn_sw_node *n, const struct isdn_msg *m);
/* The node is gone: every call it had is cleared toward the other party
 * with cause 27 (destination out of order). */
void isdn_sw_node_free(struct isdn_sw_node *n);
unsigned isdn_sw_call_count(const struct isdn_sw *sw);

/* Sockets: listen on a UNIX stream path (unlinks a stale one), or take an
 * already connected fd (tests). 0 or negative errno. */
int isdn_sw_listen(struct isdn_sw *sw, const char *path);
int isdn_sw_add_fd(struct isdn_sw *sw, int fd);

/* Module glue: config section `isdn-switch { listen = "unix:PATH" }`. */
extern cfg_opt_t isdn_sw_options[];
int isdn_sw_check(cfg_t *cfg);
int isdn_sw_module_new(struct vpdn_core *core, cfg_t *cfg, struct isdn_sw **out);
/* Reload: nothing changes live; a changed listen is refused (cfg_error). */
int isdn_sw_reload(struct isdn_sw *sw, cfg_t *cfg);

#endif
