/* The usage view: RAMMap's Use Counts for Linux.
 *
 * Every byte of MemTotal in exactly one category (analysis/accounting.c
 * says why the categories are disjoint), the unaccounted remainder as its
 * own line, the LRU lists as RAMMap's columns, and a one-line verdict.
 * Above the table, physical RAM from /proc/iomem (root) and what the
 * kernel reserved at boot, outside MemTotal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/accounting.h"
#include "../basic/human.h"
#include "../model/cgroups.h"
#include "../model/snapshot.h"
#include "../sources/iomem.h"
#include "pages.h"
#include "usage.h"

static double share(const struct accounting *a, int64_t b)
{
	return a->total ? 100.0 * (double)b / (double)a->total : 0;
}

static int cmp_by_size(const void *x, const void *y, void *arg)
{
	const struct accounting *a = arg;
	int cx = *(const int *)x, cy = *(const int *)y;

	/* the remainder stays last: it is what the others leave */
	if (cx == ACCT_UNACCOUNTED || cy == ACCT_UNACCOUNTED)
		return (cx == ACCT_UNACCOUNTED) - (cy == ACCT_UNACCOUNTED);
	if (a->bytes[cx] != a->bytes[cy])
		return a->bytes[cx] < a->bytes[cy] ? 1 : -1;
	return cx - cy;
}

/* The categories: "name" is the stable JSON key (DESIGN.md's contract),
 * "label" the text shown; the total line is text only. */
static struct table *categories_table(const struct accounting *a,
				      const struct usage_opts *o)
{
	struct table *t = table_new(NULL);
	int order[_ACCT_MAX], n = 0;
	size_t row;

	table_col_flags(t, table_add_col(t, "NAME", "name", COL_STR),
			COLF_JSON_ONLY);
	table_add_col(t, "CATEGORY", "label", COL_STR);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "SHARE", "percent", COL_PCT);
	table_add_col(t, "RECLAIM", "reclaim", COL_STR);
	table_add_col(t, "RAMMAP", "windows", COL_STR);
	table_add_col(t, "FROM", "from", COL_STR);
	usage_explain_cols(t);

	for (int c = 0; c < _ACCT_MAX; c++)
		if (a->present[c])
			order[n++] = c;
	if (o->sort_size)
		qsort_r(order, (size_t)n, sizeof(order[0]), cmp_by_size,
			(void *)a);
	for (int i = 0; i < n; i++) {
		const struct acct_cat_info *ci = acct_cat_info(order[i]);
		int64_t b = a->bytes[order[i]];

		row = table_add_row(t);
		table_set_str(t, row, 0, ci->key);
		table_set_str(t, row, 1, ci->label);
		table_set_i64(t, row, 2, b);
		table_set_double(t, row, 3, share(a, b));
		table_set_str(t, row, 4, acct_reclaim_name(ci->reclaim));
		table_set_str(t, row, 5, ci->windows);
		table_set_str(t, row, 6, ci->source);
		if (order[i] == ACCT_UNACCOUNTED)
			table_row_highlight(t, row);
	}
	row = table_add_row(t);
	table_row_total(t, row);
	table_row_text_only(t, row);
	table_set_str(t, row, 1, "total (MemTotal)");
	table_set_u64(t, row, 2, a->total);
	table_set_double(t, row, 3, 100.0);
	table_set_str(t, row, 4, "");
	table_set_str(t, row, 5, "Total");
	table_set_str(t, row, 6, "MemTotal");
	return t;
}

static struct table *lists_table(const struct accounting *a)
{
	char h[32];
	const struct acct_lists *l = &a->lists;
	struct table *t = table_new(NULL);
	size_t row;

	table_add_col(t, "PAGE LISTS", "name", COL_STR);
	table_add_col(t, "ACTIVE", "active", COL_BYTES);
	table_add_col(t, "INACTIVE", "inactive", COL_BYTES);
	table_add_col(t, "UNEVICTABLE", "unevictable", COL_BYTES);
	table_add_col(t, "DIRTY", "dirty", COL_BYTES);
	table_add_col(t, "WRITEBACK", "writeback", COL_BYTES);

	row = table_add_row(t);
	table_set_str(t, row, 0, "swap-backed (anon + shmem)");
	table_set_u64(t, row, 1, l->active_anon);
	table_set_u64(t, row, 2, l->inactive_anon);
	row = table_add_row(t);
	table_set_str(t, row, 0, "file-backed (cache + buffers)");
	table_set_u64(t, row, 1, l->active_file);
	table_set_u64(t, row, 2, l->inactive_file);
	table_set_u64(t, row, 4, l->dirty);
	table_set_u64(t, row, 5, l->writeback);
	row = table_add_row(t);
	table_set_str(t, row, 0, "not on the active/inactive lists");
	table_set_u64(t, row, 3, l->unevictable);
	table_add_note(t,
		       "n/a: the kernel keeps unevictable, dirty and writeback "
		       "pages as totals, not per list type.");
	if (val_has(l->mlocked))
		table_add_note(t,
			       "unevictable includes %s of mlocked pages, and "
			       "ramfs and locked shmem.",
			       human_bytes(l->mlocked, h, sizeof(h)));
	return t;
}

