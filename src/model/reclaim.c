/* The Empty actions; see reclaim.h.
 *
 * Kernel interfaces (Documentation/admin-guide/sysctl/vm.rst,
 * cgroup-v2.rst, cgroup-v1/memory.rst, man process_madvise(2)):
 *   /proc/sys/vm/drop_caches     1 page cache, 2 slab, 3 both; clean and
 *                                unused only, so sync first for more
 *   /proc/sys/vm/compact_memory  1: compact every zone (CONFIG_COMPACTION)
 *   memory.reclaim (v2, 5.19+)   proactive reclaim of N bytes; EAGAIN when
 *                                it fell short
 *   memory.force_empty (v1)      reclaim as much as possible; refused for
 *                                the root cgroup
 *   process_madvise(pidfd, iov, n, MADV_PAGEOUT, 0) (5.10+) reclaims the
 *                                pages of the ranges given, in another
 *                                process; anonymous pages only go where
 *                                there is swap. A mapping it cannot do
 *                                (VM_LOCKED, VM_PFNMAP such as [vvar],
 *                                hugetlb) fails the call with EINVAL, so
 *                                each mapping is its own call. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../basic/macro.h"
#include "../basic/fileio.h"
#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "reclaim.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static int write_file(const char *path, const char *text)
{
	size_t n = strlen(text);
	ssize_t k;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	k = write(fd, text, n);
	if (k < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (close(fd) < 0)
		return -errno;
	return (size_t)k == n ? 0 : -EIO;
}

int reclaim_drop_caches(int what)
{
	char buf[4];

	if (what < 1 || what > 3)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%d\n", what);
	return write_file("/proc/sys/vm/drop_caches", buf);
}

int reclaim_sync(void)
{
	sync();
	return 0;
}

int reclaim_compact(void)
{
	return write_file("/proc/sys/vm/compact_memory", "1\n");
}

int reclaim_cgroup(const char *dir, int version, uint64_t bytes)
{
	_cleanup_free_ char *path = NULL;
	char buf[32];
	int r;

	if (version == 2) {
		path = xasprintf("%s/memory.reclaim", dir);
		snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)bytes);
		r = write_file(path, buf);
		return r == -EAGAIN ? 0 : r;
	}
	path = xasprintf("%s/memory.force_empty", dir);
	return write_file(path, "0\n");
}

int reclaim_process(int pid, size_t *ret_done, size_t *ret_skipped)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/maps", pid);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, done = 0, skipped = 0;
	struct line_iter it;
	struct span line;
	int pidfd, r;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	r = fileio_read_file(AT_FDCWD, path, FILEIO_MAPS_MAX, &buf, &len);
	if (r < 0) {
		close(pidfd);
		return r;
	}
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[1];
		const char *dash;
		uint64_t lo, hi;
		struct span a, b;
		struct iovec iov;

		if (span_fields(line, f, 1) < 1)
			continue;
		dash = memchr(f[0].p, '-', f[0].len);
		if (!dash)
			continue;
		a.p = f[0].p;
		a.len = (size_t)(dash - f[0].p);
		b.p = dash + 1;
		b.len = f[0].len - a.len - 1;
		if (span_x64(a, &lo) < 0 || span_x64(b, &hi) < 0 || hi <= lo)
			continue;
		iov.iov_base = (void *)(uintptr_t)lo;
		iov.iov_len = (size_t)(hi - lo);
		if (syscall(SYS_process_madvise, pidfd, &iov, 1, MADV_PAGEOUT,
			    0) < 0) {
			int e = errno;

			if (e == ESRCH) {
				close(pidfd);
				return -ESRCH;
			}
			if (e == EPERM || e == ENOSYS) {
				close(pidfd);
				return -e;
			}
			skipped++;
			continue;
		}
		done++;
	}
	close(pidfd);
	*ret_done = done;
	*ret_skipped = skipped;
	return 0;
}
