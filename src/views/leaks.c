/* The leaks view: what grows in a recording.
 *
 * Loads the recording (or its window), fits a robust trend to every
 * series (analysis/leaks.c, analysis/trend.c) and lists the ones that
 * grow: rate, confidence, how long, when memory runs out at that rate,
 * whether the kernel can reclaim it (for a cgroup, what its growth is
 * made of), and the owner chain. Text draws the chain as a tree: a
 * category, the pool tags that grow inside it, and under each the module
 * or process that holds it (text-only rows: JSON carries the same facts
 * in "owner"). Says so plainly when nothing grows. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "leaks.h"

enum {
	C_SERIES,
	C_KIND,
	C_KIND_WHY,
	C_SPLIT,
	C_RATE,
	C_START,
	C_END,
	C_CONF,
	C_CONFIDENCE,
	C_GROWING_S,
	C_STEPS,
	C_NET,
	C_GROWING_TEXT,
	C_GROWING,
	C_RUNS_OUT,
	C_EXHAUSTION,
	C_EXHAUSTION_WHY,
	C_OWNER_TEXT,
	C_OWNER,
};

static void fmt_duration(double s, char *buf, size_t n)
{
	if (s < 120)
		snprintf(buf, n, "%.0fs", s);
	else if (s < 7200)
		snprintf(buf, n, "%.0fm", s / 60);
	else if (s < 172800)
		snprintf(buf, n, "%.1fh", s / 3600);
	else
		snprintf(buf, n, "%.1fd", s / 86400);
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
	    [C_KIND_WHY] = {"KIND-WHY", "kind_why", COL_STR,
			    COLF_JSON_ONLY | COLF_JSON_OPTIONAL},
	    [C_SPLIT] = {"GROWTH-SPLIT", "growth_split", COL_JSON,
			 COLF_JSON_ONLY | COLF_JSON_OPTIONAL},
	    [C_RATE] = {"RATE/H", "bytes_per_hour", COL_SBYTES, 0},
	    [C_START] = {"START", "start_bytes", COL_BYTES, 0},
	    [C_END] = {"END", "end_bytes", COL_BYTES, 0},
	    [C_CONF] = {"CONF", "conf", COL_PCT, COLF_TEXT_ONLY},
	    [C_CONFIDENCE] = {"CONFIDENCE", "confidence", COL_JSON,
			      COLF_JSON_ONLY},
	    [C_GROWING_S] = {"GROWING-S", "growing_seconds", COL_SCOUNT,
			     COLF_JSON_ONLY},
	    [C_STEPS] = {"STEPS", "steps_ignored", COL_SCOUNT, COLF_JSON_ONLY},
	    [C_NET] = {"NET", "net_bytes", COL_SBYTES, COLF_JSON_ONLY},
	    [C_GROWING_TEXT] = {"GROWING", "growing_for", COL_STR,
				COLF_TEXT_ONLY},
	    [C_GROWING] = {"GROWING?", "growing", COL_JSON, COLF_JSON_ONLY},
	    [C_RUNS_OUT] = {"RUNS OUT", "runs_out", COL_STR, COLF_TEXT_ONLY},
	    [C_EXHAUSTION] = {"EXHAUSTION", "exhaustion_seconds", COL_SCOUNT,
			      COLF_JSON_ONLY},
	    [C_EXHAUSTION_WHY] = {"EXHAUSTION-WHY", "exhaustion_why", COL_STR,
				  COLF_JSON_ONLY | COLF_JSON_OPTIONAL},
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

/* The owner object of finding k: the series' own owner JSON plus
 * "chain", the finer series that grow inside it. malloc'd JSON text. */
