/* Collecting files and their page cache residency; see files.h.
 *
 * The walk (files_add_path) works on directory file descriptors: openat
 * with O_NOFOLLOW for every step, so a symlink is never followed and a
 * directory renamed under us cannot send the walk elsewhere; d_type from
 * getdents saves a stat per entry (fstatat only for DT_UNKNOWN). Each
 * regular file is opened read-only with O_NOATIME (falling back without it
 * when we do not own the file), asked cachestat(2), and closed. A file or
 * directory that disappears between readdir and open is counted as
 * vanished; EACCES/EPERM as denied. A directory on another device is a
 * mount point: skipped unless cross_mounts.
 *
 * Held files (files_add_held): /proc/PID/maps names the files a process
 * maps; /proc/PID/fd/N are its open files, and opening the magic link
 * reaches the file even when it was deleted (its cache still counts).
 * Every candidate is stat()ed first and opened only when it is a regular
 * file: opening a device or a FIFO could block or have side effects.
 * tmpfs mounts from /proc/self/mounts are walked as directories: their
 * files are all in memory (shmem) whether or not anyone holds them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/fileio.h"
#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "files.h"

void files_init(struct files *fs)
{
	memset(fs, 0, sizeof(*fs));
}

void files_release(struct files *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].path);
	free(fs->v);
	free(fs->seen);
	memset(fs, 0, sizeof(*fs));
}

/* --- (dev, ino) set: open addressing, three words a slot -------------
 * {dev + 1, ino, entry index + 1 or 0}; a slot is empty when its first
 * word is 0 (dev + 1 keeps device 0 apart). */

static uint64_t mix(uint64_t dev, uint64_t ino)
{
	uint64_t h =
	    ino * 0x9e3779b97f4a7c15ULL ^ (dev + 0x632be59bd9b4e019ULL);

	h ^= h >> 31;
	return h * 0xbf58476d1ce4e5b9ULL;
}

