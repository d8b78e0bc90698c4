/* Unit tests for the HugeTLB pools source: the count parser, pool
 * directory names, the captured trees (one with a pool in use), the
 * meminfo fallback, and bad input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/hugepages.h"
#include "testutil.h"

static int count(const char *s, uint64_t *v)
{
	struct parse_err err = {0};
	struct hugepages_count c = {0};
	int r = hugepages_count_parse(s, strlen(s), &c, &err);

	if (r == 0)
		*v = c.v;
	return r;
}

static void test_count(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(count("64\n", &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(count("0\n", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(count("", &v), -EINVAL);
	assert_int_equal(count("12", &v), -EINVAL); /* truncated */
	assert_int_equal(count("x\n", &v), -EINVAL);
	assert_int_equal(count("-1\n", &v), -EINVAL);
	assert_int_equal(count("1 2\n", &v), -EINVAL);
	assert_true(count("18446744073709551615\n", &v) < 0);
	assert_true(count("99999999999999999999999\n", &v) < 0);
}

static void test_dir_size(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hugepages_dir_size("hugepages-2048kB", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(hugepages_dir_size("hugepages-1048576kB", &v), 0);
	assert_int_equal(v, 1 << 30);
	v = 7;
	assert_int_equal(hugepages_dir_size("hugepages-kB", &v), -EINVAL);
	assert_int_equal(hugepages_dir_size("hugepages-0kB", &v), -EINVAL);
	assert_int_equal(hugepages_dir_size("hugepages-2048", &v), -EINVAL);
	assert_int_equal(hugepages_dir_size("hugepages-2x48kB", &v), -EINVAL);
	assert_int_equal(hugepages_dir_size("demote", &v), -EINVAL);
	assert_int_equal(
	    hugepages_dir_size("hugepages-99999999999999999999kB", &v),
	    -EINVAL);
	assert_int_equal(v, 7); /* untouched on failure */
}

/* The tree captured with 64 pages, 20 used, 12 reserved. */
static void test_captured(void **state)
{
	struct root *root;
	struct meminfo mi;
	struct hugepages h, hm;
	struct source_err err;

	(void)state;
	assert_int_equal(
	    root_open_dir(SRCDIR "/tests/fixtures/hugetlb-6.18-x86_64", &root),
	    0);
	assert_int_equal(meminfo_read(root, &mi, &err), 0);
	assert_int_equal(hugepages_read_with(root, &mi, &h, &err), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.v[0].page_size, 2 << 20);
	assert_true(h.v[0].is_default);
	assert_int_equal(h.v[0].nr, 64);
	assert_int_equal(h.v[0].free, 44);
	assert_int_equal(h.v[0].resv, 12);
	assert_int_equal(h.v[0].surplus, 0);
	assert_int_equal(hugepages_used(&h.v[0]), 20);
	assert_int_equal(h.v[1].page_size, 1 << 30);
	assert_false(h.v[1].is_default);
	/* meminfo says the same for the default size */
	assert_int_equal(hugepages_from_meminfo(&mi, &hm), 0);
	assert_int_equal(hm.n, 1);
	assert_true(hm.from_meminfo);
	assert_int_equal(hm.v[0].nr, 64);
	assert_int_equal(hm.v[0].free, 44);
	assert_int_equal(hm.v[0].resv, 12);
	hugepages_release(&hm);
	hugepages_release(&h);
	meminfo_release(&mi);
	/* a tree without /sys: -ENOENT, err names the directory */
	root_free(root);
	assert_int_equal(root_open_dir(SRCDIR
				       "/tests/fixtures/node-exporter-testdata",
				       &root),
			 0);
	assert_int_equal(hugepages_read(root, &h, &err), -ENOENT);
	assert_non_null(strstr(err.path, "sys/kernel/mm/hugepages"));
	root_free(root);
}

static void test_used(void **state)
{
	struct hugepages_pool p = {.nr = 10, .free = 4};

	(void)state;
	assert_int_equal(hugepages_used(&p), 6);
	p.free = VAL_ABSENT;
	assert_int_equal(hugepages_used(&p), VAL_ABSENT);
	p.free = 11; /* read at different moments */
	assert_int_equal(hugepages_used(&p), VAL_ABSENT);
	assert_int_equal(hugepages_from_meminfo(NULL, NULL), -ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_dir_size),
	    cmocka_unit_test(test_captured),
	    cmocka_unit_test(test_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
