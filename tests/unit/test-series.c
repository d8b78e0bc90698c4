/* Unit tests for analysis/series.c: a captured tree as series (the
 * categories sum to MemTotal, pool tags kept and the rest summed, owners
 * naming their category), a snapshot without meminfo (-ENODATA and the
 * reason in failed), and the owner helpers: the owner object with its
 * chain, its one-line text, its holders, and naming a failed source. */
#include <errno.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/series.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture),
	    cmocka_unit_test(test_no_meminfo),
	    cmocka_unit_test(test_owner_json),
	    cmocka_unit_test(test_owner_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
