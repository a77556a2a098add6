/* SPDX-License-Identifier: MIT */
/*
 * D-Bus helpers for modules (include/vpdnd/dbus.h): the node's well-known
 * name, object registration that works with or without a bus, the
 * privilege check used by every state-changing method, the one errno ->
 * error name mapping and the property getters by table.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/core.h>
#include <vpdnd/dbus.h>

#include "core-private.h"

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

/*
 * The registry. Every object a module adds is kept here as a list of parts
 * (a vtable at a path, or a fallback vtable under a prefix), registered on
 * the live connection; when the connection is lost and made again
 * (node-bus.c), vpdn_dbus_registry_attach() registers every part on the new
 * one, so modules never notice. The slot handed to a module is a handle:
 * a filter slot on a bus object of the core's that never connects (so it
 * outlives any connection), whose destroy callback removes the object.
 */
enum part_kind { PART_OBJECT, PART_FALLBACK, PART_ENUMERATOR };

struct part {
	enum part_kind kind;
	char *path;                  /* the object, or the fallback's prefix */
	char *iface;
	const sd_bus_vtable *vtable;
	sd_bus_object_find_t find;   /* PART_FALLBACK */
	sd_bus_node_enumerator_t enumerate; /* PART_ENUMERATOR (path: its prefix) */
	void *userdata;
	bool module1;                /* Module1: its userdata is the registration */
	sd_bus_slot *live;           /* on the connection; NULL while lost */
};

struct registration {
	struct vpdn_core *core;      /* NULL once the registry is gone */
	GPtrArray *parts;            /* struct part * */
	char *module;                /* Module1's Name, or NULL */
	sd_bus_slot *handle;
};

static void part_free(gpointer p)
{
	struct part *pt = p;

	sd_bus_slot_unref(pt->live);
	g_free(pt->path);
	g_free(pt->iface);
	g_free(pt);
}

static int part_register(struct registration *reg, struct part *pt, sd_bus *bus)
{
	void *ud = pt->module1 ? reg : pt->userdata;

	pt->live = sd_bus_slot_unref(pt->live);
	if (pt->kind == PART_ENUMERATOR)
		return sd_bus_add_node_enumerator(bus, &pt->live, pt->path, pt->enumerate, ud);
	if (pt->kind == PART_FALLBACK)
		return sd_bus_add_fallback_vtable(bus, &pt->live, pt->path, pt->iface, pt->vtable,
						  pt->find, ud);
	return sd_bus_add_object_vtable(bus, &pt->live, pt->path, pt->iface, pt->vtable, ud);
}

/* Destroy callback of the handle: the module dropped the object (or the
 * registry went away with a floating one). */
static void registration_free(void *userdata)
{
	struct registration *reg = userdata;

	if (reg->core && reg->core->dbus_regs)
		g_hash_table_remove(reg->core->dbus_regs, reg);
	g_ptr_array_free(reg->parts, TRUE);
	g_free(reg->module);
	g_free(reg);
}

static int handle_filter(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return 0; /* never called: the handles' bus never connects */
}

/* Live registration wanted? Not while the connection is lost (the parts
 * are registered when it is back). */
static bool bus_usable(struct vpdn_core *core)
{
	return core->dbus && !core->dbus_lost;
}

static int add_part(struct registration *reg, enum part_kind kind, const char *path,
		    const char *iface, const sd_bus_vtable *vtable, sd_bus_object_find_t find,
		    sd_bus_node_enumerator_t enumerate, void *userdata, bool module1)
{
	struct part *pt = g_new0(struct part, 1);
	int r = 0;

	pt->kind = kind;
	pt->path = g_strdup(path);
	pt->iface = g_strdup(iface);
	pt->vtable = vtable;
	pt->find = find;
	pt->enumerate = enumerate;
	pt->userdata = userdata;
	pt->module1 = module1;
	if (reg->core && bus_usable(reg->core))
		r = part_register(reg, pt, reg->core->dbus);
	if (r < 0) {
		part_free(pt);
		return r;
	}
	g_ptr_array_add(reg->parts, pt);
	return 0;
}

