/* Unit tests for the recording store: packing round trips, a recording on
 * :memory: and on temp files, refusal of foreign and corrupt files,
 * read-only files, retention, and a full disk (a file-size limit) giving
 * a clear -ENOSPC with the file intact. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../src/store/store.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/memtally-store.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tmp_path(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

struct collect {
	uint32_t ids[16];
	int64_t vals[16];
	size_t n;
};

static int collect_cb(uint32_t id, int64_t v, void *arg)
{
	struct collect *c = arg;

	c->ids[c->n] = id;
	c->vals[c->n++] = v;
	return 0;
}

static void test_pack_roundtrip(void **state)
{
	const struct store_point pts[] = {
	    {1, 0},
	    {2, 4096},
	    {3, -8192},
	    {7, 12345},
	    {8, -1},
	    {300, INT64_MAX},
	    {301, INT64_MIN + 1},
	    {100000, (int64_t)24 << 30},
	};
	uint8_t buf[sizeof(pts) / sizeof(pts[0]) * 15];
	struct collect c = {0};
	size_t n = sizeof(pts) / sizeof(pts[0]), len;

	(void)state;
	len = store_pack(pts, n, buf);
	/* page-sized values pack small: 1 byte of id gap, ~3 of KiB */
	assert_true(len < n * 6);
	assert_int_equal(store_unpack(buf, len, collect_cb, &c), 0);
	assert_int_equal(c.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(c.ids[i], pts[i].series);
		assert_true(c.vals[i] == pts[i].value);
	}
	/* truncated input is refused, not misread */
	c.n = 0;
	assert_int_equal(store_unpack(buf, len - 1, collect_cb, &c), -EBADMSG);
}

static void fill(struct store *s, size_t samples, int64_t t0, int64_t slope)
{
	uint32_t a, b;

	assert_int_equal(store_series(s, "category", "shmem", "swappable",
				      "{\"category\":\"shmem\"}", &a),
			 0);
	assert_int_equal(
	    store_series(s, "meminfo", "available", NULL, NULL, &b), 0);
	assert_int_not_equal(a, b);
	for (size_t i = 0; i < samples; i++) {
		struct store_point p[2] = {
		    {a, (int64_t)(1 << 20) + slope * (int64_t)i},
		    {b, (int64_t)8 << 30},
		};

		assert_int_equal(
		    store_append(s, t0 + (int64_t)i * 1000, p, 2,
				 i == 3 ? "{\"slabinfo\":\"x\"}" : NULL),
		    0);
	}
}

static void test_memory_db(void **state)
{
	struct store *s = NULL;
	struct store_data d;
	uint32_t id;
	char *v = NULL;
	ssize_t i;

	(void)state;
	assert_int_equal(store_open(":memory:", 0, &s, NULL), 0);
	fill(s, 10, 1000000, 4096);
	/* the same series twice is the same id */
	assert_int_equal(store_series(s, "category", "shmem", NULL, NULL, &id),
			 0);
	assert_int_equal(store_meta_set(s, "k", "v"), 0);
	assert_int_equal(store_meta_get(s, "k", &v), 0);
	assert_string_equal(v, "v");
	free(v);
	assert_int_equal(store_meta_get(s, "nope", &v), -ENOENT);

	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	assert_int_equal(d.n_times, 10);
	assert_int_equal(d.n_series, 2);
	i = store_data_find(&d, "category", "shmem");
	assert_true(i >= 0);
	assert_int_equal(d.series[i].id, id);
	assert_true(store_value(&d, (size_t)i, 9) == (1 << 20) + 9 * 4096);
	assert_string_equal(d.series[i].reclaim, "swappable");
	assert_non_null(d.failed[3]);
	assert_null(d.failed[2]);
	store_data_release(&d);

	/* a time window */
	assert_int_equal(store_load(s, 1000000 + 5000, INT64_MAX, &d), 0);
	assert_int_equal(d.n_times, 5);
	store_data_release(&d);

	/* retention by age */
	assert_int_equal(store_retain(s, 1000000 + 8000, 0), 0);
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	assert_int_equal(d.n_times, 2);
	store_data_release(&d);
	store_close(s);
}

static void test_file_reopen_and_size(void **state)
{
	struct store *s = NULL;
	struct store_data d;
	uint64_t size;
	char *why = NULL;

	(void)state;
	assert_int_equal(store_open(tmp_path("a.db"), 0, &s, &why), 0);
	fill(s, 1000, 1700000000000LL, 4096);
	assert_int_equal(store_size(s, &size), 0);
	/* a sample of two series costs under 24 bytes on disk, plus a
	 * fixed 32 KiB (schema, meta, series, pointer-map pages) */
	assert_true(size < 1000 * 24 + 32768);
	store_close(s);
	/* reopen read-only: same data */
	assert_int_equal(store_open(tmp_path("a.db"), STORE_RDONLY, &s, &why),
			 0);
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	assert_int_equal(d.n_times, 1000);
	store_data_release(&d);
	assert_int_equal(store_append(s, 1, NULL, 0, NULL), -EROFS);
	store_close(s);
	/* retention by size */
	assert_int_equal(store_open(tmp_path("a.db"), 0, &s, &why), 0);
	assert_int_equal(store_retain(s, 0, 8192), 0);
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	assert_true(d.n_times < 1000);
	assert_true(d.n_times > 0);
	store_data_release(&d);
	store_close(s);
}

