/* The walk of /proc/PID/fd; see fdwalk.h.
 *
 * Per process: one openat() of /proc/PID, then everything relative to it:
 * status (comm, HugetlbPages; kernel threads hold no descriptors and are
 * skipped after it), cgroup, optionally smaps_rollup, the fd/ directory
 * (getdents), a readlinkat() per descriptor, and for the objects whose
 * figures live there an openat() of fdinfo/N (the fdinfo/ directory is
 * opened on first need). Files are measured with fstatat() through the
 * fd/N link, which follows it to the file without opening it; whether a
 * file (or memfd) is on tmpfs or hugetlbfs comes from statfs() of the same
 * link, once per device.
 * Pipes and sockets are never opened: their inode is in the link target,
 * and their fdinfo (flags only) is read only on request. One buffer is
 * reused for every file read.
 *
 * Link targets (fs/anon_inodes.c, fs/pipe.c, net/socket.c, mm/memfd.c,
 * d_path's " (deleted)" suffix): "pipe:[N]", "socket:[N]",
 * "anon_inode:NAME" with NAME "bpf-map", "bpf-prog", "[io_uring]",
 * "[eventpoll]", "inotify", "[fanotify]", "[eventfd]", "dmabuf" (older
 * kernels), "/dmabuf:NAME" (5.x+), "/memfd:NAME (deleted)",
 * "/dev/dri/..." and "/dev/accel/..." (DRM clients), and paths.
 *
 * A process that exits during the walk makes its files vanish (ENOENT,
 * or ESRCH from some): it is counted in n_gone and dropped; a descriptor
 * closed in between is counted in n_fd_gone. A process whose fd/ we may
 * not read (another user's without root, or a non-dumpable one) is kept
 * with err set and counted in n_denied. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "../sources/fdinfo.h"
#include "../sources/pid_smaps_rollup.h"
#include "../sources/pid_status.h"
#include "fdwalk.h"

#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC 0x958458f6
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

static const char *const kind_names[_FDW_KIND_MAX] = {
    [FDW_PIPE] = "pipe",	 [FDW_SOCKET] = "socket",
    [FDW_BPF_MAP] = "bpf-map",	 [FDW_BPF_PROG] = "bpf-prog",
    [FDW_IO_URING] = "io_uring", [FDW_EPOLL] = "epoll",
    [FDW_INOTIFY] = "inotify",	 [FDW_FANOTIFY] = "fanotify",
    [FDW_EVENTFD] = "eventfd",	 [FDW_MEMFD] = "memfd",
    [FDW_DMABUF] = "dma-buf",	 [FDW_DRM] = "drm",
    [FDW_DELETED] = "deleted",	 [FDW_TMPFS] = "tmpfs",
};

const char *fdw_kind_name(enum fdw_kind k)
{
	return (unsigned)k < _FDW_KIND_MAX ? kind_names[k] : NULL;
}

static bool starts(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(s, lit, n) == 0;
}

static bool ends(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(s + len - n, lit, n) == 0;
}

/* "[N]" after a prefix of length off. */
static int bracket_ino(const char *t, size_t len, size_t off, uint64_t *ret)
{
	struct span s;

	if (len < off + 3 || t[off] != '[' || t[len - 1] != ']')
		return -EINVAL;
	s.p = t + off + 1;
	s.len = len - off - 2;
	return span_u64(s, ret);
}

int fdw_classify(const char *t, size_t len, uint64_t *ret_ino,
		 struct span *ret_name, bool *ret_path)
{
	static const struct {
		const char *name;
		enum fdw_kind kind;
	} anon[] = {
	    {"bpf-map", FDW_BPF_MAP},	{"bpf-prog", FDW_BPF_PROG},
	    {"io_uring", FDW_IO_URING}, {"eventpoll", FDW_EPOLL},
	    {"inotify", FDW_INOTIFY},	{"fanotify", FDW_FANOTIFY},
	    {"eventfd", FDW_EVENTFD},	{"dmabuf", FDW_DMABUF},
	};
	struct span name = {t, len};
	uint64_t ino = VAL_ABSENT;
	int kind = -1;

