/* Unit tests for the /proc/PID/fd walk: the link classifier and the
 * cgroup line picker on fixed text, then a live walk of this test's own
 * process holding a pipe, a memfd, an epoll, an eventfd, an inotify and a
 * deleted tmpfs file it made itself, a process that is gone, and the
 * one-user filter. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/model/fdwalk.h"
#include "testutil.h"

static int classify(const char *t, uint64_t *ino, char *name, size_t n,
		    bool *path)
{
	struct span s;
	int k = fdw_classify(t, strlen(t), ino, &s, path);

	span_copy(s, name, n);
	return k;
}

static void test_classify(void **state)
{
	char name[64];
	uint64_t ino;
	bool path;

	(void)state;
	assert_int_equal(classify("pipe:[67422]", &ino, name, 64, &path),
			 FDW_PIPE);
	assert_int_equal(ino, 67422);
	assert_int_equal(classify("socket:[9]", &ino, name, 64, &path),
			 FDW_SOCKET);
	assert_int_equal(ino, 9);
	assert_int_equal(classify("pipe:[x]", &ino, name, 64, &path), -1);
	assert_int_equal(classify("socket:", &ino, name, 64, &path), -1);
	assert_int_equal(classify("anon_inode:bpf-map", &ino, name, 64, &path),
			 FDW_BPF_MAP);
	assert_false(val_has(ino));
	assert_int_equal(classify("anon_inode:bpf-prog", &ino, name, 64, &path),
			 FDW_BPF_PROG);
	assert_int_equal(
	    classify("anon_inode:[io_uring]", &ino, name, 64, &path),
	    FDW_IO_URING);
	assert_int_equal(
	    classify("anon_inode:[eventpoll]", &ino, name, 64, &path),
	    FDW_EPOLL);
	assert_int_equal(classify("anon_inode:inotify", &ino, name, 64, &path),
			 FDW_INOTIFY);
	assert_int_equal(
	    classify("anon_inode:[fanotify]", &ino, name, 64, &path),
	    FDW_FANOTIFY);
	assert_int_equal(
	    classify("anon_inode:[eventfd]", &ino, name, 64, &path),
	    FDW_EVENTFD);
	assert_int_equal(classify("anon_inode:dmabuf", &ino, name, 64, &path),
			 FDW_DMABUF);
	assert_int_equal(
	    classify("anon_inode:[timerfd]", &ino, name, 64, &path), -1);
	assert_int_equal(classify("anon_inode:bpf_link", &ino, name, 64, &path),
			 -1);
	assert_int_equal(classify("/dmabuf:gst", &ino, name, 64, &path),
			 FDW_DMABUF);
	assert_string_equal(name, "gst");
	assert_int_equal(
	    classify("/memfd:pulse (deleted)", &ino, name, 64, &path),
	    FDW_MEMFD);
	assert_string_equal(name, "pulse");
	assert_false(path);
	assert_int_equal(classify("/memfd: (deleted)", &ino, name, 64, &path),
			 FDW_MEMFD);
	assert_string_equal(name, "");
	assert_int_equal(classify("/dev/dri/renderD128", &ino, name, 64, &path),
			 FDW_DRM);
	assert_int_equal(classify("/dev/accel/accel0", &ino, name, 64, &path),
			 FDW_DRM);
	assert_int_equal(classify("/tmp/x y (deleted)", &ino, name, 64, &path),
			 FDW_DELETED);
	assert_string_equal(name, "/tmp/x y");
	assert_true(path);
	assert_int_equal(classify("/dev/shm/seg", &ino, name, 64, &path),
			 FDW_TMPFS);
	assert_true(path);
	assert_int_equal(classify("/dev/pts/0", &ino, name, 64, &path),
			 FDW_TMPFS); /* the caller finds it is no file */
	assert_int_equal(classify("net:[4026531840]", &ino, name, 64, &path),
			 -1);
	assert_int_equal(classify("", &ino, name, 64, &path), -1);
	assert_string_equal(fdw_kind_name(FDW_IO_URING), "io_uring");
	assert_null(fdw_kind_name(_FDW_KIND_MAX));
}

