/* SPDX-License-Identifier: MIT */
/* The RFC 1661 automaton: every (state, event) cell, timers, counters. */
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "fsm.h"
#include "vpdn_test.h"

/* RFC 1661 §4.1 transcribed independently of fsm.c, as text. */
static const char *const rfc_table[FSM__EVENT_COUNT][FSM__STATE_COUNT] = {
	/*           0          1            2            3                4          5          6            7            8            9 */
	/* Up   */ { "2",       "irc,scr/6", "-",         "-",             "-",       "-",       "-",         "-",         "-",         "-" },
	/* Down */ { "-",       "-",         "0",         "tls/1",         "0",       "1",       "1",         "1",         "1",         "tld/1" },
	/* Open */ { "tls/1",   "1",         "irc,scr/6", "3",             "5",       "5",       "6",         "7",         "8",         "9" },
	/* Close*/ { "0",       "tlf/0",     "2",         "2",             "4",       "4",       "irc,str/4", "irc,str/4", "irc,str/4", "tld,irc,str/4" },
	/* TO+  */ { "-",       "-",         "-",         "-",             "str/4",   "str/5",   "scr/6",     "scr/6",     "scr/8",     "-" },
	/* TO-  */ { "-",       "-",         "-",         "-",             "tlf/2",   "tlf/3",   "tlf/3",     "tlf/3",     "tlf/3",     "-" },
	/* RCR+ */ { "-",       "-",         "sta/2",     "irc,scr,sca/8", "4",       "5",       "sca/8",     "sca,tlu/9", "sca/8",     "tld,scr,sca/8" },
	/* RCR- */ { "-",       "-",         "sta/2",     "irc,scr,scn/6", "4",       "5",       "scn/6",     "scn/7",     "scn/6",     "tld,scr,scn/6" },
	/* RCA  */ { "-",       "-",         "sta/2",     "sta/3",         "4",       "5",       "irc/7",     "scr/6",     "irc,tlu/9", "tld,scr/6" },
	/* RCN  */ { "-",       "-",         "sta/2",     "sta/3",         "4",       "5",       "irc,scr/6", "scr/6",     "irc,scr/8", "tld,scr/6" },
	/* RTR  */ { "-",       "-",         "sta/2",     "sta/3",         "sta/4",   "sta/5",   "sta/6",     "sta/6",     "sta/6",     "tld,zrc,sta/5" },
	/* RTA  */ { "-",       "-",         "2",         "3",             "tlf/2",   "tlf/3",   "6",         "6",         "8",         "tld,scr/6" },
	/* RUC  */ { "-",       "-",         "scj/2",     "scj/3",         "scj/4",   "scj/5",   "scj/6",     "scj/7",     "scj/8",     "scj/9" },
	/* RXJ+ */ { "-",       "-",         "2",         "3",             "4",       "5",       "6",         "6",         "8",         "9" },
	/* RXJ- */ { "-",       "-",         "tlf/2",     "tlf/3",         "tlf/2",   "tlf/3",   "tlf/3",     "tlf/3",     "tlf/3",     "tld,irc,str/5" },
	/* RXR  */ { "-",       "-",         "2",         "3",             "4",       "5",       "6",         "7",         "8",         "ser/9" },
};

static uint16_t parse_actions(const char *cell, int *next)
{
	static const struct { const char *n; uint16_t a; } names[] = {
		{ "tlu", FSM_A_TLU }, { "tld", FSM_A_TLD }, { "tls", FSM_A_TLS },
		{ "tlf", FSM_A_TLF }, { "irc", FSM_A_IRC }, { "zrc", FSM_A_ZRC },
		{ "scr", FSM_A_SCR }, { "sca", FSM_A_SCA }, { "scn", FSM_A_SCN },
		{ "str", FSM_A_STR }, { "sta", FSM_A_STA }, { "scj", FSM_A_SCJ },
		{ "ser", FSM_A_SER },
	};
	uint16_t a = 0;
	if (!strcmp(cell, "-")) {
		*next = -1;
		return 0;
	}
	const char *slash = strchr(cell, '/');
	const char *p = cell;
	if (slash) {
		while (p < slash) {
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (!strncmp(p, names[i].n, 3))
					a |= names[i].a;
			p += 4;
		}
		*next = slash[1] - '0';
	} else {
		*next = cell[0] - '0';
	}
	return a;
}

