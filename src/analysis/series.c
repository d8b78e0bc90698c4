/* A snapshot as a flat list of series; see series.h.
 *
 * The categories are computed exactly as `memtally usage --deep` computes
 * them (vmallocinfo takes the vmalloc'd task stacks out of vmalloc, and
 * zoneinfo the per-CPU free pages out of the remainder), so a recording
 * and the view agree. vmallocinfo costs the kernel ~3 ms to print: once a
 * sample, a minute apart, that is nothing, and the pool tags need it.
 *
 * The usage categories are the first series: they sum to MemTotal, so a
 * leak anywhere shows in exactly one of them (a pipe-buffer leak in
 * `unaccounted`, a SysV message leak in unreclaimable slab, a tmpfs leak
 * in shmem). Finer series (pool tags, free lists) say which part of a
 * category grew; their owner JSON names the category they belong to, so
 * `leaks` and `diff` can walk the chain category -> tag -> module. The
 * owners (model/owners.c) add one more step: per kind of held object,
 * the processes holding the most, whose owner names the category that
 * kind's memory lives in (a pipe's buffers in `unaccounted`), so the
 * chain goes on category -> kind -> process. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "../model/cgroups.h"
#include "../model/procs.h"
#include "../sources/buddyinfo.h"
#include "../sources/zoneinfo.h"
#include "accounting.h"
#include "bpftags.h"
#include "owners.h"
#include "pools.h"
#include "series.h"

uint64_t series_sources(void)
{
	return SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_ZONEINFO) |
	       SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) |
	       SRC_BIT(SRC_ALLOCINFO) | SRC_BIT(SRC_BUDDYINFO);
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

json_object *series_owner_object(const char *owner, const char *reclaim)
{
	json_object *o = owner ? json_tokener_parse(owner) : NULL;

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	if (reclaim)
		json_object_object_add(o, "reclaim",
				       json_object_new_string(reclaim));
	return o;
}

void series_owner_category(const char *owner, char *buf, size_t n)
{
	json_object *o, *c;

	buf[0] = '\0';
	if (!owner)
		return;
	o = json_tokener_parse(owner);
	if (o && json_object_object_get_ex(o, "category", &c) &&
	    json_object_get_string(c))
		snprintf(buf, n, "%s", json_object_get_string(c));
	json_object_put(o);
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
		/* most kernels have no allocation profiling: its absence is
		 * the normal case, not a failure worth a note per sample */
		if (id == SRC_ALLOCINFO && snap->err[id].err == -ENOENT)
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

/* The page size series_collect() uses for page counts: the caller's
 * (live: sysconf), else what vmallocinfo implies, else 4 KiB. */
static uint64_t page_size_of(const struct snapshot *snap,
			     const struct series_opts *o)
{
	const struct vmallocinfo *vi = snapshot_get(snap, SRC_VMALLOCINFO);
	uint64_t ps = vi ? vmallocinfo_page_size(vi) : 0;

	if (o->page_size)
		return o->page_size;
	return ps ? ps : 4096;
}

static const char *pool_reclaim(enum pool_type t)
{
	switch (t) {
	case POOL_RECLAIMABLE:
		return "reclaimable";
	case POOL_UNRECLAIMABLE:
		return "pinned";
	case POOL_TYPE_UNKNOWN:
		break;
	}
	return "unknown";
}

/* The usage category a pool row's bytes are part of, or NULL. A traced
 * page-allocator site's cache reads "pages 4k" (bpftags_cache_name()). */
static const char *pool_category(const struct pool_row *r)
{
	if (r->source == POOL_VMALLOC)
		return "vmalloc";
	/* a traced call site: by where its memory comes from; pages taken
	 * straight from the page allocator are what `unaccounted` holds */
	if (r->source == POOL_BPF && r->cache &&
	    (streq(r->cache, "pages") || strncmp(r->cache, "pages ", 6) == 0))
		return "unaccounted";
	if (r->source == POOL_BPF && r->cache && streq(r->cache, "percpu"))
		return "percpu";
	if (r->source != POOL_SLAB && r->source != POOL_BPF)
		return NULL; /* allocinfo sites span categories */
	if (r->type == POOL_RECLAIMABLE)
		return "slab_reclaimable";
	if (r->type == POOL_UNRECLAIMABLE)
		return "slab_unreclaimable";
	return NULL;
}