static int cgroup(const char *text, char *out, size_t n)
{
	struct span s;
	int r = fdw_cgroup_path(text, strlen(text), &s);

	if (r == 0)
		span_copy(s, out, n);
	return r;
}

static void test_cgroup(void **state)
{
	char p[128];

	(void)state;
	/* v1 (this machine): the memory line, not the unified one */
	assert_int_equal(cgroup("9:name=systemd:/\n8:pids:/\n"
				"4:memory:/process_api/1bb0\n3:cpuset:/\n"
				"0::/\n",
				p, sizeof(p)),
			 0);
	assert_string_equal(p, "/process_api/1bb0");
	/* v1 with memory mounted together with another controller */
	assert_int_equal(cgroup("5:cpu,memory:/a/b\n0::/x\n", p, sizeof(p)), 0);
	assert_string_equal(p, "/a/b");
	/* v2 */
	assert_int_equal(cgroup("0::/system.slice/ssh.service\n", p, sizeof(p)),
			 0);
	assert_string_equal(p, "/system.slice/ssh.service");
	/* a path with ':' in it */
	assert_int_equal(cgroup("0::/a:b\n", p, sizeof(p)), 0);
	assert_string_equal(p, "/a:b");
	assert_int_equal(cgroup("3:cpuset:/\n", p, sizeof(p)), -ENOENT);
	assert_int_equal(cgroup("", p, sizeof(p)), -ENOENT);
	assert_int_equal(cgroup("garbage\n", p, sizeof(p)), -EINVAL);
	assert_int_equal(cgroup("4:memory\n", p, sizeof(p)), -EINVAL);
}

static const struct fdw_object *find(const struct fdwalk *w,
				     const struct fdw_proc *p, int fd)
{
	for (size_t i = p->first; i < p->first + p->n; i++)
		if (w->objs[i].fd == fd)
			return &w->objs[i];
	return NULL;
}

