/* SPDX-License-Identifier: MIT */
/*
 * loadgen: the benchmark's L2TP load generator, a LAC emulator.
 *
 * It opens T tunnels to an LNS (ours or xl2tpd) and sets up sessions
 * (ICRQ/ICRP/ICCN) spread over them, using the project's L2TP codec
 * (libl2tp_codec) for every control message. Two set-up modes:
 *
 *   --l2tp-only  a session counts when ICRP arrived and ICCN went out
 *                (the LAC's view of "established"); the LNS's ICCN is
 *                acknowledged before the generator stops.
 *   --ppp        the ICCN carries proxy LCP and proxy CHAP AVPs (as a real
 *                LAC forwarding a dial-in user sends them), so the LNS does
 *                proxy LCP acceptance, CHAP verification against its local
 *                users and IPCP; the generator plays the user over the L2TP
 *                data channel: a session counts when IPCP is done both ways
 *                (the LNS acked our Configure-Request and we acked its).
 *
 * Phases (--phase N, repeatable) set up N more sessions each and print the
 * rate of each phase; between phases the RSS of the watched processes
 * (--watch PID) is printed; --pause S idles S seconds after each phase
 * (for a profiler to mark the phase's end). --trace prints every PPP state
 * change of every user (bench/pppuser.c) on stderr. --hold S keeps every session up for S seconds
 * (answering LCP Echo-Requests and acknowledging HELLOs) and prints the CPU
 * the watched processes used meanwhile; with --hold-pps N it also sends N
 * IP packets a second meanwhile, one session after the other, each to its
 * own address, and prints how many came back and the longest time without
 * one (across a restart of the LNS: its switch time); SIGUSR1 ends the hold
 * early (counters printed as at its end). --blast SECONDS --size N (ppp mode)
 * then sends IP packets of N octets from session 0 to its own address: the
 * LNS writes them to its TUN, the kernel routes them back into the TUN, the
 * LNS sends them back over L2TP; the generator counts what comes back.
 * --raw-blast sends the same IP packets without L2TP/PPP to a bare
 * forwarder (bench/udptun.c) instead. --tun NAME --tun-seconds S (ppp
 * mode) then makes session 0 a kernel interface for S seconds: a TUN
 * device NAME whose IP packets go over session 0 and back (prints
 * "tun_ready NAME ADDR" with the address IPCP agreed on; the caller
 * configures the device), for a TCP flow through one session (iperf3).
 *
 * Each phase also prints loadgen's own CPU (getrusage, user + system)
 * per session brought up: "loadgen_cpu N seconds S us_per_session U".
 * What that costs is kept small (loadgen shares a core with FreeRADIUS
 * in bench.sh section 6): the datagrams of a loop round go out with one
 * sendmmsg on the connected socket, the clock is read once a round, ICRQ
 * and ICCN are the codec's octets made once and patched (session ID,
 * serial, header), and the unacked copies are scanned only when one may
 * be due for retransmission.
 *
 * While sessions are set up and held (no --blast, --raw or --tun), the
 * socket receives with UDP_GRO (--udp-gro 0 turns it off): the LNS's
 * batches of equal-sized datagrams (its UDP_SEGMENT sends) come as one
 * message each, neither segmented by the kernel in the sender's context
 * nor read one by one here (loadgen 5.1 -> 3.7 us a session, session 9).
 * The data-plane runs keep one datagram a message, as the bare forwarder
 * they are compared with sends them.
 *
 * Output: "key value" lines on stdout, for bench/run.sh.
 * Every loop is bounded by --timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/udp.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "pppuser.h"
#include "tcpseg.h"

#define MAXT 64
#define WIN 1024 /* our copies of unacked control messages per tunnel */

enum { S_IDLE, S_WAIT_ICRP, S_WAIT_PPP, S_UP };

struct sess {
	uint16_t peer_sid;
	uint8_t state;
	struct pppu u; /* the user's PPP after proxy LCP/CHAP (--ppp) */
};

struct tun {
	uint16_t peer_tid;
	int up;
	uint16_t ns, nr, peer_nr; /* next to send, next expected, acked by peer */
	uint16_t rws;
	int need_ack;
	uint8_t (*copy)[512];
	uint16_t copy_len[WIN];
	double copy_t[WIN];
	double rtx_due; /* no unacked copy is older than a second before this */
	uint32_t next_sess; /* next session index of this tunnel to start */
	uint32_t *pend;     /* sessions whose ICCN waits for window space */
	uint32_t pend_head, pend_tail;
};

static int fd;
static struct sockaddr_in peer;
static const char *secret = "benchtunnel";
static const char *user = "bench@cisco.com", *upass = "bench";
static int ntun = 1, ppp_mode, inflight_max = 256;
static struct tun tuns[MAXT];
static struct sess *sess;      /* [ntun][per] */
static uint32_t per;           /* sessions per tunnel (capacity) */
static uint32_t started, done, target, inflight;
static uint64_t hellos, cdns, ppp_downs;
static int ignore_cdn;
static double t_base;

static double now(void)
{
	return bench_now();
}

/* The clock read once per loop round (after poll() returns): what the
 * copies kept for retransmission and the PPP users' restart timers are
 * stamped with. */
static double loop_now;

/* loadgen's own CPU so far (user + system, getrusage): what the generator
 * costs the core it shares with FreeRADIUS in bench.sh section 6. */
static double self_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *m)
{
	fprintf(stderr, "loadgen: %s: %s\n", m, strerror(errno));
	exit(1);
}


/* The datagrams of one loop round, in the order they were made, go out
 * with one sendmmsg (tx_flush: before poll() blocks and after the acks of
 * a round; a full queue flushes itself). The socket is connected: no
 * address per datagram, so the kernel keeps its cached route. A run of
 * datagrams of one length (ICCNs, IPCP requests of many users) is one
 * message with UDP_SEGMENT, as the LNS's own transport sends them (one
 * pass down the stack; still one datagram each, in the same order, on
 * the wire); a kernel that refuses it gets single datagrams from then on.
 * A datagram the kernel refuses for want of buffer (EAGAIN, ENOBUFS) is
 * dropped, as one sendto's was; the retransmit timers and PPP's restart
 * timers cover it. */
enum { TXQ = 64, TXBUF = 1600, TX_GSO_BYTES = 60000 };
static uint8_t txbuf[TXQ][TXBUF];
static struct iovec txiov[TXQ];
static unsigned txn;
static int tx_no_gso;

/* How many queued datagrams from i on may go as one UDP_SEGMENT message. */
static unsigned tx_run(unsigned i)
{
	size_t len = txiov[i].iov_len, total = len;
	unsigned n = 1;

	if (tx_no_gso)
		return 1;
	while (i + n < txn && txiov[i + n].iov_len == len && total + len <= TX_GSO_BYTES) {
		total += len;
		n++;
	}
	return n;
}

