/* Unit tests for the cgroup tree collector (src/model/cgroups.c) on
 * hand-built trees in a temporary directory: v2 with a nested slice, the
 * kernel figure from the "kernel" line or summed from its parts, process
 * counts, max_depth, control files told from children; a v1 memory
 * controller; and no memory controller at all. Dying cgroups: the counts
 * and the bytes they pin on v2 (cgroup.stat) and v1 (/proc/cgroups and
 * the local memory.stat), and the two small parsers. */
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

#define MIB(x) ((uint64_t)(x) << 20)

static void put_u64(const char *d, const char *rel, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)v);
	put(d, rel, buf);
}

static void put_dying(const char *d, const char *rel, unsigned n)
{
	char buf[80];

	snprintf(buf, sizeof(buf),
		 "nr_descendants 9\nnr_dying_descendants %u\n", n);
	put(d, rel, buf);
}

/* / (4 dying below) -> system.slice 100 MiB (4) -> a.service 30 MiB (0),
 * b.service 20 MiB (1) -> b.service/inner 5 MiB (0). */
static void build_v2_dying(const char *d)
{
	put(d, V2 "cgroup.controllers", "memory\n");
	put_dying(d, V2 "cgroup.stat", 4);
	put_u64(d, V2 "system.slice/memory.current", MIB(100));
	put_dying(d, V2 "system.slice/cgroup.stat", 4);
	put_u64(d, V2 "system.slice/a.service/memory.current", MIB(30));
	put_dying(d, V2 "system.slice/a.service/cgroup.stat", 0);
	put_u64(d, V2 "system.slice/b.service/memory.current", MIB(20));
	put_dying(d, V2 "system.slice/b.service/cgroup.stat", 1);
	put_u64(d, V2 "system.slice/b.service/inner/memory.current", MIB(5));
	put_dying(d, V2 "system.slice/b.service/inner/cgroup.stat", 0);
}

static void test_v2_dying(void **state)
{
	char *d = tmp_tree();
	struct root *r;
	struct cgroups cg;
	const struct cgroup_node *n;

	(void)state;
	build_v2_dying(d);
	r = open_tree(d);
	cgroups_collect(r, -1, &cg);
	assert_true(cg.full);
	/* b.service: one dying child: 20 - 5 MiB */
	n = find(&cg, "/system.slice/b.service");
	assert_int_equal(n->dying_count, 1);
	assert_int_equal(n->dying_bytes, MIB(15));
	/* system.slice: 3 dying of its own (4 - 1): 100 - 30 - 20, plus
	 * b.service's 15 below */
	n = find(&cg, "/system.slice");
	assert_int_equal(n->dying_count, 4);
	assert_int_equal(n->dying_bytes, MIB(50) + MIB(15));
	n = find(&cg, "/system.slice/a.service");
	assert_int_equal(n->dying_count, 0);
	assert_int_equal(n->dying_bytes, 0);
	n = find(&cg, "/system.slice/b.service/inner");
	assert_int_equal(n->dying_bytes, 0);
	/* the root has no dying child of its own: the sum below */
	assert_int_equal(cg.v[0].dying_count, 4);
	assert_int_equal(cg.v[0].dying_bytes, MIB(65));
	cgroups_release(&cg);

	/* one dying directly under the root: no memory.current there */
	put_dying(d, V2 "cgroup.stat", 5);
	cgroups_collect(r, -1, &cg);
	assert_int_equal(cg.v[0].dying_count, 5);
	assert_false(val_has(cg.v[0].dying_bytes));
	assert_int_equal(find(&cg, "/system.slice")->dying_bytes, MIB(65));
	cgroups_release(&cg);

	/* a live child without memory.current: its parent's bytes are
	 * unknown, and so are its ancestors' */
	put(d, V2 "system.slice/b.service/inner/memory.current", "x\n");
	put_dying(d, V2 "cgroup.stat", 4);
	cgroups_collect(r, -1, &cg);
	assert_false(
	    val_has(find(&cg, "/system.slice/b.service")->dying_bytes));
	assert_false(val_has(find(&cg, "/system.slice")->dying_bytes));
	assert_false(val_has(cg.v[0].dying_bytes));
	assert_int_equal(find(&cg, "/system.slice")->dying_count, 4);
	cgroups_release(&cg);

	/* a walk cut at a depth cannot tell: absent */
	cgroups_collect(r, 1, &cg);
	assert_false(cg.full);
	assert_false(val_has(cg.v[0].dying_bytes));
	assert_false(val_has(find(&cg, "/system.slice")->dying_count));
	cgroups_release(&cg);
	root_free(r);
	rm_tree(d);
	free(d);
}

#define V1 "sys/fs/cgroup/memory/"

