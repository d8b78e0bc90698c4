/* The pools view: PoolMon's table for the Linux kernel's memory pools.
 *
 * One row per slab cache (/proc/slabinfo), vmalloc caller
 * (/proc/vmallocinfo) and allocation call site (/proc/allocinfo), read
 * through the snapshot; slab caches are typed from each one's
 * reclaim_account in /sys/kernel/slab (model/slabtypes.c). With a running
 * BPF tracer (pools-bpf.c) the kernel call sites it has seen join them.
 * The analysis (filter, sort, totals) is src/analysis/pools.c; this file
 * gathers the rows and the notes that say what each figure means or why
 * a source is missing, and fills the document.
 *
 * The text table and the JSON rows are one table: the columns PoolMon
 * shows are in both, objsize and objects are JSON only, the FREES+- column
 * of traced rows is text only (JSON has "estimated" and "frees_error"),
 * and the total lines are text-only rows (JSON has the "totals"
 * section). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/dentries.h"
#include "../model/slabtypes.h"
#include "../model/snapshot.h"
#include "pools.h"

/* The rows table's columns; the last five only with bpf rows. */
enum {
	C_TAG,
	C_SOURCE,
	C_TYPE,
	C_ALLOCS,
	C_FREES,
	C_DIFF,
	C_BYTES,
	C_PER_ALLOC,
	C_MODULE,
	C_OBJSIZE,
	C_OBJECTS,
	C_CACHE,
	C_FREES_PM,
	C_ESTIMATED,
	C_FREES_ERR,
};

static const enum source_id pool_src_ids[] = {
    [POOL_SLAB] = SRC_SLABINFO,
    [POOL_VMALLOC] = SRC_VMALLOCINFO,
    [POOL_ALLOCINFO] = SRC_ALLOCINFO,
};

/* What the collection gathered, for filling the document. */
struct pools_data {
	struct snapshot snap;
	struct pool_set set;
	struct slab_sysfs ss;
	bool have_ss;
	unsigned avail; /* sources with rows */
	uint64_t page_size;
	struct kmemtag_result res; /* with have_res: the tracer's figures */
	bool have_res;
};

static struct table *rows_table_new(bool bpf)
{
	struct table *t = table_new(NULL);

	table_add_col(t, "TAG", "tag", COL_STR);
	table_add_col(t, "SOURCE", "source", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	table_add_col(t, "ALLOCS", "allocs", COL_COUNT);
	table_add_col(t, "FREES", "frees", COL_COUNT);
	table_add_col(t, "DIFF", "diff", COL_COUNT);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "PER-ALLOC", "per_alloc", COL_BYTES);
	table_add_col(t, "MODULE", "module", COL_STR);
	table_col_flags(t, C_MODULE, COLF_BLANK_ABSENT);
	table_add_col(t, "OBJSIZE", "objsize", COL_BYTES);
	table_col_flags(t, C_OBJSIZE, COLF_JSON_ONLY);
	table_add_col(t, "OBJECTS", "objects", COL_COUNT);
	table_col_flags(t, C_OBJECTS, COLF_JSON_ONLY);
	if (!bpf)
		return t;
	table_add_col(t, "CACHE", "cache", COL_STR);
	table_col_flags(t, C_CACHE, COLF_BLANK_ABSENT);
	table_add_col(t, "FREES+-", "frees_pm", COL_STR);
	table_col_flags(t, C_FREES_PM, COLF_TEXT_ONLY);
	table_add_col(t, "ESTIMATED", "estimated", COL_JSON);
	table_col_flags(t, C_ESTIMATED, COLF_JSON_ONLY);
	table_add_col(t, "FREES-ERROR", "frees_error", COL_COUNT);
	table_col_flags(t, C_FREES_ERR, COLF_JSON_ONLY);
	return t;
}

/* The traced columns of one row: "exact", "+-N" or "n/a" in text (ASCII:
 * libsmartcols escapes other bytes in the C locale memtally runs in). */
static void fill_bpf_cols(struct table *t, size_t row, const struct pool_row *r)
{
	char e[32];

	if (r->source != POOL_BPF) {
		table_set_str(t, row, C_FREES_PM, "");
		return;
	}
	if (r->estimated && val_has(r->frees_err))
		snprintf(e, sizeof(e), "+-%llu",
			 (unsigned long long)r->frees_err);
	else
		snprintf(e, sizeof(e), "%s",
			 val_has(r->frees) ? "exact" : "n/a");
	if (r->cache)
		table_set_str(t, row, C_CACHE, r->cache);
	table_set_str(t, row, C_FREES_PM, e);
	table_set_json(t, row, C_ESTIMATED, r->estimated ? "true" : "false");
	table_set_u64(t, row, C_FREES_ERR, r->frees_err);
}

