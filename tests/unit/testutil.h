/* Helpers for unit tests: reading captured fixtures under
 * tests/fixtures/NAME/ (SRCDIR is set by tests/meson.build). Header-only so
 * each test-*.c stays one file. Failures abort the test via cmocka. */
#ifndef MEMTALLY_TESTUTIL_H
#define MEMTALLY_TESTUTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/root/root.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

static inline char *fixture_path(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/tests/fixtures/%s", SRCDIR, name) < 0)
		abort();
	return p;
}

static inline struct root *fixture_root(const char *name)
{
	char *p = fixture_path(name);
	struct root *r = NULL;

	if (root_open_dir(p, &r) < 0) {
		fprintf(stderr, "cannot open fixture %s\n", p);
		abort();
	}
	free(p);
	return r;
}

/* Read NAME/PATH, or NULL if it does not exist. */
static inline char *fixture_read_opt(const char *name, const char *path,
				     size_t *ret_len)
{
	struct root *r = fixture_root(name);
	char *buf = NULL;

	if (root_read(r, path, &buf, ret_len) < 0)
		buf = NULL;
	root_free(r);
	return buf;
}

static inline char *fixture_read(const char *name, const char *path,
				 size_t *ret_len)
{
	char *b = fixture_read_opt(name, path, ret_len);

	if (!b) {
		fprintf(stderr, "fixture %s/%s missing\n", name, path);
		abort();
	}
	return b;
}

static inline int fixture_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline int fixture_is_tree(const char *name)
{
	char *p;
	DIR *d;

	if (asprintf(&p, "%s/tests/fixtures/%s/proc", SRCDIR, name) < 0)
		abort();
	d = opendir(p);
	free(p);
	if (d)
		closedir(d);
	return d != NULL;
}

/* Names of every fixture tree (a directory with proc/), sorted. */
static inline size_t fixture_list(char ***ret)
{
	char *p = fixture_path("");
	DIR *d = opendir(p);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	free(p);
	if (!d)
		abort();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		/* a tree has proc/; fdinfo/ and sysvipc/ are loose samples */
		if (!fixture_is_tree(de->d_name))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		v[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), fixture_cmp);
	*ret = v;
	return n;
}

static inline void fixture_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Walk the fixture trees that have the file path, in name order:
 *
 *	struct fixture_iter it = {0};
 *
 *	while (fixture_next(&it, "proc/meminfo"))
 *		check(it.tree, it.buf, it.len);
 *	assert_true(it.seen >= 2);
 *
 * Each turn frees the previous file; the last frees everything. */
struct fixture_iter {
	char **names;
	size_t n, i;
	bool listed;
	const char *tree; /* this turn's tree */
	char *buf;	  /* its file, NUL-terminated */
	size_t len;
	size_t seen; /* trees visited so far */
};

static inline bool fixture_next(struct fixture_iter *it, const char *path)
{
	if (!it->listed) {
		it->n = fixture_list(&it->names);
		it->listed = true;
	}
	free(it->buf);
	it->buf = NULL;
	while (it->i < it->n) {
		const char *tree = it->names[it->i++];

		it->buf = fixture_read_opt(tree, path, &it->len);
		if (it->buf) {
			it->tree = tree;
			it->seen++;
			return true;
		}
	}
	fixture_list_free(it->names, it->n);
	it->names = NULL;
	it->n = 0;
	return false;
}

#endif
