/* SPDX-License-Identifier: MIT */
/*
 * The metrics endpoint's listen address, `127.0.0.1:9464` or `[::1]:9464`:
 * parsed apart from the HTTP server so that the config (and its fuzzer)
 * can check it without libmicrohttpd.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "metrics-http.h"

int vpdn_metrics_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
			      char **error)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	char *host = NULL;
	const char *port;
	char *end = NULL;
	long p;
	int err = -EINVAL;

	if (!s || !*s)
		goto bad;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			goto bad;
		host = g_strndup(s + 1, close - s - 1);
		port = close + 2;
	} else {
		const char *colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			goto bad; /* no port, or an IPv6 address without [] */
		host = g_strndup(s, colon - s);
		port = colon + 1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (!*port || *end || errno || p < 1 || p > 65535) {
		*error = g_strdup_printf("metrics listen '%s': the port must be 1..65535", s);
		g_free(host);
		return -EINVAL;
	}
	if (!*host || getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		goto bad;
	if (s[0] == '[' && ai->ai_family != AF_INET6)
		goto bad;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	g_free(host);
	return 0;
bad:
	if (ai)
		freeaddrinfo(ai);
	g_free(host);
	*error = g_strdup_printf("metrics listen '%s' is not ADDRESS:PORT with a numeric "
				 "address (127.0.0.1:9464, [::1]:9464)", s ? s : "");
	return err;
}

