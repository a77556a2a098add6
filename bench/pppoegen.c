/* SPDX-License-Identifier: MIT */
/*
 * pppoegen: the benchmark's PPPoE load generator, as isdngen is for ISDN.
 * It is a crowd of PPPoE clients on one Ethernet (a veth end whose other
 * end is a real LAC's `pppoe-enable` interface), each with its own MAC
 * (02:50:xx:xx:xx:xx, the user's index), and plays for each one the whole
 * RFC 2516 discovery (PADI broadcast with a Host-Uniq, PADR to the AC that
 * answered with its AC-Cookie echoed, PADS) and then, on the session, a
 * PPP user (bench/pppuser.c): LCP (its own request, the LAC's acked), the
 * CHAP response for benchN@cisco.com, and once the LAC forwarded the
 * session to the LNS over L2TP, the LNS's IPCP (its request acked, ours
 * with a unique 17.x.y.z address). A session counts when IPCP is done both
 * ways: the whole path from the PADI at the LAC to IPCP Opened at the LNS.
 *
 * Two AF_PACKET sockets on the interface (0x8863 and 0x8864, as the
 * module's), batched receive (recvmmsg) and send (sendmmsg). Discovery
 * and PPP requests are sent again after a second without an answer.
 *
 * Phases (--phase N, repeatable) set up N more sessions each, at most
 * --inflight K at a time, and print the rate of each; the RSS of the
 * watched processes (--watch PID) is printed before any session and after
 * each phase, with their CPU seconds; --hold S keeps everything up S
 * seconds (LCP echoes answered) and prints the CPU they used meanwhile.
 * At the end every session is ended with a PADT, unless --no-padt.
 *
 * --blast S --size N (repeatable sizes): the PPPoE <-> L2TP data plane.
 * Every session up sends, round robin, IPv4/UDP packets of N octets to
 * its own address in PPPoE session frames (PPP protocol 0x0021): the LAC
 * forwards them over L2TP, the LNS writes them to its TUN, the kernel
 * routes them back into it, the LNS sends them back over L2TP and the LAC
 * back into the sessions; what comes back is counted (after 0.5 s of
 * warm-up), as loadgen's --blast does for one L2TP session. With --watch,
 * the first watched process's (the LAC's) CPU per packet back.
 *
 *   pppoegen --if NAME [--phase N]... [--inflight K] [--users U]
 *            [--watch PID]... [--hold S] [--timeout S] [--no-padt]
 *            [--blast S --size N...]
 *
 * Output: "key value" lines on stdout, as isdngen's (bench/bench.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pppoe.h"
#include "pppuser.h"

enum user_state { U_IDLE, U_PADI, U_PADR, U_PPP, U_UP };

struct user {
	uint8_t state;
	uint16_t sid;
	float t_disc;           /* when our last PADI/PADR went out */
	struct pppu u;
};

#define BATCH 64
#define FRAME 1518

static int fd_disc = -1, fd_sess = -1, ifindex;
static uint8_t ac_mac[6];
static bool ac_known;
static struct user *users;
static uint8_t (*cookies)[32];   /* [k]: the AC-Cookie of user k's PADO */
static uint8_t *cookie_len;
static uint32_t max_users, started, done, target, inflight, inflight_max = 256, nusers = 1000;
static double t_base;
static uint64_t padi_sent, padr_sent, padt_rx, errors_rx, lcp_resent, ipcp_resent;
static bool blasting;
static uint64_t blast_back;
static size_t blast_len;  /* the PPP information (IP packet) length counted back */

/* frames queued per socket, sent with one sendmmsg */
struct txq {
	int fd;
	unsigned n;
	uint8_t buf[BATCH][FRAME];
	size_t len[BATCH];
};
static struct txq q_disc, q_sess;

static void die(const char *m)
{
	fprintf(stderr, "pppoegen: %s: %s\n", m, strerror(errno));
	exit(1);
}

static void user_mac(uint32_t k, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x50;
	mac[2] = (uint8_t)(k >> 24);
	mac[3] = (uint8_t)(k >> 16);
	mac[4] = (uint8_t)(k >> 8);
	mac[5] = (uint8_t)k;
}

/* The user a frame to dst is for, or -1. */
static int64_t mac_user(const uint8_t dst[6])
{
	if (dst[0] != 0x02 || dst[1] != 0x50)
		return -1;
	uint32_t k = (uint32_t)dst[2] << 24 | (uint32_t)dst[3] << 16 | (uint32_t)dst[4] << 8 | dst[5];
	return k < max_users ? (int64_t)k : -1;
}

