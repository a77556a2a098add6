/* SPDX-License-Identifier: MIT */
/* The dialer module's internals, shared by its files. */
#ifndef DIALER_PRIVATE_H
#define DIALER_PRIVATE_H

#include <glib.h>

#include <vpdnd/interface.h>

#include "dialer.h"

/* A dialer interface ("Dialer1"): a rotary group and/or a profile. Copied
 * from the config at init. */
struct dialer_conf {
	char *name;              /* "Dialer1" */
	char short_name[16];     /* "Di1" */
	int unit;                /* 1, -1 when the name has no number */
	int pool;                /* dialer-pool, 0 none */
	int group;               /* dialer-group, 0 none */
	bool ip_permitted;       /* the group's dialer-list permits ip */
	bool ipv6_permitted;     /* ... and ipv6 */
	bool vpdn, in_band, aaa;
	char *remote_name;       /* dialer-remote-name or NULL */
	char *string;            /* dialer-string or NULL */
	uint64_t idle_ms, carrier_ms, enable_ms;
	GPtrArray *ports;        /* char *: ports to dial on; empty: any */
	bool rotary;             /* some interface is in its rotary group */
};

/* A D-channel (or other physical) interface that takes calls. */
struct dialer_member {
	char *name;              /* "Serial0:15", "BRI0" */
	char *ppp_config;        /* interface whose ppp-* settings apply */
	bool forward;            /* LAC: answer with PPP LAC forwarding */
	int rotary;              /* dialer-rotary-group, 0 none */
};

/* A rotary hunt for a B channel over a list of ports (hunt.c). */
struct dialer_hunt;
/* status 0 with the call (borrowed for the call), or a negative Q.931
 * cause / errno. The hunt is freed after this returns. */
typedef void (*dialer_hunt_done)(struct dialer_hunt *h, int status,
				 const struct vpdn_ev_call *call, void *data);

struct dialer_hunt *dialer_hunt_start(struct dialer_module *m, const struct dialer_conf *c,
				      const char *number, const char *cause,
				      dialer_hunt_done done, void *data);
/* done is never called afterwards; a call still being placed is dropped. */
void dialer_hunt_cancel(struct dialer_hunt *h);

/* "User busy", "no ISDN port took the call", strerror: for logs. */
const char *dialer_cause_text(int status);

/* The per-profile state machine (profile.c). */
struct dialer {
	struct dialer_module *m;
	struct dialer_conf *conf;
	enum dialer_state state;
	struct vpdn_timer timer;       /* wait-for-carrier, idle check, enable */
	struct dialer_hunt *hunt;      /* ISDN dial under way */
	struct vpdn_request *dialout;  /* vpdn dial under way (ours) */
	struct vpdn_request *ppp_req;  /* PPP_START under way (ours) */
	struct vpdn_link *link;        /* the call's carrier link (ref) */
	struct vpdn_link *net;         /* IPv4 link once network up (ref) */
	uint32_t call_id;              /* ISDN call, 0 for vpdn */
	bool isdn_call;                /* link is an ISDN B channel */
	uint32_t carrier_mru;          /* the call's vpdn_ev_call.mru (PPPoE), 0: none */
	bool incoming;                 /* bound incoming call (not ours) */
	char iface[32];                /* "BR0:1", "Vi1" */
	char number[40];
	uint64_t last_count, last_change;
	uint32_t failures, calls;
	bool bound;                    /* %DIALER-6-BIND published */
	bool removed;                  /* gone from the config: dropped when idle */
};

void dialer_init(struct dialer *d, struct dialer_module *m, struct dialer_conf *c);
void dialer_fini(struct dialer *d);
int dialer_dial(struct dialer *d, const char *number, const char *cause);
/* Bus notifications routed to the dialer owning `link` or `call_id`. */
void dialer_on_network_up(struct dialer *d, const struct vpdn_ev_ppp_network *ev);
void dialer_on_call_gone(struct dialer *d, bool ppp_failed, const char *why);
/* An incoming call authenticated as the profile's remote name. */
void dialer_bind_incoming(struct dialer *d, struct vpdn_link *link, uint32_t call_id,
			  const char *iface);
uint32_t dialer_idle_left(struct dialer *d);

/* An incoming call we answered. Its interface's name ("Se0:17", the
 * event's short_name) is its link's: vpdn_link_name(link), as every
 * carrier names the link it publishes. */
struct dialer_call {
	struct dialer_module *m;
	struct vpdn_link *link;  /* ref */
	struct dialer *bound;
	struct vpdn_request *ppp_req; /* our PPP_START until it is answered */
	uint32_t call_id;
};

struct dialer_module {
	struct vpdn_core *core;
	struct vpdn_bus *bus;
	struct vpdn_log *log;
	struct vpdn_timers *tm;
	GPtrArray *confs;        /* struct dialer_conf *, owned */
	GPtrArray *members;      /* struct dialer_member *, owned */
	GHashTable *member_index; /* normalised name (owned) -> member (in members) */
	GPtrArray *dialers;      /* struct dialer *, owned, same order as confs */
	GHashTable *calls;       /* link -> struct dialer_call *, owned */
	GPtrArray *hunts;        /* struct dialer_hunt *, live DIAL_REQUEST hunts */
	struct vpdn_subscription *subs[10];
	/* The D-Bus view (dialer-bus.c): its registration, and the hook
	 * through which the model says "the dialers or the incoming calls
	 * changed" (dialer_changed()). */
	struct dialer_bus *view;
	void (*changed)(struct dialer_module *m);
	guint sweep;             /* idle source dropping removed dialers */
	uint64_t *c_dials, *c_failures, *c_answered, *c_refused;
};

/* config.c */
int dialer_config_load(cfg_t *cfg, GPtrArray *confs, GPtrArray *members, char **error);
void dialer_conf_free(struct dialer_conf *c);
void dialer_member_free(struct dialer_member *mb);

/* dialer.c */
struct dialer *dialer_module_find(struct dialer_module *m, const char *name);
void dialer_hangup_call(struct dialer_module *m, uint32_t call_id, int cause);

/* reload: a removed profile's dialer went idle; drop it soon. */
void dialer_module_sweep_later(struct dialer_module *m);

/* dialer-bus.c */
int dialer_bus_register(struct dialer_module *m);
void dialer_bus_unregister(struct dialer_module *m);
/* The model's one word to its view (no-op without one). */
void dialer_changed(struct dialer_module *m);

#define DDR(m, ...) vpdn_debug((m)->log, VPDN_DEBUG_DIALER_EVENTS, __VA_ARGS__)

#endif
