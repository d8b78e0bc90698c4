/* The lists view: RAMMap's Priority Summary for Linux.
 *
 * The LRU lists from /proc/meminfo (active and inactive, anonymous and
 * file; unevictable and mlocked; dirty and writeback), what they cost to
 * reclaim, the MGLRU generations where that LRU is on
 * (/sys/kernel/mm/lru_gen, /sys/kernel/debug/lru_gen), and the
 * workingset counters of /proc/vmstat as rates over an interval: a page
 * refaulting soon after eviction is the kernel's own measure of
 * thrashing (mm/workingset.c).
 *
 * The reclaim classes are bounds, not guesses: /proc/meminfo says how many
 * file pages are dirty or under writeback but not on which list, so the
 * clean inactive file cache is at least Inactive(file) - Dirty - Writeback
 * (all dirty pages counted against it); anonymous pages can only go to
 * swap, so at most SwapFree of them can be reclaimed at all. The classes
 * add up to the LRU total. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../model/snapshot.h"
#include "../sources/lru_gen.h"
#include "../sources/meminfo.h"
#include "../sources/vmstat.h"
#include "lists.h"

struct counter_def {
	const char *name;
	bool pages; /* counts pages (else events) */
};

static const struct counter_def counters[] = {
    {"workingset_refault_file", true},
    {"workingset_refault_anon", true},
    {"workingset_activate_file", true},
    {"workingset_activate_anon", true},
    {"workingset_restore_file", true},
    {"workingset_restore_anon", true},
    {"pgscan_kswapd", true},
    {"pgscan_direct", true},
    {"pgsteal_kswapd", true},
    {"pgsteal_direct", true},
    {"pswpin", true},
    {"pswpout", true},
    {"pgmajfault", false},
    {"allocstall_normal", false},
};

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* a + b, or VAL_ABSENT when either is or the sum would wrap */
static uint64_t add_abs(uint64_t a, uint64_t b)
{
	uint64_t s;

	if (!val_has(a) || !val_has(b) || __builtin_add_overflow(a, b, &s))
		return VAL_ABSENT;
	return s;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct table *lists_table(const struct meminfo *mi)
{
	static const struct {
		const char *label, *key, *reclaim;
		enum meminfo_field f;
	} rows[] = {
	    {"active anon", "active_anon", "swap out", MI_ACTIVE_ANON},
	    {"inactive anon", "inactive_anon", "swap out", MI_INACTIVE_ANON},
	    {"active file", "active_file", "drop after deactivation",
	     MI_ACTIVE_FILE},
	    {"inactive file", "inactive_file", "drop (cheapest)",
	     MI_INACTIVE_FILE},
	    {"unevictable", "unevictable", "never", MI_UNEVICTABLE},
	    {"  of which mlocked", "mlocked", "never", MI_MLOCKED},
	    {"dirty", "dirty", "write back first", MI_DIRTY},
	    {"writeback", "writeback", "wait for the write", MI_WRITEBACK},
	};
	struct table *t = table_new("LRU lists");
	uint64_t total = mi->v[MI_MEMTOTAL];

	table_add_col(t, "LIST", "name", COL_STR);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "RAM%", "pct", COL_PCT);
	table_add_col(t, "RECLAIM", "reclaim", COL_STR);
	for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
		size_t r = table_add_row(t);
		uint64_t v = mi->v[rows[i].f];

		table_set_str(t, r, 0, rows[i].label);
		table_set_u64(t, r, 1, v);
		if (val_has(v) && val_has(total) && total)
			table_set_double(t, r, 2,
					 100.0 * (double)v / (double)total);
		table_set_str(t, r, 3, rows[i].reclaim);
	}
	return t;
}

static struct table *reclaim_table(const struct meminfo *mi)
{
	struct table *t = table_new("Reclaim cost");
	uint64_t ia = mi->v[MI_INACTIVE_ANON], aa = mi->v[MI_ACTIVE_ANON];
	uint64_t inf = mi->v[MI_INACTIVE_FILE], af = mi->v[MI_ACTIVE_FILE];
	uint64_t dirty = add_abs(mi->v[MI_DIRTY], mi->v[MI_WRITEBACK]);
	uint64_t unev = mi->v[MI_UNEVICTABLE];
	uint64_t anon = add_abs(ia, aa), file = add_abs(inf, af);
	uint64_t swapfree = mi->v[MI_SWAPFREE], total = mi->v[MI_MEMTOTAL];
	uint64_t cheap = VAL_ABSENT, later = VAL_ABSENT, wb = VAL_ABSENT;
	uint64_t costly = VAL_ABSENT, never = VAL_ABSENT;
	struct {
		const char *label, *key, *what;
		uint64_t v;
	} rows[5];

