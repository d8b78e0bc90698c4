/* Unit tests for the /proc/zoneinfo parser: the captured 6.18 file, every
 * fixture tree, empty zones, an older layout, unknown lines, and
 * malformed, truncated and absurd input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/zoneinfo.h"
#include "testutil.h"

static int parse(const char *text, struct zoneinfo *zi, struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return zoneinfo_parse(text, strlen(text), zi, err);
}

static void test_captured_debian12(void **state)
{
	const struct zoneinfo_zone *n, *mv;
	struct zoneinfo zi;
	size_t len;
	char *buf = fixture_read("debian12-6.18-x86_64", "proc/zoneinfo", &len);

	(void)state;
	assert_int_equal(zoneinfo_parse(buf, len, &zi, NULL), 0);
	assert_int_equal(zi.n_zones, 5);
	assert_int_equal(zi.n_nodes, 1);
	n = &zi.zones[2];
	assert_string_equal(n->zone, "Normal");
	assert_int_equal(n->free, 322732);
	assert_int_equal(zoneinfo_zone_stat(n, "nr_free_pages"), 322732);
	assert_int_equal(n->managed, 360448);
	assert_int_equal(n->spanned, 5505024);
	assert_int_equal(n->min, 5355);
	assert_int_equal(n->promo, 9369);
	assert_int_equal(n->start_pfn, 1048576);
	assert_int_equal(n->n_protection, 5);
	/* two CPUs: count 2796 + 1180 */
	assert_int_equal(n->n_pcp, 2);
	assert_int_equal(n->pcp[0].count, 2796);
	assert_int_equal(n->pcp[1].high, 3472);
	assert_int_equal(n->pcp[1].batch, 63);
	assert_int_equal(n->pcp[1].high_max, 22528);
	assert_int_equal(n->pcp[1].stat_threshold, 20);
	assert_int_equal(zoneinfo_pcp_count(n), 3976);
	/* DMA: protection (0, 3019, 4427, 4427, 4427) */
	assert_int_equal(zi.zones[0].protection[1], 3019);
	/* per-node stats went to the node, not to DMA */
	assert_int_equal(zi.zones[0].n_stats > 0, 1);
	assert_int_equal(zoneinfo_zone_stat(&zi.zones[0], "nr_inactive_anon"),
			 VAL_ABSENT);
	assert_string_equal(zi.nodes[0].stats[0].name, "nr_inactive_anon");
	assert_int_equal(zi.nodes[0].stats[0].v, 587);
	/* the empty Movable zone parses with few fields */
	mv = &zi.zones[3];
	assert_string_equal(mv->zone, "Movable");
	assert_int_equal(mv->present, 0);
	assert_int_equal(mv->free, 0);
	assert_int_equal(mv->n_pcp, 0);
	assert_int_equal(zoneinfo_pcp_count(mv), VAL_ABSENT);
	assert_int_equal(mv->start_pfn, VAL_ABSENT);
	zoneinfo_release(&zi);
	free(buf);
}

static void test_every_fixture(void **state)
{
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/zoneinfo")) {
		struct parse_err err = {0};
		struct zoneinfo zi;
		if (zoneinfo_parse(it.buf, it.len, &zi, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		assert_true(zi.n_zones >= 1);
		zoneinfo_release(&zi);
	}
}

/* A 3.x/4.4-style zone: no per-node stats, "scanned", thresholds under
 * each cpu, all_unreclaimable and inactive_ratio labels. */
static void test_old_layout(void **state)
{
	struct parse_err err;
	struct zoneinfo zi;

	(void)state;
	assert_int_equal(parse("Node 0, zone      DMA\n"
			       "  pages free     3975\n"
			       "        min      5\n"
			       "        low      6\n"
			       "        high     7\n"
			       "        scanned  0\n"
			       "        spanned  4095\n"
			       "        present  3994\n"
			       "        managed  3975\n"
			       "    nr_free_pages 3975\n"
			       "        protection: (0, 1, 2, 2)\n"
			       "  pagesets\n"
			       "    cpu: 0\n"
			       "              count: 7\n"
			       "              high:  0\n"
			       "              batch: 1\n"
			       "  vm stats threshold: 4\n"
			       "  all_unreclaimable: 1\n"
			       "  start_pfn:         1\n"
			       "  inactive_ratio:    1\n",
			       &zi, &err),
			 0);
	assert_int_equal(zi.n_nodes, 0);
	assert_int_equal(zi.zones[0].free, 3975);
	assert_int_equal(zi.zones[0].promo, VAL_ABSENT);
	assert_int_equal(zi.zones[0].boost, VAL_ABSENT);
	assert_int_equal(zoneinfo_zone_stat(&zi.zones[0], "scanned"), 0);
	assert_int_equal(zi.zones[0].pcp[0].count, 7);
	assert_int_equal(zi.zones[0].pcp[0].high_min, VAL_ABSENT);
	assert_int_equal(zi.zones[0].pcp[0].stat_threshold, 4);
	assert_int_equal(zi.zones[0].start_pfn, 1);
	zoneinfo_release(&zi);
}

static void test_malformed(void **state)
{
	struct parse_err err;
	struct zoneinfo zi;

	(void)state;
	assert_int_equal(parse("", &zi, &err), -EINVAL);
	assert_int_equal(parse("  pages free 3\n", &zi, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "before the first zone"));
	assert_int_equal(parse("Node 0 zone DMA\n", &zi, &err), -EINVAL);
	assert_int_equal(parse("Node 0, zone DMA\n  pages free x\n", &zi, &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(
	    parse("Node 0, zone DMA\n  nr_free_pages 1 2\n", &zi, &err),
	    -EINVAL);
	assert_int_equal(
	    parse("Node 0, zone DMA\n  protection: 0, 1\n", &zi, &err),
	    -EINVAL);
	assert_int_equal(parse("Node 0, zone DMA\n  count: 4\n", &zi, &err),
			 -EINVAL);
	assert_int_equal(parse("Node 0, zone DMA\n  pagesets\n    cpu: 0\n"
			       "    count: -1\n",
			       &zi, &err),
			 -EINVAL);
	assert_int_equal(parse("Node 0, zone DMA\n  pages free 3", &zi, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(
	    parse("Node 0, zone DMA\n  protection: (0, 1", &zi, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	/* a last line closed by ')' is whole even without its newline */
	assert_int_equal(
	    parse("Node 0, zone DMA\n  protection: (0, 1)", &zi, &err), 0);
	assert_int_equal(zi.zones[0].n_protection, 2);
	zoneinfo_release(&zi);
}

static void test_absurd(void **state)
{
	struct parse_err err;
	struct zoneinfo zi;

	(void)state;
	assert_int_equal(
	    parse("Node 0, zone DMA\n  pages free 99999999999999999999\n", &zi,
		  &err),
	    -ERANGE);
	/* fits 64 bits as pages, not as bytes */
	assert_int_equal(
	    parse("Node 0, zone DMA\n  managed 1152921504606846976\n", &zi,
		  &err),
	    -ERANGE);
	assert_int_equal(parse("Node 0, zone DMA\n  pagesets\n    cpu: 0\n"
			       "    count: 1152921504606846976\n",
			       &zi, &err),
			 -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_debian12),
	    cmocka_unit_test(test_every_fixture),
	    cmocka_unit_test(test_old_layout),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_absurd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
