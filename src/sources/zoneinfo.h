/* /proc/zoneinfo: each zone's free pages, watermarks, sizes, counters and
 * per-CPU page lists, plus each node's "per-node stats".
 *
 * Figures are in pages. Named figures a kernel does not print stay
 * VAL_ABSENT. The nr_* counters (and any other "name value" line) are kept
 * as key/value arrays, so new counters are kept without code changes. */
#ifndef MEMTALLY_ZONEINFO_H
#define MEMTALLY_ZONEINFO_H

#include <stddef.h>
#include <stdint.h>

#include "buddyinfo.h"
#include "source.h"

struct zoneinfo_kv {
	char name[48];
	uint64_t v;
};

/* One CPU's per-CPU page list for a zone ("cpu: N" under "pagesets"). */
struct zoneinfo_pcp {
	unsigned cpu;
	uint64_t count; /* pages on this CPU's lists now */
	uint64_t high, batch, high_min, high_max; /* VAL_ABSENT if absent */
	uint64_t stat_threshold; /* "vm stats threshold", VAL_ABSENT */
};

struct zoneinfo_zone {
	unsigned node;
	char zone[ZONE_NAME_MAX];
	/* "pages free" and the lines under it */
	uint64_t free, boost, min, low, high, promo, spanned, present, managed,
	    cma;
	uint64_t start_pfn, node_unreclaimable; /* VAL_ABSENT if absent */
	uint64_t *protection;
	size_t n_protection;
	struct zoneinfo_kv *stats; /* nr_free_pages, nr_zone_*, numa_* ... */
	size_t n_stats;
	struct zoneinfo_pcp *pcp;
	size_t n_pcp;
};

struct zoneinfo_node {
	unsigned node;
	struct zoneinfo_kv *stats;
	size_t n_stats;
};

struct zoneinfo {
	struct zoneinfo_zone *zones;
	size_t n_zones;
	struct zoneinfo_node *nodes;
	size_t n_nodes;
};

/* Value of a zone counter by name ("nr_free_pages"), VAL_ABSENT if the
 * kernel did not print it. */
uint64_t zoneinfo_zone_stat(const struct zoneinfo_zone *z, const char *name);
/* Sum of the per-CPU "count" of a zone; VAL_ABSENT when the zone has no
 * pagesets section (empty zones). */
uint64_t zoneinfo_pcp_count(const struct zoneinfo_zone *z);

int zoneinfo_parse(const char *buf, size_t len, struct zoneinfo *ret,
		   struct parse_err *err);
int zoneinfo_read(struct root *root, struct zoneinfo *ret,
		  struct source_err *err);
void zoneinfo_release(struct zoneinfo *zi);

#endif
