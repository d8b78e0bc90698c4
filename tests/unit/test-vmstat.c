/* Unit tests for the /proc/vmstat parser: every captured tree, literal
 * buffers (missing, unknown, duplicate, wrapped, truncated, absurd), and
 * the live file against an independent read. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/vmstat.h"
#include "testutil.h"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct vmstat vs;

	memset(err, 0, sizeof(*err));
	return vmstat_parse(text, strlen(text), &vs, err);
}

static void test_captured_all(void **state)
{
	struct fixture_iter it = {0};
	size_t seen = 0;

	(void)state;
	while (fixture_next(&it, "proc/vmstat")) {
		struct parse_err err = {0};
		struct vmstat vs;
		if (vmstat_parse(it.buf, it.len, &vs, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		seen++;
		/* sorted, unique, each found by name; no real kernel
		 * prints a wrapped negative */
		assert_int_equal(vs.n_wrapped, 0);
		for (size_t k = 0; k < vs.n; k++) {
			assert_true(k == 0 || strcmp(vs.items[k - 1].name,
						     vs.items[k].name) < 0);
			assert_int_equal(vmstat_get(&vs, vs.items[k].name),
					 vs.items[k].value);
		}
		assert_int_equal(vmstat_get(&vs, "no_such_counter"),
				 VAL_ABSENT);
		vmstat_release(&vs);
	}
	assert_true(seen >= 2);
}

static void test_captured_debian12(void **state)
{
	struct vmstat vs;
	size_t len;
	char *buf = fixture_read("debian12-6.18-x86_64", "proc/vmstat", &len);

	(void)state;
	assert_int_equal(vmstat_parse(buf, len, &vs, NULL), 0);
	assert_int_equal(vs.n, 192);
	assert_true(val_has(vmstat_get(&vs, "pgfault")));
	assert_int_equal(vmstat_get(&vs, "nr_free_pages"), 1099553);
	assert_int_equal(vmstat_get(&vs, "nr_free_pages_blocks"), 1037824);
	/* gone since 4.10 */
	assert_int_equal(vmstat_get(&vs, "nr_alloc_batch"), VAL_ABSENT);
	vmstat_release(&vs);
	free(buf);
}

static void test_literal(void **state)
{
	const char *t = "pgfault 10\nnr_free_pages 0\nzzz_new_counter 7\n"
			"\nnr_free_pages 99\n";
	struct vmstat vs;

	(void)state;
	assert_int_equal(vmstat_parse(t, strlen(t), &vs, NULL), 0);
	assert_int_equal(vs.n, 3);
	assert_string_equal(vs.items[0].name, "nr_free_pages");
	/* 0 is a measurement; duplicates keep the first value */
	assert_int_equal(vmstat_get(&vs, "nr_free_pages"), 0);
	assert_int_equal(vmstat_get(&vs, "zzz_new_counter"), 7);
	assert_int_equal(vmstat_get(&vs, "pgfault"), 10);
	assert_int_equal(vmstat_get(&vs, "pgmajfault"), VAL_ABSENT);
	vmstat_release(&vs);
	/* a zeroed struct is safe */
	memset(&vs, 0, sizeof(vs));
	assert_int_equal(vmstat_get(&vs, "pgfault"), VAL_ABSENT);
	vmstat_release(&vs);
}

static void test_wrapped(void **state)
{
	const char *t = "nr_a -3\nnr_b 18446744073709551615\n"
			"nr_c 9223372036854775807\n";
	struct vmstat vs;

	(void)state;
	assert_int_equal(vmstat_parse(t, strlen(t), &vs, NULL), 0);
	assert_int_equal(vs.n_wrapped, 2);
	assert_int_equal(vmstat_get(&vs, "nr_a"), VAL_ABSENT);
	assert_int_equal(vmstat_get(&vs, "nr_b"), VAL_ABSENT);
	assert_int_equal(vmstat_get(&vs, "nr_c"), INT64_MAX);
	vmstat_release(&vs);
}

static void test_bad(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("", &err), -EINVAL);
	assert_int_equal(parse_bad("\n\n", &err), -EINVAL);
	assert_int_equal(parse_bad("pgfault 1\nnr_x\n", &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse_bad("pgfault 1 2\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "trailing"));
	assert_int_equal(parse_bad("pgfault 1x\n", &err), -EINVAL);
	assert_int_equal(parse_bad("pgfault -\n", &err), -EINVAL);
	assert_int_equal(parse_bad("pgfault 0x10\n", &err), -EINVAL);
	assert_int_equal(parse_bad("pgfault 99999999999999999999\n", &err),
			 -ERANGE);
	assert_int_equal(parse_bad("pgfault 1\npgmajfault 2", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_read_through_root(void **state)
{
	struct root *root = fixture_root("node-exporter-testdata");
	struct source_err err;
	struct vmstat vs;

	(void)state;
	assert_int_equal(vmstat_read(root, &vs, &err), 0);
	assert_int_equal(vmstat_get(&vs, "nr_alloc_batch"), 4158);
	vmstat_release(&vs);
	root_free(root);
	root = fixture_root("procfs-testdata");
	assert_int_equal(vmstat_read(root, &vs, &err), -ENOENT);
	assert_non_null(strstr(err.path, "proc/vmstat"));
	root_free(root);
}

/* The live file against a plain stdio read: counters that only grow must
 * not be smaller in the later read, and every name must be found. */
static void test_live(void **state)
{
	struct root *root;
	struct source_err err;
	struct vmstat vs;
	char name[128];
	uint64_t v;
	size_t k = 0;
	FILE *f;

	(void)state;
	if (root_open_dir("/", &root) < 0)
		skip();
	if (vmstat_read(root, &vs, &err) < 0) {
		root_free(root);
		skip();
	}
	f = fopen("/proc/vmstat", "re");
	if (!f) {
		vmstat_release(&vs);
		root_free(root);
		skip();
	}
	while (fscanf(f, "%127s %" SCNu64, name, &v) == 2) {
		uint64_t mine = vmstat_get(&vs, name);

		assert_true(val_has(mine));
		if (strcmp(name, "pgfault") == 0)
			assert_true(mine <= v);
		k++;
	}
	fclose(f);
	assert_int_equal(k, vs.n);
	vmstat_release(&vs);
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_all),
	    cmocka_unit_test(test_captured_debian12),
	    cmocka_unit_test(test_literal),
	    cmocka_unit_test(test_wrapped),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_read_through_root),
	    cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
