/* SPDX-License-Identifier: MIT */
/*
 * Restart in place, the core's services (docs/RESTART.md): the state
 * file's codec over GVariant, the descriptors handed from one process to
 * the next by name, and the links a carrier rebuilt, offered to their
 * consumers by key. The daemon's steps are in restart-daemon.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "core-private.h"
#include "restart-state.h"

struct kept_fd {
	char *name;
	int fd;
};

struct offered_link {
	struct vpdn_link *link;
	vpdn_restart_orphan_fn orphan;
	void *ctx;
};

struct vpdn_restart {
	GHashTable *inherited;  /* name -> GINT_TO_POINTER(fd + 1) */
	GArray *kept;           /* struct kept_fd, in save order */
	GHashTable *links;      /* key -> struct offered_link* */
	GPtrArray *link_order;  /* keys in offer order (orphans in that order) */
	bool accepted;          /* a state was accepted at this start */
	uint32_t restarts;
	GArray *times;          /* uint64_t */
	uint64_t first_start_us;
};

struct vpdn_restart *vpdn_restart_get(struct vpdn_core *core)
{
	struct vpdn_restart *r = core->restart;

	if (r)
		return r;
	r = g_new0(struct vpdn_restart, 1);
	r->inherited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->kept = g_array_new(FALSE, TRUE, sizeof(struct kept_fd));
	r->links = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	r->link_order = g_ptr_array_new_with_free_func(g_free);
	r->times = g_array_new(FALSE, TRUE, sizeof(uint64_t));
	r->first_start_us = g_get_real_time();
	core->restart = r;
	return r;
}

void vpdn_restart_free(struct vpdn_restart *r)
{
	GHashTableIter it;
	gpointer v;

	if (!r)
		return;
	g_hash_table_iter_init(&it, r->inherited);
	while (g_hash_table_iter_next(&it, NULL, &v))
		close(GPOINTER_TO_INT(v) - 1);
	g_hash_table_destroy(r->inherited);
	for (guint i = 0; i < r->kept->len; i++) {
		struct kept_fd *k = &g_array_index(r->kept, struct kept_fd, i);

		close(k->fd);
		g_free(k->name);
	}
	g_array_free(r->kept, TRUE);
	g_hash_table_destroy(r->links);
	g_ptr_array_free(r->link_order, TRUE);
	g_array_free(r->times, TRUE);
	g_free(r);
}

static bool fd_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == ':' || *p < 0x21 || *p > 0x7e)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                        */

void vpdn_restart_add_inherited(struct vpdn_core *core, const char *name, int fd)
{
	struct vpdn_restart *r = vpdn_restart_get(core);
	gpointer old;

	if (g_hash_table_lookup_extended(r->inherited, name, NULL, &old)) {
		/* Two by one name: keep the first, the other is of no use. */
		close(fd);
		return;
	}
	g_hash_table_insert(r->inherited, g_strdup(name), GINT_TO_POINTER(fd + 1));
}

int vpdn_core_take_fd(struct vpdn_core *core, const char *name)
{
	struct vpdn_restart *r = core->restart;
	gpointer v;

	if (!r || !name || !g_hash_table_lookup_extended(r->inherited, name, NULL, &v))
		return -1;
	g_hash_table_remove(r->inherited, name);
	vpdn_info(core->log, "Restart: %s adopted (fd %d)", name, GPOINTER_TO_INT(v) - 1);
	return GPOINTER_TO_INT(v) - 1;
}

unsigned vpdn_restart_close_untaken(struct vpdn_core *core)
{
	struct vpdn_restart *r = core->restart;
	GHashTableIter it;
	gpointer k, v;
	unsigned n = 0;

	if (!r)
		return 0;
	g_hash_table_iter_init(&it, r->inherited);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		vpdn_notice(core->log, "Restart: %s handed over but taken by no module: closed",
			    (const char *)k);
		close(GPOINTER_TO_INT(v) - 1);
		g_hash_table_iter_remove(&it);
		n++;
	}
	return n;
}

