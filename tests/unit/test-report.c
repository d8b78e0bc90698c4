/* Unit tests for output/report.c: a recording built in memory drawn as
 * HTML has the parts tests and users look for (the usage chart with its
 * areas, a grower chart, the pools and leaks tables, the failed sources),
 * escapes names from the kernel, says "No leaks" for a flat recording,
 * and reports a failed write as -EIO. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/leaks.h"
#include "../../src/output/report.h"

#define MIB ((int64_t)1 << 20)

/* 120 samples a minute apart: slab and a pool tag named with markup grow
 * 12 MiB/h (or stay flat), page cache flat, one sample with a failed
 * source. */
static void build(struct store_data *d, bool growing)
{
	struct store *s = NULL;
	uint32_t slab, tag, cache, total, avail;

	assert_int_equal(store_open(":memory:", 0, &s, NULL), 0);
	assert_int_equal(store_series(s, "category", "slab_unreclaimable",
				      "pinned",
				      "{\"category\":\"slab_unreclaimable\","
				      "\"from\":\"SUnreclaim\"}",
				      &slab),
			 0);
	assert_int_equal(store_series(s, "pool", "slab/<b>evil</b>", "pinned",
				      "{\"category\":\"slab_unreclaimable\","
				      "\"source\":\"slab\",\"module\":\"m\"}",
				      &tag),
			 0);
	assert_int_equal(store_series(s, "category", "page_cache",
				      "reclaimable", NULL, &cache),
			 0);
	assert_int_equal(
	    store_series(s, "meminfo", "total", NULL, NULL, &total), 0);
	assert_int_equal(
	    store_series(s, "meminfo", "available", NULL, NULL, &avail), 0);
	for (int64_t i = 0; i < 120; i++) {
		int64_t g = growing ? i : 0;
		struct store_point p[5] = {
		    {slab, 100 * MIB + g * MIB / 5},
		    {tag, 10 * MIB + g * MIB / 5},
		    {cache, 500 * MIB},
		    {total, 2048 * MIB},
		    {avail, 1024 * MIB},
		};

		assert_int_equal(
		    store_append(s, 1700000000000 + i * 60000, p, 5,
				 i == 7 ? "{\"vmallocinfo\":\"needs root\"}"
					: NULL),
		    0);
	}
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, d), 0);
	store_close(s);
}

static char *draw(bool growing, size_t *ret_findings)
{
	struct report_meta m = {.db = "rec.db",
				.hostname = "host<1>",
				.kernel = "6.18",
				.interval = "60"};
	struct trend_rules rules;
	struct leaks_result lr;
	struct store_data d;
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	build(&d, growing);
	leaks_default_rules(&rules);
	leaks_find(&d, &rules, false, &lr);
	*ret_findings = lr.n;
	assert_int_equal(report_write(f, &d, &lr, &m), 0);
	fclose(f);
	leaks_result_release(&lr);
	store_data_release(&d);
	return s;
}

static void test_growing(void **state)
{
	size_t n;
	char *s = draw(true, &n);

	(void)state;
	assert_true(n >= 1);
	assert_non_null(strstr(s, "<!DOCTYPE html>") ? s : strstr(s, "<html"));
	assert_non_null(strstr(s, "<svg id=\"usage-chart\""));
	assert_non_null(strstr(s, "<path class=\"area\""));
	assert_non_null(strstr(s, "class=\"grower chart\""));
	assert_non_null(strstr(s, "<table id=\"pools\">"));
	assert_non_null(strstr(s, "<table id=\"leaks\">"));
	assert_non_null(strstr(s, "category:slab_unreclaimable"));
	/* names are escaped, never markup */
	assert_null(strstr(s, "<b>evil</b>"));
	assert_non_null(strstr(s, "&lt;b&gt;evil&lt;/b&gt;"));
	assert_null(strstr(s, "host<1>"));
	/* the failed source is named */
	assert_non_null(strstr(s, "vmallocinfo"));
	/* nothing fetched, nothing run */
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "src=\"http"));
	assert_null(strstr(s, "<link"));
	free(s);
}

static void test_flat(void **state)
{
	size_t n;
	char *s = draw(false, &n);

	(void)state;
	assert_int_equal(n, 0);
	assert_non_null(strstr(s, "No leaks"));
	free(s);
}

static void test_write_error(void **state)
{
	struct report_meta m = {.db = "rec.db"};
	struct trend_rules rules;
	struct leaks_result lr;
	struct store_data d;
	FILE *f = fopen("/dev/full", "we");

	(void)state;
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	build(&d, true);
	leaks_default_rules(&rules);
	leaks_find(&d, &rules, false, &lr);
	assert_int_equal(report_write(f, &d, &lr, &m), -EIO);
	fclose(f);
	leaks_result_release(&lr);
	store_data_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_growing),
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
