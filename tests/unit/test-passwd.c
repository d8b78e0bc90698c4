/* Unit tests for the /etc/passwd parser: names and uids, the lines it
 * skips (comments, NIS entries, short lines, non-numeric uids), look-ups
 * both ways, and the captured tree's file through the root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/passwd.h"
#include "testutil.h"

static void test_parse(void **state)
{
	static const char text[] =
	    "root:x:0:0:root:/root:/bin/bash\n"
	    "# a comment\n"
	    "\n"
	    "+nisuser::::::\n"
	    "short:x\n"
	    "bad:x:abc:0::/:/bin/sh\n"
	    ":x:5:5::/:/bin/sh\n"
	    "postgres:x:105:110:PostgreSQL:/var/lib/postgresql:/bin/bash\n"
	    "big:x:4294967294:1::/:/bin/sh"; /* no final newline */
	struct passwd_db db;
	uint64_t uid = 0;

	(void)state;
	passwd_parse(text, strlen(text), &db);
	assert_int_equal(db.n, 3);
	assert_string_equal(passwd_name(&db, 0), "root");
	assert_string_equal(passwd_name(&db, 105), "postgres");
	assert_string_equal(passwd_name(&db, 4294967294ULL), "big");
	assert_null(passwd_name(&db, 5));
	assert_null(passwd_name(&db, 1000));
	assert_int_equal(passwd_uid(&db, "postgres", &uid), 0);
	assert_int_equal(uid, 105);
	uid = 7;
	assert_int_equal(passwd_uid(&db, "nobody", &uid), -ENOENT);
	assert_int_equal(uid, 7);
	passwd_release(&db);
	assert_int_equal(db.n, 0);
}

static void test_empty(void **state)
{
	struct passwd_db db;

	(void)state;
	passwd_parse("", 0, &db);
	assert_int_equal(db.n, 0);
	assert_null(passwd_name(&db, 0));
	passwd_release(&db);
}

static void test_fixture(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64-procs");
	struct root *none = fixture_root("debian12-6.18-x86_64");
	struct passwd_db db = {0};

	(void)state;
	assert_int_equal(passwd_read(root, &db), 0);
	assert_true(db.n > 1);
	assert_string_equal(passwd_name(&db, 0), "root");
	assert_string_equal(passwd_name(&db, 1), "daemon");
	passwd_release(&db);
	/* a tree without etc/passwd: an error, db untouched */
	assert_true(passwd_read(none, &db) < 0);
	assert_null(db.v);
	root_free(root);
	root_free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
