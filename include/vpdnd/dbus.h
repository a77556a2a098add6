/* SPDX-License-Identifier: MIT */
/*
 * D-Bus for modules. The core connects with sd-bus (driven from the GLib
 * main loop) and owns the well-known name org.vpdnd.Node.<hostname>;
 * modules add their objects under VPDN_DBUS_ROOT with their own vtables,
 * using sd-bus directly on vpdn_core_dbus(core).
 *
 * Object paths: /org/vpdnd/node (org.vpdnd.Node1), /org/vpdnd/module/<name>,
 * /org/vpdnd/tunnel/<id>, /org/vpdnd/session/<tid>_<sid>, ...
 * Errors: a handler sets a standard org.freedesktop.DBus.Error.* with a
 * readable message through vpdn_dbus_errorf() (the one errno -> name
 * mapping, below).
 *
 * Objects are added through the core (vpdn_dbus_add_object() and friends),
 * which keeps them: when the node loses its bus connection and makes a new
 * one, it registers them all again. The sd_bus_slot handed back is a
 * handle: unref it to remove the object. It does not belong to the
 * connection, so emit signals on vpdn_core_dbus(core) (the current
 * connection), never on sd_bus_slot_get_bus(slot).
 */
#ifndef VPDND_DBUS_H
#define VPDND_DBUS_H

#include <stdint.h>
#include <systemd/sd-bus.h>

#include <vpdnd/core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VPDN_DBUS_ROOT "/org/vpdnd"
#define VPDN_DBUS_NAME_PREFIX "org.vpdnd.Node."
#define VPDN_DBUS_NODE_PATH "/org/vpdnd/node"
#define VPDN_DBUS_NODE_IFACE "org.vpdnd.Node1"
#define VPDN_DBUS_MODULE_IFACE "org.vpdnd.Module1"

/* Well-known name for a hostname: dots and other characters not allowed
 * in a bus name element become '_'; a leading digit gets a '_' prefix.
 * Writes into buf, returns buf. */
char *vpdn_dbus_node_name(const char *hostname, char *buf, size_t size);

/* Add an object for a module: a vtable at path under interface. Returns
 * 0 or negative errno; *slot (if given) removes it when unref'd. Works
 * (and does nothing) when the node has no bus. */
int vpdn_dbus_add_object(struct vpdn_core *core, const char *path, const char *interface,
			 const sd_bus_vtable *vtable, void *userdata, sd_bus_slot **slot);

/* A class of objects found by path: a fallback vtable under prefix
 * (sd_bus_add_fallback_vtable(); find maps a path to its object, or returns
 * 0 for none), added to the registration behind slot (a handle from
 * vpdn_dbus_add_object() or vpdn_dbus_add_module_object()) and removed
 * with it. Such objects cost nothing until asked for, and are not
 * enumerated (not in GetManagedObjects nor in introspection's children):
 * a module with many offers a paged list method instead. */
int vpdn_dbus_slot_add_fallback(sd_bus_slot *slot, const char *prefix, const char *interface,
				const sd_bus_vtable *vtable, sd_bus_object_find_t find,
				void *userdata);

/* The children of prefix for GetManagedObjects and introspection (a
 * class of objects small enough to list, such as ISDN ports and serial
 * lines): sd_bus_add_node_enumerator() on the registration behind slot,
 * removed with it. Several modules may enumerate one prefix. */
int vpdn_dbus_slot_add_enumerator(sd_bus_slot *slot, const char *prefix,
				  sd_bus_node_enumerator_t enumerate, void *userdata);

/* Paged lists of such objects (L2tp1.ListTunnels/ListSessions,
 * Ip1.ListInterfaces): (u cursor, u max) -> (a(oa{sv}) rows, u next), at
 * most max rows (0: VPDN_DBUS_PAGE_DEFAULT; capped at VPDN_DBUS_PAGE_MAX)
 * and about VPDN_DBUS_PAGE_BYTES a page, so no reply grows with the
 * number of objects. */
