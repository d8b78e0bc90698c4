/* `memtally record --db FILE`: the recorder's command.
 *
 * The options, the start, note and stop lines, and the signals; the
 * sampling loop is src/views/record.c (one transaction per sample, a
 * monotonic clock, retention, the owners' pace). It runs in the
 * foreground (systemd runs it as a simple service; see
 * contrib/memtally-record.service). SIGTERM and SIGINT end it after the
 * current sample, exit 0; a write that fails (full disk, I/O error) ends
 * it with exit 1 and one line, and the file keeps every sample before. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "../basic/log.h"
#include "../views/record.h"
#include "cli.h"

const char cmd_record_help[] =
    "Usage: memtally record --db FILE [options]\n"
    "\n"
    "Record samples into FILE, an SQLite database (created when missing),\n"
    "until SIGTERM or SIGINT: every usage category, MemTotal and\n"
    "MemAvailable, and the pool tags and free lists where this memtally\n"
    "reads them. Runs in the foreground; see "
    "contrib/memtally-record.service\n"
    "for a systemd unit. Each sample is one transaction, so a crash or a\n"
    "power cut loses at most the sample being written. A source that\n"
    "cannot be read is recorded as failed and recording goes on; a write\n"
    "that fails (disk full) stops it with exit 1, the file intact.\n"
    "'memtally leaks --db FILE' and 'memtally report --db FILE' read it,\n"
    "also while it is being written. A file that is not a memtally\n"
    "recording is refused.\n"
    "\n"
    "Options:\n"
    "      --db FILE          the recording (required)\n"
    "  -i, --interval S       seconds between samples (default 60; 's',\n"
    "                         'ms', 'm', 'h' suffixes; at least 10ms)\n"
    "  -n, --count N          stop after N samples\n"
    "      --duration D       stop after D (e.g. 90s, 2h, 7d)\n"
    "      --top N            pool tags kept per sample: the N biggest\n"
    "                         (default 30) ...\n"
    "      --threshold SIZE   ... plus any at least SIZE (default 64M)\n"
    "      --owners-top N     per kind of object processes hold (pipes,\n"
    "                         sockets, BPF maps, memfds, ...; see 'owners')\n"
    "                         the N biggest holders as series 'owner:KIND/\n"
    "                         PID', chained to their category (default 5;\n"
    "                         0: none). With --root or -f, what the tree\n"
    "                         or snapshot kept (memtally/owners.json);\n"
    "                         without it the samples record the owners\n"
    "                         as failed\n"
    "      --owners-every K   read the owners every K samples; by default\n"
    "                         as often as keeps their walk of every\n"
    "                         process's descriptors under a tenth of the\n"
    "                         interval (said on stderr when not every one)\n"
    "      --retain-age D     drop samples older than D (default 30d)\n"
    "      --retain-size SIZE keep the data under SIZE (default 200M),\n"
    "                         dropping the oldest samples first\n"
    "      --bpf              also trace kernel allocations by call site\n"
    "                         (eBPF; root and BTF): each site's live "
    "bytes\n"
    "                         since the start become pool tags "
    "'bpf/SITE',\n"
    "                         chained to their category (slab, or pages:\n"
    "                         unaccounted). Where it cannot run, every\n"
    "                         sample records why\n"
    "  -v, --verbose          one line on stdout per sample written:\n"
    "                         'sample N t=MS series=S' (after its commit;\n"
    "                         with --json an object {sample, t_ms, series})\n"
    "  -q, --quiet            no start and stop lines on stderr\n";

static volatile sig_atomic_t record_stop;

static void on_signal(int sig)
{
	record_stop = sig;
}

struct record_opts {
	const char *db;
	bool quiet, verbose;
	struct recorder_opts rec;
};

/* The recorder's hooks: with -v a line per sample written (after its
 * commit: a line here is a sample on disk); the owners' pace unless -q. */
struct record_cli {
	struct ctx *ctx;
	const struct record_opts *o;
};

static void on_sample(void *arg, unsigned long sample, int64_t t_ms,
		      size_t points)
{
	struct record_cli *rc = arg;
	struct doc *d;

	if (!rc->o->verbose)
		return;
	d = doc_new();
	doc_add_count(d, "sample", NULL, sample);
	doc_add_scount(d, "t_ms", NULL, t_ms);
	doc_add_count(d, "series", NULL, points);
	doc_add_line(d, NULL, "sample %lu t=%lld series=%zu", sample,
		     (long long)t_ms, points);
	cli_render(rc->ctx, d);
	fflush(stdout);
}

static void on_owners_pace(void *arg, double took_s, unsigned long k)
{
	struct record_cli *rc = arg;

	if (!rc->o->quiet)
		fprintf(stderr,
			"memtally: note: reading the owners took %.0f "
			"ms; reading them every %lu samples\n",
			took_s * 1000, k);
}

static int write_error(int r, const char *db, const char *what)
{
	if (r == -ENOSPC)
		return log_error(
		    "cannot %s '%s': No space left on device (disk "
		    "full); the recording is intact up to the "
		    "last sample written",
		    what, db);
	return log_error_errno(r, "cannot %s '%s'", what, db);
}

/* One option: -1 to go on, else the exit code to return now. */
static int record_opt(struct ctx *ctx, int c, const char *arg,
		      struct record_opts *o)
{
	unsigned long top;

