/* Collecting the processes that map physical pages; see pagemap.h.
 *
 * For each process: read /proc/PID/maps for its ranges, open
 * /proc/PID/pagemap, and read the entries of each range in batches of
 * 64 K pages (512 KiB), keeping present entries whose PFN is in the
 * window. [vsyscall] is skipped (it is above the user address space and
 * pagemap refuses it on some kernels). Everything goes through the root
 * seam, so a captured tree with pagemaps works too (snapshots carry none).
 *
 * A process can exit at any point: a failed read of its maps or pagemap
 * skips it and counts it. If the only present entries of every process
 * read have PFN 0, the caller lacks CAP_SYS_ADMIN (the kernel zeroes the
 * PFNs then) and the collection says -EPERM rather than return nothing. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "pagemap.h"

#define PM_PRESENT (UINT64_C(1) << 63)
#define PM_FILE (UINT64_C(1) << 61)
#define PM_EXCL (UINT64_C(1) << 56)
#define PM_PFN_MASK ((UINT64_C(1) << 55) - 1)
#define PM_BATCH 65536

int pagemap_maps_range(const char *line, size_t len, uint64_t *ret_start,
		       uint64_t *ret_end)
{
	struct span s = { line, len }, f[2];
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

/* Walk one process. Returns 0, or -errno when it vanished or refused;
 * *nonzero is set when any present entry had a non-zero PFN. */
static int walk_pid(struct root *root, int pid, uint64_t lo, uint64_t hi,
		    struct pfn_owners *o, bool *present, bool *nonzero)
{
	char *path, *maps = NULL, *comm = NULL;
	struct root_file *pm = NULL;
	uint64_t *buf = NULL;
	size_t len, clen;
	struct line_iter it;
	struct span line;
	int r;

	path = xasprintf("proc/%d/maps", pid);
	r = root_read(root, path, &maps, &len);
	free(path);
	if (r < 0)
		return r;
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
		snprintf(o->procs[o->n_procs].comm,
			 sizeof(o->procs[o->n_procs].comm), "%.*s",
			 (int)(clen && comm[clen - 1] == '\n' ? clen - 1
							       : clen),
			 comm);
		o->n_procs++;
	}
	free(path);
	buf = xmalloc(PM_BATCH * 8);
	line_iter_init(&it, maps, len);
	while (line_next(&it, &line)) {
		uint64_t start, end;

		if (pagemap_maps_range(line.p, line.len, &start, &end) < 0)
			continue;
		if (memmem(line.p, line.len, "[vsyscall]", 10))
			continue;
		for (uint64_t v = start / 4096; v < end / 4096;) {
			size_t n = (size_t)(end / 4096 - v < PM_BATCH
						    ? end / 4096 - v
						    : PM_BATCH);
			ssize_t k = root_file_pread(pm, buf, n * 8, v * 8);

			if (k < 0) {
				r = (int)k;
				goto out;
			}
			n = (size_t)k / 8;
			if (n == 0)
				break;
			for (size_t i = 0; i < n; i++) {
				uint64_t e = buf[i], pfn;

				if (!(e & PM_PRESENT))
					continue;
				*present = true;
				pfn = e & PM_PFN_MASK;
				if (pfn)
					*nonzero = true;
				if (pfn < lo || pfn >= hi || pfn == 0)
					continue;
				o->v = xgrow(o->v, &o->alloc, o->n + 1,
					     sizeof(*o->v));
				o->v[o->n].pfn = pfn;
				o->v[o->n].vaddr = (v + i) * 4096;
				o->v[o->n].pid = pid;
				o->v[o->n].flags =
					(e & PM_FILE ? PM_OWNER_FILE : 0) |
					(e & PM_EXCL ? PM_OWNER_EXCLUSIVE : 0);
				o->n++;
			}
			v += n;
		}
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
	struct pfn_owners o = { 0 };
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
			struct span s = { names[i], strlen(names[i]) };
			uint64_t v;

			if (!is_pid(names[i]) || span_u64(s, &v) < 0 ||
			    v > 0x7fffffff)
				continue;
			p = (unsigned long)v;
			if (walk_pid(root, (int)p, lo, hi, &o, &present,
				     &nonzero) < 0)
				o.procs_skipped++;
			else
				o.procs_walked++;
		}
		root_names_free(names, n);
	}
	if (present && !nonzero) {
		pfn_owners_release(&o);
		return -EPERM;
	}
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
