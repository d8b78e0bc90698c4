/* The free view: the buddy allocator's free lists, the Linux counterpart
 * of walking MmNonPagedPoolFreeListHead in the Windows kernel debugger.
 *
 * Reads /proc/buddyinfo (required), /proc/zoneinfo, /proc/pagetypeinfo
 * (root only) and /proc/meminfo; the arithmetic lives in
 * analysis/freelists.c. Text shows four parts: free blocks by order, the
 * unusable free space index, the migrate-type breakdown, and the
 * cross-check of free memory with its verdict. JSON carries the same
 * figures per zone (arrays by order, objects by migrate type), so the
 * two renderings are built side by side: text-only tables and JSON-only
 * lists and sections of one document. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../analysis/freelists.h"
#include "../basic/xalloc.h"
#include "../model/snapshot.h"
#include "free.h"

/* "4K", "2M", "1G": the size of an order-o block, for column headers. */
static void order_label(uint64_t bytes, char *buf, size_t n)
{
	static const char units[] = "BKMGTPE";
	unsigned u = 0;

	while (bytes >= 1024 && bytes % 1024 == 0 &&
	       u + 1 < sizeof(units) - 1) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, "%llu%c", (unsigned long long)bytes, units[u]);
}

static bool zone_wanted(const struct free_opts *fo,
			const struct freelists_zone *z)
{
	if (fo->node >= 0 && (long)z->node != fo->node)
		return false;
	if (fo->zone && strcasecmp(fo->zone, z->zone) != 0)
		return false;
	return true;
}

static char *zone_label(const struct freelists_zone *z)
{
	return xasprintf("%u/%s", z->node, z->zone);
}

static uint64_t pages_bytes(uint64_t pages, uint64_t ps)
{
	uint64_t b;

	if (!val_has(pages) || mul_u64(pages, ps, &b) < 0)
		return VAL_ABSENT;
	return b;
}

static uint64_t largest_bytes(const struct freelists_orders *o, uint64_t ps)
{
	if (o->largest_order < 0)
		return VAL_ABSENT;
	return pages_bytes(UINT64_C(1) << o->largest_order, ps);
}

/* A size cell; "none" when there is no block at all. */
static void set_size(struct table *t, size_t row, size_t col, uint64_t v)
{
	if (val_has(v))
		table_set_u64(t, row, col, v);
	else
		table_set_word(t, row, col, "none");
}

/* A column per order, headed by its block size. */
static void order_cols(struct table *t, const struct freelists *fl,
		       enum col_type type)
{
	char lbl[32];

	for (unsigned o = 0; o < fl->n_orders; o++) {
		order_label(fl->page_size << o, lbl, sizeof(lbl));
		table_col_left(t, table_add_col(t, lbl, lbl, type), false);
	}
}

/* --- text ------------------------------------------------------------- */

static struct table *orders_table(const struct freelists *fl,
				  const struct free_opts *fo)
{
	struct table *t = table_new("Free blocks by order (buddy free lists)");
	uint64_t tot[BUDDYINFO_MAX_ORDERS] = {0}, tot_free = 0;
	size_t cfree, clarge, row;
	int largest = -1;

	table_add_col(t, "ZONE", "zone", COL_STR);
	order_cols(t, fl, COL_COUNT);
	cfree = table_add_col(t, "FREE", "free_bytes", COL_BYTES);
	clarge = table_add_col(t, "LARGEST", "largest_block_bytes", COL_BYTES);
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		_cleanup_free_ char *name = zone_label(z);

		if (!zone_wanted(fo, z))
			continue;
		if (z->o.largest_order > largest)
			largest = z->o.largest_order;
		row = table_add_row(t);
		table_set_str(t, row, 0, name);
		for (unsigned o = 0; o < fl->n_orders; o++) {
			table_set_u64(t, row, 1 + o, z->o.blocks[o]);
			tot[o] += z->o.blocks[o];
		}
		table_set_u64(t, row, cfree,
			      pages_bytes(z->o.free_pages, fl->page_size));
		set_size(t, row, clarge, largest_bytes(&z->o, fl->page_size));
		tot_free += z->o.free_pages;
	}
	row = table_add_row(t);
	table_row_total(t, row);
	table_set_str(t, row, 0, "total");
	for (unsigned o = 0; o < fl->n_orders; o++)
		table_set_u64(t, row, 1 + o, tot[o]);
	table_set_u64(t, row, cfree, pages_bytes(tot_free, fl->page_size));
	set_size(t, row, clarge,
		 largest < 0
		     ? VAL_ABSENT
		     : pages_bytes(UINT64_C(1) << largest, fl->page_size));
	return t;
}

