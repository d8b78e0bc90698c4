/* Unit tests for the page classifier on hand-built flag arrays: every
 * flag's rule, the list of each, compound pages (and tails across batch
 * boundaries), holes, free blocks of every order and the blank pages
 * that may follow them, the window, and emitted runs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/model/pageclass.h"
#include "../../src/sources/kpageflags.h"

static void expect_one(uint64_t f, enum page_use u, enum page_list l)
{
	enum page_use gu;
	enum page_list gl;

	pageclass_one(f, &gu, &gl);
	if (gu != u || gl != l)
		fail_msg("flags %#llx: got %s/%s, want %s/%s",
			 (unsigned long long)f, page_use_name(gu),
			 page_list_name(gl), page_use_name(u),
			 page_list_name(l));
}

static void test_rules(void **state)
{
	(void)state;
	expect_one(0, PU_KERNEL, PL_NONE);
	expect_one(KPF(NOPAGE), PU_HOLE, PL_NONE);
	expect_one(KPF(NOPAGE) | KPF(RESERVED), PU_HOLE, PL_NONE);
	expect_one(KPF(BUDDY), PU_FREE, PL_FREE);
	expect_one(KPF(HWPOISON) | KPF(LRU), PU_HWPOISON, PL_INACTIVE);
	expect_one(KPF(OFFLINE), PU_OFFLINE, PL_NONE);
	expect_one(KPF(HUGE) | KPF(COMPOUND_HEAD), PU_HUGETLB, PL_NONE);
	expect_one(KPF(ZERO_PAGE) | KPF(RESERVED) | KPF(MMAP), PU_ZERO,
		   PL_NONE);
	/* the huge zero page says thp too */
	expect_one(KPF(ZERO_PAGE) | KPF(THP), PU_ZERO, PL_NONE);
	expect_one(KPF(SLAB), PU_SLAB, PL_NONE);
	/* SLUB's overloaded "active" is frozen, not an LRU list */
	expect_one(KPF(SLAB) | KPF(ACTIVE), PU_SLAB, PL_NONE);
	expect_one(KPF(PGTABLE), PU_PGTABLE, PL_NONE);
	expect_one(KPF(KSM) | KPF(ANON) | KPF(LRU) | KPF(MMAP), PU_KSM,
		   PL_INACTIVE);
	expect_one(KPF(ANON) | KPF(SWAPBACKED) | KPF(LRU) | KPF(ACTIVE) |
		       KPF(MMAP),
		   PU_ANON, PL_ACTIVE);
	expect_one(KPF(ANON) | KPF(SWAPBACKED) | KPF(THP) | KPF(COMPOUND_HEAD) |
		       KPF(LRU),
		   PU_THP, PL_INACTIVE);
	expect_one(KPF(SWAPBACKED) | KPF(LRU) | KPF(UPTODATE), PU_SHMEM,
		   PL_INACTIVE);
	expect_one(KPF(SWAPBACKED) | KPF(THP) | KPF(LRU), PU_SHMEM,
		   PL_INACTIVE);
	expect_one(KPF(SWAPBACKED) | KPF(UNEVICTABLE) | KPF(LRU) | KPF(MLOCKED),
		   PU_SHMEM, PL_UNEVICTABLE);
	expect_one(KPF(RESERVED), PU_RESERVED, PL_NONE);
	expect_one(KPF(RESERVED) | KPF(MMAP), PU_RESERVED, PL_NONE);
	expect_one(KPF(LRU) | KPF(UPTODATE), PU_FILE, PL_INACTIVE);
	expect_one(KPF(LRU) | KPF(ACTIVE) | KPF(MMAP), PU_FILE, PL_ACTIVE);
	expect_one(KPF(UPTODATE), PU_FILE, PL_NONE);
	expect_one(KPF(DIRTY) | KPF(LRU), PU_FILE, PL_INACTIVE);
	expect_one(KPF(WRITEBACK), PU_FILE, PL_NONE);
	expect_one(KPF(THP) | KPF(LRU) | KPF(UPTODATE), PU_FILE, PL_INACTIVE);
	expect_one(KPF(PRIVATE), PU_FILE, PL_NONE);
	/* bits that say nothing about use */
	expect_one(KPF(REFERENCED), PU_KERNEL, PL_NONE);
	expect_one(KPF(IDLE), PU_KERNEL, PL_NONE);
	expect_one(KPF(OWNER_PRIVATE), PU_KERNEL, PL_NONE);
	expect_one(KPF(COMPOUND_HEAD), PU_KERNEL, PL_NONE);
	expect_one(KPF(ARCH), PU_KERNEL, PL_NONE);
}

