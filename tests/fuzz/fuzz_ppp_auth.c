/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CHAP/PAP codecs (lib/ppp-auth) and the
 * chap-secrets parser of auth-local (modules/auth-local/users.c).
 *
 * Input byte 0 selects: 0 CHAP, 1 PAP, 2 chap-secrets, 3 all codecs.
 * A packet that parses must rebuild to the same octets (up to Length).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "pap.h"
#include "users.h"

static void fuzz_chap(const uint8_t *data, size_t size)
{
	static uint8_t out[CHAP_MAX_PACKET];
	struct chap_packet p;
	char line[256];
	ssize_t n = -1;

	chap_describe(data, size, line, sizeof(line));
	if (chap_parse(data, size, &p) < 0)
		return;
	if (p.length > size)
		abort();
	switch (p.code) {
	case CHAP_CHALLENGE:
	case CHAP_RESPONSE:
		if (p.value_len == 0 || p.value_len > 255)
			abort();
		n = chap_build_value(out, sizeof(out), p.code, p.id, p.value, p.value_len,
				     p.name, p.name_len);
		/* the verifier accepts any input without crashing */
		(void)chap_md5_verify(p.id, p.name, p.name_len, p.value, p.value_len,
				      data, size);
		break;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		n = chap_build_message(out, sizeof(out), p.code, p.id, p.message, p.message_len);
		break;
	default:
		abort();
	}
	if (n != p.length || memcmp(out, data, (size_t)n) != 0)
		abort();
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* PAP peers may put octets after the last field (within Length): rebuild
 * and re-parse, then compare the fields. */
static void fuzz_pap(const uint8_t *data, size_t size)
{
	static uint8_t out[1024];
	struct pap_packet p, q;
	char line[256];
	ssize_t n = -1;

	pap_describe(data, size, line, sizeof(line));
	if (pap_parse(data, size, &p) < 0)
		return;
	if (p.length > size)
		abort();
	switch (p.code) {
	case PAP_AUTH_REQ:
		n = pap_build_request(out, sizeof(out), p.id, p.peer_id, p.peer_id_len,
				      p.password, p.password_len);
		(void)pap_password_equal(p.password, p.password_len, p.peer_id, p.peer_id_len);
		break;
	case PAP_AUTH_ACK:
	case PAP_AUTH_NAK:
		n = pap_build_reply(out, sizeof(out), p.code, p.id, p.message, p.message_len);
		break;
	default:
		abort();
	}
	if (n < PAP_HDR_LEN || (n > p.length && p.length != PAP_HDR_LEN))
		abort();
	if (pap_parse(out, (size_t)n, &q) < 0 || q.code != p.code || q.id != p.id ||
	    !same(q.peer_id, q.peer_id_len, p.peer_id, p.peer_id_len) ||
	    !same(q.password, q.password_len, p.password, p.password_len) ||
	    !same(q.message, q.message_len, p.message, p.message_len))
		abort();
}

static void fuzz_secrets(const uint8_t *data, size_t size)
{
	struct auth_db *db = auth_db_new();
	int n = auth_db_parse_chap_secrets(db, (const char *)data, size, "fuzz", NULL, NULL);

	if (n < 0 || (size_t)n != auth_db_count(db))
		abort();
	for (size_t i = 0; i < auth_db_count(db); i++) {
		const struct auth_entry *e = auth_db_entry(db, i);
		if (!e || !e->client || !e->server || !e->secret)
			abort();
		/* every entry is found again by its own names (or a better one) */
		if (!auth_db_lookup_peer(db, e->client, e->server))
			abort();
	}
	(void)auth_db_lookup_own(db, "LNS", "remote2");
	auth_db_free(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fuzz_chap(data + 1, size - 1);
		break;
	case 1:
		fuzz_pap(data + 1, size - 1);
		break;
	case 2:
		fuzz_secrets(data + 1, size - 1);
		break;
	default:
		fuzz_chap(data + 1, size - 1);
		fuzz_pap(data + 1, size - 1);
		break;
	}
	return 0;
}
