/* `memtally free`: the buddy allocator's free lists, the Linux counterpart
 * of walking MmNonPagedPoolFreeListHead in the Windows kernel debugger.
 *
 * Reads /proc/buddyinfo (required), /proc/zoneinfo, /proc/pagetypeinfo
 * (root only) and /proc/meminfo; the arithmetic lives in
 * analysis/freelists.c. Text shows four parts: free blocks by order, the
 * unusable free space index, the migrate-type breakdown, and the
 * cross-check of free memory with its verdict. JSON carries the same. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../analysis/freelists.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/snapshot.h"
#include "cli.h"
#include "free-runs.h"

const char cmd_free_help[] =
    "Usage: memtally free [--node N] [--zone NAME] [--by-type | --runs]\n"
    "\n"
    "Show free memory as the page allocator holds it: free blocks by\n"
    "size in every zone, how fragmented they are, which migrate type\n"
    "owns them, and whether the kernel's counts of free memory agree.\n"
    "\n"
    "Options:\n"
    "      --node N       only zones of NUMA node N\n"
    "      --zone NAME    only zones named NAME (DMA, DMA32, Normal,\n"
    "                     HighMem, Movable; case does not matter)\n"
    "      --by-type      per migrate type: free blocks by order and the\n"
    "                     unusable index (needs /proc/pagetypeinfo, root)\n"
    "      --runs         find the free blocks page by page in\n"
    "                     /proc/kpageflags (root) and set their histogram\n"
    "                     by order beside buddyinfo's, zone by zone, with\n"
    "                     how well they agree and why they may not; the\n"
    "                     largest blocks with their addresses\n"
    "\n"
    "How to read it\n"
    "\n"
    "Free blocks by order. Linux keeps free memory in the buddy allocator:\n"
    "per zone, one free list per order, where an order-k block is 2^k\n"
    "contiguous pages (4K, 8K, 16K ... 4M with 4 KiB pages). The columns\n"
    "are the number of free blocks of each size (/proc/buddyinfo); FREE is\n"
    "their total and LARGEST the biggest block that is free now. This is\n"
    "what the Windows debugger shows when walking the nonpaged pool's free\n"
    "lists, MmNonPagedPoolFreeListHead[0..3] (free runs of 1, 2, 3 and 4\n"
    "or more pages, each run's first page an _MMFREE_POOL_ENTRY): here the\n"
    "lists are per order, and a free block's first page is marked BUDDY in\n"
    "/proc/kpageflags. Unlike the pool's runs of any length, buddy blocks\n"
    "are powers of two, aligned, and merge with their free twin (their\n"
    "\"buddy\") on release; few large blocks mean long-lived\n"
    "allocations are scattered through memory. RAMMap's Free list is\n"
    "the sum of all this (MemFree).\n"
    "\n"
    "Fragmentation. For each order, the unusable free space index is the\n"
    "share of free memory sitting in blocks too small for a request of\n"
    "that size (Mel Gorman's index, as in debugfs extfrag/unusable_index):\n"
    "0% means every free page could serve it, 100% that none could; a\n"
    "zone with no free memory is 100%. A high figure at order 9 (2 MiB)\n"
    "means huge pages will need compaction even though memory is free.\n"
    "\n"
    "Migrate types. Free blocks are further split by migrate type\n"
    "(Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate), from\n"
    "/proc/pagetypeinfo, which only root can read; BLOCKS is how many\n"
    "pageblocks (2^pageblock_order pages) each type owns. A count the\n"
    "kernel capped (\">100000\") is shown with '>' and is a lower bound.\n"
    "\n"
    "Cross-check. The kernel counts free memory several ways: MemFree\n"
    "(/proc/meminfo), nr_free_pages per zone (/proc/zoneinfo), the blocks\n"
    "on the buddy lists (/proc/buddyinfo), and the pages CPUs keep on\n"
    "their per-CPU lists (zoneinfo 'count:'), which are free but counted by\n"
    "none of the others (like Windows' per-processor lookaside lists).\n"
    "buddyinfo also holds free pages in isolated pageblocks, which\n"
    "nr_free_pages leaves out. The files are read one\n"
    "after another, so small differences are normal; the tolerance comes\n"
    "from zoneinfo (per-CPU counter thresholds and batches). The verdict\n"
    "says whether the views agree, differ for a known reason, or differ\n"
    "unexplained. The cross-check always covers the whole system.\n"
    "\n"
    "JSON: {\"zones\": [{\"node\", \"zone\", \"free_blocks\": [count per\n"
    "order], \"free_bytes\", \"largest_block_bytes\", \"unusable_index\":\n"
    "[0..1 per order], \"by_migrate_type\": {...} or null}], \"reconcile\":\n"
    "{...}, \"unavailable\": [{\"source\", \"reason\"}]}. Sizes are bytes;\n"
    "figures the kernel does not give are null.\n";

enum {
	OPT_NODE = _OPT_COMMON_END,
	OPT_ZONE,
	OPT_BY_TYPE,
	OPT_RUNS,
};

struct free_opts {
	bool runs; /* free --runs: free-runs.c */
	long node; /* -1: all */
	const char *zone;
	bool by_type;
};

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

