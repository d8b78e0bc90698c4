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

#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../views/history.h"
#include "../views/pools-bpf.h"
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
    "                         0: none). Live only: on --root the samples\n"
    "                         record the owners as failed\n"
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
	unsigned long owners_every; /* owners every K samples; 0: auto */
	struct series_opts series;
};

/* The eBPF tracer of this run: a session, or why there is none. */
struct record_bpf {
	struct pools_bpf *b;
	char *why;
};

/* The owners' pace: the walk of every process's descriptors costs ~20 ms
 * on a quiet machine with a hundred processes and ~0.5 s with a thousand
 * holding 50 descriptors each (release build). Unless --owners-every
 * says, the owners are read every K samples, K chosen after each read so
 * that they take at most a tenth of the interval; the samples between
 * have no owner series (absent, not zero). */
struct record_owners {
	unsigned long every; /* now */
	unsigned long next;  /* the next sample to read them in */
	unsigned long said;  /* the largest K said on stderr */
	char *why;	     /* why they cannot be had (said once) */
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read the owners for sample into ret when it is their turn. Returns
 * whether ret was filled; a failure is put in fails. */
static bool record_owners(struct root *root, const struct record_opts *o,
			  struct record_owners *ro, unsigned long sample,
			  struct owner_set *ret, struct history_fails *fails)
{
	double t0 = mono_now(), took;
	unsigned long k;

	/* a tree or snapshot will not grow them: say it every sample */
	if (ro->why && !root_is_live(root)) {
		fails->owners = ro->why;
		return false;
	}
	if (sample < ro->next)
		return false;
	free(ro->why);
	ro->why = NULL;
	if (history_owners(root, ret, &ro->why) < 0) {
		fails->owners = ro->why;
		return false;
	}
	took = mono_now() - t0;
	k = o->owners_every;
	if (!k) {
		double per = took / (0.1 * o->interval);

		k = per <= 1 ? 1 : (unsigned long)ceil(per);
		if (k > 1 && k > ro->said && !o->quiet)
			fprintf(stderr,
				"memtally: note: reading the owners took %.0f "
				"ms; reading them every %lu samples\n",
				took * 1000, k);
		if (k > ro->said)
			ro->said = k;
	}
	ro->every = k;
	ro->next = sample + k;
	return true;
}

/* Take one sample and write it; with -v say so (after the commit: a
 * line here is a sample on disk). Returns 0 or the store's -errno. */
static int record_one(struct ctx *ctx, struct root *root, struct store *st,
		      const struct record_opts *o, struct record_bpf *rb,
		      struct record_owners *ro, unsigned long sample,
		      size_t *ret_points)
{
	_cleanup_free_ struct bpftag_row *rows = NULL;
	_cleanup_free_ char *bpf_why = NULL;
	struct series_opts so = o->series;
	struct history_fails fails = {0};
	struct kmemtag_result res = {0};
	struct owner_set os;
	int64_t t = now_ms();
	bool have_res = false;
	size_t nrows = 0;
	struct doc *d;
	int r;

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
	}
	if (so.top_owners && record_owners(root, o, ro, sample, &os, &fails))
		so.owners = &os;
	else
		so.top_owners = 0;
	fails.bpf = !o->bpf ? NULL : bpf_why ? bpf_why : rb->why;
	r = history_record_sample(root, st, &so, &fails, t, ret_points);
	if (so.owners)
		owner_set_release(&os);
	if (have_res)
		kmemtag_result_release(&res);
	if (r < 0 || !o->verbose)
		return r;
	d = doc_new();
	doc_add_count(d, "sample", NULL, sample);
	doc_add_scount(d, "t_ms", NULL, t);
	doc_add_count(d, "series", NULL, *ret_points);
	doc_add_line(d, NULL, "sample %lu t=%lld series=%zu", sample,
		     (long long)t, *ret_points);
	cli_render(ctx, d);
	fflush(stdout);
	return 0;
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
		if (cli_parse_duration(arg, &o->interval) < 0 ||
		    o->interval < 0.01 || o->interval > 86400)
			return cli_usage_error(
			    ctx, "bad interval '%s' (10ms to 1d)", arg);
		return -1;
	case 'n':
		if (cli_parse_uint(arg, &o->count) < 0 || !o->count)
			return cli_usage_error(ctx, "bad count '%s'", arg);
		return -1;
	case 'T':
		if (cli_parse_duration(arg, &o->duration) < 0)
			return cli_usage_error(ctx, "bad duration '%s'", arg);
		return -1;
	case 't':
		if (cli_parse_uint(arg, &top) < 0)
			return cli_usage_error(ctx, "bad --top '%s'", arg);
		o->series.top_pools = top;
		return -1;
	case 'H':
		if (cli_parse_size(arg, &o->series.pool_threshold) < 0)
			return cli_usage_error(ctx, "bad --threshold '%s'",
					       arg);
		return -1;
	case 'O':
		if (cli_parse_uint(arg, &top) < 0 || top > 1000)
			return cli_usage_error(ctx, "bad --owners-top '%s'",
					       arg);
		o->series.top_owners = top;
		return -1;
	case 'K':
		if (cli_parse_uint(arg, &o->owners_every) < 0 ||
		    !o->owners_every)
			return cli_usage_error(ctx, "bad --owners-every '%s'",
					       arg);
		return -1;
	case 'A':
		if (cli_parse_duration(arg, &o->retain_age) < 0)
			return cli_usage_error(ctx, "bad --retain-age '%s'",
					       arg);
		return -1;
	case 'S':
		if (cli_parse_size(arg, &o->retain_size) < 0)
			return cli_usage_error(ctx, "bad --retain-size '%s'",
					       arg);
		return -1;
	case 'B':
		o->bpf = true;
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

/* Sleep until next; with the tracer, wake each second to audit its
 * object table (pools_bpf_wait explains why). */
static void record_wait(const struct timespec *next, struct record_bpf *rb)
{
	struct timespec now;

	for (;;) {
		struct timespec wake = *next;

		if (rb->b) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			ts_add(&now, 1);
			if (ts_before(&now, next))
				wake = now;
		}
		while (!record_stop &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake,
				       NULL) == EINTR)
			;
		if (record_stop || !ts_before(&wake, next))
			break;
		pools_bpf_audit(rb->b);
	}
}

