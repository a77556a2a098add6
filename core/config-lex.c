/* SPDX-License-Identifier: MIT */
/* The characters libconfuse reads, copied into the text it parses with
 * comments blanked (newlines kept), strings, words and ${ENV} decoded as
 * it decodes them into tokens for config-source.c. */
#include <string.h>

#include "config-source-private.h"

/* A newline of this file: both counters move. */
void cfgsrc_newline(struct scan *sc)
{
	sc->line++;
	g_string_append_c(sc->src->text, '\n');
	cfgsrc_push_origin(sc->src, sc->file, sc->line);
}

/* ${NAME} or ${NAME:-default}, as libconfuse substitutes it. */
static void put_env(GString *v, const char *body, size_t len)
{
	char *name = g_strndup(body, len);
	char *e = strchr(name, ':');
	const char *def = NULL;
	if (e && e[1] == '-') {
		*e = 0;
		def = e + 2;
	}
	const char *val = g_getenv(name);
	if (!val)
		val = def;
	if (val)
		g_string_append(v, val);
	g_free(name);
}

/* The closing brace of a ${ at p (p[0] == '$', p[1] == '{'), searched as
 * libconfuse does (anywhere further in the file), or NULL. */
static const char *env_end(const struct scan *sc, const char *p)
{
	return memchr(p + 2, '}', sc->end - (p + 2));
}

static bool env_on_one_line(struct scan *sc, const char *p, const char *close)
{
	if (memchr(p, '\n', close - p)) {
		cfgsrc_fail_at(sc, sc->line, "${ without } on the same line");
		return false;
	}
	return true;
}

static void copy(struct scan *sc, const char *from, const char *to)
{
	g_string_append_len(sc->src->text, from, to - from);
}

/* "...": escapes as libconfuse decodes them. */
static void scan_dq(struct scan *sc)
{
	const char *p = sc->p + 1;
	int line0 = sc->line;
	size_t start = sc->src->text->len;
	GString *v = g_string_new(NULL);

	g_string_append_c(sc->src->text, '"');
	for (;;) {
		if (p >= sc->end) {
			cfgsrc_fail_at(sc, line0, "unterminated string (no closing \")");
			g_string_free(v, TRUE);
			return;
		}
		char c = *p;
		if (c == '"') {
			g_string_append_c(sc->src->text, '"');
			p++;
			break;
		}
		if (c == '\n') {
			cfgsrc_newline(sc);
			g_string_append_c(v, '\n');
			p++;
		} else if (c == '\\' && p + 1 < sc->end) {
			char d = p[1];
			copy(sc, p, p + 1);
			if (d == '\n') {
				cfgsrc_newline(sc);
				p += 2;
				continue;
			}
			if (d >= '0' && d <= '7') {
				const char *q = p + 1;
				unsigned n = 0;
				while (q < sc->end && q < p + 4 && *q >= '0' && *q <= '7')
					n = n * 8 + (unsigned)(*q++ - '0');
				copy(sc, p + 1, q);
				g_string_append_c(v, (char)n);
				p = q;
				continue;
			}
			if (d == 'x' && p + 2 < sc->end && g_ascii_isxdigit(p[2])) {
				const char *q = p + 2;
				unsigned n = 0;
				while (q < sc->end && q < p + 4 && g_ascii_isxdigit(*q))
					n = n * 16 + (unsigned)g_ascii_xdigit_value(*q++);
				copy(sc, p + 1, q);
				g_string_append_c(v, (char)n);
				p = q;
				continue;
			}
			static const char from[] = "nrbfaetv", to[] = "\n\r\b\f\a\033\t\v";
			const char *k = strchr(from, d);
			g_string_append_c(v, k && d ? to[k - from] : d);
			copy(sc, p + 1, p + 2);
			p += 2;
		} else if (c == '$' && p + 1 < sc->end && p[1] == '{' && env_end(sc, p)) {
			const char *close = env_end(sc, p);
			if (!env_on_one_line(sc, p, close)) {
				g_string_free(v, TRUE);
				return;
			}
			put_env(v, p + 2, close - (p + 2));
			copy(sc, p, close + 1);
			p = close + 1;
		} else {
			g_string_append_c(v, c);
			copy(sc, p, p + 1);
			p++;
		}
	}
	sc->p = p;
	cfgsrc_token(sc, TOK_STR, g_string_free(v, FALSE), start);
}

/* '...': only \\ and \' are escapes; a backslash-newline continues. */
static void scan_sq(struct scan *sc)
{
	const char *p = sc->p + 1;
	int line0 = sc->line;
	size_t start = sc->src->text->len;
	GString *v = g_string_new(NULL);

	g_string_append_c(sc->src->text, '\'');
	for (;;) {
		if (p >= sc->end) {
			cfgsrc_fail_at(sc, line0, "unterminated string (no closing ')");
			g_string_free(v, TRUE);
			return;
		}
		char c = *p;
		if (c == '\'') {
			g_string_append_c(sc->src->text, '\'');
			p++;
			break;
		}
		if (c == '\n') {
			cfgsrc_newline(sc);
			g_string_append_c(v, '\n');
			p++;
		} else if (c == '\\' && p + 1 < sc->end) {
			copy(sc, p, p + 1);
			if (p[1] == '\n') {
				cfgsrc_newline(sc);
			} else {
				if (p[1] != '\\' && p[1] != '\'')
					g_string_append_c(v, '\\');
				g_string_append_c(v, p[1]);
				copy(sc, p + 1, p + 2);
			}
			p += 2;
		} else {
			g_string_append_c(v, c);
			copy(sc, p, p + 1);
			p++;
		}
	}
	sc->p = p;
	cfgsrc_token(sc, TOK_STR, g_string_free(v, FALSE), start);
}

