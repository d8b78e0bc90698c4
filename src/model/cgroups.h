/* The memory cgroup tree at one moment: for each cgroup its charge
 * (memory.current on v2, memory.usage_in_bytes on v1), its memory.stat, its
 * kernel memory and how many processes it holds.
 *
 * Where the memory controller lives is found through the root seam, so a
 * captured tree works like the live system:
 *   sys/fs/cgroup           cgroup v2 alone (cgroup.controllers has memory)
 *   sys/fs/cgroup/unified   v2 beside v1 (hybrid); has memory only when
 *                           the v1 hierarchy does not take it
 *   sys/fs/cgroup/memory    the v1 memory controller
 * Nodes are in depth-first order, parents before children. */
#ifndef MEMTALLY_CGROUPS_H
#define MEMTALLY_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../root/root.h"
#include "../sources/cgroup_memory_stat.h"

struct cgroup_node {
	char *path;	  /* "/" or "/system.slice/ssh.service" */
	char *dir;	  /* root-relative directory, for reading */
	int depth;	  /* 0 for the hierarchy's root */
	int version;	  /* 1 or 2 */
	size_t parent;	  /* index of the parent; its own index for the root */
	uint64_t current; /* bytes charged, with descendants; or VAL_ABSENT */
	uint64_t kernel;  /* kernel memory, with descendants; or VAL_ABSENT */
	bool kernel_summed; /* v2 before 5.18: kernel = sum of the parts */
	uint64_t nprocs; /* processes directly in it; VAL_ABSENT if unknown */
	bool has_stat;
	struct cgroup_memory_stat stat;
	struct source_err stat_err; /* why has_stat is false */
	/* v2: cgroup.stat nr_dying_descendants; VAL_ABSENT on v1 */
	uint64_t nr_dying;
	/* Dying memory cgroups below this one (removed, still charged), and
	 * the bytes they pin, with descendants like every other figure; an
	 * estimate, see cgroups_dying(). VAL_ABSENT when unknown: on v1 the
	 * count is known for the root only. */
	uint64_t dying_count;
	uint64_t dying_bytes;
};

struct cgroups {
	struct cgroup_node *v;
	size_t n, alloc;
	char why[256]; /* when n == 0: why there is no memory cgroup tree */
	/* v1: /proc/cgroups num_cgroups for memory (live and dying), or
	 * VAL_ABSENT */
	uint64_t v1_num_cgroups;
	/* v1: what a cgroup's usage may be above its parts with nothing
	 * dying (the per-CPU charge stock, 64 pages a CPU); 0 if unknown */
	uint64_t v1_noise;
	bool full; /* the whole tree was walked (dying figures need it) */
};

/* Collect the tree down to max_depth (< 0: no limit). Never fails as a
 * whole: n == 0 with why set when no memory controller is mounted. */
void cgroups_collect(struct root *root, int max_depth, struct cgroups *ret);

/* Fill each node's dying_count and dying_bytes from the collected
 * figures (cgroups_collect() calls it; pure, for tests on built trees).
 *   v2  count: nr_dying_descendants. Bytes: where a cgroup has dying
 *       children of its own (its count above its live children's), its
 *       memory.current minus its live children's; a cgroup that has
 *       children with memory enabled has no processes of its own (the
 *       no-internal-process rule), so the rest is the dying children's
 *       charge plus anything charged to the parent itself (pages its
 *       former processes left, reparented kernel objects): an upper
 *       bound. Absent where memory.current is (the root).
 *   v1  count: at the root only, /proc/cgroups num_cgroups minus the
 *       live directories. Bytes: usage_in_bytes minus the live
 *       children's, minus the cgroup's own pages (memory.stat rss +
 *       cache without total_), minus its own kernel memory (kmem usage
 *       minus the children's; not for the root, whose usage has none);
 *       below v1_noise it is taken as 0, and everywhere 0 when the
 *       count is 0; absent everywhere when the count is unknown (no
 *       /proc/cgroups: a captured subtree would read as pinned).
 * Needs the whole tree (full); otherwise the figures stay absent. */
void cgroups_dying(struct cgroups *cg);

/* The dying memory cgroups of the whole machine and the bytes they pin
 * (cgroups_dying()'s root figures; where the root's bytes cannot be had,
 * the sum over its children, a lower bound), cheaply: the count is read
 * first (v2 root cgroup.stat; v1 /proc/cgroups less the live directories)
 * and the tree is walked for the bytes only when it is not 0. Either is
 * VAL_ABSENT when unknown. -ENOENT when no memory controller is
 * mounted. */
int cgroups_dying_total(struct root *root, uint64_t *ret_count,
			uint64_t *ret_bytes);

/* The number in a "key value" line of a flat keyed file (cgroup.stat):
 * 0, -ENOENT when there is no such key, -EINVAL when the value is not a
 * number. Pure. */
int cgroups_parse_keyed(const char *buf, size_t len, const char *key,
			uint64_t *ret);
/* num_cgroups of subsystem name in /proc/cgroups' text: 0, -ENOENT,
 * -EINVAL. Pure. */
int cgroups_parse_proc_cgroups(const char *buf, size_t len, const char *name,
			       uint64_t *ret);
void cgroups_release(struct cgroups *cg);

/* The v1 or v2 base directory of the memory controller found under root
 * ("sys/fs/cgroup/memory"), or NULL; *ret_version gets 1 or 2. */
const char *cgroups_memory_base(struct root *root, int *ret_version);

/* The directory of cgroup `cgroup` ("/system.slice", "/" for the root)
 * beneath `mount`, an absolute directory (the memory controller's mount:
 * "/" + cgroups_memory_base()), resolved with realpath(3) into *ret
 * (malloc'd). The name must start with '/' and have no "." or ".."
 * component (-EINVAL); a path that resolves outside mount, through a
 * symlink for instance, is -EXDEV; one that does not exist is -ENOENT,
 * and one that is not a directory -ENOTDIR. Nothing is ever written: this
 * is what `empty --cgroup` may write into. */
int cgroups_resolve(const char *mount, const char *cgroup, char **ret);

#endif
