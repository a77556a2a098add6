/* SPDX-License-Identifier: MIT */
/*
 * vpdnctl [-n|--node NODE] [--bus system|session|ADDRESS] [--json] COMMAND...
 *
 * Talks to a running vpdnd node over D-Bus (org.vpdnd.Node.<hostname>).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "vpdnctl.h"

static int cmd_help(struct vpdnctl *c, int argc, char **argv);

static const struct vpdnctl_command main_commands[] = {
	{ "help", NULL, 0, 0, 0, cmd_help, "Show this help" },
	{ NULL }
};


/* Every command table; a new cmd-*.c adds its table here. */
int vpdnctl_walk_objects(sd_bus_message *m, vpdnctl_object_fn fn, void *data)
{
	const char *path, *iface;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}")) > 0) {
		r = sd_bus_message_read_basic(m, 'o', &path);
		if (r < 0)
			return r;
		r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
		if (r < 0)
			return r;
		while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
			r = sd_bus_message_read_basic(m, 's', &iface);
			if (r < 0)
				return r;
			r = fn(m, path, iface, data);
			if (r < 0)
				return r;
			r = sd_bus_message_exit_container(m);
			if (r < 0)
				return r;
		}
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : 0;
}

int vpdnctl_walk_pages(struct vpdnctl *c, const char *what, const char *path,
		       const char *interface, const char *method, const char *iface,
		       vpdnctl_object_fn fn, void *data)
{
	uint32_t cursor = 0, next = 0;
	unsigned pages = 0;
	int r;

	do {
		sd_bus_error error = SD_BUS_ERROR_NULL;
		sd_bus_message *reply = NULL;
		const char *opath;

		r = sd_bus_call_method(c->bus, c->name, path, interface, method, &error, &reply,
				       "uu", cursor, (uint32_t)VPDNCTL_PAGE);
		if (r < 0) {
			bool absent = pages == 0 &&
				      (sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_OBJECT) ||
				       sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_METHOD) ||
				       sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_INTERFACE));

			r = absent ? VPDNCTL_OK : vpdnctl_call_failed(c, what, r, &error);
			sd_bus_error_free(&error);
			return r;
		}
		r = sd_bus_message_enter_container(reply, 'a', "(oa{sv})");
		while (r > 0 && (r = sd_bus_message_enter_container(reply, 'r', "oa{sv}")) > 0) {
			r = sd_bus_message_read_basic(reply, 'o', &opath);
			if (r >= 0)
				r = fn(reply, opath, iface, data);
			if (r >= 0)
				r = sd_bus_message_exit_container(reply);
			if (r >= 0)
				r = 1;
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (r >= 0)
			r = sd_bus_message_read_basic(reply, 'u', &next);
		sd_bus_message_unref(reply);
		if (r < 0) {
			fprintf(stderr, "vpdnctl: Failed to parse the reply of %s: %s\n", method,
				strerror(-r));
			return VPDNCTL_FAILED;
		}
		/* The cursor only moves forward: a node that answers otherwise
		 * would have us loop. */
		if (next != 0 && next <= cursor) {
			fprintf(stderr, "vpdnctl: %s went backwards (cursor %u, next %u)\n", method,
				cursor, next);
			return VPDNCTL_FAILED;
		}
		cursor = next;
		pages++;
	} while (next != 0);
	return VPDNCTL_OK;
}

static const struct vpdnctl_command *const command_tables[] = {
	main_commands,
	vpdnctl_node_commands,
	vpdnctl_vpdn_commands,
	vpdnctl_ops_commands,
	vpdnctl_isdn_commands,
	vpdnctl_dialer_commands,
	vpdnctl_intf_commands,
	vpdnctl_monitor_commands,
	vpdnctl_radius_commands,
	vpdnctl_pppoe_commands,
	vpdnctl_pool_commands,
	NULL
};