static void test_v1_dying(void **state)
{
	char *d = tmp_tree();
	struct root *r;
	struct cgroups cg;
	const struct cgroup_node *n;
	char path[4200];

	(void)state;
	put(d, "proc/cgroups",
	    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
	    "cpu\t1\t1\t1\nmemory\t4\t7\t1\n");
	put(d, "sys/devices/system/cpu/online", "0-1\n");
	/* the root: 10 MiB, 2 MiB of it its own pages */
	put_u64(d, V1 "memory.usage_in_bytes", MIB(10));
	put_u64(d, V1 "memory.kmem.usage_in_bytes", MIB(3));
	put(d, V1 "memory.stat",
	    "cache 1048576\nrss 1048576\ntotal_cache 9\ntotal_rss 9\n");
	/* app: 8 MiB = web 2 + own pages 3 + own kmem 0.5 + dying 2.5 */
	put_u64(d, V1 "app/memory.usage_in_bytes", MIB(8));
	put_u64(d, V1 "app/memory.kmem.usage_in_bytes", MIB(1));
	put(d, V1 "app/memory.stat", "cache 2097152\nrss 1048576\n");
	/* web: 2 MiB = own pages 1.5 + kmem 0.5: nothing dying */
	put_u64(d, V1 "app/web/memory.usage_in_bytes", MIB(2));
	put_u64(d, V1 "app/web/memory.kmem.usage_in_bytes", MIB(1) / 2);
	put(d, V1 "app/web/memory.stat", "cache 524288\nrss 1048576\n");
	r = open_tree(d);
	cgroups_collect(r, -1, &cg);
	assert_int_equal(cg.n, 3);
	assert_int_equal(cg.v1_num_cgroups, 7);
	assert_int_equal(cg.v1_noise, 2 * 64 * 4096);
	/* the count: 7 less 3 live directories, at the root only */
	assert_int_equal(cg.v[0].dying_count, 4);
	n = find(&cg, "/app");
	assert_false(val_has(n->dying_count));
	assert_int_equal(n->dying_bytes, MIB(5) / 2);
	assert_int_equal(find(&cg, "/app/web")->dying_bytes, 0);
	/* the root: 10 - 8 - 2 of its own, plus app's */
	assert_int_equal(cg.v[0].dying_bytes, MIB(5) / 2);
	cgroups_release(&cg);

	/* under the charge stock's noise: 0 */
	put_u64(d, V1 "app/memory.usage_in_bytes", MIB(11) / 2 + 4096);
	cgroups_collect(r, -1, &cg);
	assert_int_equal(find(&cg, "/app")->dying_bytes, 0);
	cgroups_release(&cg);

	/* none dying by the count: the rest is noise */
	put(d, "proc/cgroups", "memory\t4\t3\t1\n");
	put_u64(d, V1 "app/memory.usage_in_bytes", MIB(8));
	cgroups_collect(r, -1, &cg);
	assert_int_equal(cg.v[0].dying_count, 0);
	assert_int_equal(find(&cg, "/app")->dying_bytes, 0);
	assert_int_equal(cg.v[0].dying_bytes, 0);
	cgroups_release(&cg);

	/* no /proc/cgroups: no count */
	snprintf(path, sizeof(path), "%s/proc/cgroups", d);
	assert_int_equal(unlink(path), 0);
	cgroups_collect(r, -1, &cg);
	assert_false(val_has(cg.v[0].dying_count));
	assert_false(val_has(find(&cg, "/app")->dying_bytes));
	cgroups_release(&cg);
	root_free(r);
	rm_tree(d);
	free(d);
}

static void test_parsers(void **state)
{
	static const char stat[] = "nr_descendants 3\nnr_dying_descendants 2\n";
	static const char pc[] = "#subsys_name\thierarchy\tnum_cgroups\t"
				 "enabled\nmemory\t4\t26\t1\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(
	    cgroups_parse_keyed(stat, strlen(stat), "nr_dying_descendants", &v),
	    0);
	assert_int_equal(v, 2);
	assert_int_equal(cgroups_parse_keyed(stat, strlen(stat), "nr_x", &v),
			 -ENOENT);
	assert_int_equal(cgroups_parse_keyed("nr_dying_descendants x\n", 23,
					     "nr_dying_descendants", &v),
			 -EINVAL);
	/* truncated: the key without a value is not taken */
	assert_int_equal(cgroups_parse_keyed("nr_dying_descendants", 20,
					     "nr_dying_descendants", &v),
			 -ENOENT);
	assert_int_equal(
	    cgroups_parse_proc_cgroups(pc, strlen(pc), "memory", &v), 0);
	assert_int_equal(v, 26);
	assert_int_equal(cgroups_parse_proc_cgroups(pc, strlen(pc), "pids", &v),
			 -ENOENT);
	assert_int_equal(
	    cgroups_parse_proc_cgroups("memory\t4\tx\t1\n", 13, "memory", &v),
	    -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v2),	     cmocka_unit_test(test_v1),
	    cmocka_unit_test(test_none),     cmocka_unit_test(test_v2_dying),
	    cmocka_unit_test(test_v1_dying), cmocka_unit_test(test_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
