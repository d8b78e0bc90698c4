/* The usage --exact view: RAMMap's Use Counts from the page database.
 *
 * Every physical page is classified from its flags (model/pagescan.c,
 * analysis/pageclass.c) and the result is shown three ways: the use x
 * list matrix, then each category of `usage` with the bytes its
 * /proc/meminfo counters give next to the bytes the page flags give, the
 * difference and why the two may disagree (analysis/pagerecon.c), then the
 * same for the LRU lists and the dirty, writeback and mapped states.
 * Needs root; without it the one-line error says what the counter-based
 * `usage` offers instead. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/pagerecon.h"
#include "../basic/human.h"
#include "../sources/iomem.h"
#include "../sources/meminfo.h"
#include "../sources/zoneinfo.h"
#include "pages.h"
#include "usage.h"

/* What the exact view gathers before it fills the document. */
struct exact {
	struct pagescan_result res;
	struct pagerecon rc;
	struct meminfo mi;
	struct source_err se; /* why meminfo could not be read */
	bool have_mi;
	uint64_t ram_bytes; /* System RAM (iomem), or VAL_ABSENT */
	uint64_t pcp;	    /* pages on per-CPU free lists, or VAL_ABSENT */
	uint64_t ps;
	uint64_t sum_scan, sum_counted; /* all categories but holes */
};

/* The page flags against the counters, a row per category or list.
 * JSON: {name, bytes, counter_bytes, difference, uses, counter, why}
 * for the first json_rows rows; the rest and the total are text only. */
