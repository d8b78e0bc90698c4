/* Unit tests for model/snapshot.c: collecting a mask of sources through a
 * root gives each one parsed or with its reason; sources not asked for
 * are neither; a tree without a file says the file is absent; a file
 * that does not parse says where; every fixture tree collects without a
 * crash, on both threads. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/snapshot.h"
#include "../../src/sources/meminfo.h"
#include "testutil.h"

static void test_fixture(void **state)
{
	struct root *r = fixture_root("debian12-6.18-x86_64");
	struct snapshot s;
	const struct meminfo *mi;
	char why[400];

	(void)state;
	snapshot_collect(r,
			 SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_SLABINFO) |
			     SRC_BIT(SRC_ALLOCINFO),
			 &s);
	mi = snapshot_get(&s, SRC_MEMINFO);
	assert_non_null(mi);
	assert_true(mi->v[MI_MEMTOTAL] > 0);
	assert_non_null(snapshot_get(&s, SRC_SLABINFO));
	/* this tree has no allocinfo: absent, with the reason */
	assert_null(snapshot_get(&s, SRC_ALLOCINFO));
	snapshot_why(&s, SRC_ALLOCINFO, why, sizeof(why));
	assert_non_null(strstr(why, "allocinfo"));
	/* not asked for: not there */
	assert_null(snapshot_get(&s, SRC_VMSTAT));
	assert_int_equal(s.asked & SRC_BIT(SRC_VMSTAT), 0);
	snapshot_release(&s);
	root_free(r);
}

static void test_unparseable(void **state)
{
	char dir[] = "/tmp/memtally-snap-XXXXXX", path[128], why[400];
	struct root *r = NULL;
	struct snapshot s;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/meminfo", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("MemTotal: many kB\n", f);
	fclose(f);
	assert_int_equal(root_open_dir(dir, &r), 0);
	snapshot_collect(r, SRC_BIT(SRC_MEMINFO), &s);
	assert_null(snapshot_get(&s, SRC_MEMINFO));
	snapshot_why(&s, SRC_MEMINFO, why, sizeof(why));
	assert_non_null(strstr(why, "meminfo"));
	assert_non_null(strstr(why, "line 1"));
	snapshot_release(&s);
	root_free(r);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_every_tree(void **state)
{
	char **names;
	size_t n = fixture_list(&names);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct root *r = fixture_root(names[i]);
		struct snapshot s;

		snapshot_collect(r, SRC_ALL, &s);
		for (int id = 0; id < _SRC_MAX; id++) {
			char why[400];

			if (snapshot_get(&s, id))
				continue;
			snapshot_why(&s, id, why, sizeof(why));
			if (!why[0])
				fail_msg("%s: source %d absent with no reason",
					 names[i], id);
		}
		snapshot_release(&s);
		root_free(r);
	}
	fixture_list_free(names, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture),
	    cmocka_unit_test(test_unparseable),
	    cmocka_unit_test(test_every_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
