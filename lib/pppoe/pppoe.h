/* SPDX-License-Identifier: MIT */
/*
 * PPPoE wire format (RFC 2516, RFC 4638 PPP-Max-Payload).
 *
 * Discovery packets (ethertype 0x8863): a 6-octet header (ver/type 0x11,
 * code, session ID, length) and TLV tags. Session packets (0x8864): the
 * same header, code 0, then the PPP protocol field and information (no
 * FF 03: the module adds and strips it, links carry FF 03 frames).
 *
 * Everything here starts at the PPPoE header (after the Ethernet header);
 * pppoe_eth_*() handle the 14-octet Ethernet header. Decoding borrows from
 * the packet (no allocation); the builder writes into a caller buffer.
 * Every input is hostile: every length is checked, a decode either fills
 * the whole struct or returns a negative errno and a reason.
 */
#ifndef VPDN_PPPOE_H
#define VPDN_PPPOE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PPPOE_ETH_P_DISC  0x8863
#define PPPOE_ETH_P_SESS  0x8864
#define PPPOE_ETH_ALEN    6
#define PPPOE_ETH_HLEN    14
#define PPPOE_HLEN        6
#define PPPOE_TAG_HLEN    4
#define PPPOE_VER_TYPE    0x11
/* RFC 2516 §5.1: a PADI with its header and tags is at most 1484 octets,
 * leaving room for a relay's Relay-Session-Id. */
#define PPPOE_PADI_MAX    1484
/* Ethernet payload 1500 - PPPoE header 6 - PPP protocol 2. */
#define PPPOE_DEFAULT_MRU 1492
/* The longest Ethernet payload we build (discovery packets, and session
 * packets unless PPP-Max-Payload raised it). */
#define PPPOE_ETH_DATA_MAX 1500

enum pppoe_code {
	PPPOE_CODE_SESSION = 0x00,
	PPPOE_CODE_PADO = 0x07,
	PPPOE_CODE_PADI = 0x09,
	PPPOE_CODE_PADR = 0x19,
	PPPOE_CODE_PADS = 0x65,
	PPPOE_CODE_PADT = 0xa7,
};
/* "PADI", ...; "unknown" otherwise */
const char *pppoe_code_name(unsigned code);

enum pppoe_tag_type {
	PPPOE_TAG_END_OF_LIST = 0x0000,
	PPPOE_TAG_SERVICE_NAME = 0x0101,
	PPPOE_TAG_AC_NAME = 0x0102,
	PPPOE_TAG_HOST_UNIQ = 0x0103,
	PPPOE_TAG_AC_COOKIE = 0x0104,
	PPPOE_TAG_VENDOR_SPECIFIC = 0x0105,
	PPPOE_TAG_RELAY_SESSION_ID = 0x0110,
	PPPOE_TAG_PPP_MAX_PAYLOAD = 0x0120,
	PPPOE_TAG_SERVICE_NAME_ERROR = 0x0201,
	PPPOE_TAG_AC_SYSTEM_ERROR = 0x0202,
	PPPOE_TAG_GENERIC_ERROR = 0x0203,
};
/* "Service-Name", ...; "unknown" otherwise */
const char *pppoe_tag_name(unsigned type);

/* A tag's value, borrowed from the packet. present false: not in it. */
struct pppoe_blob {
	bool present;
	uint16_t len;
	const uint8_t *data;
};

#define PPPOE_MAX_SERVICE_NAMES 8

/* A decoded discovery packet. */
struct pppoe_disc {
	uint8_t code;
	uint16_t session_id;
	uint16_t length;          /* the header's payload length */
	/* Service-Name tags in order (a PADO may offer several); the first
	 * PPPOE_MAX_SERVICE_NAMES are kept, n_service_names counts all. */
	unsigned n_service_names;
	struct pppoe_blob service_names[PPPOE_MAX_SERVICE_NAMES];
	struct pppoe_blob ac_name, host_uniq, ac_cookie, relay_session_id;
	struct pppoe_blob service_name_error, ac_system_error, generic_error;
	bool has_max_payload;
	uint16_t max_payload;
	unsigned unknown_tags;    /* ignored, as RFC 2516 says */
};

/*
 * Decode a discovery packet (pkt at the PPPoE header, len what the frame
 * holds after the Ethernet header: Ethernet padding past the header's
 * length is allowed and ignored). Checks: version/type 0x11, a known
 * discovery code, length within the frame, every tag within the length,
 * a singleton tag (AC-Name, Host-Uniq, AC-Cookie, Relay-Session-Id,
 * PPP-Max-Payload, the error tags) at most once, PPP-Max-Payload of
 * 2 octets, the session ID the code requires (0 in PADI/PADO/PADR, not 0
 * in PADT), PADI/PADR carrying exactly/at least one Service-Name, a PADI
 * at most PPPOE_PADI_MAX octets. End-Of-List ends the tags.
 * Returns 0, or -EBADMSG/-EPROTO/-EMSGSIZE with *why set to a constant
 * one-line reason.
 */
int pppoe_disc_decode(const uint8_t *pkt, size_t len, struct pppoe_disc *out,
		      const char **why);

/* A session packet: pkt at the PPPoE header. payload and plen: the PPP
 * protocol field and information (the header's length, at least 2).
 * Returns 0 or -EBADMSG (why set). */
int pppoe_session_decode(const uint8_t *pkt, size_t len, uint16_t *session_id,
			 const uint8_t **payload, size_t *plen, const char **why);

/* Write a session header for plen octets of PPP payload at buf (6 octets). */
void pppoe_session_header(uint8_t *buf, uint16_t session_id, uint16_t plen);

/* Builder for discovery packets. err sticks: the first tag that does not
 * fit makes pppoe_build_end() fail with -EMSGSIZE. */
struct pppoe_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};
void pppoe_build_begin(struct pppoe_builder *b, uint8_t *buf, size_t cap, uint8_t code,
		       uint16_t session_id);
void pppoe_build_tag(struct pppoe_builder *b, uint16_t type, const void *data, size_t len);
void pppoe_build_blob(struct pppoe_builder *b, uint16_t type, const struct pppoe_blob *v);
void pppoe_build_u16(struct pppoe_builder *b, uint16_t type, uint16_t v);
/* Sets the header's length; returns the packet's length or -EMSGSIZE. */
int pppoe_build_end(struct pppoe_builder *b);

/* Ethernet header: dst, src, ethertype at buf (PPPOE_ETH_HLEN octets). */
void pppoe_eth_header(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
bool pppoe_mac_is_unicast(const uint8_t mac[6]);   /* not group, not zero */
/* "02:00:00:00:00:01" into buf (at least 18 octets). */
const char *pppoe_mac_format(const uint8_t mac[6], char *buf, size_t size);

/* One log line for a decoded packet ("PADI sid 0 Service-Name "" Host-Uniq
 * 4 octets"); strings printable-escaped, cookies by length only. */
void pppoe_disc_format(const struct pppoe_disc *d, char *buf, size_t size);

/* A blob equal to a C string (octets, no NUL in the packet). */
bool pppoe_blob_eq(const struct pppoe_blob *b, const char *s);

#ifdef __cplusplus
}
#endif
#endif