	if (val_has(file) && val_has(dirty)) {
		wb = dirty < file ? dirty : file;
		cheap = val_has(inf) ? sub_sat(inf, wb) : VAL_ABSENT;
		later = val_has(cheap) ? file - wb - cheap : VAL_ABSENT;
	}
	if (val_has(anon)) {
		uint64_t sf = val_has(swapfree) ? swapfree : 0;

		costly = anon < sf ? anon : sf;
		never = val_has(unev) ? unev + (anon - costly) : VAL_ABSENT;
	}
	rows[0] = (typeof(rows[0])){
	    "cheap", "cheap", "clean inactive file cache (at least)", cheap};
	rows[1] = (typeof(rows[0])){"cheap, later", "cheap_later",
				    "clean active file cache", later};
	rows[2] = (typeof(rows[0])){"after writeback", "after_writeback",
				    "dirty and writeback file pages", wb};
	rows[3] =
	    (typeof(rows[0])){"costly", "costly",
			      "anonymous pages that fit in free swap", costly};
	rows[4] = (typeof(rows[0])){
	    "not at all", "never",
	    "unevictable, and anonymous beyond free swap", never};
	table_add_col(t, "CLASS", "class", COL_STR);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "RAM%", "pct", COL_PCT);
	table_add_col(t, "WHAT", "what", COL_STR);
	for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
		size_t r = table_add_row(t);

		table_set_str(t, r, 0, rows[i].label);
		table_set_u64(t, r, 1, rows[i].v);
		if (val_has(rows[i].v) && val_has(total) && total)
			table_set_double(
			    t, r, 2, 100.0 * (double)rows[i].v / (double)total);
		table_set_str(t, r, 3, rows[i].what);
	}
	if (val_has(swapfree) && swapfree == 0)
		table_add_note(t, "No free swap: anonymous memory cannot be "
				  "reclaimed at all (only killed).");
	if (val_has(dirty) && dirty > 0)
		table_add_note(t,
			       "Dirty pages may sit on either file list, so "
			       "'cheap' counts them all against the inactive "
			       "list: a lower bound.");
	return t;
}

/* MGLRU: on or off, and its generations when readable. */
static struct table *mglru_table(struct root *root, uint64_t *ret_mask,
				 char *why, size_t whylen)
{
	_cleanup_free_ char *buf = NULL;
	struct source_err err;
	struct lru_gen g;
	struct table *t;
	size_t len;
	int r;

	*ret_mask = VAL_ABSENT;
	r = root_read(root, "sys/kernel/mm/lru_gen/enabled", &buf, &len);
	if (r == -ENOENT) {
		snprintf(why, whylen,
			 "MGLRU: not in this kernel (CONFIG_LRU_GEN, Linux "
			 "6.1+); the classic active/inactive lists are in use");
		return NULL;
	}
	if (r < 0 || lru_gen_enabled_parse(buf, len, ret_mask, NULL) < 0) {
		snprintf(why, whylen,
			 "MGLRU: cannot read "
			 "'/sys/kernel/mm/lru_gen/enabled': %s",
			 r < 0 ? strerror(-r) : "not a hex mask");
		return NULL;
	}
	if (*ret_mask == 0) {
		snprintf(why, whylen,
			 "MGLRU: built in but off (lru_gen/enabled is 0); the "
			 "classic active/inactive lists are in use");
		return NULL;
	}
	if (lru_gen_read(root, &g, &err) < 0) {
		char e[400];

		source_err_format(&err, e, sizeof(e));
		snprintf(why, whylen,
			 "MGLRU is on (mask 0x%llx); generations unavailable: "
			 "%s (needs root and debugfs)",
			 (unsigned long long)*ret_mask, e);
		return NULL;
	}
	t = table_new("MGLRU generations (youngest first)");
	table_add_col(t, "GEN", "rank", COL_COUNT);
	table_add_col(t, "MIN AGE ms", "min_age_ms", COL_COUNT);
	table_add_col(t, "MAX AGE ms", "max_age_ms", COL_COUNT);
	table_add_col(t, "ANON", "anon", COL_BYTES);
	table_add_col(t, "FILE", "file", COL_BYTES);
	for (size_t i = 0; i < g.nranks; i++) {
		size_t row = table_add_row(t);
		uint64_t ps = root_page_size(root);

		table_set_u64(t, row, 0, i);
		table_set_u64(t, row, 1, g.rank[i].min_age);
		table_set_u64(t, row, 2, g.rank[i].max_age);
		table_set_u64(t, row, 3, g.rank[i].anon * ps);
		table_set_u64(t, row, 4, g.rank[i].file * ps);
	}
	table_add_note(t,
		       "%zu memory cgroups, %zu lruvecs; pages counted as "
		       "%llu KiB.",
		       g.nmemcgs, g.nlruvecs,
		       (unsigned long long)root_page_size(root) / 1024);
	lru_gen_release(&g);
	why[0] = '\0';
	return t;
}