/* A size for a text cell: human or exact (--bytes); "none" for no block. */
static void set_size_str(struct table *t, size_t row, size_t col, uint64_t v,
			 const struct ctx *ctx)
{
	char buf[32];

	if (!val_has(v))
		snprintf(buf, sizeof(buf), "none");
	else if (ctx->out.bytes)
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	else
		human_bytes(v, buf, sizeof(buf));
	table_set_str(t, row, col, buf);
}

static uint64_t largest_bytes(const struct freelists_orders *o, uint64_t ps)
{
	if (o->largest_order < 0)
		return VAL_ABSENT;
	return pages_bytes(UINT64_C(1) << o->largest_order, ps);
}

/* --- text ------------------------------------------------------------- */

static void print_orders(const struct freelists *fl, const struct free_opts *fo,
			 struct ctx *ctx)
{
	struct table *t = table_new("Free blocks by order (buddy free lists)");
	uint64_t tot[BUDDYINFO_MAX_ORDERS] = {0}, tot_free = 0;
	size_t cfree, clarge, row;
	int largest = -1;
	char lbl[32];

	table_add_col(t, "ZONE", "zone", COL_STR);
	for (unsigned o = 0; o < fl->n_orders; o++) {
		order_label(fl->page_size << o, lbl, sizeof(lbl));
		table_add_col(t, lbl, lbl, COL_COUNT);
	}
	cfree = table_add_col(t, "FREE", "free_bytes", COL_BYTES);
	clarge = table_add_col(t, "LARGEST", "largest_block_bytes", COL_STR);
	table_col_left(t, clarge, false);
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
		set_size_str(t, row, clarge,
			     largest_bytes(&z->o, fl->page_size), ctx);
		tot_free += z->o.free_pages;
	}
	row = table_add_row(t);
	table_row_total(t, row);
	table_set_str(t, row, 0, "total");
	for (unsigned o = 0; o < fl->n_orders; o++)
		table_set_u64(t, row, 1 + o, tot[o]);
	table_set_u64(t, row, cfree, pages_bytes(tot_free, fl->page_size));
	set_size_str(t, row, clarge,
		     largest < 0
			 ? VAL_ABSENT
			 : pages_bytes(UINT64_C(1) << largest, fl->page_size),
		     ctx);
	table_print(t, stdout, &ctx->out);
	table_free(t);
}

static void print_unusable(const struct freelists *fl,
			   const struct free_opts *fo, struct ctx *ctx)
{
	struct table *t = table_new(
	    "Fragmentation: unusable free space index by request size");
	char lbl[32];

	table_add_col(t, "ZONE", "zone", COL_STR);
	for (unsigned o = 0; o < fl->n_orders; o++) {
		order_label(fl->page_size << o, lbl, sizeof(lbl));
		table_add_col(t, lbl, lbl, COL_PCT);
	}
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
	table_print(t, stdout, &ctx->out);
	table_free(t);
}

static void print_types(const struct freelists *fl, const struct free_opts *fo,
			struct ctx *ctx)
{
	struct table *t = table_new("Free memory by migrate type");
	size_t cfree, clarge, cblk, cfirst = 0, row;
	bool capped_any = false, skipped = false;
	char lbl[32];

	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	if (fo->by_type) {
		cfirst = table_cols(t);
		for (unsigned o = 0; o < fl->n_orders; o++) {
			order_label(fl->page_size << o, lbl, sizeof(lbl));
			table_col_left(t, table_add_col(t, lbl, lbl, COL_STR),
				       false);
		}
	}
	cfree = table_add_col(t, "FREE", "free_bytes", COL_BYTES);
	clarge = table_add_col(t, "LARGEST", "largest_block_bytes", COL_STR);
	table_col_left(t, clarge, false);
	cblk = table_add_col(t, "BLOCKS", "pageblocks", COL_COUNT);
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		_cleanup_free_ char *name = zone_label(z);

