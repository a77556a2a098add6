/* SPDX-License-Identifier: MIT */
/*
 * The PPP frames of one PPPoE session (org.vpdnd.Pppoe1.StartCapture,
 * `vpdnctl capture FILE port PPPoE7`), both ways, as the isdn and line
 * modules capture a B channel or a serial line: the tree's one pcap
 * writer (lib/pcap-writer), LINKTYPE_PPP (FF 03 + protocol + information,
 * the link's frames, not the Ethernet and PPPoE headers), buffered, on
 * the file vpdn_capture_create() made (inside the capture directory,
 * mode 0600, never an existing file).
 *
 * One capture at a time per node. It follows the session, not its name:
 * when the session ends nothing more is written (a later session that
 * gets the same name is not captured); StopCapture closes the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <vpdnd/capture.h>

#include "pcap-writer.h"
#include "pppoe-module.h"

struct find {
	const char *name;
	struct pppoe_call *found;
};

static gboolean find_one(gpointer key, gpointer value, gpointer data)
{
	struct find *f = data;
	struct pppoe_call *c = value;

	if (c->s && !c->dead && c->s->state == PPPOE_ST_OPEN && g_ascii_strcasecmp(c->s->name, f->name) == 0) {
		f->found = c;
		return TRUE;
	}
	return FALSE;
}

int pppoe_capture_start(struct pppoe_module *m, const char *path, const char *what, char **msg)
{
	struct find f = { .name = what ? what : "" };
	char *file = NULL;
	int r;

	if (m->cap) {
		*msg = g_strdup("A capture is already running");
		return -EBUSY;
	}
	if (*f.name)
		g_tree_foreach(m->calls, find_one, &f);
	if (!f.found) {
		*msg = g_strdup_printf("No PPPoE session \"%s\"", f.name);
		return -ENOENT;
	}
	r = vpdn_capture_create(m->core, path, &file, msg);
	if (r < 0) {
		vpdn_warn(m->log, "PPPoE: capture refused: %s", *msg);
		return r;
	}
	r = pcapw_open(r, PCAPW_LINK_PPP, 0, &m->cap);
	if (r < 0) {
		*msg = g_strdup_printf("Cannot write %s: %s", file, g_strerror(-r));
		m->cap = NULL;
		g_free(file);
		return r;
	}
	m->cap_path = file;
	m->cap_call = f.found;
	vpdn_info(m->log, "%s PPPoE: capturing the PPP frames of %s to %s",
		  f.found->port->ifc->name, f.found->s->name, file);
	return 0;
}

int pppoe_capture_stop(struct pppoe_module *m, uint64_t *packets)
{
	int r;

	if (!m->cap)
		return -ENOENT;
	r = pcapw_close(m->cap, packets);
	m->cap = NULL;
	m->cap_call = NULL;
	g_clear_pointer(&m->cap_path, g_free);
	vpdn_info(m->log, "PPPoE: capture stopped, %" PRIu64 " packets", packets ? *packets : 0);
	return r;
}

void pppoe_capture_frame(struct pppoe_call *c, const uint8_t *data, size_t len)
{
	static const uint8_t ff03[2] = { 0xff, 0x03 };
	struct pppoe_module *m = c->m;
	bool addr = len >= 2 && data[0] == 0xff && data[1] == 0x03;

	/* A write error sticks in the writer; StopCapture reports it. */
	(void)pcapw_write(m->cap, addr ? NULL : ff03, addr ? 0 : 2, data, len);
}

void pppoe_capture_session_gone(struct pppoe_call *c)
{
	struct pppoe_module *m = c->m;

	if (m->cap_call != c)
		return;
	m->cap_call = NULL;
	vpdn_info(m->log, "%s PPPoE: %s ended, its capture %s stops growing (%" PRIu64
		  " packets)", c->port->ifc->name, vpdn_link_name(c->link), m->cap_path,
		  pcapw_packets(m->cap));
}
