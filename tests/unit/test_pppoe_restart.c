/* SPDX-License-Identifier: MIT */
/*
 * modules/pppoe restart in place (pppoe-state.c): an access
 * concentrator's open session saved, the module freed, a new one
 * restores it (same ID, peer, name, call id) and offers its link as
 * carrier/PPPoE1; frames go out on the session socket; another version
 * is refused; a link nobody takes back ends with a PADT, counted; a
 * descriptor handed over that is not the packet socket named is closed.
 * The port's sockets are socketpairs standing in for AF_PACKET.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/restart.h>

#include "pppoe-module.h"
#include "restart-state.h"
#include "vpdn_test.h"

static const uint8_t ac_mac[6] = { 0x02, 0, 0, 0, 0, 0xac };
static const uint8_t cl_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static struct vpdn_core *core;
static int disc_peer = -1, sess_peer = -1;
static struct vpdn_link *in_link;
static unsigned frames_in;

static void c_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n)
{
	frames_in++;
}

static const struct vpdn_link_ops c_ops = { c_frame, NULL };

static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_call *c = ev->payload;
	struct vpdn_request *req = vpdn_event_take_request(ev);

	in_link = c->link;
	vpdn_link_attach(c->link, VPDN_LINK_B, &c_ops, NULL);
	vpdn_request_complete(req, 0, NULL);
	return VPDN_BUS_CLAIM;
}

static void pump(void)
{
	for (int i = 0; i < 50; i++) {
		vpdn_bus_run_pending(vpdn_core_bus(core));
		g_main_context_iteration(NULL, FALSE);
	}
}

static struct pppoe_module *module(void)
{
	static cfg_opt_t iface[] = { CFG_END() };
	cfg_opt_t opts[4] = { pppoe_options[0], pppoe_options[1],
			      CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE), CFG_END() };
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);
	struct pppoe_module *m = NULL;
	struct pppoe_port *p;
	int sd[2], ss[2];

	CU_ASSERT_FATAL(cfg_parse_buf(cfg, "bba-group \"global\" { virtual-template = 1 }\n") ==
			CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(pppoe_module_new(core, cfg, &m), 0);
	cfg_free(cfg);
	/* The port as pppoe_port_attach() leaves it, on socketpairs. */
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sd), 0);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, ss), 0);
	if (disc_peer >= 0)
		close(disc_peer);
	if (sess_peer >= 0)
		close(sess_peer);
	disc_peer = sd[1];
	sess_peer = ss[1];
	p = g_new0(struct pppoe_port, 1);
	p->m = m;
	p->fd_disc = sd[0];
	p->fd_sess = ss[0];
	p->ifc = pppoe_if_new(m->e, "veth-t", 7, ac_mac);
	p->ifc->data = p;
	p->ifc->group = pppoe_group_find(m, "global");
	p->attached = true;
	g_ptr_array_add(m->ports, p);
	return m;
}

static void drain(int fd)
{
	uint8_t b[2048];

	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0)
		;
}

/* The next frame on fd: its length (0 none), in b. */
static ssize_t next_frame(int fd, uint8_t *b, size_t n)
{
	ssize_t r = recv(fd, b, n, MSG_DONTWAIT);
	return r < 0 ? 0 : r;
}

