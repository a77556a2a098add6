/* SPDX-License-Identifier: MIT */
/* The pieces config-source.c (statements, sections, include(), the line
 * map) and config-lex.c (libconfuse's characters: words, strings,
 * comments, ${ENV}) share. Not part of the SDK. */
#ifndef VPDND_CONFIG_SOURCE_PRIVATE_H
#define VPDND_CONFIG_SOURCE_PRIVATE_H

#include <glib.h>
#include <stdbool.h>

#include "config-source.h"

#define MAX_INCLUDE_DEPTH 10

struct origin {
	guint file; /* index into files */
	int line;
};

/* An option statement directly in a section. */
struct stmt {
	char *name;
	struct origin at;
};

struct section_rec {
	char *name, *title;
	int close_line; /* libconfuse's line of the closing brace */
	struct origin open;
	GArray *stmts;  /* struct stmt */
};

struct vpdn_cfg_source {
	GString *text;
	GArray *origins;   /* struct origin, index = libconfuse's line */
	GPtrArray *files;  /* file names, index 0 the main file */
	GArray *sections;  /* struct section_rec, by close_line */
	GHashTable *options; /* top-level option name -> struct origin* */
	GString *brace_errors;
};

enum tok { TOK_NONE, TOK_STR, TOK_OPEN, TOK_CLOSE, TOK_LPAREN, TOK_RPAREN,
	   TOK_EQ, TOK_PLUS, TOK_COMMA };

struct token {
	enum tok kind;
	char *value; /* TOK_STR: the decoded word or string */
	bool stmt;   /* it stands where a statement may start */
};

struct open_brace {
	int line;
	bool section;
	char *name, *title;
	GArray *stmts;  /* struct stmt, sections only */
};

/* An include() being read: which token of `include ( "FILE" )` is next. */
enum inc_state { INC_NONE, INC_NAME, INC_ARG, INC_AFTER_ARG };

struct scan {
	struct vpdn_cfg_source *src;
	const char *name;     /* this file's name */
	guint file;
	const char *p, *end;
	int line;             /* in this file */
	int depth_base;       /* braces open in the includers */
	GArray *open;         /* struct open_brace */
	struct token prev, prev2;
	enum inc_state inc;
	size_t inc_start;     /* offset in src->text of `include` */
	int inc_line, inc_argc;
	char *inc_arg;
	int level;            /* include nesting */
	GPtrArray *chain;     /* real paths of the files being read */
	struct open_brace *outer; /* the includer's innermost open section */
	char *error;
};

/* config-source.c */
void cfgsrc_fail_at(struct scan *sc, int line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void cfgsrc_push_origin(struct vpdn_cfg_source *s, guint file, int line);
/* One token of libconfuse's grammar; `start` is its offset in the text;
 * value (TOK_STR) is g_malloc'd and taken. */
void cfgsrc_token(struct scan *sc, enum tok kind, char *value, size_t start);

/* config-lex.c */
void cfgsrc_newline(struct scan *sc);
/* The characters of one file, from sc->p to sc->end: the text libconfuse
 * parses is written to sc->src->text, tokens go to cfgsrc_token(). */
void cfgsrc_scan_text(struct scan *sc);

#endif
