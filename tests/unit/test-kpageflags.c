/* Unit tests for kpageflags names, symbolic printing and flag
 * expressions ("anon,~lru", "slab|pgtable", "=buddy"). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/kpageflags.h"

static void test_names(void **state)
{
	char buf[512];

	(void)state;
	assert_string_equal(kpf_name(KPF_ANON), "anonymous");
	assert_int_equal(kpf_letter(KPF_ANON), 'a');
	assert_string_equal(kpf_name(KPF_PGTABLE), "pgtable");
	assert_null(kpf_name(30));
	assert_null(kpf_name(64));
	assert_int_equal(kpf_lookup("anon", 4), KPF_ANON);
	assert_int_equal(kpf_lookup("ANONYMOUS", 9), KPF_ANON);
	assert_int_equal(kpf_lookup("lru", 3), KPF_LRU);
	assert_int_equal(kpf_lookup("lr", 2), -1);
	assert_int_equal(kpf_lookup("mlocked", 7), KPF_MLOCKED);
	assert_string_equal(
	    kpf_format(KPF(ANON) | KPF(LRU) | KPF(RESERVED), buf, sizeof(buf)),
	    "lru,anonymous,reserved");
	assert_string_equal(kpf_format(0, buf, sizeof(buf)), "");
	assert_string_equal(kpf_format(UINT64_C(1) << 30, buf, sizeof(buf)),
			    "bit30");
	/* truncation keeps a whole name or none */
	kpf_format(KPF(ANON) | KPF(LRU), buf, 8);
	assert_string_equal(buf, "lru");
	kpf_letters(KPF(LOCKED) | KPF(BUDDY), buf, sizeof(buf));
	assert_int_equal(buf[0], 'L');
	assert_int_equal(buf[1], '_');
	assert_int_equal(buf[10], 'B');
	/* every named bit has a letter and round-trips through lookup */
	for (unsigned b = 0; b < 64; b++) {
		const char *n = kpf_name(b);

		if (!n)
			continue;
		assert_true(kpf_letter(b) != 0);
		assert_int_equal(kpf_lookup(n, strlen(n)), (int)b);
	}
}

static void test_expand(void **state)
{
	(void)state;
	assert_int_equal(kpf_expand(KPF(ANON) | KPF(OWNER_2)),
			 KPF(ANON) | KPF(ANON_EXCLUSIVE));
	assert_int_equal(kpf_expand(KPF(OWNER_2)), KPF(OWNER_2));
	assert_int_equal(kpf_expand(KPF(SLAB) | KPF(ACTIVE) | KPF(ERROR)),
			 KPF(SLAB) | KPF(SLUB_FROZEN) | KPF(SLUB_DEBUG));
	assert_int_equal(kpf_expand(KPF(RECLAIM)), KPF(READAHEAD));
	assert_int_equal(kpf_expand(KPF(RECLAIM) | KPF(WRITEBACK)),
			 KPF(RECLAIM) | KPF(WRITEBACK));
}

static struct kpf_expr parse(const char *s)
{
	struct kpf_expr e;
	struct parse_err err = {0};

	if (kpf_expr_parse(s, &e, &err) != 0)
		fail_msg("'%s': %s", s, err.msg);
	return e;
}

static void test_expr(void **state)
{
	struct kpf_expr e;
	struct parse_err err;

	(void)state;
	e = parse("anon,~lru");
	assert_true(kpf_expr_match(&e, KPF(ANON)));
	assert_true(kpf_expr_match(&e, KPF(ANON) | KPF(DIRTY)));
	assert_false(kpf_expr_match(&e, KPF(ANON) | KPF(LRU)));
	assert_false(kpf_expr_match(&e, KPF(LRU)));
	assert_false(kpf_expr_match(&e, 0));

	e = parse("slab|pgtable");
	assert_true(kpf_expr_match(&e, KPF(SLAB)));
	assert_true(kpf_expr_match(&e, KPF(PGTABLE)));
	assert_false(kpf_expr_match(&e, KPF(ANON)));

	e = parse("slab|pgtable,~compound_head");
	assert_true(kpf_expr_match(&e, KPF(SLAB)));
	assert_false(kpf_expr_match(&e, KPF(SLAB) | KPF(COMPOUND_HEAD)));

	e = parse("=buddy");
	assert_true(kpf_expr_match(&e, KPF(BUDDY)));
	assert_false(kpf_expr_match(&e, KPF(BUDDY) | KPF(RESERVED)));

	e = parse("=anon,lru");
	assert_true(kpf_expr_match(&e, KPF(ANON) | KPF(LRU)));
	assert_false(kpf_expr_match(&e, KPF(ANON)));

	e = parse("~nopage");
	assert_true(kpf_expr_match(&e, 0));
	assert_false(kpf_expr_match(&e, KPF(NOPAGE)));

	assert_int_equal(kpf_expr_parse("anon,bogus", &e, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "bogus"));
	assert_int_equal(kpf_expr_parse("", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse("anon,", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse(",anon", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse("~", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse("a|", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse("~slab|lru", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse("=~slab", &e, &err), -EINVAL);
	assert_int_equal(kpf_expr_parse("lru,lru,lru,lru,lru,lru,lru,lru,lru,"
					"lru,lru,lru,lru,lru,lru,lru",
					&e, &err),
			 0);
	assert_int_equal(kpf_expr_parse("lru,lru,lru,lru,lru,lru,lru,lru,lru,"
					"lru,lru,lru,lru,lru,lru,lru,lru",
					&e, &err),
			 -EINVAL);
	assert_int_equal(kpf_expr_parse(NULL, &e, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_expr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
