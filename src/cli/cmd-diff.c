/* `memtally diff A B`: what changed between two moments.
 *
 * A and B are snapshot files or captured trees; with one argument A is
 * the global root (--root, -f, or the live system), so `memtally diff
 * old.mtsnap` compares a saved snapshot with now. With --db it compares
 * two samples of a recording. Both sides become series (analysis/series.c)
 * and analysis/diff.c orders and chains them. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../analysis/diff.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/snapshot.h"
#include "../views/history.h"
#include "cli.h"

const char cmd_diff_help[] =
    "Usage: memtally diff [A] B\n"
    "       memtally diff --db FILE [--from T] [--to T]\n"
    "\n"
    "What changed between two moments: every usage category and pool tag\n"
    "that grew or shrank, biggest growth first, each category followed by\n"
    "the pool tags inside it that moved the most (category -> tag ->\n"
    "module). PoolMon's 'save the screen and compare', done for you.\n"
    "\n"
    "A and B are snapshot files ('memtally snapshot -o FILE') or captured\n"
    "trees (directories with proc/ and sys/). With only B, A is the\n"
    "global root: the live system, --root DIR or -f FILE; so\n"
    "'memtally diff yesterday.mtsnap' compares that snapshot with now\n"
    "(A is then the live system and B the snapshot: read the signs so).\n"
    "With --db, A and B are two samples of a recording: the first and the\n"
    "last unless --from and --to pick others (T: '@UNIX' time, or a\n"
    "duration before the recording's end, e.g. 2h).\n"
    "\n"
    "RATE/H is the change per hour when both moments have a time "
    "(snapshot\n"
    "files and recordings do; directory trees do not: n/a).\n"
    "\n"
    "Options:\n"
    "      --db FILE     compare two samples of a recording\n"
    "      --from T      the first sample at or after T (default: first)\n"
    "      --to T        the last sample at or before T (default: last)\n";

struct side {
	struct root *root; /* NULL for a recording sample */
	bool own_root;
	struct snapshot snap;
	struct series_set set;
	double t; /* unix seconds, or NAN */
	char label[300];
};

