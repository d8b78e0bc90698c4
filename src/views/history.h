/* What the history views share (diff, leaks, report, and the recorder
 * and exporter in the command layer): collecting one moment as series
 * through a root, and opening a recording with one clear line when that
 * fails. */
#ifndef MEMTALLY_VIEWS_HISTORY_H
#define MEMTALLY_VIEWS_HISTORY_H

#include "../analysis/series.h"
#include "../model/ownerset.h"
#include "../model/snapshot.h"
#include "../output/table.h"
#include "../store/store.h"
#include "view.h"

/* Read what series need through root (the sources, the slab caches'
 * types from /sys/kernel/slab, the processes, cgroups and owners o asks
 * for) and turn it into series; the page size is the running kernel's on
 * a live root. Owners that cannot be had are named in ret's "failed" as
 * "owners". Release snap and ret after. */
void history_collect_series(struct root *root, const struct series_opts *o,
			    struct snapshot *snap, struct series_set *ret);

/* The owners (model/owners.h) through root: collected on a live root,
 * read back from a snapshot's member memtally/owners.json (or the same
 * file in a captured tree) otherwise. Returns 0, or -errno with *ret_why
 * (malloc'd) saying why there are none; ret is then released. */
int history_owners(struct root *root, struct owner_set *ret, char **ret_why);

/* Under row of t, one text-only row per holder an owner JSON names (the
 * module, process, cgroup: series_owner_holders()): what in column
 * what_col, who in who_col. diff and leaks draw the owner chain so. */
void history_add_holders(struct table *t, size_t row, const char *owner,
			 size_t what_col, size_t who_col);

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

/* What a sample could not have, recorded in its "failed": the tracer
 * (record --bpf) and the owners when the caller collected them itself;
 * NULL: nothing to say. */
struct history_fails {
	const char *bpf;
	const char *owners;
};

/* Take one sample through root (history_collect_series() with so) and
 * append it to st at time t_ms, with fails (or NULL) recorded as failed
 * sources. *ret_points is how many series it held. Returns 0 or the
 * store's -errno. */
int history_record_sample(struct root *root, struct store *st,
			  const struct series_opts *so,
			  const struct history_fails *fails, int64_t t_ms,
			  size_t *ret_points);

#endif
