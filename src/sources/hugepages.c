/* /sys/kernel/mm/hugepages/hugepages-<size>kB/{nr,free,resv,surplus}_
 * hugepages (Documentation/admin-guide/mm/hugetlbpage.rst).
 *
 * One directory per huge page size the CPU offers (2 MiB and 1 GiB on
 * x86-64), each with one number a file. resv_hugepages counts pages
 * promised to a mapping (mmap of a hugetlbfs file or MAP_HUGETLB) that
 * nobody has touched yet; they are still in free_hugepages, so the used
 * pages are nr - free and the pages anyone could still get are free -
 * resv. surplus pages are part of nr. /proc/meminfo's HugePages_Total,
 * _Free, _Rsvd and _Surp are the same four for the default size
 * (Hugepagesize), and Hugetlb is every pool's nr x size in kB. The
 * directory exists since Linux 2.6.27; demote files (6.0+) and per-node
 * copies under /sys/devices/system/node are not read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "hugepages.h"
#include "sources.h"

#define HP_DIR "sys/kernel/mm/hugepages"

int hugepages_count_parse(const char *buf, size_t len,
			  struct hugepages_count *ret, struct parse_err *err)
{
	struct line_iter it;
	struct span line, f[2];
	uint64_t v;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	if (!line_next(&it, &line))
		return parse_fail(err, 0, "empty file");
	if (span_fields(span_trim(line), f, 2) != 1)
		return parse_fail(err, 1, "expected one number");
	r = span_u64(f[0], &v);
	if (r < 0)
		return parse_fail_errno(err, r, 1, "'%.*s' is not a count",
					(int)f[0].len, f[0].p);
	if (v == VAL_ABSENT)
		return parse_fail_errno(err, -ERANGE, 1, "count too large");
	ret->v = v;
	return 0;
}

void hugepages_count_release(struct hugepages_count *c)
{
	(void)c;
}

int hugepages_dir_size(const char *name, uint64_t *ret)
{
	static const char pre[] = "hugepages-";
	size_t n = strlen(name), np = sizeof(pre) - 1;
	struct span s;
	uint64_t kb;

	if (n <= np + 2 || strncmp(name, pre, np) != 0 ||
	    strcmp(name + n - 2, "kB") != 0)
		return -EINVAL;
	s.p = name + np;
	s.len = n - np - 2;
	if (span_u64(s, &kb) < 0 || kb == 0 || kb > (UINT64_MAX >> 11))
		return -EINVAL;
	*ret = kb * 1024;
	return 0;
}

static uint64_t read_count(struct root *root, const char *dir, const char *file)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	struct hugepages_count c;
	size_t len;

	path = xasprintf(HP_DIR "/%s/%s", dir, file);
	if (root_read(root, path, &buf, &len) < 0 ||
	    hugepages_count_parse(buf, len, &c, NULL) < 0)
		return VAL_ABSENT;
	return c.v;
}

static int cmp_pool(const void *a, const void *b)
{
	const struct hugepages_pool *x = a, *y = b;

	return (x->page_size > y->page_size) - (x->page_size < y->page_size);
}

int hugepages_read_with(struct root *root, const struct meminfo *mi,
			struct hugepages *ret, struct source_err *err)
{
	struct hugepages h = {0};
	size_t n, alloc = 0;
	char **names;
	uint64_t def = mi ? mi->v[MI_HUGEPAGESIZE] : VAL_ABSENT;
	int r;

	r = root_list(root, HP_DIR, &names, &n);
	if (r < 0) {
		if (err) {
			char *p = root_display_path(root, HP_DIR);

			memset(err, 0, sizeof(*err));
			err->err = r;
			snprintf(err->path, sizeof(err->path), "%s", p);
			free(p);
		}
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		struct hugepages_pool *p;
		uint64_t size;

		if (hugepages_dir_size(names[i], &size) < 0)
			continue;
		h.v = xgrow(h.v, &alloc, h.n + 1, sizeof(*h.v));
		p = &h.v[h.n++];
		p->page_size = size;
		p->nr = read_count(root, names[i], "nr_hugepages");
		p->free = read_count(root, names[i], "free_hugepages");
		p->resv = read_count(root, names[i], "resv_hugepages");
		p->surplus = read_count(root, names[i], "surplus_hugepages");
		p->is_default = val_has(def) && def == size;
	}
	root_names_free(names, n);
	if (h.n)
		qsort(h.v, h.n, sizeof(*h.v), cmp_pool);
	*ret = h;
	return 0;
}

int hugepages_read(struct root *root, struct hugepages *ret,
		   struct source_err *err)
{
	return hugepages_read_with(root, NULL, ret, err);
}

int hugepages_from_meminfo(const struct meminfo *mi, struct hugepages *ret)
{
	struct hugepages h = {0};

	if (!mi || !val_has(mi->v[MI_HUGEPAGESIZE]) ||
	    !val_has(mi->v[MI_HUGEPAGES_TOTAL]))
		return -ENODATA;
	h.v = xcalloc(1, sizeof(*h.v));
	h.n = 1;
	h.from_meminfo = true;
	h.v[0].page_size = mi->v[MI_HUGEPAGESIZE];
	h.v[0].nr = mi->v[MI_HUGEPAGES_TOTAL];
	h.v[0].free = mi->v[MI_HUGEPAGES_FREE];
	h.v[0].resv = mi->v[MI_HUGEPAGES_RSVD];
	h.v[0].surplus = mi->v[MI_HUGEPAGES_SURP];
	h.v[0].is_default = true;
	*ret = h;
	return 0;
}

void hugepages_release(struct hugepages *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

uint64_t hugepages_used(const struct hugepages_pool *p)
{
	if (!val_has(p->nr) || !val_has(p->free) || p->free > p->nr)
		return VAL_ABSENT;
	return p->nr - p->free;
}

static int hugepages_read_cb(struct root *root, void *ret,
			     struct source_err *err)
{
	return hugepages_read(root, ret, err);
}

static void hugepages_release_cb(void *data)
{
	hugepages_release(data);
}

const struct source_desc hugepages_source = {
    .id = SRC_HUGEPAGES,
    .name = "hugepages",
    .path = "/" HP_DIR,
    .scope = SCOPE_SYSTEM,
    .needs = NEEDS_NOTHING,
    .size = sizeof(struct hugepages),
    .read = hugepages_read_cb,
    .release = hugepages_release_cb,
    .summary = "HugeTLB pools per page size: total, free, reserved, surplus",
};
