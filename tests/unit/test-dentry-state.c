/* Unit tests for the /proc/sys/fs/dentry-state parser: the captured file,
 * a pre-5.0 line (no negative count), a line cut short, and garbage. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/dentry_state.h"
#include "testutil.h"

static int parse(const char *s, struct dentry_state *d)
{
	struct parse_err err = {0};

	return dentry_state_parse(s, strlen(s), d, &err);
}

static void test_captured(void **state)
{
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/sys/fs/dentry-state")) {
		struct dentry_state d;
		struct parse_err err = {0};

		if (dentry_state_parse(it.buf, it.len, &d, &err) != 0)
			fail_msg("%s: %s", it.tree, err.msg);
		assert_true(d.nr_dentry > 0);
		assert_true(d.nr_unused <= d.nr_dentry);
		assert_true(val_has(d.nr_negative));
	}
	assert_true(it.seen >= 1);
}

static void test_fields(void **state)
{
	struct dentry_state d;

	(void)state;
	assert_int_equal(parse("179986\t161730\t45\t0\t38335\t0\n", &d), 0);
	assert_int_equal(d.nr_dentry, 179986);
	assert_int_equal(d.nr_unused, 161730);
	assert_int_equal(d.nr_negative, 38335);
	/* four fields: an old or odd kernel; negative count absent */
	assert_int_equal(parse("100 50 45 0\n", &d), 0);
	assert_int_equal(d.nr_negative, VAL_ABSENT);
	/* the LRU counted after the total moved: clamped */
	assert_int_equal(parse("100 150 45 0 0 0\n", &d), 0);
	assert_int_equal(d.nr_unused, 100);
}

static void test_bad(void **state)
{
	struct dentry_state d;

	(void)state;
	assert_int_equal(parse("", &d), -EINVAL);
	assert_int_equal(parse("100 50\n", &d), -EINVAL);
	assert_int_equal(parse("100 fifty 45 0 0 0\n", &d), -EINVAL);
	assert_int_equal(parse("-1 50 45 0 0 0\n", &d), -EINVAL);
	assert_int_equal(parse("100 50 45 0 0 0", &d), -EINVAL);
	assert_int_equal(parse("18446744073709551615 50 45 0 0 0\n", &d),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
