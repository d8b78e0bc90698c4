/* The snapshot backend: a file written by `memtally snapshot`, read once
 * and held in memory; see root.h for the contract and docs/SNAPSHOT.md for
 * the format.
 *
 * Snapshot file format: a POSIX tar archive (pax) compressed with zstd, so
 * `tar --zstd -tvf FILE` lists it. The first member is
 * memtally-snapshot.json, the manifest: format name and version, host,
 * kernel, time, every file with an FNV-1a 64-bit hash of its bytes, and
 * every read that failed at capture time with its errno. Then the captured
 * paths as regular files, directories and symlinks. Reading checks the
 * manifest first and every hash, so a truncated or altered file is refused
 * with a one-line reason instead of giving wrong numbers. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/fileio.h"
#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "archive-shim.h"
#include "root-internal.h"
#include "snapshot-format.h"

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

/* --- the manifest -------------------------------------------------------
 *
 * Read before any other member, it says what every later member must be:
 * its kind, size and hash. A member it does not list, or one that differs,
 * is refused before its bytes are read, and the sizes it declares are
 * capped first, so a small file cannot make the reader hold gigabytes. */
struct want {
	char *path;
	enum entry_kind kind;
	uint64_t size;
	uint64_t hash;
	bool seen;
};

struct manifest {
	struct want *v;
	size_t n, alloc;
};

static void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static int want_cmp(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static struct want *manifest_find(struct manifest *m, const char *path)
{
	struct want key = {.path = (char *)path};

	return bsearch(&key, m->v, m->n, sizeof(*m->v), want_cmp);
}

/* A name a snapshot may hold: relative, no ".." component. */
static bool path_safe(const char *p)
{
	if (!*p || p[0] == '/')
		return false;
	for (const char *c = p; c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return false;
		c = slash ? slash + 1 : NULL;
	}
	return true;
}

static bool is_page_member(const char *path)
{
	return streq(path, "proc/kpageflags") ||
	       streq(path, "proc/kpagecount") ||
	       streq(path, "proc/kpagecgroup");
}

/* Count what json-c would build before it builds it: containers and
 * separators outside strings. json-c spends a few hundred bytes on each
 * "[]", so a 32 MiB manifest of empty arrays would take gigabytes. */
static bool manifest_too_many(const char *text, size_t len)
{
	size_t containers = 0, commas = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			containers++;
		else if (c == ',' || c == ':')
			commas++;
	}
	return containers > SNAPSHOT_ENTRIES_MAX + 16 ||
	       commas > 12 * (size_t)SNAPSHOT_ENTRIES_MAX + 64;
}

