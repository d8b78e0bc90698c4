/* Page cache residency through cachestat(2), with mincore(2) as fallback.
 *
 * cachestat(fd, &range, &cs, 0) (mm/filemap.c, Linux 6.5; man
 * cachestat(2)) walks the file's page cache xarray in the kernel and
 * returns five page counts for a byte range: cached, dirty, writeback,
 * evicted (a shadow entry remains) and recently evicted (the shadow is
 * recent enough that a refault would count as thrashing). It clips large
 * folios to the range, so counts are exact per page. glibc 2.36 has no
 * wrapper or struct: both are defined here, and the syscall number is 451
 * on every architecture but alpha. Newer kernels refuse cachestat on a
 * file the caller could not write and does not own (EPERM; util-linux's
 * fincore documents it), and hugetlbfs gives EOPNOTSUPP: both fall back
 * to mincore here.
 *
 * mincore fallback: map the file shared read-only and ask which pages are
 * resident; one byte a page, in chunks of 64 MiB to bound memory. It says
 * nothing of dirty or evicted pages. Since Linux 5.2 (commit 134fca9063ad)
 * mincore on a file the caller can neither write nor owns reports every
 * page resident, whatever the truth: such a file gets -EPERM here rather
 * than a made-up 100%.
 *
 * Runs by bisection: a range whose count is 0 or all its pages is one
 * answer; otherwise split it in two. A fully cached 4 GiB file costs one
 * call, and the cost grows with the number of runs, not the file size. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "pagecache.h"

#ifndef __NR_cachestat
#if defined(__alpha__)
#define __NR_cachestat 561
#else
#define __NR_cachestat 451
#endif
#endif

struct mt_cachestat_range {
	uint64_t off;
	uint64_t len;
};

struct mt_cachestat {
	uint64_t nr_cache;
	uint64_t nr_dirty;
	uint64_t nr_writeback;
	uint64_t nr_evicted;
	uint64_t nr_recently_evicted;
};

static int cachestat_broken; /* ENOSYS seen: do not try again */

void pagecache_force_mincore(bool on)
{
	cachestat_broken = on;
}

uint64_t pagecache_page_size(void)
{
	static uint64_t ps;

	if (!ps) {
		long v = sysconf(_SC_PAGESIZE);

		ps = v > 0 ? (uint64_t)v : 4096;
	}
	return ps;
}

const char *pagecache_method_name(enum pagecache_method m)
{
	return m == PAGECACHE_CACHESTAT ? "cachestat" : "mincore";
}

/* Would mincore tell the truth about fd? (mm/mincore.c can_do_mincore:
 * owner, or write permission, or CAP_FOWNER) */
static bool mincore_truthful(int fd)
{
	char path[64];
	struct stat st;

	if (geteuid() == 0)
		return true;
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid())
		return true;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

static int do_cachestat(int fd, uint64_t off, uint64_t len,
			struct mt_cachestat *cs)
{
	struct mt_cachestat_range range = {off, len};

	if (cachestat_broken)
		return -ENOSYS;
	if (syscall(__NR_cachestat, fd, &range, cs, 0) < 0) {
		if (errno == ENOSYS)
			cachestat_broken = 1;
		return -errno;
	}
	return 0;
}

/* Resident pages of [first, first + pages) via mmap + mincore. When vec
 * is given, vec[i] gets page first+i's residency bit. */
static int mincore_count(int fd, uint64_t size, uint64_t first, uint64_t pages,
			 uint64_t *ret, unsigned char *out)
{
	const uint64_t ps = pagecache_page_size();
	const uint64_t chunk = (64 << 20) / ps;
	unsigned char *vec = xmalloc(chunk);
	uint64_t total = 0;

	for (uint64_t p = first; p < first + pages; p += chunk) {
		uint64_t n =
		    first + pages - p < chunk ? first + pages - p : chunk;
		uint64_t off = p * ps;
		size_t maplen;
		void *m;

		if (off >= size)
			break;
		maplen = (size_t)(size - off < n * ps ? size - off : n * ps);
		m = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, (off_t)off);
		if (m == MAP_FAILED) {
			int e = errno;

			free(vec);
			return -e;
		}
		if (mincore(m, maplen, vec) < 0) {
			int e = errno;

			munmap(m, maplen);
			free(vec);
			return -e;
		}
		n = (maplen + ps - 1) / ps;
		for (uint64_t i = 0; i < n; i++) {
			total += vec[i] & 1;
			if (out)
				out[p - first + i] = vec[i] & 1;
		}
		munmap(m, maplen);
	}
	free(vec);
	*ret = total;
	return 0;
}

