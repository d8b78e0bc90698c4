/* The pools view: PoolMon's table for the kernel's memory pools (slab
 * caches, vmalloc callers, allocation call sites, and the call sites a
 * running BPF tracer has seen). */
#ifndef MEMTALLY_VIEWS_POOLS_H
#define MEMTALLY_VIEWS_POOLS_H

#include "../analysis/pools.h"
#include "pools-bpf.h"
#include "view.h"

struct pools_opts {
	unsigned sources; /* POOL_SRC_BIT()s; 0: slab, vmalloc, allocinfo */
	enum pool_sort sort;
	struct pool_filter filter; /* .sources is ignored: see sources */
	bool totals;		   /* text: total lines per source and all */
	bool has_top;
	size_t top; /* with has_top: the first top rows only */
	/* With POOL_BPF among the sources: the running tracer, or NULL and
	 * why not (a note says it; NULL why: "cannot read the BPF maps"). */
	struct pools_bpf *bpf;
	const char *bpf_why;
};

/* Fill *ret with the document: table "rows" (its notes are the view's),
 * section "totals" {"rows", "diff", "bytes", "by_source": {SOURCE:
 * {"rows", "diff", "bytes"}}}, table "unavailable" [{"source",
 * "reason"}] (JSON only), "page_size", section "tracer" (with bpf rows)
 * and "notes". A source that cannot be read is a note, not a failure:
 * this view does not fail. */
int view_pools(struct root *root, const struct pools_opts *o, struct doc **ret,
	       struct view_err *err);

#endif