static struct table *counters_table(const struct vmstat *a,
				    const struct vmstat *b, double secs,
				    uint64_t ps)
{
	struct table *t = table_new("Refaults and reclaim activity");

	table_add_col(t, "COUNTER", "name", COL_STR);
	table_add_col(t, "TOTAL", "total", COL_COUNT);
	table_add_col(t, "PER SEC", "per_second", COL_FLOAT);
	table_add_col(t, "BYTES/s", "bytes_per_second", COL_BYTES);
	for (size_t i = 0; i < ELEMENTSOF(counters); i++) {
		uint64_t v0 = vmstat_get(a, counters[i].name);
		uint64_t v1 = b ? vmstat_get(b, counters[i].name) : VAL_ABSENT;
		size_t r;

		if (!val_has(v0))
			continue;
		r = table_add_row(t);
		table_set_str(t, r, 0, counters[i].name);
		table_set_u64(t, r, 1, val_has(v1) ? v1 : v0);
		if (b && val_has(v1) && secs > 0) {
			double rate = (double)sub_sat(v1, v0) / secs;

			table_set_double(t, r, 2, rate);
			if (counters[i].pages)
				table_set_u64(t, r, 3,
					      (uint64_t)(rate * (double)ps));
		}
	}
	return t;
}

static void rate_notes(struct table *ctrs, bool live, bool have_vs2,
		       double secs, uint64_t ps)
{
	if (!ctrs)
		return;
	if (!have_vs2)
		table_add_note(ctrs, "%s",
			       !live ? "Rates need two samples of the live "
				       "system; a captured tree or snapshot "
				       "has one."
				     : "Totals since boot only (--interval "
				       "0).");
	else
		table_add_note(ctrs,
			       "Rates over %.2f s; page counts as "
			       "%llu KiB.",
			       secs, (unsigned long long)ps / 1024);
}

/* The second vmstat sample, interval seconds after the first. */
static bool second_sample(struct root *root, double interval,
			  struct vmstat *ret, double *ret_secs)
{
	double t0 = now_s();
	struct timespec ts = {
	    .tv_sec = (time_t)interval,
	    .tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9),
	};

	nanosleep(&ts, NULL);
	if (vmstat_read(root, ret, NULL) < 0)
		return false;
	*ret_secs = now_s() - t0;
	return true;
}

int view_lists(struct root *root, const struct lists_opts *o, struct doc **ret,
	       struct view_err *err)
{
	struct table *lists, *mglru, *ctrs;
	const struct meminfo *mi;
	const struct vmstat *vs;
	struct vmstat vs2;
	bool have_vs2 = false;
	double secs = 0;
	char mglru_why[600] = "";
	struct snapshot snap;
	struct doc *d, *mg;
	uint64_t mask;

	snapshot_collect(root, SRC_BIT(SRC_MEMINFO) | SRC_BIT(SRC_VMSTAT),
			 &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	vs = snapshot_get(&snap, SRC_VMSTAT);
	if (!mi) {
		snapshot_why(&snap, SRC_MEMINFO, err->msg, sizeof(err->msg));
		snapshot_release(&snap);
		return -ENODATA;
	}
	if (vs && root_is_live(root) && o->interval > 0)
		have_vs2 = second_sample(root, o->interval, &vs2, &secs);

	d = doc_new();
	lists = doc_add_table(d, "lists", lists_table(mi));
	doc_add_table(d, "reclaim", reclaim_table(mi));
	mglru = mglru_table(root, &mask, mglru_why, sizeof(mglru_why));
	ctrs = vs ? counters_table(vs, have_vs2 ? &vs2 : NULL, secs,
				   root_page_size(root))
		  : NULL;
	rate_notes(ctrs, root_is_live(root), have_vs2, secs,
		   root_page_size(root));
	if (!vs) {
		char why[400];

		snapshot_why(&snap, SRC_VMSTAT, why, sizeof(why));
		table_add_note(lists, "Refault counters unavailable: %s", why);
	}
	if (mglru_why[0])
		table_add_note(lists, "%s.", mglru_why);
	mg = doc_add_section(d, "mglru");
	if (val_has(mask))
		doc_add_bool(mg, "enabled", NULL, mask != 0);
	else
		doc_add_null(mg, "enabled", NULL, NULL);
	doc_add_table(mg, "generations", mglru);
	doc_add_table(d, "counters", ctrs);
	if (have_vs2)
		doc_add_double(d, "interval_s", NULL, secs);
	else
		doc_add_null(d, "interval_s", NULL, NULL);
	doc_add_notes(d, "notes");
	if (have_vs2)
		vmstat_release(&vs2);
	snapshot_release(&snap);
	*ret = d;
	return 0;
}