int pagecache_stat_range(int fd, uint64_t size, uint64_t first, uint64_t pages,
			 struct pagecache_stat *ret)
{
	const uint64_t ps = pagecache_page_size();
	uint64_t npages = (size + ps - 1) / ps, n;
	struct mt_cachestat cs;
	int r;

	if (pages == 0)
		pages = first < npages ? npages - first : 0;
	r = do_cachestat(fd, first * ps, pages * ps, &cs);
	if (r == 0) {
		ret->cached = cs.nr_cache;
		ret->dirty = cs.nr_dirty;
		ret->writeback = cs.nr_writeback;
		ret->evicted = cs.nr_evicted;
		ret->recently_evicted = cs.nr_recently_evicted;
		ret->method = PAGECACHE_CACHESTAT;
		return 0;
	}
	if (r != -ENOSYS && r != -EPERM && r != -EOPNOTSUPP)
		return r;
	if (!mincore_truthful(fd))
		return -EPERM;
	if (pages == 0 || size == 0) {
		n = 0;
	} else {
		r = mincore_count(fd, size, first, pages, &n, NULL);
		if (r < 0)
			return r;
	}
	ret->cached = n;
	ret->dirty = ret->writeback = VAL_ABSENT;
	ret->evicted = ret->recently_evicted = VAL_ABSENT;
	ret->method = PAGECACHE_MINCORE;
	return 0;
}

struct runs {
	struct pagecache_run *v;
	size_t n, alloc, max;
	bool more;
};

static void runs_add(struct runs *rs, uint64_t first, uint64_t pages)
{
	if (rs->n > 0 &&
	    rs->v[rs->n - 1].first + rs->v[rs->n - 1].pages == first) {
		rs->v[rs->n - 1].pages += pages;
		return;
	}
	if (rs->n >= rs->max) {
		rs->more = true;
		return;
	}
	rs->v = xgrow(rs->v, &rs->alloc, rs->n + 1, sizeof(*rs->v));
	rs->v[rs->n].first = first;
	rs->v[rs->n].pages = pages;
	rs->n++;
}

static int bisect(int fd, uint64_t first, uint64_t pages, bool dirty,
		  struct runs *rs)
{
	const uint64_t ps = pagecache_page_size();
	struct mt_cachestat cs;
	uint64_t n, half;
	int r;

	if (rs->more)
		return 0;
	r = do_cachestat(fd, first * ps, pages * ps, &cs);
	if (r < 0)
		return r;
	n = dirty ? cs.nr_dirty : cs.nr_cache;
	if (n == 0)
		return 0;
	if (n >= pages) {
		runs_add(rs, first, pages);
		return 0;
	}
	half = pages / 2;
	r = bisect(fd, first, half, dirty, rs);
	if (r < 0)
		return r;
	return bisect(fd, first + half, pages - half, dirty, rs);
}

int pagecache_runs(int fd, uint64_t size, bool dirty, size_t max,
		   struct pagecache_run **ret, size_t *ret_n, bool *ret_more)
{
	const uint64_t ps = pagecache_page_size();
	uint64_t npages = (size + ps - 1) / ps;
	struct runs rs = {.max = max};
	struct mt_cachestat cs;
	int r = 0;

	if (npages > 0)
		r = do_cachestat(fd, 0, ps, &cs);
	if (npages == 0 || r == 0) {
		if (npages > 0)
			r = bisect(fd, 0, npages, dirty, &rs);
	} else if (r == -ENOSYS || r == -EPERM || r == -EOPNOTSUPP) {
		const uint64_t chunk = (64 << 20) / ps;
		unsigned char *vec;

		if (dirty)
			return -EOPNOTSUPP;
		if (!mincore_truthful(fd))
			return -EPERM;
		vec = xmalloc(chunk);
		r = 0;
		for (uint64_t p = 0; p < npages && r == 0 && !rs.more;
		     p += chunk) {
			uint64_t n = npages - p < chunk ? npages - p : chunk,
				 res;

			r = mincore_count(fd, size, p, n, &res, vec);
			for (uint64_t i = 0; r == 0 && i < n; i++)
				if (vec[i])
					runs_add(&rs, p + i, 1);
		}
		free(vec);
	}
	if (r < 0) {
		free(rs.v);
		return r;
	}
	*ret = rs.v;
	*ret_n = rs.n;
	*ret_more = rs.more;
	return 0;
}
