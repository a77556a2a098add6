/* SPDX-License-Identifier: MIT */
/* The isdn module's state, shared by isdn.c and isdn-bus.c. */
#ifndef ISDN_PRIVATE_H
#define ISDN_PRIVATE_H

#include <glib.h>
#include <systemd/sd-bus.h>
#include <vpdnd/core.h>

#include "isdn.h"
#include "port.h"
#include "q931.h"
#include "wire.h"

/* Call references are scoped per D channel (Q.931): a call is known by
 * its port's D channel index and the cref the network sends. */
#define CALL_KEY(dchan, cref) ((uint32_t)(dchan) << 16 | (cref))
/* A B channel of a port, as a key of chan_calls (never 0). */
#define CHAN_KEY(dchan, ch) ((((uint32_t)(dchan) << 5) | (uint32_t)(ch)) + 1u)

struct isdn_call {
	struct isdn *is;
	struct isdn_port *port;
	uint32_t key;             /* CALL_KEY(port->dchan, cref as the network sends it) */
	uint32_t call_id;
	enum vpdn_call_dir dir;
	int chan;                 /* -1 until known */
	char channel[24], short_name[24];
	char calling[ISDN_WIRE_NUMBER_MAX + 1], called[ISDN_WIRE_NUMBER_MAX + 1];
	uint32_t bearer;
	struct q931_call q;
	struct vpdn_link *link;   /* we hold one reference; end A is ours */
	struct vpdn_request *req; /* IN: our CALL_INCOMING; OUT: CALL_PLACE to complete */
	bool upper_cleared, published, active;
	bool b_gone;              /* the consumer hung up end B */
	uint64_t active_at;
	char remote_name[64];     /* the peer's PPP name, once known */
	int busy;                 /* > 0 while a bus dispatch may touch the call */
	bool released;            /* back in U0: free when not busy */
};

struct isdn {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_bus *bus;
	struct vpdn_timers *tm;
	GPtrArray *ports;         /* struct isdn_port *, owned; index = port->dchan */
	GHashTable *port_names;   /* name, dchan, dchan_short -> struct isdn_port * */
	GHashTable *calls;        /* key -> struct isdn_call *, not owning */
	GHashTable *call_ids;     /* call_id -> struct isdn_call *, not owning */
	GHashTable *call_links;   /* struct vpdn_link * -> struct isdn_call *, not owning */
	GHashTable *chan_calls;   /* CHAN_KEY(dchan_ix, chan) -> struct isdn_call *, not owning */
	struct isdn_stream *stream;
	char *path;               /* NULL with isdn_new_fd */
	GPtrArray *snap;          /* the settings in force, for reload (isdn.c) */
	char *switch_type;
	uint64_t setup_timeout_ms;
	struct vpdn_timer reconnect;
	bool warned;
	uint16_t next_cref;       /* next cref to try, on any port */
	uint32_t next_in, next_out;
	struct vpdn_subscription *sub_place, *sub_hangup;
	struct vpdn_subscription *sub_accm, *sub_auth, *sub_forward;
	GPtrArray *lines;         /* struct isdn_line *, owned */
	GPtrArray *slots;         /* sd_bus_slot *, isdn-bus.c */
	GHashTable *bus_objs;     /* port or line name -> its object in slots, isdn-bus.c */
	sd_bus_slot *module_slot; /* /org/vpdnd/module/isdn, isdn-bus.c */
	struct vpdn_subscription *bus_subs[3]; /* call changes -> PropertiesChanged */
	struct isdn_stats st;
	uint64_t *c_in, *c_out, *c_failed, *c_malformed;
	struct isdn_capture *cap;       /* StartCapture, or NULL */
	char *cap_path;                 /* its file (resolved), or NULL */
	struct isdn_port *cap_port;     /* its port (NULL: a line) */
	int cap_chan;                   /* its B channel, -1: every channel */
	struct isdn_line *cap_line;     /* its line, or NULL */
};

/* isdn.c: the call on B channel ch of port p, or NULL (one lookup). */
struct isdn_call *isdn_call_on(struct isdn *is, const struct isdn_port *p, int ch);

/* isdn.c: org.vpdnd.Isdn1.StartCapture/StopCapture. what: a port ("E1 0",
 * "BRI 0", or its D channel), a serial line ("tty0") or a B channel
 * ("Se0:17", "Serial0:17", "BR0:1"). 0, or negative errno with *msg
 * (g_free): -EBUSY one is running, -ENOENT no such port, else why the
 * file could not be created (vpdn_capture_create(): the path is inside
 * the node's capture directory, a new file, 0600); the file's name is
 * then is->cap_path. Stop: -ENOENT none running,
 * else 0 or the write error; *packets the records written. */
int isdn_capture_start(struct isdn *is, const char *path, const char *what, char **msg);
int isdn_capture_stop(struct isdn *is, uint64_t *packets);

/* isdn-bus.c: D-Bus objects /org/vpdnd/isdn/<port> (no-op without a bus). */
int isdn_bus_register(struct isdn *is);
void isdn_bus_unregister(struct isdn *is);

#endif
