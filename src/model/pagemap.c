/* Collecting the processes that map physical pages; see pagemap.h.
 *
 * For each process: read /proc/PID/smaps for its ranges, open
 * /proc/PID/pagemap, and read the entries of each range that has resident
 * pages (its Rss line is not 0) in batches of 64 K pages (512 KiB),
 * keeping present entries whose PFN is in the window. Skipping empty
 * ranges matters: runtimes reserve terabytes of address space (PROT_NONE
 * arenas), and reading their pagemap entries took 17 s for one view.
 * (PAGEMAP_SCAN, 6.7+, would find present ranges in one ioctl.) [vsyscall] is
 * skipped (it is above the user address space and pagemap refuses it on some
 * kernels). Everything goes through the root seam, so a captured tree with
 * pagemaps works too (snapshots carry none).
 *
 * A process can exit at any point: a failed read of its maps or pagemap
 * skips it and counts it. If the only present entries of every process
 * read have PFN 0, the caller lacks CAP_SYS_ADMIN (the kernel zeroes the
 * PFNs then) and the collection says -EPERM rather than return nothing. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "pagemap.h"

#define PM_PRESENT (UINT64_C(1) << 63)
#define PM_FILE (UINT64_C(1) << 61)
#define PM_EXCL (UINT64_C(1) << 56)
#define PM_PFN_MASK ((UINT64_C(1) << 55) - 1)
#define PM_BATCH 65536

/* PAGEMAP_SCAN (include/uapi/linux/fs.h, 6.7): the present ranges of an
 * address range in one call, walking only populated page tables. Debian
 * 12's headers predate it, so the ABI is spelled out here. */
struct mt_page_region {
	uint64_t start, end, categories;
};

struct mt_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask;
	uint64_t return_mask;
};

#define MT_PAGEMAP_SCAN _IOWR('f', 16, struct mt_pm_scan_arg)
#define MT_PAGE_IS_PRESENT (1u << 3)
#define SCAN_REGIONS 256

struct walk {
	struct root_file *pm;
	uint64_t *buf;
	uint64_t lo, hi;
	int pid;
	bool scan_ok; /* PAGEMAP_SCAN works here */
	uint64_t page_size;
	bool *present, *nonzero;
	struct pfn_owners *o;
};

/* Read the pagemap entries of [start, end) (bytes) and keep the present
 * ones in the window. */
static int read_entries(struct walk *w, uint64_t start, uint64_t end)
{
	const uint64_t ps = w->page_size;

	for (uint64_t v = start / ps; v < end / ps;) {
		size_t n =
		    (size_t)(end / ps - v < PM_BATCH ? end / ps - v : PM_BATCH);
		ssize_t k = root_file_pread(w->pm, w->buf, n * 8, v * 8);

		if (k < 0)
			return (int)k;
		n = (size_t)k / 8;
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			uint64_t e = w->buf[i], pfn;
			struct pfn_owners *o = w->o;

			if (!(e & PM_PRESENT))
				continue;
			*w->present = true;
			pfn = e & PM_PFN_MASK;
			if (pfn)
				*w->nonzero = true;
			if (pfn < w->lo || pfn >= w->hi || pfn == 0)
				continue;
			o->v = xgrow(o->v, &o->alloc, o->n + 1, sizeof(*o->v));
			o->v[o->n].pfn = pfn;
			o->v[o->n].vaddr = (v + i) * ps;
			o->v[o->n].pid = w->pid;
			o->v[o->n].flags =
			    (e & PM_FILE ? PM_OWNER_FILE : 0) |
			    (e & PM_EXCL ? PM_OWNER_EXCLUSIVE : 0);
			o->n++;
		}
		v += n;
	}
	return 0;
}

/* A range with resident pages: ask PAGEMAP_SCAN where they are, then
 * read only those entries; without the ioctl, read the whole range. */
static int read_range(struct walk *w, uint64_t start, uint64_t end)
{
	struct mt_page_region reg[SCAN_REGIONS];
	int fd = root_file_fd(w->pm);

	while (w->scan_ok && fd >= 0 && start < end) {
		struct mt_pm_scan_arg a = {
		    .size = sizeof(a),
		    .start = start,
		    .end = end,
		    .vec = (uint64_t)(uintptr_t)reg,
		    .vec_len = SCAN_REGIONS,
		    .category_mask = MT_PAGE_IS_PRESENT,
		    .return_mask = MT_PAGE_IS_PRESENT,
		};
		int n = ioctl(fd, MT_PAGEMAP_SCAN, &a);

		if (n < 0) {
			if (errno == ENOTTY || errno == EINVAL ||
			    errno == EOPNOTSUPP) {
				w->scan_ok = false;
				break;
			}
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			int r = read_entries(w, reg[i].start, reg[i].end);

			if (r < 0)
				return r;
		}
		if (a.walk_end <= start)
			break;
		start = a.walk_end;
		if (n < SCAN_REGIONS && start >= end)
			break;
	}
	if (start >= end || (w->scan_ok && fd >= 0))
		return 0;
	return read_entries(w, start, end);
}