static void print_usage(FILE *f)
{
	fputs("Usage: vpdnctl [-n|--node NODE] [--bus system|session|ADDRESS] [--json] COMMAND...\n"
	      "\n"
	      "Control a running vpdnd node over D-Bus.\n"
	      "\n"
	      "Options:\n"
	      "  -n, --node NODE   the node's hostname (default: the only node on the bus)\n"
	      "      --bus BUS     system (default), session, or a D-Bus address;\n"
	      "                    $VPDND_BUS sets the default\n"
	      "      --json        machine-readable output for show commands\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "Commands:\n", f);
	for (const struct vpdnctl_command *const *t = command_tables; *t; t++)
		for (const struct vpdnctl_command *cmd = *t; cmd->words; cmd++) {
			char *synopsis = g_strdup_printf("%s%s%s", cmd->words,
							 cmd->args ? " " : "",
							 cmd->args ? cmd->args : "");

			fprintf(f, "  %-32s %s\n", synopsis, cmd->help);
			g_free(synopsis);
		}
	fputs("\n"
	      "Exit status: 0 ok, 1 command failed, 2 usage error, 3 node not running.\n", f);
}

static int cmd_help(struct vpdnctl *c, int argc, char **argv)
{
	print_usage(c->out);
	return VPDNCTL_OK;
}

int vpdnctl_call_failed(struct vpdnctl *c, const char *what, int r,
			const sd_bus_error *error)
{
	const char *msg = error && sd_bus_error_is_set(error) && error->message ?
				  error->message : strerror(-r);

	if (error && (sd_bus_error_has_name(error, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		      sd_bus_error_has_name(error, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
		      sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY) ||
		      sd_bus_error_has_name(error, SD_BUS_ERROR_DISCONNECTED))) {
		fprintf(stderr, "vpdnctl: Failed to %s: node %s is not running (%s)\n", what,
			c->node ? c->node : c->name, msg);
		return VPDNCTL_NO_NODE;
	}
	fprintf(stderr, "vpdnctl: Failed to %s: %s\n", what, msg);
	return VPDNCTL_FAILED;
}

int vpdnctl_call(struct vpdnctl *c, const char *what, const char *path,
		 const char *interface, const char *member, sd_bus_message **reply,
		 const char *types, ...)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_method_call(c->bus, &m, c->name, path, interface, member);
	if (r < 0)
		goto fail;
	if (types) {
		va_start(ap, types);
		r = sd_bus_message_appendv(m, types, ap);
		va_end(ap);
		if (r < 0)
			goto fail;
	}
	r = sd_bus_call(c->bus, m, 0, &error, reply);
	if (r < 0)
		goto fail;
	sd_bus_message_unref(m);
	return VPDNCTL_OK;

fail:
	r = vpdnctl_call_failed(c, what, r, &error);
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	return r;
}

bool vpdnctl_has_property(struct vpdnctl *c, const char *path, const char *interface,
			  const char *property, const char *type)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = sd_bus_get_property(c->bus, c->name, path, interface, property, &error, &reply,
				    type);

	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	return r >= 0;
}

static int bus_connect(const char *spec, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r;

	if (strcmp(spec, "system") == 0)
		return sd_bus_open_system(ret);
	if (strcmp(spec, "session") == 0 || strcmp(spec, "user") == 0)
		return sd_bus_open_user(ret);
	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_address(bus, spec);
	if (r < 0)
		goto fail;
	r = sd_bus_set_bus_client(bus, 1);
	if (r < 0)
		goto fail;
	r = sd_bus_start(bus);
	if (r < 0)
		goto fail;
	*ret = bus;
	return 0;

fail:
	sd_bus_unref(bus);
	return r;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Find the node's bus name: --node, or the only org.vpdnd.Node.* name. */
static int resolve_node(struct vpdnctl *c)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	char **names = NULL;
	GPtrArray *nodes = NULL;
	size_t plen = strlen(VPDN_DBUS_NAME_PREFIX);
	int r, ret;

	if (c->node) {
		sd_bus_message *reply = NULL;
		int has = 0;

		vpdn_dbus_node_name(c->node, c->name, sizeof(c->name));
		r = sd_bus_call_method(c->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				       "org.freedesktop.DBus", "NameHasOwner", &error, &reply,
				       "s", c->name);
		if (r >= 0)
			r = sd_bus_message_read(reply, "b", &has);
		sd_bus_message_unref(reply);
		if (r < 0) {
			ret = vpdnctl_call_failed(c, "ask the bus for the node", r, &error);
			sd_bus_error_free(&error);
			return ret;
		}
		if (!has) {
			fprintf(stderr, "vpdnctl: node %s is not running (%s is not on the bus)\n",
				c->node, c->name);
			return VPDNCTL_NO_NODE;
		}
		return VPDNCTL_OK;
	}

	r = sd_bus_list_names(c->bus, &names, NULL);
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to list the names on the bus: %s\n", strerror(-r));
		return VPDNCTL_NO_NODE;
	}
	nodes = g_ptr_array_new();
	for (char **n = names; n && *n; n++)
		if (strncmp(*n, VPDN_DBUS_NAME_PREFIX, plen) == 0 && (*n)[plen])
			g_ptr_array_add(nodes, *n);
	g_ptr_array_sort(nodes, compare_names);

	if (nodes->len == 0) {
		fprintf(stderr, "vpdnctl: no vpdnd node is running on the bus\n");
		ret = VPDNCTL_NO_NODE;
	} else if (nodes->len > 1) {
		GString *list = g_string_new(NULL);

		for (guint i = 0; i < nodes->len; i++)
			g_string_append_printf(list, "%s%s", i ? ", " : "",
					       (const char *)nodes->pdata[i] + plen);
		fprintf(stderr, "vpdnctl: several nodes are running (%s): choose one with --node\n",
			list->str);
		g_string_free(list, TRUE);
		ret = VPDNCTL_USAGE;
	} else {
		g_strlcpy(c->name, nodes->pdata[0], sizeof(c->name));
		ret = VPDNCTL_OK;
	}
	g_ptr_array_free(nodes, TRUE);
	g_strfreev(names);
	return ret;
}