static void txq_flush(struct txq *q)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = 0, .sll_halen = 6 };

	to.sll_ifindex = ifindex;
	memset(msgs, 0, sizeof(msgs));
	for (unsigned i = 0; i < q->n; i++) {
		iov[i].iov_base = q->buf[i];
		iov[i].iov_len = q->len[i];
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
	}
	for (unsigned done_n = 0; done_n < q->n;) {
		int r = sendmmsg(q->fd, msgs + done_n, q->n - done_n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS || errno == EAGAIN) {
				struct pollfd p = { .fd = q->fd, .events = POLLOUT };
				poll(&p, 1, 1);
				continue;
			}
			die("sendmmsg");
		}
		done_n += (unsigned)r;
	}
	q->n = 0;
}

static uint8_t *txq_slot(struct txq *q, size_t len)
{
	if (q->n == BATCH)
		txq_flush(q);
	q->len[q->n] = len;
	return q->buf[q->n++];
}

static void send_padi(uint32_t k)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t mac[6], hu[4] = { k >> 24, k >> 16, k >> 8, k };
	uint8_t pkt[64];
	struct pppoe_builder b;

	user_mac(k, mac);
	pppoe_build_begin(&b, pkt, sizeof(pkt), PPPOE_CODE_PADI, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, "", 0);
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, hu, sizeof(hu));
	int n = pppoe_build_end(&b);
	uint8_t *f = txq_slot(&q_disc, PPPOE_ETH_HLEN + (size_t)n);
	pppoe_eth_header(f, bcast, mac, PPPOE_ETH_P_DISC);
	memcpy(f + PPPOE_ETH_HLEN, pkt, (size_t)n);
	users[k].t_disc = (float)(bench_now() - t_base);
	padi_sent++;
}

static void send_padr(uint32_t k)
{
	uint8_t mac[6], hu[4] = { k >> 24, k >> 16, k >> 8, k };
	uint8_t pkt[96];
	struct pppoe_builder b;

	user_mac(k, mac);
	pppoe_build_begin(&b, pkt, sizeof(pkt), PPPOE_CODE_PADR, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, "", 0);
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, hu, sizeof(hu));
	if (cookie_len[k])
		pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookies[k], cookie_len[k]);
	int n = pppoe_build_end(&b);
	uint8_t *f = txq_slot(&q_disc, PPPOE_ETH_HLEN + (size_t)n);
	pppoe_eth_header(f, ac_mac, mac, PPPOE_ETH_P_DISC);
	memcpy(f + PPPOE_ETH_HLEN, pkt, (size_t)n);
	users[k].t_disc = (float)(bench_now() - t_base);
	padr_sent++;
}

static void send_padt(uint32_t k)
{
	uint8_t mac[6], pkt[16];
	struct pppoe_builder b;

	user_mac(k, mac);
	pppoe_build_begin(&b, pkt, sizeof(pkt), PPPOE_CODE_PADT, users[k].sid);
	int n = pppoe_build_end(&b);
	uint8_t *f = txq_slot(&q_disc, PPPOE_ETH_HLEN + (size_t)n);
	pppoe_eth_header(f, ac_mac, mac, PPPOE_ETH_P_DISC);
	memcpy(f + PPPOE_ETH_HLEN, pkt, (size_t)n);
}

/* User k's PPP frames go out in its session (protocol + information). */
static void user_send(void *ctx, uint16_t proto, const uint8_t *p, size_t len)
{
	uint32_t k = (uint32_t)(uintptr_t)ctx;
	uint8_t mac[6];

	if (len + 2 > PPPOE_DEFAULT_MRU)
		return;
	user_mac(k, mac);
	uint8_t *f = txq_slot(&q_sess, PPPOE_ETH_HLEN + PPPOE_HLEN + 2 + len);
	pppoe_eth_header(f, ac_mac, mac, PPPOE_ETH_P_SESS);
	pppoe_session_header(f + PPPOE_ETH_HLEN, users[k].sid, (uint16_t)(len + 2));
	f[PPPOE_ETH_HLEN + PPPOE_HLEN] = (uint8_t)(proto >> 8);
	f[PPPOE_ETH_HLEN + PPPOE_HLEN + 1] = (uint8_t)proto;
	memcpy(f + PPPOE_ETH_HLEN + PPPOE_HLEN + 2, p, len);
}

static struct pppu_io user_io(uint32_t k, char *name, size_t nsize)
{
	snprintf(name, nsize, "bench%u@cisco.com", k % nusers);
	struct pppu_io io = { user_send, (void *)(uintptr_t)k, pppu_client_addr(k), name, "bench",
			      (float)(bench_now() - t_base) };
	return io;
}

