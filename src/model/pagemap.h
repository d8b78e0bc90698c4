/* Who maps a physical page: /proc/PID/pagemap of every process.
 *
 * pagemap holds one u64 per virtual page of the process (bit 63 present,
 * bits 0-54 the PFN, 61 file or shared-anon, 62 swapped, 56 exclusively
 * mapped; Documentation/admin-guide/mm/pagemap.rst). Reading it for the
 * ranges in /proc/PID/maps and keeping the present PFNs that fall in a
 * window gives, per physical page, the processes and virtual addresses
 * that map it: RAMMap's Physical Pages "Process" and "Virtual Address".
 *
 * Costs one entry per mapped page in the window, so a view narrows the
 * window (--pfn, --pid) when it can. PFNs read as 0 without
 * CAP_SYS_ADMIN (4.2+): the collection then reports -EPERM. A process that
 * exits during the walk is skipped and counted. */
#ifndef MEMTALLY_PAGEMAP_H
#define MEMTALLY_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "../root/root.h"

struct pfn_owner {
	uint64_t pfn;
	uint64_t vaddr;
	int pid;
	unsigned flags; /* PM_OWNER_* */
};

#define PM_OWNER_FILE 1u      /* file page or shared anonymous */
#define PM_OWNER_EXCLUSIVE 2u /* mapped by this process only */

struct pfn_owners {
	struct pfn_owner *v; /* sorted by pfn, then pid, then vaddr */
	size_t n, alloc;
	size_t procs_walked, procs_skipped;
	/* pid -> comm, for display */
	struct {
		int pid;
		char comm[32];
	} * procs;
	size_t n_procs, procs_alloc;
};

/* Walk every process (or only pid when pid > 0) and collect the mapped
 * pages whose PFN is in [lo, hi). -EPERM when PFNs are hidden (not
 * CAP_SYS_ADMIN), -ESRCH when pid does not exist. */
int pfn_owners_collect(struct root *root, int pid, uint64_t lo, uint64_t hi,
		       struct pfn_owners *ret);
/* The owners of pfn: a pointer into ret->v and their number (0: none). */
size_t pfn_owners_find(const struct pfn_owners *o, uint64_t pfn,
		       const struct pfn_owner **ret);
const char *pfn_owners_comm(const struct pfn_owners *o, int pid);
void pfn_owners_release(struct pfn_owners *o);

/* Parse the address range of a /proc/PID/maps or smaps range line
 * ("7f00-7f80 r-xp ..."). Pure; -EINVAL for other lines. */
int pagemap_maps_range(const char *line, size_t len, uint64_t *ret_start,
		       uint64_t *ret_end);

#endif
