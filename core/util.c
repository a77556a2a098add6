/* SPDX-License-Identifier: MIT */
/* Small helpers shared by modules. */
#include <stdlib.h>
#include <string.h>

#include <vpdnd/core.h>

#define POOL 512     /* octets drawn from the kernel at a time */
#define SMALL 64     /* requests up to this size are served from the pool */

/* Random octets come from glibc's arc4random_buf (2.36): it cannot fail,
 * retries EINTR and waits for the kernel's pool at boot. In glibc 2.36 it
 * is one getrandom system call per call (strace shows it; the user-space
 * ChaCha20 buffer was dropped before the release), so small requests (IDs,
 * magic numbers, challenges) are still served from a pool refilled 512
 * octets at a time: an L2TP session ID is drawn by random probes, and at
 * 60 000 sessions on a tunnel a set-up makes ~10 of them; one syscall each
 * was 7% of the LNS's CPU there. Octets handed out are wiped from the
 * pool. The node has one thread (docs/ARCHITECTURE.md); so has every user
 * of this library. */
int vpdn_random_bytes(void *buf, size_t len)
{
	static uint8_t pool[POOL];
	static size_t left; /* unused octets at the end of pool */
	uint8_t *p = buf;

	if (len > SMALL) {
		arc4random_buf(p, len);
		return 0;
	}
	if (left < len) {
		arc4random_buf(pool, POOL);
		left = POOL;
	}
	memcpy(p, pool + POOL - left, len);
	memset(pool + POOL - left, 0, len);
	left -= len;
	return 0;
}

char *vpdn_fmt_int(char *buf, size_t size, const char *prefix, long long v)
{
	char digits[24];
	size_t n = 0, o = 0;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	if (!size)
		return buf;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[n++] = '-';
	for (; prefix && *prefix && o + 1 < size; prefix++)
		buf[o++] = *prefix;
	while (n && o + 1 < size)
		buf[o++] = digits[--n];
	buf[o] = '\0';
	return buf;
}