static void fill_row(struct table *t, size_t row, const struct pool_row *r)
{
	const char *type = pool_type_name(r->type);

	table_set_str(t, row, C_TAG, r->tag);
	table_set_str(t, row, C_SOURCE, pool_source_name(r->source));
	if (type)
		table_set_str(t, row, C_TYPE, type);
	table_set_u64(t, row, C_ALLOCS, r->allocs);
	table_set_u64(t, row, C_FREES, r->frees);
	table_set_u64(t, row, C_DIFF, r->diff);
	table_set_u64(t, row, C_BYTES, r->bytes);
	table_set_u64(t, row, C_PER_ALLOC, r->per_alloc);
	if (r->module)
		table_set_str(t, row, C_MODULE, r->module);
	table_set_u64(t, row, C_OBJSIZE, r->objsize);
	table_set_u64(t, row, C_OBJECTS, r->objects);
	if (table_cols(t) > C_CACHE)
		fill_bpf_cols(t, row, r);
}

static void add_total(struct table *t, const char *src, uint64_t diff,
		      uint64_t bytes)
{
	size_t row = table_add_row(t);

	table_set_str(t, row, C_TAG, "total");
	table_set_str(t, row, C_SOURCE, src);
	table_set_str(t, row, C_TYPE, "");
	table_set_u64(t, row, C_DIFF, diff);
	table_set_u64(t, row, C_BYTES, bytes);
	table_row_total(t, row);
	table_row_text_only(t, row);
}

static void add_unavailable(struct table *rows, struct table *unavail,
			    const char *src, const char *why)
{
	size_t r = table_add_row(unavail);

	table_set_str(unavail, r, 0, src);
	table_set_str(unavail, r, 1, why);
	table_add_note(rows, "%s rows unavailable: %s", src, why);
}

/* The page size: the root's when it knows it (live, or recorded in a
 * snapshot); else what vmallocinfo implies; else 4096, said so. */
static uint64_t pick_page_size(struct root *root, const struct vmallocinfo *vi,
			       bool slab_read, struct table *rows)
{
	uint64_t ps = vi ? vmallocinfo_page_size(vi) : 0;

	if (root_page_size_known(root))
		return root_page_size(root);
	if (ps)
		return ps;
	if (vi || slab_read)
		table_add_note(rows, "page size assumed 4096 bytes (not "
				     "derivable from this tree's vmallocinfo)");
	return 4096;
}

static void add_slab(struct root *root, const struct slabinfo *si,
		     struct pools_data *pd, struct table *rows)
{
	struct pool_set *set = &pd->set;
	struct source_err err;

	pd->have_ss = slab_types_read(root, si, &pd->ss, &err) == 0;
	pools_add_slab(set, si, pd->have_ss ? &pd->ss : NULL, pd->page_size);
	if (!pd->have_ss) {
		char why[400];

		source_err_format(&err, why, sizeof(why));
		table_add_note(rows, "slab types from cache names only: %s",
			       why);
	}
	if (set->n_type_guessed)
		table_add_note(rows,
			       "%zu slab cache type(s) inferred from the "
			       "cache name (reclaim_account unreadable)",
			       set->n_type_guessed);
	if (set->n_type_unknown)
		table_add_note(rows,
			       "%zu slab cache type(s) n/a: no "
			       "reclaim_account in /sys/kernel/slab",
			       set->n_type_unknown);
}

/* The dentry cache split into unused (reclaimable) and in use (pinned),
 * from /proc/sys/fs/dentry-state, with bytes at the cache's objsize. */
static void add_dentries(const struct snapshot *snap, const struct slabinfo *si,
			 struct table *rows)
{
	const struct dentry_state *ds = snapshot_get(snap, SRC_DENTRY_STATE);
	const struct slabinfo_cache *c = slabinfo_find(si, "dentry");
	struct dentry_split sp;
	char line[400];

	if (!ds || !c)
		return;
	dentries_split(ds, c->objsize, &sp);
	dentries_sentence(&sp, line, sizeof(line));
	table_add_note(rows, "%s", line);
}

