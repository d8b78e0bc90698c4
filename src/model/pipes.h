/* What a pipe holds: the bytes queued in it and its capacity, looked at
 * through a borrowed descriptor of the process that has it open. Live
 * only. The owners view calls this for each "pipe:[INODE]" it finds in
 * /proc/PID/fd, once per inode (both ends see the same pipe). */
#ifndef MEMTALLY_PIPES_H
#define MEMTALLY_PIPES_H

#include <stdint.h>
#include <sys/types.h>

struct pipe_usage {
	uint64_t inode;	   /* the pipe's inode (st_ino of the fd) */
	uint64_t queued;   /* bytes written and not yet read (FIONREAD) */
	uint64_t capacity; /* bytes the ring can hold (F_GETPIPE_SZ) */
	uint64_t slots;	   /* ring slots: capacity / page size */
	/* ESTIMATES (see pipes.c): pages holding the queued bytes, as
	 * ceil(queued / page) bounded by slots, and at most min(slots,
	 * queued) when every write was small (each may take a page); the
	 * pipe_buffer array, slots x 40 bytes (kcalloc'd, so the slab
	 * object is that rounded up to a kmalloc size). */
	uint64_t pages_est;
	uint64_t pages_max;
	uint64_t ring_bytes_est;
};

/* Look at fd of process pid, which must be a pipe or FIFO: pidfd_open()
 * and pidfd_getfd() (5.6+) borrow the descriptor, ioctl(FIONREAD) and
 * fcntl(F_GETPIPE_SZ) read the figures, and the borrowed descriptor is
 * closed at once; no data is read. Needs PTRACE_MODE_ATTACH_REALCREDS
 * on pid (root, or the same user where ptrace is allowed).
 * Returns 0, or -EPERM (not allowed), -ESRCH (the process is gone),
 * -EBADF (the fd is closed), -ENOTSUP (the fd is not a pipe), -ENOSYS
 * (a kernel without pidfd_getfd). */
int pipes_query(pid_t pid, int fd, struct pipe_usage *ret);

#endif
