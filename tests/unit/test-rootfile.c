/* Unit tests for the root seam's positioned reads (root_file_*): a plain
 * file in a tree, the end of a file, a snapshot that carries a big file
 * recorded with root_record_file(), and failures replayed offline. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/root/root.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/memtally-test-rootfile-XXXXXX";

static int setup(void **state)
{
	char *p;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	if (asprintf(&p, "%s/proc", tmpdir) < 0 || mkdir(p, 0755) < 0)
		return -1;
	free(p);
	return 0;
}

static int teardown(void **state)
{
	char *cmd;

	(void)state;
	if (asprintf(&cmd, "rm -rf '%s'", tmpdir) > 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		free(cmd);
	}
	return 0;
}

/* A 5 MiB file of 8-byte words holding their own index: bigger than one
 * 4 MiB recording piece, so the piecewise paths are exercised. */
#define NWORDS (5 * 1024 * 1024 / 8 + 3)

static void make_big(void)
{
	uint64_t *w = malloc(NWORDS * 8);
	char *p;
	int fd;

	assert_non_null(w);
	for (size_t i = 0; i < NWORDS; i++)
		w[i] = i * 3 + 1;
	assert_true(asprintf(&p, "%s/proc/kpageflags", tmpdir) > 0);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, w, NWORDS * 8), (ssize_t)(NWORDS * 8));
	close(fd);
	free(p);
	free(w);
}

static void check_reads(struct root *r)
{
	struct root_file *f;
	uint64_t w[4], size;

	assert_int_equal(root_file_open(r, "proc/kpageflags", &f), 0);
	assert_int_equal(root_file_size(f, &size), 0);
	assert_int_equal(size, NWORDS * 8);
	assert_int_equal(root_file_pread(f, w, sizeof(w), 8 * 1000), 32);
	assert_int_equal(w[0], 1000 * 3 + 1);
	assert_int_equal(w[3], 1003 * 3 + 1);
	/* the last two words, then the end */
	assert_int_equal(root_file_pread(f, w, sizeof(w), (NWORDS - 2) * 8),
			 16);
	assert_int_equal(w[1], (NWORDS - 1) * 3 + 1);
	assert_int_equal(root_file_pread(f, w, sizeof(w), NWORDS * 8), 0);
	assert_int_equal(root_file_pread(f, w, sizeof(w), NWORDS * 80), 0);
	root_file_close(f);
	assert_int_equal(root_file_open(r, "proc/kpagecount", &f), -ENOENT);
}

static void test_dir_and_snapshot(void **state)
{
	struct snapshot_meta meta = {.created = 1};
	struct root *r, *s;
	char *file, *why = NULL;

	(void)state;
	make_big();
	assert_int_equal(root_open_dir(tmpdir, &r), 0);
	check_reads(r);
	/* not recording: nothing to record into */
	assert_int_equal(root_record_file(r, "proc/kpageflags"), -EINVAL);
	assert_int_equal(root_record(r), 0);
	assert_int_equal(root_record_file(r, "proc/kpageflags"), 0);
	assert_int_equal(root_record_file(r, "proc/kpagecount"), -ENOENT);
	assert_true(asprintf(&file, "%s/p.mtsnap", tmpdir) > 0);
	assert_int_equal(root_write_snapshot(r, file, &meta, &why), 0);
	root_free(r);

	if (root_open_snapshot(file, &s, &why) != 0)
		fail_msg("cannot reopen: %s", why);
	check_reads(s);
	root_free(s);
	free(file);
}

static void test_proc_size_unknown(void **state)
{
	struct root *r;
	struct root_file *f;
	uint64_t size;
	char buf[64];

	(void)state;
	assert_int_equal(root_open_dir("/", &r), 0);
	assert_int_equal(root_file_open(r, "proc/self/stat", &f), 0);
	assert_int_equal(root_file_size(f, &size), -ENODATA);
	assert_true(root_file_pread(f, buf, sizeof(buf), 0) > 0);
	root_file_close(f);
	root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dir_and_snapshot),
	    cmocka_unit_test(test_proc_size_unknown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
