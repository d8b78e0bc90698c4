/* Unit tests for the parsing helpers in src/basic/parse.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/basic/parse.h"

static struct span S(const char *s) {
	return (struct span){s, strlen(s)};
}

static void
test_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(span_u64(S("0"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(span_u64(S("18446744073709551615"), &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(span_u64(S("18446744073709551616"), &v), -ERANGE);
	assert_int_equal(span_u64(S(""), &v), -EINVAL);
	assert_int_equal(span_u64(S("-1"), &v), -EINVAL);
	assert_int_equal(span_u64(S("12a"), &v), -EINVAL);
	assert_int_equal(span_u64(S(" 1"), &v), -EINVAL);
}

static void test_i64_x64_double(void **state)
{
	int64_t i;
	uint64_t x;
	double d;

	(void)state;
	assert_int_equal(span_i64(S("-9223372036854775808"), &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(span_i64(S("9223372036854775808"), &i), -ERANGE);
	assert_int_equal(span_i64(S("-5"), &i), 0);
	assert_int_equal(i, -5);
	assert_int_equal(span_x64(S("0xffffffffffffffff"), &x), 0);
	assert_true(x == UINT64_MAX);
	assert_int_equal(span_x64(S("10000000000000000"), &x), -ERANGE);
	assert_int_equal(span_x64(S("0x"), &x), -EINVAL);
	assert_int_equal(span_x64(S("fg"), &x), -EINVAL);
	assert_int_equal(span_double(S("0.25"), &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(span_double(S("12"), &d), 0);
	assert_int_equal(span_double(S("1."), &d), -EINVAL);
	assert_int_equal(span_double(S(".5"), &d), -EINVAL);
}

static void test_lines_fields(void **state)
{
	const char *t = "a b\n\n  c\td  e \nlast";
	struct line_iter it;
	struct span line, f[4];

	(void)state;
	line_iter_init(&it, t, strlen(t));
	assert_true(line_next(&it, &line));
	assert_true(span_eq(line, "a b"));
	assert_true(line_next(&it, &line));
	assert_int_equal(line.len, 0);
	assert_true(line_next(&it, &line));
	assert_int_equal(span_fields(line, f, 4), 3);
	assert_true(span_eq(f[1], "d"));
	assert_int_equal(span_fields(line, f, 2), 2);
	assert_true(line_next(&it, &line));
	assert_true(span_eq(line, "last"));
	assert_int_equal(it.lineno, 4);
	assert_false(line_next(&it, &line));
	assert_true(buf_truncated(t, strlen(t)));
	assert_false(buf_truncated("x\n", 2));
	assert_false(buf_truncated("", 0));
}

static void test_mul_trim_copy(void **state)
{
	uint64_t v;
	char small[4];

	(void)state;
	assert_int_equal(mul_u64(UINT64_MAX / 2, 2, &v), 0);
	assert_int_equal(mul_u64(UINT64_MAX / 2 + 1, 2, &v), -ERANGE);
	assert_int_equal(mul_u64(0, UINT64_MAX, &v), 0);
	assert_true(span_eq(span_trim(S("  x y \n")), "x y"));
	span_copy(S("abcdef"), small, sizeof(small));
	assert_string_equal(small, "abc");
}

static void test_fail_records(void **state)
{
	struct parse_err e = {0};

	(void)state;
	assert_int_equal(parse_fail(&e, 7, "bad %s", "thing"), -EINVAL);
	assert_int_equal(e.line, 7);
	assert_string_equal(e.msg, "bad thing");
	assert_int_equal(parse_fail_errno(NULL, -ERANGE, 1, "x"), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_u64),
	    cmocka_unit_test(test_i64_x64_double),
	    cmocka_unit_test(test_lines_fields),
	    cmocka_unit_test(test_mul_trim_copy),
	    cmocka_unit_test(test_fail_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
