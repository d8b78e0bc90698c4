/* Accounting to 100% from /proc/meminfo; see accounting.h.
 *
 * Why these categories are disjoint (mm/show_mem.c and fs/proc/meminfo.c,
 * Linux 6.x; Documentation/filesystems/proc.rst):
 *
 *   Cached        = NR_FILE_PAGES - SwapCached - Buffers. NR_FILE_PAGES
 *                   counts every page in a file's page cache, and shmem
 *                   (tmpfs, SysV shm, shared anonymous, memfd) pages live
 *                   in the page cache of their shmem inode, so Cached
 *                   includes Shmem. The page cache proper is Cached - Shmem.
 *   Buffers       = block-device page cache (metadata of filesystems).
 *   SwapCached    = anonymous pages that are also in swap.
 *   AnonPages     = anonymous pages mapped into processes (NR_ANON_MAPPED);
 *                   it excludes shmem and swap cache.
 *   Slab          = SReclaimable + SUnreclaim, the slab allocator's pages.
 *   KReclaimable  = SReclaimable + other kernel memory the kernel says it
 *                   can reclaim under pressure (NR_KERNEL_MISC_RECLAIMABLE:
 *                   e.g. ION/DMA-BUF heaps' pools); the difference is its
 *                   own category.
 *   KernelStack, PageTables, SecPageTables (IOMMU/KVM page tables, 6.2+),
 *   Percpu (4.16+), VmallocUsed (pages allocated by vmalloc: since 5.3 it
 *   counts vmalloc'd pages, not address space), Hugetlb (every HugeTLB
 *   page, free or used: the pool is taken out of the buddy allocator, so
 *   none of it is in MemFree), Zswap (the compressed pool, 5.19+),
 *   Unaccepted (confidential VMs' memory not yet accepted, 6.5+), Bounce,
 *   GPUActive/GPUReclaim (proposed 2025) are each pages no other counter
 *   includes.
 *
 * Free pages on the per-CPU lists (the page allocator's per-CPU caches,
 * zoneinfo's "pagesets" counts) are in none of these: the kernel takes
 * pages off NR_FREE_PAGES when it moves them to a per-CPU list. Since 6.7
 * those lists tune their own size and can hold hundreds of MiB under
 * churn, so they get a category of their own when zoneinfo is at hand
 * (accounting_add_pcp), instead of swelling the remainder.
 *
 * Everything else — memory drivers took straight from alloc_pages(), the
 * kernel's own code and data, the struct page array is NOT in MemTotal
 * (reserved at boot), page_pool, GPU TTM pools on kernels without the GPU
 * counters — is the unaccounted remainder.
 *
 * One known overlap: with CONFIG_VMAP_STACK (the x86_64 and arm64
 * default) kernel stacks are vmalloc'd, so their pages are in both
 * KernelStack and VmallocUsed. When the caller knows how much of vmalloc
 * is stacks (from /proc/vmallocinfo, which needs root) it passes that and
 * the vmalloc category is shown without them; otherwise the overlap stays,
 * the remainder is that much too low, and the view says so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/macro.h"
#include "../model/snapshot.h"
#include "accounting.h"

static const struct acct_cat_info infos[_ACCT_MAX] = {
    [ACCT_FREE] = {"free", "free", "Free / Zeroed", "MemFree", RECLAIM_FREE},
    [ACCT_FREE_PCP] = {"free_percpu", "free on per-CPU lists", "Free / Zeroed",
		       "zoneinfo pagesets count", RECLAIM_FREE},
    [ACCT_ANON] = {"anonymous", "anonymous (process private)",
		   "Process Private", "AnonPages", RECLAIM_SWAP},
    [ACCT_PAGE_CACHE] = {"page_cache", "page cache (files)",
			 "Mapped File / Standby", "Cached - Shmem",
			 RECLAIM_CHEAP},
    [ACCT_SHMEM] = {"shmem", "shmem / tmpfs", "Shareable", "Shmem",
		    RECLAIM_SWAP},
    [ACCT_BUFFERS] = {"buffers", "buffers (block devices)", "Metafile",
		      "Buffers", RECLAIM_CHEAP},
    [ACCT_SWAP_CACHE] = {"swap_cache", "swap cache", "Process Private",
			 "SwapCached", RECLAIM_CHEAP},
    [ACCT_SLAB_RECLAIMABLE] = {"slab_reclaimable", "reclaimable slab",
			       "Paged Pool", "SReclaimable", RECLAIM_CHEAP},
    [ACCT_SLAB_UNRECLAIMABLE] = {"slab_unreclaimable", "unreclaimable slab",
				 "Nonpaged Pool", "SUnreclaim", RECLAIM_NEVER},
    [ACCT_KERNEL_RECLAIMABLE_OTHER] = {"kernel_reclaimable_other",
				       "other reclaimable kernel", "Paged Pool",
				       "KReclaimable - SReclaimable",
				       RECLAIM_CHEAP},
    [ACCT_KERNEL_STACK] = {"kernel_stack", "kernel stacks", "Kernel Stack",
			   "KernelStack", RECLAIM_NEVER},
    [ACCT_PAGE_TABLES] = {"page_tables", "page tables", "Page Table",
			  "PageTables", RECLAIM_NEVER},
    [ACCT_SEC_PAGE_TABLES] = {"sec_page_tables",
			      "secondary page tables (KVM, IOMMU)",
			      "Page Table", "SecPageTables", RECLAIM_NEVER},
    [ACCT_VMALLOC] = {"vmalloc", "vmalloc", "Nonpaged Pool", "VmallocUsed",
		      RECLAIM_NEVER},
    [ACCT_PERCPU] = {"percpu", "per-CPU allocations", "Nonpaged Pool", "Percpu",
		     RECLAIM_NEVER},
    [ACCT_HUGETLB] = {"hugetlb", "HugeTLB pool", "Large Page", "Hugetlb",
		      RECLAIM_NEVER},
    [ACCT_ZSWAP] = {"zswap", "zswap compressed pool", "(compression store)",
		    "Zswap", RECLAIM_NEVER},
    [ACCT_GPU_ACTIVE] = {"gpu_active", "GPU (active)", "Driver Locked",
			 "GPUActive", RECLAIM_NEVER},
    [ACCT_GPU_RECLAIM] = {"gpu_reclaim", "GPU (reclaimable pool)",
			  "Driver Locked", "GPUReclaim", RECLAIM_CHEAP},
    [ACCT_UNACCEPTED] = {"unaccepted", "unaccepted (confidential VM)", "Free",
			 "Unaccepted", RECLAIM_FREE},
    [ACCT_BOUNCE] = {"bounce", "bounce buffers", "Driver Locked", "Bounce",
		     RECLAIM_NEVER},
    [ACCT_UNACCOUNTED] = {"unaccounted", "unaccounted (drivers, other)",
			  "Driver Locked / Nonpaged Pool",
			  "MemTotal - everything above", RECLAIM_UNKNOWN},
};

const struct acct_cat_info *acct_cat_info(enum acct_cat c)
{
	return (unsigned)c < _ACCT_MAX ? &infos[c] : NULL;
}

const char *acct_reclaim_name(enum acct_reclaim r)
{
	switch (r) {
	case RECLAIM_FREE:
		return "free";
	case RECLAIM_CHEAP:
		return "reclaimable";
	case RECLAIM_SWAP:
		return "swappable";
	case RECLAIM_NEVER:
		return "pinned";
	case RECLAIM_UNKNOWN:
		return "unknown";
	}
	return "?";
}

static void note_missing(struct accounting *a, const char *field)
{
	if (a->n_missing < sizeof(a->missing) / sizeof(a->missing[0]))
		a->missing[a->n_missing++] = field;
}

static void __attribute__((format(printf, 2, 3)))
add_note(struct accounting *a, const char *fmt, ...)
{
	va_list ap;

	if (a->n_notes >= ELEMENTSOF(a->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(a->notes[a->n_notes++], sizeof(a->notes[0]), fmt, ap);
	va_end(ap);
}

/* Set category c to bytes, unless bytes exceeds MemTotal: no category can
 * hold more than all of memory, so the input is inconsistent (or hostile);
 * leave the category out and say so. a->total <= ACCT_MAX_TOTAL here, so
 * the sum of every category fits in int64_t. */
