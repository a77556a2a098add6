/* SPDX-License-Identifier: MIT */
#ifndef VPDND_DAEMON_H
#define VPDND_DAEMON_H

/* The whole daemon: parse arguments, load modules, run the main loop.
 * Returns the process exit status. */
int vpdn_daemon_main(int argc, char **argv);

#endif
