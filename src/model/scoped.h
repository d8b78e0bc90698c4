/* Reading every per-process and per-cgroup file the procs, cgroups and
 * lists views read, once, so that a recording root (`memtally snapshot`)
 * captures them and those views work on the snapshot with -f exactly as
 * on the tree or system it came from. */
#ifndef MEMTALLY_SCOPED_H
#define MEMTALLY_SCOPED_H

#include "../root/root.h"

/* Read proc/PID/{status,smaps_rollup} of every process, the memory cgroup
 * tree, etc/passwd (user names for procs) and the MGLRU files. Failures
 * are not errors: a recording root keeps them too. */
void scoped_collect_all(struct root *root);

#endif
