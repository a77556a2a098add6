/* SPDX-License-Identifier: MIT */
/* The pppoe module (pppoe.c): config, sockets, links, bus. */
#ifndef VPDN_PPPOE_MODULE_H
#define VPDN_PPPOE_MODULE_H

#include <confuse.h>

#include "pppoe-private.h"

struct pppoe_module;

extern cfg_opt_t pppoe_options[];
extern cfg_opt_t pppoe_interface_options[];
int pppoe_check(cfg_t *cfg);
int pppoe_module_new(struct vpdn_core *core, cfg_t *cfg, struct pppoe_module **out);
void pppoe_module_free(struct pppoe_module *m);
struct pppoe_engine *pppoe_module_engine(struct pppoe_module *m);

#endif
