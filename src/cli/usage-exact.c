/* `memtally usage --exact`: RAMMap's Use Counts from the page database.
 *
 * Every physical page is classified from its flags (model/pagescan.c,
 * analysis/pageclass.c) and the result is shown three ways: the use x
 * list matrix, then each category of `usage` with the bytes its
 * /proc/meminfo counters give next to the bytes the page flags give, the
 * difference and why the two may disagree (analysis/pagerecon.c), then the
 * same for the LRU lists and the dirty, writeback and mapped states.
 * Needs root; without it the one-line error says what the counter-based
 * `usage` offers instead. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/pagerecon.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../model/snapshot.h"
#include "../sources/iomem.h"
#include "../sources/meminfo.h"
#include "../sources/zoneinfo.h"
#include "pages.h"
#include "usage-exact.h"

static struct table *recon_table(const char *first,
				 const struct recon_row *rows, size_t n,
				 bool total, uint64_t sum_scan,
				 uint64_t sum_counted)
{
	struct table *t = table_new(NULL);
	size_t row;

	table_add_col(t, first, "name", COL_STR);
	table_add_col(t, "PAGE FLAGS", "bytes", COL_BYTES);
	table_add_col(t, "COUNTERS", "counter_bytes", COL_BYTES);
	table_add_col(t, "DIFF", "difference", COL_SBYTES);
	table_add_col(t, "PAGES ARE", "uses", COL_STR);
	table_add_col(t, "COUNTED AS", "counter", COL_STR);
	for (size_t i = 0; i < n; i++) {
		const struct recon_row *r = &rows[i];

		row = table_add_row(t);
		table_set_str(t, row, 0, r->label);
		table_set_u64(t, row, 1, r->scan);
		table_set_u64(t, row, 2, r->counted);
		if (val_has(r->counted))
			table_set_i64(t, row, 3, r->diff);
		table_set_str(t, row, 4, r->uses);
		table_set_str(t, row, 5, r->counter);
	}
	if (total) {
		row = table_add_row(t);
		table_row_total(t, row);
		table_set_str(t, row, 0, "total");
		table_set_u64(t, row, 1, sum_scan);
		table_set_u64(t, row, 2, sum_counted);
		if (val_has(sum_counted))
			table_set_i64(t, row, 3,
				      (int64_t)sum_scan - (int64_t)sum_counted);
		table_set_str(t, row, 4, "all but holes");
		table_set_str(t, row, 5, "MemTotal+reserved");
	}
	return t;
}

/* Explain the differences worth explaining: over 1% of the counter and
 * over 4 MiB. */
static void add_why_notes(struct table *t, const struct recon_row *rows,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct recon_row *r = &rows[i];
		uint64_t ad =
		    r->diff < 0 ? (uint64_t)-r->diff : (uint64_t)r->diff;
		char h[32];

		if (!val_has(r->counted) || !r->why[0])
			continue;
		if (ad < (4u << 20) || ad * 100 < r->counted)
			continue;
		human_bytes_signed(r->diff, h, sizeof(h));
		table_add_note(t, "%s %s: %s", r->label, h, r->why);
	}
}

static json_object *recon_json(const struct recon_row *rows, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		const struct recon_row *r = &rows[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name",
				       json_object_new_string(r->key));
		json_object_object_add(o, "bytes",
				       json_object_new_uint64(r->scan));
		json_object_object_add(o, "counter_bytes",
				       val_has(r->counted)
					   ? json_object_new_uint64(r->counted)
					   : NULL);
		json_object_object_add(o, "difference",
				       val_has(r->counted)
					   ? json_object_new_int64(r->diff)
					   : NULL);
		json_object_object_add(o, "uses",
				       json_object_new_string(r->uses));
		json_object_object_add(o, "counter",
				       json_object_new_string(r->counter));
		json_object_object_add(o, "why",
				       json_object_new_string(r->why));
		json_object_array_add(a, o);
	}
	return a;
}