	*ret_path = false;
	if (starts(t, len, "pipe:")) {
		if (bracket_ino(t, len, 5, &ino) == 0)
			kind = FDW_PIPE;
	} else if (starts(t, len, "socket:")) {
		if (bracket_ino(t, len, 7, &ino) == 0)
			kind = FDW_SOCKET;
	} else if (starts(t, len, "anon_inode:")) {
		struct span a = {t + 11, len - 11};

		if (a.len >= 2 && a.p[0] == '[' && a.p[a.len - 1] == ']') {
			a.p++;
			a.len -= 2;
		}
		for (size_t i = 0; i < ELEMENTSOF(anon); i++)
			if (span_eq(a, anon[i].name))
				kind = anon[i].kind;
		name = a;
	} else if (starts(t, len, "/memfd:")) {
		name.p = t + 7;
		name.len = len - 7;
		if (ends(name.p, name.len, " (deleted)"))
			name.len -= 10;
		kind = FDW_MEMFD;
	} else if (starts(t, len, "/dmabuf:")) {
		name.p = t + 8;
		name.len = len - 8;
		kind = FDW_DMABUF;
	} else if (starts(t, len, "/dev/dri/") ||
		   starts(t, len, "/dev/accel/")) {
		kind = FDW_DRM;
	} else if (len > 0 && t[0] == '/') {
		/* deleted, tmpfs or nothing: the caller looks */
		if (ends(t, len, " (deleted)")) {
			name.len -= 10;
			kind = FDW_DELETED;
		} else {
			kind = FDW_TMPFS; /* if it is on tmpfs */
		}
		*ret_path = true;
	}
	*ret_ino = ino;
	*ret_name = name;
	return kind;
}

int fdw_cgroup_path(const char *buf, size_t len, struct span *ret)
{
	struct span v2 = {NULL, 0};
	bool have_v2 = false;
	struct line_iter it;
	struct span line;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		const char *c1, *c2;
		struct span ctrl, path;

		if (line.len == 0)
			continue;
		c1 = memchr(line.p, ':', line.len);
		if (!c1)
			return -EINVAL;
		c2 = memchr(c1 + 1, ':', line.len - (size_t)(c1 + 1 - line.p));
		if (!c2)
			return -EINVAL;
		ctrl.p = c1 + 1;
		ctrl.len = (size_t)(c2 - ctrl.p);
		path.p = c2 + 1;
		path.len = line.len - (size_t)(path.p - line.p);
		if (ctrl.len == 0 && c1 - line.p == 1 && line.p[0] == '0') {
			v2 = path;
			have_v2 = true;
			continue;
		}
		/* "memory" among comma-separated controllers */
		while (ctrl.len) {
			const char *comma = memchr(ctrl.p, ',', ctrl.len);
			struct span one = {ctrl.p,
					   comma ? (size_t)(comma - ctrl.p)
						 : ctrl.len};

			if (span_eq(one, "memory")) {
				*ret = path;
				return 0;
			}
			if (!comma)
				break;
			ctrl.len -= one.len + 1;
			ctrl.p = comma + 1;
		}
	}
	if (!have_v2)
		return -ENOENT;
	*ret = v2;
	return 0;
}

/* --- the walk ----------------------------------------------------------- */

struct scratch {
	char *buf;
	size_t cap;
};

