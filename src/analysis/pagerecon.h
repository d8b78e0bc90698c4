/* Reconciling the page scan with the kernel's own counters.
 *
 * `usage --exact` puts, next to each counter-based category of `usage`
 * (from /proc/meminfo), the bytes the page flags give for the same thing,
 * the difference, and why they may differ. `free --runs` puts the free
 * blocks found page by page next to /proc/buddyinfo's counts. Pure:
 * counts and parsed files in, rows out. */
#ifndef MEMTALLY_PAGERECON_H
#define MEMTALLY_PAGERECON_H

#include <stddef.h>
#include <stdint.h>

#include "../sources/meminfo.h"
#include "../model/pageclass.h"

enum recon_cat {
	RC_FREE,
	RC_ANON,
	RC_FILE,
	RC_SHMEM,
	RC_SLAB,
	RC_PGTABLE,
	RC_HUGETLB,
	RC_KERNEL,
	RC_RESERVED,
	RC_HOLE,
	_RC_MAX,
};

struct recon_row {
	const char *key;     /* JSON name: "free" */
	const char *label;   /* "free" */
	const char *uses;    /* page uses summed: "free+uninit" */
	const char *counter; /* the meminfo fields: "MemFree" */
	uint64_t scan;	     /* bytes from the page flags */
	uint64_t counted;    /* bytes from the counters; VAL_ABSENT if none */
	int64_t diff;	     /* scan - counted; 0 when counted is absent */
	const char *why;     /* why they may differ */
};

/* The same for the LRU lists and page states. */
enum recon_list {
	RL_ACTIVE_ANON,
	RL_INACTIVE_ANON,
	RL_ACTIVE_FILE,
	RL_INACTIVE_FILE,
	RL_UNEVICTABLE,
	RL_MLOCKED,
	RL_DIRTY,
	RL_WRITEBACK,
	RL_MAPPED,
	RL_ANON_THP,
	_RL_MAX,
};

struct pagerecon {
	struct recon_row cat[_RC_MAX];
	struct recon_row list[_RL_MAX];
	uint64_t scan_total;	/* every page scanned, holes included */
	uint64_t scan_in_total; /* the pages MemTotal should hold: all but
				 * holes and boot-time reserved pages */
	uint64_t mem_total;	/* MemTotal */
};

/* Build the rows. ram_bytes is the System RAM of /proc/iomem, or
 * VAL_ABSENT (then reserved pages have no counter to compare with). */
void pagerecon_meminfo(const struct pageclass_counts *c, uint64_t page_size,
		       const struct meminfo *mi, uint64_t ram_bytes,
		       struct pagerecon *ret);

/* free --runs: blocks found by the scan against buddyinfo, one zone. */
struct free_recon {
	unsigned orders; /* columns compared */
	uint64_t scan_pages, buddy_pages;
	uint64_t same_blocks; /* sum over orders of min(scan, buddy) */
	uint64_t scan_blocks, buddy_blocks;
	double agreement; /* same_blocks / max(scan, buddy) blocks, % */
};

void pagerecon_free(const uint64_t *scan, const uint64_t *buddy,
		    unsigned orders, struct free_recon *ret);

#endif
