/* What the page-by-page views (phys, usage --exact, free --runs, ranges)
 * share in the command layer: running the scan with progress on a
 * terminal, and the one-line messages when it cannot run. */
#ifndef MEMTALLY_CLI_PAGES_H
#define MEMTALLY_CLI_PAGES_H

#include "../model/pagescan.h"
#include "cli.h"

/* Run the scan on ctx's root; progress goes to stderr when it is a
 * terminal. On failure print one line (with the "needs root" advice when
 * that is the cause) and return -errno. */
int pages_scan(struct ctx *ctx, struct pagescan_opts *o,
	       struct pagescan_result *ret);

/* The page size of the pages scanned: this machine's for a live root,
 * 4096 otherwise (every captured kernel so far; said in a note). */
uint64_t pages_page_size(struct ctx *ctx);

/* Notes every page view adds: files that could not be read, and why. */
void pages_add_notes(struct table *t, const struct pagescan_result *r);

/* The use x list matrix of a scan as a table (phys --summary, usage
 * --exact): a row per use with pages, bytes, the lists and the dirty,
 * writeback and mapped bytes, and a total row. */
struct table *pages_matrix_table(const struct pageclass_counts *c,
				 uint64_t page_size);

/* `snapshot --pages`: record the three kpage files into root's
 * recording. Fails (one line printed) when kpageflags is there but cannot
 * be read (not root); a file that is absent (a kernel without
 * CONFIG_PROC_PAGE_MONITOR, a tree captured without them) is recorded as
 * unavailable, and on the live system noted on stderr unless quiet. */
int snapshot_record_pages(struct root *root, bool quiet);

#endif
