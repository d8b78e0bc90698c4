/* Reading the kpage files and classifying every page; see pagescan.h.
 *
 * The files (fs/proc/page.c; Documentation/admin-guide/mm/pagemap.rst):
 *   /proc/kpageflags   u64 flags per PFN (CONFIG_PROC_PAGE_MONITOR)
 *   /proc/kpagecount   u64 map count per PFN (the page's _mapcount + 1,
 *                      0 for free and typed pages; was the reference
 *                      count before 6.x folio work, see pageclass.c)
 *   /proc/kpagecgroup  u64 memory cgroup inode per PFN (CONFIG_MEMCG)
 * Each covers every PFN from 0 to max_pfn, holes included (a hole reads
 * as NOPAGE, count 0). Reads must be 8-byte aligned multiples of 8; a
 * read past max_pfn returns 0 bytes. stat() says size 0 and lseek(END)
 * is refused, so the end is found by probing (pagescan_pfn_end).
 *
 * The scan, and why it is shaped so. The cost is the kernel walking its
 * page array to build the words (about 20 M PFNs/s per reader on the
 * development VM), not our loop; so the scan reads in large batches (one
 * syscall per 64 K pages; 8-byte reads are ten times slower) and splits
 * the PFN range across threads, each with its own buffers and its own
 * classifier. The split points are aligned to 2^18 pages (1 GiB with 4 KiB
 * pages) so that no free block and no compound page other than a
 * gigantic HugeTLB page straddles two threads; the partial counts are then
 * simply added. A scan with an emit callback runs on one thread so that
 * runs arrive in order.
 *
 * The scan is not atomic: pages change while it runs (a page freed after
 * its block was read, a process faulting in memory). Numbers are
 * therefore a picture smeared over the scan's fraction of a second; the
 * views say so where it matters (free --runs). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "pagescan.h"

#define SPLIT_ALIGN (UINT64_C(1) << 18)

static const char *const kpage_paths[3] = {
    "proc/kpageflags",
    "proc/kpagecount",
    "proc/kpagecgroup",
};

static void err_fill(struct root *root, const char *path, int e,
		     struct source_err *err)
{
	char *p = root_display_path(root, path);

	memset(err, 0, sizeof(*err));
	err->err = e;
	snprintf(err->path, sizeof(err->path), "%s", p);
	free(p);
}

/* Find the end by probing: grow a bound until a read there returns
 * nothing, then bisect. About 40 eight-byte reads. */
static int probe_end(struct root_file *f, uint64_t *ret)
{
	uint64_t lo = 0, hi = 1 << 16, w;
	ssize_t k;

	for (;;) {
		k = root_file_pread(f, &w, 8, hi * 8);
		if (k < 0)
			return (int)k;
		if (k == 0)
			break;
		lo = hi;
		if (hi > (UINT64_C(1) << 52))
			return -EFBIG;
		hi *= 2;
	}
	/* invariant: PFN lo - 1 readable (or lo == 0), PFN hi not */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		k = root_file_pread(f, &w, 8, mid * 8);
		if (k < 0)
			return (int)k;
		if (k == 8)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret = lo;
	return 0;
}

static int file_end(struct root_file *f, uint64_t *ret)
{
	uint64_t size;
	int r = root_file_size(f, &size);

	if (r == 0) {
		*ret = size / 8;
		return 0;
	}
	if (r != -ENODATA)
		return r;
	return probe_end(f, ret);
}

int pagescan_pfn_end(struct root *root, uint64_t *ret, struct source_err *err)
{
	struct root_file *f;
	int r;

	r = root_file_open(root, kpage_paths[0], &f);
	if (r == 0) {
		r = file_end(f, ret);
		root_file_close(f);
	}
	if (r < 0 && err)
		err_fill(root, kpage_paths[0], r, err);
	return r;
}

struct worker {
	const struct pagescan_opts *o;
	struct root_file *f[3]; /* flags, count, cgroup (NULL: absent) */
	uint64_t start, end;	/* PFNs this worker reads */
	uint64_t lo, hi;	/* the window counted */
	size_t batch;
	struct pageclass pc;
	uint64_t *done; /* shared progress counter, or NULL */
	bool report;	/* this worker calls progress */
	uint64_t total;
	int err;
	int err_file;
};

