/* `memtally record --db FILE`: the recorder.
 *
 * It runs in the foreground (systemd runs it as a simple service; see
 * contrib/memtally-record.service), takes a sample every --interval
 * seconds on a monotonic clock (a slow sample does not shift the ones
 * after it; a sample that overran its slot skips ahead), and writes each
 * sample as one transaction (store.c: WAL, synchronous=FULL), so SIGKILL
 * or a power cut loses at most the sample in flight. SIGTERM and SIGINT
 * end it after the current sample, exit 0. A source that cannot be read
 * is recorded as failed in that sample and the rest goes on; a write that
 * fails (full disk, I/O error) ends it with exit 1 and one line, and the
 * file keeps every sample before. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "../analysis/series.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/snapshot.h"
#include "cli.h"
#include "../views/pools-bpf.h"

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
    "                         'sample N t=MS series=S' (after its commit)\n"
    "  -q, --quiet            no start and stop lines on stderr\n";

static volatile sig_atomic_t record_stop;

static void on_signal(int sig)
{
	record_stop = sig;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ts_add(struct timespec *ts, double s)
{
	double whole = floor(s);

	ts->tv_sec += (time_t)whole;
	ts->tv_nsec += (long)((s - whole) * 1e9);
	while (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

struct record_opts {
	const char *db;
	double interval;
	unsigned long count;
	double duration;
	double retain_age;
	uint64_t retain_size;
	bool bpf, quiet, verbose;
	struct series_opts series;
};

/* The eBPF tracer of this run: a session, or why there is none. */
struct record_bpf {
	struct pools_bpf *b;
	char *why;
};

