/* Unit tests for the /proc/pagetypeinfo parser: the captured 6.18 file,
 * every fixture tree, capped counts (">100000"), other type sets, mixed
 * blocks, unknown sections, and malformed, truncated and absurd input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/pagetypeinfo.h"
#include "testutil.h"

static int parse(const char *text, struct pagetypeinfo *p,
		 struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return pagetypeinfo_parse(text, strlen(text), p, err);
}

static void test_captured_debian12(void **state)
{
	struct pagetypeinfo p;
	int mov, unm, iso;
	size_t len;
	char *buf =
	    fixture_read("debian12-6.18-x86_64", "proc/pagetypeinfo", &len);

	(void)state;
	assert_int_equal(pagetypeinfo_parse(buf, len, &p, NULL), 0);
	assert_int_equal(p.block_order, 9);
	assert_int_equal(p.pages_per_block, 512);
	assert_int_equal(p.n_orders, 11);
	assert_int_equal(p.n_types, 5);
	assert_int_equal(p.n_zones, 3);
	mov = pagetypeinfo_type(&p, "Movable");
	unm = pagetypeinfo_type(&p, "Unmovable");
	iso = pagetypeinfo_type(&p, "Isolate");
	assert_true(mov >= 0 && unm >= 0 && iso >= 0);
	assert_int_equal(pagetypeinfo_type(&p, "CMA"), -1);
	/* Node 0, zone DMA32, type Movable ... 752 at order 10 */
	assert_string_equal(p.zones[1].zone, "DMA32");
	assert_int_equal(p.zones[1].free[mov][10], 752);
	assert_int_equal(p.zones[2].free[unm][0], 1034);
	assert_int_equal(p.zones[2].at_least[mov], 0);
	/* Number of blocks: Normal 46 626 32 0 0 */
	assert_int_equal(p.zones[2].blocks[unm], 46);
	assert_int_equal(p.zones[2].blocks[mov], 626);
	assert_int_equal(p.zones[2].mixed[mov], VAL_ABSENT);
	pagetypeinfo_release(&p);
	free(buf);
}

static void test_every_fixture(void **state)
{
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/pagetypeinfo")) {
		struct parse_err err = {0};
		struct pagetypeinfo p;
		if (pagetypeinfo_parse(it.buf, it.len, &p, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		pagetypeinfo_release(&p);
	}
}

static const char capped[] =
    "Page block order: 9\n"
    "Pages per block:  512\n"
    "\n"
    "Free pages count per migrate type at order       0      1      2 \n"
    "Node    0, zone   Normal, type    Unmovable >100000      5      0 \n"
    "Node    0, zone   Normal, type          CMA      1      0      2 \n"
    "Node    1, zone   Normal, type    Unmovable      3      0      0 \n"
    "\n"
    "Number of blocks type     Unmovable          CMA \n"
    "Node 0, zone   Normal            7            2 \n"
    "Node 1, zone   Normal            1            0 \n"
    "\n"
    "Number of mixed blocks    Unmovable          CMA \n"
    "Node 0, zone   Normal            1            0 \n"
    "\n"
    "Some future section      a b \n"
    "Node 0, zone   Normal   whatever \n";

static void test_capped_and_types(void **state)
{
	struct parse_err err;
	struct pagetypeinfo p;
	int unm, cma;

	(void)state;
	assert_int_equal(parse(capped, &p, &err), 0);
	assert_int_equal(p.n_orders, 3);
	assert_int_equal(p.n_zones, 2);
	unm = pagetypeinfo_type(&p, "Unmovable");
	cma = pagetypeinfo_type(&p, "CMA");
	assert_int_equal(p.zones[0].free[unm][0], 100000);
	assert_int_equal(p.zones[0].at_least[unm], 1);
	assert_int_equal(p.zones[0].free[cma][2], 2);
	assert_int_equal(p.zones[1].node, 1);
	assert_int_equal(p.zones[1].blocks[unm], 1);
	assert_int_equal(p.zones[0].mixed[unm], 1);
	/* a type with no row stays absent */
	assert_false(p.zones[1].has_free[cma]);
	assert_int_equal(p.zones[1].free[cma][0], VAL_ABSENT);
	pagetypeinfo_release(&p);
}

static void test_malformed(void **state)
{
	struct parse_err err;
	struct pagetypeinfo p;

	(void)state;
	assert_int_equal(parse("", &p, &err), -EINVAL);
	assert_int_equal(parse("Page block order: x\n", &p, &err), -EINVAL);
	/* orders must count from 0 */
	assert_int_equal(
	    parse("Free pages count per migrate type at order 1 2\n", &p, &err),
	    -EINVAL);
	/* a row with the wrong number of counts */
	assert_int_equal(
	    parse("Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1\n",
		  &p, &err),
	    -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(
	    parse("Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA type Movable 1 2\n",
		  &p, &err),
	    -EINVAL);
	assert_int_equal(
	    parse("Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1 <2\n",
		  &p, &err),
	    -EINVAL);
	/* truncated */
	assert_int_equal(
	    parse("Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1 2",
		  &p, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	/* absurd */
	assert_int_equal(
	    parse("Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1 "
		  "99999999999999999999\n",
		  &p, &err),
	    -ERANGE);
	assert_int_equal(
	    parse("Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1 "
		  "281474976710656\n",
		  &p, &err),
	    -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_debian12),
	    cmocka_unit_test(test_every_fixture),
	    cmocka_unit_test(test_capped_and_types),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
