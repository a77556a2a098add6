/* SPDX-License-Identifier: MIT */
/* A tiny streaming JSON writer for vpdnctl --json (no extra library). */
#ifndef VPDNCTL_JSON_H
#define VPDNCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	unsigned depth;
	bool after_key;                    /* a key was written, value next */
	bool need_comma[JSON_MAX_DEPTH];   /* per nesting level */
};

void json_init(struct json *j, FILE *f);
/* Write s as a JSON string literal: quotes, backslash and control
 * characters escaped. NULL writes null. */
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