/* A recording protocol. */
static struct {
	uint16_t seen;       /* observed actions */
	int sent_codes[8];
	int n_sent;
	int rcr_verdict;
	bool last_nak_ok;
	int rcn_ret;
} rec;

static void r_reset(struct ppp_fsm *f) {}
static size_t r_build(struct ppp_fsm *f, uint8_t *b, size_t n)
{
	b[0] = 5; b[1] = 6; b[2] = 1; b[3] = 2; b[4] = 3; b[5] = 4;
	return 6;
}
static int r_rcr(struct ppp_fsm *f, const uint8_t *o, size_t l, uint8_t *out,
		 size_t os, size_t *ol, bool nak_ok)
{
	rec.last_nak_ok = nak_ok;
	*ol = 0;
	return rec.rcr_verdict;
}
static int r_rcn(struct ppp_fsm *f, int code, const uint8_t *o, size_t l) { return rec.rcn_ret; }
static void r_tlu(struct ppp_fsm *f) { rec.seen |= FSM_A_TLU; }
static void r_tld(struct ppp_fsm *f) { rec.seen |= FSM_A_TLD; }
static void r_tls(struct ppp_fsm *f) { rec.seen |= FSM_A_TLS; }
static void r_tlf(struct ppp_fsm *f) { rec.seen |= FSM_A_TLF; }
static void r_ser(struct ppp_fsm *f, uint8_t c, uint8_t id, const uint8_t *d, size_t l)
{
	rec.seen |= FSM_A_SER;
}
static void r_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	static const uint16_t code_action[] = {
		[PPP_CONFREQ] = FSM_A_SCR, [PPP_CONFACK] = FSM_A_SCA,
		[PPP_CONFNAK] = FSM_A_SCN, [PPP_CONFREJ] = FSM_A_SCN,
		[PPP_TERMREQ] = FSM_A_STR, [PPP_TERMACK] = FSM_A_STA,
		[PPP_CODEREJ] = FSM_A_SCJ,
	};
	CU_ASSERT_FATAL(len >= 4);
	if (pkt[0] < sizeof(code_action) / sizeof(code_action[0]))
		rec.seen |= code_action[pkt[0]];
	if (rec.n_sent < 8)
		rec.sent_codes[rec.n_sent++] = pkt[0];
}

static const struct ppp_fsm_ops rec_ops = {
	.name = "TEST", .protocol = 0xC021, .reset = r_reset, .build_cr = r_build,
	.rcr = r_rcr, .rcn = r_rcn, .tlu = r_tlu, .tld = r_tld, .tls = r_tls,
	.tlf = r_tlf, .ser = r_ser, .send = r_send,
};

static struct vpdn_core *core;

static int setup(void)
{
	core = vpdn_core_new_test();
	return core ? 0 : 1;
}

static int teardown(void)
{
	vpdn_core_free_test(core);
	return 0;
}

static const char *test_ifname(const void *ctx)
{
	return "T0";
}

static struct ppp_fsm_env env;

static void init_fsm(struct ppp_fsm *f)
{
	env = (struct ppp_fsm_env){
		.timers = vpdn_core_timers(core),
		.log = vpdn_core_log(core),
		.ifname = test_ifname,
	};
	ppp_fsm_init(f, &rec_ops, NULL, &env);
	memset(&rec, 0, sizeof(rec));
}

