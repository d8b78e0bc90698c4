/* Unit tests for turning BPF call-site counters into pool rows: exact and
 * estimated frees, absent figures, cache names, module names, and the
 * page-allocator ranges found in kallsyms. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define set_name(d, s) snprintf((d), sizeof(d), "%s", (s))

#include "../../src/analysis/bpftags.h"
#include "../../src/sources/slab_sysfs.h"

static const char syms_text[] =
    "ffffffff81000000 T _stext\n"
    "ffffffff81100000 T __alloc_frozen_pages_noprof\n"
    "ffffffff81100400 t __alloc_pages_slowpath.constprop.0\n"
    "ffffffff81100800 T get_page_from_freelist\n"
    "ffffffff81101000 T allocate_slab\n"
    "ffffffff81101200 T anon_pipe_write\n"
    "ffffffff81a62bc0 T load_msg\n"
    "ffffffff81a63000 T free_msg\n"
    "ffffffffc0a01230 t foo_rx_alloc\t[foo]\n"
    "ffffffffc0a01400 t alloc_pages\t[foo]\n";

static struct kallsyms syms;

static int setup(void **state)
{
	(void)state;
	return kallsyms_parse(syms_text, strlen(syms_text), &syms, NULL);
}

static int teardown(void **state)
{
	(void)state;
	kallsyms_release(&syms);
	return 0;
}

static struct kmemtag_site site(uint64_t addr, unsigned kind, uint64_t allocs,
				uint64_t size)
{
	struct kmemtag_site s = {0};

	s.site = addr;
	s.kind = (uint8_t)kind;
	s.allocs = allocs;
	s.bytes = allocs * size;
	s.t_allocs = allocs;
	s.t_bytes = allocs * size;
	s.first_size = (uint32_t)size;
	return s;
}

static void test_exact_rows(void **state)
{
	struct kmemtag_site s[2];
	struct kmemtag_result res = {0};
	struct bpftag_row *rows;
	size_t n;

	(void)state;
	s[0] = site(0xffffffff81a62bc0 + 0x41, KT_KIND_KMALLOC, 100, 1024);
	s[0].t_frees = 40;
	s[0].t_freed = 40 * 1024;
	s[1] = site(0xffffffffc0a01230 + 0x10, KT_KIND_SLAB, 10, 256);
	snprintf(s[1].cache, sizeof(s[1].cache), "foo_cache");
	s[1].flags = KT_F_RECLAIMABLE;
	res.sites = s;
	res.n_sites = 2;
	bpftags_rows(&res, &syms, &rows, &n);
	assert_int_equal(n, 2);

	assert_string_equal(rows[0].tag, "load_msg+0x41");
	assert_string_equal(rows[0].module, "");
	assert_string_equal(rows[0].cache, "kmalloc 1k");
	assert_string_equal(rows[0].kind, "kmalloc");
	assert_false(rows[0].estimated);
	assert_int_equal(rows[0].allocs, 100);
	assert_int_equal(rows[0].frees, 40);
	assert_int_equal(rows[0].diff, 60);
	assert_int_equal(rows[0].bytes, 60 * 1024);
	assert_int_equal(rows[0].per_alloc, 1024);
	assert_false(rows[0].reclaimable);

	assert_string_equal(rows[1].tag, "foo_rx_alloc+0x10");
	assert_string_equal(rows[1].module, "foo");
	assert_string_equal(rows[1].cache, "foo_cache");
	assert_true(rows[1].reclaimable);
	assert_int_equal(rows[1].frees, 0);
	assert_int_equal(rows[1].bytes, 2560);
	free(rows);

	/* without symbols the tag is the address */
	bpftags_rows(&res, NULL, &rows, &n);
	assert_string_equal(rows[0].tag, "0xffffffff81a62c01");
	free(rows);
}