/* Sample until a signal, --count or --duration; retention at the start
 * and every 100 samples. Returns the exit code. */
static int record_loop(struct ctx *ctx, struct root *root, struct store *st,
		       const struct record_opts *o, struct record_bpf *rb,
		       struct record_owners *ro, unsigned long *ret_samples,
		       size_t *ret_points)
{
	struct timespec next, end = {0}, now;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &next);
	if (o->duration > 0) {
		end = next;
		ts_add(&end, o->duration);
	}
	while (!record_stop) {
		r = record_one(ctx, root, st, o, rb, ro, *ret_samples + 1,
			       ret_points);
		if (r < 0) {
			write_error(r, o->db, "write sample to");
			return EXIT_FAIL;
		}
		(*ret_samples)++;
		if (*ret_samples % 100 == 1) {
			int64_t min_t =
			    o->retain_age > 0
				? now_ms() - (int64_t)(o->retain_age * 1000)
				: 0;

			r = store_retain(st, min_t, o->retain_size);
			if (r < 0) {
				write_error(r, o->db, "apply retention to");
				return EXIT_FAIL;
			}
		}
		if (o->count && *ret_samples >= o->count)
			break;
		ts_add(&next, o->interval);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_before(&next, &now))
			next = now; /* overran: skip ahead, do not burst */
		if (o->duration > 0 && !ts_before(&next, &end))
			break;
		record_wait(&next, rb);
	}
	return EXIT_OK;
}

/* The tracer for --bpf, or why there is none (said once on stderr). */
static void record_bpf_start(struct ctx *ctx, const struct record_opts *o,
			     struct record_bpf *rb)
{
	int r = pools_bpf_start(ctx_root(ctx),
				&(struct pools_bpf_opts){.level = -1}, &rb->b,
				&rb->why);

	if (r < 0 && !rb->why)
		rb->why =
		    xasprintf("cannot start the tracer: %s", strerror(-r));
	if (r < 0 && !o->quiet)
		fprintf(stderr,
			"memtally: note: --bpf: %s; recording without it\n",
			rb->why);
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
	    .interval = 60,
	    .retain_age = 30 * 86400,
	    .retain_size = 200 << 20,
	    .series = {.top_pools = 30,
		       .pool_threshold = 64 << 20,
		       .top_procs = 10,
		       .top_cgroups = 20,
		       .top_owners = 5},
	};
	struct sigaction sa = {.sa_handler = on_signal};
	struct store *st = NULL;
	struct record_bpf rb = {0};
	struct record_owners ro = {0};
	struct root *root;
	unsigned long samples = 0;
	size_t points = 0;
	int c, r, rc;

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
	if (o.bpf)
		record_bpf_start(ctx, &o, &rb);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!o.quiet)
		fprintf(stderr,
			"memtally: recording to '%s' every %gs%s (SIGTERM or "
			"Ctrl-C stops)\n",
			o.db, o.interval, rb.b ? " with the eBPF tracer" : "");
	rc = record_loop(ctx, root, st, &o, &rb, &ro, &samples, &points);
	if (!o.quiet && rc == EXIT_OK)
		fprintf(stderr,
			"memtally: recorded %lu samples (%zu series each) to "
			"'%s'%s\n",
			samples, points, o.db,
			record_stop ? ", stopped by signal" : "");
	if (rb.b)
		pools_bpf_stop(rb.b);
	free(rb.why);
	free(ro.why);
	store_close(st);
	return rc;
}
