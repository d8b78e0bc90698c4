/* memory.stat parser and reader, for cgroup v2 and the v1 memory
 * controller.
 *
 * Format: one "name value" pair a line, value a decimal integer, bytes
 * for sizes and plain counts for events.
 *   v2: Documentation/admin-guide/cgroup-v2.rst, "memory.stat". Names
 *       come and go: kernel_stack 4.18; percpu 5.9; slab_* 5.9 (before,
 *       slab lived in "slab"); pagetables 5.11 (before, absent);
 *       sec_pagetables 6.2; kernel 5.18 (before, sum the parts);
 *       vmalloc 5.19; zswap 5.19. The root cgroup has memory.stat only
 *       since 6.x.
 *   v1: Documentation/admin-guide/cgroup-v1/memory.rst, section 5.2: cache,
 *       rss, rss_huge, shmem, mapped_file, dirty, writeback, swap, the LRU
 *       lists, then "hierarchical_*" limits and "total_*" repeats of each
 *       counted with descendants. It has no kernel-memory breakdown; the
 *       kernel total is memory.kmem.usage_in_bytes (deprecated in 6.x
 *       but present while CONFIG_MEMCG_V1 is).
 *
 * Unknown names are ignored; a line that is not "name number" is -EINVAL;
 * an empty file is -EINVAL (every real memory.stat has lines). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "cgroup_memory_stat.h"

static const char *const field_names[_CGS_MAX] = {
    [CGS_ANON] = "anon",
    [CGS_FILE] = "file",
    [CGS_KERNEL] = "kernel",
    [CGS_KERNEL_STACK] = "kernel_stack",
    [CGS_PAGETABLES] = "pagetables",
    [CGS_SEC_PAGETABLES] = "sec_pagetables",
    [CGS_PERCPU] = "percpu",
    [CGS_SOCK] = "sock",
    [CGS_VMALLOC] = "vmalloc",
    [CGS_SHMEM] = "shmem",
    [CGS_ZSWAP] = "zswap",
    [CGS_ZSWAPPED] = "zswapped",
    [CGS_FILE_MAPPED] = "file_mapped",
    [CGS_FILE_DIRTY] = "file_dirty",
    [CGS_FILE_WRITEBACK] = "file_writeback",
    [CGS_SWAPCACHED] = "swapcached",
    [CGS_ANON_THP] = "anon_thp",
    [CGS_FILE_THP] = "file_thp",
    [CGS_SHMEM_THP] = "shmem_thp",
    [CGS_INACTIVE_ANON] = "inactive_anon",
    [CGS_ACTIVE_ANON] = "active_anon",
    [CGS_INACTIVE_FILE] = "inactive_file",
    [CGS_ACTIVE_FILE] = "active_file",
    [CGS_UNEVICTABLE] = "unevictable",
    [CGS_SLAB_RECLAIMABLE] = "slab_reclaimable",
    [CGS_SLAB_UNRECLAIMABLE] = "slab_unreclaimable",
    [CGS_SLAB] = "slab",
    [CGS_SWAP] = "swap",
    [CGS_WORKINGSET_REFAULT_ANON] = "workingset_refault_anon",
    [CGS_WORKINGSET_REFAULT_FILE] = "workingset_refault_file",
    [CGS_WORKINGSET_ACTIVATE_ANON] = "workingset_activate_anon",
    [CGS_WORKINGSET_ACTIVATE_FILE] = "workingset_activate_file",
    [CGS_PGFAULT] = "pgfault",
    [CGS_PGMAJFAULT] = "pgmajfault",
};

/* v1 names that differ from v2 ones for the same pages */
static const struct {
	const char *name;
	enum cgroup_stat_field f;
} v1_names[] = {
    {"rss", CGS_ANON},		{"cache", CGS_FILE},
    {"rss_huge", CGS_ANON_THP}, {"mapped_file", CGS_FILE_MAPPED},
    {"dirty", CGS_FILE_DIRTY},	{"writeback", CGS_FILE_WRITEBACK},
};

const char *cgroup_memory_stat_field_name(enum cgroup_stat_field f)
{
	return (unsigned)f < _CGS_MAX ? field_names[f] : NULL;
}

uint64_t cgroup_memory_stat_get(const struct cgroup_memory_stat *s,
				enum cgroup_stat_field f)
{
	if ((unsigned)f >= _CGS_MAX)
		return VAL_ABSENT;
	if (s->v1 && val_has(s->total[f]))
		return s->total[f];
	return s->v[f];
}

void cgroup_memory_stat_release(struct cgroup_memory_stat *s)
{
	(void)s; /* nothing allocated */
}

static int lookup(struct span name, bool *ret_v1)
{
	for (size_t i = 0; i < ELEMENTSOF(v1_names); i++)
		if (span_eq(name, v1_names[i].name)) {
			*ret_v1 = true;
			return (int)v1_names[i].f;
		}
	for (int i = 0; i < _CGS_MAX; i++)
		if (span_eq(name, field_names[i]))
			return i;
	return -1;
}

int cgroup_memory_stat_parse(const char *buf, size_t len,
			     struct cgroup_memory_stat *ret,
			     struct parse_err *err)
{
	struct cgroup_memory_stat s = {0};
	struct line_iter it;
	struct span line;
	size_t nlines = 0;

	for (int i = 0; i < _CGS_MAX; i++)
		s.v[i] = s.total[i] = VAL_ABSENT;
	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[3], name;
		bool total = false, v1 = false;
		uint64_t v;
		size_t nf;
		int idx, r;

		nf = span_fields(line, f, ELEMENTSOF(f));
		if (nf == 0)
			continue;
		if (nf != 2)
			return parse_fail(err, it.lineno,
					  "not a 'name value' line");
		r = span_u64(f[1], &v);
		if (r < 0)
			return parse_fail_errno(err, r, it.lineno,
						"'%.*s' value is not a number",
						(int)f[0].len, f[0].p);
		if (v == VAL_ABSENT)
			v = VAL_ABSENT - 1;
		nlines++;
		name = f[0];
		if (span_startswith(name, "total_")) {
			total = true;
			s.v1 = true;
			name.p += 6;
			name.len -= 6;
		}
		idx = lookup(name, &v1);
		if (v1)
			s.v1 = true;
		if (idx < 0)
			continue;
		if (total) {
			if (!val_has(s.total[idx]))
				s.total[idx] = v;
		} else if (!val_has(s.v[idx])) {
			s.v[idx] = v;
		}
	}
	if (nlines == 0)
		return parse_fail(err, 0, "empty memory.stat");
	*ret = s;
	return 0;
}

static int parse_cb(const char *buf, size_t len, void *ret,
		    struct parse_err *err)
{
	return cgroup_memory_stat_parse(buf, len, ret, err);
}

int cgroup_memory_stat_read(struct root *root, const char *dir,
			    struct cgroup_memory_stat *ret,
			    struct source_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/memory.stat", dir);

	return source_read_parse(root, path, parse_cb, ret, err);
}
