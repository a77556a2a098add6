/* SPDX-License-Identifier: MIT */
/*
 * show isdn status, show isdn active.
 *
 * ISDN ports and serial lines are the isdn module's objects
 * /org/vpdnd/isdn/<port> (org.vpdnd.IsdnPort1: Name s, Type s,
 * SwitchType s, Interface s, Numbers as, Layer1 s, Layer2 s,
 * Channels a(ssssu), Calls a(ssssssu), ActiveCalls u, FreeChannels u),
 * enumerated with GetManagedObjects at /org/vpdnd. Unknown interfaces and
 * properties are skipped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "format.h"
#include "json.h"
#include "vpdnctl.h"

#define PORT_IFACE "org.vpdnd.IsdnPort1"

struct isdn_chan {
	char *name, *state, *call_id, *remote;
	uint32_t seconds;
};

struct isdn_call_row {
	char *call_id, *type, *calling, *called, *remote_name, *channel;
	uint32_t seconds;
};

struct isdn_port_row {
	char *path, *name, *type, *switch_type, *interface, *layer1, *layer2;
	GPtrArray *numbers;          /* char * */
	GArray *channels;            /* struct isdn_chan */
	GArray *calls;               /* struct isdn_call_row */
	uint32_t active_calls, free_channels;
};

static void port_row_clear(struct isdn_port_row *p)
{
	g_free(p->path);
	g_free(p->name);
	g_free(p->type);
	g_free(p->switch_type);
	g_free(p->interface);
	g_free(p->layer1);
	g_free(p->layer2);
	g_ptr_array_free(p->numbers, TRUE);
	for (guint i = 0; i < p->channels->len; i++) {
		struct isdn_chan *c = &g_array_index(p->channels, struct isdn_chan, i);
		g_free(c->name);
		g_free(c->state);
		g_free(c->call_id);
		g_free(c->remote);
	}
	g_array_free(p->channels, TRUE);
	for (guint i = 0; i < p->calls->len; i++) {
		struct isdn_call_row *c = &g_array_index(p->calls, struct isdn_call_row, i);
		g_free(c->call_id);
		g_free(c->type);
		g_free(c->calling);
		g_free(c->called);
		g_free(c->remote_name);
		g_free(c->channel);
	}
	g_array_free(p->calls, TRUE);
}

static int read_string_variant(sd_bus_message *m, char **out)
{
	const char *s;
	int r = sd_bus_message_enter_container(m, 'v', "s");

	if (r <= 0)
		return r < 0 ? r : -EBADMSG;
	r = sd_bus_message_read_basic(m, 's', &s);
	if (r < 0)
		return r;
	g_free(*out);
	*out = g_strdup(s);
	return sd_bus_message_exit_container(m);
}