static void add_allocinfo(const struct allocinfo *ai, struct pool_set *set,
			  struct table *rows)
{
	pools_add_allocinfo(set, ai);
	table_add_note(rows, "allocinfo TYPE n/a: /proc/allocinfo does not "
			     "say; its bytes overlap slab and vmalloc rows "
			     "(compare, do not add)");
	if (set->n_inaccurate)
		table_add_note(rows,
			       "%zu allocinfo site(s) marked accurate:no by "
			       "the kernel",
			       set->n_inaccurate);
	if (set->n_negative)
		table_add_note(rows,
			       "%zu allocinfo site(s) read a negative size "
			       "(racing counters): BYTES n/a",
			       set->n_negative);
}

/* The /proc sources in srcs: rows into pd->set, reasons for the missing
 * ones into unavail, notes into rows. */
static void add_proc_sources(struct root *root, unsigned srcs,
			     struct pools_data *pd, struct table *rows,
			     struct table *unavail)
{
	const struct slabinfo *si;
	const struct vmallocinfo *vi;
	const struct allocinfo *ai;
	uint64_t mask = 0;

	for (int s = 0; s < POOL_BPF; s++)
		if (srcs & POOL_SRC_BIT(s))
			mask |= SRC_BIT(pool_src_ids[s]);
	if (srcs & POOL_SRC_BIT(POOL_SLAB))
		mask |= SRC_BIT(SRC_DENTRY_STATE);
	snapshot_collect(root, mask, &pd->snap);
	si = snapshot_get(&pd->snap, SRC_SLABINFO);
	vi = snapshot_get(&pd->snap, SRC_VMALLOCINFO);
	ai = snapshot_get(&pd->snap, SRC_ALLOCINFO);
	pd->page_size = pick_page_size(root, vi, si != NULL, rows);
	for (int s = 0; s < POOL_BPF; s++) {
		char why[400];

		if (!(srcs & POOL_SRC_BIT(s)))
			continue;
		if (snapshot_get(&pd->snap, pool_src_ids[s])) {
			pd->avail |= POOL_SRC_BIT(s);
			continue;
		}
		snapshot_why(&pd->snap, pool_src_ids[s], why, sizeof(why));
		add_unavailable(rows, unavail, pool_source_name(s), why);
	}
	if (si) {
		add_slab(root, si, pd, rows);
		add_dentries(&pd->snap, si, rows);
	}
	if (vi) {
		pools_add_vmalloc(&pd->set, vi, pd->page_size);
		table_add_note(rows,
			       "vmalloc BYTES count pages=N only; "
			       "ioremap/vmap areas are address space (0 bytes "
			       "of RAM); %zu area(s) without a caller "
			       "(unpurged, vm_map_ram) not shown",
			       pd->set.n_vmalloc_skipped);
	}
	if (ai)
		add_allocinfo(ai, &pd->set, rows);
}

/* The traced call sites, when the tracer runs and its maps read. */
static void add_bpf(const struct pools_opts *o, struct pools_data *pd,
		    struct table *rows, struct table *unavail)
{
	struct bpftag_row *br;
	size_t nb;

	if (o->bpf && pools_bpf_read(o->bpf, &br, &nb, &pd->res) == 0) {
		char *bn[24];
		size_t nn =
		    pools_bpf_notes(o->bpf, &pd->res, bn, ELEMENTSOF(bn));

		pd->have_res = true;
		bpftags_to_pools(&pd->set, br, nb);
		for (size_t i = 0; i < nn; i++) {
			table_add_note(rows, "%s", bn[i]);
			free(bn[i]);
		}
		pd->avail |= POOL_SRC_BIT(POOL_BPF);
		free(br);
		return;
	}
	add_unavailable(rows, unavail, "bpf",
			o->bpf_why ? o->bpf_why : "cannot read the BPF maps");
}

static void add_totals(struct doc *d, const struct pool_totals *t,
		       unsigned srcs)
{
	struct doc *tot = doc_add_section(d, "totals"), *by;

	doc_add_count(tot, "rows", NULL, t->all_rows);
	doc_add_count(tot, "diff", NULL, t->all_diff);
	doc_add_bytes(tot, "bytes", NULL, t->all_bytes);
	by = doc_add_section(tot, "by_source");
	for (int s = 0; s < _POOL_SOURCE_MAX; s++) {
		struct doc *x;

		if (!(srcs & POOL_SRC_BIT(s)))
			continue;
		x = doc_add_section(by, pool_source_name(s));
		doc_add_count(x, "rows", NULL, t->rows[s]);
		doc_add_count(x, "diff", NULL, t->diff[s]);
		doc_add_bytes(x, "bytes", NULL, t->bytes[s]);
	}
}

