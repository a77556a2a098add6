/* SPDX-License-Identifier: MIT */
/* The restart state (core/restart.c, docs/RESTART.md): the file's codec
 * round trip, a state of another format or vpdnd version refused, a
 * truncated or corrupt file refused, the staleness checks (pid, boot,
 * age), consumed once, and the descriptors and links handed over. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <vpdnd/vpdnd.h>

#include "core-private.h"
#include "restart-state.h"
#include "vpdn_test.h"

#define NOW (1700000000ull * G_USEC_PER_SEC)

static void make(struct vpdn_state *st)
{
	GVariantBuilder b;
	uint64_t t[2] = { NOW - 100 * G_USEC_PER_SEC, NOW };

	vpdn_state_init(st);
	st->version = g_strdup(VPDND_VERSION_STRING);
	st->hostname = g_strdup("LNS");
	st->pid = 4242;
	st->boot_id = g_strdup("b0");
	st->written_us = NOW;
	st->first_start_us = NOW - 3600ull * G_USEC_PER_SEC;
	st->restarts = 2;
	g_array_append_vals(st->times, t, 2);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(suv)"));
	g_variant_builder_add(&b, "(suv)", "l2tp", 1u, g_variant_new("(qq)", 45029, 7));
	g_variant_builder_add(&b, "(suv)", "ppp", 3u, g_variant_new_string("x"));
	st->modules = g_variant_ref_sink(g_variant_builder_end(&b));
}

static void test_round_trip(void)
{
	struct vpdn_state a, b;
	char *why = NULL;
	GBytes *bytes;
	guint16 tid = 0, sid = 0;
	const char *name;
	guint32 ver;
	GVariant *data;

	make(&a);
	bytes = vpdn_state_encode(&a);
	CU_ASSERT_EQUAL_FATAL(vpdn_state_decode(bytes, &b, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_STRING_EQUAL(b.version, VPDND_VERSION_STRING);
	CU_ASSERT_STRING_EQUAL(b.hostname, "LNS");
	CU_ASSERT_EQUAL(b.pid, 4242);
	CU_ASSERT_STRING_EQUAL(b.boot_id, "b0");
	CU_ASSERT_EQUAL(b.written_us, NOW);
	CU_ASSERT_EQUAL(b.first_start_us, NOW - 3600ull * G_USEC_PER_SEC);
	CU_ASSERT_EQUAL(b.restarts, 2);
	CU_ASSERT_EQUAL_FATAL(b.times->len, 2);
	CU_ASSERT_EQUAL(g_array_index(b.times, uint64_t, 1), NOW);
	CU_ASSERT_EQUAL_FATAL(g_variant_n_children(b.modules), 2);
	g_variant_get_child(b.modules, 0, "(&suv)", &name, &ver, &data);
	CU_ASSERT_STRING_EQUAL(name, "l2tp");
	CU_ASSERT_EQUAL(ver, 1);
	CU_ASSERT_TRUE(g_variant_is_of_type(data, G_VARIANT_TYPE("(qq)")));
	g_variant_get(data, "(qq)", &tid, &sid);
	CU_ASSERT_EQUAL(tid, 45029);
	CU_ASSERT_EQUAL(sid, 7);
	g_variant_unref(data);
	CU_ASSERT_EQUAL(vpdn_state_check(&b, VPDND_VERSION_STRING, "LNS", 4242, "b0", NOW + 1, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	vpdn_state_clear(&b);
	vpdn_state_clear(&a);
	g_bytes_unref(bytes);
}

/* Another vpdnd version: decodes, but the check refuses it with a line
 * naming both versions. Another state format: refused at decode. */
