/* Unit tests for the per-process and per-cgroup models on captured trees:
 * kernel threads and zombies are counted, not listed; a PID that is gone
 * is dropped silently; the v1 cgroup tree is found and walked; a v2 tree
 * (built here in a temporary directory, since no v2 machine was at hand
 * to capture) is found under sys/fs/cgroup, with "kernel" summed from its
 * parts when the line is missing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/cgroups.h"
#include "../../src/model/procs.h"
#include "testutil.h"

#define FX "debian12-6.18-x86_64-procs"

/* `empty --cgroup PATH` writes into what cgroups_resolve() returns: it
 * must stay beneath the mount (issue 12 item 11: /../../../../tmp/x
 * wrote into /tmp/x/memory.force_empty). */
static void test_cgroups_resolve(void **state)
{
	char dir[] = "/tmp/memtally-cgres.XXXXXX", path[128], want[512];
	char *got = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/mnt/a/b", dir);
	snprintf(want, sizeof(want),
		 "mkdir -p '%s' '%s/outside' && "
		 "ln -s ../outside '%s/mnt/out' && "
		 "ln -s a '%s/mnt/inside' && touch '%s/mnt/file'",
		 path, dir, dir, dir, dir);
	assert_int_equal(system(want), 0);
	snprintf(path, sizeof(path), "%s/mnt", dir);

	assert_int_equal(cgroups_resolve(path, "/a/b", &got), 0);
	snprintf(want, sizeof(want), "%s/mnt/a/b", dir);
	assert_string_equal(got, want);
	free(got);
	assert_int_equal(cgroups_resolve(path, "/", &got), 0);
	assert_string_equal(got, path);
	free(got);
	/* a symlink that stays beneath is fine */
	assert_int_equal(cgroups_resolve(path, "/inside/b", &got), 0);
	free(got);
	got = NULL;
	assert_int_equal(cgroups_resolve(path, "/../../../../tmp", &got),
			 -EINVAL);
	assert_int_equal(cgroups_resolve(path, "/a/../../outside", &got),
			 -EINVAL);
	assert_int_equal(cgroups_resolve(path, "/a/./b", &got), -EINVAL);
	assert_int_equal(cgroups_resolve(path, "a/b", &got), -EINVAL);
	assert_int_equal(cgroups_resolve(path, "/out", &got), -EXDEV);
	assert_int_equal(cgroups_resolve(path, "/missing", &got), -ENOENT);
	assert_int_equal(cgroups_resolve(path, "/file", &got), -ENOTDIR);
	assert_null(got);
	snprintf(want, sizeof(want), "rm -rf '%s'", dir);
	assert_int_equal(system(want), 0);
}

static void test_procs_fixture(void **state)
{
	struct root *root = fixture_root(FX);
	struct source_err err;
	struct procs ps;
	bool python = false;

	(void)state;
	assert_int_equal(procs_collect(root, NULL, 0, &ps, &err), 0);
	assert_int_equal(ps.n, 3);
	assert_int_equal(ps.n_nomm, 2); /* a kernel thread and a zombie */
	assert_int_equal(ps.n_denied, 0);
	for (size_t i = 0; i < ps.n; i++) {
		const struct proc *p = &ps.v[i];

		if (streq(p->st.name, "python3")) {
			python = true;
			/* it held 8 MiB of its own */
			assert_true(proc_uss(p) >= 8 << 20);
		}
		assert_true(p->sm.v[SM_PSS] <= p->sm.v[SM_RSS]);
	}
	assert_true(python);
	procs_release(&ps);
	root_free(root);
}

static void test_procs_gone(void **state)
{
	struct root *root = fixture_root(FX);
	struct procs ps;
	int pids[] = {999999, 28526};

	(void)state;
	assert_int_equal(procs_collect(root, pids, 2, &ps, NULL), 0);
	assert_int_equal(ps.n, 1);
	assert_int_equal(ps.n_gone, 1);
	assert_int_equal(ps.n_denied, 0);
	procs_release(&ps);
	root_free(root);
}

