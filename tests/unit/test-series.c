/* Unit tests for analysis/series.c: a captured tree as series (the
 * categories sum to MemTotal, pool tags kept and the rest summed, owners
 * naming their category), a snapshot without meminfo (-ENODATA and the
 * reason in failed), and the owner helpers: the owner object with its
 * chain, its one-line text, its holders, and naming a failed source;
 * owner series from a built owner set (top N per kind, summed per first
 * holder, the unheld apart), the holder lifted into a category's owner,
 * the owners' snapshot member written and read back, and the parts of
 * v1 and v2 cgroups from built trees. */
#include <errno.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/bpftags.h"
#include "../../src/analysis/owners-snap.h"
#include "../../src/analysis/series.h"
#include "../../src/basic/xalloc.h"
#include "../../src/model/cgroups.h"
#include "../../src/model/ownerset.h"
#include "testutil.h"

#define FIXTURE "debian12-6.18-x86_64"

static const struct series_point *find(const struct series_set *s,
				       const char *kind, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i].kind, kind) && streq(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void test_fixture(void **state)
{
	struct root *root = fixture_root(FIXTURE);
	struct series_opts o = {
	    .top_pools = 3, .pool_threshold = UINT64_MAX, .page_size = 4096};
	const struct series_point *total;
	struct snapshot snap;
	struct series_set s;
	size_t pools = 0, others = 0;
	int64_t sum = 0;
	char cat[64];

	(void)state;
	snapshot_collect(root, series_sources(), &snap);
	assert_int_equal(series_collect(&snap, &o, &s), 0);
	total = find(&s, "meminfo", "total");
	assert_non_null(total);
	for (size_t i = 0; i < s.n; i++) {
		const struct series_point *p = &s.v[i];

		if (streq(p->kind, "category")) {
			sum += p->value;
			series_owner_category(p->owner, cat, sizeof(cat));
			assert_string_equal(cat, p->name);
			assert_non_null(p->reclaim);
		}
		pools += streq(p->kind, "pool");
		others += streq(p->kind, "pool_other");
	}
	/* the categories account for every byte */
	assert_int_equal(sum, total->value);
	assert_int_equal(pools, 3);
	assert_true(others >= 1);
	assert_non_null(find(&s, "category", "slab_unreclaimable"));
	series_set_release(&s);
	snapshot_release(&snap);
	root_free(root);
}

static void test_no_meminfo(void **state)
{
	struct series_opts o = {0};
	struct snapshot snap = {0};
	struct series_set s;
	json_object *f, *v;

	(void)state;
	snap.asked = SRC_BIT(SRC_MEMINFO);
	snap.err[SRC_MEMINFO].err = -ENOENT;
	assert_int_equal(series_collect(&snap, &o, &s), -ENODATA);
	assert_null(find(&s, "meminfo", "total"));
	assert_non_null(s.failed);
	f = json_tokener_parse(s.failed);
	assert_true(json_object_object_get_ex(f, "meminfo", &v));
	json_object_put(f);

	/* a failed source added later, and replaced */
	series_set_fail(&s, "bpf", "no BTF");
	series_set_fail(&s, "bpf", "needs root");
	f = json_tokener_parse(s.failed);
	assert_true(json_object_object_get_ex(f, "meminfo", &v));
	assert_true(json_object_object_get_ex(f, "bpf", &v));
	assert_string_equal(json_object_get_string(v), "needs root");
	json_object_put(f);
	series_set_release(&s);
}

static void test_owner_json(void **state)
{
	struct series_link chain[] = {
	    {"{\"category\":\"slab_unreclaimable\",\"source\":\"slab\","
	     "\"tag\":\"kmalloc-256\",\"module\":null}",
	     "pool:slab/kmalloc-256", "change_bytes", 1 << 20},
	    {NULL, "pool:slab/x", "change_bytes", -5},
	};
	char *j = series_owner_json("{\"category\":\"slab_unreclaimable\","
				    "\"from\":\"SUnreclaim\"}",
				    "pinned", chain, 2);
	json_object *o = json_tokener_parse(j), *v, *arr, *e;

	(void)state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "reclaim", &v));
	assert_string_equal(json_object_get_string(v), "pinned");
	assert_true(json_object_object_get_ex(o, "chain", &arr));
	assert_int_equal(json_object_array_length(arr), 2);
	e = json_object_array_get_idx(arr, 0);
	assert_true(json_object_object_get_ex(e, "module", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(e, "change_bytes", &v));
	assert_int_equal(json_object_get_int64(v), 1 << 20);
	e = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(e, "series", &v));
	assert_string_equal(json_object_get_string(v), "pool:slab/x");
	json_object_put(o);
	free(j);

	/* no owner, or one that does not parse: an object all the same */
	j = series_owner_json("not json", NULL, NULL, 0);
	assert_string_equal(j, "{\"chain\":[]}");
	free(j);
}

