/* Helper for tests/live/owners.sh and bench/owners.sh: make kernel objects
 * that processes hold through descriptors and IPC, the kinds `memtally
 * owners` reports, and hold them until killed.
 *
 *   owners-hold [-n NPROC] [-d DIR] SPEC...
 *
 * Each SPEC is KIND=N or KIND=NxCOUNT (COUNT objects of N):
 *   pipe=BYTES      a pipe with BYTES queued (its ring grown to fit)
 *   fork-pipe=BYTES a pipe with BYTES queued, also held by a forked child
 *                   (named "owners-child") that holds both ends
 *   unix=BYTES      a unix stream socketpair, BYTES queued to one end
 *   tcp=BYTES       a TCP connection on 127.0.0.1, BYTES sent, never read
 *   bpf=BYTES       a BPF array map of BYTES (4 KiB values; libbpf)
 *   uring=ENTRIES   an io_uring ring with 4 registered 64 KiB buffers
 *   memfd=BYTES     a memfd with BYTES written
 *   tmpfs=BYTES     a file of BYTES on tmpfs (DIR, default /dev/shm),
 *                   unlinked while held open
 *   shm=BYTES       a SysV segment, touched, then detached: attached by
 *                   nobody and never removed (the caller runs ipcrm -m)
 *   msg=BYTES       a SysV message queue holding BYTES in 4048-byte
 *                   messages (each one 4 KiB kmalloc object with its
 *                   header); removed when the helper is killed
 *   epoll=N         an epoll instance watching N eventfds
 *   inotify=N       an inotify instance with N watches (N files in DIR)
 *   huge=N          N huge pages mapped and touched (MAP_HUGETLB; the
 *                   caller raises vm.nr_hugepages first)
 *   hugefd=N        N huge pages in a memfd (MFD_HUGETLB), touched and
 *                   unmapped: held by the descriptor alone
 *   leak=KIB        a steady pipe leak: KIB KiB a second more queued in
 *                   1 MiB pipes, on an absolute 10 Hz schedule, for ever
 * With -n NPROC the objects are made NPROC times: by this process and by
 * NPROC - 1 children forked first (for the benchmark; they die with it).
 *
 * Prints one line per object ("pipe ino=123 bytes=4096", "shm id=5
 * bytes=...", "child pid=42", ...), then "ready PID", and holds them
 * until SIGTERM or SIGINT. Exit 3 with "unsupported KIND: why" when a
 * kind cannot be made here (no liburing, no huge pages, no BPF rights). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/sockios.h>

#if OWNERS_HOLD_HAVE_LIBBPF
#include <bpf/bpf.h>
#endif
#if OWNERS_HOLD_HAVE_LIBURING
#include <liburing.h>
#endif

#define MIB (1UL << 20)
#define MSG_DATA 4048 /* 4096 minus struct msg_msg's 48 bytes */

static const char *dir = "/dev/shm";
#define MAX_MSQ 4096
static int msq[MAX_MSQ];
static int nmsq;
static char inodir[4096];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "owners-hold: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void unsupported(const char *kind, const char *why)
{
	printf("unsupported %s: %s\n", kind, why);
	fflush(stdout);
	exit(3);
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	return (unsigned long)st.st_ino;
}

static void write_all(int fd, unsigned long n)
{
	static char buf[65536];
	unsigned long done = 0;

	memset(buf, 0xa5, sizeof(buf));
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t w = write(fd, buf, k);

		if (w < 0)
			die("write");
		done += (unsigned long)w;
	}
}

/* A pipe whose ring holds n bytes (grown past the default 64 KiB). */
static void make_pipe(int p[2], unsigned long n)
{
	unsigned long cap = 65536;

	if (pipe(p) < 0)
		die("pipe");
	while (cap < n)
		cap <<= 1;
	if (cap > 65536 && fcntl(p[1], F_SETPIPE_SZ, (int)cap) < 0)
		die("F_SETPIPE_SZ");
	write_all(p[1], n);
}

static void hold_pipe(unsigned long n)
{
	int p[2];

	make_pipe(p, n);
	printf("pipe ino=%lu bytes=%lu\n", ino_of(p[0]), n);
}

