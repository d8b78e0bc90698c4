/* Unit tests for the dentry cache split: unused (reclaimable) against in
 * use (pinned), with and without an object size, and the sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/dentries.h"

static void test_split(void **state)
{
	struct dentry_state ds = {
	    .nr_dentry = 2000000, .nr_unused = 1990000, .nr_negative = 1800000};
	struct dentry_split s;
	char buf[400];

	(void)state;
	dentries_split(&ds, 192, &s);
	assert_int_equal(s.pinned, 10000);
	assert_int_equal(s.unused, 1990000);
	assert_int_equal(s.pinned_bytes, 10000 * 192);
	assert_int_equal(s.unused_bytes, 1990000ull * 192);
	dentries_sentence(&s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "2.0M dentries"));
	assert_non_null(strstr(buf, "1.8M negative"));
	assert_non_null(strstr(buf, "10.0k in use (pinned"));
	assert_non_null(strstr(buf, "1.8 MiB)"));
	/* no object size: counts only */
	dentries_split(&ds, VAL_ABSENT, &s);
	assert_int_equal(s.pinned, 10000);
	assert_int_equal(s.pinned_bytes, VAL_ABSENT);
	dentries_sentence(&s, buf, sizeof(buf));
	assert_null(strstr(buf, "MiB"));
	/* the total unknown: nothing pinned can be said */
	ds.nr_dentry = VAL_ABSENT;
	dentries_split(&ds, 192, &s);
	assert_int_equal(s.pinned, VAL_ABSENT);
	dentries_sentence(&s, buf, sizeof(buf));
	assert_string_equal(buf, "dentry cache: counts unavailable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