int pagemap_maps_range(const char *line, size_t len, uint64_t *ret_start,
		       uint64_t *ret_end)
{
	struct span s = {line, len}, f[2];
	const char *dash;
	struct span a, b;
	uint64_t x, y;

	if (span_fields(s, f, 1) < 1)
		return -EINVAL;
	dash = memchr(f[0].p, '-', f[0].len);
	if (!dash)
		return -EINVAL;
	a.p = f[0].p;
	a.len = (size_t)(dash - f[0].p);
	b.p = dash + 1;
	b.len = f[0].len - a.len - 1;
	if (span_x64(a, &x) < 0 || span_x64(b, &y) < 0 || y < x)
		return -EINVAL;
	*ret_start = x;
	*ret_end = y;
	return 0;
}

static int owner_cmp(const void *a, const void *b)
{
	const struct pfn_owner *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Walk one process. Returns 0, 1 for a kernel thread (nothing mapped),
 * or -errno when it vanished or refused;
 * *nonzero is set when any present entry had a non-zero PFN. */
static int walk_pid(struct root *root, int pid, uint64_t lo, uint64_t hi,
		    struct pfn_owners *o, bool *present, bool *nonzero)
{
	char *path, *maps = NULL, *comm = NULL;
	struct root_file *pm = NULL;
	uint64_t *buf = NULL;
	size_t len, clen;
	uint64_t start = 0, end = 0;
	bool have_range = false;
	struct walk w = {0};
	struct line_iter it;
	struct span line;
	int r;

	path = xasprintf("proc/%d/smaps", pid);
	r = root_read(root, path, &maps, &len);
	free(path);
	if (r < 0)
		return r;
	if (len == 0) {
		/* a kernel thread: no address space */
		free(maps);
		return 1;
	}
	path = xasprintf("proc/%d/pagemap", pid);
	r = root_file_open(root, path, &pm);
	free(path);
	if (r < 0)
		goto out;
	path = xasprintf("proc/%d/comm", pid);
	if (root_read(root, path, &comm, &clen) == 0) {
		o->procs = xgrow(o->procs, &o->procs_alloc, o->n_procs + 1,
				 sizeof(*o->procs));
		o->procs[o->n_procs].pid = pid;
		snprintf(
		    o->procs[o->n_procs].comm,
		    sizeof(o->procs[o->n_procs].comm), "%.*s",
		    (int)(clen && comm[clen - 1] == '\n' ? clen - 1 : clen),
		    comm);
		o->n_procs++;
	}
	free(path);
	buf = xmalloc(PM_BATCH * 8);
	w.pm = pm;
	w.buf = buf;
	w.lo = lo;
	w.hi = hi;
	w.pid = pid;
	w.scan_ok = true;
	w.page_size = root_page_size(root);
	w.present = present;
	w.nonzero = nonzero;
	w.o = o;
	/* smaps: a header line per range, then its fields; the range is
	 * read when its Rss line says it has resident pages */
	line_iter_init(&it, maps, len);
	while (line_next(&it, &line)) {
		struct span rss = {0};
		uint64_t kb;

		if (pagemap_maps_range(line.p, line.len, &start, &end) == 0 &&
		    !memmem(line.p, line.len, "[vsyscall]", 10)) {
			have_range = true;
			continue;
		}
		if (!have_range || line.len < 4 || memcmp(line.p, "Rss:", 4))
			continue;
		have_range = false;
		rss.p = line.p + 4;
		rss.len = line.len - 4;
		if (span_fields(rss, &rss, 1) < 1 || span_u64(rss, &kb) < 0 ||
		    kb == 0)
			continue;
		r = read_range(&w, start, end);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(buf);
	free(comm);
	free(maps);
	root_file_close(pm);
	return r;
}

int pfn_owners_collect(struct root *root, int pid, uint64_t lo, uint64_t hi,
		       struct pfn_owners *ret)
{
	struct pfn_owners o = {0};
	bool present = false, nonzero = false;
	char **names = NULL;
	size_t n = 0;
	int r;

	if (pid > 0) {
		r = walk_pid(root, pid, lo, hi, &o, &present, &nonzero);
		if (r < 0) {
			pfn_owners_release(&o);
			return r == -ENOENT ? -ESRCH : r;
		}
		o.procs_walked = 1;
	} else {
		r = root_list(root, "proc", &names, &n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			unsigned long p;
			struct span s = {names[i], strlen(names[i])};
			uint64_t v;

			if (!is_pid(names[i]) || span_u64(s, &v) < 0 ||
			    v > 0x7fffffff)
				continue;
			p = (unsigned long)v;
			r = walk_pid(root, (int)p, lo, hi, &o, &present,
				     &nonzero);
			if (r < 0)
				o.procs_skipped++;
			else if (r == 0)
				o.procs_walked++;
		}
		root_names_free(names, n);
	}
	if (present && !nonzero) {
		pfn_owners_release(&o);
		return -EPERM;
	}
	if (o.n)
		qsort(o.v, o.n, sizeof(*o.v), owner_cmp);
	*ret = o;
	return 0;
}

size_t pfn_owners_find(const struct pfn_owners *o, uint64_t pfn,
		       const struct pfn_owner **ret)
{
	size_t lo = 0, hi = o->n, k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->v[mid].pfn < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < o->n && o->v[k].pfn == pfn; k++)
		;
	*ret = o->v + lo;
	return k - lo;
}

const char *pfn_owners_comm(const struct pfn_owners *o, int pid)
{
	for (size_t i = 0; i < o->n_procs; i++)
		if (o->procs[i].pid == pid)
			return o->procs[i].comm;
	return "?";
}

void pfn_owners_release(struct pfn_owners *o)
{
	free(o->v);
	free(o->procs);
	memset(o, 0, sizeof(*o));
}
