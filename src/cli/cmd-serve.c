/* `memtally serve`: Prometheus metrics over HTTP.
 *
 * The options, then the HTTP edge of the Prometheus renderer
 * (src/output/http.c: libmicrohttpd, the connection limits, the listen
 * address) serving the series views/history.c collects at each scrape.
 * It binds to loopback unless --listen names another address. The main
 * thread waits for SIGTERM or SIGINT (or --duration), then stops the
 * server cleanly. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../basic/log.h"
#include "../output/http.h"
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
    "                          5; 0: none; with --root or -f, what the\n"
    "                          tree or snapshot kept)\n"
    "      --duration D        stop by itself after D (e.g. 60s)\n"
    "  -q, --quiet             no start line on stderr\n";

struct serve_state {
	struct root *root;
	struct series_opts series;
};

/* The moment a scrape shows (http_collect_fn). */
static void serve_collect(void *arg, struct snapshot *snap,
			  struct series_set *ret)
{
	struct serve_state *st = arg;

	history_collect_series(st->root, &st->series, snap, ret);
}

/* Wait for SIGTERM or SIGINT in set, or duration seconds (> 0). */
static void serve_wait(const sigset_t *set, double duration)
{
	struct timespec wait;
	int sig;

	if (duration > 0) {
		wait.tv_sec = (time_t)duration;
		wait.tv_nsec = (long)((duration - (double)wait.tv_sec) * 1e9);
		do
			sig = sigtimedwait(set, NULL, &wait);
		while (sig < 0 && errno == EINTR);
	} else {
		sigwait(set, &sig);
	}
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
	struct http_server *srv;
	struct http_addr addr;
	char *why = NULL;
	sigset_t set, old;
	int c, r;

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
	if (http_parse_listen(o.listen, &addr) < 0)
		return cli_usage_error(ctx,
				       "bad --listen '%s' (HOST:PORT, "
				       "[V6ADDR]:PORT)",
				       o.listen);
	st.root = ctx_root(ctx);
	if (!st.root)
		return EXIT_FAIL;
	if (http_load(&why) < 0) {
		log_error("%s", why);
		free(why);
		return EXIT_FAIL;
	}

	/* the server's thread inherits this mask: signals come to sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (http_start(&addr, serve_collect, &st, &srv) < 0) {
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
	serve_wait(&set, o.duration);
	http_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return EXIT_OK;
}
