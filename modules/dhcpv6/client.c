/* SPDX-License-Identifier: MIT */
/*
 * The client state machine (requesting router, RFC 8415 18.2), for a
 * dialer whose interface says `dhcpv6-client-pd`: one IA_PD.
 *
 *   SOLICITING --Advertise with a prefix--> REQUESTING --Reply--> BOUND
 *   SOLICITING --Reply (Rapid Commit)--> BOUND
 *   BOUND --T1--> RENEWING --T2--> REBINDING --valid over--> SOLICITING
 *   RENEWING/REBINDING --Reply with the prefix--> BOUND
 *   REQUESTING --REQ_MAX_RC tries, NoPrefixAvail--> SOLICITING
 *   any --free (PPP_IPV6_DOWN)--> STOPPED (a Release when bound)
 *
 * The first Solicit waits a random 0..SOL_MAX_DELAY (1 s, RFC 8415
 * 18.2.1; the ip module puts our link-local address on the TUN in the
 * meantime). Retransmission (RFC 8415 15): the first timeout, doubled each try up to
 * a cap; caps are SOL_MAX_RT 120 s (not 3600: a dial-up link wants its
 * prefix soon after the line is back), REQ 30 s x 10, REN/REB 600 s.
 * BOUND puts the first /64 of the prefix with the configured host part
 * (dhcpv6-client-pd-address, "::1/64") on dhcpv6-client-pd-interface
 * (netlink, sock.c) and takes it away when the prefix goes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcpv6-private.h"
#include "ndp.h"

#define SOL_MAX_DELAY 1000u
#define SOL_TIMEOUT 1000u
#define SOL_MAX_RT 120000u
#define REQ_TIMEOUT 1000u
#define REQ_MAX_RT 30000u
#define REQ_MAX_RC 10u
#define REN_TIMEOUT 10000u
#define REN_MAX_RT 600000u

const char *dh_client_state_name(enum dh_client_state s)
{
	switch (s) {
	case DH_CLIENT_SOLICITING: return "SOLICITING";
	case DH_CLIENT_REQUESTING: return "REQUESTING";
	case DH_CLIENT_BOUND: return "BOUND";
	case DH_CLIENT_RENEWING: return "RENEWING";
	case DH_CLIENT_REBINDING: return "REBINDING";
	case DH_CLIENT_STOPPED: return "STOPPED";
	default: return "UNKNOWN";
	}
}

static struct dh_module *mod(struct dh_client *c) { return c->s->m; }

static void set_state(struct dh_client *c, enum dh_client_state to, const char *why)
{
	vpdn_debug(mod(c)->log, VPDN_DEBUG_IP_EVENTS, "%s DHCPv6: client from %s to %s (%s)",
		   c->s->interface, dh_client_state_name(c->state), dh_client_state_name(to), why);
	c->state = to;
}

static void new_xid(struct dh_client *c)
{
	uint8_t b[3];

	vpdn_random_bytes(b, sizeof(b));
	c->xid = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	c->started = vpdn_timers_now(mod(c)->tm);
	c->tries = 0;
}

static void send_msg(struct dh_client *c, uint8_t type)
{
	struct dh_module *m = mod(c);
	struct dhcpv6_msg msg;
	uint64_t el = (vpdn_timers_now(m->tm) - c->started) / 10;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.xid = c->xid;
	msg.client_id = m->duid;
	if (type == DHCPV6_REQUEST || type == DHCPV6_RENEW || type == DHCPV6_RELEASE)
		msg.server_id = c->server_id;
	msg.has_elapsed = type != DHCPV6_RELEASE;
	msg.elapsed = el > 0xffff ? 0xffff : (uint16_t)el;
	if (type == DHCPV6_SOLICIT) {
		msg.rapid_commit = true;
		msg.n_oro = 1;
		msg.oro[0] = DHCPV6_OPT_DNS_SERVERS;
	}
	msg.n_ia_pd = 1;
	msg.ia_pd[0].iaid = c->iaid;
	if (c->have_prefix && type != DHCPV6_SOLICIT) {
		msg.ia_pd[0].n_prefix = 1;
		msg.ia_pd[0].prefix[0].plen = c->plen;
		msg.ia_pd[0].prefix[0].prefix = c->prefix;
		if (type != DHCPV6_RELEASE) {
			msg.ia_pd[0].prefix[0].preferred = c->preferred;
			msg.ia_pd[0].prefix[0].valid = c->valid;
		}
	}
	c->tries++;
	dh_send(m, c->s, true, &msg);
}

/* The LAN's Router Advertisements (RFC 4861 6.2.4): the /64 put on the
 * LAN, on-link and autonomous with the lease's lifetimes, so hosts
 * behind us configure themselves by SLAAC and take us as their router;
 * three at LAN_RA_INITIAL_MS, then every LAN_RA_INTERVAL_MS. On the way
 * out one with router lifetime 0 and the prefix deprecated. */
