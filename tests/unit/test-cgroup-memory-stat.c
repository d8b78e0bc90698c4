/* Unit tests for the memory.stat parser: the v1 controller's files
 * captured on this machine (root and a cgroup with a tmpfs file charged
 * to it), a v2 file, and kernels that lack fields. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/cgroup_memory_stat.h"
#include "testutil.h"

#define FX "debian12-6.18-x86_64-procs"

static int parse(const char *text, struct cgroup_memory_stat *s,
		 struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return cgroup_memory_stat_parse(text, strlen(text), s, err);
}

static void test_captured_v1(void **state)
{
	struct root *root = fixture_root(FX);
	struct cgroup_memory_stat s;
	struct source_err err;

	(void)state;
	assert_int_equal(
	    cgroup_memory_stat_read(
		root, "sys/fs/cgroup/memory/memtally-capture", &s, &err),
	    0);
	assert_true(s.v1);
	/* the tmpfs file is charged to inner; the parent sees it in total_ */
	assert_int_equal(s.v[CGS_SHMEM], 0);
	assert_int_equal(cgroup_memory_stat_get(&s, CGS_SHMEM), 16 << 20);
	assert_int_equal(cgroup_memory_stat_get(&s, CGS_FILE), 16 << 20);
	/* v1 has no kernel breakdown */
	assert_false(val_has(cgroup_memory_stat_get(&s, CGS_KERNEL_STACK)));
	assert_false(val_has(cgroup_memory_stat_get(&s, CGS_SLAB)));
	assert_int_equal(
	    cgroup_memory_stat_read(
		root, "sys/fs/cgroup/memory/memtally-capture/inner", &s, &err),
	    0);
	assert_int_equal(s.v[CGS_SHMEM], 16 << 20);
	assert_int_equal(
	    cgroup_memory_stat_read(root, "sys/fs/cgroup/memory", &s, &err), 0);
	assert_true(cgroup_memory_stat_get(&s, CGS_FILE) >= 16 << 20);
	root_free(root);
}

static void test_v2(void **state)
{
	struct cgroup_memory_stat s;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("anon 4096\nfile 8192\nkernel 100\n"
			       "kernel_stack 16384\npagetables 4096\n"
			       "percpu 80\nsock 0\nshmem 4096\n"
			       "slab_reclaimable 1\nslab_unreclaimable 2\n"
			       "slab 3\nfancy_new 7\npgfault 12\n",
			       &s, &err),
			 0);
	assert_false(s.v1);
	assert_int_equal(cgroup_memory_stat_get(&s, CGS_ANON), 4096);
	assert_int_equal(cgroup_memory_stat_get(&s, CGS_KERNEL_STACK), 16384);
	assert_int_equal(cgroup_memory_stat_get(&s, CGS_SOCK), 0);
	assert_int_equal(cgroup_memory_stat_get(&s, CGS_PGFAULT), 12);
	/* older v2 kernels lack these: absent, not 0 */
	assert_false(val_has(cgroup_memory_stat_get(&s, CGS_SEC_PAGETABLES)));
	assert_false(val_has(cgroup_memory_stat_get(&s, CGS_VMALLOC)));
}

static void test_malformed(void **state)
{
	struct cgroup_memory_stat s;
	struct parse_err err;

	(void)state;
	assert_int_equal(parse("", &s, &err), -EINVAL);
	assert_int_equal(parse("anon\n", &s, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(parse("anon 1\nfile x\n", &s, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse("anon 1 2\n", &s, &err), -EINVAL);
	assert_int_equal(parse("anon -1\n", &s, &err), -EINVAL);
	assert_int_equal(parse("anon 1\nfile 2", &s, &err), -EINVAL);
	assert_int_equal(parse("anon 99999999999999999999\n", &s, &err),
			 -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_v1),
	    cmocka_unit_test(test_v2),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
