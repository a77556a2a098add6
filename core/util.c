/* SPDX-License-Identifier: MIT */
/* Small helpers shared by modules. */
#include <errno.h>
#include <sys/random.h>

#include <vpdnd/core.h>

int vpdn_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
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
