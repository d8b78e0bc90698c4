/* memory.stat of a cgroup: what the memory charged to it is made of.
 *
 * One struct for both hierarchies. cgroup v2 names (anon, file, kernel,
 * kernel_stack, pagetables, percpu, sock, slab_*, ...) go straight into
 * v[]; the v1 memory controller's names are mapped onto the same fields
 * where they mean the same pages (rss -> CGS_ANON, cache -> CGS_FILE,
 * mapped_file -> CGS_FILE_MAPPED, dirty -> CGS_FILE_DIRTY, ...), and its
 * hierarchical "total_X" lines go into total[]. v1 is set when the file
 * is the v1 controller's (it has "cache"/"rss"). Sizes are bytes; event
 * counters (pgfault, workingset_*) are counts. Absent is VAL_ABSENT. */
#ifndef MEMTALLY_CGROUP_MEMORY_STAT_H
#define MEMTALLY_CGROUP_MEMORY_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum cgroup_stat_field {
	CGS_ANON,
	CGS_FILE,
	CGS_KERNEL,
	CGS_KERNEL_STACK,
	CGS_PAGETABLES,
	CGS_SEC_PAGETABLES,
	CGS_PERCPU,
	CGS_SOCK,
	CGS_VMALLOC,
	CGS_SHMEM,
	CGS_ZSWAP,
	CGS_ZSWAPPED,
	CGS_FILE_MAPPED,
	CGS_FILE_DIRTY,
	CGS_FILE_WRITEBACK,
	CGS_SWAPCACHED,
	CGS_ANON_THP,
	CGS_FILE_THP,
	CGS_SHMEM_THP,
	CGS_INACTIVE_ANON,
	CGS_ACTIVE_ANON,
	CGS_INACTIVE_FILE,
	CGS_ACTIVE_FILE,
	CGS_UNEVICTABLE,
	CGS_SLAB_RECLAIMABLE,
	CGS_SLAB_UNRECLAIMABLE,
	CGS_SLAB,
	CGS_SWAP,		     /* v1 only: swap used */
	CGS_WORKINGSET_REFAULT_ANON, /* counts from here */
	CGS_WORKINGSET_REFAULT_FILE,
	CGS_WORKINGSET_ACTIVATE_ANON,
	CGS_WORKINGSET_ACTIVATE_FILE,
	CGS_PGFAULT,
	CGS_PGMAJFAULT,
	_CGS_MAX,
};

struct cgroup_memory_stat {
	bool v1;		  /* the v1 memory controller's file */
	uint64_t v[_CGS_MAX];	  /* this cgroup (v2: with descendants) */
	uint64_t total[_CGS_MAX]; /* v1 total_X: with descendants */
};

/* The v2 name of a field ("kernel_stack"). */
const char *cgroup_memory_stat_field_name(enum cgroup_stat_field f);
/* The figure with descendants: v2 v[f], v1 total[f] (v[f] if absent). */
uint64_t cgroup_memory_stat_get(const struct cgroup_memory_stat *s,
				enum cgroup_stat_field f);

int cgroup_memory_stat_parse(const char *buf, size_t len,
			     struct cgroup_memory_stat *ret,
			     struct parse_err *err);
/* Read DIR/memory.stat through root; dir is relative to the root
 * ("sys/fs/cgroup/system.slice"). */
int cgroup_memory_stat_read(struct root *root, const char *dir,
			    struct cgroup_memory_stat *ret,
			    struct source_err *err);
void cgroup_memory_stat_release(struct cgroup_memory_stat *s);

#endif