static char *owner_json(const struct store_data *d,
			const struct leaks_result *res, size_t k)
{
	const struct leak_finding *f = &res->v[k];
	const struct store_series_info *si = &d->series[f->series];
	struct series_link chain[LEAKS_MAX_CHILDREN];
	char names[LEAKS_MAX_CHILDREN][256];

	for (size_t c = 0; c < f->n_children; c++) {
		const struct leak_finding *ch = &res->v[f->children[c]];

		leaks_series_name(d, ch->series, names[c], sizeof(names[c]));
		chain[c] = (struct series_link){
		    .owner = d->series[ch->series].owner,
		    .series = names[c],
		    .key = "bytes_per_hour",
		    .value = (int64_t)llround(ch->bytes_per_hour),
		};
	}
	return series_owner_json(si->owner, si->reclaim, chain, f->n_children);
}

/* The trend figures of finding f into row. */
static void set_trend(struct table *t, size_t row, const struct leak_finding *f)
{
	char buf[32];
	double conf;

	table_set_str(t, row, C_KIND, leak_kind_name(f->kind));
	table_set_i64(t, row, C_RATE, (int64_t)llround(f->bytes_per_hour));
	table_set_i64(t, row, C_START, f->start_bytes);
	table_set_i64(t, row, C_END, f->end_bytes);
	table_set_double(t, row, C_CONF, f->tr.confidence * 100);
	/* floored, so 0.99996 is never shown as 1 */
	conf = floor(f->tr.confidence * 1e4) / 1e4;
	snprintf(buf, sizeof(buf), "%.4f", conf);
	table_set_json(t, row, C_CONFIDENCE, buf);
	table_set_i64(t, row, C_GROWING_S,
		      (f->tr.t1 - f->tr.growing_since) / 1000);
	table_set_i64(t, row, C_STEPS, f->tr.steps);
	table_set_i64(t, row, C_NET, (int64_t)llround(f->tr.net));
	fmt_duration((double)(f->tr.t1 - f->tr.growing_since) / 1000.0, buf,
		     sizeof(buf));
	table_set_str(t, row, C_GROWING_TEXT, f->growing ? buf : "no");
	table_set_json(t, row, C_GROWING, f->growing ? "true" : "false");
	if (isnan(f->exhaustion_s)) {
		table_set_str(t, row, C_RUNS_OUT, "n/a");
	} else {
		fmt_duration(f->exhaustion_s, buf, sizeof(buf));
		table_set_str(t, row, C_RUNS_OUT, buf);
		table_set_i64(t, row, C_EXHAUSTION, (int64_t)f->exhaustion_s);
	}
	if (f->exhaustion_why)
		table_set_str(t, row, C_EXHAUSTION_WHY, f->exhaustion_why);
}

/* What a cgroup's growth is made of (JSON: kind_why, growth_split). */
static void set_split(struct table *t, size_t row, const struct leak_finding *f)
{
	_cleanup_free_ char *split = leaks_split_json(f);

	if (f->kind_why[0])
		table_set_str(t, row, C_KIND_WHY, f->kind_why);
	if (split)
		table_set_json(t, row, C_SPLIT, split);
}

/* Notes: why RUNS OUT is n/a for reclaimable growth, and what a growing
 * cgroup of mixed or unknown kind grew by. */
static void add_notes(struct table *t, const struct store_data *d,
		      const struct leaks_result *res)
{
	char name[256];

	for (size_t k = 0; k < res->n; k++)
		if (res->v[k].kind == LEAK_RECLAIMABLE && res->v[k].growing) {
			table_add_note(t, "RUNS OUT is n/a for reclaimable "
					  "growth: the kernel gives that "
					  "memory back under pressure.");
			break;
		}
	for (size_t k = 0; k < res->n; k++) {
		const struct leak_finding *f = &res->v[k];

		if (!f->growing || !f->kind_why[0])
			continue;
		leaks_series_name(d, f->series, name, sizeof(name));
		table_add_note(t, "%s is %s: %s.", name,
			       leak_kind_name(f->kind), f->kind_why);
	}
}

