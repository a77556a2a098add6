/* SPDX-License-Identifier: MIT */
/* The isdn module: its ports, the connection to the ISDN network, the
 * module's life (new, free), and the capture of a port's B channels.
 * Calls: isdn-calls.c; bus handlers: isdn-events.c; config and reload:
 * isdn-config.c; D-Bus: isdn-bus.c. See isdn.h. */
#include "isdn.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <vpdnd/capture.h>

#include "capture.h"
#include "config-snap.h"
#include "isdn-private.h"
#include "isdn-state.h"
#include "port.h"
#include "stream.h"
#include "wire.h"

#define RECONNECT_MS 1000

static void try_connect(struct vpdn_timer *t, void *data);

/* A port by name ("E1 0", also "E1/0"...), D channel ("Serial0:15") or
 * its short name ("Se0:15"); NULL: the first port. One hash lookup. */
struct isdn_port *isdn_find_port(struct isdn *is, const char *name)
{
	struct isdn_port tmp;
	struct isdn_port *p;

	if (!name)
		return is->ports->len ? g_ptr_array_index(is->ports, 0) : NULL;
	if (isdn_port_init(&tmp, name) == 0 && (p = g_hash_table_lookup(is->port_names, tmp.name)))
		return p;
	return g_hash_table_lookup(is->port_names, name);
}

/* The network */

static void schedule_reconnect(struct isdn *is)
{
	if (is->path)
		vpdn_timer_arm(is->tm, &is->reconnect, RECONNECT_MS);
}