static void test_owner_text(void **state)
{
	const char *cat = "{\"from\":\"SUnreclaim\",\"chain\":[{\"series\":"
			  "\"pool:slab/kmalloc-256\"}]}";
	const char *tag = "{\"source\":\"vmalloc\",\"module\":\"nvidia\"}";
	const char *builtin = "{\"source\":\"slab\",\"module\":null}";
	const char *proc = "{\"category\":\"anonymous\",\"pid\":42,"
			   "\"path\":\"/system.slice\"}";
	const char *other = "{\"source\":\"slab\",\"tags\":\"the rest\"}";
	struct series_holder h[3];
	char buf[128], small[12];

	(void)state;
	series_owner_text(cat, 0, buf, sizeof(buf));
	assert_string_equal(buf, "SUnreclaim");
	series_owner_text(cat, SERIES_OWNER_CHAIN, buf, sizeof(buf));
	assert_string_equal(buf, "SUnreclaim -> pool:slab/kmalloc-256");
	series_owner_text(tag, 0, buf, sizeof(buf));
	assert_string_equal(buf, "vmalloc caller");
	series_owner_text(tag, SERIES_OWNER_HOLDER, buf, sizeof(buf));
	assert_string_equal(buf, "vmalloc caller, module nvidia");
	series_owner_text(builtin, 0, buf, sizeof(buf));
	assert_string_equal(buf, "slab cache, built-in");
	series_owner_text(other, 0, buf, sizeof(buf));
	assert_string_equal(buf, "the other slab tags, summed");
	series_owner_text(proc, SERIES_OWNER_HOLDER, buf, sizeof(buf));
	assert_string_equal(buf, "process 42, cgroup /system.slice");
	series_owner_text(tag, SERIES_OWNER_HOLDER, small, sizeof(small));
	assert_string_equal(small, "vmalloc ...");
	series_owner_text(NULL, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");

	assert_int_equal(series_owner_holders(tag, h, 3), 1);
	assert_string_equal(h[0].what, "module");
	assert_string_equal(h[0].who, "nvidia");
	assert_int_equal(series_owner_holders(builtin, h, 3), 0);
	assert_int_equal(series_owner_holders(proc, h, 3), 2);
	assert_string_equal(h[0].what, "process");
	assert_string_equal(h[0].who, "42");
	assert_string_equal(h[1].who, "/system.slice");
	assert_int_equal(series_owner_holders(proc, h, 1), 1);
	assert_int_equal(series_owner_holders("[1", h, 3), 0);
}

/* An owner set with: pid 20 holding two pipes (summed) and one held by
 * 30 and 20 too (counted under 20, its lowest holder), pid 30 a pipe of
 * its own, pid 40 a small pipe, a pipe of unknown size, a TCP socket of
 * pid 30, a SysV segment nobody holds (made by pid 60), and two
 * queues nobody holds (last messages from pids 69 and 70). */
static void build_owners(struct owner_set *os)
{
	static const struct {
		enum owner_kind kind;
		uint64_t id, bytes;
		int h1, h2;
	} objs[] = {
	    {OWN_PIPE, 1, 1 << 20, 20, -1},  {OWN_PIPE, 2, 2 << 20, 20, -1},
	    {OWN_PIPE, 3, 4096, 30, 20},     {OWN_PIPE, 4, 1 << 20, 30, -1},
	    {OWN_PIPE, 5, 8192, 40, -1},     {OWN_PIPE, 6, VAL_ABSENT, 50, -1},
	    {OWN_TCP, 7, 65536, 30, -1},     {OWN_SYSV_SHM, 8, 3 << 20, -1, -1},
	    {OWN_SYSV_MSG, 9, 4096, -1, -1}, {OWN_SYSV_MSG, 10, 16384, -1, -1},
	};

	owner_set_init(os);
	for (size_t i = 0; i < ELEMENTSOF(objs); i++) {
		struct owner_obj *o =
		    owner_set_obj(os, objs[i].kind, objs[i].id);

		o->object = xstrdup("obj");
		o->bytes = objs[i].bytes;
		if (!val_has(o->bytes))
			o->why = xstrdup("needs root");
		if (objs[i].h1 >= 0)
			owner_obj_add_holder(o, objs[i].h1);
		if (objs[i].h2 >= 0)
			owner_obj_add_holder(o, objs[i].h2);
		/* SysV: the segment's creator; the queues' last senders */
		o->creator_pid = objs[i].kind == OWN_SYSV_SHM ? 60 : -1;
		o->last_pid =
		    objs[i].kind == OWN_SYSV_MSG ? (int)objs[i].id + 60 : -1;
	}
	owner_set_proc(os, 20, "leaker", "/system.slice/leaker.service");
	owner_set_proc(os, 30, "server", NULL);
	owner_set_proc(os, 40, "small", NULL);
	owner_set_proc(os, 50, "hidden", NULL);
	owner_set_note(os, "a note");
	owner_set_finish(os);
}

static void test_owner_series(void **state)
{
	const struct series_point *p;
	struct series_owner_proc op;
	struct owner_set os;
	struct series_set s = {0};
	char buf[300];

	(void)state;
	build_owners(&os);
	series_add_owners(&s, &os, 2);
	/* pipes: 20 and 30 kept (top 2), 40 left out, 50 unknown */
	p = find(&s, "owner", "pipe/20");
	assert_non_null(p);
	assert_int_equal(p->value, (3 << 20) + 4096);
	assert_string_equal(p->reclaim, "unknown");
	assert_non_null(find(&s, "owner", "pipe/30"));
	assert_null(find(&s, "owner", "pipe/40"));
	assert_null(find(&s, "owner", "pipe/50"));
	assert_int_equal(find(&s, "owner", "tcp/30")->value, 65536);
	assert_int_equal(find(&s, "owner", "sysv-shm/nobody")->value, 3 << 20);
	assert_int_equal(find(&s, "owner", "sysv-msg/nobody")->value, 20480);
	assert_int_equal(s.n, 5);
	/* the owner names category, kind and the process */
	series_owner_category(p->owner, buf, sizeof(buf));
	assert_string_equal(buf, "unaccounted");
	assert_true(series_owner_proc(p->owner, &op));
	assert_int_equal(op.pid, 20);
	assert_string_equal(op.kind, "pipe");
	assert_string_equal(op.comm, "leaker");
	assert_string_equal(op.cgroup, "/system.slice/leaker.service");
	series_owner_category(find(&s, "owner", "sysv-shm/nobody")->owner, buf,
			      sizeof(buf));
	assert_string_equal(buf, "shmem");
	assert_true(series_owner_proc(
	    find(&s, "owner", "sysv-shm/nobody")->owner, &op));
	assert_int_equal(op.pid, -1);
	/* the sentence leaks prints */
	series_owner_sentence(p->owner, 4 << 20, buf, sizeof(buf));
	assert_string_equal(buf, "pid 20 (leaker) in /system.slice/"
				 "leaker.service holds pipe buffers, "
				 "+4.0 MiB/s");
	series_owner_sentence(find(&s, "owner", "sysv-shm/nobody")->owner, 1024,
			      buf, sizeof(buf));
	assert_string_equal(buf, "SysV shared memory no process holds "
				 "(created by pid 60), +1.0 KiB/s");
	/* the queues: the last sender of the biggest names who fills them */
	assert_true(series_owner_proc(
	    find(&s, "owner", "sysv-msg/nobody")->owner, &op));
	assert_int_equal(op.pid, -1);
	assert_int_equal(op.ipc_pid, 70);
	assert_false(op.ipc_creator);
	series_owner_sentence(find(&s, "owner", "sysv-msg/nobody")->owner, 1024,
			      buf, sizeof(buf));
	assert_string_equal(buf, "SysV messages no process holds (last "
				 "message from pid 70), +1.0 KiB/s");
	/* a category's owner lifts the holder from its first owner link */
	{
		struct series_link chain[] = {
		    {.owner = "{\"category\":\"unaccounted\",\"source\":"
			      "\"bpf\",\"tag\":\"t\"}",
		     .series = "pool:bpf/t",
		     .key = "bytes_per_hour",
		     .value = 1},
		    {.owner = p->owner,
		     .series = "owner:pipe/20",
		     .key = "bytes_per_hour",
		     .value = 2},
		};
		char *j = series_owner_json("{\"category\":\"unaccounted\","
					    "\"from\":\"MemTotal - rest\"}",
					    "unknown", chain, 2);
		struct series_holder h[3];
		json_object *o = json_tokener_parse(j), *v;

		assert_true(json_object_object_get_ex(o, "pid", &v));
		assert_int_equal(json_object_get_int(v), 20);
		assert_true(json_object_object_get_ex(o, "kind", &v));
		assert_string_equal(json_object_get_string(v), "pipe");
		assert_true(json_object_object_get_ex(o, "comm", &v));
		assert_string_equal(json_object_get_string(v), "leaker");
		assert_true(json_object_object_get_ex(o, "cgroup", &v));
		series_owner_text(j, 0, buf, sizeof(buf));
		assert_string_equal(buf, "MemTotal - rest; pid 20 (leaker) "
					 "holds pipe buffers");
		json_object_put(o);
		free(j);
		/* an owner series' holders: the process with its command,
		 * and its cgroup */
		assert_int_equal(series_owner_holders(p->owner, h, 3), 2);
		assert_string_equal(h[0].what, "process");
		assert_string_equal(h[0].who, "20 (leaker)");
		assert_string_equal(h[1].what, "cgroup");
		assert_string_equal(h[1].who, "/system.slice/leaker.service");
	}
	series_set_release(&s);
	/* 0: none */
	series_add_owners(&s, &os, 0);
	assert_int_equal(s.n, 0);
	series_set_release(&s);
	owner_set_release(&os);
}

/* The snapshot member: the set written and read back is the same set;
 * malformed text is refused with a reason. */
static void test_owners_snap(void **state)
{
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{\"version\":2,\"procs\":[],\"objects\":[]}",
	    "{\"version\":1,\"procs\":[{\"pid\":\"x\"}],\"objects\":[]}",
	    "{\"version\":1,\"procs\":[],\"objects\":[{\"kind\":\"pipe\"}]}",
	    "{\"version\":1,\"procs\":[],\"objects\":[{\"kind\":\"pipe\","
	    "\"id\":1,\"holders\":[\"a\"]}]}",
	};
	struct owner_set os, back;
	struct series_set a = {0}, b = {0};
	size_t len;
	char *text, *why = NULL;

	(void)state;
	build_owners(&os);
	text = owners_snap_format(&os, &len);
	assert_int_equal(len, strlen(text));
	assert_int_equal(owners_snap_parse(text, len, &back, &why), 0);
	assert_int_equal(back.nobjs, os.nobjs);
	assert_int_equal(back.nprocs, os.nprocs);
	assert_int_equal(back.nnotes, 1);
	for (size_t i = 0; i < os.nobjs; i++) {
		assert_int_equal(back.objs[i].kind, os.objs[i].kind);
		assert_int_equal(back.objs[i].id, os.objs[i].id);
		assert_true(back.objs[i].bytes == os.objs[i].bytes);
		assert_int_equal(back.objs[i].nholders, os.objs[i].nholders);
	}
	series_add_owners(&a, &os, 5);
	series_add_owners(&b, &back, 5);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.v[i].name, b.v[i].name);
		assert_int_equal(a.v[i].value, b.v[i].value);
		assert_string_equal(a.v[i].owner, b.v[i].owner);
	}
	series_set_release(&a);
	series_set_release(&b);
	owner_set_release(&back);
	free(text);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		why = NULL;
		assert_int_equal(
		    owners_snap_parse(bad[i], strlen(bad[i]), &back, &why),
		    -EINVAL);
		assert_non_null(why);
		free(why);
	}
	owner_set_release(&os);
}

