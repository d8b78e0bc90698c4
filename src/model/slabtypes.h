/* The slab caches' types: which of the caches /proc/slabinfo lists are
 * reclaimable, from each one's reclaim_account in /sys/kernel/slab. */
#ifndef MEMTALLY_SLABTYPES_H
#define MEMTALLY_SLABTYPES_H

#include "../root/root.h"
#include "../sources/slab_sysfs.h"
#include "../sources/slabinfo.h"

/* Read through root the reclaim_account of every cache si names (and
 * the alias links that lead to them), and only that: reading every
 * sysfs attribute costs more than the whole of slabinfo. Returns 0 with
 * *ret filled (release it with slab_sysfs_release()), or -errno with err
 * saying why (/sys/kernel/slab absent or unreadable; *ret untouched). */
int slab_types_read(struct root *root, const struct slabinfo *si,
		    struct slab_sysfs *ret, struct source_err *err);

#endif
