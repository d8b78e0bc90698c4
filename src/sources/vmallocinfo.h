/* /proc/vmallocinfo: every vmalloc-space area, who made it, and how many
 * pages of RAM it holds.
 *
 * Only areas with pages=N hold RAM (N pages); ioremap and vmap areas are
 * address space mapping memory someone else owns, and "unpurged vm_area"
 * lines are freed areas awaiting a lazy TLB flush. */
#ifndef MEMTALLY_VMALLOCINFO_H
#define MEMTALLY_VMALLOCINFO_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum vmalloc_flag {
	VMF_VMALLOC = 1 << 0,
	VMF_VMAP = 1 << 1,
	VMF_IOREMAP = 1 << 2,
	VMF_USER = 1 << 3,
	VMF_VPAGES = 1 << 4,
	VMF_UNPURGED = 1 << 5,	 /* "unpurged vm_area": lazily freed */
	VMF_VM_MAP_RAM = 1 << 6, /* "vm_map_ram": no vm_struct, no caller */
	VMF_SPARSE = 1 << 7,
	VMF_DMA_COHERENT = 1 << 8,
};

struct vmalloc_area {
	uint64_t start, end; /* %pK: may be hashed or zero */
	uint64_t size;	     /* bytes of address space, guard page included */
	char *func;	     /* caller function, or NULL */
	uint64_t offset;     /* offset into func, VAL_ABSENT if unknown */
	char *module;	     /* "[module]" without brackets, or NULL */
	uint64_t pages;	     /* pages=N; VAL_ABSENT when not printed */
	uint64_t phys;	     /* phys=; VAL_ABSENT when not printed */
	unsigned flags;	     /* enum vmalloc_flag */
};

struct vmallocinfo {
	struct vmalloc_area *areas;
	size_t n_areas;
};

int vmallocinfo_parse(const char *buf, size_t len, struct vmallocinfo *ret,
		      struct parse_err *err);
int vmallocinfo_read(struct root *root, struct vmallocinfo *ret,
		     struct source_err *err);
void vmallocinfo_release(struct vmallocinfo *vi);

/* The page size these areas imply: vmalloc areas span pages+1 pages (the
 * guard page), so size / (pages + 1) is the page size when every area
 * agrees. 0 when nothing can be derived. */
uint64_t vmallocinfo_page_size(const struct vmallocinfo *vi);

#endif
