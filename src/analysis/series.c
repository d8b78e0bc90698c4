/* A snapshot as a flat list of series; see series.h.
 *
 * The usage categories are the first series: they sum to MemTotal, so a
 * leak anywhere shows in exactly one of them (a pipe-buffer leak in
 * `unaccounted`, a SysV message leak in unreclaimable slab, a tmpfs leak
 * in shmem). Finer series (pool tags, free lists) say which part of a
 * category grew; their owner JSON names the category they belong to, so
 * `leaks` and `diff` can walk the chain category -> tag -> module. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "accounting.h"
#include "series.h"

uint64_t series_sources(void)
{
	return SRC_BIT(SRC_MEMINFO);
}

void series_add(struct series_set *s, const char *kind, const char *name,
		int64_t value, const char *reclaim, char *owner)
{
	struct series_point *p;

	s->v = xgrow(s->v, &s->alloc, s->n + 1, sizeof(*s->v));
	p = &s->v[s->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->kind, sizeof(p->kind), "%s", kind);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->value = value;
	p->reclaim = reclaim;
	p->owner = owner;
}

void series_set_release(struct series_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].owner);
	free(s->v);
	free(s->failed);
	memset(s, 0, sizeof(*s));
}

static char *json_take(json_object *o)
{
	char *s = xstrdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return s;
}

static char *category_owner(enum acct_cat c)
{
	const struct acct_cat_info *ci = acct_cat_info(c);
	json_object *o = json_object_new_object();

	json_object_object_add(o, "category", json_object_new_string(ci->key));
	json_object_object_add(o, "label", json_object_new_string(ci->label));
	json_object_object_add(o, "windows",
			       json_object_new_string(ci->windows));
	json_object_object_add(o, "from", json_object_new_string(ci->source));
	return json_take(o);
}

/* Name every asked-for source that could not be read, with its reason. */
static char *failed_json(const struct snapshot *snap)
{
	json_object *o = json_object_new_object();

	for (int id = 0; id < _SRC_MAX; id++) {
		const struct source_desc *d = source_get(id);
		char why[400];

		if (!(snap->asked & SRC_BIT(id)) || snapshot_get(snap, id))
			continue;
		snapshot_why(snap, id, why, sizeof(why));
		json_object_object_add(o, d ? d->name : "?",
				       json_object_new_string(why));
	}
	if (json_object_object_length(o) == 0) {
		json_object_put(o);
		return NULL;
	}
	return json_take(o);
}

int series_collect(const struct snapshot *snap, const struct series_opts *o,
		   struct series_set *ret)
{
	struct series_set s = { 0 };
	const struct meminfo *mi = snapshot_get(snap, SRC_MEMINFO);
	struct accounting a;
	int r = 0;

	(void)o;
	s.failed = failed_json(snap);
	if (mi && accounting_compute(mi, VAL_ABSENT, &a) == 0) {
		for (int c = 0; c < _ACCT_MAX; c++) {
			const struct acct_cat_info *ci = acct_cat_info(c);

			if (!a.present[c])
				continue;
			series_add(&s, "category", ci->key, a.bytes[c],
				   acct_reclaim_name(ci->reclaim),
				   category_owner(c));
		}
		series_add(&s, "meminfo", "total", (int64_t)a.total, NULL,
			   NULL);
		if (val_has(a.available))
			series_add(&s, "meminfo", "available",
				   (int64_t)a.available, NULL, NULL);
	} else {
		r = -ENODATA;
	}
	*ret = s;
	return r;
}