static void test_procs_no_proc(void **state)
{
	struct root *root = fixture_root("prometheus-procfs");
	struct procs ps;
	struct source_err err;

	(void)state;
	/* prometheus-procfs has proc/ with one process and nothing else */
	assert_int_equal(procs_collect(root, NULL, 0, &ps, &err), 0);
	assert_int_equal(ps.n, 1);
	procs_release(&ps);
	root_free(root);
}

static void test_cgroups_v1_fixture(void **state)
{
	struct root *root = fixture_root(FX);
	struct cgroups cg;
	int version;

	(void)state;
	assert_string_equal(cgroups_memory_base(root, &version),
			    "sys/fs/cgroup/memory");
	assert_int_equal(version, 1);
	cgroups_collect(root, -1, &cg);
	assert_int_equal(cg.n, 3);
	assert_string_equal(cg.v[0].path, "/");
	assert_string_equal(cg.v[1].path, "/memtally-capture");
	assert_string_equal(cg.v[2].path, "/memtally-capture/inner");
	assert_int_equal(cg.v[2].parent, 1);
	assert_int_equal(cg.v[2].depth, 2);
	assert_int_equal(cgroup_memory_stat_get(&cg.v[1].stat, CGS_SHMEM),
			 16 << 20);
	assert_true(val_has(cg.v[1].kernel));
	cgroups_release(&cg);
	/* depth limit */
	cgroups_collect(root, 1, &cg);
	assert_int_equal(cg.n, 2);
	cgroups_release(&cg);
	root_free(root);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p;
	FILE *f;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void test_cgroups_v2_tree(void **state)
{
	char tmp[] = "/tmp/memtally-cg-XXXXXX";
	char *cgdir, *svc, *cmd;
	struct root *root;
	struct cgroups cg;
	int version;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	assert_true(asprintf(&cgdir, "%s/sys/fs/cgroup", tmp) > 0);
	assert_true(asprintf(&svc, "%s/system.slice", cgdir) > 0);
	assert_true(asprintf(&cmd, "mkdir -p '%s'", svc) > 0);
	assert_int_equal(system(cmd), 0);
	put(cgdir, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(cgdir, "cgroup.procs", "1\n2\n");
	/* a 5.15-like file: no "kernel" line */
	put(svc, "memory.current", "1048576\n");
	put(svc, "memory.stat",
	    "anon 4096\nfile 8192\nkernel_stack 16384\npagetables 4096\n"
	    "percpu 100\nsock 0\nshmem 0\nslab_reclaimable 1000\n"
	    "slab_unreclaimable 2000\nslab 3000\n");
	put(svc, "cgroup.procs", "7\n");
	assert_int_equal(root_open_dir(tmp, &root), 0);
	assert_string_equal(cgroups_memory_base(root, &version),
			    "sys/fs/cgroup");
	assert_int_equal(version, 2);
	cgroups_collect(root, -1, &cg);
	assert_int_equal(cg.n, 2);
	/* the v2 root has no memory.current or memory.stat */
	assert_false(val_has(cg.v[0].current));
	assert_false(cg.v[0].has_stat);
	assert_int_equal(cg.v[0].nprocs, 2);
	assert_string_equal(cg.v[1].path, "/system.slice");
	assert_int_equal(cg.v[1].current, 1048576);
	assert_int_equal(cg.v[1].kernel, 16384 + 4096 + 100 + 0 + 1000 + 2000);
	assert_true(cg.v[1].kernel_summed);
	cgroups_release(&cg);
	root_free(root);
	free(cmd);
	assert_true(asprintf(&cmd, "rm -rf '%s'", tmp) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(svc);
	free(cgdir);
}

static void test_cgroups_none(void **state)
{
	struct root *root = fixture_root("prometheus-procfs");
	struct cgroups cg;

	(void)state;
	cgroups_collect(root, -1, &cg);
	assert_int_equal(cg.n, 0);
	assert_non_null(strstr(cg.why, "no memory cgroup"));
	cgroups_release(&cg);
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cgroups_resolve),
	    cmocka_unit_test(test_procs_fixture),
	    cmocka_unit_test(test_procs_gone),
	    cmocka_unit_test(test_procs_no_proc),
	    cmocka_unit_test(test_cgroups_v1_fixture),
	    cmocka_unit_test(test_cgroups_v2_tree),
	    cmocka_unit_test(test_cgroups_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