static void hold_fork_pipe(unsigned long n)
{
	int p[2];
	pid_t c;

	make_pipe(p, n);
	c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		prctl(PR_SET_NAME, "owners-child");
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	printf("fork-pipe ino=%lu bytes=%lu child=%d\n", ino_of(p[0]), n,
	       (int)c);
}

static void hold_unix(unsigned long n)
{
	int sv[2], sz = (int)(4 * n + MIB);
	unsigned long done = 0;
	int q = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	/* room for n bytes and each skb's overhead; FORCE needs root */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	while (done < n) {
		static char buf[65536];
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t w = write(sv[0], buf, k);

		if (w < 0)
			die("unix write (send buffer full)");
		done += (unsigned long)w;
	}
	ioctl(sv[1], SIOCINQ, &q);
	printf("unix ino=%lu peer=%lu bytes=%d\n", ino_of(sv[0]), ino_of(sv[1]),
	       q);
}

static void hold_tcp(unsigned long n)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	int l, c, s, sz = (int)(4 * n + MIB), q = 0, out = 1, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	/* the receive buffer is inherited by the accepted socket */
	if (setsockopt(l, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(l, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) < 0)
		die("listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0)
		die("socket");
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	write_all(c, n);
	/* wait until it all sits in the receiver's queue (2 s at most) */
	for (int i = 0; i < 200 && out; i++) {
		ioctl(c, SIOCOUTQ, &out);
		if (out)
			usleep(10000);
	}
	ioctl(s, SIOCINQ, &q);
	printf("tcp ino=%lu sender=%lu port=%d bytes=%d\n", ino_of(s),
	       ino_of(c), ntohs(a.sin_port), q);
}

static void hold_bpf(unsigned long n)
{
#if OWNERS_HOLD_HAVE_LIBBPF
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "owners_hold", 4, 4096,
				(__u32)((n + 4095) / 4096), NULL);

	if (fd < 0) {
		errno = -fd;
		unsupported("bpf", strerror(errno));
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		die("bpf_obj_get_info_by_fd");
	printf("bpf id=%u fd=%d bytes=%lu\n", info.id, fd, n);
#else
	(void)n;
	unsupported("bpf", "built without libbpf");
#endif
}

static void hold_uring(unsigned long entries)
{
#if OWNERS_HOLD_HAVE_LIBURING
	static struct io_uring ring[64];
	static int nring;
	struct iovec iov[4];
	int r;

	if (nring == 64)
		unsupported("uring", "more than 64 rings");
	r = io_uring_queue_init((unsigned)entries, &ring[nring], 0);
	if (r < 0) {
		errno = -r;
		unsupported("uring", strerror(errno));
	}
	for (int i = 0; i < 4; i++) {
		iov[i].iov_len = 65536;
		iov[i].iov_base = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (iov[i].iov_base == MAP_FAILED)
			die("mmap");
	}
	r = io_uring_register_buffers(&ring[nring], iov, 4);
	if (r < 0) {
		errno = -r;
		die("io_uring_register_buffers");
	}
	printf("uring ino=%lu fd=%d sq=%u cq=%u\n", ino_of(ring[nring].ring_fd),
	       ring[nring].ring_fd, ring[nring].sq.ring_entries,
	       ring[nring].cq.ring_entries);
	nring++;
#else
	(void)entries;
	unsupported("uring", "built without liburing");
#endif
}

static void hold_memfd(unsigned long n)
{
	int fd = memfd_create("owners-hold", 0);

	if (fd < 0)
		die("memfd_create");
	write_all(fd, n);
	printf("memfd ino=%lu bytes=%lu\n", ino_of(fd), n);
}

static void hold_tmpfs(unsigned long n)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/owners-hold.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp");
	write_all(fd, n);
	unlink(path);
	printf("tmpfs ino=%lu bytes=%lu path=%s\n", ino_of(fd), n, path);
}

