/* Recorded-entry lists: what a recording root kept and what a snapshot
 * holds, as a list of paths sorted on demand for binary search. Also the
 * FNV-1a hash both the snapshot writer and reader use. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "root-internal.h"

void entries_add(struct entries *es, const char *path, enum entry_kind kind,
		 const char *data, size_t len, int err)
{
	struct entry *e;

	es->v = xgrow(es->v, &es->alloc, es->n + 1, sizeof(*es->v));
	e = &es->v[es->n++];
	e->path = xstrdup(path);
	e->kind = kind;
	e->data = NULL;
	e->len = len;
	e->err = err;
	if (data) {
		e->data = xmalloc(len + 1);
		memcpy(e->data, data, len);
		e->data[len] = '\0';
	}
	es->sorted = false;
}

void entries_add_owned(struct entries *es, const char *path,
		       enum entry_kind kind, char *data, size_t len)
{
	entries_add(es, path, kind, NULL, 0, 0);
	es->v[es->n - 1].data = data;
	es->v[es->n - 1].len = len;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void entries_release(struct entries *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].path);
		free(es->v[i].data);
	}
	free(es->v);
	memset(es, 0, sizeof(*es));
}

/* Sort, and drop later duplicates of a path. qsort is not stable, so the
 * survivor of duplicates is whichever sorts first; duplicates are rare
 * and identical in practice (a file read twice in one capture). */
void entries_sort(struct entries *es)
{
	size_t w = 0;

	if (es->sorted)
		return;
	qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
	for (size_t i = 0; i < es->n; i++) {
		if (w > 0 && streq(es->v[w - 1].path, es->v[i].path)) {
			free(es->v[i].path);
			free(es->v[i].data);
			continue;
		}
		es->v[w++] = es->v[i];
	}
	es->n = w;
	es->sorted = true;
}

struct entry *entries_find(struct entries *es, const char *path)
{
	struct entry key = {.path = (char *)path};

	entries_sort(es);
	return bsearch(&key, es->v, es->n, sizeof(*es->v), entry_cmp);
}

/* Is there an entry below path ("path/...") after index i? In sorted
 * order they follow it, after any siblings such as "path-x" or "path.x"
 * (bytes below '/'). */
static bool has_below(const struct entries *es, size_t i)
{
	const char *p = es->v[i].path;
	size_t n = strlen(p);

	for (size_t k = i + 1; k < es->n; k++) {
		const char *q = es->v[k].path;

		if (strncmp(q, p, n) != 0 || (unsigned char)q[n] > '/')
			return false;
		if (q[n] == '/')
			return true;
	}
	return false;
}

void entries_drop_shadowing_links(struct entries *es)
{
	size_t w = 0;

	entries_sort(es);
	for (size_t i = 0; i < es->n; i++) {
		if (es->v[i].kind == ENTRY_LINK && has_below(es, i)) {
			free(es->v[i].path);
			free(es->v[i].data);
			continue;
		}
		es->v[w++] = es->v[i];
	}
	es->n = w;
}

uint64_t fnv1a64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