static void test_every_cell(void)
{
	int cells = 0;
	for (int ev = 0; ev < FSM__EVENT_COUNT; ev++) {
		for (int st = 0; st < FSM__STATE_COUNT; st++) {
			int want_next;
			uint16_t want = parse_actions(rfc_table[ev][st], &want_next);
			struct ppp_fsm f;
			init_fsm(&f);
			f.state = (uint8_t)st;
			ppp_fsm_negotiation(&f)->restart = 1;
			f.max_configure = 7;
			f.max_terminate = 4;
			ppp_fsm_event(&f, (enum ppp_fsm_event)ev);
			/* The table itself. */
			uint16_t act;
			enum ppp_fsm_state next;
			bool possible = ppp_fsm_cell(st, ev, &act, &next);
			CU_ASSERT_EQUAL(possible, want_next >= 0);
			if (want_next < 0) {
				CU_ASSERT_EQUAL(f.state, st);
				CU_ASSERT_EQUAL(rec.seen, 0);
				ppp_fsm_fini(&f);
				cells++;
				continue;
			}
			CU_ASSERT_EQUAL(act, want);
			CU_ASSERT_EQUAL(next, want_next);
			/* What actually happened. */
			if (f.state != want_next || (rec.seen | (want & (FSM_A_IRC | FSM_A_ZRC))) != want)
				fprintf(stderr, "cell %s/%s: state %s seen 0x%x want %s\n",
					ppp_fsm_event_name(ev), ppp_fsm_state_name(st),
					ppp_fsm_state_name(f.state), rec.seen, rfc_table[ev][st]);
			CU_ASSERT_EQUAL(f.state, want_next);
			CU_ASSERT_EQUAL(rec.seen, want & ~(FSM_A_IRC | FSM_A_ZRC));
			CU_ASSERT_EQUAL(f.last_actions, want);
			/* irc/zrc show in the restart counter (scr/str spend one);
			 * irc into Opened (Ack-Sent + RCA) leaves no counter. */
			if ((want & FSM_A_IRC) && want_next != FSM_OPENED) {
				int spent = (want & (FSM_A_SCR | FSM_A_STR)) ? 1 : 0;
				int max = (want & FSM_A_STR) ? 4 : 7;
				CU_ASSERT_PTR_NOT_NULL_FATAL(f.neg);
				CU_ASSERT_EQUAL(f.neg->restart, max - spent);
			}
			if (want & FSM_A_ZRC) {
				CU_ASSERT_PTR_NOT_NULL_FATAL(f.neg);
				CU_ASSERT_EQUAL(f.neg->restart, 0);
				CU_ASSERT_TRUE(vpdn_timer_armed(&f.neg->timer));
			}
			/* The negotiation's block only where a timer runs. */
			CU_ASSERT_EQUAL(f.neg != NULL, f.state == FSM_CLOSING ||
				f.state == FSM_STOPPING || f.state == FSM_REQSENT ||
				f.state == FSM_ACKRCVD || f.state == FSM_ACKSENT);
			ppp_fsm_fini(&f);
			cells++;
		}
	}
	CU_ASSERT_EQUAL(cells, 160);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(ppp_fsm_state_name(FSM_REQSENT), "Req-Sent");
	CU_ASSERT_STRING_EQUAL(ppp_fsm_state_ios(FSM_STOPPED), "Listen");
	CU_ASSERT_STRING_EQUAL(ppp_fsm_state_ios(FSM_ACKSENT), "ACKsent");
	CU_ASSERT_STRING_EQUAL(ppp_fsm_state_ios(FSM_OPENED), "Open");
	CU_ASSERT_STRING_EQUAL(ppp_fsm_event_name(FSM_EV_RXJ_MINUS), "RXJ-");
	CU_ASSERT_STRING_EQUAL(ppp_code_name(PPP_CONFREJ), "CONFREJ");
	CU_ASSERT_STRING_EQUAL(ppp_code_name(200), "UNKNOWN");
}

/* Max-Configure Configure-Requests, then TO- and This-Layer-Finished. */
static void test_restart_timer(void)
{
	struct ppp_fsm f;
	init_fsm(&f);
	f.max_configure = 10;
	ppp_fsm_up(&f);
	ppp_fsm_open(&f);
	CU_ASSERT_EQUAL(f.state, FSM_REQSENT);
	CU_ASSERT_EQUAL(rec.n_sent, 1);
	int confreqs = 1;
	for (int i = 0; i < 20 && f.state == FSM_REQSENT; i++) {
		rec.n_sent = 0;
		vpdn_timers_advance(vpdn_core_timers(core), 2999);
		CU_ASSERT_EQUAL(rec.n_sent, 0);
		vpdn_timers_advance(vpdn_core_timers(core), 1);
		confreqs += rec.n_sent;
	}
	CU_ASSERT_EQUAL(confreqs, 10);
	CU_ASSERT_EQUAL(f.state, FSM_STOPPED);
	CU_ASSERT_TRUE(rec.seen & FSM_A_TLF);
	CU_ASSERT_PTR_NULL(f.neg);     /* no timer left: the block went with it */
	ppp_fsm_fini(&f);
}