/* Lifetime: runs from the main loop (stream's idle report). */
static void on_closed(void *ctx, int err)
{
	struct isdn *is = ctx;

	if (err == -EBADMSG) {
		is->st.malformed++;
		(*is->c_malformed)++;
		vpdn_warn(is->log, "ISDN: malformed message from the ISDN network, reconnecting");
	} else {
		vpdn_warn(is->log, "ISDN: lost the ISDN network (%s)", err ? g_strerror(-err) : "closed");
	}
	isdn_stream_free(is->stream);
	is->stream = NULL;
	for (guint i = 0; i < is->ports->len; i++)
		((struct isdn_port *)g_ptr_array_index(is->ports, i))->registered = false;
	isdn_drop_all_calls(is, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
	schedule_reconnect(is);
}

int isdn_attach_stream(struct isdn *is, int fd, bool restored)
{
	is->stream = isdn_stream_new(fd, isdn_on_message, on_closed, is);
	if (!is->stream)
		return -ENOMEM;
	for (guint i = 0; i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		struct isdn_msg m;
		if (restored && p->registered)
			continue;
		p->registered = false;
		isdn_msg_init(&m, ISDN_MSG_REGISTER, 0);
		m.dchan = p->dchan_ix;
		snprintf(m.port, sizeof(m.port), "%s", p->name);
		m.channels = p->channels;
		for (unsigned k = 0; k < p->n_numbers && k < ISDN_WIRE_MAX_NUMBERS; k++)
			snprintf(m.numbers[k], sizeof(m.numbers[k]), "%s", p->numbers[k]);
		m.n_numbers = p->n_numbers < ISDN_WIRE_MAX_NUMBERS ? p->n_numbers : ISDN_WIRE_MAX_NUMBERS;
		(void)isdn_stream_send(is->stream, &m);
	}
	return 0;
}

static void try_connect(struct vpdn_timer *t, void *data)
{
	struct isdn *is = data;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (is->adopt_fd >= 0) {
		/* A restart in place handed the connection over but nothing
		 * restored it: close it (the network clears its calls). */
		vpdn_warn(is->log, "ISDN: restart: the ISDN network connection handed over was not "
			  "restored: connecting anew");
		close(is->adopt_fd);
		is->adopt_fd = -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", is->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (!is->warned)
			vpdn_warn(is->log, "ISDN: cannot reach the ISDN network at %s: %m, retrying", is->path);
		is->warned = true;
		if (fd >= 0)
			close(fd);
		schedule_reconnect(is);
		return;
	}
	is->warned = false;
	vpdn_info(is->log, "ISDN: connected to the ISDN network at %s", is->path);
	if (isdn_attach_stream(is, fd, false) < 0)
		schedule_reconnect(is);
}

static int isdn_create(struct vpdn_core *core, cfg_t *cfg, struct isdn **out)
{
	struct isdn *is = g_new0(struct isdn, 1);
	cfg_t *sec = cfg_getsec(cfg, "isdn");
	int r;

	is->core = core;
	is->log = vpdn_core_log(core);
	is->bus = vpdn_core_bus(core);
	is->tm = vpdn_core_timers(core);
	is->ports = g_ptr_array_new_with_free_func(g_free);
	is->port_names = g_hash_table_new(g_str_hash, g_str_equal);
	is->calls = g_hash_table_new(NULL, NULL);
	is->call_ids = g_hash_table_new(NULL, NULL);
	is->chan_calls = g_hash_table_new(NULL, NULL);
	is->next_cref = 1;
	is->next_out = 0x05;
	is->adopt_fd = -1;
	is->switch_type = g_strdup(sec ? cfg_getstr(sec, "switch-type") : "primary-net5");
	is->setup_timeout_ms = (uint64_t)(sec ? cfg_getint(sec, "call-timeout") : 30) * 1000;
	vpdn_timer_init(&is->reconnect, try_connect, is);
	for (unsigned i = 0; i < cfg_size(cfg, "controller"); i++) {
		struct isdn_port *p = g_new0(struct isdn_port, 1);
		r = isdn_port_from_cfg(cfg_getnsec(cfg, "controller", i), p);
		if (r < 0) {
			g_free(p);
			goto fail;
		}
		if (is->ports->len > 0xffff) {
			cfg_error(cfg, "isdn: at most 65 536 controllers");
			g_free(p);
			r = -EINVAL;
			goto fail;
		}
		if (g_hash_table_contains(is->port_names, p->name)) {
			cfg_error(cfg, "controller \"%s\": configured twice", p->name);
			g_free(p);
			r = -EINVAL;
			goto fail;
		}
		p->dchan_ix = (uint16_t)is->ports->len;
		g_ptr_array_add(is->ports, p);
		/* first come first served, as a scan in config order would */
		g_hash_table_insert(is->port_names, p->name, p);
		if (!g_hash_table_contains(is->port_names, p->dchan))
			g_hash_table_insert(is->port_names, p->dchan, p);
		if (!g_hash_table_contains(is->port_names, p->dchan_short))
			g_hash_table_insert(is->port_names, p->dchan_short, p);
	}
	is->c_in = vpdn_core_counter(core, "isdn_calls_in_total", "Incoming ISDN calls");
	is->c_out = vpdn_core_counter(core, "isdn_calls_out_total", "Outgoing ISDN calls");
	is->c_failed = vpdn_core_counter(core, "isdn_call_failures_total", "ISDN calls that never connected");
	is->c_malformed = vpdn_core_counter(core, "isdn_malformed_total",
					    "Malformed messages from the ISDN network");
	isdn_events_subscribe(is);
	(void)isdn_bus_register(is);
	is->snap = isdn_config_snap(cfg);
	isdn_snap_forget_sections(is->snap);
	*out = is;
	return 0;
fail:
	isdn_free(is);
	return r;
}

int isdn_new(struct vpdn_core *core, cfg_t *cfg, struct isdn **out)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn");
	const char *path = isdn_unix_path(sec ? cfg_getstr(sec, "network") : "unix:/run/vpdnd/isdn.sock");
	int r;

	if (!path)
		return -EINVAL;
	r = isdn_create(core, cfg, out);
	if (r < 0)
		return r;
	if (!(*out)->ports->len)
		return 0;  /* no controller: no ISDN network to reach */
	(*out)->path = g_strdup(path);
	if (isdn_state_take_stream(*out) == 0)
		return 0;  /* restore() adopts it */
	try_connect(&(*out)->reconnect, *out);
	return 0;
}

