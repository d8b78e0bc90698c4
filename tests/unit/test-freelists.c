/* Unit tests for the free view's arithmetic on hand-built inputs: the
 * unusable free space index, the largest block, per-type figures, and the
 * reconciliation of MemFree, nr_free_pages, buddyinfo and per-CPU lists. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/freelists.h"
#include "testutil.h"

#define EPS 1e-12

static void test_index_math(void **state)
{
	/* 4 blocks of order 0, 2 of order 1, 1 of order 3:
	 * F = 4 + 4 + 8 = 16 pages */
	struct freelists_orders o = {.n_orders = 4, .blocks = {4, 2, 0, 1}};

	(void)state;
	assert_int_equal(freelists_orders_compute(&o), 0);
	assert_int_equal(o.free_pages, 16);
	assert_int_equal(o.largest_order, 3);
	assert_true(fabs(o.unusable[0] - 0.0) < EPS);
	assert_true(fabs(o.unusable[1] - 4.0 / 16) < EPS); /* 4 singles */
	assert_true(fabs(o.unusable[2] - 8.0 / 16) < EPS); /* + 2 pairs */
	assert_true(fabs(o.unusable[3] - 8.0 / 16) < EPS); /* none at 2 */
}

static void test_index_no_free(void **state)
{
	struct freelists_orders o = {.n_orders = 11};

	(void)state;
	assert_int_equal(freelists_orders_compute(&o), 0);
	assert_int_equal(o.free_pages, 0);
	assert_int_equal(o.largest_order, -1);
	/* the kernel's convention: no free memory is all unusable */
	for (unsigned i = 0; i < 11; i++)
		assert_true(fabs(o.unusable[i] - 1.0) < EPS);
}

static void test_index_only_top(void **state)
{
	struct freelists_orders o = {.n_orders = 11};

	(void)state;
	o.blocks[10] = 3;
	assert_int_equal(freelists_orders_compute(&o), 0);
	assert_int_equal(o.free_pages, 3072);
	assert_int_equal(o.largest_order, 10);
	for (unsigned i = 0; i < 11; i++)
		assert_true(fabs(o.unusable[i]) < EPS);
}

static void test_index_overflow(void **state)
{
	struct freelists_orders o = {.n_orders = 2};

	(void)state;
	o.blocks[1] = UINT64_MAX / 2 + 1;
	assert_int_equal(freelists_orders_compute(&o), -ERANGE);
}

static void test_build_from_fixture(void **state)
{
	struct root *r = fixture_root("debian12-6.18-x86_64");
	struct buddyinfo b;
	struct zoneinfo zi;
	struct pagetypeinfo p;
	struct freelists fl;
	const struct freelists_zone *n;
	uint64_t sum = 0;

	(void)state;
	assert_int_equal(buddyinfo_read(r, &b, NULL), 0);
	assert_int_equal(zoneinfo_read(r, &zi, NULL), 0);
	assert_int_equal(pagetypeinfo_read(r, &p, NULL), 0);
	assert_int_equal(freelists_build(&b, &zi, &p, 4096, &fl), 0);
	assert_int_equal(fl.n_zones, 3);
	assert_true(fl.has_types);
	n = &fl.zones[2];
	assert_string_equal(n->zone, "Normal");
	assert_int_equal(n->nr_free_pages, 322732);
	assert_int_equal(n->pcp_pages, 3976);
	assert_int_equal(n->o.largest_order, 10);
	/* the types' free pages come within 1% of the zone's buddy pages
	 * (the two files were read one after the other, not atomically) */
	for (unsigned k = 0; k < n->n_types; k++)
		sum += n->types[k].o.free_pages;
	assert_int_equal(n->n_types, 5);
	assert_true(sum > 0);
	assert_true((sum > n->o.free_pages
			 ? sum - n->o.free_pages
			 : n->o.free_pages - sum) < n->o.free_pages / 100);
	/* DMA: Unmovable has one order-8 block, Movable 1 x 9 + 3 x 10 */
	assert_int_equal(fl.zones[0].types[0].o.free_pages, 256);
	assert_int_equal(fl.zones[0].types[1].o.free_pages, 512 + 3 * 1024);
	assert_int_equal(fl.zones[0].types[1].pageblocks, 7);
	freelists_release(&fl);
	/* without zoneinfo and pagetypeinfo the figures are absent */
	assert_int_equal(freelists_build(&b, NULL, NULL, 4096, &fl), 0);
	assert_false(fl.has_types);
	assert_int_equal(fl.zones[0].nr_free_pages, VAL_ABSENT);
	assert_int_equal(fl.zones[0].pcp_pages, VAL_ABSENT);
	freelists_release(&fl);
	buddyinfo_release(&b);
	zoneinfo_release(&zi);
	pagetypeinfo_release(&p);
	root_free(r);
}