/* Does argument word a select command word w? Exact, or an unambiguous
 * IOS-style abbreviation (checked by the caller across commands). */
static bool word_matches(const char *a, const char *w, bool *exact)
{
	size_t la = strlen(a);

	if (strcmp(a, w) == 0)
		return true;
	*exact = false;
	return la > 0 && strncmp(a, w, la) == 0;
}

/* Match argv against a command's words. Returns the number of words
 * matched (all of them) or -1. */
static int command_match(const struct vpdnctl_command *cmd, int argc, char **argv,
			 bool *exact)
{
	char **words = g_strsplit(cmd->words, " ", -1);
	int n = 0;

	*exact = true;
	for (; words[n]; n++) {
		if (n >= argc || !word_matches(argv[n], words[n], exact)) {
			n = -1;
			break;
		}
	}
	g_strfreev(words);
	return n;
}

/* Are all of argv the first words of cmd (with words left over)? */
static bool command_starts_with(const struct vpdnctl_command *cmd, int argc, char **argv)
{
	char **words = g_strsplit(cmd->words, " ", -1);
	bool exact, yes = (int)g_strv_length(words) > argc;

	for (int i = 0; yes && i < argc; i++)
		yes = word_matches(argv[i], words[i], &exact);
	g_strfreev(words);
	return yes;
}

static bool args_fit(const struct vpdnctl_command *cmd, int nargs)
{
	return nargs >= cmd->min_args && (cmd->max_args < 0 || nargs <= cmd->max_args);
}

/* The command argv selects: the one matching the most words with an
 * argument count it accepts; exact spellings win over abbreviations. */
static int find_command(int argc, char **argv, const struct vpdnctl_command **ret,
			int *nwords)
{
	const struct vpdnctl_command *best = NULL, *best_usage = NULL;
	int best_n = 0, best_usage_n = 0, candidates = 0;
	bool best_exact = false;

	for (const struct vpdnctl_command *const *t = command_tables; *t; t++)
		for (const struct vpdnctl_command *cmd = *t; cmd->words; cmd++) {
			bool exact;
			int n = command_match(cmd, argc, argv, &exact);

			if (n < 0 || (!exact && (cmd->flags & CMD_EXACT)))
				continue;
			if (!args_fit(cmd, argc - n)) {
				if (n > best_usage_n) {
					best_usage = cmd;
					best_usage_n = n;
				}
				continue;
			}
			if (n > best_n || (n == best_n && exact && !best_exact)) {
				best = cmd;
				best_n = n;
				best_exact = exact;
				candidates = 1;
			} else if (n == best_n && exact == best_exact) {
				candidates++;
			}
		}

	if (best && candidates == 1) {
		*ret = best;
		*nwords = best_n;
		return VPDNCTL_OK;
	}
	if (best) {
		char *line = g_strjoinv(" ", argv);

		fprintf(stderr, "vpdnctl: ambiguous command '%s'; see 'vpdnctl help'\n", line);
		g_free(line);
		return VPDNCTL_USAGE;
	}
	if (best_usage) {
		fprintf(stderr, "Usage: vpdnctl %s%s%s\n", best_usage->words,
			best_usage->args ? " " : "", best_usage->args ? best_usage->args : "");
		return VPDNCTL_USAGE;
	}
	{
		char *line = g_strjoinv(" ", argv);
		GString *more = g_string_new(NULL);

		/* "show": list what can follow. */
		for (const struct vpdnctl_command *const *t = command_tables; *t; t++)
			for (const struct vpdnctl_command *cmd = *t; cmd->words; cmd++)
				if (command_starts_with(cmd, argc, argv))
					g_string_append_printf(more, "\n  %s%s%s", cmd->words,
							       cmd->args ? " " : "",
							       cmd->args ? cmd->args : "");
		if (more->len)
			fprintf(stderr, "vpdnctl: incomplete command '%s'; one of:%s\n", line,
				more->str);
		else
			fprintf(stderr, "vpdnctl: unknown command '%s'; see 'vpdnctl help'\n", line);
		g_string_free(more, TRUE);
		g_free(line);
	}
	return VPDNCTL_USAGE;
}

