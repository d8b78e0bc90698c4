/* The recorder `memtally record` runs (src/cli/cmd-record.c has its
 * options and messages): samples on a monotonic clock into a recording,
 * with retention, the owners at a pace they can keep, and the eBPF
 * tracer's call sites when asked. Library code: -errno, nothing printed;
 * what the command says comes through hooks. */
#ifndef MEMTALLY_VIEWS_RECORD_H
#define MEMTALLY_VIEWS_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../analysis/series.h"
#include "../store/store.h"
#include "pools-bpf.h"

struct recorder_opts {
	double interval;	    /* seconds between samples */
	unsigned long count;	    /* stop after N samples; 0: no limit */
	double duration;	    /* stop after this long; 0: no limit */
	double retain_age;	    /* drop samples older (s); 0: none */
	uint64_t retain_size;	    /* keep the data under this */
	unsigned long owners_every; /* owners every K samples; 0: auto */
	bool bpf;		    /* record the tracer's call sites */
	struct series_opts series;
};

/* What the loop tells the command; any may be NULL. */
struct recorder_hooks {
	/* a sample is on disk (after its commit) */
	void (*sample)(void *arg, unsigned long sample, int64_t t_ms,
		       size_t points);
	/* the owners took took_s, so they are read every k samples now: k
	 * is over 1 and more than any k said before */
	void (*owners_pace)(void *arg, double took_s, unsigned long k);
	void *arg;
	/* set from a signal handler: stop after the current sample */
	volatile sig_atomic_t *stop;
};

/* A recording session. The caller fills root, st, o and hooks, and
 * releases it with recorder_release(). */
struct recorder {
	struct root *root;
	struct store *st;
	struct recorder_opts o;
	struct recorder_hooks hooks;
	/* the tracer (o.bpf): a session, or why there is none */
	struct pools_bpf *bpf;
	char *bpf_why;
	/* the owners' pace: the next sample to read them in, the largest
	 * K said, why they cannot be had */
	unsigned long owners_next, owners_said;
	char *owners_why;
	/* samples written, series in the last */
	unsigned long samples;
	size_t points;
};

/* Write the recording's metadata: hostname, kernel, interval_s (the
 * interval given) and tool_version. Returns 0 or the store's -errno. */
int recorder_write_meta(struct store *st, double interval);

/* Start the tracer for o.bpf. Returns 0, or -errno with r->bpf_why
 * saying why (every sample then records it as failed). */
int recorder_bpf_start(struct recorder *r);

/* Sample until *hooks.stop, o.count or o.duration; retention at the
 * start and every 100 samples. A source that cannot be read is recorded
 * as failed and the loop goes on. Returns 0, or the store's -errno with
 * *ret_what saying what failed ("write sample to", "apply retention
 * to"). */
int recorder_run(struct recorder *r, const char **ret_what);

/* Stop the tracer and free what r holds (not root, not st). */
void recorder_release(struct recorder *r);

#endif
