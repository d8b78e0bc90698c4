/* `memtally free --runs`: the free blocks found page by page, against the
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
#include "../basic/log.h"
#include "../sources/buddyinfo.h"
#include "../sources/zoneinfo.h"
#include "free-runs.h"
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

static const struct buddyinfo_zone *buddy_zone(const struct buddyinfo *b,
					       unsigned node, const char *name)
{
	for (size_t i = 0; b && i < b->n_zones; i++)
		if (b->zones[i].node == node && streq(b->zones[i].zone, name))
			return &b->zones[i];
	return NULL;
}

int free_runs(struct ctx *ctx, long node, const char *zone)
{
	struct root *root = ctx_root(ctx);
	struct zoneinfo zi;
	struct buddyinfo bi;
	struct source_err se;
	struct runs_ctx rc = {0};
	struct table *ht, *at, *tt;
	json_object *jz, *jl;
	bool have_bi;
	unsigned orders;
	uint64_t ps, tot_scan = 0, tot_buddy = 0, kend = 0;
	size_t beyond = 0;
	size_t scanned = 0;
	int rcode = EXIT_FAIL;
	char line[400];

	if (!root)
		return EXIT_FAIL;
	if (zoneinfo_read(root, &zi, &se) < 0) {
		source_err_format(&se, line, sizeof(line));
		log_error("free --runs needs the zones' PFN spans: %s", line);
		return EXIT_FAIL;
	}
	jz = json_object_new_array();
	jl = json_object_new_array();
	have_bi = buddyinfo_read(root, &bi, &se) == 0;
	orders = have_bi && bi.n_orders ? bi.n_orders : 11;
	if (orders > PC_ORDER_MAX + 1)
		orders = PC_ORDER_MAX + 1;
	ps = pages_page_size(ctx);
	if (pagescan_pfn_end(root, &kend, &se) < 0) {
		/* let the scan say why, in its words */
		struct pagescan_opts o0 = {0};
		struct pagescan_result r0;

		pages_scan(ctx, &o0, &r0);
		goto out0;
	}

	ht = table_new(NULL);
	table_add_col(ht, "NODE", "node", COL_COUNT);
	table_add_col(ht, "ZONE", "zone", COL_STR);
	table_add_col(ht, "FROM", "from", COL_STR);
	for (unsigned o = 0; o < orders; o++) {
		char h[8];

		snprintf(h, sizeof(h), "%u", o);
		table_add_col(ht, h, h, COL_COUNT);
	}
	table_add_col(ht, "FREE", "bytes", COL_BYTES);

	at = table_new(NULL);
	table_add_col(at, "NODE", "node", COL_COUNT);
	table_add_col(at, "ZONE", "zone", COL_STR);
	table_add_col(at, "SCAN", "scan_bytes", COL_BYTES);
	table_add_col(at, "BUDDYINFO", "buddyinfo_bytes", COL_BYTES);
	table_add_col(at, "DIFF", "difference", COL_SBYTES);
	table_add_col(at, "BLOCKS AGREE", "agreement", COL_PCT);
	table_add_col(at, "PER-CPU", "percpu_bytes", COL_BYTES);
	table_add_col(at, "UNINIT", "uninit_bytes", COL_BYTES);

	for (size_t zidx = 0; zidx < zi.n_zones; zidx++) {
		const struct zoneinfo_zone *z = &zi.zones[zidx];
		const struct buddyinfo_zone *bz =
		    have_bi ? buddy_zone(&bi, z->node, z->zone) : NULL;
		struct pageclass_zone span;
		struct pagescan_opts so = {0};
		struct pagescan_result res;
		struct free_recon fr;
		uint64_t scan_o[PC_ORDER_MAX + 1] = {0};
		uint64_t buddy_o[PC_ORDER_MAX + 1] = {0};
		uint64_t pcp;
		size_t row;

		if (node >= 0 && (long)z->node != node)
			continue;
		if (zone && strcasecmp(zone, z->zone) != 0)
			continue;
		if (!val_has(z->start_pfn) || !val_has(z->spanned) ||
		    z->spanned == 0)
			continue;
		span.start = z->start_pfn;
		span.end = z->start_pfn + z->spanned;
		if (span.end > kend) {
			/* a captured slice: say so, do not half-count */
			beyond++;
			continue;
		}
		so.lo = span.start;
		so.hi = span.end;
		so.zones = &span;
		so.n_zones = 1;
		so.max_order = orders - 1;
		so.emit_block = on_block;
		so.ctx = &rc;
		rc.zone = zidx;
		if (pages_scan(ctx, &so, &res) < 0)
			goto out;
		scanned++;
		for (unsigned o = 0; o < orders; o++) {
			scan_o[o] = res.c.free_blocks[0][o];
			buddy_o[o] = bz ? bz->free[o] : 0;
		}
		pagerecon_free(scan_o, buddy_o, orders, &fr);

		row = table_add_row(ht);
		table_set_u64(ht, row, 0, z->node);
		table_set_str(ht, row, 1, z->zone);
		table_set_str(ht, row, 2, "page scan");
		for (unsigned o = 0; o < orders; o++)
			table_set_u64(ht, row, 3 + o, scan_o[o]);
		table_set_u64(ht, row, 3 + orders, fr.scan_pages * ps);
		row = table_add_row(ht);
		table_set_u64(ht, row, 0, z->node);
		table_set_str(ht, row, 1, z->zone);
		table_set_str(ht, row, 2, "buddyinfo");
		if (bz) {
			for (unsigned o = 0; o < orders; o++)
				table_set_u64(ht, row, 3 + o, buddy_o[o]);
			table_set_u64(ht, row, 3 + orders, fr.buddy_pages * ps);
		}

		pcp = zoneinfo_pcp_count(z);
		row = table_add_row(at);
		table_set_u64(at, row, 0, z->node);
		table_set_str(at, row, 1, z->zone);
		table_set_u64(at, row, 2, fr.scan_pages * ps);
		if (bz) {
			table_set_u64(at, row, 3, fr.buddy_pages * ps);
			table_set_i64(
			    at, row, 4,
			    ((int64_t)fr.scan_pages - (int64_t)fr.buddy_pages) *
				(int64_t)ps);
			table_set_double(at, row, 5, fr.agreement);
		}
		table_set_u64(at, row, 6, val_has(pcp) ? pcp * ps : VAL_ABSENT);
		table_set_u64(at, row, 7,
			      pageclass_use_pages(&res.c, PU_UNINIT) * ps);
		tot_scan += fr.scan_pages;
		tot_buddy += fr.buddy_pages;
		{
			json_object *o = json_object_new_object();
			json_object *a = json_object_new_array();
			json_object *b = bz ? json_object_new_array() : NULL;

			for (unsigned k = 0; k < orders; k++) {
				json_object_array_add(
				    a, json_object_new_uint64(scan_o[k]));
				if (b)
					json_object_array_add(
					    b,
					    json_object_new_uint64(buddy_o[k]));
			}
			json_object_object_add(
			    o, "node", json_object_new_int((int)z->node));
			json_object_object_add(o, "zone",
					       json_object_new_string(z->zone));
			json_object_object_add(o, "free_blocks", a);
			json_object_object_add(o, "buddyinfo_blocks", b);
			json_object_object_add(
			    o, "scan_bytes",
			    json_object_new_uint64(fr.scan_pages * ps));
			json_object_object_add(
			    o, "buddyinfo_bytes",
			    bz ? json_object_new_uint64(fr.buddy_pages * ps)
			       : NULL);
			json_object_object_add(
			    o, "agreement",
			    bz ? json_object_new_double(fr.agreement) : NULL);
			json_object_object_add(
			    o, "percpu_bytes",
			    val_has(pcp) ? json_object_new_uint64(pcp * ps)
					 : NULL);
			json_object_object_add(
			    o, "uninit_bytes",
			    json_object_new_uint64(
				pageclass_use_pages(&res.c, PU_UNINIT) * ps));
			json_object_array_add(jz, o);
		}
	}
	if (scanned == 0 && beyond == 0) {
		log_error("no zone with a PFN span matches%s%s",
			  zone ? " zone " : "", zone ? zone : "");
		goto out;
	}
	if (beyond)
		table_add_note(at,
			       "%zu zone(s) reach past the end of the kpage "
			       "files (PFN %#" PRIx64 "), a captured slice: "
			       "left out",
			       beyond, kend);

	tt = table_new(NULL);
	table_add_col(tt, "PFN", "pfn", COL_STR);
	table_add_col(tt, "ADDRESS", "address", COL_STR);
	table_add_col(tt, "ORDER", "order", COL_COUNT);
	table_add_col(tt, "SIZE", "bytes", COL_BYTES);
	table_add_col(tt, "ZONE", "zone", COL_STR);
	for (size_t i = 0; i < rc.n_top; i++) {
		char a[24], b[24];
		size_t row = table_add_row(tt);

		snprintf(a, sizeof(a), "%#" PRIx64, rc.top[i].pfn);
		snprintf(b, sizeof(b), "%#" PRIx64, rc.top[i].pfn * ps);
		table_set_str(tt, row, 0, a);
		table_set_str(tt, row, 1, b);
		table_set_u64(tt, row, 2, rc.top[i].order);
		table_set_u64(tt, row, 3,
			      (UINT64_C(1) << rc.top[i].order) * ps);
		table_set_str(tt, row, 4, zi.zones[rc.top[i].zone].zone);
		{
			json_object *o = json_object_new_object();

			json_object_object_add(
			    o, "pfn", json_object_new_uint64(rc.top[i].pfn));
			json_object_object_add(
			    o, "address",
			    json_object_new_uint64(rc.top[i].pfn * ps));
			json_object_object_add(
			    o, "order",
			    json_object_new_int((int)rc.top[i].order));
			json_object_object_add(
			    o, "bytes",
			    json_object_new_uint64(
				(UINT64_C(1) << rc.top[i].order) * ps));
			json_object_object_add(
			    o, "zone",
			    json_object_new_string(
				zi.zones[rc.top[i].zone].zone));
			json_object_array_add(jl, o);
		}
	}

	if (!have_bi) {
		source_err_format(&se, line, sizeof(line));
		table_add_note(at, "buddyinfo unavailable: %s", line);
	} else {
		char d[32];

		uint64_t dp = tot_scan >= tot_buddy ? tot_scan - tot_buddy
						    : tot_buddy - tot_scan;

		human_bytes(dp * ps, d, sizeof(d));
		if (dp == 0)
			table_add_note(at, "the scan found as much free memory "
					   "as the allocator's lists hold");
		else
			table_add_note(at,
				       "the scan found %s %s free memory than "
				       "the allocator's lists hold",
				       d,
				       tot_scan > tot_buddy ? "more" : "less");
	}
	table_add_note(at, "BLOCKS AGREE: blocks counted alike by order, as a "
			   "share of the larger count");
	table_add_note(at, "why they differ: the scan is not atomic (blocks "
			   "are taken, freed, split and merged while it runs, "
			   "and buddyinfo is read after it); orders are "
			   "rebuilt by cutting each run of free pages at its "
			   "alignment, which is the allocator's own cut except "
			   "where it refuses to merge (pageblocks of isolated "
			   "or CMA migrate types)");
	table_add_note(at, "PER-CPU: free pages on the per-CPU lists, in "
			   "neither count (zoneinfo pagesets); UNINIT: "
			   "sections deferred struct page init has not handed "
			   "to the allocator yet");

	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "orders",
				       json_object_new_int((int)orders));
		json_object_object_add(o, "zones", json_object_get(jz));
		json_object_object_add(o, "largest", json_object_get(jl));
		json_object_object_add(o, "notes", table_json_notes(at));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		puts("Free blocks by order: the page scan against "
		     "/proc/buddyinfo");
		table_print(ht, stdout, &ctx->out);
		puts("\nAgreement:");
		table_print(at, stdout, &ctx->out);
		puts("\nLargest free blocks found:");
		table_print(tt, stdout, &ctx->out);
	}
	table_free(tt);
	rcode = EXIT_OK;
out:
	table_free(ht);
	table_free(at);
out0:
	json_object_put(jz);
	json_object_put(jl);
	zoneinfo_release(&zi);
	if (have_bi)
		buddyinfo_release(&bi);
	return rcode;
}
