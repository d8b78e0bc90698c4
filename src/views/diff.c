/* The diff view: what changed between two moments.
 *
 * A and B are snapshot files or captured trees; with one path, A is the
 * root the command layer gives (--root, -f, or the live system), so
 * `memtally diff old.mtsnap` compares a saved snapshot with now. With a
 * recording it compares two of its samples. Both sides become series
 * (analysis/series.c) and analysis/diff.c orders and chains them; text
 * draws each category with the pool tags that moved inside it as a tree,
 * and under a tag the module or process that holds it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../analysis/diff.h"
#include "../analysis/leaks.h"
#include "../basic/xalloc.h"
#include "diff.h"
#include "history.h"

struct side {
	struct root *root; /* NULL for a recording sample */
	bool own_root;
	struct snapshot snap;
	struct series_set set;
	double t; /* unix seconds, or NAN */
	char label[300];
};

enum {
	C_SERIES,
	C_KIND,
	C_RATE_JSON,
	C_A,
	C_B,
	C_CHANGE,
	C_WHY,
	C_RATE,
	C_OWNER_TEXT,
	C_OWNER,
};

static int side_open_path(struct side *s, const char *path,
			  struct view_err *err)
{
	struct stat st;
	char *why = NULL;
	int r;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		r = root_open_dir(path, &s->root);
		if (r < 0)
			return view_fail(err, r, "cannot open root '%s': %s",
					 path, strerror(-r));
	} else {
		r = root_open_snapshot(path, &s->root, &why);
		if (r < 0) {
			view_fail(err, r, "cannot open snapshot '%s': %s", path,
				  why ? why : strerror(-r));
			free(why);
			return r;
		}
	}
	s->own_root = true;
	snprintf(s->label, sizeof(s->label), "%s", path);
	return 0;
}

static void side_collect(struct side *s)
{
	const struct snapshot_meta *m = root_snapshot_meta(s->root);

	/* every pool tag: a diff is read once, and a tag that grew from
	 * small must not hide in a summed "other" line */
	history_collect_series(s->root,
			       &(struct series_opts){.top_pools = SIZE_MAX,
						     .top_procs = 20,
						     .top_cgroups = 40,
						     .top_owners = 20},
			       &s->snap, &s->set);
	if (m && m->created > 0)
		s->t = (double)m->created;
	else if (root_is_live(s->root))
		s->t = (double)time(NULL);
	else
		s->t = NAN;
}

static void side_release(struct side *s)
{
	series_set_release(&s->set);
	if (s->root)
		snapshot_release(&s->snap);
	if (s->own_root)
		root_free(s->root);
}

/* Sample j of a recording as a series set. */
static void side_from_sample(struct side *s, const struct store_data *d,
			     size_t j, const char *db)
{
	time_t tt = (time_t)(d->t_ms[j] / 1000);
	struct tm tm;
	char when[64];

	for (size_t i = 0; i < d->n_series; i++) {
		const struct store_series_info *si = &d->series[i];

		if (store_value(d, i, j) == STORE_ABSENT)
			continue;
		series_add(&s->set, si->kind, si->name, store_value(d, i, j),
			   si->reclaim, si->owner ? xstrdup(si->owner) : NULL);
	}
	s->t = (double)d->t_ms[j] / 1000.0;
	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(s->label, sizeof(s->label), "%s at %s", db, when);
}

static int64_t when_ms(const struct diff_when *w, int64_t end_ms, int64_t edge)
{
	switch (w->kind) {
	case WHEN_UNIX:
		return (int64_t)(w->secs * 1000);
	case WHEN_AGO:
		return end_ms - (int64_t)(w->secs * 1000);
	case WHEN_EDGE:
		break;
	}
	return edge;
}

/* A and B from two samples of the recording o->db, loaded into d (the
 * sides point into it: release it after them). */
static int sides_from_db(const struct diff_opts *o, struct store_data *d,
			 struct side *a, struct side *b, struct view_err *err)
{
	int64_t tf, tt;
	size_t ja = 0, jb;
	int r;