		if (!zone_wanted(fo, z))
			continue;
		for (unsigned k = 0; k < z->n_types; k++) {
			const struct freelists_type *ty = &z->types[k];

			row = table_add_row(t);
			table_set_str(t, row, 0, name);
			table_set_str(t, row, 1, ty->name);
			for (unsigned o = 0; fo->by_type && o < fl->n_orders;
			     o++) {
				bool cap = ty->o.at_least & (UINT64_C(1) << o);

				snprintf(lbl, sizeof(lbl), "%s%llu",
					 cap ? ">" : "",
					 (unsigned long long)ty->o.blocks[o]);
				table_set_str(t, row, cfirst + o, lbl);
			}
			table_set_u64(
			    t, row, cfree,
			    pages_bytes(ty->o.free_pages, fl->page_size));
			set_size_str(t, row, clarge,
				     largest_bytes(&ty->o, fl->page_size), ctx);
			table_set_u64(t, row, cblk, ty->pageblocks);
			if (ty->o.at_least)
				capped_any = true;
		}
	}
	if (capped_any)
		table_add_note(t, "'>' marks a count the kernel capped; "
				  "totals of that type are lower bounds");
	if (fl->block_order)
		table_add_note(t, "a pageblock is 2^%u pages", fl->block_order);
	table_print(t, stdout, &ctx->out);
	table_free(t);

	if (!fo->by_type)
		return;
	t = table_new("Fragmentation by migrate type: unusable free space "
		      "index");
	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	for (unsigned o = 0; o < fl->n_orders; o++) {
		order_label(fl->page_size << o, lbl, sizeof(lbl));
		table_add_col(t, lbl, lbl, COL_PCT);
	}
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		_cleanup_free_ char *name = zone_label(z);

		if (!zone_wanted(fo, z))
			continue;
		for (unsigned k = 0; k < z->n_types; k++) {
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
	fputc('\n', stdout);
	table_print(t, stdout, &ctx->out);
	table_free(t);
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

static void print_reconcile(const struct freelists_reconcile *rc,
			    const struct snapshot *snap, struct ctx *ctx)
{
	struct table *t = table_new("Cross-check of free memory (all zones)");
	uint64_t ps = rc->page_size;
	char why[400];

	table_add_col(t, "VIEW", "view", COL_STR);
	table_add_col(t, "PAGES", "pages", COL_COUNT);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "WHAT IT COUNTS", "what", COL_STR);
	table_col_left(t, 3, true);
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
	table_print(t, stdout, &ctx->out);
	table_free(t);

	t = table_new(NULL);
	table_add_col(t, "DIFFERENCE", "view", COL_STR);
	table_add_col(t, "PAGES", "pages", COL_SCOUNT);
	table_add_col(t, "SIZE", "bytes", COL_SBYTES);
	table_add_col(t, "EXPECTED", "what", COL_STR);
	table_col_left(t, 3, true);
	rc_diff(t, "MemFree - nr_free_pages", rc->has_memfree_vs_zone,
		rc->memfree_vs_zone, ps, "0 (same counter, read apart)");
	rc_diff(t, "buddy - nr_free_pages", rc->has_buddy_vs_zone,
		rc->buddy_vs_zone, ps, "isolated free");
	rc_diff(t, "MemFree - buddy", rc->has_memfree_vs_buddy,
		rc->memfree_vs_buddy, ps, "minus isolated free");
	table_add_note(t, "verdict: %s", rc->verdict);
	add_clauses(t, rc->explanation);
	fputc('\n', stdout);
	table_print(t, stdout, &ctx->out);
	table_free(t);
}

/* --- JSON --------------------------------------------------------------- */

static json_object *j_u64(uint64_t v)
{
	return val_has(v) ? json_object_new_uint64(v) : NULL;
}

/* A 0..1 fraction rounded to 6 decimals, so output is stable. */
static json_object *j_fraction(double d)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.6f", d);
	return json_object_new_double_s(d, buf);
}

