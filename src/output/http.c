/* The Prometheus renderer's HTTP edge: libmicrohttpd serving
 * prom_render() (see http.h).
 *
 * One internal polling thread of libmicrohttpd answers requests; each
 * GET /metrics collects afresh through the caller's callback (the same
 * series `record` stores) and renders them, so a scrape costs one read of
 * each source and nothing runs between scrapes. Anything but GET or HEAD
 * is 405, any other path 404; malformed requests are answered 400 by
 * libmicrohttpd itself.
 *
 * A local user must not be able to block scrapes (issue 12: 64 idle
 * sockets, or a slowloris trickling one header line every 0.5 s, starved
 * every scrape under a 64-connection limit). So: epoll, not select, and a
 * global limit of HTTP_MAX_CONN (bounded by RLIMIT_NOFILE, whose soft
 * limit is raised to the hard one) that idle sockets cannot fill before
 * they are dropped; a per-address limit of a quarter of that, so one
 * address cannot take every slot from the others (a Prometheus server
 * scrapes from its own address); HTTP_TIMEOUT_S seconds of silence close
 * a connection; and a slowloris runs into the 16 KiB header limit of its
 * connection's memory pool (answered 431 and closed). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "http.h"
#include "mhd-shim.h"
#include "prom.h"

#define HTTP_MAX_CONN 1024u
#define HTTP_TIMEOUT_S 5u
#define HTTP_CONN_MEMORY (16u * 1024)

struct http_server {
	struct MHD_Daemon *d;
	http_collect_fn collect;
	void *arg;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
			     const char *type, char *body, size_t len,
			     bool take)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD(MHD_create_response_from_buffer)(
	    len, body, take ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (take)
			free(body);
		return MHD_NO;
	}
	MHD(MHD_add_response_header)(resp, "Content-Type", type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD(MHD_add_response_header)(resp, "Allow", "GET, HEAD");
	ret = MHD(MHD_queue_response)(conn, status, resp);
	MHD(MHD_destroy_response)(resp);
	return ret;
}

/* The exposition of one moment, malloc'd; its length in *ret_len. */
static char *metrics_page(struct http_server *s, size_t *ret_len)
{
	struct prom_buf b = {0};
	struct series_set set;
	struct snapshot snap;
	double t0 = mono_s();

	s->collect(s->arg, &snap, &set);
	prom_render(&set, &snap, mono_s() - t0, &b);
	series_set_release(&set);
	snapshot_release(&snap);
	*ret_len = b.len;
	return b.p ? b.p : xstrdup("");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	static char not_found[] = "not found: try /metrics\n";
	static char bad_method[] = "only GET and HEAD\n";
	static char index_page[] =
	    "<html><head><title>memtally</title></head><body>"
	    "<h1>memtally</h1><p><a href=\"/metrics\">metrics</a></p>"
	    "</body></html>\n";
	struct http_server *s = cls;
	size_t len;
	char *page;

	/* the first call only announces the request: answer on the second,
	 * after any body has been read (and ignored) */
	if (!*con_cls) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (!streq(method, "GET") && !streq(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     bad_method, strlen(bad_method), false);
	if (streq(url, "/"))
		return reply(conn, MHD_HTTP_OK, "text/html", index_page,
			     strlen(index_page), false);
	if (!streq(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     strlen(not_found), false);
	page = metrics_page(s, &len);
	return reply(conn, MHD_HTTP_OK,
		     "text/plain; version=0.0.4; charset=utf-8", page, len,
		     true);
}

int http_parse_listen(const char *s, struct http_addr *ret)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char host[256];
	const char *port;
	int r;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(close - s - 1),
			 s + 1);
		port = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon)
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
		port = colon + 1;
	}
	if (!host[0])
		snprintf(host, sizeof(host), "127.0.0.1");
	if (!*port || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || strtoul(port, NULL, 10) > 65535)
		return -EINVAL;
	r = getaddrinfo(host, port, &hints, &ai);
	if (r != 0 || !ai)
		return -EADDRNOTAVAIL;
	memcpy(&ret->ss, ai->ai_addr, ai->ai_addrlen);
	ret->len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* The global connection limit: HTTP_MAX_CONN, or what the descriptor
 * limit leaves (raised to its hard limit first) after 64 for the sources
 * a scrape opens. */
static unsigned conn_limit(void)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 64;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < HTTP_MAX_CONN + 64) {
		rl.rlim_cur = rl.rlim_max < HTTP_MAX_CONN + 64
				  ? rl.rlim_max
				  : HTTP_MAX_CONN + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	room = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
	return room < HTTP_MAX_CONN ? (unsigned)room : HTTP_MAX_CONN;
}

int http_load(char **ret_why)
{
	return mhd_shim_load(ret_why);
}

int http_start(const struct http_addr *addr, http_collect_fn collect, void *arg,
	       struct http_server **ret)
{
	struct http_server *s;
	unsigned limit;

	if (mhd_shim_load(NULL) < 0)
		return -EOPNOTSUPP;
	s = xmalloc(sizeof(*s));
	limit = conn_limit();
	*s = (struct http_server){.collect = collect, .arg = arg};
	errno = 0;
	s->d = MHD(MHD_start_daemon)(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
		(addr->ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
	    (const struct sockaddr *)&addr->ss, MHD_OPTION_CONNECTION_LIMIT,
	    limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, limit / 4,
	    MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_END);
	if (!s->d) {
		int r = errno > 0 ? -errno : -EADDRNOTAVAIL;

		free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD(MHD_stop_daemon)(s->d);
	free(s);
}