#define LAN_RA_INITIAL 3
#define LAN_RA_INITIAL_MS 4000
#define LAN_RA_INTERVAL_MS 200000
#define LAN_RA_LIFETIME 1800

static void lan_ra_send(struct dh_client *c, bool last)
{
	struct dh_module *m = mod(c);
	struct ndp_ra ra = { .router_lifetime = last ? 0 : LAN_RA_LIFETIME, .n_prefixes = 1 };
	uint8_t buf[256];
	ssize_t n;
	int r;

	if (!m->io->lan_ra)
		return;
	ra.prefixes[0] = (struct ndp_prefix){ .prefix = c->lan_addr, .plen = 64, .onlink = true,
					      .autonomous = true, .valid = c->valid,
					      .preferred = last ? 0 : c->preferred };
	dh_prefix_mask(&ra.prefixes[0].prefix, 64);
	n = ndp_ra_encode(&ra, &in6addr_any, &(struct in6_addr){ .s6_addr = { 0xff, 0x02, [15] = 1 } },
			  buf, sizeof(buf));
	if (n < 0)
		return;
	r = m->io->lan_ra(m->io_ctx, c->lan, buf, (size_t)n);
	if (r < 0)
		vpdn_warn(m->log, "%s DHCPv6: Failed to send an RA on %s: %s", c->s->interface,
			  c->lan, g_strerror(-r));
	else
		c->ra_sent++;
}

static void on_lan_ra(struct vpdn_timer *t, void *data)
{
	struct dh_client *c = data;

	lan_ra_send(c, false);
	vpdn_timer_arm(mod(c)->tm, &c->ra_timer,
		       c->ra_sent < LAN_RA_INITIAL ? LAN_RA_INITIAL_MS : LAN_RA_INTERVAL_MS);
}

static void lan(struct dh_client *c, bool add)
{
	struct dh_module *m = mod(c);
	char a[INET6_ADDRSTRLEN];

	if (!c->lan || c->lan_set == add)
		return;
	if (add) {
		c->lan_addr = c->prefix;
		dh_prefix_mask(&c->lan_addr, 64);
		for (int i = 8; i < 16; i++)
			c->lan_addr.s6_addr[i] |= c->lan_host.s6_addr[i];
	}
	inet_ntop(AF_INET6, &c->lan_addr, a, sizeof(a));
	int r = m->io->lan_addr(m->io_ctx, c->lan, &c->lan_addr, c->lan_plen,
				add ? c->preferred : 0, add ? c->valid : 0, add);
	if (r < 0 && add) {
		vpdn_warn(m->log, "%s DHCPv6: Failed to put %s/%u on %s: %s", c->s->interface, a,
			  c->lan_plen, c->lan, g_strerror(-r));
		return;
	}
	vpdn_info(m->log, "%s DHCPv6: %s/%u %s %s", c->s->interface, a, c->lan_plen,
		  add ? "on" : "taken off", c->lan);
	c->lan_set = add;
	if (add) {
		c->ra_sent = 0;
		on_lan_ra(&c->ra_timer, c);
	} else {
		vpdn_timer_cancel(m->tm, &c->ra_timer);
		lan_ra_send(c, true);
	}
}

static void drop_prefix(struct dh_client *c)
{
	lan(c, false);
	c->have_prefix = false;
	vpdn_timer_cancel(mod(c)->tm, &c->expire);
}

static void solicit(struct dh_client *c, const char *why)
{
	set_state(c, DH_CLIENT_SOLICITING, why);
	new_xid(c);
	c->rt = SOL_TIMEOUT;
	send_msg(c, DHCPV6_SOLICIT);
	vpdn_timer_arm(mod(c)->tm, &c->timer, c->rt);
}

static uint32_t backoff(uint32_t rt, uint32_t cap)
{
	uint64_t n = (uint64_t)rt * 2;
	return n > cap ? cap : (uint32_t)n;
}

