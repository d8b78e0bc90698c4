/* Unit tests for the /proc/allocinfo parser: the two hand-made fixture
 * trees (versions 1.0 and 2.0, from the kernel documentation's example),
 * then versions, modules, unknown pairs, truncated and absurd input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/allocinfo.h"
#include "testutil.h"

#define HDR2 "allocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct allocinfo ai;

	memset(err, 0, sizeof(*err));
	return allocinfo_parse(text, strlen(text), &ai, err);
}

static void check_fixture(const char *name, unsigned major, size_t inaccurate)
{
	struct root *root = fixture_root(name);
	struct source_err err;
	struct allocinfo ai;
	size_t n_inacc = 0;
	const struct allocinfo_site *s;

	assert_int_equal(allocinfo_read(root, &ai, &err), 0);
	assert_int_equal(ai.version_major, major);
	assert_int_equal(ai.version_minor, 0);
	assert_int_equal(ai.n_sites, 12);
	s = &ai.sites[0];
	assert_int_equal(s->bytes, 2936012);
	assert_int_equal(s->calls, 22648);
	assert_string_equal(s->file, "fs/kernfs/dir.c");
	assert_int_equal(s->line, 615);
	assert_string_equal(s->func, "__kernfs_new_node");
	assert_null(s->module);
	s = &ai.sites[2];
	assert_string_equal(s->module, "ctagmod");
	assert_string_equal(s->func, "ctagmod_start");
	assert_string_equal(s->file, "drivers/staging/ctagmod/ctagmod.c");
	for (size_t i = 0; i < ai.n_sites; i++)
		n_inacc += ai.sites[i].inaccurate;
	assert_int_equal(n_inacc, inaccurate);
	allocinfo_release(&ai);
	root_free(root);
}

static void test_fixtures(void **state)
{
	(void)state;
	check_fixture("allocinfo-v1", 1, 0);
	check_fixture("allocinfo-v2", 2, 2);
}

static void test_absent_on_this_kernel(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	struct source_err err;
	struct allocinfo ai;

	(void)state;
	assert_int_equal(allocinfo_read(root, &ai, &err), -ENOENT);
	root_free(root);
}

static void test_versions(void **state)
{
	struct parse_err err;
	struct allocinfo ai;
	const char *ok = "allocinfo - version: 1.1\n";

	(void)state;
	/* a header only: no sites, still valid */
	assert_int_equal(allocinfo_parse(ok, strlen(ok), &ai, NULL), 0);
	assert_int_equal(ai.n_sites, 0);
	allocinfo_release(&ai);
	assert_int_equal(parse_bad("allocinfo - version: 3.0\n", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "not supported"));
	assert_int_equal(parse_bad("slabinfo - version: 2.1\n", &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(parse_bad("", &err), -EINVAL);
}

static void test_pairs_and_sign(void **state)
{
	const char *t = HDR2
	    "        4096        1 a/b.c:7 func:f accurate:no future:yes \n"
	    "         -64        2 x.c:1 [m] func:g \n";
	struct allocinfo ai;

	(void)state;
	assert_int_equal(allocinfo_parse(t, strlen(t), &ai, NULL), 0);
	assert_int_equal(ai.n_sites, 2);
	assert_true(ai.sites[0].inaccurate);
	assert_false(ai.sites[1].inaccurate);
	/* a racing read may be negative: kept as read */
	assert_int_equal(ai.sites[1].bytes, -64);
	assert_string_equal(ai.sites[1].module, "m");
	allocinfo_release(&ai);
}

static void test_malformed(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad(HDR2 " 1 2 a.c:3 f\n", &err), -EINVAL);
	assert_int_equal(err.line, 3);
	assert_int_equal(parse_bad(HDR2 " 1 2 a.c func:f\n", &err), -EINVAL);
	assert_int_equal(parse_bad(HDR2 " 1 2 a.c:x func:f\n", &err), -EINVAL);
	assert_int_equal(parse_bad(HDR2 " x 2 a.c:3 func:f\n", &err), -EINVAL);
	assert_int_equal(parse_bad(HDR2 " 1 -2 a.c:3 func:f\n", &err), -EINVAL);
	assert_int_equal(parse_bad(HDR2 " 1 2 a.c:3 [m] func:\n", &err),
			 -EINVAL);
	assert_int_equal(parse_bad(HDR2 " 1 2 a.c:3 func:f", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_absurd(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad(HDR2 " 99999999999999999999 2 a.c:3 "
					"func:f\n",
				   &err),
			 -ERANGE);
	assert_int_equal(parse_bad(HDR2 " 1 99999999999999999999 a.c:3 "
					"func:f\n",
				   &err),
			 -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_absent_on_this_kernel),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_pairs_and_sign),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_absurd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
