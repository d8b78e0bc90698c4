/* Owners: the kernel memory that processes hold through descriptors and
 * IPC objects, which no process map shows.
 *
 * PoolMon's hunt ends at a driver tag; a Linux admin's ends at the process
 * or service to restart. The collectors (model/fdwalk.c for /proc/PID/fd
 * and fdinfo, model/sockets.c for sock_diag, model/bpfobjs.c, model/
 * pipes.c, sources/sysvipc.c) each report objects and their holders into
 * one owner_set; this module merges an object seen through several
 * descriptors or processes (a pipe's two ends, a socket inherited by a
 * fork) so that its bytes count once, picks the holder it is shown under
 * (the lowest PID; the others are listed), totals it per kind, and ties
 * each kind to the `usage` category its memory lives in.
 *
 * Which category: a pipe's buffers and a socket's page fragments come
 * straight from the page allocator and no counter names them
 * ("unaccounted"); socket buffer heads, SysV and POSIX messages, epoll
 * items and inotify/fanotify marks are slab objects that cannot be
 * reclaimed; BPF maps and programs are vmalloc'd (array maps, JIT images)
 * or slab; memfd, deleted and tmpfs files and SysV segments are shmem;
 * huge pages are HugeTLB. Socket memory straddles two categories (heads
 * in slab, data in fragments) and the kernel does not say the split per
 * socket: it is shown under `unaccounted`, where most of a queue's bytes
 * live, and the note says so.
 *
 * Pure: no I/O. */
#ifndef MEMTALLY_OWNERS_H
#define MEMTALLY_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accounting.h"

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

struct owner_kind_info {
	const char *name;   /* JSON and text: "pipe", "bpf-map" */
	enum acct_cat cat;  /* the usage category its memory lives in */
	const char *source; /* where the figure comes from */
	bool estimate;	    /* the size is an estimate (the note says how) */
};

const struct owner_kind_info *owner_kind_info(enum owner_kind k);
/* The kind named name, or -1. */
int owner_kind_from_name(const char *name);

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
/* Sort holders, drop duplicates, sort objects biggest first (absent
 * last), processes by PID. Call once after collecting. */
void owner_set_finish(struct owner_set *s);

/* Per-kind totals: bytes (absent sizes left out, counted in n_absent),
 * objects. */
struct owner_kind_total {
	uint64_t bytes;
	size_t objects;
	size_t n_absent;
};
void owner_set_totals(const struct owner_set *s,
		      struct owner_kind_total ret[_OWN_MAX]);

/* The bytes objects held by pid are shown under (pid as their first
 * holder), per kind summed. */
uint64_t owner_set_pid_bytes(const struct owner_set *s, int pid);

#endif
