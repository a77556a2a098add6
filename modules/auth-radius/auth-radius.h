/* SPDX-License-Identifier: MIT */
/*
 * auth-radius: AAA over RADIUS. Answers VPDN_EV_AUTH_REQUEST (PAP, CHAP)
 * with an Access-Request through the asynchronous client (client.h),
 * applies what the Access-Accept authorizes, and accounts every PPP
 * network session (Start / Interim-Update / Stop, RFC 2866).
 *
 * Config (top level; see man/vpdnd-radius.5):
 *   radius {
 *     server "127.0.0.1" { secret = "..." auth-port = 1812 acct-port = 1813 }
 *     timeout = 3  retries = 3  dead-time = 60
 *     max-in-flight = 256  max-queued = 4096
 *     accounting = true  acct-queue = 10000  interim-interval = 0
 *     nas-identifier = "LNS"  nas-ip-address = "192.0.2.2"
 *   }
 *
 * AUTH_REQUEST: claimed when the method is PAP or CHAP-MD5 and at least one
 * server is configured; completed later (from the main loop), never inside
 * the claiming handler: status 0 ok = true (Access-Accept, checked), or
 * -EACCES (Access-Reject, reason from Reply-Message), -ETIMEDOUT (no
 * server answered), -ENOBUFS (too many requests queued).
 */
#ifndef VPDN_AUTH_RADIUS_H
#define VPDN_AUTH_RADIUS_H

#include <glib.h>
#include <confuse.h>
#include <netinet/in.h>

#include <vpdnd/core.h>

#include "client.h"

struct auth_radius;

extern cfg_opt_t auth_radius_options[];

int auth_radius_check(cfg_t *cfg);
int auth_radius_new(struct vpdn_core *core, cfg_t *cfg, struct auth_radius **out);
/* Servers and limits take effect for new requests; pending ones finish on
 * the old client. */
int auth_radius_reload(struct auth_radius *ar, cfg_t *cfg);
void auth_radius_free(struct auth_radius *ar);
/* Restart in place: the accounting's state (acct_save/acct_restore). */
GVariant *auth_radius_save(struct auth_radius *ar);
int auth_radius_restore(struct auth_radius *ar, GVariant *data, uint32_t version);

/* What an Access-Accept authorized (radius_authz_parse). */
struct radius_authz {
	struct in_addr address;       /* 0: none or pool (255.255.255.254) */
	bool pool;                    /* 255.255.255.254: the NAS assigns */
	struct in_addr netmask;
	uint32_t session_timeout;     /* s, 0 none */
	uint32_t idle_timeout;        /* s, 0 none */
	uint32_t interim_interval;    /* s, 0 none */
	uint8_t class_[RADIUS_ATTR_MAX];
	size_t class_len;
	unsigned n_routes;            /* Framed-Route attributes seen */
	char filter_id[RADIUS_ATTR_MAX + 1];
	char pool_name[RADIUS_ATTR_MAX + 1];
	char reply_message[RADIUS_ATTR_MAX + 1]; /* printable copy */
	/* framed.c: the routes toward the user that passed the checks
	 * (Framed-IP-Netmask's network first, then each Framed-Route), and
	 * how many were refused, the first with its reason */
	struct vpdn_route4 route4[VPDN_ROUTES_MAX];
	size_t n_route4;
	unsigned routes_refused;
	char route_refusal[160];
	/* framed6.c: the IPv6 authorization that passed the checks; the
	 * pool names are copies (ipv6's pointers are set by
	 * radius_authz_ipv6_result(), never inside z: z is copied) */
	bool has_ipv6;
	struct vpdn_auth_ipv6 ipv6;
	char ipv6_pool[RADIUS_ATTR_MAX + 1], ipv6_dpool[RADIUS_ATTR_MAX + 1];
	unsigned ipv6_refused;
	char ipv6_refusal[160];
};
/* Parse an Access-Accept's authorization. Returns 0, or -EPERM with *why
 * when it refuses the service (Service-Type not Framed-User, Framed-
 * Protocol not PPP), -EBADMSG when an attribute has a wrong length. */
int radius_authz_parse(const struct radius_view *v, struct radius_authz *z, const char **why);

/* framed.c. One Framed-Route value ("10.1.0.0/16 0.0.0.0 1"; user: the
 * Framed-IP-Address or 0): 0 with *out, or -EINVAL / -EPERM with *why. */
int radius_framed_route_parse(const uint8_t *val, size_t len, struct in_addr user,
			      struct vpdn_route4 *out, const char **why);
/* The network of Framed-IP-Address/Framed-IP-Netmask: 1 with *out, 0 for
 * a /32 (no route beyond the host route), -errno with *why. */
int radius_framed_netmask_route(struct in_addr address, struct in_addr netmask,
				struct vpdn_route4 *out, const char **why);
/* Fill z's route4 / routes_refused from v (after the other attributes). */
void radius_authz_routes(const struct radius_view *v, struct radius_authz *z);

/* framed6.c. A Framed-IPv6-Prefix / Delegated-IPv6-Prefix value
 * (Reserved, Prefix-Length, Prefix): 0 with *out and *plen, or -EINVAL /
 * -EPERM with *why. */
int radius_prefix6_parse(const uint8_t *val, size_t len, struct in6_addr *out, uint8_t *plen,
			 const char **why);
/* Fill z's IPv6 part from v (refusing hostile values one by one). */
void radius_authz_ipv6(const struct radius_view *v, struct radius_authz *z);
/* z's IPv6 authorization as the contract struct (in *out, its pool names
 * pointing into z), or NULL for none. */
const struct vpdn_auth_ipv6 *radius_authz_ipv6_result(struct radius_authz *z,
						       struct vpdn_auth_ipv6 *out);

/* The client in use (tests, show). */
struct radius_client *auth_radius_client(struct auth_radius *ar);
/* Accounting records refused because the queue was full. */
uint64_t auth_radius_acct_dropped(struct auth_radius *ar);
unsigned auth_radius_acct_queued(struct auth_radius *ar);
unsigned auth_radius_sessions(struct auth_radius *ar);
unsigned auth_radius_acct_pending(struct auth_radius *ar);

#endif
