/* SPDX-License-Identifier: MIT */
/*
 * Packet capture: every L2TP datagram the transport sends or receives,
 * control and data, written to a pcap file (LINKTYPE_RAW, by the tree's one
 * pcap writer, lib/pcap-writer, flushed per record) inside a synthesized
 * IPv4 or IPv6 + UDP header with the real addresses and ports, so that
 * tshark decodes it as L2TP. Optionally only one tunnel or one session (by
 * local ID). One capture per node at a time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/capture.h>

#include "l2tp.h"
#include "pcap-writer.h"

struct l2tp_capture {
	struct pcapw *w;
	char *path;
	enum l2tp_capture_filter filter;
	uint16_t id;
};

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

int l2tp_capture_start(struct l2tp *l2tp, const char *name, enum l2tp_capture_filter filter,
		       uint16_t id, char **error)
{
	struct l2tp_capture *c;
	struct pcapw *w;
	char *path = NULL;
	int fd, r;

	*error = NULL;
	if (l2tp->capture) {
		*error = g_strdup_printf("a capture to %s is already running", l2tp->capture->path);
		return -EBUSY;
	}
	fd = vpdn_capture_create(l2tp->core, name, &path, error);
	if (fd < 0) {
		vpdn_warn(l2tp->log, "L2TP: capture refused: %s", *error);
		return fd;
	}
	r = pcapw_open(fd, PCAPW_LINK_RAW, PCAPW_FLUSH, &w);
	if (r < 0) {
		*error = g_strdup_printf("cannot write %s: %s", path, g_strerror(-r));
		g_free(path);
		return r;
	}
	c = g_new0(struct l2tp_capture, 1);
	c->w = w;
	c->path = path;
	c->filter = filter;
	c->id = id;
	l2tp->capture = c;
	if (filter == L2TP_CAPTURE_ALL)
		vpdn_notice(l2tp->log, "L2TP: capturing every datagram to %s", path);
	else
		vpdn_notice(l2tp->log, "L2TP: capturing %s %u to %s",
			    filter == L2TP_CAPTURE_TUNNEL ? "tunnel" : "session", id, path);
	return 0;
}

const char *l2tp_capture_path(const struct l2tp *l2tp)
{
	return l2tp->capture ? l2tp->capture->path : NULL;
}

int l2tp_capture_stop(struct l2tp *l2tp, uint64_t *packets)
{
	struct l2tp_capture *c = l2tp->capture;
	uint64_t n = 0;
	int r;

	if (!c)
		return -ENOENT;
	r = pcapw_close(c->w, &n);
	if (packets)
		*packets = n;
	vpdn_notice(l2tp->log, "L2TP: capture to %s stopped, %" G_GUINT64_FORMAT " packets",
		    c->path, n);
	g_free(c->path);
	g_free(c);
	l2tp->capture = NULL;
	return r;
}

/* Does the datagram belong to the tunnel or session the capture wants?
 * Incoming datagrams carry our IDs, outgoing ones the peer's. */
static bool wanted(struct l2tp *l2tp, const struct l2tp_capture *c,
		   const struct sockaddr_storage *peer, const uint8_t *buf, size_t len, bool out)
{
	struct l2tp_header h;
	GHashTableIter it;
	gpointer v;

	if (c->filter == L2TP_CAPTURE_ALL)
		return true;
	if (l2tp_header_decode(buf, len, &h) < 0)
		return false;
	if (!out) {
		if (h.tunnel_id == 0)
			return false;
		if (c->filter == L2TP_CAPTURE_TUNNEL)
			return h.tunnel_id == c->id;
		/* A session: its data and its control messages (the tunnel's
		 * ZLBs and HELLOs have Session ID 0). */
		return h.session_id == c->id;
	}
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;
		struct l2tp_session *s;

		if (!t->peer_tid || t->peer_tid != h.tunnel_id || !l2tp_addr_same_host(&t->peer, peer))
			continue;
		if (c->filter == L2TP_CAPTURE_TUNNEL)
			return t->tid == c->id;
		s = l2tp_session_get(t, c->id);
		return s && s->peer_sid && s->peer_sid == h.session_id;
	}
	return false;
}

void l2tp_capture_packet(struct l2tp *l2tp, const struct sockaddr_storage *local,
			 const struct sockaddr_storage *peer, const uint8_t *buf, size_t len,
			 bool out)
{
	struct l2tp_capture *c = l2tp->capture;
	const struct sockaddr_storage *src = out ? local : peer, *dst = out ? peer : local;
	uint8_t ip[48];
	size_t iplen, udplen = 8 + len;
	uint32_t sum;
	int r;

	if (!c || !c->w || !wanted(l2tp, c, peer, buf, len, out))
		return;
	if (udplen > 0xffff - 40)
		return;
	memset(ip, 0, sizeof(ip));
	if (src->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)src, *d6 = (const void *)dst;
		uint8_t *udp = ip + 40;

		iplen = 40;
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)udplen);
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, &s6->sin6_addr, 16);
		memcpy(ip + 24, &d6->sin6_addr, 16);
		memcpy(udp, &s6->sin6_port, 2);
		memcpy(udp + 2, &d6->sin6_port, 2);
		put16(udp + 4, (uint16_t)udplen);
		/* pseudo header: addresses, length, next header */
		sum = sum16(ip + 8, 32, 0) + (uint32_t)udplen + IPPROTO_UDP;
		sum = sum16(udp, 8, sum);
		sum = sum16(buf, len, sum);
		put16(udp + 6, fold(sum) ? fold(sum) : 0xffff);
	} else {
		const struct sockaddr_in *s4 = (const void *)src, *d4 = (const void *)dst;
		uint8_t *udp = ip + 20;

		iplen = 20;
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + udplen));
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		memcpy(ip + 12, &s4->sin_addr, 4);
		memcpy(ip + 16, &d4->sin_addr, 4);
		put16(ip + 10, fold(sum16(ip, 20, 0)));
		memcpy(udp, &s4->sin_port, 2);
		memcpy(udp + 2, &d4->sin_port, 2);
		put16(udp + 4, (uint16_t)udplen);
		sum = sum16(ip + 12, 8, 0) + (uint32_t)udplen + IPPROTO_UDP;
		sum = sum16(udp, 8, sum);
		sum = sum16(buf, len, sum);
		put16(udp + 6, fold(sum) ? fold(sum) : 0xffff);
	}
	r = pcapw_write(c->w, ip, iplen + 8, buf, len);
	if (r < 0) {
		vpdn_err(l2tp->log, "L2TP: capture to %s failed: %s; stopped", c->path,
			 g_strerror(-r));
		l2tp_capture_stop(l2tp, NULL);
	}
}
