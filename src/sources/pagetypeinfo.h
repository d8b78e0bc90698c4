/* /proc/pagetypeinfo: free blocks per order split by migrate type, and
 * how many pageblocks each migrate type owns.
 *
 * The file is 0400 root since Linux 5.5. Migrate type names come from the
 * file (Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate; the
 * set depends on kernel version and config). Counts above 100000 are
 * printed capped (">100000" since 5.5): such a cell holds the cap and its
 * at_least bit is set. */
#ifndef MEMTALLY_PAGETYPEINFO_H
#define MEMTALLY_PAGETYPEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buddyinfo.h"
#include "source.h"

#define PTI_MAX_TYPES 8
#define PTI_TYPE_NAME_MAX 24

struct pagetypeinfo_zone {
	unsigned node;
	char zone[ZONE_NAME_MAX];
	/* free blocks of order o for type t; VAL_ABSENT when no row for t */
	uint64_t free[PTI_MAX_TYPES][BUDDYINFO_MAX_ORDERS];
	uint64_t at_least[PTI_MAX_TYPES]; /* bit o: count was ">N" */
	bool has_free[PTI_MAX_TYPES];
	uint64_t blocks[PTI_MAX_TYPES]; /* pageblocks; VAL_ABSENT */
	uint64_t mixed[PTI_MAX_TYPES];	/* mixed pageblocks; VAL_ABSENT */
};

struct pagetypeinfo {
	unsigned block_order;	  /* "Page block order" */
	uint64_t pages_per_block; /* "Pages per block" */
	unsigned n_orders;
	unsigned n_types;
	char types[PTI_MAX_TYPES][PTI_TYPE_NAME_MAX];
	struct pagetypeinfo_zone *zones;
	size_t n_zones;
};

/* Index of a migrate type name, or -1. */
int pagetypeinfo_type(const struct pagetypeinfo *p, const char *name);

int pagetypeinfo_parse(const char *buf, size_t len, struct pagetypeinfo *ret,
		       struct parse_err *err);
int pagetypeinfo_read(struct root *root, struct pagetypeinfo *ret,
		      struct source_err *err);
void pagetypeinfo_release(struct pagetypeinfo *p);

#endif