static void test_own_process(void **state)
{
	int pfd[2], mfd, ep, efd, in, tfd = -1;
	struct epoll_event ev = {.events = EPOLLIN};
	struct fdwalk_opts o = {0};
	const struct fdw_object *ob;
	const struct fdw_proc *p;
	struct fdwalk w;
	struct statfs sf;
	struct stat st;
	char buf[65536];
	int pid = getpid();

	(void)state;
	memset(buf, 7, sizeof(buf));
	assert_int_equal(pipe(pfd), 0);
	mfd = memfd_create("fdwalk-test", MFD_CLOEXEC);
	assert_true(mfd >= 0);
	assert_int_equal(write(mfd, buf, sizeof(buf)), sizeof(buf));
	ep = epoll_create1(EPOLL_CLOEXEC);
	efd = eventfd(3, EFD_CLOEXEC);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev), 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
	in = inotify_init1(IN_CLOEXEC);
	assert_true(inotify_add_watch(in, "/", IN_CREATE) >= 0);
	if (statfs("/dev/shm", &sf) == 0 && sf.f_type == 0x01021994) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/shm/fdwalk-test.%d", pid);
		tfd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		assert_true(tfd >= 0);
		assert_int_equal(write(tfd, buf, 8192), 8192);
		unlink(path);
	}

	o.pids = &pid;
	o.npids = 1;
	o.uid = (uid_t)-1;
	o.flags = FDWALK_PIPE_FLAGS | FDWALK_SMAPS;
	assert_int_equal(fdwalk_collect(&o, &w), 0);
	assert_int_equal(w.n_procs, 1);
	assert_int_equal(w.n_gone, 0);
	p = &w.procs[0];
	assert_int_equal(p->pid, pid);
	assert_int_equal(p->err, 0);
	assert_string_equal(p->comm, "test-fdwalk");
	assert_true(p->n_fds >= 7);
	assert_true(val_has(p->hugetlb));
	assert_int_equal(p->hugetlb, 0);
	assert_true(val_has(p->hugetlb_private));
	if (access("/proc/self/cgroup", R_OK) == 0)
		assert_non_null(p->cgroup);

	assert_non_null(ob = find(&w, p, pfd[0]));
	assert_int_equal(ob->kind, FDW_PIPE);
	assert_int_equal(fstat(pfd[0], &st), 0);
	assert_int_equal(ob->id, st.st_ino);
	assert_int_equal(ob->flags & 3, O_RDONLY);
	assert_non_null(ob = find(&w, p, pfd[1]));
	assert_int_equal(ob->id, st.st_ino); /* both ends: one pipe */
	assert_int_equal(ob->flags & 3, O_WRONLY);

	assert_non_null(ob = find(&w, p, mfd));
	assert_int_equal(ob->kind, FDW_MEMFD);
	assert_string_equal(ob->name, "fdwalk-test");
	assert_true(ob->deleted);
	assert_int_equal(ob->size, sizeof(buf));
	assert_int_equal(ob->resident, sizeof(buf));
	assert_int_equal(fstat(mfd, &st), 0);
	assert_int_equal(ob->id, st.st_ino);
	assert_int_equal(ob->dev, st.st_dev);

	assert_non_null(ob = find(&w, p, ep));
	assert_int_equal(ob->kind, FDW_EPOLL);
	assert_int_equal(ob->items, 2);
	assert_false(val_has(ob->id));
	assert_non_null(ob = find(&w, p, efd));
	assert_int_equal(ob->kind, FDW_EVENTFD);
	assert_int_equal(ob->items, 3);
	assert_non_null(ob = find(&w, p, in));
	assert_int_equal(ob->kind, FDW_INOTIFY);
	assert_int_equal(ob->items, 1);

	if (tfd >= 0) {
		assert_non_null(ob = find(&w, p, tfd));
		assert_int_equal(ob->kind, FDW_TMPFS);
		assert_true(ob->deleted);
		assert_int_equal(ob->size, 8192);
		assert_true(ob->resident >= 8192);
		assert_non_null(strstr(ob->name, "/dev/shm/fdwalk-test."));
		assert_null(strstr(ob->name, "(deleted)"));
	}
	/* stdin/stdout, the test binary's own files: not kept */
	assert_true(w.n_fds >= w.n_objs);
	fdwalk_release(&w);

	close(pfd[0]);
	close(pfd[1]);
	close(mfd);
	close(ep);
	close(efd);
	close(in);
	if (tfd >= 0)
		close(tfd);
}

static void test_gone_and_filtered(void **state)
{
	struct fdwalk_opts o = {0};
	struct fdwalk w;
	int pids[2];
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	pids[0] = child; /* reaped: gone */
	pids[1] = getpid();
	o.pids = pids;
	o.npids = 2;
	o.uid = (uid_t)-1;
	assert_int_equal(fdwalk_collect(&o, &w), 0);
	assert_int_equal(w.n_gone, 1);
	assert_int_equal(w.n_procs, 1);
	fdwalk_release(&w);

	/* another user's only: ours is left out, nothing is an error */
	o.uid = geteuid() + 4242;
	assert_int_equal(fdwalk_collect(&o, &w), 0);
	assert_int_equal(w.n_procs, 0);
	fdwalk_release(&w);

	o.proc = "/nonexistent-proc";
	assert_int_equal(fdwalk_collect(&o, &w), -ENOENT);
}

/* Every process on the machine: no error, and each process's objects
 * lie inside the object array. */
static void test_whole_machine(void **state)
{
	struct fdwalk_opts o = {.uid = (uid_t)-1};
	struct fdwalk w;
	size_t sum = 0;

	(void)state;
	if (geteuid() != 0)
		o.uid = geteuid();
	assert_int_equal(fdwalk_collect(&o, &w), 0);
	assert_true(w.n_procs >= 1);
	for (size_t i = 0; i < w.n_procs; i++) {
		assert_int_equal(w.procs[i].first, sum);
		sum += w.procs[i].n;
	}
	assert_int_equal(sum, w.n_objs);
	fdwalk_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_cgroup),
	    cmocka_unit_test(test_own_process),
	    cmocka_unit_test(test_gone_and_filtered),
	    cmocka_unit_test(test_whole_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
