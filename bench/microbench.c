/* SPDX-License-Identifier: MIT */
/*
 * Micro-benchmarks of the core's hot paths: timer arm/cancel/fire with a
 * large heap, bus dispatch, link frames and splices. Each figure is the
 * median of 5 runs (min and max shown). Prints a table and, with -j FILE,
 * writes the figures as JSON.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vpdnd/vpdnd.h>

#define RUNS 5

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct figure {
	const char *name, *unit;
	double median, min, max;
};

static void noop_timer(struct vpdn_timer *t, void *data)
{
}

/* Arm+cancel pairs per second with 100 000 timers already armed. */
static double bench_timers(void)
{
	const size_t n = 100000, ops = 1000000;
	struct vpdn_timers *tm = vpdn_timers_new_fake();
	struct vpdn_timer *t = g_new(struct vpdn_timer, n);
	for (size_t i = 0; i < n; i++) {
		vpdn_timer_init(&t[i], noop_timer, NULL);
		vpdn_timer_arm(tm, &t[i], 1000 + (i * 7919) % 60000);
	}
	double start = now_s();
	for (size_t i = 0; i < ops; i++) {
		struct vpdn_timer *x = &t[(i * 31) % n];
		vpdn_timer_arm(tm, x, 1000 + (i * 13) % 60000);
	}
	double el = now_s() - start;
	vpdn_timers_advance(tm, 120000);
	vpdn_timers_free(tm);
	g_free(t);
	return (double)ops / el;
}

static enum vpdn_bus_verdict pass(const struct vpdn_event *ev, void *data)
{
	(*(uint64_t *)data)++;
	return VPDN_BUS_PASS;
}

/* Events per second through 8 subscribers. */
static double bench_bus(void)
{
	const size_t ops = 2000000;
	uint64_t hits = 0;
	struct vpdn_bus *bus = vpdn_bus_new();
	for (int i = 0; i < 8; i++)
		vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, pass, &hits);
	double start = now_s();
	for (size_t i = 0; i < ops; i++)
		vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, NULL);
	double el = now_s() - start;
	vpdn_bus_free(bus);
	return (double)ops / el;
}

static void sink_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t len)
{
	(*(uint64_t *)ctx) += len;
}

static const struct vpdn_link_ops sink_ops = { .frame = sink_frame };

/* Frames per second across a splice (B channel -> L2TP session). */
static double bench_splice(void)
{
	const size_t ops = 5000000;
	uint64_t bytes = 0;
	uint8_t frame[1400] = { 0xff, 0x03, 0x00, 0x21 };
	struct vpdn_link *a = vpdn_link_new("Se0:17"), *b = vpdn_link_new("sess");
	vpdn_link_attach(b, VPDN_LINK_A, &sink_ops, &bytes);
	vpdn_link_splice(a, b);
	double start = now_s();
	for (size_t i = 0; i < ops; i++)
		vpdn_link_send(a, VPDN_LINK_A, frame, sizeof(frame));
	double el = now_s() - start;
	vpdn_link_unsplice(a);
	vpdn_link_unref(a);
	vpdn_link_unref(b);
	return (double)ops / el;
}

static struct figure measure(const char *name, const char *unit, double (*fn)(void))
{
	double v[RUNS];
	for (int i = 0; i < RUNS; i++)
		v[i] = fn();
	qsort(v, RUNS, sizeof(double), cmp_double);
	return (struct figure){ name, unit, v[RUNS / 2], v[0], v[RUNS - 1] };
}

int main(int argc, char **argv)
{
	const char *json = argc == 3 && !strcmp(argv[1], "-j") ? argv[2] : NULL;
	struct figure f[] = {
		measure("timer_rearm_ops_per_s_100k_armed", "ops/s", bench_timers),
		measure("bus_events_per_s_8_subscribers", "events/s", bench_bus),
		measure("link_splice_frames_per_s", "frames/s", bench_splice),
	};
	size_t n = sizeof(f) / sizeof(f[0]);
	printf("%-36s %14s %14s %14s  %s\n", "figure", "median", "min", "max", "unit");
	for (size_t i = 0; i < n; i++)
		printf("%-36s %14.0f %14.0f %14.0f  %s\n", f[i].name, f[i].median, f[i].min,
		       f[i].max, f[i].unit);
	if (json) {
		FILE *o = fopen(json, "w");
		if (!o) {
			perror(json);
			return 1;
		}
		fprintf(o, "{\n");
		for (size_t i = 0; i < n; i++)
			fprintf(o, "  \"%s\": {\"median\": %.0f, \"min\": %.0f, \"max\": %.0f, \"unit\": \"%s\"}%s\n",
				f[i].name, f[i].median, f[i].min, f[i].max, f[i].unit, i + 1 < n ? "," : "");
		fprintf(o, "}\n");
		fclose(o);
	}
	return 0;
}
