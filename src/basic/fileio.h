/* The one fd read loop: read a whole file into a malloc'd buffer, with a
 * size cap, after checking that it is a regular file.
 *
 * Every kernel file memtally reads whole goes through here (the root
 * seam's directory backend, the /proc/PID/maps readers of model/files.c
 * and model/reclaim.c). The checks are the hostile-input ones: a FIFO or
 * a device in place of a kernel file fails at once instead of blocking
 * or growing without end (the open is O_NONBLOCK), and a file larger
 * than the cap is refused instead of filling memory. The kernel's own
 * proc and sysfs files report S_ISREG with size 0, so they pass. */
#ifndef MEMTALLY_FILEIO_H
#define MEMTALLY_FILEIO_H

#include <stddef.h>

/* The cap on one kernel file read whole: far above any real one (the
 * largest, /proc/vmallocinfo and /proc/kallsyms, are a few MiB on big
 * machines). */
#define FILEIO_MAX ((size_t)64 << 20)
/* /proc/PID/maps of a process with a raised vm.max_map_count (one line
 * of ~100 bytes a mapping, a million mappings) */
#define FILEIO_MAPS_MAX ((size_t)256 << 20)

/* 0 when fd is a regular file; -EISDIR for a directory; -EBADFD for
 * anything else (FIFO, socket, device); -errno when fstat fails. */
int fileio_verify_regular(int fd);

/* Read fd to its end. *ret_buf is malloc'd and NUL-terminated (the NUL
 * not counted in *ret_len). -EFBIG when there are more than max bytes;
 * -EAGAIN should a non-blocking descriptor have nothing to give. */
int fileio_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len);

/* Open path relative to dirfd (AT_FDCWD, or an absolute path) with
 * O_NONBLOCK, verify it is a regular file, and read it whole (at most max
 * bytes). Returns 0 or -errno as the two above. */
int fileio_read_file(int dirfd, const char *path, size_t max, char **ret_buf,
		     size_t *ret_len);

/* "64 MiB" for a cap, in a static buffer of the caller's. */
const char *fileio_cap_str(size_t cap, char *buf, size_t n);

#endif