static void tx_flush(void)
{
	static struct mmsghdr mm[TXQ];
	static unsigned first[TXQ];
	static char cb[TXQ][CMSG_SPACE(sizeof(uint16_t))];
	unsigned i = 0;

	while (i < txn) {
		unsigned nm = 0, off = 0;
		for (unsigned q = i; q < txn; nm++) {
			unsigned k = tx_run(q);
			struct msghdr *h = &mm[nm].msg_hdr;
			memset(h, 0, sizeof(*h));
			h->msg_iov = &txiov[q];
			h->msg_iovlen = k;
			if (k > 1) {
				uint16_t seg = (uint16_t)txiov[q].iov_len;
				h->msg_control = cb[nm];
				h->msg_controllen = sizeof(cb[nm]);
				struct cmsghdr *c = CMSG_FIRSTHDR(h);
				c->cmsg_level = SOL_UDP;
				c->cmsg_type = UDP_SEGMENT;
				c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
				memcpy(CMSG_DATA(c), &seg, sizeof(seg));
			}
			first[nm] = q;
			q += k;
		}
		while (off < nm) {
			int k = sendmmsg(fd, mm + off, nm - off, 0);
			if (k > 0) {
				off += (unsigned)k;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS) {
				off++; /* this one is lost, the others still go */
				continue;
			}
			if (mm[off].msg_hdr.msg_iovlen > 1 && !tx_no_gso) {
				tx_no_gso = 1; /* again from there, one datagram a message */
				fprintf(stderr, "loadgen: UDP_SEGMENT refused (%s): single datagrams\n",
					strerror(errno));
				break;
			}
			die("sendmmsg");
		}
		i = off < nm ? first[off] : txn;
	}
	txn = 0;
}

/* Room for the next datagram of the round (TXBUF octets); tx_commit()
 * queues it. */
static uint8_t *tx_slot(void)
{
	if (txn == TXQ)
		tx_flush();
	return txbuf[txn];
}

static void tx_commit(size_t len)
{
	txiov[txn].iov_base = txbuf[txn];
	txiov[txn].iov_len = len;
	txn++;
}

static void tx(const void *b, size_t len)
{
	uint8_t *d = tx_slot();

	if (len > TXBUF)
		len = TXBUF;
	memcpy(d, b, len);
	tx_commit(len);
}

static int win_open(struct tun *t)
{
	return (uint16_t)(t->ns - t->peer_nr) < t->rws && (uint16_t)(t->ns - t->peer_nr) < WIN;
}

/* The control message in t's slot for Ns t->ns (n octets) goes out and
 * is kept for retransmission. */
static void ctl_queue(struct tun *t, unsigned slot, int n)
{
	t->copy_len[slot] = n;
	t->copy_t[slot] = loop_now;
	if (t->ns == t->peer_nr || loop_now + 1.0 < t->rtx_due)
		t->rtx_due = loop_now + 1.0; /* the window was empty, or the earliest */
	t->ns++;
	t->need_ack = 0;
	tx(t->copy[slot], n);
}

/* Send a control message on tunnel ti (0-based; our Tunnel ID is ti+1). */
static void ctl_send(int ti, uint16_t sid, struct l2tp_msg *m)
{
	struct tun *t = &tuns[ti];
	struct l2tp_encode_ctx ec = { 0 };
	unsigned slot = t->ns % WIN;
	int n = l2tp_control_encode(t->copy[slot], 512,
				    t->peer_tid, sid, t->ns, t->nr, m, &ec);
	if (n < 0) {
		fprintf(stderr, "loadgen: encode %s: %d\n", l2tp_msg_type_name(m->message_type), n);
		exit(1);
	}
	ctl_queue(t, slot, n);
}

/* A message every session sends alike (ICRQ, ICCN), encoded by the codec
 * once: its AVPs (never hidden: no per-message random vector), and where
 * the values that differ from session to session lie in them. */
struct ctl_tpl {
	uint8_t avps[512 - L2TP_CONTROL_HDR_LEN];
	int len;         /* -1: not made yet */
	int off_sid;     /* ICRQ: Assigned Session ID's value (2 octets) */
	int off_serial;  /* ICRQ: Call Serial Number's value (4 octets) */
};

/* Offset of the value of the (IETF) AVP type in the AVPs a, or -1. */
static int avp_value_at(const uint8_t *a, int len, uint16_t type)
{
	for (int pos = 0; pos + L2TP_AVP_HDR_LEN <= len;) {
		int alen = (a[pos] & 0x03) << 8 | a[pos + 1];
		if (alen < L2TP_AVP_HDR_LEN || pos + alen > len)
			return -1;
		if (a[pos + 2] == 0 && a[pos + 3] == 0 && (a[pos + 4] << 8 | a[pos + 5]) == type)
			return pos + L2TP_AVP_HDR_LEN;
		pos += alen;
	}
	return -1;
}

static void tpl_make(struct ctl_tpl *tp, struct l2tp_msg *m)
{
	uint8_t b[512];
	struct l2tp_encode_ctx ec = { 0 };
	int n = l2tp_control_encode(b, sizeof(b), 0, 0, 0, 0, m, &ec);
	if (n < L2TP_CONTROL_HDR_LEN) {
		fprintf(stderr, "loadgen: encode %s: %d\n", l2tp_msg_type_name(m->message_type), n);
		exit(1);
	}
	tp->len = n - L2TP_CONTROL_HDR_LEN;
	memcpy(tp->avps, b + L2TP_CONTROL_HDR_LEN, (size_t)tp->len);
	tp->off_sid = avp_value_at(tp->avps, tp->len, L2TP_AVP_ASSIGNED_SESSION_ID);
	tp->off_serial = avp_value_at(tp->avps, tp->len, L2TP_AVP_CALL_SERIAL_NUMBER);
}

/* The template's message on tunnel ti: the octets the codec would make. */
static uint8_t *tpl_begin(int ti, const struct ctl_tpl *tp, unsigned *slot)
{
	struct tun *t = &tuns[ti];
	*slot = t->ns % WIN;
	memcpy(t->copy[*slot] + L2TP_CONTROL_HDR_LEN, tp->avps, (size_t)tp->len);
	return t->copy[*slot] + L2TP_CONTROL_HDR_LEN;
}

static void tpl_send(int ti, uint16_t sid, const struct ctl_tpl *tp, unsigned slot)
{
	struct tun *t = &tuns[ti];
	int n = L2TP_CONTROL_HDR_LEN + tp->len;
	l2tp_control_header_encode(t->copy[slot], 512, (uint16_t)n, t->peer_tid, sid, t->ns, t->nr);
	ctl_queue(t, slot, n);
}

static void zlb(int ti)
{
	uint8_t *b = tx_slot();
	struct tun *t = &tuns[ti];
	l2tp_control_encode(b, TXBUF, t->peer_tid, 0, t->ns, t->nr, NULL, NULL);
	t->need_ack = 0;
	tx_commit(12);
}

