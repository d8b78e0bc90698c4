/* Leak finding over a recording; see leaks.h.
 *
 * Every series that can hold memory (usage categories except `free`, pool
 * tags) gets a robust trend (trend.c). A series is a finding when its
 * trend is confident, steady growth above the floors in the rules; the
 * rest stay quiet, so a recording of a healthy machine has no findings.
 *
 * Reclaimable or not: a category's reclaim class comes from accounting.c
 * (page cache, buffers and reclaimable slab are "reclaimable": growth
 * there is the kernel using spare memory, and it will give it back); a
 * pool tag's from its type. A cgroup's charge is of every class, so its
 * kind comes from which of its parts (series.c's "cgroup_part" series)
 * grew, each fitted over the same window: reclaimable when parts known
 * reclaimable carry 80% of the growth or more, unreclaimable when parts
 * known swappable or pinned do, unknown when the part nobody can class
 * (v1's kernel memory) or growth outside the parts carries most of it,
 * else mixed; unknown too when no parts were recorded (older recordings)
 * rather than a guess. Only unreclaimable growth gets a time to
 * exhaustion: MemAvailable at the end of the window divided by the rate.
 *
 * The owner chain: a pool tag's owner JSON names its usage category, so
 * a growing category lists the growing tags inside it (biggest first)
 * and those are marked as children; the command prints the chain
 * category -> tag -> module. An "owner" series (the processes holding
 * the most of one kind of object, series.c) names its category too: the
 * fastest growing one leads the chain, category -> kind -> process, and
 * the category's owner names that process (series_owner_json()). With
 * `record --bpf` the tracer's call sites are pool tags of the category
 * their memory comes from (pages straight from the page allocator:
 * `unaccounted`), so they join the same chain. */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "leaks.h"
#include "series.h"

void leaks_default_rules(struct trend_rules *ret)
{
	ret->min_net = 8.0 * 1024 * 1024;
	ret->min_rate = 1.0 * 1024 * 1024;
	/* 99.9%, not 99%: a recording has ~20-150 series, and at 1% a
	 * healthy machine would show a false finding in most runs */
	ret->min_confidence = 0.999;
}

void leaks_series_name(const struct store_data *d, size_t i, char *buf,
		       size_t n)
{
	snprintf(buf, n, "%s:%s", d->series[i].kind, d->series[i].name);
}

const char *leak_kind_name(enum leak_kind k)
{
	switch (k) {
	case LEAK_RECLAIMABLE:
		return "reclaimable";
	case LEAK_MIXED:
		return "mixed";
	case LEAK_UNKNOWN:
		return "unknown";
	case LEAK_UNRECLAIMABLE:
		break;
	}
	return "unreclaimable";
}

/* cgroup_part series are parts of a cgroup finding, never findings */
static bool analysed_kind(const struct store_series_info *si)
{
	/* free memory growing is no leak (free, free_pcp) */
	if (streq(si->kind, "category"))
		return !(si->reclaim && streq(si->reclaim, "free")) &&
		       !streq(si->name, "free");
	return streq(si->kind, "pool") || streq(si->kind, "pool_other") ||
	       streq(si->kind, "proc") || streq(si->kind, "cgroup") ||
	       streq(si->kind, "owner");
}

/* The usage category a series belongs to (owner JSON "category"), into
 * buf; empty when none. */
static void owner_category(const struct store_series_info *si, char *buf,
			   size_t n)
{
	series_owner_category(si->owner, buf, n);
}

/* The series' cgroup rank: cgroups hold the same bytes as the categories
 * (another view, by who is charged), so they come after them. */
static const struct store_data *rank_data;

static int cgroup_rank(const struct leak_finding *f)
{
	return rank_data && streq(rank_data->series[f->series].kind, "cgroup");
}

static int cmp_rate(const void *a, const void *b)
{
	const struct leak_finding *x = a, *y = b;

	if (cgroup_rank(x) != cgroup_rank(y))
		return cgroup_rank(x) - cgroup_rank(y);
	if (x->bytes_per_hour != y->bytes_per_hour)
		return x->bytes_per_hour < y->bytes_per_hour ? 1 : -1;
	return (x->series > y->series) - (x->series < y->series);
}

static int64_t last_value(const struct store_data *d, size_t i)
{
	for (size_t j = d->n_times; j-- > 0;)
		if (store_value(d, i, j) != STORE_ABSENT)
			return store_value(d, i, j);
	return STORE_ABSENT;
}

static int64_t first_value(const struct store_data *d, size_t i)
{
	for (size_t j = 0; j < d->n_times; j++)
		if (store_value(d, i, j) != STORE_ABSENT)
			return store_value(d, i, j);
	return STORE_ABSENT;
}

