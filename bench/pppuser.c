/* SPDX-License-Identifier: MIT */
/* The bench generators' PPP user side. See pppuser.h. */
#include "pppuser.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t pppu_echo_replies;

uint32_t pppu_client_addr(uint32_t g)
{
	return (17u << 24) | ((g / 250) << 8 & 0xffff00) | (g % 250 + 1);
}

void pppu_lcp_confreq(struct pppu *u, const struct pppu_io *io)
{
	uint8_t p[10] = { 1, 1, 0, 10, 5, 6, PPPU_MAGIC >> 24, PPPU_MAGIC >> 16 & 0xff,
			  PPPU_MAGIC >> 8 & 0xff, PPPU_MAGIC & 0xff };
	u->t_sent = io->now;
	io->send(io->ctx, 0xc021, p, sizeof(p));
}

void pppu_ipcp_confreq(struct pppu *u, const struct pppu_io *io)
{
	uint8_t p[10] = { 1, 1, 0, 10, 3, 6, io->addr >> 24, io->addr >> 16 & 0xff,
			  io->addr >> 8 & 0xff, io->addr & 0xff };
	u->ipcp_sent = 1;
	u->t_sent = io->now;
	io->send(io->ctx, 0x8021, p, sizeof(p));
}

/* Their Configure-Request, acked as it is. */
static void ack(const struct pppu_io *io, uint16_t proto, const uint8_t *p, size_t pl)
{
	uint8_t r[256];
	size_t n = pl < sizeof(r) ? pl : sizeof(r);

	memcpy(r, p, n);
	r[0] = 2;
	io->send(io->ctx, proto, r, n);
}

static void chap_response(const struct pppu_io *io, const uint8_t *p, size_t pl)
{
	uint8_t r[128], digest[16];
	gsize dl = sizeof(digest);
	size_t nl = strlen(io->name);
	GChecksum *c;

	if (pl < 5 || p[4] == 0 || (size_t)p[4] + 5 > pl || nl > sizeof(r) - 21)
		return;
	c = g_checksum_new(G_CHECKSUM_MD5);
	g_checksum_update(c, &p[1], 1);
	g_checksum_update(c, (const guchar *)io->secret, strlen(io->secret));
	g_checksum_update(c, p + 5, p[4]);
	g_checksum_get_digest(c, digest, &dl);
	g_checksum_free(c);
	r[0] = 2;
	r[1] = p[1];
	r[2] = (uint8_t)((21 + nl) >> 8);
	r[3] = (uint8_t)(21 + nl);
	r[4] = 16;
	memcpy(r + 5, digest, 16);
	memcpy(r + 21, io->name, nl);
	io->send(io->ctx, 0xc223, r, 21 + nl);
}

enum pppu_result pppu_input(struct pppu *u, const struct pppu_io *io, const uint8_t *f, size_t len)
{
	if (len >= 2 && f[0] == 0xff && f[1] == 0x03) {
		f += 2;
		len -= 2;
	}
	if (len < 6)
		return PPPU_NOTHING;
	uint16_t proto = f[0] << 8 | f[1];
	const uint8_t *p = f + 2;
	size_t pl = len - 2;

	switch (proto) {
	case 0xc021:
		if (p[0] == 9) { /* Echo-Request -> Reply with our magic */
			uint8_t r[1500];
			if (pl > sizeof(r))
				return PPPU_NOTHING;
			memcpy(r, p, pl);
			r[0] = 10;
			if (pl >= 8) {
				r[4] = PPPU_MAGIC >> 24; r[5] = PPPU_MAGIC >> 16 & 0xff;
				r[6] = PPPU_MAGIC >> 8 & 0xff; r[7] = PPPU_MAGIC & 0xff;
			}
			io->send(io->ctx, 0xc021, r, pl);
			pppu_echo_replies++;
		} else if (p[0] == 1) {
			ack(io, 0xc021, p, pl);
			u->lcp_we_acked = 1;
		} else if (p[0] == 2) {
			u->lcp_acked = 1;
		}
		return PPPU_NOTHING;
	case 0xc223:
		if (p[0] == 1)
			chap_response(io, p, pl);
		else if (p[0] == 3 && !u->ipcp_sent) /* Success: on to IPCP */
			pppu_ipcp_confreq(u, io);
		return PPPU_NOTHING;
	case 0x8021:
		if (u->up)
			return PPPU_NOTHING;
		if (p[0] == 1) {
			ack(io, 0x8021, p, pl);
			u->ipcp_we_acked = 1;
			if (!u->ipcp_sent)
				pppu_ipcp_confreq(u, io);
		} else if (p[0] == 2) {
			u->ipcp_acked = 1;
		} else if (p[0] == 3 || p[0] == 4) {
			return PPPU_REFUSED;
		}
		if (u->ipcp_acked && u->ipcp_we_acked) {
			u->up = 1;
			return PPPU_UP;
		}
		return PPPU_NOTHING;
	default:
		return PPPU_NOTHING;
	}
}

static int watch_pids[8], nwatch;

int bench_watch(int pid)
{
	if (nwatch >= 8)
		return -1;
	watch_pids[nwatch++] = pid;
	return 0;
}

int bench_nwatch(void)
{
	return nwatch;
}

double bench_watched_run_s(int i)
{
	char path[64];
	unsigned long long ns = 0;

	if (i < 0 || i >= nwatch)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", watch_pids[i]);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns / 1e9;
}

void bench_print_watch(const char *tag)
{
	for (int i = 0; i < nwatch; i++) {
		printf("rss_kib %s %d %ld\n", tag, i, bench_rss_kib(watch_pids[i]));
		printf("cpu_s %s %d %.2f\n", tag, i, bench_cpu_s(watch_pids[i]));
	}
	fflush(stdout);
}

void bench_print_phase(int ph, uint32_t sessions, uint32_t total, double seconds)
{
	char tag[32];

	printf("phase %d sessions %u total %u seconds %.4f rate %.1f\n", ph, sessions, total,
	       seconds, sessions / seconds);
	snprintf(tag, sizeof(tag), "after%d", ph);
	bench_print_watch(tag);
}

void bench_hold_start(struct bench_hold *h)
{
	h->t0 = bench_now();
	for (int i = 0; i < nwatch; i++)
		h->cpu0[i] = bench_cpu_s(watch_pids[i]);
}

double bench_hold_end(const struct bench_hold *h)
{
	double ht = bench_now() - h->t0;

	for (int i = 0; i < nwatch; i++)
		printf("hold_cpu %d %.4f\n", i, (bench_cpu_s(watch_pids[i]) - h->cpu0[i]) / ht);
	return ht;
}

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long bench_rss_kib(int pid)
{
	char path[64], line[256];
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

double bench_cpu_s(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}
