/* SPDX-License-Identifier: MIT */
/* core/dbus-util.c: node names, and object registration for modules. */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "core-private.h"
#include "vpdn_test.h"
#include "test_bus_pair.h"

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

static int find_one(sd_bus *bus, const char *path, const char *interface, void *userdata,
		    void **found, sd_bus_error *error)
{
	if (strcmp(path, "/org/vpdnd/session/1_1") != 0)
		return 0;
	*found = userdata;
	return 1;
}

static int enum_none(sd_bus *bus, const char *prefix, void *userdata, char ***nodes,
		     sd_bus_error *error)
{
	*nodes = NULL;
	return 0;
}

/* Is (path, interface) registered on bus? sd-bus refuses the same vtable
 * twice (-EEXIST) at a path where one is (a fallback included). */
static bool registered(sd_bus *bus, const char *path, const char *iface, bool fallback)
{
	sd_bus_slot *probe = NULL;
	int r = fallback ? sd_bus_add_fallback_vtable(bus, &probe, path, iface, dummy_vtable,
						      find_one, NULL)
			 : sd_bus_add_object_vtable(bus, &probe, path, iface, dummy_vtable, NULL);

	sd_bus_slot_unref(probe);
	return r == -EEXIST;
}

/* A lost connection and a new one: every object (plain, module, the
 * fallback classes on a module's slot, floating ones) moves to the new
 * bus and leaves the old; objects added while lost appear on the new one;
 * a handle dropped after the move removes its object from the new bus. */
static void test_registry_reattach(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	sd_bus *a = NULL, *b = NULL;
	sd_bus_slot *obj = NULL, *mod = NULL, *late = NULL;
	int ud = 0;

	CU_ASSERT_FATAL(sd_bus_new(&a) >= 0);
	CU_ASSERT_FATAL(sd_bus_new(&b) >= 0);
	core->dbus = a;
	CU_ASSERT_EQUAL(vpdn_dbus_add_object(core, "/org/vpdnd/isdn/E1_0", "org.vpdnd.X1",
					     dummy_vtable, &ud, &obj), 0);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "l2tp", "org.vpdnd.L2tp1", dummy_vtable,
						    &ud, &mod), 0);
	CU_ASSERT_EQUAL(vpdn_dbus_slot_add_fallback(mod, "/org/vpdnd/session", "org.vpdnd.Session1",
						    dummy_vtable, find_one, &ud), 0);
	/* an enumerator (ports, lines) rides on the module's registration */
	CU_ASSERT_EQUAL(vpdn_dbus_slot_add_enumerator(mod, "/org/vpdnd/session", enum_none, &ud), 0);
	CU_ASSERT_EQUAL(vpdn_dbus_slot_add_enumerator(mod, "/org/vpdnd/session", NULL, &ud), -EINVAL);
	CU_ASSERT_EQUAL(vpdn_dbus_slot_add_enumerator(NULL, "/x", enum_none, NULL), -EINVAL);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "forever", NULL, NULL, NULL, NULL), 0);
	/* not a handle of ours */
	CU_ASSERT_EQUAL(vpdn_dbus_slot_add_fallback(NULL, "/x", "a.B", dummy_vtable, find_one,
						    NULL), -EINVAL);
	CU_ASSERT_EQUAL(vpdn_dbus_registry_count(core), 3);
	CU_ASSERT_TRUE(registered(a, "/org/vpdnd/isdn/E1_0", "org.vpdnd.X1", false));
	CU_ASSERT_TRUE(registered(a, "/org/vpdnd/session", "org.vpdnd.Session1", true));

	/* lost: the parts leave the old connection; a new object waits */
	core->dbus_lost = true;
	CU_ASSERT_EQUAL(vpdn_dbus_registry_attach(core, NULL), 0);
	CU_ASSERT_FALSE(registered(a, "/org/vpdnd/isdn/E1_0", "org.vpdnd.X1", false));
	CU_ASSERT_EQUAL(vpdn_dbus_add_object(core, "/org/vpdnd/isdn/BRI_0", "org.vpdnd.X1",
					     dummy_vtable, &ud, &late), 0);
	CU_ASSERT_PTR_NOT_NULL(late);
	CU_ASSERT_FALSE(registered(a, "/org/vpdnd/isdn/BRI_0", "org.vpdnd.X1", false));

	/* the new connection: everything is there */
	CU_ASSERT_EQUAL(vpdn_dbus_registry_attach(core, b), 0);
	core->dbus = b;
	core->dbus_lost = false;
	CU_ASSERT_TRUE(registered(b, "/org/vpdnd/isdn/E1_0", "org.vpdnd.X1", false));
	CU_ASSERT_TRUE(registered(b, "/org/vpdnd/isdn/BRI_0", "org.vpdnd.X1", false));
	CU_ASSERT_TRUE(registered(b, "/org/vpdnd/module/l2tp", "org.vpdnd.L2tp1", false));
	CU_ASSERT_TRUE(registered(b, "/org/vpdnd/session", "org.vpdnd.Session1", true));
	/* Module1 (dbus-util's own vtable): a second module object of the
	 * name is refused on the new bus */
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "l2tp", NULL, NULL, NULL, NULL), -EEXIST);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "forever", NULL, NULL, NULL, NULL),
			-EEXIST);
	CU_ASSERT_FALSE(registered(a, "/org/vpdnd/module/l2tp", "org.vpdnd.L2tp1", false));

	/* handles still work: one unref removes the module object and its class */
	sd_bus_slot_unref(mod);
	CU_ASSERT_FALSE(registered(b, "/org/vpdnd/module/l2tp", "org.vpdnd.L2tp1", false));
	CU_ASSERT_FALSE(registered(b, "/org/vpdnd/session", "org.vpdnd.Session1", true));
	CU_ASSERT_EQUAL(vpdn_dbus_registry_count(core), 3);
	sd_bus_slot_unref(obj);
	CU_ASSERT_FALSE(registered(b, "/org/vpdnd/isdn/E1_0", "org.vpdnd.X1", false));

	/* the registry goes (node close): objects leave; a handle still
	 * held is freed by its unref */
	vpdn_dbus_registry_free(core);
	CU_ASSERT_EQUAL(vpdn_dbus_add_module_object(core, "forever", NULL, NULL, NULL, NULL), 0);
	vpdn_dbus_registry_free(core);
	CU_ASSERT_FALSE(registered(b, "/org/vpdnd/isdn/BRI_0", "org.vpdnd.X1", false));
	sd_bus_slot_unref(late);

	core->dbus = NULL;
	sd_bus_unref(a);
	sd_bus_unref(b);
	vpdn_core_free_test(core);
}

