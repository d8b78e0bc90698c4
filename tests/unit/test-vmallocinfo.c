/* Unit tests for the /proc/vmallocinfo parser: the captured file (with
 * zeroed addresses), every line kind, modules, unknown words, truncated
 * and absurd input, and the page size derived from the guard page. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/vmallocinfo.h"
#include "testutil.h"

static int parse_bad(const char *text, struct parse_err *err)
{
	struct vmallocinfo vi;

	memset(err, 0, sizeof(*err));
	return vmallocinfo_parse(text, strlen(text), &vi, err);
}

static void test_captured(void **state)
{
	struct vmallocinfo vi;
	size_t len, with_pages = 0, unpurged = 0, ioremap = 0;
	char *buf =
	    fixture_read("debian12-6.18-x86_64", "proc/vmallocinfo", &len);
	const struct vmalloc_area *a;

	(void)state;
	assert_int_equal(vmallocinfo_parse(buf, len, &vi, NULL), 0);
	assert_int_equal(vi.n_areas, 1113);
	a = &vi.areas[0]; /* irq_init_percpu_irqstack+0xca/0x100 vmap */
	assert_int_equal(a->start, 0);
	assert_int_equal(a->size, 20480);
	assert_string_equal(a->func, "irq_init_percpu_irqstack");
	assert_int_equal(a->offset, 0xca);
	assert_null(a->module);
	assert_true(a->flags & VMF_VMAP);
	assert_false(val_has(a->pages));
	a = &vi.areas[3]; /* kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4 */
	assert_string_equal(a->func, "kernel_clone");
	assert_int_equal(a->pages, 4);
	assert_true(a->flags & VMF_VMALLOC);
	for (size_t i = 0; i < vi.n_areas; i++) {
		a = &vi.areas[i];
		with_pages += val_has(a->pages);
		unpurged += !!(a->flags & VMF_UNPURGED);
		ioremap += !!(a->flags & VMF_IOREMAP);
		if (a->flags & VMF_IOREMAP)
			assert_true(val_has(a->phys));
	}
	/* counted independently with grep on the fixture */
	assert_int_equal(with_pages, 195);
	assert_int_equal(unpurged, 886);
	assert_int_equal(ioremap, 29);
	assert_int_equal(vmallocinfo_page_size(&vi), 4096);
	vmallocinfo_release(&vi);
	free(buf);
}

static void test_kinds(void **state)
{
	const char *t =
	    "0xffffc90000000000-0xffffc90000005000   20480 "
	    "kernel_clone+0x94/0x3e0 pages=4 vmalloc N0=4\n"
	    "0xffffc90000010000-0xffffc90000012000    8192 "
	    "e1000_probe+0x10/0x200 [e1000e] phys=0xfebc0000 ioremap\n"
	    "0x1-0x2   16384 vm_map_ram\n"
	    "0x0-0x0   20480 unpurged vm_area\n"
	    "0x0-0x0   16384 0xffffffffc0a01234 pages=3 vmalloc user "
	    "dma-coherent sparse shiny-new-flag\n"
	    "0x0-0x0   16384 fn+0x1/0x2 [mod] pages=3 vmalloc vpages\n";
	struct vmallocinfo vi;

	(void)state;
	assert_int_equal(vmallocinfo_parse(t, strlen(t), &vi, NULL), 0);
	assert_int_equal(vi.n_areas, 6);
	assert_int_equal(vi.areas[0].start, 0xffffc90000000000);
	assert_int_equal(vi.areas[0].end, 0xffffc90000005000);
	assert_string_equal(vi.areas[1].module, "e1000e");
	assert_string_equal(vi.areas[1].func, "e1000_probe");
	assert_int_equal(vi.areas[1].phys, 0xfebc0000);
	assert_true(vi.areas[1].flags & VMF_IOREMAP);
	assert_false(val_has(vi.areas[1].pages));
	assert_true(vi.areas[2].flags & VMF_VM_MAP_RAM);
	assert_null(vi.areas[2].func);
	assert_true(vi.areas[3].flags & VMF_UNPURGED);
	assert_null(vi.areas[3].func);
	/* a caller without a symbol is its address; unknown word ignored */
	assert_string_equal(vi.areas[4].func, "0xffffffffc0a01234");
	assert_false(val_has(vi.areas[4].offset));
	assert_int_equal(vi.areas[4].flags, VMF_VMALLOC | VMF_USER |
						VMF_DMA_COHERENT | VMF_SPARSE);
	assert_true(vi.areas[5].flags & VMF_VPAGES);
	assert_string_equal(vi.areas[5].module, "mod");
	vmallocinfo_release(&vi);
}

static void test_page_size(void **state)
{
	/* 64 KiB pages: pages=2 in 3 pages of address space */
	const char *t = "0x0-0x0  196608 f+0x1/0x2 pages=2 vmalloc\n"
			"0x0-0x0  262144 g+0x1/0x2 pages=3 vmalloc\n";
	const char *u = "0x0-0x0  8192 f+0x1/0x2 phys=0x1 ioremap\n";
	struct vmallocinfo vi;

	(void)state;
	assert_int_equal(vmallocinfo_parse(t, strlen(t), &vi, NULL), 0);
	assert_int_equal(vmallocinfo_page_size(&vi), 65536);
	vmallocinfo_release(&vi);
	assert_int_equal(vmallocinfo_parse(u, strlen(u), &vi, NULL), 0);
	assert_int_equal(vmallocinfo_page_size(&vi), 0);
	vmallocinfo_release(&vi);
}

static void test_malformed(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("0x0-0x0 8192 f+0x1/0x2 vmalloc\n"
				   "garbage\n",
				   &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(parse_bad("0x0 8192 f+0x1/0x2\n", &err), -EINVAL);
	assert_int_equal(parse_bad("0x0-0x0 big f+0x1/0x2\n", &err), -EINVAL);
	assert_int_equal(parse_bad("0x0-0x0 8192 f+zz/0x2\n", &err), -EINVAL);
	assert_int_equal(parse_bad("0x0-0x0 8192 f+0x1/0x2 pages=x\n", &err),
			 -EINVAL);
	assert_int_equal(parse_bad("0x0-0x0 8192 f+0x1/0x2 phys=zz\n", &err),
			 -EINVAL);
	assert_int_equal(parse_bad("0x0-0x0 8192 f+0x1/0x2 pages=1", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
}

static void test_absurd(void **state)
{
	struct parse_err err;

	(void)state;
	assert_int_equal(parse_bad("0x0-0x0 8192 f+0x1/0x2 "
				   "pages=99999999999999999999 vmalloc\n",
				   &err),
			 -ERANGE);
	/* fits in 64 bits, but not once multiplied by a page */
	assert_int_equal(parse_bad("0x0-0x0 8192 f+0x1/0x2 "
				   "pages=18446744073709551 vmalloc\n",
				   &err),
			 -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured),  cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_page_size), cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_absurd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