static void set_cat(struct accounting *a, enum acct_cat c, uint64_t bytes,
		    const char *field)
{
	if (bytes > a->total) {
		add_note(a,
			 "%s is larger than MemTotal: meminfo is inconsistent; "
			 "'%s' is left out.",
			 field, infos[c].label);
		return;
	}
	a->present[c] = true;
	a->bytes[c] = (int64_t)bytes;
}

/* Set category c from a meminfo value, or mark it absent. */
static void take(struct accounting *a, const struct meminfo *mi,
		 enum acct_cat c, enum meminfo_field f, bool optional)
{
	if (val_has(mi->v[f]))
		set_cat(a, c, mi->v[f], meminfo_field_name(f));
	else if (!optional)
		note_missing(a, meminfo_field_name(f));
}

/* The remainder, or no remainder when it is so far below zero that no
 * skew between counters read a moment apart explains it (MemTotal/8:
 * the categories then claim more memory than there is). */
static void set_remainder(struct accounting *a, int64_t rem)
{
	if (rem < -(int64_t)(a->total / 8)) {
		a->present[ACCT_UNACCOUNTED] = false;
		a->bytes[ACCT_UNACCOUNTED] = 0;
		add_note(a, "the categories add up to more than MemTotal: "
			    "meminfo is inconsistent; 'unaccounted' is left "
			    "out.");
		return;
	}
	a->present[ACCT_UNACCOUNTED] = true;
	a->bytes[ACCT_UNACCOUNTED] = rem;
}

