/* Unit tests for the Prometheus exposition: families in order, label
 * escaping, pool and free-list labels, source_up, and a page that
 * promtool-style parsing would accept (one TYPE per family, no blank
 * names), and the owner family's bounded label sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/basic/xalloc.h"
#include "../../src/model/ownerset.h"
#include "../../src/output/prom.h"

static void test_escape(void **state)
{
	char buf[64];

	(void)state;
	prom_escape("a\"b\\c\nd", buf, sizeof(buf));
	assert_string_equal(buf, "a\\\"b\\\\c\\nd");
	/* never overflows, always terminated */
	prom_escape("\"\"\"\"\"\"\"\"", buf, 6);
	assert_true(strlen(buf) < 6);
}

static void test_render(void **state)
{
	struct series_set s = {0};
	struct prom_buf b = {0};
	struct snapshot snap = {0};

	(void)state;
	series_add(&s, "category", "free", 1000, "free", NULL);
	series_add(&s, "category", "unaccounted", -4096, "unknown", NULL);
	series_add(&s, "meminfo", "total", 8192, NULL, NULL);
	series_add(&s, "meminfo", "available", 4096, NULL, NULL);
	series_add(&s, "pool", "slab/kmalloc-64", 65536, "pinned", NULL);
	series_add(&s, "pool", "vmalloc/f+0x1/0x2 [mod\"x]", 4096, "pinned",
		   NULL);
	series_add(&s, "pool_other", "slab/unreclaimable", 123, "pinned", NULL);
	series_add(&s, "free", "0/Normal/3", 32768, "free", NULL);
	snap.asked = SRC_BIT(SRC_MEMINFO);
	snap.data[SRC_MEMINFO] = (void *)1; /* only tested for NULL */
	prom_render(&s, &snap, 0.001, &b);
	snap.data[SRC_MEMINFO] = NULL;
	assert_non_null(b.p);
	assert_non_null(strstr(
	    b.p, "# TYPE memtally_usage_bytes gauge\n"
		 "memtally_usage_bytes{category=\"free\",reclaim=\"free\"} "
		 "1000\n"));
	assert_non_null(strstr(b.p, "category=\"unaccounted\",reclaim="
				    "\"unknown\"} -4096\n"));
	assert_non_null(strstr(b.p, "memtally_memory_total_bytes 8192\n"));
	assert_non_null(strstr(b.p, "memtally_memory_available_bytes 4096\n"));
	assert_non_null(strstr(b.p, "memtally_pool_bytes{source=\"slab\","
				    "tag=\"kmalloc-64\",type="
				    "\"unreclaimable\"} 65536\n"));
	/* the tag keeps its own slashes; quotes escaped */
	assert_non_null(strstr(b.p, "tag=\"f+0x1/0x2 [mod\\\"x]\""));
	assert_non_null(strstr(b.p, "memtally_pool_other_bytes{source="
				    "\"slab\",type=\"unreclaimable\"} 123\n"));
	assert_non_null(strstr(b.p, "memtally_free_bytes{node=\"0\",zone="
				    "\"Normal\",order=\"3\"} 32768\n"));
	assert_non_null(strstr(b.p, "memtally_source_up{source=\"meminfo\"} "
				    "1\n"));
	assert_non_null(strstr(b.p, "memtally_scrape_duration_seconds "));
	/* each family's TYPE line appears once */
	{
		const char *p = b.p;
		int n = 0;

		while ((p = strstr(p, "# TYPE memtally_usage_bytes "))) {
			n++;
			p++;
		}
		assert_int_equal(n, 1);
	}
	prom_buf_release(&b);
	series_set_release(&s);
}

/* Owner series from an owner set: the top N holders per kind, labelled
 * kind, pid and comm (escaped), objects nobody holds with pid "". */
static void test_owners(void **state)
{
	struct owner_set os;
	struct series_set s = {0};
	struct prom_buf b = {0};
	struct owner_obj *o;

	(void)state;
	owner_set_init(&os);
	for (int i = 0; i < 3; i++) {
		o = owner_set_obj(&os, OWN_PIPE, 100 + (uint64_t)i);
		o->object = xstrdup("pipe");
		o->bytes = 4096 * (uint64_t)(i + 1);
		owner_obj_add_holder(o, 10 + i);
	}
	o = owner_set_obj(&os, OWN_SYSV_SHM, 7);
	o->object = xstrdup("shmid 7");
	o->bytes = 1 << 20;
	owner_set_proc(&os, 10, "a", NULL);
	owner_set_proc(&os, 11, "b", NULL);
	owner_set_proc(&os, 12, "c\"d", "/x.slice");
	owner_set_finish(&os);
	series_add_owners(&s, &os, 2);
	prom_render(&s, NULL, -1, &b);
	assert_non_null(b.p);
	assert_non_null(strstr(b.p, "# TYPE memtally_owner_bytes gauge\n"));
	assert_non_null(strstr(b.p,
			       "memtally_owner_bytes{kind=\"pipe\",pid=\"12\","
			       "comm=\"c\\\"d\"} 12288\n"));
	assert_non_null(strstr(b.p, "memtally_owner_bytes{kind=\"pipe\",pid="
				    "\"11\",comm=\"b\"} 8192\n"));
	/* top 2: the smallest holder is left out */
	assert_null(strstr(b.p, "pid=\"10\""));
	assert_non_null(
	    strstr(b.p, "memtally_owner_bytes{kind=\"sysv-shm\",pid=\"\","
			"comm=\"\"} 1048576\n"));
	prom_buf_release(&b);
	series_set_release(&s);
	owner_set_release(&os);
}

static void test_empty(void **state)
{
	struct series_set s = {0};
	struct prom_buf b = {0};

	(void)state;
	prom_render(&s, NULL, -1, &b);
	assert_int_equal(b.len, 0);
	prom_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_owners),
	    cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
