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
};

struct cgroups {
	struct cgroup_node *v;
	size_t n, alloc;
	char why[256]; /* when n == 0: why there is no memory cgroup tree */
};

/* Collect the tree down to max_depth (< 0: no limit). Never fails as a
 * whole: n == 0 with why set when no memory controller is mounted. */
void cgroups_collect(struct root *root, int max_depth, struct cgroups *ret);
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
