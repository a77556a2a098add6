/* SPDX-License-Identifier: MIT */
/* Test helper: write a restart state file (docs/RESTART.md) as another
 * vpdnd would: restart-forge FILE VERSION HOSTNAME. Written with the
 * core's own codec, so only the fields given differ from a real one. */
#include <stdio.h>
#include <unistd.h>

#include <glib.h>

#include "restart-state.h"

int main(int argc, char **argv)
{
	struct vpdn_state st;
	char *why = NULL;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: restart-forge FILE VERSION HOSTNAME\n");
		return 2;
	}
	vpdn_state_init(&st);
	st.version = g_strdup(argv[2]);
	st.hostname = g_strdup(argv[3]);
	st.pid = (uint32_t)getpid();
	st.boot_id = vpdn_state_boot_id();
	st.written_us = (uint64_t)g_get_real_time();
	st.first_start_us = st.written_us;
	st.restarts = 1;
	r = vpdn_state_write(argv[1], &st, &why);
	if (r < 0)
		fprintf(stderr, "restart-forge: %s\n", why);
	g_free(why);
	vpdn_state_clear(&st);
	return r < 0 ? 1 : 0;
}
