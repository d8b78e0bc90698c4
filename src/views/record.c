/* The recorder: the sampling loop of `memtally record` (see record.h).
 *
 * It takes a sample every interval on a monotonic clock (a slow sample
 * does not shift the ones after it; a sample that overran its slot skips
 * ahead, it does not burst), and writes each sample as one transaction
 * (store.c: WAL, synchronous=FULL), so SIGKILL or a power cut loses at
 * most the sample in flight. A stop request ends it after the current
 * sample. A source that cannot be read is recorded as failed in that
 * sample and the rest goes on; a write that fails (full disk, I/O error)
 * ends it with the store's -errno, and the file keeps every sample
 * before.
 *
 * The owners' pace: the walk of every process's descriptors costs ~20 ms
 * on a quiet machine with a hundred processes and ~0.5 s with a thousand
 * holding 50 descriptors each (release build). Unless owners_every says,
 * the owners are read every K samples, K chosen after each read so that
 * they take at most a tenth of the interval; the samples between have no
 * owner series (absent, not zero). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "../basic/xalloc.h"
#include "history.h"
#include "record.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static bool stopped(const struct recorder *r)
{
	return r->hooks.stop && *r->hooks.stop;
}

int recorder_write_meta(struct store *st, double interval)
{
	struct utsname u;
	char buf[64];
	int r = 0;

	if (uname(&u) == 0) {
		r = store_meta_set(st, "hostname", u.nodename);
		if (r == 0)
			r = store_meta_set(st, "kernel", u.release);
	}
	snprintf(buf, sizeof(buf), "%g", interval);
	if (r == 0)
		r = store_meta_set(st, "interval_s", buf);
	if (r == 0)
		r = store_meta_set(st, "tool_version", MEMTALLY_VERSION);
	return r;
}

int recorder_bpf_start(struct recorder *r)
{
	int k = pools_bpf_start(r->root, &(struct pools_bpf_opts){.level = -1},
				&r->bpf, &r->bpf_why);

	if (k < 0 && !r->bpf_why)
		r->bpf_why =
		    xasprintf("cannot start the tracer: %s", strerror(-k));
	return k;
}

/* Read the owners for sample into ret when it is their turn. Returns
 * whether ret was filled; a failure is put in fails. */
static bool read_owners(struct recorder *r, unsigned long sample,
			struct owner_set *ret, struct history_fails *fails)
{
	double t0 = mono_now(), took;
	unsigned long k;

	/* a tree or snapshot will not grow them: say it every sample */
	if (r->owners_why && !root_is_live(r->root)) {
		fails->owners = r->owners_why;
		return false;
	}
	if (sample < r->owners_next)
		return false;
	free(r->owners_why);
	r->owners_why = NULL;
	if (history_owners(r->root, ret, &r->owners_why) < 0) {
		fails->owners = r->owners_why;
		return false;
	}
	took = mono_now() - t0;
	k = r->o.owners_every;
	if (!k) {
		double per = took / (0.1 * r->o.interval);

		k = per <= 1 ? 1 : (unsigned long)ceil(per);
		if (k > 1 && k > r->owners_said && r->hooks.owners_pace)
			r->hooks.owners_pace(r->hooks.arg, took, k);
		if (k > r->owners_said)
			r->owners_said = k;
	}
	r->owners_next = sample + k;
	return true;
}

/* Take one sample and write it, then tell the sample hook. Returns 0 or
 * the store's -errno. */
static int sample_one(struct recorder *r, unsigned long sample)
{
	_cleanup_free_ struct bpftag_row *rows = NULL;
	_cleanup_free_ char *bpf_why = NULL;
	struct series_opts so = r->o.series;
	struct history_fails fails = {0};
	struct kmemtag_result res = {0};
	struct owner_set os;
	int64_t t = now_ms();
	bool have_res = false;
	size_t nrows = 0;
	int k;

	if (r->bpf) {
		k = pools_bpf_read(r->bpf, &rows, &nrows, &res);
		if (k == 0) {
			have_res = true;
			so.bpf_rows = rows;
			so.n_bpf = nrows;
		} else {
			bpf_why = xasprintf("cannot read the tracer: %s",
					    strerror(-k));
		}
	}
	if (so.top_owners && read_owners(r, sample, &os, &fails))
		so.owners = &os;
	else
		so.top_owners = 0;
	fails.bpf = !r->o.bpf ? NULL : bpf_why ? bpf_why : r->bpf_why;
	k = history_record_sample(r->root, r->st, &so, &fails, t, &r->points);
	if (so.owners)
		owner_set_release(&os);
	if (have_res)
		kmemtag_result_release(&res);
	if (k == 0 && r->hooks.sample)
		r->hooks.sample(r->hooks.arg, sample, t, r->points);
	return k;
}

/* Sleep until next; with the tracer, wake each second to audit its
 * object table (pools_bpf_wait explains why). */
static void wait_until(struct recorder *r, const struct timespec *next)
{
	struct timespec now;

	for (;;) {
		struct timespec wake = *next;

		if (r->bpf) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			ts_add(&now, 1);
			if (ts_before(&now, next))
				wake = now;
		}
		while (!stopped(r) &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake,
				       NULL) == EINTR)
			;
		if (stopped(r) || !ts_before(&wake, next))
			break;
		pools_bpf_audit(r->bpf);
	}
}

int recorder_run(struct recorder *r, const char **ret_what)
{
	struct timespec next, end = {0}, now;
	int k;

	clock_gettime(CLOCK_MONOTONIC, &next);
	if (r->o.duration > 0) {
		end = next;
		ts_add(&end, r->o.duration);
	}
	while (!stopped(r)) {
		k = sample_one(r, r->samples + 1);
		if (k < 0) {
			*ret_what = "write sample to";
			return k;
		}
		r->samples++;
		if (r->samples % 100 == 1) {
			int64_t min_t =
			    r->o.retain_age > 0
				? now_ms() - (int64_t)(r->o.retain_age * 1000)
				: 0;

			k = store_retain(r->st, min_t, r->o.retain_size);
			if (k < 0) {
				*ret_what = "apply retention to";
				return k;
			}
		}
		if (r->o.count && r->samples >= r->o.count)
			break;
		ts_add(&next, r->o.interval);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_before(&next, &now))
			next = now; /* overran: skip ahead, do not burst */
		if (r->o.duration > 0 && !ts_before(&next, &end))
			break;
		wait_until(r, &next);
	}
	return 0;
}

void recorder_release(struct recorder *r)
{
	if (r->bpf)
		pools_bpf_stop(r->bpf);
	r->bpf = NULL;
	free(r->bpf_why);
	r->bpf_why = NULL;
	free(r->owners_why);
	r->owners_why = NULL;
}
