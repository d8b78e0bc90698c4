/* Unit tests for model/pagemap.c: the maps range parser on real and
 * malformed lines, and (as root, live) the pages this test maps are
 * found under its own PID with their PFNs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/pagemap.h"
#include "testutil.h"

static int range(const char *s, uint64_t *a, uint64_t *b)
{
	return pagemap_maps_range(s, strlen(s), a, b);
}

static void test_maps_range(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(range("7f0000000000-7f0000021000 rw-p 00000000 "
			       "00:00 0   [heap]",
			       &a, &b),
			 0);
	assert_int_equal(a, 0x7f0000000000ULL);
	assert_int_equal(b, 0x7f0000021000ULL);
	assert_int_equal(range("ffffffffff600000-ffffffffff601000 --xp "
			       "00000000 00:00 0 [vsyscall]",
			       &a, &b),
			 0);
	/* smaps field lines and garbage are not ranges */
	assert_int_equal(range("Rss:                 4 kB", &a, &b), -EINVAL);
	assert_int_equal(range("", &a, &b), -EINVAL);
	assert_int_equal(range("7f00 rw-p", &a, &b), -EINVAL);
	assert_int_equal(range("zz-7f00 rw-p", &a, &b), -EINVAL);
	/* an end before the start */
	assert_int_equal(range("2000-1000 rw-p 0 00:00 0", &a, &b), -EINVAL);
}

static void test_own_pages(void **state)
{
	struct root *r = NULL;
	struct pfn_owners o = {0};
	size_t len = 64 * 4096, found = 0;
	char *p;
	int rc;

	(void)state;
	if (geteuid() != 0)
		skip();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 1, len);
	assert_int_equal(root_open_dir("/", &r), 0);
	rc = pfn_owners_collect(r, getpid(), 0, UINT64_MAX, &o);
	if (rc == -EPERM)
		skip();
	assert_int_equal(rc, 0);
	for (size_t i = 0; i < o.n; i++)
		if (o.v[i].pid == getpid() && o.v[i].vaddr >= (uintptr_t)p &&
		    o.v[i].vaddr < (uintptr_t)p + len)
			found++;
	assert_int_equal(found, 64);
	/* sorted by pfn, and each found by pfn */
	for (size_t i = 1; i < o.n; i++)
		assert_true(o.v[i - 1].pfn <= o.v[i].pfn);
	if (o.n) {
		const struct pfn_owner *w;

		assert_true(pfn_owners_find(&o, o.v[0].pfn, &w) >= 1);
		assert_int_equal(w->pfn, o.v[0].pfn);
	}
	assert_int_equal(
	    pfn_owners_collect(r, 999999999, 0, 1, &(struct pfn_owners){0}),
	    -ESRCH);
	pfn_owners_release(&o);
	root_free(r);
	munmap(p, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_maps_range),
	    cmocka_unit_test(test_own_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
