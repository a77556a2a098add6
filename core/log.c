/* SPDX-License-Identifier: MIT */
/* Logging: IOS-like debug categories, stderr and/or syslog, extra sinks. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>

#include <vpdnd/log.h>

struct log_sink {
	unsigned id;
	vpdn_log_sink_fn fn;
	void *data;
};

struct vpdn_log {
	uint32_t debug_mask;
	enum vpdn_log_level level;
	unsigned targets;
	bool timestamps;
	GArray *sinks; /* struct log_sink */
	unsigned next_sink_id;
	bool in_sink; /* a sink that logs does not recurse */
};

static const char *const debug_names[VPDN_DEBUG__COUNT] = {
	[VPDN_DEBUG_ISDN_EVENTS] = "isdn events",
	[VPDN_DEBUG_ISDN_Q931] = "isdn q931",
	[VPDN_DEBUG_DIALER_EVENTS] = "dialer events",
	[VPDN_DEBUG_PPP_NEGOTIATION] = "ppp negotiation",
	[VPDN_DEBUG_PPP_AUTHENTICATION] = "ppp authentication",
	[VPDN_DEBUG_PPP_PACKET] = "ppp packet",
	[VPDN_DEBUG_VPDN_EVENTS] = "vpdn events",
	[VPDN_DEBUG_VPDN_ERRORS] = "vpdn errors",
	[VPDN_DEBUG_L2X_EVENTS] = "vpdn l2x-events",
	[VPDN_DEBUG_L2X_PACKETS] = "vpdn l2x-packets",
	[VPDN_DEBUG_L2X_ERRORS] = "vpdn l2x-errors",
	[VPDN_DEBUG_L2X_DATA] = "vpdn l2x-data",
	[VPDN_DEBUG_VTEMPLATE] = "vtemplate",
	[VPDN_DEBUG_IP_EVENTS] = "ip events",
	[VPDN_DEBUG_CORE] = "core",
	[VPDN_DEBUG_PPPOE_EVENTS] = "pppoe events",
	[VPDN_DEBUG_PPPOE_PACKETS] = "pppoe packets",
};

const char *vpdn_debug_name(enum vpdn_debug cat)
{
	if ((unsigned)cat >= VPDN_DEBUG__COUNT)
		return "?";
	return debug_names[cat];
}

