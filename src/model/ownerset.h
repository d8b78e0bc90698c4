/* The owner set: kernel objects that processes hold through descriptors
 * and IPC objects, with their holders, merged so that each counts once.
 *
 * The collectors (model/owners.c over model/fdwalk.c, model/sockets.c,
 * model/bpfobjs.c, model/pipes.c and sources/sysvipc.c) report each
 * sighting of an object here; an object met through several descriptors
 * or processes (a pipe's two ends, a socket a fork inherited, a BPF map
 * a loader holds and bpffs pins) is one entry keyed by (kind, id) with
 * the list of PIDs that hold it. At finish the holders are sorted, and
 * the object is shown under the lowest PID, so its bytes count once in
 * every total. analysis/owners.c ties each kind to its usage category.
 *
 * The hash is open addressing with linear probing over indexes into the
 * object array (kept at most half full), so the array can grow and move
 * freely. 1,000 processes with 20 objects each is 20,000 objects: a few
 * hundred KiB. No I/O. */
#ifndef MEMTALLY_OWNERSET_H
#define MEMTALLY_OWNERSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum owner_kind {
	OWN_PIPE,
	OWN_TCP,
	OWN_UDP,
	OWN_UNIX,
	OWN_SOCKET, /* other families */
	OWN_BPF_MAP,
	OWN_BPF_PROG,
	OWN_IO_URING,
	OWN_MEMFD,
	OWN_DELETED,
	OWN_TMPFS,
	OWN_SYSV_SHM,
	OWN_SYSV_MSG,
	OWN_POSIX_MQ,
	OWN_HUGETLB,
	OWN_EPOLL,
	OWN_INOTIFY,
	OWN_FANOTIFY,
	OWN_DMABUF,
	OWN_DRM,
	_OWN_MAX,
};

/* A process that holds objects. */
struct owner_proc {
	int pid;
	char *comm;
	char *cgroup; /* the memory cgroup's path; NULL if unknown */
};

/* One kernel object and its holders. */
struct owner_obj {
	enum owner_kind kind;
	uint64_t id;	/* with kind, names the object: inode, BPF id, IPC id */
	char *object;	/* what to show: "pipe:[4711]", "127.0.0.1:80 -> ..." */
	uint64_t bytes; /* VAL_ABSENT when it cannot be had (why says why) */
	char *why;	/* reason bytes is absent, or how it was estimated */
	int creator_pid, last_pid; /* SysV; -1 otherwise */
	int *holders;		   /* PIDs, sorted, unique, after finish */
	size_t nholders, holders_alloc;
};

struct owner_set {
	struct owner_obj *objs;
	size_t nobjs, objs_alloc;
	struct owner_proc *procs;
	size_t nprocs, procs_alloc;
	size_t *hash; /* open addressing over objs, index + 1; 0: empty */
	size_t hash_size;
	/* the walk's losses, for the notes */
	size_t procs_vanished; /* exited mid-walk: skipped */
	size_t procs_denied;   /* not readable (not root): skipped */
	char **notes;	       /* what the collectors could not see, and
				* how estimates were made */
	size_t nnotes, notes_alloc;
	bool finished;
};

void owner_set_init(struct owner_set *s);
void owner_set_release(struct owner_set *s);

/* The object (kind, id), added if new; never NULL (aborts on OOM). The
 * caller fills object, bytes and why the first time (obj->object is
 * NULL then). The pointer is good until the next owner_set_obj(). */
struct owner_obj *owner_set_obj(struct owner_set *s, enum owner_kind kind,
				uint64_t id);
/* Record that pid holds obj (duplicates are merged at finish). */
void owner_obj_add_holder(struct owner_obj *o, int pid);
/* Add a process (pid, comm, cgroup are copied); later calls for the same
 * pid are ignored. */
void owner_set_proc(struct owner_set *s, int pid, const char *comm,
		    const char *cgroup);
const struct owner_proc *owner_set_find_proc(const struct owner_set *s,
					     int pid);
/* Add a note (each text once). */
void owner_set_note(struct owner_set *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sort holders, drop duplicates, sort objects biggest first (absent
 * last), processes by PID. Call once after collecting. */
void owner_set_finish(struct owner_set *s);

/* Keep only the holders in pids (n of them) and the objects one of them
 * holds, as a walk of just those processes would have found them (an
 * object no process holds goes too). On a finished set; the order stays. */
void owner_set_keep_holders(struct owner_set *s, const int *pids, size_t n);

#endif