struct sess_ref {
	int ti;
	uint32_t k;
};
static struct pppu_io user_io(struct sess_ref *r);
static void ppp_result(struct sess *s, enum pppu_result res);

/* PPP runs over the unreliable data channel: every 0.5 s, each user's
 * restart timers (RFC 1661 4.6: TO+ repeats a request, TO- gives up). */
static void ppp_tick(double tnow)
{
	static double last;
	if (!ppp_mode || tnow - last < 0.5)
		return;
	last = tnow;
	for (int ti = 0; ti < ntun; ti++)
		for (uint32_t k = 0; k < tuns[ti].next_sess; k++) {
			struct sess *s = &sess[ti * per + k];
			if ((s->state != S_WAIT_PPP && s->state != S_UP) ||
			    !pppu_due(&s->u, (float)(tnow - t_base)))
				continue;
			struct sess_ref r = { ti, k };
			struct pppu_io io = user_io(&r);
			ppp_result(s, pppu_tick(&s->u, &io));
		}
}

static void retransmit(double tnow)
{
	ppp_tick(tnow);
	for (int i = 0; i < ntun; i++) {
		struct tun *t = &tuns[i];
		/* the scan only when the oldest copy may be due: a copy is
		 * resent once it is older than a second, as before */
		if (t->peer_nr == t->ns || tnow <= t->rtx_due)
			continue;
		double oldest = tnow;
		for (uint16_t s = t->peer_nr; s != t->ns; s++) {
			unsigned slot = s % WIN;
			if (tnow - t->copy_t[slot] > 1.0) {
				l2tp_control_header_set_nr(t->copy[slot], t->nr);
				t->copy_t[slot] = tnow;
				tx(t->copy[slot], t->copy_len[slot]);
			}
			if (t->copy_t[slot] < oldest)
				oldest = t->copy_t[slot];
		}
		t->rtx_due = oldest + 1.0;
	}
}

static void sccrq(int ti)
{
	struct l2tp_msg m;
	static uint8_t chal[16] = "benchchallenge!";
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
	m.protocol_version.version = 1;
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "BENCHLAC");
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPS);
	m.framing_caps = L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC;
	l2tp_msg_set(&m, L2TP_AVP_BEARER_CAPS);
	m.bearer_caps = L2TP_BEARER_DIGITAL;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = ti + 1;
	l2tp_msg_set(&m, L2TP_AVP_RECEIVE_WINDOW_SIZE);
	m.receive_window_size = 1024;
	l2tp_msg_set_bytes(&m, L2TP_AVP_CHALLENGE, chal, 16);
	tuns[ti].rws = 4;
	ctl_send(ti, 0, &m);
}

static void icrq(int ti, uint32_t k)
{
	static struct ctl_tpl tp = { .len = -1 };
	uint32_t serial = ti * per + k + 1;
	unsigned slot;

	if (tp.len < 0) {
		struct l2tp_msg m;
		l2tp_msg_init(&m, L2TP_MSG_ICRQ);
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
		m.assigned_session_id = 1;
		l2tp_msg_set(&m, L2TP_AVP_CALL_SERIAL_NUMBER);
		m.call_serial_number = 1;
		l2tp_msg_set(&m, L2TP_AVP_BEARER_TYPE);
		m.bearer_type = L2TP_BEARER_DIGITAL;
		l2tp_msg_set_str(&m, L2TP_AVP_CALLING_NUMBER, "6122");
		l2tp_msg_set_str(&m, L2TP_AVP_CALLED_NUMBER, "8211");
		tpl_make(&tp, &m);
		if (tp.off_sid < 0 || tp.off_serial < 0) {
			fprintf(stderr, "loadgen: ICRQ template without its session AVPs\n");
			exit(1);
		}
	}
	uint8_t *a = tpl_begin(ti, &tp, &slot);
	a[tp.off_sid] = (uint8_t)((k + 1) >> 8);
	a[tp.off_sid + 1] = (uint8_t)(k + 1);
	a[tp.off_serial] = (uint8_t)(serial >> 24);
	a[tp.off_serial + 1] = (uint8_t)(serial >> 16);
	a[tp.off_serial + 2] = (uint8_t)(serial >> 8);
	a[tp.off_serial + 3] = (uint8_t)serial;
	sess[ti * per + k].state = S_WAIT_ICRP;
	tpl_send(ti, 0, &tp, slot);
}

static void data_send(int ti, uint32_t k, uint16_t proto, const uint8_t *p, size_t len)
{
	uint8_t *b = tx_slot();
	struct sess *s = &sess[ti * per + k];
	int h = l2tp_data_header_encode(b, TXBUF, 0, tuns[ti].peer_tid, s->peer_sid, 0, len + 4);
	if (h < 0 || (size_t)h + 4 + len > TXBUF)
		return;
	b[h] = 0xff; b[h + 1] = 0x03; b[h + 2] = proto >> 8; b[h + 3] = proto & 0xff;
	memcpy(b + h + 4, p, len);
	tx_commit(h + 4 + len);
}

static void user_send(void *ctx, uint16_t proto, const uint8_t *p, size_t len)
{
	const struct sess_ref *r = ctx;
	data_send(r->ti, r->k, proto, p, len);
}

/* The PPP user's I/O for session k of tunnel ti (ref: the caller's). */
static struct pppu_io user_io(struct sess_ref *r)
{
	struct pppu_io io = { user_send, r, pppu_client_addr(r->ti * per + r->k),
			      user, upass, (float)(loop_now - t_base) };
	return io;
}

/* The ICCN: the same octets for every session but the header's (the
 * proxy CHAP response, MD5 over a fixed id, secret and challenge, made
 * once with the rest). */
static void iccn_make(struct ctl_tpl *tp)
{
	struct l2tp_msg m;
	/* proxy LCP: what the LAC sent (auth CHAP MD5, magic) and received
	 * (the user's magic); proxy CHAP: id, challenge, the user's response */
	static const uint8_t lsent[] = { 3, 5, 0xc2, 0x23, 5, 5, 6, 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t lrcvd[] = { 5, 6, 0x55, 0x66, 0x77, 0x88 };
	static const uint8_t chal[16] = "0123456789abcdef";
	uint8_t resp[16];
	gsize rl = 16;
	uint8_t id = 7;
	l2tp_msg_init(&m, L2TP_MSG_ICCN);
	l2tp_msg_set(&m, L2TP_AVP_TX_CONNECT_SPEED);
	m.tx_connect_speed = 64000;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_TYPE);
	m.framing_type = L2TP_FRAMING_SYNC;
	if (ppp_mode) {
		GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
		g_checksum_update(c, &id, 1);
		g_checksum_update(c, (const guchar *)upass, strlen(upass));
		g_checksum_update(c, chal, 16);
		g_checksum_get_digest(c, resp, &rl);
		g_checksum_free(c);
		l2tp_msg_set_bytes(&m, L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ, lrcvd, sizeof(lrcvd));
		l2tp_msg_set_bytes(&m, L2TP_AVP_LAST_SENT_LCP_CONFREQ, lsent, sizeof(lsent));
		l2tp_msg_set_bytes(&m, L2TP_AVP_LAST_RCVD_LCP_CONFREQ, lrcvd, sizeof(lrcvd));
		l2tp_msg_set(&m, L2TP_AVP_PROXY_AUTHEN_TYPE);
		m.proxy_authen_type = L2TP_PROXY_AUTH_CHAP;
		l2tp_msg_set_str(&m, L2TP_AVP_PROXY_AUTHEN_NAME, user);
		l2tp_msg_set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_CHALLENGE, chal, 16);
		l2tp_msg_set(&m, L2TP_AVP_PROXY_AUTHEN_ID);
		m.proxy_authen_id = id;
		l2tp_msg_set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_RESPONSE, resp, 16);
	}
	tpl_make(tp, &m);
}

