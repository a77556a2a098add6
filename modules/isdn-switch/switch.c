/* SPDX-License-Identifier: MIT */
/* The simulated ISDN network: routing core and sockets. See switch.h. */
#include "switch.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "port.h"
#include "stream.h"

#define CAUSE_INVALID_CREF 81

/* The network side of one leg of a call. */
enum sw_leg_state {
	SW_LEG_SETUP,      /* SETUP sent / received, not answered yet */
	SW_LEG_ACTIVE,     /* connected */
	SW_LEG_CLEARING,   /* we sent DISCONNECT, waiting for RELEASE */
	SW_LEG_RELEASING,  /* we sent RELEASE, waiting for RELEASE COMPLETE */
};

static const char *sw_leg_state_name(enum sw_leg_state s)
{
	switch (s) {
	case SW_LEG_SETUP: return "setup";
	case SW_LEG_ACTIVE: return "active";
	case SW_LEG_CLEARING: return "clearing";
	case SW_LEG_RELEASING: return "releasing";
	}
	return "unknown";
}

struct sw_port {
	struct isdn_sw_node *node;
	struct isdn_port port;    /* port.dchan_ix: the node's index for it */
	uint16_t next_cref;       /* call references are per D channel */
};

/* A leg is known by its port's D channel and the cref as the node sends it. */
#define LEG_KEY(dchan, cref) ((uint32_t)(dchan) << 16 | (cref))

struct sw_leg {
	struct isdn_sw_node *node;
	struct sw_port *port;
	uint32_t key;          /* LEG_KEY(dchan, cref) */
	uint16_t dchan, cref;
	int chan;
	enum sw_leg_state state;
	struct sw_leg *peer;   /* the other leg, or NULL once it is gone */
};

struct isdn_sw_node {
	struct isdn_sw *sw;
	char *name;
	isdn_sw_send_fn send;
	void *ctx;
	GPtrArray *ports;      /* struct sw_port *, owned */
	GHashTable *port_names; /* port.name -> struct sw_port * */
	GHashTable *dchans;    /* dchan -> struct sw_port * */
	GHashTable *legs;      /* key -> struct sw_leg *, owned */
	struct isdn_stream *stream; /* when on a socket */
	bool failed;
};

struct isdn_sw {
	struct vpdn_core *core;
	struct vpdn_log *log;
	GList *nodes;
	GHashTable *numbers;   /* registered number -> struct sw_port * (routing) */
	struct isdn_sw_stats st;
	unsigned calls;
	int listen_fd;
	guint listen_id;
	char *path;
	unsigned seq;
	uint64_t *c_calls, *c_malformed, *c_refused;
};

static void leg_send(struct sw_leg *l, uint8_t type, int cause, int chan)
{
	struct isdn_msg m;

	isdn_msg_init(&m, type, l->cref ^ ISDN_CREF_FLAG);
	m.dchan = l->dchan;
	m.cause = cause;
	m.channel = chan;
	if (l->node->send(l->node->ctx, &m) < 0)
		l->node->failed = true;
}

static void reply(struct isdn_sw_node *n, uint16_t dchan, uint16_t cref, uint8_t type, int cause)
{
	struct isdn_msg m;

	isdn_msg_init(&m, type, cref ^ ISDN_CREF_FLAG);
	m.dchan = dchan;
	m.cause = cause;
	if (n->send(n->ctx, &m) < 0)
		n->failed = true;
}

static void leg_free(struct sw_leg *l)
{
	if (l->peer)
		l->peer->peer = NULL;
	if (l->port)
		isdn_port_release(&l->port->port, l->chan);
	g_hash_table_remove(l->node->legs, GUINT_TO_POINTER(l->key));
}

static void leg_destroy(gpointer p)
{
	struct sw_leg *l = p;
	l->node->sw->calls--;
	g_free(l);
}

static struct sw_leg *leg_new(struct isdn_sw_node *n, struct sw_port *p, uint16_t cref, int chan)
{
	struct sw_leg *l = g_new0(struct sw_leg, 1);

