/* The directory backend: the live system ("/") or a captured tree given
 * with --root DIR, read with openat(2) relative to the root's descriptor.
 *
 * A captured tree is untrusted: a symlink in it may point anywhere
 * ("proc/meminfo -> ../../../../etc/passwd" would put the host's passwd
 * into a snapshot). So every path under a tree resolves beneath DIR:
 * openat2(2) with RESOLVE_BENEATH where the kernel has it (5.6), else a
 * walk of the path here that refuses absolute links and any ".." that
 * climbs out (root_dir_resolve()). Both answer -EXDEV. The live root is
 * the exception: /proc and /sys are the kernel's and their links (absolute
 * ones among them) are meant to be followed.
 *
 * Files are opened O_NONBLOCK and must be regular files, so a FIFO or a
 * device planted in place of a kernel file fails at once (-EBADFD) instead
 * of hanging or filling memory; whole reads stop at root_read_cap() (-EFBIG).
 * The kernel's proc and sysfs files are regular files of size 0.
 *
 * A directory root can record: every read, listing and readlink (and
 * every failure with its errno) is kept for root_write_snapshot(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/fileio.h"
#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "root-internal.h"

bool root_dir_no_openat2;

#define LINKS_MAX 40 /* as the kernel's MAXSYMLINKS */

/* Join the kept components of a walk into "a/b/c" ("." when none). */
static char *join(char **comp, size_t n)
{
	size_t len = 0, at = 0;
	char *s;

	if (n == 0)
		return xstrdup(".");
	for (size_t i = 0; i < n; i++)
		len += strlen(comp[i]) + 1;
	s = xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(comp[i]);

		memcpy(s + at, comp[i], l);
		at += l;
		s[at++] = i + 1 < n ? '/' : '\0';
	}
	return s;
}

/* The walk: take components off the front of "todo"; a symlink's target
 * is put back in front of what remains, ".." drops the last kept
 * component and fails when there is none. A component that does not
 * exist is kept as it is: the open that follows says ENOENT. */
