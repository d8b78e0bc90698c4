/* What the history views share (diff, leaks, report, and the recorder
 * and exporter in the command layer): collecting one moment as series
 * through a root, and opening a recording with one clear line when that
 * fails. */
#ifndef MEMTALLY_VIEWS_HISTORY_H
#define MEMTALLY_VIEWS_HISTORY_H

#include "../analysis/series.h"
#include "../model/snapshot.h"
#include "../store/store.h"
#include "view.h"

/* Read what series need through root (the sources, the slab caches'
 * types from /sys/kernel/slab, the processes and cgroups o asks for) and
 * turn it into series; the page size is the running kernel's on a live
 * root. Release snap and ret after. */
void history_collect_series(struct root *root, const struct series_opts *o,
			    struct snapshot *snap, struct series_set *ret);

/* Open a recording. Returns 0 or -errno with err saying why. */
int history_open_store(const char *path, unsigned flags, struct store **ret,
		       struct view_err *err);

/* Where a window of a recording starts: all of it, the last secs of it
 * (counted back from its last sample, so an old recording reads the same
 * as a fresh one), or a unix time. */
struct history_since {
	enum { SINCE_ALL, SINCE_AGO, SINCE_UNIX } kind;
	double secs; /* seconds ago, or unix seconds */
};

/* Load the window of the recording at db into ret, and its metadata key
 * values when ret_meta is given (NULL-terminated keys; ret_meta[i]
 * malloc'd or NULL). Returns 0 or -errno with err set. */
int history_load(const char *db, const struct history_since *since,
		 const char *const *meta_keys, char **ret_meta,
		 struct store_data *ret, struct view_err *err);

/* Take one sample through root (history_collect_series() with so) and
 * append it to st at time t_ms; bpf_why, when given, is recorded as the
 * "bpf" source's failure. *ret_points is how many series it held.
 * Returns 0 or the store's -errno. */
int history_record_sample(struct root *root, struct store *st,
			  const struct series_opts *so, const char *bpf_why,
			  int64_t t_ms, size_t *ret_points);

#endif