	l->node = n;
	l->port = p;
	l->dchan = p->port.dchan_ix;
	l->cref = cref;
	l->key = LEG_KEY(l->dchan, cref);
	l->chan = chan;
	l->state = SW_LEG_SETUP;
	g_hash_table_insert(n->legs, GUINT_TO_POINTER(l->key), l);
	n->sw->calls++;
	return l;
}

/* The other party is gone (cause): clear this leg. */
static void clear_leg(struct sw_leg *l, int cause)
{
	if (!l)
		return;
	l->peer = NULL;
	if (l->state == SW_LEG_SETUP || l->state == SW_LEG_ACTIVE) {
		l->state = SW_LEG_CLEARING;
		leg_send(l, ISDN_MSG_DISCONNECT, cause, -1);
	}
}

/* Longest registered number that is a prefix of called: one hash lookup
 * per prefix length, however many ports are registered. */
static struct sw_port *route(struct isdn_sw *sw, const char *called)
{
	char prefix[ISDN_WIRE_NUMBER_MAX + 1];
	size_t len = strlen(called);

	if (len > ISDN_WIRE_NUMBER_MAX)
		len = ISDN_WIRE_NUMBER_MAX;
	memcpy(prefix, called, len);
	for (; len > 0; len--) {
		struct sw_port *p;
		prefix[len] = 0;
		p = g_hash_table_lookup(sw->numbers, prefix);
		if (p)
			return p;
	}
	return NULL;
}

/* A free call reference on port p's D channel (switch-originated: the
 * node answers with the flag set). */
static uint16_t alloc_cref(struct sw_port *p)
{
	for (unsigned tries = 0; tries < 0x8000; tries++) {
		uint16_t c = p->next_cref;
		p->next_cref = (uint16_t)(p->next_cref % 0x7fff + 1);
		if (!g_hash_table_contains(p->node->legs,
					   GUINT_TO_POINTER(LEG_KEY(p->port.dchan_ix, c | ISDN_CREF_FLAG))))
			return c;
	}
	return 0;
}

static int on_register(struct isdn_sw_node *n, const struct isdn_msg *m)
{
	struct isdn_port port;
	struct sw_port *p;
	struct isdn_msg ack;

	if (isdn_port_init(&port, m->port) < 0 || g_hash_table_contains(n->port_names, port.name) ||
	    g_hash_table_contains(n->dchans, GUINT_TO_POINTER(m->dchan)))
		return -EPROTO;
	if (!m->channels || (m->channels & ~port.channels &&
			     port.type == ISDN_PORT_BRI))
		return -EPROTO;
	port.channels = m->channels;
	for (unsigned i = 0; i < m->n_numbers; i++)
		snprintf(port.numbers[i], sizeof(port.numbers[i]), "%s", m->numbers[i]);
	port.n_numbers = m->n_numbers;
	port.dchan_ix = m->dchan;
	p = g_new0(struct sw_port, 1);
	p->node = n;
	p->port = port;
	p->next_cref = 1;
	g_ptr_array_add(n->ports, p);
	g_hash_table_insert(n->port_names, p->port.name, p);
	g_hash_table_insert(n->dchans, GUINT_TO_POINTER(m->dchan), p);
	for (unsigned i = 0; i < port.n_numbers; i++)  /* the first to register a number keeps it */
		if (!g_hash_table_contains(n->sw->numbers, p->port.numbers[i]))
			g_hash_table_insert(n->sw->numbers, p->port.numbers[i], p);
	vpdn_info(n->sw->log, "ISDN network: %s registered %s (%u B channels, %s%s)",
		  n->name, port.name, isdn_port_free_count(&port),
		  port.n_numbers ? port.numbers[0] : "no number",
		  port.n_numbers > 1 ? ", ..." : "");
	isdn_msg_init(&ack, ISDN_MSG_REGISTER_ACK, 0);
	ack.dchan = m->dchan;
	snprintf(ack.port, sizeof(ack.port), "%s", port.name);
	if (n->send(n->ctx, &ack) < 0)
		n->failed = true;
	return 0;
}

