/* The usage view: RAMMap's Use Counts for Linux, from the counters or
 * (exact) from every page's flags. */
#ifndef MEMTALLY_VIEWS_USAGE_H
#define MEMTALLY_VIEWS_USAGE_H

#include "view.h"

struct usage_opts {
	bool exact;	/* classify every page (usage-exact.c) */
	bool sort_size; /* categories by size, else in fixed order */
	bool no_lists;	/* leave out the page-list table */
	bool deep;	/* read vmallocinfo for vmalloc'd stacks */
	bool owners;	/* walk every process's descriptors (usage-explain.c) */
	view_progress_fn progress; /* exact: the page scan's progress */
	void *progress_data;
};

/* Fill *ret with the document: "total_bytes", "available_bytes",
 * "verdict", "physical_ram_bytes", "reserved_at_boot_bytes"
 * ["physical_ram_unavailable"], table "categories", section "lists"
 * (unless no_lists), "notes"; text: the Memory, Physical RAM and Verdict
 * lines and the two tables. With exact, view_usage_exact()'s document.
 * Fails when /proc/meminfo cannot be read or lacks MemTotal or MemFree. */
int view_usage(struct root *root, const struct usage_opts *o, struct doc **ret,
	       struct view_err *err);

/* usage --exact: the use x list matrix of every page and the page flags
 * against the counters (meminfo; iomem for the RAM reserved at boot;
 * zoneinfo for the per-CPU lists). Document: "exact", "total_bytes",
 * "mem_total", "page_size", tables "categories", "lists", "matrix",
 * "holes_bytes", "notes". Fails when the page scan cannot run (err says
 * why: needs root, not captured). */
int view_usage_exact(struct root *root, const struct usage_opts *o,
		     struct doc **ret, struct view_err *err);

/* Under the categories table (usage-explain.c): what holds them. Adds to
 * cats the JSON fields "reclaim", "reclaimable_now", "explained_by" and
 * "unexplained_bytes" (null, with a note, offline or without owners) and
 * notes (no swap, pinned dentries, pointers to owners and files); to d
 * the table "hugetlb_pools" and, with owners, the text table of what
 * explains each category. */
struct accounting;
struct meminfo;
/* The columns usage_explain() fills, added to the categories table
 * before its first row. */
void usage_explain_cols(struct table *cats);
void usage_explain(struct root *root, const struct usage_opts *o, struct doc *d,
		   struct table *cats, const struct accounting *a,
		   const struct meminfo *mi);

#endif
