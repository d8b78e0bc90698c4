/* /proc/slabinfo: one line per slab cache, as slabtop reads it.
 *
 * Only format version 2.x is understood (2.1 since Linux 2.6.10). Counts
 * are objects, slabs and pages as the kernel prints them; the bytes a
 * cache holds are num_slabs * pagesperslab * page size (the analysis in
 * src/analysis/pools.c does that). The SLAB-era tunables are ignored. */
#ifndef MEMTALLY_SLABINFO_H
#define MEMTALLY_SLABINFO_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct slabinfo_cache {
	char *name; /* exactly as in the file */
	uint64_t active_objs;
	uint64_t num_objs;
	uint64_t objsize; /* bytes */
	uint64_t objperslab;
	uint64_t pagesperslab;
	uint64_t active_slabs;
	uint64_t num_slabs;
};

struct slabinfo {
	unsigned version_major, version_minor;
	struct slabinfo_cache *caches;
	size_t n_caches;
};

int slabinfo_parse(const char *buf, size_t len, struct slabinfo *ret,
		   struct parse_err *err);
int slabinfo_read(struct root *root, struct slabinfo *ret,
		  struct source_err *err);
void slabinfo_release(struct slabinfo *si);

/* The cache called name, or NULL. */
const struct slabinfo_cache *slabinfo_find(const struct slabinfo *si,
					   const char *name);

#endif
