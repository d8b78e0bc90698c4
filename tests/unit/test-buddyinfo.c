/* Unit tests for the /proc/buddyinfo parser: the captured file, every
 * fixture tree, other order counts, and malformed, truncated and absurd
 * input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/buddyinfo.h"
#include "testutil.h"

static int parse(const char *text, struct buddyinfo *b, struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return buddyinfo_parse(text, strlen(text), b, err);
}

static void test_captured_debian12(void **state)
{
	struct buddyinfo b;
	uint64_t pages;
	size_t len;
	char *buf =
	    fixture_read("debian12-6.18-x86_64", "proc/buddyinfo", &len);

	(void)state;
	assert_int_equal(buddyinfo_parse(buf, len, &b, NULL), 0);
	assert_int_equal(b.n_orders, 11);
	assert_int_equal(b.n_zones, 3);
	assert_string_equal(b.zones[0].zone, "DMA");
	assert_string_equal(b.zones[2].zone, "Normal");
	assert_int_equal(b.zones[2].node, 0);
	/* Node 0, zone DMA: ... 1 1 3 */
	assert_int_equal(b.zones[0].free[8], 1);
	assert_int_equal(b.zones[0].free[10], 3);
	assert_int_equal(buddyinfo_zone_pages(&b.zones[0], 11, &pages), 0);
	/* 256 + 512 + 3 * 1024, and zoneinfo's nr_free_pages for DMA is
	 * 3840 in the same capture */
	assert_int_equal(pages, 3840);
	assert_int_equal(b.zones[2].free[0], 2710);
	buddyinfo_release(&b);
	free(buf);
}

static void test_every_fixture(void **state)
{
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/buddyinfo")) {
		struct parse_err err = {0};
		struct buddyinfo b;
		if (buddyinfo_parse(it.buf, it.len, &b, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		assert_true(b.n_orders >= 1);
		buddyinfo_release(&b);
	}
}

static void test_other_order_counts(void **state)
{
	struct parse_err err;
	struct buddyinfo b;
	uint64_t pages;

	(void)state;
	/* arm64 with 64 KiB pages: 14 orders */
	assert_int_equal(
	    parse("Node 0, zone   Normal 1 0 0 0 0 0 0 0 0 0 0 0 0 2 \n"
		  "Node 1, zone   Normal 0 0 0 0 0 0 0 0 0 0 0 0 0 1 \n",
		  &b, &err),
	    0);
	assert_int_equal(b.n_orders, 14);
	assert_int_equal(b.zones[1].node, 1);
	assert_int_equal(buddyinfo_zone_pages(&b.zones[0], 14, &pages), 0);
	assert_int_equal(pages, 1 + 2 * 8192);
	buddyinfo_release(&b);
	/* a single order */
	assert_int_equal(parse("Node 0, zone DMA 5\n", &b, &err), 0);
	assert_int_equal(b.n_orders, 1);
	buddyinfo_release(&b);
	/* inconsistent counts are rejected, naming the line */
	assert_int_equal(parse("Node 0, zone DMA 1 2 3\n"
			       "Node 0, zone Normal 1 2\n",
			       &b, &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
}

static void test_malformed(void **state)
{
	struct parse_err err;
	struct buddyinfo b;

	(void)state;
	assert_int_equal(parse("", &b, &err), -EINVAL);
	assert_int_equal(parse("Node 0 zone DMA 1 2\n", &b, &err), -EINVAL);
	assert_int_equal(parse("Node x, zone DMA 1 2\n", &b, &err), -EINVAL);
	assert_int_equal(parse("Node 0, zone DMA 1 -2\n", &b, &err), -EINVAL);
	assert_int_equal(parse("Node 0, zone DMA 1 2x\n", &b, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(parse("Node 0, zone DMA\n", &b, &err), -EINVAL);
	/* truncated: the last line has no newline */
	assert_int_equal(
	    parse("Node 0, zone DMA 1 2\nNode 0, zone Normal 1 2", &b, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_absurd(void **state)
{
	struct parse_err err;
	struct buddyinfo b;

	(void)state;
	assert_int_equal(
	    parse("Node 0, zone DMA 99999999999999999999\n", &b, &err),
	    -ERANGE);
	/* fits 64 bits as a count, not as pages at order 10 */
	assert_int_equal(parse("Node 0, zone DMA 0 0 0 0 0 0 0 0 0 0 "
			       "18014398509481984\n",
			       &b, &err),
			 -ERANGE);
}

static void test_read_through_root(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	struct source_err err;
	struct buddyinfo b;

	(void)state;
	assert_int_equal(buddyinfo_read(root, &b, &err), 0);
	assert_int_equal(b.n_zones, 3);
	buddyinfo_release(&b);
	root_free(root);
	root = fixture_root(".");
	assert_int_equal(buddyinfo_read(root, &b, &err), -ENOENT);
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_debian12),
	    cmocka_unit_test(test_every_fixture),
	    cmocka_unit_test(test_other_order_counts),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_absurd),
	    cmocka_unit_test(test_read_through_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