/* Read n words at pfn into buf; a short read is -ENODATA: the file ends
 * before kpageflags does (a damaged capture, or memory hot-unplugged
 * while scanning). */
static int read_words(struct root_file *f, uint64_t *buf, uint64_t pfn,
		      size_t n)
{
	ssize_t k = root_file_pread(f, buf, n * 8, pfn * 8);

	if (k < 0)
		return (int)k;
	if ((size_t)k != n * 8)
		return -ENODATA;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t *buf[3] = {NULL, NULL, NULL};
	struct pageclass_cfg cfg = {
	    .max_order = w->o->max_order,
	    .lo = w->lo,
	    .hi = w->hi,
	    .zones = w->o->zones,
	    .n_zones = w->o->n_zones,
	    .ram = w->o->ram,
	    .n_ram = w->o->n_ram,
	    .emit = w->o->emit,
	    .emit_block = w->o->emit_block,
	    .ctx = w->o->ctx,
	};

	pageclass_init(&w->pc, &cfg);
	for (int i = 0; i < 3; i++)
		if (w->f[i])
			buf[i] = xmalloc(w->batch * 8);
	for (uint64_t p = w->start; p < w->end; p += w->batch) {
		size_t n =
		    (size_t)(w->end - p < w->batch ? w->end - p : w->batch);

		for (int i = 0; i < 3; i++) {
			int r;

			if (!w->f[i])
				continue;
			r = read_words(w->f[i], buf[i], p, n);
			if (r < 0) {
				w->err = r;
				w->err_file = i;
				goto out;
			}
		}
		pageclass_feed(&w->pc, p, buf[0], buf[1], buf[2], n);
		if (w->done) {
			uint64_t d =
			    __atomic_add_fetch(w->done, n, __ATOMIC_RELAXED);

			if (w->report && w->o->progress)
				w->o->progress(w->o->ctx, d, w->total);
		}
	}
	pageclass_finish(&w->pc);
out:
	for (int i = 0; i < 3; i++)
		free(buf[i]);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 4 ? 4 : (unsigned)n;
}

int pagescan_run(struct root *root, const struct pagescan_opts *o,
		 struct pagescan_result *ret, struct source_err *err)
{
	struct pagescan_result res = {0};
	struct root_file *f[3] = {NULL, NULL, NULL};
	struct worker *w = NULL;
	pthread_t tid[PAGESCAN_THREADS_MAX];
	uint64_t end, start, span, done = 0;
	unsigned nt;
	double t0 = now();
	int r;

	r = root_file_open(root, kpage_paths[0], &f[0]);
	if (r < 0) {
		err_fill(root, kpage_paths[0], r, err);
		return r;
	}
	r = file_end(f[0], &end);
	if (r < 0) {
		err_fill(root, kpage_paths[0], r, err);
		goto out;
	}
	res.pfn_end = end;
	if (end == 0) {
		err_fill(root, kpage_paths[0], -ENODATA, err);
		snprintf(err->parse.msg, sizeof(err->parse.msg), "is empty");
		r = -ENODATA;
		goto out;
	}
	res.lo = o->lo;
	res.hi = o->hi && o->hi < end ? o->hi : end;
	if (res.lo >= res.hi) {
		err_fill(root, kpage_paths[0], -EINVAL, err);
		snprintf(err->parse.msg, sizeof(err->parse.msg),
			 "PFN window starts at %#llx, past the last PFN %#llx",
			 (unsigned long long)res.lo,
			 (unsigned long long)(end ? end - 1 : 0));
		r = -EINVAL;
		goto out;
	}
	for (int i = 1; i < 3; i++) {
		struct source_err *e =
		    i == 1 ? &res.count_err : &res.cgroup_err;

		if ((i == 1 && o->no_count) || (i == 2 && o->no_cgroup))
			continue;
		r = root_file_open(root, kpage_paths[i], &f[i]);
		if (r < 0) {
			err_fill(root, kpage_paths[i], r, e);
			f[i] = NULL;
		}
	}
	r = 0;
	res.have_count = f[1] != NULL;
	res.have_cgroup = f[2] != NULL;
	res.batch_pages =
	    o->batch_pages ? o->batch_pages : PAGESCAN_BATCH_DEFAULT;

