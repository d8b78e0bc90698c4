/* Unit tests for the pools analysis on hand-built sources: PoolMon's
 * figures per source, types, sorting with absent values, filters,
 * patterns, top N and totals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/pools.h"
#include "testutil.h"

static const char slab_text[] =
    "slabinfo - version: 2.1\n"
    "dentry 100 120 192 21 1 : tunables 0 0 0 : slabdata 6 6 0\n"
    "kmalloc-64 10 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
    "task_struct 5 8 7040 4 8 : tunables 0 0 0 : slabdata 2 2 0\n"
    "empty 0 0 32 128 1 : tunables 0 0 0 : slabdata 0 0 0\n"
    "kmalloc-rcl-96 1 42 96 42 1 : tunables 0 0 0 : slabdata 1 1 0\n"
    "jbd2_transaction_s 3 21 192 21 1 : tunables 0 0 0 : slabdata 1 1 0\n";

static const char vm_text[] =
    "0x0-0x0 20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n"
    "0x0-0x0 20480 kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n"
    "0x0-0x0 8192 probe+0x1/0x2 [e1000e] phys=0x1000 ioremap\n"
    "0x0-0x0 12288 probe+0x1/0x2 [e1000e] pages=2 vmalloc\n"
    "0x0-0x0 12288 probe+0x1/0x2 pages=2 vmalloc\n"
    "0x0-0x0 20480 unpurged vm_area\n";

static const char ai_text[] =
    "allocinfo - version: 2.0\n"
    "#     <size>  <calls> <tag info>\n"
    "     8192        2 mm/slub.c:10 func:alloc_slab_page \n"
    "      -64        1 lib/x.c:1 [mod] func:racy accurate:no \n";

struct fx {
	struct slabinfo si;
	struct slab_sysfs ss;
	struct vmallocinfo vi;
	struct allocinfo ai;
	struct pool_set set;
};

static struct slab_sysfs_cache ss_caches[2];
static struct slab_sysfs_alias ss_alias[1];

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(
	    slabinfo_parse(slab_text, strlen(slab_text), &f->si, NULL), 0);
	assert_int_equal(
	    vmallocinfo_parse(vm_text, strlen(vm_text), &f->vi, NULL), 0);
	assert_int_equal(
	    allocinfo_parse(ai_text, strlen(ai_text), &f->ai, NULL), 0);
	/* sysfs, built by hand: dentry reclaimable, kmalloc-64 not; the
	 * jbd2 alias points to a merged cache without reclaim_account */
	for (int i = 0; i < 2; i++)
		for (int a = 0; a < _SA_MAX; a++)
			ss_caches[i].v[a] = VAL_ABSENT;
	ss_caches[0].name = (char *)":a-0000192";
	ss_caches[1].name = (char *)"dentry";
	ss_caches[1].v[SA_RECLAIM_ACCOUNT] = 1;
	ss_alias[0].name = (char *)"jbd2_transaction_s";
	ss_alias[0].target = (char *)":a-0000192";
	f->ss.caches = ss_caches;
	f->ss.n_caches = 2;
	f->ss.aliases = ss_alias;
	f->ss.n_aliases = 1;
	pools_add_slab(&f->set, &f->si, &f->ss, 4096);
	pools_add_vmalloc(&f->set, &f->vi, 4096);
	pools_add_allocinfo(&f->set, &f->ai);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pools_release(&f->set);
	slabinfo_release(&f->si);
	vmallocinfo_release(&f->vi);
	allocinfo_release(&f->ai);
	free(f);
	return 0;
}

static const struct pool_row *find(const struct pool_set *s, const char *tag,
				   const char *module)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->rows[i].tag, tag) &&
		    (!module ? !s->rows[i].module
			     : s->rows[i].module &&
				   streq(s->rows[i].module, module)))
			return &s->rows[i];
	return NULL;
}

/* find() that fails the test instead of returning NULL */
static const struct pool_row *must(const struct pool_set *s, const char *tag,
				   const char *module)
{
	const struct pool_row *r = find(s, tag, module);

	if (!r) {
		fail_msg("no row '%s'", tag);
		abort(); /* not reached: cmocka's fail jumps out */
	}
	return r;
}