/* The one errno -> error name mapping, and the message it sets. */
static void test_error_from_errno(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;

	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EPERM), SD_BUS_ERROR_ACCESS_DENIED);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EACCES), SD_BUS_ERROR_ACCESS_DENIED);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EINVAL), SD_BUS_ERROR_INVALID_ARGS);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-ENOENT), SD_BUS_ERROR_INVALID_ARGS);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EEXIST), SD_BUS_ERROR_FILE_EXISTS);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EBUSY), SD_BUS_ERROR_LIMITS_EXCEEDED);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EOPNOTSUPP), SD_BUS_ERROR_NOT_SUPPORTED);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EIO), SD_BUS_ERROR_IO_ERROR);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(-EAGAIN), SD_BUS_ERROR_FAILED);
	CU_ASSERT_STRING_EQUAL(vpdn_dbus_error_from_errno(EINVAL), SD_BUS_ERROR_INVALID_ARGS);

	CU_ASSERT_TRUE(vpdn_dbus_errorf(&e, -ENOENT, "No tunnel %u", 7u) < 0);
	CU_ASSERT_TRUE(sd_bus_error_has_name(&e, SD_BUS_ERROR_INVALID_ARGS));
	CU_ASSERT_STRING_EQUAL(e.message, "No tunnel 7");
	sd_bus_error_free(&e);
	CU_ASSERT_TRUE(vpdn_dbus_errorf(&e, -EAGAIN, NULL) < 0);
	CU_ASSERT_TRUE(sd_bus_error_has_name(&e, SD_BUS_ERROR_FAILED));
	CU_ASSERT_STRING_EQUAL(e.message, strerror(EAGAIN));
	sd_bus_error_free(&e);
}

struct props {
	uint16_t q;
	uint32_t u;
	uint64_t t;
	uint64_t *counter;
	bool b;
	char *s;
};

