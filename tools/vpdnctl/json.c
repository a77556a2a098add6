/* SPDX-License-Identifier: MIT */
#include "json.h"

void json_init(struct json *j, FILE *f)
{
	*j = (struct json){ .f = f };
}

/* The text json-glib makes of one node, written to f. */
static void write_node(FILE *f, JsonNode *node)
{
	JsonGenerator *gen = json_generator_new();
	char *text;

	json_generator_set_root(gen, node);
	text = json_generator_to_data(gen, NULL);
	fputs(text, f);
	g_free(text);
	g_object_unref(gen);
}

void json_write_escaped(FILE *f, const char *s)
{
	JsonNode *node;
	char *valid;

	if (!s) {
		fputs("null", f);
		return;
	}
	valid = g_utf8_make_valid(s, -1);
	node = json_node_new(JSON_NODE_VALUE);
	json_node_set_string(node, valid);
	write_node(f, node);
	json_node_unref(node);
	g_free(valid);
}

static void json_open(struct json *j, bool object)
{
	if (j->depth == 0)
		j->b = json_builder_new();
	if (object)
		json_builder_begin_object(j->b);
	else
		json_builder_begin_array(j->b);
	j->depth++;
}

static void json_close(struct json *j, bool object)
{
	JsonNode *root;

	if (!j->b || j->depth == 0)
		return;
	if (object)
		json_builder_end_object(j->b);
	else
		json_builder_end_array(j->b);
	if (--j->depth > 0)
		return;
	root = json_builder_get_root(j->b);
	if (root) {
		write_node(j->f, root);
		json_node_unref(root);
	}
	fputc('\n', j->f);
	g_clear_object(&j->b);
}

void json_object_begin(struct json *j)
{
	json_open(j, true);
}

void json_object_end(struct json *j)
{
	json_close(j, true);
}

void json_array_begin(struct json *j)
{
	json_open(j, false);
}

void json_array_end(struct json *j)
{
	json_close(j, false);
}

void json_key(struct json *j, const char *key)
{
	char *valid;

	if (!j->b)
		return;
	valid = g_utf8_make_valid(key, -1);
	json_builder_set_member_name(j->b, valid);
	g_free(valid);
}

void json_string(struct json *j, const char *s)
{
	char *valid;

	if (!j->b)
		return;
	if (!s) {
		json_builder_add_null_value(j->b);
		return;
	}
	valid = g_utf8_make_valid(s, -1);
	json_builder_add_string_value(j->b, valid);
	g_free(valid);
}

void json_uint(struct json *j, uint64_t v)
{
	if (j->b)
		json_builder_add_int_value(j->b, v > G_MAXINT64 ? G_MAXINT64 : (gint64)v);
}

void json_bool(struct json *j, bool b)
{
	if (j->b)
		json_builder_add_boolean_value(j->b, b);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool b)
{
	json_key(j, key);
	json_bool(j, b);
}
