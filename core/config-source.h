/* SPDX-License-Identifier: MIT */
/*
 * The text libconfuse parses, and where each of its lines came from.
 *
 * libconfuse 3.3's lexer adds two to its line counter for every `#` or
 * `//` comment and one for every C comment, so its file:line drifts with
 * every comment above an error; its include() keeps a global stack that a
 * failed parse inside an included file never unwinds (after ten such
 * failures every include fails), and a section left open at the end of the
 * file is accepted. So the core hands libconfuse a text of its own making:
 * comments blanked out (newlines kept), every include("FILE") replaced by
 * that file's text on lines of its own, one file at a time checked for
 * balanced braces. libconfuse's line counter is then exact on that text,
 * and a table maps each of its lines back to a file and a line.
 *
 * Tokens follow libconfuse 3.3's lexer: `#` anywhere outside a string, and
 * `//` or `/` `*` where a token starts, begin comments (`a//b` is one
 * word); strings are "..." (backslash escapes, ${VAR} and ${VAR:-default})
 * and '...'; a ${VAR} may also stand alone as a word.
 */
#ifndef VPDND_CONFIG_SOURCE_H
#define VPDND_CONFIG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

struct vpdn_cfg_source;

/* Read `path` (text NULL) or take `text` under the name `path`. NULL and
 * *error ("file:line: message") on what makes the text unreadable: a file
 * that cannot be read, a NUL byte, an unterminated string or comment, a
 * ${ without } on its line, an include() that fails. */
struct vpdn_cfg_source *vpdn_cfg_source_new(const char *path, const char *text, char **error);
void vpdn_cfg_source_free(struct vpdn_cfg_source *s);

/* The text for libconfuse (no NUL inside). */
const char *vpdn_cfg_source_text(const struct vpdn_cfg_source *s, size_t *len);

/* File and line of libconfuse's line `line`; the main file and line 0
 * when out of range. */
void vpdn_cfg_source_locate(const struct vpdn_cfg_source *s, int line,
			    const char **file, int *out_line);

/* Where an error about the section `name` "title" (title NULL: untitled)
 * that closes on libconfuse's line `close_line` points: the statement of
 * the first of its options `message` names (NULL: none), else the line
 * that opens the section. False when no such section. */
bool vpdn_cfg_source_section(const struct vpdn_cfg_source *s, const char *name,
			     const char *title, int close_line, const char *message,
			     const char **file, int *out_line);

/* Where the first top-level `name = ...` statement is. False if none. */
bool vpdn_cfg_source_option(const struct vpdn_cfg_source *s, const char *name,
			    const char **file, int *out_line);

/* "file:line: message" lines about braces (a section or list not closed
 * in the file that opens it, a closing brace without its opening one in an
 * included file), or NULL. libconfuse accepts the first at the end of the
 * file; the core refuses it. */
const char *vpdn_cfg_source_brace_errors(const struct vpdn_cfg_source *s);

/* Number of lines libconfuse will count (tests). */
int vpdn_cfg_source_lines(const struct vpdn_cfg_source *s);

#endif
