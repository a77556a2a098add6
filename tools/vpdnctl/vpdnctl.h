/* SPDX-License-Identifier: MIT */
/*
 * vpdnctl: command table and the helpers shared by the command files.
 *
 * A command is a row in a table: its fixed words ("show vpdn tunnel"), the
 * number of free arguments it takes, and a function. Each cmd-*.c file
 * exports one table; main.c lists the tables. To add `show isdn status`,
 * write cmd-isdn.c with its table and add the table to main.c.
 */
#ifndef VPDNCTL_H
#define VPDNCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <systemd/sd-bus.h>

/* Exit codes. */
enum {
	VPDNCTL_OK = 0,
	VPDNCTL_FAILED = 1,     /* the node refused or the call failed */
	VPDNCTL_USAGE = 2,      /* bad command line */
	VPDNCTL_NO_NODE = 3,    /* no bus, or the node is not running */
};

struct vpdnctl {
	const char *bus_spec;   /* "system", "session" or an address */
	const char *node;       /* --node, or NULL: the only node on the bus */
	bool json;
	sd_bus *bus;            /* connected by main before a CMD_NODE command */
	char name[256];         /* the node's well-known bus name */
	FILE *out;
};

enum {
	CMD_NODE = 0x1,         /* talks to a node: connect and resolve first */
	CMD_EXACT = 0x2,        /* no abbreviations ("shutdown", not "sh") */
};

struct vpdnctl_command {
	const char *words;      /* fixed words: "show vpdn tunnel" */
	const char *args;       /* argument synopsis for help, or NULL */
	int min_args, max_args; /* free arguments after the words; -1: any */
	unsigned flags;
	/* Returns an exit code. argv: the free arguments. */
	int (*run)(struct vpdnctl *c, int argc, char **argv);
	const char *help;
};

/* Tables, each terminated by an entry with words == NULL. */
extern const struct vpdnctl_command vpdnctl_node_commands[];
extern const struct vpdnctl_command vpdnctl_vpdn_commands[];
extern const struct vpdnctl_command vpdnctl_ops_commands[];
extern const struct vpdnctl_command vpdnctl_dialer_commands[];
extern const struct vpdnctl_command vpdnctl_isdn_commands[];
extern const struct vpdnctl_command vpdnctl_intf_commands[];
extern const struct vpdnctl_command vpdnctl_monitor_commands[];
extern const struct vpdnctl_command vpdnctl_radius_commands[];
extern const struct vpdnctl_command vpdnctl_pppoe_commands[];
extern const struct vpdnctl_command vpdnctl_pool_commands[];

/* Print "vpdnctl: Failed to WHAT: message" for a failed call and return
 * the exit code it deserves (VPDNCTL_NO_NODE when the node vanished). */
int vpdnctl_call_failed(struct vpdnctl *c, const char *what, int r,
			const sd_bus_error *error);

/* Call method on the node: path, interface, member, then signature and
 * arguments as for sd_bus_call_method(). Returns 0 or an exit code (the
 * error already printed, naming `what`). */
int vpdnctl_call(struct vpdnctl *c, const char *what, const char *path,
		 const char *interface, const char *member, sd_bus_message **reply,
		 const char *types, ...);

/* Does the node have an object at path with interface (its property, of
 * D-Bus type type, readable)? A quiet probe: nothing is printed. */
bool vpdnctl_has_property(struct vpdnctl *c, const char *path, const char *interface,
			  const char *property, const char *type);

/* Walk a GetManagedObjects reply (a{oa{sa{sv}}}): fn is called for each
 * (object path, interface) with the message positioned at that interface's
 * a{sv}, which fn must read completely or skip. fn returns >= 0 to go on or
 * a negative errno to stop; the walk returns 0 or the first error. */
typedef int (*vpdnctl_object_fn)(sd_bus_message *m, const char *path, const char *iface,
				 void *data);
int vpdnctl_walk_objects(sd_bus_message *m, vpdnctl_object_fn fn, void *data);

/* Page through a paged list method (org.vpdnd.L2tp1.ListTunnels,
 * ListSessions, org.vpdnd.Ip1.ListInterfaces: (u cursor, u max) ->
 * (a(oa{sv}) rows, u next)) on path:
 * fn is called for each row as by vpdnctl_walk_objects, with iface as the
 * rows' interface. A node without the object or method has no rows.
 * Returns 0 or an exit code (the error printed, naming `what`). */
#define VPDNCTL_PAGE 1000
int vpdnctl_walk_pages(struct vpdnctl *c, const char *what, const char *path,
		       const char *interface, const char *method, const char *iface,
		       vpdnctl_object_fn fn, void *data);

#endif
