/* The snapshot writer: what a recording directory root kept, as one tar
 * archive compressed with zstd, the manifest first (docs/SNAPSHOT.md). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/outfile.h"
#include "../basic/xalloc.h"
#include "archive-shim.h"
#include "root-internal.h"
#include "snapshot-format.h"

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
	if (m->page_size)
		json_object_object_add(o, "page_size",
				       json_object_new_uint64(m->page_size));
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

/* The errno libarchive saw, or EIO when it kept none. */
static int archive_err(struct archive *a)
{
	int e = AR(archive_errno)(a);

	return e > 0 ? -e : -EIO;
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
		return archive_err(a);
	if (type == AE_IFREG && len > 0 &&
	    AR(archive_write_data)(a, data, len) != (la_ssize_t)len)
		return archive_err(a);
	return 0;
}

int root_write_snapshot(struct root *r, const char *file,
			const struct snapshot_meta *meta, char **ret_why)
{
	struct snapshot_meta m = *meta;
	struct outfile of;
	struct archive *a;
	char *manifest;
	int e = 0;

	if (!r->rec)
		return -EINVAL;
	e = archive_shim_load(ret_why);
	if (e < 0)
		return e;
	e = outfile_open(file, &of);
	if (e < 0) {
		if (e == -EEXIST && ret_why)
			*ret_why = xstrdup(outfile_strerror(e));
		return e;
	}
	if (!m.page_size && root_page_size_known(r))
		m.page_size = root_page_size(r);
	entries_drop_shadowing_links(r->rec);
	manifest = manifest_build(r->rec, &m);

	a = AR(archive_write_new)();
	if (AR(archive_write_add_filter_zstd)(a) != ARCHIVE_OK ||
	    AR(archive_write_set_format_pax_restricted)(a) != ARCHIVE_OK ||
	    AR(archive_write_open_fd)(a, of.fd) != ARCHIVE_OK) {
		e = archive_err(a);
		goto out;
	}
	e = write_member(a, MANIFEST_NAME, AE_IFREG, manifest, strlen(manifest),
			 m.created);
	for (size_t i = 0; e == 0 && i < r->rec->n; i++) {
		const struct entry *en = &r->rec->v[i];

		if (en->kind == ENTRY_FILE)
			e = write_member(a, en->path, AE_IFREG, en->data,
					 en->len, m.created);
		else if (en->kind == ENTRY_DIR)
			e = write_member(a, en->path, AE_IFDIR, NULL, 0,
					 m.created);
		else if (en->kind == ENTRY_LINK)
			e = write_member(a, en->path, AE_IFLNK, en->data, 0,
					 m.created);
	}
	if (e == 0 && AR(archive_write_close)(a) != ARCHIVE_OK)
		e = archive_err(a);
out:
	AR(archive_write_free)(a);
	free(manifest);
	return outfile_finish(&of, e);
}
