/* Memory cgroup paths from the inode numbers /proc/kpagecgroup gives.
 *
 * kpagecgroup holds, per page, the inode number of the directory of the
 * page's memory cgroup (page_cgroup_ino(), mm/memcontrol.c) in the
 * hierarchy that has the memory controller: /sys/fs/cgroup/memory on a
 * cgroup v1 or hybrid system, /sys/fs/cgroup on a pure v2 one. Each cgroup
 * mount numbers its inodes separately, so the right hierarchy must be
 * walked. This reads the live /sys only (stat of each directory), so on a
 * captured tree or a snapshot paths are not resolved and a view shows
 * "@INODE". Inode 0 means "no cgroup" (uncharged page). */
#ifndef MEMTALLY_CGINO_H
#define MEMTALLY_CGINO_H

#include <stddef.h>
#include <stdint.h>

struct cgino_map;

/* Walk the memory hierarchy under base (NULL: the live system's). Returns
 * -ENOENT when no memory hierarchy is mounted. */
int cgino_map_build(const char *base, struct cgino_map **ret);
/* The path relative to the hierarchy ("/system.slice/ssh.service", "/"
 * for the root), or NULL when ino is not a current cgroup (one removed
 * since the page was charged). */
const char *cgino_lookup(const struct cgino_map *m, uint64_t ino);
/* The inode of the cgroup at path (relative to the hierarchy, "/a/b"),
 * or 0 when there is none. */
uint64_t cgino_find_path(const struct cgino_map *m, const char *path);
size_t cgino_count(const struct cgino_map *m);
void cgino_map_free(struct cgino_map *m);

#endif
