/* SPDX-License-Identifier: MIT */
/*
 * Serial lines of the line module (modules/line) in one process: the caller's
 * side of a socketpair (or a UNIX socket, a pty) speaks RFC 1662 async
 * HDLC made with lib/hdlc; the CALL_INCOMING link is claimed by a test
 * consumer. Driven by the main loop without blocking, and the fake clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <vpdnd/core.h>

#include "hdlc.h"
#include "line-state.h"
#include "restart-state.h"
#include <vpdnd/restart.h>
#include "line-module.h"
#include "line.h"
#include "vpdn_test.h"

/* ---- harness ---- */

struct consumer {
	struct vpdn_link *link;
	unsigned frames, hangups;
	int cause;
	uint8_t last[256];
	size_t last_len;
};

static struct vpdn_core *core;
static struct vpdn_bus *bus;
static struct line_module *is;
static struct line *line;
static char dir[64], sock_path[128];
static struct consumer cons;
static bool answer;
static unsigned n_in, n_connected, n_cleared;
static int cleared_cause;
static struct vpdn_ev_call last_in;
static char in_calling[16], in_called[16], in_iface[32], in_port[16];
static struct vpdn_subscription *subs[3];
static int peer = -1;           /* the caller's end */

/* the caller's deframer */
static struct hdlc_deframer *rx;
static uint8_t rx_last[256];
static size_t rx_last_len;
static unsigned rx_frames;

static void rx_frame(const uint8_t *f, size_t len, void *data)
{
	rx_frames++;
	rx_last_len = len < sizeof(rx_last) ? len : sizeof(rx_last);
	memcpy(rx_last, f, rx_last_len);
}

static void cons_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct consumer *c = ctx;
	c->frames++;
	c->last_len = len < sizeof(c->last) ? len : sizeof(c->last);
	memcpy(c->last, d, c->last_len);
}

static void cons_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct consumer *c = ctx;
	c->hangups++;
	c->cause = cause;
	vpdn_link_detach(link, VPDN_LINK_B);
	c->link = NULL;
}

static const struct vpdn_link_ops cons_ops = { cons_frame, cons_hangup };

static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;
	struct vpdn_request *req;

	n_in++;
	last_in = *c;
	snprintf(in_calling, sizeof(in_calling), "%s", c->calling ? c->calling : "");
	snprintf(in_called, sizeof(in_called), "%s", c->called ? c->called : "");
	snprintf(in_iface, sizeof(in_iface), "%s", c->interface ? c->interface : "");
	snprintf(in_port, sizeof(in_port), "%s", c->port ? c->port : "");
	if (!answer)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	memset(&cons, 0, sizeof(cons));
	cons.link = c->link;
	vpdn_link_attach(c->link, VPDN_LINK_B, &cons_ops, &cons);
	vpdn_request_complete(req, 0, NULL);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_call(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;

	if (ev->type == VPDN_EV_CALL_CONNECTED) {
		n_connected++;
	} else {
		n_cleared++;
		cleared_cause = c->cause;
	}
	return VPDN_BUS_PASS;
}

/* Main-loop turns: sockets, then the bus's queued completions (the test
 * core's timers are a fake clock, so the bus's timer never fires here). */
static void pump(void)
{
	int idle = 0;
	for (int i = 0; i < 10000 && idle < 3; i++) {
		bool busy = g_main_context_iteration(NULL, FALSE);
		busy = vpdn_bus_run_pending(bus) > 0 || busy;
		idle = busy ? 0 : idle + 1;
	}
}

