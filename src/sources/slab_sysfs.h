/* /sys/kernel/slab: SLUB's per-cache directories and their aliases.
 *
 * A real directory is a cache; a symlink is an alias name pointing at the
 * cache it was merged into (often a ":[flags-]0000064" unique name). Each
 * attribute a cache directory lacks (older kernel, other allocator) is
 * VAL_ABSENT. slab_sysfs_resolve() maps any name printed in /proc/slabinfo
 * (an alias or a real name) to its real cache. */
#ifndef MEMTALLY_SLAB_SYSFS_H
#define MEMTALLY_SLAB_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum slab_attr {
	SA_OBJECT_SIZE,
	SA_SLAB_SIZE,
	SA_OBJS_PER_SLAB,
	SA_ORDER,
	SA_OBJECTS,
	SA_TOTAL_OBJECTS,
	SA_SLABS,
	SA_RECLAIM_ACCOUNT,
	SA_ALIGN,
	SA_CACHE_DMA,
	SA_ALIASES,
	_SA_MAX,
};

#define SA_BIT(a) (1u << (a))
#define SA_ALL ((1u << _SA_MAX) - 1)

struct slab_sysfs_cache {
	char *name;	     /* directory name */
	uint64_t v[_SA_MAX]; /* VAL_ABSENT when not readable */
};

struct slab_sysfs_alias {
	char *name;   /* the symlink's name */
	char *target; /* the real cache's directory name */
};

struct slab_sysfs {
	struct slab_sysfs_cache *caches; /* sorted by name */
	size_t n_caches;
	struct slab_sysfs_alias *aliases; /* sorted by name */
	size_t n_aliases;
	unsigned attrs; /* SA_BIT()s that were asked for */
};

/* One attribute file's value: its first number ("1815 N0=1815" -> 1815;
 * the per-node list is ignored). The pure parser of this module and its
 * fuzz target. */
struct slab_sysfs_attr {
	uint64_t v;
};

int slab_sysfs_attr_parse(const char *buf, size_t len,
			  struct slab_sysfs_attr *ret, struct parse_err *err);
void slab_sysfs_attr_release(struct slab_sysfs_attr *a);

const char *slab_sysfs_attr_name(enum slab_attr a);

/* Read every cache's attributes in mask (SA_ALL for all). */
int slab_sysfs_read_attrs(struct root *root, unsigned mask,
			  struct slab_sysfs *ret, struct source_err *err);
/* Read only what resolving names[0..n) needs: each name's link (or its
 * directory) and the attributes in mask of the caches they resolve to.
 * Cheaper than listing everything when a view knows its names (pools
 * knows them from /proc/slabinfo). Names not in sysfs are left out.
 * reclaim_account of a merged cache (":a-0000104") is taken from its
 * name, which SLUB builds from the same flag, instead of read. */
int slab_sysfs_read_names(struct root *root, char *const *names, size_t n,
			  unsigned mask, struct slab_sysfs *ret,
			  struct source_err *err);
int slab_sysfs_read(struct root *root, struct slab_sysfs *ret,
		    struct source_err *err);
void slab_sysfs_release(struct slab_sysfs *ss);

/* The real cache for a name seen in /proc/slabinfo (alias or real), or
 * NULL. */
const struct slab_sysfs_cache *slab_sysfs_resolve(const struct slab_sysfs *ss,
						  const char *name);

/* From a merged cache's unique name ":a-0000104", whether SLUB's
 * reclaim-account flag 'a' is set: 1 yes, 0 no, -1 not such a name. */
int slab_sysfs_name_reclaimable(const char *name);

#endif
