/* SPDX-License-Identifier: MIT */
/* The pppoe module (pppoe.c): config, sockets, links, bus. */
#ifndef VPDN_PPPOE_MODULE_H
#define VPDN_PPPOE_MODULE_H

#include <confuse.h>
#include <libmnl/libmnl.h>
#include <systemd/sd-bus.h>

#include "pppoe-private.h"

#define RX_BATCH 16
#define FRAME_MAX 9024      /* Ethernet header + 9000 (jumbo) + slack */
#define TX_BATCH 64
#define TX_FRAME 1536        /* queued frames; longer ones (jumbo) go at once */

struct pppoe_tx {
	int fd;
	uint16_t len;
	uint8_t buf[TX_FRAME];
};

struct pppoe_port {
	struct pppoe_module *m;
	struct pppoe_if *ifc;
	int fd_disc, fd_sess;
	guint src_disc, src_sess;
	char *service;      /* client */
	char *ac_name;      /* client */
	uint16_t want_payload;
	bool down;          /* not up or no carrier (rtnetlink) */
	bool attached;      /* the interface exists and the sockets are open */
};

struct pppoe_call {
	struct pppoe_module *m;
	struct pppoe_session *s;   /* NULL once the session is gone */
	struct pppoe_port *port;
	struct vpdn_link *link;
	uint32_t call_id;
	struct vpdn_request *req;  /* CALL_PLACE (client) or CALL_INCOMING pending */
	bool publishing, dead, connected;
	char calling[20];
	char *config;              /* server: the template that answered it (a
				      reload may change the group's) */
};

struct pppoe_module {
	sd_bus_slot *slot;
	struct vpdn_core *core;
	struct vpdn_bus *bus;
	struct vpdn_log *log;
	struct pppoe_engine *e;
	GPtrArray *groups;          /* struct pppoe_group * */
	GPtrArray *ports;           /* struct pppoe_port * */
	GTree *calls;               /* call_id -> struct pppoe_call, in call_id order */
	struct vpdn_subscription *sub_place, *sub_hangup;
	struct mnl_socket *nl;      /* rtnetlink: link up/down (pppoe-netlink.c) */
	guint src_nl;
	uint64_t *nl_overruns, nl_overruns_store;
	uint8_t rx[RX_BATCH][FRAME_MAX];
	/* session frames out: sent with one sendmmsg per socket at the end of
	 * a received batch, when full, and before the main loop polls */
	GSource *flush;
	unsigned ntx;
	struct pppoe_tx tx[TX_BATCH];
	/* StartCapture: one session's PPP frames (pppoe-capture.c) */
	struct pcapw *cap;
	char *cap_path;
	struct pppoe_call *cap_call;   /* NULL once that session ended */
};


/* pppoe.c: a port's packet sockets, opened when its interface exists,
 * closed when it goes away (the port then waits for it again). */
int pppoe_port_attach(struct pppoe_port *p);
void pppoe_port_detach(struct pppoe_port *p, const char *why);
/* pppoe-netlink.c: interfaces appearing, going and going up or down. */
int pppoe_netlink_open(struct pppoe_module *m);
void pppoe_netlink_close(struct pppoe_module *m);

/* pppoe.c, for a restart in place: a call rebuilt open on session s
 * (its link at end A); clear one (PADT, why); write what is queued. */
struct pppoe_call *pppoe_call_restore(struct pppoe_module *m, struct pppoe_port *p,
				      struct pppoe_session *s, uint32_t call_id);
void pppoe_call_clear(struct pppoe_call *c, const char *why);
void pppoe_flush(struct pppoe_module *m);
/* pppoe-state.c (docs/RESTART.md): save/restore hooks; the packet
 * socket of interface ifname ("disc" or "sess") a restart in place
 * handed over, checked (bound to ifindex, proto), or -1. */
#define PPPOE_STATE_VERSION 1
GVariant *pppoe_state_save(struct pppoe_module *m);
int pppoe_state_restore(struct pppoe_module *m, GVariant *data, uint32_t version);
int pppoe_state_take_socket(struct pppoe_module *m, const char *ifname, const char *kind,
			    int ifindex, uint16_t proto);

extern cfg_opt_t pppoe_options[];
extern cfg_opt_t pppoe_interface_options[];
int pppoe_check(cfg_t *cfg);
/* pppoe-config.c: the bba-groups */
struct pppoe_group *pppoe_group_load(cfg_t *s, const char *hostname);
void pppoe_group_free(gpointer g);
struct pppoe_group *pppoe_group_find(struct pppoe_module *m, const char *name);
int pppoe_module_new(struct vpdn_core *core, cfg_t *cfg, struct pppoe_module **out);
/* pppoe.c: a configured interface section -> a port, opened now or when
 * the interface appears. */
int pppoe_port_open(struct pppoe_module *m, cfg_t *s);
struct pppoe_port *pppoe_port_find(struct pppoe_module *m, const char *name);
/* pppoe-config.c: a new config. New discoveries and dials use the new
 * bba-groups, interface keys and pppoe-sessions-max; established sessions
 * keep what they negotiated; new PPPoE interfaces are opened. Refused
 * (cfg_error, -EINVAL, nothing changed): PPPoE turned off on an interface
 * (server or client role), which would end its sessions. */
int pppoe_module_reload(struct pppoe_module *m, cfg_t *cfg);
void pppoe_module_free(struct pppoe_module *m);
/* pppoe-capture.c: StartCapture(path, "PPPoE7") / StopCapture(); errors
 * as vpdn_dbus_reply_capture_start() maps them, *msg the text. */
int pppoe_capture_start(struct pppoe_module *m, const char *path, const char *what, char **msg);
int pppoe_capture_stop(struct pppoe_module *m, uint64_t *packets);
/* A frame of the captured session (either way, FF 03 optional). */
void pppoe_capture_frame(struct pppoe_call *c, const uint8_t *data, size_t len);
static inline bool pppoe_capturing(const struct pppoe_call *c)
{
	return c->m->cap_call == c;
}
/* The call's session ended: if captured, the capture stops growing. */
void pppoe_capture_session_gone(struct pppoe_call *c);
/* pppoe-bus.c: /org/vpdnd/module/pppoe, org.vpdnd.Pppoe1 */
int pppoe_bus_register(struct pppoe_module *m);
void pppoe_bus_unregister(struct pppoe_module *m);

#endif
