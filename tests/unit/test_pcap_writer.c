/* SPDX-License-Identifier: MIT */
/* The one pcap writer (lib/pcap-writer): the file header byte for byte as
 * the two hand-written writers it replaces made it, records read back with
 * libpcap, truncation at the snaplen, write errors, fd ownership. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "pcap-writer.h"
#include "vpdn_test.h"

static char *tmp_path(void)
{
	char *p = g_build_filename(g_get_tmp_dir(), "test_pcap_writer.XXXXXX", NULL);
	int fd = g_mkstemp(p);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	return p;
}

static int open_new(const char *path)
{
	unlink(path);
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

static void check_header(const char *path, uint32_t linktype)
{
	/* What modules/l2tp/capture.c and modules/isdn/capture.c wrote. */
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, network;
	} want = { 0xa1b2c3d4u, 2, 4, 0, 0, 65535, linktype };
	gchar *buf = NULL;
	gsize len = 0;

	CU_ASSERT_FATAL(g_file_get_contents(path, &buf, &len, NULL));
	CU_ASSERT_FATAL(len >= 24);
	CU_ASSERT_EQUAL(sizeof(want), 24);
	CU_ASSERT_EQUAL(memcmp(buf, &want, 24), 0);
	g_free(buf);
}

static void test_header(void)
{
	const enum pcapw_link links[] = { PCAPW_LINK_RAW, PCAPW_LINK_PPP };

	for (size_t i = 0; i < G_N_ELEMENTS(links); i++) {
		for (unsigned flags = 0; flags <= PCAPW_FLUSH; flags += PCAPW_FLUSH) {
			char *path = tmp_path();
			struct pcapw *w = NULL;
			uint64_t n = 99;

			CU_ASSERT_EQUAL(pcapw_open(open_new(path), links[i], flags, &w), 0);
			CU_ASSERT_PTR_NOT_NULL_FATAL(w);
			CU_ASSERT_EQUAL(pcapw_packets(w), 0);
			CU_ASSERT_EQUAL(pcapw_close(w, &n), 0);
			CU_ASSERT_EQUAL(n, 0);
			check_header(path, links[i]);
			unlink(path);
			g_free(path);
		}
	}
	CU_ASSERT_STRING_EQUAL(pcapw_link_name(PCAPW_LINK_PPP), "PPP");
	CU_ASSERT_STRING_EQUAL(pcapw_link_name(PCAPW_LINK_RAW), "RAW");
}

static void test_records(void)
{
	static uint8_t big[70000];
	const uint8_t head[] = { 0x45, 0x00, 0x00, 0x1c };
	const uint8_t body[] = { 0xc8, 0x02, 0x00, 0x0c };
	char errbuf[PCAP_ERRBUF_SIZE];
	char *path = tmp_path();
	struct pcap_pkthdr *h;
	const u_char *d;
	struct pcapw *w = NULL;
	gint64 before = g_get_real_time() / G_USEC_PER_SEC;
	uint64_t n = 0;
	struct stat st;
	pcap_t *p;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	CU_ASSERT_EQUAL_FATAL(pcapw_open(open_new(path), PCAPW_LINK_RAW, PCAPW_FLUSH, &w), 0);
	CU_ASSERT_EQUAL(pcapw_write(w, head, sizeof(head), body, sizeof(body)), 0);
	/* Readable while the capture runs (flushed per record). */
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, 24 + 16 + 8);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(pcapw_write(w, NULL, 0, body, sizeof(body)), 0);
	CU_ASSERT_EQUAL(pcapw_write(w, head, sizeof(head), NULL, 0), 0);
	CU_ASSERT_EQUAL(pcapw_write(w, head, sizeof(head), big, sizeof(big)), 0);
	CU_ASSERT_EQUAL(pcapw_write(w, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(pcapw_packets(w), 5);
	CU_ASSERT_EQUAL(pcapw_close(w, &n), 0);
	CU_ASSERT_EQUAL(n, 5);

	p = pcap_open_offline(path, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pcap_datalink(p), DLT_RAW);
	CU_ASSERT_EQUAL(pcap_snapshot(p), 65535);
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), 1);
	CU_ASSERT_EQUAL(h->caplen, 8);
	CU_ASSERT_EQUAL(h->len, 8);
	CU_ASSERT(h->ts.tv_sec >= before && h->ts.tv_sec <= before + 60);
	CU_ASSERT(h->ts.tv_usec >= 0 && h->ts.tv_usec < 1000000);
	CU_ASSERT_EQUAL(memcmp(d, head, 4), 0);
	CU_ASSERT_EQUAL(memcmp(d + 4, body, 4), 0);
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), 1);
	CU_ASSERT_EQUAL(h->caplen, 4);
	CU_ASSERT_EQUAL(memcmp(d, body, 4), 0);
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), 1);
	CU_ASSERT_EQUAL(h->caplen, 4);
	CU_ASSERT_EQUAL(memcmp(d, head, 4), 0);
	/* Truncated to the snaplen; the original length kept. */
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), 1);
	CU_ASSERT_EQUAL(h->caplen, 65535);
	CU_ASSERT_EQUAL(h->len, 4 + sizeof(big));
	CU_ASSERT_EQUAL(memcmp(d + 4, big, 65535 - 4), 0);
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), 1);
	CU_ASSERT_EQUAL(h->caplen, 0);
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
	pcap_close(p);
	unlink(path);
	g_free(path);
}

