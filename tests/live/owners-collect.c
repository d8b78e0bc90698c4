/* Live test of the owners' collectors on this machine: it makes the
 * objects itself and checks the figures each collector reports.
 *   sockets  a TCP pair on 127.0.0.1 with about 1 MiB unread, a unix
 *            stream pair with 50000 bytes queued
 *   bpf      an array map of 256 x 4 KiB and a two-instruction program,
 *            pinned on a private bpffs mount when one can be made; -EPERM
 *            for an unprivileged user
 *   pipes    a pipe of 256 KiB capacity with 100 KiB written, held by a
 *            child process; -EPERM for an unprivileged user
 * Needs root: exits 77 (skipped) otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/bpfobjs.h"
#include "../../src/model/pipes.h"
#include "../../src/model/sockets.h"

#if MEMTALLY_HAVE_BPF
#include <bpf/bpf.h>
#include <linux/bpf.h>
#endif

static uint64_t inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

static void test_tcp(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	static char chunk[65536];
	const struct sockdiag_sock *sv, *cl;
	struct sockets s;
	size_t written = 0;
	int l, c, v, in = 0, out = 0, big = 4 << 20;

	(void)state;
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	assert_int_equal(bind(l, (struct sockaddr *)&a, al), 0);
	assert_int_equal(listen(l, 4), 0);
	getsockname(l, (struct sockaddr *)&a, &al);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, al), 0);
	v = accept(l, NULL, NULL);
	assert_true(v >= 0);
	fcntl(c, F_SETFL, O_NONBLOCK);
	memset(chunk, 'x', sizeof(chunk));
	while (written < (1 << 20)) {
		ssize_t w = write(c, chunk, sizeof(chunk));

		if (w < 0 && errno == EAGAIN)
			break;
		assert_true(w > 0);
		written += (size_t)w;
	}
	assert_true(written >= 512 * 1024);
	/* settled: every byte either unread at the server or unacked */
	for (int i = 0; i < 300; i++) {
		ioctl(v, SIOCINQ, &in);
		ioctl(c, SIOCOUTQ, &out);
		if ((size_t)in + (size_t)out == written)
			break;
		poll(NULL, 0, 10);
	}
	assert_int_equal(sockets_collect(SOCKETS_TIMEOUT_MS, &s), 0);
	assert_int_equal(s.err[SOCKETS_TCP4], 0);
	sv = sockets_find(&s, inode_of(v));
	cl = sockets_find(&s, inode_of(c));
	assert_non_null(sv);
	assert_non_null(cl);
	assert_string_equal(sockdiag_kind(sv), "tcp");
	assert_string_equal(sockdiag_state_name(sv->state), "ESTAB");
	assert_int_equal(sv->rqueue + cl->wqueue, written);
	assert_true(sv->mem[SOCKDIAG_MEM_RMEM_ALLOC] >= sv->rqueue);
	assert_true(cl->mem[SOCKDIAG_MEM_WMEM_QUEUED] >= cl->wqueue);
	assert_int_equal(sv->remote.port, cl->local.port);
	assert_null(sockets_find(&s, 0));
	printf("# tcp: %zu bytes written; server rqueue %llu rmem_alloc %llu, "
	       "client wqueue %llu wmem_queued %llu; %zu sockets in all\n",
	       written, (unsigned long long)sv->rqueue,
	       (unsigned long long)sv->mem[SOCKDIAG_MEM_RMEM_ALLOC],
	       (unsigned long long)cl->wqueue,
	       (unsigned long long)cl->mem[SOCKDIAG_MEM_WMEM_QUEUED], s.n);
	sockets_release(&s);
	close(c);
	close(v);
	close(l);
}

