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

#include <vpdnd/dbus.h>

#include "dialer-private.h"

#define DIALER_IFACE "org.vpdnd.Dialer1"

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
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No dialer \"%s\"", name);
	case -EBUSY:
		return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Dialer %s is not idle", name);
	case -EAGAIN:
		return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED,
					 "Dialer %s waits for its enable timeout", name);
	case -EINVAL:
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Dialer %s has no dialer-string", name);
	default:
		return r;
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

int dialer_bus_register(struct dialer_module *m)
{
	return vpdn_dbus_add_module_object(m->core, "dialer", DIALER_IFACE, dialer_vtable, m,
					   &m->slot);
}

/* A dialer changed state (or a call came or went): PropertiesChanged
 * (invalidated) for Dialers and IncomingCalls. */
void dialer_bus_changed(struct dialer_module *m)
{
	if (!m->slot)
		return;
	sd_bus_emit_properties_changed(vpdn_core_dbus(m->core),
				       VPDN_DBUS_ROOT "/module/dialer", DIALER_IFACE, "Dialers",
				       "IncomingCalls", NULL);
}
