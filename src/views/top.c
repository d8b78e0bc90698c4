/* The documents of `memtally top` other than pools; see top.h.
 *
 * Each is what one screen of top shows, as a document, so that the
 * full-screen view and `top --batch` (text or JSON lines) draw the same
 * figures: the header's memory totals (the accounting to 100%, and the
 * commit charge), the categories of that accounting, the processes by
 * PSS (as `memtally procs` sorts them), and the buddy free lists by zone.
 * The pools screen is the pools view with top's settings; its tracer
 * is started here, so that the screen says why when it cannot run. The
 * page size is the root's (root_page_size). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../analysis/accounting.h"
#include "../analysis/freelists.h"
#include "../basic/xalloc.h"
#include "../model/procs.h"
#include "../model/snapshot.h"
#include "top.h"

static uint64_t page_size(struct root *root)
{
	return root_page_size(root);
}

static struct table *memory_table(const struct accounting *ac,
				  const struct meminfo *mi)
{
	struct table *t = table_new("Memory");
	uint64_t slab = (uint64_t)ac->bytes[ACCT_SLAB_RECLAIMABLE] +
			(uint64_t)ac->bytes[ACCT_SLAB_UNRECLAIMABLE];
	size_t r;

	table_add_col(t, "TOTAL", "total", COL_BYTES);
	table_add_col(t, "AVAILABLE", "available", COL_BYTES);
	table_add_col(t, "FREE", "free", COL_BYTES);
	table_add_col(t, "SLAB", "slab", COL_BYTES);
	table_add_col(t, "UNACCOUNTED", "unaccounted", COL_BYTES);
	table_add_col(t, "COMMIT", "commit", COL_BYTES);
	table_add_col(t, "COMMIT-LIMIT", "commit_limit", COL_BYTES);
	r = table_add_row(t);
	table_set_u64(t, r, 0, ac->total);
	table_set_u64(t, r, 1, ac->available);
	table_set_u64(t, r, 2, (uint64_t)ac->bytes[ACCT_FREE]);
	table_set_u64(t, r, 3, slab);
	table_set_i64(t, r, 4, ac->bytes[ACCT_UNACCOUNTED]);
	table_set_u64(t, r, 5, mi->v[MI_COMMITTED_AS]);
	table_set_u64(t, r, 6, mi->v[MI_COMMITLIMIT]);
	return t;
}

int view_top_header(struct root *root, struct doc **ret, struct view_err *err)
{
	struct snapshot snap;
	struct accounting ac;
	const struct meminfo *mi;
	struct doc *d;

	snapshot_collect(root, ACCT_SOURCES, &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	if (!mi || accounting_from_snapshot(&snap, page_size(root), &ac) < 0) {
		snapshot_why(&snap, SRC_MEMINFO, err->msg, sizeof(err->msg));
		snapshot_release(&snap);
		return -ENODATA;
	}
	d = doc_new();
	doc_add_table(d, "memory", memory_table(&ac, mi));
	snapshot_release(&snap);
	*ret = d;
	return 0;
}

int top_usage_doc(struct root *root, struct doc **ret, struct view_err *err)
{
	struct snapshot snap;
	struct accounting ac;
	struct table *t;
	struct doc *d;
	int r;

	snapshot_collect(root, ACCT_SOURCES, &snap);
	r = accounting_from_snapshot(&snap, page_size(root), &ac);
	if (r < 0) {
		snapshot_why(&snap, SRC_MEMINFO, err->msg, sizeof(err->msg));
		snapshot_release(&snap);
		return r;
	}
	snapshot_release(&snap);
	d = doc_new();
	t = doc_add_table(d, "usage", table_new(NULL));
	table_add_col(t, "CATEGORY", "category", COL_STR);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "SHARE", "pct", COL_PCT);
	table_add_col(t, "RECLAIM", "reclaim", COL_STR);
	for (int c = 0; c < _ACCT_MAX; c++) {
		const struct acct_cat_info *ci = acct_cat_info(c);
		size_t row;

		if (!ac.present[c])
			continue;
		row = table_add_row(t);
		table_set_str(t, row, 0, ci->label);
		table_set_i64(t, row, 1, ac.bytes[c]);
		if (ac.total)
			table_set_double(t, row, 2,
					 100.0 * (double)ac.bytes[c] /
					     (double)ac.total);
		table_set_str(t, row, 3, acct_reclaim_name(ci->reclaim));
	}
	*ret = d;
	return 0;
}

static int cmp_pss(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a;
	const struct proc *y = *(const struct proc *const *)b;
	uint64_t px = val_has(x->sm.v[SM_PSS]) ? x->sm.v[SM_PSS] : 0;
	uint64_t py = val_has(y->sm.v[SM_PSS]) ? y->sm.v[SM_PSS] : 0;

	return px < py ? 1 : px > py ? -1 : x->pid - y->pid;
}

static struct table *procs_table(const struct procs *ps)
{
	_cleanup_free_ const struct proc **v = xcalloc(ps->n + 1, sizeof(*v));
	struct table *t = table_new(NULL);
	size_t n = 0;

	table_add_col(t, "PID", "pid", COL_COUNT);
	table_add_col(t, "COMMAND", "command", COL_STR);
	table_add_col(t, "RSS", "rss", COL_BYTES);
	table_add_col(t, "PSS", "pss", COL_BYTES);
	table_add_col(t, "USS", "uss", COL_BYTES);
	table_add_col(t, "SWAP", "swap", COL_BYTES);
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].sm.has_mm)
			v[n++] = &ps->v[i];
	qsort(v, n, sizeof(*v), cmp_pss);
	for (size_t i = 0; i < n; i++) {
		size_t r = table_add_row(t);

		table_set_u64(t, r, 0, (uint64_t)v[i]->pid);
		table_set_str(t, r, 1, v[i]->st.name);
		table_set_u64(t, r, 2, v[i]->sm.v[SM_RSS]);
		table_set_u64(t, r, 3, v[i]->sm.v[SM_PSS]);
		table_set_u64(t, r, 4, proc_uss(v[i]));
		table_set_u64(t, r, 5, v[i]->sm.v[SM_SWAP]);
	}
	if (ps->n_denied)
		table_add_note(t,
			       "%zu process(es) could not be read (not root?); "
			       "'memtally procs' names them",
			       ps->n_denied);
	return t;
}

int top_procs_doc(struct root *root, struct doc **ret, struct view_err *err)
{
	struct source_err serr = {0};
	struct procs ps = {0};
	struct doc *d;
	int r;

	r = procs_collect(root, NULL, 0, &ps, &serr);
	if (r < 0) {
		source_err_format(&serr, err->msg, sizeof(err->msg));
		return r;
	}
	d = doc_new();
	doc_add_table(d, "procs", procs_table(&ps));
	procs_release(&ps);
	*ret = d;
	return 0;
}

static struct table *zones_table(const struct freelists *fl)
{
	struct table *t = table_new("Free memory and free blocks by order");
	char h[16], k[16];

	table_add_col(t, "NODE", "node", COL_COUNT);
	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "FREE", "free", COL_BYTES);
	for (unsigned o = 0; o < fl->n_orders; o++) {
		snprintf(h, sizeof(h), "%u", o);
		snprintf(k, sizeof(k), "order%u", o);
		table_add_col(t, h, k, COL_COUNT);
	}
	for (size_t z = 0; z < fl->n_zones; z++) {
		const struct freelists_zone *zn = &fl->zones[z];
		size_t r = table_add_row(t);

		table_set_u64(t, r, 0, zn->node);
		table_set_str(t, r, 1, zn->zone);
		table_set_u64(t, r, 2, zn->o.free_pages * fl->page_size);
		for (unsigned o = 0; o < zn->o.n_orders && o < fl->n_orders;
		     o++)
			table_set_u64(t, r, 3 + o, zn->o.blocks[o]);
	}
	return t;
}

int top_free_doc(struct root *root, struct doc **ret, struct view_err *err)
{
	const struct buddyinfo *b;
	struct snapshot snap;
	struct freelists fl;
	struct doc *d;
	int r = -ENODATA;

	snapshot_collect(root, SRC_BIT(SRC_BUDDYINFO) | SRC_BIT(SRC_ZONEINFO),
			 &snap);
	b = snapshot_get(&snap, SRC_BUDDYINFO);
	if (b)
		r = freelists_build(b, snapshot_get(&snap, SRC_ZONEINFO), NULL,
				    page_size(root), &fl);
	if (r < 0 && b)
		view_fail(err, r,
			  "cannot build the free lists from "
			  "'/proc/buddyinfo'");
	else if (r < 0)
		snapshot_why(&snap, SRC_BUDDYINFO, err->msg, sizeof(err->msg));
	snapshot_release(&snap);
	if (r < 0)
		return r;
	d = doc_new();
	doc_add_table(d, "zones", zones_table(&fl));
	freelists_release(&fl);
	*ret = d;
	return 0;
}

int view_top_pools(struct root *root, const struct top_pools_opts *o,
		   struct doc **ret, struct view_err *err)
{
	char *inc[] = {o->include}, *exc[] = {o->exclude};
	struct pools_opts po = {
	    .sources = POOL_SRC_BIT(POOL_SLAB) | POOL_SRC_BIT(POOL_VMALLOC) |
		       POOL_SRC_BIT(POOL_ALLOCINFO) |
		       (o->bpf ? POOL_SRC_BIT(POOL_BPF) : 0),
	    .sort = o->sort,
	    .filter = {.type = o->type,
		       .include = inc,
		       .n_include = o->include[0] ? 1 : 0,
		       .exclude = exc,
		       .n_exclude = o->exclude[0] ? 1 : 0},
	    .totals = o->totals,
	    .bpf = o->bpf,
	};

	return view_pools(root, &po, ret, err);
}

void top_bpf_start(struct root *root, bool no_bpf, struct pools_bpf **ret,
		   char *status, size_t n)
{
	struct pools_bpf_opts o = {.level = -1};
	char *why = NULL;

	*ret = NULL;
	if (no_bpf) {
		snprintf(status, n, "/proc only (--no-bpf)");
		return;
	}
	if (pools_bpf_start(root, &o, ret, &why) < 0) {
		snprintf(status, n, "bpf unavailable (%s); /proc sources only",
			 why ? why : "?");
		free(why);
		*ret = NULL;
		return;
	}
	snprintf(status, n, "bpf: tracing");
}

struct doc *top_refresh_doc(const struct top_refresh *r)
{
	struct doc *d = doc_new();

	doc_add_count(d, "refresh", "Refresh", r->n);
	doc_add_str(d, "view", "View", r->view);
	doc_add_str(d, "bpf", "Sources", r->bpf_status);
	if (r->header)
		doc_add_doc(d, "header", r->header);
	else
		doc_add_null(d, "header", "Memory totals", r->header_why);
	if (r->screen)
		doc_add_doc(d, r->view, r->screen);
	else
		doc_add_null(d, r->view, r->title, r->why);
	return d;
}