/* What the PPP user's automaton said: up (counted once), or given up. */
static void ppp_result(uint32_t k, enum pppu_result res)
{
	struct user *u = &users[k];

	if (res == PPPU_REFUSED) {
		fprintf(stderr, "pppoegen: PPP failed for user %u: %s\n", (unsigned)k, pppu_why());
		exit(1);
	}
	if (res == PPPU_UP && u->state == U_PPP) {
		u->state = U_UP;
		done++;
		inflight--;
	}
}

static void user_gone(uint32_t k, const char *why)
{
	struct user *u = &users[k];
	static unsigned told;

	if (u->state == U_IDLE)
		return;
	if (u->state == U_UP)
		done--;
	else
		inflight--;
	if (told++ < 5)
		fprintf(stderr, "pppoegen: user %u: %s\n", k, why);
	/* it starts again from a PADI: the phase still needs it */
	memset(u, 0, sizeof(*u));
	u->state = U_PADI;
	inflight++;
	send_padi(k);
}

static void disc_frame(const uint8_t *f, size_t len)
{
	struct pppoe_disc d;
	const char *why;
	int64_t k = mac_user(f);

	if (k < 0 || pppoe_disc_decode(f + PPPOE_ETH_HLEN, len - PPPOE_ETH_HLEN, &d, &why) < 0)
		return;
	struct user *u = &users[k];
	if (d.service_name_error.present || d.ac_system_error.present || d.generic_error.present) {
		errors_rx++;
		if (d.code == PPPOE_CODE_PADS)
			user_gone((uint32_t)k, "PADS with an error tag");
		return;
	}
	switch (d.code) {
	case PPPOE_CODE_PADO:
		if (u->state != U_PADI)
			return;
		if (!ac_known) {
			memcpy(ac_mac, f + PPPOE_ETH_ALEN, 6);
			ac_known = true;
		}
		cookie_len[k] = d.ac_cookie.present && d.ac_cookie.len <= 32 ? (uint8_t)d.ac_cookie.len : 0;
		if (cookie_len[k])
			memcpy(cookies[k], d.ac_cookie.data, cookie_len[k]);
		u->state = U_PADR;
		send_padr((uint32_t)k);
		return;
	case PPPOE_CODE_PADS: {
		char name[48];
		if (u->state != U_PADR || !d.session_id)
			return;
		u->sid = d.session_id;
		u->state = U_PPP;
		struct pppu_io io = user_io((uint32_t)k, name, sizeof(name));
		pppu_start(&u->u, &io);
		return;
	}
	case PPPOE_CODE_PADT:
		padt_rx++;
		if (d.session_id == u->sid && u->state >= U_PPP)
			user_gone((uint32_t)k, "PADT from the LAC");
		return;
	default:
		return;
	}
}

static void sess_frame(const uint8_t *f, size_t len)
{
	const uint8_t *payload;
	size_t plen;
	uint16_t sid;
	const char *why;
	int64_t k = mac_user(f);

	if (k < 0 || pppoe_session_decode(f + PPPOE_ETH_HLEN, len - PPPOE_ETH_HLEN, &sid, &payload,
					  &plen, &why) < 0)
		return;
	struct user *u = &users[k];
	char name[48];
	if (u->state < U_PPP || sid != u->sid)
		return;
	if (blasting && plen >= 2 + blast_len && payload[0] == 0x00 && payload[1] == 0x21) {
		blast_back++;
		return;
	}
	struct pppu_io io = user_io((uint32_t)k, name, sizeof(name));
	ppp_result((uint32_t)k, pppu_input(&u->u, &io, payload, plen));
}

static void rx(int fd, bool disc)
{
	static uint8_t buf[BATCH][FRAME];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll from[BATCH];

	for (int rounds = 0; rounds < 64; rounds++) {
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = FRAME;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			if (from[i].sll_pkttype == PACKET_OUTGOING || msgs[i].msg_len < PPPOE_ETH_HLEN)
				continue;
			if (disc)
				disc_frame(buf[i], msgs[i].msg_len);
			else
				sess_frame(buf[i], msgs[i].msg_len);
		}
		if (n < BATCH)
			return;
	}
}

static void flush_all(void)
{
	if (q_disc.n)
		txq_flush(&q_disc);
	if (q_sess.n)
		txq_flush(&q_sess);
}

static void poll_once(int ms)
{
	struct pollfd p[2] = { { .fd = fd_disc, .events = POLLIN }, { .fd = fd_sess, .events = POLLIN } };

	flush_all();
	poll(p, 2, ms);
	rx(fd_disc, true);
	rx(fd_sess, false);
	flush_all();
}