static void test_names(void **state)
{
	(void)state;
	for (int u = 0; u < _PU_MAX; u++)
		assert_int_equal(page_use_lookup(page_use_name(u)), u);
	assert_int_equal(page_use_lookup("nonesuch"), -1);
	assert_string_equal(page_list_name(PL_UNEVICTABLE), "unevictable");
	assert_string_equal(page_attr_name(PA_DIRTY), "dirty");
}

/* Classify the whole array, in batches of `batch` pages. */
static struct pageclass run(const uint64_t *f, const uint64_t *cnt,
			    const uint64_t *cg, size_t n, uint64_t pfn,
			    size_t batch, const struct pageclass_cfg *cfg)
{
	struct pageclass pc;
	struct pageclass_cfg def = {0};

	pageclass_init(&pc, cfg ? cfg : &def);
	for (size_t i = 0; i < n; i += batch) {
		size_t k = n - i < batch ? n - i : batch;

		assert_int_equal(pageclass_feed(&pc, pfn + i, f + i,
						cnt ? cnt + i : NULL,
						cg ? cg + i : NULL, k),
				 0);
	}
	pageclass_finish(&pc);
	return pc;
}

static void test_compound(void **state)
{
	/* a 4-page THP, a 2-page slab, a 3-page hugetlb-like page whose
	 * tails carry no flag of their own (old kernels) */
	uint64_t thp = KPF(ANON) | KPF(SWAPBACKED) | KPF(THP) | KPF(LRU) |
		       KPF(ACTIVE) | KPF(DIRTY);
	uint64_t f[] = {
	    thp | KPF(COMPOUND_HEAD),
	    thp | KPF(COMPOUND_TAIL),
	    thp | KPF(COMPOUND_TAIL),
	    thp | KPF(COMPOUND_TAIL),
	    KPF(SLAB) | KPF(COMPOUND_HEAD),
	    KPF(COMPOUND_TAIL),
	    KPF(HUGE) | KPF(COMPOUND_HEAD),
	    KPF(COMPOUND_TAIL),
	    KPF(COMPOUND_TAIL),
	    KPF(LRU) | KPF(UPTODATE),
	    KPF(COMPOUND_TAIL), /* orphan: no head before it */
	};
	size_t n = ELEMENTSOF(f);

	(void)state;
	for (size_t batch = 1; batch <= n; batch++) {
		struct pageclass pc = run(f, NULL, NULL, n, 100, batch, NULL);

		assert_int_equal(pc.c.pages[PU_THP][PL_ACTIVE], 4);
		assert_int_equal(pc.c.attr[PU_THP][PA_DIRTY], 4);
		assert_int_equal(pc.c.pages[PU_SLAB][PL_NONE], 2);
		assert_int_equal(pc.c.pages[PU_HUGETLB][PL_NONE], 3);
		assert_int_equal(pc.c.pages[PU_FILE][PL_INACTIVE], 1);
		assert_int_equal(pc.c.pages[PU_KERNEL][PL_NONE], 1);
		assert_int_equal(pc.c.compound_heads, 3);
		assert_int_equal(pc.c.compound_tails, 6);
		assert_int_equal(pc.c.orphan_tails, 1);
		assert_int_equal(pc.c.total, n);
	}
}

static void test_holes(void **state)
{
	uint64_t f[] = {KPF(NOPAGE), KPF(NOPAGE), KPF(RESERVED), 0,
			KPF(NOPAGE)};
	struct pageclass pc;

	(void)state;
	pc = run(f, NULL, NULL, ELEMENTSOF(f), 0, 2, NULL);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_HOLE), 3);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_RESERVED), 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 1);
	assert_int_equal(pageclass_list_pages(&pc.c, PL_NONE), 5);
}

static const struct pageclass_cfg ho = {.buddy_head_only = true};

/* Head-only kernels: a free block of every order 0..10 at an aligned PFN,
 * each followed by a page that ends it (an LRU file page), in every batch
 * size. */