int root_dir_resolve(int dirfd, const char *path, char **ret)
{
	char **comp = NULL, *todo = xstrdup(path), *cur = todo;
	size_t n = 0, alloc = 0;
	unsigned links = 0;
	int e = 0;

	if (path[0] == '/') {
		free(todo);
		return -EXDEV;
	}
	while (*cur) {
		char *slash = strchr(cur, '/'), *name, *sofar, *target;
		struct stat st;
		size_t size = 256;
		ssize_t k;

		name =
		    slash ? xstrndup(cur, (size_t)(slash - cur)) : xstrdup(cur);
		cur = slash ? slash + 1 : cur + strlen(cur);
		if (!*name || streq(name, ".")) {
			free(name);
			continue;
		}
		if (streq(name, "..")) {
			free(name);
			if (n == 0) {
				e = -EXDEV;
				break;
			}
			free(comp[--n]);
			continue;
		}
		comp = xgrow(comp, &alloc, n + 1, sizeof(*comp));
		comp[n++] = name;
		sofar = join(comp, n);
		if (fstatat(dirfd, sofar, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISLNK(st.st_mode)) {
			free(sofar);
			continue;
		}
		if (++links > LINKS_MAX) {
			free(sofar);
			e = -ELOOP;
			break;
		}
		for (;;) {
			target = xmalloc(size);
			k = readlinkat(dirfd, sofar, target, size);
			if (k < 0 || (size_t)k < size)
				break;
			free(target);
			size *= 2;
		}
		free(sofar);
		if (k < 0) {
			e = -errno;
			free(target);
			break;
		}
		target[k] = '\0';
		if (target[0] == '/') {
			free(target);
			e = -EXDEV;
			break;
		}
		free(comp[--n]);
		sofar = xasprintf("%s/%s", target, cur);
		free(target);
		free(todo);
		todo = cur = sofar;
	}
	if (e == 0)
		*ret = join(comp, n);
	for (size_t i = 0; i < n; i++)
		free(comp[i]);
	free(comp);
	free(todo);
	return e;
}

/* Open path under r with flags: plain openat on the live root, beneath
 * DIR otherwise. Returns the descriptor or -errno. */
static int dir_open(struct root *r, const char *path, int flags)
{
	_cleanup_free_ char *resolved = NULL;
	int fd, e;

	if (!r->beneath) {
		fd = openat(r->dirfd, path, flags);
		return fd < 0 ? -errno : fd;
	}
	if (!root_dir_no_openat2) {
		struct open_how how = {
		    .flags = (uint64_t)flags,
		    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};

		fd = (int)syscall(SYS_openat2, r->dirfd, path, &how,
				  sizeof(how));
		if (fd >= 0)
			return fd;
		/* ENOSYS: before 5.6; EPERM: a seccomp filter that does not
		 * know it (older container runtimes) */
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
	}
	e = root_dir_resolve(r->dirfd, path, &resolved);
	if (e < 0)
		return e;
	fd = openat(r->dirfd, resolved, flags | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

/* Open a file to read, checked to be a regular file. */
static int dir_open_file(struct root *r, const char *path)
{
	int fd, e;

	fd = dir_open(r, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	e = fileio_verify_regular(fd);
	if (e < 0) {
		close(fd);
		return e;
	}
	return fd;
}

static int dir_read_raw(struct root *r, const char *path, char **ret_buf,
			size_t *ret_len)
{
	int fd, e;

	fd = dir_open_file(r, path);
	if (fd < 0)
		return fd;
	e = fileio_read_fd(fd, root_read_cap(path), ret_buf, ret_len);
	close(fd);
	return e;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir_list_raw(struct root *r, const char *dirpath, char ***ret_names,
			size_t *ret_n, unsigned char **ret_types)
{
	char **names = NULL;
	unsigned char *types = NULL;
	size_t n = 0, alloc = 0, talloc = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = dir_open(r, dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return -e;
	}
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		names = xgrow(names, &alloc, n + 1, sizeof(*names));
		types = xgrow(types, &talloc, n + 1, 1);
		types[n] = de->d_type;
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (ret_types) {
		*ret_types = types;
	} else {
		free(types);
		qsort(names, n, sizeof(*names), name_cmp);
	}
	*ret_names = names;
	*ret_n = n;
	return 0;
}

/* readlink of path's last component, its parent opened beneath DIR. */
static int dir_readlink_raw(struct root *r, const char *path, char **ret)
{
	const char *slash = strrchr(path, '/'), *base = path;
	size_t size = 256;
	int pfd = r->dirfd, e = 0;

	if (r->beneath && slash) {
		_cleanup_free_ char *parent =
		    xstrndup(path, (size_t)(slash - path));

		pfd = dir_open(r, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			return pfd;
		base = slash + 1;
	}
	for (;;) {
		char *buf = xmalloc(size);
		ssize_t k = readlinkat(pfd, base, buf, size);

		if (k < 0) {
			e = -errno;
			free(buf);
			break;
		}
		if ((size_t)k < size) {
			buf[k] = '\0';
			*ret = buf;
			break;
		}
		free(buf);
		size *= 2;
	}
	if (pfd != r->dirfd)
		close(pfd);
	return e;
}

/* --- the operations, recording what they see when asked to ----------- */

static int dir_read(struct root *r, const char *path, char **ret_buf,
		    size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	int e;

	e = dir_read_raw(r, path, &buf, &len);
	if (r->rec) {
		if (e < 0)
			entries_add(r->rec, path, ENTRY_ERROR, NULL, 0, -e);
		else
			entries_add(r->rec, path, ENTRY_FILE, buf, len, 0);
	}
	if (e < 0)
		return e;
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static int dir_list(struct root *r, const char *dir, char ***ret_names,
		    size_t *ret_n)
{
	unsigned char *types = NULL;
	char **names;
	size_t n;
	int e;

	if (!r->rec)
		return dir_list_raw(r, dir, ret_names, ret_n, NULL);
	e = dir_list_raw(r, dir, &names, &n, &types);
	if (e < 0) {
		entries_add(r->rec, dir, ENTRY_ERROR, NULL, 0, -e);
		return e;
	}
	entries_add(r->rec, dir, ENTRY_DIR, NULL, 0, 0);
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		if (types[i] == DT_DIR) {
			entries_add(r->rec, p, ENTRY_DIR, NULL, 0, 0);
		} else if (types[i] == DT_LNK) {
			char *t = NULL;

			if (dir_readlink_raw(r, p, &t) == 0) {
				entries_add(r->rec, p, ENTRY_LINK, t, strlen(t),
					    0);
				free(t);
			}
		}
		free(p);
	}
	free(types);
	qsort(names, n, sizeof(*names), name_cmp);
	*ret_names = names;
	*ret_n = n;
	return 0;
}

static int dir_readlink(struct root *r, const char *path, char **ret_target)
{
	char *t = NULL;
	int e;

	e = dir_readlink_raw(r, path, &t);
	if (r->rec) {
		if (e < 0 && e != -EINVAL)
			entries_add(r->rec, path, ENTRY_ERROR, NULL, 0, -e);
		else if (e == 0)
			entries_add(r->rec, path, ENTRY_LINK, t, strlen(t), 0);
	}
	if (e < 0)
		return e;
	*ret_target = t;
	return 0;
}

static int dir_file_open(struct root *r, const char *path,
			 struct root_file **ret)
{
	struct root_file *f;
	int fd;

	fd = dir_open_file(r, path);
	if (fd < 0)
		return fd;
	f = xcalloc(1, sizeof(*f));
	f->fd = fd;
	*ret = f;
	return 0;
}

/* Big files (kpage*) go in 4 MiB pieces, exempt from ROOT_READ_MAX: they
 * are 8 bytes a page frame, gigabytes on big machines. */
static int dir_record_file(struct root *r, const char *path)
{
	struct root_file *f;
	size_t alloc = 1 << 22, len = 0;
	char *buf;
	int err;

	if (!r->rec)
		return -EINVAL;
	err = dir_file_open(r, path, &f);
	if (err < 0) {
		entries_add(r->rec, path, ENTRY_ERROR, NULL, 0, -err);
		return err;
	}
	buf = xmalloc(alloc);
	for (;;) {
		ssize_t k;

		if (alloc - len < (1 << 22))
			buf = xgrow(buf, &alloc, alloc + 1, 1);
		/* 4 MiB pieces: kpage files refuse reads that are not
		 * multiples of 8 bytes, and every piece here is one */
		k = root_file_pread(f, buf + len, 1 << 22, len);
		if (k < 0) {
			err = (int)k;
			break;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	root_file_close(f);
	if (err < 0) {
		free(buf);
		entries_add(r->rec, path, ENTRY_ERROR, NULL, 0, -err);
		return err;
	}
	/* hand the buffer over instead of copying it: these files are big */
	buf = xrealloc(buf, len + 1);
	buf[len] = '\0';
	entries_add_owned(r->rec, path, ENTRY_FILE, buf, len);
	return 0;
}

static char *dir_display_path(const struct root *r, const char *path)
{
	if (r->live)
		return xasprintf("/%s", path);
	return xasprintf("%s/%s", r->dir, path);
}

static void dir_release(struct root *r)
{
	if (r->dirfd >= 0)
		close(r->dirfd);
}

const struct root_ops root_dir_ops = {
    .name = "dir",
    .read = dir_read,
    .list = dir_list,
    .readlink = dir_readlink,
    .file_open = dir_file_open,
    .record_file = dir_record_file,
    .display_path = dir_display_path,
    .release = dir_release,
};

int root_open_dir(const char *dir, struct root **ret)
{
	struct root *r;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = xcalloc(1, sizeof(*r));
	r->ops = &root_dir_ops;
	r->dirfd = fd;
	r->dir = xstrdup(dir);
	/* "tree/" and "tree" name the same root: keep messages alike */
	for (size_t n = strlen(r->dir); n > 1 && r->dir[n - 1] == '/'; n--)
		r->dir[n - 1] = '\0';
	r->desc = xstrdup(r->dir);
	r->live = streq(r->dir, "/");
	r->beneath = !r->live;
	*ret = r;
	return 0;
}