static json_object *j_orders(const struct freelists_orders *o, uint64_t ps,
			     json_object *obj)
{
	json_object *blocks = json_object_new_array();
	json_object *unus = json_object_new_array();
	json_object *capped = json_object_new_array();

	for (unsigned i = 0; i < o->n_orders; i++) {
		json_object_array_add(blocks,
				      json_object_new_uint64(o->blocks[i]));
		json_object_array_add(unus, j_fraction(o->unusable[i]));
		if (o->at_least & (UINT64_C(1) << i))
			json_object_array_add(capped,
					      json_object_new_int((int)i));
	}
	json_object_object_add(obj, "free_blocks", blocks);
	json_object_object_add(obj, "free_pages", j_u64(o->free_pages));
	json_object_object_add(obj, "free_bytes",
			       j_u64(pages_bytes(o->free_pages, ps)));
	json_object_object_add(obj, "largest_block_bytes",
			       j_u64(largest_bytes(o, ps)));
	json_object_object_add(obj, "unusable_index", unus);
	json_object_object_add(obj, "capped_orders", capped);
	return obj;
}

static json_object *j_clauses(const char *s)
{
	json_object *a = json_object_new_array();

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		json_object_array_add(a, json_object_new_string_len(s, (int)n));
		s += n + (nl ? 1 : 0);
	}
	return a;
}

static json_object *j_reconcile(const struct freelists_reconcile *rc)
{
	json_object *o = json_object_new_object();
	uint64_t ps = rc->page_size;

	json_object_object_add(o, "memfree_bytes",
			       j_u64(pages_bytes(rc->memfree, ps)));
	json_object_object_add(o, "zone_nr_free_bytes",
			       j_u64(pages_bytes(rc->zone_free, ps)));
	json_object_object_add(o, "buddy_bytes",
			       j_u64(pages_bytes(rc->buddy, ps)));
	json_object_object_add(o, "pcp_bytes", j_u64(pages_bytes(rc->pcp, ps)));
	json_object_object_add(o, "isolated_bytes",
			       j_u64(pages_bytes(rc->isolated, ps)));
	json_object_object_add(o, "unmanaged_bytes",
			       j_u64(pages_bytes(rc->unmanaged, ps)));
	json_object_object_add(o, "churn_bytes",
			       j_u64(pages_bytes(rc->churn, ps)));
	json_object_object_add(o, "tolerance_bytes",
			       j_u64(pages_bytes(rc->tolerance, ps)));
#define DIFF(key, has, v)                                                      \
	json_object_object_add(                                                \
	    o, key, has ? json_object_new_int64((v) * (int64_t)ps) : NULL)
	DIFF("memfree_minus_zone_bytes", rc->has_memfree_vs_zone,
	     rc->memfree_vs_zone);
	DIFF("buddy_minus_zone_bytes", rc->has_buddy_vs_zone,
	     rc->buddy_vs_zone);
	DIFF("memfree_minus_buddy_bytes", rc->has_memfree_vs_buddy,
	     rc->memfree_vs_buddy);
	DIFF("unexplained_memfree_bytes", rc->has_memfree_vs_zone,
	     rc->residual_memfree);
	DIFF("unexplained_buddy_bytes", rc->has_buddy_vs_zone,
	     rc->residual_buddy);
#undef DIFF
	json_object_object_add(o, "agree", json_object_new_boolean(rc->agree));
	json_object_object_add(o, "explained",
			       json_object_new_boolean(rc->explained));
	json_object_object_add(o, "verdict",
			       json_object_new_string(rc->verdict));
	json_object_object_add(o, "explanation", j_clauses(rc->explanation));
	return o;
}

