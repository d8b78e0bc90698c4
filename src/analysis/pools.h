/* PoolMon's table for Linux: one row per kernel memory "pool" (a slab
 * cache, a vmalloc caller, an allocation call site), with PoolMon's
 * columns. Pure: built from parsed sources, never reads files.
 *
 * Semantics (PoolMon's): diff = live allocations now, bytes = memory held
 * now, per_alloc = bytes / diff. allocs and frees (cumulative counts) are
 * not kept by the kernel for any of today's sources, so they are
 * VAL_ABSENT; a future source (bpf) can fill them. */
#ifndef MEMTALLY_POOLS_H
#define MEMTALLY_POOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sources/allocinfo.h"
#include "../sources/slab_sysfs.h"
#include "../sources/slabinfo.h"
#include "../sources/vmallocinfo.h"

enum pool_source {
	POOL_SLAB,
	POOL_VMALLOC,
	POOL_ALLOCINFO,
	POOL_BPF,
	_POOL_SOURCE_MAX,
};

#define POOL_SRC_BIT(s) (1u << (s))
#define POOL_SRC_ALL ((1u << _POOL_SOURCE_MAX) - 1)

enum pool_type {
	POOL_TYPE_UNKNOWN, /* the source does not say */
	POOL_RECLAIMABLE,
	POOL_UNRECLAIMABLE,
};

struct pool_row {
	char *tag;
	enum pool_source source;
	enum pool_type type;
	uint64_t allocs, frees; /* VAL_ABSENT unless a source counts them */
	uint64_t diff;		/* live allocations */
	uint64_t bytes;		/* memory held */
	uint64_t per_alloc;	/* bytes / diff; absent when diff is 0 */
	char *module;		/* NULL = built-in or unknown */
	uint64_t objsize;	/* slab: object size; else VAL_ABSENT */
	uint64_t objects;	/* slab: allocated objects (num_objs) */
	/* bpf rows (analysis/bpftags.c), else NULL / false / VAL_ABSENT */
	char *cache;	    /* the slab cache the call site uses */
	bool estimated;	    /* frees, diff and bytes are estimates */
	uint64_t frees_err; /* their 95% bound when estimated */
};

struct pool_set {
	struct pool_row *rows;
	size_t n, alloc;
	size_t n_type_guessed;	  /* slab rows typed from a ":a-" name */
	size_t n_type_unknown;	  /* slab rows with no type at all */
	size_t n_vmalloc_skipped; /* areas without caller (unpurged, ...) */
	size_t n_negative;	  /* allocinfo rows read negative */
	size_t n_inaccurate;	  /* allocinfo rows with accurate:no */
};

const char *pool_source_name(enum pool_source s);
int pool_source_from_name(const char *name);  /* -1 if unknown */
const char *pool_type_name(enum pool_type t); /* NULL for unknown */

/* Add one row per slabinfo cache. ss may be NULL (sysfs unreadable):
 * then the type comes from a merged name's flags or stays unknown. */
void pools_add_slab(struct pool_set *set, const struct slabinfo *si,
		    const struct slab_sysfs *ss, uint64_t page_size);
/* One row per caller function and module; areas without a caller are
 * counted in n_vmalloc_skipped. */
void pools_add_vmalloc(struct pool_set *set, const struct vmallocinfo *vi,
		       uint64_t page_size);
/* One row per call site, tagged "func@file:line" (a glob on the
 * function name, "alloc_slab*", still matches). */
void pools_add_allocinfo(struct pool_set *set, const struct allocinfo *ai);

enum pool_sort {
	POOL_SORT_TAG,
	POOL_SORT_ALLOCS,
	POOL_SORT_FREES,
	POOL_SORT_DIFF,
	POOL_SORT_BYTES,
	POOL_SORT_PER_ALLOC,
};

/* "bytes", "per-alloc" (or "per_alloc"), ...; -1 if unknown. */
int pool_sort_from_name(const char *name);

enum pool_type_filter {
	POOL_FILTER_ALL,
	POOL_FILTER_RECLAIMABLE,
	POOL_FILTER_UNRECLAIMABLE,
};

struct pool_filter {
	enum pool_type_filter type;
	unsigned sources;     /* POOL_SRC_BIT()s; 0 means all */
	char *const *include; /* fnmatch patterns on the tag; none = all */
	size_t n_include;
	char *const *exclude;
	size_t n_exclude;
};

/* Keep the rows that pass f (rows of unknown type fail a type filter). */
void pools_filter(struct pool_set *set, const struct pool_filter *f);
/* Sort: tag ascending; numbers descending with absent values last; ties
 * by tag then source, so the order is stable across runs. */
void pools_sort(struct pool_set *set, enum pool_sort key);
/* Keep the first n rows. */
void pools_top(struct pool_set *set, size_t n);

struct pool_totals {
	uint64_t rows[_POOL_SOURCE_MAX];
	uint64_t bytes[_POOL_SOURCE_MAX];
	uint64_t diff[_POOL_SOURCE_MAX];
	uint64_t all_rows, all_bytes, all_diff;
};

/* Sums over the rows (absent figures are skipped). */
void pools_totals(const struct pool_set *set, struct pool_totals *ret);

void pools_release(struct pool_set *set);

#endif
