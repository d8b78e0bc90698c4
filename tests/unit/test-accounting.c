/* Unit tests for accounting to 100%: the categories sum to MemTotal
 * exactly on every captured meminfo, each category takes the right
 * fields, missing fields are named, a negative remainder stays negative,
 * and the verdict points where it should. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/accounting.h"
#include "testutil.h"

#define KB(x) ((uint64_t)(x)*1024)

static int64_t sum(const struct accounting *a)
{
	int64_t s = 0;

	for (int c = 0; c < _ACCT_MAX; c++)
		if (a->present[c])
			s += a->bytes[c];
	return s;
}

static void parse(const char *text, struct meminfo *mi)
{
	assert_int_equal(meminfo_parse(text, strlen(text), mi, NULL), 0);
}

static void test_sums_on_every_fixture(void **state)
{
	struct fixture_iter it = {0};
	size_t tried = 0;

	(void)state;
	while (fixture_next(&it, "proc/meminfo")) {
		struct meminfo mi;
		struct accounting a;
		assert_int_equal(meminfo_parse(it.buf, it.len, &mi, NULL), 0);
		assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
		assert_int_equal(sum(&a), (int64_t)a.total);
		assert_true(a.present[ACCT_UNACCOUNTED]);
		tried++;
		meminfo_release(&mi);
	}
	assert_true(tried >= 1);
}

static const char *full = "MemTotal:       1000000 kB\n"
			  "MemFree:         400000 kB\n"
			  "MemAvailable:    600000 kB\n"
			  "Buffers:          10000 kB\n"
			  "Cached:          200000 kB\n"
			  "SwapCached:        1000 kB\n"
			  "Active(anon):     50000 kB\n"
			  "Inactive(anon):   80000 kB\n"
			  "Active(file):    100000 kB\n"
			  "Inactive(file):  110000 kB\n"
			  "Unevictable:       3000 kB\n"
			  "Mlocked:           2000 kB\n"
			  "Dirty:              500 kB\n"
			  "Writeback:          100 kB\n"
			  "AnonPages:       100000 kB\n"
			  "Shmem:            30000 kB\n"
			  "KReclaimable:     45000 kB\n"
			  "Slab:             60000 kB\n"
			  "SReclaimable:     40000 kB\n"
			  "SUnreclaim:       20000 kB\n"
			  "KernelStack:       5000 kB\n"
			  "PageTables:        6000 kB\n"
			  "SecPageTables:        0 kB\n"
			  "VmallocUsed:      15000 kB\n"
			  "Percpu:            2000 kB\n"
			  "HugePages_Total:      2\n"
			  "Hugepagesize:      2048 kB\n"
			  "Hugetlb:           4096 kB\n";

static void test_categories(void **state)
{
	struct meminfo mi;
	struct accounting a;
	int64_t known;

	(void)state;
	parse(full, &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_int_equal(a.bytes[ACCT_FREE], KB(400000));
	assert_int_equal(a.bytes[ACCT_PAGE_CACHE], KB(200000 - 30000));
	assert_int_equal(a.bytes[ACCT_SHMEM], KB(30000));
	assert_int_equal(a.bytes[ACCT_ANON], KB(100000));
	assert_int_equal(a.bytes[ACCT_KERNEL_RECLAIMABLE_OTHER], KB(5000));
	assert_int_equal(a.bytes[ACCT_HUGETLB], KB(4096));
	assert_false(a.present[ACCT_ZSWAP]);
	assert_false(a.present[ACCT_GPU_ACTIVE]);
	known = (int64_t)KB(400000 + 170000 + 30000 + 100000 + 10000 + 1000 +
			    40000 + 20000 + 5000 + 5000 + 6000 + 0 + 15000 +
			    2000 + 4096);
	assert_int_equal(a.bytes[ACCT_UNACCOUNTED],
			 (int64_t)KB(1000000) - known);
	assert_int_equal(sum(&a), (int64_t)KB(1000000));
	assert_int_equal(a.lists.dirty, KB(500));
	assert_int_equal(a.n_missing, 0);
	/* vmalloc'd stacks are taken out of vmalloc, into the remainder's
	 * favour, and the sum still holds */
	assert_int_equal(accounting_compute(&mi, KB(4000), &a), 0);
	assert_int_equal(a.bytes[ACCT_VMALLOC], KB(11000));
	assert_int_equal(sum(&a), (int64_t)KB(1000000));
	meminfo_release(&mi);
}