/* The slot holding (dev, ino), or the empty slot where it would go. */
static uint64_t *seen_slot(uint64_t *tab, size_t cap, uint64_t dev,
			   uint64_t ino)
{
	size_t i = mix(dev, ino) & (cap - 1);

	for (;;) {
		uint64_t *s = &tab[3 * i];

		if (s[0] == 0 || (s[0] == dev + 1 && s[1] == ino))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

/* The slot of (dev, ino) if seen, else NULL. */
static uint64_t *seen_find(struct files *fs, uint64_t dev, uint64_t ino)
{
	uint64_t *s;

	if (!fs->seen_cap)
		return NULL;
	s = seen_slot(fs->seen, fs->seen_cap, dev, ino);
	return s[0] ? s : NULL;
}

/* Mark (dev, ino) seen; returns its slot (valid until the next add). */
static uint64_t *seen_add(struct files *fs, uint64_t dev, uint64_t ino)
{
	uint64_t *s;

	if (2 * (fs->seen_n + 1) > fs->seen_cap) {
		size_t ncap = fs->seen_cap ? 2 * fs->seen_cap : 1024;
		uint64_t *nt = xcalloc(3 * ncap, sizeof(*nt));

		for (size_t i = 0; i < fs->seen_cap; i++) {
			uint64_t *o = &fs->seen[3 * i];

			if (o[0])
				memcpy(seen_slot(nt, ncap, o[0] - 1, o[1]), o,
				       3 * sizeof(*o));
		}
		free(fs->seen);
		fs->seen = nt;
		fs->seen_cap = ncap;
	}
	s = seen_slot(fs->seen, fs->seen_cap, dev, ino);
	if (!s[0]) {
		s[0] = dev + 1;
		s[1] = ino;
		s[2] = 0;
		fs->seen_n++;
	}
	return s;
}

/* Processes are read one after another, so a process seen again for the
 * same file (another mapping, another fd) is the last one recorded. */
static void add_holder(struct files *fs, const uint64_t *slot, int pid)
{
	struct file_entry *e;

	if (pid <= 0 || !slot || slot[2] == 0)
		return;
	e = &fs->v[slot[2] - 1];
	if (e->last_holder == pid)
		return;
	e->last_holder = pid;
	if (e->nholders < FILE_HOLDERS_MAX)
		e->holders[e->nholders] = pid;
	e->nholders++;
}

/* --- one file ---------------------------------------------------------- */

static void note_denied(struct files *fs, const char *path, int err)
{
	if (fs->n_denied++ == 0) {
		snprintf(fs->first_denied, sizeof(fs->first_denied), "%s",
			 path);
		fs->first_denied_err = err;
	}
}

static void count_failure(struct files *fs, const char *path, int err)
{
	if (err == -ENOENT || err == -ESRCH)
		fs->n_vanished++;
	else if (err == -EACCES || err == -EPERM)
		note_denied(fs, path, err);
	else
		fs->n_errors++;
}

/* Take an open fd of a regular file: measure it and keep it, with pid as
 * a holder (0: none). Closes fd. */
static void add_fd(struct files *fs, int fd, const struct stat *st,
		   const char *path, int pid)
{
	struct file_entry *e;
	struct pagecache_stat ps;
	uint64_t *slot;
	int r;

	slot = seen_find(fs, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (slot) {
		close(fd);
		add_holder(fs, slot, pid);
		return;
	}
	slot = seen_add(fs, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	r = pagecache_stat_range(fd, (uint64_t)st->st_size, 0, 0, &ps);
	close(fd);
	if (r == -EPERM) {
		fs->n_hidden++;
		return;
	}
	if (r < 0) {
		count_failure(fs, path, r);
		return;
	}
	if (ps.method == PAGECACHE_MINCORE)
		fs->n_mincore++;
	fs->v = xgrow(fs->v, &fs->alloc, fs->n + 1, sizeof(*fs->v));
	e = &fs->v[fs->n++];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	e->dev = (uint64_t)st->st_dev;
	e->ino = (uint64_t)st->st_ino;
	e->size = (uint64_t)st->st_size;
	e->st = ps;
	slot[2] = fs->n;
	add_holder(fs, slot, pid);
	if (fs->progress && (fs->n & 1023) == 0)
		fs->progress(fs->n, fs->userdata);
}

static int open_file_at(int dirfd, const char *name, int extra)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | extra;
	int fd = openat(dirfd, name, flags | O_NOATIME);

	/* O_NOATIME needs ownership or CAP_FOWNER */
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	return fd;
}

/* --- the walk ---------------------------------------------------------- */

struct pathbuf {
	char *p;
	size_t len, alloc;
};

static size_t pathbuf_push(struct pathbuf *pb, const char *name)
{
	size_t old = pb->len, n = strlen(name);
	bool slash = old > 0 && pb->p[old - 1] != '/';

	pb->p = xgrow(pb->p, &pb->alloc, old + n + 2, 1);
	if (slash)
		pb->p[pb->len++] = '/';
	memcpy(pb->p + pb->len, name, n + 1);
	pb->len += n;
	return old;
}

static void walk_dir(struct files *fs, int dfd, dev_t dev, struct pathbuf *pb)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		fs->n_errors++;
		return;
	}
	while ((de = readdir(d))) {
		unsigned char type = de->d_type;
		struct stat st;
		size_t mark;
		int fd;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = S_ISDIR(st.st_mode)   ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG
						     : DT_LNK;
		}
		if (type != DT_DIR && type != DT_REG)
			continue; /* symlinks, devices, sockets, FIFOs */
		mark = pathbuf_push(pb, de->d_name);
		if (type == DT_DIR)
			fd = openat(dirfd(d), de->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					O_CLOEXEC);
		else
			fd = open_file_at(dirfd(d), de->d_name, O_NOFOLLOW);
		if (fd < 0) {
			if (errno != ELOOP) /* became a symlink: skip */
				count_failure(fs, pb->p, -errno);
		} else if (fstat(fd, &st) < 0) {
			count_failure(fs, pb->p, -errno);
			close(fd);
		} else if (st.st_dev != dev && !fs->cross_mounts) {
			fs->n_other_fs++;
			close(fd);
		} else if (S_ISDIR(st.st_mode)) {
			walk_dir(fs, fd, st.st_dev, pb);
		} else if (S_ISREG(st.st_mode)) {
			add_fd(fs, fd, &st, pb->p, 0);
		} else {
			close(fd);
		}
		pb->len = mark;
		pb->p[mark] = '\0';
	}
	closedir(d);
}

/* --- the walk in parallel ----------------------------------------------
 * The kernel work per file (open, cachestat, close) is small and the same
 * for every file, so the walk scales with CPUs: the directories right
 * below a PATH are handed out one at a time to worker threads, each with
 * its own struct files; their results are merged afterwards, where a file
 * seen by two workers (a hard link) is kept once. */

struct par {
	int topfd;
	dev_t dev;
	const char *base;
	char **names;
	size_t n;
	atomic_size_t next;
	atomic_size_t done; /* files measured, for progress */
	pthread_mutex_t lock;
	struct files *fs; /* the caller's: settings and progress */
};

struct worker {
	struct par *par;
	struct files local;
	pthread_t tid;
	bool started;
};

