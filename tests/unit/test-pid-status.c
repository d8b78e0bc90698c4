/* Unit tests for the /proc/PID/status parser: captured files (6.18 user
 * processes, a kernel thread, a zombie; an older kernel's from
 * prometheus/procfs), then names with odd characters and bad lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/pid_status.h"
#include "testutil.h"

static int parse(const char *text, struct pid_status *s, struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return pid_status_parse(text, strlen(text), s, err);
}

static void test_captured_618(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64-procs");
	char **names;
	size_t n, kthreads = 0, zombies = 0, users = 0;

	(void)state;
	assert_int_equal(root_list(root, "proc", &names, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct pid_status s;
		struct source_err err;
		unsigned long pid = strtoul(names[i], NULL, 10);

		if (pid == 0)
			continue;
		assert_int_equal(pid_status_read(root, (int)pid, &s, &err), 0);
		assert_int_equal(s.v[ST_TGID], pid);
		assert_int_equal(s.uid[0], 0);
		if (pid_status_is_kthread(&s)) {
			kthreads++;
			assert_false(val_has(s.v[ST_VMRSS]));
		} else if (s.state == 'Z') {
			zombies++;
		} else {
			users++;
			assert_true(val_has(s.v[ST_VMPTE]));
			assert_int_equal(s.v[ST_VMRSS], s.v[ST_RSSANON] +
							    s.v[ST_RSSFILE] +
							    s.v[ST_RSSSHMEM]);
		}
	}
	assert_int_equal(kthreads, 1);
	assert_int_equal(zombies, 1);
	assert_true(users >= 3);
	root_names_free(names, n);
	root_free(root);
}

static void test_captured_old_kernel(void **state)
{
	struct pid_status s;
	size_t len;
	char *buf =
	    fixture_read("prometheus-procfs", "proc/26231/status", &len);

	(void)state;
	/* this file starts with a blank line: tolerated */
	assert_int_equal(pid_status_parse(buf, len, &s, NULL), 0);
	assert_string_equal(s.name, "prometheus");
	assert_int_equal(s.state, 'S');
	assert_int_equal(s.uid[0], 1000);
	assert_int_equal(s.uid[3], 0);
	assert_int_equal(s.v[ST_VMPTE], 128 * 1024);
	assert_int_equal(s.v[ST_VMSWAP], 660 * 1024);
	assert_int_equal(s.v[ST_THREADS], 1);
	/* no Kthread line before 6.5: a user process by its VmSize */
	assert_false(val_has(s.v[ST_KTHREAD]));
	assert_false(pid_status_is_kthread(&s));
	free(buf);
}

static void test_odd_names(void **state)
{
	struct pid_status s;
	struct parse_err err;

	(void)state;
	assert_int_equal(
	    parse("Name:\tmy: prog \\n x\nUid:\t1\t2\t3\t4\n", &s, &err), 0);
	assert_string_equal(s.name, "my: prog \\n x");
	assert_int_equal(s.uid[1], 2);
	/* kernel thread by absence of VmSize */
	assert_true(pid_status_is_kthread(&s));
	assert_int_equal(parse("Name:\tkworker/0:1\nKthread:\t1\n"
			       "VmSize:\t 4 kB\n",
			       &s, &err),
			 0);
	assert_true(pid_status_is_kthread(&s));
	assert_int_equal(parse("Name:\t\n", &s, &err), 0);
	assert_string_equal(s.name, "");
}

static void test_malformed(void **state)
{
	struct pid_status s;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("Uid:\t0\t0\t0\t0\n", &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "Name"));
	assert_int_equal(parse("Name:\tx\nVmRSS:\t12\n", &s, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse("Name:\tx\nThreads:\t1 kB\n", &s, &err),
			 -EINVAL);
	assert_int_equal(parse("Name:\tx\nUid:\t0\t0\n", &s, &err), -EINVAL);
	assert_int_equal(parse("Name:\tx\nUid:\ta\tb\tc\td\n", &s, &err),
			 -EINVAL);
	assert_int_equal(parse("Name:\tx\ngarbage\n", &s, &err), -EINVAL);
	assert_int_equal(parse("Name:\tx\nVmRSS:\t1", &s, &err), -EINVAL);
	assert_int_equal(parse("Name:\tx\nState:\n", &s, &err), -EINVAL);
	assert_int_equal(parse("", &s, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_618),
	    cmocka_unit_test(test_captured_old_kernel),
	    cmocka_unit_test(test_odd_names),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
