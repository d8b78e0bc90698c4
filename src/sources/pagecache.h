/* Page cache residency of one open file: how many of its pages are in
 * memory, dirty, under writeback, evicted and recently evicted, over the
 * whole file or any range, and where (runs of cached or dirty pages).
 *
 * Uses cachestat(2) (Linux 6.5+) and falls back to mmap + mincore(2) where
 * the kernel lacks it or refuses it; mincore tells only residency, so the
 * dirty, writeback and evicted figures are then VAL_ABSENT. These work on
 * live files only: there is no root seam for the page cache. */
#ifndef MEMTALLY_PAGECACHE_H
#define MEMTALLY_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pagecache_method {
	PAGECACHE_CACHESTAT,
	PAGECACHE_MINCORE,
};

/* Counts in pages; VAL_ABSENT where the method cannot tell. */
struct pagecache_stat {
	uint64_t cached;
	uint64_t dirty;
	uint64_t writeback;
	uint64_t evicted;
	uint64_t recently_evicted;
	enum pagecache_method method;
};

struct pagecache_run {
	uint64_t first; /* page index */
	uint64_t pages;
};

/* Tests only: pretend the kernel has no cachestat(2) (true), or use it
 * again (false), to exercise the mincore fallback. */
void pagecache_force_mincore(bool on);

/* The system's page size in bytes. */
uint64_t pagecache_page_size(void);
/* Method name for output: "cachestat" or "mincore". */
const char *pagecache_method_name(enum pagecache_method m);

/* Pages of fd (a regular file of size bytes) in [first, first + pages);
 * pages = 0 means to the end. Tries cachestat, then mincore. Returns 0 or
 * -errno (-EBADF, -EINVAL for a file type neither supports, -ENOMEM;
 * -EPERM when cachestat is refused and mincore would lie: a file the
 * caller neither owns nor may write, which mincore shows all resident). */
int pagecache_stat_range(int fd, uint64_t size, uint64_t first, uint64_t pages,
			 struct pagecache_stat *ret);

/* Runs of cached pages (dirty = false) or of dirty pages (dirty = true),
 * in order, at most max of them (*ret_more set when there were more).
 * Dirty runs need cachestat: -EOPNOTSUPP without it. *ret is malloc'd. */
int pagecache_runs(int fd, uint64_t size, bool dirty, size_t max,
		   struct pagecache_run **ret, size_t *ret_n, bool *ret_more);

#endif