static const sd_bus_vtable props_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Q", "q", vpdn_dbus_property_get_u16, offsetof(struct props, q), 0),
	SD_BUS_PROPERTY("U", "u", vpdn_dbus_property_get_u32, offsetof(struct props, u), 0),
	SD_BUS_PROPERTY("T", "t", vpdn_dbus_property_get_u64, offsetof(struct props, t), 0),
	SD_BUS_PROPERTY("C", "t", vpdn_dbus_property_get_u64_ptr, offsetof(struct props, counter),
			0),
	SD_BUS_PROPERTY("B", "b", vpdn_dbus_property_get_bool, offsetof(struct props, b), 0),
	SD_BUS_PROPERTY("S", "s", vpdn_dbus_property_get_str, offsetof(struct props, s), 0),
	SD_BUS_VTABLE_END
};

/* The getters by table read each member at its offset (through
 * vpdn_dbus_append_object_row(), as GetAll does); NULL strings and
 * counters read "" and 0. */
static void test_property_getters(void)
{
	uint64_t counter = 99;
	struct props p = { 0xfffe, 70000, (uint64_t)1 << 40, &counter, true, (char *)"Vi2" };
	sd_bus *bus = NULL;
	sd_bus_message *m = NULL;
	const char *path, *name, *str;
	int peer = -1;
	uint16_t q;
	uint32_t u;
	uint64_t t, c;
	int b;

	test_bus_pair_up(&bus, &peer);
	for (int round = 0; round < 2; round++) {
		CU_ASSERT_FATAL(sd_bus_message_new_signal(bus, &m, "/x", "a.B", "C") >= 0);
		CU_ASSERT_FATAL(vpdn_dbus_append_object_row(m, "/org/vpdnd/x", "a.B", props_vtable,
							    &p) >= 0);
		CU_ASSERT_FATAL(sd_bus_message_seal(m, 1, 0) >= 0);
		CU_ASSERT_FATAL(sd_bus_message_rewind(m, true) >= 0);
		CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'r', "oa{sv}") > 0);
		CU_ASSERT_FATAL(sd_bus_message_read(m, "o", &path) > 0);
		CU_ASSERT_STRING_EQUAL(path, "/org/vpdnd/x");
		CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'a', "{sv}") > 0);
		CU_ASSERT_FATAL(sd_bus_message_read(m, "{sv}", &name, "q", &q) > 0);
		CU_ASSERT_STRING_EQUAL(name, "Q");
		CU_ASSERT_FATAL(sd_bus_message_read(m, "{sv}", &name, "u", &u) > 0);
		CU_ASSERT_FATAL(sd_bus_message_read(m, "{sv}", &name, "t", &t) > 0);
		CU_ASSERT_FATAL(sd_bus_message_read(m, "{sv}", &name, "t", &c) > 0);
		CU_ASSERT_STRING_EQUAL(name, "C");
		CU_ASSERT_FATAL(sd_bus_message_read(m, "{sv}", &name, "b", &b) > 0);
		CU_ASSERT_FATAL(sd_bus_message_read(m, "{sv}", &name, "s", &str) > 0);
		CU_ASSERT_STRING_EQUAL(name, "S");
		if (round == 0) {
			CU_ASSERT_EQUAL(q, 0xfffe);
			CU_ASSERT_EQUAL(u, 70000);
			CU_ASSERT_EQUAL(t, (uint64_t)1 << 40);
			CU_ASSERT_EQUAL(c, 99);
			CU_ASSERT_TRUE(b);
			CU_ASSERT_STRING_EQUAL(str, "Vi2");
		} else {
			CU_ASSERT_EQUAL(c, 0);
			CU_ASSERT_FALSE(b);
			CU_ASSERT_STRING_EQUAL(str, "");
		}
		m = sd_bus_message_unref(m);
		p.counter = NULL;
		p.s = NULL;
		p.b = false;
	}
	sd_bus_flush_close_unref(bus);
	close(peer);
}

static const struct vpdn_test_case tests[] = {
	{ "node names", test_node_name },
	{ "without a bus", test_no_bus },
	{ "module objects and their slot", test_module_object_slot },
	{ "a new connection gets every object again", test_registry_reattach },
	{ "one errno -> error name mapping", test_error_from_errno },
	{ "property getters by table", test_property_getters },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "dbus-util", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
