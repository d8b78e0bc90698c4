/* /proc/sys/fs/dentry-state: how many dentries exist, how many sit unused
 * on the LRU (the kernel can reclaim those), and how many are negative
 * (a cached "no such file"). */
#ifndef MEMTALLY_DENTRY_STATE_H
#define MEMTALLY_DENTRY_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct dentry_state {
	uint64_t nr_dentry; /* every dentry */
	uint64_t nr_unused; /* unreferenced, on the LRU: reclaimable */
	uint64_t age_limit; /* seconds (unused by the kernel) */
	uint64_t want_pages;
	uint64_t nr_negative; /* Linux 5.0+; VAL_ABSENT before */
};

int dentry_state_parse(const char *buf, size_t len, struct dentry_state *ret,
		       struct parse_err *err);
int dentry_state_read(struct root *root, struct dentry_state *ret,
		      struct source_err *err);
void dentry_state_release(struct dentry_state *d);

#endif