static char *pool_owner(const struct pool_row *r)
{
	json_object *o = json_object_new_object();
	const char *cat = pool_category(r), *type = pool_type_name(r->type);

	if (cat)
		json_object_object_add(o, "category",
				       json_object_new_string(cat));
	json_object_object_add(
	    o, "source", json_object_new_string(pool_source_name(r->source)));
	json_object_object_add(o, "tag", json_object_new_string(r->tag));
	json_object_object_add(o, "type",
			       type ? json_object_new_string(type) : NULL);
	json_object_object_add(
	    o, "module", r->module ? json_object_new_string(r->module) : NULL);
	return json_take(o);
}

/* The owner of a "pool_other" line: the category its tags are part of,
 * so a leak spread over many small tags still chains to its category. */
static char *other_owner(int src, int type)
{
	struct pool_row r = {.source = src, .type = type};
	const char *cat = pool_category(&r);
	json_object *o = json_object_new_object();

	if (cat)
		json_object_object_add(o, "category",
				       json_object_new_string(cat));
	json_object_object_add(o, "source",
			       json_object_new_string(pool_source_name(src)));
	json_object_object_add(o, "tags",
			       json_object_new_string("the rest, summed"));
	return json_take(o);
}

/* Pool tags: the top_pools biggest and any of pool_threshold or more as
 * their own series, the rest summed per source and type ("pool_other"),
 * so the number of series stays bounded however many caches the kernel
 * creates. A vmalloc caller in a module is "vmalloc/func [module]". */
static void add_pools(struct series_set *s, const struct snapshot *snap,
		      const struct series_opts *o, uint64_t page)
{
	const struct slabinfo *si = snapshot_get(snap, SRC_SLABINFO);
	const struct vmallocinfo *vi = snapshot_get(snap, SRC_VMALLOCINFO);
	const struct allocinfo *ai = snapshot_get(snap, SRC_ALLOCINFO);
	uint64_t other[_POOL_SOURCE_MAX][3] = {{0}};
	bool seen[_POOL_SOURCE_MAX][3] = {{false}};
	struct pool_set ps = {0};
	size_t kept = 0;

	if (si)
		pools_add_slab(&ps, si, o->slab_types, page);
	if (vi)
		pools_add_vmalloc(&ps, vi, page);
	if (ai)
		pools_add_allocinfo(&ps, ai);
	if (o->bpf_rows)
		bpftags_to_pools(&ps, o->bpf_rows, o->n_bpf);
	pools_sort(&ps, POOL_SORT_BYTES);
	for (size_t i = 0; i < ps.n; i++) {
		const struct pool_row *r = &ps.rows[i];
		char name[128];

		if (!val_has(r->bytes) || r->bytes > INT64_MAX)
			continue;
		if (kept < o->top_pools || r->bytes >= o->pool_threshold) {
			if (r->module)
				snprintf(name, sizeof(name), "%s/%s [%s]",
					 pool_source_name(r->source), r->tag,
					 r->module);
			else
				snprintf(name, sizeof(name), "%s/%s",
					 pool_source_name(r->source), r->tag);
			series_add(s, "pool", name, (int64_t)r->bytes,
				   pool_reclaim(r->type), pool_owner(r));
			kept++;
			continue;
		}
		other[r->source][r->type] += r->bytes;
		seen[r->source][r->type] = true;
	}
	for (int src = 0; src < _POOL_SOURCE_MAX; src++)
		for (int t = 0; t < 3; t++) {
			char name[64];

			if (!seen[src][t])
				continue;
			snprintf(
			    name, sizeof(name), "%s/%s", pool_source_name(src),
			    pool_type_name(t) ? pool_type_name(t) : "unknown");
			series_add(s, "pool_other", name,
				   (int64_t)other[src][t], pool_reclaim(t),
				   other_owner(src, t));
		}
	pools_release(&ps);
}

