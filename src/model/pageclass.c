/* Classifying physical pages from their kpageflags words; see pageclass.h.
 *
 * The words come from fs/proc/page.c, stable_page_flags(), documented in
 * Documentation/admin-guide/mm/pagemap.rst. What the flags can and cannot
 * tell decides the rules below; each limit is said where it bites.
 *
 * The rule table (pageclass_one), first match wins:
 *   NOPAGE -> hole; BUDDY -> free; HWPOISON; OFFLINE; HUGE -> hugetlb;
 *   ZERO_PAGE -> zero (the huge zero page also says THP: zero wins);
 *   SLAB; PGTABLE; KSM; ANON -> thp when THP, else anon;
 *   SWAPBACKED (not ANON) -> shmem; RESERVED;
 *   any page-cache sign (LRU, MMAP, UPTODATE, DIRTY, WRITEBACK, ACTIVE,
 *   UNEVICTABLE, RECLAIM, SWAPCACHE, PRIVATE) -> file;
 *   anything else -> kernel.
 * The list: free pages are on the free list; UNEVICTABLE -> unevictable;
 * LRU -> active or inactive by ACTIVE; otherwise none. ACTIVE on a slab
 * page means "frozen" (SLUB overloads it) and slab pages are never on an
 * LRU, so it cannot be misread.
 *
 * Compound pages: a COMPOUND_HEAD starts one, every following
 * COMPOUND_TAIL belongs to it (the Owner link of the seed's free-run
 * entries), and takes the head's use and list whatever its own word says:
 * kernels before the folio work gave tails almost no flags, newer ones
 * give them the folio's. A tail with no head before it (a scan that
 * starts inside a compound page) is classified on its own word and
 * counted as an orphan.
 *
 * Free blocks, and the essay they need. The buddy allocator marks the
 * first page of a free block (PageBuddy, a page type) and keeps the
 * block's order in that page's private field, which /proc/kpageflags does
 * not export. Documentation/admin-guide/mm/pagemap.rst still says BUDDY is
 * set "only for the first page", but stable_page_flags() has long added
 *     else if (page_count(page) == 0 && is_free_buddy_page(page))
 * (it is there in the 4.x KPF_BALLOON era and in 6.17's snapshot_page()),
 * so on any kernel of the last years every page of a free block says
 * BUDDY; this 6.18 machine shows it (its DMA zone reads as one run of
 * 3840 BUDDY pages). Two ways follow:
 *   Every page flagged (the default). A run of BUDDY pages is a sequence
 *   of free blocks, and the buddy invariant fixes which: blocks are
 *   aligned to their size and two free buddies are always merged, so
 *   cutting the run greedily, at each PFN the largest block its alignment
 *   (ctz(PFN)), MAX_PAGE_ORDER (10 on x86-64; the caller may say
 *   otherwise, from buddyinfo's columns) and the pages left allow, gives
 *   the allocator's own blocks. Exact except where merging is refused:
 *   pageblocks of isolated or CMA migrate types next to others, and pages
 *   freed or taken while the scan reads the run.
 *   Head only (cfg.buddy_head_only, for old kernels or captures from
 *   them). The pages after the head are left as the allocator freed them:
 *   no flag, map count 0, no memory cgroup ("blank"). The block is the
 *   largest aligned power of two within the head and the blank pages
 *   after it; blank pages past it are counted in blank_after_block. The
 *   blind spot: a page taken straight from the allocator (a driver's page,
 *   vmalloc, a per-CPU list page) is blank too, so a block followed by
 *   such pages looks bigger than it is: the order is an upper bound. A
 *   map count or a cgroup charge (pipe buffers) ends a block, which is why
 *   the other two files help when they are readable.
 * Either way the measurement spans batches: the run's start and length
 * are state, settled when a page that is not part of it arrives, at a
 * 2^max_order boundary (no block crosses one), or at pageclass_finish().
 *
 * Blank pages outside free blocks are held as a run too, and settled the
 * same way, because their use depends on where the run lies:
 *   - outside every System RAM range (when the caller gives /proc/iomem's)
 *     they are holes: on x86 the PCI window below 4 GiB has struct pages
 *     that read as 0 rather than NOPAGE;
 *   - whole memory sections (2^15 pages of 4 KiB on x86-64) with no flag
 *     at all are struct pages nobody initialised: deferred struct page
 *     init (CONFIG_DEFERRED_STRUCT_PAGE_INIT, and the lazy variant some
 *     VMs boot with) hands memory to the allocator section by section,
 *     and MemFree already counts what is still waiting. They are "uninit";
 *     zoneinfo's present - managed pages of the zone confirm the figure
 *     (`ranges` shows both). A driver holding a whole aligned section of
 *     memory without a single flag would be taken for uninit: we know of
 *     none (CMA, crash kernel and HugeTLB pages all carry flags);
 *   - the rest are kernel pages. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "../basic/macro.h"
#include "../sources/kpageflags.h"
#include "pageclass.h"

static const char *const use_names[_PU_MAX] = {
    [PU_FREE] = "free",		[PU_ANON] = "anon",
    [PU_THP] = "thp",		[PU_KSM] = "ksm",
    [PU_FILE] = "file",		[PU_SHMEM] = "shmem",
    [PU_SLAB] = "slab",		[PU_PGTABLE] = "pgtable",
    [PU_HUGETLB] = "hugetlb",	[PU_ZERO] = "zero",
    [PU_OFFLINE] = "offline",	[PU_HWPOISON] = "hwpoison",
    [PU_RESERVED] = "reserved", [PU_KERNEL] = "kernel",
    [PU_UNINIT] = "uninit",	[PU_HOLE] = "hole",
};

static const char *const list_names[_PL_MAX] = {
    [PL_FREE] = "free",		[PL_ACTIVE] = "active",
    [PL_INACTIVE] = "inactive", [PL_UNEVICTABLE] = "unevictable",
    [PL_NONE] = "none",
};

static const char *const attr_names[_PA_MAX] = {
    [PA_DIRTY] = "dirty",	    [PA_WRITEBACK] = "writeback",
    [PA_LOCKED] = "locked",	    [PA_IDLE] = "idle",
    [PA_REFERENCED] = "referenced", [PA_MAPPED] = "mapped",
    [PA_SWAPCACHE] = "swapcache",   [PA_MLOCKED] = "mlocked",
};

static const uint64_t attr_bits[_PA_MAX] = {
    [PA_DIRTY] = KPF(DIRTY),	       [PA_WRITEBACK] = KPF(WRITEBACK),
    [PA_LOCKED] = KPF(LOCKED),	       [PA_IDLE] = KPF(IDLE),
    [PA_REFERENCED] = KPF(REFERENCED), [PA_MAPPED] = KPF(MMAP),
    [PA_SWAPCACHE] = KPF(SWAPCACHE),   [PA_MLOCKED] = KPF(MLOCKED),
};

const char *page_use_name(enum page_use u)
{
	return (unsigned)u < _PU_MAX ? use_names[u] : "?";
}

const char *page_list_name(enum page_list l)
{
	return (unsigned)l < _PL_MAX ? list_names[l] : "?";
}

const char *page_attr_name(enum page_attr a)
{
	return (unsigned)a < _PA_MAX ? attr_names[a] : "?";
}

int page_use_lookup(const char *name)
{
	for (int u = 0; u < _PU_MAX; u++)
		if (strcasecmp(name, use_names[u]) == 0)
			return u;
	return -1;
}

#define FILE_SIGNS                                                             \
	(KPF(LRU) | KPF(MMAP) | KPF(UPTODATE) | KPF(DIRTY) | KPF(WRITEBACK) |  \
	 KPF(ACTIVE) | KPF(UNEVICTABLE) | KPF(RECLAIM) | KPF(SWAPCACHE) |      \
	 KPF(PRIVATE))

static enum page_use use_of(uint64_t f)
{
	if (f & KPF(NOPAGE))
		return PU_HOLE;
	if (f & KPF(BUDDY))
		return PU_FREE;
	if (f & KPF(HWPOISON))
		return PU_HWPOISON;
	if (f & KPF(OFFLINE))
		return PU_OFFLINE;
	if (f & KPF(HUGE))
		return PU_HUGETLB;
	if (f & KPF(ZERO_PAGE))
		return PU_ZERO;
	if (f & KPF(SLAB))
		return PU_SLAB;
	if (f & KPF(PGTABLE))
		return PU_PGTABLE;
	if (f & KPF(KSM))
		return PU_KSM;
	if (f & KPF(ANON))
		return f & KPF(THP) ? PU_THP : PU_ANON;
	if (f & KPF(SWAPBACKED))
		return PU_SHMEM;
	if (f & KPF(RESERVED))
		return PU_RESERVED;
	if (f & FILE_SIGNS)
		return PU_FILE;
	return PU_KERNEL;
}

static enum page_list list_of(enum page_use u, uint64_t f)
{
	if (u == PU_FREE)
		return PL_FREE;
	if (u == PU_SLAB || u == PU_HOLE)
		return PL_NONE;
	if (f & KPF(UNEVICTABLE))
		return PL_UNEVICTABLE;
	if (f & KPF(LRU))
		return f & KPF(ACTIVE) ? PL_ACTIVE : PL_INACTIVE;
	return PL_NONE;
}

void pageclass_one(uint64_t flags, enum page_use *ret_use,
		   enum page_list *ret_list)
{
	enum page_use u = use_of(flags);

	*ret_use = u;
	*ret_list = list_of(u, flags);
}

void pageclass_init(struct pageclass *pc, const struct pageclass_cfg *cfg)
{
	memset(pc, 0, sizeof(*pc));
	pc->cfg = *cfg;
	if (pc->cfg.max_order == 0 || pc->cfg.max_order > PC_ORDER_MAX)
		pc->cfg.max_order = 10;
	if (pc->cfg.n_zones > PC_ZONES_MAX)
		pc->cfg.n_zones = PC_ZONES_MAX;
	if (pc->cfg.section_pages == 0)
		pc->cfg.section_pages = 32768;
}

/* Count (and emit) n pages of one kind starting at pfn, clipped to the
 * configured window. */