static int side_open_path(struct side *s, const char *path)
{
	struct stat st;
	char *why = NULL;
	int r;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		r = root_open_dir(path, &s->root);
		if (r < 0) {
			log_error_errno(r, "cannot open root '%s'", path);
			return r;
		}
	} else {
		r = root_open_snapshot(path, &s->root, &why);
		if (r < 0) {
			if (why)
				log_error("cannot open snapshot '%s': %s", path,
					  why);
			else
				log_error_errno(r, "cannot open snapshot '%s'",
						path);
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
						     .top_cgroups = 40},
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

/* --from/--to: "@UNIX" or a duration before end_ms. */
static int parse_when(const char *s, int64_t end_ms, int64_t *ret)
{
	double v;

	if (s[0] == '@') {
		char *e;

		errno = 0;
		v = strtod(s + 1, &e);
		if (errno || e == s + 1 || *e)
			return -EINVAL;
		*ret = (int64_t)(v * 1000);
		return 0;
	}
	if (cli_parse_duration(s, &v) < 0)
		return -EINVAL;
	*ret = end_ms - (int64_t)(v * 1000);
	return 0;
}

static const char *kind_of(const struct series_point *p)
{
	return p->reclaim && (streq(p->reclaim, "reclaimable") ||
			      streq(p->reclaim, "free"))
		   ? "reclaimable"
		   : "unreclaimable";
}

static json_object *owner_json(const struct diff_result *res, size_t k)
{
	const struct diff_row *r = &res->rows[k];
	const struct series_point *p = r->b ? r->b : r->a;
	json_object *o = series_owner_object(p->owner, p->reclaim);
	json_object *chain = json_object_new_array();

	for (size_t c = 0; c < r->n_children; c++) {
		const struct diff_row *cr = &res->rows[r->children[c]];
		const struct series_point *cp = cr->b ? cr->b : cr->a;
		json_object *e = series_owner_object(cp->owner, NULL);
		char name[160];

		snprintf(name, sizeof(name), "%s:%s", cp->kind, cp->name);
		json_object_object_add(e, "series",
				       json_object_new_string(name));
		json_object_object_add(e, "change_bytes",
				       json_object_new_int64(cr->delta));
		json_object_array_add(chain, e);
	}
	json_object_object_add(o, "chain", chain);
	return o;
}

static void print_json(const struct diff_result *res, const struct side *a,
		       const struct side *b)
{
	json_object *top = json_object_new_object(), *arr;
	double hours = (b->t - a->t) / 3600.0;
	bool rate = !isnan(hours) && hours > 0;

	json_object_object_add(top, "from", json_object_new_string(a->label));
	json_object_object_add(top, "to", json_object_new_string(b->label));
	json_object_object_add(
	    top, "seconds",
	    isnan(hours)
		? NULL
		: json_object_new_int64((int64_t)llround(hours * 3600)));
	arr = json_object_new_array();
	for (size_t k = 0; k < res->n; k++) {
		const struct diff_row *r = &res->rows[k];
		const struct series_point *p = r->b ? r->b : r->a;
		json_object *o = json_object_new_object();
		char name[160];
		bool both = r->a && r->b;

		snprintf(name, sizeof(name), "%s:%s", p->kind, p->name);
		json_object_object_add(o, "series",
				       json_object_new_string(name));
		json_object_object_add(o, "kind",
				       json_object_new_string(kind_of(p)));
		json_object_object_add(
		    o, "bytes_per_hour",
		    both && rate ? json_object_new_int64((int64_t)llround(
				       (double)r->delta / hours))
				 : NULL);
		json_object_object_add(o, "start_bytes",
				       r->a ? json_object_new_int64(r->a->value)
					    : NULL);
		json_object_object_add(o, "end_bytes",
				       r->b ? json_object_new_int64(r->b->value)
					    : NULL);
		json_object_object_add(o, "change_bytes",
				       both ? json_object_new_int64(r->delta)
					    : NULL);
		if (!both)
			json_object_object_add(
			    o, "why",
			    json_object_new_string(r->a ? "absent in B"
							: "absent in A"));
		json_object_object_add(o, "owner", owner_json(res, k));
		json_object_array_add(arr, o);
	}
	json_object_object_add(top, "suspects", arr);
	json_print(stdout, top);
	json_object_put(top);
}

static void print_text(const struct diff_result *res, const struct side *a,
		       const struct side *b, const struct out_opts *out)
{
	double hours = (b->t - a->t) / 3600.0;
	bool rate = !isnan(hours) && hours > 0;
	struct table *t;

	printf("A: %s\nB: %s\n", a->label, b->label);
	if (!isnan(hours)) {
		double s = hours * 3600;

		if (fabs(s) < 1.5)
			printf("%.1f seconds apart (snapshots keep whole "
			       "seconds)\n",
			       s);
		else if (fabs(s) < 120)
			printf("%.0f seconds apart\n", s);
		else if (fabs(s) < 7200)
			printf("%.0f minutes apart\n", s / 60);
		else
			printf("%.1f hours apart\n", hours);
	}
	if (!res->n) {
		printf("\nNo changes: every category and pool tag is the "
		       "same in A and B.\n");
		return;
	}
	putchar('\n');
	t = table_new(NULL);
	table_add_col(t, "SERIES", "series", COL_STR);
	table_add_col(t, "KIND", "kind", COL_STR);
	table_add_col(t, "A", "start_bytes", COL_BYTES);
	table_add_col(t, "B", "end_bytes", COL_BYTES);
	table_add_col(t, "CHANGE", "change_bytes", COL_SBYTES);
	table_add_col(t, "RATE/H", "bytes_per_hour", COL_SBYTES);
	table_add_col(t, "OWNER", "owner", COL_STR);
	for (size_t k = 0; k < res->n; k++) {
		const struct diff_row *r = &res->rows[k];
		const struct series_point *p = r->b ? r->b : r->a;
		size_t row = table_add_row(t);
		char name[180], owner[300] = "";
		json_object *o = owner_json(res, k);

		snprintf(name, sizeof(name), "%s%s:%s", r->is_child ? "  " : "",
			 p->kind, p->name);
		table_set_str(t, row, 0, name);
		table_set_str(t, row, 1, kind_of(p));
		if (r->a)
			table_set_i64(t, row, 2, r->a->value);
		if (r->b)
			table_set_i64(t, row, 3, r->b->value);
		if (r->a && r->b) {
			table_set_i64(t, row, 4, r->delta);
			if (rate)
				table_set_i64(
				    t, row, 5,
				    (int64_t)llround((double)r->delta / hours));
		}
		series_owner_text(json_object_to_json_string(o),
				  SERIES_OWNER_CHAIN | SERIES_OWNER_HOLDER,
				  owner, sizeof(owner));
		table_set_str(t, row, 6, owner);
		json_object_put(o);
		if (r->delta > 0 && !r->is_child &&
		    streq(kind_of(p), "unreclaimable"))
			table_row_highlight(t, row);
	}
	if (!rate)
		table_add_note(t, "RATE/H is n/a: %s",
			       isnan(hours) ? "a side has no time (a directory "
					      "tree)"
					    : "B is not later than A");
	table_print(t, stdout, out);
	table_free(t);
}

int cmd_diff(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *from = NULL, *to = NULL;
	struct side a = {.t = NAN}, b = {.t = NAN};
	struct store_data d = {0};
	struct diff_result res;
	int c, r, rc = EXIT_FAIL;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'D':
			db = optarg;
			continue;
		case 'F':
			from = optarg;
			continue;
		case 'T':
			to = optarg;
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (db) {
		struct store *st;
		int64_t tf = INT64_MIN, tt = INT64_MAX;
		size_t ja = 0, jb;

		if (optind < argc)
			return cli_usage_error(ctx, "--db takes no A B");
		if (cli_open_store(db, STORE_RDONLY, &st) < 0)
			return EXIT_FAIL;
		r = store_load(st, INT64_MIN, INT64_MAX, &d);
		store_close(st);
		if (r < 0) {
			log_error_errno(r, "cannot read recording '%s'", db);
			goto out;
		}
		if (d.n_times < 2) {
			log_error("recording '%s' has %zu samples; diff needs "
				  "two",
				  db, d.n_times);
			goto out;
		}
		if ((from &&
		     parse_when(from, d.t_ms[d.n_times - 1], &tf) < 0) ||
		    (to && parse_when(to, d.t_ms[d.n_times - 1], &tt) < 0)) {
			rc = cli_usage_error(ctx, "bad --from or --to");
			goto out;
		}
		while (ja + 1 < d.n_times && d.t_ms[ja] < tf)
			ja++;
		jb = d.n_times - 1;
		while (jb > 0 && d.t_ms[jb] > tt)
			jb--;
		if (jb <= ja) {
			log_error("no two samples between --from and --to in "
				  "'%s'",
				  db);
			goto out;
		}
		side_from_sample(&a, &d, ja, db);
		side_from_sample(&b, &d, jb, db);
	} else {
		if (from || to)
			return cli_usage_error(ctx,
					       "--from and --to need --db");
		if (argc - optind < 1 || argc - optind > 2)
			return cli_usage_error(ctx, "expected [A] B");
		if (argc - optind == 2) {
			if (ctx->file || ctx->root_dir)
				return cli_usage_error(
				    ctx, "A B with --root or -f: give B only");
			if (side_open_path(&a, argv[optind]) < 0 ||
			    side_open_path(&b, argv[optind + 1]) < 0)
				goto out;
		} else {
			a.root = ctx_root(ctx);
			if (!a.root)
				goto out;
			snprintf(a.label, sizeof(a.label), "%s",
				 root_describe(a.root));
			if (side_open_path(&b, argv[optind]) < 0)
				goto out;
		}
		side_collect(&a);
		side_collect(&b);
	}
	diff_compute(&a.set, &b.set, &res);
	if (ctx->json)
		print_json(&res, &a, &b);
	else
		print_text(&res, &a, &b, &ctx->out);
	diff_result_release(&res);
	rc = EXIT_OK;
out:
	side_release(&a);
	side_release(&b);
	store_data_release(&d);
	return rc;
}
