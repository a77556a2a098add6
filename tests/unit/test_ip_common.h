/* SPDX-License-Identifier: MIT */
/* Helpers shared by the ip module's unit tests: config building and
 * IPv4 packet construction. */
#ifndef TEST_IP_COMMON_H
#define TEST_IP_COMMON_H

#include <arpa/inet.h>
#include <confuse.h>
#include <stdint.h>
#include <string.h>

#include "ip.h"

/* Stand-ins for options other modules define (ppp: ip-address,
 * ip-unnumbered; dialer: dialer-pool). */
static cfg_opt_t test_iface_opts[] = {
	CFG_BOOL("ip-dialer", cfg_false, CFGF_NONE),
	CFG_STR("ip-address", NULL, CFGF_NONE),
	CFG_STR("ip-unnumbered", NULL, CFGF_NONE),
	CFG_INT("dialer-pool", 0, CFGF_NONE),
	CFG_END()
};

static inline cfg_t *test_ip_cfg(const char *text)
{
	cfg_opt_t opts[4] = {
		ip_options[0], ip_options[1],
		CFG_SEC("interface", test_iface_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END(),
	};
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static inline uint16_t test_ip_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4/UDP packet (UDP checksum 0) with `id` as the IP ID; returns length. */
static inline size_t test_ip_udp(uint8_t *p, const char *src, const char *dst, uint16_t sport,
				 uint16_t dport, uint16_t id, const void *data, size_t len)
{
	size_t tot = 28 + len;
	struct in_addr a;
	uint16_t c;

	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8); p[3] = (uint8_t)tot;
	p[4] = (uint8_t)(id >> 8); p[5] = (uint8_t)id;
	p[8] = 64; p[9] = 17;
	inet_pton(AF_INET, src, &a); memcpy(p + 12, &a, 4);
	inet_pton(AF_INET, dst, &a); memcpy(p + 16, &a, 4);
	c = test_ip_csum(p, 20);
	p[10] = (uint8_t)(c >> 8); p[11] = (uint8_t)c;
	p[20] = (uint8_t)(sport >> 8); p[21] = (uint8_t)sport;
	p[22] = (uint8_t)(dport >> 8); p[23] = (uint8_t)dport;
	p[24] = (uint8_t)((8 + len) >> 8); p[25] = (uint8_t)(8 + len);
	memcpy(p + 28, data, len);
	return tot;
}

static inline struct in_addr test_ip_addr(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

#endif
