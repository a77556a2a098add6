/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 (RFC 8415) wire format: client/server messages and the options
 * vpdnd speaks (Client/Server Identifier, IA_PD with IAPREFIX, Status
 * Code, Rapid Commit, ORO, Elapsed Time, Preference, DNS Recursive Name
 * Server of RFC 3646). Shared by the dhcpv6 module, its tests and the
 * fuzzer.
 *
 * Every input is hostile: dhcpv6_decode() checks each length against the
 * RFC layout and the enclosing option, refuses what overruns, duplicates
 * a singleton option or exceeds the fixed bounds below (one line in *why),
 * and copies what it keeps into struct dhcpv6_msg (nothing borrowed from
 * the buffer). Relay messages (RFC 8415 section 9) are refused.
 */
#ifndef VPDN_DHCPV6_H
#define VPDN_DHCPV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DHCPV6_CLIENT_PORT 546
#define DHCPV6_SERVER_PORT 547
/* ff02::1:2 All_DHCP_Relay_Agents_and_Servers */
#define DHCPV6_ALL_SERVERS_INIT { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2 } } }

enum dhcpv6_msg_type {
	DHCPV6_SOLICIT = 1,
	DHCPV6_ADVERTISE = 2,
	DHCPV6_REQUEST = 3,
	DHCPV6_CONFIRM = 4,
	DHCPV6_RENEW = 5,
	DHCPV6_REBIND = 6,
	DHCPV6_REPLY = 7,
	DHCPV6_RELEASE = 8,
	DHCPV6_DECLINE = 9,
	DHCPV6_RECONFIGURE = 10,
	DHCPV6_INFORMATION_REQUEST = 11,
	DHCPV6_RELAY_FORW = 12,
	DHCPV6_RELAY_REPL = 13,
};
/* "SOLICIT", ...; "UNKNOWN" otherwise */
const char *dhcpv6_msg_type_name(int type);

enum dhcpv6_option {
	DHCPV6_OPT_CLIENTID = 1,
	DHCPV6_OPT_SERVERID = 2,
	DHCPV6_OPT_IA_NA = 3,
	DHCPV6_OPT_IA_TA = 4,
	DHCPV6_OPT_IAADDR = 5,
	DHCPV6_OPT_ORO = 6,
	DHCPV6_OPT_PREFERENCE = 7,
	DHCPV6_OPT_ELAPSED_TIME = 8,
	DHCPV6_OPT_STATUS_CODE = 13,
	DHCPV6_OPT_RAPID_COMMIT = 14,
	DHCPV6_OPT_DNS_SERVERS = 23,
	DHCPV6_OPT_IA_PD = 25,
	DHCPV6_OPT_IAPREFIX = 26,
};

enum dhcpv6_status {
	DHCPV6_STATUS_SUCCESS = 0,
	DHCPV6_STATUS_UNSPEC_FAIL = 1,
	DHCPV6_STATUS_NO_ADDRS_AVAIL = 2,
	DHCPV6_STATUS_NO_BINDING = 3,
	DHCPV6_STATUS_NOT_ON_LINK = 4,
	DHCPV6_STATUS_USE_MULTICAST = 5,
	DHCPV6_STATUS_NO_PREFIX_AVAIL = 6,
};
/* "Success", "NoPrefixAvail", ...; "Unknown" otherwise */
const char *dhcpv6_status_name(int status);

enum dhcpv6_duid_type {
	DHCPV6_DUID_LLT = 1,
	DHCPV6_DUID_EN = 2,
	DHCPV6_DUID_LL = 3,
	DHCPV6_DUID_UUID = 4,
};

/* Bounds (RFC 8415 11.1: a DUID is at most 128 octets past its type). */
#define DHCPV6_DUID_MAX 130
#define DHCPV6_MAX_IA_PD 4        /* IA_PD options in one message */
#define DHCPV6_MAX_PREFIX 4       /* IAPREFIX options in one IA_PD */
#define DHCPV6_MAX_ORO 32        /* kept of an ORO (the rest ignored) */
#define DHCPV6_MAX_DNS 4         /* kept of a DNS option (the rest ignored) */
#define DHCPV6_STATUS_MSG_MAX 64  /* kept of a status message (truncated) */
#define DHCPV6_MSG_MAX 1500       /* encode's and the module's datagram bound */

