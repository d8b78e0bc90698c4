/* `memtally serve`: Prometheus metrics over HTTP (libmicrohttpd).
 *
 * One internal polling thread of libmicrohttpd answers requests; each
 * GET /metrics reads the kernel afresh (the same series `record` stores,
 * output/prom.c renders them), so a scrape costs one read of each source
 * and nothing runs between scrapes. It binds to loopback unless --listen
 * names another address. Anything but GET or HEAD is 405, any other path
 * 404; malformed requests are answered 400 by libmicrohttpd itself. The
 * main thread waits for SIGTERM or SIGINT (or --duration), then stops the
 * daemon cleanly.
 *
 * A local user must not be able to block scrapes (issue 12: 64 idle
 * sockets, or a slowloris trickling one header line every 0.5 s, starved
 * every scrape under a 64-connection limit). So: epoll, not select, and a
 * global limit of SERVE_MAX_CONN (bounded by RLIMIT_NOFILE, whose soft
 * limit is raised to the hard one) that idle sockets cannot fill before
 * they are dropped; a per-address limit of a quarter of that, so one
 * address cannot take every slot from the others (a Prometheus server
 * scrapes from its own address); SERVE_TIMEOUT_S seconds of silence close
 * a connection; and a slowloris runs into the 16 KiB header limit of its
 * connection's memory pool (answered 431 and closed). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../analysis/series.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/snapshot.h"
#include "../output/prom.h"
#include "../views/history.h"
#include "cli.h"

const char cmd_serve_help[] =
    "Usage: memtally serve [options]\n"
    "\n"
    "Serve Prometheus metrics over HTTP at /metrics, read afresh at each\n"
    "scrape, named in node_exporter's style:\n"
    "\n"
    "  memtally_usage_bytes{category,reclaim}  every usage category\n"
    "  memtally_memory_total_bytes, memtally_memory_available_bytes\n"
    "  memtally_pool_bytes{source,tag,type}    the top pool tags, and\n"
    "  memtally_pool_other_bytes{source,type}  the rest summed\n"
    "  memtally_free_bytes{node,zone,order}    free blocks by order\n"
    "  memtally_cgroup_memory_bytes{cgroup}    the 20 biggest cgroups\n"
    "  memtally_owner_bytes{kind,pid,comm}     kernel memory processes\n"
    "                                          hold through pipes, sockets,\n"
    "                                          BPF maps, ...: the top holders\n"
    "                                          per kind (see 'owners')\n"
    "  memtally_source_up{source}              1 readable, 0 not\n"
    "  memtally_scrape_duration_seconds\n"
    "\n"
    "The number of series is fixed (top N pool tags and holders plus\n"
    "totals), so a fleet's Prometheus does not grow with the kernel's\n"
    "slab caches or a machine's processes.\n"
    "contrib/prometheus/memtally-alerts.yml has alert rules that catch a\n"
    "leak with predict_linear() on the same series 'leaks' analyses.\n"
    "Runs in the foreground until SIGTERM or SIGINT. It holds at most\n"
    "1024 connections, 256 from one address, and closes one after 5 s of\n"
    "silence or 16 KiB of request headers, so idle or slow clients cannot\n"
    "starve a scrape.\n"
    "\n"
    "Options:\n"
    "      --listen ADDR:PORT  where to listen (default 127.0.0.1:9277;\n"
    "                          [::1]:9277 for IPv6; 0.0.0.0:9277 for\n"
    "                          every interface)\n"
    "      --top N             pool tags listed (default 20)\n"
    "      --owners-top N      holders listed per kind of object (default\n"
    "                          5; 0: none; live only)\n"
    "      --duration D        stop by itself after D (e.g. 60s)\n"
    "  -q, --quiet             no start line on stderr\n";

#define SERVE_MAX_CONN 1024u
#define SERVE_TIMEOUT_S 5u
#define SERVE_CONN_MEMORY (16u * 1024)

struct serve_state {
	struct root *root;
	struct series_opts series;
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

	resp = MHD_create_response_from_buffer(
	    len, body, take ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (take)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static char *metrics_page(struct serve_state *st, size_t *ret_len)
{
	struct prom_buf b = {0};
	struct series_set set;
	struct snapshot snap;
	double t0 = mono_s();

	history_collect_series(st->root, &st->series, &snap, &set);
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
	struct serve_state *st = cls;
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
	page = metrics_page(st, &len);
	return reply(conn, MHD_HTTP_OK,
		     "text/plain; version=0.0.4; charset=utf-8", page, len,
		     true);
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (loopback) into an address. */
static int parse_listen(const char *s, struct sockaddr_storage *ret,
			socklen_t *ret_len)
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
	memcpy(ret, ai->ai_addr, ai->ai_addrlen);
	*ret_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* The global connection limit: SERVE_MAX_CONN, or what the descriptor
 * limit leaves (raised to its hard limit first) after 64 for the sources
 * a scrape opens. */
