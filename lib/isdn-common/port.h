/* SPDX-License-Identifier: MIT */
/*
 * ISDN ports (controllers): PRI on E1 (30B+D, D on timeslot 16), PRI on T1
 * (23B+D, D on timeslot 24), BRI (2B+D). Channel numbering as IOS names
 * the interfaces: on a PRI, timeslot t is channel t-1 (`Serial0:17` is
 * timeslot 18, the E1 D channel `Serial0:15` is timeslot 16); on a BRI the
 * B channels are 1 and 2 (`BRI0:1`, `BRI0:2`), the D channel is `BRI0`.
 * Channel numbers go on the wire as they are (0-31).
 */
#ifndef ISDN_PORT_H
#define ISDN_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum isdn_port_type { ISDN_PORT_E1 = 1, ISDN_PORT_T1, ISDN_PORT_BRI };
const char *isdn_port_type_name(enum isdn_port_type t);

#define ISDN_PORT_MAX_NUMBERS 8

struct isdn_port {
	enum isdn_port_type type;
	unsigned unit;            /* "E1 0" -> 0 */
	char name[32];            /* "E1 0" as configured (canonical spacing) */
	char dchan[24];           /* "Serial0:15", "BRI0" */
	char dchan_short[24];     /* "Se0:15", "BR0" */
	uint32_t channels;        /* bitmap of B channel numbers configured */
	uint32_t busy;            /* bitmap of B channels in use */
	char numbers[ISDN_PORT_MAX_NUMBERS][33];
	unsigned n_numbers;
	int dnis_digits;          /* keep this many trailing digits; 0 all */
	bool registered;          /* REGISTER_ACK from the network (layer 2 up) */
	uint16_t dchan_ix;        /* its index on the node's network connection (wire dchan) */
};

/* Parse "E1 0", "T1 1", "BRI 0" (also "BRI0", "E1/0"...). 0 or -EINVAL. */
int isdn_port_init(struct isdn_port *p, const char *name);

/* Timeslots "1-31", "1-15,17-31", "1,3,5-7". E1: 1-31 (16 is the D channel
 * and is ignored if listed), T1: 1-24 (24 is D). BRI takes NULL (both B).
 * NULL on a PRI: every timeslot. 0 or -EINVAL. */
int isdn_port_set_timeslots(struct isdn_port *p, const char *spec);

/* IOS names of channel ch: "Serial0:17"/"Se0:17", "BRI0:1"/"BR0:1". */
void isdn_port_channel_name(const struct isdn_port *p, int ch, char *name, size_t nsize,
			    char *short_name, size_t ssize);

/* Allocate a free channel: lowest first (or highest, for hunting
 * downwards as the network does for calls from a PRI). -1 if none. */
int isdn_port_alloc(struct isdn_port *p, bool highest);
/* Mark a given channel busy: 0, -EINVAL not a B channel, -EBUSY in use. */
int isdn_port_take(struct isdn_port *p, int ch);
void isdn_port_release(struct isdn_port *p, int ch);
unsigned isdn_port_free_count(const struct isdn_port *p);

/* DNIS: the last dnis_digits digits of called (all when 0 or shorter). */
const char *isdn_port_dnis(const struct isdn_port *p, const char *called);

#endif
