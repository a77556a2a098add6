/* SPDX-License-Identifier: MIT */
/*
 * Restart in place for the line module (docs/RESTART.md): the module's
 * save and restore hooks. A line with a call up hands its byte stream
 * over ("line/stream/NAME": the tty, the pty master, the accepted or
 * connected UNIX socket): the kernel keeps the device open with its
 * termios (raw, speed, CLOCAL/HUPCL as line_start() set them), DTR
 * stays up, pppd at the other end sees nothing. What is saved (state
 * version LINE_STATE_VERSION), as aa{sv}, per line with an active call:
 * its name, kind, the call id, direction, number dialled, the peer's
 * PPP name, the send and receive ACCMs, how long it has been up, the
 * pty's slave path.
 *
 * At init a line whose stream was handed over adopts it instead of
 * opening its device (or pty, or connecting). restore() rebuilds the
 * call active on it and offers its link as "carrier/NAME" to whoever had
 * it spliced (l2tp at a LAC). One nobody takes back is ended as a hang-up
 * (a device line closes, HUPCL drops DTR), logged and counted. Octets
 * of a frame half received when the old process stopped are lost (PPP
 * retransmits); lines without a call are opened again as at any start.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vpdnd/restart.h>

#include "line-module.h"
#include "line-private.h"
#include "line-state.h"

static void fd_name(const struct line *l, char *buf, size_t size)
{
	g_snprintf(buf, size, "line/stream/%s", l->name);
	for (char *p = buf; *p; p++)
		if (*p == ':')
			*p = '_';
}

/* The descriptor is of the kind the line uses. */
static bool fd_fits(const struct line *l, int fd)
{
	struct stat st;
	int type = 0;
	socklen_t tl = sizeof(type);

	if (fstat(fd, &st) < 0)
		return false;
	switch (l->kind) {
	case LINE_DEVICE:
	case LINE_PTY:
		return S_ISCHR(st.st_mode) && isatty(fd);
	case LINE_LISTEN:
	case LINE_CONNECT:
		return S_ISSOCK(st.st_mode) &&
		       getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM;
	default:
		return false;
	}
}

