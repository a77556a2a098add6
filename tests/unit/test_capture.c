/* SPDX-License-Identifier: MIT */
/*
 * vpdn_capture_create(): a capture file is a new file (never an existing
 * one truncated, never a symlink followed), mode 0600, inside the node's
 * capture directory (relative names there; `..` and symlinked directories
 * that lead out refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <vpdnd/vpdnd.h>

#include "vpdn_test.h"

static char *top;      /* a temp dir holding dir/ (the capture directory) and out/ */
static char *dir, *out;
static struct vpdn_core *core;

static int setup(void)
{
	top = g_dir_make_tmp("vpdn-capture-XXXXXX", NULL);
	if (!top)
		return 1;
	dir = g_build_filename(top, "dir", NULL);
	out = g_build_filename(top, "out", NULL);
	if (g_mkdir(dir, 0700) < 0 || g_mkdir(out, 0700) < 0)
		return 1;
	core = vpdn_core_new_test();
	vpdn_core_set_capture_directory(core, dir);
	return 0;
}

static int teardown(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", top);
	int r = system(cmd);

	g_free(cmd);
	vpdn_core_free_test(core);
	g_free(dir);
	g_free(out);
	g_free(top);
	return r != 0;
}

/* Create name; the fd is closed. Returns the result, *path set on success. */
static int create(const char *name, char **path)
{
	char *error = NULL, *p = NULL;
	int r = vpdn_capture_create(core, name, &p, &error);

	if (r >= 0) {
		CU_ASSERT_PTR_NULL(error);
		CU_ASSERT_EQUAL(write(r, "x", 1), 1);
		close(r);
	} else {
		CU_ASSERT_PTR_NOT_NULL(error);
		CU_ASSERT_PTR_NULL(p);
		if (error)
			printf("  (%s: %s)\n", name, error);
	}
	g_free(error);
	if (path)
		*path = p;
	else
		g_free(p);
	return r;
}

static char *slurp(const char *path)
{
	char *s = NULL;

	g_file_get_contents(path, &s, NULL, NULL);
	return s;
}

