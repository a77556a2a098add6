/* SPDX-License-Identifier: MIT */
/*
 * vpdnctl --json: a small streaming-style API over json-glib. Calls build
 * a JsonBuilder tree; when the outermost object or array ends, json-glib's
 * generator writes it to the FILE as one line. Strings that are not valid
 * UTF-8 (a user name from the network can be anything) are written with
 * U+FFFD in place of the bad bytes, so the output is always valid JSON.
 * JSON integers are 64-bit signed in json-glib: an unsigned value above
 * INT64_MAX is written as INT64_MAX (no counter gets there: 2^63 packets
 * at 10^9 a second take 292 years).
 */
#ifndef VPDNCTL_JSON_H
#define VPDNCTL_JSON_H

#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	JsonBuilder *b;  /* NULL outside an outermost object or array */
	unsigned depth;
};

void json_init(struct json *j, FILE *f);
/* Write s as a JSON string literal (json-glib's escaping); NULL writes
 * null. */
void json_write_escaped(FILE *f, const char *s);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);   /* at depth 0 also ends the line */
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool b);

/* key + value shorthands, inside an object */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool b);

#endif