static void test_estimated_rows(void **state)
{
	struct kmemtag_site s =
	    site(0xffffffff81101200 + 0x1a8, KT_KIND_PAGE, 1000, 4096);
	struct kmemtag_result res = {0};
	struct bpftag_row *rows;
	size_t n;

	(void)state;
	/* 1 in 16 tracked: 62 tracked, 31 of them freed */
	s.t_allocs = 62;
	s.t_bytes = 62 * 4096;
	s.t_frees = 31;
	s.t_freed = 31 * 4096;
	res.sites = &s;
	res.n_sites = 1;
	res.sample_shift = 4;
	bpftags_rows(&res, &syms, &rows, &n);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].tag, "anon_pipe_write+0x1a8");
	assert_string_equal(rows[0].cache, "pages 4k");
	assert_true(rows[0].estimated);
	assert_int_equal(rows[0].frees, 500);
	assert_int_equal(rows[0].diff, 500);
	assert_int_equal(rows[0].bytes, 500 * 4096);
	/* 1.96 * 1000 * sqrt(0.25 / 62) = 124.5 */
	assert_in_range(rows[0].frees_err, 124, 125);
	free(rows);

	/* nothing tracked: frees and bytes are absent, not 0 */
	s.t_allocs = s.t_bytes = s.t_frees = s.t_freed = 0;
	bpftags_rows(&res, &syms, &rows, &n);
	assert_int_equal(rows[0].frees, VAL_ABSENT);
	assert_int_equal(rows[0].bytes, VAL_ABSENT);
	assert_int_equal(rows[0].frees_err, VAL_ABSENT);
	assert_int_equal(rows[0].per_alloc, 4096);
	free(rows);
}

static void test_cache_names(void **state)
{
	struct kmemtag_site s =
	    site(0xffffffff81a62c00, KT_KIND_KMALLOC, 1, 96);
	char buf[40];

	(void)state;
	bpftags_cache_name(&s, buf, sizeof(buf));
	assert_string_equal(buf, "kmalloc 96");
	s.flags = KT_F_ACCOUNT;
	s.first_size = 8192;
	bpftags_cache_name(&s, buf, sizeof(buf));
	assert_string_equal(buf, "kmalloc-cg 8k");
	s.flags = KT_F_MIXED;
	bpftags_cache_name(&s, buf, sizeof(buf));
	assert_string_equal(buf, "kmalloc *");
	s.flags = 0;
	s.first_size = 16384;
	bpftags_cache_name(&s, buf, sizeof(buf));
	assert_string_equal(buf, "(pages)");
	/* the slab audit named the cache: shown as the kernel names it */
	s.first_size = 1024;
	snprintf(s.cache, sizeof(s.cache), "msg_msg-1k");
	bpftags_cache_name(&s, buf, sizeof(buf));
	assert_string_equal(buf, "msg_msg-1k");
	s.cache[0] = '\0';
	s.kind = KT_KIND_PERCPU;
	bpftags_cache_name(&s, buf, sizeof(buf));
	assert_string_equal(buf, "percpu");
}

static void test_page_ranges(void **state)
{
	struct kmemtag_range r[8];
	size_t n;

	(void)state;
	n = bpftags_page_ranges(&syms, r, 8);
	/* __alloc_frozen_pages(_noprof), __alloc_pages_slowpath(.constprop),
	 * get_page_from_freelist, allocate_slab; not the module's
	 * alloc_pages */
	assert_int_equal(n, 4);
	assert_true(r[0].lo == 0xffffffff81100000 &&
		    r[0].hi == 0xffffffff81100400);
	assert_int_equal(r[0].kind, KT_RANGE_ALLOCATOR);
	assert_int_equal(r[1].kind, KT_RANGE_ALLOCATOR);
	assert_int_equal(r[2].kind, KT_RANGE_ALLOCATOR);
	assert_int_equal(r[3].kind, KT_RANGE_IGNORE);
	assert_true(r[3].hi == 0xffffffff81101200);
	/* bounded by max */
	assert_int_equal(bpftags_page_ranges(&syms, r, 2), 2);
}

/* The kernel merged pool_workqueue, skbuff_fclone_cache and others into
 * ":0000256": a site allocating from any reports "pool_workqueue". */