int vpdn_core_keep_fd(struct vpdn_core *core, const char *name, int fd)
{
	struct vpdn_restart *r = vpdn_restart_get(core);
	struct kept_fd k;

	if (!fd_name_ok(name) || fd < 0)
		return -EINVAL;
	for (guint i = 0; i < r->kept->len; i++)
		if (strcmp(g_array_index(r->kept, struct kept_fd, i).name, name) == 0)
			return -EEXIST;
	k.fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (k.fd < 0)
		return -errno;
	k.name = g_strdup(name);
	g_array_append_val(r->kept, k);
	return 0;
}

unsigned vpdn_restart_kept_count(struct vpdn_core *core)
{
	return core->restart ? core->restart->kept->len : 0;
}

int vpdn_restart_kept_at(struct vpdn_core *core, unsigned i, const char **name)
{
	struct kept_fd *k = &g_array_index(core->restart->kept, struct kept_fd, i);

	*name = k->name;
	return k->fd;
}

void vpdn_restart_kept_clear(struct vpdn_core *core)
{
	struct vpdn_restart *r = core->restart;

	if (!r)
		return;
	for (guint i = 0; i < r->kept->len; i++) {
		struct kept_fd *k = &g_array_index(r->kept, struct kept_fd, i);

		close(k->fd);
		g_free(k->name);
	}
	g_array_set_size(r->kept, 0);
}

bool vpdn_core_restarted(struct vpdn_core *core)
{
	return core->restart && core->restart->accepted;
}

/* ------------------------------------------------------------------ */
/* Links                                                              */

int vpdn_core_restored_link_offer(struct vpdn_core *core, const char *key,
				  struct vpdn_link *link, vpdn_restart_orphan_fn orphan,
				  void *ctx)
{
	struct vpdn_restart *r = vpdn_restart_get(core);
	struct offered_link *o;

	if (!key || !link || !orphan)
		return -EINVAL;
	if (g_hash_table_contains(r->links, key))
		return -EEXIST;
	o = g_new0(struct offered_link, 1);
	o->link = link;
	o->orphan = orphan;
	o->ctx = ctx;
	g_hash_table_insert(r->links, g_strdup(key), o);
	g_ptr_array_add(r->link_order, g_strdup(key));
	return 0;
}

struct vpdn_link *vpdn_core_restored_link_take(struct vpdn_core *core, const char *key)
{
	struct vpdn_restart *r = core->restart;
	struct offered_link *o;
	struct vpdn_link *link;

	if (!r || !key || !(o = g_hash_table_lookup(r->links, key)))
		return NULL;
	link = o->link;
	g_hash_table_remove(r->links, key);
	return link;
}

unsigned vpdn_restart_orphan_links(struct vpdn_core *core)
{
	struct vpdn_restart *r = core->restart;
	unsigned n = 0;

	if (!r)
		return 0;
	/* In offer order; an orphan() may not offer again (restore is over). */
	for (guint i = 0; i < r->link_order->len; i++) {
		const char *key = r->link_order->pdata[i];
		struct offered_link *o = g_hash_table_lookup(r->links, key);

		if (!o)
			continue;
		struct offered_link copy = *o;

		g_hash_table_remove(r->links, key);
		copy.orphan(copy.ctx, copy.link);
		n++;
	}
	g_ptr_array_set_size(r->link_order, 0);
	return n;
}

/* ------------------------------------------------------------------ */
/* History (show version)                                             */

void vpdn_restart_set_history(struct vpdn_core *core, bool accepted, uint32_t restarts,
			      const GArray *times, uint64_t first_start_us)
{
	struct vpdn_restart *r = vpdn_restart_get(core);

	r->accepted = accepted;
	r->restarts = restarts;
	g_array_set_size(r->times, 0);
	if (times)
		g_array_append_vals(r->times, times->data, times->len);
	if (first_start_us)
		r->first_start_us = first_start_us;
}

