/* SPDX-License-Identifier: MIT */
/*
 * isdngen: the benchmark's ISDN load generator. It *is* the simulated ISDN
 * network of modules/isdn/PROTOCOL.txt (the isdn-switch) as far as one
 * node, the LAC, can tell: it listens on the UNIX socket the LAC's
 * `isdn { network = "unix:..." }` connects to, acknowledges the LAC's
 * REGISTERs (one per controller, each with its D channel index), and then
 * offers calls: SETUP on a free B channel of one of the LAC's ports
 * (CALLED = the port's number, CALLING unique per user), CONNECT_ACK when
 * the LAC answers. For each connected call it plays a PPP user on the
 * DATA messages (bench/pppuser.c): LCP (its own request, the LAC's request
 * acked with CHAP MD5), the CHAP response for benchN@cisco.com, and once
 * the LAC forwarded the call to the LNS over L2TP, the LNS's IPCP (its
 * request acked, ours with a unique 17.x.y.z address, repeated after 1 s).
 * A session counts when IPCP is done both ways: the whole path from the
 * ISDN call at the LAC to IPCP Opened at the LNS.
 *
 * Call references are per D channel: cref = B channel + 1 on each port,
 * so a call is found by (dchan, cref) with an array index.
 *
 * Phases (--phase N, repeatable) set up N more sessions each, at most
 * --inflight K at a time, and print the rate of each; the RSS of the
 * watched processes (--watch PID) is printed before any call and after
 * each phase, with the CPU seconds they used so far. --hold S keeps everything up S seconds (LCP echoes answered)
 * and prints the CPU the watched processes used meanwhile.
 *
 *   isdngen --listen PATH [--phase N]... [--inflight K] [--users U]
 *           [--watch PID]... [--hold S] [--timeout S] [--ports-wait S]
 *
 * Output: "key value" lines on stdout, as loadgen's (bench/bench.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pppuser.h"
#include "wire.h"

enum call_state { C_IDLE, C_SETUP, C_PPP, C_UP };

struct call {
	uint8_t state;
	uint32_t user;          /* session index: CALLING, name, address */
	struct pppu u;
};

struct port {
	char name[ISDN_WIRE_PORT_MAX + 1];
	char number[ISDN_WIRE_NUMBER_MAX + 1];
	uint32_t channels, busy;
	bool registered;
};

static int lfd = -1, fd = -1;
static GByteArray *out;
static struct port *ports;      /* [dchan] */
static struct call *calls;      /* [dchan * 32 + channel] */
static unsigned nports, maxports = 65536;
static uint32_t started, done, target, inflight, inflight_max = 256, nusers = 1000;
static unsigned cursor;         /* next port to look for a free channel */
static double t_base;
static uint32_t next_user;     /* CALLING, user name, address: never reused */
static uint64_t cleared;

static void die(const char *m)
{
	fprintf(stderr, "isdngen: %s: %s\n", m, strerror(errno));
	exit(1);
}

static void flush_out(void)
{
	while (out->len) {
		ssize_t n = write(fd, out->data, out->len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			die("write to the LAC");
		}
		g_byte_array_remove_range(out, 0, (guint)n);
	}
}

static void msg_send(const struct isdn_msg *m)
{
	uint8_t b[ISDN_WIRE_MAX];
	int n = isdn_msg_encode(m, b, sizeof(b));

	if (n < 0) {
		fprintf(stderr, "isdngen: encode %s: %d\n", isdn_msg_type_name(m->type), n);
		exit(1);
	}
	g_byte_array_append(out, b, (guint)n);
	if (out->len > 256 * 1024)
		flush_out();
}

/* Call k's PPP frames go out as DATA with FF 03. */
static void user_send(void *ctx, uint16_t proto, const uint8_t *p, size_t len)
{
	uint32_t k = (uint32_t)(uintptr_t)ctx;
	uint8_t f[1600];
	struct isdn_msg m;

	if (len + 4 > sizeof(f))
		return;
	f[0] = 0xff;
	f[1] = 0x03;
	f[2] = proto >> 8;
	f[3] = proto & 0xff;
	memcpy(f + 4, p, len);
	isdn_msg_init(&m, ISDN_MSG_DATA, (uint16_t)(k % 32 + 1));
	m.dchan = (uint16_t)(k / 32);
	m.data = f;
	m.data_len = len + 4;
	msg_send(&m);
}

static struct pppu_io user_io(uint32_t k, char *name, size_t nsize)
{
	snprintf(name, nsize, "bench%u@cisco.com", calls[k].user % nusers);
	struct pppu_io io = { user_send, (void *)(uintptr_t)k, pppu_client_addr(calls[k].user),
			      name, "bench", (float)(bench_now() - t_base) };
	return io;
}

static void ppp_result(struct call *c, enum pppu_result res)
{
	if (res == PPPU_REFUSED) {
		fprintf(stderr, "isdngen: PPP failed for user %u: %s\n", c->user, pppu_why());
		exit(1);
	}
	if (res == PPPU_UP && c->state == C_PPP) {
		c->state = C_UP;
		done++;
		inflight--;
	}
}