static void skip_line_comment(struct scan *sc)
{
	const char *nl = memchr(sc->p, '\n', sc->end - sc->p);
	sc->p = nl ? nl : sc->end;
	g_string_append_c(sc->src->text, ' ');
}

static void skip_block_comment(struct scan *sc)
{
	int line0 = sc->line;
	const char *p = sc->p + 2;
	g_string_append_c(sc->src->text, ' ');
	for (;;) {
		if (p + 1 >= sc->end) {
			cfgsrc_fail_at(sc, line0, "unterminated comment (/* without */)");
			return;
		}
		if (p[0] == '*' && p[1] == '/') {
			sc->p = p + 2;
			return;
		}
		if (*p == '\n')
			cfgsrc_newline(sc);
		p++;
	}
}

static bool word_char(char c)
{
	return c && !strchr(" #\"'\t\n\r={}()+,*", c);
}

void cfgsrc_scan_text(struct scan *sc)
{
	while (sc->p < sc->end && !sc->error) {
		const char *p = sc->p;
		size_t start = sc->src->text->len;
		enum tok single = TOK_NONE;

		switch (*p) {
		case '\n':
			cfgsrc_newline(sc);
			sc->p++;
			continue;
		case '#':
			skip_line_comment(sc);
			continue;
		case '/':
			if (p + 1 < sc->end && p[1] == '/') {
				skip_line_comment(sc);
				continue;
			}
			if (p + 1 < sc->end && p[1] == '*') {
				skip_block_comment(sc);
				continue;
			}
			break;
		case '"':
			scan_dq(sc);
			continue;
		case '\'':
			scan_sq(sc);
			continue;
		case '$':
			if (p + 1 < sc->end && p[1] == '{' && env_end(sc, p)) {
				const char *close = env_end(sc, p);
				if (!env_on_one_line(sc, p, close))
					return;
				GString *v = g_string_new(NULL);
				put_env(v, p + 2, close - (p + 2));
				copy(sc, p, close + 1);
				sc->p = close + 1;
				cfgsrc_token(sc, TOK_STR, g_string_free(v, FALSE), start);
				continue;
			}
			break;
		case '{': single = TOK_OPEN; break;
		case '}': single = TOK_CLOSE; break;
		case '(': single = TOK_LPAREN; break;
		case ')': single = TOK_RPAREN; break;
		case '=': single = TOK_EQ; break;
		case ',': single = TOK_COMMA; break;
		case '+':
			if (p + 1 < sc->end && p[1] == '=') {
				copy(sc, p, p + 2);
				sc->p += 2;
				cfgsrc_token(sc, TOK_PLUS, NULL, start);
				continue;
			}
			/* a lone + is skipped by libconfuse */
			/* fall through */
		case ' ': case '\t': case '\r': case '*':
			copy(sc, p, p + 1);
			sc->p++;
			continue;
		default:
			break;
		}
		if (single != TOK_NONE) {
			copy(sc, p, p + 1);
			sc->p++;
			cfgsrc_token(sc, single, NULL, start);
			continue;
		}
		/* A word: anything up to a separator; '/' and '$' may be in it. */
		const char *q = p + 1;
		while (q < sc->end && word_char(*q))
			q++;
		copy(sc, p, q);
		sc->p = q;
		cfgsrc_token(sc, TOK_STR, g_strndup(p, q - p), start);
	}
	if (sc->error)
		return;
	if (sc->inc == INC_ARG || sc->inc == INC_AFTER_ARG) {
		cfgsrc_fail_at(sc, sc->inc_line, "include( is not closed before the end of the file");
		return;
	}
	if (sc->open->len) {
		struct open_brace *b = &g_array_index(sc->open, struct open_brace, sc->open->len - 1);
		GString *e = sc->src->brace_errors;
		if (e->len)
			g_string_append_c(e, '\n');
		if (b->section && b->title)
			g_string_append_printf(e, "%s:%d: section %s \"%s\" is not closed: '}' missing before the end of %s",
					       sc->name, b->line, b->name, b->title, sc->level ? "this included file" : "the file");
		else if (b->section)
			g_string_append_printf(e, "%s:%d: section %s is not closed: '}' missing before the end of %s",
					       sc->name, b->line, b->name, sc->level ? "this included file" : "the file");
		else
			g_string_append_printf(e, "%s:%d: list is not closed: '}' missing before the end of %s",
					       sc->name, b->line, sc->level ? "this included file" : "the file");
	}
}