static unsigned conn_limit(void)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 64;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < SERVE_MAX_CONN + 64) {
		rl.rlim_cur = rl.rlim_max < SERVE_MAX_CONN + 64
				  ? rl.rlim_max
				  : SERVE_MAX_CONN + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	room = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
	return room < SERVE_MAX_CONN ? (unsigned)room : SERVE_MAX_CONN;
}

struct serve_opts {
	const char *listen;
	unsigned long top_pools, top_owners;
	double duration;
	bool quiet;
};

/* One of serve's own options into o: -1 to go on, else the exit code. */
static int serve_opt(struct ctx *ctx, int c, const char *arg,
		     struct serve_opts *o)
{
	switch (c) {
	case 'l':
		o->listen = arg;
		return -1;
	case 't':
		if (cli_parse_uint(arg, &o->top_pools) < 0 ||
		    o->top_pools > 10000)
			return cli_usage_error(ctx, "bad --top '%s'", arg);
		return -1;
	case 'O':
		if (cli_parse_uint(arg, &o->top_owners) < 0 ||
		    o->top_owners > 1000)
			return cli_usage_error(ctx, "bad --owners-top '%s'",
					       arg);
		return -1;
	case 'T':
		if (cli_parse_duration(arg, &o->duration) < 0)
			return cli_usage_error(ctx, "bad duration '%s'", arg);
		return -1;
	case 'q':
		o->quiet = true;
		return -1;
	}
	return cli_opt_default(ctx, c, arg);
}

int cmd_serve(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"top", required_argument, NULL, 't'},
	    {"owners-top", required_argument, NULL, 'O'},
	    {"duration", required_argument, NULL, 'T'},
	    {"quiet", no_argument, NULL, 'q'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct serve_opts o = {
	    .listen = "127.0.0.1:9277", .top_pools = 20, .top_owners = 5};
	struct serve_state st = {.series = {.top_pools = 20,
					    .pool_threshold = UINT64_MAX,
					    .top_cgroups = 20,
					    .top_owners = 5}};
	struct sockaddr_storage addr;
	struct MHD_Daemon *d;
	struct timespec wait;
	socklen_t alen;
	sigset_t set, old;
	unsigned limit;
	int c, r, sig;

	while ((c = getopt_long(argc, argv, "q" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		r = serve_opt(ctx, c, optarg, &o);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	st.series.top_pools = o.top_pools;
	st.series.top_owners = o.top_owners;
	if (parse_listen(o.listen, &addr, &alen) < 0)
		return cli_usage_error(ctx,
				       "bad --listen '%s' (HOST:PORT, "
				       "[V6ADDR]:PORT)",
				       o.listen);
	st.root = ctx_root(ctx);
	if (!st.root)
		return EXIT_FAIL;

	/* the daemon's thread inherits this mask: signals come to sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	limit = conn_limit();
	d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
		(addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, handle, &st, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, limit / 4,
	    MHD_OPTION_CONNECTION_TIMEOUT, SERVE_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONN_MEMORY,
	    MHD_OPTION_END);
	if (!d) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		log_error("cannot listen on '%s': address in use or not "
			  "available",
			  o.listen);
		return EXIT_FAIL;
	}
	if (!o.quiet)
		fprintf(stderr,
			"memtally: serving metrics at http://%s/metrics\n",
			o.listen);
	if (o.duration > 0) {
		wait.tv_sec = (time_t)o.duration;
		wait.tv_nsec = (long)((o.duration - (double)wait.tv_sec) * 1e9);
		do
			sig = sigtimedwait(&set, NULL, &wait);
		while (sig < 0 && errno == EINTR);
	} else {
		sigwait(&set, &sig);
	}
	MHD_stop_daemon(d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return EXIT_OK;
}
