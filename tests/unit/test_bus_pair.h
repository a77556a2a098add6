/* SPDX-License-Identifier: MIT */
/*
 * An sd-bus server connection on one end of a socketpair, for unit tests
 * that measure what a D-Bus method really sends: the test holds the raw
 * other end and speaks the client's side of the SASL exchange itself.
 */
#ifndef VPDN_TEST_BUS_PAIR_H
#define VPDN_TEST_BUS_PAIR_H

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <CUnit/CUnit.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-id128.h>

/* Read n octets from the raw end fd, letting bus write as it drains. */
static inline void test_bus_pair_read(sd_bus *bus, int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t r;

		sd_bus_flush(bus);
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		r = read(fd, p, n);
		CU_ASSERT_FATAL(r > 0);
		p += r;
		n -= (size_t)r;
	}
}

/* *bus: a started server-mode connection; *peer: the raw end. */
static inline void test_bus_pair_up(sd_bus **bus, int *peer)
{
	char auth[64], ok[64];
	sd_id128_t id;
	int sp[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
	*peer = sp[1];
	CU_ASSERT_FATAL(sd_id128_randomize(&id) >= 0);
	CU_ASSERT_FATAL(sd_bus_new(bus) >= 0);
	CU_ASSERT_FATAL(sd_bus_set_fd(*bus, sp[0], sp[0]) >= 0);
	CU_ASSERT_FATAL(sd_bus_set_server(*bus, 1, id) >= 0);
	CU_ASSERT_FATAL(sd_bus_start(*bus) >= 0);
	/* "0" as hex is "30": uid 0; else the uid's digits in hex. */
	{
		char uid[16], hex[40] = "";

		snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
		for (size_t i = 0; uid[i]; i++)
			snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", uid[i]);
		snprintf(auth, sizeof(auth), "AUTH EXTERNAL %s\r\nBEGIN\r\n", hex);
	}
	CU_ASSERT_FATAL(write(*peer, "", 1) == 1);
	CU_ASSERT_FATAL(write(*peer, auth, strlen(auth)) == (ssize_t)strlen(auth));
	for (int i = 0; i < 100 && !sd_bus_is_ready(*bus); i++) {
		sd_bus_process(*bus, NULL);
		sd_bus_wait(*bus, 10000);
	}
	CU_ASSERT_FATAL(sd_bus_is_ready(*bus) > 0);
	test_bus_pair_read(*bus, *peer, ok, 37); /* "OK " + 32 hex digits + CRLF */
	CU_ASSERT_FATAL(memcmp(ok, "OK ", 3) == 0);
}

#endif