/* The LRU lists for JSON: an object of sizes, null where absent. */
static void lists_section(struct doc *d, const struct acct_lists *l)
{
	struct doc *s = doc_add_section(d, "lists");

	doc_add_bytes(s, "active_anon", NULL, l->active_anon);
	doc_add_bytes(s, "inactive_anon", NULL, l->inactive_anon);
	doc_add_bytes(s, "active_file", NULL, l->active_file);
	doc_add_bytes(s, "inactive_file", NULL, l->inactive_file);
	doc_add_bytes(s, "unevictable", NULL, l->unevictable);
	doc_add_bytes(s, "mlocked", NULL, l->mlocked);
	doc_add_bytes(s, "dirty", NULL, l->dirty);
	doc_add_bytes(s, "writeback", NULL, l->writeback);
}

/* usage --deep without /proc/vmallocinfo (it is root's only): say why
 * the view is the plain one instead of showing it silently. */
static void note_deep(struct table *t, const struct snapshot *snap)
{
	char why[400];

	if (snapshot_get(snap, SRC_VMALLOCINFO))
		return;
	snapshot_why(snap, SRC_VMALLOCINFO, why, sizeof(why));
	table_add_note(t,
		       "--deep: %s; vmalloc is shown as without --deep "
		       "(it may include kernel stacks).",
		       why);
}

/* Fields this kernel reports that no category takes: named one by one
 * up to eight, then counted (a forged meminfo can have millions). */
static void extra_notes(struct table *t, const struct meminfo *mi)
{
	size_t shown = 0, more = 0;
	char h[32];

	for (size_t i = 0; i < mi->n_extra; i++) {
		if (!mi->extra[i].has_unit || mi->extra[i].bytes == 0)
			continue;
		if (shown == 8) {
			more++;
			continue;
		}
		shown++;
		table_add_note(t,
			       "this kernel also reports %s = %s, which "
			       "memtally does not place in a category.",
			       mi->extra[i].name,
			       human_bytes(mi->extra[i].bytes, h, sizeof(h)));
	}
	if (more)
		table_add_note(t, "... and %zu more such fields.", more);
}

static void add_notes(struct table *t, const struct accounting *a,
		      const struct meminfo *mi)
{
	char h[32];

	if (a->n_missing) {
		char buf[512] = "";
		size_t len = 0;

		for (size_t i = 0; i < a->n_missing; i++)
			len += (size_t)snprintf(
			    buf + len,
			    len < sizeof(buf) ? sizeof(buf) - len : 0, "%s%s",
			    i ? ", " : "", a->missing[i]);
		table_add_note(
		    t,
		    "not reported by this kernel: %s; that memory is "
		    "counted in 'unaccounted'.",
		    buf);
	}
	for (size_t i = 0; i < a->n_notes; i++)
		table_add_note(t, "%s", a->notes[i]);
	if (a->bytes[ACCT_UNACCOUNTED] < 0)
		table_add_note(
		    t, "unaccounted is negative: the counters were read "
		       "at slightly different moments or overlap on this "
		       "kernel; shown as measured.");
	if (a->present[ACCT_VMALLOC] && !val_has(a->vmalloc_stacks) &&
	    a->present[ACCT_KERNEL_STACK])
		table_add_note(t,
			       "vmalloc may include kernel stacks (CONFIG_VMAP_"
			       "STACK), also counted in 'kernel stacks'; "
			       "'usage --deep' (root) tells how much.");
	if (a->present[ACCT_VMALLOC] && val_has(a->vmalloc_stacks))
		table_add_note(
		    t,
		    "vmalloc excludes %s of kernel stacks (from "
		    "/proc/vmallocinfo), counted in 'kernel stacks'.",
		    human_bytes(a->vmalloc_stacks, h, sizeof(h)));
	extra_notes(t, mi);
}

/* Physical RAM from /proc/iomem's "System RAM" ranges, when readable and
 * when it is at least MemTotal (the difference is what the kernel reserved
 * at boot and never handed to the page allocator). VAL_ABSENT otherwise,
 * with the reason in why. */