static void test_foreign(void)
{
	struct vpdn_state a, b;
	char *why = NULL;
	GBytes *bytes;

	make(&a);
	g_free(a.version);
	a.version = g_strdup("9.9.9");
	bytes = vpdn_state_encode(&a);
	CU_ASSERT_EQUAL_FATAL(vpdn_state_decode(bytes, &b, &why), 0);
	CU_ASSERT_EQUAL(vpdn_state_check(&b, VPDND_VERSION_STRING, "LNS", 4242, "b0", NOW, &why),
			-ESTALE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "written by vpdnd 9.9.9, this is " VPDND_VERSION_STRING));
	g_free(why);
	why = NULL;
	vpdn_state_clear(&b);
	g_bytes_unref(bytes);
	vpdn_state_clear(&a);

	/* Format 2 (a future layout): the outer value says so. */
	GVariant *v = g_variant_ref_sink(g_variant_new("(us@ay)", 2u, "00",
		g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, "abc", 3, 1)));
	bytes = g_variant_get_data_as_bytes(v);
	CU_ASSERT_EQUAL(vpdn_state_decode(bytes, &b, &why), -EPROTO);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "state format 2, this node reads 1"));
	CU_ASSERT_PTR_NULL(b.version);
	g_free(why);
	g_bytes_unref(bytes);
	g_variant_unref(v);
}

/* Every truncation and a flipped octet anywhere: refused, never a crash
 * (ASan build), never a state that decodes to something else. */
static void test_truncated_corrupt(void)
{
	struct vpdn_state a, b;
	GBytes *bytes;
	gsize n;
	const uint8_t *p;
	unsigned accepted = 0;

	make(&a);
	bytes = vpdn_state_encode(&a);
	p = g_bytes_get_data(bytes, &n);
	for (gsize len = 0; len < n; len++) {
		GBytes *cut = g_bytes_new(p, len);
		char *why = NULL;

		if (vpdn_state_decode(cut, &b, &why) == 0)
			accepted++;
		CU_ASSERT_PTR_NOT_NULL(why);
		g_free(why);
		vpdn_state_clear(&b);
		g_bytes_unref(cut);
	}
	CU_ASSERT_EQUAL(accepted, 0);
	for (gsize i = 0; i < n; i++) {
		uint8_t *copy = g_memdup2(p, n);
		GBytes *bad;
		char *why = NULL;

		copy[i] ^= 0x5a;
		bad = g_bytes_new_take(copy, n);
		if (vpdn_state_decode(bad, &b, &why) == 0)
			accepted++;
		g_free(why);
		vpdn_state_clear(&b);
		g_bytes_unref(bad);
	}
	CU_ASSERT_EQUAL(accepted, 0);
	vpdn_state_clear(&a);
	g_bytes_unref(bytes);
}

static void test_stale(void)
{
	struct vpdn_state a;
	char *why = NULL;

	make(&a);
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LAC", 4242, "b0", NOW, &why), -ESTALE);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "node LNS"));
	g_free(why);
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 4243, "b0", NOW, &why), -ESTALE);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "pid 4242"));
	g_free(why);
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 4242, "b1", NOW, &why), -ESTALE);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "booted"));
	g_free(why);
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 4242, "b0",
					 NOW + VPDN_STATE_MAX_AGE_US + 1, &why), -ESTALE);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "s ago"));
	g_free(why);
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 4242, "b0",
					 NOW + VPDN_STATE_MAX_AGE_US, &why), 0);
	/* A state for systemd's fd store has pid 0: the reader from the store
	 * checks with 0; a file (checked with the real pid) is refused, and
	 * the other way round. */
	a.pid = 0;
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 0, "b0", NOW, &why), 0);
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 4242, "b0", NOW, &why),
			-ESTALE);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "pid 0"));
	g_free(why);
	a.pid = 4242;
	CU_ASSERT_EQUAL(vpdn_state_check(&a, VPDND_VERSION_STRING, "LNS", 0, "b0", NOW, &why),
			-ESTALE);
	g_free(why);
	vpdn_state_clear(&a);
}

/* Written atomically (no temporary left), mode 0600, read once: the
 * file is gone after the read, also when it was refused. */