/* Discovery and PPP requests again after a second without an answer. */
static void retransmit(double tnow)
{
	static double last;
	float t = (float)(tnow - t_base);

	if (tnow - last < 0.5)
		return;
	last = tnow;
	for (uint32_t k = 0; k < started; k++) {
		struct user *u = &users[k];
		char name[48];
		if (u->state == U_PADI && t - u->t_disc >= 1.0f) {
			send_padi(k);
		} else if (u->state == U_PADR && t - u->t_disc >= 1.0f) {
			send_padr(k);
		} else if ((u->state == U_PPP || u->state == U_UP) && pppu_due(&u->u, t)) {
			/* The PPP user's restart timers (RFC 1661): a request
			 * again, or a layer given up. */
			struct pppu_io io = user_io(k, name, sizeof(name));
			if (u->u.lcp.state != PPPU_OPENED)
				lcp_resent++;
			else
				ipcp_resent++;
			ppp_result(k, pppu_tick(&u->u, &io));
		}
	}
}

/* An IPv4/UDP packet of size octets from a to a (host order), port 9. */
static size_t ip_packet(uint8_t *p, size_t size, uint32_t a)
{
	uint32_t sum = 0;

	memset(p, 0, size);
	p[0] = 0x45;
	p[2] = (uint8_t)(size >> 8);
	p[3] = (uint8_t)size;
	p[8] = 64;
	p[9] = 17;
	for (int i = 12; i < 20; i += 4) {
		p[i] = (uint8_t)(a >> 24);
		p[i + 1] = (uint8_t)(a >> 16);
		p[i + 2] = (uint8_t)(a >> 8);
		p[i + 3] = (uint8_t)a;
	}
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
	p[20] = 0x30; p[21] = 0x39; p[22] = 0x00; p[23] = 0x09; /* 12345 -> 9 */
	p[24] = (uint8_t)((size - 20) >> 8);
	p[25] = (uint8_t)(size - 20);
	return size;
}

/* --blast: every session up sends IP packets of size octets to its own
 * address, round robin, as fast as the socket takes them, for secs
 * seconds after 0.5 s of warm-up; counts what comes back. */
static void blast(double secs, size_t size)
{
	static uint8_t tmpl[FRAME];
	uint32_t *up = calloc(max_users ? max_users : 1, sizeof(*up)), nup = 0, next = 0;
	uint64_t sent = 0, back_warm = 0;
	double t0 = bench_now(), tw = t0 + 0.5, tend = tw + secs, t, c0 = 0;
	bool warm = true;

	if (!up)
		die("calloc");
	for (uint32_t k = 0; k < started; k++)
		if (users[k].state == U_UP && users[k].u.addr)
			up[nup++] = k;
	if (!nup || size < 28 || size + 2 > PPPOE_DEFAULT_MRU) {
		printf("blast_size %zu\nblast_sessions 0\n", size);
		free(up);
		return;
	}
	blasting = true;
	blast_len = size;
	blast_back = 0;
	while ((t = bench_now()) < tend) {
		if (warm && t >= tw) {
			warm = false;
			back_warm = blast_back;
			sent = 0;
			if (bench_nwatch())
				c0 = bench_watched_run_s(0);
		}
		for (int i = 0; i < 16; i++) {
			uint32_t k = up[next++ % nup];
			uint8_t mac[6];
			uint8_t *f = txq_slot(&q_sess, PPPOE_ETH_HLEN + PPPOE_HLEN + 2 + size);

			user_mac(k, mac);
			pppoe_eth_header(f, ac_mac, mac, PPPOE_ETH_P_SESS);
			pppoe_session_header(f + PPPOE_ETH_HLEN, users[k].sid, (uint16_t)(size + 2));
			f[PPPOE_ETH_HLEN + PPPOE_HLEN] = 0x00;
			f[PPPOE_ETH_HLEN + PPPOE_HLEN + 1] = 0x21;
			ip_packet(tmpl, size, users[k].u.addr);
			memcpy(f + PPPOE_ETH_HLEN + PPPOE_HLEN + 2, tmpl, size);
			sent++;
		}
		txq_flush(&q_sess);
		rx(fd_sess, false);
		rx(fd_disc, true);
		flush_all(); /* LCP echo replies */
	}
	uint64_t back = blast_back - back_warm;
	printf("blast_size %zu\nblast_sessions %u\nblast_sent_pps %.0f\nblast_back_pps %.0f\n"
	       "blast_back_bps %.0f\n", size, nup, sent / secs, back / secs, back * size * 8.0 / secs);
	if (bench_nwatch() && back)
		printf("blast_cpu_busy %.3f\nblast_cpu_us_per_pkt %.3f\n",
		       (bench_watched_run_s(0) - c0) / secs,
		       (bench_watched_run_s(0) - c0) * 1e6 / (double)back);
	fflush(stdout);
	/* what is still in flight comes back now: not counted, not PPP */
	double td = bench_now() + 0.3;
	while (bench_now() < td)
		poll_once(10);
	blasting = false;
	free(up);
}

