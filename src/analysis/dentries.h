/* The dentry cache split by what the kernel can do with it.
 *
 * The dentry cache is reclaimable slab, but only its unused dentries
 * (on the LRU, nr_unused in /proc/sys/fs/dentry-state) can be dropped
 * under pressure; a dentry referenced by an open file, a working
 * directory or a mount is pinned until that reference goes. Millions of
 * negative dentries ("no such file" cached) are unused and reclaimable;
 * a growing count of pinned ones points at processes holding files.
 *
 * Bytes are counts times the cache's object footprint (slab_size, the
 * objsize of /proc/slabinfo); free objects on partly used slabs are in
 * neither share. Pure: no I/O. */
#ifndef MEMTALLY_DENTRIES_H
#define MEMTALLY_DENTRIES_H

#include <stdint.h>

#include "../sources/dentry_state.h"

struct dentry_split {
	uint64_t total, unused, pinned, negative; /* dentries; VAL_ABSENT */
	/* bytes: VAL_ABSENT when the object size is unknown */
	uint64_t unused_bytes, pinned_bytes;
};

/* Split ds with objsize bytes per dentry (VAL_ABSENT: counts only). */
void dentries_split(const struct dentry_state *ds, uint64_t objsize,
		    struct dentry_split *ret);

/* One sentence for a note: "dentry cache: 2.0M dentries, 1.9M unused
 * (reclaimable, 350 MiB; 1.8M negative), 10.0k in use (pinned by open
 * files, working directories and mounts, 2 MiB)". */
void dentries_sentence(const struct dentry_split *s, char *buf, size_t n);

#endif
