/* The root seam's API: each call dispatches over the root's table of
 * backend operations (root-dir.c: the live system and --root DIR;
 * root-snapshot.c: a snapshot file). What does not depend on the backend
 * lives here: descriptions, the page size, and reading a big file opened
 * with root_file_open(). See root.h for the contract. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "root-internal.h"

void root_free(struct root *r)
{
	if (!r)
		return;
	if (r->ops && r->ops->release)
		r->ops->release(r);
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
	return r->live;
}

char *root_display_path(const struct root *r, const char *path)
{
	return r->ops->display_path(r, path);
}

const struct snapshot_meta *root_snapshot_meta(const struct root *r)
{
	return r->has_meta ? &r->meta : NULL;
}

uint64_t root_page_size(const struct root *r)
{
	if (r->live) {
		long ps = sysconf(_SC_PAGESIZE);

		if (ps > 0)
			return (uint64_t)ps;
	}
	if (r->has_meta && r->meta.page_size)
		return r->meta.page_size;
	return ROOT_PAGE_SIZE_ASSUMED;
}

bool root_page_size_known(const struct root *r)
{
	return r->live || (r->has_meta && r->meta.page_size);
}

int root_record(struct root *r)
{
	if (!r->ops->record_file)
		return -EOPNOTSUPP;
	if (!r->rec)
		r->rec = xcalloc(1, sizeof(*r->rec));
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

size_t root_read_cap(const char *path)
{
	if (ends_with(path, "/smaps"))
		return ROOT_READ_MAX_SMAPS;
	if (ends_with(path, "/maps"))
		return ROOT_READ_MAX_MAPS;
	return ROOT_READ_MAX;
}

int root_read(struct root *r, const char *path, char **ret_buf, size_t *ret_len)
{
	return r->ops->read(r, path, ret_buf, ret_len);
}

int root_list(struct root *r, const char *dir, char ***ret_names, size_t *ret_n)
{
	return r->ops->list(r, dir, ret_names, ret_n);
}

void root_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int root_readlink(struct root *r, const char *path, char **ret_target)
{
	return r->ops->readlink(r, path, ret_target);
}

int root_record_add(struct root *r, const char *path, const char *data,
		    size_t len)
{
	if (!r->rec)
		return -EINVAL;
	entries_add(r->rec, path, ENTRY_FILE, data, len, 0);
	return 0;
}

int root_record_file(struct root *r, const char *path)
{
	if (!r->ops->record_file || !r->rec)
		return -EINVAL;
	return r->ops->record_file(r, path);
}

/* --- big files read piece by piece ------------------------------------
 *
 * A directory root gives each open file its own descriptor and reads it
 * with pread(2), which needs no shared offset and so serves several
 * threads at once; a snapshot root's member is already in memory. */

int root_file_open(struct root *r, const char *path, struct root_file **ret)
{
	return r->ops->file_open(r, path, ret);
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