static void print_json(const struct freelists *fl, const struct free_opts *fo,
		       const struct freelists_reconcile *rc,
		       const struct snapshot *snap, bool ps_assumed)
{
	json_object *root = json_object_new_object();
	json_object *zones = json_object_new_array();
	json_object *unavail = json_object_new_array();
	json_object *sizes = json_object_new_array();
	static const enum source_id ids[] = {SRC_BUDDYINFO, SRC_ZONEINFO,
					     SRC_PAGETYPEINFO, SRC_MEMINFO};
	char why[400];

	json_object_object_add(root, "page_size",
			       json_object_new_uint64(fl->page_size));
	json_object_object_add(root, "page_size_assumed",
			       json_object_new_boolean(ps_assumed));
	json_object_object_add(
	    root, "pageblock_order",
	    fl->block_order ? json_object_new_int((int)fl->block_order) : NULL);
	for (unsigned o = 0; o < fl->n_orders; o++)
		json_object_array_add(
		    sizes, json_object_new_uint64(fl->page_size << o));
	json_object_object_add(root, "order_block_bytes", sizes);
	for (size_t i = 0; i < fl->n_zones; i++) {
		const struct freelists_zone *z = &fl->zones[i];
		json_object *jz = json_object_new_object(), *types = NULL;

		if (!zone_wanted(fo, z)) {
			json_object_put(jz);
			continue;
		}
		json_object_object_add(jz, "node",
				       json_object_new_int((int)z->node));
		json_object_object_add(jz, "zone",
				       json_object_new_string(z->zone));
		j_orders(&z->o, fl->page_size, jz);
		json_object_object_add(
		    jz, "nr_free_bytes",
		    j_u64(pages_bytes(z->nr_free_pages, fl->page_size)));
		json_object_object_add(
		    jz, "pcp_bytes",
		    j_u64(pages_bytes(z->pcp_pages, fl->page_size)));
		json_object_object_add(
		    jz, "managed_bytes",
		    j_u64(pages_bytes(z->managed, fl->page_size)));
		json_object_object_add(
		    jz, "present_bytes",
		    j_u64(pages_bytes(z->present, fl->page_size)));
		json_object_object_add(
		    jz, "watermark_min_bytes",
		    j_u64(pages_bytes(z->min, fl->page_size)));
		json_object_object_add(
		    jz, "watermark_low_bytes",
		    j_u64(pages_bytes(z->low, fl->page_size)));
		json_object_object_add(
		    jz, "watermark_high_bytes",
		    j_u64(pages_bytes(z->high, fl->page_size)));
		if (z->n_types) {
			types = json_object_new_object();
			for (unsigned k = 0; k < z->n_types; k++) {
				json_object *jt = json_object_new_object();

				j_orders(&z->types[k].o, fl->page_size, jt);
				json_object_object_add(
				    jt, "pageblocks",
				    j_u64(z->types[k].pageblocks));
				json_object_object_add(types, z->types[k].name,
						       jt);
			}
		}
		json_object_object_add(jz, "by_migrate_type", types);
		json_object_array_add(zones, jz);
	}
	json_object_object_add(root, "zones", zones);
	json_object_object_add(root, "reconcile", j_reconcile(rc));
	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		json_object *u;

		if (snapshot_get(snap, ids[i]))
			continue;
		u = json_object_new_object();
		snapshot_why(snap, ids[i], why, sizeof(why));
		json_object_object_add(
		    u, "source",
		    json_object_new_string(source_get(ids[i])->name));
		json_object_object_add(u, "reason",
				       json_object_new_string(why));
		json_object_array_add(unavail, u);
	}
	json_object_object_add(root, "unavailable", unavail);
	json_print(stdout, root);
	json_object_put(root);
}

/* --- the command -------------------------------------------------------- */