/* Free lists: bytes in free blocks of each order, per node and zone. */
static void add_free_lists(struct series_set *s, const struct snapshot *snap,
			   uint64_t page)
{
	const struct buddyinfo *bi = snapshot_get(snap, SRC_BUDDYINFO);

	if (!bi)
		return;
	for (size_t z = 0; z < bi->n_zones; z++) {
		const struct buddyinfo_zone *bz = &bi->zones[z];

		for (unsigned i = 0; i < bi->n_orders && i < 40; i++) {
			char name[64];
			uint64_t b;

			if (mul_u64(bz->free[i], page << i, &b) < 0 ||
			    b > INT64_MAX)
				continue;
			snprintf(name, sizeof(name), "%u/%s/%u", bz->node,
				 bz->zone, i);
			series_add(s, "free", name, (int64_t)b, "free",
				   xstrdup("{\"category\":\"free\"}"));
		}
	}
}

struct ranked {
	size_t i;
	uint64_t v;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Processes: anonymous memory each holds (RssAnon + VmSwap: what only
 * it can free), the top_procs biggest and any of the threshold or more,
 * named "comm[pid]". Their owner names the category `anonymous`, so a
 * growing anonymous category chains to the processes that grow. */
static void add_procs(struct series_set *s, const struct procs *ps,
		      const struct series_opts *o)
{
	_cleanup_free_ struct ranked *r = NULL;
	size_t n = 0;

	if (!ps || !ps->n)
		return;
	r = xmalloc(ps->n * sizeof(*r));
	for (size_t i = 0; i < ps->n; i++) {
		const struct pid_status *st = &ps->v[i].st;
		uint64_t anon = st->v[ST_RSSANON], swap = st->v[ST_VMSWAP];

		if (!val_has(anon))
			continue;
		r[n++] = (struct ranked){i, anon + (val_has(swap) ? swap : 0)};
	}
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t k = 0; k < n; k++) {
		const struct proc *p = &ps->v[r[k].i];
		json_object *ow;
		char name[128];

		if (k >= o->top_procs && r[k].v < o->pool_threshold)
			break;
		if (r[k].v > INT64_MAX)
			continue;
		snprintf(name, sizeof(name), "%s[%d]", p->st.name, p->pid);
		ow = json_object_new_object();
		json_object_object_add(ow, "category",
				       json_object_new_string("anonymous"));
		json_object_object_add(ow, "pid", json_object_new_int(p->pid));
		json_object_object_add(ow, "comm",
				       json_object_new_string(p->st.name));
		series_add(s, "proc", name, (int64_t)r[k].v, "swappable",
			   json_take(ow));
	}
}

/* A figure of a cgroup's memory.stat with its descendants, like its
 * charge: v2's lines are, v1's total_X lines are (X alone is the cgroup's
 * own, which would not add up with the rest). */
static uint64_t cgroup_stat(const struct cgroup_node *c,
			    enum cgroup_stat_field f)
{
	if (!c->has_stat)
		return VAL_ABSENT;
	return c->stat.v1 ? c->stat.total[f] : c->stat.v[f];
}

static void add_cgroup_part(struct series_set *s, const struct cgroup_node *c,
			    const char *part, uint64_t v, const char *reclaim,
			    const char *from)
{
	json_object *ow;
	char name[128];
	int len;

	if (!val_has(v) || v > INT64_MAX)
		return;
	/* a name cut short would lose the part and clash with another */
	len = snprintf(name, sizeof(name), "%s:%s", c->path, part);
	if (len < 0 || (size_t)len >= sizeof(name))
		return;
	ow = json_object_new_object();
	json_object_object_add(ow, "path", json_object_new_string(c->path));
	json_object_object_add(ow, "part", json_object_new_string(part));
	json_object_object_add(ow, "from", json_object_new_string(from));
	series_add(s, "cgroup_part", name, (int64_t)v, reclaim, json_take(ow));
}

