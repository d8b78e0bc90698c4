/* Unit tests for the difference of two moments: order (biggest growth
 * first, shrinking last, one-sided series at the end), chains from a
 * category to the pool tags inside it, unchanged series left out, and
 * the holder (an "owner" series) leading a category's chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/diff.h"
#include "../../src/basic/xalloc.h"

#define MIB ((int64_t)1 << 20)

static char *owner(const char *cat)
{
	return xasprintf("{\"category\":\"%s\",\"module\":null}", cat);
}

static const char *name_of(const struct diff_row *r)
{
	return (r->b ? r->b : r->a)->name;
}

static void test_order_and_chain(void **state)
{
	struct series_set a = {0}, b = {0};
	struct diff_result d;

	(void)state;
	series_add(&a, "category", "slab_unreclaimable", 100 * MIB, "pinned",
		   NULL);
	series_add(&a, "category", "shmem", 10 * MIB, "swappable", NULL);
	series_add(&a, "category", "free", 1000 * MIB, "free", NULL);
	series_add(&a, "category", "page_tables", 5 * MIB, "pinned", NULL);
	series_add(&a, "pool", "slab/kmalloc-256", 10 * MIB, "pinned",
		   owner("slab_unreclaimable"));
	series_add(&a, "pool", "slab/dentry", 50 * MIB, "reclaimable",
		   owner("slab_reclaimable"));
	series_add(&a, "pool", "slab/gone", 1 * MIB, "pinned",
		   owner("slab_unreclaimable"));
	series_add(&a, "meminfo", "available", 900 * MIB, NULL, NULL);

	series_add(&b, "category", "slab_unreclaimable", 400 * MIB, "pinned",
		   NULL);
	series_add(&b, "category", "shmem", 60 * MIB, "swappable", NULL);
	series_add(&b, "category", "free", 650 * MIB, "free", NULL);
	series_add(&b, "category", "page_tables", 5 * MIB, "pinned", NULL);
	series_add(&b, "pool", "slab/kmalloc-256", 305 * MIB, "pinned",
		   owner("slab_unreclaimable"));
	series_add(&b, "pool", "slab/dentry", 40 * MIB, "reclaimable",
		   owner("slab_reclaimable"));
	series_add(&b, "pool", "slab/new", 2 * MIB, "pinned",
		   owner("slab_unreclaimable"));
	series_add(&b, "meminfo", "available", 500 * MIB, NULL, NULL);

	diff_compute(&a, &b, &d);
	/* slab +300 (chain: kmalloc-256 +295), shmem +50, dentry -10,
	 * free -350, then the one-sided gone/new; page_tables and meminfo
	 * are left out */
	assert_int_equal(d.n, 7);
	assert_string_equal(name_of(&d.rows[0]), "slab_unreclaimable");
	assert_true(d.rows[0].delta == 300 * MIB);
	assert_int_equal(d.rows[0].n_children, 1);
	assert_int_equal(d.rows[0].children[0], 1);
	assert_string_equal(name_of(&d.rows[1]), "slab/kmalloc-256");
	assert_true(d.rows[1].is_child);
	assert_string_equal(name_of(&d.rows[2]), "shmem");
	assert_string_equal(name_of(&d.rows[3]), "slab/dentry");
	assert_string_equal(name_of(&d.rows[4]), "free");
	assert_null(d.rows[5].b ? d.rows[5].a : d.rows[5].b);
	assert_null(d.rows[6].b ? d.rows[6].a : d.rows[6].b);
	diff_result_release(&d);

	/* nothing changed */
	diff_compute(&a, &a, &d);
	assert_int_equal(d.n, 0);
	diff_result_release(&d);
	series_set_release(&a);
	series_set_release(&b);
}

/* A growing category chains to the holder that grew most first, even a
 * process that appeared between A and B (absent in A), then its pool
 * tags; a holder that shrank stays apart. */
static void test_owner_chain(void **state)
{
	struct series_set a = {0}, b = {0};
	struct diff_result d;
	char *ow = xstrdup("{\"category\":\"unaccounted\",\"kind\":\"pipe\","
			   "\"pid\":7}");

	(void)state;
	series_add(&a, "category", "unaccounted", 10 * MIB, "unknown", NULL);
	series_add(&a, "pool", "bpf/site", 1 * MIB, "pinned",
		   owner("unaccounted"));
	series_add(&a, "owner", "pipe/3", 4 * MIB, "unknown", xstrdup(ow));
	series_add(&b, "category", "unaccounted", 60 * MIB, "unknown", NULL);
	series_add(&b, "pool", "bpf/site", 41 * MIB, "pinned",
		   owner("unaccounted"));
	series_add(&b, "owner", "pipe/3", 1 * MIB, "unknown", xstrdup(ow));
	series_add(&b, "owner", "pipe/7", 16 * MIB, "unknown", ow);
	diff_compute(&a, &b, &d);
	assert_string_equal(name_of(&d.rows[0]), "unaccounted");
	assert_int_equal(d.rows[0].n_children, 2);
	assert_string_equal(name_of(&d.rows[d.rows[0].children[0]]), "pipe/7");
	assert_null(d.rows[d.rows[0].children[0]].a);
	assert_string_equal(name_of(&d.rows[d.rows[0].children[1]]),
			    "bpf/site");
	assert_false(d.rows[3].is_child);
	assert_string_equal(name_of(&d.rows[3]), "pipe/3");
	assert_int_equal(d.n, 4);
	diff_result_release(&d);
	series_set_release(&a);
	series_set_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_chain),
	    cmocka_unit_test(test_owner_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
