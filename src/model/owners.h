/* The owners collector: every kernel object that processes hold through
 * descriptors and IPC, measured and merged into one owner set.
 *
 * It runs the walk of /proc/PID/fd (model/fdwalk.c), the sock_diag dumps
 * (model/sockets.c), the BPF object list (model/bpfobjs.c), the pipe
 * queue look-up (model/pipes.c) and reads /proc/sysvipc and /dev/mqueue,
 * and joins them: a socket descriptor to its sock_diag record by inode,
 * a BPF descriptor to its map or program by id, a pipe to its queue.
 * Objects nobody holds (a SysV segment attached by nobody, a pinned BPF
 * map) are kept with no holder. Live system only. */
#ifndef MEMTALLY_MODEL_OWNERS_H
#define MEMTALLY_MODEL_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../root/root.h"
#include "ownerset.h"

struct owners_collect_opts {
	const int *pids; /* only these processes; NULL: all */
	size_t npids;
	uid_t uid;  /* only this user's processes; (uid_t)-1: all */
	bool smaps; /* read smaps_rollup for the huge page split */
};

/* Collect into ret (initialised here). Returns 0, or -errno when /proc
 * cannot be walked at all; every part that cannot be had (sock_diag, BPF
 * without CAP_BPF, pipes without ptrace rights) is noted in ret->notes
 * and its figures are absent. */
int owners_collect(struct root *root, const struct owners_collect_opts *o,
		   struct owner_set *ret);

#endif