/* The cgroup part series j names a part of the cgroup series named cg
 * ("PATH:PART"): its part name, else NULL. A part name has no ':', so
 * the parts of "/a" are never taken for those of "/a:b". */
static const char *part_of(const struct store_series_info *sj, const char *cg)
{
	size_t len = strlen(cg);

	if (!streq(sj->kind, "cgroup_part") ||
	    strncmp(sj->name, cg, len) != 0 || sj->name[len] != ':' ||
	    !sj->name[len + 1] || strchr(sj->name + len + 1, ':'))
		return NULL;
	return sj->name + len + 1;
}

/* Fit each part of cgroup finding f over the window into f->split. */
static void fit_parts(const struct store_data *d, struct leak_finding *f)
{
	const char *cg = d->series[f->series].name;
	_cleanup_free_ bool *absent =
	    xmalloc((d->n_times ? d->n_times : 1) * sizeof(*absent));

	for (size_t j = 0; j < d->n_series && f->n_split < LEAKS_MAX_PARTS;
	     j++) {
		const char *part = part_of(&d->series[j], cg);
		struct trend tr;

		if (!part)
			continue;
		for (size_t t = 0; t < d->n_times; t++)
			absent[t] = store_value(d, j, t) == STORE_ABSENT;
		if (trend_fit(d->t_ms, d->values + j * d->n_times, absent,
			      d->n_times, &tr) < 0)
			continue;
		f->split[f->n_split++] = (struct leak_part){
		    .series = j,
		    .part = part,
		    .reclaim =
			d->series[j].reclaim ? d->series[j].reclaim : "unknown",
		    .bytes_per_hour = tr.slope * 3600,
		};
	}
	/* fastest first (insertion: at most LEAKS_MAX_PARTS) */
	for (size_t k = 1; k < f->n_split; k++)
		for (size_t m = k; m > 0 && f->split[m].bytes_per_hour >
						f->split[m - 1].bytes_per_hour;
		     m--) {
			struct leak_part t = f->split[m];

			f->split[m] = f->split[m - 1];
			f->split[m - 1] = t;
		}
}

enum { CLS_RECLAIMABLE, CLS_UNRECLAIMABLE, CLS_UNKNOWN, _CLS_MAX };

static int part_class(const char *reclaim)
{
	if (streq(reclaim, "reclaimable"))
		return CLS_RECLAIMABLE;
	if (streq(reclaim, "swappable") || streq(reclaim, "pinned"))
		return CLS_UNRECLAIMABLE;
	return CLS_UNKNOWN;
}

/* "page_cache 55% (reclaimable), anon_shmem 45% (swappable)", the parts
 * that grew, and what the parts do not explain. */
static void split_text(const struct leak_part *v, size_t nv, double rest,
		       char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < nv && len < n; k++) {
		const struct leak_part *p = &v[k];

		if (p->share < 0.005)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s %.0f%% (%s)",
					len ? ", " : "", p->part,
					p->share * 100, p->reclaim);
	}
	if (rest >= 0.005 && len < n)
		snprintf(buf + len, n - len, "%soutside the parts %.0f%%",
			 len ? ", " : "", rest * 100);
}

/* Each part's share is its rate over the cgroup's, or over the growing
 * parts' sum when that is bigger (a part that shrinks lets the others
 * grow more than the cgroup did); what the shares leave is growth
 * outside the parts (v2's sock, zswap; the fits of a sum and of its
 * terms differ a little too). */
enum leak_kind leak_parts_kind(struct leak_part *v, size_t n, double rate,
			       char *why, size_t why_n)
{
	double by[_CLS_MAX] = {0}, pos = 0, denom, rest = 1, unknown_max = 0;
	const char *unknown_part = NULL;

	why[0] = '\0';
	if (!n) {
		snprintf(why, why_n,
			 "its parts were not recorded (an older recording)");
		return LEAK_UNKNOWN;
	}
	for (size_t k = 0; k < n; k++)
		if (v[k].bytes_per_hour > 0)
			pos += v[k].bytes_per_hour;
	denom = rate > pos ? rate : pos;
	if (denom <= 0) {
		snprintf(why, why_n, "it does not grow");
		return LEAK_UNKNOWN;
	}
	for (size_t k = 0; k < n; k++) {
		struct leak_part *p = &v[k];
		int c = part_class(p->reclaim);

		p->share =
		    p->bytes_per_hour > 0 ? p->bytes_per_hour / denom : 0;
		by[c] += p->share;
		rest -= p->share;
		if (c == CLS_UNKNOWN && p->share > unknown_max) {
			unknown_max = p->share;
			unknown_part = p->part;
		}
	}
	if (by[CLS_RECLAIMABLE] >= 0.8)
		return LEAK_RECLAIMABLE;
	if (by[CLS_UNRECLAIMABLE] >= 0.8)
		return LEAK_UNRECLAIMABLE;
	if (by[CLS_UNKNOWN] >= 0.5) {
		snprintf(why, why_n, "%s",
			 unknown_part && streq(unknown_part, "kernel")
			     ? "kernel memory; cgroup v1 does not say whether "
			       "it is reclaimable"
			     : "its growth is in parts of unknown kind");
		return LEAK_UNKNOWN;
	}
	if (rest >= 0.5) {
		snprintf(why, why_n,
			 "its parts explain only %.0f%% of its growth",
			 (1 - rest) * 100);
		return LEAK_UNKNOWN;
	}
	split_text(v, n, rest, why, why_n);
	return LEAK_MIXED;
}