static struct registration *registration_new(struct vpdn_core *core)
{
	struct registration *reg = g_new0(struct registration, 1);

	reg->core = core;
	reg->parts = g_ptr_array_new_with_free_func(part_free);
	return reg;
}

/* Make the handle and hand it out (or keep it floating). On failure the
 * registration is freed. */
static int registration_commit(struct registration *reg, sd_bus_slot **slot)
{
	struct vpdn_core *core = reg->core;
	int r;

	if (!core->dbus_handles) {
		r = sd_bus_new(&core->dbus_handles);
		if (r < 0)
			goto fail;
	}
	if (!core->dbus_regs)
		core->dbus_regs = g_hash_table_new(g_direct_hash, g_direct_equal);
	r = sd_bus_add_filter(core->dbus_handles, &reg->handle, handle_filter, reg);
	if (r < 0)
		goto fail;
	sd_bus_slot_set_destroy_callback(reg->handle, registration_free);
	g_hash_table_add(core->dbus_regs, reg);
	if (slot) {
		*slot = reg->handle;
	} else {
		/* Lives as long as the node's D-Bus. */
		sd_bus_slot_set_floating(reg->handle, 1);
		sd_bus_slot_unref(reg->handle);
	}
	return 0;

fail:
	reg->core = NULL;
	registration_free(reg);
	return r;
}

int vpdn_dbus_add_object(struct vpdn_core *core, const char *path, const char *interface,
			 const sd_bus_vtable *vtable, void *userdata, sd_bus_slot **slot)
{
	struct registration *reg;
	int r;

	if (slot)
		*slot = NULL;
	if (!path || !interface || !vtable)
		return -EINVAL;
	if (!core || !vpdn_core_dbus(core))
		return 0;
	reg = registration_new(core);
	r = add_part(reg, PART_OBJECT, path, interface, vtable, NULL, NULL, userdata, false);
	if (r < 0) {
		reg->core = NULL;
		registration_free(reg);
		return r;
	}
	return registration_commit(reg, slot);
}

int vpdn_dbus_slot_add_fallback(sd_bus_slot *slot, const char *prefix, const char *interface,
				const sd_bus_vtable *vtable, sd_bus_object_find_t find,
				void *userdata)
{
	struct registration *reg;

	if (!slot || !prefix || !interface || !vtable || !find)
		return -EINVAL;
	sd_bus_destroy_t cb = NULL;

	if (sd_bus_slot_get_destroy_callback(slot, &cb) < 0 || cb != registration_free)
		return -EINVAL;
	reg = sd_bus_slot_get_userdata(slot);
	if (!reg || reg->handle != slot)
		return -EINVAL;
	return add_part(reg, PART_FALLBACK, prefix, interface, vtable, find, NULL, userdata, false);
}

int vpdn_dbus_slot_add_enumerator(sd_bus_slot *slot, const char *prefix,
				  sd_bus_node_enumerator_t enumerate, void *userdata)
{
	struct registration *reg;
	sd_bus_destroy_t cb = NULL;
	int r;

	if (!slot || !prefix || !enumerate)
		return -EINVAL;
	if (sd_bus_slot_get_destroy_callback(slot, &cb) < 0 || cb != registration_free)
		return -EINVAL;
	reg = sd_bus_slot_get_userdata(slot);
	if (!reg || reg->handle != slot)
		return -EINVAL;
	r = add_part(reg, PART_ENUMERATOR, prefix, NULL, NULL, NULL, enumerate, userdata, false);
	return r;
}

static int module_property_name(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply,
				void *userdata, sd_bus_error *error)
{
	struct registration *reg = userdata;

	return sd_bus_message_append(reply, "s", reg->module);
}

static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", module_property_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

/* org.vpdnd.Module1 (and the module's own interface) on
 * /org/vpdnd/module/<name>: one registration, one slot for both. */