/* Buffered: the records reach the file at close, in order. */
static void test_buffered(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char *path = tmp_path();
	struct pcap_pkthdr *h;
	const u_char *d;
	struct pcapw *w = NULL;
	uint8_t frame[300];
	struct stat st;
	uint64_t n = 0;
	unsigned i;
	pcap_t *p;

	CU_ASSERT_EQUAL_FATAL(pcapw_open(open_new(path), PCAPW_LINK_PPP, 0, &w), 0);
	for (i = 0; i < 100; i++) {
		memset(frame, (int)i, sizeof(frame));
		CU_ASSERT_EQUAL(pcapw_write(w, NULL, 0, frame, 1 + i), 0);
	}
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT(st.st_size < 24 + 100 * 16); /* still in the buffer */
	CU_ASSERT_EQUAL(pcapw_close(w, &n), 0);
	CU_ASSERT_EQUAL(n, 100);
	p = pcap_open_offline(path, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pcap_datalink(p), DLT_PPP);
	for (i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL_FATAL(pcap_next_ex(p, &h, &d), 1);
		CU_ASSERT_EQUAL(h->caplen, 1 + i);
		CU_ASSERT_EQUAL(d[0], i);
		CU_ASSERT_EQUAL(d[i], i);
	}
	CU_ASSERT_EQUAL(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
	pcap_close(p);
	unlink(path);
	g_free(path);
}

/* A full disk: the error comes at the record (flushed) or at close
 * (buffered), sticks, and stops the counting. */
static void test_write_errors(void)
{
	uint8_t frame[1500] = { 0xff, 0x03 };
	struct pcapw *w = NULL;
	uint64_t n = 99;
	int fd, r = 0;

	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pcapw_open(fd, PCAPW_LINK_RAW, PCAPW_FLUSH, &w), -ENOSPC);
	CU_ASSERT_PTR_NULL(w);
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1); /* closed: the writer owned it */

	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(pcapw_open(fd, PCAPW_LINK_PPP, 0, &w), 0);
	for (int i = 0; i < 100 && r == 0; i++)
		r = pcapw_write(w, NULL, 0, frame, sizeof(frame));
	CU_ASSERT_EQUAL(r, -ENOSPC); /* the 64 KiB buffer overflowed */
	CU_ASSERT(pcapw_packets(w) < 100);
	CU_ASSERT_EQUAL(pcapw_write(w, NULL, 0, frame, 10), -ENOSPC);
	CU_ASSERT_EQUAL(pcapw_close(w, &n), -ENOSPC);
	CU_ASSERT(n < 100);
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1);

	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(pcapw_open(fd, PCAPW_LINK_PPP, 0, &w), 0);
	CU_ASSERT_EQUAL(pcapw_write(w, NULL, 0, frame, 10), 0);
	CU_ASSERT_EQUAL(pcapw_close(w, &n), -ENOSPC); /* known at the flush */
	CU_ASSERT_EQUAL(n, 1);
}

static void test_bad_arguments(void)
{
	struct pcapw *w = (void *)1;
	char *path = tmp_path();
	int fd;

	CU_ASSERT_EQUAL(pcapw_open(-1, PCAPW_LINK_RAW, 0, &w), -EBADF);
	CU_ASSERT_PTR_NULL(w);
	fd = open_new(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pcapw_open(fd, (enum pcapw_link)12345, 0, &w), -EINVAL);
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1);
	CU_ASSERT_EQUAL(pcapw_write(NULL, NULL, 0, "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(pcapw_packets(NULL), 0);
	CU_ASSERT_EQUAL(pcapw_close(NULL, NULL), -ENOENT);
	unlink(path);
	g_free(path);
}

static const struct vpdn_test_case pcapw_tests[] = {
	{"file header as before", test_header},
	{"records read back by libpcap", test_records},
	{"buffered records", test_buffered},
	{"write errors", test_write_errors},
	{"bad arguments", test_bad_arguments},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"pcap-writer", pcapw_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