static void test_new_file_0600(void)
{
	char *path = NULL, *want = g_build_filename(dir, "a.pcap", NULL);
	struct stat st;
	mode_t old = umask(0);

	CU_ASSERT_TRUE(create("a.pcap", &path) >= 0);
	umask(old);
	CU_ASSERT_STRING_EQUAL(path ? path : "", want);
	CU_ASSERT_EQUAL_FATAL(lstat(want, &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	g_free(path);
	g_free(want);
}

static void test_absolute_inside(void)
{
	char *name = g_build_filename(dir, "b.pcap", NULL), *path = NULL;

	CU_ASSERT_TRUE(create(name, &path) >= 0);
	CU_ASSERT_STRING_EQUAL(path ? path : "", name);
	g_free(path);
	g_free(name);
}

static void test_existing_refused(void)
{
	char *name = g_build_filename(dir, "old.pcap", NULL), *s;

	CU_ASSERT_TRUE(g_file_set_contents(name, "keep me", -1, NULL));
	CU_ASSERT_EQUAL(create(name, NULL), -EEXIST);
	CU_ASSERT_EQUAL(create("old.pcap", NULL), -EEXIST);
	s = slurp(name);
	CU_ASSERT_STRING_EQUAL(s ? s : "", "keep me"); /* not truncated */
	g_free(s);
	g_free(name);
}

static void test_symlink_refused(void)
{
	char *target = g_build_filename(out, "victim", NULL);
	char *link = g_build_filename(dir, "link.pcap", NULL);
	char *dangling = g_build_filename(dir, "dangling.pcap", NULL);
	char *nowhere = g_build_filename(out, "created-through-link", NULL), *s;

	CU_ASSERT_TRUE(g_file_set_contents(target, "secret", -1, NULL));
	CU_ASSERT_EQUAL(symlink(target, link), 0);
	CU_ASSERT_EQUAL(create("link.pcap", NULL), -EEXIST);
	s = slurp(target);
	CU_ASSERT_STRING_EQUAL(s ? s : "", "secret");
	g_free(s);
	/* A dangling link must not create its target either. */
	CU_ASSERT_EQUAL(symlink(nowhere, dangling), 0);
	CU_ASSERT_EQUAL(create(dangling, NULL), -EEXIST);
	CU_ASSERT_FALSE(g_file_test(nowhere, G_FILE_TEST_EXISTS));
	g_free(target);
	g_free(link);
	g_free(dangling);
	g_free(nowhere);
}

static void test_outside_refused(void)
{
	char *name = g_build_filename(out, "x.pcap", NULL);

	CU_ASSERT_EQUAL(create(name, NULL), -EACCES);
	CU_ASSERT_FALSE(g_file_test(name, G_FILE_TEST_EXISTS));
	CU_ASSERT_EQUAL(create("/etc/vpdnd-capture-test.pcap", NULL), -EACCES);
	CU_ASSERT_EQUAL(create("/nonexistent/x.pcap", NULL), -EACCES);
	g_free(name);
}

static void test_dotdot_refused(void)
{
	char *esc = g_build_filename(out, "y.pcap", NULL);
	char *abs = g_strdup_printf("%s/../out/z.pcap", dir);

	CU_ASSERT_EQUAL(create("../out/y.pcap", NULL), -EACCES);
	CU_ASSERT_EQUAL(create(abs, NULL), -EACCES);
	CU_ASSERT_FALSE(g_file_test(esc, G_FILE_TEST_EXISTS));
	CU_ASSERT_EQUAL(create("..", NULL), -EINVAL);
	CU_ASSERT_EQUAL(create(".", NULL), -EINVAL);
	CU_ASSERT_EQUAL(create("", NULL), -EINVAL);
	CU_ASSERT_EQUAL(create("sub/", NULL), -EINVAL);
	g_free(esc);
	g_free(abs);
}

static void test_symlinked_directory(void)
{
	char *link = g_build_filename(dir, "escape", NULL);
	char *sub = g_build_filename(dir, "sub", NULL), *path = NULL;
	char *want = g_build_filename(sub, "s.pcap", NULL);
	char *leaked = g_build_filename(out, "w.pcap", NULL);

	/* A directory inside that is a symlink out: refused. */
	CU_ASSERT_EQUAL(symlink(out, link), 0);
	CU_ASSERT_EQUAL(create("escape/w.pcap", NULL), -EACCES);
	CU_ASSERT_FALSE(g_file_test(leaked, G_FILE_TEST_EXISTS));
	/* A real subdirectory is fine; a missing one is an error. */
	CU_ASSERT_EQUAL(g_mkdir(sub, 0700), 0);
	CU_ASSERT_TRUE(create("sub/s.pcap", &path) >= 0);
	CU_ASSERT_STRING_EQUAL(path ? path : "", want);
	CU_ASSERT_EQUAL(create("nosuch/s.pcap", NULL), -ENOENT);
	g_free(path);
	g_free(want);
	g_free(sub);
	g_free(link);
	g_free(leaked);
}

static void test_directory_made(void)
{
	char *missing = g_build_filename(top, "new", "deeper", NULL);
	char *file = g_build_filename(missing, "c.pcap", NULL);
	struct stat st;

	vpdn_core_set_capture_directory(core, missing);
	CU_ASSERT_TRUE(create("c.pcap", NULL) >= 0);
	CU_ASSERT_EQUAL(stat(missing, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
	CU_ASSERT_TRUE(g_file_test(file, G_FILE_TEST_IS_REGULAR));
	vpdn_core_set_capture_directory(core, NULL);
	CU_ASSERT_EQUAL(create("d.pcap", NULL), -EACCES); /* no directory: none */
	vpdn_core_set_capture_directory(core, dir);
	g_free(file);
	g_free(missing);
}

static const struct vpdn_test_case tests[] = {
	{ "a new file is mode 0600, inside the directory", test_new_file_0600 },
	{ "an absolute name inside the directory", test_absolute_inside },
	{ "an existing file is refused, not truncated", test_existing_refused },
	{ "a symlink at the name is refused, its target untouched", test_symlink_refused },
	{ "a path outside the directory is refused", test_outside_refused },
	{ "a .. escape is refused", test_dotdot_refused },
	{ "a symlinked directory leading out is refused", test_symlinked_directory },
	{ "the directory is made when missing", test_directory_made },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "capture", tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