int vpdn_dbus_add_module_object(struct vpdn_core *core, const char *module,
				const char *interface, const sd_bus_vtable *vtable,
				void *userdata, sd_bus_slot **slot)
{
	struct registration *reg;
	char *path = NULL;
	int r;

	if (slot)
		*slot = NULL;
	if (!module || !*module || (!interface) != (!vtable))
		return -EINVAL;
	if (!core || !vpdn_core_dbus(core))
		return 0;

	r = sd_bus_path_encode(VPDN_DBUS_ROOT "/module", module, &path);
	if (r < 0)
		return r;
	reg = registration_new(core);
	reg->module = g_strdup(module);
	if (vtable)
		r = add_part(reg, PART_OBJECT, path, interface, vtable, NULL, NULL, userdata, false);
	if (r >= 0)
		r = add_part(reg, PART_OBJECT, path, VPDN_DBUS_MODULE_IFACE, module_vtable, NULL,
			     NULL, NULL, true);
	free(path);
	if (r < 0) {
		reg->core = NULL;
		registration_free(reg);
		return r;
	}
	return registration_commit(reg, slot);
}

int vpdn_dbus_registry_attach(struct vpdn_core *core, sd_bus *bus)
{
	GHashTableIter it;
	gpointer k;
	int failed = 0;

	if (!core->dbus_regs)
		return 0;
	g_hash_table_iter_init(&it, core->dbus_regs);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		struct registration *reg = k;

		for (guint i = 0; i < reg->parts->len; i++) {
			struct part *pt = g_ptr_array_index(reg->parts, i);

			if (!bus) {
				pt->live = sd_bus_slot_unref(pt->live);
				continue;
			}
			if (part_register(reg, pt, bus) < 0)
				failed++;
		}
	}
	return failed ? -EIO : 0;
}

size_t vpdn_dbus_registry_count(struct vpdn_core *core)
{
	return core->dbus_regs ? g_hash_table_size(core->dbus_regs) : 0;
}

void vpdn_dbus_registry_free(struct vpdn_core *core)
{
	GHashTable *regs = core->dbus_regs;
	GHashTableIter it;
	gpointer k;

	if (!regs)
		goto handles;
	core->dbus_regs = NULL;
	g_hash_table_iter_init(&it, regs);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		struct registration *reg = k;

		/* Orphaned: its parts leave the connection now; a module that
		 * still holds the handle frees the rest when it lets go. */
		reg->core = NULL;
		for (guint i = 0; i < reg->parts->len; i++) {
			struct part *pt = g_ptr_array_index(reg->parts, i);

			pt->live = sd_bus_slot_unref(pt->live);
		}
	}
	g_hash_table_unref(regs);
handles:
	/* Frees the floating handles (and their registrations). */
	core->dbus_handles = sd_bus_unref(core->dbus_handles);
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

/* The errno -> error name table (include/vpdnd/dbus.h). */
static const struct {
	int errnum;
	const char *name;
} error_names[] = {
	{ EPERM, SD_BUS_ERROR_ACCESS_DENIED },
	{ EACCES, SD_BUS_ERROR_ACCESS_DENIED },
	{ EINVAL, SD_BUS_ERROR_INVALID_ARGS },
	{ ENOENT, SD_BUS_ERROR_INVALID_ARGS },
	{ ERANGE, SD_BUS_ERROR_INVALID_ARGS },
	{ EEXIST, SD_BUS_ERROR_FILE_EXISTS },
	{ EBUSY, SD_BUS_ERROR_LIMITS_EXCEEDED },
	{ ENOBUFS, SD_BUS_ERROR_LIMITS_EXCEEDED },
	{ EOPNOTSUPP, SD_BUS_ERROR_NOT_SUPPORTED },
	{ ENOSYS, SD_BUS_ERROR_NOT_SUPPORTED },
	{ EIO, SD_BUS_ERROR_IO_ERROR },
};

