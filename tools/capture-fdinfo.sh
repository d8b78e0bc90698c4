#!/usr/bin/env bash
# Capture /proc/PID/fdinfo samples for tests/unit/test-fdinfo.c (run as
# root for fanotify and BPF): a helper compiled here creates one object of
# each kind this machine has (epoll, inotify, fanotify, eventfd, io_uring
# with registered buffers and a file, a BPF array map and a socket filter
# program made by bpf(2) directly, a memfd, a pipe, a deleted tmpfs file),
# then this script copies the fdinfo text of each into
# tests/fixtures/fdinfo/KIND and a line into its capture.txt. The helper
# also makes two System V shared memory segments (one attached, one
# attached by nobody), a System V message queue and a POSIX one with
# messages queued; their /proc/sysvipc rows (the helper's only) and the
# queue's /dev/mqueue file go to tests/fixtures/sysvipc/.
#
#   tools/capture-fdinfo.sh [OUTDIR [IPCDIR]]
#
# Needs cc and liburing (liburing-dev). Nothing is pinned and nothing is
# left behind: the helper's objects die with it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/tests/fixtures/fdinfo}
ipc=${2:-$top/tests/fixtures/sysvipc}
tmp=$(mktemp -d /tmp/memtally-capture-fdinfo.XXXXXX)
pid=
cleanup() {
	# closing its stdin makes the helper remove its IPC objects and exit
	exec 3>&- 2>/dev/null || true
	wait 2>/dev/null || true
	mountpoint -q "$tmp/mq" 2>/dev/null && umount "$tmp/mq"
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/helper.c" <<'CEOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <liburing.h>
#include <linux/bpf.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void say(const char *kind, int fd)
{
	if (fd >= 0)
		printf("%s %d\n", kind, fd);
}

static int bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(__NR_bpf, cmd, a, sizeof(*a));
}