static void iccn(int ti, uint32_t k)
{
	static struct ctl_tpl tp = { .len = -1 };
	struct sess *s = &sess[ti * per + k];
	unsigned slot;

	if (tp.len < 0)
		iccn_make(&tp);
	tpl_begin(ti, &tp, &slot);
	tpl_send(ti, s->peer_sid, &tp, slot);
	if (ppp_mode) {
		/* the LAC negotiated LCP for the user (proxy): Opened, CHAP
		 * asked by the LAC, so IPCP waits for the LNS's CHAP Success,
		 * and a renegotiation from the LNS is answered as RFC 1661 says */
		struct sess_ref r = { ti, k };
		struct pppu_io io = user_io(&r);
		s->state = S_WAIT_PPP;
		pppu_proxy_opened(&s->u, &io, 1);
	} else {
		s->state = S_UP;
		done++;
		inflight--;
	}
}

static void on_ppp(int ti, uint32_t k, const uint8_t *f, size_t len)
{
	struct sess *s = &sess[ti * per + k];
	struct sess_ref r = { ti, k };
	struct pppu_io io = user_io(&r);
	enum pppu_result res;

	if (s->state != S_WAIT_PPP && s->state != S_UP)
		return;
	res = pppu_input(&s->u, &io, f, len);
	ppp_result(s, res);
}

static void ppp_result(struct sess *s, enum pppu_result res)
{
	if (res == PPPU_REFUSED) {
		fprintf(stderr, "loadgen: PPP with the LNS failed: %s\n", pppu_why());
		exit(1);
	}
	if (res == PPPU_DOWN)
		ppp_downs++;
	if (res == PPPU_UP && s->state == S_WAIT_PPP) {
		s->state = S_UP;
		done++;
		inflight--;
	}
}

static void on_ctl(int ti, struct l2tp_header *h, struct l2tp_msg *m, struct l2tp_decode_ctx *dc)
{
	struct tun *t = &tuns[ti];
	if ((int16_t)(h->nr - t->peer_nr) > 0 && (int16_t)(t->ns - h->nr) >= 0)
		t->peer_nr = h->nr;
	if (l2tp_header_is_zlb(h))
		return;
	if (h->ns != t->nr) { /* duplicate (or a gap): ack again */
		t->need_ack = 1;
		return;
	}
	t->nr++;
	t->need_ack = 1;
	switch (m->message_type) {
	case L2TP_MSG_SCCRP: {
		struct l2tp_msg c;
		t->peer_tid = m->assigned_tunnel_id;
		if (l2tp_msg_has(m, L2TP_AVP_RECEIVE_WINDOW_SIZE))
			t->rws = m->receive_window_size;
		l2tp_msg_init(&c, L2TP_MSG_SCCCN);
		if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE)) {
			l2tp_msg_set(&c, L2TP_AVP_CHALLENGE_RESPONSE);
			l2tp_challenge_response(3, (const uint8_t *)secret, strlen(secret),
						m->challenge.ptr, m->challenge.len, c.challenge_response);
		}
		ctl_send(ti, 0, &c);
		t->up = 1;
		break;
	}
	case L2TP_MSG_ICRP: {
		uint32_t k = h->session_id - 1;
		if (h->session_id == 0 || k >= per || sess[ti * per + k].state != S_WAIT_ICRP)
			break;
		sess[ti * per + k].peer_sid = m->assigned_session_id;
		if (win_open(t) && t->pend_head == t->pend_tail)
			iccn(ti, k);
		else
			t->pend[t->pend_tail++ % per] = k;
		break;
	}
	case L2TP_MSG_HELLO:
		hellos++;
		break;
	case L2TP_MSG_CDN:
		cdns++;
		if (ignore_cdn)
			break;
		fprintf(stderr, "loadgen: CDN for session %u (result %u error %u)\n",
			h->session_id, m->result.result, m->result.error);
		exit(1);
	case L2TP_MSG_STOPCCN:
		fprintf(stderr, "loadgen: StopCCN on tunnel %d (result %u)\n", ti + 1, m->result.result);
		exit(1);
	default:
		break;
	}
	(void)dc;
}

static uint64_t rx_data;
/* --hold-pps: IP packets that came back during the hold, and the longest
 * time without one (a restart of the LNS: its switch time). */
static uint64_t hold_ip_back;
static double hold_ip_last, hold_ip_gap, hold_ip_gap_at;
static int hold_ip_on;
static int tun_fd = -1; /* --tun: session 0's IP packets to and from it */
static int tun_vnet;    /* the TUN has IFF_VNET_HDR + offloads (--tun-offload 1) */
static int udp_gro_rx;  /* the socket has UDP_GRO (set-up and hold runs) */
static struct tcpgro *gro; /* L2TP -> TUN coalescing (tun_vnet) */
static uint64_t tun_writes, tun_wpkts, tun_reads, tun_tso_reads, udp_sends, udp_gro_bufs;

static void tun_write(const struct iovec *iov, int n)
{
	tun_writes++;
	if (writev(tun_fd, iov, n) < 0 && errno != EAGAIN && errno != EINVAL && errno != EIO)
		die("write tun");
}

static void gro_flush(void)
{
	size_t n = gro ? tcpgro_finish(gro) : 0;
	if (n) {
		struct iovec v = { gro->buf, n };
		tun_write(&v, 1);
	}
}

/* --tun: an IPv4 packet in session 0's PPP frame goes to the TUN (with
 * offloads: coalesced with the segments before and after it). */