static int on_setup(struct isdn_sw_node *n, const struct isdn_msg *m)
{
	struct isdn_sw *sw = n->sw;
	struct sw_port *from, *to;
	struct sw_leg *a, *b;
	struct isdn_msg out;
	int ca, cb;
	uint16_t cref;

	if (m->cref & ISDN_CREF_FLAG || m->cref == 0)
		return -EPROTO;
	if (g_hash_table_contains(n->legs, GUINT_TO_POINTER(LEG_KEY(m->dchan, m->cref))))
		return -EPROTO;
	sw->st.calls++;
	(*sw->c_calls)++;
	from = g_hash_table_lookup(n->dchans, GUINT_TO_POINTER(m->dchan));
	if (from && m->port[0] && strcmp(from->port.name, m->port) != 0)
		from = NULL; /* PORT, when given, must name that D channel's port */
	if (!from) {
		reply(n, m->dchan, m->cref, ISDN_MSG_RELEASE_COMPLETE, VPDN_CAUSE_RESOURCE_UNAVAILABLE);
		return 0;
	}
	if (!m->called[0]) {
		reply(n, m->dchan, m->cref, ISDN_MSG_RELEASE_COMPLETE, VPDN_CAUSE_INVALID_NUMBER_FORMAT);
		return 0;
	}
	to = route(sw, m->called);
	if (!to) {
		sw->st.unallocated++;
		(*sw->c_refused)++;
		vpdn_info(sw->log, "ISDN network: %s calls %s: unallocated number", n->name, m->called);
		reply(n, m->dchan, m->cref, ISDN_MSG_RELEASE_COMPLETE, VPDN_CAUSE_UNALLOCATED_NUMBER);
		return 0;
	}
	if (m->channel >= 0) {
		ca = isdn_port_take(&from->port, m->channel) == 0 ? m->channel : -1;
	} else {
		ca = isdn_port_alloc(&from->port, true);
	}
	if (ca < 0) {
		sw->st.no_channel++;
		(*sw->c_refused)++;
		reply(n, m->dchan, m->cref, ISDN_MSG_RELEASE_COMPLETE, VPDN_CAUSE_NO_CHANNEL);
		return 0;
	}
	cref = alloc_cref(to);
	cb = cref ? isdn_port_alloc(&to->port, false) : -1;
	if (cb < 0) {
		isdn_port_release(&from->port, ca);
		sw->st.busy++;
		(*sw->c_refused)++;
		vpdn_info(sw->log, "ISDN network: %s calls %s: user busy", n->name, m->called);
		reply(n, m->dchan, m->cref, ISDN_MSG_RELEASE_COMPLETE, VPDN_CAUSE_USER_BUSY);
		return 0;
	}
	a = leg_new(n, from, m->cref, ca);
	b = leg_new(to->node, to, cref | ISDN_CREF_FLAG, cb);
	a->peer = b;
	b->peer = a;
	leg_send(a, ISDN_MSG_CALL_PROCEEDING, 0, ca);

	isdn_msg_init(&out, ISDN_MSG_SETUP, cref);
	out.dchan = to->port.dchan_ix;
	snprintf(out.called, sizeof(out.called), "%s", m->called);
	if (m->calling[0])
		snprintf(out.calling, sizeof(out.calling), "%s", m->calling);
	else if (from->port.n_numbers)
		snprintf(out.calling, sizeof(out.calling), "%s", from->port.numbers[0]);
	snprintf(out.port, sizeof(out.port), "%s", to->port.name);
	out.bearer_kbps = m->bearer_kbps ? m->bearer_kbps : 64;
	out.channel = cb;
	vpdn_info(sw->log, "ISDN network: %s %s calls %s: to %s %s channel %d",
		  n->name, from->port.name, m->called, to->node->name, to->port.name, cb);
	if (to->node->send(to->node->ctx, &out) < 0)
		to->node->failed = true;
	return 0;
}