static void test_foreign_files(void **state)
{
	struct store *s = NULL;
	sqlite3 *db;
	char *why = NULL;
	FILE *f;

	(void)state;
	/* a text file */
	f = fopen(tmp_path("text"), "w");
	fputs("hello, this is not a database at all\n", f);
	fclose(f);
	assert_int_equal(store_open(tmp_path("text"), 0, &s, &why), -EBADMSG);
	assert_non_null(why);
	assert_non_null(strstr(why, "not a memtally database"));
	free(why);
	why = NULL;
	/* it was not touched */
	f = fopen(tmp_path("text"), "r");
	{
		char line[64];

		assert_non_null(fgets(line, sizeof(line), f));
		assert_string_equal(line,
				    "hello, this is not a database at all\n");
	}
	fclose(f);

	/* another program's SQLite database */
	assert_int_equal(sqlite3_open(tmp_path("other.db"), &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(tmp_path("other.db"), 0, &s, &why),
			 -EBADMSG);
	assert_non_null(strstr(why, "another program"));
	free(why);
	why = NULL;

	/* a newer schema is refused */
	assert_int_equal(store_open(tmp_path("new.db"), 0, &s, NULL), 0);
	store_close(s);
	assert_int_equal(sqlite3_open(tmp_path("new.db"), &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(tmp_path("new.db"), 0, &s, &why), -EPROTO);
	free(why);
	why = NULL;

	/* missing file read-only */
	assert_true(store_open(tmp_path("missing.db"), STORE_RDONLY, &s, &why) <
		    0);
	free(why);
}

static void test_corrupt_file(void **state)
{
	struct store *s = NULL;
	char *why = NULL;
	int fd, r;

	(void)state;
	assert_int_equal(store_open(tmp_path("c.db"), 0, &s, NULL), 0);
	fill(s, 50, 0, 1);
	store_close(s);
	/* smash the header's magic */
	fd = open(tmp_path("c.db"), O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "XXXXXXXXXXXXXXXX", 16, 0), 16);
	close(fd);
	r = store_open(tmp_path("c.db"), STORE_RDONLY, &s, &why);
	assert_int_equal(r, -EBADMSG);
	free(why);
}

static void test_full_disk(void **state)
{
	struct store *s = NULL;
	struct store_data d;
	struct rlimit old, lim;
	uint32_t id;
	int r = 0;
	size_t ok = 0;

	(void)state;
	assert_int_equal(store_open(tmp_path("full.db"), 0, &s, NULL), 0);
	assert_int_equal(store_series(s, "category", "x", NULL, NULL, &id), 0);
	/* a file-size limit makes write() fail with EFBIG; SQLite says
	 * SQLITE_FULL; the live test fills a real tmpfs for ENOSPC */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1024 * 1024;
	setrlimit(RLIMIT_FSIZE, &lim);
	for (size_t i = 0; i < 100000 && r == 0; i++) {
		struct store_point p[64];

		for (size_t k = 0; k < 64; k++) {
			p[k].series = id + (uint32_t)k * 1000;
			p[k].value = (int64_t)(i * 7919 + k * 104729) | 1;
		}
		r = store_append(s, (int64_t)i, p, 64, NULL);
		if (r == 0)
			ok++;
	}
	setrlimit(RLIMIT_FSIZE, &old);
	assert_true(r == -ENOSPC || r == -EIO || r == -EFBIG);
	assert_true(ok > 10);
	store_close(s);
	/* every committed sample is still there */
	assert_int_equal(
	    store_open(tmp_path("full.db"), STORE_RDONLY, &s, NULL), 0);
	assert_int_equal(store_load(s, INT64_MIN, INT64_MAX, &d), 0);
	assert_int_equal(d.n_times, ok);
	store_data_release(&d);
	store_close(s);
}

/* Two writers on one file: the second is refused while the first holds
 * it, and may open it once the first has closed; readers are never
 * blocked by the writer's lock. */
static void test_one_writer(void **state)
{
	struct store *a, *b, *r;
	char *why = NULL;

	(void)state;
	assert_int_equal(store_open(tmp_path("w.db"), 0, &a, NULL), 0);
	assert_int_equal(store_open(tmp_path("w.db"), 0, &b, &why), -EBUSY);
	assert_non_null(why);
	assert_non_null(strstr(why, "already being recorded"));
	free(why);
	assert_int_equal(store_open(tmp_path("w.db"), STORE_RDONLY, &r, NULL),
			 0);
	store_close(r);
	store_close(a);
	assert_int_equal(store_open(tmp_path("w.db"), 0, &b, NULL), 0);
	store_close(b);
}

/* A database that cannot be set up is not left behind as an empty file
 * when this open created it. */
static void test_failed_create_leaves_nothing(void **state)
{
	struct rlimit old, lim = {0, 0};
	struct store *s;
	struct stat st;
	char *why = NULL;

	(void)state;
	/* RLIMIT_FSIZE 0: the file is created, its first write fails */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &lim);
	assert_true(store_open(tmp_path("empty.db"), 0, &s, &why) < 0);
	setrlimit(RLIMIT_FSIZE, &old);
	free(why);
	assert_int_equal(stat(tmp_path("empty.db"), &st), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pack_roundtrip),
	    cmocka_unit_test(test_memory_db),
	    cmocka_unit_test(test_file_reopen_and_size),
	    cmocka_unit_test(test_foreign_files),
	    cmocka_unit_test(test_corrupt_file),
	    cmocka_unit_test(test_full_disk),
	    cmocka_unit_test(test_one_writer),
	    cmocka_unit_test(test_failed_create_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
