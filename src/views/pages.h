/* What the page-by-page views (usage --exact, free --runs, phys, ranges)
 * share below the command layer: running the scan with the System RAM
 * ranges and a progress callback, the one-line reason when it cannot
 * run, the page size, the notes every page view adds, and the use x
 * list matrix. Nothing here prints; cli/pages.c draws the progress. */
#ifndef MEMTALLY_VIEWS_PAGES_H
#define MEMTALLY_VIEWS_PAGES_H

#include "../model/pagescan.h"
#include "../output/table.h"
#include "view.h"

/* Run the scan on root. When o has no System RAM ranges they are read
 * from /proc/iomem for the scan (and o is left as it was). When o has
 * neither a progress callback nor a context of its own, progress (if not
 * NULL) is called with "scanning physical pages", the PFNs done and the
 * total. On failure err says why in one line (with the "needs root"
 * advice when that is the cause) and -errno is returned. */
int view_pages_scan(struct root *root, struct pagescan_opts *o,
		    view_progress_fn progress, void *userdata,
		    struct pagescan_result *ret, struct view_err *err);

/* The page size of the pages scanned: this machine's for a live root,
 * 4096 otherwise (every captured kernel so far). */
uint64_t view_pages_page_size(struct root *root);

/* Notes every page view adds: files that could not be read, and why. */
void pages_add_notes(struct table *t, const struct pagescan_result *r);
/* The same, as the document's notes (text: at its end). */
void pages_doc_notes(struct doc *d, const struct pagescan_result *r);

/* The use x list matrix of a scan as a table (phys --summary, usage
 * --exact): a row per use with pages, bytes, the lists and the dirty,
 * writeback and mapped bytes, and a total row. */
struct table *pages_matrix_table(const struct pageclass_counts *c,
				 uint64_t page_size);

#endif
