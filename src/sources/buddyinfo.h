/* /proc/buddyinfo: free blocks per order in each zone's buddy free lists.
 *
 * One line per zone: "Node 0, zone   Normal   2710   1244 ...". Column i
 * is the number of free blocks of 2^i pages (order i). The number of
 * orders is NR_PAGE_ORDERS of the running kernel (11 on x86_64 6.x; other
 * arches and configs differ), so it is taken from the file: any count from
 * 1 to BUDDYINFO_MAX_ORDERS, the same on every line. */
#ifndef MEMTALLY_BUDDYINFO_H
#define MEMTALLY_BUDDYINFO_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define BUDDYINFO_MAX_ORDERS 64
#define ZONE_NAME_MAX 32

struct buddyinfo_zone {
	unsigned node;
	char zone[ZONE_NAME_MAX];
	uint64_t free[BUDDYINFO_MAX_ORDERS]; /* blocks of 2^i pages */
};

struct buddyinfo {
	unsigned n_orders;
	struct buddyinfo_zone *zones;
	size_t n_zones;
};

/* Free pages in a zone: sum of free[i] << i. -ERANGE on overflow. */
int buddyinfo_zone_pages(const struct buddyinfo_zone *z, unsigned n_orders,
			 uint64_t *ret);

int buddyinfo_parse(const char *buf, size_t len, struct buddyinfo *ret,
		    struct parse_err *err);
int buddyinfo_read(struct root *root, struct buddyinfo *ret,
		   struct source_err *err);
void buddyinfo_release(struct buddyinfo *b);

#endif