static void test_old_kernel_fields_missing(void **state)
{
	struct meminfo mi;
	struct accounting a;

	(void)state;
	/* a 2.6-era meminfo: no SReclaimable, Percpu, KReclaimable */
	parse("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\n"
	      "Cached: 100 kB\nSwapCached: 0 kB\nAnonPages: 50 kB\n"
	      "Slab: 30 kB\nPageTables: 5 kB\nVmallocUsed: 1 kB\n",
	      &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_true(a.present[ACCT_SLAB_UNRECLAIMABLE]);
	assert_int_equal(a.bytes[ACCT_SLAB_UNRECLAIMABLE], KB(30));
	assert_false(a.present[ACCT_PERCPU]);
	assert_false(a.present[ACCT_SHMEM]);
	/* Cached cannot be split without Shmem: taken whole */
	assert_int_equal(a.bytes[ACCT_PAGE_CACHE], KB(100));
	assert_true(a.n_missing >= 3);
	assert_int_equal(sum(&a), (int64_t)KB(1000));
	meminfo_release(&mi);
	/* no MemFree: not something we can account */
	parse("MemTotal: 1000 kB\n", &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), -EINVAL);
	meminfo_release(&mi);
}

static void test_negative_remainder(void **state)
{
	struct meminfo mi;
	struct accounting a;

	(void)state;
	parse("MemTotal: 100 kB\nMemFree: 90 kB\nAnonPages: 20 kB\n", &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_int_equal(a.bytes[ACCT_UNACCOUNTED], -(int64_t)KB(10));
	assert_int_equal(sum(&a), (int64_t)KB(100));
	meminfo_release(&mi);
}

static void test_verdicts(void **state)
{
	struct meminfo mi;
	struct accounting a;
	char v[512];

	(void)state;
	/* 30% unaccounted */
	parse("MemTotal: 1000 kB\nMemFree: 600 kB\nAnonPages: 100 kB\n", &mi);
	accounting_compute(&mi, VAL_ABSENT, &a);
	accounting_verdict(&a, v, sizeof(v));
	assert_non_null(strstr(v, "unaccounted"));
	meminfo_release(&mi);
	/* 20% in SUnreclaim */
	parse("MemTotal: 1000 kB\nMemFree: 700 kB\nAnonPages: 100 kB\n"
	      "SReclaimable: 0 kB\nSUnreclaim: 200 kB\n",
	      &mi);
	accounting_compute(&mi, VAL_ABSENT, &a);
	accounting_verdict(&a, v, sizeof(v));
	assert_non_null(strstr(v, "unreclaimable slab"));
	assert_non_null(strstr(v, "memtally pools"));
	meminfo_release(&mi);
	/* busy with anonymous memory */
	parse("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 150 kB\n"
	      "AnonPages: 850 kB\nSReclaimable: 25 kB\nSUnreclaim: 25 kB\n",
	      &mi);
	accounting_compute(&mi, VAL_ABSENT, &a);
	assert_int_equal(a.biggest, ACCT_ANON);
	accounting_verdict(&a, v, sizeof(v));
	assert_non_null(strstr(v, "anonymous"));
	assert_non_null(strstr(v, "available"));
	meminfo_release(&mi);
}

static void test_pcp(void **state)
{
	struct meminfo mi;
	struct accounting a;
	int64_t before;

	(void)state;
	parse(full, &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	before = a.bytes[ACCT_UNACCOUNTED];
	accounting_add_pcp(&a, KB(1000));
	assert_true(a.present[ACCT_FREE_PCP]);
	assert_int_equal(a.bytes[ACCT_FREE_PCP], KB(1000));
	assert_int_equal(a.bytes[ACCT_UNACCOUNTED], before - (int64_t)KB(1000));
	assert_int_equal(sum(&a), (int64_t)KB(1000000));
	/* once only, and absent means nothing */
	accounting_add_pcp(&a, KB(1000));
	assert_int_equal(sum(&a), (int64_t)KB(1000000));
	accounting_compute(&mi, VAL_ABSENT, &a);
	accounting_add_pcp(&a, VAL_ABSENT);
	assert_false(a.present[ACCT_FREE_PCP]);
	meminfo_release(&mi);
}

static void test_vmalloc_stacks(void **state)
{
	const char *text =
	    "0x0000000000000000-0x0000000000000000   20480 "
	    "kernel_clone+0x9a/0x3b0 pages=4 vmalloc N0=4\n"
	    "0x0000000000000000-0x0000000000000000   20480 "
	    "dup_task_struct+0x4a/0x1b0 pages=4 vmalloc N0=4\n"
	    "0x0000000000000000-0x0000000000000000   20480 "
	    "irq_init_percpu_irqstack+0x12c/0x1c0 pages=4 vmalloc N0=4\n"
	    "0x0000000000000000-0x0000000000000000   20480 "
	    "kernel_clone+0x9a/0x3b0 [fakemod] pages=4 vmalloc N0=4\n"
	    "0x0000000000000000-0x0000000000000000    8192 unpurged vm_area\n";
	struct vmallocinfo vi;

	(void)state;
	assert_int_equal(vmallocinfo_parse(text, strlen(text), &vi, NULL), 0);
	/* two task stacks of 4 pages; the IRQ stack and the module's area
	 * are not task stacks */
	assert_int_equal(accounting_vmalloc_stacks(&vi, VAL_ABSENT), 8 * 4096);
	/* never more than KernelStack says */
	assert_int_equal(accounting_vmalloc_stacks(&vi, 16384), 16384);
	assert_int_equal(accounting_vmalloc_stacks(NULL, 16384), VAL_ABSENT);
	vmallocinfo_release(&vi);
}

/* Every present category within [0, MemTotal]; the remainder no further
 * below zero than counter skew explains. */
static void assert_sane(const struct accounting *a)
{
	for (int c = 0; c < _ACCT_MAX; c++) {
		if (!a->present[c])
			continue;
		if (c == ACCT_UNACCOUNTED) {
			assert_true(a->bytes[c] >= -(int64_t)(a->total / 8));
			continue;
		}
		assert_true(a->bytes[c] >= 0);
		assert_true((uint64_t)a->bytes[c] <= a->total);
	}
}

static bool has_note(const struct accounting *a, const char *what)
{
	for (size_t i = 0; i < a->n_notes; i++)
		if (strstr(a->notes[i], what))
			return true;
	return false;
}

static void test_cached_below_shmem(void **state)
{
	struct meminfo mi;
	struct accounting a;

	(void)state;
	/* issue 12 item 8: "Cached: 0 kB" printed page cache -778 MiB */
	parse("MemTotal: 1000000 kB\nMemFree: 400000 kB\nCached: 0 kB\n"
	      "Shmem: 30000 kB\nAnonPages: 100000 kB\n",
	      &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_false(a.present[ACCT_PAGE_CACHE]);
	assert_true(a.present[ACCT_SHMEM]);
	assert_true(has_note(&a, "Cached is less than Shmem"));
	assert_sane(&a);
	assert_int_equal(sum(&a), (int64_t)KB(1000000));
	meminfo_release(&mi);
}

static void test_cut_before_shmem(void **state)
{
	struct meminfo mi;
	struct accounting a;

	(void)state;
	/* cut before Shmem: page cache holds shmem, and the notes say so
	 * instead of "counted in unaccounted" */
	parse("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\n"
	      "Cached: 300 kB\nSwapCached: 0 kB\nAnonPages: 50 kB\n",
	      &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_int_equal(a.bytes[ACCT_PAGE_CACHE], KB(300));
	for (size_t i = 0; i < a.n_missing; i++)
		assert_string_not_equal(a.missing[i], "Shmem");
	assert_true(has_note(&a, "does not report Shmem"));
	assert_sane(&a);
	meminfo_release(&mi);
}

static void test_huge_values(void **state)
{
	/* every value 2^52 kB (2^62 bytes): UBSan saw a signed overflow */
	static const char *const names[] = {
	    "MemTotal",	    "MemFree",	  "MemAvailable", "Buffers",
	    "Cached",	    "SwapCached", "AnonPages",	  "Shmem",
	    "KReclaimable", "Slab",	  "SReclaimable", "SUnreclaim",
	    "KernelStack",  "PageTables", "VmallocUsed",  "Percpu",
	    "Hugetlb",	    "Zswap",	  "Bounce",	  "Unaccepted",
	};
	char buf[2048];
	size_t len = 0;
	struct meminfo mi;
	struct accounting a;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%s: 4503599627370496 kB\n", names[i]);
	parse(buf, &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), -ERANGE);
	meminfo_release(&mi);

	/* a sane MemTotal with absurd fields: those fields are left out */
	len = (size_t)snprintf(buf, sizeof(buf),
			       "MemTotal: 1000000 kB\nMemFree: 1000 kB\n");
	for (size_t i = 2; i < ELEMENTSOF(names); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%s: 4503599627370496 kB\n", names[i]);
	parse(buf, &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_false(a.present[ACCT_ANON]);
	assert_false(a.present[ACCT_VMALLOC]);
	assert_true(has_note(&a, "larger than MemTotal"));
	assert_sane(&a);
	accounting_add_pcp(&a, UINT64_MAX - 1);
	assert_false(a.present[ACCT_FREE_PCP]);
	assert_sane(&a);
	meminfo_release(&mi);

	/* HugePages_Total x Hugepagesize overflows 64 bits */
	parse("MemTotal: 1000 kB\nMemFree: 100 kB\n"
	      "HugePages_Total: 18446744073709551\nHugepagesize: 2048 kB\n",
	      &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_false(a.present[ACCT_HUGETLB]);
	assert_sane(&a);
	meminfo_release(&mi);
}

static void test_overcommitted_categories(void **state)
{
	struct meminfo mi;
	struct accounting a;

	(void)state;
	/* each field fits, together they claim twice MemTotal: the
	 * remainder would be -MemTotal, which no skew explains */
	parse("MemTotal: 1000 kB\nMemFree: 1000 kB\nAnonPages: 1000 kB\n", &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	assert_false(a.present[ACCT_UNACCOUNTED]);
	assert_true(has_note(&a, "more than MemTotal"));
	assert_sane(&a);
	meminfo_release(&mi);
}

static void test_pcp_unknown_noted(void **state)
{
	struct meminfo mi;
	struct accounting a;

	(void)state;
	/* issue 12 item 8: a missing zoneinfo moved the per-CPU free pages
	 * into unaccounted without a note */
	parse(full, &mi);
	assert_int_equal(accounting_compute(&mi, VAL_ABSENT, &a), 0);
	accounting_add_pcp(&a, accounting_pcp_bytes(NULL, 4096));
	assert_false(a.present[ACCT_FREE_PCP]);
	assert_true(has_note(&a, "per-CPU free lists are unknown"));
	meminfo_release(&mi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sums_on_every_fixture),
	    cmocka_unit_test(test_categories),
	    cmocka_unit_test(test_old_kernel_fields_missing),
	    cmocka_unit_test(test_negative_remainder),
	    cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_vmalloc_stacks),
	    cmocka_unit_test(test_pcp),
	    cmocka_unit_test(test_cached_below_shmem),
	    cmocka_unit_test(test_cut_before_shmem),
	    cmocka_unit_test(test_huge_values),
	    cmocka_unit_test(test_overcommitted_categories),
	    cmocka_unit_test(test_pcp_unknown_noted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