static void on_register(const struct isdn_msg *m)
{
	struct isdn_msg ack;

	if (m->dchan >= maxports) {
		fprintf(stderr, "isdngen: dchan %u out of range\n", m->dchan);
		exit(1);
	}
	if (m->dchan >= nports)
		nports = m->dchan + 1u;
	struct port *p = &ports[m->dchan];
	snprintf(p->name, sizeof(p->name), "%s", m->port);
	snprintf(p->number, sizeof(p->number), "%s", m->n_numbers ? m->numbers[0] : "1");
	p->channels = m->channels;
	p->registered = true;
	isdn_msg_init(&ack, ISDN_MSG_REGISTER_ACK, 0);
	ack.dchan = m->dchan;
	snprintf(ack.port, sizeof(ack.port), "%s", m->port);
	msg_send(&ack);
}

/* Offer one call on the next free B channel (hunting from the lowest). */
static bool offer_call(void)
{
	for (unsigned tries = 0; tries < nports; tries++) {
		struct port *p = &ports[cursor];
		uint32_t free_ch = p->channels & ~p->busy;
		if (!p->registered || !free_ch) {
			cursor = (cursor + 1) % nports;
			continue;
		}
		int ch = __builtin_ctz(free_ch);
		uint32_t k = cursor * 32 + (uint32_t)ch;
		struct isdn_msg m;
		p->busy |= 1u << ch;
		memset(&calls[k], 0, sizeof(calls[k]));
		calls[k].state = C_SETUP;
		calls[k].user = next_user;
		isdn_msg_init(&m, ISDN_MSG_SETUP, (uint16_t)(ch + 1));
		m.dchan = (uint16_t)cursor;
		snprintf(m.port, sizeof(m.port), "%s", p->name);
		snprintf(m.called, sizeof(m.called), "%s", p->number);
		snprintf(m.calling, sizeof(m.calling), "6%07u", next_user);
		m.bearer_kbps = 64;
		m.channel = ch;
		msg_send(&m);
		next_user++;
		started++;
		inflight++;
		return true;
	}
	return false;
}

static void call_gone(uint32_t k, const char *why, int cause)
{
	struct call *c = &calls[k];

	if (c->state == C_IDLE)
		return;
	if (c->state != C_UP)
		inflight--;
	else
		done--;
	started--;   /* another call takes its place */
	if (cleared++ < 5)
		fprintf(stderr, "isdngen: call %u (%s) %s, cause %d\n", c->user, ports[k / 32].name, why, cause);
	c->state = C_IDLE;
	ports[k / 32].busy &= ~(1u << (k % 32));
}

static void on_call_msg(const struct isdn_msg *m)
{
	uint16_t cref = m->cref & 0x7fff;
	struct isdn_msg r;
	uint32_t k;

	if (!(m->cref & ISDN_CREF_FLAG) || cref < 1 || cref > 32 || m->dchan >= nports)
		return;   /* the LAC places no calls in this bench */
	k = m->dchan * 32u + cref - 1;
	struct call *c = &calls[k];
	if (c->state == C_IDLE)
		return;
	switch (m->type) {
	case ISDN_MSG_CONNECT: {
		char name[48];
		isdn_msg_init(&r, ISDN_MSG_CONNECT_ACK, cref);
		r.dchan = m->dchan;
		msg_send(&r);
		if (c->state == C_SETUP) {
			struct pppu_io io = user_io(k, name, sizeof(name));
			c->state = C_PPP;
			pppu_start(&c->u, &io);
		}
		return;
	}
	case ISDN_MSG_DATA: {
		char name[48];
		struct pppu_io io = user_io(k, name, sizeof(name));
		ppp_result(c, pppu_input(&c->u, &io, m->data, m->data_len));
		return;
	}
	case ISDN_MSG_DISCONNECT: /* we release; RELEASE: we complete */
	case ISDN_MSG_RELEASE:
		isdn_msg_init(&r, m->type == ISDN_MSG_DISCONNECT ? ISDN_MSG_RELEASE
				  : ISDN_MSG_RELEASE_COMPLETE, cref);
		r.dchan = m->dchan;
		msg_send(&r);
		call_gone(k, "cleared by the LAC", m->cause);
		return;
	case ISDN_MSG_RELEASE_COMPLETE:
		call_gone(k, "refused by the LAC", m->cause);
		return;
	default:
		return;   /* CALL_PROCEEDING, ALERTING, CONNECT_ACK */
	}
}