/* Hand-built sources for reconciliation. */
static void mk_sources(struct meminfo *mi, struct buddyinfo *b,
		       struct zoneinfo *zi, struct zoneinfo_zone *z,
		       struct zoneinfo_kv *kv, struct zoneinfo_pcp *pcp,
		       uint64_t memfree_pages, uint64_t buddy_order0,
		       uint64_t nr_free, uint64_t managed,
		       uint64_t memtotal_pages)
{
	memset(mi, 0, sizeof(*mi));
	for (int i = 0; i < _MI_MAX; i++)
		mi->v[i] = VAL_ABSENT;
	mi->v[MI_MEMFREE] = memfree_pages * 4096;
	mi->v[MI_MEMTOTAL] = memtotal_pages * 4096;
	memset(b, 0, sizeof(*b));
	b->n_orders = 1;
	b->n_zones = 1;
	b->zones = calloc(1, sizeof(*b->zones));
	b->zones[0].free[0] = buddy_order0;
	memset(z, 0, sizeof(*z));
	snprintf(kv->name, sizeof(kv->name), "nr_free_pages");
	kv->v = nr_free;
	z->stats = kv;
	z->n_stats = 1;
	z->free = nr_free;
	z->managed = managed;
	/* two CPUs, threshold 10 and batch 5 each: tolerance 30 pages */
	pcp[0] = (struct zoneinfo_pcp){
	    .cpu = 0, .count = 7, .batch = 5, .stat_threshold = 10};
	pcp[1] = (struct zoneinfo_pcp){
	    .cpu = 1, .count = 3, .batch = 5, .stat_threshold = 10};
	z->pcp = pcp;
	z->n_pcp = 2;
	zi->zones = z;
	zi->n_zones = 1;
	zi->nodes = NULL;
	zi->n_nodes = 0;
}

static void test_reconcile_agree(void **state)
{
	struct meminfo mi;
	struct buddyinfo b;
	struct zoneinfo zi;
	struct zoneinfo_zone z;
	struct zoneinfo_kv kv;
	struct zoneinfo_pcp pcp[2];
	struct freelists_reconcile rc;

	(void)state;
	mk_sources(&mi, &b, &zi, &z, &kv, pcp, 1000, 1012, 1005, 2000, 2000);
	assert_int_equal(freelists_reconcile(&mi, &b, &zi, NULL, 4096, 0, &rc),
			 0);
	assert_int_equal(rc.memfree, 1000);
	assert_int_equal(rc.buddy, 1012);
	assert_int_equal(rc.zone_free, 1005);
	assert_int_equal(rc.pcp, 10);
	assert_int_equal(rc.tolerance, 30);
	assert_int_equal(rc.drift_bound, 20);
	assert_int_equal(rc.memfree_vs_zone, -5);
	assert_int_equal(rc.buddy_vs_zone, 7);
	assert_int_equal(rc.memfree_vs_buddy, -12);
	assert_int_equal(rc.isolated, VAL_ABSENT);
	assert_int_equal(rc.unmanaged, VAL_ABSENT);
	assert_true(rc.agree);
	assert_non_null(strstr(rc.verdict, "agree within 48 KiB"));
	assert_non_null(
	    strstr(rc.explanation, "40 KiB more are free on per-CPU"));
	free(b.zones);
}

static void test_reconcile_unmanaged(void **state)
{
	struct meminfo mi;
	struct buddyinfo b;
	struct zoneinfo zi;
	struct zoneinfo_zone z;
	struct zoneinfo_kv kv;
	struct zoneinfo_pcp pcp[2];
	struct freelists_reconcile rc;

	(void)state;
	/* like this machine: MemTotal 5000 pages above the zones' managed
	 * pages, MemFree 5003 above nr_free_pages */
	mk_sources(&mi, &b, &zi, &z, &kv, pcp, 6003, 1000, 1000, 2000, 7000);
	assert_int_equal(freelists_reconcile(&mi, &b, &zi, NULL, 4096, 0, &rc),
			 0);
	assert_int_equal(rc.unmanaged, 5000);
	assert_int_equal(rc.memfree_vs_zone, 5003);
	assert_int_equal(rc.residual_memfree, 3);
	assert_false(rc.agree);
	assert_true(rc.explained);
	assert_non_null(
	    strstr(rc.verdict, "explained (memory no zone manages)"));
	free(b.zones);
}