/* vpdnctl --complete WORD... PARTIAL: the words that may follow (from the
 * command tables), starting with PARTIAL, one a line (for the bash
 * completion script). Options are skipped. */
static int complete(int argc, char **argv)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *words = g_ptr_array_new();
	const char *partial = argc > 0 ? argv[argc - 1] : "";

	for (int i = 0; i < argc - 1; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--node") || !strcmp(argv[i], "--bus")) {
			i++;
			continue;
		}
		if (argv[i][0] != '-')
			g_ptr_array_add(words, argv[i]);
	}
	if (partial[0] == '-') {
		static const char *const opts[] = { "--json", "--node", "--bus", "--help", NULL };
		for (const char *const *o = opts; *o; o++)
			if (g_str_has_prefix(*o, partial))
				printf("%s\n", *o);
	}
	for (const struct vpdnctl_command *const *t = command_tables; *t; t++)
		for (const struct vpdnctl_command *cmd = *t; cmd->words; cmd++) {
			char **cw = g_strsplit(cmd->words, " ", -1);
			guint n = g_strv_length(cw), k;
			bool exact;

			for (k = 0; k < words->len && k < n; k++)
				if (!word_matches(words->pdata[k], cw[k], &exact))
					break;
			if (k == words->len && k < n && g_str_has_prefix(cw[k], partial) &&
			    !g_hash_table_contains(seen, cw[k])) {
				g_hash_table_add(seen, g_strdup(cw[k]));
				printf("%s\n", cw[k]);
			}
			g_strfreev(cw);
		}
	g_hash_table_destroy(seen);
	g_ptr_array_free(words, TRUE);
	return VPDNCTL_OK;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "bus", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vpdnctl c = { .out = stdout };
	const struct vpdnctl_command *cmd = NULL;
	int opt, nwords = 0, ret;

	if (argc >= 2 && strcmp(argv[1], "--complete") == 0)
		return complete(argc - 2, argv + 2);

	c.bus_spec = getenv("VPDND_BUS");
	if (!c.bus_spec || !*c.bus_spec)
		c.bus_spec = "system";

	while ((opt = getopt_long(argc, argv, "+n:hj", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			c.node = optarg;
			break;
		case 'b':
			c.bus_spec = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			print_usage(stdout);
			return VPDNCTL_OK;
		default:
			fprintf(stderr, "Try 'vpdnctl --help'.\n");
			return VPDNCTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	/* Options may also follow the command: vpdnctl show vpdn --json. */
	for (int i = 0; i < argc; i++) {
		bool consumed = true;

		if (strcmp(argv[i], "--json") == 0)
			c.json = true;
		else
			consumed = false;
		if (consumed) {
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof(*argv));
			argc--;
			i--;
		}
	}
	if (argc == 0) {
		print_usage(stderr);
		return VPDNCTL_USAGE;
	}

	ret = find_command(argc, argv, &cmd, &nwords);
	if (ret != VPDNCTL_OK)
		return ret;

	if (cmd->flags & CMD_NODE) {
		int r = bus_connect(c.bus_spec, &c.bus);

		if (r < 0) {
			fprintf(stderr, "vpdnctl: Failed to connect to the %s bus: %s\n",
				c.bus_spec, strerror(-r));
			return VPDNCTL_NO_NODE;
		}
		ret = resolve_node(&c);
		if (ret != VPDNCTL_OK)
			goto out;
	}

	ret = cmd->run(&c, argc - nwords, argv + nwords);
	fflush(c.out);
	if (ferror(c.out) && ret == VPDNCTL_OK)
		ret = VPDNCTL_FAILED;
out:
	sd_bus_flush_close_unref(c.bus);
	return ret;
}