static void fill_rows(struct table *t, const struct store_data *d,
		      const struct leaks_result *res)
{
	_cleanup_free_ size_t *row_of = xcalloc(res->n + 1, sizeof(size_t));
	_cleanup_free_ size_t *parent = xcalloc(res->n + 1, sizeof(size_t));

	for (size_t k = 0; k < res->n; k++)
		parent[k] = SIZE_MAX;
	for (size_t k = 0; k < res->n; k++)
		for (size_t c = 0; c < res->v[k].n_children; c++)
			if (res->v[k].children[c] > k)
				parent[res->v[k].children[c]] = k;
	for (size_t k = 0; k < res->n; k++) {
		const struct leak_finding *f = &res->v[k];
		_cleanup_free_ char *owner = owner_json(d, res, k);
		size_t row = table_add_row(t);
		char buf[512];

		row_of[k] = row;
		leaks_series_name(d, f->series, buf, sizeof(buf));
		table_set_str(t, row, C_SERIES, buf);
		if (f->is_child && parent[k] != SIZE_MAX)
			table_row_parent(t, row, row_of[parent[k]]);
		set_trend(t, row, f);
		set_split(t, row, f);
		series_owner_text(owner, 0, buf, sizeof(buf));
		table_set_str(t, row, C_OWNER_TEXT, buf);
		table_set_json(t, row, C_OWNER, owner);
		if (f->kind == LEAK_UNRECLAIMABLE && f->growing)
			table_row_highlight(t, row);
		history_add_holders(t, row, d->series[f->series].owner,
				    C_SERIES, C_OWNER_TEXT);
	}
	add_notes(t, d, res);
}

/* Under the table, who holds the first suspect's growth, when an owner
 * series says: "Top suspect: pid 4711 (collector) in /system.slice/
 * collector.service holds pipe buffers, +4.0 MiB/s". Text only: JSON
 * has the same in the suspect's "owner". */
static void holder_line(struct doc *doc, const struct store_data *d,
			const struct leaks_result *res)
{
	ssize_t h = res->n && res->v[0].growing ? leaks_holder(d, res, 0) : -1;
	char buf[600];

	if (h < 0)
		return;
	series_owner_sentence(d->series[res->v[h].series].owner,
			      res->v[h].bytes_per_hour / 3600, buf,
			      sizeof(buf));
	if (buf[0]) {
		doc_add_blank(doc);
		doc_add_line(doc, NULL, "Top suspect: %s.", buf);
	}
}

static void fill_doc(struct doc *doc, const struct leaks_opts *o,
		     const struct store_data *d, const struct leaks_result *res)
{
	int64_t ms = d->n_times ? d->t_ms[d->n_times - 1] - d->t_ms[0] : 0;
	char dur[32];

	doc_add_count(doc, "samples", NULL, d->n_times);
	doc_add_scount(doc, "seconds", NULL, ms / 1000);
	doc_add_count(doc, "series_analysed", NULL, res->n_analysed);
	if (res->n == 0) {
		fmt_duration((double)ms / 1000.0, dur, sizeof(dur));
		doc_add_line(doc, NULL,
			     "No leaks: nothing grew steadily in %zu samples "
			     "over %s (%zu series analysed).",
			     d->n_times, dur, res->n_analysed);
		doc_add_json(doc, "suspects", "[]");
		return;
	}
	doc_add_line(doc, NULL, "%zu %sseries in %zu samples:", res->n,
		     o->all ? "" : "growing ", d->n_times);
	fill_rows(doc_add_table(doc, "suspects", suspects_table()), d, res);
	holder_line(doc, d, res);
}

int view_leaks(struct root *root, const struct leaks_opts *o, struct doc **ret,
	       struct view_err *err)
{
	struct leaks_result res;
	struct store_data d;
	struct doc *doc;
	int r;

	r = history_load(o->db, &o->since, NULL, NULL, &d, err);
	if (r < 0)
		return r;
	leaks_find(&d, &o->rules, o->all, &res);
	doc = doc_new();
	fill_doc(doc, o, &d, &res);
	leaks_result_release(&res);
	store_data_release(&d);
	*ret = doc;
	return 0;
}