/* a - b, or absent when either is; 0 when b is above a (the lines of
 * memory.stat are read one by one, not at one instant) */
static uint64_t sub_parts(uint64_t a, uint64_t b)
{
	if (!val_has(a) || !val_has(b))
		return VAL_ABSENT;
	return a > b ? a - b : 0;
}

static uint64_t add_parts(uint64_t a, uint64_t b)
{
	return val_has(a) && val_has(b) ? a + b : VAL_ABSENT;
}

/* What a cgroup's charge is made of, by how the kernel gets it back: the
 * "cgroup_part" series, named "PATH:PART", so `leaks` can tell a cgroup
 * that grew by page cache or dentries from one that leaks. Page cache
 * without shmem (tmpfs pages only go to swap) is reclaimable; anonymous
 * memory and shmem are swappable. v2 splits slab: the reclaimable slab
 * (dentries, inodes) apart, the rest of the kernel memory pinned. v1 has
 * only the kmem total, reclaimable or not is unknown (its
 * memory.kmem.slabinfo is empty on 6.x). A part whose lines are absent is
 * not recorded. */
static void add_cgroup_parts(struct series_set *s, const struct cgroup_node *c)
{
	uint64_t shmem = cgroup_stat(c, CGS_SHMEM);
	uint64_t sreclaim = cgroup_stat(c, CGS_SLAB_RECLAIMABLE);
	bool v1 = c->has_stat ? c->stat.v1 : c->version == 1;

	add_cgroup_part(s, c, "page_cache",
			sub_parts(cgroup_stat(c, CGS_FILE), shmem),
			"reclaimable",
			v1 ? "memory.stat total_cache - total_shmem"
			   : "memory.stat file - shmem");
	add_cgroup_part(s, c, "anon_shmem",
			add_parts(cgroup_stat(c, CGS_ANON), shmem), "swappable",
			v1 ? "memory.stat total_rss + total_shmem"
			   : "memory.stat anon + shmem");
	if (v1) {
		add_cgroup_part(s, c, "kernel", c->kernel, "unknown",
				"memory.kmem.usage_in_bytes");
		return;
	}
	add_cgroup_part(s, c, "slab_reclaimable", sreclaim, "reclaimable",
			"memory.stat slab_reclaimable");
	add_cgroup_part(s, c, "kernel_pinned", sub_parts(c->kernel, sreclaim),
			"pinned", "memory.stat kernel - slab_reclaimable");
}

/* Cgroups: what each is charged (memory.current, with descendants), for
 * the top_cgroups biggest below the root down to depth 2 and any of the
 * threshold or more, named by path; each followed by its parts. */
static void add_cgroups(struct series_set *s, const struct cgroups *cg,
			const struct series_opts *o)
{
	_cleanup_free_ struct ranked *r = NULL;
	size_t n = 0;

	if (!cg || !cg->n)
		return;
	r = xmalloc(cg->n * sizeof(*r));
	for (size_t i = 0; i < cg->n; i++)
		if (cg->v[i].depth > 0 && val_has(cg->v[i].current))
			r[n++] = (struct ranked){i, cg->v[i].current};
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t k = 0; k < n; k++) {
		const struct cgroup_node *c = &cg->v[r[k].i];
		json_object *ow;

		if (k >= o->top_cgroups && r[k].v < o->pool_threshold)
			break;
		if (r[k].v > INT64_MAX)
			continue;
		ow = json_object_new_object();
		json_object_object_add(ow, "path",
				       json_object_new_string(c->path));
		json_object_object_add(
		    ow, "kernel_bytes",
		    val_has(c->kernel)
			? json_object_new_int64((int64_t)c->kernel)
			: NULL);
		series_add(s, "cgroup", c->path, (int64_t)r[k].v, "unknown",
			   json_take(ow));
		add_cgroup_parts(s, c);
	}
}