int line_state_take_stream(struct line *l)
{
	char name[128];
	int fd, fl;

	if (!vpdn_core_restarted(l->core))
		return -1;
	fd_name(l, name, sizeof(name));
	fd = vpdn_core_take_fd(l->core, name);
	if (fd < 0)
		return -1;
	if (!fd_fits(l, fd)) {
		vpdn_warn(l->log, "ISDN %s: restart: %s handed over is not a %s line's stream: closed",
			  l->name, name, line_kind_name(l->kind));
		close(fd);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static GVariant *save_line(struct line *l)
{
	GVariantBuilder b;
	uint64_t now = vpdn_timers_now(l->tm);

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
#define ADD(k, v) g_variant_builder_add(&b, "{sv}", (k), (v))
	ADD("name", g_variant_new_string(l->name));
	ADD("kind", g_variant_new_byte((uint8_t)l->kind));
	ADD("call-id", g_variant_new_uint32(l->call_id));
	ADD("outgoing", g_variant_new_boolean(l->outgoing));
	ADD("dialled", g_variant_new_string(l->dialled));
	ADD("remote", g_variant_new_string(l->remote_name));
	ADD("accm", g_variant_new("(uu)", l->send_accm, hdlc_deframer_get_accm(l->deframer)));
	ADD("up-ms", g_variant_new_uint64(now > l->active_at ? now - l->active_at : 0));
	ADD("slave", g_variant_new_string(l->slave));
#undef ADD
	return g_variant_builder_end(&b);
}

GVariant *line_state_save(struct line_module *lm)
{
	GVariantBuilder b;
	unsigned n = 0, skipped = 0;
	char name[128];

	g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
	for (guint i = 0; i < lm->lines->len; i++) {
		struct line *l = g_ptr_array_index(lm->lines, i);

		if (l->state != LINE_ACTIVE || !l->link || l->fd < 0 || l->kind == LINE_FD) {
			skipped += l->state == LINE_RINGING;
			continue;
		}
		/* What is encoded goes out now (the successor does not know
		 * it): non-blocking, what the tty does not take is lost. */
		line_flush_tx(l);
		fd_name(l, name, sizeof(name));
		if (vpdn_core_keep_fd(l->core, name, l->fd) < 0) {
			vpdn_warn(l->log, "ISDN %s: restart: cannot keep the line's stream", l->name);
			continue;
		}
		g_variant_builder_add_value(&b, save_line(l));
		n++;
	}
	vpdn_notice(lm->log, "line: restart: saved %u call%s (%u ringing: left)", n, n == 1 ? "" : "s",
		    skipped);
	return g_variant_builder_end(&b);
}

/* A restored call nobody took back: end it as a hang-up would. */
static void call_orphan(void *ctx, struct vpdn_link *link)
{
	struct line *l = ctx;
	uint64_t *lost;

	if (l->link != link)
		return;
	vpdn_warn(l->log, "ISDN %s: restart: call id 0x%04X not taken back, hanging up", l->name,
		  l->call_id);
	lost = vpdn_core_counter(l->core, "isdn_line_restart_calls_lost_total",
				 "Serial line calls saved at a restart in place that could not be rebuilt");
	if (lost)
		(*lost)++;
	line_end_call(l, VPDN_CAUSE_NORMAL_CLEARING, false, false);
}

static int restore_line(struct line_module *lm, GVariant *d)
{
	const char *name = NULL, *dialled = "", *remote = "", *slave = "";
	guint32 call_id = 0, saccm = HDLC_ACCM_DEFAULT, raccm = HDLC_ACCM_DEFAULT;
	guint8 kind = 0;
	gboolean outgoing = FALSE;
	guint64 up = 0;
	struct line *l;
	char key[96];

	if (!g_variant_lookup(d, "name", "&s", &name) || !g_variant_lookup(d, "kind", "y", &kind) ||
	    !g_variant_lookup(d, "call-id", "u", &call_id) || !call_id)
		return -EBADMSG;
	g_variant_lookup(d, "outgoing", "b", &outgoing);
	g_variant_lookup(d, "dialled", "&s", &dialled);
	g_variant_lookup(d, "remote", "&s", &remote);
	g_variant_lookup(d, "accm", "(uu)", &saccm, &raccm);
	g_variant_lookup(d, "up-ms", "t", &up);
	g_variant_lookup(d, "slave", "&s", &slave);
	l = line_module_find(lm, name);
	if (!l || l->kind != kind || !l->adopted || l->state != LINE_IDLE) {
		vpdn_warn(lm->log, "ISDN %s: restart: its call not restored (%s)", name,
			  !l ? "no such line any more" : l->kind != kind ? "another kind of line now" :
			  "its stream was not handed over");
		return -ENOENT;
	}
	line_restore_call(l, call_id, outgoing, dialled, remote, saccm, raccm, up);
	if (l->kind == LINE_PTY && slave[0])
		g_strlcpy(l->slave, slave, sizeof(l->slave));
	/* The core's call ids go on past it (they are handed out in order). */
	for (unsigned i = 0; i < (1u << 24) && vpdn_core_call_id(l->core) < call_id; i++)
		;
	g_snprintf(key, sizeof(key), "carrier/%s", vpdn_link_name(l->link));
	if (vpdn_core_restored_link_offer(l->core, key, l->link, call_orphan, l) < 0) {
		call_orphan(l, l->link);
		return -EEXIST;
	}
	vpdn_info(l->log, "ISDN %s: restart: call id 0x%04X restored active on the %s line", l->name,
		  l->call_id, line_kind_name(l->kind));
	return 0;
}

int line_state_restore(struct line_module *lm, GVariant *data, uint32_t version)
{
	GVariantIter it;
	GVariant *d;
	unsigned n = 0, lost = 0;

	if (version != LINE_STATE_VERSION)
		return -EPROTO;
	if (!g_variant_is_of_type(data, G_VARIANT_TYPE("aa{sv}")))
		return -EBADMSG;
	g_variant_iter_init(&it, data);
	while ((d = g_variant_iter_next_value(&it))) {
		if (restore_line(lm, d) == 0)
			n++;
		else
			lost++;
		g_variant_unref(d);
	}
	vpdn_notice(lm->log, "line: restart: %u call%s restored, %u lost", n, n == 1 ? "" : "s", lost);
	return 0;
}