static void test_reconcile_unexplained(void **state)
{
	struct meminfo mi;
	struct buddyinfo b;
	struct zoneinfo zi;
	struct zoneinfo_zone z;
	struct zoneinfo_kv kv;
	struct zoneinfo_pcp pcp[2];
	struct freelists_reconcile rc;

	(void)state;
	/* buddy lists hold 500 pages more than the counter, none isolated */
	mk_sources(&mi, &b, &zi, &z, &kv, pcp, 1000, 1500, 1000, 2000, 2000);
	{
		struct pagetypeinfo p = {.n_orders = 1, .n_types = 1};

		snprintf(p.types[0], sizeof(p.types[0]), "Isolate");
		p.zones = calloc(1, sizeof(*p.zones));
		p.n_zones = 1;
		p.zones[0].has_free[0] = true;
		p.zones[0].free[0][0] = 100;
		assert_int_equal(
		    freelists_reconcile(&mi, &b, &zi, &p, 4096, 0, &rc), 0);
		free(p.zones);
	}
	assert_int_equal(rc.isolated, 100);
	assert_int_equal(rc.buddy_vs_zone, 500);
	assert_int_equal(rc.residual_buddy, 400);
	assert_false(rc.agree);
	assert_false(rc.explained);
	assert_non_null(
	    strstr(rc.verdict, "differ by 2000 KiB, 1600 KiB not explained"));
	free(b.zones);
}

static void test_reconcile_missing(void **state)
{
	struct freelists_reconcile rc;

	(void)state;
	assert_int_equal(
	    freelists_reconcile(NULL, NULL, NULL, NULL, 4096, 0, &rc),
	    -ENODATA);
	assert_int_equal(rc.memfree, VAL_ABSENT);
	assert_int_equal(rc.buddy, VAL_ABSENT);
	assert_non_null(strstr(rc.verdict, "cannot compare"));
}

static void test_reconcile_no_zoneinfo(void **state)
{
	struct meminfo mi;
	struct buddyinfo b;
	struct zoneinfo zi;
	struct zoneinfo_zone z;
	struct zoneinfo_kv kv;
	struct zoneinfo_pcp pcp[2];
	struct freelists_reconcile rc;

	(void)state;
	/* MemFree 100 pages above the buddy lists, and no zoneinfo to give
	 * a tolerance: not agreement, not explained */
	mk_sources(&mi, &b, &zi, &z, &kv, pcp, 1100, 1000, 1000, 2000, 2000);
	assert_int_equal(freelists_reconcile(&mi, &b, NULL, NULL, 4096, 0, &rc),
			 0);
	assert_int_equal(rc.zone_free, VAL_ABSENT);
	assert_false(rc.has_buddy_vs_zone);
	assert_int_equal(rc.memfree_vs_buddy, 100);
	assert_int_equal(rc.tolerance, 0);
	assert_false(rc.agree);
	assert_false(rc.explained);
	assert_non_null(strstr(rc.verdict, "differ by 400 KiB, 400 KiB not"));
	free(b.zones);
}

static void test_reconcile_churn(void **state)
{
	struct meminfo mi;
	struct buddyinfo b;
	struct zoneinfo zi;
	struct zoneinfo_zone z;
	struct zoneinfo_kv kv;
	struct zoneinfo_pcp pcp[2];
	struct freelists_reconcile rc;

	(void)state;
	/* MemFree 100 pages below nr_free_pages: beyond the 30-page
	 * tolerance, but MemFree moved 80 pages while the files were read */
	mk_sources(&mi, &b, &zi, &z, &kv, pcp, 900, 1000, 1000, 2000, 2000);
	assert_int_equal(freelists_reconcile(&mi, &b, &zi, NULL, 4096, 0, &rc),
			 0);
	assert_false(rc.agree);
	assert_int_equal(freelists_reconcile(&mi, &b, &zi, NULL, 4096, 80, &rc),
			 0);
	assert_int_equal(rc.churn, 80);
	assert_int_equal(rc.tolerance, 110);
	assert_true(rc.agree);
	assert_non_null(strstr(rc.explanation, "320 KiB MemFree moved"));
	free(b.zones);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_index_math),
	    cmocka_unit_test(test_index_no_free),
	    cmocka_unit_test(test_index_only_top),
	    cmocka_unit_test(test_index_overflow),
	    cmocka_unit_test(test_build_from_fixture),
	    cmocka_unit_test(test_reconcile_agree),
	    cmocka_unit_test(test_reconcile_unmanaged),
	    cmocka_unit_test(test_reconcile_unexplained),
	    cmocka_unit_test(test_reconcile_missing),
	    cmocka_unit_test(test_reconcile_no_zoneinfo),
	    cmocka_unit_test(test_reconcile_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