/* Compare ignoring the difference between ' ', '-' and '_'. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a == '-' || *a == '_') ? ' ' : g_ascii_tolower(*a);
		char y = (*b == '-' || *b == '_') ? ' ' : g_ascii_tolower(*b);
		if (x != y)
			return false;
	}
	return *a == *b;
}

int vpdn_debug_parse(const char *name)
{
	if (!name)
		return -ENOENT;
	if (name_eq(name, "all"))
		return VPDN_DEBUG__COUNT;
	for (int i = 0; i < VPDN_DEBUG__COUNT; i++)
		if (name_eq(name, debug_names[i]))
			return i;
	return -ENOENT;
}

const char *vpdn_log_level_name(enum vpdn_log_level level)
{
	switch (level) {
	case VPDN_LOG_ERR: return "error";
	case VPDN_LOG_WARNING: return "warning";
	case VPDN_LOG_NOTICE: return "notice";
	case VPDN_LOG_INFO: return "info";
	case VPDN_LOG_DEBUG: return "debug";
	}
	return "?";
}

struct vpdn_log *vpdn_log_new(void)
{
	struct vpdn_log *log = g_new0(struct vpdn_log, 1);
	log->level = VPDN_LOG_INFO;
	log->targets = VPDN_LOG_TO_STDERR;
	log->timestamps = true;
	log->sinks = g_array_new(FALSE, FALSE, sizeof(struct log_sink));
	return log;
}

void vpdn_log_free(struct vpdn_log *log)
{
	if (!log)
		return;
	if (log->targets & VPDN_LOG_TO_SYSLOG)
		closelog();
	g_array_free(log->sinks, TRUE);
	g_free(log);
}

void vpdn_log_set_targets(struct vpdn_log *log, unsigned targets)
{
	if ((targets & VPDN_LOG_TO_SYSLOG) && !(log->targets & VPDN_LOG_TO_SYSLOG))
		openlog("vpdnd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log->targets = targets;
}

void vpdn_log_set_level(struct vpdn_log *log, enum vpdn_log_level level)
{
	log->level = level;
}

void vpdn_log_set_timestamps(struct vpdn_log *log, bool on)
{
	log->timestamps = on;
}

void vpdn_log_set_debug(struct vpdn_log *log, enum vpdn_debug cat, bool on)
{
	if ((unsigned)cat > VPDN_DEBUG__COUNT)
		return;
	uint32_t bits = cat == VPDN_DEBUG__COUNT ? (1u << VPDN_DEBUG__COUNT) - 1 : 1u << cat;
	if (on)
		log->debug_mask |= bits;
	else
		log->debug_mask &= ~bits;
}

bool vpdn_log_get_debug(const struct vpdn_log *log, enum vpdn_debug cat)
{
	return (unsigned)cat < VPDN_DEBUG__COUNT && (log->debug_mask & (1u << cat));
}

bool vpdn_log_debug_on(const struct vpdn_log *log, enum vpdn_debug cat)
{
	return log && (unsigned)cat < VPDN_DEBUG__COUNT && (log->debug_mask & (1u << cat));
}

uint32_t vpdn_log_debug_mask(const struct vpdn_log *log)
{
	return log->debug_mask;
}

unsigned vpdn_log_add_sink(struct vpdn_log *log, vpdn_log_sink_fn fn, void *data)
{
	struct log_sink s = { .id = ++log->next_sink_id, .fn = fn, .data = data };
	g_array_append_val(log->sinks, s);
	return s.id;
}

void vpdn_log_remove_sink(struct vpdn_log *log, unsigned id)
{
	for (guint i = 0; i < log->sinks->len; i++)
		if (g_array_index(log->sinks, struct log_sink, i).id == id) {
			g_array_remove_index(log->sinks, i);
			return;
		}
}

static int syslog_priority(enum vpdn_log_level level)
{
	switch (level) {
	case VPDN_LOG_ERR: return LOG_ERR;
	case VPDN_LOG_WARNING: return LOG_WARNING;
	case VPDN_LOG_NOTICE: return LOG_NOTICE;
	case VPDN_LOG_INFO: return LOG_INFO;
	case VPDN_LOG_DEBUG: return LOG_DEBUG;
	}
	return LOG_INFO;
}

void vpdn_log_writev(struct vpdn_log *log, enum vpdn_log_level level, int cat,
		     const char *fmt, va_list ap)
{
	if (!log)
		return;
	if (level == VPDN_LOG_DEBUG) {
		if (cat < 0 || !vpdn_log_debug_on(log, cat))
			return;
	} else if (level > log->level) {
		return;
	}

	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* One line per call: a stray newline must not forge a log line. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	if (log->targets & VPDN_LOG_TO_STDERR) {
		if (log->timestamps) {
			struct timeval tv;
			struct tm tm;
			char ts[32];
			gettimeofday(&tv, NULL);
			localtime_r(&tv.tv_sec, &tm);
			strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
			fprintf(stderr, "%s.%03ld: %s%s\n", ts, (long)tv.tv_usec / 1000,
				level <= VPDN_LOG_WARNING ? (level == VPDN_LOG_ERR ? "%ERROR: " : "%WARNING: ") : "",
				line);
		} else {
			fprintf(stderr, "%s%s\n",
				level <= VPDN_LOG_WARNING ? (level == VPDN_LOG_ERR ? "%ERROR: " : "%WARNING: ") : "",
				line);
		}
	}
	if (log->targets & VPDN_LOG_TO_SYSLOG)
		syslog(syslog_priority(level), "%s", line);
	if (log->sinks->len && !log->in_sink) {
		log->in_sink = true;
		for (guint i = 0; i < log->sinks->len; i++) {
			struct log_sink *s = &g_array_index(log->sinks, struct log_sink, i);
			s->fn(level, cat, line, s->data);
		}
		log->in_sink = false;
	}
}

char *vpdn_log_printable(char *dst, size_t size, const void *src, size_t n, size_t max)
{
	const unsigned char *s = src;
	size_t j = 0;

	if (!size)
		return dst;
	if (!max)
		max = size - 1;
	for (size_t i = 0; s && i < n && i < max && j + 1 < size; i++)
		dst[j++] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"') ? (char)s[i] : '.';
	if (n > max && j + 4 < size) {
		memcpy(dst + j, "...", 3);
		j += 3;
	}
	dst[j] = '\0';
	return dst;
}

void vpdn_log_write(struct vpdn_log *log, enum vpdn_log_level level, int cat,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpdn_log_writev(log, level, cat, fmt, ap);
	va_end(ap);
}