uint32_t vpdn_restart_count(struct vpdn_core *core)
{
	return core->restart ? core->restart->restarts : 0;
}

const GArray *vpdn_restart_times(struct vpdn_core *core)
{
	return vpdn_restart_get(core)->times;
}

uint64_t vpdn_restart_first_start(struct vpdn_core *core)
{
	return vpdn_restart_get(core)->first_start_us;
}

/* ------------------------------------------------------------------ */
/* The state file                                                     */

void vpdn_state_init(struct vpdn_state *st)
{
	memset(st, 0, sizeof(*st));
	st->times = g_array_new(FALSE, TRUE, sizeof(uint64_t));
}

void vpdn_state_clear(struct vpdn_state *st)
{
	g_free(st->version);
	g_free(st->hostname);
	g_free(st->boot_id);
	if (st->times)
		g_array_free(st->times, TRUE);
	if (st->modules)
		g_variant_unref(st->modules);
	memset(st, 0, sizeof(*st));
}

GBytes *vpdn_state_encode(const struct vpdn_state *st)
{
	GVariantBuilder times;
	GVariant *payload, *outer;
	GBytes *pb, *out;
	char *sum;

	g_variant_builder_init(&times, G_VARIANT_TYPE("at"));
	for (guint i = 0; st->times && i < st->times->len; i++)
		g_variant_builder_add(&times, "t", g_array_index(st->times, uint64_t, i));
	payload = g_variant_new("(ssusttuat@a(suv))", st->version ? st->version : "",
				st->hostname ? st->hostname : "", st->pid,
				st->boot_id ? st->boot_id : "", st->written_us, st->first_start_us,
				st->restarts, &times,
				st->modules ? st->modules : g_variant_new_array(G_VARIANT_TYPE("(suv)"), NULL, 0));
	g_variant_ref_sink(payload);
	pb = g_variant_get_data_as_bytes(payload);
	sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, pb);
	outer = g_variant_new("(us@ay)", (guint32)VPDN_STATE_FORMAT, sum,
			      g_variant_new_from_bytes(G_VARIANT_TYPE_BYTESTRING, pb, TRUE));
	g_variant_ref_sink(outer);
	out = g_variant_get_data_as_bytes(outer);
	g_variant_unref(outer);
	g_variant_unref(payload);
	g_bytes_unref(pb);
	g_free(sum);
	return out;
}

int vpdn_state_decode(GBytes *bytes, struct vpdn_state *out, char **why)
{
	GVariant *outer = NULL, *payload = NULL, *pv = NULL, *times = NULL;
	const char *sum = NULL;
	guint32 format = 0;
	char *want = NULL;
	GBytes *pb = NULL;
	int r = -EBADMSG;

	*why = NULL;
	vpdn_state_init(out);
	if (g_bytes_get_size(bytes) == 0 || g_bytes_get_size(bytes) > VPDN_STATE_MAX_BYTES) {
		*why = g_strdup_printf("%zu octets", g_bytes_get_size(bytes));
		goto fail;
	}
	outer = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(VPDN_STATE_OUTER_TYPE),
							    bytes, FALSE));
	if (!g_variant_is_normal_form(outer)) {
		*why = g_strdup("not a state file (truncated or corrupt)");
		goto fail;
	}
	g_variant_get(outer, "(u&s@ay)", &format, &sum, &pv);
	if (format != VPDN_STATE_FORMAT) {
		*why = g_strdup_printf("state format %u, this node reads %u", format, VPDN_STATE_FORMAT);
		r = -EPROTO;
		goto fail;
	}
	pb = g_variant_get_data_as_bytes(pv);
	want = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, pb);
	if (g_strcmp0(want, sum) != 0) {
		*why = g_strdup("checksum mismatch (truncated or corrupt)");
		goto fail;
	}
	payload = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(VPDN_STATE_TYPE), pb, FALSE));
	if (!g_variant_is_normal_form(payload)) {
		*why = g_strdup("payload not in normal form (corrupt)");
		goto fail;
	}
	g_variant_get(payload, "(ssusttu@at@a(suv))", &out->version, &out->hostname, &out->pid,
		      &out->boot_id, &out->written_us, &out->first_start_us, &out->restarts, &times,
		      &out->modules);
	{
		gsize n = 0;
		const guint64 *t = g_variant_get_fixed_array(times, &n, sizeof(guint64));

		if (n > VPDN_STATE_MAX_TIMES)
			t += n - VPDN_STATE_MAX_TIMES, n = VPDN_STATE_MAX_TIMES;
		g_array_append_vals(out->times, t, n);
	}
	r = 0;