/* Max-Terminate Terminate-Requests on close. */
static void test_terminate(void)
{
	struct ppp_fsm f;
	init_fsm(&f);
	f.state = FSM_OPENED;
	ppp_fsm_close(&f);
	CU_ASSERT_EQUAL(f.state, FSM_CLOSING);
	CU_ASSERT_EQUAL(rec.sent_codes[0], PPP_TERMREQ);
	vpdn_timers_advance(vpdn_core_timers(core), 3000);
	CU_ASSERT_EQUAL(rec.n_sent, 2);
	CU_ASSERT_EQUAL(f.state, FSM_CLOSING);
	vpdn_timers_advance(vpdn_core_timers(core), 3000);
	CU_ASSERT_EQUAL(f.state, FSM_CLOSED);
	CU_ASSERT_TRUE(rec.seen & FSM_A_TLF);
	CU_ASSERT_EQUAL(rec.n_sent, 2);
	ppp_fsm_fini(&f);
}

static void input(struct ppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *opts, size_t n)
{
	uint8_t pkt[64];
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = 0;
	pkt[3] = (uint8_t)(n + 4);
	if (n)
		memcpy(pkt + 4, opts, n);
	ppp_fsm_input(f, pkt, n + 4);
}

/* After Max-Failure Naks the protocol is told to Reject instead. */
static void test_max_failure(void)
{
	struct ppp_fsm f;
	static const uint8_t opt[] = { 5, 6, 0, 0, 0, 0 };
	init_fsm(&f);
	f.max_failure = 5;
	f.state = FSM_REQSENT;
	rec.rcr_verdict = PPP_CONFNAK;
	for (int i = 0; i < 5; i++) {
		input(&f, PPP_CONFREQ, (uint8_t)i, opt, sizeof(opt));
		CU_ASSERT_TRUE(rec.last_nak_ok);
	}
	CU_ASSERT_EQUAL(f.naks_sent, 5);
	input(&f, PPP_CONFREQ, 9, opt, sizeof(opt));
	CU_ASSERT_FALSE(rec.last_nak_ok);
	/* An Ack sent resets the count. */
	rec.rcr_verdict = PPP_CONFACK;
	input(&f, PPP_CONFREQ, 10, opt, sizeof(opt));
	CU_ASSERT_EQUAL(f.naks_sent, 0);
	CU_ASSERT_EQUAL(f.state, FSM_ACKSENT);
	ppp_fsm_fini(&f);
}

static void test_malformed_and_ids(void)
{
	struct ppp_fsm f;
	init_fsm(&f);
	ppp_fsm_up(&f);
	ppp_fsm_open(&f);
	uint8_t our_id = f.reqid;
	static const uint8_t short_pkt[3] = { 1, 1, 0 };
	ppp_fsm_input(&f, short_pkt, 3);
	CU_ASSERT_EQUAL(f.malformed, 1);
	static const uint8_t badlen[6] = { 1, 1, 0, 40, 1, 2 };
	ppp_fsm_input(&f, badlen, 6);
	CU_ASSERT_EQUAL(f.malformed, 2);
	/* A truncated option (length past the end) and a zero-length one. */
	static const uint8_t trunc[] = { 1, 4, 0, 10, 5, 6, 0, 0, 0, 0 };
	ppp_fsm_input(&f, trunc, 8);   /* Length 10 > 8 available */
	CU_ASSERT_EQUAL(f.malformed, 3);
	static const uint8_t zero_opt[] = { 2, 0, 1, 2 };
	input(&f, PPP_CONFREQ, 4, zero_opt, sizeof(zero_opt));
	CU_ASSERT_EQUAL(f.malformed, 4);
	CU_ASSERT_EQUAL(f.state, FSM_REQSENT);
	/* Ack with a wrong id: ignored. */
	static const uint8_t ours[] = { 5, 6, 1, 2, 3, 4 };
	input(&f, PPP_CONFACK, (uint8_t)(our_id + 1), ours, sizeof(ours));
	CU_ASSERT_EQUAL(f.state, FSM_REQSENT);
	CU_ASSERT_EQUAL(f.ignored, 1);
	/* Ack with different options: dropped. */
	static const uint8_t other[] = { 5, 6, 1, 2, 3, 5 };
	input(&f, PPP_CONFACK, our_id, other, sizeof(other));
	CU_ASSERT_EQUAL(f.state, FSM_REQSENT);
	input(&f, PPP_CONFACK, our_id, ours, sizeof(ours));
	CU_ASSERT_EQUAL(f.state, FSM_ACKRCVD);
	/* Unknown code: Code-Reject, state unchanged. */
	rec.n_sent = 0;
	input(&f, 42, 1, NULL, 0);
	CU_ASSERT_EQUAL(rec.n_sent, 1);
	CU_ASSERT_EQUAL(rec.sent_codes[0], PPP_CODEREJ);
	CU_ASSERT_EQUAL(f.state, FSM_ACKRCVD);
	/* Code-Reject of Configure-Request: catastrophic (RXJ-). */
	static const uint8_t rej[] = { 1, 1, 0, 4 };
	input(&f, PPP_CODEREJ, 3, rej, sizeof(rej));
	CU_ASSERT_EQUAL(f.state, FSM_STOPPED);
	CU_ASSERT_TRUE(rec.seen & FSM_A_TLF);
	ppp_fsm_fini(&f);
}

