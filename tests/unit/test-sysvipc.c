/* Unit tests for the System V IPC parsers (/proc/sysvipc/shm and msg) and
 * the POSIX message queue file: the rows captured on 6.18 by
 * tools/capture-fdinfo.sh, an older kernel's shorter shm table, columns in
 * another order, an empty table, truncated and garbled input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "../../src/sources/sysvipc.h"
#include "testutil.h"

static void test_captured_shm(void **state)
{
	struct parse_err err = {0};
	struct sysvipc_shm s;
	size_t len;
	char *buf = fixture_read("sysvipc", "shm", &len);

	(void)state;
	assert_int_equal(sysvipc_shm_parse(buf, len, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].key, 0);
	assert_int_equal(s.v[0].size, 1048576);
	assert_int_equal(s.v[0].perms, 0600);
	assert_int_equal(s.v[0].nattch, 1);
	assert_int_equal(s.v[0].cpid, s.v[0].lpid);
	assert_int_equal(s.v[0].rss, 262144);
	assert_int_equal(s.v[0].swap, 0);
	/* the one attached by nobody: an orphan */
	assert_int_equal(s.v[1].key, 0x6d74);
	assert_int_equal(s.v[1].shmid, 1);
	assert_int_equal(s.v[1].size, 2097152);
	assert_int_equal(s.v[1].nattch, 0);
	assert_int_equal(s.v[1].lpid, 0);
	assert_int_equal(s.v[1].dtime, 0);
	sysvipc_shm_release(&s);

	/* every cut: refused or parsed, never a crash or a leak */
	for (size_t cut = 0; cut < len; cut++) {
		int r = sysvipc_shm_parse(buf, cut, &s, &err);

		if (cut && buf[cut - 1] != '\n')
			assert_int_equal(r, -EINVAL);
		if (r == 0)
			sysvipc_shm_release(&s);
	}
	free(buf);
}

static void test_captured_msg(void **state)
{
	struct parse_err err = {0};
	struct sysvipc_msg m;
	size_t len;
	char *buf = fixture_read("sysvipc", "msg", &len);

	(void)state;
	assert_int_equal(sysvipc_msg_parse(buf, len, &m, &err), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].cbytes, 300);
	assert_int_equal(m.v[0].qnum, 3);
	assert_true(m.v[0].lspid > 0);
	assert_int_equal(m.v[0].lrpid, 0);
	assert_int_equal(m.v[0].msqid, 131072);
	sysvipc_msg_release(&m);
	free(buf);
}

static void test_old_and_reordered(void **state)
{
	/* a 3.x kernel: no rss and swap columns */
	static const char old[] =
	    "       key      shmid perms       size  cpid  lpid nattch   uid   "
	    "gid  cuid  cgid      atime      dtime      ctime\n"
	    "1627389 32769 1600 4096 1000 1001 2 1000 1000 1000 1000 0 0 "
	    "1700000000\n"
	    "-1 5 666 16 1 1 0 0 0 0 0 0 0 1\n";
	/* columns moved, an unknown one added */
	static const char moved[] = "shmid key size future nattch\n"
				    "7 42 8192 x 3\n";
	struct parse_err err = {0};
	struct sysvipc_shm s;

	(void)state;
	assert_int_equal(sysvipc_shm_parse(old, strlen(old), &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].key, 1627389);
	assert_int_equal(s.v[0].perms, 01600);
	assert_int_equal(s.v[0].nattch, 2);
	assert_false(val_has(s.v[0].rss));
	assert_false(val_has(s.v[0].swap));
	assert_int_equal(s.v[1].key, -1);
	sysvipc_shm_release(&s);

	assert_int_equal(sysvipc_shm_parse(moved, strlen(moved), &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].shmid, 7);
	assert_int_equal(s.v[0].key, 42);
	assert_int_equal(s.v[0].size, 8192);
	assert_int_equal(s.v[0].nattch, 3);
	assert_false(val_has(s.v[0].cpid));
	assert_false(val_has(s.v[0].perms));
	sysvipc_shm_release(&s);
}

