/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv6 server's message handling (RFC 8415 section 18.3) for one
 * session: Solicit, Request, Renew, Rebind, Release and
 * Information-Request, IA_PD only (addresses come from the RA). The
 * caller (dhcpv6.c) has found the session from the source address and
 * decoded the message; what is not for us is dropped here with a counter
 * and a line, every answer goes back to the client's link-local address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcpv6-private.h"

static void drop(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg,
		 uint64_t *counter, const char *why)
{
	(*counter)++;
	vpdn_warn(m->log, "%s DHCPv6: %s dropped: %s", s->interface,
		  dhcpv6_msg_type_name(msg->type), why);
}

static struct dh_lease *find_lease(struct dh_session *s, const struct dhcpv6_duid *client,
				   uint32_t iaid)
{
	for (guint i = 0; i < s->leases->len; i++) {
		struct dh_lease *l = s->leases->pdata[i];
		if (l->iaid == iaid && dhcpv6_duid_eq(&l->client_id, client))
			return l;
	}
	return NULL;
}

void dh_session_dns(struct dh_module *m, struct dh_session *s, struct dhcpv6_msg *out)
{
	const struct dh_pool *p = s->pool_name ? g_hash_table_lookup(m->pools, s->pool_name) : NULL;

	if (s->n_dns) {
		memcpy(out->dns, s->dns, sizeof(s->dns[0]) * s->n_dns);
		out->n_dns = s->n_dns;
	} else if (p) {
		memcpy(out->dns, p->dns, sizeof(p->dns[0]) * p->n_dns);
		out->n_dns = p->n_dns;
	}
}

/* A new lease for (client, iaid): from auth's Delegated-IPv6-Prefix, else
 * the session's pool. NULL with *status set when none can be had. */
static struct dh_lease *new_lease(struct dh_module *m, struct dh_session *s,
				  const struct dhcpv6_duid *client, uint32_t iaid,
				  uint16_t *status)
{
	struct dh_pool *p = s->pool_name ? g_hash_table_lookup(m->pools, s->pool_name) : NULL;
	struct in6_addr pfx;
	uint64_t index = 0;

	*status = DHCPV6_STATUS_NO_PREFIX_AVAIL;
	if (s->leases->len >= m->max_per_session || m->n_leases >= m->max_leases) {
		(*m->c_limit)++;
		vpdn_warn(m->log, "%s DHCPv6: no prefix for IAID %u: %s lease limit (%u) reached",
			  s->interface, iaid,
			  s->leases->len >= m->max_per_session ? "session" : "node",
			  s->leases->len >= m->max_per_session ? m->max_per_session : m->max_leases);
		return NULL;
	}
	if (s->auth_plen) {
		for (guint i = 0; i < s->leases->len; i++) {
			struct dh_lease *o = s->leases->pdata[i];
			if (!o->pool && o->plen == s->auth_plen) {
				(*m->c_no_prefix)++;
				vpdn_warn(m->log, "%s DHCPv6: no prefix for IAID %u: the session's "
					  "Delegated-IPv6-Prefix is held by IAID %u", s->interface,
					  iaid, o->iaid);
				return NULL;
			}
		}
		return dh_lease_new(s, client, iaid, &s->auth_prefix, s->auth_plen, NULL, 0,
				    p ? p->preferred : 3600, p ? p->valid : 7200);
	}
	if (!p) {
		(*m->c_no_prefix)++;
		vpdn_warn(m->log, "%s DHCPv6: no prefix for IAID %u: %s", s->interface, iaid,
			  s->pool_name ? "no such dhcpv6-pool" : "no pool and no Delegated-IPv6-Prefix");
		return NULL;
	}
	if (dh_pool_take(p, &index, &pfx) < 0) {
		(*m->c_no_prefix)++;
		vpdn_warn(m->log, "%s DHCPv6: no prefix for IAID %u: pool %s is full (%zu)",
			  s->interface, iaid, p->name, dh_pool_in_use(p));
		return NULL;
	}
	return dh_lease_new(s, client, iaid, &pfx, p->assign, p, index, p->preferred, p->valid);
}

static void ia_from_lease(struct dhcpv6_ia_pd *ia, const struct dh_lease *l)
{
	ia->t1 = l->preferred / 2;
	ia->t2 = (uint32_t)((uint64_t)l->preferred * 4 / 5);
	ia->n_prefix = 1;
	ia->prefix[0].preferred = l->preferred;
	ia->prefix[0].valid = l->valid;
	ia->prefix[0].plen = l->plen;
	ia->prefix[0].prefix = l->prefix;
}

static void reply_base(struct dh_module *m, const struct dhcpv6_msg *msg, struct dhcpv6_msg *r,
		       uint8_t type)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->xid = msg->xid;
	r->client_id = msg->client_id;
	r->server_id = m->duid;
}

static void answer(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg,
		   struct dhcpv6_msg *r)
{
	if (dhcpv6_oro_has(msg, DHCPV6_OPT_DNS_SERVERS) || msg->type == DHCPV6_INFORMATION_REQUEST)
		dh_session_dns(m, s, r);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s DHCPv6: %s xid 0x%06x answered with %s",
		   s->interface, dhcpv6_msg_type_name(msg->type), msg->xid,
		   dhcpv6_msg_type_name(r->type));
	dh_send(m, s, false, r);
}

