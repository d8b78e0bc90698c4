/* The phys view: RAMMap's Physical Pages, from the page database. */
#ifndef MEMTALLY_VIEWS_PHYS_H
#define MEMTALLY_VIEWS_PHYS_H

#include "../model/pagescan.h"
#include "../sources/kpageflags.h"
#include "view.h"

struct phys_opts {
	bool summary;		   /* the use x list matrix instead */
	bool per_page;		   /* a row per page, not per run */
	struct pagescan_opts scan; /* lo, hi, threads, batch_pages,
				    * no_count, no_cgroup */
	unsigned use_mask;	   /* a bit per enum page_use to list */
	bool has_expr;		   /* only pages whose flags match expr */
	struct kpf_expr expr;
	bool owners;		   /* the processes mapping each page */
	int pid;		   /* > 0: only pages mapped by pid (owners) */
	const char *cgroup;	   /* only pages charged to this memory
				    * cgroup: a path, /sys/fs/cgroup/..., @INO */
	view_progress_fn progress; /* the page scan's progress */
	void *progress_data;
};

/* Fill *ret with the document.
 *
 * summary: "page_size", "pfn_end", "total_bytes", table "rows" (the use x
 * list matrix, with its notes), "notes"; the scan runs here.
 *
 * A listing: the table "rows" is a stream (doc_add_stream()): the scan
 * runs while the document is rendered, a run (or page) a row, never
 * held; then "page_size", "pfn_end", "pages_listed", "bytes_by_use"
 * and, in text, the line that counts what was listed. A scan that fails
 * then makes doc_render() fail with the reason.
 *
 * Fails here when the owners or the cgroup cannot be had (err says why). */
int view_phys(struct root *root, const struct phys_opts *o, struct doc **ret,
	      struct view_err *err);

#endif
