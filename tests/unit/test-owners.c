/* Unit tests for the owners analysis: an object seen through several
 * descriptors and processes counts once, under its lowest holder; totals
 * per kind leave absent sizes out and count them; objects sort biggest
 * first with absent sizes last. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/owners.h"
#include "../../src/basic/xalloc.h"

static struct owner_obj *obj(struct owner_set *s, enum owner_kind k,
			     uint64_t id, uint64_t bytes, int pid)
{
	struct owner_obj *o = owner_set_obj(s, k, id);

	if (!o->object) {
		o->object = xstrdup("x");
		o->bytes = bytes;
	}
	owner_obj_add_holder(o, pid);
	return o;
}

static void test_merge_and_holders(void **state)
{
	struct owner_set s;
	struct owner_kind_total t[_OWN_MAX];

	(void)state;
	owner_set_init(&s);
	/* a pipe: both ends in 300, the read end inherited by 200 */
	obj(&s, OWN_PIPE, 4711, 65536, 300);
	obj(&s, OWN_PIPE, 4711, 65536, 300);
	obj(&s, OWN_PIPE, 4711, 65536, 200);
	/* the same inode number as a socket is another object */
	obj(&s, OWN_TCP, 4711, 1000, 300);
	obj(&s, OWN_EPOLL, 9, VAL_ABSENT, 300);
	/* many objects: the hash grows */
	for (int i = 0; i < 1000; i++)
		obj(&s, OWN_UNIX, 100000 + (uint64_t)i, 10, 400 + i % 7);
	owner_set_proc(&s, 300, "writer", "/system.slice/a.service");
	owner_set_proc(&s, 200, "reader", NULL);
	owner_set_proc(&s, 300, "again", NULL);
	owner_set_finish(&s);

	assert_int_equal(s.nobjs, 1003);
	assert_int_equal(s.objs[0].kind, OWN_PIPE);
	assert_int_equal(s.objs[0].nholders, 2);
	assert_int_equal(s.objs[0].holders[0], 200);
	assert_int_equal(s.objs[0].holders[1], 300);
	assert_int_equal(s.objs[1].kind, OWN_TCP);
	/* absent last */
	assert_int_equal(s.objs[s.nobjs - 1].kind, OWN_EPOLL);

	owner_set_totals(&s, t);
	assert_int_equal(t[OWN_PIPE].bytes, 65536);
	assert_int_equal(t[OWN_PIPE].objects, 1);
	assert_int_equal(t[OWN_UNIX].bytes, 10000);
	assert_int_equal(t[OWN_UNIX].objects, 1000);
	assert_int_equal(t[OWN_EPOLL].n_absent, 1);
	assert_int_equal(t[OWN_EPOLL].bytes, 0);

	/* the pipe counts under 200, its lowest holder, once */
	assert_int_equal(owner_set_pid_bytes(&s, 200), 65536);
	assert_int_equal(owner_set_pid_bytes(&s, 300), 1000);

	assert_int_equal(s.nprocs, 2);
	assert_string_equal(owner_set_find_proc(&s, 300)->comm, "writer");
	assert_null(owner_set_find_proc(&s, 301));
	/* after finish the objects are still found by key */
	assert_int_equal(owner_set_obj(&s, OWN_PIPE, 4711)->bytes, 65536);
	owner_set_release(&s);
}

/* Cut to some holders, as a walk of only those processes would be: the
 * other holders go, and the objects only they (or nobody) held. */
static void test_keep_holders(void **state)
{
	static const int keep[] = {200, 500};
	struct owner_set s;

	(void)state;
	owner_set_init(&s);
	obj(&s, OWN_PIPE, 1, 65536, 300);
	obj(&s, OWN_PIPE, 1, 65536, 200);
	obj(&s, OWN_TCP, 2, 1000, 300);
	obj(&s, OWN_UNIX, 3, 10, 500);
	owner_set_obj(&s, OWN_SYSV_SHM, 4)->bytes = 4096; /* nobody's */
	owner_set_finish(&s);
	owner_set_keep_holders(&s, keep, ELEMENTSOF(keep));

	assert_int_equal(s.nobjs, 2);
	assert_int_equal(s.objs[0].kind, OWN_PIPE);
	assert_int_equal(s.objs[0].nholders, 1);
	assert_int_equal(s.objs[0].holders[0], 200);
	assert_int_equal(s.objs[1].kind, OWN_UNIX);
	/* found by key after the cut, gone ones not */
	assert_int_equal(owner_set_obj(&s, OWN_UNIX, 3)->bytes, 10);
	assert_int_equal(s.nobjs, 2);
	owner_set_release(&s);
}

static void test_kinds(void **state)
{
	(void)state;
	for (int k = 0; k < _OWN_MAX; k++) {
		const struct owner_kind_info *i = owner_kind_info(k);

		assert_non_null(i->name);
		assert_int_equal(owner_kind_from_name(i->name), k);
	}
	assert_int_equal(owner_kind_from_name("nosuch"), -1);
	assert_int_equal(owner_kind_info(OWN_SYSV_SHM)->cat, ACCT_SHMEM);
	assert_int_equal(owner_kind_info(OWN_PIPE)->cat, ACCT_UNACCOUNTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_and_holders),
	    cmocka_unit_test(test_keep_holders),
	    cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
