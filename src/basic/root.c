/* The root seam: reading kernel files from a directory or a snapshot, and
 * recording reads into a snapshot. See root.h for the contract.
 *
 * Snapshot file format (documented in docs/SNAPSHOT.md): a POSIX tar
 * archive (pax) compressed with zstd, so `tar --zstd -tvf FILE` lists it.
 * The first member is memtally-snapshot.json, the manifest: format name and
 * version, host, kernel, time, every file with an FNV-1a 64-bit hash of its
 * bytes, and every read that failed at capture time with its errno. Then
 * the captured paths as regular files, directories and symlinks. Reading
 * checks the manifest first and every hash, so a truncated or altered file
 * is refused with a one-line reason instead of giving wrong numbers. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"
#include "xalloc.h"

#define MANIFEST_NAME "memtally-snapshot.json"
#define MANIFEST_FORMAT "memtally-snapshot"
#define MANIFEST_VERSION 1
/* A snapshot member larger than this is refused (a guard against a
 * hostile header asking for terabytes). kpage files of a 1 TiB machine
 * stay below it. */
#define MEMBER_MAX ((int64_t)4 << 30)

enum entry_kind {
	ENTRY_FILE,
	ENTRY_DIR,
	ENTRY_LINK,
	ENTRY_ERROR,
};

struct entry {
	char *path;
	enum entry_kind kind;
	char *data; /* file contents or link target */
	size_t len;
	int err; /* positive errno for ENTRY_ERROR */
};

struct entries {
	struct entry *v;
	size_t n, alloc;
	bool sorted;
};

struct root {
	int dirfd; /* -1 for a snapshot */
	char *dir;
	char *desc;
	struct entries snap; /* the snapshot's members */
	struct entries *rec; /* recording, or NULL */
	struct snapshot_meta meta;
	bool has_meta;
};

/* --- entry lists ------------------------------------------------------- */

static void entries_add(struct entries *es, const char *path,
			enum entry_kind kind, const char *data, size_t len,
			int err)
{
	struct entry *e;

	es->v = xgrow(es->v, &es->alloc, es->n + 1, sizeof(*es->v));
	e = &es->v[es->n++];
	e->path = xstrdup(path);
	e->kind = kind;
	e->data = NULL;
	e->len = len;
	e->err = err;
	if (data) {
		e->data = xmalloc(len + 1);
		memcpy(e->data, data, len);
		e->data[len] = '\0';
	}
	es->sorted = false;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static void entries_release(struct entries *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].path);
		free(es->v[i].data);
	}
	free(es->v);
	memset(es, 0, sizeof(*es));
}

/* Sort, and drop later duplicates of a path (the first read wins). */
static void entries_sort(struct entries *es)
{
	size_t w = 0;

	if (es->sorted)
		return;
	/* stable: a merge-free approach is fine, duplicates are rare and
	 * identical in practice */
	qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
	for (size_t i = 0; i < es->n; i++) {
		if (w > 0 && streq(es->v[w - 1].path, es->v[i].path)) {
			free(es->v[i].path);
			free(es->v[i].data);
			continue;
		}
		es->v[w++] = es->v[i];
	}
	es->n = w;
	es->sorted = true;
}

static struct entry *entries_find(struct entries *es, const char *path)
{
	struct entry key = {.path = (char *)path};

	entries_sort(es);
	return bsearch(&key, es->v, es->n, sizeof(*es->v), entry_cmp);
}

/* --- opening ----------------------------------------------------------- */

int root_open_dir(const char *dir, struct root **ret)
{
	struct root *r;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = xcalloc(1, sizeof(*r));
	r->dirfd = fd;
	r->dir = xstrdup(dir);
	/* "tree/" and "tree" name the same root: keep messages alike */
	for (size_t n = strlen(r->dir); n > 1 && r->dir[n - 1] == '/'; n--)
		r->dir[n - 1] = '\0';
	r->desc = xstrdup(r->dir);
	*ret = r;
	return 0;
}

void root_free(struct root *r)
{
	if (!r)
		return;
	if (r->dirfd >= 0)
		close(r->dirfd);
	entries_release(&r->snap);
	if (r->rec) {
		entries_release(r->rec);
		free(r->rec);
	}
	free(r->dir);
	free(r->desc);
	free(r);
}

