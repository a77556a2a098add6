/* SPDX-License-Identifier: MIT */
/* The text libconfuse parses, with its line map (config-source.h): the
 * statements and sections its tokens make, include(), and the lookups
 * from libconfuse's lines back to file and line. The characters
 * themselves are read by config-lex.c. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-source-private.h"


void cfgsrc_fail_at(struct scan *sc, int line, const char *fmt, ...)
{
	if (sc->error)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	sc->error = g_strdup_printf("%s:%d: %s", sc->name, line, msg);
	g_free(msg);
}

void cfgsrc_push_origin(struct vpdn_cfg_source *s, guint file, int line)
{
	struct origin o = { file, line };
	g_array_append_val(s->origins, o);
}


static int out_line(const struct scan *sc)
{
	return (int)sc->src->origins->len - 1;
}

static void token_clear(struct token *t)
{
	g_free(t->value);
	t->value = NULL;
	t->kind = TOK_NONE;
}

/* Where libconfuse's parser is back in its "expecting an option name"
 * state, judged from the two tokens before: the start, after a closing
 * brace or parenthesis, after a section's opening brace, after a value. */
static bool at_statement(const struct scan *sc)
{
	switch (sc->prev.kind) {
	case TOK_NONE:
	case TOK_CLOSE:
	case TOK_RPAREN:
		return true;
	case TOK_OPEN:
		return sc->prev2.kind != TOK_EQ && sc->prev2.kind != TOK_PLUS;
	case TOK_STR:
		return sc->prev2.kind == TOK_EQ || sc->prev2.kind == TOK_PLUS;
	default:
		return false;
	}
}

static int depth(const struct scan *sc)
{
	return sc->depth_base + (int)sc->open->len;
}

static void include_file(struct scan *sc);

static void on_open(struct scan *sc)
{
	struct open_brace b = { .line = sc->line };
	/* `name {` or `name "title" {`: a section; `= {`: a list. */
	if (sc->prev.kind == TOK_STR && sc->prev.stmt) {
		b.section = true;
		b.name = g_strdup(sc->prev.value);
	} else if (sc->prev.kind == TOK_STR && sc->prev2.kind == TOK_STR && sc->prev2.stmt) {
		b.section = true;
		b.name = g_strdup(sc->prev2.value);
		b.title = g_strdup(sc->prev.value);
	}
	if (b.section)
		b.stmts = g_array_new(FALSE, FALSE, sizeof(struct stmt));
	g_array_append_val(sc->open, b);
}

static void free_stmts(GArray *a)
{
	for (guint i = 0; a && i < a->len; i++)
		g_free(g_array_index(a, struct stmt, i).name);
	if (a)
		g_array_free(a, TRUE);
}

/* The section a statement at this point belongs to, or NULL. */
static struct open_brace *inner_section(struct scan *sc)
{
	if (sc->open->len) {
		struct open_brace *b = &g_array_index(sc->open, struct open_brace, sc->open->len - 1);
		return b->section ? b : NULL;
	}
	return sc->outer;
}

static void on_close(struct scan *sc)
{
	if (!sc->open->len) {
		/* In the main file libconfuse reports it; an included file
		 * would close a section of its includer. */
		if (sc->level > 0 && sc->depth_base > 0)
			g_string_append_printf(sc->src->brace_errors,
					       "%s%s:%d: closing brace without an opening one in this file",
					       sc->src->brace_errors->len ? "\n" : "", sc->name, sc->line);
		return;
	}
	struct open_brace *b = &g_array_index(sc->open, struct open_brace, sc->open->len - 1);
	if (b->section) {
		struct section_rec r = { b->name, b->title, out_line(sc), { sc->file, b->line }, b->stmts };
		g_array_append_val(sc->src->sections, r);
	} else {
		g_free(b->name);
		g_free(b->title);
	}
	g_array_set_size(sc->open, sc->open->len - 1);
}