fail:
	if (r < 0)
		vpdn_state_clear(out);
	if (times)
		g_variant_unref(times);
	if (payload)
		g_variant_unref(payload);
	if (pv)
		g_variant_unref(pv);
	if (outer)
		g_variant_unref(outer);
	if (pb)
		g_bytes_unref(pb);
	g_free(want);
	return r;
}

int vpdn_state_check(const struct vpdn_state *st, const char *version, const char *hostname,
		     uint32_t pid, const char *boot_id, uint64_t now_us, char **why)
{
	*why = NULL;
	if (g_strcmp0(st->version, version) != 0)
		*why = g_strdup_printf("written by vpdnd %s, this is %s", st->version, version);
	else if (g_strcmp0(st->hostname, hostname) != 0)
		*why = g_strdup_printf("written by node %s, this is %s", st->hostname, hostname);
	else if (st->pid != pid)
		*why = g_strdup_printf("written by pid %u, not by this process's predecessor (%u)",
				       st->pid, pid);
	else if (g_strcmp0(st->boot_id, boot_id) != 0)
		*why = g_strdup("written before the system booted");
	else if (st->written_us > now_us + G_USEC_PER_SEC ||
		 now_us - st->written_us > VPDN_STATE_MAX_AGE_US)
		*why = g_strdup_printf("written %" G_GINT64_FORMAT " s ago",
				       ((gint64)now_us - (gint64)st->written_us) / G_USEC_PER_SEC);
	return *why ? -ESTALE : 0;
}

int vpdn_state_write(const char *path, const struct vpdn_state *st, char **why)
{
	GBytes *b = vpdn_state_encode(st);
	GError *err = NULL;
	gsize n = 0;
	const char *data = g_bytes_get_data(b, &n);
	int r = 0;

	*why = NULL;
	if (!g_file_set_contents_full(path, data, (gssize)n,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0600, &err)) {
		*why = g_strdup(err->message);
		r = -EIO;
		g_error_free(err);
	}
	g_bytes_unref(b);
	return r;
}

int vpdn_state_read(const char *path, struct vpdn_state *out, char **why)
{
	GError *err = NULL;
	char *data = NULL;
	gsize n = 0;
	GBytes *b;
	int r;

	*why = NULL;
	vpdn_state_init(out);
	if (!g_file_get_contents(path, &data, &n, &err)) {
		*why = g_strdup(err->message);
		r = err->code == G_FILE_ERROR_NOENT ? -ENOENT : -EIO;
		g_error_free(err);
		return r;
	}
	/* Consumed once: gone whatever it holds. */
	g_unlink(path);
	vpdn_state_clear(out);
	b = g_bytes_new_take(data, n);
	r = vpdn_state_decode(b, out, why);
	g_bytes_unref(b);
	return r;
}

char *vpdn_state_boot_id(void)
{
	char *s = NULL;

	if (!g_file_get_contents("/proc/sys/kernel/random/boot_id", &s, NULL, NULL))
		return g_strdup("");
	return g_strstrip(s);
}