	r = history_load(o->db, NULL, NULL, NULL, d, err);
	if (r < 0)
		return r;
	if (d->n_times < 2) {
		return view_fail(err, -ENODATA,
				 "recording '%s' has %zu samples; diff needs "
				 "two",
				 o->db, d->n_times);
	}
	tf = when_ms(&o->from, d->t_ms[d->n_times - 1], INT64_MIN);
	tt = when_ms(&o->to, d->t_ms[d->n_times - 1], INT64_MAX);
	while (ja + 1 < d->n_times && d->t_ms[ja] < tf)
		ja++;
	jb = d->n_times - 1;
	while (jb > 0 && d->t_ms[jb] > tt)
		jb--;
	if (jb <= ja) {
		return view_fail(err, -ENODATA,
				 "no two samples between --from and --to in "
				 "'%s'",
				 o->db);
	}
	side_from_sample(a, d, ja, o->db);
	side_from_sample(b, d, jb, o->db);
	return 0;
}

/* Take the "owner" series out of s. */
static void drop_owners(struct series_set *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (streq(s->v[i].kind, "owner")) {
			free(s->v[i].owner);
			continue;
		}
		s->v[n++] = s->v[i];
	}
	s->n = n;
}

/* A and B from paths (A: root when o->a is NULL). */
static int sides_from_paths(struct root *root, const struct diff_opts *o,
			    struct side *a, struct side *b,
			    struct view_err *err)
{
	int r;

	if (o->a) {
		r = side_open_path(a, o->a, err);
	} else {
		a->root = root;
		snprintf(a->label, sizeof(a->label), "%s", root_describe(root));
		r = 0;
	}
	if (r == 0)
		r = side_open_path(b, o->b, err);
	if (r < 0)
		return r;
	side_collect(a);
	side_collect(b);
	/* owners on one side only (an older snapshot, a captured tree)
	 * would list every holder as appeared or gone: compare none */
	if (series_failed_has(&a->set, "owners") ||
	    series_failed_has(&b->set, "owners")) {
		drop_owners(&a->set);
		drop_owners(&b->set);
	}
	return 0;
}

static const struct series_point *point_of(const struct diff_row *r)
{
	return r->b ? r->b : r->a;
}

/* The two moments compared, for what a row's kind needs besides it. */
struct sets {
	const struct series_set *a, *b;
};

