/* SPDX-License-Identifier: MIT */
/*
 * D-Bus: /org/vpdnd/module/dialer, interface org.vpdnd.Dialer1.
 *   Dial(s profile)       privileged; starts dialing, returns at once
 *   Dialers  a(ssssssuuuu) name, kind (isdn/vpdn/rotary), state, number,
 *                          remote name, interface, call id, idle seconds
 *                          left, failures, calls placed
 *   IncomingCalls u        answered incoming calls not yet cleared
 */
#include <errno.h>

#include <glib.h>

#include <vpdnd/dbus.h>

#include "dialer-private.h"

#define DIALER_IFACE "org.vpdnd.Dialer1"

struct dialer_bus {
	sd_bus_slot *slot;       /* the module object's registration */
};

static int method_dial(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct dialer_module *m = userdata;
	const char *name;
	int r;

	r = vpdn_dbus_check_privileged(msg, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(msg, "s", &name);
	if (r < 0)
		return r;
	r = dialer_module_dial(m, name, "manual dial");
	switch (r) {
	case 0:
		return sd_bus_reply_method_return(msg, NULL);
	case -ENOENT:
		return vpdn_dbus_errorf(error, r, "No dialer \"%s\"", name);
	case -EBUSY:
		/* A state that passes (try again), not a limit: -EAGAIN. */
		return vpdn_dbus_errorf(error, -EAGAIN, "Dialer %s is not idle", name);
	case -EAGAIN:
		return vpdn_dbus_errorf(error, r, "Dialer %s waits for its enable timeout", name);
	case -EINVAL:
		return vpdn_dbus_errorf(error, r, "Dialer %s has no dialer-string", name);
	default:
		return vpdn_dbus_errorf(error, r, NULL);
	}
}

static int prop_dialers(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	struct dialer_module *m = userdata;
	struct dialer_info in;
	int r;

	r = sd_bus_message_open_container(reply, 'a', "(ssssssuuuu)");
	if (r < 0)
		return r;
	for (unsigned i = 0; i < dialer_module_count(m); i++) {
		if (dialer_module_info(m, i, &in) < 0)
			continue;
		r = sd_bus_message_append(reply, "(ssssssuuuu)", in.name, in.kind,
					  dialer_state_name(in.state), in.number, in.remote_name,
					  in.interface, in.call_id, in.idle_left, in.failures, in.calls);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int prop_incoming(sd_bus *bus, const char *path, const char *interface,
			 const char *property, sd_bus_message *reply, void *userdata,
			 sd_bus_error *error)
{
	return sd_bus_message_append(reply, "u", dialer_module_incoming_count(userdata));
}

static const sd_bus_vtable dialer_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Dial", "s", "", method_dial, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("Dialers", "a(ssssssuuuu)", prop_dialers, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_PROPERTY("IncomingCalls", "u", prop_incoming, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_VTABLE_END
};

/* The view's side of the hook: a dialer changed state (or a call came or
 * went): PropertiesChanged (invalidated) for Dialers and IncomingCalls. */
static void bus_changed(struct dialer_module *m)
{
	sd_bus_emit_properties_changed(vpdn_core_dbus(m->core),
				       VPDN_DBUS_ROOT "/module/dialer", DIALER_IFACE, "Dialers",
				       "IncomingCalls", NULL);
}

int dialer_bus_register(struct dialer_module *m)
{
	struct dialer_bus *v = g_new0(struct dialer_bus, 1);
	int r;

	r = vpdn_dbus_add_module_object(m->core, "dialer", DIALER_IFACE, dialer_vtable, m,
					&v->slot);
	if (r < 0 || !v->slot) {
		g_free(v);
		return r; /* no bus: no view, and no hook */
	}
	m->view = v;
	m->changed = bus_changed;
	return 0;
}

void dialer_bus_unregister(struct dialer_module *m)
{
	if (!m->view)
		return;
	m->changed = NULL;
	sd_bus_slot_unref(m->view->slot);
	g_free(m->view);
	m->view = NULL;
}
