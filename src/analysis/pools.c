/* The pools analysis: PoolMon's table from slab caches, vmalloc callers
 * and allocation call sites.
 *
 * PoolMon (Windows) lists pool tags with Allocs, Frees, Diff (live
 * allocations), Bytes (held) and Per Alloc (Bytes / Diff), paged or
 * nonpaged. The Linux counterparts, and what each source can honestly say:
 *
 *   slab (/proc/slabinfo + /sys/kernel/slab): diff = active objects;
 *     bytes = num_slabs * pagesperslab * page size, the pages the cache
 *     holds, so per-slab waste and free objects are included (slabtop's
 *     "cache size"); type from the cache's SLAB_RECLAIM_ACCOUNT flag
 *     (reclaim_account in sysfs, or the 'a' in a merged ":a-0000104" name).
 *     Reclaimable caches are what meminfo counts as SReclaimable.
 *   vmalloc (/proc/vmallocinfo): areas grouped by caller function and
 *     module; diff = areas, bytes = pages=N * page size (RAM held; ioremap
 *     and vmap areas hold no RAM of their own, only address space);
 *     unreclaimable, like the nonpaged pool.
 *   allocinfo (/proc/allocinfo): one row per call site; diff = live calls,
 *     bytes = size; type unknown (the file does not say). These sites
 *     include slab and vmalloc memory: do not add allocinfo to the others.
 *
 * No source counts allocations and frees over time (SLUB does only with
 * CONFIG_SLUB_STATS, per CPU, and not per cache in a stable file), so
 * allocs and frees stay absent until an eBPF source fills them.
 *
 * Sorting puts absent values last whatever the direction, so "n/a" never
 * masquerades as the smallest or the largest. */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "pools.h"

static const char *const source_names[_POOL_SOURCE_MAX] = {
    [POOL_SLAB] = "slab",
    [POOL_VMALLOC] = "vmalloc",
    [POOL_ALLOCINFO] = "allocinfo",
    [POOL_BPF] = "bpf",
};

const char *pool_source_name(enum pool_source s)
{
	return (unsigned)s < _POOL_SOURCE_MAX ? source_names[s] : "?";
}

int pool_source_from_name(const char *name)
{
	for (int i = 0; i < _POOL_SOURCE_MAX; i++)
		if (streq(source_names[i], name))
			return i;
	return -1;
}

const char *pool_type_name(enum pool_type t)
{
	switch (t) {
	case POOL_RECLAIMABLE:
		return "reclaimable";
	case POOL_UNRECLAIMABLE:
		return "unreclaimable";
	case POOL_TYPE_UNKNOWN:
		break;
	}
	return NULL;
}

static struct pool_row *add_row(struct pool_set *set, const char *tag,
				enum pool_source src)
{
	struct pool_row *r;

	set->rows =
	    xgrow(set->rows, &set->alloc, set->n + 1, sizeof(*set->rows));
	r = &set->rows[set->n++];
	memset(r, 0, sizeof(*r));
	r->tag = xstrdup(tag);
	r->source = src;
	r->allocs = r->frees = VAL_ABSENT;
	r->diff = r->bytes = r->per_alloc = VAL_ABSENT;
	r->objsize = r->objects = VAL_ABSENT;
	r->frees_err = VAL_ABSENT;
	return r;
}

static void set_per_alloc(struct pool_row *r)
{
	if (val_has(r->bytes) && val_has(r->diff) && r->diff > 0)
		r->per_alloc = r->bytes / r->diff;
}

/* reclaimable? from sysfs, else from a merged name's flags, else from the
 * kmalloc-rcl- naming (KMALLOC_RECLAIM caches, 4.20+). */