static void test_free_every_order(void **state)
{
	size_t n = 0, cap = 12 * 2048;
	uint64_t *f = calloc(cap, 8);
	uint64_t base = 1 << 20; /* aligned for every order */

	(void)state;
	/* layout: for order k, the block starts at an offset aligned to
	 * 2^10 so each block's alignment allows up to order 10 */
	for (unsigned k = 0; k <= 10; k++) {
		size_t at = (size_t)k * 2048;

		f[at] = KPF(BUDDY);
		f[at + (1u << k)] = KPF(LRU) | KPF(UPTODATE);
		if (at + (1u << k) + 1 > n)
			n = at + (1u << k) + 1;
	}
	assert_true(n <= cap);
	for (size_t batch = 1; batch <= 4096; batch *= 4) {
		struct pageclass pc = run(f, NULL, NULL, n, base, batch, &ho);
		uint64_t free_pages = 0;

		for (unsigned k = 0; k <= 10; k++) {
			assert_int_equal(pc.c.free_blocks[0][k], 1);
			free_pages += 1u << k;
		}
		assert_int_equal(pc.c.pages[PU_FREE][PL_FREE], free_pages);
		assert_int_equal(pc.c.pages[PU_FILE][PL_INACTIVE], 11);
		assert_int_equal(pc.c.total, n);
		/* zeros between the blocks are kernel pages */
		assert_int_equal(pc.c.pages[PU_KERNEL][PL_NONE],
				 n - free_pages - 11);
	}
	free(f);
}

static void test_free_inference_limits(void **state)
{
	/* head at an odd PFN: order 0 whatever follows */
	uint64_t f1[] = {KPF(BUDDY), 0, 0, 0};
	/* head at PFN 8 (ctz 3) followed by 5 blank pages: the largest
	 * power of two in 6 is 4, the 2 left are kernel pages */
	uint64_t f2[] = {KPF(BUDDY), 0, 0, 0, 0, 0, KPF(SLAB)};
	/* a blank page with a map count or a cgroup ends the block */
	uint64_t f3[] = {KPF(BUDDY), 0, 0, 0};
	uint64_t c3[] = {0, 0, 1, 0};
	uint64_t g3[] = {0, 0, 0, 0};
	uint64_t c4[] = {0, 0, 0, 0};
	uint64_t g4[] = {0, 0, 0, 77};
	/* a long blank run is capped at the configured max order */
	uint64_t f5[64] = {KPF(BUDDY)};
	struct pageclass_cfg cfg = {.max_order = 3, .buddy_head_only = true};
	struct pageclass pc;

	(void)state;
	pc = run(f1, NULL, NULL, 4, 1, 4, &ho);
	assert_int_equal(pc.c.free_blocks[0][0], 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 3);

	pc = run(f2, NULL, NULL, 7, 8, 3, &ho);
	assert_int_equal(pc.c.free_blocks[0][2], 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 4);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 2);
	assert_int_equal(pc.c.blank_after_block, 2);

	pc = run(f3, c3, g3, 4, 16, 1, &ho);
	assert_int_equal(pc.c.free_blocks[0][1], 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 2);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 2);

	pc = run(f3, c4, g4, 4, 16, 2, &ho);
	assert_int_equal(pc.c.free_blocks[0][1], 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 2);

	pc = run(f5, NULL, NULL, 64, 0, 5, &cfg);
	assert_int_equal(pc.c.free_blocks[0][3], 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 8);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 56);

	/* a block still open at the end of input is settled by finish */
	pc = run(f5, NULL, NULL, 6, 64, 6, &ho);
	assert_int_equal(pc.c.free_blocks[0][2], 1);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 4);
}

/* Every page of a free block flagged (the kernel's is_free_buddy_page()
 * check, every kernel of the last years): runs of BUDDY pages are cut
 * into the blocks the allocator holds, exactly. */
