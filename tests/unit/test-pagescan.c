/* Unit tests for the page scan over a synthetic tree: the same counts
 * whatever the thread count and batch size, windows, absent count and
 * cgroup files, the end of the files, and failures. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/cgino.h"
#include "../../src/model/pagemap.h"
#include "../../src/model/pagescan.h"
#include "../../src/sources/kpageflags.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/memtally-test-pagescan-XXXXXX";
/* more than three 2^18-page split chunks, not a multiple of anything */
#define NPAGES (3 * 262144 + 4321)

static uint64_t *flags, *counts, *cgroups;

static void write_words(const char *name, const uint64_t *w, size_t n)
{
	char *p;
	int fd;

	assert_true(asprintf(&p, "%s/proc/%s", tmpdir, name) > 0);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, w, n * 8), (ssize_t)(n * 8));
	close(fd);
	free(p);
}

/* A page pattern with every feature, repeating with a period that is not
 * a power of two so blocks and compound pages land across batch and
 * split boundaries. */
static void make_tree(void)
{
	uint64_t seed = 12345;
	char *p;

	flags = calloc(NPAGES, 8);
	counts = calloc(NPAGES, 8);
	cgroups = calloc(NPAGES, 8);
	assert_non_null(flags);
	for (size_t i = 0; i < NPAGES;) {
		unsigned k;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (unsigned)(seed >> 33) % 8;
		switch (k) {
		case 0: /* a free block at its natural alignment */
			if (i % 16 == 0 && i + 16 <= NPAGES) {
				flags[i] = KPF(BUDDY);
				i += 16;
				break;
			}
			/* fall through */
		case 1:
			flags[i] = KPF(ANON) | KPF(LRU) | KPF(MMAP);
			counts[i] = 1;
			cgroups[i++] = 42;
			break;
		case 2: /* a 4-page compound page */
			if (i + 4 <= NPAGES) {
				flags[i] = KPF(SLAB) | KPF(COMPOUND_HEAD);
				for (int t = 1; t < 4; t++)
					flags[i + t] =
					    KPF(SLAB) | KPF(COMPOUND_TAIL);
				i += 4;
				break;
			}
			/* fall through */
		case 3:
			flags[i++] = KPF(LRU) | KPF(ACTIVE) | KPF(UPTODATE);
			break;
		case 4:
			flags[i++] = KPF(NOPAGE);
			break;
		case 5:
			flags[i++] = KPF(RESERVED);
			break;
		default:
			i += 1 + (seed >> 40) % 5; /* blank pages */
			break;
		}
	}
	assert_true(asprintf(&p, "%s/proc", tmpdir) > 0);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	write_words("kpageflags", flags, NPAGES);
	write_words("kpagecount", counts, NPAGES);
	write_words("kpagecgroup", cgroups, NPAGES);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	make_tree();
	return 0;
}

static int teardown(void **state)
{
	char *cmd;

	(void)state;
	if (asprintf(&cmd, "rm -rf '%s'", tmpdir) > 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		free(cmd);
	}
	free(flags);
	free(counts);
	free(cgroups);
	return 0;
}

/* The reference: the classifier over the arrays in one batch. */
static struct pageclass_counts reference(uint64_t lo, uint64_t hi,
					 bool with_extra)
{
	struct pageclass pc;
	struct pageclass_cfg cfg = {.lo = lo, .hi = hi};

	pageclass_init(&pc, &cfg);
	pageclass_feed(&pc, 0, flags, with_extra ? counts : NULL,
		       with_extra ? cgroups : NULL, NPAGES);
	pageclass_finish(&pc);
	return pc.c;
}

static void assert_counts_equal(const struct pageclass_counts *a,
				const struct pageclass_counts *b)
{
	assert_memory_equal(a->pages, b->pages, sizeof(a->pages));
	assert_memory_equal(a->attr, b->attr, sizeof(a->attr));
	assert_memory_equal(a->free_blocks, b->free_blocks,
			    sizeof(a->free_blocks));
	assert_int_equal(a->total, b->total);
}

