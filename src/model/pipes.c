/* Pipe figures through a borrowed descriptor (see pipes.h).
 *
 * A pipe's data is in the kernel, not in any process's memory map: the
 * ring of struct pipe_buffer (fs/pipe.c, alloc_pipe_info()) points at
 * one page per slot that holds data. The kernel tells only two figures
 * from outside: FIONREAD (pipe_ioctl(): the sum of the buffers' lengths)
 * and F_GETPIPE_SZ (the ring's capacity, slots x PAGE_SIZE; 16 slots by
 * default, /proc/sys/fs/pipe-max-size the limit for F_SETPIPE_SZ). Both
 * work on either end. To ask them for another process's pipe we borrow
 * its descriptor with pidfd_getfd(), which the kernel allows under
 * PTRACE_MODE_ATTACH_REALCREDS, and close it straight away: holding a
 * pipe's write end open would keep its reader from seeing EOF.
 *
 * The memory is an ESTIMATE, and says so:
 *   - pages: a write appends to the last page while it has room
 *     (anon_pipe_buf_ops can merge), so n bytes written in big writes
 *     take ceil(n / PAGE_SIZE) pages; many small writes, packet mode
 *     (O_DIRECT) or spliced buffers can take one page per write. So
 *     pages_est = ceil(queued / page) bounded by the slots, pages_max =
 *     min(slots, queued). The pipe may also cache one spare page
 *     (pipe->tmp_page), and spliced pages may be page cache, shared with
 *     a file: neither is seen here.
 *   - the ring: slots x sizeof(struct pipe_buffer), 40 bytes on 64-bit
 *     (page, offset, len, ops, flags, private), from kcalloc, so the
 *     slab object is that rounded up (16 slots: 640 bytes, kmalloc-1k).
 * Both calls go through syscall() by number, so glibc before 2.36 (no
 * wrappers) works too; the numbers are the same on every architecture
 * (the unified table). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../basic/macro.h"
#include "pipes.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif

#define PIPE_BUFFER_SIZE 40 /* sizeof(struct pipe_buffer), 64-bit */

static int borrow_fd(pid_t pid, int fd)
{
	int pidfd, r;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (r < 0)
		r = -errno;
	close(pidfd);
	return r;
}

int pipes_query(pid_t pid, int fd, struct pipe_usage *ret)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct pipe_usage u = {0};
	struct stat st;
	int b, n = 0, cap = 0, r = 0;

	if (pid <= 0 || fd < 0)
		return -EINVAL;
	b = borrow_fd(pid, fd);
	if (b < 0)
		return b;
	/* look, then give the descriptor back at once */
	if (fstat(b, &st) < 0)
		r = -errno;
	else if (!S_ISFIFO(st.st_mode))
		r = -ENOTSUP;
	else if (ioctl(b, FIONREAD, &n) < 0)
		r = -errno;
	else if ((cap = fcntl(b, F_GETPIPE_SZ)) < 0)
		r = -errno;
	close(b);
	if (r < 0)
		return r;

	u.inode = st.st_ino;
	u.queued = n > 0 ? (uint64_t)n : 0;
	u.capacity = (uint64_t)cap;
	u.slots = page ? u.capacity / page : 0;
	u.pages_est = page ? (u.queued + page - 1) / page : 0;
	if (u.pages_est > u.slots)
		u.pages_est = u.slots;
	u.pages_max = u.queued < u.slots ? u.queued : u.slots;
	if (u.pages_max < u.pages_est)
		u.pages_max = u.pages_est;
	u.ring_bytes_est = u.slots * PIPE_BUFFER_SIZE;
	*ret = u;
	return 0;
}
