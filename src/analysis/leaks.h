/* Leak finding over a recording: which series grow, how fast, since
 * when, whether the kernel can take that memory back, when memory runs
 * out at that rate, and which finer series (pool tags inside a category)
 * carry the growth. leaks.c says how; trend.c how one series is fitted.
 *
 * Pure: works on a loaded recording (store.h's struct store_data). */
#ifndef MEMTALLY_LEAKS_H
#define MEMTALLY_LEAKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../store/store.h"
#include "trend.h"

#define LEAKS_MAX_CHILDREN 5

struct leak_finding {
	size_t series; /* index into store_data.series */
	struct trend tr;
	bool reclaimable; /* the kernel can take it back under pressure */
	double bytes_per_hour;
	int64_t start_bytes; /* first and last recorded values */
	int64_t end_bytes;
	double exhaustion_s;	    /* seconds until MemAvailable is used up at
				     * this rate; NAN when not applicable */
	const char *exhaustion_why; /* why NAN, or NULL */
	size_t children[LEAKS_MAX_CHILDREN]; /* indices into findings[] */
	size_t n_children;
	bool is_child; /* inside another finding's chain */
	bool growing;  /* passed the rules (false only with all) */
	bool stopped;  /* grew, then stayed flat for the window's last
			* fifth or more (see leaks.c) */
	int64_t growing_until_ms; /* with stopped: when it reached its
				   * final level; else the window's end */
};

struct leaks_result {
	struct leak_finding *v; /* biggest rate first */
	size_t n;
	size_t n_analysed; /* series looked at */
};

/* Default rules: grew at least 8 MiB over the window, at least 1 MiB/h,
 * with 99.9% confidence. */
void leaks_default_rules(struct trend_rules *ret);

/* Find growing series in d. Returns 0 (possibly with no findings). With
 * all, every analysed series is a finding, growing or not. */
int leaks_find(const struct store_data *d, const struct trend_rules *rules,
	       bool all, struct leaks_result *ret);
void leaks_result_release(struct leaks_result *r);

/* The finding that names who holds finding k's growth: k itself when it
 * is an "owner" series, else the "owner" series leading its chain; -1
 * when there is none. */
ssize_t leaks_holder(const struct store_data *d, const struct leaks_result *r,
		     size_t k);

/* "category:unaccounted" style name of series i, into buf. */
void leaks_series_name(const struct store_data *d, size_t i, char *buf,
		       size_t n);

#endif