int isdn_sw_node_input(struct isdn_sw_node *n, const struct isdn_msg *m)
{
	struct isdn_sw *sw = n->sw;
	struct sw_leg *l;

	if (m->type == ISDN_MSG_REGISTER)
		return on_register(n, m);
	if (m->type == ISDN_MSG_SETUP)
		return on_setup(n, m);
	if (m->type == ISDN_MSG_REGISTER_ACK)
		return -EPROTO;
	l = g_hash_table_lookup(n->legs, GUINT_TO_POINTER(LEG_KEY(m->dchan, m->cref)));
	if (!l) {
		if (m->type == ISDN_MSG_DATA) {
			sw->st.dropped_data++;
			return 0;
		}
		if (m->type != ISDN_MSG_RELEASE_COMPLETE)
			reply(n, m->dchan, m->cref, ISDN_MSG_RELEASE_COMPLETE, CAUSE_INVALID_CREF);
		return 0;
	}
	switch (m->type) {
	case ISDN_MSG_DATA:
		if (l->state == SW_LEG_ACTIVE && l->peer && l->peer->state == SW_LEG_ACTIVE) {
			struct isdn_msg d;
			isdn_msg_init(&d, ISDN_MSG_DATA, l->peer->cref ^ ISDN_CREF_FLAG);
			d.dchan = l->peer->dchan;
			d.data = m->data;
			d.data_len = m->data_len;
			if (l->peer->node->send(l->peer->node->ctx, &d) < 0)
				l->peer->node->failed = true;
		} else {
			sw->st.dropped_data++;
		}
		return 0;
	case ISDN_MSG_CALL_PROCEEDING:
		return 0;
	case ISDN_MSG_ALERTING:
		if (l->state == SW_LEG_SETUP && l->peer && l->peer->state == SW_LEG_SETUP)
			leg_send(l->peer, ISDN_MSG_ALERTING, 0, -1);
		return 0;
	case ISDN_MSG_CONNECT:
		/* only the called leg (switch-originated) answers */
		if (l->state != SW_LEG_SETUP || !(l->cref & ISDN_CREF_FLAG) || !l->peer)
			return 0;
		l->state = SW_LEG_ACTIVE;
		leg_send(l, ISDN_MSG_CONNECT_ACK, 0, -1);
		l->peer->state = SW_LEG_ACTIVE;
		leg_send(l->peer, ISDN_MSG_CONNECT, 0, -1);
		sw->st.connected++;
		return 0;
	case ISDN_MSG_CONNECT_ACK:
		return 0;
	case ISDN_MSG_DISCONNECT: {
		int cause = m->cause ? m->cause : VPDN_CAUSE_NORMAL_CLEARING;
		struct sw_leg *peer = l->peer;
		l->peer = NULL;
		if (peer)
			peer->peer = NULL;
		clear_leg(peer, cause);
		if (l->state != SW_LEG_RELEASING) {
			l->state = SW_LEG_RELEASING;
			leg_send(l, ISDN_MSG_RELEASE, 0, -1);
		}
		return 0;
	}
	case ISDN_MSG_RELEASE:
	case ISDN_MSG_RELEASE_COMPLETE: {
		int cause = m->cause ? m->cause : VPDN_CAUSE_NORMAL_CLEARING;
		struct sw_leg *peer = l->peer;
		if (peer) {
			l->peer = NULL;
			peer->peer = NULL;
			clear_leg(peer, cause);
		}
		if (m->type == ISDN_MSG_RELEASE)
			leg_send(l, ISDN_MSG_RELEASE_COMPLETE, 0, -1);
		vpdn_debug(sw->log, VPDN_DEBUG_ISDN_EVENTS,
			   "ISDN network: %s call 0x%04X released in state %s",
			   n->name, l->cref, sw_leg_state_name(l->state));
		leg_free(l);
		return 0;
	}
	default:
		return -EPROTO;
	}
}