static struct table *unusable_table(const struct freelists *fl,
				    const struct free_opts *fo)
{
	struct table *t = table_new(
	    "Fragmentation: unusable free space index by request size");

	table_add_col(t, "ZONE", "zone", COL_STR);
	order_cols(t, fl, COL_PCT);
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		_cleanup_free_ char *name = zone_label(z);
		size_t row;

		if (!zone_wanted(fo, z))
			continue;
		row = table_add_row(t);
		table_set_str(t, row, 0, name);
		for (unsigned o = 0; o < fl->n_orders; o++)
			table_set_double(t, row, 1 + o,
					 z->o.unusable[o] * 100.0);
	}
	table_add_note(t, "share of free memory in blocks smaller than the "
			  "request; 0%% = all usable, 100%% = none");
	return t;
}

/* One row of the migrate-type table; true when a count was capped. */
static bool type_row(struct table *t, const struct freelists *fl,
		     const struct freelists_type *ty, const char *zone,
		     bool by_type)
{
	size_t row = table_add_row(t), c = 2;
	char lbl[32];

	table_set_str(t, row, 0, zone);
	table_set_str(t, row, 1, ty->name);
	for (unsigned o = 0; by_type && o < fl->n_orders; o++) {
		bool cap = ty->o.at_least & (UINT64_C(1) << o);

		snprintf(lbl, sizeof(lbl), "%s%llu", cap ? ">" : "",
			 (unsigned long long)ty->o.blocks[o]);
		table_set_str(t, row, c++, lbl);
	}
	table_set_u64(t, row, c++,
		      pages_bytes(ty->o.free_pages, fl->page_size));
	set_size(t, row, c++, largest_bytes(&ty->o, fl->page_size));
	table_set_u64(t, row, c, ty->pageblocks);
	return ty->o.at_least != 0;
}

static struct table *types_table(const struct freelists *fl,
				 const struct free_opts *fo)
{
	struct table *t = table_new("Free memory by migrate type");
	bool capped_any = false;

	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	if (fo->by_type)
		order_cols(t, fl, COL_STR);
	table_add_col(t, "FREE", "free_bytes", COL_BYTES);
	table_add_col(t, "LARGEST", "largest_block_bytes", COL_BYTES);
	table_add_col(t, "BLOCKS", "pageblocks", COL_COUNT);
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		_cleanup_free_ char *name = zone_label(z);

		if (!zone_wanted(fo, z))
			continue;
		for (unsigned k = 0; k < z->n_types; k++)
			capped_any |=
			    type_row(t, fl, &z->types[k], name, fo->by_type);
	}
	if (capped_any)
		table_add_note(t, "'>' marks a count the kernel capped; "
				  "totals of that type are lower bounds");
	if (fl->block_order)
		table_add_note(t, "a pageblock is 2^%u pages", fl->block_order);
	return t;
}

static struct table *types_unusable_table(const struct freelists *fl,
					  const struct free_opts *fo)
{
	struct table *t = table_new("Fragmentation by migrate type: unusable "
				    "free space index");
	bool skipped = false;

	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	order_cols(t, fl, COL_PCT);
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		_cleanup_free_ char *name = zone_label(z);

		if (!zone_wanted(fo, z))
			continue;
		for (unsigned k = 0; k < z->n_types; k++) {
			size_t row;

			if (z->types[k].o.free_pages == 0) {
				skipped = true;
				continue;
			}
			row = table_add_row(t);
			table_set_str(t, row, 0, name);
			table_set_str(t, row, 1, z->types[k].name);
			for (unsigned o = 0; o < fl->n_orders; o++)
				table_set_double(t, row, 2 + o,
						 z->types[k].o.unusable[o] *
						     100.0);
		}
	}
	if (skipped)
		table_add_note(t,
			       "types with no free pages are left out (their "
			       "index is 100%% at every order)");
	return t;
}

static void rc_row(struct table *t, const char *view, uint64_t pages,
		   uint64_t ps, const char *what)
{
	size_t row = table_add_row(t);

	table_set_str(t, row, 0, view);
	table_set_u64(t, row, 1, pages);
	table_set_u64(t, row, 2, pages_bytes(pages, ps));
	table_set_str(t, row, 3, what);
}

