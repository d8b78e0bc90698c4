/* The free --runs view: the free blocks found page by page, against the
 * buddy allocator's own counts.
 *
 * The seed's debugger walk of MmNonPagedPoolFreeListHead, for Linux: every
 * zone of /proc/zoneinfo is scanned over its PFN span (model/pagescan.c);
 * every page of a free block says BUDDY, and each run of such pages is cut
 * into the blocks the buddy allocator holds by their alignment
 * (analysis/pageclass.c says how, and what old kernels that flag only a
 * block's first page change). The histogram by order is shown
 * next to /proc/buddyinfo's, with how well they agree and why they may
 * not:
 *   - the scan is not atomic: blocks are taken, freed, split and merged
 *     while it runs (a busy machine moves thousands of pages a second);
 *   - orders are rebuilt: each run of free pages is cut at its alignment,
 *     which is the allocator's own cut except where it refuses to merge
 *     (pageblocks of isolated or CMA migrate types); on old kernels that
 *     flag only a block's first page the order is inferred from the blank
 *     pages after it and is an upper bound (analysis/pageclass.c);
 *   - pages on the per-CPU lists are free to the allocator but in neither
 *     buddyinfo nor the BUDDY pages (zoneinfo's pagesets count them);
 *   - memory not yet initialised by deferred struct page init is in
 *     neither either, though MemFree may count it ("uninit" below). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "../analysis/pagerecon.h"
#include "../basic/human.h"
#include "../sources/buddyinfo.h"
#include "../sources/zoneinfo.h"
#include "free.h"
#include "pages.h"

#define TOP_BLOCKS 10

struct block {
	uint64_t pfn;
	unsigned order;
	size_t zone;
};

struct runs_ctx {
	struct block top[TOP_BLOCKS];
	size_t n_top;
	size_t zone; /* the zone being scanned (index into zoneinfo) */
	view_progress_fn progress;
	void *progress_data;
	char what[64]; /* "scanning free blocks in 0/Normal" */
};

/* Keep the TOP_BLOCKS largest blocks, lowest PFN first among equals. */
static void on_block(void *arg, uint64_t pfn, unsigned order, size_t zone)
{
	struct runs_ctx *c = arg;
	size_t i;

	(void)zone;
	if (c->n_top == TOP_BLOCKS && order <= c->top[TOP_BLOCKS - 1].order)
		return;
	if (c->n_top < TOP_BLOCKS)
		c->n_top++;
	for (i = c->n_top - 1; i > 0 && c->top[i - 1].order < order; i--)
		c->top[i] = c->top[i - 1];
	c->top[i].pfn = pfn;
	c->top[i].order = order;
	c->top[i].zone = c->zone;
}

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct runs_ctx *c = arg;

	if (c->progress)
		c->progress(c->progress_data, c->what, done, total);
}

static const struct buddyinfo_zone *buddy_zone(const struct buddyinfo *b,
					       unsigned node, const char *name)
{
	for (size_t i = 0; b && i < b->n_zones; i++)
		if (b->zones[i].node == node && streq(b->zones[i].zone, name))
			return &b->zones[i];
	return NULL;
}

/* What the runs view reads and gathers, zone by zone. */
struct runs {
	struct zoneinfo zi;
	bool have_zi;
	struct buddyinfo bi;
	bool have_bi;
	struct source_err bi_err; /* why buddyinfo could not be read */
	unsigned orders;
	uint64_t ps, kend; /* page size; one past the last PFN scanned */
	uint64_t tot_scan, tot_buddy;
	size_t scanned, beyond;
	struct runs_ctx rc;
	struct table *ht, *at; /* histogram, agreement (text) */
	struct doc *zones;     /* JSON */
};

static struct table *histogram_table(unsigned orders)
{
	struct table *t = table_new("Free blocks by order: the page scan "
				    "against /proc/buddyinfo");

	table_add_col(t, "NODE", "node", COL_COUNT);
	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "FROM", "from", COL_STR);
	for (unsigned o = 0; o < orders; o++) {
		char h[16];

		snprintf(h, sizeof(h), "%u", o);
		table_add_col(t, h, h, COL_COUNT);
	}
	table_add_col(t, "FREE", "bytes", COL_BYTES);
	return t;
}

