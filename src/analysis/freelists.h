/* The free view's arithmetic: free blocks by order per zone (and per
 * migrate type), fragmentation, and the cross-check of the kernel's
 * different counts of free memory. Pure: parsed sources in, figures out. */
#ifndef MEMTALLY_FREELISTS_H
#define MEMTALLY_FREELISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sources/buddyinfo.h"
#include "../sources/meminfo.h"
#include "../sources/pagetypeinfo.h"
#include "../sources/zoneinfo.h"

/* One list of free blocks by order: a zone's, or one migrate type's. */
struct freelists_orders {
	unsigned n_orders;
	uint64_t blocks[BUDDYINFO_MAX_ORDERS];
	uint64_t at_least;   /* bit o: blocks[o] is a lower bound */
	uint64_t free_pages; /* sum of blocks[o] << o */
	int largest_order;   /* highest order with blocks > 0; -1: none */
	/* unusable free space index per order, 0..1 (see freelists.c) */
	double unusable[BUDDYINFO_MAX_ORDERS];
};

struct freelists_type {
	char name[PTI_TYPE_NAME_MAX];
	struct freelists_orders o;
	uint64_t pageblocks; /* VAL_ABSENT when not printed */
};

struct freelists_zone {
	unsigned node;
	char zone[ZONE_NAME_MAX];
	struct freelists_orders o;
	/* from zoneinfo (VAL_ABSENT without it) */
	uint64_t nr_free_pages, pcp_pages, managed, present, min, low, high;
	/* from pagetypeinfo; n_types 0 without it */
	struct freelists_type types[PTI_MAX_TYPES];
	unsigned n_types;
};

struct freelists {
	uint64_t page_size;
	unsigned n_orders;
	unsigned block_order; /* pageblock order; 0 if unknown */
	struct freelists_zone *zones;
	size_t n_zones;
	bool has_types;
};

/* Compute the order statistics of o from o->blocks and o->n_orders:
 * free_pages, largest_order, unusable[]. -ERANGE on overflow. */
int freelists_orders_compute(struct freelists_orders *o);

/* Build the per-zone view. buddy is required; zi and pti may be NULL.
 * Zones come in buddyinfo's order. -ERANGE on absurd counts. */
int freelists_build(const struct buddyinfo *buddy, const struct zoneinfo *zi,
		    const struct pagetypeinfo *pti, uint64_t page_size,
		    struct freelists *ret);
void freelists_release(struct freelists *f);

/* --- reconciliation of free memory ---------------------------------- */

/* Every figure in pages; VAL_ABSENT when its source is unavailable. */
struct freelists_reconcile {
	uint64_t page_size;
	uint64_t memfree;     /* meminfo MemFree */
	uint64_t memtotal;    /* meminfo MemTotal */
	uint64_t buddy;	      /* sum over buddyinfo */
	uint64_t zone_free;   /* sum of zoneinfo nr_free_pages */
	uint64_t managed;     /* sum of zoneinfo managed */
	uint64_t pcp;	      /* sum of per-CPU list counts */
	uint64_t isolated;    /* free pages in Isolate blocks (pagetypeinfo) */
	uint64_t unmanaged;   /* MemTotal - sum managed, when positive */
	uint64_t drift_bound; /* sum of per-CPU vm stat thresholds */
	uint64_t churn;	      /* MemFree movement during the reads */
	uint64_t tolerance;   /* drift_bound + one pcp batch per CPU + churn */
	/* signed differences, pages */
	int64_t memfree_vs_zone;  /* memfree - zone_free */
	int64_t buddy_vs_zone;	  /* buddy - zone_free */
	int64_t memfree_vs_buddy; /* memfree - buddy */
	/* what is left after the known explanations: memfree_vs_zone less
	 * unmanaged (when that explains it), buddy_vs_zone less isolated */
	int64_t residual_memfree, residual_buddy;
	bool has_memfree_vs_zone, has_buddy_vs_zone, has_memfree_vs_buddy;
	bool agree;	/* every difference within tolerance */
	bool explained; /* differences beyond tolerance are explained */
	char verdict[160];
	char explanation[600]; /* clauses, each ending in '\n' */
};

/* Compare the views of free memory. Any source may be NULL; figures from
 * a missing source are VAL_ABSENT and the verdict says what is missing.
 * churn_pages is how far MemFree moved while the files were read (the
 * caller reads meminfo again after the others; 0 for captured files); it
 * is added to the tolerance. Returns 0, or -ENODATA when fewer than two
 * views are available (the struct is still filled). */
int freelists_reconcile(const struct meminfo *mi, const struct buddyinfo *b,
			const struct zoneinfo *zi,
			const struct pagetypeinfo *pti, uint64_t page_size,
			uint64_t churn_pages, struct freelists_reconcile *ret);

#endif