static void record(struct pageclass *pc, uint64_t pfn, uint64_t n,
		   enum page_use u, enum page_list l, uint64_t flags,
		   uint64_t attr_flags, uint64_t count, uint64_t cgroup,
		   uint64_t head)
{
	uint64_t lo = pc->cfg.lo, hi = pc->cfg.hi ? pc->cfg.hi : UINT64_MAX;

	if (pfn < lo) {
		if (pfn + n <= lo)
			return;
		n -= lo - pfn;
		pfn = lo;
	}
	if (pfn >= hi)
		return;
	if (n > hi - pfn)
		n = hi - pfn;
	pc->c.pages[u][l] += n;
	pc->c.total += n;
	if (attr_flags)
		for (int a = 0; a < _PA_MAX; a++)
			if (attr_flags & attr_bits[a])
				pc->c.attr[u][a] += n;
	if (pc->cfg.emit) {
		struct page_run r = {
		    .pfn = pfn,
		    .n = n,
		    .use = u,
		    .list = l,
		    .flags = flags,
		    .count = count,
		    .cgroup = cgroup,
		    .head = head,
		};

		pc->cfg.emit(pc->cfg.ctx, &r);
	}
}

/* What a blank page's count and cgroup were: 0, or absent (not read). */
#define BC (pc->blank_count)
#define BG (pc->blank_cgroup)