static struct table *agreement_table(void)
{
	struct table *t = table_new("Agreement:");

	table_add_col(t, "NODE", "node", COL_COUNT);
	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "SCAN", "scan_bytes", COL_BYTES);
	table_add_col(t, "BUDDYINFO", "buddyinfo_bytes", COL_BYTES);
	table_add_col(t, "DIFF", "difference", COL_SBYTES);
	table_add_col(t, "BLOCKS AGREE", "agreement", COL_PCT);
	table_add_col(t, "PER-CPU", "percpu_bytes", COL_BYTES);
	table_add_col(t, "UNINIT", "uninit_bytes", COL_BYTES);
	return t;
}

/* One zone's figures, compared. */
struct zone_cmp {
	const struct zoneinfo_zone *z;
	const struct buddyinfo_zone *bz;
	uint64_t scan_o[PC_ORDER_MAX + 1], buddy_o[PC_ORDER_MAX + 1];
	struct free_recon fr;
	uint64_t pcp, uninit; /* pages */
};

/* The zone's two histogram rows and its agreement row (text). */
static void zone_rows(struct runs *x, const struct zone_cmp *c)
{
	uint64_t ps = x->ps;
	size_t row;

	for (int from = 0; from < 2; from++) {
		const uint64_t *v = from ? c->buddy_o : c->scan_o;

		row = table_add_row(x->ht);
		table_set_u64(x->ht, row, 0, c->z->node);
		table_set_str(x->ht, row, 1, c->z->zone);
		table_set_str(x->ht, row, 2, from ? "buddyinfo" : "page scan");
		if (from && !c->bz)
			continue;
		for (unsigned o = 0; o < x->orders; o++)
			table_set_u64(x->ht, row, 3 + o, v[o]);
		table_set_u64(x->ht, row, 3 + x->orders,
			      (from ? c->fr.buddy_pages : c->fr.scan_pages) *
				  ps);
	}
	row = table_add_row(x->at);
	table_set_u64(x->at, row, 0, c->z->node);
	table_set_str(x->at, row, 1, c->z->zone);
	table_set_u64(x->at, row, 2, c->fr.scan_pages * ps);
	if (c->bz) {
		table_set_u64(x->at, row, 3, c->fr.buddy_pages * ps);
		table_set_i64(
		    x->at, row, 4,
		    ((int64_t)c->fr.scan_pages - (int64_t)c->fr.buddy_pages) *
			(int64_t)ps);
		table_set_double(x->at, row, 5, c->fr.agreement);
	}
	table_set_u64(x->at, row, 6,
		      val_has(c->pcp) ? c->pcp * ps : VAL_ABSENT);
	table_set_u64(x->at, row, 7, c->uninit * ps);
}

/* The zone as a JSON object in the "zones" list. */
static void zone_json(struct runs *x, const struct zone_cmp *c)
{
	struct doc *s = doc_add_section(x->zones, NULL), *a;
	uint64_t ps = x->ps;

	doc_add_count(s, "node", NULL, c->z->node);
	doc_add_str(s, "zone", NULL, c->z->zone);
	a = doc_add_list(s, "free_blocks");
	for (unsigned k = 0; k < x->orders; k++)
		doc_add_count(a, NULL, NULL, c->scan_o[k]);
	if (c->bz) {
		a = doc_add_list(s, "buddyinfo_blocks");
		for (unsigned k = 0; k < x->orders; k++)
			doc_add_count(a, NULL, NULL, c->buddy_o[k]);
	} else {
		doc_add_null(s, "buddyinfo_blocks", NULL, NULL);
	}
	doc_add_bytes(s, "scan_bytes", NULL, c->fr.scan_pages * ps);
	doc_add_bytes(s, "buddyinfo_bytes", NULL,
		      c->bz ? c->fr.buddy_pages * ps : VAL_ABSENT);
	if (c->bz)
		doc_add_pct(s, "agreement", NULL, c->fr.agreement);
	else
		doc_add_null(s, "agreement", NULL, NULL);
	doc_add_bytes(s, "percpu_bytes", NULL,
		      val_has(c->pcp) ? c->pcp * ps : VAL_ABSENT);
	doc_add_bytes(s, "uninit_bytes", NULL, c->uninit * ps);
}