static enum pool_type slab_type(const char *name, const struct slab_sysfs *ss,
				bool *guessed)
{
	const struct slab_sysfs_cache *c =
	    ss ? slab_sysfs_resolve(ss, name) : NULL;
	int f;

	*guessed = false;
	if (c && val_has(c->v[SA_RECLAIM_ACCOUNT]))
		return c->v[SA_RECLAIM_ACCOUNT] ? POOL_RECLAIMABLE
						: POOL_UNRECLAIMABLE;
	*guessed = true;
	f = slab_sysfs_name_reclaimable(c ? c->name : name);
	if (f >= 0)
		return f ? POOL_RECLAIMABLE : POOL_UNRECLAIMABLE;
	if (strncmp(name, "kmalloc-rcl-", 12) == 0)
		return POOL_RECLAIMABLE;
	*guessed = false;
	return POOL_TYPE_UNKNOWN;
}

void pools_add_slab(struct pool_set *set, const struct slabinfo *si,
		    const struct slab_sysfs *ss, uint64_t page_size)
{
	for (size_t i = 0; i < si->n_caches; i++) {
		const struct slabinfo_cache *c = &si->caches[i];
		struct pool_row *r = add_row(set, c->name, POOL_SLAB);
		bool guessed;
		uint64_t b;

		r->type = slab_type(c->name, ss, &guessed);
		if (r->type == POOL_TYPE_UNKNOWN)
			set->n_type_unknown++;
		else if (guessed)
			set->n_type_guessed++;
		r->diff = c->active_objs;
		if (mul_u64(c->num_slabs, c->pagesperslab, &b) == 0 &&
		    mul_u64(b, page_size, &b) == 0)
			r->bytes = b;
		r->objsize = c->objsize;
		r->objects = c->num_objs;
		set_per_alloc(r);
	}
}

static int area_cmp(const void *a, const void *b)
{
	const struct vmalloc_area *x = *(const struct vmalloc_area *const *)a;
	const struct vmalloc_area *y = *(const struct vmalloc_area *const *)b;
	int c = strcmp(x->func, y->func);

	if (c)
		return c;
	return strcmp(x->module ? x->module : "", y->module ? y->module : "");
}

void pools_add_vmalloc(struct pool_set *set, const struct vmallocinfo *vi,
		       uint64_t page_size)
{
	_cleanup_free_ const struct vmalloc_area **v = NULL;
	size_t n = 0;

	v = xcalloc(vi->n_areas ? vi->n_areas : 1, sizeof(*v));
	for (size_t i = 0; i < vi->n_areas; i++) {
		if (vi->areas[i].func)
			v[n++] = &vi->areas[i];
		else
			set->n_vmalloc_skipped++;
	}
	qsort(v, n, sizeof(*v), area_cmp);
	for (size_t i = 0; i < n;) {
		struct pool_row *r = add_row(set, v[i]->func, POOL_VMALLOC);
		uint64_t pages = 0, areas = 0;
		size_t j = i;

		if (v[i]->module)
			r->module = xstrdup(v[i]->module);
		r->type = POOL_UNRECLAIMABLE;
		for (; j < n && area_cmp(&v[i], &v[j]) == 0; j++) {
			areas++;
			if (val_has(v[j]->pages))
				pages += v[j]->pages; /* < 2^48 each */
		}
		r->diff = areas;
		if (mul_u64(pages, page_size, &r->bytes) < 0)
			r->bytes = VAL_ABSENT;
		set_per_alloc(r);
		i = j;
	}
}

void pools_add_allocinfo(struct pool_set *set, const struct allocinfo *ai)
{
	for (size_t i = 0; i < ai->n_sites; i++) {
		const struct allocinfo_site *s = &ai->sites[i];
		_cleanup_free_ char *tag =
		    xasprintf("%s@%s:%u", s->func, s->file, s->line);
		struct pool_row *r = add_row(set, tag, POOL_ALLOCINFO);

		if (s->module)
			r->module = xstrdup(s->module);
		r->type = POOL_TYPE_UNKNOWN;
		r->diff = s->calls;
		if (s->inaccurate)
			set->n_inaccurate++;
		if (s->bytes >= 0)
			r->bytes = (uint64_t)s->bytes;
		else
			set->n_negative++;
		set_per_alloc(r);
	}
}

