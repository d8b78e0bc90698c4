/* The free view: the buddy allocator's free lists, fragmentation,
 * migrate types and the cross-check of free memory; with runs, the free
 * blocks found page by page against /proc/buddyinfo. */
#ifndef MEMTALLY_VIEWS_FREE_H
#define MEMTALLY_VIEWS_FREE_H

#include "view.h"

struct free_opts {
	long node;	  /* only zones of this NUMA node; -1: all */
	const char *zone; /* only zones of this name (any case); NULL: all */
	bool by_type;	  /* per migrate type, by order */
	bool runs;	  /* the page scan (free-runs.c) */
	view_progress_fn progress; /* runs: the page scan's progress */
	void *progress_data;
};

/* Fill *ret with the document: "page_size", "page_size_assumed",
 * "pageblock_order", "order_block_bytes", list "zones", section
 * "reconcile", list "unavailable"; text: the four parts. With runs,
 * view_free_runs()'s document. Fails when /proc/buddyinfo cannot be read
 * or no zone matches node and zone (err lists the zones). */
int view_free(struct root *root, const struct free_opts *o, struct doc **ret,
	      struct view_err *err);

/* free --runs: scan each matching zone's PFN span and set the free
 * blocks found beside buddyinfo's. Document: "orders", list "zones",
 * list "largest", "notes". Fails when zoneinfo or the page scan cannot
 * be read, or no zone with a PFN span matches. */
int view_free_runs(struct root *root, const struct free_opts *o,
		   struct doc **ret, struct view_err *err);

#endif
