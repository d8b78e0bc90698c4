/* What the page-by-page views (phys, usage --exact, free --runs, ranges)
 * share in the command layer: running the scan with progress on a
 * terminal, and the one-line messages when it cannot run. The scan, its
 * messages, the notes and the matrix table are in views/pages.h. */
#ifndef MEMTALLY_CLI_PAGES_H
#define MEMTALLY_CLI_PAGES_H

#include "../model/pagescan.h"
#include "../views/pages.h"
#include "cli.h"

/* Progress of a page scan on stderr when it is a terminal: a
 * view_progress_fn (userdata: the struct) that redraws "WHAT: NN%" and
 * wipes it at 100%; pages_progress_end() wipes what is left. */
struct pages_progress {
	bool on;
	int last;  /* the percentage drawn last; -1: none */
	int width; /* characters drawn, to wipe */
};

void pages_progress_start(struct pages_progress *p);
void pages_progress_draw(void *userdata, const char *what, uint64_t done,
			 uint64_t total);
void pages_progress_end(struct pages_progress *p);

/* Run the scan on ctx's root; progress goes to stderr when it is a
 * terminal. On failure print one line (with the "needs root" advice when
 * that is the cause) and return -errno. */
int pages_scan(struct ctx *ctx, struct pagescan_opts *o,
	       struct pagescan_result *ret);

/* The page size of the pages scanned: this machine's for a live root,
 * 4096 otherwise (every captured kernel so far; said in a note). */
uint64_t pages_page_size(struct ctx *ctx);

/* `snapshot --pages`: record the three kpage files into root's
 * recording. Fails (one line printed) when kpageflags is there but cannot
 * be read (not root); a file that is absent (a kernel without
 * CONFIG_PROC_PAGE_MONITOR, a tree captured without them) is recorded as
 * unavailable, and on the live system noted on stderr unless quiet. */
int snapshot_record_pages(struct root *root, bool quiet);

#endif