static void start_with(const char *line_body)
{
	char *text;
	cfg_t *cfg;

	core = vpdn_core_new_test();
	bus = vpdn_core_bus(core);
	snprintf(dir, sizeof(dir), "/tmp/isdn-serial.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/tty0.sock", dir);
	answer = true;
	n_in = n_connected = n_cleared = 0;
	cleared_cause = 0;
	rx_frames = 0;
	memset(&cons, 0, sizeof(cons));
	subs[0] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_INCOMING, on_incoming, NULL);
	subs[1] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_CONNECTED, on_call, NULL);
	subs[2] = vpdn_bus_subscribe(bus, VPDN_EV_CALL_CLEARED, on_call, NULL);
	text = g_strdup_printf("line \"tty0\" { %s speed = 115200 number = \"6122\" called = \"211\""
			       " interface = \"Serial0:15\" }\n", line_body);
	cfg = cfg_init(line_options, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(line_module_check(cfg), 0);
	CU_ASSERT_EQUAL_FATAL(line_module_new(core, cfg, &is), 0);
	cfg_free(cfg);
	g_free(text);
	CU_ASSERT_EQUAL(is->lines->len, 1);
	line = line_module_find(is, "tty0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	rx = hdlc_deframer_new(0, rx_frame, NULL);
}

/* A line listening on a socket, with a caller handed in by socketpair. */
static void start(void)
{
	char body[200];
	int sp[2];

	snprintf(body, sizeof(body), "listen = \"unix:/tmp/vpdnd-isdn-serial-a%d.sock\"", (int)getpid());
	start_with(body);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(line_attach_fd(line, sp[1]), 0);
	peer = sp[0];
	CU_ASSERT_EQUAL(fcntl(peer, F_SETFL, O_NONBLOCK), 0);
	pump();
}

static void stop(void)
{
	line_module_free(is);
	is = NULL;
	pump();
	if (peer >= 0)
		close(peer);
	peer = -1;
	hdlc_deframer_free(rx);
	for (int i = 0; i < 3; i++)
		vpdn_bus_unsubscribe(bus, subs[i]);
	vpdn_core_free_test(core);
	(void)unlink(sock_path);
	(void)rmdir(dir);
}

/* The caller sends a frame, HDLC-encoded with accm. */
static void peer_send(int fd, uint32_t accm, const void *frame, size_t len)
{
	uint8_t buf[HDLC_ENCODED_MAX(256)];
	ssize_t n = hdlc_encode(accm, 0, frame, len, buf, sizeof(buf));

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(write(fd, buf, (size_t)n), n);
}

/* What the caller received (raw octets), also fed to its deframer. */
static size_t peer_read(int fd, uint8_t *buf, size_t size)
{
	ssize_t n = read(fd, buf, size);

	if (n <= 0)
		return 0;
	hdlc_deframer_feed(rx, buf, (size_t)n);
	return (size_t)n;
}

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return true;
	return false;
}

/* LCP Configure-Request id 1: ACCM 0, Magic 0x01020304 */
static const uint8_t lcp_confreq[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x0e,
				       0x02, 0x06, 0x00, 0x00, 0x00, 0x00,
				       0x05, 0x06, 0x01, 0x02, 0x03, 0x04 };

/* ---- tests ---- */

static void test_call_and_frames_in(void)
{
	start();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(n_connected, 1);
	CU_ASSERT(last_in.async);
	CU_ASSERT_EQUAL(last_in.dir, VPDN_CALL_IN);
	CU_ASSERT_STRING_EQUAL(in_calling, "6122");
	CU_ASSERT_STRING_EQUAL(in_called, "211");
	CU_ASSERT_STRING_EQUAL(in_iface, "Serial0:15");
	CU_ASSERT_STRING_EQUAL(in_port, "tty0");
	CU_ASSERT_EQUAL(last_in.bearer_kbps, 115);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cons.link);

	peer_send(peer, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	CU_ASSERT_EQUAL(cons.last_len, sizeof(lcp_confreq));
	CU_ASSERT_EQUAL(memcmp(cons.last, lcp_confreq, sizeof(lcp_confreq)), 0);

	/* two frames in one write, split across two writes */
	uint8_t buf[2 * HDLC_ENCODED_MAX(sizeof(lcp_confreq))];
	ssize_t a = hdlc_encode(HDLC_ACCM_DEFAULT, 0, lcp_confreq, sizeof(lcp_confreq), buf, sizeof(buf));
	ssize_t b = hdlc_encode(HDLC_ACCM_DEFAULT, 0, lcp_confreq, 8, buf + a, sizeof(buf) - (size_t)a);
	CU_ASSERT_EQUAL(write(peer, buf, 5), 5);
	pump();
	CU_ASSERT_EQUAL(write(peer, buf + 5, (size_t)(a + b - 5)), a + b - 5);
	pump();
	CU_ASSERT_EQUAL(cons.frames, 3);
	CU_ASSERT_EQUAL(cons.last_len, 8);

	struct line_info li;
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_ACTIVE);
	CU_ASSERT_EQUAL(li.rx->frames, 3);
	CU_ASSERT(li.call_id >= 0x100);
	stop();
}