/* Take one sample and write it. Returns 0 or the store's -errno. */
static int record_one(struct root *root, struct store *st,
		      const struct record_opts *o, struct record_bpf *rb,
		      size_t *ret_points, int64_t *ret_t)
{
	_cleanup_free_ struct store_point *pts = NULL;
	_cleanup_free_ struct bpftag_row *rows = NULL;
	_cleanup_free_ char *bpf_why = NULL;
	struct series_opts so = o->series;
	struct kmemtag_result res = {0};
	bool have_res = false;
	struct series_set set;
	struct snapshot snap;
	int64_t t = now_ms();
	size_t n = 0, nrows = 0;
	char *failed;
	int r = 0;

	if (rb->b) {
		r = pools_bpf_read(rb->b, &rows, &nrows, &res);
		if (r == 0) {
			have_res = true;
			so.bpf_rows = rows;
			so.n_bpf = nrows;
		} else {
			bpf_why = xasprintf("cannot read the tracer: %s",
					    strerror(-r));
		}
		r = 0;
	}
	cli_collect_series(root, &so, &snap, &set);
	if (have_res)
		kmemtag_result_release(&res);
	pts = xmalloc((set.n ? set.n : 1) * sizeof(*pts));
	for (size_t i = 0; i < set.n; i++) {
		bool dup = false;

		r = store_series(st, set.v[i].kind, set.v[i].name,
				 set.v[i].reclaim, set.v[i].owner,
				 &pts[n].series);
		if (r < 0)
			goto out;
		/* two rows with one name (a tag truncated to the same
		 * prefix): keep the first, a sample has one value a series */
		for (size_t k = 0; k < n && !dup; k++)
			dup = pts[k].series == pts[n].series;
		if (!dup)
			pts[n++].value = set.v[i].value;
	}
	failed = set.failed;
	if (o->bpf && (rb->why || bpf_why)) {
		/* honest: asked for and not available, every sample */
		json_object *f = failed ? json_tokener_parse(failed)
					: json_object_new_object();

		if (!f)
			f = json_object_new_object();
		json_object_object_add(
		    f, "bpf",
		    json_object_new_string(bpf_why ? bpf_why : rb->why));
		free(set.failed);
		set.failed = xstrdup(json_object_to_json_string_ext(
		    f,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		failed = set.failed;
		json_object_put(f);
	}
	r = store_append(st, t, pts, n, failed);
	*ret_points = n;
	*ret_t = t;
out:
	series_set_release(&set);
	snapshot_release(&snap);
	return r;
}

static int write_meta(struct store *st, const struct record_opts *o)
{
	struct utsname u;
	char buf[64];
	int r = 0;

	if (uname(&u) == 0) {
		r = store_meta_set(st, "hostname", u.nodename);
		if (r == 0)
			r = store_meta_set(st, "kernel", u.release);
	}
	snprintf(buf, sizeof(buf), "%g", o->interval);
	if (r == 0)
		r = store_meta_set(st, "interval_s", buf);
	if (r == 0)
		r = store_meta_set(st, "tool_version", MEMTALLY_VERSION);
	return r;
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

int cmd_record(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"interval", required_argument, NULL, 'i'},
	    {"count", required_argument, NULL, 'n'},
	    {"duration", required_argument, NULL, 'T'},
	    {"top", required_argument, NULL, 't'},
	    {"threshold", required_argument, NULL, 'H'},
	    {"retain-age", required_argument, NULL, 'A'},
	    {"retain-size", required_argument, NULL, 'S'},
	    {"bpf", no_argument, NULL, 'B'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct record_opts o = {
	    .interval = 60,
	    .retain_age = 30 * 86400,
	    .retain_size = 200 << 20,
	    .series = {.top_pools = 30,
		       .pool_threshold = 64 << 20,
		       .top_procs = 10,
		       .top_cgroups = 20},
	};
	struct sigaction sa = {.sa_handler = on_signal};
	struct timespec next, end = {0}, now;
	struct store *st = NULL;
	struct record_bpf rb = {0};
	struct root *root;
	unsigned long samples = 0, top;
	size_t points = 0;
	int64_t t_ms = 0;
	int c, r, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "i:n:qv" CLI_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o.db = optarg;
			continue;
		case 'i':
			if (cli_parse_duration(optarg, &o.interval) < 0 ||
			    o.interval < 0.01 || o.interval > 86400)
				return cli_usage_error(
				    ctx, "bad interval '%s' (10ms to 1d)",
				    optarg);
			continue;
		case 'n':
			if (cli_parse_uint(optarg, &o.count) < 0 || !o.count)
				return cli_usage_error(ctx, "bad count '%s'",
						       optarg);
			continue;
		case 'T':
			if (cli_parse_duration(optarg, &o.duration) < 0)
				return cli_usage_error(ctx, "bad duration '%s'",
						       optarg);
			continue;
		case 't':
			if (cli_parse_uint(optarg, &top) < 0)
				return cli_usage_error(ctx, "bad --top '%s'",
						       optarg);
			o.series.top_pools = top;
			continue;
		case 'H':
			if (cli_parse_size(optarg, &o.series.pool_threshold) <
			    0)
				return cli_usage_error(
				    ctx, "bad --threshold '%s'", optarg);
			continue;
		case 'A':
			if (cli_parse_duration(optarg, &o.retain_age) < 0)
				return cli_usage_error(
				    ctx, "bad --retain-age '%s'", optarg);
			continue;
		case 'S':
			if (cli_parse_size(optarg, &o.retain_size) < 0)
				return cli_usage_error(
				    ctx, "bad --retain-size '%s'", optarg);
			continue;
		case 'B':
			o.bpf = true;
			continue;
		case 'q':
			o.quiet = true;
			continue;
		case 'v':
			o.verbose = true;
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (!o.db)
		return cli_usage_error(ctx, "missing --db FILE");
	if (ctx->file)
		return cli_usage_error(ctx,
				       "cannot record from a snapshot (-f)");
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	if (cli_open_store(o.db, 0, &st) < 0)
		return EXIT_FAIL;
	r = write_meta(st, &o);
	if (r < 0) {
		write_error(r, o.db, "write to");
		store_close(st);
		return EXIT_FAIL;
	}

	if (o.bpf) {
		r = pools_bpf_start(ctx_root(ctx),
				    &(struct pools_bpf_opts){.level = -1},
				    &rb.b, &rb.why);
		if (r < 0 && !rb.why)
			rb.why = xasprintf("cannot start the tracer: %s",
					   strerror(-r));
		if (r < 0 && !o.quiet)
			fprintf(stderr,
				"memtally: note: --bpf: %s; recording without "
				"it\n",
				rb.why);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!o.quiet)
		fprintf(stderr,
			"memtally: recording to '%s' every %gs%s (SIGTERM or "
			"Ctrl-C stops)\n",
			o.db, o.interval, rb.b ? " with the eBPF tracer" : "");

	clock_gettime(CLOCK_MONOTONIC, &next);
	if (o.duration > 0) {
		end = next;
		ts_add(&end, o.duration);
	}
	while (!record_stop) {
		r = record_one(root, st, &o, &rb, &points, &t_ms);
		if (r < 0) {
			write_error(r, o.db, "write sample to");
			rc = EXIT_FAIL;
			break;
		}
		samples++;
		if (o.verbose) {
			/* after the commit: a line here is a sample on disk */
			printf("sample %lu t=%lld series=%zu\n", samples,
			       (long long)t_ms, points);
			fflush(stdout);
		}
		/* retention: at the start and then every 100 samples */
		if (samples % 100 == 1) {
			int64_t min_t =
			    o.retain_age > 0
				? now_ms() - (int64_t)(o.retain_age * 1000)
				: 0;

			r = store_retain(st, min_t, o.retain_size);
			if (r < 0) {
				write_error(r, o.db, "apply retention to");
				rc = EXIT_FAIL;
				break;
			}
		}
		if (o.count && samples >= o.count)
			break;
		ts_add(&next, o.interval);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_before(&next, &now))
			next = now; /* overran: skip ahead, do not burst */
		if (o.duration > 0 && !ts_before(&next, &end))
			break;
		/* with the tracer, wake each second to audit its object
		 * table (pools_bpf_wait explains why) */
		for (;;) {
			struct timespec wake = next;

			if (rb.b) {
				clock_gettime(CLOCK_MONOTONIC, &now);
				ts_add(&now, 1);
				if (ts_before(&now, &next))
					wake = now;
			}
			while (!record_stop &&
			       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &wake, NULL) == EINTR)
				;
			if (record_stop || !ts_before(&wake, &next))
				break;
			pools_bpf_audit(rb.b);
		}
	}
	if (!o.quiet && rc == EXIT_OK)
		fprintf(stderr,
			"memtally: recorded %lu samples (%zu series each) to "
			"'%s'%s\n",
			samples, points, o.db,
			record_stop ? ", stopped by signal" : "");
	if (rb.b)
		pools_bpf_stop(rb.b);
	free(rb.why);
	store_close(st);
	return rc;
}