static void test_file(void)
{
	char *dir = g_dir_make_tmp("restart-XXXXXX", NULL);
	char *path = g_build_filename(dir, "LNS.restart", NULL);
	struct vpdn_state a, b;
	char *why = NULL;
	GStatBuf sb;

	make(&a);
	CU_ASSERT_EQUAL_FATAL(vpdn_state_write(path, &a, &why), 0);
	CU_ASSERT_EQUAL(g_stat(path, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	{
		GDir *d = g_dir_open(dir, 0, NULL);
		unsigned n = 0;

		while (g_dir_read_name(d))
			n++;
		g_dir_close(d);
		CU_ASSERT_EQUAL(n, 1);
	}
	CU_ASSERT_EQUAL(vpdn_state_read(path, &b, &why), 0);
	CU_ASSERT_EQUAL(b.restarts, 2);
	vpdn_state_clear(&b);
	CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
	CU_ASSERT_EQUAL(vpdn_state_read(path, &b, &why), -ENOENT);
	g_free(why);
	why = NULL;
	/* A corrupt file: refused, and removed too. */
	CU_ASSERT_TRUE(g_file_set_contents(path, "garbage", -1, NULL));
	CU_ASSERT_EQUAL(vpdn_state_read(path, &b, &why), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(why);
	g_free(why);
	CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
	vpdn_state_clear(&a);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

static int orphaned;
static void orphan(void *ctx, struct vpdn_link *link)
{
	CU_ASSERT_PTR_EQUAL(ctx, link);
	orphaned++;
}

static void test_fds_links(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	struct vpdn_link *l1 = vpdn_link_new("a"), *l2 = vpdn_link_new("b");
	int p[2], fd;
	const char *name;

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_FALSE(vpdn_core_restarted(core));
	CU_ASSERT_EQUAL(vpdn_core_take_fd(core, "l2tp/udp/127.0.0.1/1701"), -1);
	CU_ASSERT_EQUAL(vpdn_core_keep_fd(core, "bad:name", p[0]), -EINVAL);
	CU_ASSERT_EQUAL(vpdn_core_keep_fd(core, "", p[0]), -EINVAL);
	CU_ASSERT_EQUAL(vpdn_core_keep_fd(core, "x/y", p[0]), 0);
	CU_ASSERT_EQUAL(vpdn_core_keep_fd(core, "x/y", p[0]), -EEXIST);
	CU_ASSERT_EQUAL(vpdn_restart_kept_count(core), 1);
	fd = vpdn_restart_kept_at(core, 0, &name);
	CU_ASSERT_STRING_EQUAL(name, "x/y");
	CU_ASSERT_NOT_EQUAL(fd, p[0]);
	vpdn_restart_kept_clear(core);
	CU_ASSERT_EQUAL(vpdn_restart_kept_count(core), 0);

	vpdn_restart_add_inherited(core, "l2tp/udp/127.0.0.1/1701", p[0]);
	vpdn_restart_add_inherited(core, "other", p[1]);
	CU_ASSERT_EQUAL(vpdn_core_take_fd(core, "l2tp/udp/127.0.0.1/1701"), p[0]);
	CU_ASSERT_EQUAL(vpdn_core_take_fd(core, "l2tp/udp/127.0.0.1/1701"), -1);
	CU_ASSERT_EQUAL(vpdn_restart_close_untaken(core), 1);
	CU_ASSERT_EQUAL(fcntl(p[1], F_GETFD), -1);
	close(p[0]);

	CU_ASSERT_EQUAL(vpdn_core_restored_link_offer(core, "l2tp/1/2", l1, orphan, l1), 0);
	CU_ASSERT_EQUAL(vpdn_core_restored_link_offer(core, "l2tp/1/2", l1, orphan, l1), -EEXIST);
	CU_ASSERT_EQUAL(vpdn_core_restored_link_offer(core, "l2tp/1/3", l2, orphan, l2), 0);
	CU_ASSERT_PTR_EQUAL(vpdn_core_restored_link_take(core, "l2tp/1/3"), l2);
	CU_ASSERT_PTR_NULL(vpdn_core_restored_link_take(core, "l2tp/1/3"));
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 1);
	CU_ASSERT_EQUAL(orphaned, 1);
	CU_ASSERT_PTR_NULL(vpdn_core_restored_link_take(core, "l2tp/1/2"));
	vpdn_link_unref(l1);
	vpdn_link_unref(l2);
	vpdn_core_free_test(core);
}

static const struct vpdn_test_case tests[] = {
	{ "round trip", test_round_trip },
	{ "another version or format refused", test_foreign },
	{ "truncated or corrupt refused", test_truncated_corrupt },
	{ "stale: host, pid, boot, age", test_stale },
	{ "atomic write, consumed once", test_file },
	{ "descriptors and links handed over", test_fds_links },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "restart-state", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
