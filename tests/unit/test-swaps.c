/* Unit tests for the /proc/swaps parser: captured trees, escapes, the
 * "(deleted)" suffix, no swap at all, malformed and absurd lines, and the
 * live file against an independent read. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/swaps.h"
#include "testutil.h"

#define HDR "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct swaps sw;

	memset(err, 0, sizeof(*err));
	return swaps_parse(text, strlen(text), &sw, err);
}

static void test_captured_all(void **state)
{
	struct fixture_iter it = {0};
	size_t seen = 0;

	(void)state;
	while (fixture_next(&it, "proc/swaps")) {
		struct parse_err err = {0};
		struct swaps sw;
		if (swaps_parse(it.buf, it.len, &sw, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		seen++;
		for (size_t k = 0; k < sw.n; k++)
			assert_true(sw.v[k].size % 1024 == 0);
		swaps_release(&sw);
	}
	assert_true(seen >= 3);
}

static void test_captured_values(void **state)
{
	struct swaps sw;
	size_t len;
	char *buf = fixture_read("procfs-testdata", "proc/swaps", &len);

	(void)state;
	assert_int_equal(swaps_parse(buf, len, &sw, NULL), 0);
	assert_int_equal(sw.n, 1);
	assert_string_equal(sw.v[0].filename, "/dev/dm-2");
	assert_string_equal(sw.v[0].type, "partition");
	assert_int_equal(sw.v[0].size, 131068ULL * 1024);
	assert_int_equal(sw.v[0].used, 176 * 1024);
	assert_int_equal(sw.v[0].priority, -2);
	assert_false(sw.v[0].deleted);
	swaps_release(&sw);
	free(buf);

	buf = fixture_read("node-exporter-testdata", "proc/swaps", &len);
	assert_int_equal(swaps_parse(buf, len, &sw, NULL), 0);
	assert_int_equal(sw.n, 1);
	assert_string_equal(sw.v[0].filename, "/dev/zram0");
	assert_int_equal(sw.v[0].priority, 100);
	swaps_release(&sw);
	free(buf);

	/* this VM has no swap: zero areas, not an error */
	buf = fixture_read("debian12-6.18-x86_64", "proc/swaps", &len);
	assert_int_equal(swaps_parse(buf, len, &sw, NULL), 0);
	assert_int_equal(sw.n, 0);
	swaps_release(&sw);
	free(buf);
}

static void test_escapes_and_deleted(void **state)
{
	const char *t =
	    HDR "/swap\\040file\\134x                        file\t\t1024"
		"\t\t0\t\t-2\n"
		"/swapfile\\040(deleted)                    file\t\t2048"
		"\t\t4\t\t5\n"
		"/dev/sdb2                               partition\t8388604\t\t"
		"12345678\t-3\n";
	struct swaps sw;

	(void)state;
	assert_int_equal(swaps_parse(t, strlen(t), &sw, NULL), 0);
	assert_int_equal(sw.n, 3);
	assert_string_equal(sw.v[0].filename, "/swap file\\x");
	assert_false(sw.v[0].deleted);
	assert_string_equal(sw.v[1].filename, "/swapfile");
	assert_true(sw.v[1].deleted);
	assert_int_equal(sw.v[1].used, 4096);
	assert_int_equal(sw.v[2].used, 12345678ULL * 1024);
	assert_int_equal(sw.v[2].priority, -3);
	swaps_release(&sw);
}

static void test_bad(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("", &err), -EINVAL);
	assert_int_equal(parse_bad("/dev/sda1 partition 1 0 -2\n", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "header"));
	assert_int_equal(parse_bad(HDR "/dev/sda1 partition 1 0\n", &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse_bad(HDR "/dev/sda1 partition 1 0 -2 x\n", &err),
			 -EINVAL);
	assert_int_equal(parse_bad(HDR "/dev/sda1 partition 1k 0 -2\n", &err),
			 -EINVAL);
	assert_int_equal(parse_bad(HDR "/dev/sda1 partition 1 0 high\n", &err),
			 -EINVAL);
	assert_int_equal(
	    parse_bad(HDR "/dev/sda1 partition 1 0 99999999999\n", &err),
	    -EINVAL);
	assert_int_equal(parse_bad(HDR "/a\\04 file 1 0 -2\n", &err), -EINVAL);
	assert_int_equal(parse_bad(HDR "/a\\000 file 1 0 -2\n", &err), -EINVAL);
	assert_int_equal(parse_bad(HDR "/a\\ file 1 0 -2\n", &err), -EINVAL);
	assert_int_equal(
	    parse_bad(HDR "/a verylongtypenameindeed 1 0 -2\n", &err), -EINVAL);
	/* absurd: fits as KiB, not as bytes */
	assert_int_equal(
	    parse_bad(HDR "/a file 18014398509481984 0 -2\n", &err), -ERANGE);
	assert_int_equal(parse_bad(HDR "/a file 1 0 -2", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

/* The live file against a plain sscanf read of the same file. */
static void test_live(void **state)
{
	struct source_err err;
	struct root *root;
	struct swaps sw;
	char line[512];
	size_t k = 0;
	FILE *f;

	(void)state;
	if (root_open_dir("/", &root) < 0)
		skip();
	if (swaps_read(root, &sw, &err) < 0) {
		root_free(root);
		skip();
	}
	f = fopen("/proc/swaps", "re");
	if (!f) {
		swaps_release(&sw);
		root_free(root);
		skip();
	}
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		char name[256], type[32];
		uint64_t size, used;
		int prio;

		if (sscanf(line, "%255s %31s %" SCNu64 " %" SCNu64 " %d", name,
			   type, &size, &used, &prio) != 5)
			continue;
		assert_true(k < sw.n);
		assert_string_equal(type, sw.v[k].type);
		assert_int_equal(size * 1024, sw.v[k].size);
		assert_int_equal(prio, sw.v[k].priority);
		k++;
	}
	fclose(f);
	assert_int_equal(k, sw.n);
	swaps_release(&sw);
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_all),
	    cmocka_unit_test(test_captured_values),
	    cmocka_unit_test(test_escapes_and_deleted),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
