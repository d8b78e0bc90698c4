/* Unit tests for the root seam: directory reads, listings, symlinks,
 * recording, snapshot files (round trip, truncation, corruption, foreign
 * files), the page size, and hostile trees and outputs (issue 12): FIFOs,
 * oversized files, symlinks out of the tree, non-regular -o targets. */
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

#include "../../src/basic/outfile.h"
#include "../../src/root/root-internal.h"
#include "../../src/root/root.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/memtally-test-root-XXXXXX";

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *tmp(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	return p;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
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

static void test_dir_read_list_link(void **state)
{
	struct root *r = fixture_root("debian12-6.18-x86_64");
	char **names, *buf, *target;
	size_t n, len;

	(void)state;
	assert_int_equal(root_read(r, "proc/meminfo", &buf, &len), 0);
	assert_true(len > 100);
	assert_int_equal(buf[len], '\0');
	free(buf);
	assert_int_equal(root_read(r, "proc/nope", &buf, &len), -ENOENT);
	assert_int_equal(root_list(r, "sys/kernel/slab", &names, &n), 0);
	assert_true(n > 50);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0);
	root_names_free(names, n);
	assert_int_equal(
	    root_readlink(r, "sys/kernel/slab/Acpi-Namespace", &target), 0);
	assert_true(target[0] == ':');
	free(target);
	assert_int_equal(root_readlink(r, "proc/meminfo", &target), -EINVAL);
	assert_false(root_is_live(r));
	buf = root_display_path(r, "proc/meminfo");
	assert_non_null(strstr(buf, "debian12-6.18-x86_64/proc/meminfo"));
	free(buf);
	root_free(r);
}

static void test_snapshot_roundtrip(void **state)
{
	struct root *r = fixture_root("debian12-6.18-x86_64"), *s;
	struct snapshot_meta meta = {.created = 1700000000};
	char *file = tmp("a.mtsnap"), *why = NULL, *a, *b, *t;
	char **names, **names2;
	size_t la, lb, n, n2;

	(void)state;
	snprintf(meta.hostname, sizeof(meta.hostname), "testhost");
	snprintf(meta.kernel, sizeof(meta.kernel), "6.18-test");
	assert_int_equal(root_record(r), 0);
	assert_int_equal(root_read(r, "proc/meminfo", &a, &la), 0);
	assert_int_equal(root_read(r, "proc/nope", &b, &lb), -ENOENT);
	assert_int_equal(root_list(r, "sys/kernel/slab", &names, &n), 0);
	assert_int_equal(root_write_snapshot(r, file, &meta, &why), 0);

	if (root_open_snapshot(file, &s, &why) != 0)
		fail_msg("cannot reopen: %s", why);
	assert_string_equal(root_snapshot_meta(s)->hostname, "testhost");
	assert_int_equal(root_snapshot_meta(s)->created, 1700000000);
	assert_int_equal(root_read(s, "proc/meminfo", &b, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(b);
	/* the failure at capture time is replayed */
	assert_int_equal(root_read(s, "proc/nope", &b, &lb), -ENOENT);
	/* never read at capture time */
	assert_int_equal(root_read(s, "proc/vmstat", &b, &lb), -ENOENT);
	assert_int_equal(root_list(s, "sys/kernel/slab", &names2, &n2), 0);
	assert_int_equal(n, n2);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], names2[i]);
	assert_int_equal(root_readlink(s, "sys/kernel/slab/Acpi-Namespace", &t),
			 0);
	assert_true(t[0] == ':');
	free(t);
	assert_false(root_is_live(s));
	root_names_free(names, n);
	root_names_free(names2, n2);
	free(a);
	root_free(s);
	root_free(r);
	free(file);
}

static void expect_bad_snapshot(const char *file, const char *what)
{
	struct root *s = NULL;
	char *why = NULL;

	assert_int_equal(root_open_snapshot(file, &s, &why), -EBADMSG);
	assert_null(s);
	assert_non_null(why);
	if (what && !strstr(why, what))
		fail_msg("reason '%s' lacks '%s'", why, what);
	free(why);
}