/* A cgroup finding's kind from its parts' growth. */
static void cgroup_kind(const struct store_data *d, struct leak_finding *f)
{
	fit_parts(d, f);
	f->kind = leak_parts_kind(f->split, f->n_split, f->bytes_per_hour,
				  f->kind_why, sizeof(f->kind_why));
}

/* The kind of finding f: a cgroup's from its parts, any other series'
 * from its reclaim class. */
static void finding_kind(const struct store_data *d, struct leak_finding *f)
{
	const struct store_series_info *si = &d->series[f->series];

	if (streq(si->kind, "cgroup")) {
		cgroup_kind(d, f);
		return;
	}
	f->kind = si->reclaim && (streq(si->reclaim, "reclaimable") ||
				  streq(si->reclaim, "free"))
		      ? LEAK_RECLAIMABLE
		      : LEAK_UNRECLAIMABLE;
}

/* When memory runs out at f's rate (avail: MemAvailable at the end),
 * or why that does not apply. */
static void exhaustion(struct leak_finding *f, int64_t avail)
{
	f->exhaustion_s = NAN;
	if (!f->growing)
		f->exhaustion_why = "not growing";
	else if (f->stopped)
		f->exhaustion_why = "stopped growing";
	else if (f->kind == LEAK_RECLAIMABLE)
		f->exhaustion_why = "the kernel can reclaim it";
	else if (f->kind == LEAK_MIXED)
		f->exhaustion_why = "the kernel can reclaim part of it";
	else if (f->kind == LEAK_UNKNOWN)
		f->exhaustion_why =
		    "not known whether the kernel can reclaim it";
	else if (avail == STORE_ABSENT)
		f->exhaustion_why = "MemAvailable was not recorded";
	else
		f->exhaustion_s = (double)avail / f->tr.slope;
}

