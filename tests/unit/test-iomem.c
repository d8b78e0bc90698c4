/* Unit tests for the /proc/iomem parser: captured trees, the tree shape,
 * addresses hidden from non-root readers, malformed lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/sources/iomem.h"
#include "../../src/sources/meminfo.h"
#include "testutil.h"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct iomem io;

	memset(err, 0, sizeof(*err));
	return iomem_parse(text, strlen(text), &io, err);
}

static void test_captured_all(void **state)
{
	struct fixture_iter it = {0};

	(void)state;
	while (fixture_next(&it, "proc/iomem")) {
		struct parse_err err = {0};
		struct iomem io;
		if (iomem_parse(it.buf, it.len, &io, &err) != 0)
			fail_msg("%s: line %u: %s", it.tree, err.line, err.msg);
		for (size_t k = 0; k < io.n; k++) {
			const struct iomem_range *r = &io.ranges[k];

			if (r->parent == IOMEM_NO_PARENT) {
				assert_int_equal(r->depth, 0);
				continue;
			}
			/* a child lies inside its parent */
			assert_true(r->parent < k);
			assert_int_equal(io.ranges[r->parent].depth + 1,
					 r->depth);
			if (!io.addr_hidden) {
				assert_true(r->start >=
					    io.ranges[r->parent].start);
				assert_true(r->end <= io.ranges[r->parent].end);
			}
		}
		iomem_release(&io);
	}
}

static void test_captured_debian12(void **state)
{
	struct iomem io;
	size_t len;
	char *buf = fixture_read("debian12-6.18-x86_64", "proc/iomem", &len);

	(void)state;
	assert_int_equal(iomem_parse(buf, len, &io, NULL), 0);
	assert_false(io.addr_hidden);
	assert_string_equal(io.ranges[0].name, "Reserved");
	assert_string_equal(io.ranges[6].name, "Kernel code");
	assert_int_equal(io.ranges[6].depth, 1);
	assert_int_equal(io.ranges[6].parent, 5);
	assert_int_equal(io.ranges[6].start, 0x01000000);
	assert_int_equal(io.ranges[6].end, 0x022090c7);
	/* 00001000-0009fbff, 00100000-bfffffff, 100000000-63fffffff */
	assert_int_equal(iomem_system_ram(&io),
			 (0x9fbffULL - 0x1000 + 1) +
			     (0xbfffffffULL - 0x100000 + 1) +
			     (0x63fffffffULL - 0x100000000ULL + 1));
	iomem_release(&io);
	free(buf);
}

static void test_hidden(void **state)
{
	const char *t = "00000000-00000000 : Reserved\n"
			"00000000-00000000 : System RAM\n"
			"  00000000-00000000 : Kernel code\n";
	struct iomem io;

	(void)state;
	assert_int_equal(iomem_parse(t, strlen(t), &io, NULL), 0);
	assert_true(io.addr_hidden);
	assert_int_equal(io.n, 3);
	/* hidden is unknown, not zero bytes */
	assert_int_equal(iomem_system_ram(&io), VAL_ABSENT);
	iomem_release(&io);
}

static void test_tree_and_names(void **state)
{
	const char *t = "00000000-00000fff : Reserved\n"
			"00100000-bfffffff : System RAM\n"
			"  01000000-01ffffff : Kernel code\n"
			"eec00000-febfffff : Reserved\n"
			"  eec00000-eecfffff : PCI ECAM 0000 [bus 00-00]\n"
			"    eec00000-eecfffff : a : b\n"
			"  fed00000-fed003ff : HPET 0\n";
	struct iomem io;

	(void)state;
	assert_int_equal(iomem_parse(t, strlen(t), &io, NULL), 0);
	assert_int_equal(io.n, 7);
	assert_string_equal(io.ranges[4].name, "PCI ECAM 0000 [bus 00-00]");
	assert_string_equal(io.ranges[5].name, "a : b");
	assert_int_equal(io.ranges[5].parent, 4);
	assert_int_equal(io.ranges[6].parent, 3);
	assert_int_equal(io.ranges[6].depth, 1);
	assert_int_equal(io.ranges[3].parent, IOMEM_NO_PARENT);
	/* only top-level System RAM counts */
	assert_int_equal(iomem_system_ram(&io), 0xbfffffffULL - 0x100000 + 1);
	iomem_release(&io);

	/* a nameless resource prints "START-END : " */
	t = "00000000-00000fff : \n";
	assert_int_equal(iomem_parse(t, strlen(t), &io, NULL), 0);
	assert_string_equal(io.ranges[0].name, "");
	iomem_release(&io);

	/* no System RAM at all: unknown */
	t = "00000000-00000fff : Reserved\n";
	assert_int_equal(iomem_parse(t, strlen(t), &io, NULL), 0);
	assert_int_equal(iomem_system_ram(&io), VAL_ABSENT);
	iomem_release(&io);
}

static void test_bad(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("", &err), -EINVAL);
	assert_int_equal(parse_bad("00000000-00000fff Reserved\n", &err),
			 -EINVAL);
	assert_int_equal(parse_bad("00000fff-00000000 : x\n", &err), -EINVAL);
	assert_int_equal(parse_bad("0000zzzz-00000fff : x\n", &err), -EINVAL);
	assert_int_equal(parse_bad("00000fff : x\n", &err), -EINVAL);
	assert_int_equal(parse_bad("0x0-0x1 : x\n", &err), -EINVAL);
	/* child deeper than parent + 1, first line indented, odd indent */
	assert_int_equal(parse_bad("0-f : a\n    1-2 : b\n", &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse_bad("  0-f : a\n", &err), -EINVAL);
	assert_int_equal(parse_bad("0-f : a\n 1-2 : b\n", &err), -EINVAL);
	/* absurd: more than 64 bits */
	assert_int_equal(parse_bad("0-1ffffffffffffffff : a\n", &err), -ERANGE);
	assert_int_equal(parse_bad("0-f : a\n1-2 : b", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_read_through_root(void **state)
{
	struct root *root = fixture_root("debian12-6.18-x86_64");
	struct source_err err;
	struct iomem io;

	(void)state;
	assert_int_equal(iomem_read(root, &io, &err), 0);
	assert_true(io.n > 10);
	iomem_release(&io);
	root_free(root);
	root = fixture_root("procfs-testdata");
	assert_int_equal(iomem_read(root, &io, &err), -ENOENT);
	root_free(root);
}

/* The live file: as root the addresses show and System RAM holds at
 * least MemTotal (the kernel keeps some for itself); as anyone else every
 * address is hidden and no size is claimed. */
static void test_live(void **state)
{
	struct source_err err;
	struct meminfo mi;
	struct root *root;
	struct iomem io;

	(void)state;
	if (root_open_dir("/", &root) < 0)
		skip();
	if (iomem_read(root, &io, &err) < 0 ||
	    meminfo_read(root, &mi, &err) < 0) {
		root_free(root);
		skip();
	}
	if (geteuid() == 0) {
		assert_false(io.addr_hidden);
		assert_true(val_has(iomem_system_ram(&io)));
		assert_true(iomem_system_ram(&io) >= mi.v[MI_MEMTOTAL]);
	} else {
		assert_true(io.addr_hidden);
		assert_int_equal(iomem_system_ram(&io), VAL_ABSENT);
	}
	meminfo_release(&mi);
	iomem_release(&io);
	root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_all),
	    cmocka_unit_test(test_captured_debian12),
	    cmocka_unit_test(test_hidden),
	    cmocka_unit_test(test_tree_and_names),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_read_through_root),
	    cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
