/* Page flags against counters; see pagerecon.h.
 *
 * The counter side (Documentation/filesystems/proc.rst, meminfo):
 *   free         MemFree
 *   anonymous    AnonPages + SwapCached: AnonPages counts mapped anonymous
 *                pages; an anonymous page in the swap cache and no longer
 *                mapped is only in SwapCached; the flags see both as anon
 *   file cache   Cached - Shmem + Buffers (Cached includes shmem and
 *                excludes the block-device buffers)
 *   shmem        Shmem
 *   slab         Slab (SReclaimable + SUnreclaim, in pages of slabs)
 *   page tables  PageTables + SecPageTables
 *   HugeTLB      Hugetlb (all pool sizes; older kernels: HugePages_Total
 *                times Hugepagesize)
 *   kernel       MemTotal minus all of the above: kernel stacks, vmalloc,
 *                per-CPU, and the unaccounted remainder; the flags see
 *                these as pages with no flag (plus the zero page and
 *                offline, poisoned pages)
 *   reserved     System RAM (iomem) - MemTotal: what the kernel kept at
 *                boot; the flags see PG_reserved
 * A field this kernel lacks makes its counter absent, never 0.
 *
 * Why they differ, beyond the scan not being atomic (a few MiB move
 * while it runs on a busy machine):
 *   - free: pages on the per-CPU free lists are in neither MemFree (the
 *     kernel takes them off NR_FREE_PAGES when it moves them to a CPU's
 *     list) nor the BUDDY pages: both sides leave them to "kernel", so
 *     they cause no difference. Sections not yet initialised by deferred
 *     struct page init are counted in MemFree on kernels that defer it
 *     (our "uninit"), and the guess that recognises them also takes in
 *     the struct page array and any flagless hole not excluded by
 *     /proc/iomem; free blocks merge and split during the scan.
 *   - anon: a THP being split, pages isolated for migration or reclaim
 *     still say ANON; AnonPages counts a large folio when it is mapped.
 *   - file: pages just truncated or being read in are in the page cache
 *     without LRU yet; file pages under writeback with PG_private.
 *   - slab: SLUB counts slabs in Slab per page too, and agrees to the
 *     page unless slabs are being allocated or freed meanwhile.
 *   - reserved: memblock regions freed late (initrd, EFI boot services)
 *     and the struct page array itself are counted differently. */
#include <string.h>

#include "../basic/macro.h"
#include "pagerecon.h"

static uint64_t mi_get(const struct meminfo *mi, enum meminfo_field f)
{
	return mi ? mi->v[f] : VAL_ABSENT;
}

/* a + b where both are present; VAL_ABSENT otherwise */
static uint64_t add2(uint64_t a, uint64_t b)
{
	return val_has(a) && val_has(b) ? a + b : VAL_ABSENT;
}

static void set_row(struct recon_row *r, const char *key, const char *label,
		    const char *uses, const char *counter, uint64_t scan,
		    uint64_t counted, const char *why)
{
	r->key = key;
	r->label = label;
	r->uses = uses;
	r->counter = counter;
	r->scan = scan;
	r->counted = counted;
	r->diff = val_has(counted) ? (int64_t)scan - (int64_t)counted : 0;
	r->why = why;
}

void pagerecon_meminfo(const struct pageclass_counts *c, uint64_t ps,
		       const struct meminfo *mi, uint64_t ram_bytes,
		       struct pagerecon *ret)
{
	struct pagerecon p;
	uint64_t u[_PU_MAX];
	uint64_t total = mi_get(mi, MI_MEMTOTAL), rest, hugetlb, file;
	uint64_t lru[_PL_MAX][2] = {{0}}; /* [list][anon?] */

	memset(&p, 0, sizeof(p));
	for (int i = 0; i < _PU_MAX; i++)
		u[i] = pageclass_use_pages(c, i) * ps;
	for (int i = 0; i < _PU_MAX; i++) {
		int anon =
		    i == PU_ANON || i == PU_THP || i == PU_KSM || i == PU_SHMEM;

		for (int l = 0; l < _PL_MAX; l++)
			lru[l][anon] += c->pages[i][l] * ps;
	}

