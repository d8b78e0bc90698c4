/* Unit tests for the leak finder on recordings built in memory: the
 * category -> pool tag chain and its order, time to exhaustion from
 * MemAvailable, reclaimable growth marked as such (no exhaustion), a flat
 * recording with no findings, --all's every-series mode, and the chain
 * from a category to the process holding what grew (an "owner" series)
 * ahead of the traced call sites; a cgroup's kind from the parts that
 * grew: reclaimable slab, v1 kernel memory (unknown), anonymous memory,
 * half and half (mixed), and no parts recorded (unknown). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/leaks.h"
#include "../../src/basic/macro.h"

#define MIB ((int64_t)1 << 20)

/* 120 samples a minute apart: slab +12 MiB/h (all of it in one pool tag),
 * page cache +60 MiB/h, MemAvailable 1 GiB; or everything flat. */
static void build(struct store_data *d, bool growing)
{
	struct store *s = NULL;
	uint32_t slab, tag, other, cache, avail;

	assert_int_equal(store_open(":memory:", 0, &s, NULL), 0);
	assert_int_equal(
	    store_series(s, "category", "slab_unreclaimable", "pinned",
			 "{\"category\":\"slab_unreclaimable\"}", &slab),
	    0);
	assert_int_equal(store_series(s, "pool", "slab/kmalloc-256", "pinned",
				      "{\"category\":\"slab_unreclaimable\","
				      "\"module\":\"leaky\"}",
				      &tag),
			 0);
	assert_int_equal(store_series(s, "pool", "slab/steady", "pinned",
				      "{\"category\":\"slab_unreclaimable\"}",
				      &other),
			 0);
	assert_int_equal(store_series(s, "category", "page_cache",
				      "reclaimable", NULL, &cache),
			 0);
	assert_int_equal(
	    store_series(s, "meminfo", "available", NULL, NULL, &avail), 0);
	for (int64_t i = 0; i < 120; i++) {
		int64_t g = growing ? i : 0;
		struct store_point p[5] = {
		    {slab, 100 * MIB + g * MIB / 5},
		    {tag, 10 * MIB + g * MIB / 5},
		    {other, 20 * MIB + (i % 3) * 4096},
		    {cache, 500 * MIB + g * MIB},
		    {avail, 1024 * MIB},
		};

		assert_int_equal(
		    store_append(s, 1700000000000 + i * 60000, p, 5, NULL), 0);
	}
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, d), 0);
	store_close(s);
}

static const char *name(const struct store_data *d,
			const struct leak_finding *f)
{
	return d->series[f->series].name;
}

static void test_chain(void **state)
{
	struct store_data d;
	struct trend_rules r;
	struct leaks_result res;

	(void)state;
	build(&d, true);
	leaks_default_rules(&r);
	r.min_net = 4 * MIB;
	assert_int_equal(leaks_find(&d, &r, false, &res), 0);
	assert_int_equal(res.n_analysed, 4);
	/* page cache grows fastest; slab follows with its tag */
	assert_int_equal(res.n, 3);
	assert_string_equal(name(&d, &res.v[0]), "page_cache");
	assert_int_equal(res.v[0].kind, LEAK_RECLAIMABLE);
	assert_true(isnan(res.v[0].exhaustion_s));
	assert_string_equal(name(&d, &res.v[1]), "slab_unreclaimable");
	assert_int_equal(res.v[1].kind, LEAK_UNRECLAIMABLE);
	assert_true(fabs(res.v[1].bytes_per_hour - 12.0 * MIB) < 0.01 * MIB);
	/* 1 GiB at 12 MiB/h */
	assert_true(fabs(res.v[1].exhaustion_s - 1024.0 / 12 * 3600) < 60);
	assert_int_equal(res.v[1].n_children, 1);
	assert_int_equal(res.v[1].children[0], 2);
	assert_string_equal(name(&d, &res.v[2]), "slab/kmalloc-256");
	assert_true(res.v[2].is_child);
	assert_true(res.v[1].start_bytes == 100 * MIB);
	leaks_result_release(&res);

	/* every series with --all, growing or not */
	assert_int_equal(leaks_find(&d, &r, true, &res), 0);
	assert_int_equal(res.n, 4);
	leaks_result_release(&res);
	store_data_release(&d);
}