/* Scan zone zidx (when it matches and lies within the kpage files) and
 * add its rows. */
static int scan_zone(struct root *root, const struct free_opts *o,
		     struct runs *x, size_t zidx, struct view_err *err)
{
	struct zone_cmp c = {.z = &x->zi.zones[zidx]};
	struct pagescan_opts so = {0};
	struct pagescan_result res;
	struct pageclass_zone span;
	int r;

	if (o->node >= 0 && (long)c.z->node != o->node)
		return 0;
	if (o->zone && strcasecmp(o->zone, c.z->zone) != 0)
		return 0;
	if (!val_has(c.z->start_pfn) || !val_has(c.z->spanned) ||
	    c.z->spanned == 0)
		return 0;
	span.start = c.z->start_pfn;
	span.end = c.z->start_pfn + c.z->spanned;
	if (span.end > x->kend) {
		/* a captured slice: say so, do not half-count */
		x->beyond++;
		return 0;
	}
	so.lo = span.start;
	so.hi = span.end;
	so.zones = &span;
	so.n_zones = 1;
	so.max_order = x->orders - 1;
	so.emit_block = on_block;
	so.progress = on_progress;
	so.ctx = &x->rc;
	x->rc.zone = zidx;
	snprintf(x->rc.what, sizeof(x->rc.what),
		 "scanning free blocks in %u/%s", c.z->node, c.z->zone);
	r = view_pages_scan(root, &so, NULL, NULL, &res, err);
	if (r < 0)
		return r;
	x->scanned++;
	c.bz = x->have_bi ? buddy_zone(&x->bi, c.z->node, c.z->zone) : NULL;
	for (unsigned k = 0; k < x->orders; k++) {
		c.scan_o[k] = res.c.free_blocks[0][k];
		c.buddy_o[k] = c.bz ? c.bz->free[k] : 0;
	}
	pagerecon_free(c.scan_o, c.buddy_o, x->orders, &c.fr);
	c.pcp = zoneinfo_pcp_count(c.z);
	c.uninit = pageclass_use_pages(&res.c, PU_UNINIT);
	zone_rows(x, &c);
	zone_json(x, &c);
	x->tot_scan += c.fr.scan_pages;
	x->tot_buddy += c.fr.buddy_pages;
	return 0;
}

/* The largest blocks found: a text table and a JSON list. */
static void add_largest(struct doc *d, const struct runs *x)
{
	struct table *t = table_new("Largest free blocks found:");
	struct doc *l;

	table_add_col(t, "PFN", "pfn", COL_STR);
	table_add_col(t, "ADDRESS", "address", COL_STR);
	table_add_col(t, "ORDER", "order", COL_COUNT);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "ZONE", "zone", COL_STR);
	doc_add_table(d, NULL, t);
	l = doc_add_list(d, "largest");
	for (size_t i = 0; i < x->rc.n_top; i++) {
		const struct block *b = &x->rc.top[i];
		const char *zone = x->zi.zones[b->zone].zone;
		uint64_t bytes = (UINT64_C(1) << b->order) * x->ps;
		size_t row = table_add_row(t);
		struct doc *s = doc_add_section(l, NULL);
		char a[24];

		snprintf(a, sizeof(a), "%#" PRIx64, b->pfn);
		table_set_str(t, row, 0, a);
		snprintf(a, sizeof(a), "%#" PRIx64, b->pfn * x->ps);
		table_set_str(t, row, 1, a);
		table_set_u64(t, row, 2, b->order);
		table_set_u64(t, row, 3, bytes);
		table_set_str(t, row, 4, zone);
		doc_add_count(s, "pfn", NULL, b->pfn);
		doc_add_count(s, "address", NULL, b->pfn * x->ps);
		doc_add_count(s, "order", NULL, b->order);
		doc_add_bytes(s, "bytes", NULL, bytes);
		doc_add_str(s, "zone", NULL, zone);
	}
}

