/* The multi-generational LRU (MGLRU, Linux 6.1+): whether it is on
 * (/sys/kernel/mm/lru_gen/enabled) and its generations
 * (/sys/kernel/debug/lru_gen, root and debugfs only).
 *
 * Generation numbers are per lruvec (per memory cgroup and node) and
 * mean nothing across lruvecs, so the parser sums by age rank instead:
 * rank 0 is each lruvec's youngest generation, rank 1 the next older, and
 * so on. Page counts are pages; ages milliseconds. */
#ifndef MEMTALLY_LRU_GEN_H
#define MEMTALLY_LRU_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define LRU_GEN_MAX_RANKS 8 /* MAX_NR_GENS is 4; leave room */

struct lru_gen_rank {
	uint64_t anon, file;	   /* pages, summed over lruvecs */
	uint64_t min_age, max_age; /* ms, over lruvecs */
	uint64_t nlruvecs;	   /* lruvecs that have this rank */
};

struct lru_gen {
	struct lru_gen_rank rank[LRU_GEN_MAX_RANKS];
	size_t nranks;
	size_t nlruvecs;
	size_t nmemcgs;
};

/* The "enabled" file: a hex mask ("0x0007"); 0 when MGLRU is off. */
int lru_gen_enabled_parse(const char *buf, size_t len, uint64_t *ret,
			  struct parse_err *err);

int lru_gen_parse(const char *buf, size_t len, struct lru_gen *ret,
		  struct parse_err *err);
int lru_gen_read(struct root *root, struct lru_gen *ret,
		 struct source_err *err);
void lru_gen_release(struct lru_gen *g);

#endif