static void rc_diff(struct table *t, const char *view, bool has, int64_t d,
		    uint64_t ps, const char *what)
{
	size_t row = table_add_row(t);

	table_set_str(t, row, 0, view);
	if (has) {
		table_set_i64(t, row, 1, d);
		table_set_i64(t, row, 2, d * (int64_t)ps);
	}
	table_set_str(t, row, 3, what);
}

/* Why each view of free memory that is absent is absent, as notes. */
static void reconcile_notes(struct table *t,
			    const struct freelists_reconcile *rc,
			    const struct snapshot *snap)
{
	char why[400];

	if (!val_has(rc->memfree)) {
		snapshot_why(snap, SRC_MEMINFO, why, sizeof(why));
		table_add_note(t, "MemFree: %s", why);
	}
	if (!val_has(rc->zone_free)) {
		snapshot_why(snap, SRC_ZONEINFO, why, sizeof(why));
		table_add_note(t, "zoneinfo: %s", why);
	}
	if (!val_has(rc->isolated)) {
		snapshot_why(snap, SRC_PAGETYPEINFO, why, sizeof(why));
		table_add_note(t, "isolated free: %s", why);
	}
	if (!val_has(rc->unmanaged) && val_has(rc->managed) &&
	    val_has(rc->memtotal))
		table_add_note(t, "MemTotal - managed: none (MemTotal is not "
				  "above the zones' managed pages)");
}

static struct table *reconcile_table(const struct freelists_reconcile *rc,
				     const struct snapshot *snap)
{
	struct table *t = table_new("Cross-check of free memory (all zones)");
	uint64_t ps = rc->page_size;

	table_add_col(t, "VIEW", "view", COL_STR);
	table_add_col(t, "PAGES", "pages", COL_COUNT);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "WHAT IT COUNTS", "what", COL_STR);
	rc_row(t, "MemFree", rc->memfree, ps,
	       "meminfo: the free pages counter, all zones");
	rc_row(t, "nr_free_pages", rc->zone_free, ps,
	       "zoneinfo: the same counter, summed over zones");
	rc_row(t, "buddy lists", rc->buddy, ps,
	       "buddyinfo: blocks on the free lists, isolated included");
	rc_row(t, "per-CPU lists", rc->pcp, ps,
	       "zoneinfo count: free, but in none of the above");
	rc_row(t, "isolated free", rc->isolated, ps,
	       "pagetypeinfo Isolate: in buddy lists, not in nr_free_pages");
	rc_row(t, "MemTotal - managed", rc->unmanaged, ps,
	       "in MemTotal, managed by no zone");
	reconcile_notes(t, rc, snap);
	return t;
}

/* Add each '\n'-terminated clause of s as a note. */
static void add_clauses(struct table *t, const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		int n = nl ? (int)(nl - s) : (int)strlen(s);

		table_add_note(t, "%.*s", n, s);
		s += n + (nl ? 1 : 0);
	}
}

static struct table *diff_table(const struct freelists_reconcile *rc)
{
	struct table *t = table_new(NULL);
	uint64_t ps = rc->page_size;

	table_add_col(t, "DIFFERENCE", "view", COL_STR);
	table_add_col(t, "PAGES", "pages", COL_SCOUNT);
	table_add_col(t, "SIZE", "bytes", COL_SBYTES);
	table_add_col(t, "EXPECTED", "what", COL_STR);
	rc_diff(t, "MemFree - nr_free_pages", rc->has_memfree_vs_zone,
		rc->memfree_vs_zone, ps, "0 (same counter, read apart)");
	rc_diff(t, "buddy - nr_free_pages", rc->has_buddy_vs_zone,
		rc->buddy_vs_zone, ps, "isolated free");
	rc_diff(t, "MemFree - buddy", rc->has_memfree_vs_buddy,
		rc->memfree_vs_buddy, ps, "minus isolated free");
	table_add_note(t, "verdict: %s", rc->verdict);
	add_clauses(t, rc->explanation);
	return t;
}