/* One (kind, holder) total of an owner set. */
struct own_agg {
	int kind;
	int pid; /* -1: held by no process */
	uint64_t bytes;
	/* held by no process: the SysV creator (shm) or last sender (msg)
	 * of the biggest such object, which names who left it; -1 if none */
	int ipc_pid;
	uint64_t ipc_bytes;
};

/* The PID that names an unheld SysV object's owner, or -1. */
static int ipc_pid_of(const struct owner_obj *o)
{
	if (o->nholders)
		return -1;
	if (o->kind == OWN_SYSV_SHM)
		return o->creator_pid > 0 ? o->creator_pid : -1;
	if (o->kind == OWN_SYSV_MSG)
		return o->last_pid > 0 ? o->last_pid : -1;
	return -1;
}

static int cmp_agg_key(const void *a, const void *b)
{
	const struct own_agg *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_agg_rank(const void *a, const void *b)
{
	const struct own_agg *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static char *holder_owner(const struct owner_set *os, const struct own_agg *a)
{
	const struct owner_kind_info *ki = owner_kind_info(a->kind);
	const struct owner_proc *p =
	    a->pid >= 0 ? owner_set_find_proc(os, a->pid) : NULL;
	json_object *o = json_object_new_object();

	json_object_object_add(
	    o, "category", json_object_new_string(acct_cat_info(ki->cat)->key));
	json_object_object_add(o, "kind", json_object_new_string(ki->name));
	if (a->pid < 0 && a->ipc_pid > 0)
		json_object_object_add(
		    o, a->kind == OWN_SYSV_SHM ? "creator_pid" : "last_pid",
		    json_object_new_int(a->ipc_pid));
	if (a->pid >= 0) {
		json_object_object_add(o, "pid", json_object_new_int(a->pid));
		if (p && p->comm)
			json_object_object_add(o, "comm",
					       json_object_new_string(p->comm));
		if (p && p->cgroup)
			json_object_object_add(
			    o, "cgroup", json_object_new_string(p->cgroup));
	}
	return json_take(o);
}

void series_add_owners(struct series_set *s, const struct owner_set *os,
		       size_t top)
{
	_cleanup_free_ struct own_agg *v = NULL;
	size_t n = 0, m = 0, kept = 0;

	if (!os || !os->nobjs || !top)
		return;
	v = xmalloc(os->nobjs * sizeof(*v));
	for (size_t i = 0; i < os->nobjs; i++) {
		const struct owner_obj *o = &os->objs[i];

		if (!val_has(o->bytes) || !o->bytes)
			continue;
		v[n++] =
		    (struct own_agg){o->kind, o->nholders ? o->holders[0] : -1,
				     o->bytes, ipc_pid_of(o), o->bytes};
	}
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_agg_key);
	for (size_t i = 0; i < n; i++) {
		if (m && v[m - 1].kind == v[i].kind &&
		    v[m - 1].pid == v[i].pid) {
			v[m - 1].bytes += v[i].bytes;
			if (v[i].ipc_pid > 0 &&
			    (v[m - 1].ipc_pid <= 0 ||
			     v[i].ipc_bytes > v[m - 1].ipc_bytes)) {
				v[m - 1].ipc_pid = v[i].ipc_pid;
				v[m - 1].ipc_bytes = v[i].ipc_bytes;
			}
			continue;
		}
		v[m++] = v[i];
	}
	qsort(v, m, sizeof(*v), cmp_agg_rank);
	for (size_t i = 0; i < m; i++) {
		const struct owner_kind_info *ki = owner_kind_info(v[i].kind);
		char name[128];

		if (i == 0 || v[i].kind != v[i - 1].kind)
			kept = 0;
		if (v[i].bytes > INT64_MAX)
			continue;
		/* the unheld objects are one series, always kept */
		if (v[i].pid >= 0 && kept++ >= top)
			continue;
		if (v[i].pid >= 0)
			snprintf(name, sizeof(name), "%s/%d", ki->name,
				 v[i].pid);
		else
			snprintf(name, sizeof(name), "%s/nobody", ki->name);
		series_add(s, "owner", name, (int64_t)v[i].bytes,
			   acct_reclaim_name(acct_cat_info(ki->cat)->reclaim),
			   holder_owner(os, &v[i]));
	}
}

int series_collect(const struct snapshot *snap, const struct series_opts *o,
		   struct series_set *ret)
{
	struct series_set s = {0};
	const struct meminfo *mi = snapshot_get(snap, SRC_MEMINFO);
	uint64_t page = page_size_of(snap, o);
	struct accounting a;
	int r = 0;

	s.failed = failed_json(snap);
	/* the categories exactly as `usage` computes them: vmalloc'd stacks
	 * counted once, per-CPU free pages out of the remainder */
	if (mi && accounting_from_snapshot(snap, page, &a) == 0) {
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
	add_pools(&s, snap, o, page);
	add_free_lists(&s, snap, page);
	add_procs(&s, o->procs, o);
	add_cgroups(&s, o->cgroups, o);
	series_add_owners(&s, o->owners, o->top_owners);
	*ret = s;
	return r;
}

/* A growing category names the process behind its first "owner" link
 * (series_owner_json()'s contract). */
static void lift_holder(json_object *o, const struct series_link *chain,
			size_t n)
{
	static const char *const keys[] = {"pid", "comm", "cgroup", "kind"};

	if (json_object_object_get_ex(o, "pid", NULL) ||
	    json_object_object_get_ex(o, "kind", NULL))
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *e =
		    chain[i].owner ? json_tokener_parse(chain[i].owner) : NULL;
		json_object *v;

		if (!e || !json_object_object_get_ex(e, "kind", NULL) ||
		    !json_object_object_get_ex(e, "pid", NULL)) {
			json_object_put(e);
			continue;
		}
		for (size_t k = 0; k < ELEMENTSOF(keys); k++)
			if (json_object_object_get_ex(e, keys[k], &v))
				json_object_object_add(o, keys[k],
						       json_object_get(v));
		json_object_put(e);
		return;
	}
}

char *series_owner_json(const char *owner, const char *reclaim,
			const struct series_link *chain, size_t n)
{
	json_object *o = series_owner_object(owner, reclaim);
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *e = series_owner_object(chain[i].owner, NULL);

		json_object_object_add(e, "series",
				       json_object_new_string(chain[i].series));
		json_object_object_add(e, chain[i].key,
				       json_object_new_int64(chain[i].value));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "chain", arr);
	lift_holder(o, chain, n);
	return json_take(o);
}

