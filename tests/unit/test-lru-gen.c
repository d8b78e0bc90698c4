/* Unit tests for the MGLRU generations parser: the documented format
 * (two memcgs, two nodes), the verbose variant's tier lines, ranks summed
 * youngest first, and bad input. No machine at hand had MGLRU on, so the
 * input follows Documentation/admin-guide/mm/multigen_lru.rst. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/lru_gen.h"

static int parse(const char *text, struct lru_gen *g, struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return lru_gen_parse(text, strlen(text), g, err);
}

static void test_documented(void **state)
{
	struct lru_gen g;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("memcg     1 /\n"
			       "  node     0\n"
			       "           5      10000      100      2000\n"
			       "           6       1000       10       200\n"
			       "           7        100        1        20\n"
			       "memcg     2 /system.slice\n"
			       "  node     0\n"
			       "           3       5000       50       500\n"
			       "           4         50        5        50\n",
			       &g, &err),
			 0);
	assert_int_equal(g.nmemcgs, 2);
	assert_int_equal(g.nlruvecs, 2);
	assert_int_equal(g.nranks, 3);
	/* rank 0: the youngest of each lruvec (gen 7 and gen 4) */
	assert_int_equal(g.rank[0].anon, 6);
	assert_int_equal(g.rank[0].file, 70);
	assert_int_equal(g.rank[0].min_age, 50);
	assert_int_equal(g.rank[0].max_age, 100);
	assert_int_equal(g.rank[1].anon, 60);
	assert_int_equal(g.rank[2].anon, 100);
	assert_int_equal(g.rank[2].nlruvecs, 1);
}

static void test_verbose_tiers_skipped(void **state)
{
	struct lru_gen g;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("memcg 1 /\n node 0\n"
			       "  2 300 4 8\n"
			       "      0 1r 2e 3p 4r 5e 6p\n"
			       "  3 -5 1 1\n",
			       &g, &err),
			 0);
	assert_int_equal(g.nranks, 2);
	assert_int_equal(g.rank[0].anon, 1);
	assert_int_equal(g.rank[0].max_age, 0);
}

static void test_bad(void **state)
{
	struct lru_gen g;
	struct parse_err err;
	uint64_t mask;

	(void)state;
	assert_int_equal(parse("", &g, &err), -EINVAL);
	assert_int_equal(parse("  1 2 3 4\n", &g, &err), -EINVAL);
	assert_int_equal(parse("memcg 1 /\n 1 2 3 4\n", &g, &err), -EINVAL);
	assert_int_equal(parse("memcg 1 /\n node 0\n 1 2 x 4\n", &g, &err),
			 -EINVAL);
	assert_int_equal(err.line, 3);
	assert_int_equal(parse("memcg 1 /\n node 0\n 1 2", &g, &err), -EINVAL);
	assert_int_equal(lru_gen_enabled_parse("0x0007\n", 7, &mask, &err), 0);
	assert_int_equal(mask, 7);
	assert_int_equal(lru_gen_enabled_parse("0x0000\n", 7, &mask, &err), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(lru_gen_enabled_parse("y\n", 2, &mask, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documented),
	    cmocka_unit_test(test_verbose_tiers_skipped),
	    cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