static void test_frames_out_and_accm(void)
{
	/* an LCP Echo-Request with octets < 0x20 and a flag in it */
	static const uint8_t echo[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x02, 0x00, 0x0a,
					0x01, 0x11, 0x7e, 0x00 };
	uint8_t buf[512];
	size_t n;

	start();
	CU_ASSERT_EQUAL_FATAL(vpdn_link_send(cons.link, VPDN_LINK_B, echo, sizeof(echo)), 0);
	pump();
	n = peer_read(peer, buf, sizeof(buf));
	CU_ASSERT(n > sizeof(echo));
	CU_ASSERT_EQUAL(rx_frames, 1);
	CU_ASSERT_EQUAL(rx_last_len, sizeof(echo));
	CU_ASSERT_EQUAL(memcmp(rx_last, echo, sizeof(echo)), 0);
	/* default ACCM: 0x01 and 0x11 escaped, 0x7E always */
	CU_ASSERT(contains(buf, n, (const uint8_t[]){ 0x7d, 0x21 }, 2));
	CU_ASSERT(contains(buf, n, (const uint8_t[]){ 0x7d, 0x31 }, 2));
	CU_ASSERT(contains(buf, n, (const uint8_t[]){ 0x7d, 0x5e }, 2));
	CU_ASSERT_FALSE(contains(buf, n, (const uint8_t[]){ 0x01, 0x11 }, 2));

	/* LINK_ACCM for another link changes nothing */
	struct vpdn_link *other = vpdn_link_new("other");
	struct vpdn_ev_accm a = { .size = sizeof(a), .link = other, .send_accm = 0, .recv_accm = 0 };
	vpdn_bus_publish(bus, VPDN_EV_LINK_ACCM, &a);
	vpdn_link_unref(other);
	CU_ASSERT_EQUAL(vpdn_link_send(cons.link, VPDN_LINK_B, echo, sizeof(echo)), 0);
	pump();
	n = peer_read(peer, buf, sizeof(buf));
	CU_ASSERT(contains(buf, n, (const uint8_t[]){ 0x7d, 0x21 }, 2));

	/* ACCM 0 both ways: control octets go raw, the flag stays escaped */
	a.link = cons.link;
	vpdn_bus_publish(bus, VPDN_EV_LINK_ACCM, &a);
	CU_ASSERT_EQUAL(vpdn_link_send(cons.link, VPDN_LINK_B, echo, sizeof(echo)), 0);
	pump();
	hdlc_deframer_set_accm(rx, 0);
	n = peer_read(peer, buf, sizeof(buf));
	CU_ASSERT(contains(buf, n, (const uint8_t[]){ 0x01, 0x11, 0x7d, 0x5e }, 4));
	CU_ASSERT_EQUAL(rx_frames, 3);
	CU_ASSERT_EQUAL(memcmp(rx_last, echo, sizeof(echo)), 0);
	struct line_info li;
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.send_accm, 0);
	CU_ASSERT_EQUAL(li.recv_accm, 0);
	CU_ASSERT_EQUAL(li.tx_frames, 3);

	/* receive ACCM 0: an unescaped 0x01 from the caller is data now */
	unsigned before = cons.frames;
	peer_send(peer, 0, echo, sizeof(echo));
	pump();
	CU_ASSERT_EQUAL(cons.frames, before + 1);
	CU_ASSERT_EQUAL(memcmp(cons.last, echo, sizeof(echo)), 0);

	/* receive ACCM all ones: the same octets are dropped as DCE noise,
	 * which breaks the FCS */
	a.send_accm = a.recv_accm = HDLC_ACCM_DEFAULT;
	vpdn_bus_publish(bus, VPDN_EV_LINK_ACCM, &a);
	peer_send(peer, 0, echo, sizeof(echo));
	pump();
	CU_ASSERT_EQUAL(cons.frames, before + 1);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.rx->bad_fcs, 1);
	CU_ASSERT(li.rx->ctrl_dropped >= 2);
	stop();
}

static void test_eof_clears_cause_16(void)
{
	start();
	CU_ASSERT_EQUAL_FATAL(n_connected, 1);
	close(peer);
	peer = -1;
	pump();
	CU_ASSERT_EQUAL(cons.hangups, 1);
	CU_ASSERT_EQUAL(cons.cause, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, VPDN_CAUSE_NORMAL_CLEARING);
	struct line_info li;
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);  /* listening again */
	CU_ASSERT_EQUAL(li.call_id, 0);
	CU_ASSERT_PTR_NULL(li.link);
	stop();
}

