/* System V IPC objects: /proc/sysvipc/shm (shared memory segments) and
 * /proc/sysvipc/msg (message queues), and POSIX message queues as the
 * files of an mqueue mount (/dev/mqueue) show them.
 *
 * Sizes are in bytes. A column this kernel does not print (rss and swap
 * came in 4.x) is VAL_ABSENT. Pids are as the reading process's pid
 * namespace sees them (0: not visible there). */
#ifndef MEMTALLY_SYSVIPC_H
#define MEMTALLY_SYSVIPC_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct sysvipc_shm_seg {
	int64_t key; /* 0: IPC_PRIVATE */
	uint64_t shmid, perms, size, cpid, lpid, nattch;
	uint64_t uid, gid, cuid, cgid, atime, dtime, ctime;
	uint64_t rss, swap; /* bytes */
};

struct sysvipc_shm {
	struct sysvipc_shm_seg *v;
	size_t n;
};

struct sysvipc_msg_queue {
	int64_t key;
	uint64_t msqid, perms, cbytes, qnum, lspid, lrpid;
	uint64_t uid, gid, cuid, cgid, stime, rtime, ctime;
};

struct sysvipc_msg {
	struct sysvipc_msg_queue *v;
	size_t n;
};

/* Columns are found by the header line's names, so a kernel that adds,
 * drops or reorders columns still parses; key, shmid and size (shm) or
 * key, msqid, cbytes and qnum (msg) must be there. A row with another
 * number of fields than the header is malformed. */
int sysvipc_shm_parse(const char *buf, size_t len, struct sysvipc_shm *ret,
		      struct parse_err *err);
int sysvipc_shm_read(struct root *root, struct sysvipc_shm *ret,
		     struct source_err *err);
void sysvipc_shm_release(struct sysvipc_shm *s);

int sysvipc_msg_parse(const char *buf, size_t len, struct sysvipc_msg *ret,
		      struct parse_err *err);
int sysvipc_msg_read(struct root *root, struct sysvipc_msg *ret,
		     struct source_err *err);
void sysvipc_msg_release(struct sysvipc_msg *s);

/* One POSIX message queue file: "QSIZE:N NOTIFY:N SIGNO:N NOTIFY_PID:N"
 * (ipc/mqueue.c). qsize is the bytes of the messages queued. */
struct posix_mqueue {
	char *name; /* set by posix_mqueues_read(); NULL from the parser */
	uint64_t qsize;
	int64_t notify, signo, notify_pid;
	uint64_t uid; /* owner; VAL_ABSENT from the parser */
};

struct posix_mqueues {
	struct posix_mqueue *v;
	size_t n;
	size_t n_gone, n_denied; /* removed or unreadable while we read */
};

int posix_mqueue_parse(const char *buf, size_t len, struct posix_mqueue *ret,
		       struct parse_err *err);
void posix_mqueue_release(struct posix_mqueue *q);

/* Read every queue in dir (NULL: "/dev/mqueue"), live only (reading a
 * queue's file shows its status and takes no message). -ENOENT when
 * nothing is mounted there. */
int posix_mqueues_read(const char *dir, struct posix_mqueues *ret);
void posix_mqueues_release(struct posix_mqueues *qs);

#endif
