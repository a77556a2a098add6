/* SPDX-License-Identifier: MIT */
/* core/dbus-util.c: node names, and object registration for modules. */
#include <errno.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "core-private.h"
#include "vpdn_test.h"

static void test_node_name(void)
{
	char buf[64];

	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name("LAC", buf, sizeof(buf)), "org.vpdnd.Node.LAC");
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name("lns.example.net", buf, sizeof(buf)),
			       "org.vpdnd.Node.lns_example_net");
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name("my-node_1", buf, sizeof(buf)),
			       "org.vpdnd.Node.my-node_1");
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name("7up", buf, sizeof(buf)), "org.vpdnd.Node._7up");
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name("", buf, sizeof(buf)), "org.vpdnd.Node._");
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name(NULL, buf, sizeof(buf)), "org.vpdnd.Node._");
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_node_name("a b/c\xc3\xa9", buf, sizeof(buf)),
			       "org.vpdnd.Node.a_b_c__");
	/* every result is a valid bus name */
	vpdn_dbus_node_name("weird host!name.", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "org.vpdnd.Node.weird_host_name_");
	/* truncation keeps it NUL-terminated */
	vpdn_dbus_node_name("abcdefghijklmnop", buf, 20);
	CU_ASSERT_EQUAL(strlen(buf), 19);
	CU_ASSERT_STRING_EQUAL(buf, "org.vpdnd.Node.abcd");
}

static int dummy_get(sd_bus *bus, const char *path, const char *interface,
		     const char *property, sd_bus_message *reply, void *userdata,
		     sd_bus_error *error)
{
	return sd_bus_message_append(reply, "u", 1);
}

static const sd_bus_vtable dummy_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("One", "u", dummy_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

static void test_no_bus(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	sd_bus_slot *slot = (sd_bus_slot *)0x1;

	CU_ASSERT_PTR_NULL(vpdn_core_dbus(core));
	CU_ASSERT_EQUAL(vpdn_dbus_add_object(core, "/org/vpdnd/x", "org.vpdnd.X1",
					     dummy_vtable, NULL, &slot), 0);
	CU_ASSERT_PTR_NULL(slot);
	slot = (sd_bus_slot *)0x1;
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "x", "org.vpdnd.X1", dummy_vtable,
						    NULL, &slot), 0);
	CU_ASSERT_PTR_NULL(slot);
	CU_ASSERT_EQUAL(vpdn_dbus_add_object(core, NULL, "org.vpdnd.X1", dummy_vtable, NULL,
					     NULL), -EINVAL);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "", NULL, NULL, NULL, NULL), -EINVAL);
	vpdn_core_free_test(core);
}

static const sd_bus_vtable other_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Two", "u", dummy_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

/* A bus object that never connects is enough to see registrations: sd-bus
 * refuses the same vtable twice for one interface at one path (-EEXIST).
 * Module1 always uses dbus-util's own vtable, so a second module object at
 * the same path fails while the first one is registered. */
static void test_module_object_slot(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	sd_bus_slot *slot = NULL, *slot2 = NULL, *probe = NULL;
	sd_bus *bus = NULL;

	CU_ASSERT_FATAL(sd_bus_new(&bus) >= 0);
	core->dbus = bus;

	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "hello", "org.vpdnd.Hello1",
						    dummy_vtable, NULL, &slot), 0);
	CU_ASSERT_PTR_NOT_NULL(slot);
	/* the module's interface is there */
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, NULL, "/org/vpdnd/module/hello",
						 "org.vpdnd.Hello1", dummy_vtable, NULL), -EEXIST);
	/* and Module1: a second module object at that path is refused */
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "hello", "org.vpdnd.Other1",
						    other_vtable, NULL, &slot2), -EEXIST);
	CU_ASSERT_PTR_NULL(slot2);
	/* ...without leaving its own interface behind */
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, &probe, "/org/vpdnd/module/hello",
						 "org.vpdnd.Other1", other_vtable, NULL), 0);
	probe = sd_bus_slot_unref(probe);

	/* one unref removes both */
	sd_bus_slot_unref(slot);
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, &probe, "/org/vpdnd/module/hello",
						 "org.vpdnd.Hello1", dummy_vtable, NULL), 0);
	probe = sd_bus_slot_unref(probe);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "hello", "org.vpdnd.Other1",
						    other_vtable, NULL, &slot2), 0);
	slot2 = sd_bus_slot_unref(slot2);

	/* Module1 only */
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "bare", NULL, NULL, NULL, &slot), 0);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "bare", NULL, NULL, NULL, &slot2),
			-EEXIST);
	sd_bus_slot_unref(slot);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "bare", NULL, NULL, NULL, &slot2), 0);
	slot2 = sd_bus_slot_unref(slot2);

	/* names that are not path elements are escaped */
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "auth-local", "org.vpdnd.A1",
						    dummy_vtable, NULL, &slot), 0);
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, NULL, "/org/vpdnd/module/auth_2dlocal",
						 "org.vpdnd.A1", dummy_vtable, NULL), -EEXIST);
	sd_bus_slot_unref(slot);

	/* without a slot, the object lives as long as the connection */
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "forever", "org.vpdnd.F1",
						    dummy_vtable, NULL, NULL), 0);
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, NULL, "/org/vpdnd/module/forever",
						 "org.vpdnd.F1", dummy_vtable, NULL), -EEXIST);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "forever", NULL, NULL, NULL, NULL),
			-EEXIST);

	/* plain objects */
	CU_ASSERT_EQUAL(vpdn_dbus_add_object(core, "/org/vpdnd/tunnel/1", "org.vpdnd.Tunnel1",
					     dummy_vtable, NULL, &slot), 0);
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, NULL, "/org/vpdnd/tunnel/1",
						 "org.vpdnd.Tunnel1", dummy_vtable, NULL), -EEXIST);
	sd_bus_slot_unref(slot);
	CU_ASSERT_EQUAL(sd_bus_add_object_vtable(bus, &probe, "/org/vpdnd/tunnel/1",
						 "org.vpdnd.Tunnel1", dummy_vtable, NULL), 0);
	sd_bus_slot_unref(probe);

	core->dbus = NULL;
	sd_bus_unref(bus);
	vpdn_core_free_test(core);
}

static const struct vpdn_test_case tests[] = {
	{ "node names", test_node_name },
	{ "without a bus", test_no_bus },
	{ "module objects and their slot", test_module_object_slot },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "dbus-util", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