static void test_consumer_hangup_closes(void)
{
	uint8_t buf[64];

	start();
	CU_ASSERT_PTR_NOT_NULL_FATAL(cons.link);
	vpdn_link_hangup(cons.link, VPDN_LINK_B, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_link_detach(cons.link, VPDN_LINK_B);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(read(peer, buf, sizeof(buf)), 0);  /* EOF: the line dropped us */

	/* CALL_HANGUP of a new call on the line */
	int sp[2];
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(line_attach_fd(line, sp[1]), 0);
	close(peer);
	peer = sp[0];
	CU_ASSERT_EQUAL(n_in, 2);
	struct vpdn_ev_call_hangup h = { .size = sizeof(h), .call_id = last_in.call_id, .cause = 17 };
	CU_ASSERT_EQUAL(vpdn_bus_publish(bus, VPDN_EV_CALL_HANGUP, &h), 1);
	CU_ASSERT_EQUAL(cons.hangups, 1);
	CU_ASSERT_EQUAL(cons.cause, 17);
	CU_ASSERT_EQUAL(cleared_cause, 17);
	CU_ASSERT_EQUAL(read(peer, buf, sizeof(buf)), 0);
	stop();
}

static void test_garbage_counted(void)
{
	static const uint8_t garbage[] = { 0x7e, 0x12, 0x34, 0x56, 0x78, 0x9a, 0x7e,  /* bad FCS */
					   0x7e, 0x41, 0x42, 0x7e,                    /* runt */
					   0xff, 0x03, 0x7d, 0x7e,                    /* abort */
					   0x7d, 0x7d, 0x7d, 0x7e, 0x7e, 0x7e };
	uint8_t big[3000];

	start();
	CU_ASSERT_EQUAL(write(peer, garbage, sizeof(garbage)), (ssize_t)sizeof(garbage));
	pump();
	memset(big, 0x55, sizeof(big));   /* far too long, no flag */
	CU_ASSERT_EQUAL(write(peer, big, sizeof(big)), (ssize_t)sizeof(big));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 0);
	struct line_info li;
	line_get_info(line, &li);
	CU_ASSERT(li.rx->bad_fcs >= 1);
	CU_ASSERT(li.rx->runts >= 1);
	CU_ASSERT(li.rx->aborts >= 1);
	CU_ASSERT_EQUAL(*vpdn_core_counter(core, "isdn_line_bad_fcs_total", "x"), li.rx->bad_fcs);
	CU_ASSERT_EQUAL(*vpdn_core_counter(core, "isdn_line_runts_total", "x"), li.rx->runts);
	CU_ASSERT_EQUAL(*vpdn_core_counter(core, "isdn_line_aborts_total", "x"), li.rx->aborts);
	/* and the line still works */
	peer_send(peer, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	CU_ASSERT_EQUAL(li.state, LINE_ACTIVE);
	stop();
}

static void test_refused_and_unclaimed(void)
{
	uint8_t buf[16];

	char body[200];
	snprintf(body, sizeof(body), "listen = \"unix:/tmp/vpdnd-isdn-serial-b%d.sock\"", (int)getpid());
	start_with(body);
	answer = false;   /* nobody claims: refused with 88 */
	int sp[2];
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL_FATAL(line_attach_fd(line, sp[1]), 0);
	peer = sp[0];
	pump();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(n_connected, 0);
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, VPDN_CAUSE_INCOMPATIBLE_DESTINATION);
	CU_ASSERT_EQUAL(read(peer, buf, sizeof(buf)), 0);
	struct line_info li;
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	stop();
}