int pool_sort_from_name(const char *name)
{
	static const char *const names[] = {
	    [POOL_SORT_TAG] = "tag",	 [POOL_SORT_ALLOCS] = "allocs",
	    [POOL_SORT_FREES] = "frees", [POOL_SORT_DIFF] = "diff",
	    [POOL_SORT_BYTES] = "bytes", [POOL_SORT_PER_ALLOC] = "per-alloc",
	};

	if (streq(name, "per_alloc"))
		return POOL_SORT_PER_ALLOC;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(names[i], name))
			return (int)i;
	return -1;
}

static bool match_any(const char *tag, char *const *pats, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(pats[i], tag, 0) == 0)
			return true;
	return false;
}

static bool row_passes(const struct pool_row *r, const struct pool_filter *f)
{
	if (f->sources && !(f->sources & POOL_SRC_BIT(r->source)))
		return false;
	if (f->type == POOL_FILTER_RECLAIMABLE && r->type != POOL_RECLAIMABLE)
		return false;
	if (f->type == POOL_FILTER_UNRECLAIMABLE &&
	    r->type != POOL_UNRECLAIMABLE)
		return false;
	if (f->n_include && !match_any(r->tag, f->include, f->n_include))
		return false;
	if (f->n_exclude && match_any(r->tag, f->exclude, f->n_exclude))
		return false;
	return true;
}

static void row_free(struct pool_row *r)
{
	free(r->tag);
	free(r->module);
	free(r->cache);
}

void pools_filter(struct pool_set *set, const struct pool_filter *f)
{
	size_t k = 0;

	for (size_t i = 0; i < set->n; i++) {
		if (row_passes(&set->rows[i], f))
			set->rows[k++] = set->rows[i];
		else
			row_free(&set->rows[i]);
	}
	set->n = k;
}

static enum pool_sort sort_key; /* qsort has no context argument */

static uint64_t key_of(const struct pool_row *r)
{
	switch (sort_key) {
	case POOL_SORT_ALLOCS:
		return r->allocs;
	case POOL_SORT_FREES:
		return r->frees;
	case POOL_SORT_DIFF:
		return r->diff;
	case POOL_SORT_PER_ALLOC:
		return r->per_alloc;
	case POOL_SORT_BYTES:
	case POOL_SORT_TAG:
		break;
	}
	return r->bytes;
}

static int row_cmp(const void *a, const void *b)
{
	const struct pool_row *x = a, *y = b;
	int c;

	if (sort_key != POOL_SORT_TAG) {
		uint64_t kx = key_of(x), ky = key_of(y);

		/* VAL_ABSENT is UINT64_MAX: compare "has" first */
		if (val_has(kx) != val_has(ky))
			return val_has(kx) ? -1 : 1;
		if (kx != ky)
			return kx > ky ? -1 : 1;
	}
	c = strcmp(x->tag, y->tag);
	if (c)
		return c;
	return (int)x->source - (int)y->source;
}

void pools_sort(struct pool_set *set, enum pool_sort key)
{
	sort_key = key;
	if (set->n > 1)
		qsort(set->rows, set->n, sizeof(*set->rows), row_cmp);
}

void pools_top(struct pool_set *set, size_t n)
{
	for (size_t i = n; i < set->n; i++)
		row_free(&set->rows[i]);
	if (n < set->n)
		set->n = n;
}

void pools_totals(const struct pool_set *set, struct pool_totals *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < set->n; i++) {
		const struct pool_row *r = &set->rows[i];

		ret->rows[r->source]++;
		ret->all_rows++;
		if (val_has(r->bytes)) {
			ret->bytes[r->source] += r->bytes;
			ret->all_bytes += r->bytes;
		}
		if (val_has(r->diff)) {
			ret->diff[r->source] += r->diff;
			ret->all_diff += r->diff;
		}
	}
}

void pools_release(struct pool_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		row_free(&set->rows[i]);
	free(set->rows);
	memset(set, 0, sizeof(*set));
}
