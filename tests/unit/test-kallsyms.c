/* Unit tests for the /proc/kallsyms parser and address lookup: kernel and
 * module symbols, __pfx_ padding, data symbols, hidden addresses, and
 * malformed lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/kallsyms.h"

static const char sample[] = "ffffffff81000000 T _stext\n"
			     "ffffffff816c68d0 t __pfx_anon_pipe_write\n"
			     "ffffffff816c68e0 t anon_pipe_write\n"
			     "ffffffff816c6f00 T pipe_read\n"
			     "ffffffff82a00000 D some_data\n"
			     "ffffffffc0a01220 t __pfx_foo_rx_alloc\t[foo]\n"
			     "ffffffffc0a01230 t foo_rx_alloc\t[foo]\n"
			     "ffffffffc0a01400 T foo_exit\t[foo]\n"
			     "ffffffffc0b00000 t bar_probe\t[bar_drv]\n"
			     "ffffffff81a62bc0 T load_msg\n";

static void parse(const char *text, struct kallsyms *k)
{
	struct parse_err err = {0};

	assert_int_equal(kallsyms_parse(text, strlen(text), k, &err), 0);
}

static void test_lookup_kernel_and_modules(void **state)
{
	struct kallsyms k;
	const struct ksym *s;
	uint64_t off;
	char buf[128];
	const char *mod;

	(void)state;
	parse(sample, &k);
	assert_false(k.hidden);
	/* text only, padding dropped: _stext anon_pipe_write pipe_read
	 * load_msg foo_rx_alloc foo_exit bar_probe */
	assert_int_equal(k.n, 7);

	s = kallsyms_lookup(&k, 0xffffffff816c68e0 + 0x1a7, &off);
	assert_non_null(s);
	assert_string_equal(s->name, "anon_pipe_write");
	assert_null(s->module);
	assert_int_equal(off, 0x1a7);

	/* inside the padding of foo_rx_alloc: belongs to what precedes
	 * it in text, never to a __pfx_ symbol */
	s = kallsyms_lookup(&k, 0xffffffffc0a01238, &off);
	assert_string_equal(s->name, "foo_rx_alloc");
	assert_string_equal(s->module, "foo");
	assert_int_equal(off, 8);

	mod = kallsyms_format(&k, 0xffffffffc0b00010, buf, sizeof(buf));
	assert_string_equal(buf, "bar_probe+0x10");
	assert_string_equal(mod, "bar_drv");

	mod = kallsyms_format(&k, 0xffffffff81a62bc0, buf, sizeof(buf));
	assert_string_equal(buf, "load_msg");
	assert_null(mod);

	/* below every symbol */
	assert_null(kallsyms_lookup(&k, 0x1000, &off));
	mod = kallsyms_format(&k, 0x1000, buf, sizeof(buf));
	assert_string_equal(buf, "0x1000");
	assert_null(mod);

	/* data symbols are not call sites: the address falls in the last
	 * text symbol before it */
	s = kallsyms_lookup(&k, 0xffffffff82a00000, &off);
	assert_string_equal(s->name, "load_msg");

	s = kallsyms_find(&k, "pipe_read");
	assert_non_null(s);
	assert_true(kallsyms_end(&k, s) == 0xffffffff81a62bc0);
	assert_null(kallsyms_find(&k, "nope"));
	kallsyms_release(&k);
}

static void test_hidden_addresses(void **state)
{
	struct kallsyms k;
	uint64_t off;

	(void)state;
	parse("0000000000000000 T _stext\n"
	      "0000000000000000 t anon_pipe_write\n"
	      "0000000000000000 t foo_rx_alloc\t[foo]\n",
	      &k);
	assert_true(k.hidden);
	assert_null(kallsyms_lookup(&k, 0x10, &off));
	kallsyms_release(&k);
}

static void test_same_address_prefers_kernel(void **state)
{
	struct kallsyms k;
	uint64_t off;

	(void)state;
	parse("ffffffff81000010 t zeta\t[mod]\n"
	      "ffffffff81000010 T alpha\n"
	      "ffffffff81000000 T _stext\n",
	      &k);
	assert_string_equal(kallsyms_lookup(&k, 0xffffffff81000011, &off)->name,
			    "alpha");
	assert_int_equal(off, 1);
	kallsyms_release(&k);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
	    "ffffffff81000000 T\n",	      /* no name */
	    "zzzz T foo\n",		      /* not hex */
	    "ffffffff81000000 TT foo\n",      /* type */
	    "ffffffff81000000 t foo\tfoo]\n", /* module */
	    "ffffffff81000000 t foo\t[]\n",   /* empty module */
	    "ffffffff81000000 t foo",	      /* truncated */
	    "1ffffffff810000000 t foo\n",     /* too big */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kallsyms k;
		struct parse_err err = {0};

		if (kallsyms_parse(bad[i], strlen(bad[i]), &k, &err) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_empty(void **state)
{
	struct kallsyms k;
	uint64_t off;

	(void)state;
	parse("", &k);
	assert_int_equal(k.n, 0);
	assert_false(k.hidden);
	assert_null(kallsyms_lookup(&k, 0xffffffff81000000, &off));
	kallsyms_release(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup_kernel_and_modules),
	    cmocka_unit_test(test_hidden_addresses),
	    cmocka_unit_test(test_same_address_prefers_kernel),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