struct dhcpv6_duid {
	uint16_t len;                     /* 0: absent */
	uint8_t data[DHCPV6_DUID_MAX];    /* type (2 octets) then the rest */
};
/* RFC 8415 11.4 DUID-LL (hardware type, link-layer address). */
int dhcpv6_duid_ll(struct dhcpv6_duid *d, uint16_t hwtype, const uint8_t *lladdr, size_t n);
/* 11.2 DUID-LLT (time: seconds since 2000-01-01 UTC mod 2^32). */
int dhcpv6_duid_llt(struct dhcpv6_duid *d, uint16_t hwtype, uint32_t time,
		    const uint8_t *lladdr, size_t n);
/* 11.3 DUID-EN (enterprise number, identifier). */
int dhcpv6_duid_en(struct dhcpv6_duid *d, uint32_t enterprise, const uint8_t *id, size_t n);
/* The DUID type, or 0 for one shorter than 2 octets. */
uint16_t dhcpv6_duid_type(const struct dhcpv6_duid *d);
bool dhcpv6_duid_eq(const struct dhcpv6_duid *a, const struct dhcpv6_duid *b);
/* "00:03:00:01:02:..." truncated to fit; returns dst. */
char *dhcpv6_duid_format(const struct dhcpv6_duid *d, char *dst, size_t size);

struct dhcpv6_status_code {
	bool present;
	uint16_t code;
	uint8_t msg_len;                    /* octets kept in msg */
	char msg[DHCPV6_STATUS_MSG_MAX];    /* raw UTF-8, not NUL-terminated */
};

struct dhcpv6_iaprefix {
	uint32_t preferred, valid;          /* seconds; 0xffffffff infinity */
	uint8_t plen;
	struct in6_addr prefix;
	struct dhcpv6_status_code status;
};

struct dhcpv6_ia_pd {
	uint32_t iaid, t1, t2;
	size_t n_prefix;
	struct dhcpv6_iaprefix prefix[DHCPV6_MAX_PREFIX];
	struct dhcpv6_status_code status;
};

struct dhcpv6_msg {
	uint8_t type;                       /* enum dhcpv6_msg_type */
	uint32_t xid;                       /* 24 bits */
	struct dhcpv6_duid client_id, server_id;   /* len 0: absent */
	size_t n_ia_pd;
	struct dhcpv6_ia_pd ia_pd[DHCPV6_MAX_IA_PD];
	size_t n_oro;
	uint16_t oro[DHCPV6_MAX_ORO];
	bool has_elapsed;
	uint16_t elapsed;                   /* hundredths of a second */
	bool has_preference;
	uint8_t preference;
	bool rapid_commit;
	struct dhcpv6_status_code status;
	size_t n_dns;
	struct in6_addr dns[DHCPV6_MAX_DNS];
	/* Decode only: options seen and not kept. */
	unsigned n_ia_na;                   /* IA_NA/IA_TA (we give no addresses) */
	unsigned n_unknown;
};

/* Decode one client/server message. 0, or -EBADMSG (truncated, an option
 * overrunning its container, a bad fixed length, a duplicate singleton,
 * a prefix length past 128), -E2BIG (more than a bound above), -EPROTO (a
 * relay message); *why (static) says which. */
int dhcpv6_decode(const uint8_t *buf, size_t len, struct dhcpv6_msg *m, const char **why);

/* Encode m: header, Client ID, Server ID, Status Code, IA_PDs (each with
 * its IAPREFIXes and their and its Status Code), ORO, Elapsed Time,
 * Preference, Rapid Commit, DNS servers, in that order; absent ones left
 * out. Returns the length, or -EMSGSIZE when it does not fit in size. */
ssize_t dhcpv6_encode(const struct dhcpv6_msg *m, uint8_t *buf, size_t size);

/* Set a status code (msg truncated to DHCPV6_STATUS_MSG_MAX). */
void dhcpv6_status_set(struct dhcpv6_status_code *s, uint16_t code, const char *msg);

/* Is opt in the message's Option Request Option? */
bool dhcpv6_oro_has(const struct dhcpv6_msg *m, uint16_t opt);

#endif
