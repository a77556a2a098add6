/* SPDX-License-Identifier: MIT */
/* The isdn module's state, shared by its files (isdn.c, isdn-calls.c,
 * isdn-events.c, isdn-config.c, isdn-bus.c). */
#ifndef ISDN_PRIVATE_H
#define ISDN_PRIVATE_H

#include <confuse.h>
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
	struct vpdn_link *link;   /* we hold one reference; end A is ours */
	struct vpdn_request *req; /* IN: our CALL_INCOMING; OUT: CALL_PLACE to complete */
	/* the peer's PPP name once known (printable, at most
	 * ISDN_REMOTE_NAME_MAX - 1 octets, g_malloc'd), or NULL */
	char *remote_name;
	uint64_t active_at;
	struct q931_call q;
	uint32_t key;             /* CALL_KEY(port->dchan, cref as the network sends it) */
	uint32_t call_id;
	enum vpdn_call_dir dir;
	int chan;                 /* -1 until known; its names: isdn_call_channel(), the link's */
	uint32_t bearer;
	bool upper_cleared : 1, published : 1, active : 1;
	bool b_gone : 1;          /* the consumer hung up end B */
	bool released : 1;        /* back in U0, out of the tables: freed next turn */
	uint8_t called_at;        /* the called number: isdn_call_called() */
	/* the calling number, then the called one, each at its own length
	 * (at most ISDN_WIRE_NUMBER_MAX octets), in the call's allocation */
	char calling[];
};

#define ISDN_REMOTE_NAME_MAX 64

struct isdn {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_bus *bus;
	struct vpdn_timers *tm;
	GPtrArray *ports;         /* struct isdn_port *, owned; index = port->dchan */
	GHashTable *port_names;   /* name, dchan, dchan_short -> struct isdn_port * */
	GHashTable *calls;        /* key -> struct isdn_call *, not owning */
	GHashTable *call_ids;     /* call_id -> struct isdn_call *, not owning */
	/* a link -> its call: isdn_call_of_link() (the link's ctx, no table) */
	GHashTable *chan_calls;   /* CHAN_KEY(dchan_ix, chan) -> struct isdn_call *, not owning */
	struct isdn_stream *stream;
	int adopt_fd;             /* restart in place: the stream until restore(), or -1 */
	char *path;               /* NULL with isdn_new_fd */
	GPtrArray *snap;          /* the settings in force, for reload (config-snap.h) */
	char *switch_type;
	uint64_t setup_timeout_ms;
	struct vpdn_timer reconnect;
	bool warned;
	uint16_t next_cref;       /* next cref to try, on any port */
	uint32_t next_out;        /* outgoing call ids (incoming: vpdn_core_call_id) */
	struct vpdn_subscription *sub_place, *sub_hangup;
	struct vpdn_subscription *sub_auth, *sub_forward;
	sd_bus_slot *module_slot; /* /org/vpdnd/module/isdn and the ports' class, isdn-bus.c */
	GHashTable *port_paths;   /* object path element ("E1_0") -> port, isdn-bus.c */
	struct vpdn_subscription *bus_subs[3]; /* call changes -> PropertiesChanged */
	struct isdn_stats st;
	uint64_t *c_in, *c_out, *c_failed, *c_malformed;
	struct isdn_capture *cap;       /* StartCapture, or NULL */
	char *cap_path;                 /* its file (resolved), or NULL */
	struct isdn_port *cap_port;     /* its port */
	int cap_chan;                   /* its B channel, -1: every channel */
};

/* isdn-calls.c: the call on B channel ch of port p, or NULL (one lookup). */
struct isdn_call *isdn_call_on(struct isdn *is, const struct isdn_port *p, int ch);
/* isdn-calls.c: a new call on port p (cref as the network sends it),
 * indexed; its call id from vpdn_core_call_id() (in) or our own (out).
 * calling and called (NULL: none) are copied into the call, each cut at
 * ISDN_WIRE_NUMBER_MAX octets. */