/* 120 samples a minute apart: 8 MiB/h for 90 minutes, then flat for the
 * last 30 (a leak that was fixed); and a steady one for comparison. */
static void test_stopped(void **state)
{
	struct store *s = NULL;
	struct store_data d;
	struct trend_rules r;
	struct leaks_result res;
	uint32_t stop, steady;

	(void)state;
	assert_int_equal(store_open(":memory:", 0, &s, NULL), 0);
	assert_int_equal(store_series(s, "category", "slab_unreclaimable",
				      "pinned", NULL, &stop),
			 0);
	assert_int_equal(
	    store_series(s, "category", "unaccounted", "pinned", NULL, &steady),
	    0);
	for (int64_t i = 0; i < 120; i++) {
		int64_t g = i < 90 ? i : 89;
		struct store_point p[2] = {
		    {stop, 100 * MIB + g * MIB * 8 / 60},
		    {steady, 100 * MIB + i * MIB * 8 / 60},
		};

		assert_int_equal(
		    store_append(s, 1700000000000 + i * 60000, p, 2, NULL), 0);
	}
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	store_close(s);
	leaks_default_rules(&r);
	assert_int_equal(leaks_find(&d, &r, false, &res), 0);
	assert_int_equal(res.n, 2);
	for (size_t k = 0; k < res.n; k++) {
		if (streq(name(&d, &res.v[k]), "unaccounted")) {
			assert_false(res.v[k].stopped);
			assert_false(
			    isnan(res.v[k].exhaustion_s) &&
			    res.v[k].exhaustion_why &&
			    streq(res.v[k].exhaustion_why, "stopped growing"));
			continue;
		}
		assert_true(res.v[k].stopped);
		/* it reached its final level at the 90th sample, give or
		 * take the 5% band */
		assert_true(res.v[k].growing_until_ms >=
			    1700000000000 + 84 * 60000);
		assert_true(res.v[k].growing_until_ms <=
			    1700000000000 + 90 * 60000);
		assert_string_equal(res.v[k].exhaustion_why, "stopped growing");
	}
	leaks_result_release(&res);
	store_data_release(&d);
}

static void test_flat(void **state)
{
	struct store_data d;
	struct trend_rules r;
	struct leaks_result res;

	(void)state;
	build(&d, false);
	leaks_default_rules(&r);
	assert_int_equal(leaks_find(&d, &r, false, &res), 0);
	assert_int_equal(res.n, 0);
	leaks_result_release(&res);
	store_data_release(&d);
}

/* The owner chain: unaccounted grows 40 MiB/h; inside it six traced call
 * sites (pages: unaccounted) grow 6 MiB/h each, and one process's pipes
 * 5 MiB/h, slower than all of them. The process still leads the chain
 * (the call sites fill the rest), leaks_holder() finds it, and the
 * category's owner JSON names it. Another process's pipes stay flat. */