int usage_exact(struct ctx *ctx)
{
	uint64_t ram_bytes = VAL_ABSENT, pcp = 0;
	struct zoneinfo zi;
	struct iomem io;
	struct pagescan_opts so = {0};
	struct pagescan_result res;
	struct pagerecon rc;
	struct meminfo mi;
	struct source_err se;
	struct table *mt, *ct, *lt;
	uint64_t ps, sum_scan = 0, sum_counted = 0;
	bool have_mi, partial;
	struct root *root = ctx_root(ctx);

	if (!root)
		return EXIT_FAIL;
	if (pages_scan(ctx, &so, &res) < 0)
		return EXIT_FAIL;
	if (iomem_read(root, &io, NULL) == 0) {
		ram_bytes = iomem_system_ram(&io);
		iomem_release(&io);
	}
	if (zoneinfo_read(root, &zi, NULL) == 0) {
		for (size_t i = 0; i < zi.n_zones; i++) {
			uint64_t n = zoneinfo_pcp_count(&zi.zones[i]);

			if (val_has(n) && val_has(pcp))
				pcp += n;
		}
		zoneinfo_release(&zi);
	} else {
		pcp = VAL_ABSENT;
	}
	ps = pages_page_size(ctx);
	have_mi = meminfo_read(root, &mi, &se) == 0;
	pagerecon_meminfo(&res.c, ps, have_mi ? &mi : NULL, ram_bytes, &rc);

	/* the categories a total is made of: all but holes */
	for (int i = 0; i < _RC_MAX; i++) {
		if (i == RC_HOLE)
			continue;
		sum_scan += rc.cat[i].scan;
		if (val_has(sum_counted) && val_has(rc.cat[i].counted))
			sum_counted += rc.cat[i].counted;
		else
			sum_counted = VAL_ABSENT;
	}

	mt = pages_matrix_table(&res.c, ps);
	ct = recon_table("CATEGORY", rc.cat, _RC_MAX, true, sum_scan,
			 sum_counted);
	lt = recon_table("LIST", rc.list, _RL_MAX, false, 0, 0);
	if (!have_mi) {
		char line[400];

		source_err_format(&se, line, sizeof(line));
		table_add_note(ct, "counters unavailable: %s", line);
	}
	table_add_note(ct, "PAGE FLAGS: every page classified from "
			   "/proc/kpageflags; COUNTERS: the same category from "
			   "/proc/meminfo, as 'memtally usage' counts it");
	partial = val_has(ram_bytes) && res.pfn_end * ps < ram_bytes;
	if (partial) {
		table_add_note(ct,
			       "the kpage files cover PFNs 0-%#" PRIx64
			       " only, less than the System RAM (a captured "
			       "slice): the two columns are not comparable",
			       res.pfn_end);
	} else {
		const struct recon_row *f = &rc.cat[RC_FREE],
				       *rs = &rc.cat[RC_RESERVED];

		add_why_notes(ct, rc.cat, _RC_MAX);
		add_why_notes(lt, rc.list, _RL_MAX);
		/* free over and reserved under by the same amount: the same
		 * pages, flagless boot allocations taken for uninit */
		if (val_has(f->counted) && val_has(rs->counted) &&
		    f->diff > (4 << 20) && rs->diff < 0 &&
		    llabs(f->diff + rs->diff) * 20 < f->diff) {
			char h[32];

			human_bytes((uint64_t)f->diff, h, sizeof(h));
			table_add_note(ct,
				       "free is over and reserved under by "
				       "the same %s: pages the kernel "
				       "allocated at boot without a flag "
				       "(the struct page array) inside "
				       "sections taken for uninitialised "
				       "ones",
				       h);
		}
	}
	if (val_has(pcp)) {
		char h[32];

		human_bytes(pcp * ps, h, sizeof(h));
		table_add_note(ct,
			       "per-CPU free lists hold %s (zoneinfo): "
			       "free to the allocator, but in neither MemFree "
			       "nor the BUDDY pages; both sides count them "
			       "in 'kernel'",
			       h);
	}
	/* live only: a captured file takes no time worth saying, and a
	 * golden output must not depend on the clock */
	if (root_is_live(root))
		table_add_note(ct,
			       "the scan took %.2f s with %u thread(s); memory "
			       "moved meanwhile, so small differences are "
			       "expected",
			       res.seconds, res.threads);
	pages_add_notes(ct, &res);

	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "exact", json_object_new_boolean(1));
		json_object_object_add(o, "total_bytes",
				       json_object_new_uint64(sum_scan));
		json_object_object_add(
		    o, "mem_total",
		    have_mi && val_has(mi.v[MI_MEMTOTAL])
			? json_object_new_uint64(mi.v[MI_MEMTOTAL])
			: NULL);
		json_object_object_add(o, "page_size",
				       json_object_new_uint64(ps));
		json_object_object_add(o, "categories",
				       recon_json(rc.cat, _RC_MAX - 1));
		json_object_object_add(
		    o, "holes_bytes",
		    json_object_new_uint64(rc.cat[RC_HOLE].scan));
		json_object_object_add(o, "lists",
				       recon_json(rc.list, _RL_MAX));
		json_object_object_add(o, "matrix", table_json_rows(mt));
		json_object_object_add(o, "notes", table_json_notes(ct));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		puts("Pages by use and list (from the page flags):");
		table_print(mt, stdout, &ctx->out);
		puts("\nPage flags against counters:");
		table_print(ct, stdout, &ctx->out);
		puts("\nLists and states:");
		table_print(lt, stdout, &ctx->out);
	}
	table_free(mt);
	table_free(ct);
	table_free(lt);
	if (have_mi)
		meminfo_release(&mi);
	return EXIT_OK;
}