static int tun_input(const uint8_t *f, size_t len)
{
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03) {
		f += 2;
		len -= 2;
	}
	if (len >= 2 && f[0] == 0x00 && f[1] == 0x21) {
		f += 2;
		len -= 2;
	} else if (len >= 1 && f[0] == 0x21) { /* Protocol-Field-Compression */
		f += 1;
		len -= 1;
	} else {
		return 0;
	}
	tun_wpkts++;
	if (!tun_vnet) {
		struct iovec v = { (void *)f, len };
		tun_write(&v, 1);
		return 1;
	}
	enum tcpgro_verdict r = tcpgro_add(gro, f, len);
	if (r == TCPGRO_FLUSH_FIRST) {
		gro_flush();
		r = tcpgro_add(gro, f, len);
	}
	if (r == TCPGRO_ALONE) {
		static const struct virtio_net_hdr none;
		struct iovec v[2] = { { (void *)&none, sizeof(none) }, { (void *)f, len } };
		tun_write(v, 2);
	}
	return 1;
}

static int is_ip(const uint8_t *f, size_t len)
{
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03)
		f += 2, len -= 2;
	return (len >= 2 && f[0] == 0x00 && f[1] == 0x21) || (len >= 1 && f[0] == 0x21);
}

static struct l2tp_decode_ctx rx_dc;

/* One L2TP datagram received. */
static void rx_one(uint8_t *b, size_t len)
{
	struct l2tp_header h;
	/* the header alone first: a data message needs no l2tp_msg (the
	 * datagram decode clears one whole for every datagram) */
	if (l2tp_header_decode(b, len, &h) < 0)
		return;
	int ti = h.tunnel_id - 1;
	if (ti < 0 || ti >= ntun)
		return;
	if (l2tp_header_is_control(&h)) {
		struct l2tp_msg m;
		if (l2tp_datagram_decode(b, len, &h, &m, &rx_dc) < 0)
			return;
		on_ctl(ti, &h, &m, &rx_dc);
		return;
	}
	rx_data++;
	uint32_t k = h.session_id - 1;
	if (hold_ip_on && is_ip(b + h.hdr_len, h.payload_len)) {
		double tn = now();
		if (hold_ip_last > 0 && tn - hold_ip_last > hold_ip_gap) {
			hold_ip_gap = tn - hold_ip_last;
			hold_ip_gap_at = tn;
		}
		hold_ip_last = tn;
		hold_ip_back++;
		return;
	}
	if (tun_fd >= 0 && ti == 0 && k == 0 && tun_input(b + h.hdr_len, h.payload_len))
		return;
	if (h.session_id && k < per)
		on_ppp(ti, k, b + h.hdr_len, h.payload_len);
}

static void rx_init(void)
{
	static int inited;
	if (!inited) {
		l2tp_decode_ctx_init(&rx_dc, secret, strlen(secret));
		inited = 1;
	}
}

/* --tun with offloads: the socket has UDP_GRO, so one message may hold
 * many datagrams of gso_size octets (the last shorter). */
static void rx_all_gro(void)
{
	enum { NB = 64, BS = 65536 };
	static uint8_t (*bufs)[BS];
	static char ctl[NB][CMSG_SPACE(sizeof(int))];
	struct mmsghdr mm[NB];
	struct iovec iov[NB];
	if (!bufs && !(bufs = malloc((size_t)NB * BS)))
		die("malloc");
	rx_init();
	for (;;) {
		for (int i = 0; i < NB; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = BS;
			memset(&mm[i].msg_hdr, 0, sizeof(mm[i].msg_hdr));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = ctl[i];
			mm[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		int n = recvmmsg(fd, mm, NB, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			size_t len = mm[i].msg_len, seg = len;
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&mm[i].msg_hdr); c;
			     c = CMSG_NXTHDR(&mm[i].msg_hdr, c))
				if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
					int v;
					memcpy(&v, CMSG_DATA(c), sizeof(v));
					if (v > 0)
						seg = (size_t)v;
				}
			if (seg < len)
				udp_gro_bufs++;
			for (size_t off = 0; off < len; off += seg)
				rx_one(bufs[i] + off, len - off < seg ? len - off : seg);
		}
		gro_flush();
		if (n < NB) /* the queue is empty: no call just to hear EAGAIN */
			break;
	}
	gro_flush();
}

static void rx_all(void)
{
	static uint8_t bufs[64][2048];
	struct mmsghdr mm[64];
	struct iovec iov[64];
	if ((tun_vnet && tun_fd >= 0) || udp_gro_rx) {
		rx_all_gro();
		return;
	}
	rx_init();
	for (;;) {
		for (int i = 0; i < 64; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&mm[i].msg_hdr, 0, sizeof(mm[i].msg_hdr));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(fd, mm, 64, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++)
			rx_one(bufs[i], mm[i].msg_len);
		if (n < 64) /* the queue is empty: no call just to hear EAGAIN */
			return;
	}
}

static void flush_acks(void)
{
	for (int i = 0; i < ntun; i++) {
		struct tun *t = &tuns[i];
		while (t->pend_head != t->pend_tail && win_open(t))
			iccn(i, t->pend[t->pend_head++ % per]);
	}
	for (int i = 0; i < ntun; i++)
		if (tuns[i].need_ack)
			zlb(i);
	tx_flush();
}

/* Start sessions while the in-flight budget and the tunnels' windows allow. */
static void start_more(void)
{
	int progress = 1;
	while (started < target && inflight < (uint32_t)inflight_max && progress) {
		progress = 0;
		for (int i = 0; i < ntun && started < target && inflight < (uint32_t)inflight_max; i++) {
			struct tun *t = &tuns[i];
			if (!t->up || t->next_sess >= per || !win_open(t))
				continue;
			/* keep room in the window for the ICCNs of this tunnel */
			if ((uint16_t)(t->ns - t->peer_nr) >= (t->rws + 1) / 2 && t->rws > 1)
				continue;
			icrq(i, t->next_sess++);
			started++;
			inflight++;
			progress = 1;
		}
	}
}

static void poll_once(int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	tx_flush(); /* what this round made, before waiting for answers */
	poll(&p, 1, ms);
	loop_now = now();
	rx_all();
	flush_acks();
}


/* IP/UDP packet of size octets from a to b (header checksum filled). */
static size_t ip_packet(uint8_t *p, size_t size, uint32_t a, uint32_t b)
{
	memset(p, 0, size);
	p[0] = 0x45; p[2] = size >> 8; p[3] = size; p[8] = 64; p[9] = 17;
	uint32_t na = htonl(a), nb = htonl(b);
	memcpy(p + 12, &na, 4);
	memcpy(p + 16, &nb, 4);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[10] = sum >> 8; p[11] = sum;
	p[20] = 0x30; p[21] = 0x39; p[22] = 0x00; p[23] = 0x09; /* 12345 -> 9 */
	p[24] = (size - 20) >> 8; p[25] = size - 20;
	return size;
}