static size_t zone_of(const struct pageclass *pc, uint64_t pfn)
{
	for (size_t z = 0; z < pc->cfg.n_zones; z++)
		if (pfn >= pc->cfg.zones[z].start && pfn < pc->cfg.zones[z].end)
			return z;
	return pc->cfg.n_zones;
}

static unsigned max_order_at(const struct pageclass *pc, uint64_t pfn);

/* Count one free block [pfn, pfn + 2^order) and tell emit_block. */
static void count_block(struct pageclass *pc, uint64_t pfn, unsigned order)
{
	size_t z;

	if (pfn < pc->cfg.lo || (pc->cfg.hi && pfn >= pc->cfg.hi))
		return;
	z = zone_of(pc, pfn);
	pc->c.free_blocks[z][order]++;
	if (pc->cfg.emit_block)
		pc->cfg.emit_block(pc->cfg.ctx, pfn, order, z);
}

/* The free run being measured ends here.
 * Every page flagged: cut the run into the blocks the buddy allocator
 * must hold, greedily: at each PFN the largest block its alignment and
 * the pages left allow.
 * Head only: the block is the largest aligned power of two that fits in
 * the head and the blank pages after it; the rest are blank pages of
 * unknown use, settled with the other blank runs. */
static void settle_block(struct pageclass *pc)
{
	uint64_t p = pc->pend_pfn, left = pc->pend_len;
	bool first = true;

	if (!pc->pending)
		return;
	pc->pending = false;
	while (left) {
		uint64_t size = 1, fl = first ? pc->pend_flags : KPF(BUDDY);
		unsigned order = 0, cap = max_order_at(pc, p);

		while (order < cap && size * 2 <= left) {
			order++;
			size *= 2;
		}
		record(pc, p, 1, PU_FREE, PL_FREE, fl, fl,
		       first ? pc->pend_count : BC,
		       first ? pc->pend_cgroup : BG, p);
		if (size > 1)
			record(pc, p + 1, size - 1, PU_FREE, PL_FREE,
			       pc->cfg.buddy_head_only ? 0 : KPF(BUDDY), 0, BC,
			       BG, p);
		count_block(pc, p, order);
		p += size;
		left -= size;
		first = false;
		if (pc->cfg.buddy_head_only && left) {
			pc->c.blank_after_block += left;
			pc->blank_pfn = p;
			pc->blank_len = left;
			break;
		}
	}
}

