/* SPDX-License-Identifier: MIT */
/*
 * The asynchronous RADIUS transport: servers, sockets, identifiers,
 * retransmission, failover and dead-time, on the GLib main loop. Nothing
 * here blocks: every socket is non-blocking, read from a GSource, and
 * every wait is a vpdn_timer.
 *
 * A request is submitted with a build callback (the packet depends on the
 * server: its secret hides the password and signs the packet, its
 * identifier space gives the id). The client puts a Message-Authenticator
 * first in every packet it sends, calls build for the rest, and finishes
 * the packet. Retransmissions to the same server resend the same octets;
 * a failover rebuilds for the next server.
 *
 * Server states (one function, server_set_state, logs every change):
 *   ALIVE --`retries` tries unanswered--> DEAD (for dead-time seconds)
 *   DEAD --dead-time over--> ALIVE (tried again)
 *   DEAD --an answer arrives anyway--> ALIVE
 * Alive servers are tried in configured order; when all are dead the one
 * whose dead-time ends first is tried anyway (a request is never refused
 * just because every server was dead once).
 *
 * Limits: at most `max_in_flight` requests per service on the wire (and
 * 256 per server socket: the identifier space); the rest wait in a FIFO
 * bounded by `max_queued` (authentication) / `acct_queue` (accounting).
 * Accounting keeps its order: when an accounting request goes
 * unanswered, every younger one in flight goes back to the head of the
 * queue and only the oldest is tried until an answer comes. Tries to one
 * server resend the same octets (a late answer still counts); a request
 * is built again (new identifier, grown Acct-Delay-Time) only for its next
 * server or round.
 * An authentication request that has gone through every server's tries
 * fails with -ETIMEDOUT; an accounting request never gives up (it stays at
 * the head of the queue, in order, until a server answers) and only a full
 * queue refuses new ones (-ENOBUFS).
 *
 * Answers: matched by socket and identifier, then verified (Response
 * Authenticator; Message-Authenticator required on Access-* answers,
 * checked when present on Accounting-Response). An answer that does not
 * verify is counted, logged and dropped: the request keeps waiting for a
 * genuine one (a forger cannot end it).
 *
 * Lifetime: done() is called exactly once per request unless it was
 * cancelled, from the main loop (never inside radius_client_submit). The
 * view passed to done() is valid during the call only. radius_req_cancel()
 * is allowed until done() starts; afterwards the handle is gone.
 */
#ifndef VPDN_RADIUS_CLIENT_H
#define VPDN_RADIUS_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/core.h>

#include "radius.h"

enum radius_service { RADIUS_SVC_AUTH = 0, RADIUS_SVC_ACCT = 1, RADIUS_SVC__COUNT };
const char *radius_service_name(enum radius_service s);

enum radius_server_state { RADIUS_SERVER_ALIVE, RADIUS_SERVER_DEAD };
const char *radius_server_state_name(enum radius_server_state s);

struct radius_server_conf {
	char *name;                   /* as configured: "127.0.0.1" */
	struct sockaddr_storage addr[RADIUS_SVC__COUNT]; /* with the ports */
	uint8_t *secret;              /* never logged */
	size_t secret_len;
};

struct radius_client_conf {
	struct radius_server_conf *servers;
	unsigned n_servers;
	uint32_t timeout_ms;          /* per try */
	unsigned retries;             /* tries per server */
	uint32_t dead_time_s;
	unsigned max_in_flight;       /* per service */
	unsigned max_queued;          /* authentication FIFO */
	unsigned acct_queue;          /* accounting FIFO */
};

struct radius_client;
struct radius_req;

/* Fill the attributes after the Message-Authenticator. The header and the
 * authenticator are set (for Access-Request the random Request
 * Authenticator is in p->buf + 4). age_s: seconds since submit (for
 * Acct-Delay-Time). Return 0 or negative errno (the request then fails). */
typedef int (*radius_build_fn)(struct radius_pkt *p, const uint8_t *secret, size_t secret_len,
			       uint32_t age_s, void *data);
/* status 0: answer verified (v is it; req_auth is what it answered);
 * -ETIMEDOUT: nobody answered; other negative errno: could not send. */
typedef void (*radius_done_fn)(int status, const struct radius_view *v, void *data);

struct radius_client *radius_client_new(struct vpdn_core *core, const struct radius_client_conf *conf,
					int *err);
void radius_client_free(struct radius_client *c);

/* Queue a request. code: Access-Request or Accounting-Request. Returns
 * the handle (until done runs) or NULL with -ENOBUFS (queue full) in *err. */
struct radius_req *radius_client_submit(struct radius_client *c, enum radius_service svc,
					uint8_t code, radius_build_fn build,
					radius_done_fn done, void *data, int *err);
void radius_req_cancel(struct radius_req *r);

struct radius_server_stats {
	const char *name;
	enum radius_server_state state;
	uint32_t dead_left_s;                   /* DEAD: seconds of dead-time left */
	uint64_t requests[RADIUS_SVC__COUNT];
	uint64_t retransmissions[RADIUS_SVC__COUNT];
	uint64_t timeouts[RADIUS_SVC__COUNT];   /* servers given up on */
	uint64_t answers[RADIUS_SVC__COUNT];
	uint64_t bad_answers;                   /* failed verification */
	unsigned in_flight[RADIUS_SVC__COUNT];
};
unsigned radius_client_n_servers(const struct radius_client *c);
void radius_client_server_stats(const struct radius_client *c, unsigned i,
				struct radius_server_stats *out);
unsigned radius_client_queued(const struct radius_client *c, enum radius_service svc);
unsigned radius_client_in_flight(const struct radius_client *c, enum radius_service svc);

/* Free a server conf array's contents (secrets wiped). */
void radius_server_conf_clear(struct radius_server_conf *s);

#endif