static void test_threads_and_batches(void **state)
{
	struct pageclass_counts ref = reference(0, 0, true);
	struct root *r;
	static const unsigned threads[] = {1, 2, 3, 4, 16};
	static const size_t batches[] = {1000, 4096, 65536, 524288};

	(void)state;
	assert_int_equal(ref.total, NPAGES);
	assert_int_equal(root_open_dir(tmpdir, &r), 0);
	for (size_t t = 0; t < ELEMENTSOF(threads); t++) {
		for (size_t b = 0; b < ELEMENTSOF(batches); b++) {
			struct pagescan_opts o = {.threads = threads[t],
						  .batch_pages = batches[b]};
			struct pagescan_result res;
			struct source_err err;

			assert_int_equal(pagescan_run(r, &o, &res, &err), 0);
			assert_int_equal(res.pfn_end, NPAGES);
			assert_true(res.have_count && res.have_cgroup);
			assert_true(res.threads >= 1 && res.threads <= 4);
			assert_counts_equal(&res.c, &ref);
		}
	}
	root_free(r);
}

static void test_window(void **state)
{
	struct root *r;
	uint64_t lo = 262144 - 77, hi = 2 * 262144 + 999;
	struct pageclass_counts ref = reference(lo, hi, true);
	struct pagescan_opts o = {.lo = lo, .hi = hi, .threads = 2};
	struct pagescan_result res;
	struct source_err err;

	(void)state;
	assert_int_equal(root_open_dir(tmpdir, &r), 0);
	assert_int_equal(pagescan_run(r, &o, &res, &err), 0);
	assert_int_equal(res.c.total, hi - lo);
	assert_counts_equal(&res.c, &ref);
	/* a window past the end */
	o.lo = NPAGES;
	o.hi = 0;
	assert_int_equal(pagescan_run(r, &o, &res, &err), -EINVAL);
	assert_non_null(strstr(err.parse.msg, "past the last PFN"));
	/* a window that runs over the end is cut there */
	o.lo = NPAGES - 10;
	o.hi = NPAGES + 1000;
	assert_int_equal(pagescan_run(r, &o, &res, &err), 0);
	assert_int_equal(res.c.total, 10);
	root_free(r);
}

static void test_optional_files(void **state)
{
	struct pageclass_counts ref = reference(0, 0, false);
	struct pagescan_opts o = {.no_count = true};
	struct pagescan_result res;
	struct source_err err;
	struct root *r;
	char *p;

	(void)state;
	assert_int_equal(root_open_dir(tmpdir, &r), 0);
	/* skipped on request: the blank test ignores counts and cgroups */
	o.no_cgroup = true;
	assert_int_equal(pagescan_run(r, &o, &res, &err), 0);
	assert_false(res.have_count);
	assert_counts_equal(&res.c, &ref);
	/* absent: reported with the reason, the scan still runs */
	assert_true(asprintf(&p, "%s/proc/kpagecgroup", tmpdir) > 0);
	assert_int_equal(rename(p, "/tmp/memtally-test-pagescan-cg"), 0);
	o.no_count = o.no_cgroup = false;
	assert_int_equal(pagescan_run(r, &o, &res, &err), 0);
	assert_true(res.have_count);
	assert_false(res.have_cgroup);
	assert_int_equal(res.cgroup_err.err, -ENOENT);
	assert_non_null(strstr(res.cgroup_err.path, "proc/kpagecgroup"));
	assert_int_equal(rename("/tmp/memtally-test-pagescan-cg", p), 0);
	free(p);

	/* a count file shorter than kpageflags: refused, and said so */
	assert_true(asprintf(&p, "%s/proc/kpagecount", tmpdir) > 0);
	assert_int_equal(truncate(p, 8 * 1000 + 3), 0);
	assert_int_equal(pagescan_run(r, &o, &res, &err), -ENODATA);
	assert_non_null(strstr(err.parse.msg, "shorter than kpageflags"));
	assert_non_null(strstr(err.path, "kpagecount"));
	write_words("kpagecount", counts, NPAGES);
	free(p);
	root_free(r);

	/* no kpageflags: the scan fails and says which file */
	r = fixture_root(".");
	assert_int_equal(pagescan_run(r, &o, &res, &err), -ENOENT);
	assert_non_null(strstr(err.path, "proc/kpageflags"));
	root_free(r);
}

struct order_check {
	uint64_t next, pages;
	bool ok;
};

static void on_run(void *ctx, const struct page_run *run)
{
	struct order_check *c = ctx;

	if (run->pfn != c->next)
		c->ok = false;
	c->next = run->pfn + run->n;
	c->pages += run->n;
}