/* A blank piece known to be all RAM or all not: split off whole sections
 * (uninit), the rest is kernel; outside RAM, holes. */
static void blank_piece(struct pageclass *pc, uint64_t p, uint64_t n, bool ram)
{
	uint64_t sec = pc->cfg.section_pages, a, b;

	if (!ram) {
		pc->c.blank_not_ram += n;
		record(pc, p, n, PU_HOLE, PL_NONE, 0, 0, BC, BG, p);
		return;
	}
	a = (p + sec - 1) / sec * sec;
	b = (p + n) / sec * sec;
	if (a >= b) {
		record(pc, p, n, PU_KERNEL, PL_NONE, 0, 0, BC, BG, p);
		return;
	}
	if (a > p)
		record(pc, p, a - p, PU_KERNEL, PL_NONE, 0, 0, BC, BG, p);
	record(pc, a, b - a, PU_UNINIT, PL_FREE, 0, 0, BC, BG, a);
	if (p + n > b)
		record(pc, b, p + n - b, PU_KERNEL, PL_NONE, 0, 0, BC, BG, b);
}

/* The blank run ends: cut it at System RAM boundaries. */
static void settle_blank(struct pageclass *pc)
{
	uint64_t p = pc->blank_pfn, end = p + pc->blank_len;

	if (pc->blank_len == 0)
		return;
	pc->blank_len = 0;
	if (pc->cfg.n_ram == 0) {
		blank_piece(pc, p, end - p, true);
		return;
	}
	while (p < end) {
		uint64_t next = end;
		bool ram = false;

		for (size_t i = 0; i < pc->cfg.n_ram; i++) {
			const struct pageclass_zone *r = &pc->cfg.ram[i];

			if (p >= r->start && p < r->end) {
				ram = true;
				next = r->end < end ? r->end : end;
				break;
			}
			if (r->start > p && r->start < next)
				next = r->start;
		}
		blank_piece(pc, p, next - p, ram);
		p = next;
	}
}

static unsigned max_order_at(const struct pageclass *pc, uint64_t pfn)
{
	unsigned k = pfn ? (unsigned)__builtin_ctzll(pfn) : 63;

	return k < pc->cfg.max_order ? k : pc->cfg.max_order;
}

