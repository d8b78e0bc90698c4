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
 * A captured tree is read strictly beneath DIR (symlinks that leave it
 * are refused) and every file must be a regular one of sane size; the
 * live root follows the kernel's links (root-dir.c).
 *
 * Paths are relative ("proc/meminfo"), never starting with '/'.
 * Every function returns 0 or a negative errno and leaves ret_ outputs
 * untouched on failure. */
#ifndef MEMTALLY_ROOT_H
#define MEMTALLY_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../basic/fileio.h"

struct root;

/* The cap on one file read whole through root_read(): far above any real
 * kernel file; a bigger one is refused with -EFBIG. /proc/PID/maps and
 * smaps grow with a process's mappings (a million, with vm.max_map_count
 * raised) and have higher caps. Files read in pieces (root_file_open())
 * have none. */
#define ROOT_READ_MAX FILEIO_MAX
#define ROOT_READ_MAX_MAPS FILEIO_MAPS_MAX
#define ROOT_READ_MAX_SMAPS ((size_t)1 << 30)
/* The cap that applies to path. */
size_t root_read_cap(const char *path);
/* The page size a captured tree or an old snapshot is taken to have: it
 * is in no file the views read, and every kernel captured so far used
 * it. */
#define ROOT_PAGE_SIZE_ASSUMED 4096

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

/* The page size of the system behind r: live, the running kernel's; a
 * snapshot, what it recorded (written since 0.1.0's root/ split); else
 * ROOT_PAGE_SIZE_ASSUMED, and root_page_size_known() says false so the
 * view can say it assumed. */
uint64_t root_page_size(const struct root *r);
bool root_page_size_known(const struct root *r);

/* Read a whole file. *ret_buf is malloc'd and NUL-terminated (the NUL is
 * not counted in *ret_len). Besides the errno of open and read: -EBADFD
 * when the path is not a regular file (a FIFO or device planted in a
 * tree), -EFBIG when it holds more than ROOT_READ_MAX bytes, -EXDEV when
 * a tree's path leads outside the tree (an absolute or climbing link). */
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
/* True while r records. Reads through a recording root must come from one
 * thread at a time; any other root may be read from several threads. */
bool root_is_recording(const struct root *r);

struct snapshot_meta {
	char hostname[256];
	char kernel[256]; /* uname -r */
	char machine[64]; /* uname -m */
	int64_t created;  /* unix seconds */
	char tool_version[32];
	uint64_t page_size; /* 0: not recorded */
};

/* Write what r recorded into FILE (tar, zstd-compressed, with a manifest
 * memtally-snapshot.json first). The file is written under a temporary
 * name and renamed, so a failed write leaves no half file. */
int root_write_snapshot(struct root *r, const char *file,
			const struct snapshot_meta *meta, char **ret_why);

/* Metadata of a snapshot root (NULL for directory roots). */
const struct snapshot_meta *root_snapshot_meta(const struct root *r);

/* --- big files read piece by piece ------------------------------------ */

/* /proc/kpageflags and its siblings are 8 bytes per page frame: 50 MB on a
 * 24 GiB machine, 2 GB on a terabyte one. They are never read whole
 * through root_read(); a view opens them and reads positioned pieces,
 * from as many threads as it likes (pread on a directory root, a memory
 * copy from a snapshot root, both safe to call concurrently).
 *
 * Such files are not recorded by root_record() when read this way: a
 * snapshot carries them only when root_record_file() asks for them
 * (`memtally snapshot --pages`). They then travel in the snapshot's
 * zstd-compressed tar like any other member (a kpageflags file shrinks
 * about tenfold) and root_file_open() on the snapshot finds them. */
struct root_file;

int root_file_open(struct root *r, const char *path, struct root_file **ret);
/* Read up to n bytes at offset off. Returns the bytes read (0 at the end
 * of the file) or a negative errno; a short count only at the end. */
ssize_t root_file_pread(struct root_file *f, void *buf, size_t n, uint64_t off);
/* The size in bytes, or -ENODATA when the file does not say (proc files
 * report 0; the caller then probes, see pagescan.c). */
int root_file_size(struct root_file *f, uint64_t *ret);
void root_file_close(struct root_file *f);
/* The descriptor behind f for an ioctl (PAGEMAP_SCAN), or -1 when f is a
 * snapshot member. Still owned by f. */
int root_file_fd(const struct root_file *f);

/* Add a member memtally made itself (not a kernel file: the owners'
 * metadata, "memtally/owners.json") to r's recording, data copied, so
 * the snapshot carries it and a snapshot root reads it back with
 * root_read(). Returns 0, or -EINVAL when r does not record. */
int root_record_add(struct root *r, const char *path, const char *data,
		    size_t len);

/* Record the whole of path into r's recording (directory roots that
 * record only), reading it in large pieces; a failure is recorded with
 * its errno, as root_read() does, and returned. */
int root_record_file(struct root *r, const char *path);

#endif