static void hold_shm(unsigned long n)
{
	int id = shmget(IPC_PRIVATE, n, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		die("shmget");
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat");
	memset(p, 0x5a, n);
	shmdt(p);
	printf("shm id=%d bytes=%lu\n", id, n);
}

/* As many private queues as the messages need: a queue holds msgmnb
 * bytes (16 KiB by default) and raising that needs CAP_SYS_RESOURCE. */
static void hold_msg(unsigned long n)
{
	struct {
		long type;
		char text[MSG_DATA];
	} m = {.type = 1};
	struct msqid_ds ds;
	unsigned long count = (n + MSG_DATA - 1) / MSG_DATA, left = 0;
	int id = -1;

	memset(m.text, 'm', sizeof(m.text));
	printf("msg messages=%lu bytes=%lu ids=", count, count * MSG_DATA);
	for (unsigned long i = 0; i < count; i++) {
		if (left == 0) {
			if (nmsq == MAX_MSQ)
				unsupported("msg", "too many queues");
			id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
			if (id < 0)
				die("msgget");
			msq[nmsq++] = id;
			if (msgctl(id, IPC_STAT, &ds) < 0)
				die("msgctl");
			left = ds.msg_qbytes / MSG_DATA;
			if (left == 0)
				unsupported("msg", "msgmnb below one message");
			printf("%s%d", i ? "," : "", id);
		}
		if (msgsnd(id, &m, MSG_DATA, IPC_NOWAIT) < 0)
			die("msgsnd");
		left--;
	}
	printf("\n");
}

static void hold_epoll(unsigned long n)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int ep = epoll_create1(0);

	if (ep < 0)
		die("epoll_create1");
	for (unsigned long i = 0; i < n; i++) {
		int e = eventfd(0, 0);

		if (e < 0)
			die("eventfd");
		ev.data.fd = e;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) < 0)
			die("epoll_ctl");
	}
	printf("epoll fd=%d items=%lu\n", ep, n);
}

static void hold_inotify(unsigned long n)
{
	char path[4200];
	int in = inotify_init1(0);

	if (in < 0)
		die("inotify_init1");
	if (!inodir[0]) {
		snprintf(inodir, sizeof(inodir), "%s/owners-hold-ino.XXXXXX",
			 dir);
		if (!mkdtemp(inodir))
			die("mkdtemp");
	}
	for (unsigned long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%d.%lu", inodir, in, i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			die("open");
		close(fd);
		if (inotify_add_watch(in, path, IN_MODIFY) < 0)
			die("inotify_add_watch");
	}
	printf("inotify fd=%d items=%lu\n", in, n);
}

static void hold_huge(unsigned long n)
{
	unsigned long len = n * 2 * MIB;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (p == MAP_FAILED)
		unsupported("huge", strerror(errno));
	memset(p, 0x11, len);
	printf("huge pages=%lu bytes=%lu\n", n, len);
}

/* N huge pages in a memfd made with MFD_HUGETLB, touched, then unmapped:
 * held by the descriptor alone (HugeTLB pool pages, not shmem). */
static void hold_hugefd(unsigned long n)
{
	unsigned long len = n * 2 * MIB;
	int fd = memfd_create("owners-hold-huge", MFD_HUGETLB);
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		unsupported("hugefd", strerror(errno));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		unsupported("hugefd", strerror(errno));
	memset(p, 0x22, len);
	munmap(p, len);
	printf("hugefd ino=%lu pages=%lu bytes=%lu\n", ino_of(fd), n, len);
}

