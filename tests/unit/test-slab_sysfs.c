/* Unit tests for /sys/kernel/slab: the attribute value parser on literal
 * buffers, and the reader on the captured tree (real directories, alias
 * symlinks, merged ":a-0000104" names). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/slab_sysfs.h"
#include "../../src/sources/slabinfo.h"
#include "testutil.h"

static int attr(const char *text, uint64_t *v)
{
	struct slab_sysfs_attr a = {0};
	struct parse_err err = {0};
	int r = slab_sysfs_attr_parse(text, strlen(text), &a, &err);

	*v = a.v;
	return r;
}

static void test_attr_values(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(attr("64\n", &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(attr("1815 N0=1815\n", &v), 0);
	assert_int_equal(v, 1815);
	assert_int_equal(attr("30 N0=10 N1=20\n", &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(attr("0\n", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(attr("", &v), -EINVAL);
	assert_int_equal(attr("\n", &v), -EINVAL);
	assert_int_equal(attr("abc\n", &v), -EINVAL);
	assert_int_equal(attr("-1\n", &v), -EINVAL);
	assert_int_equal(attr("64", &v), -EINVAL); /* truncated */
	assert_int_equal(attr("99999999999999999999\n", &v), -ERANGE);
	assert_int_equal(attr("18446744073709551615\n", &v), -ERANGE);
}

static void test_merged_names(void **state)
{
	(void)state;
	assert_int_equal(slab_sysfs_name_reclaimable(":a-0000104"), 1);
	assert_int_equal(slab_sysfs_name_reclaimable(":da-0000104"), 1);
	assert_int_equal(slab_sysfs_name_reclaimable(":A-0000072"), 0);
	assert_int_equal(slab_sysfs_name_reclaimable(":0000064"), 0);
	assert_int_equal(slab_sysfs_name_reclaimable("dentry"), -1);
	assert_int_equal(slab_sysfs_name_reclaimable("kmalloc-a-1"), -1);
}

static void test_captured(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	const struct slab_sysfs_cache *c, *d;
	struct source_err err;
	struct slab_sysfs ss;

	(void)state;
	assert_int_equal(slab_sysfs_read(root, &ss, &err), 0);
	/* find sys/kernel/slab -maxdepth 1: 429 entries, 194 symlinks */
	assert_int_equal(ss.n_caches + ss.n_aliases, 429);
	assert_int_equal(ss.n_aliases, 194);
	c = slab_sysfs_resolve(&ss, "kmalloc-64");
	assert_non_null(c);
	assert_string_equal(c->name, "kmalloc-64");
	assert_int_equal(c->v[SA_OBJECT_SIZE], 64);
	assert_int_equal(c->v[SA_OBJECTS], 1815);
	assert_int_equal(c->v[SA_TOTAL_OBJECTS], 1920);
	assert_int_equal(c->v[SA_SLABS], 30);
	assert_int_equal(c->v[SA_RECLAIM_ACCOUNT], 0);
	/* an alias resolves to its merged cache, read from the directory */
	c = slab_sysfs_resolve(&ss, "jbd2_transaction_s");
	assert_non_null(c);
	assert_string_equal(c->name, ":a-0000192");
	assert_int_equal(c->v[SA_RECLAIM_ACCOUNT], 1);
	assert_int_equal(slab_sysfs_name_reclaimable(c->name), 1);
	d = slab_sysfs_resolve(&ss, "ext4_io_end_vec");
	assert_non_null(d);
	assert_string_equal(d->name, ":0000032");
	assert_true(d->v[SA_ALIASES] >= 1);
	assert_null(slab_sysfs_resolve(&ss, "no-such-cache"));
	slab_sysfs_release(&ss);
	root_free(root);
}

static void test_every_slabinfo_name_resolves(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	struct slab_sysfs ss;
	struct slabinfo si;

	(void)state;
	assert_int_equal(slabinfo_read(root, &si, NULL), 0);
	assert_int_equal(
	    slab_sysfs_read_attrs(root, SA_BIT(SA_RECLAIM_ACCOUNT), &ss, NULL),
	    0);
	for (size_t i = 0; i < si.n_caches; i++) {
		const struct slab_sysfs_cache *c =
		    slab_sysfs_resolve(&ss, si.caches[i].name);

		if (!c)
			fail_msg("%s not in sysfs", si.caches[i].name);
		assert_true(val_has(c->v[SA_RECLAIM_ACCOUNT]));
		/* only what was asked for is read */
		assert_false(val_has(c->v[SA_OBJECT_SIZE]));
	}
	slab_sysfs_release(&ss);
	slabinfo_release(&si);
	root_free(root);
}

static void test_read_names(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	char *names[] = {"dentry",	  "jbd2_transaction_s",
			 "no-such-cache", "ext4_io_end_vec",
			 "../slab",	  "kmalloc-64"};
	char *none[] = {"no-such-cache"};
	const struct slab_sysfs_cache *c;
	struct source_err err;
	struct slab_sysfs ss;

	(void)state;
	assert_int_equal(slab_sysfs_read_names(root, names, 6,
					       SA_BIT(SA_RECLAIM_ACCOUNT) |
						   SA_BIT(SA_OBJECT_SIZE),
					       &ss, &err),
			 0);
	/* two links read, three directories, the rest skipped */
	assert_int_equal(ss.n_aliases, 2);
	assert_int_equal(ss.n_caches, 4);
	c = slab_sysfs_resolve(&ss, "jbd2_transaction_s");
	assert_string_equal(c->name, ":a-0000192");
	assert_int_equal(c->v[SA_RECLAIM_ACCOUNT], 1);
	assert_int_equal(c->v[SA_OBJECT_SIZE], 192);
	c = slab_sysfs_resolve(&ss, "dentry");
	assert_int_equal(c->v[SA_RECLAIM_ACCOUNT], 1);
	assert_false(val_has(c->v[SA_SLABS])); /* not asked for */
	assert_int_equal(
	    slab_sysfs_resolve(&ss, "kmalloc-64")->v[SA_RECLAIM_ACCOUNT], 0);
	assert_null(slab_sysfs_resolve(&ss, "no-such-cache"));
	slab_sysfs_release(&ss);
	/* nothing found at all: the directory is as good as absent */
	assert_int_equal(slab_sysfs_read_names(root, none, 1,
					       SA_BIT(SA_RECLAIM_ACCOUNT), &ss,
					       &err),
			 -ENOENT);
	assert_non_null(strstr(err.path, "sys/kernel/slab"));
	root_free(root);
}

static void test_absent(void **state)
{
	struct root *root = fixture_root("allocinfo-v1");
	struct source_err err;
	struct slab_sysfs ss;

	(void)state;
	assert_int_equal(slab_sysfs_read(root, &ss, &err), -ENOENT);
	assert_non_null(strstr(err.path, "sys/kernel/slab"));
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_attr_values),
	    cmocka_unit_test(test_merged_names),
	    cmocka_unit_test(test_captured),
	    cmocka_unit_test(test_every_slabinfo_name_resolves),
	    cmocka_unit_test(test_read_names),
	    cmocka_unit_test(test_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
