/* Accounting to 100%: every byte of MemTotal in exactly one category.
 *
 * This is RAMMap's Use Counts for Linux, computed from /proc/meminfo's
 * counters (issue #3's `usage --exact` computes the same from the page
 * flags). The categories are disjoint by construction (see accounting.c
 * for why each subtraction is right), and whatever they do not cover is
 * the `unaccounted` remainder: pages taken straight from the page
 * allocator by drivers and subsystems that keep no counter, the Linux twin
 * of invisible nonpaged-pool growth. The remainder is signed: counters are
 * read at slightly different moments and a few overlap on some kernels, so
 * it can dip below zero by a little; it is shown as measured, never
 * clamped, and the categories still sum to MemTotal exactly.
 *
 * Pure: takes parsed sources, returns numbers; never reads files. */
#ifndef MEMTALLY_ACCOUNTING_H
#define MEMTALLY_ACCOUNTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sources/meminfo.h"
#include "../sources/vmallocinfo.h"
#include "../sources/zoneinfo.h"

enum acct_cat {
	ACCT_FREE,
	ACCT_FREE_PCP,
	ACCT_ANON,
	ACCT_PAGE_CACHE,
	ACCT_SHMEM,
	ACCT_BUFFERS,
	ACCT_SWAP_CACHE,
	ACCT_SLAB_RECLAIMABLE,
	ACCT_SLAB_UNRECLAIMABLE,
	ACCT_KERNEL_RECLAIMABLE_OTHER,
	ACCT_KERNEL_STACK,
	ACCT_PAGE_TABLES,
	ACCT_SEC_PAGE_TABLES,
	ACCT_VMALLOC,
	ACCT_PERCPU,
	ACCT_HUGETLB,
	ACCT_ZSWAP,
	ACCT_GPU_ACTIVE,
	ACCT_GPU_RECLAIM,
	ACCT_UNACCEPTED,
	ACCT_BOUNCE,
	ACCT_UNACCOUNTED,
	_ACCT_MAX,
};

/* How memory in a category behaves under pressure. */
enum acct_reclaim {
	RECLAIM_FREE,	 /* already free */
	RECLAIM_CHEAP,	 /* the kernel can drop it (clean cache, slab) */
	RECLAIM_SWAP,	 /* only by writing it to swap */
	RECLAIM_NEVER,	 /* pinned kernel memory */
	RECLAIM_UNKNOWN, /* nobody says */
};

struct acct_cat_info {
	const char *key;     /* JSON name: "slab_unreclaimable" */
	const char *label;   /* text: "unreclaimable slab" */
	const char *windows; /* RAMMap's nearest Use Count */
	const char *source;  /* how it is computed: "SUnreclaim" */
	enum acct_reclaim reclaim;
};

const struct acct_cat_info *acct_cat_info(enum acct_cat c);
const char *acct_reclaim_name(enum acct_reclaim r);

struct acct_lists {
	/* VAL_ABSENT where the kernel does not say */
	uint64_t active_anon, inactive_anon;
	uint64_t active_file, inactive_file;
	uint64_t unevictable, mlocked;
	uint64_t dirty, writeback;
};

struct accounting {
	uint64_t total;		  /* MemTotal */
	uint64_t available;	  /* MemAvailable, or VAL_ABSENT */
	bool present[_ACCT_MAX];  /* category reported by this kernel */
	int64_t bytes[_ACCT_MAX]; /* signed only for ACCT_UNACCOUNTED */
	struct acct_lists lists;
	/* meminfo fields a category needed but this kernel lacks */
	const char *missing[16];
	size_t n_missing;
	enum acct_cat biggest;	 /* largest category other than free */
	uint64_t vmalloc_stacks; /* taken out of vmalloc, or VAL_ABSENT */
	/* why a category was left out or a figure is doubtful (an
	 * inconsistent meminfo, a missing zoneinfo), one sentence each: the
	 * views print them as notes */
	char notes[6][160];
	size_t n_notes;
};

/* MemTotal above this is refused (-ERANGE): 4 PiB, the most physical
 * memory x86_64 and arm64 can address (52 bits); no real meminfo comes
 * near, and below it no sum of categories can overflow. */
#define ACCT_MAX_TOTAL (UINT64_C(1) << 52)

/* Compute the categories from meminfo. vmalloc_stacks is how many bytes
 * of VmallocUsed are kernel stacks (also in KernelStack), or VAL_ABSENT
 * when unknown. Returns -EINVAL when meminfo lacks MemTotal or MemFree,
 * -ERANGE when MemTotal exceeds ACCT_MAX_TOTAL. A hostile or inconsistent
 * meminfo never yields a negative or wrapped category: a field larger than
 * MemTotal, or Cached below Shmem, leaves its category out with a note in
 * notes[]; a remainder far below zero (more than MemTotal/8, which no
 * skew between counters explains) is left out the same way. */
int accounting_compute(const struct meminfo *mi, uint64_t vmalloc_stacks,
		       struct accounting *ret);

/* Move pcp_bytes, the free pages on the per-CPU lists (zoneinfo's
 * pagesets "count", summed), out of the unaccounted remainder into their
 * own category: they are free, but not in MemFree. For VAL_ABSENT, or a
 * figure above MemTotal, the category stays out and a note says so. */
void accounting_add_pcp(struct accounting *a, uint64_t pcp_bytes);
/* Free pages on every zone's per-CPU lists, in bytes (page_size each);
 * VAL_ABSENT when zi is NULL, no zone has pagesets or the sum overflows. */
uint64_t accounting_pcp_bytes(const struct zoneinfo *zi, uint64_t page_size);

/* Bytes of vmalloc'd task stacks in /proc/vmallocinfo (the areas whose
 * caller is the stack allocator, under whatever name inlining left it),
 * at most kernel_stack (a few freed stacks stay cached per CPU and are
 * not in KernelStack). VAL_ABSENT when vi is NULL. */
uint64_t accounting_vmalloc_stacks(const struct vmallocinfo *vi,
				   uint64_t kernel_stack);

/* The sources accounting_from_snapshot() uses: meminfo (required) and
 * zoneinfo (per-CPU free lists); with ACCT_SOURCES_DEEP also vmallocinfo
 * (vmalloc'd stacks; the kernel takes ms to print it, and it needs root). */
#define ACCT_SOURCES (SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_ZONEINFO))
#define ACCT_SOURCES_DEEP (ACCT_SOURCES | SRC_BIT(SRC_VMALLOCINFO))

struct snapshot;

/* The whole accounting from a collected snapshot: accounting_compute()
 * with the vmalloc'd stacks when vmallocinfo was collected, then the
 * per-CPU free lists when zoneinfo was. page_size is what zoneinfo's page
 * counts are in. -ENODATA without meminfo, -EINVAL when it lacks MemTotal
 * or MemFree. Every view that shows the categories (usage, top, empty,
 * record) goes through here, so they agree. */
int accounting_from_snapshot(const struct snapshot *s, uint64_t page_size,
			     struct accounting *ret);

/* One line saying where the memory is and what to look at next, into buf. */
void accounting_verdict(const struct accounting *a, char *buf, size_t n);

#endif
