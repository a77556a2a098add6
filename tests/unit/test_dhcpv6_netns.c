/* SPDX-License-Identifier: MIT */
/*
 * The dhcpv6 server's real sockets (sock.c) against ISC dhclient -6 -P,
 * a maintained requesting router, inside private network namespaces
 * (unshare(CLONE_NEWNET): the host is never touched, nothing named is
 * left). A veth pair: dh0 is the "session's interface" here, dh1 moved
 * into the namespace of a child that runs dhclient on it. The test
 * publishes INTERFACE_CREATED and PPP_IPV6_UP (server) for Vi2 on dh0
 * with dh1's EUI-64 link-local identifier as the peer's, as the ip and
 * ppp modules would; the server must join ff02::1:2 on dh0, answer the
 * Solicit/Request from fe80::...%dh0 and ask the route; dhclient's
 * lease file must hold the prefix. Then a datagram from a source that
 * is no session's peer is dropped with the counter, and PPP_IPV6_DOWN
 * unroutes. Needs root and dhclient, else exits 77 (skip).
 */
#include <errno.h>
#include <glib.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpdnd/interface.h>

#include "dhcpv6-module.h"
#include "dhcpv6.h"
#include "vpdn_test.h"

static const char conf_text[] =
	"dhcpv6-pool \"subs\" {\n"
	"  prefix = \"2001:db8:100::/40\"\n"
	"  assign-length = 56\n"
	"  dns = {\"2001:db8::53\"}\n"
	"}\n"
	"interface \"Virtual-Template1\" { dhcpv6-server = \"subs\" }\n";

static struct {
	struct vpdn_core *core;
	cfg_t *cfg;
	struct dh_module *m;
	int adds, dels;
	pid_t child;
	char dir[64], lease[128];
} F;

static const char *dhclient;

static enum vpdn_bus_verdict on_route(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ipv6_route *r = ev->payload;
	(void)data;
	if (r->add)
		F.adds++;
	else
		F.dels++;
	vpdn_request_complete(vpdn_event_take_request(ev), 0, NULL);
	return VPDN_BUS_CLAIM;
}

static int sh(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	int r = system(cmd);
	if (r != 0)
		fprintf(stderr, "failed (%d): %s\n", r, cmd);
	g_free(cmd);
	return r;
}

static bool lease_has(const char *what)
{
	gchar *text = NULL;
	bool yes = g_file_get_contents(F.lease, &text, NULL, NULL) && strstr(text, what);
	g_free(text);
	return yes;
}

/* One main-loop turn (the sockets' sources), or a short nap. */
static void spin(void)
{
	if (!g_main_context_iteration(NULL, FALSE))
		g_usleep(20000);
}

static uint64_t counter(const char *name)
{
	return *vpdn_core_counter(F.core, name, "");
}