void cfgsrc_token(struct scan *sc, enum tok kind, char *value, size_t start)
{
	bool stmt = at_statement(sc);

	switch (sc->inc) {
	case INC_NONE:
		if (kind == TOK_STR && stmt && !strcmp(value, "include")) {
			sc->inc = INC_NAME;
			sc->inc_start = start;
			sc->inc_line = sc->line;
			sc->inc_argc = 0;
		}
		break;
	case INC_NAME:
		sc->inc = kind == TOK_LPAREN ? INC_ARG : INC_NONE;
		break;
	case INC_ARG:
		if (kind == TOK_STR) {
			if (!sc->inc_argc++)
				sc->inc_arg = g_strdup(value);
			sc->inc = INC_AFTER_ARG;
		} else if (kind == TOK_RPAREN) {
			cfgsrc_fail_at(sc, sc->inc_line, "include() needs the name of a file");
			sc->inc = INC_NONE;
		} else {
			/* libconfuse would leak the arguments read so far */
			cfgsrc_fail_at(sc, sc->line, "include(): expected a file name in quotes");
			sc->inc = INC_NONE;
		}
		break;
	case INC_AFTER_ARG:
		if (kind == TOK_COMMA) {
			sc->inc = INC_ARG;
		} else if (kind == TOK_RPAREN) {
			sc->inc = INC_NONE;
			if (sc->inc_argc != 1)
				cfgsrc_fail_at(sc, sc->inc_line, "include() takes one file name, not %d",
					sc->inc_argc);
			else
				include_file(sc);
			g_free(value);
			/* The call stands for a statement. */
			token_clear(&sc->prev2);
			token_clear(&sc->prev);
			sc->prev.kind = TOK_RPAREN;
			g_clear_pointer(&sc->inc_arg, g_free);
			return;
		} else {
			cfgsrc_fail_at(sc, sc->line, "include(): expected ) after the file name");
			sc->inc = INC_NONE;
		}
		break;
	}
	if (sc->inc == INC_NONE)
		g_clear_pointer(&sc->inc_arg, g_free);

	struct open_brace *in = kind == TOK_STR && stmt ? inner_section(sc) : NULL;
	if (in) {
		struct stmt st = { g_strdup(value), { sc->file, sc->line } };
		g_array_append_val(in->stmts, st);
	}
	if (kind == TOK_STR && stmt && depth(sc) == 0 && !g_hash_table_contains(sc->src->options, value)) {
		struct origin *o = g_new(struct origin, 1);
		*o = (struct origin){ sc->file, sc->line };
		g_hash_table_insert(sc->src->options, g_strdup(value), o);
	}
	if (kind == TOK_OPEN)
		on_open(sc);
	else if (kind == TOK_CLOSE)
		on_close(sc);

	token_clear(&sc->prev2);
	sc->prev2 = sc->prev;
	sc->prev = (struct token){ kind, value, stmt };
}


static char *expand_tilde(const char *path)
{
	if (path[0] != '~')
		return g_strdup(path);
	const char *slash = strchr(path, '/');
	size_t ulen = slash ? (size_t)(slash - path - 1) : strlen(path + 1);
	const char *home = NULL;
	if (ulen == 0) {
		home = g_get_home_dir();
	} else {
		char *user = g_strndup(path + 1, ulen);
		struct passwd *pw = getpwnam(user);
		g_free(user);
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return NULL;
	return g_strconcat(home, slash ? slash : "", NULL);
}

/* A regular file only: a directory libconfuse would read as an empty
 * file, a FIFO or device a reload would block on or read for ever. */
static bool read_file(const char *path, char **text, size_t *len, char **why)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int e = 0;

	if (fd < 0) {
		*why = g_strdup(g_strerror(errno));
		return false;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
	} else if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
	} else if (!S_ISREG(st.st_mode)) {
		*why = g_strdup("not a regular file");
		close(fd);
		return false;
	}
	GString *buf = g_string_sized_new(e ? 0 : (gsize)st.st_size + 1);
	while (!e) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = errno;
		else if (n == 0)
			break;
		else
			g_string_append_len(buf, chunk, n);
	}
	close(fd);
	if (e) {
		*why = g_strdup(g_strerror(e));
		g_string_free(buf, TRUE);
		return false;
	}
	*len = buf->len;
	*text = g_string_free(buf, FALSE);
	return true;
}