struct isdn_sw_node *isdn_sw_node_new(struct isdn_sw *sw, const char *name,
				      isdn_sw_send_fn send, void *ctx)
{
	struct isdn_sw_node *n = g_new0(struct isdn_sw_node, 1);

	n->sw = sw;
	n->name = g_strdup(name);
	n->send = send;
	n->ctx = ctx;
	n->ports = g_ptr_array_new_with_free_func(g_free);
	n->port_names = g_hash_table_new(g_str_hash, g_str_equal);
	n->dchans = g_hash_table_new(NULL, NULL);
	n->legs = g_hash_table_new_full(NULL, NULL, NULL, leg_destroy);
	sw->nodes = g_list_append(sw->nodes, n);
	return n;
}

void isdn_sw_node_free(struct isdn_sw_node *n)
{
	GHashTableIter it;
	gpointer v;

	if (!n)
		return;
	g_hash_table_iter_init(&it, n->legs);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct sw_leg *l = v;
		if (l->peer) {
			struct sw_leg *peer = l->peer;
			l->peer = NULL;
			peer->peer = NULL;
			clear_leg(peer, VPDN_CAUSE_DEST_OUT_OF_ORDER);
		}
		l->port = NULL;
	}
	if (g_hash_table_size(n->legs))
		vpdn_info(n->sw->log, "ISDN network: %s gone, %u calls cleared (cause 27)",
			  n->name, g_hash_table_size(n->legs));
	n->sw->nodes = g_list_remove(n->sw->nodes, n);
	g_hash_table_destroy(n->legs);
	for (guint i = 0; i < n->ports->len; i++) {
		struct sw_port *p = g_ptr_array_index(n->ports, i);
		for (unsigned k = 0; k < p->port.n_numbers; k++)
			if (g_hash_table_lookup(n->sw->numbers, p->port.numbers[k]) == p)
				g_hash_table_remove(n->sw->numbers, p->port.numbers[k]);
	}
	g_hash_table_destroy(n->port_names);
	g_hash_table_destroy(n->dchans);
	g_ptr_array_free(n->ports, TRUE);
	isdn_stream_free(n->stream);
	g_free(n->name);
	g_free(n);
}

unsigned isdn_sw_call_count(const struct isdn_sw *sw)
{
	return sw->calls;
}

const struct isdn_sw_stats *isdn_sw_stats(const struct isdn_sw *sw)
{
	return &sw->st;
}

struct isdn_sw *isdn_sw_new(struct vpdn_core *core)
{
	struct isdn_sw *sw = g_new0(struct isdn_sw, 1);

	sw->core = core;
	sw->log = vpdn_core_log(core);
	sw->listen_fd = -1;
	sw->numbers = g_hash_table_new(g_str_hash, g_str_equal);
	sw->c_calls = vpdn_core_counter(core, "isdn_switch_calls_total", "SETUPs routed by the ISDN network");
	sw->c_malformed = vpdn_core_counter(core, "isdn_switch_malformed_total",
					    "Connections dropped for a malformed message or protocol error");
	sw->c_refused = vpdn_core_counter(core, "isdn_switch_refused_total",
					  "Calls refused (busy, unallocated, no channel)");
	return sw;
}

void isdn_sw_free(struct isdn_sw *sw)
{
	if (!sw)
		return;
	while (sw->nodes)
		isdn_sw_node_free(sw->nodes->data);
	if (sw->listen_id)
		g_source_remove(sw->listen_id);
	if (sw->listen_fd >= 0)
		close(sw->listen_fd);
	if (sw->path)
		unlink(sw->path);
	g_free(sw->path);
	g_hash_table_destroy(sw->numbers);
	g_free(sw);
}

/* Sockets. */

static int stream_send(void *ctx, const struct isdn_msg *m)
{
	struct isdn_sw_node *n = ctx;
	return isdn_stream_send(n->stream, m);
}

/* Lifetime: runs from the stream's dispatch; freeing the node frees the
 * stream, which the stream tolerates. */
