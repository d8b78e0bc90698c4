/* The difference of two moments; see diff.h.
 *
 * Matching is by (kind, name). Rows are ordered the way PoolMon's users
 * compare saved screens, only automatically: the biggest growth first,
 * shrinking last. A category that grew is followed by up to three of the
 * pool tags inside it (owner JSON "category") that grew the most, so the
 * reader goes category -> tag -> module without looking further; a
 * category that shrank is followed by the tags that shrank the most.
 * When the owners were recorded or snapshotted, the "owner" series (a
 * process's pipes, sockets, ...) that moved most leads the chain:
 * category -> kind -> process. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "diff.h"

void diff_owner_category(const struct series_point *p, char *buf, size_t n)
{
	series_owner_category(p ? p->owner : NULL, buf, n);
}

static bool kept_kind(const char *kind)
{
	return streq(kind, "category") || streq(kind, "pool") ||
	       streq(kind, "pool_other") || streq(kind, "proc") ||
	       streq(kind, "cgroup") || streq(kind, "owner");
}

static const struct series_point *find(const struct series_set *s,
				       const char *kind, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i].kind, kind) && streq(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static const struct series_point *row_point(const struct diff_row *r)
{
	return r->b ? r->b : r->a;
}

static int cmp_delta(const void *x, const void *y)
{
	const struct diff_row *a = x, *b = y;
	bool ha = a->a && a->b, hb = b->a && b->b;

	/* rows with both sides first */
	if (ha != hb)
		return ha ? -1 : 1;
	/* cgroups are another view of the same bytes: after the rest */
	{
		int ca = streq(row_point(a)->kind, "cgroup"),
		    cb = streq(row_point(b)->kind, "cgroup");

		if (ca != cb)
			return ca - cb;
	}
	if (a->delta != b->delta)
		return a->delta < b->delta ? 1 : -1;
	/* ties: categories before pool tags, then by name */
	{
		const struct series_point *pa = a->b ? a->b : a->a;
		const struct series_point *pb = b->b ? b->b : b->a;
		int k = strcmp(pa->kind, pb->kind);

		return k ? k : strcmp(pa->name, pb->name);
	}
}

/* How far an "owner" row moved: its change, or all of it for a holder
 * on one side only (a process that started, or exited, between A and
 * B: it is what a category's growth is, not noise). */
static int64_t moved(const struct diff_row *r)
{
	if (r->a && r->b)
		return r->delta;
	return r->b ? r->b->value : -r->a->value;
}

/* Chain to category row k the owner row of its category that moved most
 * the same way, if any. */
static void pick_holder(struct diff_result *res, size_t k)
{
	struct diff_row *pr = &res->rows[k];
	size_t best = SIZE_MAX;
	int64_t best_m = 0;

	for (size_t c = 0; c < res->n; c++) {
		const struct diff_row *cr = &res->rows[c];
		int64_t m = moved(cr);
		char cat[64];

		if (cr->is_child || !streq(row_point(cr)->kind, "owner") ||
		    m == 0 || (m > 0) != (pr->delta > 0))
			continue;
		diff_owner_category(row_point(cr), cat, sizeof(cat));
		if (!streq(cat, row_point(pr)->name))
			continue;
		if (best == SIZE_MAX || (m > 0 ? m > best_m : m < best_m)) {
			best = c;
			best_m = m;
		}
	}
	if (best == SIZE_MAX)
		return;
	pr->children[pr->n_children++] = best;
	res->rows[best].is_child = true;
}

void diff_compute(const struct series_set *a, const struct series_set *b,
		  struct diff_result *ret)
{
	struct diff_result res = {0};
	_cleanup_free_ struct diff_row *v = NULL;
	_cleanup_free_ size_t *newpos = NULL;
	size_t alloc = 0, n = 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct series_point *pa = &a->v[i];
		const struct series_point *pb = find(b, pa->kind, pa->name);

		if (!kept_kind(pa->kind) || (pb && pb->value == pa->value))
			continue;
		res.rows =
		    xgrow(res.rows, &alloc, res.n + 1, sizeof(*res.rows));
		res.rows[res.n++] = (struct diff_row){
		    .a = pa, .b = pb, .delta = pb ? pb->value - pa->value : 0};
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct series_point *pb = &b->v[i];

		if (!kept_kind(pb->kind) || find(a, pb->kind, pb->name))
			continue;
		res.rows =
		    xgrow(res.rows, &alloc, res.n + 1, sizeof(*res.rows));
		res.rows[res.n++] = (struct diff_row){.b = pb};
	}
	if (!res.n) {
		*ret = res;
		return;
	}
	qsort(res.rows, res.n, sizeof(*res.rows), cmp_delta);

	/* chains: a changed category takes the pool tags inside it that
	 * moved the same way, biggest first (rows are sorted, so growth is
	 * scanned from the top and shrinking from the bottom) */
	for (size_t k = 0; k < res.n; k++) {
		struct diff_row *pr = &res.rows[k];

		if (!streq(row_point(pr)->kind, "category") || !pr->a || !pr->b)
			continue;
		/* the holder that moved most (an "owner" series) first */
		pick_holder(&res, k);
		for (size_t s = 0; s < res.n; s++) {
			size_t c = pr->delta > 0 ? s : res.n - 1 - s;
			struct diff_row *cr = &res.rows[c];
			char cat[64];

			if (pr->n_children >= DIFF_MAX_CHILDREN)
				break;
			if (cr->is_child || !cr->a || !cr->b ||
			    streq(row_point(cr)->kind, "category") ||
			    streq(row_point(cr)->kind, "owner") ||
			    (cr->delta > 0) != (pr->delta > 0))
				continue;
			diff_owner_category(row_point(cr), cat, sizeof(cat));
			if (!streq(cat, row_point(pr)->name))
				continue;
			pr->children[pr->n_children++] = c;
			cr->is_child = true;
		}
	}

	/* parents in order, each followed by its chain */
	v = xmalloc(res.n * sizeof(*v));
	newpos = xmalloc(res.n * sizeof(*newpos));
	for (size_t k = 0; k < res.n; k++) {
		if (res.rows[k].is_child)
			continue;
		newpos[k] = n;
		v[n++] = res.rows[k];
		for (size_t c = 0; c < res.rows[k].n_children; c++) {
			newpos[res.rows[k].children[c]] = n;
			v[n++] = res.rows[res.rows[k].children[c]];
		}
	}
	for (size_t k = 0; k < n; k++)
		for (size_t c = 0; c < v[k].n_children; c++)
			v[k].children[c] = newpos[v[k].children[c]];
	memcpy(res.rows, v, n * sizeof(*v));
	res.n = n;
	*ret = res;
}

void diff_result_release(struct diff_result *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}