int pageclass_feed(struct pageclass *pc, uint64_t pfn, const uint64_t *flags,
		   const uint64_t *counts, const uint64_t *cgroups, size_t n)
{
	if (pc->started && pfn != pc->next_pfn)
		return -EINVAL;
	pc->started = true;
	pc->next_pfn = pfn + n;
	pc->blank_count = counts ? 0 : VAL_ABSENT;
	pc->blank_cgroup = cgroups ? 0 : VAL_ABSENT;

	for (size_t i = 0; i < n; i++) {
		uint64_t f = flags[i], p = pfn + i;
		uint64_t cnt = counts ? counts[i] : VAL_ABSENT;
		uint64_t cg = cgroups ? cgroups[i] : VAL_ABSENT;
		bool blank =
		    f == 0 && (!counts || cnt == 0) && (!cgroups || cg == 0);
		enum page_use u;
		enum page_list l;

		if (pc->pending) {
			bool more = pc->cfg.buddy_head_only
					? blank
					: (f & (KPF(BUDDY) | KPF(NOPAGE))) ==
					      KPF(BUDDY);

			if (more) {
				pc->pend_len++;
				/* settle what cannot change any more: the
				 * head-only block at its largest, or an
				 * all-flagged run at a boundary no block
				 * crosses */
				if (pc->cfg.buddy_head_only
					? pc->pend_len ==
					      (UINT64_C(1)
					       << pc->pend_max_order)
					: ((p + 1) &
					   ((UINT64_C(1) << pc->cfg.max_order) -
					    1)) == 0)
					settle_block(pc);
				continue;
			}
			settle_block(pc);
		}
		if (blank) {
			if (pc->blank_len == 0)
				pc->blank_pfn = p;
			pc->blank_len++;
			pc->in_compound = false;
			continue;
		}
		settle_blank(pc);

		if (f & KPF(COMPOUND_TAIL)) {
			if (pc->in_compound) {
				pc->c.compound_tails++;
				record(pc, p, 1, pc->head_use, pc->head_list, f,
				       pc->head_flags, cnt, cg, pc->head_pfn);
				continue;
			}
			pc->c.orphan_tails++;
		} else {
			pc->in_compound = false;
		}

		pageclass_one(f, &u, &l);
		if (u == PU_FREE) {
			pc->pending = true;
			pc->pend_pfn = p;
			pc->pend_flags = f;
			pc->pend_count = cnt;
			pc->pend_cgroup = cg;
			pc->pend_len = 1;
			pc->pend_max_order = max_order_at(pc, p);
			if (pc->cfg.buddy_head_only && pc->pend_max_order == 0)
				settle_block(pc);
			continue;
		}
		if (f & KPF(COMPOUND_HEAD)) {
			pc->in_compound = true;
			pc->head_pfn = p;
			pc->head_flags = f;
			pc->head_use = u;
			pc->head_list = l;
			pc->c.compound_heads++;
		}
		record(pc, p, 1, u, l, f, f, cnt, cg, p);
	}
	return 0;
}

void pageclass_finish(struct pageclass *pc)
{
	settle_block(pc);
	settle_blank(pc);
	pc->in_compound = false;
}

void pageclass_counts_add(struct pageclass_counts *dst,
			  const struct pageclass_counts *src)
{
	for (int u = 0; u < _PU_MAX; u++) {
		for (int l = 0; l < _PL_MAX; l++)
			dst->pages[u][l] += src->pages[u][l];
		for (int a = 0; a < _PA_MAX; a++)
			dst->attr[u][a] += src->attr[u][a];
	}
	for (int z = 0; z <= PC_ZONES_MAX; z++)
		for (int o = 0; o <= PC_ORDER_MAX; o++)
			dst->free_blocks[z][o] += src->free_blocks[z][o];
	dst->compound_heads += src->compound_heads;
	dst->compound_tails += src->compound_tails;
	dst->orphan_tails += src->orphan_tails;
	dst->blank_after_block += src->blank_after_block;
	dst->blank_not_ram += src->blank_not_ram;
	dst->total += src->total;
}

uint64_t pageclass_use_pages(const struct pageclass_counts *c, enum page_use u)
{
	uint64_t s = 0;

	for (int l = 0; l < _PL_MAX; l++)
		s += c->pages[u][l];
	return s;
}

uint64_t pageclass_list_pages(const struct pageclass_counts *c,
			      enum page_list l)
{
	uint64_t s = 0;

	for (int u = 0; u < _PU_MAX; u++)
		s += c->pages[u][l];
	return s;
}