static int open_socket(uint16_t proto)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	int big = 16 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("AF_PACKET socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	return fd;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pppoegen --if NAME [--phase N]... [--inflight K] [--users U]\n"
		"                [--watch PID]... [--hold S] [--timeout S] [--no-padt]\n"
		"                [--blast S --size N...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t phases[16];
	int nphase = 0;
	double hold = 0, timeout = 300, blast_s = 0;
	size_t sizes[4];
	int nsizes = 0;
	const char *ifname = NULL;
	bool padt = true;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--no-padt")) {
			padt = false;
			continue;
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--if")) ifname = v;
		else if (!strcmp(a, "--phase") && nphase < 16) phases[nphase++] = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--inflight")) inflight_max = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--users")) nusers = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--watch")) (void)bench_watch(atoi(v));
		else if (!strcmp(a, "--hold")) hold = atof(v);
		else if (!strcmp(a, "--timeout")) timeout = atof(v);
		else if (!strcmp(a, "--blast")) blast_s = atof(v);
		else if (!strcmp(a, "--size") && nsizes < 4) sizes[nsizes++] = strtoul(v, NULL, 10);
		else usage();
	}
	if (!ifname || !nusers || !inflight_max || !nphase)
		usage();
	for (int i = 0; i < nphase; i++)
		max_users += phases[i];
	if (max_users > 65535) {
		fprintf(stderr, "pppoegen: %u sessions: one interface holds at most 65535\n", max_users);
		return 2;
	}
	users = calloc(max_users, sizeof(*users));
	cookies = calloc(max_users, sizeof(*cookies));
	cookie_len = calloc(max_users, 1);
	if (!users || !cookies || !cookie_len)
		die("calloc");
	if (!(ifindex = (int)if_nametoindex(ifname)))
		die(ifname);
	fd_disc = open_socket(PPPOE_ETH_P_DISC);
	fd_sess = open_socket(PPPOE_ETH_P_SESS);
	q_disc.fd = fd_disc;
	q_sess.fd = fd_sess;
	t_base = bench_now();
	printf("interface %s users %u\n", ifname, max_users);
	bench_print_watch("none");

	double deadline = bench_now() + timeout;
	for (int ph = 0; ph < nphase; ph++) {
		target += phases[ph];
		uint32_t done0 = done;
		double ts = bench_now();
		while (done < target) {
			while (inflight < inflight_max && started < target) {
				users[started].state = U_PADI;
				send_padi(started);
				started++;
				inflight++;
			}
			poll_once(10);
			double tn = bench_now();
			retransmit(tn);
			if (tn > deadline) {
				fprintf(stderr, "pppoegen: timeout in phase %d (%u/%u up, %u in flight)\n",
					ph, done, target, inflight);
				printf("phase %d timeout %u\n", ph, done);
				return 1;
			}
		}
		bench_print_phase(ph, done - done0, done, bench_now() - ts);
	}
	if (hold > 0) {
		struct bench_hold bh;
		uint64_t e0 = pppu_echo_replies;
		bench_hold_start(&bh);
		while (bench_now() - bh.t0 < hold) {
			poll_once(100);
			retransmit(bench_now());
		}
		double ht = bench_hold_end(&bh);
		printf("hold_seconds %.1f echo_replies %lu\n", ht, (unsigned long)(pppu_echo_replies - e0));
		bench_print_watch("held");
	}
	for (int i = 0; blast_s > 0 && i < nsizes; i++)
		blast(blast_s, sizes[i]);
	printf("padi_sent %lu padr_sent %lu padt_received %lu error_tags %lu lcp_resent %lu "
	       "ipcp_resent %lu\n", (unsigned long)padi_sent, (unsigned long)padr_sent,
	       (unsigned long)padt_rx, (unsigned long)errors_rx, (unsigned long)lcp_resent,
	       (unsigned long)ipcp_resent);
	if (padt) {
		for (uint32_t k = 0; k < started; k++)
			if (users[k].state >= U_PPP)
				send_padt(k);
		flush_all();
	}
	return 0;
}