static void test_owner_chain(void **state)
{
	static const char pipe_owner[] =
	    "{\"category\":\"unaccounted\",\"kind\":\"pipe\",\"pid\":4711,"
	    "\"comm\":\"collector\",\"cgroup\":\"/system.slice/"
	    "collector.service\"}";
	struct store *s = NULL;
	struct store_data d;
	struct trend_rules r;
	struct leaks_result res;
	uint32_t cat, site[6], pipe, flat;
	ssize_t h;

	(void)state;
	assert_int_equal(store_open(":memory:", 0, &s, NULL), 0);
	assert_int_equal(store_series(s, "category", "unaccounted", "unknown",
				      "{\"category\":\"unaccounted\"}", &cat),
			 0);
	for (int k = 0; k < 6; k++) {
		char nm[32];

		snprintf(nm, sizeof(nm), "bpf/site%d+0x1", k);
		assert_int_equal(
		    store_series(s, "pool", nm, "pinned",
				 "{\"category\":\"unaccounted\",\"source\":"
				 "\"bpf\"}",
				 &site[k]),
		    0);
	}
	assert_int_equal(
	    store_series(s, "owner", "pipe/4711", "unknown", pipe_owner, &pipe),
	    0);
	assert_int_equal(store_series(s, "owner", "pipe/99", "unknown",
				      "{\"category\":\"unaccounted\","
				      "\"kind\":\"pipe\",\"pid\":99}",
				      &flat),
			 0);
	for (int64_t i = 0; i < 120; i++) {
		struct store_point p[9] = {
		    {cat, 100 * MIB + i * 40 * MIB / 60},
		    {pipe, 1 * MIB + i * 5 * MIB / 60},
		    {flat, 2 * MIB},
		};

		for (int k = 0; k < 6; k++)
			p[3 + k] = (struct store_point){
			    site[k], 10 * MIB + i * 6 * MIB / 60};
		assert_int_equal(
		    store_append(s, 1700000000000 + i * 60000, p, 9, NULL), 0);
	}
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	store_close(s);

	leaks_default_rules(&r);
	assert_int_equal(leaks_find(&d, &r, false, &res), 0);
	assert_int_equal(res.n_analysed, 9);
	assert_string_equal(name(&d, &res.v[0]), "unaccounted");
	assert_int_equal(res.v[0].n_children, LEAKS_MAX_CHILDREN);
	assert_string_equal(name(&d, &res.v[res.v[0].children[0]]),
			    "pipe/4711");
	for (size_t c = 1; c < res.v[0].n_children; c++)
		assert_memory_equal(name(&d, &res.v[res.v[0].children[c]]),
				    "bpf/site", 8);
	h = leaks_holder(&d, &res, 0);
	assert_true(h > 0);
	assert_string_equal(name(&d, &res.v[h]), "pipe/4711");
	assert_true(fabs(res.v[h].bytes_per_hour - 5.0 * MIB) < 0.01 * MIB);
	/* an owner series is its own holder */
	assert_int_equal(leaks_holder(&d, &res, (size_t)h), h);
	/* the flat holder is no finding */
	for (size_t k = 0; k < res.n; k++)
		assert_string_not_equal(name(&d, &res.v[k]), "pipe/99");
	leaks_result_release(&res);
	store_data_release(&d);
}

/* One part of a built cgroup: its name, class and rate (MiB/h). */
struct part {
	const char *name, *reclaim;
	int64_t mib_per_hour;
};

/* 120 samples a minute apart of cgroup "/app", the sum of its parts
 * (each from 100 MiB), or growing at rate MiB/h when it has none; a
 * cgroup "/app2" whose parts all grow, to show they are not taken for
 * those of "/app"; MemAvailable 1 GiB. */
static void build_cgroup(struct store_data *d, const struct part *parts,
			 size_t n, int64_t rate)
{
	struct store *s = NULL;
	uint32_t cg, cg2, avail, id[LEAKS_MAX_PARTS], id2;

	assert_true(n <= LEAKS_MAX_PARTS);
	assert_int_equal(store_open(":memory:", 0, &s, NULL), 0);
	assert_int_equal(store_series(s, "cgroup", "/app", "unknown",
				      "{\"path\":\"/app\"}", &cg),
			 0);
	for (size_t k = 0; k < n; k++) {
		char nm[64];

		snprintf(nm, sizeof(nm), "/app:%s", parts[k].name);
		assert_int_equal(store_series(s, "cgroup_part", nm,
					      parts[k].reclaim, NULL, &id[k]),
				 0);
	}
	assert_int_equal(store_series(s, "cgroup", "/app2", "unknown",
				      "{\"path\":\"/app2\"}", &cg2),
			 0);
	assert_int_equal(store_series(s, "cgroup_part", "/app2:page_cache",
				      "reclaimable", NULL, &id2),
			 0);
	assert_int_equal(
	    store_series(s, "meminfo", "available", NULL, NULL, &avail), 0);
	for (int64_t i = 0; i < 120; i++) {
		struct store_point p[LEAKS_MAX_PARTS + 4];
		int64_t sum = 0;
		size_t np = 0;

		for (size_t k = 0; k < n; k++) {
			int64_t v =
			    100 * MIB + i * parts[k].mib_per_hour * MIB / 60;

			p[np++] = (struct store_point){id[k], v};
			sum += v;
		}
		if (!n)
			sum = 400 * MIB + i * rate * MIB / 60;
		p[np++] = (struct store_point){cg, sum};
		p[np++] = (struct store_point){cg2, 50 * MIB + i * MIB};
		p[np++] = (struct store_point){id2, 50 * MIB + i * MIB};
		p[np++] = (struct store_point){avail, 1024 * MIB};
		assert_int_equal(
		    store_append(s, 1700000000000 + i * 60000, p, np, NULL), 0);
	}
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, d), 0);
	store_close(s);
}