static void test_listen_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char body[200];
	uint8_t buf[16];
	int c1, c2;

	core = NULL;
	snprintf(body, sizeof(body), "listen = \"unix:/tmp/vpdnd-isdn-serial-%d.sock\"", (int)getpid());
	start_with(body);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/vpdnd-isdn-serial-%d.sock", (int)getpid());
	c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_EQUAL_FATAL(connect(c1, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(n_connected, 1);
	/* the line is busy: a second caller is dropped */
	c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_EQUAL_FATAL(connect(c2, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(read(c2, buf, sizeof(buf)), 0);
	close(c2);
	peer_send(c1, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	close(c1);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, 16);
	/* the next caller gets a new call */
	c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_EQUAL_FATAL(connect(c1, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump();
	CU_ASSERT_EQUAL(n_in, 2);
	CU_ASSERT_EQUAL(n_connected, 2);
	close(c1);
	stop();
	CU_ASSERT_NOT_EQUAL(access(sa.sun_path, F_OK), 0);  /* removed at stop */
}

static void test_pty(void)
{
	struct line_info li;
	struct termios t;
	char slave[64];
	int s;

	start_with("pty = true");
	line_get_info(line, &li);
	CU_ASSERT_EQUAL_FATAL(li.state, LINE_IDLE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(li.slave);
	snprintf(slave, sizeof(slave), "%s", li.slave);
	/* nobody on the slave: no call however long we wait */
	vpdn_timers_advance(vpdn_core_timers(core), 1000);
	pump();
	CU_ASSERT_EQUAL(n_in, 0);

	s = open(slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	CU_ASSERT_FATAL(s >= 0);
	CU_ASSERT_EQUAL(tcgetattr(s, &t), 0);
	CU_ASSERT_FALSE(t.c_lflag & (ICANON | ECHO));   /* raw, set by the line */
	CU_ASSERT_EQUAL(cfgetospeed(&t), B115200);
	vpdn_timers_advance(vpdn_core_timers(core), 300);
	pump();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(n_connected, 1);
	peer_send(s, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	CU_ASSERT_EQUAL(memcmp(cons.last, lcp_confreq, sizeof(lcp_confreq)), 0);
	close(s);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, 16);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT_STRING_EQUAL(li.slave, slave);   /* same pty for the next caller */
	s = open(slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	CU_ASSERT_FATAL(s >= 0);
	vpdn_timers_advance(vpdn_core_timers(core), 300);
	pump();
	CU_ASSERT_EQUAL(n_in, 2);
	close(s);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 2);
	stop();
}

/* A tty device: the line opens a pty's slave as its device; the test
 * is the modem on the master side. The call starts on the first octets. */
static void test_device(void)
{
	char slave[64], body[128];
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	CU_ASSERT_FATAL(m >= 0);
	CU_ASSERT_EQUAL_FATAL(grantpt(m), 0);
	CU_ASSERT_EQUAL_FATAL(unlockpt(m), 0);
	CU_ASSERT_EQUAL_FATAL(ptsname_r(m, slave, sizeof(slave)), 0);
	snprintf(body, sizeof(body), "device = \"%s\"", slave);
	start_with(body);
	struct line_info li;
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT(li.open);
	CU_ASSERT_EQUAL(n_in, 0);
	peer_send(m, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(cons.frames, 1);
	CU_ASSERT_EQUAL(memcmp(cons.last, lcp_confreq, sizeof(lcp_confreq)), 0);
	/* frames back reach the "modem" */
	CU_ASSERT_EQUAL(vpdn_link_send(cons.link, VPDN_LINK_B, lcp_confreq, sizeof(lcp_confreq)), 0);
	pump();
	uint8_t buf[256];
	peer_read(m, buf, sizeof(buf));
	CU_ASSERT_EQUAL(rx_frames, 1);
	/* the consumer hangs up: the line closes and reopens the device */
	vpdn_link_hangup(cons.link, VPDN_LINK_B, 16);
	vpdn_link_detach(cons.link, VPDN_LINK_B);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 1);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT(li.open);
	stop();
	close(m);
}

/* ---- dial-out (calls = "out" / "both") ---- */

static bool placed;
static int placed_status;
static struct vpdn_ev_call placed_ev;
static char placed_called[16];

/* CALL_PLACE's completion: the caller (a dialer) takes the link at end B.
 * Lifetime: reply is borrowed for this call. */
static void place_cb(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_call *c = reply;

	placed = true;
	placed_status = status;
	if (status < 0 || !c)
		return;
	placed_ev = *c;
	snprintf(placed_called, sizeof(placed_called), "%s", c->called ? c->called : "");
	memset(&cons, 0, sizeof(cons));
	cons.link = c->link;
	vpdn_link_attach(c->link, VPDN_LINK_B, &cons_ops, &cons);
}

static void place(const char *port, const char *number)
{
	struct vpdn_ev_call_place p = { .size = sizeof(p), .port = port, .number = number, .bearer_kbps = 64 };

	placed = false;
	placed_status = 1;
	placed_called[0] = '\0';
	(void)vpdn_bus_request(bus, VPDN_EV_CALL_PLACE, &p, place_cb, NULL);
	pump();
}

/* A pty master as the far end of a device line; the line opens the slave. */
static int device_far_end(char *slave, size_t size)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	CU_ASSERT_FATAL(m >= 0);
	CU_ASSERT_EQUAL_FATAL(grantpt(m), 0);
	CU_ASSERT_EQUAL_FATAL(unlockpt(m), 0);
	CU_ASSERT_EQUAL_FATAL(ptsname_r(m, slave, size), 0);
	return m;
}

/* A device line that only dials: octets while idle are no call; a dial by
 * the line's interface is connected at once (direct connect), the number
 * kept, not dialled; busy refuses with 34; hang-up reopens, dial again. */
static void test_dial_device(void)
{
	char slave[64], body[160];
	struct line_info li;
	uint8_t buf[256];
	int m = device_far_end(slave, sizeof(slave));

	snprintf(body, sizeof(body), "device = \"%s\" calls = \"out\"", slave);
	start_with(body);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT_EQUAL(li.mode, LINE_CALLS_OUT);
	CU_ASSERT(line_can_dial(line));
	/* the far end's noise while idle is not a caller */
	peer_send(m, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(n_in, 0);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT(li.idle_octets > 0);

	place("Serial0:15", "6121");
	CU_ASSERT_FATAL(placed);
	CU_ASSERT_EQUAL_FATAL(placed_status, 0);
	CU_ASSERT_EQUAL(placed_ev.dir, VPDN_CALL_OUT);
	CU_ASSERT_STRING_EQUAL(placed_called, "6121");
	CU_ASSERT(placed_ev.async);
	CU_ASSERT_PTR_NOT_NULL(placed_ev.link);
	CU_ASSERT_EQUAL(n_connected, 1);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_ACTIVE);
	CU_ASSERT(li.outgoing);
	CU_ASSERT_STRING_EQUAL(li.dialled, "6121");
	CU_ASSERT_EQUAL(li.calls_out, 1);
	CU_ASSERT_EQUAL(li.call_id, placed_ev.call_id);
	CU_ASSERT_FALSE(line_can_dial(line));
	/* frames both ways */
	CU_ASSERT_EQUAL(vpdn_link_send(cons.link, VPDN_LINK_B, lcp_confreq, sizeof(lcp_confreq)), 0);
	pump();
	peer_read(m, buf, sizeof(buf));
	CU_ASSERT_EQUAL(rx_frames, 1);
	peer_send(m, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	/* busy: a second dial (by the line's name) gets no channel */
	struct consumer keep = cons;
	place("tty0", "6121");
	CU_ASSERT(placed);
	CU_ASSERT_EQUAL(placed_status, -VPDN_CAUSE_NO_CHANNEL);
	cons = keep;
	/* the dialer's side hangs up: cleared, the device reopened */
	vpdn_link_hangup(cons.link, VPDN_LINK_B, 16);
	vpdn_link_detach(cons.link, VPDN_LINK_B);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 1);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT(li.open);
	CU_ASSERT_FALSE(li.outgoing);
	CU_ASSERT_EQUAL(li.call_id, 0);
	/* and it dials again (no port named: any free dial-out line) */
	place(NULL, "6121");
	CU_ASSERT_EQUAL(placed_status, 0);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.calls_out, 2);
	CU_ASSERT_EQUAL(n_in, 0);
	stop();
	close(m);
}

/* A connect line that only dials: unconnected while idle (no retries),
 * the dial connects, the far end leaving clears with 16 and the line stays
 * unconnected; nobody listening: cause 27. */
static void test_dial_connect(void)
{
	char body[200], path[100];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct line_info li;
	int lfd, s;

	snprintf(path, sizeof(path), "/tmp/vpdnd-isdn-serial-o%d.sock", (int)getpid());
	(void)unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	CU_ASSERT_FATAL(lfd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	CU_ASSERT_EQUAL_FATAL(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CU_ASSERT_EQUAL_FATAL(listen(lfd, 4), 0);
	snprintf(body, sizeof(body), "connect = \"unix:%s\" calls = \"out\"", path);
	start_with(body);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT_FALSE(li.open);
	vpdn_timers_advance(vpdn_core_timers(core), 5000);
	pump();
	CU_ASSERT(accept(lfd, NULL, NULL) < 0);   /* no connection while idle */

	place("tty0", "6121");
	CU_ASSERT_EQUAL_FATAL(placed_status, 0);
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	CU_ASSERT_FATAL(s >= 0);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_ACTIVE);
	CU_ASSERT(li.open);
	CU_ASSERT_EQUAL(n_connected, 1);
	peer_send(s, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	/* the callee hangs up */
	close(s);
	pump();
	CU_ASSERT_EQUAL(cons.hangups, 1);
	CU_ASSERT_EQUAL(n_cleared, 1);
	CU_ASSERT_EQUAL(cleared_cause, VPDN_CAUSE_NORMAL_CLEARING);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT_FALSE(li.open);
	vpdn_timers_advance(vpdn_core_timers(core), 5000);
	pump();
	CU_ASSERT(accept(lfd, NULL, NULL) < 0);   /* no reconnecting */
	/* nobody there: destination out of order, the line stays idle */
	close(lfd);
	(void)unlink(path);
	place("tty0", "6121");
	CU_ASSERT(placed);
	CU_ASSERT_EQUAL(placed_status, -VPDN_CAUSE_DEST_OUT_OF_ORDER);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_IDLE);
	CU_ASSERT_EQUAL(li.calls_out, 1);
	CU_ASSERT_EQUAL(n_connected, 1);
	stop();
}

/* calls = "both" on a device: a caller's octets ring, and it dials. */
static void test_dial_both(void)
{
	char slave[64], body[160];
	struct line_info li;
	int m = device_far_end(slave, sizeof(slave));

	snprintf(body, sizeof(body), "device = \"%s\" calls = \"both\"", slave);
	start_with(body);
	place("Serial0:15", "6121");
	CU_ASSERT_EQUAL_FATAL(placed_status, 0);
	vpdn_link_hangup(cons.link, VPDN_LINK_B, 16);
	vpdn_link_detach(cons.link, VPDN_LINK_B);
	pump();
	CU_ASSERT_EQUAL(n_cleared, 1);
	peer_send(m, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(n_in, 1);
	CU_ASSERT_EQUAL(last_in.dir, VPDN_CALL_IN);
	CU_ASSERT_STRING_EQUAL(in_calling, "6122");
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_ACTIVE);
	CU_ASSERT_FALSE(li.outgoing);
	stop();
	close(m);
}

/* An answering-only line is not dialled: the request is left unclaimed. */
static void test_dial_in_line_not_dialled(void)
{
	start();
	place("tty0", "6121");
	CU_ASSERT(placed);
	CU_ASSERT_EQUAL(placed_status, -ENOENT);
	stop();
}

static void test_config_errors(void)
{
	static const char *bad[] = {
		"line \"tty0\" { }\n",
		"line \"tty0\" { pty = true listen = \"unix:/tmp/x\" }\n",
		"line \"tty0\" { listen = \"tcp:127.0.0.1\" }\n",
		"line \"tty0\" { device = \"ttyS0\" }\n",
		"line \"tty0\" { pty = true speed = 12345 }\n",
		"line \"tty0\" { pty = true number = \"61a2\" }\n",
		"line \"tty 0\" { pty = true }\n",
		"line \"tty0\" { pty = true calls = \"sideways\" }\n",
		"line \"tty0\" { pty = true calls = \"out\" }\n",
		"line \"tty0\" { listen = \"unix:/tmp/x\" calls = \"out\" }\n",
		"line \"tty0\" { connect = \"unix:/tmp/x\" calls = \"both\" }\n",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		cfg_t *cfg = cfg_init(line_options, CFGF_NONE);
		cfg_set_error_function(cfg, NULL);
		CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, bad[i]), CFG_SUCCESS);
		CU_ASSERT_EQUAL(line_module_check(cfg), -EINVAL);
		cfg_free(cfg);
	}
}

/* Reload: a line's settings are all as running; the same config is
 * taken, any change (an option, a line added or removed) refused. */
static void test_reload(void)
{
	char body[200], *text;
	cfg_t *cfg;

	snprintf(body, sizeof(body), "listen = \"unix:/tmp/vpdnd-isdn-serial-r%d.sock\"", (int)getpid());
	start_with(body);
	/* speed of tty0 (0: no tty0), and a second line or not */
	static const struct { int speed; bool tty1; } variants[] = {
		{ 115200, false }, { 9600, false }, { 115200, true }, { 0, false },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
		if (variants[i].speed)
			text = g_strdup_printf("line \"tty0\" { %s speed = %d number = \"6122\" called = \"211\""
					       " interface = \"Serial0:15\" }\n%s", body, variants[i].speed,
					       variants[i].tty1 ? "line \"tty1\" { pty = true }\n" : "");
		else
			text = g_strdup("");
		cfg = cfg_init(line_options, CFGF_NONE);
		cfg_set_error_function(cfg, NULL);
		CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
		CU_ASSERT_EQUAL(line_module_reload(is, cfg), i == 0 ? 0 : -EINVAL);
		cfg_free(cfg);
		g_free(text);
	}
	CU_ASSERT_EQUAL(is->lines->len, 1);
	stop();
}

/* Call ids come from the core's one service (vpdn_core_call_id), which
 * the isdn module's ports draw from too: no two carriers hand out the
 * same id. */
static void test_call_id_from_core(void)
{
	struct line_info li;

	start();
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.call_id, 0x011B);  /* the node's first call */
	CU_ASSERT_EQUAL(vpdn_core_call_id(core), 0x011C);
	stop();
}

/* Restart in place (line-state.c): a call up on a listen line; the
 * module saves (the connection kept as line/stream/tty0), is freed (its
 * copy closes, as at the exec; the kept dup holds the connection), a new
 * one adopts the stream at start and restores the call: same call id,
 * active, its link offered as carrier/tty0, frames both ways; another
 * version refused. Again with nobody taking the link: the line hangs up
 * (the caller sees EOF), counted. A descriptor that is not a stream
 * socket is not adopted. */
static struct line_module *line_restart(GVariant **st)
{
	const char *name = NULL;
	struct line_module *lm = NULL;
	char *text;
	cfg_t *cfg;
	int fd;

	*st = g_variant_ref_sink(line_state_save(is));
	CU_ASSERT_EQUAL_FATAL(vpdn_restart_kept_count(core), 1);
	fd = dup(vpdn_restart_kept_at(core, 0, &name));
	CU_ASSERT_STRING_EQUAL(name, "line/stream/tty0");
	vpdn_restart_kept_clear(core);
	if (cons.link)
		vpdn_link_detach(cons.link, VPDN_LINK_B);
	memset(&cons, 0, sizeof(cons));
	line_module_free(is);
	is = NULL;
	pump();
	vpdn_restart_set_history(core, true, 1, NULL, 0);
	vpdn_restart_add_inherited(core, "line/stream/tty0", fd);
	text = g_strdup_printf("line \"tty0\" { listen = \"unix:/tmp/vpdnd-isdn-serial-a%d.sock\" "
			       "speed = 115200 number = \"6122\" called = \"211\" interface = "
			       "\"Serial0:15\" }\n", (int)getpid());
	cfg = cfg_init(line_options, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(line_module_new(core, cfg, &lm), 0);
	cfg_free(cfg);
	g_free(text);
	line = line_module_find(lm, "tty0");
	return lm;
}

static void test_restart_in_place(void)
{
	struct line_info li;
	struct vpdn_link *l;
	uint32_t call_id;
	uint8_t buf[256];
	GVariant *st;
	uint64_t *lost;

	start();
	CU_ASSERT_PTR_NOT_NULL_FATAL(cons.link);
	line_get_info(line, &li);
	call_id = li.call_id;
	is = line_restart(&st);
	CU_ASSERT_EQUAL(line_state_restore(is, st, LINE_STATE_VERSION + 1), -EPROTO);
	CU_ASSERT_EQUAL(line_state_restore(is, st, LINE_STATE_VERSION), 0);
	g_variant_unref(st);
	line_get_info(line, &li);
	CU_ASSERT_EQUAL(li.state, LINE_ACTIVE);
	CU_ASSERT_EQUAL(li.call_id, call_id);
	l = vpdn_core_restored_link_take(core, "carrier/tty0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 0);
	cons.link = l;
	vpdn_link_attach(l, VPDN_LINK_B, &cons_ops, &cons);
	peer_send(peer, HDLC_ACCM_DEFAULT, lcp_confreq, sizeof(lcp_confreq));
	pump();
	CU_ASSERT_EQUAL(cons.frames, 1);
	CU_ASSERT_EQUAL(cons.last_len, sizeof(lcp_confreq));
	rx_frames = 0;
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_B, lcp_confreq, sizeof(lcp_confreq)), 0);
	pump();
	CU_ASSERT(peer_read(peer, buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(rx_frames, 1);
	/* Again, and nobody takes the link back: hung up, counted. */
	is = line_restart(&st);
	CU_ASSERT_EQUAL(line_state_restore(is, st, LINE_STATE_VERSION), 0);
	g_variant_unref(st);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 1);
	pump();
	line_get_info(line, &li);
	CU_ASSERT_NOT_EQUAL(li.state, LINE_ACTIVE);
	CU_ASSERT_EQUAL(read(peer, buf, sizeof(buf)), 0);  /* EOF */
	lost = vpdn_core_counter(core, "isdn_line_restart_calls_lost_total", NULL);
	CU_ASSERT_EQUAL(*lost, 1);
	/* A descriptor of the wrong kind is not adopted. */
	{
		int p[2];
		CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
		close(p[1]);
		vpdn_restart_add_inherited(core, "line/stream/tty0", p[0]);
		CU_ASSERT_EQUAL(line_state_take_stream(line), -1);
		CU_ASSERT_EQUAL(fcntl(p[0], F_GETFD), -1);
	}
	stop();
}

static const struct vpdn_test_case tests[] = {
	{ "call and frames in", test_call_and_frames_in },
	{ "frames out and ACCM", test_frames_out_and_accm },
	{ "EOF clears with cause 16", test_eof_clears_cause_16 },
	{ "consumer hang-up closes", test_consumer_hangup_closes },
	{ "garbage counted", test_garbage_counted },
	{ "refused and unclaimed", test_refused_and_unclaimed },
	{ "listen socket", test_listen_socket },
	{ "pty", test_pty },
	{ "device", test_device },
	{ "dial-out on a device line", test_dial_device },
	{ "dial-out on a connect line", test_dial_connect },
	{ "a device line both ways", test_dial_both },
	{ "an answering line is not dialled", test_dial_in_line_not_dialled },
	{ "config errors", test_config_errors },
	{ "reload refuses any change", test_reload },
	{ "call ids from the core", test_call_id_from_core },
	{ "restart in place: the call survives, an orphan hangs up", test_restart_in_place },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-serial", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