/* --hold-pps: one 64-octet IP packet over session k of tunnel ti. */
static void hold_send_ip(int ti, uint32_t k)
{
	uint8_t pkt[128];
	struct sess *s = &sess[ti * per + k];
	uint32_t a = s->u.addr ? s->u.addr : pppu_client_addr(ti * per + k);
	int h = l2tp_data_header_encode(pkt, sizeof(pkt), 0, tuns[ti].peer_tid, s->peer_sid, 0, 64 + 4);

	if (h < 0)
		return;
	pkt[h] = 0xff; pkt[h + 1] = 0x03; pkt[h + 2] = 0x00; pkt[h + 3] = 0x21;
	size_t len = h + 4 + ip_packet(pkt + h + 4, 64, a, a);
	(void)!sendto(fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&peer, sizeof(peer));
}

/* Send as fast as possible for secs seconds; count what comes back. */
static void blast(double secs, size_t size, int raw)
{
	static uint8_t pkt[1600];
	static uint8_t rbuf[64][2048];
	struct mmsghdr mm[64], rm[64];
	struct iovec iov[64], riov[64];
	size_t off = 0, len;
	/* the address IPCP agreed on (the LNS may have Nak'ed ours) */
	uint32_t a = !raw && sess && sess[0].u.addr ? sess[0].u.addr : pppu_client_addr(0);
	if (!raw) {
		int h = l2tp_data_header_encode(pkt, sizeof(pkt), 0, tuns[0].peer_tid,
						sess[0].peer_sid, 0, size + 4);
		pkt[h] = 0xff; pkt[h + 1] = 0x03; pkt[h + 2] = 0x00; pkt[h + 3] = 0x21;
		off = h + 4;
	}
	len = off + ip_packet(pkt + off, size, a, a);
	for (int i = 0; i < 64; i++) {
		iov[i].iov_base = pkt;
		iov[i].iov_len = len;
		memset(&mm[i].msg_hdr, 0, sizeof(mm[i].msg_hdr));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &peer;
		mm[i].msg_hdr.msg_namelen = sizeof(peer);
		riov[i].iov_base = rbuf[i];
		riov[i].iov_len = sizeof(rbuf[i]);
	}
	uint64_t sent = 0, back = 0, back_warm = 0;
	double t0 = now(), tw = t0 + 0.5, tend = tw + secs, t, c0 = 0;
	int warm = 1;
	while ((t = now()) < tend) {
		if (warm && t >= tw) {
			warm = 0;
			back_warm = back;
			sent = 0;
			if (bench_nwatch())
				c0 = bench_watched_run_s(0);
		}
		int n = sendmmsg(fd, mm, 16, MSG_DONTWAIT);
		if (n > 0)
			sent += n;
		for (;;) {
			for (int i = 0; i < 64; i++) {
				memset(&rm[i].msg_hdr, 0, sizeof(rm[i].msg_hdr));
				rm[i].msg_hdr.msg_iov = &riov[i];
				rm[i].msg_hdr.msg_iovlen = 1;
			}
			int r = recvmmsg(fd, rm, 64, MSG_DONTWAIT, NULL);
			if (r <= 0)
				break;
			for (int i = 0; i < r; i++)
				if (rm[i].msg_len >= len - off && (raw || !(rbuf[i][0] & 0x80)))
					back++;
		}
	}
	printf("blast_size %zu\nblast_sent_pps %.0f\nblast_back_pps %.0f\nblast_back_bps %.0f\n",
	       size, sent / secs, (back - back_warm) / secs, (back - back_warm) * size * 8.0 / secs);
	if (bench_nwatch() && back > back_warm) /* the forwarding process's CPU per packet back */
		printf("blast_cpu_busy %.3f\nblast_cpu_us_per_pkt %.3f\n",
		       (bench_watched_run_s(0) - c0) / secs,
		       (bench_watched_run_s(0) - c0) * 1e6 / (back - back_warm));
	fflush(stdout);
}

static volatile sig_atomic_t tun_stop; /* SIGTERM: end --tun, print its counters */
static volatile sig_atomic_t hold_stop; /* SIGUSR1: end --hold now, print its counters */

static void on_usr1(int sig)
{
	(void)sig;
	hold_stop = 1;
}

static void on_term(int sig)
{
	(void)sig;
	tun_stop = 1;
}

/* --tun, TUN -> L2TP with offloads: a TSO super-packet cut into its
 * segments, each behind the L2TP + PPP header pre, sent with UDP_SEGMENT
 * (as many datagrams as fit in one 64 KB send). */
static void tun_send_tso(const uint8_t *pkt, size_t len, const struct virtio_net_hdr *vh,
			 const uint8_t *pre, size_t prel)
{
	enum { MAXS = 64 };
	static uint8_t *out;
	static size_t lens[MAXS];
	if (!out && !(out = malloc((size_t)MAXS * 2048)))
		die("malloc");
	if (vh->gso_size > 2048 - 120 - prel)
		return;
	/* back to back, each behind room for pre: one UDP_SEGMENT buffer */
	int n = tcpseg_segment(pkt, len, vh, out, 0, prel, lens, MAXS);
	if (n <= 0)
		return;
	size_t stride = prel + lens[0];
	for (int i = 0; i < n; i++)
		memcpy(out + (size_t)i * stride, pre, prel);
	int per_send = (int)(65000 / stride);
	if (per_send > MAXS)
		per_send = MAXS;
	for (int i = 0; i < n; i += per_send) {
		int k = n - i < per_send ? n - i : per_send;
		size_t bytes = (size_t)(k - 1) * stride + prel + lens[i + k - 1];
		char cb[CMSG_SPACE(sizeof(uint16_t))] = { 0 };
		struct iovec v = { out + (size_t)i * stride, bytes };
		struct msghdr mh = { .msg_iov = &v, .msg_iovlen = 1 };
		if (k > 1) {
			mh.msg_control = cb;
			mh.msg_controllen = sizeof(cb);
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
			uint16_t gs = (uint16_t)stride;
			memcpy(CMSG_DATA(c), &gs, sizeof(gs));
		}
		udp_sends++;
		if (sendmsg(fd, &mh, 0) < 0 && errno != EAGAIN && errno != ENOBUFS)
			die("sendmsg UDP_SEGMENT");
	}
}

/* --tun: session 0 as a kernel interface for secs seconds. Packets read
 * from the TUN go out in batches (sendmmsg), as the LNS's do; with
 * offloads (IFF_VNET_HDR, TSO/CSUM; the default) what comes over L2TP is
 * received with UDP_GRO and coalesced into TCP super-packets (tcpseg.c),
 * and TSO packets from the TUN are segmented and sent with UDP_SEGMENT. */