/* A peer that Naks forever: the layer gives up after Max-Configure Naks. */
static void test_nak_loop_closes(void)
{
	struct ppp_fsm f;
	init_fsm(&f);
	ppp_fsm_up(&f);
	ppp_fsm_open(&f);
	static const uint8_t nak[] = { 5, 6, 9, 9, 9, 9 };
	for (int i = 0; i < 30 && f.state == FSM_REQSENT; i++)
		input(&f, PPP_CONFNAK, f.reqid, nak, sizeof(nak));
	CU_ASSERT_EQUAL(f.state, FSM_CLOSING);
	CU_ASSERT_TRUE(f.naks_rcvd > f.max_configure);
	/* rcn refusing agreement closes at once. */
	struct ppp_fsm g;
	init_fsm(&g);
	rec.rcn_ret = -1;
	ppp_fsm_up(&g);
	ppp_fsm_open(&g);
	input(&g, PPP_CONFREJ, g.reqid, nak, sizeof(nak));
	CU_ASSERT_EQUAL(g.state, FSM_CLOSING);
	ppp_fsm_fini(&f);
	ppp_fsm_fini(&g);
}

static void test_listen_and_force(void)
{
	struct ppp_fsm f;
	init_fsm(&f);
	ppp_fsm_up(&f);
	ppp_fsm_listen(&f);
	CU_ASSERT_EQUAL(f.state, FSM_STOPPED);
	CU_ASSERT_EQUAL(rec.n_sent, 0);
	static const uint8_t sent[] = { 5, 6, 1, 2, 3, 4 };
	ppp_fsm_force_open(&f, sent, sizeof(sent));
	CU_ASSERT_EQUAL(f.state, FSM_OPENED);
	CU_ASSERT_TRUE(rec.seen & FSM_A_TLU);
	CU_ASSERT_PTR_NULL(f.neg);     /* nothing kept at the LNS */
	CU_ASSERT_EQUAL(rec.n_sent, 0);
	ppp_fsm_fini(&f);
	/* A layer that keeps its last request (the LAC's LCP) has it. */
	init_fsm(&f);
	f.keep_last_request = true;
	ppp_fsm_up(&f);
	ppp_fsm_listen(&f);
	ppp_fsm_force_open(&f, sent, sizeof(sent));
	size_t len;
	const uint8_t *kept = ppp_fsm_last_request(&f, &len);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(sent));
	CU_ASSERT_EQUAL(memcmp(kept, sent, len), 0);
	CU_ASSERT_FALSE(vpdn_timer_armed(&f.neg->timer));
	ppp_fsm_fini(&f);
	init_fsm(&f);
	ppp_fsm_up(&f);
	ppp_fsm_listen(&f);
	ppp_fsm_open_active(&f);
	CU_ASSERT_EQUAL(f.state, FSM_REQSENT);
	CU_ASSERT_EQUAL(rec.sent_codes[0], PPP_CONFREQ);
	ppp_fsm_fini(&f);
}