/* Traced call sites chain by where their memory comes from: a page
 * allocator site ("pages 4k") to unaccounted, a slab site to its slab
 * category. */
static void test_bpf_sites(void **state)
{
	struct root *root = fixture_root(FIXTURE);
	struct bpftag_row rows[2] = {
	    {.tag = "anon_pipe_write+0x234",
	     .cache = "pages 4k",
	     .kind = "page",
	     .bytes = 64 << 20},
	    {.tag = "load_msg+0x6e",
	     .cache = "kmalloc-cg-1k",
	     .kind = "kmalloc",
	     .bytes = 32 << 20},
	};
	struct series_opts o = {.top_pools = SIZE_MAX,
				.pool_threshold = UINT64_MAX,
				.page_size = 4096,
				.bpf_rows = rows,
				.n_bpf = 2};
	struct snapshot snap;
	struct series_set s;
	char cat[64];

	(void)state;
	snapshot_collect(root, series_sources(), &snap);
	assert_int_equal(series_collect(&snap, &o, &s), 0);
	series_owner_category(
	    find(&s, "pool", "bpf/anon_pipe_write+0x234")->owner, cat,
	    sizeof(cat));
	assert_string_equal(cat, "unaccounted");
	series_owner_category(find(&s, "pool", "bpf/load_msg+0x6e")->owner, cat,
			      sizeof(cat));
	assert_string_equal(cat, "slab_unreclaimable");
	series_set_release(&s);
	snapshot_release(&snap);
	root_free(root);
}