/* The four parts, text only. */
static void add_text(struct doc *d, const struct freelists *fl,
		     const struct free_opts *fo,
		     const struct freelists_reconcile *rc,
		     const struct snapshot *snap, bool ps_assumed)
{
	char why[400];

	if (ps_assumed)
		doc_add_line(d, NULL,
			     "(page size assumed 4 KiB: captured files do "
			     "not record it)");
	doc_add_table(d, NULL, orders_table(fl, fo));
	doc_add_table(d, NULL, unusable_table(fl, fo));
	if (fl->has_types) {
		doc_add_table(d, NULL, types_table(fl, fo));
		if (fo->by_type)
			doc_add_table(d, NULL, types_unusable_table(fl, fo));
	} else {
		snapshot_why(snap, SRC_PAGETYPEINFO, why, sizeof(why));
		doc_add_line(d, NULL,
			     "Free memory by migrate type: unavailable: %s",
			     why);
	}
	doc_add_table(d, NULL, reconcile_table(rc, snap));
	doc_add_table(d, NULL, diff_table(rc));
}

/* --- JSON --------------------------------------------------------------- */

/* The figures of one set of free lists (a zone, or a migrate type in
 * it), into the object s. */
static void orders_json(struct doc *s, const struct freelists_orders *o,
			uint64_t ps)
{
	struct doc *blocks = doc_add_list(s, "free_blocks"), *unus, *capped;

	for (unsigned i = 0; i < o->n_orders; i++)
		doc_add_count(blocks, NULL, NULL, o->blocks[i]);
	doc_add_count(s, "free_pages", NULL, o->free_pages);
	doc_add_bytes(s, "free_bytes", NULL, pages_bytes(o->free_pages, ps));
	doc_add_bytes(s, "largest_block_bytes", NULL, largest_bytes(o, ps));
	/* 0..1 rounded to 6 decimals, so output is stable */
	unus = doc_add_list(s, "unusable_index");
	for (unsigned i = 0; i < o->n_orders; i++)
		doc_add_decimal(unus, NULL, NULL, o->unusable[i], 6);
	capped = doc_add_list(s, "capped_orders");
	for (unsigned i = 0; i < o->n_orders; i++)
		if (o->at_least & (UINT64_C(1) << i))
			doc_add_count(capped, NULL, NULL, i);
}

static void zone_json(struct doc *zones, const struct freelists_zone *z,
		      uint64_t ps)
{
	struct doc *s = doc_add_section(zones, NULL), *types;

	doc_add_count(s, "node", NULL, z->node);
	doc_add_str(s, "zone", NULL, z->zone);
	orders_json(s, &z->o, ps);
	doc_add_bytes(s, "nr_free_bytes", NULL,
		      pages_bytes(z->nr_free_pages, ps));
	doc_add_bytes(s, "pcp_bytes", NULL, pages_bytes(z->pcp_pages, ps));
	doc_add_bytes(s, "managed_bytes", NULL, pages_bytes(z->managed, ps));
	doc_add_bytes(s, "present_bytes", NULL, pages_bytes(z->present, ps));
	doc_add_bytes(s, "watermark_min_bytes", NULL, pages_bytes(z->min, ps));
	doc_add_bytes(s, "watermark_low_bytes", NULL, pages_bytes(z->low, ps));
	doc_add_bytes(s, "watermark_high_bytes", NULL,
		      pages_bytes(z->high, ps));
	if (!z->n_types) {
		doc_add_null(s, "by_migrate_type", NULL, NULL);
		return;
	}
	types = doc_add_section(s, "by_migrate_type");
	for (unsigned k = 0; k < z->n_types; k++) {
		struct doc *t = doc_add_section(types, z->types[k].name);

		orders_json(t, &z->types[k].o, ps);
		doc_add_count(t, "pageblocks", NULL, z->types[k].pageblocks);
	}
}

/* A difference in pages as bytes, or null. */
static void diff_json(struct doc *s, const char *key, bool has, int64_t pages,
		      uint64_t ps)
{
	if (has)
		doc_add_sbytes(s, key, NULL, pages * (int64_t)ps);
	else
		doc_add_null(s, key, NULL, NULL);
}