#define VPDN_DBUS_PAGE_DEFAULT 500
#define VPDN_DBUS_PAGE_MAX 1000
#define VPDN_DBUS_PAGE_BYTES (1024 * 1024)

static inline uint32_t vpdn_dbus_page_max(uint32_t max)
{
	return max == 0 ? VPDN_DBUS_PAGE_DEFAULT
			: max < VPDN_DBUS_PAGE_MAX ? max : VPDN_DBUS_PAGE_MAX;
}

/* Append one row (o path, a{sv} every property of vtable, read through
 * its getters with userdata as Properties.GetAll would) to m. */
int vpdn_dbus_append_object_row(sd_bus_message *m, const char *path, const char *iface,
				const sd_bus_vtable *vtable, void *userdata);

/* Properties of the module's own object /org/vpdnd/module/<name>
 * (interface org.vpdnd.Module1 plus `interface`). */
int vpdn_dbus_add_module_object(struct vpdn_core *core, const char *module,
				const char *interface, const sd_bus_vtable *vtable,
				void *userdata, sd_bus_slot **slot);

/* Is the caller of the current method allowed to change state (uid 0 or
 * the node's own uid)? Returns 0, or sets error and returns -EPERM. */
int vpdn_dbus_check_privileged(sd_bus_message *m, sd_bus_error *error);

/* The one errno -> D-Bus error mapping every method handler uses (r a
 * negative errno): -EPERM/-EACCES AccessDenied; -EINVAL/-ENOENT/-ERANGE
 * InvalidArgs (a bad argument, no such object); -EEXIST FileExists;
 * -EBUSY/-ENOBUFS LimitsExceeded (one at a time, a bound reached);
 * -EOPNOTSUPP/-ENOSYS NotSupported; -EIO IOError; anything else Failed. */
const char *vpdn_dbus_error_from_errno(int r);
/* Set error to vpdn_dbus_error_from_errno(r) with a printf message (NULL
 * format: strerror). Returns a negative errno, for `return
 * vpdn_dbus_errorf(error, -ENOENT, "No tunnel %u", id);` in a handler. */
int vpdn_dbus_errorf(sd_bus_error *error, int r, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Property getters by table: each reads the member at the vtable entry's
 * offset in the object, as in SD_BUS_PROPERTY("LocalId", "q",
 * vpdn_dbus_property_get_u16, offsetof(struct x, id), flags). _u16 "q"
 * (uint16_t), _u32 "u" (uint32_t or unsigned), _u64 "t" (uint64_t),
 * _u64_ptr "t" (a uint64_t *, e.g. a core counter; NULL reads 0), _bool
 * "b" (bool), _str "s" (char *; NULL reads ""). */
int vpdn_dbus_property_get_u16(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error);
int vpdn_dbus_property_get_u32(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error);
int vpdn_dbus_property_get_u64(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error);
int vpdn_dbus_property_get_u64_ptr(sd_bus *bus, const char *path, const char *interface,
				   const char *property, sd_bus_message *reply, void *userdata,
				   sd_bus_error *error);
int vpdn_dbus_property_get_bool(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply, void *userdata,
				sd_bus_error *error);
int vpdn_dbus_property_get_str(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error);

/* The reply of a StartCapture() method: on r == 0 "s" path (the file's
 * resolved full name); otherwise the error named by r (see
 * vpdn_capture_create() in vpdnd/capture.h): -EBUSY LimitsExceeded (one
 * runs), -EACCES/-EPERM AccessDenied (outside the capture directory),
 * -EEXIST FileExists, -EINVAL/-ENOENT InvalidArgs, else Failed; message
 * is the text (NULL: strerror). */
int vpdn_dbus_reply_capture_start(sd_bus_message *m, sd_bus_error *error, int r,
				  const char *message, const char *path);

/* The reply of a StopCapture() method, from what the module's capture
 * stop returned: "t" packets on 0; -ENOENT: no capture was running; any
 * other error: the file was not written completely. */
int vpdn_dbus_reply_capture_stop(sd_bus_message *m, sd_bus_error *error, int r,
				 uint64_t packets);

#ifdef __cplusplus
}
#endif
#endif