/* The largest category that is not free memory. */
static void pick_biggest(struct accounting *a)
{
	a->biggest = ACCT_ANON;
	for (int c = 0; c < _ACCT_MAX; c++)
		if (infos[c].reclaim != RECLAIM_FREE && a->present[c] &&
		    a->bytes[c] > a->bytes[a->biggest])
			a->biggest = c;
}

int accounting_compute(const struct meminfo *mi, uint64_t vmalloc_stacks,
		       struct accounting *ret)
{
	struct accounting a;
	const uint64_t *v = mi->v;
	int64_t sum = 0;

	memset(&a, 0, sizeof(a));
	if (!val_has(v[MI_MEMTOTAL]) || !val_has(v[MI_MEMFREE]))
		return -EINVAL;
	if (v[MI_MEMTOTAL] > ACCT_MAX_TOTAL)
		return -ERANGE;
	a.total = v[MI_MEMTOTAL];
	a.available = v[MI_MEMAVAILABLE];

	take(&a, mi, ACCT_FREE, MI_MEMFREE, false);
	take(&a, mi, ACCT_ANON, MI_ANONPAGES, false);
	take(&a, mi, ACCT_SHMEM, MI_SHMEM, val_has(v[MI_CACHED]));
	take(&a, mi, ACCT_BUFFERS, MI_BUFFERS, false);
	take(&a, mi, ACCT_SWAP_CACHE, MI_SWAPCACHED, false);
	if (!val_has(v[MI_CACHED])) {
		note_missing(&a, "Cached");
	} else if (!val_has(v[MI_SHMEM])) {
		/* Cached includes shmem: without Shmem it cannot be split */
		set_cat(&a, ACCT_PAGE_CACHE, v[MI_CACHED], "Cached");
		add_note(&a, "this kernel does not report Shmem: 'page cache' "
			     "includes tmpfs and shared memory.");
	} else if (v[MI_CACHED] < v[MI_SHMEM]) {
		add_note(&a,
			 "Cached is less than Shmem, which it includes: "
			 "meminfo is inconsistent; 'page cache' is left out.");
	} else {
		set_cat(&a, ACCT_PAGE_CACHE, v[MI_CACHED] - v[MI_SHMEM],
			"Cached - Shmem");
	}
	if (val_has(v[MI_SRECLAIMABLE]) && val_has(v[MI_SUNRECLAIM])) {
		take(&a, mi, ACCT_SLAB_RECLAIMABLE, MI_SRECLAIMABLE, false);
		take(&a, mi, ACCT_SLAB_UNRECLAIMABLE, MI_SUNRECLAIM, false);
	} else if (val_has(v[MI_SLAB])) {
		/* kernels before 2.6.19 print only Slab: call it pinned */
		set_cat(&a, ACCT_SLAB_UNRECLAIMABLE, v[MI_SLAB], "Slab");
		note_missing(&a, "SReclaimable");
	} else {
		note_missing(&a, "Slab");
	}
	if (val_has(v[MI_KRECLAIMABLE]) && val_has(v[MI_SRECLAIMABLE]) &&
	    v[MI_KRECLAIMABLE] > v[MI_SRECLAIMABLE])
		set_cat(&a, ACCT_KERNEL_RECLAIMABLE_OTHER,
			v[MI_KRECLAIMABLE] - v[MI_SRECLAIMABLE],
			"KReclaimable - SReclaimable");
	take(&a, mi, ACCT_KERNEL_STACK, MI_KERNELSTACK, false);
	take(&a, mi, ACCT_PAGE_TABLES, MI_PAGETABLES, false);
	take(&a, mi, ACCT_SEC_PAGE_TABLES, MI_SECPAGETABLES, true);
	take(&a, mi, ACCT_VMALLOC, MI_VMALLOCUSED, false);
	a.vmalloc_stacks = vmalloc_stacks;
	if (a.present[ACCT_VMALLOC] && val_has(vmalloc_stacks) &&
	    vmalloc_stacks <= (uint64_t)a.bytes[ACCT_VMALLOC])
		a.bytes[ACCT_VMALLOC] -= (int64_t)vmalloc_stacks;
	take(&a, mi, ACCT_PERCPU, MI_PERCPU, false);
	if (val_has(v[MI_HUGETLB])) {
		take(&a, mi, ACCT_HUGETLB, MI_HUGETLB, false);
	} else if (val_has(v[MI_HUGEPAGES_TOTAL]) &&
		   val_has(v[MI_HUGEPAGESIZE])) {
		/* before 4.16: default-size pages only */
		uint64_t huge;

		if (__builtin_mul_overflow(v[MI_HUGEPAGES_TOTAL],
					   v[MI_HUGEPAGESIZE], &huge))
			huge = UINT64_MAX;
		set_cat(&a, ACCT_HUGETLB, huge,
			"HugePages_Total x Hugepagesize");
	}
	take(&a, mi, ACCT_ZSWAP, MI_ZSWAP, true);
	take(&a, mi, ACCT_GPU_ACTIVE, MI_GPUACTIVE, true);
	take(&a, mi, ACCT_GPU_RECLAIM, MI_GPURECLAIM, true);
	take(&a, mi, ACCT_UNACCEPTED, MI_UNACCEPTED, true);
	take(&a, mi, ACCT_BOUNCE, MI_BOUNCE, true);

