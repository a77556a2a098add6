/* SPDX-License-Identifier: MIT */
/*
 * Capture files. A module that writes packets to a file on a D-Bus
 * caller's request (the l2tp and isdn StartCapture methods) creates it
 * here and nowhere else: the daemon runs as root and the files hold
 * CHAP exchanges, so a capture
 *   - lies inside the node's capture directory (config `capture-directory`,
 *     default /var/lib/vpdnd/captures): a relative name is taken inside
 *     it; an absolute one must be inside it once `..` and the symlinks of
 *     its directory part are resolved;
 *   - is a new file: O_CREAT | O_EXCL | O_NOFOLLOW, so an existing file is
 *     never truncated and a symlink at the name is never followed;
 *   - is created mode 0600.
 */
#ifndef VPDND_CAPTURE_H
#define VPDND_CAPTURE_H

#include <vpdnd/core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VPDN_CAPTURE_DIRECTORY_DEFAULT "/var/lib/vpdnd/captures"

/* The directory captures go to (absolute). The daemon sets it from the
 * config at start-up and reload; a test core has none until set (NULL
 * refuses every capture). */
void vpdn_core_set_capture_directory(struct vpdn_core *core, const char *dir);
const char *vpdn_core_capture_directory(struct vpdn_core *core);

/*
 * Create the capture file `name` for writing. The directory itself is
 * made (mode 0700) if it does not exist yet. Returns an fd opened
 * O_WRONLY | O_CLOEXEC (the caller owns it) and *path (g_malloc'd, the
 * resolved full name), or a negative errno and *error (g_malloc'd, one
 * line for the caller):
 *   -EACCES  outside the capture directory
 *   -EEXIST  something (a file, a symlink) already has the name
 *   -EINVAL  no file name (empty, ".", "..", a trailing '/')
 *   -ENOENT  the directory part does not exist
 *   other    what the system said
 */
int vpdn_capture_create(struct vpdn_core *core, const char *name, char **path, char **error);

#ifdef __cplusplus
}
#endif
#endif
