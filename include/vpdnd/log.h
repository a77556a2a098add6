/* SPDX-License-Identifier: MIT */
/*
 * Logging with IOS-like debug categories, switchable at run time.
 *
 * Messages carry their own prefix, as IOS prints it: "Se0:17 PPP: ...",
 * "Tnl 45029 L2TP: ...", "Tnl/Cl 45029/291 L2TP: ...". Debug lines are
 * emitted only while their category is on. Secrets are never passed to these
 * functions; print "xxxxxx" instead (see VPDN_SECRET_MASK).
 */
#ifndef VPDND_LOG_H
#define VPDND_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VPDN_SECRET_MASK "xxxxxx"

enum vpdn_log_level {
	VPDN_LOG_ERR,
	VPDN_LOG_WARNING,
	VPDN_LOG_NOTICE,
	VPDN_LOG_INFO,
	VPDN_LOG_DEBUG,
};

/* Debug categories, named as IOS names them ("debug vpdn l2x-events"). */
enum vpdn_debug {
	VPDN_DEBUG_ISDN_EVENTS,
	VPDN_DEBUG_ISDN_Q931,
	VPDN_DEBUG_DIALER_EVENTS,
	VPDN_DEBUG_PPP_NEGOTIATION,
	VPDN_DEBUG_PPP_AUTHENTICATION,
	VPDN_DEBUG_PPP_PACKET,
	VPDN_DEBUG_VPDN_EVENTS,
	VPDN_DEBUG_VPDN_ERRORS,
	VPDN_DEBUG_L2X_EVENTS,
	VPDN_DEBUG_L2X_PACKETS,
	VPDN_DEBUG_L2X_ERRORS,
	VPDN_DEBUG_L2X_DATA,
	VPDN_DEBUG_VTEMPLATE,
	VPDN_DEBUG_IP_EVENTS,
	VPDN_DEBUG_CORE,
	VPDN_DEBUG_PPPOE_EVENTS,
	VPDN_DEBUG_PPPOE_PACKETS,
	VPDN_DEBUG__COUNT
};

/* "isdn events", "vpdn l2x-events", ... */
const char *vpdn_debug_name(enum vpdn_debug cat);
/* Accepts the name with spaces or dashes ("vpdn l2x-events",
 * "vpdn-l2x-events"), and "all". Returns the category, VPDN_DEBUG__COUNT
 * for "all", or -ENOENT. */
int vpdn_debug_parse(const char *name);
const char *vpdn_log_level_name(enum vpdn_log_level level);

struct vpdn_log;

/* A sink receives every line that passes the filters. line has no newline
 * and is valid only during the call. */
typedef void (*vpdn_log_sink_fn)(enum vpdn_log_level level, int cat,
				 const char *line, void *data);

/* Targets of the default output. */
#define VPDN_LOG_TO_STDERR 0x1
#define VPDN_LOG_TO_SYSLOG 0x2

struct vpdn_log *vpdn_log_new(void);
void vpdn_log_free(struct vpdn_log *log);

void vpdn_log_set_targets(struct vpdn_log *log, unsigned targets);
/* Lowest severity printed for non-debug lines (default INFO). */
void vpdn_log_set_level(struct vpdn_log *log, enum vpdn_log_level level);
/* Prefix every stderr line with a timestamp (default on). */
void vpdn_log_set_timestamps(struct vpdn_log *log, bool on);

void vpdn_log_set_debug(struct vpdn_log *log, enum vpdn_debug cat, bool on);
bool vpdn_log_get_debug(const struct vpdn_log *log, enum vpdn_debug cat);
uint32_t vpdn_log_debug_mask(const struct vpdn_log *log);

/* Extra sinks (D-Bus monitor, tests). Returns an id for removal. */
unsigned vpdn_log_add_sink(struct vpdn_log *log, vpdn_log_sink_fn fn, void *data);
void vpdn_log_remove_sink(struct vpdn_log *log, unsigned id);

void vpdn_log_write(struct vpdn_log *log, enum vpdn_log_level level, int cat,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void vpdn_log_writev(struct vpdn_log *log, enum vpdn_log_level level, int cat,
		     const char *fmt, va_list ap);

/* Text from the wire (a user or host name) made fit for a log line: the
 * first n octets of src, non-printable octets and '"' shown as '.', at most
 * `max` of them (0: as many as fit in dst) followed by "..." when src was
 * longer and there is room. Always NUL-terminates dst (size > 0). Returns
 * dst. */
char *vpdn_log_printable(char *dst, size_t size, const void *src, size_t n, size_t max);

/* Cheap test for hot paths. */
bool vpdn_log_debug_on(const struct vpdn_log *log, enum vpdn_debug cat);

#define vpdn_debug(log, cat, ...)                                             \
	do {                                                                  \
		if (vpdn_log_debug_on((log), (cat)))                          \
			vpdn_log_write((log), VPDN_LOG_DEBUG, (cat), __VA_ARGS__); \
	} while (0)
#define vpdn_info(log, ...) vpdn_log_write((log), VPDN_LOG_INFO, -1, __VA_ARGS__)
#define vpdn_notice(log, ...) vpdn_log_write((log), VPDN_LOG_NOTICE, -1, __VA_ARGS__)
#define vpdn_warn(log, ...) vpdn_log_write((log), VPDN_LOG_WARNING, -1, __VA_ARGS__)
#define vpdn_err(log, ...) vpdn_log_write((log), VPDN_LOG_ERR, -1, __VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif
