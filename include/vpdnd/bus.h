/* SPDX-License-Identifier: MIT */
/*
 * The typed event bus: control between modules.
 *
 * Each event type is an enum value (events.h) with its own payload struct;
 * third-party modules register more types by name. Dispatch is synchronous
 * on the main loop, in subscription order (lower priority value first).
 * Handlers may subscribe, unsubscribe (themselves or others) and publish
 * during dispatch: an unsubscribed handler is never called again, a handler
 * added during dispatch is not called for the event being dispatched.
 *
 * Claim: a handler returns VPDN_BUS_CLAIM to take ownership of the thing
 * the event is about (an incoming call, a forward request). Dispatch stops
 * at the first claimer.
 *
 * Requests: an event published with vpdn_bus_request() carries a completion
 * callback. The claimer takes the request (vpdn_event_take_request()) and
 * completes it now or later with vpdn_request_complete().
 *
 * The request lifetime rule (module ABI 2): a request never completes
 * inside vpdn_bus_request(). vpdn_bus_request() always returns the pending
 * request; a completion given while it is being dispatched (the claimer
 * answering at once, or -ENOENT when nobody claims) is queued by the bus
 * with a copy of the reply and delivered from the main loop on the next
 * turn (a zero-delay timer on the core's timers; tests drain the queue with
 * vpdn_timers_advance() or vpdn_bus_run_pending()). A completion given
 * later (after vpdn_bus_request() returned: an answer from the network)
 * runs the requester's callback inside vpdn_request_complete(), as the
 * claimer's last act on the request. The requester may cancel a pending
 * request until its callback ran, also while the completion is queued; its
 * callback is then never called and the claimer's completion is silently
 * dropped.
 *
 * Questions (vpdn_bus_ask()) are the one exception: requests every claimer
 * answers before returning (ADDRESS_CHECK); the callback runs before
 * vpdn_bus_ask() returns.
 */
#ifndef VPDND_BUS_H
#define VPDND_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vpdn_bus;
struct vpdn_request;
struct vpdn_subscription;
struct vpdn_timers;

enum vpdn_bus_verdict { VPDN_BUS_PASS = 0, VPDN_BUS_CLAIM = 1 };

struct vpdn_event {
	uint32_t type;
	const void *payload;           /* the type's payload struct; borrowed */
	struct vpdn_request *request;  /* non-NULL for requests */
};

/* Return VPDN_BUS_PASS or VPDN_BUS_CLAIM. The payload is borrowed for the
 * duration of the call. */
typedef enum vpdn_bus_verdict (*vpdn_bus_handler)(const struct vpdn_event *ev, void *data);

/* status: 0 or a positive type-specific result on success, negative errno
 * on failure. reply: the type's reply struct or NULL; borrowed for the
 * duration of the call. */
typedef void (*vpdn_request_done)(struct vpdn_request *req, int status,
				  const void *reply, void *data);

struct vpdn_bus *vpdn_bus_new(void);
void vpdn_bus_free(struct vpdn_bus *bus);

/* Register a new event type by name (idempotent: the same name gives the
 * same id). Returns an id >= VPDN_EV__DYNAMIC_BASE or negative errno. */
int vpdn_bus_register_type(struct vpdn_bus *bus, const char *name);
/* Look up a type id by name (built-in or registered), or -ENOENT. */
int vpdn_bus_lookup_type(struct vpdn_bus *bus, const char *name);
const char *vpdn_bus_type_name(struct vpdn_bus *bus, uint32_t type);

struct vpdn_subscription *vpdn_bus_subscribe(struct vpdn_bus *bus, uint32_t type,
					     vpdn_bus_handler fn, void *data);
struct vpdn_subscription *vpdn_bus_subscribe_prio(struct vpdn_bus *bus, uint32_t type,
						  int priority, vpdn_bus_handler fn,
						  void *data);
void vpdn_bus_unsubscribe(struct vpdn_bus *bus, struct vpdn_subscription *sub);

/* Notify every subscriber (or until one claims). Returns 1 if claimed,
 * 0 if not, negative errno on error. */
int vpdn_bus_publish(struct vpdn_bus *bus, uint32_t type, const void *payload);

/* Publish a request. Returns the pending request (owned by the bus; valid
 * until done runs or it is cancelled); NULL only for an invalid type or a
 * NULL done. done never runs before this returns. */
struct vpdn_request *vpdn_bus_request(struct vpdn_bus *bus, uint32_t type,
				      const void *payload, vpdn_request_done done,
				      void *data);
/* Until done ran, also while its completion is queued: done never runs. */
void vpdn_request_cancel(struct vpdn_request *req);

/* Ask a question: a request whose claimer completes it before returning
 * from its handler. done runs before this returns: with the claimer's
 * answer, -ENOENT when nobody claimed, -EPROTO when the claimer did not
 * answer at once (its later completion is dropped). Returns that status,
 * or -EINVAL for an invalid type or a NULL done. */
int vpdn_bus_ask(struct vpdn_bus *bus, uint32_t type, const void *payload,
		 vpdn_request_done done, void *data);

/* Deliver every queued completion now (tests; the core's timer does it on
 * the next main-loop turn). Completions queued by the callbacks it runs
 * are delivered too. Returns how many callbacks were considered. */
size_t vpdn_bus_run_pending(struct vpdn_bus *bus);
/* Objects let go of during a dispatch (a call cleared, a PPP engine
 * dead) are freed through the bus: fn(obj) runs on the next main-loop
 * turn, after that turn's queued completions, never inside the caller, so
 * that code still on the stack after a synchronous publish, a hang-up or a
 * frame may touch obj (which its owner has marked dead and taken out of
 * its tables). Each call runs fn exactly once; whoever requests it makes
 * sure it requests it once. vpdn_bus_run_pending() runs them too. */
typedef void (*vpdn_free_fn)(void *obj);
void vpdn_bus_defer_free(struct vpdn_bus *bus, vpdn_free_fn fn, void *obj);
/* Run every deferred free now (the loader after each module's fini, so no
 * free runs after its module is unloaded; vpdn_bus_free() does it last).
 * Returns how many ran. */
size_t vpdn_bus_run_deferred(struct vpdn_bus *bus);
/* Completions queued, not yet delivered. */
size_t vpdn_bus_pending_count(const struct vpdn_bus *bus);
/* The timers whose zero-delay timer delivers queued completions (the
 * core sets its own; a bus from vpdn_bus_new() has none until then). */
void vpdn_bus_set_timers(struct vpdn_bus *bus, struct vpdn_timers *tm);

/* In a claiming handler: take the request to complete later. The payload
 * is NOT kept: copy what you need before returning. */
struct vpdn_request *vpdn_event_take_request(const struct vpdn_event *ev);
/* Complete a taken request exactly once, now (from the claiming handler)
 * or later. Dropped silently if the requester cancelled it. */
void vpdn_request_complete(struct vpdn_request *req, int status, const void *reply);
bool vpdn_request_cancelled(const struct vpdn_request *req);
/* For the requester, right after vpdn_bus_request(): the claimer already
 * answered (or nobody claimed); the answer waits for the next turn. */
bool vpdn_request_answered(const struct vpdn_request *req);
uint32_t vpdn_request_type(const struct vpdn_request *req);

struct vpdn_bus_stats {
	uint64_t published, claimed, requests, unclaimed;
	uint64_t deferred;      /* completions queued for the next turn */
};
const struct vpdn_bus_stats *vpdn_bus_stats(const struct vpdn_bus *bus);

#ifdef __cplusplus
}
#endif
#endif
