/* The Prometheus renderer's HTTP edge (libmicrohttpd): `memtally serve`
 * answers GET /metrics with prom_render() of a moment collected afresh
 * at each scrape through a caller's callback. Library code: -errno,
 * nothing printed. The limits (1024 connections, a quarter of them from
 * one address, 5 s of silence, 16 KiB of request headers) are quoted in
 * serve's help (src/cli/cmd-serve.c): change both together. */
#ifndef MEMTALLY_OUTPUT_HTTP_H
#define MEMTALLY_OUTPUT_HTTP_H

#include <sys/socket.h>

#include "../analysis/series.h"
#include "../model/snapshot.h"

/* An address to listen on. */
struct http_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Collect one moment's series for a scrape into snap and ret; the server
 * renders them, then releases both. Called from the server's thread, one
 * scrape at a time. */
typedef void (*http_collect_fn)(void *arg, struct snapshot *snap,
				struct series_set *ret);

struct http_server;

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (loopback) into *ret. Returns 0,
 * -EINVAL when s is malformed, -EADDRNOTAVAIL when HOST does not
 * resolve to a numeric address. */
int http_parse_listen(const char *s, struct http_addr *ret);

/* Load the HTTP library: libmicrohttpd is dlopen()ed (see mhd-shim.h).
 * Returns 0, or -EOPNOTSUPP with a malloc'd reason in *ret_why. */
int http_load(char **ret_why);

/* Serve the metrics on addr from a thread of libmicrohttpd's (it
 * inherits the caller's signal mask): GET or HEAD of /metrics renders
 * what collect gives, / is a link to it, another path is 404, another
 * method 405. Raises the soft RLIMIT_NOFILE toward its hard limit to
 * hold the connection limit. Returns 0, -EOPNOTSUPP when the library
 * cannot be loaded (http_load() says why), or -errno when it cannot
 * listen (address in use or not available). */
int http_start(const struct http_addr *addr, http_collect_fn collect, void *arg,
	       struct http_server **ret);

/* Stop serving: close every connection and join the thread. NULL is
 * fine. */
void http_stop(struct http_server *s);

#endif
