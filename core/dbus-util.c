/* SPDX-License-Identifier: MIT */
/*
 * D-Bus helpers for modules (include/vpdnd/dbus.h): the node's well-known
 * name, object registration that works with or without a bus, and the
 * privilege check used by every state-changing method.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/core.h>
#include <vpdnd/dbus.h>

char *vpdn_dbus_node_name(const char *hostname, char *buf, size_t size)
{
	size_t prefix = strlen(VPDN_DBUS_NAME_PREFIX);
	size_t o = prefix;

	if (!buf || size == 0)
		return buf;
	if (size <= prefix + 1) {
		buf[0] = '\0';
		return buf;
	}
	memcpy(buf, VPDN_DBUS_NAME_PREFIX, prefix);
	if (!hostname)
		hostname = "";

	/* An element may not start with a digit, nor be empty. */
	if ((hostname[0] >= '0' && hostname[0] <= '9') || hostname[0] == '\0')
		buf[o++] = '_';
	for (const char *p = hostname; *p && o + 1 < size; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-';
		buf[o++] = ok ? c : '_';
	}
	buf[o] = '\0';
	return buf;
}

int vpdn_dbus_add_object(struct vpdn_core *core, const char *path, const char *interface,
			 const sd_bus_vtable *vtable, void *userdata, sd_bus_slot **slot)
{
	sd_bus *bus = core ? vpdn_core_dbus(core) : NULL;

	if (slot)
		*slot = NULL;
	if (!path || !interface || !vtable)
		return -EINVAL;
	if (!bus)
		return 0;
	return sd_bus_add_object_vtable(bus, slot, path, interface, vtable, userdata);
}

/*
 * org.vpdnd.Module1 on /org/vpdnd/module/<name>. Its slot is the one handed
 * to the module; it owns the module's own vtable slot, so unref'ing the
 * returned slot removes both interfaces.
 */
struct module_object {
	char *name;
	sd_bus_slot *own;   /* the module's interface; NULL when floating */
};

static int module_property_name(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply,
				void *userdata, sd_bus_error *error)
{
	struct module_object *mo = userdata;

	return sd_bus_message_append(reply, "s", mo->name);
}

static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", module_property_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

/* Destroy callback of the Module1 slot (runs when it is freed). */
static void module_object_free(void *userdata)
{
	struct module_object *mo = userdata;

	sd_bus_slot_unref(mo->own);
	g_free(mo->name);
	g_free(mo);
}

int vpdn_dbus_add_module_object(struct vpdn_core *core, const char *module,
				const char *interface, const sd_bus_vtable *vtable,
				void *userdata, sd_bus_slot **slot)
{
	sd_bus *bus = core ? vpdn_core_dbus(core) : NULL;
	struct module_object *mo = NULL;
	sd_bus_slot *base = NULL, *own = NULL;
	char *path = NULL;
	int r;

	if (slot)
		*slot = NULL;
	if (!module || !*module || (!interface) != (!vtable))
		return -EINVAL;
	if (!bus)
		return 0;

	r = sd_bus_path_encode(VPDN_DBUS_ROOT "/module", module, &path);
	if (r < 0)
		goto fail;

	if (vtable) {
		r = sd_bus_add_object_vtable(bus, &own, path, interface, vtable, userdata);
		if (r < 0)
			goto fail;
	}

	mo = g_new0(struct module_object, 1);
	mo->name = g_strdup(module);
	r = sd_bus_add_object_vtable(bus, &base, path, VPDN_DBUS_MODULE_IFACE,
				     module_vtable, mo);
	if (r < 0)
		goto fail;
	sd_bus_slot_set_destroy_callback(base, module_object_free);

	if (slot) {
		mo->own = own;
		*slot = base;
	} else {
		/* Both live as long as the connection. */
		if (own)
			sd_bus_slot_set_floating(own, 1);
		sd_bus_slot_set_floating(base, 1);
		sd_bus_slot_unref(own);
		sd_bus_slot_unref(base);
	}
	free(path);
	return 0;

fail:
	sd_bus_slot_unref(own);
	if (mo) {
		g_free(mo->name);
		g_free(mo);
	}
	free(path);
	return r;
}

int vpdn_dbus_check_privileged(sd_bus_message *m, sd_bus_error *error)
{
	sd_bus_creds *creds = NULL;
	uid_t uid;
	int r;

	r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_UID |
					 SD_BUS_CREDS_AUGMENT, &creds);
	if (r < 0) {
		sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
				  "Cannot determine the caller's identity: %s", strerror(-r));
		return -EPERM;
	}
	r = sd_bus_creds_get_euid(creds, &uid);
	if (r < 0)
		r = sd_bus_creds_get_uid(creds, &uid);
	sd_bus_creds_unref(creds);
	if (r < 0) {
		sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
				  "Cannot determine the caller's user: %s", strerror(-r));
		return -EPERM;
	}
	if (uid == 0 || uid == geteuid())
		return 0;
	sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
			  "Permission denied: uid %u may not change this node", (unsigned)uid);
	return -EPERM;
}

int vpdn_dbus_reply_capture_start(sd_bus_message *m, sd_bus_error *error, int r,
				  const char *message, const char *path)
{
	const char *name;

	if (r >= 0)
		return sd_bus_reply_method_return(m, "s", path ? path : "");
	switch (r) {
	case -EBUSY:
		name = SD_BUS_ERROR_LIMITS_EXCEEDED;
		break;
	case -EACCES:
	case -EPERM:
		name = SD_BUS_ERROR_ACCESS_DENIED;
		break;
	case -EEXIST:
		name = SD_BUS_ERROR_FILE_EXISTS;
		break;
	case -EINVAL:
	case -ENOENT:
		name = SD_BUS_ERROR_INVALID_ARGS;
		break;
	default:
		name = SD_BUS_ERROR_FAILED;
		break;
	}
	return sd_bus_error_setf(error, name, "%s", message ? message : strerror(-r));
}

int vpdn_dbus_reply_capture_stop(sd_bus_message *m, sd_bus_error *error, int r,
				 uint64_t packets)
{
	if (r == -ENOENT)
		return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "No capture is running");
	if (r < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_IO_ERROR,
					 "The capture file was not written completely: %s",
					 strerror(-r));
	return sd_bus_reply_method_return(m, "t", packets);
}