static void test_free_all_flagged(void **state)
{
	uint64_t f[64] = {0};
	struct pageclass_cfg cfg = {.max_order = 3};
	struct pageclass pc;

	(void)state;
	/* PFNs 8..13 free: order 2 at 8, order 1 at 12 */
	for (int i = 8; i < 14; i++)
		f[i] = KPF(BUDDY);
	/* 15..33: order 0 at 15, 3 at 16 (capped), 3 at 24, 1 at 32 */
	for (int i = 15; i < 34; i++)
		f[i] = KPF(BUDDY);
	/* a lone free page at an aligned PFN followed by a blank kernel
	 * page: order 0, the blank page is not taken in */
	f[40] = KPF(BUDDY);
	f[42] = KPF(SLAB);
	for (size_t batch = 1; batch <= 64; batch++) {
		pc = run(f, NULL, NULL, 64, 0, batch, &cfg);
		assert_int_equal(pc.c.free_blocks[0][0], 2);
		assert_int_equal(pc.c.free_blocks[0][1], 2);
		assert_int_equal(pc.c.free_blocks[0][2], 1);
		assert_int_equal(pc.c.free_blocks[0][3], 2);
		assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE),
				 6 + 19 + 1);
		assert_int_equal(pageclass_use_pages(&pc.c, PU_SLAB), 1);
		assert_int_equal(pc.c.blank_after_block, 0);
		assert_int_equal(pc.c.total, 64);
	}
	/* the default cap is order 10 */
	{
		uint64_t *g = calloc(4096, 8);

		for (int i = 0; i < 4096; i++)
			g[i] = KPF(BUDDY);
		pc = run(g, NULL, NULL, 4096, 0, 1000, NULL);
		assert_int_equal(pc.c.free_blocks[0][10], 4);
		free(g);
	}
}

static void test_zones_and_window(void **state)
{
	uint64_t f[32] = {0};
	struct pageclass_zone z[2] = {{0, 16}, {16, 24}};
	struct pageclass_cfg cfg = {
	    .zones = z, .n_zones = 2, .buddy_head_only = true};
	struct pageclass pc;

	(void)state;
	f[0] = KPF(BUDDY); /* order 0: f[1] is not blank */
	f[1] = KPF(SLAB);
	f[16] = KPF(BUDDY); /* order 2 */
	f[20] = KPF(SLAB);
	f[24] = KPF(BUDDY); /* outside both zones: order 3 */
	pc = run(f, NULL, NULL, 32, 0, 7, &cfg);
	assert_int_equal(pc.c.free_blocks[0][0], 1);
	assert_int_equal(pc.c.free_blocks[1][2], 1);
	assert_int_equal(pc.c.free_blocks[2][3], 1);

	/* window [18, 26): half of the second block, the slab page, two
	 * pages of the third */
	cfg.lo = 18;
	cfg.hi = 26;
	pc = run(f, NULL, NULL, 32, 0, 32, &cfg);
	assert_int_equal(pc.c.total, 8);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_FREE), 2 + 2);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_SLAB), 1);
	/* the block at 16 starts outside the window: not in the histogram */
	assert_int_equal(pc.c.free_blocks[1][2], 0);
	assert_int_equal(pc.c.free_blocks[2][3], 1);
}

static void test_blank_runs(void **state)
{
	/* 40 pages from PFN 4: sections of 8 pages (at 8, 16, 24, 32, 40);
	 * RAM is [0, 30) and [36, 100) */
	uint64_t f[40] = {0};
	struct pageclass_zone ram[2] = {{0, 30}, {36, 100}};
	struct pageclass_cfg cfg = {.section_pages = 8};
	struct pageclass pc;

	(void)state;
	f[20] = KPF(SLAB); /* PFN 24 */
	for (size_t batch = 1; batch <= 40; batch++) {
		/* no RAM list: [4,24) blank: 4-7 kernel, 8-23 uninit; 24 slab;
		 * [25,44): 25-31 kernel, 32-39 uninit, 40-43 kernel */
		pc = run(f, NULL, NULL, 40, 4, batch, &cfg);
		assert_int_equal(pageclass_use_pages(&pc.c, PU_UNINIT), 24);
		assert_int_equal(pc.c.pages[PU_UNINIT][PL_FREE], 24);
		assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 15);
		assert_int_equal(pageclass_use_pages(&pc.c, PU_SLAB), 1);
	}
	cfg.ram = ram;
	cfg.n_ram = 2;
	pc = run(f, NULL, NULL, 40, 4, 7, &cfg);
	/* [25,30) kernel, [30,36) hole, [36,44): 36-39 kernel, 40-43 kernel */
	assert_int_equal(pageclass_use_pages(&pc.c, PU_HOLE), 6);
	assert_int_equal(pc.c.blank_not_ram, 6);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_UNINIT), 16);
	assert_int_equal(pageclass_use_pages(&pc.c, PU_KERNEL), 4 + 5 + 8);
	assert_int_equal(pc.c.total, 40);
}