	/* start a little before the window, at an aligned PFN, so that a
	 * compound page or free block cut by the window is still seen
	 * whole; only the window is counted */
	start = res.lo & ~(SPLIT_ALIGN - 1);
	span = res.hi - start;
	nt = o->threads ? o->threads : default_threads();
	if (nt > PAGESCAN_THREADS_MAX)
		nt = PAGESCAN_THREADS_MAX;
	if (o->emit || o->emit_block)
		nt = 1;
	/* no thread gets less than one aligned chunk */
	if ((uint64_t)nt > (span + SPLIT_ALIGN - 1) / SPLIT_ALIGN)
		nt = (unsigned)((span + SPLIT_ALIGN - 1) / SPLIT_ALIGN);
	if (nt == 0)
		nt = 1;
	res.threads = nt;

	w = xcalloc(nt, sizeof(*w));
	for (unsigned t = 0; t < nt; t++) {
		uint64_t chunk = span / nt;

		w[t].o = o;
		memcpy(w[t].f, f, sizeof(f));
		w[t].start = start + chunk * t;
		w[t].start &= ~(SPLIT_ALIGN - 1);
		if (t == 0)
			w[t].start = start;
		w[t].lo = res.lo;
		w[t].hi = res.hi;
		w[t].batch = res.batch_pages;
		w[t].done = &done;
		w[t].report = t == 0;
		w[t].total = span;
	}
	for (unsigned t = 0; t < nt; t++)
		w[t].end = t + 1 < nt ? w[t + 1].start : res.hi;

	if (nt == 1) {
		worker_main(&w[0]);
	} else {
		unsigned started = 0;

		for (; started < nt; started++)
			if (pthread_create(&tid[started], NULL, worker_main,
					   &w[started]) != 0)
				break;
		/* run what could not get a thread here */
		for (unsigned t = started; t < nt; t++)
			worker_main(&w[t]);
		for (unsigned t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
	}
	for (unsigned t = 0; t < nt; t++) {
		if (w[t].err < 0) {
			r = w[t].err;
			err_fill(root, kpage_paths[w[t].err_file], r, err);
			if (r == -ENODATA)
				snprintf(err->parse.msg, sizeof(err->parse.msg),
					 "is shorter than kpageflags (which "
					 "covers PFNs 0-%#llx)",
					 (unsigned long long)(res.pfn_end - 1));
			goto out;
		}
		pageclass_counts_add(&res.c, &w[t].pc.c);
	}
	res.seconds = now() - t0;
	*ret = res;
out:
	free(w);
	for (int i = 0; i < 3; i++)
		root_file_close(f[i]);
	return r;
}

static int parse_num(const char *p, size_t len, uint64_t *ret)
{
	struct span s = {p, len};

	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return span_x64(s, ret);
	return span_u64(s, ret);
}

int pagescan_parse_range(const char *s, uint64_t *ret_lo, uint64_t *ret_hi)
{
	const char *sep = strpbrk(s, "-+");
	uint64_t a, b;

	if (!sep) {
		if (parse_num(s, strlen(s), &a) < 0 || a == UINT64_MAX)
			return -EINVAL;
		*ret_lo = a;
		*ret_hi = a + 1;
		return 0;
	}
	if (parse_num(s, (size_t)(sep - s), &a) < 0 ||
	    parse_num(sep + 1, strlen(sep + 1), &b) < 0)
		return -EINVAL;
	if (*sep == '+') {
		if (b == 0 || b > UINT64_MAX - a)
			return -EINVAL;
		b += a;
	}
	if (b <= a)
		return -EINVAL;
	*ret_lo = a;
	*ret_hi = b;
	return 0;
}
