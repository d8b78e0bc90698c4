/* The page classifier: every physical page into one use and one list,
 * from its /proc/kpageflags word (and /proc/kpagecount, /proc/kpagecgroup
 * when they are there). Pure: arrays in, counts and runs out, no I/O.
 *
 * Feed it consecutive batches in PFN order; it carries what spans a batch
 * boundary (a compound page's head, a free block being measured) in its
 * state, so any batch size gives the same answer. It keeps counters only,
 * never an entry per page; a caller that wants a listing gives an emit
 * callback and gets runs of pages in PFN order.
 *
 * Uses (one per page; compound tails take their head's use and list):
 *   free      BUDDY heads and the pages of their free blocks
 *   anon      anonymous (process private), not THP or KSM
 *   thp       anonymous transparent huge pages (any large anon folio)
 *   ksm       KSM-merged anonymous pages
 *   file      page cache of files and block devices (incl. file THP)
 *   shmem     swap-backed but not anonymous: tmpfs, shm, memfd, shared
 *             anonymous mappings (incl. shmem THP)
 *   slab      slab allocator pages
 *   pgtable   page tables
 *   hugetlb   HugeTLB pool pages, free or in use
 *   zero      the shared zero page(s)
 *   offline   offline / balloon pages (given back to the hypervisor)
 *   hwpoison  pages taken out of use after a memory error
 *   reserved  PG_reserved: kernel image, firmware and memblock areas
 *   kernel    pages with no flag: taken straight from the page allocator
 *             by drivers, vmalloc, kernel stacks, pipes, per-CPU lists
 *             (the `unaccounted` of `usage`, plus the counted ones)
 *   uninit    whole memory sections with no flag at all: struct pages
 *             not initialised yet (deferred_init=lazy, memory the kernel
 *             has not handed to its allocator; MemFree counts it)
 *   hole      no struct page here (NOPAGE), or a blank page outside
 *             every System RAM range when those are given
 * Lists: free, active, inactive, unevictable, none (not on an LRU). */
#ifndef MEMTALLY_PAGECLASS_H
#define MEMTALLY_PAGECLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum page_use {
	PU_FREE,
	PU_ANON,
	PU_THP,
	PU_KSM,
	PU_FILE,
	PU_SHMEM,
	PU_SLAB,
	PU_PGTABLE,
	PU_HUGETLB,
	PU_ZERO,
	PU_OFFLINE,
	PU_HWPOISON,
	PU_RESERVED,
	PU_KERNEL,
	PU_UNINIT,
	PU_HOLE,
	_PU_MAX,
};

enum page_list {
	PL_FREE,
	PL_ACTIVE,
	PL_INACTIVE,
	PL_UNEVICTABLE,
	PL_NONE,
	_PL_MAX,
};

/* Flags counted per use, besides the list (not exclusive). */
enum page_attr {
	PA_DIRTY,
	PA_WRITEBACK,
	PA_LOCKED,
	PA_IDLE,
	PA_REFERENCED,
	PA_MAPPED,
	PA_SWAPCACHE,
	PA_MLOCKED,
	_PA_MAX,
};

#define PC_ORDER_MAX 20 /* largest buddy order we can count (10 on x86) */
#define PC_ZONES_MAX 32

const char *page_use_name(enum page_use u);
const char *page_list_name(enum page_list l);
const char *page_attr_name(enum page_attr a);
/* -1 when unknown */
int page_use_lookup(const char *name);

/* A run of consecutive pages of one kind, as emitted. For a single page
 * n == 1 and flags/count/cgroup are its own; a run of pages with no flag
 * at all (free block pages, kernel pages) may come as one run. */
struct page_run {
	uint64_t pfn, n;
	enum page_use use;
	enum page_list list;
	uint64_t flags;	 /* the raw kpageflags word */
	uint64_t count;	 /* kpagecount (map count); VAL_ABSENT if unread */
	uint64_t cgroup; /* kpagecgroup inode; VAL_ABSENT if unread */
	uint64_t head;	 /* first PFN of the compound page or free block it
			  * belongs to (its own PFN otherwise) */
};

/* A zone's PFN span, for the free-block histogram (zoneinfo). */
struct pageclass_zone {
	uint64_t start, end; /* [start, end) */
};

struct pageclass_cfg {
	unsigned max_order; /* largest buddy order; 0 means 10 */
	uint64_t lo, hi;    /* count and emit only PFNs in [lo, hi);
			     * hi == 0 means no upper bound */
	const struct pageclass_zone *zones;
	size_t n_zones; /* at most PC_ZONES_MAX */
	/* System RAM ranges (iomem), sorted; none: every PFN is RAM */
	const struct pageclass_zone *ram;
	size_t n_ram;
	uint64_t section_pages; /* memory section size; 0 means 32768 */
	/* BUDDY on the first page of a free block only (old kernels); by
	 * default every page of a free block carries it, see pageclass.c */
	bool buddy_head_only;
	void (*emit)(void *ctx, const struct page_run *run);
	/* a free block found: its first PFN, inferred order, zone index
	 * (n_zones when outside every zone) */
	void (*emit_block)(void *ctx, uint64_t pfn, unsigned order,
			   size_t zone);
	void *ctx;
};

struct pageclass_counts {
	uint64_t pages[_PU_MAX][_PL_MAX];
	uint64_t attr[_PU_MAX][_PA_MAX];
	/* free blocks by zone (the last row: outside every zone) and order */
	uint64_t free_blocks[PC_ZONES_MAX + 1][PC_ORDER_MAX + 1];
	uint64_t compound_heads, compound_tails, orphan_tails;
	uint64_t blank_after_block; /* flagless pages right after a free
				     * block's inferred end */
	uint64_t blank_not_ram;	    /* flagless pages outside System RAM */
	uint64_t total;		    /* pages counted */
};

struct pageclass {
	struct pageclass_cfg cfg;
	struct pageclass_counts c;
	uint64_t next_pfn;
	bool started;
	/* compound page in progress */
	bool in_compound;
	uint64_t head_pfn, head_flags;
	enum page_use head_use;
	enum page_list head_list;
	/* free block being measured: the head and the blank pages after it */
	bool pending;
	uint64_t pend_pfn, pend_flags, pend_count, pend_cgroup, pend_len;
	unsigned pend_max_order;
	/* run of blank pages (no flag, count, cgroup) not in a free block */
	uint64_t blank_pfn, blank_len;
	uint64_t blank_count, blank_cgroup; /* 0, or VAL_ABSENT: not read */
};

void pageclass_init(struct pageclass *pc, const struct pageclass_cfg *cfg);
/* Classify n pages starting at pfn. counts and cgroups may be NULL (file
 * not readable). A batch must start where the previous one ended
 * (-EINVAL otherwise). */
int pageclass_feed(struct pageclass *pc, uint64_t pfn, const uint64_t *flags,
		   const uint64_t *counts, const uint64_t *cgroups, size_t n);
/* End of input: settle a free block still being measured. */
void pageclass_finish(struct pageclass *pc);
/* dst += src (for scans split across threads). */
void pageclass_counts_add(struct pageclass_counts *dst,
			  const struct pageclass_counts *src);

/* The use and list of one page seen alone (no compound or free-block
 * context): the rule table, exposed for tests and for --owners. */
void pageclass_one(uint64_t flags, enum page_use *ret_use,
		   enum page_list *ret_list);

/* Sum of one use over all lists, one list over all uses. */
uint64_t pageclass_use_pages(const struct pageclass_counts *c, enum page_use u);
uint64_t pageclass_list_pages(const struct pageclass_counts *c,
			      enum page_list l);

#endif