/* The steady leak: the main loop, never returns until stopped. */
static void leak(unsigned long kib)
{
	struct timespec t0, now;
	unsigned long want, have = 0, left = 0, tick = 0;
	int w = -1, p[2];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("leak kib_per_s=%lu\nready %d\n", kib, (int)getpid());
	fflush(stdout);
	while (!stop) {
		want = (tick + 1) * kib * 1024 / 10;
		while (have < want) {
			unsigned long k;

			if (left == 0) {
				if (pipe(p) < 0)
					die("pipe");
				if (fcntl(p[1], F_SETPIPE_SZ, (int)MIB) < 0)
					die("F_SETPIPE_SZ");
				w = p[1];
				left = MIB;
			}
			k = want - have < left ? want - have : left;
			write_all(w, k);
			have += k;
			left -= k;
		}
		tick++;
		now = t0;
		now.tv_sec += (time_t)(tick / 10);
		now.tv_nsec += (long)(tick % 10) * 100000000L;
		if (now.tv_nsec >= 1000000000L) {
			now.tv_sec++;
			now.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
	}
}

static void cleanup(void)
{
	char cmd[4300];

	for (int i = 0; i < nmsq; i++)
		msgctl(msq[i], IPC_RMID, NULL);
	if (inodir[0] && strchr(inodir, '\'') == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", inodir);
		if (system(cmd) != 0)
			fprintf(stderr, "owners-hold: cannot remove %s\n",
				inodir);
	}
}

static void make(int argc, char **argv, int first)
{
	static const struct {
		const char *kind;
		void (*fn)(unsigned long);
	} kinds[] = {
	    {"pipe", hold_pipe},   {"fork-pipe", hold_fork_pipe},
	    {"unix", hold_unix},   {"tcp", hold_tcp},
	    {"bpf", hold_bpf},	   {"uring", hold_uring},
	    {"memfd", hold_memfd}, {"tmpfs", hold_tmpfs},
	    {"shm", hold_shm},	   {"msg", hold_msg},
	    {"epoll", hold_epoll}, {"inotify", hold_inotify},
	    {"huge", hold_huge},   {"hugefd", hold_hugefd},
	};
	for (int i = first; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *end;
		unsigned long n, count = 1;
		size_t k = 0, nk = sizeof(kinds) / sizeof(kinds[0]);

		if (!eq)
			goto bad;
		n = strtoul(eq + 1, &end, 10);
		if (*end == 'x')
			count = strtoul(end + 1, &end, 10);
		if (*end || !n || !count)
			goto bad;
		if (strncmp(argv[i], "leak=", 5) == 0) {
			leak(n);
			continue;
		}
		while (k < nk &&
		       (strlen(kinds[k].kind) != (size_t)(eq - argv[i]) ||
			strncmp(kinds[k].kind, argv[i],
				(size_t)(eq - argv[i])) != 0))
			k++;
		if (k == nk)
			goto bad;
		for (unsigned long c = 0; c < count; c++)
			kinds[k].fn(n);
		continue;
	bad:
		fprintf(stderr, "owners-hold: bad spec '%s'\n", argv[i]);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct rlimit rl;
	long nproc = 1;
	int opt, ready[2];
	pid_t leader = getpid(), *kids = NULL;

	while ((opt = getopt(argc, argv, "n:d:")) != -1) {
		if (opt == 'n')
			nproc = strtol(optarg, NULL, 10);
		else if (opt == 'd')
			dir = optarg;
		else
			return 2;
	}
	if (nproc < 1 || optind >= argc) {
		fprintf(stderr, "usage: owners-hold [-n NPROC] [-d DIR] "
				"KIND=N[xCOUNT]...\n");
		return 2;
	}
	/* epoll and inotify want many descriptors */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	atexit(cleanup);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nproc > 1) {
		/* children make their own copies, then say so with one byte
		 * each, and die with the leader */
		kids = calloc((size_t)nproc, sizeof(*kids));
		if (!kids || pipe(ready) < 0)
			die("pipe");
		for (long i = 1; i < nproc; i++) {
			pid_t c = fork();

			if (c < 0)
				die("fork");
			if (c == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (getppid() != leader)
					_exit(0);
				close(ready[0]);
				if (!freopen("/dev/null", "w", stdout))
					_exit(1);
				make(argc, argv, optind);
				if (write(ready[1], "r", 1) != 1)
					_exit(1);
				close(ready[1]);
				while (!stop)
					pause();
				cleanup();
				_exit(0);
			}
			kids[i] = c;
		}
		close(ready[1]);
	}
	make(argc, argv, optind);
	if (nproc > 1) {
		char b;

		for (long i = 1; i < nproc; i++)
			if (read(ready[0], &b, 1) != 1)
				die("a child failed");
		close(ready[0]);
	}
	printf("ready %d\n", (int)getpid());
	while (!stop)
		pause();
	if (nproc > 1) {
		for (long i = 1; i < nproc; i++)
			kill(kids[i], SIGTERM);
		while (wait(NULL) > 0)
			;
		free(kids);
	}
	return 0;
}
