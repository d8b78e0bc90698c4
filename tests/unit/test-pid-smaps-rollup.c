/* Unit tests for the /proc/PID/smaps_rollup parser: captured files from
 * this machine (6.18) and from prometheus/procfs (a 4.14-5.6 kernel
 * without Pss_Anon), then empty, unknown, truncated and malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/pid_smaps_rollup.h"
#include "testutil.h"

static int parse(const char *text, struct pid_smaps_rollup *s,
		 struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return pid_smaps_rollup_parse(text, strlen(text), s, err);
}

static void test_captured_618(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64-procs");
	char **names;
	size_t n, seen = 0;

	(void)state;
	assert_int_equal(root_list(root, "proc", &names, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct pid_smaps_rollup s;
		struct source_err err;
		unsigned long pid = strtoul(names[i], NULL, 10);
		int r;

		if (pid == 0)
			continue;
		r = pid_smaps_rollup_read(root, (int)pid, &s, &err);
		if (r == -ENOENT)
			continue; /* kernel thread, zombie */
		assert_int_equal(r, 0);
		assert_true(s.has_mm);
		/* 6.18 prints every field we know */
		for (int f = 0; f < _SM_MAX; f++)
			assert_true(val_has(s.v[f]));
		assert_true(s.v[SM_RSS] >= s.v[SM_PSS]);
		assert_int_equal(s.v[SM_PSS], s.v[SM_PSS_ANON] +
						  s.v[SM_PSS_FILE] +
						  s.v[SM_PSS_SHMEM]);
		seen++;
	}
	assert_true(seen >= 3);
	root_names_free(names, n);
	root_free(root);
}

static void test_captured_old_kernel(void **state)
{
	struct pid_smaps_rollup s;
	size_t len;
	char *buf =
	    fixture_read("prometheus-procfs", "proc/26231/smaps_rollup", &len);

	(void)state;
	assert_int_equal(pid_smaps_rollup_parse(buf, len, &s, NULL), 0);
	assert_int_equal(s.v[SM_RSS], 29948 * 1024);
	assert_int_equal(s.v[SM_PRIVATE_CLEAN], 15548 * 1024);
	assert_int_equal(s.v[SM_SWAPPSS], 1940 * 1024);
	/* fields this older kernel did not print are absent, not 0 */
	assert_false(val_has(s.v[SM_PSS_ANON]));
	assert_false(val_has(s.v[SM_PSS_DIRTY]));
	assert_false(val_has(s.v[SM_KSM]));
	free(buf);
}

static void test_empty_is_no_mm(void **state)
{
	struct pid_smaps_rollup s;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("", &s, &err), 0);
	assert_false(s.has_mm);
	assert_false(val_has(s.v[SM_RSS]));
}

static void test_unknown_and_header(void **state)
{
	struct pid_smaps_rollup s;
	struct parse_err err;

	(void)state;
	assert_int_equal(
	    parse("00400000-ffffffffff601000 ---p 00000000 00:00 0   "
		  "[rollup]\nRss: 8 kB\nNewThing: 3 kB\nWeird: abc\n"
		  "Pss: 4 kB\n",
		  &s, &err),
	    0);
	assert_int_equal(s.v[SM_RSS], 8192);
	assert_int_equal(s.v[SM_PSS], 4096);
	/* no header is fine too */
	assert_int_equal(parse("Rss: 0 kB\n", &s, &err), 0);
	assert_int_equal(s.v[SM_RSS], 0);
}

static void test_malformed(void **state)
{
	struct pid_smaps_rollup s;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("Rss: 8 kB\nPss 4 kB\n", &s, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse("Rss: 8 MB\n", &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "Rss"));
	assert_int_equal(parse("Rss: -8 kB\n", &s, &err), -EINVAL);
	assert_int_equal(parse("Rss: 8 kB\nPss: 4", &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(parse("Pss: 4 kB\n", &s, &err), -EINVAL);
	assert_int_equal(parse("Rss: 99999999999999999999 kB\n", &s, &err),
			 -ERANGE);
	assert_int_equal(parse("Rss: 18014398509481984 kB\n", &s, &err),
			 -ERANGE);
	/* a header anywhere but line 1 is not one */
	assert_int_equal(
	    parse("Rss: 1 kB\n0-1 ---p 0 00:00 0 [rollup]\n", &s, &err),
	    -EINVAL);
}

static void test_gone_and_denied_through_root(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64-procs");
	struct pid_smaps_rollup s;
	struct source_err err;

	(void)state;
	assert_int_equal(pid_smaps_rollup_read(root, 999999, &s, &err),
			 -ENOENT);
	assert_non_null(strstr(err.path, "proc/999999/smaps_rollup"));
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_618),
	    cmocka_unit_test(test_captured_old_kernel),
	    cmocka_unit_test(test_empty_is_no_mm),
	    cmocka_unit_test(test_unknown_and_header),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_gone_and_denied_through_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
