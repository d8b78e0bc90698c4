/* Pool tags from the BPF collector: call sites named, counted, estimated.
 *
 * kmemtag (src/bpf/) hands back raw per-site counters keyed by address.
 * This turns them into PoolMon rows: the tag is the call site resolved
 * through kallsyms ("load_msg+0x6e"), the module is the one the function
 * lives in (NULL: the kernel image), the type is reclaimable or not, the
 * cache is the slab cache the site allocates from. It also builds, from
 * kallsyms, the address ranges the collector needs to find the caller of
 * a page allocation.
 *
 * Honest numbers: allocs and allocated bytes are exact. Frees, diff and
 * live bytes are exact when every allocation was tracked (no sampling,
 * object table never full); otherwise they are estimated from the tracked
 * share, and the row says so and gives a 95% error bound.
 *
 * Pure: no I/O; kmemtag_read() and kallsyms_read() do the reading. */
#ifndef MEMTALLY_BPFTAGS_H
#define MEMTALLY_BPFTAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/kmemtag.h"
#include "../sources/kallsyms.h"

struct bpftag_row {
	char tag[96];	 /* "load_msg+0x6e", or the address */
	char module[64]; /* "" for the kernel image */
	/* "kmalloc-cg-1k", "filp", "pages", "percpu"; a cache the kernel
	 * merged with others: "pool_workqueue (merged: skbuff_fclone_cache,
	 * ...)" (bpftags_merged_names) */
	char cache[128];
	const char *kind; /* "slab", "kmalloc", "page", "percpu" */
	bool reclaimable;
	uint64_t site;
	uint64_t allocs;      /* exact */
	uint64_t alloc_bytes; /* exact */
	uint64_t frees;	      /* exact or estimated */
	int64_t diff;	      /* allocs - frees */
	uint64_t bytes;	      /* live bytes: allocated - freed */
	uint64_t per_alloc;   /* bytes per live allocation (PoolMon) */
	bool estimated;	      /* frees, diff and bytes are estimates */
	uint64_t frees_err;   /* 95% bound on frees when estimated */
};

/* Rows for every site in res, resolved through syms (may be NULL or
 * hidden: tags are then addresses). *ret is malloc'd. */
void bpftags_rows(const struct kmemtag_result *res, const struct kallsyms *syms,
		  struct bpftag_row **ret, size_t *ret_n);

struct pool_set;
/* Append rows to the pools view's set (source bpf): tag, type, allocs,
 * frees, diff, live bytes, per-alloc, module, cache. */
void bpftags_to_pools(struct pool_set *set, const struct bpftag_row *rows,
		      size_t n);

/* Why allocations were not tracked, as notes for the view (each "" when
 * there is nothing to say). full: a bucket's entries were all taken;
 * with the table counted, it says whether that was a full table or
 * addresses colliding in a table with room (most of the time: a 4-entry
 * bucket fills long before the table does). race: another CPU claimed
 * the same free entry at that instant. */
void bpftags_objs_notes(const struct kmemtag_result *res, char *full,
			size_t nfull, char *race, size_t nrace);

struct slab_sysfs;
/* Where the kernel merged several caches into one slab, the cache name a
 * site reports (the first cache's) names just one of them: the site may
 * allocate from any. Rename each row whose cache is in a merged group of
 * ss (the aliases sharing one real cache) to "NAME (merged: OTHER, ...)",
 * the others sorted, as many as fit, then "+N more". Rows of unmerged
 * caches and kinds other than slab and kmalloc are left alone. */
void bpftags_merged_names(struct bpftag_row *rows, size_t n,
			  const struct slab_sysfs *ss);

/* The cache a site allocates from, from its kind, flags and size. */
void bpftags_cache_name(const struct kmemtag_site *s, char *buf, size_t n);

/* The page-allocator and slab-internal ranges for kmemtag_open, found by
 * name in syms. Returns how many were written (at most max). */
size_t bpftags_page_ranges(const struct kallsyms *syms,
			   struct kmemtag_range *out, size_t max);

#endif