/* Build the recording (build_cgroup()), find its leaks by the default
 * rules, and return the finding for cgroup "/app" (there must be one).
 * Part series are never findings, nor analysed. */
static const struct leak_finding *app(struct store_data *d,
				      const struct part *parts, size_t n,
				      int64_t rate, struct leaks_result *res)
{
	const struct leak_finding *f = NULL;
	struct trend_rules r;

	build_cgroup(d, parts, n, rate);
	leaks_default_rules(&r);
	assert_int_equal(leaks_find(d, &r, false, res), 0);

	assert_int_equal(res->n_analysed, 2);
	for (size_t k = 0; k < res->n; k++) {
		assert_string_equal(d->series[res->v[k].series].kind, "cgroup");
		if (streq(name(d, &res->v[k]), "/app"))
			f = &res->v[k];
	}
	assert_non_null(f);
	assert_true(f->growing);
	return f;
}

/* v2: the cgroup grew by reclaimable slab (dentries): reclaimable, no
 * time to exhaustion; the split says which part. */
static void test_cgroup_reclaimable(void **state)
{
	static const struct part parts[] = {
	    {"page_cache", "reclaimable", 0},
	    {"anon_shmem", "swappable", 0},
	    {"slab_reclaimable", "reclaimable", 30},
	    {"kernel_pinned", "pinned", 1},
	};
	struct store_data d;
	struct leaks_result res;
	const struct leak_finding *f;
	_cleanup_free_ char *js = NULL;

	(void)state;
	f = app(&d, parts, ELEMENTSOF(parts), 0, &res);
	assert_int_equal(f->kind, LEAK_RECLAIMABLE);
	assert_string_equal(leak_kind_name(f->kind), "reclaimable");
	assert_string_equal(f->kind_why, "");
	assert_true(isnan(f->exhaustion_s));
	assert_string_equal(f->exhaustion_why, "the kernel can reclaim it");
	/* all four parts, fastest first */
	assert_int_equal(f->n_split, 4);
	assert_string_equal(f->split[0].part, "slab_reclaimable");
	assert_true(fabs(f->split[0].bytes_per_hour - 30.0 * MIB) < 0.01 * MIB);
	assert_true(f->split[0].share > 0.95);
	js = leaks_split_json(f);
	assert_non_null(strstr(js, "{\"part\":\"slab_reclaimable\","
				   "\"bytes_per_hour\":31457280,"
				   "\"share_pct\":97,"
				   "\"reclaim\":\"reclaimable\"}"));
	leaks_result_release(&res);
	store_data_release(&d);
}

/* v1: the growth is kernel memory, which v1 does not split: unknown,
 * with the reason, and no time to exhaustion. */
static void test_cgroup_v1_kernel(void **state)
{
	static const struct part parts[] = {
	    {"page_cache", "reclaimable", 0},
	    {"anon_shmem", "swappable", 2},
	    {"kernel", "unknown", 30},
	};
	struct store_data d;
	struct leaks_result res;
	const struct leak_finding *f;

	(void)state;
	f = app(&d, parts, ELEMENTSOF(parts), 0, &res);
	assert_int_equal(f->kind, LEAK_UNKNOWN);
	assert_string_equal(leak_kind_name(f->kind), "unknown");
	assert_string_equal(f->kind_why, "kernel memory; cgroup v1 does not "
					 "say whether it is reclaimable");
	assert_true(isnan(f->exhaustion_s));
	assert_string_equal(f->exhaustion_why,
			    "not known whether the kernel can reclaim it");
	leaks_result_release(&res);
	store_data_release(&d);
}

/* Anonymous memory grows (page cache shrinks a little meanwhile):
 * unreclaimable, with a time to exhaustion. */
static void test_cgroup_anon(void **state)
{
	static const struct part parts[] = {
	    {"page_cache", "reclaimable", -3},
	    {"anon_shmem", "swappable", 30},
	    {"kernel", "unknown", 1},
	};
	struct store_data d;
	struct leaks_result res;
	const struct leak_finding *f;

	(void)state;
	f = app(&d, parts, ELEMENTSOF(parts), 0, &res);
	assert_int_equal(f->kind, LEAK_UNRECLAIMABLE);
	assert_string_equal(f->kind_why, "");
	assert_null(f->exhaustion_why);
	/* 1 GiB at 28 MiB/h */
	assert_true(fabs(f->exhaustion_s - 1024.0 / 28 * 3600) < 120);
	/* the shrinking part has no share; the growing ones all of it */
	assert_string_equal(f->split[2].part, "page_cache");
	assert_true(f->split[2].share == 0);
	assert_true(fabs(f->split[0].share + f->split[1].share - 1) < 0.01);
	leaks_result_release(&res);
	store_data_release(&d);
}