/* Solicit, Request: give each IA_PD a prefix (bind when commit). */
static void assign(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg,
		   bool commit)
{
	struct dhcpv6_msg r;

	reply_base(m, msg, &r, commit ? DHCPV6_REPLY : DHCPV6_ADVERTISE);
	r.rapid_commit = commit && msg->type == DHCPV6_SOLICIT;
	for (size_t i = 0; i < msg->n_ia_pd; i++) {
		struct dhcpv6_ia_pd *ia = &r.ia_pd[r.n_ia_pd++];
		uint16_t status;
		ia->iaid = msg->ia_pd[i].iaid;
		struct dh_lease *l = find_lease(s, &msg->client_id, ia->iaid);
		if (!l)
			l = new_lease(m, s, &msg->client_id, ia->iaid, &status);
		if (!l) {
			dhcpv6_status_set(&ia->status, status, "no prefix available");
			continue;
		}
		if (commit)
			dh_lease_bind(l);
		ia_from_lease(ia, l);
	}
	if (!msg->n_ia_pd && msg->type == DHCPV6_SOLICIT)
		dhcpv6_status_set(&r.status, DHCPV6_STATUS_NO_ADDRS_AVAIL,
				  "prefix delegation only");
	answer(m, s, msg, &r);
}

/* Renew, Rebind: extend what is bound; NoBinding for the rest. */
static void extend(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg)
{
	struct dhcpv6_msg r;

	reply_base(m, msg, &r, DHCPV6_REPLY);
	for (size_t i = 0; i < msg->n_ia_pd; i++) {
		struct dhcpv6_ia_pd *ia = &r.ia_pd[r.n_ia_pd++];
		ia->iaid = msg->ia_pd[i].iaid;
		struct dh_lease *l = find_lease(s, &msg->client_id, ia->iaid);
		if (!l || l->state != DH_LEASE_BOUND) {
			(*m->c_no_binding)++;
			vpdn_warn(m->log, "%s DHCPv6: %s for IAID %u we have no binding of",
				  s->interface, dhcpv6_msg_type_name(msg->type), ia->iaid);
			dhcpv6_status_set(&ia->status, DHCPV6_STATUS_NO_BINDING, "no binding");
			continue;
		}
		dh_lease_bind(l);
		ia_from_lease(ia, l);
	}
	answer(m, s, msg, &r);
}

static void release(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg)
{
	struct dhcpv6_msg r;

	reply_base(m, msg, &r, DHCPV6_REPLY);
	for (size_t i = 0; i < msg->n_ia_pd; i++) {
		struct dh_lease *l = find_lease(s, &msg->client_id, msg->ia_pd[i].iaid);
		if (l) {
			dh_lease_end(l, "released by the client");
			continue;
		}
		struct dhcpv6_ia_pd *ia = &r.ia_pd[r.n_ia_pd++];
		ia->iaid = msg->ia_pd[i].iaid;
		(*m->c_no_binding)++;
		dhcpv6_status_set(&ia->status, DHCPV6_STATUS_NO_BINDING, "no binding");
	}
	dhcpv6_status_set(&r.status, DHCPV6_STATUS_SUCCESS, "released");
	answer(m, s, msg, &r);
}

void dh_server_input(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg)
{
	bool need_sid = msg->type == DHCPV6_REQUEST || msg->type == DHCPV6_RENEW ||
			msg->type == DHCPV6_RELEASE;
	bool no_sid = msg->type == DHCPV6_SOLICIT || msg->type == DHCPV6_REBIND;

	switch (msg->type) {
	case DHCPV6_SOLICIT:
	case DHCPV6_REQUEST:
	case DHCPV6_RENEW:
	case DHCPV6_REBIND:
	case DHCPV6_RELEASE:
	case DHCPV6_INFORMATION_REQUEST:
		break;
	default:
		drop(m, s, msg, m->c_unexpected, "not a message a server answers");
		return;
	}
	/* RFC 8415 16: the identifiers each message must (not) carry */
	if (msg->type != DHCPV6_INFORMATION_REQUEST && !msg->client_id.len) {
		drop(m, s, msg, m->c_malformed, "no Client Identifier");
		return;
	}
	if (need_sid && !dhcpv6_duid_eq(&msg->server_id, &m->duid)) {
		drop(m, s, msg, m->c_wrong_server,
		     msg->server_id.len ? "another server's identifier" : "no Server Identifier");
		return;
	}
	if (no_sid && msg->server_id.len) {
		drop(m, s, msg, m->c_malformed, "a Server Identifier it must not carry");
		return;
	}
	if (msg->type == DHCPV6_INFORMATION_REQUEST) {
		if (msg->server_id.len && !dhcpv6_duid_eq(&msg->server_id, &m->duid)) {
			drop(m, s, msg, m->c_wrong_server, "another server's identifier");
			return;
		}
		if (msg->n_ia_pd || msg->n_ia_na) {
			drop(m, s, msg, m->c_malformed, "an IA option");
			return;
		}
		struct dhcpv6_msg r;
		reply_base(m, msg, &r, DHCPV6_REPLY);
		answer(m, s, msg, &r);
		return;
	}
	switch (msg->type) {
	case DHCPV6_SOLICIT:
		assign(m, s, msg, msg->rapid_commit && m->rapid_commit);
		break;
	case DHCPV6_REQUEST:
		assign(m, s, msg, true);
		break;
	case DHCPV6_RENEW:
	case DHCPV6_REBIND:
		extend(m, s, msg);
		break;
	case DHCPV6_RELEASE:
		release(m, s, msg);
		break;
	default:
		break;
	}
}