	for (int c = 0; c < ACCT_UNACCOUNTED; c++)
		if (a.present[c])
			sum += a.bytes[c];
	set_remainder(&a, (int64_t)a.total - sum);

	a.lists.active_anon = v[MI_ACTIVE_ANON];
	a.lists.inactive_anon = v[MI_INACTIVE_ANON];
	a.lists.active_file = v[MI_ACTIVE_FILE];
	a.lists.inactive_file = v[MI_INACTIVE_FILE];
	a.lists.unevictable = v[MI_UNEVICTABLE];
	a.lists.mlocked = v[MI_MLOCKED];
	a.lists.dirty = v[MI_DIRTY];
	a.lists.writeback = v[MI_WRITEBACK];

	pick_biggest(&a);
	*ret = a;
	return 0;
}

void accounting_add_pcp(struct accounting *a, uint64_t pcp_bytes)
{
	if (a->present[ACCT_FREE_PCP])
		return;
	if (!val_has(pcp_bytes)) {
		add_note(a, "the per-CPU free lists are unknown (no zoneinfo "
			    "pagesets): their free pages are counted in "
			    "'unaccounted'.");
		return;
	}
	set_cat(a, ACCT_FREE_PCP, pcp_bytes, "zoneinfo pagesets count");
	if (!a->present[ACCT_FREE_PCP])
		return;
	if (a->present[ACCT_UNACCOUNTED])
		set_remainder(a,
			      a->bytes[ACCT_UNACCOUNTED] - (int64_t)pcp_bytes);
	pick_biggest(a);
}

uint64_t accounting_pcp_bytes(const struct zoneinfo *zi, uint64_t page_size)
{
	uint64_t sum = 0;
	bool any = false;

	if (!zi)
		return VAL_ABSENT;
	for (size_t i = 0; i < zi->n_zones; i++) {
		uint64_t c = zoneinfo_pcp_count(&zi->zones[i]);

		if (val_has(c)) {
			if (__builtin_add_overflow(sum, c, &sum))
				return VAL_ABSENT;
			any = true;
		}
	}
	if (!any || __builtin_mul_overflow(sum, page_size, &sum) ||
	    !val_has(sum))
		return VAL_ABSENT;
	return sum;
}

int accounting_from_snapshot(const struct snapshot *s, uint64_t page_size,
			     struct accounting *ret)
{
	const struct meminfo *mi = snapshot_get(s, SRC_MEMINFO);
	struct accounting a;
	int r;

	if (!mi)
		return -ENODATA;
	r = accounting_compute(
	    mi,
	    accounting_vmalloc_stacks(snapshot_get(s, SRC_VMALLOCINFO),
				      mi->v[MI_KERNELSTACK]),
	    &a);
	if (r < 0)
		return r;
	accounting_add_pcp(
	    &a, accounting_pcp_bytes(snapshot_get(s, SRC_ZONEINFO), page_size));
	*ret = a;
	return 0;
}