struct isdn_call *isdn_call_new(struct isdn *is, struct isdn_port *p, uint16_t cref,
				enum vpdn_call_dir dir, const char *calling, const char *called);
/* The called number ("" none): after the calling one, in the call. */
static inline const char *isdn_call_called(const struct isdn_call *c)
{
	return c->calling + c->called_at;
}
/* Room for a channel's IOS name ("Serial123:31"; isdn_call_channel()). */
#define ISDN_CHAN_NAME_MAX 24
/* isdn-calls.c: the IOS name of the call's B channel ("Serial0:17") in
 * buf, "" while it has none; returns buf. The short name ("Se0:17") is
 * the link's (vpdn_link_name(c->link)). */
const char *isdn_call_channel(const struct isdn_call *c, char buf[ISDN_CHAN_NAME_MAX]);
/* isdn-calls.c: the call is on B channel ch (its names, its link). */
void isdn_call_set_channel(struct isdn_call *c, int ch);
/* isdn-calls.c: the call is back in U0: out of the tables now, freed on
 * the next turn (vpdn_bus_defer_free()); a second call does nothing. */
void isdn_call_release(struct isdn_call *c);
/* The call whose B channel link (end A) this is, until it is released;
 * or NULL. */
struct isdn_call *isdn_call_of_link(struct isdn *is, const struct vpdn_link *link);
/* isdn-calls.c: count a call that failed with this cause. */
void isdn_count_failure(struct isdn *is, int cause);
/* isdn-calls.c: a message from the network (the stream's callback). */
void isdn_on_message(void *ctx, const struct isdn_msg *m);
/* isdn-calls.c: every call dies (the network is gone, the module stops). */
void isdn_drop_all_calls(struct isdn *is, int cause);
/* isdn-calls.c: send m (of call c, or NULL) to the network, logged. */
int isdn_net_send(struct isdn *is, struct isdn_call *c, struct isdn_msg *m);
void isdn_log_q931(struct isdn *is, struct isdn_call *c, bool tx, const struct isdn_msg *m);

/* isdn.c: the stream on fd (owned from here): REGISTER each port, but
 * with restored, only those the network does not have yet. */
int isdn_attach_stream(struct isdn *is, int fd, bool restored);

/* isdn.c: a port by name ("E1 0"), D channel ("Serial0:15") or its short
 * name ("Se0:15"); NULL: the first port. */
struct isdn_port *isdn_find_port(struct isdn *is, const char *name);

/* isdn-events.c: the event-bus handlers (CALL_PLACE, CALL_HANGUP, the
 * peer's name). */
void isdn_events_subscribe(struct isdn *is);
void isdn_events_unsubscribe(struct isdn *is);

/* isdn-config.c */
bool isdn_number_ok(const char *s);
int isdn_port_from_cfg(cfg_t *sec, struct isdn_port *p);
GPtrArray *isdn_config_snap(cfg_t *cfg);

/* isdn.c: org.vpdnd.Isdn1.StartCapture/StopCapture. what: a port ("E1 0",
 * "BRI 0", or its D channel) or a B channel ("Se0:17", "Serial0:17",
 * "BR0:1"); a serial line is the line module's (org.vpdnd.Line1). 0, or negative errno with *msg
 * (g_free): -EBUSY one is running, -ENOENT no such port, else why the
 * file could not be created (vpdn_capture_create(): the path is inside
 * the node's capture directory, a new file, 0600); the file's name is
 * then is->cap_path. Stop: -ENOENT none running,
 * else 0 or the write error; *packets the records written. */
int isdn_capture_start(struct isdn *is, const char *path, const char *what, char **msg);
int isdn_capture_stop(struct isdn *is, uint64_t *packets);

/* isdn-bus.c: the module object and the ports' class
 * /org/vpdnd/isdn/<port> (no-op without a bus). */
int isdn_bus_register(struct isdn *is);
void isdn_bus_unregister(struct isdn *is);

#endif
