/* SPDX-License-Identifier: MIT */
/* ISDN ports: channel naming and allocation. See port.h. */
#include "port.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *isdn_port_type_name(enum isdn_port_type t)
{
	switch (t) {
	case ISDN_PORT_E1: return "E1";
	case ISDN_PORT_T1: return "T1";
	case ISDN_PORT_BRI: return "BRI";
	}
	return "unknown";
}

static int dchan_of(const struct isdn_port *p)
{
	return p->type == ISDN_PORT_E1 ? 15 : p->type == ISDN_PORT_T1 ? 23 : -1;
}

int isdn_port_init(struct isdn_port *p, const char *name)
{
	const char *s = name;
	char *end;
	unsigned long unit;

	memset(p, 0, sizeof(*p));
	if (!name)
		return -EINVAL;
	if (strncasecmp(s, "E1", 2) == 0) {
		p->type = ISDN_PORT_E1;
		s += 2;
	} else if (strncasecmp(s, "T1", 2) == 0) {
		p->type = ISDN_PORT_T1;
		s += 2;
	} else if (strncasecmp(s, "BRI", 3) == 0) {
		p->type = ISDN_PORT_BRI;
		s += 3;
	} else {
		return -EINVAL;
	}
	while (*s == ' ' || *s == '/')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	unit = strtoul(s, &end, 10);
	if (errno || *end || unit > 65535)
		return -EINVAL;
	p->unit = (unsigned)unit;
	snprintf(p->name, sizeof(p->name), "%s %u", isdn_port_type_name(p->type), p->unit);
	if (p->type == ISDN_PORT_BRI) {
		snprintf(p->dchan, sizeof(p->dchan), "BRI%u", p->unit);
		snprintf(p->dchan_short, sizeof(p->dchan_short), "BR%u", p->unit);
		p->channels = (1u << 1) | (1u << 2);
	} else {
		snprintf(p->dchan, sizeof(p->dchan), "Serial%u:%d", p->unit, dchan_of(p));
		snprintf(p->dchan_short, sizeof(p->dchan_short), "Se%u:%d", p->unit, dchan_of(p));
		(void)isdn_port_set_timeslots(p, NULL);
	}
	return 0;
}

int isdn_port_set_timeslots(struct isdn_port *p, const char *spec)
{
	unsigned max = p->type == ISDN_PORT_E1 ? 31 : 24;
	uint32_t map = 0;
	const char *s = spec;

	if (p->type == ISDN_PORT_BRI)
		return spec ? -EINVAL : 0;
	if (!spec) {
		for (unsigned t = 1; t <= max; t++)
			map |= 1u << (t - 1);
		goto done;
	}
	while (*s) {
		char *end;
		unsigned long a, b;

		while (*s == ' ')
			s++;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		s = end;
		b = a;
		if (*s == '-') {
			s++;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			b = strtoul(s, &end, 10);
			s = end;
		}
		if (a < 1 || b > max || a > b)
			return -EINVAL;
		for (unsigned long t = a; t <= b; t++)
			map |= 1u << (t - 1);
		while (*s == ' ')
			s++;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
done:
	map &= ~(1u << dchan_of(p));
	if (!map)
		return -EINVAL;
	p->channels = map;
	return 0;
}

void isdn_port_channel_name(const struct isdn_port *p, int ch, char *name, size_t nsize,
			    char *short_name, size_t ssize)
{
	if (p->type == ISDN_PORT_BRI) {
		snprintf(name, nsize, "BRI%u:%d", p->unit, ch);
		snprintf(short_name, ssize, "BR%u:%d", p->unit, ch);
	} else {
		snprintf(name, nsize, "Serial%u:%d", p->unit, ch);
		snprintf(short_name, ssize, "Se%u:%d", p->unit, ch);
	}
}

int isdn_port_alloc(struct isdn_port *p, bool highest)
{
	uint32_t avail = p->channels & ~p->busy;

	if (!avail)
		return -1;
	int ch = highest ? 31 - __builtin_clz(avail) : __builtin_ctz(avail);
	p->busy |= 1u << ch;
	return ch;
}

int isdn_port_take(struct isdn_port *p, int ch)
{
	if (ch < 0 || ch > 31 || !(p->channels & (1u << ch)))
		return -EINVAL;
	if (p->busy & (1u << ch))
		return -EBUSY;
	p->busy |= 1u << ch;
	return 0;
}

void isdn_port_release(struct isdn_port *p, int ch)
{
	if (ch >= 0 && ch <= 31)
		p->busy &= ~(1u << ch);
}

unsigned isdn_port_free_count(const struct isdn_port *p)
{
	return (unsigned)__builtin_popcount(p->channels & ~p->busy);
}

const char *isdn_port_dnis(const struct isdn_port *p, const char *called)
{
	size_t n;

	if (!called)
		return NULL;
	n = strlen(called);
	if (p->dnis_digits <= 0 || n <= (size_t)p->dnis_digits)
		return called;
	return called + n - (size_t)p->dnis_digits;
}
