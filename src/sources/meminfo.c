/* /proc/meminfo parser and reader.
 *
 * Format (Documentation/filesystems/proc.rst, "meminfo"): one field a line,
 *   "Name:   <decimal> kB"   sizes, kB meaning 1024 bytes
 *   "Name:   <decimal>"      counts (HugePages_Total/Free/Rsvd/Surp)
 * Fields come and go with kernel versions and configs: KReclaimable (4.20),
 * Percpu (4.16), SecPageTables (6.2), Zswap (5.19), Unaccepted (6.5),
 * GPUActive/GPUReclaim (proposed 2025). Absent ones stay VAL_ABSENT so a
 * view can say "not reported by this kernel" instead of printing 0.
 *
 * Strictness: a size line must end in " kB" (systemd's procfs-util does
 * the same); a value that overflows 64 bits when scaled is -ERANGE; a file
 * without MemTotal is not meminfo. Duplicate names keep the first value.
 *
 * This file is the model for every source module: a pure parser, a reader
 * through the root seam, a release function. */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "meminfo.h"
#include "sources.h"

static const char *const field_names[_MI_MAX] = {
    [MI_MEMTOTAL] = "MemTotal",
    [MI_MEMFREE] = "MemFree",
    [MI_MEMAVAILABLE] = "MemAvailable",
    [MI_BUFFERS] = "Buffers",
    [MI_CACHED] = "Cached",
    [MI_SWAPCACHED] = "SwapCached",
    [MI_ACTIVE] = "Active",
    [MI_INACTIVE] = "Inactive",
    [MI_ACTIVE_ANON] = "Active(anon)",
    [MI_INACTIVE_ANON] = "Inactive(anon)",
    [MI_ACTIVE_FILE] = "Active(file)",
    [MI_INACTIVE_FILE] = "Inactive(file)",
    [MI_UNEVICTABLE] = "Unevictable",
    [MI_MLOCKED] = "Mlocked",
    [MI_SWAPTOTAL] = "SwapTotal",
    [MI_SWAPFREE] = "SwapFree",
    [MI_ZSWAP] = "Zswap",
    [MI_ZSWAPPED] = "Zswapped",
    [MI_DIRTY] = "Dirty",
    [MI_WRITEBACK] = "Writeback",
    [MI_ANONPAGES] = "AnonPages",
    [MI_MAPPED] = "Mapped",
    [MI_SHMEM] = "Shmem",
    [MI_KRECLAIMABLE] = "KReclaimable",
    [MI_SLAB] = "Slab",
    [MI_SRECLAIMABLE] = "SReclaimable",
    [MI_SUNRECLAIM] = "SUnreclaim",
    [MI_KERNELSTACK] = "KernelStack",
    [MI_SHADOWCALLSTACK] = "ShadowCallStack",
    [MI_PAGETABLES] = "PageTables",
    [MI_SECPAGETABLES] = "SecPageTables",
    [MI_NFS_UNSTABLE] = "NFS_Unstable",
    [MI_BOUNCE] = "Bounce",
    [MI_WRITEBACKTMP] = "WritebackTmp",
    [MI_COMMITLIMIT] = "CommitLimit",
    [MI_COMMITTED_AS] = "Committed_AS",
    [MI_VMALLOCTOTAL] = "VmallocTotal",
    [MI_VMALLOCUSED] = "VmallocUsed",
    [MI_VMALLOCCHUNK] = "VmallocChunk",
    [MI_PERCPU] = "Percpu",
    [MI_HARDWARECORRUPTED] = "HardwareCorrupted",
    [MI_ANONHUGEPAGES] = "AnonHugePages",
    [MI_SHMEMHUGEPAGES] = "ShmemHugePages",
    [MI_SHMEMPMDMAPPED] = "ShmemPmdMapped",
    [MI_FILEHUGEPAGES] = "FileHugePages",
    [MI_FILEPMDMAPPED] = "FilePmdMapped",
    [MI_CMATOTAL] = "CmaTotal",
    [MI_CMAFREE] = "CmaFree",
    [MI_BALLOON] = "Balloon",
    [MI_UNACCEPTED] = "Unaccepted",
    [MI_GPUACTIVE] = "GPUActive",
    [MI_GPURECLAIM] = "GPUReclaim",
    [MI_HUGEPAGES_TOTAL] = "HugePages_Total",
    [MI_HUGEPAGES_FREE] = "HugePages_Free",
    [MI_HUGEPAGES_RSVD] = "HugePages_Rsvd",
    [MI_HUGEPAGES_SURP] = "HugePages_Surp",
    [MI_HUGEPAGESIZE] = "Hugepagesize",
    [MI_HUGETLB] = "Hugetlb",
    [MI_DIRECTMAP4K] = "DirectMap4k",
    [MI_DIRECTMAP2M] = "DirectMap2M",
    [MI_DIRECTMAP4M] = "DirectMap4M",
    [MI_DIRECTMAP1G] = "DirectMap1G",
};

