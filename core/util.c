/* SPDX-License-Identifier: MIT */
/* Small helpers shared by modules. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <vpdnd/core.h>

#define POOL 512     /* octets drawn from the kernel at a time */
#define SMALL 64     /* requests up to this size are served from the pool */

static int kernel_random(uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Small requests (IDs, magic numbers, challenges) come from a pool refilled
 * from getrandom 512 octets at a time: an L2TP session ID is drawn by
 * random probes, and at 60 000 sessions on a tunnel a set-up makes ~10 of
 * them; one syscall each was 7% of the LNS's CPU there. Octets handed out
 * are wiped from the pool. The node has one thread (docs/ARCHITECTURE.md);
 * so has every user of this library. */
int vpdn_random_bytes(void *buf, size_t len)
{
	static uint8_t pool[POOL];
	static size_t left; /* unused octets at the end of pool */
	uint8_t *p = buf;

	if (len > SMALL)
		return kernel_random(p, len);
	if (left < len) {
		int r = kernel_random(pool, POOL);
		if (r < 0)
			return r;
		left = POOL;
	}
	memcpy(p, pool + POOL - left, len);
	memset(pool + POOL - left, 0, len);
	left -= len;
	return 0;
}