int cmd_free(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"node", required_argument, NULL, OPT_NODE},
	    {"zone", required_argument, NULL, OPT_ZONE},
	    {"by-type", no_argument, NULL, OPT_BY_TYPE},
	    {"runs", no_argument, NULL, OPT_RUNS},
	    {NULL, 0, NULL, 0},
	};
	struct free_opts fo = {.node = -1};
	const struct buddyinfo *buddy;
	struct freelists_reconcile rc;
	struct freelists fl;
	struct snapshot snap;
	struct root *root;
	bool ps_assumed, any = false;
	uint64_t ps, churn;
	unsigned long ul;
	char why[400];
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_NODE:
			if (cli_parse_uint(optarg, &ul) < 0 || ul > 1u << 20)
				return cli_usage_error(ctx, "bad node '%s'",
						       optarg);
			fo.node = (long)ul;
			continue;
		case OPT_ZONE:
			fo.zone = optarg;
			continue;
		case OPT_BY_TYPE:
			fo.by_type = true;
			continue;
		case OPT_RUNS:
			fo.runs = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (fo.runs && fo.by_type)
		return cli_usage_error(ctx, "--runs and --by-type do not mix");
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	if (fo.runs)
		return free_runs(ctx, fo.node, fo.zone);
	snapshot_collect(root,
			 SRC_BIT(SRC_BUDDYINFO) | SRC_BIT(SRC_ZONEINFO) |
			     SRC_BIT(SRC_PAGETYPEINFO) | SRC_BIT(SRC_MEMINFO),
			 &snap);
	buddy = snapshot_get(&snap, SRC_BUDDYINFO);
	if (!buddy) {
		const struct source_err *e = &snap.err[SRC_BUDDYINFO];

		/* one line, "cannot read 'PATH': reason" or "cannot parse" */
		if (e->parse.msg[0] || !e->path[0]) {
			snapshot_why(&snap, SRC_BUDDYINFO, why, sizeof(why));
			log_error("%s", why);
		} else {
			log_error_errno(e->err, "cannot read '%s'", e->path);
		}
		snapshot_release(&snap);
		return EXIT_FAIL;
	}
	/* the page size is not in any of these files: the running system's
	 * when live; for a snapshot of an x86 machine 4 KiB (its only base
	 * page size); otherwise 4 KiB, said so */
	ps = root_page_size(root);
	ps_assumed = !root_page_size_known(root);
	if (ps_assumed) {
		const struct snapshot_meta *m = root_snapshot_meta(root);

		if (m && (streq(m->machine, "x86_64") ||
			  (m->machine[0] == 'i' && strstr(m->machine, "86"))))
			ps_assumed = false;
	}
	r = freelists_build(buddy, snapshot_get(&snap, SRC_ZONEINFO),
			    snapshot_get(&snap, SRC_PAGETYPEINFO), ps, &fl);
	if (r < 0) {
		log_error_errno(r, "cannot analyse '/proc/buddyinfo'");
		snapshot_release(&snap);
		return EXIT_FAIL;
	}
	churn = 0;
	if (root_is_live(root) && snapshot_get(&snap, SRC_MEMINFO)) {
		/* read MemFree again: how far it moved while the files were
		 * read is churn the cross-check must allow for */
		const struct meminfo *m0 = snapshot_get(&snap, SRC_MEMINFO);
		struct meminfo m1;

		if (meminfo_read(root, &m1, NULL) == 0) {
			uint64_t a = m0->v[MI_MEMFREE], b = m1.v[MI_MEMFREE];

			if (val_has(a) && val_has(b))
				churn = (a > b ? a - b : b - a) / ps;
			meminfo_release(&m1);
		}
	}
	(void)freelists_reconcile(snapshot_get(&snap, SRC_MEMINFO), buddy,
				  snapshot_get(&snap, SRC_ZONEINFO),
				  snapshot_get(&snap, SRC_PAGETYPEINFO), ps,
				  churn, &rc);
	for (size_t i = 0; i < fl.n_zones; i++)
		any |= zone_wanted(&fo, &fl.zones[i]);
	if (!any) {
		_cleanup_free_ char *list = NULL;

		for (size_t i = 0; i < fl.n_zones; i++) {
			char *l = xasprintf("%s%s%u/%s", list ? list : "",
					    list ? ", " : "", fl.zones[i].node,
					    fl.zones[i].zone);

			free(list);
			list = l;
		}
		log_error("no zone matches%s%s%s%s (zones with free lists: %s)",
			  fo.zone ? " '" : "", fo.zone ? fo.zone : "",
			  fo.zone ? "'" : "",
			  fo.node >= 0 ? " on that node" : "",
			  list ? list : "none");
		freelists_release(&fl);
		snapshot_release(&snap);
		return EXIT_FAIL;
	}
	if (ctx->json) {
		print_json(&fl, &fo, &rc, &snap, ps_assumed);
	} else {
		if (ps_assumed)
			printf("(page size assumed 4 KiB: captured files do "
			       "not record it)\n\n");
		print_orders(&fl, &fo, ctx);
		fputc('\n', stdout);
		print_unusable(&fl, &fo, ctx);
		fputc('\n', stdout);
		if (fl.has_types) {
			print_types(&fl, &fo, ctx);
		} else {
			snapshot_why(&snap, SRC_PAGETYPEINFO, why, sizeof(why));
			printf("Free memory by migrate type: unavailable: %s\n",
			       why);
		}
		fputc('\n', stdout);
		print_reconcile(&rc, &snap, ctx);
	}
	freelists_release(&fl);
	snapshot_release(&snap);
	return EXIT_OK;
}