static void test_merged_names(void **state)
{
	struct slab_sysfs_alias al[] = {
	    {"TCPv6", ":a-0002560"},
	    {"kmalloc-256", ":0000256"},
	    {"pool_workqueue", ":0000256"},
	    {"skbuff_fclone_cache", ":0000256"},
	};
	struct slab_sysfs_cache ca[] = {
	    {.name = ":0000256"}, {.name = ":a-0002560"}, {.name = "dentry"}};
	struct slab_sysfs ss = {
	    .caches = ca, .n_caches = 3, .aliases = al, .n_aliases = 4};
	struct bpftag_row rows[4] = {0};
	char many[64][32];
	struct slab_sysfs_alias big[64];

	(void)state;
	set_name(rows[0].cache, "pool_workqueue");
	rows[0].kind = "slab";
	set_name(rows[1].cache, "dentry");
	rows[1].kind = "slab";
	set_name(rows[2].cache, "TCPv6");
	rows[2].kind = "slab";
	set_name(rows[3].cache, "pool_workqueue");
	rows[3].kind = "page";
	bpftags_merged_names(rows, 4, &ss);
	assert_string_equal(rows[0].cache,
			    "pool_workqueue (merged: kmalloc-256, "
			    "skbuff_fclone_cache)");
	assert_string_equal(rows[1].cache, "dentry"); /* not merged */
	assert_string_equal(rows[2].cache, "TCPv6");  /* alone in its slab */
	assert_string_equal(rows[3].cache, "pool_workqueue"); /* not slab */
	bpftags_merged_names(rows, 4, NULL);		      /* no sysfs */

	/* more names than fit: the list ends in "+N more)" */
	for (int i = 0; i < 64; i++) {
		snprintf(many[i], sizeof(many[i]), "cache_number_%02d", i);
		big[i].name = many[i];
		big[i].target = ":0000064";
	}
	ss.aliases = big;
	ss.n_aliases = 64;
	set_name(rows[0].cache, "cache_number_00");
	bpftags_merged_names(rows, 1, &ss);
	assert_non_null(strstr(rows[0].cache, "cache_number_00 (merged: "
					      "cache_number_01, "));
	assert_non_null(strstr(rows[0].cache, " more)"));
	assert_true(strlen(rows[0].cache) < sizeof(rows[0].cache));
}

/* The message once said "the object table was full" while the table held
 * 66k of 1M entries: a bucket of 4 fills long before the table does. */
static void test_objs_notes(void **state)
{
	struct kt_bucket b[4] = {0};
	struct kmemtag_result res = {0};
	uint64_t used = 9, fullb = 9;
	char full[512], race[256];

	(void)state;
	for (int j = 0; j < KT_BUCKET_SLOTS; j++)
		b[1].slot[j].ptr = 0x1000 + (uint64_t)j;
	b[3].slot[2].ptr = 0x2000;
	kmemtag_objs_fill(b, 4, &used, &fullb);
	assert_int_equal(used, 5);
	assert_int_equal(fullb, 1);

	/* nothing lost: nothing said */
	res.objects = 1u << 20;
	bpftags_objs_notes(&res, full, sizeof(full), race, sizeof(race));
	assert_string_equal(full, "");
	assert_string_equal(race, "");

	/* the case seen: 368 lost while 66k of 1M entries were in use */
	res.stats[KT_STAT_OBJS_FULL] = 368;
	res.objs_counted = true;
	res.objs_used = 66000;
	res.objs_full_buckets = 40;
	res.audit = true;
	bpftags_objs_notes(&res, full, sizeof(full), race, sizeof(race));
	assert_non_null(strstr(full, "368 allocations not tracked"));
	assert_non_null(strstr(full, "40 of 262144 buckets full"));
	assert_non_null(strstr(full, "64.5k of 1.0M entries (6.3%)"));
	assert_non_null(strstr(full, "not a full table"));
	assert_null(strstr(full, "table was full"));
	assert_string_equal(race, "");

	/* really full: said so, with the kfree_rcu entries */
	res.objs_used = 1000000;
	res.audit = false;
	bpftags_objs_notes(&res, full, sizeof(full), race, sizeof(race));
	assert_non_null(strstr(full, "the object table was full"));
	assert_non_null(strstr(full, "kfree_rcu"));

	/* not counted (the read failed): the bucket, not the table */
	res.objs_counted = false;
	res.stats[KT_STAT_OBJS_RACE] = 3;
	bpftags_objs_notes(&res, full, sizeof(full), race, sizeof(race));
	assert_non_null(strstr(full, "bucket"));
	assert_null(strstr(full, "table was full"));
	assert_non_null(strstr(race, "3 allocations not tracked: another CPU"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_rows),
	    cmocka_unit_test(test_estimated_rows),
	    cmocka_unit_test(test_cache_names),
	    cmocka_unit_test(test_page_ranges),
	    cmocka_unit_test(test_merged_names),
	    cmocka_unit_test(test_objs_notes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