static void worker_progress(size_t n, void *userdata)
{
	struct par *p = userdata;
	size_t total = atomic_fetch_add(&p->done, 1024) + 1024;

	(void)n;
	pthread_mutex_lock(&p->lock);
	p->fs->progress(total, p->fs->userdata);
	pthread_mutex_unlock(&p->lock);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct par *p = w->par;

	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		struct pathbuf pb = {0};
		struct stat st;
		int fd;

		if (i >= p->n)
			break;
		pathbuf_push(&pb, p->base);
		pathbuf_push(&pb, p->names[i]);
		fd = openat(p->topfd, p->names[i],
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ELOOP && errno != ENOTDIR)
				count_failure(&w->local, pb.p, -errno);
		} else if (fstat(fd, &st) < 0) {
			count_failure(&w->local, pb.p, -errno);
			close(fd);
		} else if (st.st_dev != p->dev && !w->local.cross_mounts) {
			w->local.n_other_fs++;
			close(fd);
		} else {
			walk_dir(&w->local, fd, st.st_dev, &pb);
		}
		free(pb.p);
	}
	return NULL;
}

static void merge(struct files *fs, struct files *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct file_entry *e = &l->v[i];
		uint64_t *slot;

		if (seen_find(fs, e->dev, e->ino)) {
			free(e->path);
			continue;
		}
		slot = seen_add(fs, e->dev, e->ino);
		fs->v = xgrow(fs->v, &fs->alloc, fs->n + 1, sizeof(*fs->v));
		fs->v[fs->n++] = *e;
		slot[2] = fs->n;
	}
	fs->n_vanished += l->n_vanished;
	fs->n_other_fs += l->n_other_fs;
	fs->n_errors += l->n_errors;
	fs->n_mincore += l->n_mincore;
	fs->n_hidden += l->n_hidden;
	if (l->n_denied && !fs->n_denied) {
		memcpy(fs->first_denied, l->first_denied,
		       sizeof(fs->first_denied));
		fs->first_denied_err = l->first_denied_err;
	}
	fs->n_denied += l->n_denied;
	l->n = 0; /* the paths moved */
	files_release(l);
}

/* Walk a directory: its own files here, its subdirectories by workers
 * (or here, recursively, when one thread is all there is). Takes dfd. */
static void walk_top(struct files *fs, int dfd, dev_t dev, const char *path)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct par p = {.topfd = dfd, .dev = dev, .base = path, .fs = fs};
	struct worker *w;
	size_t alloc = 0, nthreads;
	struct dirent *de;
	DIR *d;

	nthreads = ncpu > 1 ? (size_t)(ncpu < 8 ? ncpu : 8) : 1;
	if (nthreads == 1) {
		struct pathbuf pb = {0};

		pathbuf_push(&pb, path);
		walk_dir(fs, dfd, dev, &pb);
		free(pb.p);
		return;
	}
	/* the top directory: files here, subdirectory names for later;
	 * dup so that the workers keep a descriptor to open them from */
	d = fdopendir(dup(dfd));
	if (!d) {
		close(dfd);
		fs->n_errors++;
		return;
	}
	while ((de = readdir(d))) {
		unsigned char type = de->d_type;
		struct stat st;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (type == DT_UNKNOWN) {
			if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) <
			    0)
				continue;
			type = S_ISDIR(st.st_mode)   ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG
						     : DT_LNK;
		}
		if (type == DT_DIR) {
			p.names =
			    xgrow(p.names, &alloc, p.n + 1, sizeof(*p.names));
			p.names[p.n++] = xstrdup(de->d_name);
		} else if (type == DT_REG) {
			struct pathbuf pb = {0};
			int fd = open_file_at(dfd, de->d_name, O_NOFOLLOW);

			pathbuf_push(&pb, path);
			pathbuf_push(&pb, de->d_name);
			if (fd < 0) {
				if (errno != ELOOP)
					count_failure(fs, pb.p, -errno);
			} else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
				close(fd);
			} else if (st.st_dev != dev && !fs->cross_mounts) {
				fs->n_other_fs++;
				close(fd);
			} else {
				add_fd(fs, fd, &st, pb.p, 0);
			}
			free(pb.p);
		}
	}
	closedir(d);

	if (nthreads > p.n)
		nthreads = p.n;
	pthread_mutex_init(&p.lock, NULL);
	atomic_init(&p.next, 0);
	atomic_init(&p.done, fs->n & ~(size_t)1023);
	w = xcalloc(nthreads ? nthreads : 1, sizeof(*w));
	for (size_t i = 0; i < nthreads; i++) {
		w[i].par = &p;
		files_init(&w[i].local);
		w[i].local.cross_mounts = fs->cross_mounts;
		if (fs->progress) {
			w[i].local.progress = worker_progress;
			w[i].local.userdata = &p;
		}
		w[i].started =
		    pthread_create(&w[i].tid, NULL, worker_run, &w[i]) == 0;
		if (!w[i].started)
			worker_run(&w[i]); /* no thread: do its share here */
	}
	for (size_t i = 0; i < nthreads; i++) {
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
		merge(fs, &w[i].local);
	}
	free(w);
	pthread_mutex_destroy(&p.lock);
	for (size_t i = 0; i < p.n; i++)
		free(p.names[i]);
	free(p.names);
	close(dfd);
}