static void scan_file(struct scan *sc, const char *name, const char *text, size_t len)
{
	sc->name = name;
	sc->p = text;
	sc->end = text + len;
	sc->line = 1;
	sc->open = g_array_new(FALSE, TRUE, sizeof(struct open_brace));
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		int line = 1;
		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		cfgsrc_fail_at(sc, line, "NUL byte in the file");
	} else {
		cfgsrc_scan_text(sc);
	}
	for (guint i = 0; i < sc->open->len; i++) {
		g_free(g_array_index(sc->open, struct open_brace, i).name);
		g_free(g_array_index(sc->open, struct open_brace, i).title);
		free_stmts(g_array_index(sc->open, struct open_brace, i).stmts);
	}
	g_array_free(sc->open, TRUE);
	token_clear(&sc->prev);
	token_clear(&sc->prev2);
	g_clear_pointer(&sc->inc_arg, g_free);
}

/* include("FILE") just read: blank the call, then the file's text on
 * lines of its own. A relative name is relative to the including file. */
static void include_file(struct scan *sc)
{
	struct vpdn_cfg_source *s = sc->src;
	int line = sc->inc_line;

	for (size_t i = sc->inc_start; i < s->text->len; i++)
		if (s->text->str[i] != '\n')
			s->text->str[i] = ' ';
	if (!*sc->inc_arg) {
		cfgsrc_fail_at(sc, line, "include(): empty file name");
		return;
	}
	if (sc->level + 1 > MAX_INCLUDE_DEPTH) {
		cfgsrc_fail_at(sc, line, "include(\"%s\"): includes nested more than %d deep",
			sc->inc_arg, MAX_INCLUDE_DEPTH);
		return;
	}
	char *path = expand_tilde(sc->inc_arg);
	if (!path) {
		cfgsrc_fail_at(sc, line, "include(\"%s\"): no such user", sc->inc_arg);
		return;
	}
	if (!g_path_is_absolute(path)) {
		char *dir = g_path_get_dirname(sc->name);
		char *full = g_build_filename(dir, path, NULL);
		g_free(dir);
		g_free(path);
		path = full;
	}
	char *text = NULL, *why = NULL;
	size_t len = 0;
	if (!read_file(path, &text, &len, &why)) {
		cfgsrc_fail_at(sc, line, "include(\"%s\"): cannot read %s: %s", sc->inc_arg, path, why);
		g_free(why);
		g_free(path);
		return;
	}
	char *real = realpath(path, NULL);
	for (guint i = 0; real && i < sc->chain->len; i++)
		if (!strcmp(real, g_ptr_array_index(sc->chain, i))) {
			cfgsrc_fail_at(sc, line, "include(\"%s\"): %s includes itself", sc->inc_arg, path);
			free(real);
			g_free(text);
			g_free(path);
			return;
		}
	g_ptr_array_add(sc->chain, real ? g_strdup(real) : g_strdup(path));
	free(real);

	g_ptr_array_add(s->files, path);
	struct scan sub = {
		.src = s,
		.file = s->files->len - 1,
		.depth_base = depth(sc),
		.outer = inner_section(sc),
		.level = sc->level + 1,
		.chain = sc->chain,
	};
	g_string_append_c(s->text, '\n');
	cfgsrc_push_origin(s, sub.file, 1);
	scan_file(&sub, path, text, len);
	g_free(text);
	g_ptr_array_remove_index(sc->chain, sc->chain->len - 1);
	if (sub.error) {
		sc->error = sub.error;
		return;
	}
	g_string_append_c(s->text, '\n');
	cfgsrc_push_origin(s, sc->file, sc->line);
}

static void section_rec_clear(gpointer p)
{
	struct section_rec *r = p;
	g_free(r->name);
	g_free(r->title);
	free_stmts(r->stmts);
}

struct vpdn_cfg_source *vpdn_cfg_source_new(const char *path, const char *text, char **error)
{
	char *own = NULL, *why = NULL;
	size_t len;

	*error = NULL;
	if (text) {
		len = strlen(text);
	} else {
		if (!read_file(path, &own, &len, &why)) {
			*error = g_strdup_printf("%s: cannot read: %s", path, why);
			g_free(why);
			return NULL;
		}
		text = own;
	}
	struct vpdn_cfg_source *s = g_new0(struct vpdn_cfg_source, 1);
	s->text = g_string_sized_new(len + 64);
	s->origins = g_array_new(FALSE, FALSE, sizeof(struct origin));
	s->files = g_ptr_array_new_with_free_func(g_free);
	s->sections = g_array_new(FALSE, TRUE, sizeof(struct section_rec));
	g_array_set_clear_func(s->sections, section_rec_clear);
	s->options = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	s->brace_errors = g_string_new(NULL);
	g_ptr_array_add(s->files, g_strdup(path));
	cfgsrc_push_origin(s, 0, 0); /* libconfuse counts from 1 */
	cfgsrc_push_origin(s, 0, 1);