const char *root_describe(const struct root *r)
{
	return r->desc;
}

bool root_is_recording(const struct root *r)
{
	return r->rec != NULL;
}

bool root_is_live(const struct root *r)
{
	return r->dirfd >= 0 && streq(r->dir, "/");
}

char *root_display_path(const struct root *r, const char *path)
{
	if (r->dirfd < 0)
		return xasprintf("%s:/%s", r->dir, path);
	if (streq(r->dir, "/"))
		return xasprintf("/%s", path);
	return xasprintf("%s/%s", r->dir, path);
}

const struct snapshot_meta *root_snapshot_meta(const struct root *r)
{
	return r->has_meta ? &r->meta : NULL;
}

int root_record(struct root *r)
{
	if (r->dirfd < 0)
		return -EOPNOTSUPP;
	if (!r->rec)
		r->rec = xcalloc(1, sizeof(*r->rec));
	return 0;
}

/* --- reading from a directory ------------------------------------------ */

static int read_fd_all(int fd, char **ret_buf, size_t *ret_len)
{
	size_t alloc = 16384, len = 0;
	char *buf = xmalloc(alloc);

	for (;;) {
		ssize_t k;

		if (alloc - len < 4096)
			buf = xgrow(buf, &alloc, alloc + 1, 1);
		k = read(fd, buf + len, alloc - len - 1);
		if (k < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			return -e;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static int dir_read(struct root *r, const char *path, char **ret_buf,
		    size_t *ret_len)
{
	int fd, e;

	fd = openat(r->dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	e = read_fd_all(fd, ret_buf, ret_len);
	close(fd);
	return e;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir_list(struct root *r, const char *dirpath, char ***ret_names,
		    size_t *ret_n, unsigned char **ret_types)
{
	char **names = NULL;
	unsigned char *types = NULL;
	size_t n = 0, alloc = 0, talloc = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(r->dirfd, dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
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

static int dir_readlink(struct root *r, const char *path, char **ret)
{
	size_t size = 256;

	for (;;) {
		char *buf = xmalloc(size);
		ssize_t k = readlinkat(r->dirfd, path, buf, size);

		if (k < 0) {
			int e = errno;

			free(buf);
			return -e;
		}
		if ((size_t)k < size) {
			buf[k] = '\0';
			*ret = buf;
			return 0;
		}
		free(buf);
		size *= 2;
	}
}

/* --- reading from a snapshot ------------------------------------------- */

static int snap_read(struct root *r, const char *path, char **ret_buf,
		     size_t *ret_len)
{
	struct entry *e = entries_find(&r->snap, path);

	if (!e)
		return -ENOENT;
	switch (e->kind) {
	case ENTRY_ERROR:
		return -e->err;
	case ENTRY_DIR:
		return -EISDIR;
	case ENTRY_LINK:
		/* captures never read through a link; see root_list */
		return -ENOENT;
	case ENTRY_FILE:
		break;
	}
	*ret_buf = xmalloc(e->len + 1);
	memcpy(*ret_buf, e->data, e->len);
	(*ret_buf)[e->len] = '\0';
	*ret_len = e->len;
	return 0;
}

static int snap_list(struct root *r, const char *dirpath, char ***ret_names,
		     size_t *ret_n)
{
	struct entry *self = entries_find(&r->snap, dirpath);
	char *prefix = xasprintf("%s/", dirpath);
	size_t plen = strlen(prefix), lo = 0, hi, n = 0, alloc = 0;
	char **names = NULL;

	if (self && self->kind == ENTRY_ERROR) {
		free(prefix);
		return -self->err;
	}
	/* lower bound of prefix: children are contiguous after it */
	hi = r->snap.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(r->snap.v[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < r->snap.n; i++) {
		const char *p = r->snap.v[i].path, *rest, *slash;
		size_t clen;

		if (strncmp(p, prefix, plen) != 0)
			break;
		rest = p + plen;
		slash = strchr(rest, '/');
		clen = slash ? (size_t)(slash - rest) : strlen(rest);
		if (clen == 0)
			continue;
		if (n > 0 && strlen(names[n - 1]) == clen &&
		    strncmp(names[n - 1], rest, clen) == 0)
			continue;
		names = xgrow(names, &alloc, n + 1, sizeof(*names));
		names[n++] = xstrndup(rest, clen);
	}
	free(prefix);
	if (!self && n == 0)
		return -ENOENT;
	if (self && self->kind != ENTRY_DIR) {
		root_names_free(names, n);
		return -ENOTDIR;
	}
	*ret_names = names;
	*ret_n = n;
	return 0;
}

static int snap_readlink(struct root *r, const char *path, char **ret)
{
	struct entry *e = entries_find(&r->snap, path);

	if (!e)
		return -ENOENT;
	if (e->kind == ENTRY_ERROR)
		return -e->err;
	if (e->kind != ENTRY_LINK)
		return -EINVAL;
	*ret = xstrdup(e->data);
	return 0;
}

/* --- the public readers ------------------------------------------------ */

int root_read(struct root *r, const char *path, char **ret_buf, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	int e;

	if (r->dirfd < 0)
		return snap_read(r, path, ret_buf, ret_len);
	e = dir_read(r, path, &buf, &len);
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

int root_list(struct root *r, const char *dir, char ***ret_names, size_t *ret_n)
{
	unsigned char *types = NULL;
	char **names;
	size_t n;
	int e;

	if (r->dirfd < 0)
		return snap_list(r, dir, ret_names, ret_n);
	if (!r->rec)
		return dir_list(r, dir, ret_names, ret_n, NULL);

	e = dir_list(r, dir, &names, &n, &types);
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

			if (dir_readlink(r, p, &t) == 0) {
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

void root_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int root_readlink(struct root *r, const char *path, char **ret_target)
{
	char *t = NULL;
	int e;

	if (r->dirfd < 0)
		return snap_readlink(r, path, ret_target);
	e = dir_readlink(r, path, &t);
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

/* --- libarchive, loaded on first use ------------------------------------
 *
 * Only snapshot files need libarchive, and linking it costs every run of
 * every view about half a millisecond in the dynamic loader (it pulls in
 * libxml2, ICU and libstdc++). So it is dlopen()ed the first time a
 * snapshot is read or written, as systemd loads its optional libraries.
 * The calls below go through AR(name), a pointer of the real prototype's
 * type, so the compiler still checks every call against archive.h. */

#define ARCHIVE_SYMS(X)                                                        \
	X(archive_write_new)                                                   \
	X(archive_write_add_filter_zstd)                                       \
	X(archive_write_set_format_pax_restricted)                             \
	X(archive_write_open_filename)                                         \
	X(archive_error_string)                                                \
	X(archive_write_free)                                                  \
	X(archive_entry_new)                                                   \
	X(archive_entry_set_pathname)                                          \
	X(archive_entry_set_filetype)                                          \
	X(archive_entry_set_perm)                                              \
	X(archive_entry_set_mtime)                                             \
	X(archive_entry_set_symlink)                                           \
	X(archive_entry_set_size)                                              \
	X(archive_write_header)                                                \
	X(archive_entry_free)                                                  \
	X(archive_write_data)                                                  \
	X(archive_write_close)                                                 \
	X(archive_read_new)                                                    \
	X(archive_read_support_filter_zstd)                                    \
	X(archive_read_support_filter_none)                                    \
	X(archive_read_support_format_tar)                                     \
	X(archive_read_open_filename)                                          \
	X(archive_read_next_header)                                            \
	X(archive_entry_pathname)                                              \
	X(archive_entry_filetype)                                              \
	X(archive_entry_size)                                                  \
	X(archive_read_data)                                                   \
	X(archive_entry_symlink)                                               \
	X(archive_read_free)

static struct {
	void *handle;
#define ARCHIVE_PTR(name) __typeof__(name) *name;
	ARCHIVE_SYMS(ARCHIVE_PTR)
#undef ARCHIVE_PTR
} ar;

#define AR(name) (ar.name)

/* Load libarchive once. Returns 0, or -EOPNOTSUPP with a reason. */
static int archive_load(char **ret_why)
{
	void *h;

	if (ar.handle)
		return 0;
	h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		if (ret_why)
			*ret_why =
			    xasprintf("cannot load libarchive: %s", dlerror());
		return -EOPNOTSUPP;
	}
#define ARCHIVE_LOAD(name)                                                     \
	ar.name = (__typeof__(name) *)dlsym(h, #name);                         \
	if (!ar.name) {                                                        \
		if (ret_why)                                                   \
			*ret_why = xstrdup("libarchive lacks " #name);         \
		dlclose(h);                                                    \
		return -EOPNOTSUPP;                                            \
	}
	ARCHIVE_SYMS(ARCHIVE_LOAD)
#undef ARCHIVE_LOAD
	ar.handle = h;
	return 0;
}

/* --- snapshot files ---------------------------------------------------- */

static uint64_t fnv1a64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char *manifest_build(const struct entries *es,
			    const struct snapshot_meta *m)
{
	json_object *o = json_object_new_object(), *files, *errs;
	char *s;

	json_object_object_add(o, "format",
			       json_object_new_string(MANIFEST_FORMAT));
	json_object_object_add(o, "version",
			       json_object_new_int(MANIFEST_VERSION));
	json_object_object_add(o, "tool_version",
			       json_object_new_string(m->tool_version));
	json_object_object_add(o, "created", json_object_new_int64(m->created));
	json_object_object_add(o, "hostname",
			       json_object_new_string(m->hostname));
	json_object_object_add(o, "kernel", json_object_new_string(m->kernel));
	json_object_object_add(o, "machine",
			       json_object_new_string(m->machine));
	files = json_object_new_array();
	errs = json_object_new_array();
	for (size_t i = 0; i < es->n; i++) {
		const struct entry *e = &es->v[i];
		json_object *f = json_object_new_object();
		char hex[17];

		json_object_object_add(f, "path",
				       json_object_new_string(e->path));
		switch (e->kind) {
		case ENTRY_FILE:
			snprintf(hex, sizeof(hex), "%016llx",
				 (unsigned long long)fnv1a64(e->data, e->len));
			json_object_object_add(f, "size",
					       json_object_new_uint64(e->len));
			json_object_object_add(f, "fnv1a64",
					       json_object_new_string(hex));
			json_object_array_add(files, f);
			break;
		case ENTRY_DIR:
			json_object_object_add(f, "type",
					       json_object_new_string("dir"));
			json_object_array_add(files, f);
			break;
		case ENTRY_LINK:
			json_object_object_add(f, "type",
					       json_object_new_string("link"));
			json_object_array_add(files, f);
			break;
		case ENTRY_ERROR:
			json_object_object_add(f, "errno",
					       json_object_new_int(e->err));
			json_object_object_add(
			    f, "error",
			    json_object_new_string(strerror(e->err)));
			json_object_array_add(errs, f);
			break;
		}
	}
	json_object_object_add(o, "files", files);
	json_object_object_add(o, "errors", errs);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return s;
}

static int write_member(struct archive *a, const char *path, mode_t type,
			const char *data, size_t len, int64_t mtime)
{
	struct archive_entry *ae = AR(archive_entry_new)();
	int r;

	AR(archive_entry_set_pathname)(ae, path);
	AR(archive_entry_set_filetype)(ae, type);
	AR(archive_entry_set_perm)(ae, type == AE_IFDIR ? 0755 : 0644);
	AR(archive_entry_set_mtime)(ae, mtime, 0);
	if (type == AE_IFLNK) {
		AR(archive_entry_set_symlink)(ae, data);
		AR(archive_entry_set_size)(ae, 0);
	} else {
		AR(archive_entry_set_size)
		(ae, type == AE_IFREG ? (la_int64_t)len : 0);
	}
	r = AR(archive_write_header)(a, ae);
	AR(archive_entry_free)(ae);
	if (r != ARCHIVE_OK)
		return -EIO;
	if (type == AE_IFREG && len > 0 &&
	    AR(archive_write_data)(a, data, len) != (la_ssize_t)len)
		return -EIO;
	return 0;
}

int root_write_snapshot(struct root *r, const char *file,
			const struct snapshot_meta *meta, char **ret_why)
{
	struct archive *a;
	char *manifest, *tmp;
	int e = 0, fd;

	if (!r->rec)
		return -EINVAL;
	e = archive_load(ret_why);
	if (e < 0)
		return e;
	entries_sort(r->rec);
	manifest = manifest_build(r->rec, meta);
	tmp = xasprintf("%s.tmp.%d", file, (int)getpid());

	a = AR(archive_write_new)();
	if (AR(archive_write_add_filter_zstd)(a) != ARCHIVE_OK ||
	    AR(archive_write_set_format_pax_restricted)(a) != ARCHIVE_OK ||
	    AR(archive_write_open_filename)(a, tmp) != ARCHIVE_OK) {
		if (ret_why)
			*ret_why = xstrdup(AR(archive_error_string)(a)
					       ? AR(archive_error_string)(a)
					       : "cannot start archive");
		e = -EIO;
		AR(archive_write_free)(a);
		goto out;
	}
	e = write_member(a, MANIFEST_NAME, AE_IFREG, manifest, strlen(manifest),
			 meta->created);
	for (size_t i = 0; e == 0 && i < r->rec->n; i++) {
		const struct entry *en = &r->rec->v[i];

		if (en->kind == ENTRY_FILE)
			e = write_member(a, en->path, AE_IFREG, en->data,
					 en->len, meta->created);
		else if (en->kind == ENTRY_DIR)
			e = write_member(a, en->path, AE_IFDIR, NULL, 0,
					 meta->created);
		else if (en->kind == ENTRY_LINK)
			e = write_member(a, en->path, AE_IFLNK, en->data, 0,
					 meta->created);
	}
	if (e == 0 && AR(archive_write_close)(a) != ARCHIVE_OK)
		e = -EIO;
	if (e < 0 && ret_why)
		*ret_why = xstrdup(AR(archive_error_string)(a)
				       ? AR(archive_error_string)(a)
				       : "write failed");
	AR(archive_write_free)(a);
	if (e == 0) {
		fd = open(tmp, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0)
			e = -errno;
		if (fd >= 0)
			close(fd);
	}
	if (e == 0 && rename(tmp, file) < 0)
		e = -errno;
out:
	if (e < 0)
		unlink(tmp);
	free(tmp);
	free(manifest);
	return e;
}

static _printf_(2, 3) int snap_fail(char **ret_why, const char *fmt, ...)
{
	va_list ap;

	if (ret_why) {
		va_start(ap, fmt);
		if (vasprintf(ret_why, fmt, ap) < 0)
			*ret_why = NULL;
		va_end(ap);
	}
	return -EBADMSG;
}

/* Check the manifest, then that every member it lists is present with its
 * hash, and turn its error list into ENTRY_ERROR members. */
static int manifest_apply(struct root *r, const char *text, size_t len,
			  char **ret_why)
{
	json_object *o, *v, *files, *errs;
	json_tokener *tok = json_tokener_new();
	int e = 0;

	o = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object))
		return snap_fail(ret_why, "manifest is not valid JSON");
	if (!json_object_object_get_ex(o, "format", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !streq(json_object_get_string(v), MANIFEST_FORMAT)) {
		e = snap_fail(ret_why, "manifest has no memtally format tag");
		goto out;
	}
	if (!json_object_object_get_ex(o, "version", &v) ||
	    json_object_get_int(v) != MANIFEST_VERSION) {
		e = snap_fail(ret_why,
			      "unsupported snapshot version (this memtally "
			      "reads version 1)");
		goto out;
	}
#define META_STR(key, field)                                                   \
	if (json_object_object_get_ex(o, key, &v))                             \
		snprintf(r->meta.field, sizeof(r->meta.field), "%s",           \
			 json_object_get_string(v));
	META_STR("hostname", hostname);
	META_STR("kernel", kernel);
	META_STR("machine", machine);
	META_STR("tool_version", tool_version);
#undef META_STR
	if (json_object_object_get_ex(o, "created", &v))
		r->meta.created = json_object_get_int64(v);
	r->has_meta = true;

	if (!json_object_object_get_ex(o, "files", &files) ||
	    !json_object_is_type(files, json_type_array)) {
		e = snap_fail(ret_why, "manifest lacks its file list");
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(files); i++) {
		json_object *f = json_object_array_get_idx(files, i), *p, *h;
		const char *path;
		struct entry *en;

		if (!json_object_object_get_ex(f, "path", &p)) {
			e = snap_fail(ret_why, "manifest entry without path");
			goto out;
		}
		path = json_object_get_string(p);
		en = entries_find(&r->snap, path);
		if (!en) {
			e = snap_fail(
			    ret_why, "member '%s' is missing (truncated file?)",
			    path);
			goto out;
		}
		if (json_object_object_get_ex(f, "fnv1a64", &h)) {
			char hex[17];

			if (en->kind != ENTRY_FILE) {
				e = snap_fail(
				    ret_why, "member '%s' is not a file", path);
				goto out;
			}
			snprintf(
			    hex, sizeof(hex), "%016llx",
			    (unsigned long long)fnv1a64(en->data, en->len));
			if (!streq(hex, json_object_get_string(h))) {
				e = snap_fail(ret_why,
					      "member '%s' does not match its "
					      "checksum (corrupt file)",
					      path);
				goto out;
			}
		}
	}
	if (json_object_object_get_ex(o, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(errs); i++) {
			json_object *f = json_object_array_get_idx(errs, i), *p,
				    *n;
			int en;

			if (!json_object_object_get_ex(f, "path", &p) ||
			    !json_object_object_get_ex(f, "errno", &n))
				continue;
			en = json_object_get_int(n);
			if (en <= 0 || en > 4095)
				en = EIO;
			entries_add(&r->snap, json_object_get_string(p),
				    ENTRY_ERROR, NULL, 0, en);
		}
	}
	entries_sort(&r->snap);
out:
	json_object_put(o);
	return e;
}

int root_open_snapshot(const char *file, struct root **ret, char **ret_why)
{
	struct archive_entry *ae;
	struct archive *a;
	struct root *r;
	char *manifest = NULL, *dirname = NULL;
	size_t manifest_len = 0;
	bool first = true;
	int e = 0, k;

	if (access(file, R_OK) < 0)
		return -errno;
	e = archive_load(ret_why);
	if (e < 0)
		return e;
	r = xcalloc(1, sizeof(*r));
	r->dirfd = -1;
	r->dir = xstrdup(file);
	r->desc = xasprintf("snapshot %s", file);

	a = AR(archive_read_new)();
	AR(archive_read_support_filter_zstd)(a);
	AR(archive_read_support_filter_none)(a);
	AR(archive_read_support_format_tar)(a);
	if (AR(archive_read_open_filename)(a, file, 1 << 16) != ARCHIVE_OK) {
		e = snap_fail(ret_why, "%s", AR(archive_error_string)(a));
		goto out;
	}
	while ((k = AR(archive_read_next_header)(a, &ae)) == ARCHIVE_OK) {
		const char *path = AR(archive_entry_pathname)(ae);
		mode_t type = AR(archive_entry_filetype)(ae);
		int64_t size = AR(archive_entry_size)(ae);
		char *data = NULL;

		if (!path) {
			e = snap_fail(ret_why, "member without a name");
			goto out;
		}
		if (first && !streq(path, MANIFEST_NAME)) {
			e = snap_fail(ret_why,
				      "not a memtally snapshot (first member "
				      "is '%s', not the manifest)",
				      path);
			goto out;
		}
		if (type == AE_IFREG) {
			la_ssize_t got;

			if (size < 0 || size > MEMBER_MAX) {
				e = snap_fail(ret_why,
					      "member '%s' has an absurd size",
					      path);
				goto out;
			}
			data = xmalloc((size_t)size + 1);
			got = size
				  ? AR(archive_read_data)(a, data, (size_t)size)
				  : 0;
			if (got != (la_ssize_t)size) {
				free(data);
				e = snap_fail(ret_why,
					      "member '%s' is truncated", path);
				goto out;
			}
			data[size] = '\0';
		}
		if (first) {
			manifest = data;
			manifest_len = (size_t)size;
			first = false;
			continue;
		}
		if (type == AE_IFDIR) {
			/* tar names directories "dir/"; we name them "dir" */
			size_t pl = strlen(path);

			free(dirname);
			dirname = xstrndup(
			    path, pl && path[pl - 1] == '/' ? pl - 1 : pl);
			path = dirname;
		}
		if (type == AE_IFREG)
			entries_add(&r->snap, path, ENTRY_FILE, data,
				    (size_t)size, 0);
		else if (type == AE_IFDIR)
			entries_add(&r->snap, path, ENTRY_DIR, NULL, 0, 0);
		else if (type == AE_IFLNK && AR(archive_entry_symlink)(ae))
			entries_add(&r->snap, path, ENTRY_LINK,
				    AR(archive_entry_symlink)(ae),
				    strlen(AR(archive_entry_symlink)(ae)), 0);
		free(data);
	}
	if (k != ARCHIVE_EOF) {
		const char *msg = AR(archive_error_string)(a);

		e = snap_fail(ret_why, "corrupt or truncated (%s)",
			      msg ? msg : "unreadable archive");
		goto out;
	}
	if (!manifest) {
		e = snap_fail(ret_why, "not a memtally snapshot (empty)");
		goto out;
	}
	e = manifest_apply(r, manifest, manifest_len, ret_why);
out:
	free(manifest);
	free(dirname);
	AR(archive_read_free)(a);
	if (e < 0) {
		root_free(r);
		return e;
	}
	*ret = r;
	return 0;
}

/* --- big files read piece by piece ------------------------------------ */

/* A directory root gives each open file its own descriptor and reads it
 * with pread(2), which needs no shared offset and so serves several
 * threads at once. A snapshot root already holds every member in memory
 * (root_open_snapshot() read and checked them), so a read is a copy; the
 * entry array is not changed after opening, so the pointer stays valid. */
struct root_file {
	int fd;		  /* directory root; -1 for a snapshot */
	const char *data; /* snapshot member */
	size_t len;
};

int root_file_open(struct root *r, const char *path, struct root_file **ret)
{
	struct root_file *f;
	int fd;

	if (r->dirfd < 0) {
		struct entry *e = entries_find(&r->snap, path);

		if (!e)
			return -ENOENT;
		if (e->kind == ENTRY_ERROR)
			return -e->err;
		if (e->kind != ENTRY_FILE)
			return e->kind == ENTRY_DIR ? -EISDIR : -ENOENT;
		f = xcalloc(1, sizeof(*f));
		f->fd = -1;
		f->data = e->data;
		f->len = e->len;
		*ret = f;
		return 0;
	}
	fd = openat(r->dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	f = xcalloc(1, sizeof(*f));
	f->fd = fd;
	*ret = f;
	return 0;
}

ssize_t root_file_pread(struct root_file *f, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	if (f->fd < 0) {
		if (off >= f->len)
			return 0;
		if (n > f->len - off)
			n = (size_t)(f->len - off);
		memcpy(buf, f->data + off, n);
		return (ssize_t)n;
	}
	/* a proc file may return less than asked before its end; keep
	 * reading until the count is met or the file ends */
	while (done < n) {
		ssize_t k = pread(f->fd, (char *)buf + done, n - done,
				  (off_t)(off + done));

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return done ? (ssize_t)done : -errno;
		}
		if (k == 0)
			break;
		done += (size_t)k;
	}
	return (ssize_t)done;
}

int root_file_size(struct root_file *f, uint64_t *ret)
{
	struct stat st;

	if (f->fd < 0) {
		*ret = f->len;
		return 0;
	}
	if (fstat(f->fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return -ENODATA;
	*ret = (uint64_t)st.st_size;
	return 0;
}

int root_file_fd(const struct root_file *f)
{
	return f->fd;
}

void root_file_close(struct root_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

int root_record_file(struct root *r, const char *path)
{
	struct root_file *f;
	size_t alloc = 1 << 22, len = 0;
	struct entry *e;
	char *buf;
	int err;

	if (r->dirfd < 0 || !r->rec)
		return -EINVAL;
	err = root_file_open(r, path, &f);
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
	entries_add(r->rec, path, ENTRY_FILE, NULL, 0, 0);
	e = &r->rec->v[r->rec->n - 1];
	buf = xrealloc(buf, len + 1);
	buf[len] = '\0';
	e->data = buf;
	e->len = len;
	return 0;
}
