/* The BPF pool-tag tracer as the views use it: `pools --source bpf`,
 * `top` and `record --bpf`. A session resolves call sites through
 * /proc/kallsyms, loads and attaches kmemtag, and reads rows on demand;
 * pools_bpf_stop() detaches everything (and so does the process's exit, on any
 * path: the programs are held by file descriptors only, never pinned). */
#ifndef MEMTALLY_POOLS_BPF_H
#define MEMTALLY_POOLS_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../analysis/bpftags.h"
#include "../root/root.h"

struct pools_bpf_opts {
	double duration;       /* seconds to trace (pools) */
	double interval;       /* print every this many seconds; 0 = at end */
	unsigned sample_shift; /* track 1 object in 2^k */
	unsigned objects;      /* object-table size */
	bool no_pages;
	bool raw_tp; /* --attach raw_tp */
	int level;   /* kmemtag_opts.level; -1 = default */
};

struct pools_bpf;

/* Start tracing the kernel root is (it must be the live system). On
 * failure returns -errno and a malloc'd one-line reason in *ret_why;
 * prints nothing. */
int pools_bpf_start(struct root *root, const struct pools_bpf_opts *o,
		    struct pools_bpf **ret, char **ret_why);
/* Rows now (sorted by live bytes, biggest first), and the raw result
 * for the notes. Free rows with free(); release res. */
int pools_bpf_read(struct pools_bpf *b, struct bpftag_row **ret_rows,
		   size_t *ret_n, struct kmemtag_result *ret_res);
/* Notes for a view: attach points left out, what the tracer could not
 * count, its own memory, estimation. Up to max malloc'd lines into out;
 * returns how many. */
size_t pools_bpf_notes(struct pools_bpf *b, const struct kmemtag_result *res,
		       char **out, size_t max);
/* A one-line status for a header: "bpf: 9 tracepoints, 17.6 MiB". */
void pools_bpf_status(struct pools_bpf *b, const struct kmemtag_result *res,
		      char *buf, size_t n);
/* The status of the last pools_bpf_read() ("" before the first). */
const char *pools_bpf_last_status(const struct pools_bpf *b);
void pools_bpf_stop(struct pools_bpf *b);

/* Stop the waits below on SIGINT, SIGTERM and SIGHUP (on), or put the
 * previous handlers back (off). */
void pools_bpf_signals(bool on);
/* Sleep up to secs, auditing the tracer's object table about once a
 * second (kmemtag_audit); false when one of those signals asked us to
 * stop. */
bool pools_bpf_wait(struct pools_bpf *b, double secs);
/* How the programs were attached: "tp_btf" or "raw_tp". */
const char *pools_bpf_attach(struct pools_bpf *b);
/* kmemtag_audit() of the tracer b holds; safe on NULL. */
void pools_bpf_audit(struct pools_bpf *b);

#endif