const char *meminfo_field_name(enum meminfo_field f)
{
	return f < _MI_MAX ? field_names[f] : NULL;
}

static int field_lookup(struct span name)
{
	for (int i = 0; i < _MI_MAX; i++)
		if (span_eq(name, field_names[i]))
			return i;
	return -1;
}

static bool is_count_field(int f)
{
	return f == MI_HUGEPAGES_TOTAL || f == MI_HUGEPAGES_FREE ||
	       f == MI_HUGEPAGES_RSVD || f == MI_HUGEPAGES_SURP;
}

void meminfo_release(struct meminfo *mi)
{
	free(mi->extra);
	mi->extra = NULL;
	mi->n_extra = 0;
}

int meminfo_parse(const char *buf, size_t len, struct meminfo *ret,
		  struct parse_err *err)
{
	struct meminfo mi = {0};
	size_t extra_alloc = 0;
	struct line_iter it;
	struct span line;
	int r;

	for (int i = 0; i < _MI_MAX; i++)
		mi.v[i] = VAL_ABSENT;
	/* a file cut short is refused whole: its last line may be a
	 * number cut in half */
	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[4], name;
		const char *colon;
		uint64_t v;
		size_t nf;
		int idx;
		bool kb;

		if (span_trim(line).len == 0)
			continue;
		colon = memchr(line.p, ':', line.len);
		if (!colon) {
			r = parse_fail(err, it.lineno, "no ':' after the name");
			goto fail;
		}
		name.p = line.p;
		name.len = (size_t)(colon - line.p);
		name = span_trim(name);
		if (name.len == 0) {
			r = parse_fail(err, it.lineno, "empty field name");
			goto fail;
		}
		line.len -= (size_t)(colon + 1 - line.p);
		line.p = colon + 1;
		nf = span_fields(line, f, ELEMENTSOF(f));
		if (nf == 0) {
			r = parse_fail(err, it.lineno, "'%.*s' has no value",
				       (int)name.len, name.p);
			goto fail;
		}
		if (nf > 2) {
			r = parse_fail(err, it.lineno,
				       "'%.*s' has trailing text",
				       (int)name.len, name.p);
			goto fail;
		}
		r = span_u64(f[0], &v);
		if (r < 0) {
			r = parse_fail_errno(err, r, it.lineno,
					     "'%.*s' value is not a number",
					     (int)name.len, name.p);
			goto fail;
		}
		kb = nf == 2;
		if (kb && !span_eq(f[1], "kB")) {
			r = parse_fail(err, it.lineno,
				       "'%.*s' has unit '%.*s', expected 'kB'",
				       (int)name.len, name.p, (int)f[1].len,
				       f[1].p);
			goto fail;
		}
		if (kb && mul_u64(v, 1024, &v) < 0) {
			r = parse_fail_errno(err, -ERANGE, it.lineno,
					     "'%.*s' is too large",
					     (int)name.len, name.p);
			goto fail;
		}
		if (v == VAL_ABSENT)
			v = VAL_ABSENT - 1;

		idx = field_lookup(name);
		if (idx >= 0) {
			if (kb == is_count_field(idx)) {
				r = parse_fail(err, it.lineno,
					       "'%.*s' should %s a 'kB' unit",
					       (int)name.len, name.p,
					       kb ? "not have" : "have");
				goto fail;
			}
			if (!val_has(mi.v[idx]))
				mi.v[idx] = v;
			continue;
		}
		/* unknown field: keep it for display, never fail on it */
		mi.extra = xgrow(mi.extra, &extra_alloc, mi.n_extra + 1,
				 sizeof(*mi.extra));
		span_copy(name, mi.extra[mi.n_extra].name,
			  sizeof(mi.extra[mi.n_extra].name));
		mi.extra[mi.n_extra].bytes = v;
		mi.extra[mi.n_extra].has_unit = kb;
		mi.n_extra++;
	}
	if (!val_has(mi.v[MI_MEMTOTAL])) {
		r = parse_fail(err, 0, "no MemTotal line");
		goto fail;
	}
	*ret = mi;
	return 0;
fail:
	meminfo_release(&mi);
	return r;
}

SOURCE_DEFINE_FILE(meminfo, "proc/meminfo", SRC_MEMINFO, NEEDS_NOTHING,
		   "memory totals by use: free, cache, anon, slab, ...");