	hugetlb = mi_get(mi, MI_HUGETLB);
	if (!val_has(hugetlb) && val_has(mi_get(mi, MI_HUGEPAGES_TOTAL)) &&
	    val_has(mi_get(mi, MI_HUGEPAGESIZE)))
		hugetlb = mi_get(mi, MI_HUGEPAGES_TOTAL) *
			  mi_get(mi, MI_HUGEPAGESIZE);
	file = VAL_ABSENT;
	if (val_has(mi_get(mi, MI_CACHED)) && val_has(mi_get(mi, MI_SHMEM)) &&
	    val_has(mi_get(mi, MI_BUFFERS)))
		file = mi_get(mi, MI_CACHED) - mi_get(mi, MI_SHMEM) +
		       mi_get(mi, MI_BUFFERS);

	set_row(&p.cat[RC_FREE], "free", "free", "free+uninit", "MemFree",
		u[PU_FREE] + u[PU_UNINIT], mi_get(mi, MI_MEMFREE),
		"'uninit' sections (deferred struct page init) may take in "
		"flagless memory that is not free, such as the struct page "
		"array; free blocks merge and split during the scan");
	set_row(&p.cat[RC_ANON], "anon", "anonymous", "anon+thp+ksm",
		"AnonPages+SwapCached", u[PU_ANON] + u[PU_THP] + u[PU_KSM],
		add2(mi_get(mi, MI_ANONPAGES), mi_get(mi, MI_SWAPCACHED)),
		"pages isolated for reclaim or migration, THPs being split, "
		"processes faulting during the scan");
	set_row(&p.cat[RC_FILE], "file", "file cache", "file",
		"Cached-Shmem+Buffers", u[PU_FILE], file,
		"pages entering or leaving the page cache off the LRU; "
		"block-device and filesystem metadata pages with only "
		"PG_private");
	set_row(&p.cat[RC_SHMEM], "shmem", "shmem / tmpfs", "shmem", "Shmem",
		u[PU_SHMEM], mi_get(mi, MI_SHMEM),
		"shmem pages in the swap cache are counted once each side; "
		"the difference is pages in flight");
	set_row(&p.cat[RC_SLAB], "slab", "slab", "slab", "Slab", u[PU_SLAB],
		mi_get(mi, MI_SLAB),
		"slabs allocated or freed during the scan");
	set_row(
	    &p.cat[RC_PGTABLE], "page_tables", "page tables", "pgtable",
	    "PageTables+SecPageTables", u[PU_PGTABLE],
	    val_has(mi_get(mi, MI_SECPAGETABLES))
		? add2(mi_get(mi, MI_PAGETABLES), mi_get(mi, MI_SECPAGETABLES))
		: mi_get(mi, MI_PAGETABLES),
	    "page tables of processes starting or exiting during the "
	    "scan; KVM/IOMMU tables (SecPageTables) carry no PGTABLE "
	    "flag");
	set_row(&p.cat[RC_HUGETLB], "hugetlb", "HugeTLB pool", "hugetlb",
		"Hugetlb", u[PU_HUGETLB], hugetlb,
		"surplus pages being added or freed");

	/* the kernel's uncounted rest: MemTotal minus every counter above */
	rest = VAL_ABSENT;
	if (val_has(total)) {
		int64_t r = (int64_t)total;

		for (int i = RC_FREE; i <= RC_HUGETLB; i++)
			if (val_has(p.cat[i].counted))
				r -= (int64_t)p.cat[i].counted;
		rest = r < 0 ? 0 : (uint64_t)r;
	}
	set_row(&p.cat[RC_KERNEL], "kernel", "kernel, no flag",
		"kernel+zero+offline+hwpoison",
		"MemTotal-above (stacks, vmalloc, per-CPU, unaccounted)",
		u[PU_KERNEL] + u[PU_ZERO] + u[PU_OFFLINE] + u[PU_HWPOISON],
		rest,
		"also holds the per-CPU free lists (in neither MemFree nor "
		"the BUDDY pages) and every counter's moment-to-moment error");
	set_row(&p.cat[RC_RESERVED], "reserved", "reserved at boot", "reserved",
		"System RAM (iomem)-MemTotal", u[PU_RESERVED],
		val_has(ram_bytes) && val_has(total) && ram_bytes >= total
		    ? ram_bytes - total
		    : VAL_ABSENT,
		"the struct page array and memblock areas freed late (initrd, "
		"EFI) are counted on one side only");
	set_row(&p.cat[RC_HOLE], "hole", "holes (not RAM)", "hole", "-",
		u[PU_HOLE], VAL_ABSENT,
		"PFNs with no RAM behind them: firmware and PCI windows");

