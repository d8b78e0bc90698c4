/* /proc/kpageflags, /proc/kpagecount, /proc/kpagecgroup: one 64-bit word
 * per page frame number (PFN), holes included, up to the highest PFN.
 *
 * This module names the flag bits (include/uapi/linux/kernel-page-flags.h,
 * Documentation/admin-guide/mm/pagemap.rst, and the raw and overloaded
 * bits that tools/mm/page-types.c shows), prints them symbolically, and
 * parses flag expressions such as "anon,~lru". The page-by-page reading is
 * in model/pagescan.c; the classification in model/pageclass.c. */
#ifndef MEMTALLY_KPAGEFLAGS_H
#define MEMTALLY_KPAGEFLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* The stable ABI bits (kernel-page-flags.h), with the version that added
 * the late ones. */
enum kpf_bit {
	KPF_LOCKED = 0,
	KPF_ERROR = 1, /* unused since 6.x; SLUB debug when SLAB is set */
	KPF_REFERENCED = 2,
	KPF_UPTODATE = 3,
	KPF_DIRTY = 4,
	KPF_LRU = 5,
	KPF_ACTIVE = 6,
	KPF_SLAB = 7,
	KPF_WRITEBACK = 8,
	KPF_RECLAIM = 9,
	KPF_BUDDY = 10,
	KPF_MMAP = 11,
	KPF_ANON = 12,
	KPF_SWAPCACHE = 13,
	KPF_SWAPBACKED = 14,
	KPF_COMPOUND_HEAD = 15,
	KPF_COMPOUND_TAIL = 16,
	KPF_HUGE = 17,
	KPF_UNEVICTABLE = 18,
	KPF_HWPOISON = 19,
	KPF_NOPAGE = 20,
	KPF_KSM = 21,	    /* 2.6.32 */
	KPF_THP = 22,	    /* 3.4 */
	KPF_OFFLINE = 23,   /* 3.18 as BALLOON, renamed 5.0 */
	KPF_ZERO_PAGE = 24, /* 4.0 */
	KPF_IDLE = 25,	    /* 4.3, CONFIG_IDLE_PAGE_TRACKING */
	KPF_PGTABLE = 26,   /* 4.18 */
	/* raw kernel bits, always exported, hidden by page-types without -r */
	KPF_RESERVED = 32,
	KPF_MLOCKED = 33,
	KPF_OWNER_2 = 34, /* was MAPPEDTODISK */
	KPF_PRIVATE = 35,
	KPF_PRIVATE_2 = 36,
	KPF_OWNER_PRIVATE = 37,
	KPF_ARCH = 38,
	KPF_UNCACHED = 39,
	KPF_SOFTDIRTY = 40,
	KPF_ARCH_2 = 41,
	/* not kernel ABI: free slots page-types uses to show what an
	 * overloaded bit means on this page (kpf_expand()) */
	KPF_ANON_EXCLUSIVE = 47,
	KPF_READAHEAD = 48,
	KPF_SLUB_FROZEN = 50,
	KPF_SLUB_DEBUG = 51,
	/* from /proc/PID/pagemap, for pages found through a process */
	KPF_FILE = 61,
	KPF_SWAP = 62,
	KPF_MMAP_EXCLUSIVE = 63,
};

#define KPF(b) (UINT64_C(1) << KPF_##b)

/* The bit's long name ("anonymous") and its letter ('a'), as page-types
 * prints them; NULL / 0 for a bit no kernel defines. */
const char *kpf_name(unsigned bit);
char kpf_letter(unsigned bit);
/* Bit for a name: the long name, page-types' short aliases ("anon",
 * "huge", "zero", "idle"), case-insensitive; -1 when unknown. */
int kpf_lookup(const char *name, size_t len);

/* Rewrite overloaded bits to what they mean on this page (page-types'
 * expand_overloaded_flags): OWNER_2 on an anon page is ANON_EXCLUSIVE,
 * ACTIVE/ERROR on a slab page are SLUB_FROZEN/SLUB_DEBUG, RECLAIM without
 * WRITEBACK is READAHEAD. For display and filtering only; the classifier
 * reads the raw word. */
uint64_t kpf_expand(uint64_t flags);

/* "anonymous,lru,active" into buf (empty string for no flag). Returns buf. */
char *kpf_format(uint64_t flags, char *buf, size_t n);
/* page-types' fixed-width letter string: one column per known bit,
 * '_' where clear. Returns buf (n >= 48). */
char *kpf_letters(uint64_t flags, char *buf, size_t n);

/* A flag expression, page-types' -b with one change: a comma means AND.
 *   "anon,~lru"      anonymous and not on an LRU list
 *   "slab|pgtable"   either bit ('|' joins alternatives within a term)
 *   "=buddy"         exactly these bits and no other
 * Terms are matched against kpf_expand() of the page's word. */
#define KPF_EXPR_MAX 16
struct kpf_expr {
	size_t n;
	struct {
		uint64_t mask; /* bits the term looks at */
		uint64_t bits; /* required values under mask; for an OR term,
				* KPF_EXPR_ANY */
	} term[KPF_EXPR_MAX];
};
#define KPF_EXPR_ANY UINT64_MAX

int kpf_expr_parse(const char *s, struct kpf_expr *ret, struct parse_err *err);
bool kpf_expr_match(const struct kpf_expr *e, uint64_t flags);

#endif