static void test_empty_and_malformed(void **state)
{
	static const char hdr[] = "key shmid perms size cpid lpid nattch\n";
	struct parse_err err = {0};
	struct sysvipc_shm s;
	struct sysvipc_msg m;
	char text[512];

	(void)state;
	assert_int_equal(sysvipc_shm_parse(hdr, strlen(hdr), &s, &err), 0);
	assert_int_equal(s.n, 0);
	sysvipc_shm_release(&s);

	assert_int_equal(sysvipc_shm_parse("", 0, &s, &err), -EINVAL);
	assert_int_equal(sysvipc_shm_parse("key size\n", 9, &s, &err),
			 -EINVAL); /* no shmid column */
	snprintf(text, sizeof(text), "%s1 2 600 4096 1 1\n", hdr);
	assert_int_equal(sysvipc_shm_parse(text, strlen(text), &s, &err),
			 -EINVAL); /* a field short */
	assert_int_equal(err.line, 2);
	snprintf(text, sizeof(text), "%s1 2 600 4k 1 1 0\n", hdr);
	assert_int_equal(sysvipc_shm_parse(text, strlen(text), &s, &err),
			 -EINVAL);
	snprintf(text, sizeof(text), "%s1 2 800 4096 1 1 0\n", hdr);
	assert_int_equal(sysvipc_shm_parse(text, strlen(text), &s, &err),
			 -EINVAL); /* perms are octal */
	snprintf(text, sizeof(text), "%s1 2 600 99999999999999999999 1 1 0\n",
		 hdr);
	assert_int_equal(sysvipc_shm_parse(text, strlen(text), &s, &err),
			 -ERANGE);
	/* the shm header is no msg header */
	assert_int_equal(sysvipc_msg_parse(hdr, strlen(hdr), &m, &err),
			 -EINVAL);
}

static void test_mqueue(void **state)
{
	struct parse_err err = {0};
	struct posix_mqueue q;
	size_t len;
	char *buf = fixture_read("sysvipc", "mqueue", &len);

	(void)state;
	assert_int_equal(posix_mqueue_parse(buf, len, &q, &err), 0);
	assert_int_equal(q.qsize, 200);
	assert_int_equal(q.notify, 0);
	assert_int_equal(q.notify_pid, 0);
	assert_null(q.name);
	assert_false(val_has(q.uid));
	posix_mqueue_release(&q);
	free(buf);

	buf = "QSIZE:5 NOTIFY:2 SIGNO:10 NOTIFY_PID:-3\n";
	assert_int_equal(posix_mqueue_parse(buf, strlen(buf), &q, &err), 0);
	assert_int_equal(q.qsize, 5);
	assert_int_equal(q.signo, 10);
	assert_int_equal(q.notify_pid, -3);
	assert_int_equal(posix_mqueue_parse("QSIZE:5", 7, &q, &err), -EINVAL);
	assert_int_equal(posix_mqueue_parse("QSIZE:x\n", 8, &q, &err), -EINVAL);
	assert_int_equal(posix_mqueue_parse("NOTIFY:0\n", 9, &q, &err),
			 -EINVAL);
	assert_int_equal(posix_mqueue_parse("junk\n", 5, &q, &err), -EINVAL);
}

/* The reader on a directory of queue-like files (a real mqueue mount
 * needs root and is not mounted everywhere). */
static void test_mqueues_read(void **state)
{
	static const char text[] =
	    "QSIZE:300        NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n";
	char dir[] = "/tmp/memtally-test-mq.XXXXXX", path[64];
	struct posix_mqueues qs;
	int fd;

	(void)state;
	assert_int_equal(posix_mqueues_read("/nonexistent-mqueue", &qs),
			 -ENOENT);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/q1", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), strlen(text));
	close(fd);
	snprintf(path, sizeof(path), "%s/bad", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "junk\n", 5), 5);
	close(fd);

	assert_int_equal(posix_mqueues_read(dir, &qs), 0);
	assert_int_equal(qs.n, 1);
	assert_string_equal(qs.v[0].name, "q1");
	assert_int_equal(qs.v[0].qsize, 300);
	assert_int_equal(qs.v[0].uid, geteuid());
	assert_int_equal(qs.n_denied, 1);
	posix_mqueues_release(&qs);

	unlink(path);
	snprintf(path, sizeof(path), "%s/q1", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_shm),
	    cmocka_unit_test(test_captured_msg),
	    cmocka_unit_test(test_old_and_reordered),
	    cmocka_unit_test(test_empty_and_malformed),
	    cmocka_unit_test(test_mqueue),
	    cmocka_unit_test(test_mqueues_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
