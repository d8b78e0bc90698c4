/* Leak finding over a recording: which series grow, how fast, since
 * when, whether the kernel can take that memory back, when memory runs
 * out at that rate, and which finer series (pool tags inside a category)
 * carry the growth; for a cgroup, which of its parts (page cache,
 * anonymous memory, kernel memory) did. leaks.c says how; trend.c how
 * one series is fitted.
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
#define LEAKS_MAX_PARTS 4

/* What the kernel can do with a finding's growth. A cgroup's comes from
 * its parts (the "cgroup_part" series, series.h); every other series has
 * a reclaim class of its own and is one of the first two. */
enum leak_kind {
	LEAK_UNRECLAIMABLE, /* stays until freed (or swapped out) */
	LEAK_RECLAIMABLE,   /* given back under pressure: no exhaustion */
	LEAK_MIXED,	    /* a cgroup that grew by both; see split */
	LEAK_UNKNOWN,	    /* a cgroup whose parts do not say; kind_why */
};

/* "unreclaimable", "reclaimable", "mixed", "unknown". */
const char *leak_kind_name(enum leak_kind k);

/* One part of a cgroup's growth. */
struct leak_part {
	size_t series;	     /* index into store_data.series */
	const char *part;    /* "page_cache": the end of the series' name */
	const char *reclaim; /* its class: "reclaimable", "swappable", ... */
	double bytes_per_hour;
	double share; /* of the cgroup's growth, 0..1; 0 when it shrank */
};

/* The kind of a cgroup's growth at rate (bytes an hour) from its n parts
 * (their bytes_per_hour and reclaim set; their share is filled): the
 * reclaimable or the unreclaimable ones carry 80% of it, else mixed or
 * unknown with why (a sentence) set; why is "" otherwise. No parts:
 * unknown. Used by leaks over a recording and diff between two moments
 * (the rate is then the change). */
enum leak_kind leak_parts_kind(struct leak_part *v, size_t n, double rate,
			       char *why, size_t why_n);

struct leak_finding {
	size_t series; /* index into store_data.series */
	struct trend tr;
	enum leak_kind kind;
	char kind_why[160]; /* mixed or unknown: why, else "" */
	struct leak_part split[LEAKS_MAX_PARTS]; /* a cgroup's parts */
	size_t n_split;
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

/* A cgroup finding's parts as JSON text (malloc'd), an array of
 * {"part", "bytes_per_hour", "share_pct", "reclaim"}; NULL when it has
 * none. */
char *leaks_split_json(const struct leak_finding *f);

/* "category:unaccounted" style name of series i, into buf. */
void leaks_series_name(const struct store_data *d, size_t i, char *buf,
		       size_t n);

#endif