static void test_emit_in_order(void **state)
{
	struct order_check c = {.next = 1000, .ok = true};
	struct pagescan_opts o = {.lo = 1000,
				  .hi = 600000,
				  .threads = 4,
				  .batch_pages = 3000,
				  .emit = on_run,
				  .ctx = &c};
	struct pagescan_result res;
	struct source_err err;
	struct root *r;

	(void)state;
	assert_int_equal(root_open_dir(tmpdir, &r), 0);
	assert_int_equal(pagescan_run(r, &o, &res, &err), 0);
	assert_int_equal(res.threads, 1);
	assert_true(c.ok);
	assert_int_equal(c.pages, 599000);
	assert_int_equal(c.next, 600000);
	root_free(r);
}

static void test_live_end(void **state)
{
	struct root *r;
	struct source_err err;
	uint64_t end;

	(void)state;
	if (access("/proc/kpageflags", R_OK) != 0)
		skip();
	assert_int_equal(root_open_dir("/", &r), 0);
	/* probed: proc files do not say their size */
	assert_int_equal(pagescan_pfn_end(r, &end, &err), 0);
	assert_true(end > 1000);
	root_free(r);
}

static void test_parsers(void **state)
{
	uint64_t a, b;
	const char *l = "7f3f9aace000-7f3f9aad4000 rw-p 00000000 00:00 0";

	(void)state;
	assert_int_equal(pagescan_parse_range("0x100-0x200", &a, &b), 0);
	assert_int_equal(a, 0x100);
	assert_int_equal(b, 0x200);
	assert_int_equal(pagescan_parse_range("16+4", &a, &b), 0);
	assert_int_equal(a, 16);
	assert_int_equal(b, 20);
	assert_int_equal(pagescan_parse_range("7", &a, &b), 0);
	assert_int_equal(b, 8);
	assert_int_equal(pagescan_parse_range("5-5", &a, &b), -EINVAL);
	assert_int_equal(pagescan_parse_range("9-5", &a, &b), -EINVAL);
	assert_int_equal(pagescan_parse_range("x", &a, &b), -EINVAL);
	assert_int_equal(pagescan_parse_range("1+0", &a, &b), -EINVAL);
	assert_int_equal(pagescan_parse_range("-5", &a, &b), -EINVAL);
	assert_int_equal(pagescan_parse_range("", &a, &b), -EINVAL);
	assert_int_equal(pagescan_parse_range("18446744073709551615", &a, &b),
			 -EINVAL);

	assert_int_equal(pagemap_maps_range(l, strlen(l), &a, &b), 0);
	assert_int_equal(a, 0x7f3f9aace000);
	assert_int_equal(b, 0x7f3f9aad4000);
	assert_int_equal(pagemap_maps_range("Rss: 4 kB", 9, &a, &b), -EINVAL);
	assert_int_equal(pagemap_maps_range("20-10 r", 7, &a, &b), -EINVAL);
	assert_int_equal(pagemap_maps_range("", 0, &a, &b), -EINVAL);
}

static void test_cgino(void **state)
{
	struct cgino_map *m;
	char *p;

	(void)state;
	/* a hierarchy of our own: the inode of each directory is its key */
	assert_true(asprintf(&p, "%s/cg/a/b", tmpdir) > 0);
	assert_int_equal(system("true"), 0);
	{
		char *cmd;

		assert_true(
		    asprintf(&cmd, "mkdir -p '%s' '%s/cg/c'", p, tmpdir) > 0);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(p);
	assert_true(asprintf(&p, "%s/cg", tmpdir) > 0);
	assert_int_equal(cgino_map_build(p, &m), 0);
	assert_int_equal(cgino_count(m), 4);
	{
		struct stat st;
		char *q;

		assert_true(asprintf(&q, "%s/a/b", p) > 0);
		assert_int_equal(stat(q, &st), 0);
		assert_string_equal(cgino_lookup(m, st.st_ino), "/a/b");
		assert_int_equal(stat(p, &st), 0);
		assert_string_equal(cgino_lookup(m, st.st_ino), "/");
		free(q);
	}
	assert_null(cgino_lookup(m, 0));
	cgino_map_free(m);
	free(p);
	assert_int_equal(cgino_map_build("/nonexistent", &m), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_threads_and_batches),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_optional_files),
	    cmocka_unit_test(test_emit_in_order),
	    cmocka_unit_test(test_live_end),
	    cmocka_unit_test(test_parsers),
	    cmocka_unit_test(test_cgino),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
