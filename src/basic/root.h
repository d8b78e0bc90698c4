/* The root seam: every kernel file memtally reads goes through here.
 *
 * A root is where "proc/..." and "sys/..." are found:
 *   - a directory: "/" for the live system, or a captured tree under
 *     tests/fixtures/ given with --root DIR (util-linux's --sysroot);
 *   - a snapshot file written by `memtally snapshot` and given with -f FILE,
 *     held in memory after one read.
 * Sources never open files themselves, so the same parser and reader run
 * live, in tests and offline (util-linux's ul_path_set_prefix, systemd's
 * *_at readers).
 *
 * A directory root can also record: every read, listing and readlink made
 * through it (and every failure, with its errno) is kept, and
 * root_write_snapshot() stores exactly that set. A snapshot therefore holds
 * what the views read, no more and no less, and reading it back replays the
 * same failures ("Permission denied" stays an unavailable figure offline).
 *
 * Paths are relative ("proc/meminfo"), never starting with '/'.
 * Every function returns 0 or a negative errno and leaves ret_ outputs
 * untouched on failure. */
#ifndef MEMTALLY_ROOT_H
#define MEMTALLY_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct root;

/* Open a directory root. dir is "/" for the live system. */
int root_open_dir(const char *dir, struct root **ret);

/* Open a snapshot file. On a format problem returns -EBADMSG (or the I/O
 * errno) and, when ret_why is given, a malloc'd one-line reason. */
int root_open_snapshot(const char *file, struct root **ret, char **ret_why);

void root_free(struct root *r);

/* "/" , "DIR" or "snapshot FILE", for messages. */
const char *root_describe(const struct root *r);
/* The path as a user would recognise it: "/proc/meminfo" for the live
 * system, "DIR/proc/meminfo" for a tree, "FILE:/proc/meminfo" for a
 * snapshot. Returns a malloc'd string. */
char *root_display_path(const struct root *r, const char *path);
bool root_is_live(const struct root *r);

/* Read a whole file. *ret_buf is malloc'd and NUL-terminated (the NUL is
 * not counted in *ret_len). */
int root_read(struct root *r, const char *path, char **ret_buf,
	      size_t *ret_len);

/* Names in a directory, sorted, without "." and "..". *ret_names is a
 * malloc'd array of malloc'd strings; free with root_names_free(). */
int root_list(struct root *r, const char *dir, char ***ret_names,
	      size_t *ret_n);
void root_names_free(char **names, size_t n);

/* Target of a symlink (malloc'd). -EINVAL when path is not a symlink. */
int root_readlink(struct root *r, const char *path, char **ret_target);

/* --- recording and snapshots ------------------------------------------ */

/* Start keeping everything read through r (directory roots only). */
int root_record(struct root *r);

struct snapshot_meta {
	char hostname[256];
	char kernel[256]; /* uname -r */
	char machine[64]; /* uname -m */
	int64_t created;  /* unix seconds */
	char tool_version[32];
};

/* Write what r recorded into FILE (tar, zstd-compressed, with a manifest
 * memtally-snapshot.json first). The file is written under a temporary
 * name and renamed, so a failed write leaves no half file. */
int root_write_snapshot(struct root *r, const char *file,
			const struct snapshot_meta *meta, char **ret_why);

/* Metadata of a snapshot root (NULL for directory roots). */
const struct snapshot_meta *root_snapshot_meta(const struct root *r);

#endif