struct collect {
	struct page_run r[64];
	size_t n;
	uint64_t blocks;
};

static void on_run(void *ctx, const struct page_run *r)
{
	struct collect *c = ctx;

	assert_true(c->n < 64);
	c->r[c->n++] = *r;
}

static void on_block(void *ctx, uint64_t pfn, unsigned order, size_t zone)
{
	struct collect *c = ctx;

	(void)pfn;
	(void)zone;
	c->blocks += order + 1;
}

static void test_emit(void **state)
{
	uint64_t f[] = {
	    KPF(BUDDY),		0, 0, 0, KPF(ANON) | KPF(COMPOUND_HEAD),
	    KPF(COMPOUND_TAIL), 0};
	uint64_t cnt[] = {0, 0, 0, 0, 2, 1, 0};
	struct collect c = {0};
	struct pageclass_cfg cfg = {.buddy_head_only = true,
				    .emit = on_run,
				    .emit_block = on_block,
				    .ctx = &c};
	uint64_t next = 4;

	(void)state;
	run(f, cnt, NULL, ELEMENTSOF(f), 4, 2, &cfg);
	/* runs come in PFN order and cover every page once */
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.r[i].pfn, next);
		next += c.r[i].n;
	}
	assert_int_equal(next, 4 + ELEMENTSOF(f));
	assert_int_equal(c.r[0].use, PU_FREE);
	assert_int_equal(c.r[0].flags, KPF(BUDDY));
	assert_int_equal(c.r[1].use, PU_FREE);
	assert_int_equal(c.r[1].n, 3);
	assert_int_equal(c.r[1].head, 4);
	assert_int_equal(c.r[2].use, PU_ANON);
	assert_int_equal(c.r[2].count, 2);
	assert_int_equal(c.r[3].head, 8);
	assert_int_equal(c.r[3].use, PU_ANON);
	assert_int_equal(c.r[4].use, PU_KERNEL);
	assert_int_equal(c.r[4].cgroup, UINT64_MAX);
	assert_int_equal(c.blocks, 3);
}

static void test_batches_must_follow(void **state)
{
	uint64_t f[2] = {0, 0};
	struct pageclass pc;
	struct pageclass_cfg cfg = {0};
	struct pageclass_counts sum = {0};

	(void)state;
	pageclass_init(&pc, &cfg);
	assert_int_equal(pageclass_feed(&pc, 10, f, NULL, NULL, 2), 0);
	assert_int_equal(pageclass_feed(&pc, 13, f, NULL, NULL, 2), -EINVAL);
	assert_int_equal(pageclass_feed(&pc, 12, f, NULL, NULL, 2), 0);
	pageclass_finish(&pc);
	pageclass_counts_add(&sum, &pc.c);
	pageclass_counts_add(&sum, &pc.c);
	assert_int_equal(sum.total, 8);
	assert_int_equal(sum.pages[PU_KERNEL][PL_NONE], 8);
}

/* Any words at all, in any batch sizes: every page counted once, in one
 * use and one list, whatever the flags say. */
static void test_random_words(void **state)
{
	uint64_t seed = 99;

	(void)state;
	for (int round = 0; round < 20; round++) {
		size_t n = 5000;
		uint64_t *f = malloc(n * 8), sum = 0;
		struct pageclass pc;
		struct pageclass_cfg cfg = {.buddy_head_only = round & 1,
					    .section_pages = 64};

		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			/* mostly sparse words, so runs and blocks form */
			f[i] = (seed >> 7) % 5 ? 0 : seed;
			if ((seed >> 20) % 3 == 0)
				f[i] = KPF(BUDDY);
		}
		pc = run(f, NULL, NULL, n, seed % 100000, 1 + seed % 777, &cfg);
		for (int u = 0; u < _PU_MAX; u++)
			sum += pageclass_use_pages(&pc.c, u);
		assert_int_equal(sum, n);
		assert_int_equal(pc.c.total, n);
		free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_compound),
	    cmocka_unit_test(test_holes),
	    cmocka_unit_test(test_free_every_order),
	    cmocka_unit_test(test_free_inference_limits),
	    cmocka_unit_test(test_free_all_flagged),
	    cmocka_unit_test(test_zones_and_window),
	    cmocka_unit_test(test_blank_runs),
	    cmocka_unit_test(test_emit),
	    cmocka_unit_test(test_batches_must_follow),
	    cmocka_unit_test(test_random_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