	struct scan sc = { .src = s, .file = 0, .chain = g_ptr_array_new_with_free_func(g_free) };
	char *real = own ? realpath(path, NULL) : NULL;
	if (real) {
		g_ptr_array_add(sc.chain, g_strdup(real));
		free(real);
	}
	scan_file(&sc, path, text, len);
	g_ptr_array_free(sc.chain, TRUE);
	g_free(own);
	if (sc.error) {
		*error = sc.error;
		vpdn_cfg_source_free(s);
		return NULL;
	}
	return s;
}

void vpdn_cfg_source_free(struct vpdn_cfg_source *s)
{
	if (!s)
		return;
	g_string_free(s->text, TRUE);
	g_array_free(s->origins, TRUE);
	g_ptr_array_free(s->files, TRUE);
	g_array_free(s->sections, TRUE);
	g_hash_table_destroy(s->options);
	g_string_free(s->brace_errors, TRUE);
	g_free(s);
}

const char *vpdn_cfg_source_text(const struct vpdn_cfg_source *s, size_t *len)
{
	if (len)
		*len = s->text->len;
	return s->text->str;
}

void vpdn_cfg_source_locate(const struct vpdn_cfg_source *s, int line,
			    const char **file, int *out_line)
{
	if (line < 1 || (guint)line >= s->origins->len) {
		*file = g_ptr_array_index(s->files, 0);
		*out_line = 0;
		return;
	}
	const struct origin *o = &g_array_index(s->origins, struct origin, line);
	*file = g_ptr_array_index(s->files, o->file);
	*out_line = o->line;
}

static bool word_at(const char *msg, const char *p, size_t len)
{
#define NAME_CHAR(c) (g_ascii_isalnum(c) || (c) == '-' || (c) == '_')
	return (p == msg || !NAME_CHAR(p[-1])) && !NAME_CHAR(p[len]);
#undef NAME_CHAR
}

/* Where in msg the option name is first mentioned as a word, or -1. */
static long mention(const char *msg, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = strstr(msg, name); p && len; p = strstr(p + 1, name))
		if (word_at(msg, p, len))
			return p - msg;
	return -1;
}

bool vpdn_cfg_source_section(const struct vpdn_cfg_source *s, const char *name,
			     const char *title, int close_line, const char *message,
			     const char **file, int *out_line)
{
	/* Sections are recorded as they close: sorted by close_line. */
	guint lo = 0, hi = s->sections->len;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (g_array_index(s->sections, struct section_rec, mid).close_line < close_line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (guint i = lo; i < s->sections->len; i++) {
		const struct section_rec *r = &g_array_index(s->sections, struct section_rec, i);
		if (r->close_line != close_line)
			break;
		if (g_strcmp0(r->name, name) || g_strcmp0(r->title, title))
			continue;
		const struct origin *at = &r->open;
		long best = -1;
		for (guint k = 0; message && r->stmts && k < r->stmts->len; k++) {
			const struct stmt *st = &g_array_index(r->stmts, struct stmt, k);
			long m = strcmp(st->name, r->name) ? mention(message, st->name) : -1;
			if (m >= 0 && (best < 0 || m < best)) {
				best = m;
				at = &st->at;
			}
		}
		*file = g_ptr_array_index(s->files, at->file);
		*out_line = at->line;
		return true;
	}
	return false;
}

bool vpdn_cfg_source_option(const struct vpdn_cfg_source *s, const char *name,
			    const char **file, int *out_line)
{
	const struct origin *o = g_hash_table_lookup(s->options, name);
	if (!o)
		return false;
	*file = g_ptr_array_index(s->files, o->file);
	*out_line = o->line;
	return true;
}

const char *vpdn_cfg_source_brace_errors(const struct vpdn_cfg_source *s)
{
	return s->brace_errors->len ? s->brace_errors->str : NULL;
}

int vpdn_cfg_source_lines(const struct vpdn_cfg_source *s)
{
	return (int)s->origins->len - 1;
}
