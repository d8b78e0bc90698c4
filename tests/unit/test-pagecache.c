/* Unit tests for page cache residency (cachestat with the mincore
 * fallback) on a temporary file this test makes: whole-file counts, a
 * range, runs found by bisection after dropping parts of the file, dirty
 * pages, empty files, and the same through mincore. Skips (77) where the
 * temporary directory is on a filesystem without a page cache. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/basic/macro.h"
#include "../../src/sources/pagecache.h"

#define NPAGES 256

static char path[64];
static int fd = -1;
static uint64_t ps;

static int setup(void **state)
{
	char *buf;

	(void)state;
	ps = pagecache_page_size();
	snprintf(path, sizeof(path), "/var/tmp/memtally-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	buf = malloc(ps * NPAGES);
	memset(buf, 'x', ps * NPAGES);
	if (write(fd, buf, ps * NPAGES) != (ssize_t)(ps * NPAGES))
		return -1;
	free(buf);
	fdatasync(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fd >= 0)
		close(fd);
	unlink(path);
	pagecache_force_mincore(false);
	return 0;
}

/* Read pages [first, first+n) into the cache, and only those: with
 * POSIX_FADV_RANDOM there is no readahead. (Dropping parts of a cached
 * file would not do: large folios are dropped whole or not at all.) */
static void load(uint64_t first, uint64_t n)
{
	char *buf = malloc(ps * n);

	assert_int_equal(posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM), 0);
	assert_int_equal(pread(fd, buf, ps * n, (off_t)(first * ps)),
			 (ssize_t)(ps * n));
	free(buf);
}

static void reload(void)
{
	char *buf = malloc(ps * NPAGES);

	assert_int_equal(pread(fd, buf, ps * NPAGES, 0),
			 (ssize_t)(ps * NPAGES));
	free(buf);
}

static void check_pattern(bool mincore)
{
	struct pagecache_stat st;
	struct pagecache_run *runs;
	size_t n;
	bool more;

	pagecache_force_mincore(mincore);
	reload();
	assert_int_equal(pagecache_stat_range(fd, ps * NPAGES, 0, 0, &st), 0);
	assert_int_equal(st.cached, NPAGES);
	assert_int_equal(st.method,
			 mincore ? PAGECACHE_MINCORE : PAGECACHE_CACHESTAT);
	if (mincore) {
		assert_false(val_has(st.dirty));
		assert_false(val_has(st.evicted));
	} else {
		assert_int_equal(st.dirty, 0);
	}
	/* only pages 0..9 and 20..99 cached */
	assert_int_equal(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	assert_int_equal(pagecache_stat_range(fd, ps * NPAGES, 0, 0, &st), 0);
	assert_int_equal(st.cached, 0);
	load(0, 10);
	load(20, 80);
	assert_int_equal(pagecache_stat_range(fd, ps * NPAGES, 0, 0, &st), 0);
	assert_int_equal(st.cached, 90);
	assert_int_equal(pagecache_stat_range(fd, ps * NPAGES, 5, 10, &st), 0);
	assert_int_equal(st.cached, 5);
	assert_int_equal(
	    pagecache_runs(fd, ps * NPAGES, false, 100, &runs, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_false(more);
	assert_int_equal(runs[0].first, 0);
	assert_int_equal(runs[0].pages, 10);
	assert_int_equal(runs[1].first, 20);
	assert_int_equal(runs[1].pages, 80);
	free(runs);
	/* at most one run asked for */
	assert_int_equal(
	    pagecache_runs(fd, ps * NPAGES, false, 1, &runs, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_true(more);
	free(runs);
}

static void test_cachestat(void **state)
{
	struct pagecache_stat st;

	(void)state;
	pagecache_force_mincore(false);
	assert_int_equal(pagecache_stat_range(fd, ps * NPAGES, 0, 0, &st), 0);
	if (st.method != PAGECACHE_CACHESTAT)
		skip(); /* kernel before 6.5 */
	check_pattern(false);
}

static void test_mincore(void **state)
{
	(void)state;
	check_pattern(true);
}

static void test_dirty_runs(void **state)
{
	struct pagecache_stat st;
	struct pagecache_run *runs;
	size_t n;
	bool more;

	(void)state;
	pagecache_force_mincore(false);
	reload();
	assert_int_equal(pwrite(fd, "y", 1, (off_t)(30 * ps)), 1);
	assert_int_equal(pagecache_stat_range(fd, ps * NPAGES, 0, 0, &st), 0);
	if (st.method != PAGECACHE_CACHESTAT)
		skip();
	assert_true(st.dirty >= 1);
	assert_int_equal(
	    pagecache_runs(fd, ps * NPAGES, true, 10, &runs, &n, &more), 0);
	assert_true(n >= 1);
	assert_true(runs[0].first <= 30 && runs[0].first + runs[0].pages > 30);
	free(runs);
	fdatasync(fd);
	/* dirty runs need cachestat */
	pagecache_force_mincore(true);
	assert_int_equal(
	    pagecache_runs(fd, ps * NPAGES, true, 10, &runs, &n, &more),
	    -EOPNOTSUPP);
	pagecache_force_mincore(false);
}

static void test_empty_file(void **state)
{
	char p[64] = "/var/tmp/memtally-test-XXXXXX";
	struct pagecache_stat st;
	struct pagecache_run *runs;
	size_t n;
	bool more;
	int efd = mkstemp(p);

	(void)state;
	assert_true(efd >= 0);
	for (int m = 0; m < 2; m++) {
		pagecache_force_mincore(m);
		assert_int_equal(pagecache_stat_range(efd, 0, 0, 0, &st), 0);
		assert_int_equal(st.cached, 0);
		assert_int_equal(
		    pagecache_runs(efd, 0, false, 10, &runs, &n, &more), 0);
		assert_int_equal(n, 0);
		free(runs);
	}
	pagecache_force_mincore(false);
	close(efd);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cachestat),
	    cmocka_unit_test(test_mincore),
	    cmocka_unit_test(test_dirty_runs),
	    cmocka_unit_test(test_empty_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