static int read_u32_variant(sd_bus_message *m, uint32_t *out)
{
	int r = sd_bus_message_enter_container(m, 'v', "u");

	if (r <= 0)
		return r < 0 ? r : -EBADMSG;
	r = sd_bus_message_read_basic(m, 'u', out);
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int read_port_props(sd_bus_message *m, struct isdn_port_row *p)
{
	const char *prop, *contents;
	char type;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		char **str = NULL;
		uint32_t *u = NULL;

		r = sd_bus_message_read_basic(m, 's', &prop);
		if (r < 0)
			return r;
		r = sd_bus_message_peek_type(m, &type, &contents);
		if (r < 0)
			return r;
		if (!strcmp(prop, "Name")) str = &p->name;
		else if (!strcmp(prop, "Type")) str = &p->type;
		else if (!strcmp(prop, "SwitchType")) str = &p->switch_type;
		else if (!strcmp(prop, "Interface")) str = &p->interface;
		else if (!strcmp(prop, "Layer1")) str = &p->layer1;
		else if (!strcmp(prop, "Layer2")) str = &p->layer2;
		else if (!strcmp(prop, "ActiveCalls")) u = &p->active_calls;
		else if (!strcmp(prop, "FreeChannels")) u = &p->free_channels;

		if (str && contents && !strcmp(contents, "s")) {
			r = read_string_variant(m, str);
		} else if (u && contents && !strcmp(contents, "u")) {
			r = read_u32_variant(m, u);
		} else if (!strcmp(prop, "Numbers") && contents && !strcmp(contents, "as")) {
			char **v = NULL;
			r = sd_bus_message_enter_container(m, 'v', "as");
			if (r >= 0)
				r = sd_bus_message_read_strv(m, &v);
			for (char **s = v; r >= 0 && s && *s; s++)
				g_ptr_array_add(p->numbers, *s);
			free(v);
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
		} else if (!strcmp(prop, "Channels") && contents && !strcmp(contents, "a(ssssu)")) {
			const char *a, *b, *c, *d;
			uint32_t secs;
			r = sd_bus_message_enter_container(m, 'v', "a(ssssu)");
			if (r >= 0)
				r = sd_bus_message_enter_container(m, 'a', "(ssssu)");
			while (r >= 0 && (r = sd_bus_message_read(m, "(ssssu)", &a, &b, &c, &d, &secs)) > 0) {
				struct isdn_chan ch = { g_strdup(a), g_strdup(b), g_strdup(c), g_strdup(d), secs };
				g_array_append_val(p->channels, ch);
			}
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
		} else if (!strcmp(prop, "Calls") && contents && !strcmp(contents, "a(ssssssu)")) {
			const char *a, *b, *c, *d, *e, *f;
			uint32_t secs;
			r = sd_bus_message_enter_container(m, 'v', "a(ssssssu)");
			if (r >= 0)
				r = sd_bus_message_enter_container(m, 'a', "(ssssssu)");
			while (r >= 0 &&
			       (r = sd_bus_message_read(m, "(ssssssu)", &a, &b, &c, &d, &e, &f, &secs)) > 0) {
				struct isdn_call_row cr = { g_strdup(a), g_strdup(b), g_strdup(c), g_strdup(d),
							    g_strdup(e), g_strdup(f), secs };
				g_array_append_val(p->calls, cr);
			}
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
		} else {
			r = sd_bus_message_skip(m, "v");
		}
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* One object of GetManagedObjects: ISDN ports (and lines) become rows. */
static int port_object(sd_bus_message *m, const char *path, const char *iface, void *data)
{
	GArray *ports = data;
	struct isdn_port_row p = { 0 };
	int r;

	if (strcmp(iface, PORT_IFACE) != 0)
		return sd_bus_message_skip(m, "a{sv}");
	p.path = g_strdup(path);
	p.numbers = g_ptr_array_new_with_free_func(free);
	p.channels = g_array_new(FALSE, TRUE, sizeof(struct isdn_chan));
	p.calls = g_array_new(FALSE, TRUE, sizeof(struct isdn_call_row));
	r = read_port_props(m, &p);
	g_array_append_val(ports, p);
	return r;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

static int cmp_port(const void *a, const void *b)
{
	const struct isdn_port_row *x = a, *y = b;
	return strcmp(str(x->path), str(y->path));
}

static void print_status(FILE *f, GArray *ports)
{
	unsigned total = 0;
	const char *global = NULL;

	for (guint i = 0; i < ports->len && !global; i++) {
		struct isdn_port_row *p = &g_array_index(ports, struct isdn_port_row, i);
		if (p->type && strcmp(p->type, "line"))
			global = p->switch_type;
	}
	fprintf(f, "Global ISDN Switchtype = %s\n", global ? global : "none");
	if (!ports->len)
		fprintf(f, "%% No ISDN interfaces\n");
	for (guint i = 0; i < ports->len; i++) {
		struct isdn_port_row *p = &g_array_index(ports, struct isdn_port_row, i);
		bool line = p->type && !strcmp(p->type, "line");

		if (line)
			fprintf(f, "ISDN %s interface (serial line, owned by %s)\n", str(p->name), str(p->interface));
		else
			fprintf(f, "ISDN %s interface (%s %s)\n", str(p->interface), str(p->type), str(p->name));
		fprintf(f, "        dsl %u, interface ISDN Switchtype = %s\n", i, str(p->switch_type));
		fprintf(f, "    Layer 1 Status:\n        %s\n", str(p->layer1));
		fprintf(f, "    Layer 2 Status:\n        TEI = 0, Ces = 1, SAPI = 0, State = %s\n", str(p->layer2));
		fprintf(f, "    Layer 3 Status:\n        %u Active Layer 3 Call(s)\n", p->active_calls);
		fprintf(f, "    Active dsl %u CCBs = %u\n", i, p->calls->len);
		for (guint k = 0; k < p->calls->len; k++) {
			struct isdn_call_row *c = &g_array_index(p->calls, struct isdn_call_row, k);
			const char *colon = c->channel ? strrchr(c->channel, ':') : NULL;
			fprintf(f, "        CCB:callid=%s, sapi=0x0, ces=0x1, B-chan=%s, calltype=DATA\n",
				str(c->call_id), colon ? colon + 1 : str(c->channel));
		}
		fprintf(f, "    Number of available B-channels = %u\n", p->free_channels);
		total += p->calls->len;
	}
	fprintf(f, "    Total Allocated ISDN CCBs = %u\n", total);
}

static void json_status(FILE *f, GArray *ports)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_key(&j, "ports");
	json_array_begin(&j);
	for (guint i = 0; i < ports->len; i++) {
		struct isdn_port_row *p = &g_array_index(ports, struct isdn_port_row, i);
		json_object_begin(&j);
		json_kv_string(&j, "name", p->name);
		json_kv_string(&j, "type", p->type);
		json_kv_string(&j, "switch_type", p->switch_type);
		json_kv_string(&j, "interface", p->interface);
		json_key(&j, "numbers");
		json_array_begin(&j);
		for (guint k = 0; k < p->numbers->len; k++)
			json_string(&j, g_ptr_array_index(p->numbers, k));
		json_array_end(&j);
		json_kv_string(&j, "layer1", p->layer1);
		json_kv_string(&j, "layer2", p->layer2);
		json_kv_uint(&j, "active_calls", p->active_calls);
		json_kv_uint(&j, "free_channels", p->free_channels);
		json_key(&j, "channels");
		json_array_begin(&j);
		for (guint k = 0; k < p->channels->len; k++) {
			struct isdn_chan *c = &g_array_index(p->channels, struct isdn_chan, k);
			json_object_begin(&j);
			json_kv_string(&j, "name", c->name);
			json_kv_string(&j, "state", c->state);
			json_kv_string(&j, "call_id", c->call_id);
			json_kv_string(&j, "remote_number", c->remote);
			json_kv_uint(&j, "seconds", c->seconds);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
}

static void print_active(FILE *f, GArray *ports, bool json)
{
	static const struct fmt_column cols[] = {
		{ "Call Type", 10, 1 }, { "Calling Number", 16, 1 }, { "Called Number", 16, 1 },
		{ "Remote Name", 20, 1 }, { "Seconds Used", 13, 1 }, { "Interface", 0, 1 },
	};
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
	struct json j;
	size_t rows = 0;

	if (json) {
		json_init(&j, f);
		json_object_begin(&j);
		json_key(&j, "calls");
		json_array_begin(&j);
	}
	for (guint i = 0; i < ports->len; i++) {
		struct isdn_port_row *p = &g_array_index(ports, struct isdn_port_row, i);
		for (guint k = 0; k < p->calls->len; k++) {
			struct isdn_call_row *c = &g_array_index(p->calls, struct isdn_call_row, k);
			if (json) {
				json_object_begin(&j);
				json_kv_string(&j, "call_id", c->call_id);
				json_kv_string(&j, "type", c->type);
				json_kv_string(&j, "calling", c->calling);
				json_kv_string(&j, "called", c->called);
				json_kv_string(&j, "remote_name", c->remote_name);
				json_kv_uint(&j, "seconds", c->seconds);
				json_kv_string(&j, "interface", c->channel);
				json_kv_string(&j, "port", p->name);
				json_object_end(&j);
				continue;
			}
			g_ptr_array_add(cells, g_strdup(str(c->type)));
			g_ptr_array_add(cells, g_strdup(str(c->calling)));
			g_ptr_array_add(cells, g_strdup(str(c->called)));
			g_ptr_array_add(cells, g_strdup(c->remote_name && *c->remote_name ? c->remote_name : "---"));
			g_ptr_array_add(cells, g_strdup_printf("%" PRIu32, c->seconds));
			g_ptr_array_add(cells, g_strdup(str(c->channel)));
			rows++;
		}
	}
	if (json) {
		json_array_end(&j);
		json_object_end(&j);
	} else {
		fprintf(f, "--------------------------------------------------------------------------------\n"
			   "                                ISDN ACTIVE CALLS\n"
			   "--------------------------------------------------------------------------------\n");
		fmt_table(f, cols, G_N_ELEMENTS(cols), (const char *const *)cells->pdata, rows);
		fprintf(f, "--------------------------------------------------------------------------------\n");
	}
	g_ptr_array_free(cells, TRUE);
}

enum { SHOW_STATUS, SHOW_ACTIVE };

static int show_isdn(struct vpdnctl *c, int what)
{
	GArray *ports = g_array_new(FALSE, TRUE, sizeof(struct isdn_port_row));
	sd_bus_message *reply = NULL;
	int r, ret;

	ret = vpdnctl_call(c, "list ISDN ports", VPDN_DBUS_ROOT, "org.freedesktop.DBus.ObjectManager",
			   "GetManagedObjects", &reply, NULL);
	if (ret != VPDNCTL_OK)
		goto out;
	r = vpdnctl_walk_objects(reply, port_object, ports);
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse the node's objects: %s\n", strerror(-r));
		ret = VPDNCTL_FAILED;
		goto out;
	}
	g_array_sort(ports, cmp_port);
	if (what == SHOW_ACTIVE)
		print_active(c->out, ports, c->json);
	else if (c->json)
		json_status(c->out, ports);
	else
		print_status(c->out, ports);
out:
	for (guint i = 0; i < ports->len; i++)
		port_row_clear(&g_array_index(ports, struct isdn_port_row, i));
	g_array_free(ports, TRUE);
	sd_bus_message_unref(reply);
	return ret;
}

static int show_isdn_status(struct vpdnctl *c, int argc, char **argv)
{
	return show_isdn(c, SHOW_STATUS);
}

static int show_isdn_active(struct vpdnctl *c, int argc, char **argv)
{
	return show_isdn(c, SHOW_ACTIVE);
}

const struct vpdnctl_command vpdnctl_isdn_commands[] = {
	{ "show isdn status", NULL, 0, 0, CMD_NODE, show_isdn_status,
	  "ISDN ports and serial lines: layers 1-3, calls" },
	{ "show isdn active", NULL, 0, 0, CMD_NODE, show_isdn_active, "Active ISDN and serial-line calls" },
	{ NULL }
};
