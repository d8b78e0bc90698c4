/* Unit tests for the root seam: directory reads, listings, symlinks,
 * recording, and snapshot files (round trip, truncation, corruption,
 * foreign files). */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dir_read_list_link),
	    cmocka_unit_test(test_snapshot_roundtrip),
	    cmocka_unit_test(test_snapshot_bad_files),
	    cmocka_unit_test(test_snapshot_foreign_tar),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