/* A string member of o, or NULL (absent, null or not a string). */
static const char *owner_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static const char *source_text(const char *src)
{
	return streq(src, "slab")	 ? "slab cache"
	       : streq(src, "vmalloc")	 ? "vmalloc caller"
	       : streq(src, "allocinfo") ? "call site"
	       : streq(src, "bpf")	 ? "call site (traced)"
					 : src;
}

/* The module part of an owner text: "module M", or "built-in" for a
 * kernel tag without one; "" when the owner names no code. */
static void module_text(json_object *o, char *buf, size_t n)
{
	const char *src = owner_str(o, "source"), *mod = owner_str(o, "module");

	buf[0] = '\0';
	if (mod)
		snprintf(buf, n, "module %s", mod);
	else if (src && !json_object_object_get_ex(o, "tags", NULL))
		snprintf(buf, n, "built-in");
}

void series_owner_text(const char *owner_json, unsigned flags, char *buf,
		       size_t n)
{
	json_object *o = owner_json ? json_tokener_parse(owner_json) : NULL;
	json_object *v, *chain;
	const char *src, *s;
	char mod[200];
	size_t len = 0;

#define APPEND(...)                                                            \
	(len += (size_t)snprintf(buf + len, len < n ? n - len : 0, __VA_ARGS__))
	buf[0] = '\0';
	if (!o)
		return;
	src = owner_str(o, "source");
	if ((s = owner_str(o, "from")))
		APPEND("%s", s);
	if (src && json_object_object_get_ex(o, "tags", NULL))
		APPEND("%sthe other %s tags, summed", len ? ", " : "", src);
	else if (src)
		APPEND("%s%s", len ? ", " : "", source_text(src));
	/* an owner series says what its process holds; a category that
	 * series_owner_json() gave a holder says who */
	if ((s = owner_str(o, "kind")) && owner_str(o, "from") &&
	    json_object_object_get_ex(o, "pid", &v))
		APPEND("; pid %d%s%s%s holds %s", json_object_get_int(v),
		       owner_str(o, "comm") ? " (" : "",
		       owner_str(o, "comm") ? owner_str(o, "comm") : "",
		       owner_str(o, "comm") ? ")" : "",
		       series_owner_kind_text(s));
	else if (s)
		APPEND("%s%s", len ? ", " : "", series_owner_kind_text(s));
	if ((flags & SERIES_OWNER_HOLDER) &&
	    json_object_object_get_ex(o, "pid", &v))
		APPEND("%sprocess %d", len ? ", " : "", json_object_get_int(v));
	if ((flags & SERIES_OWNER_HOLDER) && (s = owner_str(o, "cgroup")))
		APPEND("%scgroup %s", len ? ", " : "", s);
	if ((flags & SERIES_OWNER_HOLDER) && (s = owner_str(o, "path")))
		APPEND("%scgroup %s", len ? ", " : "", s);
	/* without holders a module is a row of its own, built-in is not */
	module_text(o, mod, sizeof(mod));
	if (mod[0] && ((flags & SERIES_OWNER_HOLDER) || streq(mod, "built-in")))
		APPEND("%s%s", len ? ", " : "", mod);
	if ((flags & SERIES_OWNER_CHAIN) &&
	    json_object_object_get_ex(o, "chain", &chain))
		for (size_t i = 0; i < json_object_array_length(chain); i++) {
			json_object *e = json_object_array_get_idx(chain, i);

			if ((s = owner_str(e, "series")))
				APPEND(" -> %s", s);
		}
#undef APPEND
	json_object_put(o);
	if (len >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
}

size_t series_owner_holders(const char *owner_json, struct series_holder *ret,
			    size_t max)
{
	json_object *o = owner_json ? json_tokener_parse(owner_json) : NULL;
	json_object *v;
	const char *s;
	size_t k = 0;

	if (!o)
		return 0;
	if (k < max && (s = owner_str(o, "module"))) {
		snprintf(ret[k].what, sizeof(ret[k].what), "module");
		snprintf(ret[k++].who, sizeof(ret[0].who), "%s", s);
	}
	if (k < max && json_object_object_get_ex(o, "pid", &v)) {
		const char *comm = owner_str(o, "comm");

		snprintf(ret[k].what, sizeof(ret[k].what), "process");
		/* an owner series names the command; a proc series has it
		 * in its name already */
		if (comm && json_object_object_get_ex(o, "kind", NULL))
			snprintf(ret[k++].who, sizeof(ret[0].who), "%d (%s)",
				 json_object_get_int(v), comm);
		else
			snprintf(ret[k++].who, sizeof(ret[0].who), "%d",
				 json_object_get_int(v));
	}
	if (k < max &&
	    ((s = owner_str(o, "path")) || (s = owner_str(o, "cgroup")))) {
		snprintf(ret[k].what, sizeof(ret[k].what), "cgroup");
		snprintf(ret[k++].who, sizeof(ret[0].who), "%s", s);
	}
	json_object_put(o);
	return k;
}

void series_set_fail(struct series_set *s, const char *source, const char *why)
{
	json_object *f = s->failed ? json_tokener_parse(s->failed) : NULL;

	if (!f || !json_object_is_type(f, json_type_object)) {
		json_object_put(f);
		f = json_object_new_object();
	}
	json_object_object_add(f, source, json_object_new_string(why));
	free(s->failed);
	s->failed = json_take(f);
}

const char *series_owner_kind_text(const char *kind)
{
	static const struct {
		const char *kind, *text;
	} t[] = {
	    {"pipe", "pipe buffers"},
	    {"tcp", "TCP socket buffers"},
	    {"udp", "UDP socket buffers"},
	    {"unix", "unix socket buffers"},
	    {"socket", "socket buffers"},
	    {"bpf-map", "BPF maps"},
	    {"bpf-prog", "BPF programs"},
	    {"io_uring", "io_uring rings"},
	    {"memfd", "memfd files"},
	    {"deleted-file", "deleted files' page cache"},
	    {"tmpfs-file", "tmpfs files"},
	    {"sysv-shm", "SysV shared memory"},
	    {"sysv-msg", "SysV messages"},
	    {"posix-mq", "POSIX message queues"},
	    {"hugetlb", "huge pages"},
	    {"epoll", "epoll items"},
	    {"inotify", "inotify marks"},
	    {"fanotify", "fanotify marks"},
	    {"dma-buf", "DMA buffers"},
	    {"drm", "GPU buffers"},
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++)
		if (streq(t[i].kind, kind))
			return t[i].text;
	return kind;
}

bool series_owner_proc(const char *owner_json, struct series_owner_proc *ret)
{
	json_object *o = owner_json ? json_tokener_parse(owner_json) : NULL;
	struct series_owner_proc p = {.pid = -1, .ipc_pid = -1};
	json_object *v;
	const char *s;

	if (!o || !(s = owner_str(o, "kind"))) {
		json_object_put(o);
		return false;
	}
	snprintf(p.kind, sizeof(p.kind), "%s", s);
	if (json_object_object_get_ex(o, "pid", &v) &&
	    json_object_is_type(v, json_type_int))
		p.pid = json_object_get_int(v);
	if ((s = owner_str(o, "comm")))
		snprintf(p.comm, sizeof(p.comm), "%s", s);
	if ((s = owner_str(o, "cgroup")))
		snprintf(p.cgroup, sizeof(p.cgroup), "%s", s);
	if (json_object_object_get_ex(o, "creator_pid", &v) &&
	    json_object_is_type(v, json_type_int)) {
		p.ipc_pid = json_object_get_int(v);
		p.ipc_creator = true;
	} else if (json_object_object_get_ex(o, "last_pid", &v) &&
		   json_object_is_type(v, json_type_int)) {
		p.ipc_pid = json_object_get_int(v);
	}
	json_object_put(o);
	*ret = p;
	return true;
}

void series_owner_sentence(const char *owner_json, double bytes_per_s,
			   char *buf, size_t n)
{
	struct series_owner_proc p;
	char who[400], rate[32];

	buf[0] = '\0';
	if (!series_owner_proc(owner_json, &p))
		return;
	human_bytes_signed(
	    (int64_t)(bytes_per_s >= 0 ? bytes_per_s + 0.5 : bytes_per_s - 0.5),
	    rate, sizeof(rate));
	if (p.pid < 0 && p.ipc_pid > 0) {
		snprintf(buf, n, "%s no process holds (%s pid %d), %s/s",
			 series_owner_kind_text(p.kind),
			 p.ipc_creator ? "created by" : "last message from",
			 p.ipc_pid, rate);
		return;
	}
	if (p.pid < 0) {
		snprintf(buf, n, "%s no process holds, %s/s",
			 series_owner_kind_text(p.kind), rate);
		return;
	}
	snprintf(who, sizeof(who), "pid %d%s%s%s%s%s", p.pid,
		 p.comm[0] ? " (" : "", p.comm, p.comm[0] ? ")" : "",
		 p.cgroup[0] ? " in " : "", p.cgroup);
	snprintf(buf, n, "%s holds %s, %s/s", who,
		 series_owner_kind_text(p.kind), rate);
}

bool series_failed_has(const struct series_set *s, const char *source)
{
	json_object *f = s->failed ? json_tokener_parse(s->failed) : NULL;
	bool r = f && json_object_object_get_ex(f, source, NULL);

	json_object_put(f);
	return r;
}