static void test_dhclient(void)
{
	int up[2], go[2];
	char c;

	CU_ASSERT_FATAL(sh("ip link set lo up && ip link add dh0 address 02:00:00:00:00:01 "
			   "type veth peer name dh1 address 02:00:00:00:00:02 && "
			   "sysctl -qw net.ipv6.conf.dh0.accept_dad=0") == 0);
	CU_ASSERT_FATAL(pipe(up) == 0 && pipe(go) == 0);
	F.child = fork();
	CU_ASSERT_FATAL(F.child >= 0);
	if (F.child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(2);
		if (write(up[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		if (system("ip link set lo up && sysctl -qw net.ipv6.conf.dh1.accept_dad=0 && "
			   "ip link set dh1 up") != 0)
			_exit(2);
		char *pidf = g_strdup_printf("%s/dhclient.pid", F.dir);
		execl(dhclient, "dhclient", "-6", "-P", "-d", "-v", "-lf", F.lease, "-pf", pidf,
		      "-sf", "/bin/true", "dh1", (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_FATAL(read(up[0], &c, 1) == 1);
	CU_ASSERT_FATAL(sh("ip link set dh1 netns %d && ip link set dh0 up", (int)F.child) == 0);
	int ifindex = (int)if_nametoindex("dh0");
	CU_ASSERT_FATAL(ifindex > 0);

	/* what the ip and ppp modules would publish for a session on dh0 */
	struct vpdn_ev_interface ic = { sizeof(ic), "Vi2", "dh0", ifindex };
	struct vpdn_ev_ppp_ipv6 ev = { .size = sizeof(ev), .interface = "Vi2",
				       .config = "Virtual-Template1", .user = "remote1@cisco.com",
				       .server = true,
				       .peer_ifid = { 0, 0, 0, 0xff, 0xfe, 0, 0, 0x02 },
				       .local_ifid = { 0, 0, 0, 0xff, 0xfe, 0, 0, 0x01 } };
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_INTERFACE_CREATED, &ic);
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_PPP_IPV6_UP, &ev);
	CU_ASSERT_FATAL(write(go[1], "g", 1) == 1);

	gint64 end = g_get_monotonic_time() + 25 * G_USEC_PER_SEC;
	/* the whole lease (dhclient may be seen mid-write: the prefix's
	 * line before the name servers'), and the route asked */
	while (g_get_monotonic_time() < end &&
	       !(lease_has("iaprefix 2001:db8:100::/56") && lease_has("2001:db8::53") && F.adds))
		spin();
	CU_ASSERT(lease_has("iaprefix 2001:db8:100::/56"));
	CU_ASSERT(lease_has("2001:db8::53"));
	CU_ASSERT_EQUAL(F.adds, 1);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 1);
	CU_ASSERT_EQUAL(dhcpv6_module_session_leases(F.m, "Vi2"), 1);

	/* a datagram from a source that is no session's peer (dh0's own
	 * link-local, through lo): dropped, counted, unanswered */
	uint64_t before = counter("dhcpv6_unknown_source_total");
	int s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(547),
				   .sin6_addr = { { { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
						      0, 0, 0, 0xff, 0xfe, 0, 0, 0x01 } } },
				   .sin6_scope_id = (uint32_t)ifindex };
	static const uint8_t sol[] = { 1, 0, 0, 9, 0, 1, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 9 };
	CU_ASSERT(sendto(s, sol, sizeof(sol), 0, (struct sockaddr *)&to, sizeof(to)) ==
		  (ssize_t)sizeof(sol));
	close(s);
	end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < end && counter("dhcpv6_unknown_source_total") == before)
		spin();
	CU_ASSERT_EQUAL(counter("dhcpv6_unknown_source_total"), before + 1);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 1);

	kill(F.child, SIGTERM);
	waitpid(F.child, NULL, 0);
	F.child = 0;
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_PPP_IPV6_DOWN, &ev);
	vpdn_bus_run_pending(vpdn_core_bus(F.core));
	CU_ASSERT_EQUAL(F.dels, 1);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 0);
}

static int setup(void)
{
	F.core = vpdn_core_new_test();
	cfg_opt_t *iface = vpdn_interface_options_new(dhcpv6_interface_options);
	size_t n = 0;
	while (dhcpv6_options[n].name)
		n++;
	cfg_opt_t *opts = g_new0(cfg_opt_t, n + 2);
	memcpy(opts, dhcpv6_options, n * sizeof(cfg_opt_t));
	cfg_opt_t sec[] = { CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE), CFG_END() };
	memcpy(opts + n, sec, sizeof(sec));
	F.cfg = cfg_init(opts, 0);
	g_free(opts);
	g_free(iface);
	if (cfg_parse_buf(F.cfg, conf_text) != CFG_SUCCESS || dhcpv6_check(F.cfg) != 0)
		return 1;
	vpdn_bus_subscribe(vpdn_core_bus(F.core), VPDN_EV_IPV6_ROUTE, on_route, NULL);
	return dhcpv6_module_new(F.core, F.cfg, NULL, NULL, &F.m);
}

static int teardown(void)
{
	if (F.child > 0) {
		kill(F.child, SIGKILL);
		waitpid(F.child, NULL, 0);
	}
	dhcpv6_module_free(F.m);
	vpdn_bus_run_pending(vpdn_core_bus(F.core));
	cfg_free(F.cfg);
	vpdn_core_free_test(F.core);
	sh("rm -rf %s", F.dir);
	return 0;
}

static const struct vpdn_test_case tests[] = {
	{ "ISC dhclient -6 -P gets a prefix over real sockets", test_dhclient },
	{ NULL, NULL },
};
static const struct vpdn_test_suite suites[] = {
	{ "dhcpv6-netns", tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

int main(void)
{
	static const char *paths[] = { "/usr/sbin/dhclient", "/sbin/dhclient", NULL };

	for (int i = 0; paths[i] && !dhclient; i++)
		if (access(paths[i], X_OK) == 0)
			dhclient = paths[i];
	if (geteuid() != 0) {
		printf("SKIP: needs root (network namespaces)\n");
		return 77;
	}
	if (!dhclient) {
		printf("SKIP: no dhclient (isc-dhcp-client, scripts/deps.sh)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(F.dir, sizeof(F.dir), "%s/vdh%d", tmp, (int)getpid());
	if (g_mkdir_with_parents(F.dir, 0700) < 0)
		return 2;
	snprintf(F.lease, sizeof(F.lease), "%s/dhclient6.leases", F.dir);
	return vpdn_test_run(suites);
}
