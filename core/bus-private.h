/* SPDX-License-Identifier: MIT */
/* The bus's own pieces (core/bus.c, core/bus-reply.c). Not part of the SDK. */
#ifndef VPDND_BUS_PRIVATE_H
#define VPDND_BUS_PRIVATE_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vpdn_link;

/* A deep copy of a reply (bus-reply.c): the struct first, in data. */
struct vpdn_reply_copy {
	struct vpdn_link *link;   /* referenced while the copy lives, or NULL */
	size_t len;
	bool secret;              /* wiped before it is freed */
	bool call;                /* link is a call handed over */
	alignas(max_align_t) unsigned char data[];
};

/* NULL when there is no reply to keep (reply NULL, a type without one). */
struct vpdn_reply_copy *vpdn_reply_copy_new(uint32_t type, const void *reply);
void vpdn_reply_copy_free(struct vpdn_reply_copy *c);
/* Free a reply its requester never got: hangs up a call it handed over. */
void vpdn_reply_copy_drop(struct vpdn_reply_copy *c, int status);

#endif