static int manifest_meta(struct root *r, json_object *o, char **ret_why)
{
	json_object *v;

	if (!json_object_object_get_ex(o, "format", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !streq(json_object_get_string(v), MANIFEST_FORMAT))
		return snap_fail(ret_why,
				 "manifest has no memtally format tag");
	if (!json_object_object_get_ex(o, "version", &v) ||
	    json_object_get_int(v) != MANIFEST_VERSION)
		return snap_fail(ret_why,
				 "unsupported snapshot version (this memtally "
				 "reads version 1)");
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
	/* written since the root owns the page size; older snapshots lack
	 * it and get the assumed 4096 */
	if (json_object_object_get_ex(o, "page_size", &v)) {
		int64_t ps = json_object_get_int64(v);

		if (ps >= 4096 && ps <= (1 << 20) && !(ps & (ps - 1)))
			r->meta.page_size = (uint64_t)ps;
	}
	r->has_meta = true;
	return 0;
}

/* One entry of "files": a path, and "type" dir or link, or a size and a
 * hash. Adds to m and to *total (page members are capped alone). */
static int manifest_file(json_object *f, struct manifest *m, uint64_t *total,
			 char **ret_why)
{
	json_object *p, *t, *s, *h;
	const char *path, *hex;
	struct want w = {0};
	char *end;

	if (!json_object_object_get_ex(f, "path", &p) ||
	    !json_object_is_type(p, json_type_string))
		return snap_fail(ret_why, "manifest entry without path");
	path = json_object_get_string(p);
	if (!path_safe(path))
		return snap_fail(ret_why,
				 "manifest names '%s': absolute or with '..'",
				 path);
	if (json_object_object_get_ex(f, "type", &t)) {
		const char *ty = json_object_get_string(t);

		if (streq(ty, "dir"))
			w.kind = ENTRY_DIR;
		else if (streq(ty, "link"))
			w.kind = ENTRY_LINK;
		else
			return snap_fail(ret_why,
					 "manifest entry '%s' has unknown "
					 "type '%s'",
					 path, ty);
	} else {
		int64_t size;

		if (!json_object_object_get_ex(f, "size", &s) ||
		    !json_object_object_get_ex(f, "fnv1a64", &h))
			return snap_fail(ret_why,
					 "manifest entry '%s' lacks its size "
					 "or checksum",
					 path);
		size = json_object_get_int64(s);
		hex = json_object_get_string(h);
		w.kind = ENTRY_FILE;
		w.hash = strtoull(hex ? hex : "", &end, 16);
		if (!hex || strlen(hex) != 16 || *end)
			return snap_fail(ret_why,
					 "manifest entry '%s' has a malformed "
					 "checksum",
					 path);
		if (size < 0 ||
		    (uint64_t)size > (is_page_member(path)
					  ? (uint64_t)MEMBER_MAX
					  : (uint64_t)root_read_cap(path)))
			return snap_fail(ret_why,
					 "member '%s' is declared %lld bytes, "
					 "more than any kernel file",
					 path, (long long)size);
		w.size = (uint64_t)size;
		if (!is_page_member(path)) {
			*total += w.size;
			if (*total > SNAPSHOT_TOTAL_MAX)
				return snap_fail(
				    ret_why,
				    "members add up to more than %d MiB "
				    "(a real snapshot holds a few MiB "
				    "besides the page files)",
				    (int)(SNAPSHOT_TOTAL_MAX >> 20));
		}
	}
	w.path = xstrdup(path);
	m->v = xgrow(m->v, &m->alloc, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = w;
	return 0;
}

/* Check the manifest's tag and version, take its metadata, turn its file
 * list into m (sorted) and its error list into ENTRY_ERROR members. */
static int manifest_parse(struct root *r, const char *text, size_t len,
			  struct manifest *m, char **ret_why)
{
	json_object *o, *files, *errs = NULL;
	json_tokener *tok;
	uint64_t total = 0;
	size_t n_files, n_errs = 0;
	int e;

	if (manifest_too_many(text, len))
		return snap_fail(ret_why,
				 "manifest lists more than %d entries (a "
				 "real snapshot holds a few thousand)",
				 SNAPSHOT_ENTRIES_MAX);
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return snap_fail(ret_why, "manifest is not valid JSON");
	}
	e = manifest_meta(r, o, ret_why);
	if (e < 0)
		goto out;
	if (!json_object_object_get_ex(o, "files", &files) ||
	    !json_object_is_type(files, json_type_array)) {
		e = snap_fail(ret_why, "manifest lacks its file list");
		goto out;
	}
	if (json_object_object_get_ex(o, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array))
		n_errs = json_object_array_length(errs);
	else
		errs = NULL;
	n_files = json_object_array_length(files);
	if (n_files + n_errs > SNAPSHOT_ENTRIES_MAX) {
		e = snap_fail(ret_why,
			      "manifest lists more than %d entries (a real "
			      "snapshot holds a few thousand)",
			      SNAPSHOT_ENTRIES_MAX);
		goto out;
	}
	for (size_t i = 0; e == 0 && i < n_files; i++)
		e = manifest_file(json_object_array_get_idx(files, i), m,
				  &total, ret_why);
	if (e < 0)
		goto out;
	qsort(m->v, m->n, sizeof(*m->v), want_cmp);
	for (size_t i = 1; i < m->n; i++)
		if (streq(m->v[i - 1].path, m->v[i].path)) {
			e = snap_fail(ret_why, "manifest lists '%s' twice",
				      m->v[i].path);
			goto out;
		}
	for (size_t i = 0; i < n_errs; i++) {
		json_object *f = json_object_array_get_idx(errs, i), *p, *n;
		const char *path;
		int en;

		if (!json_object_object_get_ex(f, "path", &p) ||
		    !json_object_object_get_ex(f, "errno", &n))
			continue;
		path = json_object_get_string(p);
		if (!path || !path_safe(path)) {
			e = snap_fail(ret_why,
				      "manifest names '%s': absolute or with "
				      "'..'",
				      path ? path : "");
			goto out;
		}
		en = json_object_get_int(n);
		if (en <= 0 || en > 4095)
			en = EIO;
		entries_add(&r->snap, path, ENTRY_ERROR, NULL, 0, en);
	}
out:
	json_object_put(o);
	return e;
}

/* Read a member's size bytes (malloc'd, NUL added). */
static int read_data(struct archive *a, uint64_t size, char **ret)
{
	char *data = xmalloc((size_t)size + 1);
	uint64_t got = 0;

	while (got < size) {
		la_ssize_t k =
		    AR(archive_read_data)(a, data + got, (size_t)(size - got));

		if (k <= 0) {
			free(data);
			return -EBADMSG;
		}
		got += (uint64_t)k;
	}
	data[size] = '\0';
	*ret = data;
	return 0;
}

static const char *kind_name(enum entry_kind k)
{
	return k == ENTRY_DIR ? "directory" : k == ENTRY_LINK ? "link" : "file";
}

/* One member after the manifest: its name must be safe and listed, its
 * kind and size as listed, its bytes as hashed. */
static int take_member(struct root *r, struct archive *a,
		       struct archive_entry *ae, struct manifest *m,
		       char **ret_why)
{
	const char *name = AR(archive_entry_pathname)(ae);
	mode_t type = AR(archive_entry_filetype)(ae);
	int64_t size = AR(archive_entry_size)(ae);
	_cleanup_free_ char *path = NULL;
	enum entry_kind kind;
	struct want *w;
	char *data = NULL;
	size_t pl;

	if (!name)
		return snap_fail(ret_why, "member without a name");
	/* tar names directories "dir/"; we name them "dir" */
	pl = strlen(name);
	path = xstrndup(name, pl > 1 && name[pl - 1] == '/' ? pl - 1 : pl);
	if (!path_safe(path))
		return snap_fail(ret_why,
				 "member '%s' has an unsafe name (absolute or "
				 "with '..')",
				 name);
	if (type == AE_IFREG)
		kind = ENTRY_FILE;
	else if (type == AE_IFDIR)
		kind = ENTRY_DIR;
	else if (type == AE_IFLNK && AR(archive_entry_symlink)(ae))
		kind = ENTRY_LINK;
	else
		return snap_fail(ret_why,
				 "member '%s' is of a type no snapshot holds",
				 path);
	w = manifest_find(m, path);
	if (!w)
		return snap_fail(ret_why, "member '%s' is not in the manifest",
				 path);
	if (w->seen)
		return snap_fail(ret_why, "member '%s' appears twice", path);
	w->seen = true;
	if (w->kind != kind)
		return snap_fail(ret_why,
				 "member '%s' is a %s, the manifest says a %s",
				 path, kind_name(kind), kind_name(w->kind));
	if (kind == ENTRY_DIR) {
		entries_add(&r->snap, path, ENTRY_DIR, NULL, 0, 0);
		return 0;
	}
	if (kind == ENTRY_LINK) {
		const char *t = AR(archive_entry_symlink)(ae);

		entries_add(&r->snap, path, ENTRY_LINK, t, strlen(t), 0);
		return 0;
	}
	if (size < 0 || (uint64_t)size != w->size)
		return snap_fail(ret_why,
				 "member '%s' has %lld bytes, the manifest "
				 "says %llu",
				 path, (long long)size,
				 (unsigned long long)w->size);
	if (read_data(a, w->size, &data) < 0)
		return snap_fail(ret_why, "member '%s' is truncated", path);
	if (fnv1a64(data, (size_t)w->size) != w->hash) {
		free(data);
		return snap_fail(ret_why,
				 "member '%s' does not match its checksum "
				 "(corrupt file)",
				 path);
	}
	entries_add_owned(&r->snap, path, ENTRY_FILE, data, (size_t)w->size);
	return 0;
}

/* The first member: the manifest, capped before it is read. */
static int take_manifest(struct root *r, struct archive *a,
			 struct archive_entry *ae, struct manifest *m,
			 char **ret_why)
{
	const char *name = AR(archive_entry_pathname)(ae);
	int64_t size = AR(archive_entry_size)(ae);
	_cleanup_free_ char *text = NULL;

	if (!name || !streq(name, MANIFEST_NAME))
		return snap_fail(ret_why,
				 "not a memtally snapshot (first member is "
				 "'%s', not the manifest)",
				 name ? name : "");
	if (AR(archive_entry_filetype)(ae) != AE_IFREG || size < 0)
		return snap_fail(ret_why, "the manifest is not a file");
	if (size > SNAPSHOT_MANIFEST_MAX)
		return snap_fail(ret_why,
				 "manifest is larger than %d MiB (a real one "
				 "is under 1 MiB)",
				 (int)(SNAPSHOT_MANIFEST_MAX >> 20));
	if (read_data(a, (uint64_t)size, &text) < 0)
		return snap_fail(ret_why, "manifest is truncated");
	return manifest_parse(r, text, (size_t)size, m, ret_why);
}

int root_open_snapshot(const char *file, struct root **ret, char **ret_why)
{
	struct archive_entry *ae;
	struct manifest m = {0};
	struct archive *a;
	struct root *r;
	bool first = true;
	int e = 0, k, fd;

	/* O_NONBLOCK and a regular file only: a FIFO given as -f FILE
	 * fails here instead of blocking forever */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	e = fileio_verify_regular(fd);
	if (e < 0 && ret_why)
		*ret_why = xstrdup(e == -EISDIR ? "is a directory (use --root)"
						: "not a regular file");
	if (e == 0)
		e = archive_shim_load(ret_why);
	if (e < 0) {
		close(fd);
		return e;
	}
	r = xcalloc(1, sizeof(*r));
	r->ops = &root_snapshot_ops;
	r->dirfd = -1;
	r->dir = xstrdup(file);
	r->desc = xasprintf("snapshot %s", file);

	a = AR(archive_read_new)();
	AR(archive_read_support_filter_zstd)(a);
	AR(archive_read_support_filter_none)(a);
	AR(archive_read_support_format_tar)(a);
	if (AR(archive_read_open_fd)(a, fd, 1 << 16) != ARCHIVE_OK) {
		e = snap_fail(ret_why, "%s", AR(archive_error_string)(a));
		goto out;
	}
	while ((k = AR(archive_read_next_header)(a, &ae)) == ARCHIVE_OK) {
		if (first)
			e = take_manifest(r, a, ae, &m, ret_why);
		else
			e = take_member(r, a, ae, &m, ret_why);
		first = false;
		if (e < 0)
			goto out;
	}
	if (k != ARCHIVE_EOF) {
		const char *msg = AR(archive_error_string)(a);

		e = snap_fail(ret_why, "corrupt or truncated (%s)",
			      msg ? msg : "unreadable archive");
		goto out;
	}
	if (first) {
		e = snap_fail(ret_why, "not a memtally snapshot (empty)");
		goto out;
	}
	for (size_t i = 0; i < m.n; i++)
		if (!m.v[i].seen) {
			e = snap_fail(ret_why,
				      "member '%s' is missing (truncated "
				      "file?)",
				      m.v[i].path);
			goto out;
		}
	entries_sort(&r->snap);
out:
	manifest_release(&m);
	AR(archive_read_free)(a);
	close(fd);
	if (e < 0) {
		root_free(r);
		return e;
	}
	*ret = r;
	return 0;
}

/* A snapshot root holds every member in memory (root_open_snapshot() read
 * and checked them), so a big file's "read" is a copy; the entry array is
 * not changed after opening, so the pointer stays valid. */
static int snap_file_open(struct root *r, const char *path,
			  struct root_file **ret)
{
	struct entry *e = entries_find(&r->snap, path);
	struct root_file *f;

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

static char *snap_display_path(const struct root *r, const char *path)
{
	return xasprintf("%s:/%s", r->dir, path);
}

const struct root_ops root_snapshot_ops = {
    .name = "snapshot",
    .read = snap_read,
    .list = snap_list,
    .readlink = snap_readlink,
    .file_open = snap_file_open,
    .display_path = snap_display_path,
};
