/* The documents `top` shows (src/cli/cmd-top.c draws them): the header's
 * memory totals, the pools screen (view_pools() with top's settings, and
 * the tracer it starts), the usage, processes and free-lists screens, and
 * one refresh of `top --batch` as a document.
 *
 * top_usage_doc, top_procs_doc and top_free_doc are small stand-ins for
 * the usage, procs and free views while those are converted: each fills
 * one table from the model and analyses, as the old screens showed it. */
#ifndef MEMTALLY_VIEWS_TOP_H
#define MEMTALLY_VIEWS_TOP_H

#include "pools.h"
#include "view.h"

/* Table "memory": one row, TOTAL AVAILABLE FREE SLAB UNACCOUNTED COMMIT
 * COMMIT-LIMIT (JSON: total, available, free, slab, unaccounted, commit,
 * commit_limit). Fails when /proc/meminfo cannot be read. */
int view_top_header(struct root *root, struct doc **ret, struct view_err *err);
/* Table "usage": the accounting's categories (CATEGORY BYTES SHARE
 * RECLAIM). Fails when /proc/meminfo cannot be read. */
int top_usage_doc(struct root *root, struct doc **ret, struct view_err *err);
/* Table "procs": processes with memory, largest PSS first (PID COMMAND
 * RSS PSS USS SWAP); a note counts those that could not be read. */
int top_procs_doc(struct root *root, struct doc **ret, struct view_err *err);
/* Table "zones": free memory and free blocks by order per zone. Fails
 * when /proc/buddyinfo cannot be read. */
int top_free_doc(struct root *root, struct doc **ret, struct view_err *err);

/* The pools screen's settings. */
struct top_pools_opts {
	struct pools_bpf *bpf; /* the running tracer (bpf rows), or NULL */
	enum pool_sort sort;
	enum pool_type_filter type;
	bool totals;
	char *include, *exclude; /* a glob each; "": none */
};

/* The pools screen: view_pools() over slab, vmalloc and allocinfo (and
 * the tracer's rows with o->bpf), sorted and filtered as o says. */
int view_top_pools(struct root *root, const struct top_pools_opts *o,
		   struct doc **ret, struct view_err *err);

/* Start the tracer for the pools screen unless no_bpf. *ret is the
 * session, or NULL; status (n bytes) says which, for the header:
 * "bpf: tracing", "/proc only (--no-bpf)" or "bpf unavailable (WHY);
 * /proc sources only". */
void top_bpf_start(struct root *root, bool no_bpf, struct pools_bpf **ret,
		   char *status, size_t n);

/* One refresh of `top --batch`. */
struct top_refresh {
	unsigned long n;	  /* "refresh": 1, 2, ... */
	const char *view, *title; /* the screen's name (its key) and title */
	const char *bpf_status;	  /* "bpf" */
	struct doc *header;	  /* view_top_header()'s, or NULL ... */
	const char *header_why;	  /* ... and why */
	struct doc *screen;	  /* the screen's document, or NULL ... */
	const char *why;	  /* ... and why */
};

/* The document of refresh r: "refresh", "view", "bpf", then "header" and
 * the screen's under its name (null with the reason when absent). It
 * takes r->header and r->screen. */
struct doc *top_refresh_doc(const struct top_refresh *r);

#endif