/* The negotiation block (#19): gone at Opened, a fresh one when the peer
 * renegotiates, a duplicate Ack in Opened ignored, kept for the LAC. */
static void test_negotiation_block(void)
{
	static const uint8_t ours[] = { 5, 6, 1, 2, 3, 4 };
	struct ppp_fsm f;
	size_t len;

	init_fsm(&f);
	f.max_configure = 7;
	ppp_fsm_up(&f);
	ppp_fsm_open(&f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.neg);
	CU_ASSERT_EQUAL(f.neg->restart, 6);
	CU_ASSERT_TRUE(vpdn_timer_armed(&f.neg->timer));
	CU_ASSERT_PTR_NOT_NULL(ppp_fsm_last_request(&f, &len));
	CU_ASSERT_EQUAL(len, sizeof(ours));
	rec.rcr_verdict = PPP_CONFACK;
	input(&f, PPP_CONFREQ, 9, NULL, 0);
	uint8_t id = f.reqid;
	input(&f, PPP_CONFACK, id, ours, sizeof(ours));
	CU_ASSERT_EQUAL(f.state, FSM_OPENED);
	CU_ASSERT_PTR_NULL(f.neg);
	CU_ASSERT_PTR_NULL(ppp_fsm_last_request(&f, &len));
	CU_ASSERT_EQUAL(len, 0);
	/* The same Ack again: nothing of ours waits, ignored, still Opened. */
	uint32_t ignored = f.ignored;
	rec.seen = 0;
	input(&f, PPP_CONFACK, id, ours, sizeof(ours));
	CU_ASSERT_EQUAL(f.state, FSM_OPENED);
	CU_ASSERT_EQUAL(f.ignored, ignored + 1);
	CU_ASSERT_EQUAL(rec.seen, 0);
	/* The peer renegotiates: tld, scr, sca with a fresh block. */
	input(&f, PPP_CONFREQ, 10, NULL, 0);
	CU_ASSERT_EQUAL(f.state, FSM_ACKSENT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.neg);
	CU_ASSERT_EQUAL(f.neg->restart, 6);    /* Max-Configure, one spent */
	CU_ASSERT_TRUE(vpdn_timer_armed(&f.neg->timer));
	input(&f, PPP_CONFACK, f.reqid, ours, sizeof(ours));
	CU_ASSERT_EQUAL(f.state, FSM_OPENED);
	CU_ASSERT_PTR_NULL(f.neg);
	ppp_fsm_fini(&f);
	/* keep_last_request: the block stays in Opened, its timer stopped. */
	init_fsm(&f);
	f.keep_last_request = true;
	rec.rcr_verdict = PPP_CONFACK;     /* init_fsm cleared it */
	ppp_fsm_up(&f);
	ppp_fsm_open(&f);
	input(&f, PPP_CONFREQ, 9, NULL, 0);
	input(&f, PPP_CONFACK, f.reqid, ours, sizeof(ours));
	CU_ASSERT_EQUAL(f.state, FSM_OPENED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.neg);
	CU_ASSERT_FALSE(vpdn_timer_armed(&f.neg->timer));
	const uint8_t *kept = ppp_fsm_last_request(&f, &len);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(ours));
	CU_ASSERT_EQUAL(memcmp(kept, ours, len), 0);
	ppp_fsm_fini(&f);
	CU_ASSERT_PTR_NULL(f.neg);
	rec.rcr_verdict = 0;
}

static const struct vpdn_test_case fsm_tests[] = {
	{ "every (state, event) cell of RFC 1661 4.1", test_every_cell },
	{ "names", test_names },
	{ "restart timer and Max-Configure", test_restart_timer },
	{ "Max-Terminate", test_terminate },
	{ "Max-Failure turns Naks into Rejects", test_max_failure },
	{ "malformed packets, ids, Code-Reject", test_malformed_and_ids },
	{ "Nak loop closes the layer", test_nak_loop_closes },
	{ "passive open, forced open, active from listen", test_listen_and_force },
	{ "the negotiation's block: freed at Opened, fresh on renegotiation",
	  test_negotiation_block },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ppp-fsm", fsm_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