	switch (c) {
	case 'D':
		o->db = arg;
		return -1;
	case 'i':
		if (cli_parse_duration(arg, &o->rec.interval) < 0 ||
		    o->rec.interval < 0.01 || o->rec.interval > 86400)
			return cli_usage_error(
			    ctx, "bad interval '%s' (10ms to 1d)", arg);
		return -1;
	case 'n':
		if (cli_parse_uint(arg, &o->rec.count) < 0 || !o->rec.count)
			return cli_usage_error(ctx, "bad count '%s'", arg);
		return -1;
	case 'T':
		if (cli_parse_duration(arg, &o->rec.duration) < 0)
			return cli_usage_error(ctx, "bad duration '%s'", arg);
		return -1;
	case 't':
		if (cli_parse_uint(arg, &top) < 0)
			return cli_usage_error(ctx, "bad --top '%s'", arg);
		o->rec.series.top_pools = top;
		return -1;
	case 'H':
		if (cli_parse_size(arg, &o->rec.series.pool_threshold) < 0)
			return cli_usage_error(ctx, "bad --threshold '%s'",
					       arg);
		return -1;
	case 'O':
		if (cli_parse_uint(arg, &top) < 0 || top > 1000)
			return cli_usage_error(ctx, "bad --owners-top '%s'",
					       arg);
		o->rec.series.top_owners = top;
		return -1;
	case 'K':
		if (cli_parse_uint(arg, &o->rec.owners_every) < 0 ||
		    !o->rec.owners_every)
			return cli_usage_error(ctx, "bad --owners-every '%s'",
					       arg);
		return -1;
	case 'A':
		if (cli_parse_duration(arg, &o->rec.retain_age) < 0)
			return cli_usage_error(ctx, "bad --retain-age '%s'",
					       arg);
		return -1;
	case 'S':
		if (cli_parse_size(arg, &o->rec.retain_size) < 0)
			return cli_usage_error(ctx, "bad --retain-size '%s'",
					       arg);
		return -1;
	case 'B':
		o->rec.bpf = true;
		return -1;
	case 'q':
		o->quiet = true;
		return -1;
	case 'v':
		o->verbose = true;
		return -1;
	}
	return cli_opt_default(ctx, c, arg);
}

int cmd_record(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"interval", required_argument, NULL, 'i'},
	    {"count", required_argument, NULL, 'n'},
	    {"duration", required_argument, NULL, 'T'},
	    {"top", required_argument, NULL, 't'},
	    {"threshold", required_argument, NULL, 'H'},
	    {"owners-top", required_argument, NULL, 'O'},
	    {"owners-every", required_argument, NULL, 'K'},
	    {"retain-age", required_argument, NULL, 'A'},
	    {"retain-size", required_argument, NULL, 'S'},
	    {"bpf", no_argument, NULL, 'B'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct record_opts o = {
	    .rec = {.interval = 60,
		    .retain_age = 30 * 86400,
		    .retain_size = 200 << 20,
		    .series = {.top_pools = 30,
			       .pool_threshold = 64 << 20,
			       .top_procs = 10,
			       .top_cgroups = 20,
			       .top_owners = 5}},
	};
	struct sigaction sa = {.sa_handler = on_signal};
	struct record_cli cli = {.ctx = ctx, .o = &o};
	struct recorder rec = {0};
	struct store *st = NULL;
	const char *what = NULL;
	int c, r, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "i:n:qv" CLI_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		r = record_opt(ctx, c, optarg, &o);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (!o.db)
		return cli_usage_error(ctx, "missing --db FILE");
	if (ctx->file)
		return cli_usage_error(ctx,
				       "cannot record from a snapshot (-f)");
	rec.root = ctx_root(ctx);
	if (!rec.root)
		return EXIT_FAIL;
	if (cli_open_store(o.db, 0, &st) < 0)
		return EXIT_FAIL;
	r = recorder_write_meta(st, o.rec.interval);
	if (r < 0) {
		write_error(r, o.db, "write to");
		store_close(st);
		return EXIT_FAIL;
	}
	rec.st = st;
	rec.o = o.rec;
	rec.hooks = (struct recorder_hooks){.sample = on_sample,
					    .owners_pace = on_owners_pace,
					    .arg = &cli,
					    .stop = &record_stop};
	if (o.rec.bpf && recorder_bpf_start(&rec) < 0 && !o.quiet)
		fprintf(stderr,
			"memtally: note: --bpf: %s; recording without it\n",
			rec.bpf_why);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!o.quiet)
		fprintf(stderr,
			"memtally: recording to '%s' every %gs%s (SIGTERM or "
			"Ctrl-C stops)\n",
			o.db, o.rec.interval,
			rec.bpf ? " with the eBPF tracer" : "");
	r = recorder_run(&rec, &what);
	if (r < 0) {
		write_error(r, o.db, what);
		rc = EXIT_FAIL;
	}
	if (!o.quiet && rc == EXIT_OK)
		fprintf(stderr,
			"memtally: recorded %lu samples (%zu series each) to "
			"'%s'%s\n",
			rec.samples, rec.points, o.db,
			record_stop ? ", stopped by signal" : "");
	recorder_release(&rec);
	store_close(st);
	return rc;
}