static uint64_t physical_ram(const struct snapshot *snap,
			     const struct accounting *a, char *why, size_t n)
{
	const struct iomem *io = snapshot_get(snap, SRC_IOMEM);
	uint64_t ram;

	if (!io) {
		snapshot_why(snap, SRC_IOMEM, why, n);
		return VAL_ABSENT;
	}
	if (io->addr_hidden) {
		snprintf(why, n,
			 "/proc/iomem hides addresses from non-root "
			 "users");
		return VAL_ABSENT;
	}
	ram = iomem_system_ram(io);
	if (!val_has(ram)) {
		snprintf(why, n, "/proc/iomem has no System RAM range");
		return VAL_ABSENT;
	}
	if (ram < a->total) {
		snprintf(why, n,
			 "/proc/iomem's System RAM is smaller than "
			 "MemTotal (memory hotplug or ballooning?)");
		return VAL_ABSENT;
	}
	return ram;
}

/* Dying memory cgroups that pin much (over 5% of RAM or 256 MiB): a
 * sentence for the verdict. Only with a known count (v1 without
 * /proc/cgroups cannot tell dying from the parent's own charge). */
static void dying_verdict(struct root *root, const struct accounting *a,
			  char *buf, size_t n)
{
	uint64_t count, bytes;
	size_t len = strlen(buf);
	char h[32];

	if (cgroups_dying_total(root, &count, &bytes) < 0 || !val_has(count) ||
	    count == 0 || !val_has(bytes))
		return;
	if (bytes <= 256ULL << 20 && bytes * 20 <= a->total)
		return;
	snprintf(buf + len, n - len,
		 "; %llu removed memory cgroups still pin about %s (dying: "
		 "their page cache keeps them charged): 'memtally cgroups -s "
		 "pinned'",
		 (unsigned long long)count, human_bytes(bytes, h, sizeof(h)));
}

/* The figures above the tables: text lines and JSON values, in the
 * JSON contract's key order. */
static void add_header(struct doc *d, struct root *root,
		       const struct snapshot *snap, const struct accounting *a)
{
	char verdict[768], why[400];
	uint64_t phys = physical_ram(snap, a, why, sizeof(why));

	accounting_verdict(a, verdict, sizeof(verdict));
	dying_verdict(root, a, verdict, sizeof(verdict));
	doc_add_bytes(d, "total_bytes", NULL, a->total);
	doc_add_bytes(d, "available_bytes", NULL, a->available);
	if (val_has(a->available))
		doc_add_line(d, NULL, "Memory: %B total, %B available",
			     a->total, a->available);
	else
		doc_add_line(d, NULL, "Memory: %B total", a->total);
	if (val_has(phys))
		doc_add_line(d, NULL,
			     "Physical RAM: %B, of which %B reserved at boot "
			     "(kernel image, struct page array, firmware; "
			     "outside MemTotal)",
			     phys, phys - a->total);
	doc_add_str(d, "verdict", "Verdict", verdict);
	doc_add_bytes(d, "physical_ram_bytes", NULL, phys);
	doc_add_bytes(d, "reserved_at_boot_bytes", NULL,
		      val_has(phys) ? phys - a->total : VAL_ABSENT);
	if (!val_has(phys))
		doc_add_str(d, "physical_ram_unavailable", NULL, why);
}

int view_usage(struct root *root, const struct usage_opts *o, struct doc **ret,
	       struct view_err *err)
{
	const struct meminfo *mi;
	struct accounting a;
	struct snapshot snap;
	struct table *cats;
	struct doc *d;
	int r;

	if (o->exact)
		return view_usage_exact(root, o, ret, err);
	/* vmallocinfo costs the kernel ~3 ms to print: only with --deep */
	snapshot_collect(root,
			 (o->deep ? ACCT_SOURCES_DEEP : ACCT_SOURCES) |
			     SRC_BIT(SRC_IOMEM),
			 &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	if (!mi) {
		snapshot_why(&snap, SRC_MEMINFO, err->msg, sizeof(err->msg));
		snapshot_release(&snap);
		return -ENODATA;
	}
	r = accounting_from_snapshot(&snap, view_pages_page_size(root), &a);
	if (r < 0) {
		snapshot_release(&snap);
		if (r == -ERANGE)
			return view_fail(
			    err, r,
			    "'/proc/meminfo' says MemTotal is more "
			    "than 4 PiB, more than any machine "
			    "can address");
		return view_fail(err, -ENODATA,
				 "'/proc/meminfo' lacks MemTotal or MemFree");
	}
	d = doc_new();
	add_header(d, root, &snap, &a);
	cats = doc_add_table(d, "categories", categories_table(&a, o));
	add_notes(cats, &a, mi);
	if (o->deep)
		note_deep(cats, &snap);
	usage_explain(root, o, d, cats, &a, mi);
	if (!o->no_lists)
		lists_section(d, &a.lists);
	doc_add_notes(d, "notes");
	/* after "notes": the list table's notes are text only */
	if (!o->no_lists)
		doc_add_table(d, NULL, lists_table(&a));
	snapshot_release(&snap);
	*ret = d;
	return 0;
}