static void rx_all(void)
{
	static uint8_t buf[1 << 20];
	static size_t len;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		if (n == 0) {
			fprintf(stderr, "isdngen: the LAC closed the connection\n");
			exit(1);
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			die("read from the LAC");
		}
		len += (size_t)n;
		size_t off = 0;
		for (;;) {
			int fl = isdn_msg_frame_len(buf + off, len - off);
			struct isdn_msg m;
			if (fl < 0) {
				fprintf(stderr, "isdngen: bad framing from the LAC\n");
				exit(1);
			}
			if (fl == 0)
				break;
			if (isdn_msg_decode(buf + off, (size_t)fl, &m) < 0) {
				fprintf(stderr, "isdngen: malformed message from the LAC\n");
				exit(1);
			}
			if (m.type == ISDN_MSG_REGISTER)
				on_register(&m);
			else
				on_call_msg(&m);
			off += (size_t)fl;
		}
		memmove(buf, buf + off, len - off);
		len -= off;
	}
}

/* Every 0.5 s, each user's PPP restart timers (RFC 1661 4.6: TO+ repeats
 * a request, TO- gives up); calls the LAC never answered within the call
 * timeout are its business. */
static void retransmit(double tnow)
{
	static double last;
	float t = (float)(tnow - t_base);

	if (tnow - last < 0.5)
		return;
	last = tnow;
	for (uint32_t k = 0; k < nports * 32; k++) {
		struct call *c = &calls[k];
		char name[48];
		if ((c->state != C_PPP && c->state != C_UP) || !pppu_due(&c->u, t))
			continue;
		struct pppu_io io = user_io(k, name, sizeof(name));
		ppp_result(c, pppu_tick(&c->u, &io));
	}
}

static void poll_once(int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | (out->len ? POLLOUT : 0) };

	flush_out();
	p.events = POLLIN | (out->len ? POLLOUT : 0);
	poll(&p, 1, ms);
	rx_all();
	flush_out();
}


static void usage(void)
{
	fprintf(stderr,
		"usage: isdngen --listen PATH [--phase N]... [--inflight K] [--users U]\n"
		"               [--watch PID]... [--hold S] [--timeout S] [--ports-wait S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t phases[16];
	int nphase = 0;
	double hold = 0, timeout = 300, ports_wait = 0.5;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--listen")) path = v;
		else if (!strcmp(a, "--phase") && nphase < 16) phases[nphase++] = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--inflight")) inflight_max = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--users")) nusers = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--watch")) (void)bench_watch(atoi(v));
		else if (!strcmp(a, "--hold")) hold = atof(v);
		else if (!strcmp(a, "--timeout")) timeout = atof(v);
		else if (!strcmp(a, "--ports-wait")) ports_wait = atof(v);
		else usage();
	}
	if (!path || !nusers || !inflight_max)
		usage();
	ports = calloc(maxports, sizeof(*ports));
	calls = calloc((size_t)maxports * 32, sizeof(*calls));
	out = g_byte_array_sized_new(1 << 20);
	if (!ports || !calls)
		die("calloc");

	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		usage();
	strcpy(sa.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0)
		die("listen");
	printf("listening %s\n", path);
	fflush(stdout);

	double deadline = bench_now() + timeout;
	struct pollfd lp = { .fd = lfd, .events = POLLIN };
	while (poll(&lp, 1, 100) <= 0)
		if (bench_now() > deadline) {
			fprintf(stderr, "isdngen: the LAC did not connect\n");
			return 1;
		}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	int big = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	t_base = bench_now();

	/* REGISTERs: until none came for ports_wait seconds */
	double t0 = bench_now(), last_reg = t0;
	unsigned seen = 0;
	while (bench_now() - last_reg < ports_wait || !nports) {
		poll_once(20);
		if (nports != seen) {
			seen = nports;
			last_reg = bench_now();
		}
		if (bench_now() > deadline) {
			fprintf(stderr, "isdngen: no REGISTER from the LAC\n");
			return 1;
		}
	}
	unsigned bchans = 0;
	for (unsigned i = 0; i < nports; i++)
		bchans += (unsigned)__builtin_popcount(ports[i].channels);
	printf("ports %u b_channels %u register_seconds %.3f\n", nports, bchans, last_reg - t0);
	bench_print_watch("none");

	uint32_t total = 0;
	for (int i = 0; i < nphase; i++)
		total += phases[i];
	if (total > bchans) {
		fprintf(stderr, "isdngen: %u sessions need more than the LAC's %u B channels\n", total, bchans);
		return 2;
	}
	for (int ph = 0; ph < nphase; ph++) {
		target += phases[ph];
		uint32_t done0 = done;
		double ts = bench_now();
		while (done < target) {
			while (inflight < inflight_max && started < target && offer_call())
				;
			poll_once(10);
			double tn = bench_now();
			retransmit(tn);
			if (tn > deadline) {
				fprintf(stderr, "isdngen: timeout in phase %d (%u/%u up, %u in flight)\n",
					ph, done, target, inflight);
				printf("phase %d timeout %u\n", ph, done);
				return 1;
			}
		}
		double dt = bench_now() - ts;
		bench_print_phase(ph, done - done0, done, dt);
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
	if (cleared)
		printf("calls_cleared %lu\n", (unsigned long)cleared);
	unlink(path);
	return 0;
}
