/* What the root's files share and the public header does not show: the
 * recorded-entry lists, the table of backend operations, and struct root
 * itself. Only src/root/ includes this. */
#ifndef MEMTALLY_ROOT_INTERNAL_H
#define MEMTALLY_ROOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "root.h"

/* --- entry lists (root-entries.c) ---------------------------------------
 * A recording (directory root) and a snapshot's members are both a list of
 * paths, each a file with its bytes, a directory, a symlink with its
 * target, or a read that failed with its errno. */
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

/* Append a copy of path and data (len bytes, NUL added; data may be NULL). */
void entries_add(struct entries *es, const char *path, enum entry_kind kind,
		 const char *data, size_t len, int err);
/* Append, taking ownership of data (malloc'd, len bytes + a NUL). */
void entries_add_owned(struct entries *es, const char *path,
		       enum entry_kind kind, char *data, size_t len);
/* Sort by path; of duplicates the first added wins. */
void entries_sort(struct entries *es);
/* Drop each link that has entries below it ("proc/net -> self/net" next
 * to "proc/net/sockstat"): in an archive such a link makes the members
 * under it unextractable, and the reader finds them by their own path.
 * Sorts es. */
void entries_drop_shadowing_links(struct entries *es);
struct entry *entries_find(struct entries *es, const char *path);
void entries_release(struct entries *es);

/* FNV-1a 64-bit, the snapshot's per-member checksum. */
uint64_t fnv1a64(const char *p, size_t n);

/* --- backends ------------------------------------------------------------
 * Each backend fills a const table; root.c calls through it. An operation
 * a backend lacks is NULL and the call answers -EOPNOTSUPP. */
struct root_ops {
	const char *name;
	int (*read)(struct root *r, const char *path, char **ret_buf,
		    size_t *ret_len);
	int (*list)(struct root *r, const char *dir, char ***ret_names,
		    size_t *ret_n);
	int (*readlink)(struct root *r, const char *path, char **ret_target);
	int (*file_open)(struct root *r, const char *path,
			 struct root_file **ret);
	int (*record_file)(struct root *r, const char *path);
	char *(*display_path)(const struct root *r, const char *path);
	void (*release)(struct root *r);
};

struct root {
	const struct root_ops *ops;
	char *dir; /* the directory, or the snapshot file */
	char *desc;
	bool live;	     /* the running system's "/" */
	int dirfd;	     /* directory backend; -1 otherwise */
	bool beneath;	     /* resolve every path beneath dirfd */
	struct entries snap; /* snapshot backend: the members */
	struct entries *rec; /* recording, or NULL */
	struct snapshot_meta meta;
	bool has_meta;
};

/* Both backends hand out this; root.c reads and closes it. */
struct root_file {
	int fd;		  /* directory root; -1 for a snapshot */
	const char *data; /* snapshot member */
	size_t len;
};

extern const struct root_ops root_dir_ops;
/* Tests set this to exercise the fallback of kernels without openat2. */
extern bool root_dir_no_openat2;
/* Resolve path beneath dirfd by hand, following relative links and
 * refusing absolute ones and any ".." above dirfd (-EXDEV), -ELOOP past
 * 40 links. *ret is the link-free path ("." for dirfd itself). */
int root_dir_resolve(int dirfd, const char *path, char **ret);
extern const struct root_ops root_snapshot_ops;

#endif
