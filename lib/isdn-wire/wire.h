/* SPDX-License-Identifier: MIT */
/*
 * The wire format between a node's isdn module and the simulated ISDN
 * network (isdn-switch). See modules/isdn/PROTOCOL.txt. Pure codec: no I/O.
 */
#ifndef ISDN_WIRE_H
#define ISDN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISDN_WIRE_MAX 4096          /* largest message, length field included */
#define ISDN_WIRE_HDR 7             /* length(2) type(1) dchan(2) callref(2) */
#define ISDN_WIRE_NUMBER_MAX 32     /* digits */
#define ISDN_WIRE_PORT_MAX 32
#define ISDN_WIRE_MAX_NUMBERS 8
#define ISDN_CREF_FLAG 0x8000       /* set by the side that did not originate */

enum isdn_msg_type {
	ISDN_MSG_SETUP = 0x05,
	ISDN_MSG_CALL_PROCEEDING = 0x02,
	ISDN_MSG_ALERTING = 0x01,
	ISDN_MSG_CONNECT = 0x07,
	ISDN_MSG_CONNECT_ACK = 0x0f,
	ISDN_MSG_DISCONNECT = 0x45,
	ISDN_MSG_RELEASE = 0x4d,
	ISDN_MSG_RELEASE_COMPLETE = 0x5a,
	ISDN_MSG_REGISTER = 0x70,
	ISDN_MSG_REGISTER_ACK = 0x71,
	ISDN_MSG_DATA = 0x72,
};
/* "SETUP", ... ; NULL for unknown */
const char *isdn_msg_type_name(int type);

enum isdn_tlv_tag {
	ISDN_TLV_CALLED = 1,    /* digits */
	ISDN_TLV_CALLING = 2,   /* digits */
	ISDN_TLV_CAUSE = 3,     /* 1 octet, Q.931 cause value 1-127 */
	ISDN_TLV_CHANNEL = 4,   /* 1 octet, channel number as the port names it */
	ISDN_TLV_BEARER = 5,    /* 2 octets, kbit/s */
	ISDN_TLV_PORT = 6,      /* port name, printable ASCII */
	ISDN_TLV_NUMBER = 7,    /* REGISTER: a number the port owns (repeatable) */
	ISDN_TLV_CHANNELS = 8,  /* REGISTER: 4 octets, bitmap of B channel numbers */
};

/* A decoded message. Strings are NUL-terminated copies inside the struct;
 * data (DATA only) points into the decoded buffer. */
struct isdn_msg {
	uint8_t type;
	uint16_t dchan;         /* the node's port (D channel) index: scopes cref */
	uint16_t cref;
	char called[ISDN_WIRE_NUMBER_MAX + 1];
	char calling[ISDN_WIRE_NUMBER_MAX + 1];
	char port[ISDN_WIRE_PORT_MAX + 1];
	int cause;              /* 0: absent */
	int channel;            /* -1: absent */
	uint32_t bearer_kbps;   /* 0: absent */
	uint32_t channels;      /* REGISTER bitmap */
	char numbers[ISDN_WIRE_MAX_NUMBERS][ISDN_WIRE_NUMBER_MAX + 1];
	unsigned n_numbers;
	const uint8_t *data;
	size_t data_len;
};

/* dchan starts at 0 (a node's first port). */
void isdn_msg_init(struct isdn_msg *m, uint8_t type, uint16_t cref);

/* Encode into buf (size >= ISDN_WIRE_MAX is always enough). Returns the
 * length written or negative errno (-EMSGSIZE, -EINVAL for a bad field). */
int isdn_msg_encode(const struct isdn_msg *m, uint8_t *buf, size_t size);

/* How many octets the message at the start of buf occupies: > 0 a whole
 * message is there, 0 need more, -EBADMSG the length field is invalid. */
int isdn_msg_frame_len(const uint8_t *buf, size_t len);

/* Decode exactly one message of len octets (as isdn_msg_frame_len said).
 * 0 or -EBADMSG (truncated TLV, bad length, unknown type, bad digits...). */
int isdn_msg_decode(const uint8_t *buf, size_t len, struct isdn_msg *m);

#endif
