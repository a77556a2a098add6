/* SPDX-License-Identifier: MIT */
/*
 * Config: libconfuse, in two passes. The first reads only the core's
 * options (modules, module-path, hostname) and ignores the rest; the second
 * parses the whole file against the core's options plus every loaded
 * module's, then runs the modules' check() hooks. Every error names file
 * and line. libconfuse parses a text the core makes (config-source.h:
 * comments out, include() expanded) so that its lines are exact.
 */
#ifndef VPDND_CONFIG_H
#define VPDND_CONFIG_H

#include <confuse.h>
#include <stdbool.h>

#include "loader.h"

#define VPDN_EXIT_CONFIG 78 /* EX_CONFIG */
/* state-directory: where a planned restart writes HOSTNAME.restart
 * (docs/RESTART.md). */
#define VPDN_STATE_DIRECTORY_DEFAULT "/run/vpdnd"

struct vpdn_config_core {
	char **modules;      /* NULL-terminated */
	size_t n_modules;
	int modules_line;    /* line of `modules`, 0 if absent */
	char *modules_file;  /* the file it is in (an include() may hold it) */
	char **module_path;  /* NULL-terminated */
	char *hostname;      /* NULL: the system's */
	bool complete;       /* pass 1 read the whole file */
};

/* Pass 1. Returns 0, or negative errno with *error when the file cannot
 * be read. Syntax errors are left to pass 2. */
int vpdn_config_read_core(const char *path, struct vpdn_config_core *out, char **error);
void vpdn_config_core_clear(struct vpdn_config_core *c);

/* Pass 2, with the modules' options and checks. Returns the parsed config
 * (free with vpdn_config_free) or NULL with *error (possibly several
 * lines, each "file:line: message"). */
cfg_t *vpdn_config_parse(const char *path, struct vpdn_loader *ld, char **error);
/* Same, from a string (tests); `name` stands for the file name. */
cfg_t *vpdn_config_parse_string(const char *text, const char *name,
				struct vpdn_loader *ld, char **error);
void vpdn_config_free(cfg_t *cfg);

/* Between these two, cfg_error() on `cfg` (a tree vpdn_config_parse()
 * returned) or its sections is collected as "file:line: message" lines,
 * a section's line being the one that opens it: a module's reload() refuses
 * a change that way. _end() returns the lines (g_free) or NULL. */
void vpdn_config_errors_begin(cfg_t *cfg);
char *vpdn_config_errors_end(void);

/* How many titles libconfuse compared while the last parse opened titled
 * sections (its own duplicate search, linear per section): 0 since the
 * core keeps parsed sections aside (tests). */
size_t vpdn_config_title_compares(void);

/* Apply the core's own settings (debug categories, log options). */
void vpdn_config_apply_core(cfg_t *cfg, struct vpdn_core *core);

/* A warning line if the file is readable by group or others, else NULL. */
char *vpdn_config_permission_warning(const char *path);

#endif