/* Half page cache, half anonymous: mixed, the shares in the reason, no
 * time to exhaustion. */
static void test_cgroup_mixed(void **state)
{
	static const struct part parts[] = {
	    {"page_cache", "reclaimable", 20},
	    {"anon_shmem", "swappable", 20},
	};
	struct store_data d;
	struct leaks_result res;
	const struct leak_finding *f;

	(void)state;
	f = app(&d, parts, ELEMENTSOF(parts), 0, &res);
	assert_int_equal(f->kind, LEAK_MIXED);
	assert_string_equal(leak_kind_name(f->kind), "mixed");
	assert_non_null(strstr(f->kind_why, "page_cache 50% (reclaimable)"));
	assert_non_null(strstr(f->kind_why, "anon_shmem 50% (swappable)"));
	assert_true(isnan(f->exhaustion_s));
	assert_string_equal(f->exhaustion_why,
			    "the kernel can reclaim part of it");
	leaks_result_release(&res);
	store_data_release(&d);
}

/* A recording from before the parts were recorded: unknown, never
 * unreclaimable. */
static void test_cgroup_no_parts(void **state)
{
	struct store_data d;
	struct leaks_result res;
	const struct leak_finding *f;

	(void)state;
	f = app(&d, NULL, 0, 30, &res);
	assert_int_equal(f->kind, LEAK_UNKNOWN);
	assert_int_equal(f->n_split, 0);
	assert_null(leaks_split_json(f));
	assert_string_equal(f->kind_why,
			    "its parts were not recorded (an older recording)");
	assert_true(isnan(f->exhaustion_s));
	leaks_result_release(&res);
	store_data_release(&d);
}

/* The rule on its own, as diff uses it on two moments: the changes of
 * the parts against the cgroup's change. */
static void test_parts_kind(void **state)
{
	struct leak_part v[3] = {
	    {.part = "page_cache", .reclaim = "reclaimable"},
	    {.part = "anon_shmem", .reclaim = "swappable"},
	    {.part = "kernel", .reclaim = "unknown"},
	};
	char why[160];

	(void)state;
	/* 100 MiB of page cache, anon shrank: reclaimable, no why */
	v[0].bytes_per_hour = 100, v[1].bytes_per_hour = -5;
	v[2].bytes_per_hour = 0;
	assert_int_equal(leak_parts_kind(v, 3, 95, why, sizeof(why)),
			 LEAK_RECLAIMABLE);
	assert_string_equal(why, "");
	assert_true(v[0].share > 0.99 && v[1].share == 0);
	/* v1 kernel memory (dentries): unknown, and why */
	v[0].bytes_per_hour = 2, v[1].bytes_per_hour = 0;
	v[2].bytes_per_hour = 98;
	assert_int_equal(leak_parts_kind(v, 3, 100, why, sizeof(why)),
			 LEAK_UNKNOWN);
	assert_non_null(strstr(why, "cgroup v1"));
	/* half and half: mixed, the shares named */
	v[0].bytes_per_hour = 50, v[1].bytes_per_hour = 50;
	v[2].bytes_per_hour = 0;
	assert_int_equal(leak_parts_kind(v, 3, 100, why, sizeof(why)),
			 LEAK_MIXED);
	assert_string_equal(why, "page_cache 50% (reclaimable), anon_shmem "
				 "50% (swappable)");
	/* no parts: unknown, never unreclaimable */
	assert_int_equal(leak_parts_kind(v, 0, 100, why, sizeof(why)),
			 LEAK_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_owner_chain),
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_stopped),
	    cmocka_unit_test(test_cgroup_reclaimable),
	    cmocka_unit_test(test_cgroup_v1_kernel),
	    cmocka_unit_test(test_cgroup_anon),
	    cmocka_unit_test(test_cgroup_mixed),
	    cmocka_unit_test(test_cgroup_no_parts),
	    cmocka_unit_test(test_parts_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