/* Read all of name under dirfd into s (NUL-terminated). -errno. */
static int read_at(int dirfd, const char *name, struct scratch *s,
		   size_t *ret_len)
{
	size_t len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (s->cap - len < 2048) {
			s->cap = s->cap ? s->cap * 2 : 16384;
			s->buf = xrealloc(s->buf, s->cap);
		}
		n = read(fd, s->buf + len, s->cap - len - 1);
		if (n < 0) {
			int r = errno == EINTR ? 0 : -errno;

			if (r == 0)
				continue;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	s->buf[len] = 0;
	*ret_len = len;
	return 0;
}

static bool gone(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

/* Per-walk state: the result, the buffer, the file system type cache. */
struct walker {
	struct fdwalk *w;
	const struct fdwalk_opts *o;
	struct scratch s;
	struct {
		uint64_t dev;
		uint64_t type;
	} devs[64];
	size_t ndevs;
};

/* The file system type (statfs f_type) of the file behind fd/N, with
 * st_dev dev: statfs() of the link once per device; -errno when that
 * fails. */
static int64_t fs_type(struct walker *k, int pid, const char *fdname,
		       uint64_t dev)
{
	struct statfs sf;
	char path[PATH_MAX];

	for (size_t i = 0; i < k->ndevs; i++)
		if (k->devs[i].dev == dev)
			return (int64_t)k->devs[i].type;
	if (snprintf(path, sizeof(path), "%s/%d/fd/%s",
		     k->o->proc ? k->o->proc : "/proc", pid,
		     fdname) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (statfs(path, &sf) < 0)
		return -errno;
	if (k->ndevs < ELEMENTSOF(k->devs)) {
		k->devs[k->ndevs].dev = dev;
		k->devs[k->ndevs].type = (uint64_t)sf.f_type;
		k->ndevs++;
	}
	return (int64_t)(uint64_t)sf.f_type;
}

static void obj_init(struct fdw_object *ob, enum fdw_kind kind, int fd)
{
	memset(ob, 0, sizeof(*ob));
	ob->kind = kind;
	ob->fd = fd;
	ob->id = ob->dev = ob->size = ob->resident = VAL_ABSENT;
	ob->items = ob->flags = VAL_ABSENT;
	ob->u.io_uring.sq_thread = -1;
}

static uint32_t u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Take fdinfo's figures into ob. */
static void from_fdinfo(struct fdw_object *ob, const struct fdinfo *fi)
{
	ob->flags = fi->flags;
	switch (ob->kind) {
	case FDW_BPF_MAP:
		ob->id = fi->bpf_map.map_id;
		ob->size = fi->bpf_map.memlock;
		ob->u.bpf_map.map_type = u32(fi->bpf_map.map_type);
		ob->u.bpf_map.key_size = u32(fi->bpf_map.key_size);
		ob->u.bpf_map.value_size = u32(fi->bpf_map.value_size);
		ob->u.bpf_map.max_entries = u32(fi->bpf_map.max_entries);
		break;
	case FDW_BPF_PROG:
		ob->id = fi->bpf_prog.prog_id;
		ob->size = fi->bpf_prog.memlock;
		ob->u.bpf_prog.prog_type = u32(fi->bpf_prog.prog_type);
		if (fi->bpf_prog.tag[0])
			ob->name = xstrdup(fi->bpf_prog.tag);
		break;
	case FDW_IO_URING:
		ob->id = fi->ino;
		ob->size = fi->io_uring.buf_bytes;
		ob->items = fi->io_uring.user_bufs;
		ob->u.io_uring.sq_entries = u32(fi->io_uring.sq_entries);
		ob->u.io_uring.cq_entries = u32(fi->io_uring.cq_entries);
		ob->u.io_uring.sq_thread =
		    fi->io_uring.sq_thread > INT32_MAX
			? -1
			: (int32_t)fi->io_uring.sq_thread;
		break;
	case FDW_EPOLL:
	case FDW_INOTIFY:
	case FDW_FANOTIFY:
		/* nothing watched: no lines, the parser saw a plain file */
		ob->items = val_has(fi->items) ? fi->items : 0;
		break;
	case FDW_EVENTFD:
		ob->items = fi->eventfd.count;
		break;
	case FDW_DMABUF:
		ob->id = fi->ino;
		ob->size = fi->dmabuf.size;
		free(ob->name);
		ob->name = fi->dmabuf.exp_name[0] ? xstrdup(fi->dmabuf.exp_name)
						  : NULL;
		break;
	case FDW_DRM:
		ob->id = fi->drm.client_id;
		ob->size = fdinfo_drm_sum(
		    fi, offsetof(struct fdinfo_drm_region, total));
		ob->resident = fdinfo_drm_sum(
		    fi, offsetof(struct fdinfo_drm_region, resident));
		free(ob->name);
		ob->name = fi->drm.driver[0] ? xstrdup(fi->drm.driver) : NULL;
		break;
	default:
		break;
	}
}

static bool wants_fdinfo(enum fdw_kind k, unsigned flags)
{
	switch (k) {
	case FDW_PIPE:
	case FDW_SOCKET:
		return flags & FDWALK_PIPE_FLAGS;
	case FDW_MEMFD:
	case FDW_DELETED:
	case FDW_TMPFS:
		return false;
	default:
		return true;
	}
}

static void denied(struct fdwalk *w, int pid, int r)
{
	w->n_denied++;
	if (w->first_denied_pid)
		return;
	w->first_denied_pid = pid;
	w->first_denied_err = r;
	snprintf(w->first_denied_why, sizeof(w->first_denied_why), "%s (%s)",
		 strerror(-r),
		 geteuid() == 0 ? "not dumpable, or a security module"
				: "another user's process: needs root");
}

/* One descriptor: classify, measure, keep. Returns 0, or -ENOENT/-ESRCH
 * when the whole process is gone. */
static int one_fd(struct walker *k, struct fdw_proc *p, int dfd, int fdd,
		  int *fidfd, const char *fdname)
{
	struct fdwalk *w = k->w;
	char link[PATH_MAX + 16];
	struct fdw_object ob;
	struct span name;
	uint64_t ino;
	bool path;
	ssize_t n;
	int kind, fd;

	n = readlinkat(fdd, fdname, link, sizeof(link) - 1);
	if (n < 0) {
		if (errno == ENOENT)
			w->n_fd_gone++;
		if (errno == EACCES || errno == EPERM) {
			/* the directory lists, the links need ptrace
			 * access (another user namespace, a security
			 * module) */
			w->n_fd_denied++;
			p->n_fd_denied++;
		}
		return errno == ESRCH ? -ESRCH : 0;
	}
	link[n] = 0;
	kind = fdw_classify(link, (size_t)n, &ino, &name, &path);
	if (kind < 0) {
		w->n_other++;
		return 0;
	}
	fd = (int)strtol(fdname, NULL, 10);
	obj_init(&ob, (enum fdw_kind)kind, fd);
	ob.id = ino;
	ob.deleted =
	    (kind == FDW_MEMFD || path) && ends(link, (size_t)n, " (deleted)");
	if (kind == FDW_MEMFD || path) {
		struct stat st;
		int64_t t;

		if (fstatat(fdd, fdname, &st, 0) < 0) {
			if (errno == ENOENT)
				w->n_fd_gone++;
			return errno == ESRCH ? -ESRCH : 0;
		}
		if (path && !S_ISREG(st.st_mode)) {
			w->n_other++;
			return 0;
		}
		t = fs_type(k, p->pid, fdname, st.st_dev);
		ob.hugetlbfs = t == HUGETLBFS_MAGIC;
		if (path) {
			if (t == TMPFS_MAGIC ||
			    (t == HUGETLBFS_MAGIC && kind == FDW_TMPFS))
				ob.kind = FDW_TMPFS;
			else if (kind == FDW_TMPFS) {
				/* a file that exists, not in memory */
				w->n_other++;
				return 0;
			}
		}
		ob.id = st.st_ino;
		ob.dev = st.st_dev;
		ob.size = (uint64_t)st.st_size;
		ob.resident = (uint64_t)st.st_blocks * 512;
	}
	if (name.len && (kind == FDW_MEMFD || path || kind == FDW_DMABUF))
		ob.name = xstrndup(name.p, name.len);

	if (wants_fdinfo(ob.kind, k->o->flags)) {
		struct fdinfo fi;
		size_t len;
		int r = -EBADF;

		if (*fidfd < 0)
			*fidfd = openat(dfd, "fdinfo",
					O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fidfd >= 0)
			r = read_at(*fidfd, fdname, &k->s, &len);
		if (r == -ENOENT) {
			free(ob.name);
			w->n_fd_gone++;
			return 0;
		}
		if (r == -ESRCH) {
			free(ob.name);
			return r;
		}
		if (r >= 0 && fdinfo_parse(k->s.buf, len, &fi, NULL) == 0) {
			from_fdinfo(&ob, &fi);
			fdinfo_release(&fi);
		} else {
			w->n_fdinfo_bad++;
		}
	}
	w->objs =
	    xgrow(w->objs, &w->objs_alloc, w->n_objs + 1, sizeof(*w->objs));
	w->objs[w->n_objs++] = ob;
	p->n++;
	return 0;
}

/* The descriptors of one process; objects appended to w. Returns 0 or
 * -ENOENT/-ESRCH (gone) or -EACCES/-EPERM (not ours). */
static int walk_fds(struct walker *k, struct fdw_proc *p, int dfd)
{
	int fdd, fidfd = -1, r = 0;
	struct dirent *de;
	DIR *d;

	fdd = openat(dfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdd < 0)
		return -errno;
	d = fdopendir(fdd);
	if (!d) {
		r = -errno;
		close(fdd);
		return r;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				r = -errno;
			break;
		}
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		p->n_fds++;
		k->w->n_fds++;
		r = one_fd(k, p, dfd, dirfd(d), &fidfd, de->d_name);
		if (r < 0)
			break;
	}
	if (fidfd >= 0)
		close(fidfd);
	closedir(d);
	return r;
}

static void drop_objects(struct fdwalk *w, size_t from)
{
	for (size_t i = from; i < w->n_objs; i++)
		free(w->objs[i].name);
	w->n_objs = from;
}

static void walk_pid(struct walker *k, int procfd, int pid)
{
	struct fdwalk *w = k->w;
	struct pid_status st;
	struct fdw_proc p = {.pid = pid,
			     .hugetlb = VAL_ABSENT,
			     .hugetlb_private = VAL_ABSENT,
			     .hugetlb_shared = VAL_ABSENT};
	struct span cg;
	char name[16];
	size_t len;
	int dfd, r;

	snprintf(name, sizeof(name), "%d", pid);
	dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (gone(-errno))
			w->n_gone++;
		else
			denied(w, pid, -errno);
		return;
	}
	if (k->o->uid != (uid_t)-1) {
		struct stat sb;

		if (fstat(dfd, &sb) < 0 || sb.st_uid != k->o->uid) {
			close(dfd);
			return;
		}
	}
	r = read_at(dfd, "status", &k->s, &len);
	if (r < 0 || pid_status_parse(k->s.buf, len, &st, NULL) < 0) {
		/* status is world-readable: only a process that went away
		 * fails here */
		w->n_gone++;
		close(dfd);
		return;
	}
	if (pid_status_is_kthread(&st)) {
		close(dfd);
		return;
	}
	snprintf(p.comm, sizeof(p.comm), "%s", st.name);
	p.hugetlb = st.v[ST_HUGETLBPAGES];
	if (read_at(dfd, "cgroup", &k->s, &len) == 0 &&
	    fdw_cgroup_path(k->s.buf, len, &cg) == 0)
		p.cgroup = xstrndup(cg.p, cg.len);
	if (k->o->flags & FDWALK_SMAPS) {
		struct pid_smaps_rollup sm;

		if (read_at(dfd, "smaps_rollup", &k->s, &len) == 0 &&
		    pid_smaps_rollup_parse(k->s.buf, len, &sm, NULL) == 0) {
			p.hugetlb_private = sm.v[SM_PRIVATE_HUGETLB];
			p.hugetlb_shared = sm.v[SM_SHARED_HUGETLB];
			pid_smaps_rollup_release(&sm);
		}
	}
	p.first = w->n_objs;
	r = walk_fds(k, &p, dfd);
	close(dfd);
	if (gone(r)) {
		drop_objects(w, p.first);
		w->n_fds -= p.n_fds;
		w->n_fd_denied -= p.n_fd_denied;
		free(p.cgroup);
		w->n_gone++;
		return;
	}
	if (r == 0 && p.n_fds && p.n_fd_denied == p.n_fds)
		r = -EACCES;
	if (r == -EACCES || r == -EPERM) {
		p.err = r;
		denied(w, pid, r);
	}
	w->procs =
	    xgrow(w->procs, &w->procs_alloc, w->n_procs + 1, sizeof(*w->procs));
	w->procs[w->n_procs++] = p;
}

int fdwalk_collect(const struct fdwalk_opts *opts, struct fdwalk *ret)
{
	struct fdwalk w = {0};
	struct walker k = {.w = &w, .o = opts};
	int procfd;

	procfd = open(opts->proc ? opts->proc : "/proc",
		      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	if (opts->pids) {
		for (size_t i = 0; i < opts->npids; i++)
			walk_pid(&k, procfd, opts->pids[i]);
	} else {
		struct dirent *de;
		DIR *d = fdopendir(dup(procfd));

		if (!d) {
			int r = -errno;

			close(procfd);
			return r;
		}
		while ((de = readdir(d))) {
			char *end;
			long pid;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			pid = strtol(de->d_name, &end, 10);
			if (*end || pid > INT_MAX)
				continue;
			walk_pid(&k, procfd, (int)pid);
		}
		closedir(d);
	}
	close(procfd);
	free(k.s.buf);
	*ret = w;
	return 0;
}

void fdwalk_release(struct fdwalk *w)
{
	drop_objects(w, 0);
	for (size_t i = 0; i < w->n_procs; i++)
		free(w->procs[i].cgroup);
	free(w->objs);
	free(w->procs);
	memset(w, 0, sizeof(*w));
}
