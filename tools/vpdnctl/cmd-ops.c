/* SPDX-License-Identifier: MIT */
/*
 * Operations commands: `metrics` (Prometheus text exposition or JSON from
 * org.vpdnd.Node1.GetMetrics) and `capture` (a pcap of the node's L2TP
 * datagrams through org.vpdnd.L2tp1.StartCapture/StopCapture, or with
 * `port NAME` of the PPP frames of an ISDN port or B channel through
 * org.vpdnd.Isdn1.StartCapture/StopCapture, or of a serial line through
 * org.vpdnd.Line1's: NAME is a line if /org/vpdnd/isdn/NAME is one), or
 * of one PPPoE session (NAME "PPPoE7") through org.vpdnd.Pppoe1's.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "json.h"
#include "vpdnctl.h"

#define L2TP_MODULE_PATH VPDN_DBUS_ROOT "/module/l2tp"
#define L2TP_IFACE "org.vpdnd.L2tp1"
#define ISDN_MODULE_PATH VPDN_DBUS_ROOT "/module/isdn"
#define ISDN_IFACE "org.vpdnd.Isdn1"
#define LINE_MODULE_PATH VPDN_DBUS_ROOT "/module/line"
#define LINE_IFACE "org.vpdnd.Line1"
#define PPPOE_MODULE_PATH VPDN_DBUS_ROOT "/module/pppoe"
#define PPPOE_IFACE "org.vpdnd.Pppoe1"

/* Is name a serial line of the node (an object /org/vpdnd/isdn/<name>
 * with org.vpdnd.IsdnLine1; the path escaped as the modules do)? */
static bool is_line(struct vpdnctl *c, const char *name)
{
	char path[128];
	size_t n = (size_t)snprintf(path, sizeof(path), "%s/isdn/", VPDN_DBUS_ROOT);

	for (const char *s = name; *s && n + 1 < sizeof(path); s++)
		path[n++] = g_ascii_isalnum(*s) ? *s : '_';
	path[n] = '\0';
	return vpdnctl_has_property(c, path, "org.vpdnd.IsdnLine1", "Speed", "u");
}

/* A PPPoE session's name, "PPPoE7" (any case): the pppoe module's. */
static bool is_pppoe_session(const char *name)
{
	return g_ascii_strncasecmp(name, "PPPoE", 5) == 0 && name[5] &&
	       strspn(name + 5, "0123456789") == strlen(name + 5);
}

/* ------------------------------------------------------------------ */
/* metrics                                                            */

struct metric {
	char *family;   /* "vpdnd_l2tp_tunnels" */
	char *labels;   /* "state=\"est\"" or "" */
	char *help;
	uint64_t value;
};

static void metric_free(gpointer p)
{
	struct metric *m = p;

	g_free(m->family);
	g_free(m->labels);
	g_free(m->help);
	g_free(m);
}

/* "l2tp_tunnels{state=\"est\"}" -> family "vpdnd_l2tp_tunnels", labels
 * "state=\"est\"". Characters Prometheus does not allow in a name
 * become '_'. */
static struct metric *metric_new(const char *name, const char *help, uint64_t value)
{
	struct metric *m = g_new0(struct metric, 1);
	const char *brace = strchr(name, '{');
	size_t n = brace ? (size_t)(brace - name) : strlen(name);
	GString *fam = g_string_new("vpdnd_");

	for (size_t i = 0; i < n; i++) {
		char ch = name[i];

		g_string_append_c(fam, g_ascii_isalnum(ch) || ch == '_' || ch == ':' ? ch : '_');
	}
	m->family = g_string_free(fam, FALSE);
	if (brace) {
		const char *end = strrchr(brace, '}');

		m->labels = g_strndup(brace + 1, end ? (size_t)(end - brace - 1) : strlen(brace + 1));
	} else {
		m->labels = g_strdup("");
	}
	m->help = g_strdup(help);
	m->value = value;
	return m;
}

static bool is_counter(const char *family)
{
	return g_str_has_suffix(family, "_total");
}

