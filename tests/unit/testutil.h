/* Helpers for unit tests: reading captured fixtures under
 * tests/fixtures/NAME/ (SRCDIR is set by tests/meson.build). Header-only so
 * each test-*.c stays one file. Failures abort the test via cmocka. */
#ifndef MEMTALLY_TESTUTIL_H
#define MEMTALLY_TESTUTIL_H

#include <dirent.h>
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

/* Names of every fixture tree, sorted. */
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

#endif