int main(int argc, char **argv)
{
	static struct io_uring ring;
	static char buf1[65536] __attribute__((aligned(4096)));
	struct iovec iov[2];
	struct epoll_event ev = {.events = EPOLLIN};
	union bpf_attr a;
	int p[2], efd, ep, in, fan, mfd, tfd, map, prog, shm, orphan, q;
	mqd_t mq;
	const char *tmpdir = argc > 1 ? argv[1] : "/tmp";
	char path[4096];

	if (pipe(p) < 0)
		return 1;
	if (write(p[1], "hello", 5) != 5)
		return 1;
	efd = eventfd(5, EFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	in = inotify_init1(IN_NONBLOCK);
	inotify_add_watch(in, "/", IN_CREATE);
	inotify_add_watch(in, tmpdir, IN_MODIFY | IN_DELETE);
	fan = fanotify_init(FAN_CLASS_NOTIF, O_RDONLY);
	if (fan >= 0)
		fanotify_mark(fan, FAN_MARK_ADD, FAN_MODIFY | FAN_CLOSE_WRITE,
			      AT_FDCWD, tmpdir);
	mfd = memfd_create("memtally-capture", MFD_CLOEXEC);
	if (mfd >= 0 && ftruncate(mfd, 1 << 20) == 0) {
		char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_SHARED, mfd, 0);
		if (m != MAP_FAILED) {
			memset(m, 1, 1 << 19);
			munmap(m, 1 << 20);
		}
	}
	snprintf(path, sizeof(path), "%s/memtally-capture-deleted", tmpdir);
	tfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (tfd >= 0) {
		if (write(tfd, buf1, sizeof(buf1)) < 0)
			return 1;
		unlink(path);
	}
	if (io_uring_queue_init(64, &ring, 0) == 0) {
		static char *buf2;
		buf2 = aligned_alloc(4096, 1 << 20);
		iov[0] = (struct iovec){buf1, sizeof(buf1)};
		iov[1] = (struct iovec){buf2, 1 << 20};
		io_uring_register_buffers(&ring, iov, 2);
		io_uring_register_files(&ring, &efd, 1);
		say("io_uring", ring.ring_fd);
	}
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 64;
	a.max_entries = 1024;
	strncpy(a.map_name, "memtally_cap", sizeof(a.map_name) - 1);
	map = bpf(BPF_MAP_CREATE, &a);
	{
		struct bpf_insn insns[2] = {
		    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0},
		    {.code = BPF_JMP | BPF_EXIT},
		};
		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		a.insns = (unsigned long)insns;
		a.insn_cnt = 2;
		a.license = (unsigned long)"GPL";
		prog = bpf(BPF_PROG_LOAD, &a);
	}
	{
		struct {
			long type;
			char text[100];
		} msg = {1, {0}};
		struct mq_attr at = {.mq_maxmsg = 10, .mq_msgsize = 128};
		int seg = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
		char *m = seg >= 0 ? shmat(seg, NULL, 0) : (void *)-1;

		if (m != (void *)-1)
			memset(m, 1, 1 << 18);
		orphan = shmget(0x6d74, 2 << 20, IPC_CREAT | 0600);
		shm = seg;
		q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		for (int i = 0; q >= 0 && i < 3; i++)
			msgsnd(q, &msg, sizeof(msg.text), 0);
		mq = mq_open("/memtally-capture", O_CREAT | O_RDWR, 0600, &at);
		for (int i = 0; mq != (mqd_t)-1 && i < 2; i++)
			mq_send(mq, msg.text, sizeof(msg.text), 0);
	}
	say("pipe-read", p[0]);
	say("pipe-write", p[1]);
	say("eventfd", efd);
	say("epoll", ep);
	say("inotify", in);
	say("fanotify", fan);
	say("memfd", mfd);
	say("deleted", tfd);
	say("bpf-map", map);
	say("bpf-prog", prog);
	printf("ready\n");
	fflush(stdout);
	/* hold everything until the script closes our stdin */
	while (read(0, path, sizeof(path)) > 0)
		;
	if (shm >= 0)
		shmctl(shm, IPC_RMID, NULL);
	if (orphan >= 0)
		shmctl(orphan, IPC_RMID, NULL);
	if (q >= 0)
		msgctl(q, IPC_RMID, NULL);
	mq_unlink("/memtally-capture");
	return 0;
}
CEOF
cc -O1 -o "$tmp/helper" "$tmp/helper.c" -luring -lrt

mkdir -p "$out"
mkfifo "$tmp/in"
"$tmp/helper" /tmp <"$tmp/in" >"$tmp/list" &
pid=$!
exec 3>"$tmp/in"
for _ in $(seq 50); do
	grep -q '^ready$' "$tmp/list" 2>/dev/null && break
	sleep 0.1
done
grep -q '^ready$' "$tmp/list" || { echo "helper did not start" >&2; exit 1; }
{
	echo "# tools/capture-fdinfo.sh on $(uname -r) $(uname -m), $(date -u +%Y-%m-%d)"
	echo "# file: link target of the descriptor"
} >"$out/capture.txt"
while read -r kind fd; do
	[ "$kind" = ready ] && continue
	cp "/proc/$pid/fdinfo/$fd" "$out/$kind"
	echo "$kind: $(readlink "/proc/$pid/fd/$fd")" >>"$out/capture.txt"
done <"$tmp/list"

# System V rows of the helper only (header + rows it created), and the
# POSIX queue's file through a private mqueue mount
mkdir -p "$ipc"
awk -v p="$pid" 'NR == 1 || $5 == p' /proc/sysvipc/shm >"$ipc/shm"
awk -v p="$pid" 'NR == 1 || $6 == p' /proc/sysvipc/msg >"$ipc/msg"
mkdir "$tmp/mq"
if mount -t mqueue none "$tmp/mq" 2>/dev/null; then
	cp "$tmp/mq/memtally-capture" "$ipc/mqueue"
	umount "$tmp/mq"
fi
echo "# tools/capture-fdinfo.sh on $(uname -r) $(uname -m), $(date -u +%Y-%m-%d): the helper's rows only" >"$ipc/capture.txt"
echo "captured into $out: $(cd "$out" && ls | grep -v capture.txt | tr '\n' ' ')"