/* HELP text escaping: backslash and newline. */
static void print_help_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* Label value escaping: backslash, quote, newline. */
static void print_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static int read_metrics(struct vpdnctl *c, GPtrArray *out)
{
	sd_bus_message *reply = NULL;
	const char *name, *help;
	uint64_t value;
	int r;

	r = vpdnctl_call(c, "read the metrics", VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
			 "GetMetrics", &reply, NULL);
	if (r != VPDNCTL_OK)
		return r;
	r = sd_bus_message_enter_container(reply, 'a', "(sst)");
	while (r >= 0 && (r = sd_bus_message_read(reply, "(sst)", &name, &help, &value)) > 0)
		g_ptr_array_add(out, metric_new(name, help, value));
	sd_bus_message_unref(reply);
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse the metrics: %s\n", strerror(-r));
		return VPDNCTL_FAILED;
	}
	return VPDNCTL_OK;
}

static int cmd_metrics(struct vpdnctl *c, int argc, char **argv)
{
	GPtrArray *ms = g_ptr_array_new_with_free_func(metric_free);
	GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
	char *hostname = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r, ret;

	r = sd_bus_get_property_string(c->bus, c->name, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
				       "Hostname", &error, &hostname);
	if (r < 0) {
		ret = vpdnctl_call_failed(c, "read Hostname", r, &error);
		goto out;
	}
	ret = read_metrics(c, ms);
	if (ret != VPDNCTL_OK)
		goto out;

	if (c->json) {
		struct json j;

		json_init(&j, c->out);
		json_object_begin(&j);
		json_kv_string(&j, "node", hostname);
		json_key(&j, "metrics");
		json_array_begin(&j);
		for (guint i = 0; i < ms->len; i++) {
			struct metric *m = ms->pdata[i];

			json_object_begin(&j);
			json_kv_string(&j, "name", m->family);
			json_kv_string(&j, "type", is_counter(m->family) ? "counter" : "gauge");
			json_kv_string(&j, "labels", m->labels);
			json_kv_string(&j, "help", m->help);
			json_kv_uint(&j, "value", m->value);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		goto out;
	}

	/* Prometheus text format: one HELP/TYPE per family, its samples
	 * together (families with labels were registered one sample at a
	 * time, possibly apart). */
	for (guint i = 0; i < ms->len; i++) {
		struct metric *m = ms->pdata[i];

		if (g_hash_table_contains(done, m->family))
			continue;
		g_hash_table_add(done, m->family);
		fprintf(c->out, "# HELP %s ", m->family);
		print_help_text(c->out, m->help);
		fprintf(c->out, "\n# TYPE %s %s\n", m->family,
			is_counter(m->family) ? "counter" : "gauge");
		for (guint k = i; k < ms->len; k++) {
			struct metric *x = ms->pdata[k];

			if (strcmp(x->family, m->family) != 0)
				continue;
			fprintf(c->out, "%s{node=\"", x->family);
			print_label_value(c->out, hostname);
			fprintf(c->out, "\"%s%s} %" PRIu64 "\n", x->labels[0] ? "," : "", x->labels,
				x->value);
		}
	}
out:
	sd_bus_error_free(&error);
	g_hash_table_destroy(done);
	g_ptr_array_free(ms, TRUE);
	free(hostname);
	return ret;
}

/* ------------------------------------------------------------------ */
/* capture                                                            */

static int capture_usage(void)
{
	fprintf(stderr, "Usage: vpdnctl capture FILE [tunnel ID | session ID | port NAME] [--seconds N]\n");
	return VPDNCTL_USAGE;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int cmd_capture(struct vpdnctl *c, int argc, char **argv)
{
	const char *kind = "", *port = NULL;
	const char *mpath = L2TP_MODULE_PATH, *iface = L2TP_IFACE, *what = "L2TP";
	unsigned long id = 0, seconds = 0;
	char *path = NULL, joined[64];
	sd_bus_message *reply = NULL;
	sigset_t mask, old;
	uint64_t packets = 0;
	int ret, sig;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 || strcmp(argv[i], "seconds") == 0) {
			if (i + 1 >= argc || !parse_uint(argv[i + 1], 86400 * 365, &seconds) ||
			    seconds == 0)
				return capture_usage();
			i++;
		} else if (g_str_has_prefix(argv[i], "--seconds=")) {
			if (!parse_uint(argv[i] + 10, 86400 * 365, &seconds) || seconds == 0)
				return capture_usage();
		} else if (strcmp(argv[i], "port") == 0 && !*kind && !port) {
			if (i + 1 >= argc || !*argv[i + 1])
				return capture_usage();
			port = argv[++i];
			/* `port BRI 0` unquoted: the port is "BRI 0". */
			if (i + 1 < argc && g_ascii_isdigit(argv[i + 1][0]) &&
			    strspn(argv[i + 1], "0123456789") == strlen(argv[i + 1]) &&
			    (g_ascii_strcasecmp(port, "E1") == 0 || g_ascii_strcasecmp(port, "T1") == 0 ||
			     g_ascii_strcasecmp(port, "BRI") == 0)) {
				snprintf(joined, sizeof(joined), "%s %s", port, argv[i + 1]);
				port = joined;
				i++;
			}
		} else if ((strcmp(argv[i], "tunnel") == 0 || strcmp(argv[i], "session") == 0) &&
			   !*kind && !port) {
			kind = argv[i];
			if (i + 1 >= argc || !parse_uint(argv[i + 1], 65535, &id) || id == 0)
				return capture_usage();
			i++;
		} else {
			return capture_usage();
		}
	}
	/* The daemon creates the file inside its capture directory: a
	 * relative name is taken there (not in our cwd); it answers with the
	 * full name. */

	/* Ctrl-C and SIGTERM stop the capture instead of killing us. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);

	if (port) {
		bool pppoe = is_pppoe_session(port);
		bool line = !pppoe && is_line(c, port);

		mpath = pppoe ? PPPOE_MODULE_PATH : line ? LINE_MODULE_PATH : ISDN_MODULE_PATH;
		iface = pppoe ? PPPOE_IFACE : line ? LINE_IFACE : ISDN_IFACE;
		what = port;
		ret = vpdnctl_call(c, "start the capture", mpath, iface, "StartCapture", &reply,
				   "ss", argv[0], port);
	} else {
		ret = vpdnctl_call(c, "start the capture", mpath, iface, "StartCapture", &reply,
				   "ssq", argv[0], kind, (uint16_t)id);
	}
	if (ret != VPDNCTL_OK)
		goto out;
	{
		const char *file = NULL;

		if (sd_bus_message_read(reply, "s", &file) < 0 || !file || !*file)
			file = argv[0]; /* a node from before StartCapture answered */
		path = g_strdup(file);
	}
	reply = sd_bus_message_unref(reply);
	if (seconds)
		fprintf(stderr, "Capturing %s to %s for %lu s...\n", what, path, seconds);
	else
		fprintf(stderr, "Capturing %s to %s; Ctrl-C stops\n", what, path);
	if (seconds) {
		struct timespec ts = { .tv_sec = (time_t)seconds };

		do
			sig = sigtimedwait(&mask, NULL, &ts);
		while (sig < 0 && errno == EINTR);
	} else {
		sigwait(&mask, &sig);
	}
	ret = vpdnctl_call(c, "stop the capture", mpath, iface, "StopCapture", &reply, NULL);
	if (ret != VPDNCTL_OK)
		goto out;
	if (sd_bus_message_read(reply, "t", &packets) < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse the StopCapture reply\n");
		ret = VPDNCTL_FAILED;
		goto out;
	}
	if (c->json) {
		struct json j;

		json_init(&j, c->out);
		json_object_begin(&j);
		json_kv_string(&j, "file", path);
		json_kv_uint(&j, "packets", packets);
		json_object_end(&j);
	} else {
		fprintf(c->out, "%" PRIu64 " packets captured to %s\n", packets, path);
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	sd_bus_message_unref(reply);
	g_free(path);
	return ret;
}

const struct vpdnctl_command vpdnctl_ops_commands[] = {
	{ "metrics", NULL, 0, 0, CMD_NODE, cmd_metrics,
	  "Print the node's metrics (Prometheus text format; --json)" },
	{ "capture", "FILE [tunnel ID | session ID | port NAME] [--seconds N]", 1, 6,
	  CMD_NODE | CMD_EXACT, cmd_capture,
	  "Write the node's L2TP datagrams (or with port NAME the PPP frames of an ISDN port, B channel or serial line) to a pcap file until Ctrl-C" },
	{ NULL }
};
