/* Unit tests for the /proc/pressure/memory parser: captured trees, a
 * missing "full" line, unknown keys and kinds, malformed and absurd
 * values, and the reasons given when the file cannot be read. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/pressure.h"
#include "testutil.h"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct pressure p;

	memset(err, 0, sizeof(*err));
	return pressure_parse(text, strlen(text), &p, err);
}

static void test_captured_all(void **state)
{
	struct fixture_iter it = {0};
	size_t seen = 0;

	(void)state;
	while (fixture_next(&it, "proc/pressure/memory")) {
		struct parse_err err = {0};
		struct pressure p;
		if (pressure_parse(it.buf, it.len, &p, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		seen++;
		assert_true(p.some.present);
		assert_true(p.full.present);
		pressure_release(&p);
	}
	assert_true(seen >= 3);
}

static void test_values(void **state)
{
	struct pressure p;
	size_t len;
	char *buf =
	    fixture_read("procfs-testdata", "proc/pressure/memory", &len);

	(void)state;
	assert_int_equal(pressure_parse(buf, len, &p, NULL), 0);
	assert_true(p.some.avg10 > 0.099 && p.some.avg10 < 0.101);
	assert_true(p.some.avg300 > 3.849 && p.some.avg300 < 3.851);
	assert_int_equal(p.some.total_us, 15);
	assert_int_equal(p.full.total_us, 25);
	assert_true(p.full.avg60 > 2.999 && p.full.avg60 < 3.001);
	free(buf);
}

static void test_optional_and_unknown(void **state)
{
	const char *t = "some avg10=1.50 avg60=0.00 avg300=0.00 "
			"total=123456789 avg1=9.99\n"
			"partial avg10=1.00\n";
	struct pressure p;

	(void)state;
	assert_int_equal(pressure_parse(t, strlen(t), &p, NULL), 0);
	assert_true(p.some.present);
	assert_int_equal(p.some.total_us, 123456789);
	assert_false(p.full.present);
	assert_int_equal(p.full.total_us, VAL_ABSENT);
	pressure_release(&p);
}

static void test_bad(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("", &err), -EINVAL);
	assert_int_equal(
	    parse_bad("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "some"));
	assert_int_equal(
	    parse_bad("some avg10=0.00 avg60=0.00 total=0\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "avg300"));
	assert_int_equal(
	    parse_bad("some avg10=x avg60=0 avg300=0 total=0\n", &err),
	    -EINVAL);
	assert_int_equal(
	    parse_bad("some avg10=0 avg60=0 avg300=0 total=-1\n", &err),
	    -EINVAL);
	assert_int_equal(
	    parse_bad("some avg10 avg60=0 avg300=0 total=0\n", &err), -EINVAL);
	assert_int_equal(parse_bad("some avg10=0 avg10=0 avg60=0 avg300=0 "
				   "total=0\n",
				   &err),
			 -EINVAL);
	assert_int_equal(parse_bad("some avg10=0 avg60=0 avg300=0 total=0\n"
				   "some avg10=0 avg60=0 avg300=0 total=0\n",
				   &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	/* absurd: a share over 100 %, a total over 64 bits */
	assert_int_equal(parse_bad("some avg10=100.01 avg60=0 avg300=0 "
				   "total=0\n",
				   &err),
			 -ERANGE);
	assert_int_equal(parse_bad("some avg10=0 avg60=0 avg300=0 "
				   "total=99999999999999999999\n",
				   &err),
			 -ERANGE);
	assert_int_equal(
	    parse_bad("some avg10=0 avg60=0 avg300=0 total=0", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_unavailable_reasons(void **state)
{
	struct source_err e = {.err = -EOPNOTSUPP};
	struct root *root = fixture_root("procfs-testdata");
	struct pressure p;
	char buf[300];

	(void)state;
	snprintf(e.path, sizeof(e.path), "/proc/pressure/memory");
	source_err_format(&e, buf, sizeof(buf));
	assert_non_null(strstr(buf, "psi=0"));
	assert_non_null(strstr(buf, "/proc/pressure/memory"));

	assert_int_equal(pressure_read(root, &p, &e), 0);
	root_free(root);
	/* a kernel without CONFIG_PSI: no file */
	root = fixture_root(".");
	assert_int_equal(pressure_read(root, &p, &e), -ENOENT);
	source_err_format(&e, buf, sizeof(buf));
	assert_non_null(strstr(buf, "absent"));
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_all),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_optional_and_unknown),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_unavailable_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