const char *vpdn_dbus_error_from_errno(int r)
{
	int e = r < 0 ? -r : r;

	for (size_t i = 0; i < G_N_ELEMENTS(error_names); i++)
		if (error_names[i].errnum == e)
			return error_names[i].name;
	return SD_BUS_ERROR_FAILED;
}

int vpdn_dbus_errorf(sd_bus_error *error, int r, const char *format, ...)
{
	const char *name = vpdn_dbus_error_from_errno(r);
	char *text;
	va_list ap;
	int ret;

	if (!format)
		return sd_bus_error_set(error, name, strerror(r < 0 ? -r : r));
	va_start(ap, format);
	text = g_strdup_vprintf(format, ap);
	va_end(ap);
	ret = sd_bus_error_set(error, name, text);
	g_free(text);
	return ret;
}

/* The getters by table: userdata is the object plus the entry's offset. */
int vpdn_dbus_property_get_u16(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	return sd_bus_message_append_basic(reply, 'q', userdata);
}

int vpdn_dbus_property_get_u32(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	return sd_bus_message_append_basic(reply, 'u', userdata);
}

int vpdn_dbus_property_get_u64(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	return sd_bus_message_append_basic(reply, 't', userdata);
}

int vpdn_dbus_property_get_u64_ptr(sd_bus *bus, const char *path, const char *interface,
				   const char *property, sd_bus_message *reply, void *userdata,
				   sd_bus_error *error)
{
	const uint64_t *v = *(uint64_t *const *)userdata;
	uint64_t zero = 0;

	return sd_bus_message_append_basic(reply, 't', v ? v : &zero);
}

int vpdn_dbus_property_get_bool(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply, void *userdata,
				sd_bus_error *error)
{
	int b = *(const bool *)userdata;

	return sd_bus_message_append_basic(reply, 'b', &b);
}

int vpdn_dbus_property_get_str(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	const char *s = *(char *const *)userdata;

	return sd_bus_message_append_basic(reply, 's', s ? s : "");
}

int vpdn_dbus_reply_capture_start(sd_bus_message *m, sd_bus_error *error, int r,
				  const char *message, const char *path)
{
	if (r >= 0)
		return sd_bus_reply_method_return(m, "s", path ? path : "");
	if (message)
		return vpdn_dbus_errorf(error, r, "%s", message);
	return vpdn_dbus_errorf(error, r, NULL);
}

int vpdn_dbus_reply_capture_stop(sd_bus_message *m, sd_bus_error *error, int r,
				 uint64_t packets)
{
	/* None running is a state, not a bad argument: -EALREADY (Failed). */
	if (r == -ENOENT)
		return vpdn_dbus_errorf(error, -EALREADY, "No capture is running");
	if (r < 0)
		return vpdn_dbus_errorf(error, -EIO, "The capture file was not written completely: %s",
					strerror(-r));
	return sd_bus_reply_method_return(m, "t", packets);
}

/* One row: (o path, a{sv} every property of the vtable, read through its
 * getter as Properties.GetAll would). */
int vpdn_dbus_append_object_row(sd_bus_message *m, const char *path, const char *iface,
				const sd_bus_vtable *vtable, void *userdata)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus *bus = sd_bus_message_get_bus(m);
	int r;

	r = sd_bus_message_open_container(m, 'r', "oa{sv}");
	if (r >= 0)
		r = sd_bus_message_append_basic(m, 'o', path);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	for (const sd_bus_vtable *v = vtable; r >= 0 && v->type != _SD_BUS_VTABLE_END; v++) {
		if (v->type != _SD_BUS_VTABLE_PROPERTY)
			continue;
		r = sd_bus_message_open_container(m, 'e', "sv");
		if (r >= 0)
			r = sd_bus_message_append_basic(m, 's', v->x.property.member);
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'v', v->x.property.signature);
		if (r >= 0)
			r = v->x.property.get(bus, path, iface, v->x.property.member, m,
					      (uint8_t *)userdata + v->x.property.offset, &error);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	sd_bus_error_free(&error);
	return r;
}