static void reconcile_json(struct doc *d, const struct freelists_reconcile *rc)
{
	struct doc *s = doc_add_section(d, "reconcile"), *ex;
	uint64_t ps = rc->page_size;
	const char *p = rc->explanation;

	doc_add_bytes(s, "memfree_bytes", NULL, pages_bytes(rc->memfree, ps));
	doc_add_bytes(s, "zone_nr_free_bytes", NULL,
		      pages_bytes(rc->zone_free, ps));
	doc_add_bytes(s, "buddy_bytes", NULL, pages_bytes(rc->buddy, ps));
	doc_add_bytes(s, "pcp_bytes", NULL, pages_bytes(rc->pcp, ps));
	doc_add_bytes(s, "isolated_bytes", NULL, pages_bytes(rc->isolated, ps));
	doc_add_bytes(s, "unmanaged_bytes", NULL,
		      pages_bytes(rc->unmanaged, ps));
	doc_add_bytes(s, "churn_bytes", NULL, pages_bytes(rc->churn, ps));
	doc_add_bytes(s, "tolerance_bytes", NULL,
		      pages_bytes(rc->tolerance, ps));
	diff_json(s, "memfree_minus_zone_bytes", rc->has_memfree_vs_zone,
		  rc->memfree_vs_zone, ps);
	diff_json(s, "buddy_minus_zone_bytes", rc->has_buddy_vs_zone,
		  rc->buddy_vs_zone, ps);
	diff_json(s, "memfree_minus_buddy_bytes", rc->has_memfree_vs_buddy,
		  rc->memfree_vs_buddy, ps);
	diff_json(s, "unexplained_memfree_bytes", rc->has_memfree_vs_zone,
		  rc->residual_memfree, ps);
	diff_json(s, "unexplained_buddy_bytes", rc->has_buddy_vs_zone,
		  rc->residual_buddy, ps);
	doc_add_bool(s, "agree", NULL, rc->agree);
	doc_add_bool(s, "explained", NULL, rc->explained);
	doc_add_str(s, "verdict", NULL, rc->verdict);
	ex = doc_add_list(s, "explanation");
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		_cleanup_free_ char *clause = xstrndup(p, n);

		doc_add_str(ex, NULL, NULL, clause);
		p += n + (nl ? 1 : 0);
	}
}

/* Every figure, JSON only, in the JSON contract's key order. */
static void add_json(struct doc *d, const struct freelists *fl,
		     const struct free_opts *fo,
		     const struct freelists_reconcile *rc,
		     const struct snapshot *snap, bool ps_assumed)
{
	static const enum source_id ids[] = {SRC_BUDDYINFO, SRC_ZONEINFO,
					     SRC_PAGETYPEINFO, SRC_MEMINFO};
	struct doc *sizes, *zones, *unavail;
	char why[400];

	doc_add_count(d, "page_size", NULL, fl->page_size);
	doc_add_bool(d, "page_size_assumed", NULL, ps_assumed);
	doc_add_count(d, "pageblock_order", NULL,
		      fl->block_order ? fl->block_order : VAL_ABSENT);
	sizes = doc_add_list(d, "order_block_bytes");
	for (unsigned o = 0; o < fl->n_orders; o++)
		doc_add_bytes(sizes, NULL, NULL, fl->page_size << o);
	zones = doc_add_list(d, "zones");
	for (size_t i = 0; i < fl->n_zones; i++)
		if (zone_wanted(fo, &fl->zones[i]))
			zone_json(zones, &fl->zones[i], fl->page_size);
	reconcile_json(d, rc);
	unavail = doc_add_list(d, "unavailable");
	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		struct doc *u;

		if (snapshot_get(snap, ids[i]))
			continue;
		u = doc_add_section(unavail, NULL);
		snapshot_why(snap, ids[i], why, sizeof(why));
		doc_add_str(u, "source", NULL, source_get(ids[i])->name);
		doc_add_str(u, "reason", NULL, why);
	}
}

/* --- collecting ------------------------------------------------------- */

/* The page size is not in any of these files: the running system's when
 * live; for a snapshot of an x86 machine 4 KiB (its only base page
 * size); otherwise 4 KiB, assumed (*ret_assumed). */
static uint64_t free_page_size(struct root *root, bool *ret_assumed)
{
	const struct snapshot_meta *m;

	*ret_assumed = false;
	if (root_page_size_known(root))
		return root_page_size(root);
	m = root_snapshot_meta(root);
	*ret_assumed =
	    !(m && (streq(m->machine, "x86_64") ||
		    (m->machine[0] == 'i' && strstr(m->machine, "86"))));
	return root_page_size(root);
}

/* How far MemFree moved while the files were read (live only): churn the
 * cross-check must allow for, in pages. */
