/* Prometheus text exposition (format 0.0.4) of a set of series.
 *
 * Metric names follow node_exporter's style: memtally_<what>_bytes, one
 * HELP and TYPE line per family, labels escaped. The families:
 *   memtally_usage_bytes{category,reclaim}   every usage category (they
 *                                            sum to memtally_memory_
 *                                            total_bytes)
 *   memtally_memory_total_bytes, memtally_memory_available_bytes
 *   memtally_pool_bytes{source,tag,type}     the top pool tags only ...
 *   memtally_pool_other_bytes{source,type}   ... and the rest summed, so
 *                                            the number of series is fixed
 *   memtally_free_bytes{node,zone,order}     free blocks by order
 *   memtally_cgroup_memory_bytes{cgroup}     the biggest cgroups' charge
 *   memtally_owner_bytes{kind,pid,comm}      kernel memory held through
 *                                            pipes, sockets, ...: the top
 *                                            N holders per kind
 *   memtally_source_up{source}               1 readable, 0 not
 * Pure: text into a growing buffer. */
#ifndef MEMTALLY_PROM_H
#define MEMTALLY_PROM_H

#include <stddef.h>

#include "../analysis/series.h"

struct prom_buf {
	char *p;
	size_t len, alloc;
};

/* Append the exposition of set to b. scrape_s is the time the collection
 * took (memtally_scrape_duration_seconds), or < 0 to leave it out. */
void prom_render(const struct series_set *set, const struct snapshot *snap,
		 double scrape_s, struct prom_buf *b);
void prom_buf_release(struct prom_buf *b);

/* Escape a label value (backslash, quote, newline) into buf. */
void prom_escape(const char *s, char *buf, size_t n);

#endif