#define MB ((uint64_t)1 << 20)

/* A built cgroup node: memory.stat lines all absent. */
static void node(struct cgroup_node *n, const char *path, int depth,
		 int version, uint64_t current, uint64_t kernel)
{
	memset(n, 0, sizeof(*n));
	n->path = (char *)path;
	n->depth = depth;
	n->version = version;
	n->current = current;
	n->kernel = kernel;
	n->has_stat = true;
	n->stat.v1 = version == 1;
	for (int f = 0; f < _CGS_MAX; f++)
		n->stat.v[f] = n->stat.total[f] = VAL_ABSENT;
}

static void assert_part(const struct series_set *s, const char *name,
			uint64_t value, const char *reclaim)
{
	const struct series_point *p = find(s, "cgroup_part", name);

	assert_non_null(p);
	assert_int_equal(p->value, (int64_t)value);
	assert_string_equal(p->reclaim, reclaim);
	assert_non_null(strstr(p->owner, "\"part\":"));
}

/* Each kept cgroup's parts: v2 page cache without shmem, anon + shmem,
 * reclaimable slab and the rest of the kernel memory; v1 from the
 * total_ lines (not the cgroup's own), kmem of unknown kind; none where
 * memory.stat could not be read or the name would not fit, and none for
 * a cgroup that is not kept. */