static void tun_run(const char *name, double secs, int offload)
{
	struct ifreq ifr = { 0 };
	enum { NB = 64, BS = 2048 };
	static uint8_t pk[NB][BS];
	static uint8_t big[TCPSEG_VNET_LEN + TCPSEG_MAX_PKT];
	struct mmsghdr mm[NB];
	struct iovec iov[NB];
	uint64_t up = 0, down0 = rx_data;
	char a[INET_ADDRSTRLEN];
	uint32_t addr = htonl(sess[0].u.addr);
	uint8_t pre[16];
	int prel;

	tun_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tun_fd < 0)
		die("open /dev/net/tun");
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
	g_strlcpy(ifr.ifr_name, name, IFNAMSIZ);
	if (ioctl(tun_fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF");
	if (offload) {
		int one = 1;
		if (ioctl(tun_fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0)
			die("TUNSETOFFLOAD");
		if (setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) < 0)
			die("UDP_GRO");
		gro = malloc(sizeof(*gro));
		if (!gro)
			die("malloc");
		tcpgro_init(gro);
		tun_vnet = 1;
	}
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	printf("tun_ready %s %s offload %d\n", ifr.ifr_name, a, offload);
	fflush(stdout);
	/* the L2TP + PPP header before each packet: 4 of PPP (ff 03 00 21) */
	prel = l2tp_data_header_encode(pre, sizeof(pre), 0, tuns[0].peer_tid, sess[0].peer_sid, 0, 0);
	pre[prel] = 0xff; pre[prel + 1] = 0x03; pre[prel + 2] = 0x00; pre[prel + 3] = 0x21;
	prel += 4;
	double t0 = now(), end = t0 + secs, cpu0 = self_cpu_s();
	signal(SIGTERM, on_term);
	while (!tun_stop && now() < end) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = tun_fd, .events = POLLIN } };
		poll(p, 2, 100);
		loop_now = now();
		rx_all();
		int n = 0;
		for (int reads = 0; n < NB && reads < NB; reads++) {
			ssize_t r;
			if (tun_vnet) {
				struct virtio_net_hdr vh;
				r = read(tun_fd, big, sizeof(big));
				if (r < (ssize_t)TCPSEG_VNET_LEN)
					break;
				tun_reads++;
				memcpy(&vh, big, sizeof(vh));
				uint8_t *ip = big + TCPSEG_VNET_LEN;
				r -= TCPSEG_VNET_LEN;
				if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
					/* keep the order: what is batched goes first */
					for (int off = 0; off < n;) {
						int k = sendmmsg(fd, mm + off, n - off, 0);
						if (k <= 0)
							break;
						off += k;
					}
					up += n;
					n = 0;
					tun_tso_reads++;
					tun_send_tso(ip, (size_t)r, &vh, pre, (size_t)prel);
					up++;
					continue;
				}
				if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
				    tcpseg_complete_csum(ip, (size_t)r, &vh) < 0)
					continue;
				if ((size_t)r + (size_t)prel > BS)
					continue;
				memcpy(pk[n] + prel, ip, (size_t)r);
			} else {
				r = read(tun_fd, pk[n] + prel, BS - (size_t)prel);
				if (r <= 0)
					break;
				tun_reads++;
			}
			memcpy(pk[n], pre, (size_t)prel);
			iov[n].iov_base = pk[n];
			iov[n].iov_len = (size_t)prel + (size_t)r;
			memset(&mm[n].msg_hdr, 0, sizeof(mm[n].msg_hdr));
			mm[n].msg_hdr.msg_iov = &iov[n];
			mm[n].msg_hdr.msg_iovlen = 1;
			n++;
		}
		for (int off = 0; off < n;) {
			int k = sendmmsg(fd, mm + off, n - off, 0);
			if (k <= 0)
				break;
			off += k;
			udp_sends++;
		}
		up += n;
		retransmit(loop_now);
		flush_acks();
	}
	printf("tun_packets_up %lu down %lu\n", (unsigned long)up,
	       (unsigned long)(rx_data - down0));
	printf("tun_writes %lu packets %lu udp_gro_buffers %lu coalesced %lu\n",
	       (unsigned long)tun_writes, (unsigned long)tun_wpkts, (unsigned long)udp_gro_bufs,
	       (unsigned long)(gro ? gro->merged : 0));
	printf("tun_reads %lu tso %lu udp_sends %lu\n", (unsigned long)tun_reads,
	       (unsigned long)tun_tso_reads, (unsigned long)udp_sends);
	/* is loadgen the limit? (its core's busy share) */
	printf("tun_cpu_s %.3f wall_s %.3f\n", self_cpu_s() - cpu0, now() - t0);
	close(tun_fd);
	tun_fd = -1;
	tun_vnet = 0;
	free(gro);
	gro = NULL;
}