static void test_unix(void **state)
{
	static char buf[50000];
	const struct sockdiag_sock *snd, *rcv;
	struct sockets s;
	int sp[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	memset(buf, 'u', sizeof(buf));
	assert_int_equal(write(sp[0], buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(sockets_collect(SOCKETS_TIMEOUT_MS, &s), 0);
	assert_int_equal(s.err[SOCKETS_UNIX], 0);
	snd = sockets_find(&s, inode_of(sp[0]));
	rcv = sockets_find(&s, inode_of(sp[1]));
	assert_non_null(snd);
	assert_non_null(rcv);
	assert_string_equal(sockdiag_kind(rcv), "unix_stream");
	assert_int_equal(rcv->rqueue, sizeof(buf));
	assert_int_equal(rcv->peer_inode, snd->inode);
	/* queued data is charged to the sender */
	assert_true(snd->mem[SOCKDIAG_MEM_WMEM_ALLOC] >= sizeof(buf));
	assert_int_equal(rcv->mem[SOCKDIAG_MEM_RMEM_ALLOC], 0);
	printf("# unix: 50000 bytes queued; receiver rqueue %llu, sender "
	       "wmem_alloc %llu\n",
	       (unsigned long long)rcv->rqueue,
	       (unsigned long long)snd->mem[SOCKDIAG_MEM_WMEM_ALLOC]);
	sockets_release(&s);
	close(sp[0]);
	close(sp[1]);
}

/* Run fn in a child that dropped to nobody; its return value. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		_exit(-fn(arg));
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -EINTR;
}

static int collect_bpf(void *arg)
{
	struct bpfobjs o;
	int r = bpfobjs_collect(&o);

	(void)arg;
	if (r == 0)
		bpfobjs_release(&o);
	return r;
}

static void test_bpf(void **state)
{
#if MEMTALLY_HAVE_BPF
	struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	struct bpf_map_info mi = {0};
	struct bpf_prog_info pi = {0};
	__u32 len = sizeof(mi);
	char dir[] = "/tmp/memtally-bpffs.XXXXXX", pin[64];
	const struct bpfobj *m, *p;
	struct bpfobjs o;
	bool mounted;
	int mfd, pfd;

	(void)state;
	mfd =
	    bpf_map_create(BPF_MAP_TYPE_ARRAY, "mt_owners", 4, 4096, 256, NULL);
	if (mfd < 0)
		skip(); /* no BPF in this kernel or container */
	assert_int_equal(bpf_obj_get_info_by_fd(mfd, &mi, &len), 0);
	pfd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "mt_prog", "GPL",
			    insns, 2, NULL);
	assert_true(pfd >= 0);
	len = sizeof(pi);
	assert_int_equal(bpf_obj_get_info_by_fd(pfd, &pi, &len), 0);
	assert_non_null(mkdtemp(dir));
	mounted = mount("bpf", dir, "bpf", 0, NULL) == 0;
	snprintf(pin, sizeof(pin), "%s/mt_pin", dir);
	if (mounted)
		assert_int_equal(bpf_obj_pin(mfd, pin), 0);

	assert_int_equal(bpfobjs_collect(&o), 0);
	m = bpfobjs_find(&o, BPFOBJ_MAP, mi.id);
	p = bpfobjs_find(&o, BPFOBJ_PROG, pi.id);
	assert_non_null(m);
	assert_non_null(p);
	assert_string_equal(m->name, "mt_owners");
	assert_string_equal(m->type_name, "array");
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 4096);
	assert_int_equal(m->max_entries, 256);
	assert_true(m->memlock >= 1 << 20 && m->memlock < (1 << 20) * 11 / 10);
	assert_string_equal(p->name, "mt_prog");
	assert_string_equal(p->type_name, "socket_filter");
	assert_int_equal(p->xlated_len, 16);
	assert_true(val_has(p->memlock));
	if (mounted) {
		assert_int_equal(m->n_pins, 1);
		assert_string_equal(m->pins[0], pin);
	}
	printf("# bpf: map id %u memlock %llu, prog id %u memlock %llu, "
	       "%zu objects, pinned %s\n",
	       m->id, (unsigned long long)m->memlock, p->id,
	       (unsigned long long)p->memlock, o.n, mounted ? "yes" : "no");
	bpfobjs_release(&o);
	if (mounted) {
		unlink(pin);
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
	close(pfd);
	close(mfd);
	assert_int_equal(as_nobody(collect_bpf, NULL), -EPERM);
#else
	(void)state;
	assert_int_equal(collect_bpf(NULL), -EOPNOTSUPP);
	skip();
#endif
}

struct pipe_arg {
	pid_t pid;
	int fd;
};

static int query_pipe(void *arg)
{
	struct pipe_arg *a = arg;
	struct pipe_usage u;

	return pipes_query(a->pid, a->fd, &u);
}

static void test_pipes(void **state)
{
	static char buf[100 * 1024];
	struct pipe_usage u, w;
	int p[2], sync[2], null_fd, st;
	struct pipe_arg arg;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(sync), 0);
	assert_int_equal(fcntl(p[1], F_SETPIPE_SZ, 256 * 1024), 256 * 1024);
	memset(buf, 'p', sizeof(buf));
	assert_int_equal(write(p[1], buf, sizeof(buf)), sizeof(buf));
	null_fd = open("/dev/null", O_RDONLY);
	child = fork();
	if (child == 0) {
		char c;

		close(sync[1]);
		_exit(read(sync[0], &c, 1) < 0);
	}
	close(sync[0]);
	close(p[0]);
	close(p[1]);

	assert_int_equal(pipes_query(child, p[0], &u), 0);
	assert_int_equal(u.queued, sizeof(buf));
	assert_int_equal(u.capacity, 256 * 1024);
	assert_int_equal(u.slots, 256 * 1024 / 4096);
	assert_int_equal(u.pages_est, 25);
	assert_int_equal(u.pages_max, 64);
	assert_int_equal(u.ring_bytes_est, 64 * 40);
	/* the write end sees the same pipe; nothing was consumed */
	assert_int_equal(pipes_query(child, p[1], &w), 0);
	assert_int_equal(w.inode, u.inode);
	assert_int_equal(w.queued, sizeof(buf));
	assert_int_equal(pipes_query(child, null_fd, &w), -ENOTSUP);
	assert_int_equal(pipes_query(child, 999, &w), -EBADF);
	arg = (struct pipe_arg){child, p[0]};
	assert_int_equal(as_nobody(query_pipe, &arg), -EPERM);
	printf("# pipe: queued %llu capacity %llu pages %llu..%llu ring %llu "
	       "bytes\n",
	       (unsigned long long)u.queued, (unsigned long long)u.capacity,
	       (unsigned long long)u.pages_est, (unsigned long long)u.pages_max,
	       (unsigned long long)u.ring_bytes_est);

	close(sync[1]);
	waitpid(child, &st, 0);
	assert_int_equal(pipes_query(child, p[0], &w), -ESRCH);
	close(null_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp),
	    cmocka_unit_test(test_unix),
	    cmocka_unit_test(test_bpf),
	    cmocka_unit_test(test_pipes),
	};

	if (geteuid() != 0) {
		printf("# skipped: needs root\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
