/* The page scan: read /proc/kpageflags, /proc/kpagecount and
 * /proc/kpagecgroup through the root seam, in large batches, split across
 * threads by PFN range, and classify every page (pageclass.h).
 *
 * Memory is bounded by the batch size: three buffers of batch_pages words
 * per thread, whatever the machine's size; nothing is kept per page. A
 * caller that wants a listing gives an emit callback; the scan then runs
 * on one thread so the runs arrive in PFN order.
 *
 * Works on a live root (needs root: the files are 0400 and PFNs are
 * hidden without CAP_SYS_ADMIN), on a captured tree (--root) and on a
 * snapshot taken with `snapshot --pages`. */
#ifndef MEMTALLY_PAGESCAN_H
#define MEMTALLY_PAGESCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "pageclass.h"
#include "../root/root.h"
#include "../sources/source.h"

#define PAGESCAN_BATCH_DEFAULT (64 * 1024) /* pages: 512 KiB a file */
#define PAGESCAN_THREADS_MAX 16

struct pagescan_opts {
	size_t batch_pages;	  /* 0: PAGESCAN_BATCH_DEFAULT */
	unsigned threads;	  /* 0: one per CPU, at most 4 */
	uint64_t lo, hi;	  /* PFN window; hi == 0: to the last PFN */
	bool no_count, no_cgroup; /* skip those files (faster) */
	unsigned max_order;	  /* 0: 10 */
	const struct pageclass_zone *zones;
	size_t n_zones;
	/* System RAM ranges (iomem); none: every PFN taken for RAM */
	const struct pageclass_zone *ram;
	size_t n_ram;
	void (*emit)(void *ctx, const struct page_run *run);
	void (*emit_block)(void *ctx, uint64_t pfn, unsigned order,
			   size_t zone);
	/* called now and then with PFNs done and the total to do */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

struct pagescan_result {
	struct pageclass_counts c;
	uint64_t pfn_end; /* one past the highest PFN the files cover */
	uint64_t lo, hi;  /* the window scanned */
	bool have_count, have_cgroup;
	struct source_err count_err, cgroup_err; /* why a file is absent */
	unsigned threads;
	size_t batch_pages;
	double seconds;
};

/* Scan. Fails (-errno, err filled) only when /proc/kpageflags cannot be
 * read; the other two files are optional and their absence is reported
 * in the result. -EINVAL when the window starts past the last PFN. */
int pagescan_run(struct root *root, const struct pagescan_opts *o,
		 struct pagescan_result *ret, struct source_err *err);

/* One past the highest PFN the kpageflags file covers. */
int pagescan_pfn_end(struct root *root, uint64_t *ret, struct source_err *err);

/* Parse a PFN range: "A-B" (B excluded), "A+N" or "A"; numbers decimal
 * or 0x hex. -EINVAL when malformed or empty. */
int pagescan_parse_range(const char *s, uint64_t *ret_lo, uint64_t *ret_hi);

#endif
