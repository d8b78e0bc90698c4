/* /proc/iomem: the physical address map as a tree of resources ("System
 * RAM", "Kernel code", "Reserved", PCI windows, ...).
 *
 * Ranges are kept in file order with their depth (0 = top level) and the
 * index of their parent. Without CAP_SYS_ADMIN the kernel prints every
 * address as 0; then addr_hidden is set and no size is reported. */
#ifndef MEMTALLY_IOMEM_H
#define MEMTALLY_IOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define IOMEM_NO_PARENT SIZE_MAX

struct iomem_range {
	uint64_t start, end; /* inclusive, as printed */
	char *name;
	unsigned depth;
	size_t parent; /* index into ranges[], or IOMEM_NO_PARENT */
};

struct iomem {
	struct iomem_range *ranges;
	size_t n;
	bool addr_hidden; /* every range read 0-0: the reader lacked root */
};

/* Bytes in the top-level "System RAM" ranges; VAL_ABSENT when addresses
 * are hidden or there is no such range. */
uint64_t iomem_system_ram(const struct iomem *io);

int iomem_parse(const char *buf, size_t len, struct iomem *ret,
		struct parse_err *err);
int iomem_read(struct root *root, struct iomem *ret, struct source_err *err);
void iomem_release(struct iomem *io);

#endif