/* The functions that allocate task stacks with CONFIG_VMAP_STACK, as
 * /proc/vmallocinfo names the caller: alloc_thread_stack_node() is usually
 * inlined into dup_task_struct(), copy_process() or kernel_clone()
 * (_do_fork() before 5.10), and vmallocinfo prints the first function the
 * return address falls in. */
static const char *const stack_callers[] = {
    "alloc_thread_stack_node",
    "dup_task_struct",
    "copy_process",
    "kernel_clone",
    "_do_fork",
};

uint64_t accounting_vmalloc_stacks(const struct vmallocinfo *vi,
				   uint64_t kernel_stack)
{
	uint64_t page = 4096, sum = 0;

	if (!vi)
		return VAL_ABSENT;
	if (vmallocinfo_page_size(vi))
		page = vmallocinfo_page_size(vi);
	for (size_t i = 0; i < vi->n_areas; i++) {
		const struct vmalloc_area *ar = &vi->areas[i];

		if (!ar->func || ar->module || !val_has(ar->pages))
			continue;
		for (size_t k = 0; k < ELEMENTSOF(stack_callers); k++)
			if (streq(ar->func, stack_callers[k])) {
				uint64_t b;

				/* saturate: capped at KernelStack below */
				if (__builtin_mul_overflow(ar->pages, page,
							   &b) ||
				    __builtin_add_overflow(sum, b, &sum))
					sum = UINT64_MAX - 1;
				break;
			}
	}
	if (val_has(kernel_stack) && sum > kernel_stack)
		sum = kernel_stack;
	return sum;
}

static double pct(const struct accounting *a, int64_t b)
{
	return a->total ? 100.0 * (double)b / (double)a->total : 0;
}

/* The verdict follows the seed's hunt: first the kernel's pinned pools and
 * the unaccounted remainder (where leaks hide and no process shows them),
 * then the biggest consumer, then how much is really available. Thresholds:
 * 10% of RAM in unreclaimable slab is Alibaba Cloud's leak guide's line;
 * we use the same for the unaccounted remainder. */
void accounting_verdict(const struct accounting *a, char *buf, size_t n)
{
	char h1[32], h2[32];
	int64_t unacc = a->bytes[ACCT_UNACCOUNTED];
	int64_t sun = a->present[ACCT_SLAB_UNRECLAIMABLE]
			  ? a->bytes[ACCT_SLAB_UNRECLAIMABLE]
			  : 0;

	if (unacc > 0 && pct(a, unacc) >= 10.0) {
		snprintf(buf, n,
			 "%s (%.1f%%) is unaccounted: pages drivers took "
			 "straight from the page allocator; no process and no "
			 "slab cache shows them",
			 human_bytes((uint64_t)unacc, h1, sizeof(h1)),
			 pct(a, unacc));
		return;
	}
	if (pct(a, sun) >= 10.0) {
		snprintf(
		    buf, n,
		    "unreclaimable slab holds %s (%.1f%%), more than the "
		    "10%% that suggests a kernel leak: run 'memtally pools "
		    "-t unreclaimable'",
		    human_bytes((uint64_t)sun, h1, sizeof(h1)), pct(a, sun));
		return;
	}
	if (a->bytes[ACCT_FREE] >= a->bytes[a->biggest]) {
		snprintf(
		    buf, n,
		    "mostly free (%.1f%%); the largest user is %s at %s "
		    "(%.1f%%)",
		    pct(a, a->bytes[ACCT_FREE]), infos[a->biggest].label,
		    human_bytes((uint64_t)a->bytes[a->biggest], h1, sizeof(h1)),
		    pct(a, a->bytes[a->biggest]));
		return;
	}
	if (val_has(a->available))
		snprintf(
		    buf, n,
		    "the largest user is %s at %s (%.1f%%); %s (%.1f%%) "
		    "is available without swapping",
		    infos[a->biggest].label,
		    human_bytes((uint64_t)a->bytes[a->biggest], h1, sizeof(h1)),
		    pct(a, a->bytes[a->biggest]),
		    human_bytes(a->available, h2, sizeof(h2)),
		    pct(a, (int64_t)a->available));
	else
		snprintf(
		    buf, n, "the largest user is %s at %s (%.1f%%)",
		    infos[a->biggest].label,
		    human_bytes((uint64_t)a->bytes[a->biggest], h1, sizeof(h1)),
		    pct(a, a->bytes[a->biggest]));
}