static void on_timer(struct vpdn_timer *t, void *data)
{
	struct dh_client *c = data;
	struct dh_module *m = mod(c);
	uint64_t now = vpdn_timers_now(m->tm);

	(void)t;
	switch (c->state) {
	case DH_CLIENT_SOLICITING:
		if (!c->tries) {        /* the delayed first one */
			new_xid(c);
			c->rt = SOL_TIMEOUT;
		} else {
			c->rt = backoff(c->rt, SOL_MAX_RT);
		}
		send_msg(c, DHCPV6_SOLICIT);
		break;
	case DH_CLIENT_REQUESTING:
		if (c->tries >= REQ_MAX_RC) {
			solicit(c, "no Reply to the Request");
			return;
		}
		c->rt = backoff(c->rt, REQ_MAX_RT);
		send_msg(c, DHCPV6_REQUEST);
		break;
	case DH_CLIENT_BOUND:
		set_state(c, DH_CLIENT_RENEWING, "T1");
		new_xid(c);
		c->rt = REN_TIMEOUT;
		send_msg(c, DHCPV6_RENEW);
		break;
	case DH_CLIENT_RENEWING:
		if (now - c->started >= (uint64_t)(c->t2 - c->t1) * 1000) {
			set_state(c, DH_CLIENT_REBINDING, "T2");
			new_xid(c);
			c->rt = REN_TIMEOUT;
			send_msg(c, DHCPV6_REBIND);
			break;
		}
		c->rt = backoff(c->rt, REN_MAX_RT);
		send_msg(c, DHCPV6_RENEW);
		break;
	case DH_CLIENT_REBINDING:
		c->rt = backoff(c->rt, REN_MAX_RT);
		send_msg(c, DHCPV6_REBIND);
		break;
	default:
		vpdn_err(m->log, "%s DHCPv6: client timer in state %s", c->s->interface,
			 dh_client_state_name(c->state));
		return;
	}
	uint64_t wait = c->rt;
	if (c->state == DH_CLIENT_RENEWING) {
		/* wake at T2 to rebind, even between retransmissions */
		uint64_t t2 = c->started + (uint64_t)(c->t2 - c->t1) * 1000;
		now = vpdn_timers_now(m->tm);
		if (t2 > now && t2 - now < wait)
			wait = t2 - now;
	}
	vpdn_timer_arm(m->tm, &c->timer, wait);
}

static void on_expire(struct vpdn_timer *t, void *data)
{
	struct dh_client *c = data;
	char a[INET6_ADDRSTRLEN];

	(void)t;
	inet_ntop(AF_INET6, &c->prefix, a, sizeof(a));
	vpdn_warn(mod(c)->log, "%s DHCPv6: delegated prefix %s/%u expired", c->s->interface, a,
		  c->plen);
	drop_prefix(c);
	solicit(c, "valid lifetime over");
}

struct dh_client *dh_client_new(struct dh_session *s, const char *lan_if,
				const struct in6_addr *host, uint8_t lan_plen)
{
	struct dh_client *c = g_new0(struct dh_client, 1);

	c->s = s;
	c->state = DH_CLIENT_STOPPED;
	c->iaid = 1;
	c->lan = g_strdup(lan_if);
	c->lan_host = *host;
	c->lan_plen = lan_plen;
	vpdn_timer_init(&c->timer, on_timer, c);
	vpdn_timer_init(&c->expire, on_expire, c);
	vpdn_timer_init(&c->ra_timer, on_lan_ra, c);
	uint16_t r;
	vpdn_random_bytes(&r, sizeof(r));
	set_state(c, DH_CLIENT_SOLICITING, "IPv6CP up");
	c->tries = 0;
	vpdn_timer_arm(s->m->tm, &c->timer, r % SOL_MAX_DELAY);
	return c;
}

void dh_client_free(struct dh_client *c)
{
	struct dh_module *m = mod(c);

	if (c->have_prefix && c->server_id.len) {
		new_xid(c);
		send_msg(c, DHCPV6_RELEASE);   /* once: the link is going */
	}
	drop_prefix(c);
	set_state(c, DH_CLIENT_STOPPED, "IPv6CP down");
	vpdn_timer_cancel(m->tm, &c->timer);
	vpdn_timer_cancel(m->tm, &c->expire);
	vpdn_timer_cancel(m->tm, &c->ra_timer);
	c->s->client = NULL;
	g_free(c->lan);
	g_free(c);
}

/* The first IA_PD of ours with a usable prefix, or NULL (*status the
 * reason). */
static const struct dhcpv6_iaprefix *usable(struct dh_client *c, const struct dhcpv6_msg *msg,
					    const struct dhcpv6_ia_pd **iap, uint16_t *status)
{
	*status = msg->status.present ? msg->status.code : DHCPV6_STATUS_SUCCESS;
	for (size_t i = 0; i < msg->n_ia_pd; i++) {
		const struct dhcpv6_ia_pd *ia = &msg->ia_pd[i];
		if (ia->iaid != c->iaid)
			continue;
		if (ia->status.present && ia->status.code != DHCPV6_STATUS_SUCCESS) {
			*status = ia->status.code;
			return NULL;
		}
		for (size_t j = 0; j < ia->n_prefix; j++) {
			const struct dhcpv6_iaprefix *x = &ia->prefix[j];
			/* RFC 8415 21.22: preferred > valid is discarded; a prefix
			 * longer than /64 cannot number a LAN */
			if (x->preferred > x->valid || !x->valid || x->plen > 64 || x->plen < 8)
				continue;
			*iap = ia;
			return x;
		}
		*status = DHCPV6_STATUS_NO_PREFIX_AVAIL;
	}
	if (*status == DHCPV6_STATUS_SUCCESS)
		*status = DHCPV6_STATUS_NO_PREFIX_AVAIL;
	return NULL;
}

