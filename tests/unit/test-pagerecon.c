/* Unit tests for reconciling page-flag counts with meminfo counters and
 * free blocks with buddyinfo: hand-built counts and meminfo texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/pagerecon.h"

static const char meminfo_text[] = "MemTotal:  1000 kB\n"
				   "MemFree:    400 kB\n"
				   "Buffers:      8 kB\n"
				   "Cached:     200 kB\n"
				   "SwapCached:   4 kB\n"
				   "Active(anon): 40 kB\n"
				   "Inactive(anon): 60 kB\n"
				   "Active(file): 100 kB\n"
				   "Inactive(file): 80 kB\n"
				   "Unevictable:  0 kB\n"
				   "Mlocked:      0 kB\n"
				   "Dirty:        8 kB\n"
				   "Writeback:    0 kB\n"
				   "AnonPages:   96 kB\n"
				   "Mapped:      16 kB\n"
				   "Shmem:       20 kB\n"
				   "Slab:        60 kB\n"
				   "PageTables:  12 kB\n"
				   "Hugetlb:      0 kB\n";

static void test_meminfo(void **state)
{
	struct pageclass_counts c = {0};
	struct meminfo mi;
	struct pagerecon r;

	(void)state;
	assert_int_equal(
	    meminfo_parse(meminfo_text, strlen(meminfo_text), &mi, NULL), 0);
	/* 1 KiB pages keep the arithmetic readable */
	c.pages[PU_FREE][PL_FREE] = 390;
	c.pages[PU_UNINIT][PL_FREE] = 8;
	c.pages[PU_ANON][PL_INACTIVE] = 60;
	c.pages[PU_THP][PL_ACTIVE] = 40;
	c.pages[PU_FILE][PL_ACTIVE] = 100;
	c.pages[PU_FILE][PL_INACTIVE] = 88;
	c.pages[PU_SHMEM][PL_NONE] = 20;
	c.pages[PU_SLAB][PL_NONE] = 60;
	c.pages[PU_PGTABLE][PL_NONE] = 12;
	c.pages[PU_KERNEL][PL_NONE] = 200;
	c.pages[PU_RESERVED][PL_NONE] = 30;
	c.pages[PU_HOLE][PL_NONE] = 100;
	c.attr[PU_FILE][PA_DIRTY] = 8;
	c.attr[PU_FILE][PA_MAPPED] = 10;
	c.attr[PU_SHMEM][PA_MAPPED] = 6;
	c.total = 390 + 8 + 60 + 40 + 188 + 20 + 60 + 12 + 200 + 30 + 100;
	pagerecon_meminfo(&c, 1024, &mi, 1032 * 1024, &r);

	assert_int_equal(r.cat[RC_FREE].scan, 398 * 1024);
	assert_int_equal(r.cat[RC_FREE].counted, 400 * 1024);
	assert_int_equal(r.cat[RC_FREE].diff, -2 * 1024);
	assert_int_equal(r.cat[RC_ANON].scan, 100 * 1024);
	assert_int_equal(r.cat[RC_ANON].counted, 100 * 1024);
	/* Cached - Shmem + Buffers */
	assert_int_equal(r.cat[RC_FILE].counted, 188 * 1024);
	assert_int_equal(r.cat[RC_FILE].diff, 0);
	assert_int_equal(r.cat[RC_PGTABLE].counted, 12 * 1024);
	/* the rest of MemTotal: 1000 - 400 - 100 - 188 - 20 - 60 - 12 - 0 */
	assert_int_equal(r.cat[RC_KERNEL].counted, 220 * 1024);
	assert_int_equal(r.cat[RC_KERNEL].diff, -20 * 1024);
	assert_int_equal(r.cat[RC_RESERVED].counted, 32 * 1024);
	assert_int_equal(r.cat[RC_HOLE].counted, VAL_ABSENT);
	assert_int_equal(r.cat[RC_HOLE].diff, 0);
	assert_int_equal(r.list[RL_ACTIVE_ANON].scan, 40 * 1024);
	assert_int_equal(r.list[RL_INACTIVE_ANON].scan, 60 * 1024);
	assert_int_equal(r.list[RL_INACTIVE_FILE].diff, 8 * 1024);
	assert_int_equal(r.list[RL_MAPPED].scan, 16 * 1024);
	assert_int_equal(r.list[RL_DIRTY].diff, 0);
	assert_int_equal(r.scan_in_total, (c.total - 130) * 1024);
	meminfo_release(&mi);

	/* no meminfo: every counter absent, never 0 */
	pagerecon_meminfo(&c, 1024, NULL, VAL_ABSENT, &r);
	for (int i = 0; i < _RC_MAX; i++)
		assert_int_equal(r.cat[i].counted, VAL_ABSENT);
	for (int i = 0; i < _RL_MAX; i++)
		assert_int_equal(r.list[i].counted, VAL_ABSENT);
}

static void test_free_recon(void **state)
{
	uint64_t scan[4] = {10, 5, 0, 2}, buddy[4] = {12, 5, 1, 2};
	struct free_recon r;

	(void)state;
	pagerecon_free(scan, buddy, 4, &r);
	assert_int_equal(r.scan_blocks, 17);
	assert_int_equal(r.buddy_blocks, 20);
	assert_int_equal(r.scan_pages, 10 + 10 + 16);
	assert_int_equal(r.buddy_pages, 12 + 10 + 4 + 16);
	assert_int_equal(r.same_blocks, 17);
	assert_true(r.agreement > 84.9 && r.agreement < 85.1);
	memset(scan, 0, sizeof(scan));
	memset(buddy, 0, sizeof(buddy));
	pagerecon_free(scan, buddy, 4, &r);
	assert_true(r.agreement == 100.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_meminfo),
	    cmocka_unit_test(test_free_recon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
