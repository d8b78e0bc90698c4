/* Unit tests for the leak finder on recordings built in memory: the
 * category -> pool tag chain and its order, time to exhaustion from
 * MemAvailable, reclaimable growth marked as such (no exhaustion), a flat
 * recording with no findings, --all's every-series mode, and the chain
 * from a category to the process holding what grew (an "owner" series)
 * ahead of the traced call sites. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	assert_true(res.v[0].reclaimable);
	assert_true(isnan(res.v[0].exhaustion_s));
	assert_string_equal(name(&d, &res.v[1]), "slab_unreclaimable");
	assert_false(res.v[1].reclaimable);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_owner_chain),
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_stopped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