/* The notes under the agreement table (JSON "notes"). */
static void agreement_notes(const struct runs *x)
{
	char line[400];

	if (x->beyond)
		table_add_note(x->at,
			       "%zu zone(s) reach past the end of the kpage "
			       "files (PFN %#" PRIx64 "), a captured slice: "
			       "left out",
			       x->beyond, x->kend);
	if (!x->have_bi) {
		source_err_format(&x->bi_err, line, sizeof(line));
		table_add_note(x->at, "buddyinfo unavailable: %s", line);
	} else {
		uint64_t dp = x->tot_scan >= x->tot_buddy
				  ? x->tot_scan - x->tot_buddy
				  : x->tot_buddy - x->tot_scan;

		human_bytes(dp * x->ps, line, sizeof(line));
		if (dp == 0)
			table_add_note(x->at,
				       "the scan found as much free memory "
				       "as the allocator's lists hold");
		else
			table_add_note(
			    x->at,
			    "the scan found %s %s free memory than "
			    "the allocator's lists hold",
			    line, x->tot_scan > x->tot_buddy ? "more" : "less");
	}
	table_add_note(x->at, "BLOCKS AGREE: blocks counted alike by order, as "
			      "a share of the larger count");
	table_add_note(x->at,
		       "why they differ: the scan is not atomic (blocks "
		       "are taken, freed, split and merged while it runs, "
		       "and buddyinfo is read after it); orders are "
		       "rebuilt by cutting each run of free pages at its "
		       "alignment, which is the allocator's own cut except "
		       "where it refuses to merge (pageblocks of isolated "
		       "or CMA migrate types)");
	table_add_note(x->at, "PER-CPU: free pages on the per-CPU lists, in "
			      "neither count (zoneinfo pagesets); UNINIT: "
			      "sections deferred struct page init has not "
			      "handed to the allocator yet");
}

/* Read zoneinfo, buddyinfo and the end of the kpage files. */
static int runs_open(struct root *root, const struct free_opts *o,
		     struct runs *x, struct view_err *err)
{
	struct source_err se;
	char line[400];
	int r;

	if (zoneinfo_read(root, &x->zi, &se) < 0) {
		source_err_format(&se, line, sizeof(line));
		return view_fail(err, -ENODATA,
				 "free --runs needs the zones' PFN spans: %s",
				 line);
	}
	x->have_zi = true;
	x->have_bi = buddyinfo_read(root, &x->bi, &x->bi_err) == 0;
	x->orders = x->have_bi && x->bi.n_orders ? x->bi.n_orders : 11;
	if (x->orders > PC_ORDER_MAX + 1)
		x->orders = PC_ORDER_MAX + 1;
	x->ps = view_pages_page_size(root);
	x->rc.progress = o->progress;
	x->rc.progress_data = o->progress_data;
	if (pagescan_pfn_end(root, &x->kend, &se) < 0) {
		/* let the scan say why, in its words */
		struct pagescan_opts o0 = {0};
		struct pagescan_result r0;

		r = view_pages_scan(root, &o0, NULL, NULL, &r0, err);
		return r < 0
			   ? r
			   : view_fail(err, -EIO, "cannot read '%s'", se.path);
	}
	return 0;
}

static void runs_release(struct runs *x)
{
	if (x->have_zi)
		zoneinfo_release(&x->zi);
	if (x->have_bi)
		buddyinfo_release(&x->bi);
}

int view_free_runs(struct root *root, const struct free_opts *o,
		   struct doc **ret, struct view_err *err)
{
	struct runs x = {0};
	struct doc *d;
	int r;

	r = runs_open(root, o, &x, err);
	if (r < 0) {
		runs_release(&x);
		return r;
	}
	d = doc_new();
	doc_add_count(d, "orders", NULL, x.orders);
	x.ht = doc_add_table(d, NULL, histogram_table(x.orders));
	x.at = doc_add_table(d, NULL, agreement_table());
	x.zones = doc_add_list(d, "zones");
	for (size_t i = 0; r == 0 && i < x.zi.n_zones; i++)
		r = scan_zone(root, o, &x, i, err);
	if (r == 0 && x.scanned == 0 && x.beyond == 0)
		r = view_fail(err, -ENOENT,
			      "no zone with a PFN span matches%s%s",
			      o->zone ? " zone " : "", o->zone ? o->zone : "");
	if (r < 0) {
		doc_free(d);
		runs_release(&x);
		return r;
	}
	agreement_notes(&x);
	add_largest(d, &x);
	doc_add_notes(d, "notes");
	runs_release(&x);
	*ret = d;
	return 0;
}