/* The tracer's own figures: what the notes say, as data (JSON only). */
static void add_tracer(struct doc *d, struct pools_bpf *b,
		       const struct kmemtag_result *res)
{
	struct doc *o = doc_add_section(d, "tracer"), *c;

	doc_add_double(o, "seconds", NULL, res->elapsed);
	doc_add_str(o, "attach", NULL, pools_bpf_attach(b));
	doc_add_scount(o, "level", NULL, res->level);
	doc_add_count(o, "sample", NULL, 1ull << res->sample_shift);
	doc_add_count(o, "objects", NULL, res->objects);
	doc_add_count(o, "site_slots", NULL, res->site_slots);
	doc_add_bytes(o, "memory_bytes", NULL, res->mem_bytes);
	doc_add_bool(o, "slab_audit", NULL, res->audit);
	doc_add_count(o, "kernel_skipped", NULL, res->recursion_misses);
	c = doc_add_section(o, "counters");
	for (int i = 0; i < _KT_STAT_MAX; i++)
		doc_add_count(c, kmemtag_stat_name((enum kt_stat)i), NULL,
			      res->stats[i]);
}

/* The rows after filtering and sorting, the total lines (text) and the
 * totals section (JSON). */
static void fill_rows(struct doc *d, const struct pools_opts *o,
		      struct pools_data *pd, struct table *rows)
{
	struct pool_filter f = o->filter;
	struct pool_totals tot;

	f.sources = 0; /* the rows are of o->sources already */
	pools_filter(&pd->set, &f);
	pools_sort(&pd->set, o->sort);
	pools_totals(&pd->set, &tot);
	if (o->has_top)
		pools_top(&pd->set, o->top);
	for (size_t i = 0; i < pd->set.n; i++)
		fill_row(rows, table_add_row(rows), &pd->set.rows[i]);
	if (o->totals) {
		for (int s = 0; s < _POOL_SOURCE_MAX; s++)
			if (pd->avail & POOL_SRC_BIT(s))
				add_total(rows, pool_source_name(s),
					  tot.diff[s], tot.bytes[s]);
		if (pd->avail)
			add_total(rows, "all", tot.all_diff, tot.all_bytes);
	}
	add_totals(d, &tot, pd->avail);
}

static struct table *unavailable_table_new(void)
{
	struct table *t = table_new(NULL);

	table_add_col(t, "SOURCE", "source", COL_STR);
	table_add_col(t, "REASON", "reason", COL_STR);
	table_col_flags(t, 0, COLF_JSON_ONLY);
	table_col_flags(t, 1, COLF_JSON_ONLY);
	return t;
}

int view_pools(struct root *root, const struct pools_opts *o, struct doc **ret,
	       struct view_err *err)
{
	unsigned srcs = o->sources ? o->sources
				   : POOL_SRC_BIT(POOL_SLAB) |
					 POOL_SRC_BIT(POOL_VMALLOC) |
					 POOL_SRC_BIT(POOL_ALLOCINFO);
	struct pools_data pd = {0};
	struct table *rows, *unavail;
	struct doc *d;

	rows = rows_table_new(srcs & POOL_SRC_BIT(POOL_BPF));
	unavail = unavailable_table_new();
	add_proc_sources(root, srcs, &pd, rows, unavail);
	if (srcs & POOL_SRC_BIT(POOL_BPF))
		add_bpf(o, &pd, rows, unavail);
	if (pd.set.n && srcs != POOL_SRC_BIT(POOL_BPF))
		table_add_note(rows, "ALLOCS/FREES n/a: the kernel keeps no "
				     "per-pool allocation and free counts "
				     "(SLUB only with CONFIG_SLUB_STATS)");
	d = doc_new();
	doc_add_table(d, "rows", rows);
	fill_rows(d, o, &pd, rows);
	doc_add_table(d, "unavailable", unavail);
	doc_add_count(d, "page_size", NULL, pd.page_size);
	if (pd.have_res) {
		add_tracer(d, o->bpf, &pd.res);
		kmemtag_result_release(&pd.res);
	}
	doc_add_notes(d, "notes");
	pools_release(&pd.set);
	if (pd.have_ss)
		slab_sysfs_release(&pd.ss);
	snapshot_release(&pd.snap);
	*ret = d;
	return 0;
}
