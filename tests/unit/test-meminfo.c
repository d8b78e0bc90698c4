/* Unit tests for the /proc/meminfo parser: captured files from real
 * machines, then missing, unknown, truncated and absurd fields. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/meminfo.h"
#include "testutil.h"

static void parse_ok(const char *text, struct meminfo *mi)
{
	struct parse_err err = {0};

	assert_int_equal(meminfo_parse(text, strlen(text), mi, &err), 0);
}

static int parse_bad(const char *text, struct parse_err *err)
{
	struct meminfo mi;

	memset(err, 0, sizeof(*err));
	return meminfo_parse(text, strlen(text), &mi, err);
}

static void test_captured_debian12(void **state)
{
	struct meminfo mi;
	size_t len;
	char *buf = fixture_read("debian12-6.18-x86_64", "proc/meminfo", &len);

	(void)state;
	assert_int_equal(meminfo_parse(buf, len, &mi, NULL), 0);
	assert_true(val_has(mi.v[MI_MEMTOTAL]));
	assert_true(mi.v[MI_MEMTOTAL] % 1024 == 0);
	/* fields this 6.18 kernel prints */
	assert_true(val_has(mi.v[MI_SECPAGETABLES]));
	assert_true(val_has(mi.v[MI_PERCPU]));
	assert_true(val_has(mi.v[MI_KRECLAIMABLE]));
	assert_true(val_has(mi.v[MI_HUGEPAGES_TOTAL]));
	/* and ones it does not */
	assert_false(val_has(mi.v[MI_CMATOTAL]));
	assert_false(val_has(mi.v[MI_GPUACTIVE]));
	/* internal consistency of a real file */
	assert_int_equal(mi.v[MI_SLAB],
			 mi.v[MI_SRECLAIMABLE] + mi.v[MI_SUNRECLAIM]);
	assert_int_equal(mi.v[MI_ACTIVE],
			 mi.v[MI_ACTIVE_ANON] + mi.v[MI_ACTIVE_FILE]);
	meminfo_release(&mi);
	free(buf);
}

static void test_captured_others(void **state)
{
	/* every fixture tree that has a meminfo must parse */
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/meminfo")) {
		struct meminfo mi;
		struct parse_err err = {0};
		if (meminfo_parse(it.buf, it.len, &mi, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		assert_true(mi.v[MI_MEMTOTAL] > 0);
		meminfo_release(&mi);
	}
}

static void test_units_and_counts(void **state)
{
	struct meminfo mi;

	(void)state;
	parse_ok("MemTotal:       1000 kB\n"
		 "HugePages_Total:       7\n"
		 "Hugepagesize:       2048 kB\n",
		 &mi);
	assert_int_equal(mi.v[MI_MEMTOTAL], 1000 * 1024);
	assert_int_equal(mi.v[MI_HUGEPAGES_TOTAL], 7);
	assert_int_equal(mi.v[MI_HUGEPAGESIZE], 2048 * 1024);
	meminfo_release(&mi);
}

static void test_missing_is_absent_not_zero(void **state)
{
	struct meminfo mi;

	(void)state;
	parse_ok("MemTotal: 4 kB\nMemFree: 0 kB\n", &mi);
	assert_int_equal(mi.v[MI_MEMFREE], 0);
	assert_int_equal(mi.v[MI_SHMEM], VAL_ABSENT);
	assert_int_equal(mi.v[MI_PERCPU], VAL_ABSENT);
	meminfo_release(&mi);
}

static void test_unknown_fields_kept(void **state)
{
	struct meminfo mi;

	(void)state;
	parse_ok("MemTotal: 4 kB\nFancyNewThing:  12 kB\nCount2: 3\n", &mi);
	assert_int_equal(mi.n_extra, 2);
	assert_string_equal(mi.extra[0].name, "FancyNewThing");
	assert_int_equal(mi.extra[0].bytes, 12 * 1024);
	assert_int_equal(mi.extra[1].has_unit, 0);
	meminfo_release(&mi);
}

static void test_no_memtotal(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("MemFree: 1 kB\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "MemTotal"));
}

static void test_wrong_unit(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("MemTotal: 4 kB\nMemFree: 1 MB\n", &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "MB"));
	assert_int_equal(
	    parse_bad("MemTotal: 4 kB\nHugePages_Total: 1 kB\n", &err),
	    -EINVAL);
	assert_int_equal(parse_bad("MemTotal: 4\n", &err), -EINVAL);
}

static void test_garbage(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("MemTotal 4 kB\n", &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(parse_bad("MemTotal: -4 kB\n", &err), -EINVAL);
	assert_int_equal(parse_bad("MemTotal: 4x kB\n", &err), -EINVAL);
	assert_int_equal(parse_bad("MemTotal:\n", &err), -EINVAL);
	assert_int_equal(parse_bad("MemTotal: 4 kB extra\n", &err), -EINVAL);
	assert_int_equal(parse_bad(": 4 kB\n", &err), -EINVAL);
	assert_int_equal(parse_bad("", &err), -EINVAL);
}

static void test_absurd_numbers(void **state)
{
	struct parse_err err;
	struct meminfo mi;

	(void)state;
	/* fits in 64 bits as kB but not as bytes */
	assert_int_equal(parse_bad("MemTotal: 18014398509481984 kB\n", &err),
			 -ERANGE);
	/* does not fit at all */
	assert_int_equal(parse_bad("MemTotal: 99999999999999999999 kB\n", &err),
			 -ERANGE);
	/* largest that fits */
	parse_ok("MemTotal: 18014398509481983 kB\n", &mi);
	assert_int_equal(mi.v[MI_MEMTOTAL], UINT64_C(18014398509481983) * 1024);
	meminfo_release(&mi);
}

static void test_truncated(void **state)
{
	struct parse_err err;
	const char *t = "MemTotal: 4 kB\nMemFree: 1";

	(void)state;
	/* a file cut mid-line is refused, not half-read */
	assert_int_equal(parse_bad(t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_read_through_root(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	struct source_err err;
	struct meminfo mi;

	(void)state;
	assert_int_equal(meminfo_read(root, &mi, &err), 0);
	assert_true(mi.v[MI_MEMTOTAL] > 0);
	meminfo_release(&mi);
	root_free(root);

	root = fixture_root(".");
	assert_int_equal(meminfo_read(root, &mi, &err), -ENOENT);
	assert_non_null(strstr(err.path, "proc/meminfo"));
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_debian12),
	    cmocka_unit_test(test_captured_others),
	    cmocka_unit_test(test_units_and_counts),
	    cmocka_unit_test(test_missing_is_absent_not_zero),
	    cmocka_unit_test(test_unknown_fields_kept),
	    cmocka_unit_test(test_no_memtotal),
	    cmocka_unit_test(test_wrong_unit),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_absurd_numbers),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_read_through_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
