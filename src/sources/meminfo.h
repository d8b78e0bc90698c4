/* /proc/meminfo: the kernel's summary of memory use.
 *
 * Every size is in bytes (the file says kB, meaning KiB); the HugePages_*
 * counts are page counts. A field this kernel does not print is
 * VAL_ABSENT. Fields we do not know are kept in extra[] (name, bytes) so a
 * newer kernel's additions are still shown. */
#ifndef MEMTALLY_MEMINFO_H
#define MEMTALLY_MEMINFO_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum meminfo_field {
	MI_MEMTOTAL,
	MI_MEMFREE,
	MI_MEMAVAILABLE,
	MI_BUFFERS,
	MI_CACHED,
	MI_SWAPCACHED,
	MI_ACTIVE,
	MI_INACTIVE,
	MI_ACTIVE_ANON,
	MI_INACTIVE_ANON,
	MI_ACTIVE_FILE,
	MI_INACTIVE_FILE,
	MI_UNEVICTABLE,
	MI_MLOCKED,
	MI_SWAPTOTAL,
	MI_SWAPFREE,
	MI_ZSWAP,
	MI_ZSWAPPED,
	MI_DIRTY,
	MI_WRITEBACK,
	MI_ANONPAGES,
	MI_MAPPED,
	MI_SHMEM,
	MI_KRECLAIMABLE,
	MI_SLAB,
	MI_SRECLAIMABLE,
	MI_SUNRECLAIM,
	MI_KERNELSTACK,
	MI_SHADOWCALLSTACK,
	MI_PAGETABLES,
	MI_SECPAGETABLES,
	MI_NFS_UNSTABLE,
	MI_BOUNCE,
	MI_WRITEBACKTMP,
	MI_COMMITLIMIT,
	MI_COMMITTED_AS,
	MI_VMALLOCTOTAL,
	MI_VMALLOCUSED,
	MI_VMALLOCCHUNK,
	MI_PERCPU,
	MI_HARDWARECORRUPTED,
	MI_ANONHUGEPAGES,
	MI_SHMEMHUGEPAGES,
	MI_SHMEMPMDMAPPED,
	MI_FILEHUGEPAGES,
	MI_FILEPMDMAPPED,
	MI_CMATOTAL,
	MI_CMAFREE,
	MI_BALLOON,
	MI_UNACCEPTED,
	MI_GPUACTIVE,
	MI_GPURECLAIM,
	MI_HUGEPAGES_TOTAL, /* count */
	MI_HUGEPAGES_FREE,  /* count */
	MI_HUGEPAGES_RSVD,  /* count */
	MI_HUGEPAGES_SURP,  /* count */
	MI_HUGEPAGESIZE,
	MI_HUGETLB,
	MI_DIRECTMAP4K,
	MI_DIRECTMAP2M,
	MI_DIRECTMAP4M,
	MI_DIRECTMAP1G,
	_MI_MAX,
};

struct meminfo_extra {
	char name[48];
	uint64_t bytes; /* or a count when the line has no unit */
	int has_unit;
};

struct meminfo {
	uint64_t v[_MI_MAX];
	struct meminfo_extra *extra;
	size_t n_extra;
};

/* The field's name as the kernel prints it ("Active(anon)"). */
const char *meminfo_field_name(enum meminfo_field f);

int meminfo_parse(const char *buf, size_t len, struct meminfo *ret,
		  struct parse_err *err);
int meminfo_read(struct root *root, struct meminfo *ret,
		 struct source_err *err);
void meminfo_release(struct meminfo *mi);

#endif
