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
	/* written since the root owns the page size; older snapshots lack
	 * it and get the assumed 4096 */
	if (json_object_object_get_ex(o, "page_size", &v)) {
		int64_t ps = json_object_get_int64(v);

		if (ps >= 4096 && ps <= (1 << 20) && !(ps & (ps - 1)))
			r->meta.page_size = (uint64_t)ps;
	}
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