static void stream_msg(void *ctx, const struct isdn_msg *m)
{
	struct isdn_sw_node *n = ctx;
	struct isdn_sw *sw = n->sw;

	if (isdn_sw_node_input(n, m) < 0) {
		sw->st.malformed++;
		(*sw->c_malformed)++;
		vpdn_warn(sw->log, "ISDN network: protocol error from %s (%s), dropping it",
			  n->name, isdn_msg_type_name(m->type));
		isdn_sw_node_free(n);
	}
}

static void stream_closed(void *ctx, int err)
{
	struct isdn_sw_node *n = ctx;
	struct isdn_sw *sw = n->sw;

	if (err == -EBADMSG) {
		sw->st.malformed++;
		(*sw->c_malformed)++;
		vpdn_warn(sw->log, "ISDN network: malformed message from %s, dropping it", n->name);
	} else {
		vpdn_info(sw->log, "ISDN network: %s disconnected", n->name);
	}
	isdn_sw_node_free(n);
}

int isdn_sw_add_fd(struct isdn_sw *sw, int fd)
{
	char name[32];
	struct isdn_sw_node *n;

	snprintf(name, sizeof(name), "node%u", ++sw->seq);
	n = isdn_sw_node_new(sw, name, stream_send, NULL);
	n->ctx = n;
	n->stream = isdn_stream_new(fd, stream_msg, stream_closed, n);
	if (!n->stream) {
		isdn_sw_node_free(n);
		return -ENOMEM;
	}
	return 0;
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer data)
{
	struct isdn_sw *sw = data;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c >= 0)
		(void)isdn_sw_add_fd(sw, c);
	return G_SOURCE_CONTINUE;
}

int isdn_sw_listen(struct isdn_sw *sw, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		r = -errno;
		goto fail;
	}
	sw->listen_fd = fd;
	sw->path = g_strdup(path);
	sw->listen_id = g_unix_fd_add(fd, G_IO_IN, on_accept, sw);
	vpdn_info(sw->log, "ISDN network: listening on %s", path);
	return 0;
fail:
	close(fd);
	return r;
}

static cfg_opt_t sw_section_opts[] = {
	CFG_STR("listen", "unix:/run/vpdnd/isdn.sock", CFGF_NONE),
	CFG_END()
};

cfg_opt_t isdn_sw_options[] = {
	CFG_SEC("isdn-switch", sw_section_opts, CFGF_NONE),
	CFG_END()
};

int isdn_sw_check(cfg_t *cfg)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn-switch");
	const char *listen_on = sec ? cfg_getstr(sec, "listen") : NULL;

	if (!isdn_unix_path(listen_on)) {
		cfg_error(sec ? sec : cfg, "isdn-switch: listen must be unix:/absolute/path");
		return -EINVAL;
	}
	return 0;
}

int isdn_sw_reload(struct isdn_sw *sw, cfg_t *cfg)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn-switch");
	const char *path = isdn_unix_path(sec ? cfg_getstr(sec, "listen") : NULL);

	if (!path || g_strcmp0(path, sw->path)) {
		cfg_error(sec ? sec : cfg, "isdn-switch: listen cannot change live; restart vpdnd to apply it");
		return -EINVAL;
	}
	return 0;
}

int isdn_sw_module_new(struct vpdn_core *core, cfg_t *cfg, struct isdn_sw **out)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn-switch");
	const char *path = isdn_unix_path(sec ? cfg_getstr(sec, "listen") : NULL);
	struct isdn_sw *sw = isdn_sw_new(core);
	int r;

	if (!path) {
		r = -EINVAL;
		goto fail;
	}
	r = isdn_sw_listen(sw, path);
	if (r < 0) {
		vpdn_err(vpdn_core_log(core), "isdn-switch: cannot listen on %s: %s", path, g_strerror(-r));
		goto fail;
	}
	*out = sw;
	return 0;
fail:
	isdn_sw_free(sw);
	return r;
}
