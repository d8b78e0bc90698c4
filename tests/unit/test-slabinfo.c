/* Unit tests for the /proc/slabinfo parser: the captured file, then
 * version, missing, unknown, truncated and absurd cases. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/slabinfo.h"
#include "testutil.h"

#define HDR                                                                    \
	"slabinfo - version: 2.1\n"                                            \
	"# name            <active_objs> <num_objs> <objsize> <objperslab> "   \
	"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "     \
	"slabdata <active_slabs> <num_slabs> <sharedavail>\n"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct slabinfo si;

	memset(err, 0, sizeof(*err));
	return slabinfo_parse(text, strlen(text), &si, err);
}

static void test_captured(void **state)
{
	struct slabinfo si;
	size_t len;
	char *buf = fixture_read("debian12-6.18-x86_64", "proc/slabinfo", &len);
	const struct slabinfo_cache *c;

	(void)state;
	assert_int_equal(slabinfo_parse(buf, len, &si, NULL), 0);
	assert_int_equal(si.version_major, 2);
	assert_int_equal(si.version_minor, 1);
	/* 237 lines minus the two header lines */
	assert_int_equal(si.n_caches, 235);
	c = slabinfo_find(&si, "kmalloc-64");
	assert_non_null(c);
	assert_int_equal(c->objsize, 64);
	assert_int_equal(c->objperslab, 64);
	assert_int_equal(c->pagesperslab, 1);
	/* SLUB: every object fits in the slabs it has */
	for (size_t i = 0; i < si.n_caches; i++) {
		assert_true(si.caches[i].active_objs <= si.caches[i].num_objs);
		assert_true(si.caches[i].num_objs <=
			    si.caches[i].num_slabs * si.caches[i].objperslab);
	}
	assert_string_equal(si.caches[0].name, "btrfs_delayed_node");
	assert_null(slabinfo_find(&si, "no-such-cache"));
	slabinfo_release(&si);
	free(buf);
}

static void test_every_fixture(void **state)
{
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/slabinfo")) {
		struct slabinfo si;
		struct parse_err err = {0};
		if (slabinfo_parse(it.buf, it.len, &si, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		slabinfo_release(&si);
	}
}

static void test_version(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("slabinfo - version: 1.1\n", &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "not supported"));
	assert_int_equal(parse_bad("slabinfo - version: 3.0\n", &err), -EINVAL);
	assert_int_equal(parse_bad("slabinfo - version: two\n", &err), -EINVAL);
	assert_int_equal(parse_bad("kmalloc-64 1 1 64 64 1 : tunables 0 0 0 "
				   ": slabdata 1 1 0\n",
				   &err),
			 -EINVAL);
	assert_int_equal(parse_bad("", &err), -EINVAL);
}

static void test_minimal_and_extra(void **state)
{
	/* other 2.x versions are fine; SLAB's debug header and globalstat
	 * columns are accepted and the statistics ignored */
	const char *t = "slabinfo - version: 2.1 (statistics)\n"
			"a 10 20 32 128 1 : tunables 0 0 0 : slabdata 1 1 0 "
			": globalstat 1 2 3 : cpustat 4 5 6 7\n"
			"b 0 0 4096 8 8 : tunables 0 0 0 : slabdata 0 0 0\n";
	struct slabinfo si;

	(void)state;
	assert_int_equal(slabinfo_parse(t, strlen(t), &si, NULL), 0);
	assert_int_equal(si.n_caches, 2);
	assert_int_equal(si.version_minor, 1);
	assert_int_equal(si.caches[0].active_objs, 10);
	assert_int_equal(si.caches[0].num_objs, 20);
	assert_int_equal(si.caches[1].pagesperslab, 8);
	assert_int_equal(si.caches[1].num_slabs, 0);
	slabinfo_release(&si);
}

static void test_malformed(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad(HDR "a 1 2 3\n", &err), -EINVAL);
	assert_int_equal(err.line, 3);
	assert_int_equal(parse_bad(HDR "a 1 2 3 4 5 : tunable 0 0 0 : "
				       "slabdata 1 1 0\n",
				   &err),
			 -EINVAL);
	assert_int_equal(parse_bad(HDR "a 1 -2 3 4 5 : tunables 0 0 0 : "
				       "slabdata 1 1 0\n",
				   &err),
			 -EINVAL);
	assert_int_equal(parse_bad(HDR "a 1 2 3 4 5 : tunables 0 0 0 : "
				       "slabdata x 1 0\n",
				   &err),
			 -EINVAL);
}

static void test_truncated(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad(HDR "a 1 2 3 4 5 : tunables 0 0 0 : "
				       "slabdata 1 1",
				   &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_absurd(void **state)
{
	struct parse_err err;

	(void)state;
	/* num_slabs * pagesperslab * 4096 overflows */
	assert_int_equal(parse_bad(HDR "a 1 2 3 4 8 : tunables 0 0 0 : "
				       "slabdata 1 1125899906842624 0\n",
				   &err),
			 -ERANGE);
	assert_int_equal(parse_bad(HDR "a 1 2 3 4 99999999999999999999 : "
				       "tunables 0 0 0 : slabdata 1 1 0\n",
				   &err),
			 -ERANGE);
}

static void test_read(void **state)
{
	struct root *root = fixture_root("allocinfo-v1");
	struct source_err err;
	struct slabinfo si;

	(void)state;
	/* a tree without the file: -ENOENT with the path named */
	assert_int_equal(slabinfo_read(root, &si, &err), -ENOENT);
	assert_non_null(strstr(err.path, "proc/slabinfo"));
	root_free(root);
	root = fixture_root("debian12-6.18-x86_64");
	assert_int_equal(slabinfo_read(root, &si, &err), 0);
	assert_true(si.n_caches > 100);
	slabinfo_release(&si);
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured),
	    cmocka_unit_test(test_every_fixture),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_minimal_and_extra),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_absurd),
	    cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
