/* RAMMap's Empty actions, mapped to Linux. These are the only functions
 * in memtally that write to the system; only `memtally empty --yes` calls
 * them. Each returns 0 or -errno (-EACCES/-EPERM without root) and never
 * prints. Live system only: they act on /proc and /sys directly, not
 * through a root. */
#ifndef MEMTALLY_RECLAIM_H
#define MEMTALLY_RECLAIM_H

#include <stddef.h>
#include <stdint.h>

/* Write "1" (page cache), "2" (reclaimable slab: dentries, inodes) or
 * "3" (both) to /proc/sys/vm/drop_caches. Only clean, unmapped pages and
 * unused objects go; dirty ones stay (sync first). */
int reclaim_drop_caches(int what);

/* Write back every dirty page (sync(2)); RAMMap's Empty Modified List. */
int reclaim_sync(void);

/* Compact all zones: write "1" to /proc/sys/vm/compact_memory. */
int reclaim_compact(void);

/* Reclaim a cgroup's memory. dir is the absolute cgroup directory; v2
 * writes bytes to memory.reclaim (-EAGAIN: less than asked could be
 * reclaimed, not an error for us), v1 writes 0 to memory.force_empty. */
int reclaim_cgroup(const char *dir, int version, uint64_t bytes);

/* Page out what pid maps: process_madvise(2) MADV_PAGEOUT on each of its
 * mappings (Linux 5.10; needs CAP_SYS_NICE and ptrace access). Mappings
 * the kernel refuses (locked, PFN maps, hugetlb) are skipped and counted
 * in *ret_skipped; *ret_done counts mappings advised. -ESRCH: gone. */
int reclaim_process(int pid, size_t *ret_done, size_t *ret_skipped);

#endif
