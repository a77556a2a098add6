/* SPDX-License-Identifier: MIT */
/*
 * Capture files inside the node's capture directory (include/vpdnd/capture.h).
 *
 * The directory part of the name is resolved with realpath() and must be
 * the capture directory or below it; the directory is then opened and its
 * path read back from /proc/self/fd, so that a component swapped for a
 * symlink between the two steps is caught too; the file is created with
 * openat() on that directory's fd, O_CREAT | O_EXCL | O_NOFOLLOW, 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include <vpdnd/capture.h>

#include "core-private.h"

void vpdn_core_set_capture_directory(struct vpdn_core *core, const char *dir)
{
	g_free(core->capture_dir);
	core->capture_dir = g_strdup(dir);
}

const char *vpdn_core_capture_directory(struct vpdn_core *core)
{
	return core->capture_dir;
}

/* Is path (resolved) dir itself or below it (resolved)? */
static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The capture directory, resolved; made (0700) when it does not exist. */
static char *capture_dir_resolve(const char *dir, char **error)
{
	char *r = realpath(dir, NULL);

	if (!r && errno == ENOENT) {
		if (g_mkdir_with_parents(dir, 0700) < 0) {
			int e = errno;

			*error = g_strdup_printf("Cannot create the capture directory %s: %s", dir,
						 g_strerror(e));
			errno = e;
			return NULL;
		}
		r = realpath(dir, NULL);
	}
	if (!r) {
		int e = errno;

		*error = g_strdup_printf("Cannot use the capture directory %s: %s", dir,
					 g_strerror(e));
		errno = e;
	}
	return r;
}

int vpdn_capture_create(struct vpdn_core *core, const char *name, char **path, char **error)
{
	const char *dir = core ? core->capture_dir : NULL;
	char *full = NULL, *parent = NULL, *base = NULL, *rdir = NULL, *rparent = NULL;
	char proc[64], opened[PATH_MAX];
	ssize_t n;
	int dfd = -1, fd = -1, r;

	*error = NULL;
	if (path)
		*path = NULL;
	if (!dir) {
		*error = g_strdup("This node has no capture directory");
		return -EACCES;
	}
	if (!name || !*name || g_str_has_suffix(name, "/") || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || g_str_has_suffix(name, "/.") ||
	    g_str_has_suffix(name, "/..")) {
		*error = g_strdup_printf("\"%s\" is not a file name", name ? name : "");
		return -EINVAL;
	}
	/* `..` taken lexically first (so a name climbing out is refused
	 * before anything is looked at), then physically by realpath(). */
	full = g_canonicalize_filename(name, dir);
	parent = g_path_get_dirname(full);
	base = g_path_get_basename(full);
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0) {
		*error = g_strdup_printf("\"%s\" is not a file name", name);
		r = -EINVAL;
		goto fail;
	}
	rdir = capture_dir_resolve(dir, error);
	if (!rdir) {
		r = -errno;
		goto fail;
	}
	rparent = realpath(parent, NULL);
	if (!rparent) {
		r = -errno;
		/* Say nothing about what lies outside the directory. */
		if (!inside(parent, rdir) && !inside(parent, dir))
			goto outside;
		*error = g_strdup_printf("Cannot use the directory %s: %s", parent, g_strerror(-r));
		goto fail;
	}
	if (!inside(rparent, rdir))
		goto outside;
	dfd = open(rparent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		*error = g_strdup_printf("Cannot open the directory %s: %s", rparent, g_strerror(-r));
		goto fail;
	}
	/* Where did that open really land? */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dfd);
	n = readlink(proc, opened, sizeof(opened) - 1);
	if (n < 0) {
		r = -errno;
		*error = g_strdup_printf("Cannot check the directory %s: %s", rparent, g_strerror(-r));
		goto fail;
	}
	opened[n] = '\0';
	if (!inside(opened, rdir))
		goto outside;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		if (r == -EEXIST || r == -ELOOP)
			*error = g_strdup_printf("%s/%s already exists: a capture never overwrites "
						 "a file nor follows a symlink", opened, base);
		else
			*error = g_strdup_printf("Cannot create %s/%s: %s", opened, base,
						 g_strerror(-r));
		if (r == -ELOOP)
			r = -EEXIST;
		goto fail;
	}
	if (path)
		*path = g_build_filename(opened, base, NULL);
	r = fd;
	goto out;

outside:
	*error = g_strdup_printf("%s is outside the capture directory %s", full, dir);
	r = -EACCES;
fail:
out:
	if (dfd >= 0)
		close(dfd);
	g_free(full);
	g_free(parent);
	g_free(base);
	free(rdir);
	free(rparent);
	return r;
}