char *leaks_split_json(const struct leak_finding *f)
{
	json_object *a;
	char *s;

	if (!f->n_split)
		return NULL;
	a = json_object_new_array();
	for (size_t k = 0; k < f->n_split; k++) {
		const struct leak_part *p = &f->split[k];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "part",
				       json_object_new_string(p->part));
		json_object_object_add(
		    o, "bytes_per_hour",
		    json_object_new_int64((int64_t)llround(p->bytes_per_hour)));
		json_object_object_add(
		    o, "share_pct",
		    json_object_new_int((int)lround(p->share * 100)));
		json_object_object_add(o, "reclaim",
				       json_object_new_string(p->reclaim));
		json_object_array_add(a, o);
	}
	s = xstrdup(json_object_to_json_string_ext(
	    a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return s;
}

/* Order: each top-level finding (fastest first), followed by the
 * children in its chain; children indices are renumbered to match. A
 * child claimed by no parent stays top-level. */
static void reorder(struct leaks_result *res)
{
	_cleanup_free_ struct leak_finding *v = NULL;
	_cleanup_free_ size_t *newpos = NULL;
	size_t n = 0;

	if (!res->n)
		return;
	v = xmalloc(res->n * sizeof(*v));
	newpos = xmalloc(res->n * sizeof(*newpos));
	for (size_t k = 0; k < res->n; k++) {
		if (res->v[k].is_child)
			continue;
		newpos[k] = n;
		v[n++] = res->v[k];
		for (size_t c = 0; c < res->v[k].n_children; c++) {
			size_t ci = res->v[k].children[c];

			newpos[ci] = n;
			v[n++] = res->v[ci];
		}
	}
	for (size_t k = 0; k < n; k++)
		for (size_t c = 0; c < v[k].n_children; c++)
			v[k].children[c] = newpos[v[k].children[c]];
	memcpy(res->v, v, n * sizeof(*v));
	res->n = n;
}

/* Did the series stop growing before the end of the window?
 *
 * A fit over the whole window calls a series "growing" when it rose for
 * most of it, even if it has been flat for the last minutes: a leak that
 * was fixed, or a cache that filled up. Look at the end instead: the
 * final level is the median of the last tenth of the points; walking
 * back from the end, find the first point of the run that stays within
 * 5% of the net growth below that level. When that run covers at least
 * the last fifth of the window (and three points), the series stopped
 * growing when the run began. */
static bool stopped_growing(const int64_t *t, const int64_t *v,
			    const bool *absent, size_t n,
			    const struct trend *tr, int64_t *ret_until)
{
	_cleanup_free_ double *tail = NULL;
	size_t k = 0, want = n / 10 < 3 ? 3 : n / 10, j, run = 0;
	double level, floor_;

	*ret_until = tr->t1;
	if (n < 6 || tr->net <= 0)
		return false;
	tail = xmalloc(want * sizeof(*tail));
	for (size_t i = n; i-- > 0 && k < want;)
		if (!absent[i])
			tail[k++] = (double)v[i];
	if (k < 3)
		return false;
	level = trend_median(tail, k);
	floor_ = level - 0.05 * tr->net;
	j = n;
	while (j > 0 && (absent[j - 1] || (double)v[j - 1] >= floor_)) {
		j--;
		run += !absent[j];
	}
	while (j < n && absent[j])
		j++;
	if (j >= n || run < 3 || j == 0)
		return false;
	if ((double)(tr->t1 - t[j]) < 0.2 * (double)(tr->t1 - tr->t0))
		return false;
	*ret_until = t[j];
	return true;
}

int leaks_find(const struct store_data *d, const struct trend_rules *rules,
	       bool all, struct leaks_result *ret)
{
	struct leaks_result res = {0};
	_cleanup_free_ bool *absent = NULL;
	size_t alloc = 0;
	ssize_t avail_i = store_data_find(d, "meminfo", "available");
	int64_t avail =
	    avail_i >= 0 ? last_value(d, (size_t)avail_i) : STORE_ABSENT;

	absent = xmalloc((d->n_times ? d->n_times : 1) * sizeof(*absent));
	for (size_t i = 0; i < d->n_series; i++) {
		const struct store_series_info *si = &d->series[i];
		struct leak_finding f = {.series = i};

		if (!analysed_kind(si))
			continue;
		for (size_t j = 0; j < d->n_times; j++)
			absent[j] = store_value(d, i, j) == STORE_ABSENT;
		res.n_analysed++;
		if (trend_fit(d->t_ms, d->values + i * d->n_times, absent,
			      d->n_times, &f.tr) < 0)
			continue;
		f.growing = trend_is_growth(&f.tr, rules);
		f.growing_until_ms = f.tr.t1;
		if (!f.growing && !all)
			continue;
		f.stopped =
		    f.growing &&
		    stopped_growing(d->t_ms, d->values + i * d->n_times, absent,
				    d->n_times, &f.tr, &f.growing_until_ms);
		f.bytes_per_hour = f.tr.slope * 3600;
		f.start_bytes = first_value(d, i);
		f.end_bytes = last_value(d, i);
		finding_kind(d, &f);
		exhaustion(&f, avail);
		res.v = xgrow(res.v, &alloc, res.n + 1, sizeof(*res.v));
		res.v[res.n++] = f;
	}
	rank_data = d;
	if (res.n)
		qsort(res.v, res.n, sizeof(*res.v), cmp_rate);
	rank_data = NULL;

	/* chains: categories list the growing series that belong to them;
	 * the fastest growing holder (an "owner" series) first, so the
	 * process is never crowded out by pool tags, then the rest by rate */
	for (size_t k = 0; k < res.n; k++) {
		const struct store_series_info *pk =
		    &d->series[res.v[k].series];

		if (!streq(pk->kind, "category") || !res.v[k].growing)
			continue;
		for (int pass = 0; pass < 2; pass++)
			for (size_t c = 0; c < res.n; c++) {
				const struct store_series_info *pc =
				    &d->series[res.v[c].series];
				char cat[64];

				if (c == k || res.v[c].is_child ||
				    res.v[k].n_children >= LEAKS_MAX_CHILDREN ||
				    !res.v[c].growing ||
				    streq(pc->kind, "category") ||
				    (pass == 0) != streq(pc->kind, "owner"))
					continue;
				owner_category(pc, cat, sizeof(cat));
				if (!streq(cat, pk->name))
					continue;
				res.v[k].children[res.v[k].n_children++] = c;
				res.v[c].is_child = true;
				if (pass == 0)
					break;
			}
	}
	reorder(&res);
	*ret = res;
	return 0;
}

ssize_t leaks_holder(const struct store_data *d, const struct leaks_result *r,
		     size_t k)
{
	const struct leak_finding *f = &r->v[k];

	if (streq(d->series[f->series].kind, "owner"))
		return (ssize_t)k;
	for (size_t c = 0; c < f->n_children; c++)
		if (streq(d->series[r->v[f->children[c]].series].kind, "owner"))
			return (ssize_t)f->children[c];
	return -1;
}

void leaks_result_release(struct leaks_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