static void test_snapshot_bad_files(void **state)
{
	struct root *r = fixture_root("debian12-6.18-x86_64"), *s;
	struct snapshot_meta meta = {.created = 1};
	char *good = tmp("good.mtsnap"), *bad = tmp("bad.mtsnap");
	char *why = NULL, *buf, *data;
	size_t len;
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(root_record(r), 0);
	assert_int_equal(root_read(r, "proc/slabinfo", &buf, &len), 0);
	free(buf);
	assert_int_equal(root_write_snapshot(r, good, &meta, &why), 0);
	root_free(r);

	fd = open(good, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	data = malloc((size_t)st.st_size);
	assert_int_equal(read(fd, data, (size_t)st.st_size), st.st_size);
	close(fd);

	/* truncated at several points */
	for (off_t cut = 1; cut < st.st_size; cut += st.st_size / 7 + 1) {
		write_file(bad, data, (size_t)cut);
		expect_bad_snapshot(bad, NULL);
	}
	/* a flipped byte in the middle */
	data[st.st_size / 2] ^= 0x5a;
	write_file(bad, data, (size_t)st.st_size);
	expect_bad_snapshot(bad, NULL);
	/* not an archive at all */
	write_file(bad, "hello\n", 6);
	expect_bad_snapshot(bad, NULL);
	/* empty */
	write_file(bad, "", 0);
	expect_bad_snapshot(bad, NULL);
	/* absent */
	assert_int_equal(root_open_snapshot("/nonexistent/x", &s, &why),
			 -ENOENT);
	free(data);
	free(good);
	free(bad);
}

static void test_snapshot_foreign_tar(void **state)
{
	char *file = tmp("foreign.tar"), *cmd;

	(void)state;
	assert_true(asprintf(&cmd, "tar -cf '%s' -C '%s' . 2>/dev/null", file,
			     SRCDIR "/tests/unit") > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	expect_bad_snapshot(file, "not a memtally snapshot");
	free(file);
}

/* A tree of our own under tmpdir: T/proc/ with what the test puts there. */
static char *make_tree(const char *name)
{
	char *t = tmp(name), *p;

	assert_int_equal(mkdir(t, 0755), 0);
	assert_true(asprintf(&p, "%s/proc", t) > 0);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	return t;
}

static char *under(const char *tree, const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", tree, rel) > 0);
	return p;
}

/* Item 2: a FIFO in place of a kernel file fails at once. */
static void test_fifo_input(void **state)
{
	char *t = make_tree("fifo"), *p = under(t, "proc/meminfo"), *buf;
	struct root *r, *s = NULL;
	struct root_file *f;
	char *why = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mkfifo(p, 0644), 0);
	assert_int_equal(root_open_dir(t, &r), 0);
	assert_int_equal(root_read(r, "proc/meminfo", &buf, &len), -EBADFD);
	assert_int_equal(root_file_open(r, "proc/meminfo", &f), -EBADFD);
	assert_int_equal(root_read(r, "proc", &buf, &len), -EISDIR);
	root_free(r);
	/* -f FIFO */
	assert_int_equal(root_open_snapshot(p, &s, &why), -EBADFD);
	assert_null(s);
	assert_string_equal(why, "not a regular file");
	free(why);
	free(p);
	free(t);
}

/* Item 3: a file past the cap is refused, one at the cap is read. */
static void test_size_cap(void **state)
{
	char *t = make_tree("cap"), *p = under(t, "proc/meminfo"), *buf;
	char *q = under(t, "proc/vmstat");
	struct root *r;
	size_t len;

	(void)state;
	assert_int_equal(truncate(p, 0), -1); /* absent yet */
	write_file(p, "", 0);
	assert_int_equal(truncate(p, (off_t)ROOT_READ_MAX + 1), 0);
	write_file(q, "", 0);
	assert_int_equal(truncate(q, (off_t)ROOT_READ_MAX), 0);
	assert_int_equal(root_open_dir(t, &r), 0);
	assert_int_equal(root_read(r, "proc/meminfo", &buf, &len), -EFBIG);
	assert_int_equal(root_read(r, "proc/vmstat", &buf, &len), 0);
	assert_int_equal(len, ROOT_READ_MAX);
	free(buf);
	assert_int_equal(root_read_cap("proc/1/smaps"), ROOT_READ_MAX_SMAPS);
	assert_int_equal(root_read_cap("proc/1/maps"), ROOT_READ_MAX_MAPS);
	assert_int_equal(root_read_cap("proc/meminfo"), ROOT_READ_MAX);
	root_free(r);
	free(p);
	free(q);
	free(t);
}

/* Item 9: links out of a tree are refused, with openat2 and without;
 * links inside it are followed. */
static void check_beneath(const char *t)
{
	struct root *r;
	char *buf, **names;
	size_t len, n;

	assert_int_equal(root_open_dir(t, &r), 0);
	assert_int_equal(root_read(r, "proc/meminfo", &buf, &len), -EXDEV);
	assert_int_equal(root_read(r, "proc/vmstat", &buf, &len), -EXDEV);
	assert_int_equal(root_read(r, "proc/inside", &buf, &len), 0);
	assert_string_equal(buf, "real\n");
	free(buf);
	assert_int_equal(root_read(r, "sub/../proc/real", &buf, &len), 0);
	free(buf);
	assert_int_equal(root_read(r, "../x", &buf, &len), -EXDEV);
	assert_int_equal(root_list(r, "up", &names, &n), -EXDEV);
	assert_int_equal(root_list(r, "proc", &names, &n), 0);
	root_names_free(names, n);
	root_free(r);
}

static void test_beneath(void **state)
{
	char *t = make_tree("beneath"), *p, *resolved;
	int dfd;

	(void)state;
	p = under(t, "proc/meminfo");
	assert_int_equal(symlink("../../../../../../etc/passwd", p), 0);
	free(p);
	p = under(t, "proc/vmstat");
	assert_int_equal(symlink("/proc/vmstat", p), 0);
	free(p);
	p = under(t, "proc/real");
	write_file(p, "real\n", 5);
	free(p);
	p = under(t, "proc/inside");
	assert_int_equal(symlink("../proc/./real", p), 0);
	free(p);
	p = under(t, "sub");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = under(t, "up");
	assert_int_equal(symlink("..", p), 0);
	free(p);

	check_beneath(t);
	root_dir_no_openat2 = true;
	check_beneath(t);
	root_dir_no_openat2 = false;

	dfd = open(t, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(root_dir_resolve(dfd, "proc/inside", &resolved), 0);
	assert_string_equal(resolved, "proc/real");
	free(resolved);
	assert_int_equal(root_dir_resolve(dfd, "proc/nope/x", &resolved), 0);
	assert_string_equal(resolved, "proc/nope/x");
	free(resolved);
	assert_int_equal(root_dir_resolve(dfd, "/etc", &resolved), -EXDEV);
	assert_int_equal(root_dir_resolve(dfd, "up/x", &resolved), -EXDEV);
	close(dfd);
	free(t);
}

/* The live root still follows the kernel's absolute links. */
static void test_live_follows_links(void **state)
{
	struct root *r;
	char *buf;
	size_t len;

	(void)state;
	assert_int_equal(root_open_dir("/", &r), 0);
	assert_true(root_is_live(r));
	/* /proc/self is a link */
	assert_int_equal(root_read(r, "proc/self/status", &buf, &len), 0);
	free(buf);
	assert_true(root_page_size_known(r));
	assert_int_equal(root_page_size(r), (uint64_t)sysconf(_SC_PAGESIZE));
	root_free(r);
}

/* The page size: assumed on a tree, recorded in a snapshot of "/". */
static void test_page_size(void **state)
{
	struct root *r = fixture_root("debian12-6.18-x86_64"), *s;
	struct snapshot_meta meta = {.created = 1};
	char *file = tmp("ps.mtsnap"), *why = NULL, *buf;
	size_t len;

	(void)state;
	assert_false(root_page_size_known(r));
	assert_int_equal(root_page_size(r), ROOT_PAGE_SIZE_ASSUMED);
	root_free(r);
	assert_int_equal(root_open_dir("/", &r), 0);
	assert_int_equal(root_record(r), 0);
	assert_int_equal(root_read(r, "proc/meminfo", &buf, &len), 0);
	free(buf);
	assert_int_equal(root_write_snapshot(r, file, &meta, &why), 0);
	root_free(r);
	assert_int_equal(root_open_snapshot(file, &s, &why), 0);
	assert_true(root_page_size_known(s));
	assert_int_equal(root_page_size(s), (uint64_t)sysconf(_SC_PAGESIZE));
	root_free(s);
	free(file);
}

/* Item 1: -o never replaces what is not a regular file. */
static void test_outfile(void **state)
{
	char *fifo = tmp("out.fifo"), *link = tmp("out.link");
	char *victim = tmp("victim"), *reg = tmp("out.reg"), *d = tmp("outd");
	struct outfile of;
	struct stat st;
	FILE *f;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(outfile_open(fifo, &of), -EEXIST);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	write_file(victim, "keep", 4);
	assert_int_equal(symlink(victim, link), 0);
	assert_int_equal(outfile_open(link, &of), -EEXIST);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(outfile_open(d, &of), -EISDIR);
	assert_non_null(strstr(outfile_strerror(-EEXIST), "not a regular"));

	/* a regular file is replaced, keeping its mode */
	write_file(reg, "old", 3);
	assert_int_equal(chmod(reg, 0600), 0);
	assert_int_equal(outfile_open(reg, &of), 0);
	f = outfile_stream(&of);
	assert_non_null(f);
	fputs("new\n", f);
	assert_int_equal(outfile_finish(&of, 0), 0);
	assert_int_equal(stat(reg, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a failed write leaves the old file and no temporary */
	assert_int_equal(outfile_open(reg, &of), 0);
	assert_int_equal(outfile_finish(&of, -ENOSPC), -ENOSPC);
	assert_int_equal(stat(reg, &st), 0);
	assert_int_equal(st.st_size, 4);

	/* the snapshot writer refuses the same */
	{
		struct root *r = fixture_root("debian12-6.18-x86_64");
		struct snapshot_meta meta = {.created = 1};
		char *why = NULL;

		assert_int_equal(root_record(r), 0);
		assert_int_equal(root_write_snapshot(r, fifo, &meta, &why),
				 -EEXIST);
		assert_non_null(why);
		free(why);
		root_free(r);
	}
	free(fifo);
	free(link);
	free(victim);
	free(reg);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dir_read_list_link),
	    cmocka_unit_test(test_snapshot_roundtrip),
	    cmocka_unit_test(test_snapshot_bad_files),
	    cmocka_unit_test(test_snapshot_foreign_tar),
	    cmocka_unit_test(test_fifo_input),
	    cmocka_unit_test(test_size_cap),
	    cmocka_unit_test(test_beneath),
	    cmocka_unit_test(test_live_follows_links),
	    cmocka_unit_test(test_page_size),
	    cmocka_unit_test(test_outfile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