	set_row(&p.list[RL_ACTIVE_ANON], "active_anon", "active(anon)",
		"anon+thp+ksm+shmem, LRU active", "Active(anon)",
		lru[PL_ACTIVE][1], mi_get(mi, MI_ACTIVE_ANON), "");
	set_row(&p.list[RL_INACTIVE_ANON], "inactive_anon", "inactive(anon)",
		"anon+thp+ksm+shmem, LRU inactive", "Inactive(anon)",
		lru[PL_INACTIVE][1], mi_get(mi, MI_INACTIVE_ANON), "");
	set_row(&p.list[RL_ACTIVE_FILE], "active_file", "active(file)",
		"file, LRU active", "Active(file)", lru[PL_ACTIVE][0],
		mi_get(mi, MI_ACTIVE_FILE), "");
	set_row(&p.list[RL_INACTIVE_FILE], "inactive_file", "inactive(file)",
		"file, LRU inactive", "Inactive(file)", lru[PL_INACTIVE][0],
		mi_get(mi, MI_INACTIVE_FILE), "");
	set_row(&p.list[RL_UNEVICTABLE], "unevictable", "unevictable",
		"UNEVICTABLE", "Unevictable",
		lru[PL_UNEVICTABLE][0] + lru[PL_UNEVICTABLE][1],
		mi_get(mi, MI_UNEVICTABLE), "");
	{
		uint64_t ml = 0, dirty = 0, wb = 0, mapped = 0;

		for (int i = 0; i < _PU_MAX; i++) {
			ml += c->attr[i][PA_MLOCKED] * ps;
			wb += c->attr[i][PA_WRITEBACK] * ps;
		}
		/* Dirty counts pages of mappings that write back (files);
		 * tmpfs and anonymous pages are dirty without counting */
		dirty = c->attr[PU_FILE][PA_DIRTY] * ps;
		mapped = c->attr[PU_FILE][PA_MAPPED] * ps +
			 c->attr[PU_SHMEM][PA_MAPPED] * ps;
		set_row(&p.list[RL_MLOCKED], "mlocked", "mlocked", "MLOCKED",
			"Mlocked", ml, mi_get(mi, MI_MLOCKED), "");
		set_row(&p.list[RL_DIRTY], "dirty", "dirty", "file, DIRTY",
			"Dirty", dirty, mi_get(mi, MI_DIRTY),
			"pages dirtied or cleaned during the scan");
		set_row(&p.list[RL_WRITEBACK], "writeback", "writeback",
			"WRITEBACK", "Writeback", wb, mi_get(mi, MI_WRITEBACK),
			"");
		set_row(&p.list[RL_MAPPED], "mapped", "mapped file",
			"file+shmem, MMAP", "Mapped", mapped,
			mi_get(mi, MI_MAPPED), "");
		set_row(&p.list[RL_ANON_THP], "anon_thp", "anonymous THP",
			"thp", "AnonHugePages", u[PU_THP],
			mi_get(mi, MI_ANONHUGEPAGES),
			"AnonHugePages counts PMD-mapped THPs; the flags "
			"also see smaller large folios (mTHP) and THPs "
			"mapped by PTEs");
	}
	p.scan_total = c->total * ps;
	p.scan_in_total = p.scan_total - u[PU_HOLE] - u[PU_RESERVED];
	p.mem_total = total;
	*ret = p;
}

void pagerecon_free(const uint64_t *scan, const uint64_t *buddy,
		    unsigned orders, struct free_recon *ret)
{
	struct free_recon r = {.orders = orders};
	uint64_t most;

	for (unsigned o = 0; o < orders; o++) {
		r.scan_blocks += scan[o];
		r.buddy_blocks += buddy[o];
		r.scan_pages += scan[o] << o;
		r.buddy_pages += buddy[o] << o;
		r.same_blocks += scan[o] < buddy[o] ? scan[o] : buddy[o];
	}
	most = r.scan_blocks > r.buddy_blocks ? r.scan_blocks : r.buddy_blocks;
	r.agreement =
	    most ? 100.0 * (double)r.same_blocks / (double)most : 100.0;
	*ret = r;
}