static void test_figures(void **state)
{
	struct fx *f = *state;
	const struct pool_row *r;

	assert_int_equal(f->set.n, 6 + 3 + 2);
	r = must(&f->set, "task_struct", NULL);
	assert_non_null(r);
	assert_int_equal(r->source, POOL_SLAB);
	assert_int_equal(r->diff, 5);
	assert_int_equal(r->bytes, 2 * 8 * 4096);
	assert_int_equal(r->per_alloc, 2 * 8 * 4096 / 5);
	assert_int_equal(r->objsize, 7040);
	assert_int_equal(r->objects, 8);
	assert_false(val_has(r->allocs));
	assert_false(val_has(r->frees));
	r = must(&f->set, "empty", NULL);
	assert_int_equal(r->bytes, 0);
	assert_int_equal(r->diff, 0);
	assert_false(val_has(r->per_alloc)); /* 0/0 is not a size */
	/* vmalloc: grouped per function and module */
	r = must(&f->set, "kernel_clone", NULL);
	assert_non_null(r);
	assert_int_equal(r->diff, 2);
	assert_int_equal(r->bytes, 8 * 4096);
	assert_int_equal(r->type, POOL_UNRECLAIMABLE);
	r = must(&f->set, "probe", "e1000e");
	assert_int_equal(r->diff, 2);	      /* ioremap area counts... */
	assert_int_equal(r->bytes, 2 * 4096); /* ...but holds no RAM */
	r = must(&f->set, "probe", NULL);
	assert_int_equal(r->diff, 1);
	assert_int_equal(f->set.n_vmalloc_skipped, 1);
	/* allocinfo */
	r = must(&f->set, "alloc_slab_page@mm/slub.c:10", NULL);
	assert_non_null(r);
	assert_int_equal(r->bytes, 8192);
	assert_int_equal(r->diff, 2);
	assert_int_equal(r->per_alloc, 4096);
	assert_int_equal(r->type, POOL_TYPE_UNKNOWN);
	r = must(&f->set, "racy@lib/x.c:1", "mod");
	assert_non_null(r);
	assert_false(val_has(r->bytes)); /* negative: unknown, not 0 */
	assert_int_equal(f->set.n_negative, 1);
	assert_int_equal(f->set.n_inaccurate, 1);
}

static void test_types(void **state)
{
	struct fx *f = *state;

	assert_int_equal(must(&f->set, "dentry", NULL)->type, POOL_RECLAIMABLE);
	/* merged cache without the attribute: from ":a-" */
	assert_int_equal(must(&f->set, "jbd2_transaction_s", NULL)->type,
			 POOL_RECLAIMABLE);
	/* from the kmalloc-rcl- name */
	assert_int_equal(must(&f->set, "kmalloc-rcl-96", NULL)->type,
			 POOL_RECLAIMABLE);
	/* not in sysfs at all, no telling name: unknown */
	assert_int_equal(must(&f->set, "kmalloc-64", NULL)->type,
			 POOL_TYPE_UNKNOWN);
	assert_int_equal(f->set.n_type_guessed, 2);
	assert_int_equal(f->set.n_type_unknown, 3);
	assert_null(pool_type_name(POOL_TYPE_UNKNOWN));
	assert_string_equal(pool_type_name(POOL_RECLAIMABLE), "reclaimable");
}

static void test_sort(void **state)
{
	struct fx *f = *state;

	/* 64 KiB, 32 KiB, 24 KiB */
	pools_sort(&f->set, POOL_SORT_BYTES);
	assert_string_equal(f->set.rows[0].tag, "task_struct");
	assert_string_equal(f->set.rows[1].tag, "kernel_clone");
	assert_string_equal(f->set.rows[2].tag, "dentry");
	/* the absent bytes sort last, after the zeros */
	assert_string_equal(f->set.rows[f->set.n - 1].tag, "racy@lib/x.c:1");
	assert_int_equal(f->set.rows[f->set.n - 2].bytes, 0);
	for (size_t i = 1; i + 1 < f->set.n; i++)
		assert_true(f->set.rows[i - 1].bytes >= f->set.rows[i].bytes);

	pools_sort(&f->set, POOL_SORT_DIFF);
	assert_string_equal(f->set.rows[0].tag, "dentry");
	pools_sort(&f->set, POOL_SORT_TAG);
	for (size_t i = 1; i < f->set.n; i++)
		assert_true(
		    strcmp(f->set.rows[i - 1].tag, f->set.rows[i].tag) <= 0);
	/* every allocs is absent: order falls back to the tag */
	pools_sort(&f->set, POOL_SORT_ALLOCS);
	assert_string_equal(f->set.rows[0].tag, "alloc_slab_page@mm/slub.c:10");
	pools_sort(&f->set, POOL_SORT_PER_ALLOC);
	/* 32 KiB / 2 areas beats 64 KiB / 5 objects */
	assert_string_equal(f->set.rows[0].tag, "kernel_clone");
	assert_string_equal(f->set.rows[1].tag, "task_struct");

	assert_int_equal(pool_sort_from_name("per-alloc"), POOL_SORT_PER_ALLOC);
	assert_int_equal(pool_sort_from_name("per_alloc"), POOL_SORT_PER_ALLOC);
	assert_int_equal(pool_sort_from_name("bytes"), POOL_SORT_BYTES);
	assert_int_equal(pool_sort_from_name("size"), -1);
}

