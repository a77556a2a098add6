/* SPDX-License-Identifier: MIT */
/* Links: two-ended frame pipes, and splices between two carriers. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/link.h>

struct link_end {
	const struct vpdn_link_ops *ops;
	void *ctx;
	struct vpdn_link_stats stats; /* frames received at this end */
};

/* A name that fits (interface names do: "Vi12345", "Se0:17") is kept in
 * the link itself, one allocation less per link (two links a session,
 * #15); a longer one on the heap. */
#define LINK_NAME_INLINE 16  /* struct 120 B: a 128 B malloc chunk */

struct vpdn_link {
	int refs;
	char *name;                /* inline_name or g_malloc'd */
	struct link_end end[2];
	struct vpdn_link *spliced; /* the other link while spliced (a ref) */
	char inline_name[LINK_NAME_INLINE];
};

static void link_name_free(struct vpdn_link *link)
{
	if (link->name != link->inline_name)
		g_free(link->name);
}

static void link_name_set(struct vpdn_link *link, const char *name)
{
	size_t n = strlen(name);
	if (n < sizeof(link->inline_name)) {
		memmove(link->inline_name, name, n + 1); /* name may be the old one */
		link->name = link->inline_name;
	} else {
		link->name = g_strdup(name);
	}
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
	g_free(link);
}

const char *vpdn_link_name(const struct vpdn_link *link)
{
	return link->name;
}

void vpdn_link_set_name(struct vpdn_link *link, const char *name)
{
	char *old = link->name != link->inline_name ? link->name : NULL;
	link_name_set(link, name ? name : "?");
	g_free(old);
}

void vpdn_link_attach(struct vpdn_link *link, enum vpdn_link_end_id end,
		      const struct vpdn_link_ops *ops, void *ctx)
{
	link->end[end].ops = ops;
	link->end[end].ctx = ctx;
}

void vpdn_link_detach(struct vpdn_link *link, enum vpdn_link_end_id end)
{
	link->end[end].ops = NULL;
	link->end[end].ctx = NULL;
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
	if (!to->ops || !to->ops->frame) {
		to->stats.drops++;
		return -ENOTCONN;
	}
	to->stats.frames++;
	to->stats.bytes += len;
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
	return &link->end[end].stats;
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
	if (a == b || a->spliced || b->spliced)
		return -EBUSY;
	a->spliced = vpdn_link_ref(b);
	b->spliced = vpdn_link_ref(a);
	vpdn_link_attach(a, VPDN_LINK_B, &splice_ops, b);
	vpdn_link_attach(b, VPDN_LINK_B, &splice_ops, a);
	return 0;
}

void vpdn_link_unsplice(struct vpdn_link *a)
{
	struct vpdn_link *b = a->spliced;
	if (!b)
		return;
	a->spliced = NULL;
	b->spliced = NULL;
	vpdn_link_detach(a, VPDN_LINK_B);
	vpdn_link_detach(b, VPDN_LINK_B);
	vpdn_link_unref(a);
	vpdn_link_unref(b);
}

struct vpdn_link *vpdn_link_spliced_to(const struct vpdn_link *a)
{
	return a->spliced;
}
