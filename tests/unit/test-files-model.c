/* Unit tests for the file set collector (src/model/files.c) on a
 * hand-built directory in a temporary directory: every regular file
 * found once with its size, hard links counted once, symlinks and
 * special files skipped, a lone file, and the errors for a missing path
 * and a path that is neither file nor directory. Residency itself is
 * the kernel's (test-pagecache covers the syscalls); here a file just
 * written must show some cached pages and none beyond its size. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/basic/macro.h"
#include "../../src/model/files.h"

static void put(const char *dir, const char *rel, size_t size)
{
	char path[4096];
	char buf[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	memset(buf, 'x', sizeof(buf));
	for (size_t done = 0; done < size;) {
		size_t n =
		    size - done < sizeof(buf) ? size - done : sizeof(buf);

		assert_int_equal(fwrite(buf, 1, n, f), n);
		done += n;
	}
	fclose(f);
}

static char *sub(const char *dir, const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		abort();
	return p;
}

/* dir: a (10000 bytes), b (0 bytes), d/c (1 MiB), d/e/f (5 bytes), a
 * hard link d/a2 to a, a symlink d/s to a, a FIFO d/p. */
static char *build(void)
{
	char tmpl[] = "/tmp/memtally-filestest-XXXXXX";
	char *d = strdup(mkdtemp(tmpl));
	char *p;

	put(d, "a", 10000);
	put(d, "b", 0);
	p = sub(d, "d");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = sub(d, "d/e");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	put(d, "d/c", 1 << 20);
	put(d, "d/e/f", 5);
	{
		char *a = sub(d, "a"), *a2 = sub(d, "d/a2"), *s = sub(d, "d/s");
		char *fifo = sub(d, "d/p");

		assert_int_equal(link(a, a2), 0);
		assert_int_equal(symlink(a, s), 0);
		assert_int_equal(mkfifo(fifo, 0644), 0);
		free(a);
		free(a2);
		free(s);
		free(fifo);
	}
	return d;
}

static void rm_tree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static const struct file_entry *find(const struct files *fs, const char *end)
{
	size_t len = strlen(end);

	for (size_t i = 0; i < fs->n; i++) {
		size_t pl = strlen(fs->v[i].path);

		if (pl >= len && strcmp(fs->v[i].path + pl - len, end) == 0)
			return &fs->v[i];
	}
	return NULL;
}

static void test_walk(void **state)
{
	char *d = build();
	struct files fs;
	const struct file_entry *e;
	uint64_t ps = pagecache_page_size();

	(void)state;
	files_init(&fs);
	assert_int_equal(files_add_path(&fs, d), 0);
	/* a (or its link a2, whichever came first), b, c, f */
	assert_int_equal(fs.n, 4);
	e = find(&fs, "/d/c");
	assert_non_null(e);
	assert_int_equal(e->size, 1 << 20);
	assert_true(val_has(e->st.cached));
	assert_true(e->st.cached * ps <= (uint64_t)(1 << 20));
	e = find(&fs, "/d/e/f");
	assert_non_null(e);
	assert_int_equal(e->size, 5);
	e = find(&fs, "/b");
	assert_non_null(e);
	assert_int_equal(e->size, 0);
	assert_int_equal(e->st.cached, 0);
	assert_true(find(&fs, "/a") || find(&fs, "/d/a2"));
	assert_null(find(&fs, "/d/s"));
	assert_null(find(&fs, "/d/p"));
	/* the same tree again: every file is already counted */
	assert_int_equal(files_add_path(&fs, d), 0);
	assert_int_equal(fs.n, 4);
	files_release(&fs);
	rm_tree(d);
	free(d);
}

static void test_single_and_errors(void **state)
{
	char *d = build();
	char *a = sub(d, "a"), *missing = sub(d, "nope"), *fifo = sub(d, "d/p");
	struct files fs;

	(void)state;
	files_init(&fs);
	assert_int_equal(files_add_path(&fs, a), 0);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.v[0].size, 10000);
	assert_int_equal(files_add_path(&fs, missing), -ENOENT);
	assert_int_equal(files_add_path(&fs, fifo), -EINVAL);
	assert_int_equal(fs.n, 1);
	files_release(&fs);
	free(a);
	free(missing);
	free(fifo);
	rm_tree(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_single_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