/* --trace: every PPP state change of every user, on stderr. */
static void trace(const struct pppu *u, const char *layer, const char *ev, const char *from,
		  const char *to)
{
	const struct sess *s = (const struct sess *)((const char *)u - offsetof(struct sess, u));
	fprintf(stderr, "loadgen: session %td %s: %s from %s to %s\n", s - sess, layer, ev,
		from, to);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: loadgen --peer IP:PORT [--tunnels T] [--per-tunnel N] [--ppp]\n"
		"               [--phase N]... [--inflight K] [--watch PID]... [--hold S [--hold-pps N]]\n"
		"               [--blast S --size N]... [--raw] [--timeout S] [--secret S]\n"
		"               [--ignore-cdn] [--pause S] [--trace] [--tun NAME --tun-seconds S]\n"
		"               [--tun-offload 0|1] [--udp-gro 0|1]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t phases[16];
	int nphase = 0, raw = 0;
	double hold = 0, hold_pps = 0, timeout = 300, blast_s = 0, pause_s = 0, tun_s = 0;
	const char *tun_name = NULL;
	int tun_offload = 1, udp_gro = 1;
	size_t sizes[8];
	int nsizes = 0;
	char *peerstr = NULL;
	per = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--ppp")) { ppp_mode = 1; continue; }
		if (!strcmp(a, "--trace")) { pppu_trace = trace; continue; }
		if (!strcmp(a, "--raw")) { raw = 1; continue; }
		if (!strcmp(a, "--ignore-cdn")) { ignore_cdn = 1; continue; }
		if (!v) usage();
		i++;
		if (!strcmp(a, "--peer")) peerstr = (char *)v;
		else if (!strcmp(a, "--tunnels")) ntun = atoi(v);
		else if (!strcmp(a, "--per-tunnel")) per = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--phase") && nphase < 16) phases[nphase++] = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--inflight")) inflight_max = atoi(v);
		else if (!strcmp(a, "--watch")) (void)bench_watch(atoi(v));
		else if (!strcmp(a, "--hold")) hold = atof(v);
		else if (!strcmp(a, "--hold-pps")) hold_pps = atof(v);
		else if (!strcmp(a, "--pause")) pause_s = atof(v);
		else if (!strcmp(a, "--blast")) blast_s = atof(v);
		else if (!strcmp(a, "--size") && nsizes < 8) sizes[nsizes++] = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--timeout")) timeout = atof(v);
		else if (!strcmp(a, "--secret")) secret = v;
		else if (!strcmp(a, "--tun")) tun_name = v;
		else if (!strcmp(a, "--tun-seconds")) tun_s = atof(v);
		else if (!strcmp(a, "--tun-offload")) tun_offload = atoi(v);
		else if (!strcmp(a, "--udp-gro")) udp_gro = atoi(v);
		else usage();
	}
	if (!peerstr || ntun < 1 || ntun > MAXT)
		usage();
	char host[64];
	int port = 1701;
	if (sscanf(peerstr, "%63[^:]:%d", host, &port) < 1)
		usage();
	peer.sin_family = AF_INET;
	peer.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &peer.sin_addr) != 1)
		usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	int big = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) < 0)
		die("connect");
	if (udp_gro && !raw && !nsizes && !tun_name) {
		int one = 1;
		if (setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0)
			udp_gro_rx = 1;
		else
			fprintf(stderr, "loadgen: UDP_GRO refused (%s): one datagram a read\n",
				strerror(errno));
	}

	t_base = loop_now = now();
	double deadline = now() + timeout;
	if (raw) {
		for (int i = 0; i < nsizes; i++)
			blast(blast_s, sizes[i], 1);
		return 0;
	}
	uint32_t total = 0;
	for (int i = 0; i < nphase; i++)
		total += phases[i];
	if (!per)
		per = (total + ntun - 1) / ntun;
	if (per == 0)
		per = 1;
	if (per > 65535 || (uint64_t)per * ntun < total) {
		fprintf(stderr, "loadgen: too many sessions for %d tunnels\n", ntun);
		return 2;
	}
	sess = calloc((size_t)ntun * per, sizeof(*sess));
	for (int i = 0; i < ntun; i++)
		tuns[i].copy = calloc(WIN, 512);
	for (int i = 0; i < ntun; i++)
		tuns[i].pend = calloc(per, sizeof(uint32_t));
	bench_print_watch("none");

	/* tunnels */
	double t0 = now();
	for (int i = 0; i < ntun; i++)
		sccrq(i);
	for (;;) {
		int up = 0;
		for (int i = 0; i < ntun; i++)
			up += tuns[i].up;
		if (up == ntun)
			break;
		if (now() > deadline) {
			fprintf(stderr, "loadgen: tunnels not up in time (%d/%d)\n", up, ntun);
			return 1;
		}
		poll_once(50);
		retransmit(loop_now);
	}
	printf("tunnels_up %d %.4f\n", ntun, now() - t0);
	fflush(stdout);

	for (int ph = 0; ph < nphase; ph++) {
		target += phases[ph];
		uint32_t done0 = done;
		double ts = now(), c0[8], self0 = self_cpu_s();
		for (int i = 0; i < bench_nwatch(); i++)
			c0[i] = bench_watched_run_s(i);
		while (done < target) {
			start_more();
			poll_once(10);
			double tn = loop_now;
			retransmit(tn);
			static double lastdbg;
			if (getenv("LOADGEN_DEBUG") && tn - lastdbg > 0.5) {
				lastdbg = tn;
				fprintf(stderr, "dbg started %u done %u inflight %u ns %u peer_nr %u nr %u pend %u rws %u\n",
					started, done, inflight, tuns[0].ns, tuns[0].peer_nr, tuns[0].nr,
					tuns[0].pend_tail - tuns[0].pend_head, tuns[0].rws);
			}
			if (tn > deadline) {
				fprintf(stderr, "loadgen: timeout in phase %d (%u/%u up)\n", ph, done, target);
				printf("phase %d timeout %u\n", ph, done);
				return 1;
			}
		}
		double dt = now() - ts, self_dt = self_cpu_s() - self0;
		/* loadgen's own CPU over the phase, per session brought up */
		printf("loadgen_cpu %d seconds %.4f us_per_session %.2f\n", ph, self_dt,
		       self_dt * 1e6 / (done - done0 ? done - done0 : 1));
		for (int i = 0; i < bench_nwatch(); i++) /* CPU of the watched process per session */
			printf("phase_cpu %d %d seconds %.4f us_per_session %.2f\n", ph, i,
			       bench_watched_run_s(i) - c0[i],
			       (bench_watched_run_s(i) - c0[i]) * 1e6 / (done - done0 ? done - done0 : 1));
		/* let the LNS acknowledge the last ICCNs before measuring it */
		double settle = now() + 0.5;
		while (now() < settle)
			poll_once(20);
		bench_print_phase(ph, done - done0, done, dt);
		/* --pause: idle time after each phase's line (still acking), so
		 * that a profiler can be told where one phase ends (callgrind_control
		 * -d) before the next begins; not part of any rate. */
		double pend = now() + pause_s;
		while (now() < pend)
			poll_once(20);
	}
	if (hold > 0) {
		struct bench_hold bh;
		bench_hold_start(&bh);
		uint64_t e0 = pppu_echo_replies, hl0 = hellos, ip_sent = 0;
		uint32_t rr = 0, nsess = (uint32_t)ntun * per;
		hold_ip_on = hold_pps > 0;
		signal(SIGUSR1, on_usr1);
		while (!hold_stop && now() - bh.t0 < hold) {
			poll_once(hold_pps > 0 ? 1 : 100);
			retransmit(loop_now);
			/* --hold-pps: one IP packet a session in turn, each to its
			 * own address (the LNS's TUN routes it back). */
			while (hold_pps > 0 && ip_sent < (now() - bh.t0) * hold_pps && nsess) {
				for (uint32_t tries = 0; tries < nsess; tries++, rr = (rr + 1) % nsess)
					if (sess[rr].state == S_UP)
						break;
				if (sess[rr].state != S_UP)
					break;
				hold_send_ip(rr / per, rr % per);
				rr = (rr + 1) % nsess;
				ip_sent++;
			}
		}
		hold_ip_on = 0;
		double ht = bench_hold_end(&bh);
		printf("hold_seconds %.1f echo_replies %lu hellos %lu\n", ht,
		       (unsigned long)(pppu_echo_replies - e0), (unsigned long)(hellos - hl0));
		if (hold_pps > 0)
			printf("hold_ip_sent %lu back %lu max_gap_ms %.1f at %.3f\n",
			       (unsigned long)ip_sent, (unsigned long)hold_ip_back, hold_ip_gap * 1e3,
			       hold_ip_gap_at - bh.t0);
		if (ppp_downs)
			printf("ppp_ipcp_downs %lu\n", (unsigned long)ppp_downs);
		bench_print_watch("held");
	}
	if (cdns)
		printf("cdn_received %lu\n", (unsigned long)cdns);
	tx_flush();
	if (blast_s > 0 && ppp_mode && done > 0)
		for (int i = 0; i < nsizes; i++)
			blast(blast_s, sizes[i], 0);
	if (tun_name && tun_s > 0 && ppp_mode && done > 0)
		tun_run(tun_name, tun_s, tun_offload);
	tx_flush();
	return 0;
}
