/* The live walk of every process's open descriptors (/proc/PID/fd), for
 * the kernel objects they hold that no process map shows: pipes, sockets,
 * BPF maps and programs, io_uring rings, epoll, inotify, fanotify,
 * eventfd, memfd, dma-buf, DRM clients, deleted files and files on tmpfs.
 *
 * Per process: pid, comm, memory cgroup path, huge pages, and a list of
 * objects with their key figures from fdinfo and stat(). An object shared
 * by several processes (a pipe's two ends, a socket inherited by a fork)
 * appears once per descriptor with the same (kind, id), so an analysis
 * can count it once. Nothing is opened but /proc's own files: a pipe or
 * socket is never opened or read, a file only stat()ed through its
 * /proc/PID/fd link. Live system only. */
#ifndef MEMTALLY_FDWALK_H
#define MEMTALLY_FDWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../basic/parse.h"

enum fdw_kind {
	FDW_PIPE,
	FDW_SOCKET,
	FDW_BPF_MAP,
	FDW_BPF_PROG,
	FDW_IO_URING,
	FDW_EPOLL,
	FDW_INOTIFY,
	FDW_FANOTIFY,
	FDW_EVENTFD,
	FDW_MEMFD,
	FDW_DMABUF,
	FDW_DRM,
	FDW_DELETED, /* a file unlinked while open, not on tmpfs */
	FDW_TMPFS,   /* a file on tmpfs/shmem (deleted or not) */
	_FDW_KIND_MAX,
};

/* One descriptor that holds a kernel object. Figures the kernel does not
 * give for this kind are VAL_ABSENT. */
struct fdw_object {
	enum fdw_kind kind;
	int fd;
	/* identity within the kind, to count a shared object once: pipe
	 * and socket inode (from the link), BPF map_id / prog_id, DRM
	 * client id, dma-buf and io_uring inode, memfd / tmpfs / deleted
	 * file inode (with dev). VAL_ABSENT for epoll, inotify, fanotify
	 * and eventfd, which share one anonymous inode: each descriptor
	 * then counts on its own (a forked copy is counted twice). */
	uint64_t id;
	uint64_t dev; /* st_dev of a file; VAL_ABSENT otherwise */
	/* bytes: file st_size; BPF memlock; dma-buf size; DRM total over
	 * regions; io_uring registered buffer bytes */
	uint64_t size;
	/* bytes: file st_blocks * 512; DRM resident over regions */
	uint64_t resident;
	/* epoll watched descriptors, inotify watches, fanotify marks,
	 * io_uring registered buffers; eventfd count */
	uint64_t items;
	uint64_t flags; /* open flags from fdinfo; VAL_ABSENT when unread */
	bool deleted;	/* the link said " (deleted)" (memfd, files) */
	/* the file (memfd with MFD_HUGETLB, or a file on a hugetlbfs
	 * mount) is on hugetlbfs: its blocks are HugeTLB pool pages */
	bool hugetlbfs;
	union {
		struct {
			uint32_t sq_entries, cq_entries;
			int32_t sq_thread; /* -1: no SQPOLL thread */
		} io_uring;
		struct {
			uint32_t map_type, key_size, value_size, max_entries;
		} bpf_map;
		struct {
			uint32_t prog_type;
		} bpf_prog;
	} u;
	/* memfd name (without "/memfd:" and " (deleted)"), a file's path,
	 * the dma-buf exporter, the DRM driver, or the BPF prog tag;
	 * malloc'd, NULL when none */
	char *name;
};

struct fdw_proc {
	int pid;
	char comm[64];	  /* as /proc/PID/status "Name:" prints it */
	char *cgroup;	  /* memory cgroup path ("/system.slice/x"); NULL */
	uint64_t hugetlb; /* status HugetlbPages, bytes */
	uint64_t hugetlb_private, hugetlb_shared; /* smaps_rollup; opt-in */
	size_t first, n;      /* its objects: walk->objs[first .. first+n) */
	uint64_t n_fds;	      /* every descriptor, kept or not */
	uint64_t n_fd_denied; /* of them, links we may not read */
	/* 0, or -EACCES/-EPERM: its fd/ (or every link in it) is not ours
	 * to read */
	int err;
};

struct fdwalk {
	struct fdw_proc *procs;
	size_t n_procs, procs_alloc;
	struct fdw_object *objs;
	size_t n_objs, objs_alloc;
	size_t n_gone;	 /* processes that exited while we looked */
	size_t n_denied; /* processes whose fd/ we may not read */
	int first_denied_pid;
	int first_denied_err; /* negative errno */
	char first_denied_why[96];
	size_t n_fd_gone;	 /* descriptors closed while we looked */
	size_t n_fd_denied;	 /* links we may not read (EACCES) */
	size_t n_fdinfo_bad;	 /* fdinfo unreadable or unparseable */
	uint64_t n_fds, n_other; /* all descriptors; not kept (plain) */
};

enum fdwalk_flags {
	/* also read smaps_rollup for the private/shared huge page split
	 * (costs a page table walk per process) */
	FDWALK_SMAPS = 1 << 0,
	/* also read fdinfo for pipes and sockets (their flags: which end) */
	FDWALK_PIPE_FLAGS = 1 << 1,
};

struct fdwalk_opts {
	const int *pids; /* only these; NULL: every process */
	size_t npids;
	uid_t uid;	  /* only this user's; (uid_t)-1: everyone's */
	unsigned flags;	  /* enum fdwalk_flags */
	const char *proc; /* NULL: "/proc" (tests may point elsewhere) */
};

/* "pipe", "socket", "bpf-map", ... */
const char *fdw_kind_name(enum fdw_kind k);

/* Classify a /proc/PID/fd link target. Returns the kind and sets
 * *ret_ino for pipe:[N] / socket:[N] (else VAL_ABSENT) and *ret_name to
 * the part worth keeping (a span into target: memfd name, path), or -1
 * for a descriptor that holds nothing of interest (a regular file that
 * still exists, a tty, /dev/null). tmpfs is not known from the name: the
 * caller checks the file's filesystem for paths. Pure. */
int fdw_classify(const char *target, size_t len, uint64_t *ret_ino,
		 struct span *ret_name, bool *ret_path);

/* The memory cgroup path from a /proc/PID/cgroup text: the line whose
 * controllers include "memory" (v1), else the "0::" line (v2). -ENOENT
 * when neither is there, -EINVAL when the text is malformed. Pure. */
int fdw_cgroup_path(const char *buf, size_t len, struct span *ret);

/* Walk /proc (or opts->pids). Returns 0, or -errno when /proc itself
 * cannot be read; processes that vanish or that we may not read are
 * counted, never an error. */
int fdwalk_collect(const struct fdwalk_opts *opts, struct fdwalk *ret);
void fdwalk_release(struct fdwalk *w);

#endif