static void test_filters(void **state)
{
	struct fx *f = *state;
	char *inc[] = {"kmalloc*", "d?ntry"};
	char *exc[] = {"*rcl*"};
	struct pool_filter flt = {
	    .include = inc, .n_include = 2, .exclude = exc, .n_exclude = 1};

	pools_filter(&f->set, &flt);
	assert_int_equal(f->set.n, 2); /* kmalloc-64, dentry */
	assert_non_null(find(&f->set, "kmalloc-64", NULL));
	assert_non_null(find(&f->set, "dentry", NULL));
}

static void test_type_filter(void **state)
{
	struct fx *f = *state;
	struct pool_filter flt = {.type = POOL_FILTER_RECLAIMABLE};

	pools_filter(&f->set, &flt);
	/* unknown types do not pass a type filter */
	assert_int_equal(f->set.n, 3);
	for (size_t i = 0; i < f->set.n; i++)
		assert_int_equal(f->set.rows[i].type, POOL_RECLAIMABLE);
}

static void test_source_filter_top_totals(void **state)
{
	struct fx *f = *state;
	struct pool_filter flt = {.sources = POOL_SRC_BIT(POOL_SLAB) |
					     POOL_SRC_BIT(POOL_VMALLOC)};
	struct pool_totals t;

	pools_totals(&f->set, &t);
	assert_int_equal(t.rows[POOL_ALLOCINFO], 2);
	assert_int_equal(t.bytes[POOL_ALLOCINFO], 8192); /* absent skipped */
	assert_int_equal(t.diff[POOL_ALLOCINFO], 3);
	pools_filter(&f->set, &flt);
	pools_totals(&f->set, &t);
	assert_int_equal(t.rows[POOL_SLAB], 6);
	assert_int_equal(t.bytes[POOL_SLAB], (6 + 1 + 16 + 0 + 1 + 1) * 4096);
	assert_int_equal(t.diff[POOL_SLAB], 100 + 10 + 5 + 0 + 1 + 3);
	assert_int_equal(t.bytes[POOL_VMALLOC], (8 + 2 + 2) * 4096);
	assert_int_equal(t.diff[POOL_VMALLOC], 5);
	assert_int_equal(t.rows[POOL_ALLOCINFO], 0);
	assert_int_equal(t.all_bytes, (25 + 12) * 4096);
	pools_sort(&f->set, POOL_SORT_BYTES);
	pools_top(&f->set, 2);
	assert_int_equal(f->set.n, 2);
	pools_top(&f->set, 10); /* more than there are: no change */
	assert_int_equal(f->set.n, 2);
	pools_top(&f->set, 0);
	assert_int_equal(f->set.n, 0);
}

static void test_no_sysfs(void **state)
{
	struct fx *f = *state;
	struct pool_set s = {0};

	/* sysfs unreadable: names decide where they can */
	pools_add_slab(&s, &f->si, NULL, 65536);
	assert_int_equal(must(&s, "dentry", NULL)->type, POOL_TYPE_UNKNOWN);
	assert_int_equal(must(&s, "kmalloc-rcl-96", NULL)->type,
			 POOL_RECLAIMABLE);
	assert_int_equal(must(&s, "dentry", NULL)->bytes, 6 * 65536);
	pools_release(&s);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pool_source_name(POOL_BPF), "bpf");
	assert_int_equal(pool_source_from_name("vmalloc"), POOL_VMALLOC);
	assert_int_equal(pool_source_from_name("nope"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_types, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_type_filter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_source_filter_top_totals,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_sysfs, setup, teardown),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
