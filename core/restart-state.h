/* SPDX-License-Identifier: MIT */
/*
 * Restart in place, the core's side (docs/RESTART.md): the state file's
 * codec (GVariant), the descriptors handed over and the links offered at
 * restore (core/restart.c, in libvpdnd), and the daemon's save, exec and
 * restore steps (core/restart-daemon.c).
 */
#ifndef VPDND_RESTART_STATE_H
#define VPDND_RESTART_STATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/restart.h>

/* The outer value of the file, the same in every format: (format
 * version, SHA-256 of the payload in hex, payload). */
#define VPDN_STATE_OUTER_TYPE "(usay)"
#define VPDN_STATE_FORMAT 1
/* Format 1's payload: vpdnd version, hostname, pid, boot id, written at
 * (realtime us), first start (realtime us), restarts so far, the last
 * restart times, per module (name, state version, data). */
#define VPDN_STATE_TYPE "(ssusttuata(suv))"
#define VPDN_STATE_MAX_TIMES 16
#define VPDN_STATE_MAX_AGE_US (60 * G_USEC_PER_SEC)
#define VPDN_STATE_MAX_BYTES (256u << 20)
#define VPDN_RESTART_ENV "VPDND_RESTART_STATE"
/* The fd store name of the state (a memfd) when systemd holds it. */
#define VPDN_RESTART_FDSTORE_STATE "vpdnd-state"

struct vpdn_state {
	char *version;        /* VPDND_VERSION_STRING of the writer */
	char *hostname;
	uint32_t pid;
	char *boot_id;
	uint64_t written_us;  /* g_get_real_time() */
	uint64_t first_start_us;
	uint32_t restarts;    /* restarts in place so far, this one included */
	GArray *times;        /* uint64_t realtime us, newest last */
	GVariant *modules;    /* a(suv), owned; NULL: none */
};

void vpdn_state_init(struct vpdn_state *st);
void vpdn_state_clear(struct vpdn_state *st);
/* The whole file's bytes. */
GBytes *vpdn_state_encode(const struct vpdn_state *st);
/* Parse and validate (outer value in normal form, checksum, format,
 * payload in normal form). 0, or negative errno with *why (g_malloc'd,
 * short: "checksum mismatch", "state format 2, this node reads 1"). */
int vpdn_state_decode(GBytes *bytes, struct vpdn_state *out, char **why);
/* Does st belong to this process? The vpdnd version first (so a foreign
 * version says so), then hostname, pid, boot id, age. 0 or -ESTALE with
 * *why. */
int vpdn_state_check(const struct vpdn_state *st, const char *version, const char *hostname,
		     uint32_t pid, const char *boot_id, uint64_t now_us, char **why);
/* Atomic write (temporary file, fsync, rename), mode 0600. */
int vpdn_state_write(const char *path, const struct vpdn_state *st, char **why);
/* Read and remove (consumed once, whatever is in it), then decode. */
int vpdn_state_read(const char *path, struct vpdn_state *out, char **why);
/* /proc/sys/kernel/random/boot_id, or "" (g_malloc'd). */
char *vpdn_state_boot_id(void);

/* The core's restart context (core->restart). */
struct vpdn_restart;
struct vpdn_restart *vpdn_restart_get(struct vpdn_core *core);
void vpdn_restart_free(struct vpdn_restart *r);
/* Inherited descriptors (at start). */
void vpdn_restart_add_inherited(struct vpdn_core *core, const char *name, int fd);
/* Close what nobody took; returns how many. */
unsigned vpdn_restart_close_untaken(struct vpdn_core *core);
/* Descriptors kept by save() hooks: count, i-th (name, fd). */
unsigned vpdn_restart_kept_count(struct vpdn_core *core);
int vpdn_restart_kept_at(struct vpdn_core *core, unsigned i, const char **name);
void vpdn_restart_kept_clear(struct vpdn_core *core);
/* After every restore(): orphan() for the links nobody took. */
unsigned vpdn_restart_orphan_links(struct vpdn_core *core);
/* Restarts in place carried over (and the times) for show version. */
void vpdn_restart_set_history(struct vpdn_core *core, bool accepted, uint32_t restarts,
			      const GArray *times, uint64_t first_start_us);
uint32_t vpdn_restart_count(struct vpdn_core *core);
/* The restart times (realtime us, newest last); do not free. */
const GArray *vpdn_restart_times(struct vpdn_core *core);
uint64_t vpdn_restart_first_start(struct vpdn_core *core);

#endif