/* The value of the series kind:name in s, or NULL. */
static const struct series_point *find_point(const struct series_set *s,
					     const char *kind, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i].kind, kind) && streq(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

/* A cgroup's kind from how its recorded parts (series.h's cgroup_part
 * series, "PATH:PART") changed from A to B, by leaks' rule; why says
 * why when mixed or unknown. */
static const char *cgroup_kind(const struct sets *ss, const struct diff_row *r,
			       char *why, size_t n)
{
	const struct series_point *p = point_of(r);
	struct leak_part parts[LEAKS_MAX_PARTS];
	size_t np = 0, len = strlen(p->name);

	if (!r->a || !r->b) {
		snprintf(why, n, "in one of the two only");
		return "unknown";
	}
	for (size_t i = 0; i < ss->b->n && np < LEAKS_MAX_PARTS; i++) {
		const struct series_point *pb = &ss->b->v[i], *pa;

		if (!streq(pb->kind, "cgroup_part") ||
		    strncmp(pb->name, p->name, len) != 0 ||
		    pb->name[len] != ':' || !pb->reclaim)
			continue;
		pa = find_point(ss->a, pb->kind, pb->name);
		if (!pa)
			continue;
		parts[np++] = (struct leak_part){
		    .part = pb->name + len + 1,
		    .reclaim = pb->reclaim,
		    .bytes_per_hour = (double)(pb->value - pa->value),
		};
	}
	return leak_kind_name(
	    leak_parts_kind(parts, np, (double)r->delta, why, n));
}

/* What the kernel can do with a row's change: a cgroup's from its
 * parts, any other series' from its reclaim class. */
static const char *kind_of(const struct sets *ss, const struct diff_row *r,
			   char *why, size_t n)
{
	const struct series_point *p = point_of(r);

	why[0] = '\0';
	if (streq(p->kind, "cgroup"))
		return cgroup_kind(ss, r, why, n);
	return p->reclaim && (streq(p->reclaim, "reclaimable") ||
			      streq(p->reclaim, "free"))
		   ? "reclaimable"
		   : "unreclaimable";
}

static struct table *suspects_table(void)
{
	static const struct {
		const char *header, *key;
		enum col_type type;
		unsigned flags;
	} cols[] = {
	    [C_SERIES] = {"SERIES", "series", COL_STR, COLF_TREE},
	    [C_KIND] = {"KIND", "kind", COL_STR, 0},
	    [C_RATE_JSON] = {"RATE-JSON", "bytes_per_hour", COL_SBYTES,
			     COLF_JSON_ONLY},
	    [C_A] = {"A", "start_bytes", COL_BYTES, 0},
	    [C_B] = {"B", "end_bytes", COL_BYTES, 0},
	    [C_CHANGE] = {"CHANGE", "change_bytes", COL_SBYTES, 0},
	    [C_WHY] = {"WHY", "why", COL_STR,
		       COLF_JSON_ONLY | COLF_JSON_OPTIONAL},
	    [C_RATE] = {"RATE/H", "rate", COL_SBYTES, COLF_TEXT_ONLY},
	    [C_OWNER_TEXT] = {"OWNER", "owner_text", COL_STR, COLF_TEXT_ONLY},
	    [C_OWNER] = {"OWNER-JSON", "owner", COL_JSON, COLF_JSON_ONLY},
	};
	struct table *t = table_new(NULL);

	for (size_t i = 0; i < ELEMENTSOF(cols); i++) {
		table_add_col(t, cols[i].header, cols[i].key, cols[i].type);
		table_col_flags(t, i, cols[i].flags);
	}
	return t;
}

/* The owner object of row k: its owner JSON plus "chain", the finer
 * series that moved inside it. malloc'd JSON text. */
static char *owner_json(const struct diff_result *res, size_t k)
{
	const struct diff_row *r = &res->rows[k];
	struct series_link chain[DIFF_MAX_CHILDREN];
	char names[DIFF_MAX_CHILDREN][160];

	for (size_t c = 0; c < r->n_children; c++) {
		const struct diff_row *cr = &res->rows[r->children[c]];
		const struct series_point *cp = point_of(cr);

		snprintf(names[c], sizeof(names[c]), "%s:%s", cp->kind,
			 cp->name);
		/* a holder on one side only moved by all it holds */
		chain[c] =
		    (struct series_link){.owner = cp->owner,
					 .series = names[c],
					 .key = "change_bytes",
					 .value = cr->a && cr->b ? cr->delta
						  : cr->b	 ? cr->b->value
							  : -cr->a->value};
	}
	return series_owner_json(point_of(r)->owner, point_of(r)->reclaim,
				 chain, r->n_children);
}

/* One row of the table for diff row k; hours NAN or <= 0: no rate. */
static size_t add_row(struct table *t, const struct sets *ss,
		      const struct diff_result *res, size_t k, double hours)
{
	const struct diff_row *r = &res->rows[k];
	const struct series_point *p = point_of(r);
	_cleanup_free_ char *owner = owner_json(res, k);
	size_t row = table_add_row(t);
	const char *kind;
	char buf[300], why[160];

	snprintf(buf, sizeof(buf), "%s:%s", p->kind, p->name);
	table_set_str(t, row, C_SERIES, buf);
	kind = kind_of(ss, r, why, sizeof(why));
	table_set_str(t, row, C_KIND, kind);
	if (why[0] && r->delta > 0)
		table_add_note(t, "%s is %s: %s.", buf, kind, why);
	if (r->a)
		table_set_i64(t, row, C_A, r->a->value);
	if (r->b)
		table_set_i64(t, row, C_B, r->b->value);
	if (r->a && r->b) {
		table_set_i64(t, row, C_CHANGE, r->delta);
		if (!isnan(hours) && hours > 0) {
			int64_t rate =
			    (int64_t)llround((double)r->delta / hours);

			table_set_i64(t, row, C_RATE_JSON, rate);
			table_set_i64(t, row, C_RATE, rate);
		}
	} else {
		table_set_str(t, row, C_WHY,
			      r->a ? "absent in B" : "absent in A");
	}
	series_owner_text(owner, 0, buf, sizeof(buf));
	table_set_str(t, row, C_OWNER_TEXT, buf);
	table_set_json(t, row, C_OWNER, owner);
	if (r->delta > 0 && !r->is_child && streq(kind, "unreclaimable"))
		table_row_highlight(t, row);
	return row;
}

static void fill_table(struct table *t, const struct sets *ss,
		       const struct diff_result *res, double hours)
{
	_cleanup_free_ size_t *row_of = xcalloc(res->n + 1, sizeof(size_t));
	_cleanup_free_ size_t *parent = xcalloc(res->n + 1, sizeof(size_t));

	for (size_t k = 0; k < res->n; k++)
		parent[k] = SIZE_MAX;
	for (size_t k = 0; k < res->n; k++)
		for (size_t c = 0; c < res->rows[k].n_children; c++)
			if (res->rows[k].children[c] > k)
				parent[res->rows[k].children[c]] = k;
	for (size_t k = 0; k < res->n; k++) {
		row_of[k] = add_row(t, ss, res, k, hours);
		if (res->rows[k].is_child && parent[k] != SIZE_MAX)
			table_row_parent(t, row_of[k], row_of[parent[k]]);
		history_add_holders(t, row_of[k],
				    point_of(&res->rows[k])->owner, C_SERIES,
				    C_OWNER_TEXT);
	}
	if (isnan(hours) || hours <= 0)
		table_add_note(t, "RATE/H is n/a: %s",
			       isnan(hours) ? "a side has no time (a directory "
					      "tree)"
					    : "B is not later than A");
}

/* How far apart A and B are, in the unit that reads best. */
static void apart_line(struct doc *d, double s)
{
	if (fabs(s) < 1.5)
		doc_add_line(d, NULL,
			     "%.1f seconds apart (snapshots keep whole "
			     "seconds)",
			     s);
	else if (fabs(s) < 120)
		doc_add_line(d, NULL, "%.0f seconds apart", s);
	else if (fabs(s) < 7200)
		doc_add_line(d, NULL, "%.0f minutes apart", s / 60);
	else
		doc_add_line(d, NULL, "%.1f hours apart", s / 3600);
}

static void fill_doc(struct doc *d, const struct diff_result *res,
		     const struct side *a, const struct side *b)
{
	double hours = (b->t - a->t) / 3600.0, s = hours * 3600;

	doc_add_str(d, "from", "A", a->label);
	doc_add_str(d, "to", "B", b->label);
	if (isnan(hours))
		doc_add_null(d, "seconds", NULL, NULL);
	else
		doc_add_scount(d, "seconds", NULL, (int64_t)llround(s));
	if (!isnan(hours))
		apart_line(d, s);
	if (!res->n) {
		doc_add_blank(d);
		doc_add_line(d, NULL,
			     "No changes: every category and pool tag is the "
			     "same in A and B.");
		doc_add_json(d, "suspects", "[]");
		return;
	}
	fill_table(doc_add_table(d, "suspects", suspects_table()),
		   &(struct sets){&a->set, &b->set}, res, hours);
}

int view_diff(struct root *root, const struct diff_opts *o, struct doc **ret,
	      struct view_err *err)
{
	struct side a = {.t = NAN}, b = {.t = NAN};
	struct store_data sd = {0};
	struct diff_result res;
	struct doc *d;
	int r;

	if (o->db)
		r = sides_from_db(o, &sd, &a, &b, err);
	else
		r = sides_from_paths(root, o, &a, &b, err);
	if (r == 0) {
		diff_compute(&a.set, &b.set, &res);
		d = doc_new();
		fill_doc(d, &res, &a, &b);
		diff_result_release(&res);
		*ret = d;
	}
	side_release(&a);
	side_release(&b);
	store_data_release(&sd);
	return r;
}
