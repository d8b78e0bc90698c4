/* The difference of two moments: every series (usage category, pool tag)
 * that grew or shrank between A and B, biggest growth first, each
 * category's growth drilled down to the finer series inside it (the
 * pool tags whose owner names that category) that grew the most.
 *
 * Pure: takes two series sets (from two snapshots, or two samples of a
 * recording). A series present on one side only is kept with the other
 * side absent: a pool tag that appeared is not "grew from 0". */
#ifndef MEMTALLY_DIFF_H
#define MEMTALLY_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "series.h"

#define DIFF_MAX_CHILDREN 3

struct diff_row {
	const struct series_point *a, *b;   /* either may be NULL */
	int64_t delta;			    /* b - a; 0 when one is NULL */
	size_t children[DIFF_MAX_CHILDREN]; /* indices into rows */
	size_t n_children;
	bool is_child;
};

struct diff_result {
	struct diff_row *rows; /* parents by delta (biggest growth first),
				* each followed by its chain; then series
				* present on one side only */
	size_t n;
};

/* Compare a and b. Series of kinds other than "category", "pool",
 * "pool_other", "proc", "cgroup" and "owner", and series that did not
 * change, are left out. */
void diff_compute(const struct series_set *a, const struct series_set *b,
		  struct diff_result *ret);
void diff_result_release(struct diff_result *r);

/* The category a series belongs to, from its owner JSON, into buf
 * (empty when none). */
void diff_owner_category(const struct series_point *p, char *buf, size_t n);

#endif