static void test_cgroup_parts(void **state)
{
	static char long_path[130];
	struct cgroup_node v[6];
	struct cgroups cg = {.v = v, .n = ELEMENTSOF(v)};
	struct series_opts o = {
	    .top_cgroups = 4, .pool_threshold = UINT64_MAX, .cgroups = &cg};
	struct snapshot snap = {0};
	struct series_set s;
	size_t cgroups = 0, parts = 0;
	char cut[128]; /* a series' name is cut at 127 */

	(void)state;
	memset(long_path, 'x', sizeof(long_path) - 1);
	long_path[0] = '/';
	node(&v[0], "/", 0, 2, VAL_ABSENT, VAL_ABSENT);
	node(&v[1], "/system.slice", 1, 2, 500 * MB, 70 * MB);
	v[1].stat.v[CGS_FILE] = 300 * MB;
	v[1].stat.v[CGS_SHMEM] = 50 * MB;
	v[1].stat.v[CGS_ANON] = 100 * MB;
	v[1].stat.v[CGS_SLAB_RECLAIMABLE] = 40 * MB;
	node(&v[2], "/user.slice", 1, 1, 400 * MB, 30 * MB);
	v[2].stat.total[CGS_FILE] = 200 * MB;
	v[2].stat.total[CGS_SHMEM] = 20 * MB;
	v[2].stat.total[CGS_ANON] = 80 * MB;
	v[2].stat.v[CGS_FILE] = 1 * MB; /* its own: not the charge's parts */
	v[2].stat.v[CGS_SHMEM] = 0;
	v[2].stat.v[CGS_ANON] = 2 * MB;
	node(&v[3], "/unreadable", 1, 2, 300 * MB, VAL_ABSENT);
	v[3].has_stat = false;
	node(&v[4], long_path, 1, 2, 200 * MB, 10 * MB);
	v[4].stat.v[CGS_FILE] = 100 * MB;
	v[4].stat.v[CGS_SHMEM] = 0;
	node(&v[5], "/small", 1, 2, 1 * MB, 0);
	v[5].stat.v[CGS_FILE] = 1 * MB;
	v[5].stat.v[CGS_SHMEM] = 0;
	series_collect(&snap, &o, &s);
	for (size_t i = 0; i < s.n; i++) {
		cgroups += streq(s.v[i].kind, "cgroup");
		parts += streq(s.v[i].kind, "cgroup_part");
	}
	assert_int_equal(cgroups, 4);
	assert_int_equal(parts, 7);

	assert_part(&s, "/system.slice:page_cache", 250 * MB, "reclaimable");
	assert_part(&s, "/system.slice:anon_shmem", 150 * MB, "swappable");
	assert_part(&s, "/system.slice:slab_reclaimable", 40 * MB,
		    "reclaimable");
	assert_part(&s, "/system.slice:kernel_pinned", 30 * MB, "pinned");
	assert_null(find(&s, "cgroup_part", "/system.slice:kernel"));

	assert_part(&s, "/user.slice:page_cache", 180 * MB, "reclaimable");
	assert_part(&s, "/user.slice:anon_shmem", 100 * MB, "swappable");
	assert_part(&s, "/user.slice:kernel", 30 * MB, "unknown");
	assert_null(find(&s, "cgroup_part", "/user.slice:slab_reclaimable"));

	/* kept, but no memory.stat: no part is made up */
	assert_non_null(find(&s, "cgroup", "/unreadable"));
	/* kept, but "PATH:PART" would be cut short */
	snprintf(cut, sizeof(cut), "%s", long_path);
	assert_non_null(find(&s, "cgroup", cut));
	/* not kept (fifth of top 4), so neither are its parts */
	assert_null(find(&s, "cgroup", "/small"));
	assert_null(find(&s, "cgroup_part", "/small:page_cache"));
	series_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture),
	    cmocka_unit_test(test_no_meminfo),
	    cmocka_unit_test(test_owner_json),
	    cmocka_unit_test(test_owner_text),
	    cmocka_unit_test(test_owner_series),
	    cmocka_unit_test(test_bpf_sites),
	    cmocka_unit_test(test_owners_snap),
	    cmocka_unit_test(test_cgroup_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
