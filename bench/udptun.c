/* SPDX-License-Identifier: MIT */
/*
 * udptun: the benchmark's bare UDP <-> TUN forwarder, the machine's limit
 * for the LNS's data path. No L2TP, no PPP: a datagram's payload (an IPv4
 * packet) is written to the TUN device as is; whatever the kernel routes
 * into the TUN is sent back to the last sender. One thread, poll(2),
 * recvmmsg/sendmmsg batches of 64 as the l2tp module's transport does, one
 * read(2)/write(2) per packet on the TUN as the ip module does.
 *
 *   udptun IFNAME ADDR:PORT SECONDS   (stops by itself after SECONDS)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define B 64

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: udptun IFNAME ADDR:PORT SECONDS\n");
		return 2;
	}
	char host[64];
	int port;
	if (sscanf(argv[2], "%63[^:]:%d", host, &port) != 2)
		return 2;
	int tfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (tfd < 0) {
		perror("udptun: /dev/net/tun");
		return 1;
	}
	struct ifreq ifr = { 0 };
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[1]);
	if (ioctl(tfd, TUNSETIFF, &ifr) < 0) {
		perror("udptun: TUNSETIFF");
		return 1;
	}
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, host, &sa.sin_addr);
	int big = 8 << 20;
	setsockopt(u, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(u, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	if (bind(u, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udptun: bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	static unsigned char rb[B][2048], tb[B][2048];
	struct mmsghdr rm[B], tm[B];
	struct iovec riov[B], tiov[B];
	struct sockaddr_in from = { 0 }, src[B];
	int have_peer = 0;
	unsigned long up = 0, down = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	double secs = atof(argv[3]);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 > secs)
			break;
		struct pollfd p[2] = { { u, POLLIN, 0 }, { tfd, POLLIN, 0 } };
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			for (int i = 0; i < B; i++) {
				riov[i].iov_base = rb[i];
				riov[i].iov_len = sizeof(rb[i]);
				memset(&rm[i].msg_hdr, 0, sizeof(rm[i].msg_hdr));
				rm[i].msg_hdr.msg_iov = &riov[i];
				rm[i].msg_hdr.msg_iovlen = 1;
				rm[i].msg_hdr.msg_name = &src[i];
				rm[i].msg_hdr.msg_namelen = sizeof(src[i]);
			}
			int n = recvmmsg(u, rm, B, MSG_DONTWAIT, NULL);
			for (int i = 0; i < n; i++) {
				if (write(tfd, rb[i], rm[i].msg_len) > 0)
					up++;
				from = src[i];
				have_peer = 1;
			}
		}
		if ((p[1].revents & POLLIN) && have_peer) {
			int n = 0;
			while (n < B) {
				ssize_t r = read(tfd, tb[n], sizeof(tb[n]));
				if (r <= 0)
					break;
				tiov[n].iov_base = tb[n];
				tiov[n].iov_len = r;
				memset(&tm[n].msg_hdr, 0, sizeof(tm[n].msg_hdr));
				tm[n].msg_hdr.msg_iov = &tiov[n];
				tm[n].msg_hdr.msg_iovlen = 1;
				tm[n].msg_hdr.msg_name = &from;
				tm[n].msg_hdr.msg_namelen = sizeof(from);
				n++;
			}
			if (n > 0) {
				int s = sendmmsg(u, tm, n, MSG_DONTWAIT);
				if (s > 0)
					down += s;
			}
		}
	}
	printf("udptun_up %lu udptun_down %lu\n", up, down);
	return 0;
}