static struct table *recon_table(const char *first,
				 const struct recon_row *rows, size_t n,
				 size_t json_rows, const struct exact *x)
{
	struct table *t = table_new(NULL);
	size_t row;

	table_col_flags(t, table_add_col(t, "NAME", "name", COL_STR),
			COLF_JSON_ONLY);
	table_col_flags(t, table_add_col(t, first, "label", COL_STR),
			COLF_TEXT_ONLY);
	table_add_col(t, "PAGE FLAGS", "bytes", COL_BYTES);
	table_add_col(t, "COUNTERS", "counter_bytes", COL_BYTES);
	table_add_col(t, "DIFF", "difference", COL_SBYTES);
	table_add_col(t, "PAGES ARE", "uses", COL_STR);
	table_add_col(t, "COUNTED AS", "counter", COL_STR);
	table_col_flags(t, table_add_col(t, "WHY", "why", COL_STR),
			COLF_JSON_ONLY);
	for (size_t i = 0; i < n; i++) {
		const struct recon_row *r = &rows[i];

		row = table_add_row(t);
		if (i >= json_rows)
			table_row_text_only(t, row);
		table_set_str(t, row, 0, r->key);
		table_set_str(t, row, 1, r->label);
		table_set_u64(t, row, 2, r->scan);
		table_set_u64(t, row, 3, r->counted);
		if (val_has(r->counted))
			table_set_i64(t, row, 4, r->diff);
		table_set_str(t, row, 5, r->uses);
		table_set_str(t, row, 6, r->counter);
		table_set_str(t, row, 7, r->why);
	}
	if (!x)
		return t;
	row = table_add_row(t);
	table_row_total(t, row);
	table_row_text_only(t, row);
	table_set_str(t, row, 1, "total");
	table_set_u64(t, row, 2, x->sum_scan);
	table_set_u64(t, row, 3, x->sum_counted);
	if (val_has(x->sum_counted))
		table_set_i64(t, row, 4,
			      (int64_t)x->sum_scan - (int64_t)x->sum_counted);
	table_set_str(t, row, 5, "all but holes");
	table_set_str(t, row, 6, "MemTotal+reserved");
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

/* Scan, then read what the counters say: iomem for the RAM, zoneinfo
 * for the per-CPU lists, meminfo; reconcile. */
static int exact_collect(struct root *root, const struct usage_opts *o,
			 struct exact *x, struct view_err *err)
{
	struct pagescan_opts so = {0};
	struct zoneinfo zi;
	struct iomem io;
	int r;

	r = view_pages_scan(root, &so, o->progress, o->progress_data, &x->res,
			    err);
	if (r < 0)
		return r;
	x->ram_bytes = VAL_ABSENT;
	if (iomem_read(root, &io, NULL) == 0) {
		x->ram_bytes = iomem_system_ram(&io);
		iomem_release(&io);
	}
	x->pcp = VAL_ABSENT;
	if (zoneinfo_read(root, &zi, NULL) == 0) {
		x->pcp = 0;
		for (size_t i = 0; i < zi.n_zones; i++) {
			uint64_t n = zoneinfo_pcp_count(&zi.zones[i]);

			if (val_has(n) && val_has(x->pcp))
				x->pcp += n;
		}
		zoneinfo_release(&zi);
	}
	x->ps = view_pages_page_size(root);
	x->have_mi = meminfo_read(root, &x->mi, &x->se) == 0;
	pagerecon_meminfo(&x->res.c, x->ps, x->have_mi ? &x->mi : NULL,
			  x->ram_bytes, &x->rc);
	/* the categories a total is made of: all but holes */
	x->sum_scan = 0;
	x->sum_counted = 0;
	for (int i = 0; i < _RC_MAX; i++) {
		if (i == RC_HOLE)
			continue;
		x->sum_scan += x->rc.cat[i].scan;
		if (val_has(x->sum_counted) && val_has(x->rc.cat[i].counted))
			x->sum_counted += x->rc.cat[i].counted;
		else
			x->sum_counted = VAL_ABSENT;
	}
	return 0;
}

/* free over and reserved under by the same amount: the same pages,
 * flagless boot allocations taken for uninit */
static void boot_alloc_note(struct table *ct, const struct pagerecon *rc)
{
	const struct recon_row *f = &rc->cat[RC_FREE],
			       *rs = &rc->cat[RC_RESERVED];
	char h[32];

	if (!val_has(f->counted) || !val_has(rs->counted) ||
	    f->diff <= (4 << 20) || rs->diff >= 0 ||
	    llabs(f->diff + rs->diff) * 20 >= f->diff)
		return;
	human_bytes((uint64_t)f->diff, h, sizeof(h));
	table_add_note(ct,
		       "free is over and reserved under by the same %s: pages "
		       "the kernel allocated at boot without a flag (the "
		       "struct page array) inside sections taken for "
		       "uninitialised ones",
		       h);
}

/* The notes under the categories (JSON "notes"), and the why-notes of
 * the lists under lt (text only). */
static void exact_notes(struct root *root, const struct exact *x,
			struct table *ct, struct table *lt)
{
	char line[400];

	if (!x->have_mi) {
		source_err_format(&x->se, line, sizeof(line));
		table_add_note(ct, "counters unavailable: %s", line);
	}
	table_add_note(ct, "PAGE FLAGS: every page classified from "
			   "/proc/kpageflags; COUNTERS: the same category from "
			   "/proc/meminfo, as 'memtally usage' counts it");
	if (val_has(x->ram_bytes) && x->res.pfn_end * x->ps < x->ram_bytes) {
		table_add_note(ct,
			       "the kpage files cover PFNs 0-%#" PRIx64
			       " only, less than the System RAM (a captured "
			       "slice): the two columns are not comparable",
			       x->res.pfn_end);
	} else {
		add_why_notes(ct, x->rc.cat, _RC_MAX);
		add_why_notes(lt, x->rc.list, _RL_MAX);
		boot_alloc_note(ct, &x->rc);
	}
	if (val_has(x->pcp)) {
		human_bytes(x->pcp * x->ps, line, sizeof(line));
		table_add_note(ct,
			       "per-CPU free lists hold %s (zoneinfo): "
			       "free to the allocator, but in neither MemFree "
			       "nor the BUDDY pages; both sides count them "
			       "in 'kernel'",
			       line);
	}
	/* live only: a captured file takes no time worth saying, and a
	 * golden output must not depend on the clock */
	if (root_is_live(root))
		table_add_note(ct,
			       "the scan took %.2f s with %u thread(s); memory "
			       "moved meanwhile, so small differences are "
			       "expected",
			       x->res.seconds, x->res.threads);
	pages_add_notes(ct, &x->res);
}

/* Text: the matrix, the categories, the lists. JSON: the contract's key
 * order, with the matrix after the lists and only the categories' notes
 * under "notes". */
static struct doc *exact_doc(struct root *root, const struct exact *x)
{
	struct doc *d = doc_new();
	struct table *mt, *ct, *lt;

	doc_add_bool(d, "exact", NULL, true);
	doc_add_bytes(d, "total_bytes", NULL, x->sum_scan);
	doc_add_bytes(d, "mem_total", NULL,
		      x->have_mi ? x->mi.v[MI_MEMTOTAL] : VAL_ABSENT);
	doc_add_count(d, "page_size", NULL, x->ps);
	mt = doc_add_table(d, NULL, pages_matrix_table(&x->res.c, x->ps));
	table_set_title(mt, "Pages by use and list (from the page flags):");
	ct = doc_add_table(
	    d, "categories",
	    recon_table("CATEGORY", x->rc.cat, _RC_MAX, _RC_MAX - 1, x));
	table_set_title(ct, "Page flags against counters:");
	doc_add_bytes(d, "holes_bytes", NULL, x->rc.cat[RC_HOLE].scan);
	doc_add_json_table(
	    d, "lists",
	    recon_table("LIST", x->rc.list, _RL_MAX, _RL_MAX, NULL));
	doc_add_json_table(d, "matrix", pages_matrix_table(&x->res.c, x->ps));
	lt = recon_table("LIST", x->rc.list, _RL_MAX, _RL_MAX, NULL);
	table_set_title(lt, "Lists and states:");
	exact_notes(root, x, ct, lt);
	doc_add_notes(d, "notes");
	doc_add_table(d, NULL, lt);
	return d;
}

int view_usage_exact(struct root *root, const struct usage_opts *o,
		     struct doc **ret, struct view_err *err)
{
	struct exact x;
	int r;

	r = exact_collect(root, o, &x, err);
	if (r < 0)
		return r;
	*ret = exact_doc(root, &x);
	if (x.have_mi)
		meminfo_release(&x.mi);
	return 0;
}