static void take(struct dh_client *c, const struct dhcpv6_msg *msg,
		 const struct dhcpv6_ia_pd *ia, const struct dhcpv6_iaprefix *x)
{
	struct dh_module *m = mod(c);
	char a[INET6_ADDRSTRLEN];
	bool same = c->have_prefix && c->plen == x->plen && !memcmp(&c->prefix, &x->prefix, 16);

	if (c->have_prefix && !same)
		drop_prefix(c);
	c->server_id = msg->server_id;
	c->prefix = x->prefix;
	c->plen = x->plen;
	dh_prefix_mask(&c->prefix, c->plen);
	c->preferred = x->preferred;
	c->valid = x->valid;
	c->t1 = ia->t1 ? ia->t1 : x->preferred / 2;
	c->t2 = ia->t2 ? ia->t2 : (uint32_t)((uint64_t)x->preferred * 4 / 5);
	if (c->t2 < c->t1)
		c->t2 = c->t1;
	c->have_prefix = true;
	set_state(c, DH_CLIENT_BOUND, dhcpv6_msg_type_name(msg->type));
	inet_ntop(AF_INET6, &c->prefix, a, sizeof(a));
	if (!same)
		vpdn_info(m->log, "%s DHCPv6: got prefix %s/%u (valid %u s)", c->s->interface, a,
			  c->plen, c->valid);
	lan(c, true);
	vpdn_timer_arm(m->tm, &c->timer, (uint64_t)c->t1 * 1000);
	if (c->valid != 0xffffffff)
		vpdn_timer_arm(m->tm, &c->expire, (uint64_t)c->valid * 1000);
}

void dh_client_input(struct dh_client *c, const struct dhcpv6_msg *msg)
{
	struct dh_module *m = mod(c);
	const struct dhcpv6_ia_pd *ia = NULL;
	const struct dhcpv6_iaprefix *x;
	uint16_t status;

	if ((msg->type != DHCPV6_ADVERTISE && msg->type != DHCPV6_REPLY) || msg->xid != c->xid ||
	    !dhcpv6_duid_eq(&msg->client_id, &m->duid) || !msg->server_id.len) {
		(*m->c_unexpected)++;
		vpdn_warn(m->log, "%s DHCPv6: %s xid 0x%06x dropped: not an answer to ours",
			  c->s->interface, dhcpv6_msg_type_name(msg->type), msg->xid);
		return;
	}
	if ((c->state == DH_CLIENT_REQUESTING || c->state == DH_CLIENT_RENEWING) &&
	    !dhcpv6_duid_eq(&msg->server_id, &c->server_id)) {
		(*m->c_wrong_server)++;
		vpdn_warn(m->log, "%s DHCPv6: %s dropped: another server's identifier",
			  c->s->interface, dhcpv6_msg_type_name(msg->type));
		return;
	}
	x = usable(c, msg, &ia, &status);
	switch (c->state) {
	case DH_CLIENT_SOLICITING:
		if (!x) {
			vpdn_info(m->log, "%s DHCPv6: %s without a prefix (%s)", c->s->interface,
				  dhcpv6_msg_type_name(msg->type), dhcpv6_status_name(status));
			return;   /* keep soliciting */
		}
		if (msg->type == DHCPV6_REPLY) {
			if (!msg->rapid_commit)
				return;
			take(c, msg, ia, x);
			return;
		}
		c->server_id = msg->server_id;
		c->prefix = x->prefix;
		c->plen = x->plen;
		set_state(c, DH_CLIENT_REQUESTING, "Advertise");
		new_xid(c);
		c->rt = REQ_TIMEOUT;
		send_msg(c, DHCPV6_REQUEST);
		vpdn_timer_arm(m->tm, &c->timer, c->rt);
		return;
	case DH_CLIENT_REQUESTING:
	case DH_CLIENT_RENEWING:
	case DH_CLIENT_REBINDING:
		if (msg->type != DHCPV6_REPLY)
			return;
		if (x) {
			take(c, msg, ia, x);
			return;
		}
		vpdn_warn(m->log, "%s DHCPv6: Reply without our prefix (%s)", c->s->interface,
			  dhcpv6_status_name(status));
		if (c->state == DH_CLIENT_REQUESTING || status == DHCPV6_STATUS_NO_BINDING) {
			drop_prefix(c);
			solicit(c, dhcpv6_status_name(status));
		}
		return;
	default:
		(*m->c_unexpected)++;
		vpdn_warn(m->log, "%s DHCPv6: %s in state %s dropped", c->s->interface,
			  dhcpv6_msg_type_name(msg->type), dh_client_state_name(c->state));
		return;
	}
}
