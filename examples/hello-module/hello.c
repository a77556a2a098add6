/* SPDX-License-Identifier: MIT */
/*
 * hello: a third-party vpdnd module, built out of tree against the SDK.
 *
 * Config:   hello-greeting = "Hello from LAC"
 * D-Bus:    /org/vpdnd/module/hello, interface org.vpdnd.Hello1
 *           Greeting s (the configured greeting), EventsSeen u (how many
 *           events this module has seen), Ping() publishes the module's own
 *           event type "hello-ping" on the node's event bus.
 * Events:   counts VPDN_EV_CONFIG_RELOADED (and re-reads the greeting) and
 *           its own "hello-ping", registered by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

struct hello {
	struct vpdn_core *core;
	char *greeting;
	uint32_t events_seen;
	int ping_type;
	struct vpdn_subscription *on_reload, *on_ping;
	sd_bus_slot *slot;
};

static cfg_opt_t hello_options[] = {
	CFG_STR("hello-greeting", "Hello, world", CFGF_NONE),
	CFG_END()
};

static void hello_set_greeting(struct hello *h, cfg_t *cfg)
{
	free(h->greeting);
	h->greeting = strdup(cfg_getstr(cfg, "hello-greeting"));
}

static void hello_changed(struct hello *h, const char *property)
{
	sd_bus *bus = vpdn_core_dbus(h->core);

	if (bus)
		sd_bus_emit_properties_changed(bus, VPDN_DBUS_ROOT "/module/hello",
					       "org.vpdnd.Hello1", property, NULL);
}

static enum vpdn_bus_verdict hello_on_reload(const struct vpdn_event *ev, void *data)
{
	struct hello *h = data;
	const struct vpdn_ev_reload *r = ev->payload;

	/* The payload is borrowed: copy what we keep (hello_set_greeting does). */
	if (r && r->cfg)
		hello_set_greeting(h, r->cfg);
	h->events_seen++;
	vpdn_info(vpdn_core_log(h->core), "hello: config reloaded, greeting \"%s\"",
		  h->greeting);
	hello_changed(h, "EventsSeen");
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict hello_on_ping(const struct vpdn_event *ev, void *data)
{
	struct hello *h = data;

	h->events_seen++;
	vpdn_info(vpdn_core_log(h->core), "hello: %s", h->greeting);
	hello_changed(h, "EventsSeen");
	return VPDN_BUS_PASS;
}

static int hello_method_ping(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct hello *h = userdata;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = vpdn_bus_publish(vpdn_core_bus(h->core), (uint32_t)h->ping_type, NULL);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "u", h->events_seen);
}

static const sd_bus_vtable hello_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Greeting", "s", NULL, offsetof(struct hello, greeting),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("EventsSeen", "u", NULL, offsetof(struct hello, events_seen),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_METHOD_WITH_NAMES("Ping", "", , "u", SD_BUS_PARAM(events_seen),
				 hello_method_ping, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

static void hello_fini(void *state)
{
	struct hello *h = state;

	if (!h)
		return;
	sd_bus_slot_unref(h->slot);
	if (h->on_reload)
		vpdn_bus_unsubscribe(vpdn_core_bus(h->core), h->on_reload);
	if (h->on_ping)
		vpdn_bus_unsubscribe(vpdn_core_bus(h->core), h->on_ping);
	free(h->greeting);
	free(h);
}

static int hello_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct vpdn_bus *bus = vpdn_core_bus(core);
	struct hello *h;
	int r;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->core = core;
	hello_set_greeting(h, cfg);

	h->ping_type = vpdn_bus_register_type(bus, "hello-ping");
	if (h->ping_type < 0) {
		r = h->ping_type;
		goto fail;
	}
	h->on_reload = vpdn_bus_subscribe(bus, VPDN_EV_CONFIG_RELOADED, hello_on_reload, h);
	h->on_ping = vpdn_bus_subscribe(bus, (uint32_t)h->ping_type, hello_on_ping, h);
	if (!h->on_reload || !h->on_ping) {
		r = -ENOMEM;
		goto fail;
	}

	r = vpdn_dbus_add_module_object(core, "hello", "org.vpdnd.Hello1", hello_vtable, h,
					&h->slot);
	if (r < 0) {
		vpdn_err(vpdn_core_log(core), "hello: Failed to add the D-Bus object: %s",
			 strerror(-r));
		goto fail;
	}
	vpdn_info(vpdn_core_log(core), "hello: %s", h->greeting);
	*state = h;
	return 0;

fail:
	hello_fini(h);
	return r;
}

/* ABI 2: `size` lets the descriptor grow. hello answers no built-in
 * request and asks none, so it leaves `claims`, `needs` and `uses` NULL; a
 * module that did would list them (ending with VPDN_EV_NONE), e.g.
 *   static const uint32_t claims[] = { VPDN_EV_AUTH_REQUEST, VPDN_EV_NONE };
 * and `vpdnd --check` reports what no loaded module answers. */
VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "hello",
	.version = "1.0",
	.description = "Example out-of-tree module: a greeting over D-Bus",
	.options = hello_options,
	.init = hello_init,
	.fini = hello_fini,
};