static void test_restart_round_trip(void)
{
	struct vpdn_subscription *sub;
	struct pppoe_module *m;
	struct pppoe_session *s;
	struct vpdn_link *l;
	GVariant *st;
	uint8_t b[2048];
	uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };
	const char *name;
	uint32_t call_id;
	uint64_t *lost;
	ssize_t n;

	core = vpdn_core_new_test();
	sub = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_CALL_INCOMING, on_incoming, NULL);
	m = module();
	/* A session opened as a PADR would open it. */
	s = pppoe_session_new(((struct pppoe_port *)m->ports->pdata[0])->ifc, PPPOE_ROLE_SERVER,
			      cl_mac);
	CU_ASSERT_EQUAL_FATAL(pppoe_session_bind_id(s, 0x1234), 0);
	s->service = g_strdup("");
	s->mtu = 1492;
	pppoe_session_set_state(s, PPPOE_ST_OPEN, "test");
	CU_ASSERT_EQUAL_FATAL(m->e->ops->session_open(m->e->ctx, s), 0);
	pump();
	CU_ASSERT_PTR_NOT_NULL_FATAL(in_link);
	CU_ASSERT_STRING_EQUAL(vpdn_link_name(in_link), "PPPoE1");
	call_id = ((struct pppoe_call *)s->data)->call_id;

	st = g_variant_ref_sink(pppoe_state_save(m));
	CU_ASSERT_EQUAL(vpdn_restart_kept_count(core), 2);
	(void)vpdn_restart_kept_at(core, 0, &name);
	CU_ASSERT_STRING_EQUAL(name, "pppoe/packet/veth-t/disc");
	(void)vpdn_restart_kept_at(core, 1, &name);
	CU_ASSERT_STRING_EQUAL(name, "pppoe/packet/veth-t/sess");
	vpdn_restart_kept_clear(core);
	vpdn_link_detach(in_link, VPDN_LINK_B);
	in_link = NULL;
	pppoe_module_free(m);   /* in the real exec: nothing at all */
	pump();

	m = module();
	CU_ASSERT_EQUAL(pppoe_state_restore(m, st, PPPOE_STATE_VERSION + 1), -EPROTO);
	CU_ASSERT_EQUAL(g_tree_nnodes(m->calls), 0);
	CU_ASSERT_EQUAL(pppoe_state_restore(m, st, PPPOE_STATE_VERSION), 0);
	s = pppoe_if_find(((struct pppoe_port *)m->ports->pdata[0])->ifc, 0x1234, cl_mac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->state, PPPOE_ST_OPEN);
	CU_ASSERT_STRING_EQUAL(s->name, "PPPoE1");
	CU_ASSERT_EQUAL(s->mtu, 1492);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->data);
	CU_ASSERT_EQUAL(((struct pppoe_call *)s->data)->call_id, call_id);
	l = vpdn_core_restored_link_take(core, "carrier/PPPoE1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 0);
	/* A frame from the consumer goes out on the session socket. */
	CU_ASSERT_EQUAL(vpdn_link_send(l, VPDN_LINK_B, lcp, sizeof(lcp)), 0);
	pump();
	n = next_frame(sess_peer, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 14 + 6 + sizeof(lcp) - 2);
	CU_ASSERT(memcmp(b, cl_mac, 6) == 0);
	CU_ASSERT(memcmp(b + 6, ac_mac, 6) == 0);
	CU_ASSERT(b[12] == 0x88 && b[13] == 0x64);
	CU_ASSERT(b[16] == 0x12 && b[17] == 0x34);
	CU_ASSERT_EQUAL(next_frame(disc_peer, b, sizeof(b)), 0);  /* no PADT */
	/* A new session is named after the restored one. */
	{
		struct pppoe_session *s2 = pppoe_session_new(s->ifc, PPPOE_ROLE_SERVER, cl_mac);
		CU_ASSERT_STRING_EQUAL(s2->name, "PPPoE2");
		pppoe_session_free(s2);
	}

	/* Again, and nobody takes the link back: PADT, counted. */
	g_variant_unref(st);
	st = g_variant_ref_sink(pppoe_state_save(m));
	vpdn_restart_kept_clear(core);
	pppoe_module_free(m);
	pump();
	m = module();
	CU_ASSERT_EQUAL(pppoe_state_restore(m, st, PPPOE_STATE_VERSION), 0);
	g_variant_unref(st);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 1);
	n = next_frame(disc_peer, b, sizeof(b));
	CU_ASSERT_FATAL(n >= 14 + 6);
	CU_ASSERT(b[12] == 0x88 && b[13] == 0x63);
	CU_ASSERT_EQUAL(b[15], 0xa7);  /* PADT */
	CU_ASSERT(b[16] == 0x12 && b[17] == 0x34);
	CU_ASSERT_EQUAL(g_tree_nnodes(m->calls), 0);
	lost = vpdn_core_counter(core, "pppoe_restart_sessions_lost_total", NULL);
	CU_ASSERT_EQUAL(*lost, 1);

	/* A descriptor handed over that is not an AF_PACKET socket. */
	{
		int sp[2];
		CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp), 0);
		close(sp[1]);
		vpdn_restart_set_history(core, true, 1, NULL, 0);
		vpdn_restart_add_inherited(core, "pppoe/packet/veth-t/sess", sp[0]);
		CU_ASSERT_EQUAL(pppoe_state_take_socket(m, "veth-t", "sess", 7, 0x8864), -1);
		CU_ASSERT_EQUAL(fcntl(sp[0], F_GETFD), -1);   /* closed */
	}
	pppoe_module_free(m);
	drain(disc_peer);
	close(disc_peer);
	close(sess_peer);
	disc_peer = sess_peer = -1;
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
	vpdn_core_free_test(core);
}

static const struct vpdn_test_case cases[] = {
	{ "restart in place: a session saved, restored, orphaned", test_restart_round_trip },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "pppoe-restart", cases, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
