/* Every process's memory at one moment: /proc/PID/status and
 * /proc/PID/smaps_rollup for each PID under proc/ of a root.
 *
 * A process that exits while we read is dropped silently (counted in
 * n_gone); one we may not read (another user's, without root) is listed in
 * denied[] with the errno, never shown with zeros; kernel threads and
 * zombies, which map nothing, are counted in n_nomm. */
#ifndef MEMTALLY_PROCS_H
#define MEMTALLY_PROCS_H

#include <stddef.h>
#include <stdint.h>

#include "../root/root.h"
#include "../sources/pid_smaps_rollup.h"
#include "../sources/pid_status.h"

struct proc {
	int pid;
	struct pid_status st;
	struct pid_smaps_rollup sm;
};

struct proc_denied {
	int pid;
	char comm[64]; /* from status when that was readable, else "" */
	struct source_err err;
};

struct procs {
	struct proc *v;
	size_t n, alloc;
	struct proc_denied *denied;
	size_t n_denied, denied_alloc;
	size_t n_gone; /* exited while we read */
	size_t n_nomm; /* kernel threads and zombies */
};

/* USS: pages only this process maps (Private_Clean + Private_Dirty), or
 * VAL_ABSENT. */
uint64_t proc_uss(const struct proc *p);

/* Read every process under proc/ (or only those in pids[0..npids) when
 * npids > 0). Returns 0, or -errno when proc/ itself cannot be listed
 * (err says which path). */
int procs_collect(struct root *root, const int *pids, size_t npids,
		  struct procs *ret, struct source_err *err);
void procs_release(struct procs *ps);

#endif
