/* SPDX-License-Identifier: MIT */
/* Links: two-ended frame pipes, and splices between two carriers. */
#include <errno.h>
#include <stdbool.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/link.h>

struct link_end {
	const struct vpdn_link_ops *ops;
	void *ctx;
};

/* A name that fits (interface names do: "Vi12345", "Se0:17") is kept in
 * the link itself, one allocation less per link (two links a session,
 * #15); a longer one on the heap, its pointer in the same bytes. The
 * splice partner is not kept: it is the ctx of the splice forwarder at
 * end B (vpdn_link_spliced_to). The counters are kept only once someone
 * reads them (vpdn_link_count()): an L2TP or PPPoE session's carrier link
 * never is. 64 bytes: an 80-byte malloc chunk (#19). */
#define LINK_NAME_INLINE 16

struct vpdn_link {
	int refs;
	bool name_on_heap;
	union {
		char inline_name[LINK_NAME_INLINE];
		char *heap_name;           /* g_malloc'd, when name_on_heap */
	} n;
	struct vpdn_link_stats *stats;     /* [end], frames received there; or NULL */
	struct link_end end[2];
};

static const struct vpdn_link_ops splice_ops;

static void link_name_free(struct vpdn_link *link)
{
	if (link->name_on_heap)
		g_free(link->n.heap_name);
}

/* name may be the link's own (old) name: copied before the old is freed. */
static void link_name_set(struct vpdn_link *link, const char *name)
{
	size_t n = strlen(name);
	char *old = link->name_on_heap ? link->n.heap_name : NULL;
	if (n < sizeof(link->n.inline_name)) {
		memmove(link->n.inline_name, name, n + 1);
		link->name_on_heap = false;
	} else {
		link->n.heap_name = g_strdup(name);
		link->name_on_heap = true;
	}
	g_free(old);
}

struct vpdn_link *vpdn_link_new(const char *name)
{
	struct vpdn_link *link = g_new0(struct vpdn_link, 1);
	link->refs = 1;
	link_name_set(link, name ? name : "?");
	return link;
}

struct vpdn_link *vpdn_link_ref(struct vpdn_link *link)
{
	link->refs++;
	return link;
}

void vpdn_link_unref(struct vpdn_link *link)
{
	if (!link || --link->refs > 0)
		return;
	link_name_free(link);
	g_free(link->stats);
	g_free(link);
}

const char *vpdn_link_name(const struct vpdn_link *link)
{
	return link->name_on_heap ? link->n.heap_name : link->n.inline_name;
}

void vpdn_link_set_name(struct vpdn_link *link, const char *name)
{
	link_name_set(link, name ? name : "?");
}

static void end_set(struct vpdn_link *link, enum vpdn_link_end_id end,
		    const struct vpdn_link_ops *ops, void *ctx)
{
	link->end[end].ops = ops;
	link->end[end].ctx = ctx;
}

void vpdn_link_attach(struct vpdn_link *link, enum vpdn_link_end_id end,
		      const struct vpdn_link_ops *ops, void *ctx)
{
	struct vpdn_link *held = NULL;
	if (link->end[end].ops == &splice_ops) {
		/* its references go with it: the partner's on this link may be
		 * the last one, so hold one across */
		held = vpdn_link_ref(link);
		vpdn_link_unsplice(link);
	}
	end_set(link, end, ops, ctx);
	vpdn_link_unref(held);
}

void vpdn_link_detach(struct vpdn_link *link, enum vpdn_link_end_id end)
{
	if (link->end[end].ops == &splice_ops) {
		vpdn_link_unsplice(link);   /* detaches end B itself */
		return;
	}
	end_set(link, end, NULL, NULL);
}

int vpdn_link_attached(const struct vpdn_link *link, enum vpdn_link_end_id end)
{
	return link->end[end].ops != NULL;
}

void *vpdn_link_ctx(const struct vpdn_link *link, enum vpdn_link_end_id end,
		    const struct vpdn_link_ops *ops)
{
	return link && ops && link->end[end].ops == ops ? link->end[end].ctx : NULL;
}

int vpdn_link_send(struct vpdn_link *link, enum vpdn_link_end_id from,
		   const uint8_t *data, size_t len)
{
	struct link_end *to = &link->end[!from];
	struct vpdn_link_stats *st = link->stats ? &link->stats[!from] : NULL;
	if (!to->ops || !to->ops->frame) {
		if (st)
			st->drops++;
		return -ENOTCONN;
	}
	if (st) {
		st->frames++;
		st->bytes += len;
	}
	to->ops->frame(to->ctx, link, data, len);
	return 0;
}

void vpdn_link_hangup(struct vpdn_link *link, enum vpdn_link_end_id from, int cause)
{
	struct link_end *to = &link->end[!from];
	if (to->ops && to->ops->hangup)
		to->ops->hangup(to->ctx, link, cause);
}

const struct vpdn_link_stats *vpdn_link_stats(const struct vpdn_link *link,
					      enum vpdn_link_end_id end)
{
	return link->stats ? &link->stats[end] : NULL;
}

void vpdn_link_count(struct vpdn_link *link)
{
	if (!link->stats)
		link->stats = g_new0(struct vpdn_link_stats, 2);
}

/* Splice forwarders: attached at end B of each link, ctx = the other link. */
static void splice_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	vpdn_link_send(ctx, VPDN_LINK_B, data, len);
}

static void splice_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct vpdn_link *other = vpdn_link_ref(ctx);
	/* A carrier is gone: the splice has no purpose any more. Dissolve it
	 * first so the other carrier may drop its link from its hangup(). */
	vpdn_link_unsplice(link);
	vpdn_link_hangup(other, VPDN_LINK_B, cause);
	vpdn_link_unref(other);
}

static const struct vpdn_link_ops splice_ops = {
	.frame = splice_frame,
	.hangup = splice_hangup,
};

int vpdn_link_splice(struct vpdn_link *a, struct vpdn_link *b)
{
	if (a == b || vpdn_link_spliced_to(a) || vpdn_link_spliced_to(b))
		return -EBUSY;
	/* Each forwarder's ctx is a reference on the other link, dropped by
	 * vpdn_link_unsplice() (or by whatever replaces the forwarder). */
	end_set(a, VPDN_LINK_B, &splice_ops, vpdn_link_ref(b));
	end_set(b, VPDN_LINK_B, &splice_ops, vpdn_link_ref(a));
	return 0;
}

void vpdn_link_unsplice(struct vpdn_link *a)
{
	struct vpdn_link *b = vpdn_link_spliced_to(a);
	if (!b)
		return;
	/* b's forwarder is a's: replacing either one dissolves the splice */
	end_set(a, VPDN_LINK_B, NULL, NULL);
	end_set(b, VPDN_LINK_B, NULL, NULL);
	vpdn_link_unref(a);
	vpdn_link_unref(b);
}

struct vpdn_link *vpdn_link_spliced_to(const struct vpdn_link *a)
{
	return vpdn_link_ctx(a, VPDN_LINK_B, &splice_ops);
}