int isdn_new_fd(struct vpdn_core *core, cfg_t *cfg, int fd, struct isdn **out)
{
	int r = isdn_create(core, cfg, out);

	if (r < 0) {
		close(fd);
		return r;
	}
	r = isdn_attach_stream(*out, fd, false);
	if (r < 0) {
		isdn_free(*out);
		*out = NULL;
	}
	return r;
}

void isdn_free(struct isdn *is)
{
	if (!is)
		return;
	isdn_events_unsubscribe(is);
	isdn_bus_unregister(is);
	vpdn_timer_cancel(is->tm, &is->reconnect);
	isdn_drop_all_calls(is, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
	isdn_stream_free(is->stream);
	if (is->adopt_fd >= 0)
		close(is->adopt_fd);
	g_hash_table_destroy(is->calls);
	g_hash_table_destroy(is->call_ids);
	g_hash_table_destroy(is->chan_calls);
	g_hash_table_destroy(is->port_names);
	g_ptr_array_free(is->ports, TRUE);
	if (is->cap)
		(void)isdn_capture_close(is->cap, NULL);
	g_free(is->cap_path);
	g_free(is->path);
	g_free(is->switch_type);
	if (is->snap)
		g_ptr_array_free(is->snap, TRUE);
	g_free(is);
}

unsigned isdn_call_count(const struct isdn *is)
{
	return g_hash_table_size(is->calls);
}

bool isdn_connected(const struct isdn *is)
{
	return is->stream != NULL;
}

const struct isdn_stats *isdn_stats(const struct isdn *is)
{
	return &is->st;
}

/* StartCapture: what names the port or channel; see isdn-private.h. */
int isdn_capture_start(struct isdn *is, const char *path, const char *what, char **msg)
{
	struct isdn_port *port = NULL;
	char *file = NULL;
	int chan = -1, r;

	if (is->cap) {
		*msg = g_strdup("A capture is already running");
		return -EBUSY;
	}
	if (what && *what)
		port = isdn_find_port(is, what);
	for (guint i = 0; what && *what && !port && i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		for (int ch = 0; ch < 32 && chan < 0; ch++) {
			char name[24], sname[24];
			if (!(p->channels & (1u << ch)))
				continue;
			isdn_port_channel_name(p, ch, name, sizeof(name), sname, sizeof(sname));
			if (g_ascii_strcasecmp(what, name) == 0 || g_ascii_strcasecmp(what, sname) == 0) {
				port = p;
				chan = ch;
			}
		}
	}
	if (!port) {
		*msg = g_strdup_printf("No ISDN port or B channel \"%s\"", what ? what : "");
		return -ENOENT;
	}
	r = vpdn_capture_create(is->core, path, &file, msg);
	if (r < 0) {
		vpdn_warn(is->log, "ISDN: capture refused: %s", *msg);
		return r;
	}
	r = isdn_capture_open(r, &is->cap);
	if (r < 0) {
		*msg = g_strdup_printf("Cannot write %s: %s", file, g_strerror(-r));
		is->cap = NULL;
		g_free(file);
		return r;
	}
	is->cap_path = file;
	is->cap_port = port;
	is->cap_chan = chan;
	vpdn_info(is->log, "ISDN: capturing the PPP frames of %s to %s", what, file);
	return 0;
}

int isdn_capture_stop(struct isdn *is, uint64_t *packets)
{
	int r;

	if (!is->cap)
		return -ENOENT;
	r = isdn_capture_close(is->cap, packets);
	is->cap = NULL;
	g_clear_pointer(&is->cap_path, g_free);
	is->cap_port = NULL;
	is->cap_chan = -1;
	vpdn_info(is->log, "ISDN: capture stopped, %" PRIu64 " packets", packets ? *packets : 0);
	return r;
}