static uint64_t memfree_churn(struct root *root, const struct snapshot *snap,
			      uint64_t ps)
{
	const struct meminfo *m0 = snapshot_get(snap, SRC_MEMINFO);
	struct meminfo m1;
	uint64_t churn = 0;

	if (!root_is_live(root) || !m0 || meminfo_read(root, &m1, NULL) < 0)
		return 0;
	if (val_has(m0->v[MI_MEMFREE]) && val_has(m1.v[MI_MEMFREE])) {
		uint64_t a = m0->v[MI_MEMFREE], b = m1.v[MI_MEMFREE];

		churn = (a > b ? a - b : b - a) / ps;
	}
	meminfo_release(&m1);
	return churn;
}

/* The error when no zone matches: which zones there are. */
static int no_zone(const struct freelists *fl, const struct free_opts *fo,
		   struct view_err *err)
{
	_cleanup_free_ char *list = NULL;

	for (size_t i = 0; i < fl->n_zones; i++) {
		char *l =
		    xasprintf("%s%s%u/%s", list ? list : "", list ? ", " : "",
			      fl->zones[i].node, fl->zones[i].zone);

		free(list);
		list = l;
	}
	return view_fail(
	    err, -ENOENT, "no zone matches%s%s%s%s (zones with free lists: %s)",
	    fo->zone ? " '" : "", fo->zone ? fo->zone : "", fo->zone ? "'" : "",
	    fo->node >= 0 ? " on that node" : "", list ? list : "none");
}

/* The one line when buddyinfo cannot be had: "cannot read 'PATH':
 * reason" or "cannot parse". */
static int no_buddyinfo(const struct snapshot *snap, struct view_err *err)
{
	const struct source_err *e = &snap->err[SRC_BUDDYINFO];

	if (e->parse.msg[0] || !e->path[0]) {
		snapshot_why(snap, SRC_BUDDYINFO, err->msg, sizeof(err->msg));
		return -ENODATA;
	}
	return view_fail(err, e->err < 0 ? e->err : -EIO,
			 "cannot read '%s': %s", e->path,
			 strerror(e->err < 0 ? -e->err : e->err));
}

/* Build the free lists and their reconciliation from snap. */
static int free_analyse(struct root *root, const struct snapshot *snap,
			struct freelists *fl, struct freelists_reconcile *rc,
			bool *ret_assumed, struct view_err *err)
{
	const struct buddyinfo *buddy = snapshot_get(snap, SRC_BUDDYINFO);
	const struct zoneinfo *zi = snapshot_get(snap, SRC_ZONEINFO);
	const struct pagetypeinfo *pti = snapshot_get(snap, SRC_PAGETYPEINFO);
	uint64_t ps;
	int r;

	if (!buddy)
		return no_buddyinfo(snap, err);
	ps = free_page_size(root, ret_assumed);
	r = freelists_build(buddy, zi, pti, ps, fl);
	if (r < 0)
		return view_fail(err, r, "cannot analyse '/proc/buddyinfo': %s",
				 strerror(-r));
	(void)freelists_reconcile(snapshot_get(snap, SRC_MEMINFO), buddy, zi,
				  pti, ps, memfree_churn(root, snap, ps), rc);
	return 0;
}

int view_free(struct root *root, const struct free_opts *o, struct doc **ret,
	      struct view_err *err)
{
	struct freelists_reconcile rc;
	struct freelists fl;
	struct snapshot snap;
	bool ps_assumed, any = false;
	struct doc *d;
	int r;

	if (o->runs)
		return view_free_runs(root, o, ret, err);
	snapshot_collect(root,
			 SRC_BIT(SRC_BUDDYINFO) | SRC_BIT(SRC_ZONEINFO) |
			     SRC_BIT(SRC_PAGETYPEINFO) | SRC_BIT(SRC_MEMINFO),
			 &snap);
	r = free_analyse(root, &snap, &fl, &rc, &ps_assumed, err);
	if (r < 0) {
		snapshot_release(&snap);
		return r;
	}
	for (size_t i = 0; i < fl.n_zones; i++)
		any |= zone_wanted(o, &fl.zones[i]);
	if (!any) {
		r = no_zone(&fl, o, err);
		freelists_release(&fl);
		snapshot_release(&snap);
		return r;
	}
	d = doc_new();
	add_json(d, &fl, o, &rc, &snap, ps_assumed);
	add_text(d, &fl, o, &rc, &snap, ps_assumed);
	freelists_release(&fl);
	snapshot_release(&snap);
	*ret = d;
	return 0;
}
