/* SPDX-License-Identifier: MIT */
/* A shared object without the descriptor. */
__attribute__((visibility("default"))) int something_else(void);
int something_else(void) { return 42; }