int files_add_path(struct files *fs, const char *path)
{
	struct stat st;
	int fd;

	/* the path given is taken as the user wrote it, links included;
	 * below it nothing is followed */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (S_ISREG(st.st_mode)) {
		add_fd(fs, fd, &st, path, 0);
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	walk_top(fs, fd, st.st_dev, path);
	return 0;
}

/* --- files held by processes ------------------------------------------ */

/* stat first, open only regular files */
static void add_held(struct files *fs, const char *open_path,
		     const char *show_path, int pid)
{
	uint64_t *slot;
	struct stat st, st2;
	int fd;

	if (stat(open_path, &st) < 0) {
		count_failure(fs, show_path, -errno);
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	/* cheap early dedupe: most mapped files are libraries seen before */
	slot = seen_find(fs, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	if (slot) {
		add_holder(fs, slot, pid);
		return;
	}
	fd = open_file_at(AT_FDCWD, open_path, 0);
	if (fd < 0) {
		count_failure(fs, show_path, -errno);
		return;
	}
	if (fstat(fd, &st2) < 0 || !S_ISREG(st2.st_mode)) {
		close(fd);
		return;
	}
	add_fd(fs, fd, &st2, show_path, pid);
}

static void add_maps(struct files *fs, const char *pid, int npid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%s/maps", pid);
	_cleanup_free_ char *buf = NULL;
	struct line_iter it;
	struct span line;
	size_t len;

	if (fileio_read_file(AT_FDCWD, path, FILEIO_MAPS_MAX, &buf, &len) < 0)
		return;
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[6];
		_cleanup_free_ char *name = NULL;
		const char *slash;

		/* addr perms offset dev inode path: the path may hold
		 * spaces, so take everything from its first '/' */
		if (span_fields(line, f, 6) < 6 || span_eq(f[4], "0"))
			continue;
		slash =
		    memchr(f[5].p, '/', (size_t)(line.p + line.len - f[5].p));
		if (!slash || slash != f[5].p)
			continue;
		name = xstrndup(slash, (size_t)(line.p + line.len - slash));
		if (strstr(name, " (deleted)")) {
			/* reach it through map_files (needs root) */
			_cleanup_free_ char *mf = NULL;
			_cleanup_free_ char *addr = xstrndup(f[0].p, f[0].len);

			mf = xasprintf("/proc/%s/map_files/%s", pid, addr);
			add_held(fs, mf, name, npid);
			continue;
		}
		add_held(fs, name, name, npid);
	}
}

static void add_fds(struct files *fs, const char *pid, int npid)
{
	_cleanup_free_ char *dir = xasprintf("/proc/%s/fd", pid);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if (errno == EACCES || errno == EPERM)
			note_denied(fs, dir, -errno);
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *link = NULL;
		char target[4096];
		ssize_t k;

		if (de->d_name[0] == '.')
			continue;
		link = xasprintf("%s/%s", dir, de->d_name);
		k = readlink(link, target, sizeof(target) - 1);
		if (k <= 0 || target[0] != '/')
			continue; /* socket:[..], pipe:[..], anon_inode:... */
		target[k] = '\0';
		add_held(fs, link, target, npid);
	}
	closedir(d);
}

static void add_tmpfs_mounts(struct files *fs)
{
	_cleanup_free_ char *buf = NULL;
	struct line_iter it;
	struct span line;
	size_t len;

	if (fileio_read_file(AT_FDCWD, "/proc/self/mounts", FILEIO_MAX, &buf,
			     &len) < 0)
		return;
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[3];
		char mnt[4096];
		size_t w = 0;

		if (span_fields(line, f, 3) < 3 ||
		    !(span_eq(f[2], "tmpfs") || span_eq(f[2], "ramfs")))
			continue;
		/* mount points escape space, tab, newline, '\' as \ooo */
		for (size_t i = 0; i < f[1].len && w + 1 < sizeof(mnt); i++) {
			if (f[1].p[i] == '\\' && i + 3 < f[1].len &&
			    f[1].p[i + 1] >= '0' && f[1].p[i + 1] <= '3') {
				mnt[w++] = (char)((f[1].p[i + 1] - '0') * 64 +
						  (f[1].p[i + 2] - '0') * 8 +
						  (f[1].p[i + 3] - '0'));
				i += 3;
			} else {
				mnt[w++] = f[1].p[i];
			}
		}
		mnt[w] = '\0';
		(void)files_add_path(fs, mnt);
	}
}

int files_add_held(struct files *fs)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		int pid = (int)strtol(de->d_name, NULL, 10);

		add_maps(fs, de->d_name, pid);
		add_fds(fs, de->d_name, pid);
	}
	closedir(d);
	add_tmpfs_mounts(fs);
	return 0;
}
