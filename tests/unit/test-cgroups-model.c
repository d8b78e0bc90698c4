/* Unit tests for the cgroup tree collector (src/model/cgroups.c) on
 * hand-built trees in a temporary directory: v2 with a nested slice, the
 * kernel figure from the "kernel" line or summed from its parts, process
 * counts, max_depth, control files told from children; a v1 memory
 * controller; and no memory controller at all. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/cgroups.h"

/* Write text to dir/rel, making the directories on the way. */
static void put(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *tmp_tree(void)
{
	char tmpl[] = "/tmp/memtally-cgtest-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void rm_tree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct root *open_tree(const char *dir)
{
	struct root *r = NULL;

	assert_int_equal(root_open_dir(dir, &r), 0);
	return r;
}

static const struct cgroup_node *find(const struct cgroups *cg,
				      const char *path)
{
	for (size_t i = 0; i < cg->n; i++)
		if (strcmp(cg->v[i].path, path) == 0)
			return &cg->v[i];
	fail_msg("no cgroup %s", path);
	return NULL;
}

#define V2 "sys/fs/cgroup/"

static void build_v2(const char *d)
{
	put(d, V2 "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(d, V2 "cgroup.procs", "1\n2\n3\n");
	put(d, V2 "memory.stat", "anon 1000\nfile 2000\nkernel 300\n");
	put(d, V2 "system.slice/memory.current", "8192\n");
	put(d, V2 "system.slice/memory.stat",
	    "anon 4096\nfile 4096\nshmem 0\nkernel 512\n");
	put(d, V2 "system.slice/cgroup.procs", "");
	put(d, V2 "system.slice/ssh.service/memory.current", "4096\n");
	/* before 5.18: no kernel line, so the parts are summed */
	put(d, V2 "system.slice/ssh.service/memory.stat",
	    "anon 2048\nfile 2048\nkernel_stack 16\npagetables 32\n"
	    "percpu 8\nsock 0\nslab_reclaimable 100\n"
	    "slab_unreclaimable 200\n");
	put(d, V2 "system.slice/ssh.service/cgroup.procs", "42\n43\n");
	/* a cgroup whose memory.stat cannot be read */
	put(d, V2 "user.slice/memory.current", "max\n");
	put(d, V2 "user.slice/cgroup.procs", "7\n");
}

static void test_v2(void **state)
{
	char *d = tmp_tree();
	struct root *r;
	struct cgroups cg;
	const struct cgroup_node *n;

	(void)state;
	build_v2(d);
	r = open_tree(d);
	cgroups_collect(r, -1, &cg);
	assert_int_equal(cg.n, 4);
	assert_string_equal(cg.v[0].path, "/");
	assert_int_equal(cg.v[0].version, 2);
	assert_int_equal(cg.v[0].depth, 0);
	assert_int_equal(cg.v[0].parent, 0);
	assert_int_equal(cg.v[0].nprocs, 3);
	assert_false(val_has(cg.v[0].current)); /* the root has none */
	assert_int_equal(cg.v[0].kernel, 300);

	n = find(&cg, "/system.slice");
	assert_int_equal(n->depth, 1);
	assert_int_equal(n->parent, 0);
	assert_int_equal(n->current, 8192);
	assert_int_equal(n->kernel, 512);
	assert_false(n->kernel_summed);
	assert_int_equal(n->nprocs, 0);
	assert_true(n->has_stat);
	assert_int_equal(cgroup_memory_stat_get(&n->stat, CGS_ANON), 4096);

	n = find(&cg, "/system.slice/ssh.service");
	assert_int_equal(n->depth, 2);
	assert_string_equal(cg.v[n->parent].path, "/system.slice");
	assert_int_equal(n->kernel, 16 + 32 + 8 + 0 + 100 + 200);
	assert_true(n->kernel_summed);
	assert_int_equal(n->nprocs, 2);

	n = find(&cg, "/user.slice");
	assert_false(val_has(n->current)); /* "max" */
	assert_false(n->has_stat);
	assert_false(val_has(n->kernel));
	cgroups_release(&cg);

	/* max_depth stops the walk */
	cgroups_collect(r, 1, &cg);
	assert_int_equal(cg.n, 3);
	for (size_t i = 0; i < cg.n; i++)
		assert_true(cg.v[i].depth <= 1);
	cgroups_release(&cg);
	root_free(r);
	rm_tree(d);
	free(d);
}

static void test_v1(void **state)
{
	char *d = tmp_tree();
	struct root *r;
	struct cgroups cg;
	int version = 0;

	(void)state;
	put(d, "sys/fs/cgroup/memory/memory.usage_in_bytes", "65536\n");
	put(d, "sys/fs/cgroup/memory/memory.kmem.usage_in_bytes", "1024\n");
	put(d, "sys/fs/cgroup/memory/memory.stat",
	    "cache 100\nrss 200\ntotal_cache 4096\ntotal_rss 8192\n");
	put(d, "sys/fs/cgroup/memory/cgroup.procs", "1\n");
	put(d, "sys/fs/cgroup/memory/docker/memory.usage_in_bytes", "4096\n");
	put(d, "sys/fs/cgroup/memory/docker/cgroup.procs", "10\n11\n");
	r = open_tree(d);
	assert_string_equal(cgroups_memory_base(r, &version),
			    "sys/fs/cgroup/memory");
	assert_int_equal(version, 1);
	cgroups_collect(r, -1, &cg);
	assert_int_equal(cg.n, 2);
	assert_int_equal(cg.v[0].version, 1);
	assert_int_equal(cg.v[0].current, 65536);
	assert_int_equal(cg.v[0].kernel, 1024);
	assert_string_equal(cg.v[1].path, "/docker");
	assert_int_equal(cg.v[1].current, 4096);
	assert_int_equal(cg.v[1].nprocs, 2);
	assert_false(val_has(cg.v[1].kernel));
	cgroups_release(&cg);
	root_free(r);
	rm_tree(d);
	free(d);
}

static void test_none(void **state)
{
	char *d = tmp_tree();
	struct root *r;
	struct cgroups cg;
	int version = 0;

	(void)state;
	/* v2 mounted without the memory controller */
	put(d, V2 "cgroup.controllers", "cpu io pids\n");
	r = open_tree(d);
	assert_null(cgroups_memory_base(r, &version));
	cgroups_collect(r, -1, &cg);
	assert_int_equal(cg.n, 0);
	assert_non_null(strstr(cg.why, "no memory cgroup controller"));
	cgroups_release(&cg);
	root_free(r);
	rm_tree(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v2),
	    cmocka_unit_test(test_v1),
	    cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
