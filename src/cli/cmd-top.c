/* `memtally top`: PoolMon's screen, done for Linux.
 *
 * A header with the memory totals (available, free, slab, the unaccounted
 * remainder, commit) and what the pool rows come from; under it the pool
 * table, refreshed every --interval seconds (PoolMon's is fixed at 5 s),
 * with every value that changed since the last refresh highlighted. The
 * rows are the BPF call sites when the tracer can run (root and BTF) and
 * the /proc pool sources beside them (slab caches, vmalloc callers,
 * allocinfo call sites, as `pools` shows them); without root or BTF the
 * header says why and the /proc sources carry on alone.
 *
 * The keys are PoolMon's: t a f d b m sort by tag, allocs, frees, diff,
 * bytes, per-alloc (the same key again reverses); ( sorts by the change
 * of the sort column since the last refresh and ) back by its value; p
 * cycles all / reclaimable / unreclaimable; e shows totals; l turns the
 * highlighting off and on; i and x ask for a glob to include or exclude
 * tags; arrows, PgUp, PgDn, Home and End scroll; v (or 1-4) switches to
 * the usage, processes and free-lists views; h or ? helps; q quits.
 *
 * Change tracking: each refresh keeps the previous rows sorted by
 * (source, tag) and looks every new row up there; a row seen for the first
 * time counts as changed. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../analysis/accounting.h"
#include "../analysis/freelists.h"
#include "../analysis/pools.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/procs.h"
#include "../model/snapshot.h"
#include "../output/tui.h"
#include "cli.h"
#include "../views/pools-bpf.h"

const char cmd_top_help[] =
    "Usage: memtally top [options]\n"
    "\n"
    "A live full-screen view of the kernel's pools (PoolMon's screen):\n"
    "memory totals on top, then one row per pool tag with allocations,\n"
    "frees, their difference, live bytes and bytes per allocation,\n"
    "refreshed every few seconds; values that changed since the last\n"
    "refresh are highlighted. As root with kernel BTF the tags include\n"
    "the kernel call sites traced with eBPF (see 'pools --source bpf');\n"
    "otherwise the header says why and the /proc sources are shown.\n"
    "\n"
    "Keys:\n"
    "  t a f d b m   sort by tag, allocs, frees, diff, bytes, per-alloc\n"
    "                (again: reverse)\n"
    "  ( )           sort by the change since the last refresh / by value\n"
    "  p             cycle all, reclaimable, unreclaimable\n"
    "  e             totals line on/off\n"
    "  l             highlighting of changes on/off\n"
    "  i x           include / exclude tags matching a glob (empty: clear)\n"
    "  arrows PgUp PgDn Home End   scroll\n"
    "  v, 1 2 3 4    views: pools, usage, processes, free lists\n"
    "  h ?           help\n"
    "  q             quit\n"
    "\n"
    "Options:\n"
    "  -d, --interval SECONDS  refresh interval (default 2)\n"
    "      --no-bpf            do not trace; /proc sources only\n"
    "      --view NAME         start in pools, usage, procs or free\n";

enum top_col {
	TC_TAG,
	TC_ALLOCS,
	TC_FREES,
	TC_DIFF,
	TC_BYTES,
	TC_PER_ALLOC,
	_TC_MAX,
};

enum top_view {
	VIEW_POOLS,
	VIEW_USAGE,
	VIEW_PROCS,
	VIEW_FREE,
	_VIEW_MAX,
};

static const char *const view_names[_VIEW_MAX] = {
    "pools",
    "usage",
    "processes",
    "free lists",
};

enum type_filter {
	TYPE_ALL,
	TYPE_RECLAIMABLE,
	TYPE_UNRECLAIMABLE,
};

struct top_row {
	char tag[96];
	char cache[40]; /* bpf: a site has a row per cache it uses */
	char source[12];
	char module[64];
	enum pool_type type;
	/* VAL_ABSENT (or diff_absent) where unknown */
	uint64_t v[_TC_MAX]; /* v[TC_TAG] unused; v[TC_DIFF] as int64 */
	bool diff_absent;
	bool is_new;	    /* not in the previous refresh */
	int64_t d[_TC_MAX]; /* change since the previous refresh */
};

struct top {
	struct ctx *ctx;
	double interval;
	bool no_bpf;
	enum top_view view;
	/* pools */
	struct pools_bpf *bpf;
	char bpf_status[160];
	struct top_row *rows, *prev;
	size_t n_rows, n_prev;
	enum top_col sort;
	bool reverse, by_change, totals, highlight;
	enum type_filter type;
	char include[64], exclude[64];
	int scroll;
	/* header */
	struct accounting acct;
	bool have_acct;
	uint64_t commit, commit_limit;
	uint64_t prev_acct[_ACCT_MAX];
	bool have_prev_acct;
	char why_no_meminfo[200];
	char proc_status[240];
	struct freelists fl;
	bool have_fl;
	char why_no_fl[200];
	/* processes view */
	struct procs procs;
	bool have_procs;
	char why_no_procs[300];
	unsigned refreshes;
	bool help;
};

/* ---- collecting -------------------------------------------------------- */

static int cmp_key(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;
	int c = strcmp(x->source, y->source);

	if (!c)
		c = strcmp(x->tag, y->tag);
	return c ? c : strcmp(x->cache, y->cache);
}

static void add_bpf_rows(struct top *t, size_t *alloc)
{
	struct kmemtag_result res;
	struct bpftag_row *br;
	size_t n;

	if (!t->bpf)
		return;
	if (pools_bpf_read(t->bpf, &br, &n, &res) < 0) {
		snprintf(t->bpf_status, sizeof(t->bpf_status),
			 "bpf: cannot read the maps");
		return;
	}
	pools_bpf_status(t->bpf, &res, t->bpf_status, sizeof(t->bpf_status));
	for (size_t i = 0; i < n; i++) {
		struct top_row *r;

		t->rows =
		    xgrow(t->rows, alloc, t->n_rows + 1, sizeof(*t->rows));
		r = &t->rows[t->n_rows++];
		memset(r, 0, sizeof(*r));
		snprintf(r->tag, sizeof(r->tag), "%s", br[i].tag);
		snprintf(r->source, sizeof(r->source), "bpf");
		snprintf(r->cache, sizeof(r->cache), "%s", br[i].cache);
		snprintf(r->module, sizeof(r->module), "%s",
			 br[i].module[0] ? br[i].module : "kernel");
		r->type =
		    br[i].reclaimable ? POOL_RECLAIMABLE : POOL_UNRECLAIMABLE;
		r->v[TC_ALLOCS] = br[i].allocs;
		r->v[TC_FREES] = br[i].frees;
		r->v[TC_DIFF] = (uint64_t)br[i].diff;
		r->diff_absent = !val_has(br[i].frees);
		r->v[TC_BYTES] = br[i].bytes;
		r->v[TC_PER_ALLOC] = br[i].per_alloc;
	}
	free(br);
	kmemtag_result_release(&res);
}

/* The /proc pool sources, as `pools` reads them: slab caches (typed from
 * /sys/kernel/slab's reclaim_account), vmalloc callers, allocinfo call
 * sites. What cannot be read is said in the header. */
static void add_proc_rows(struct top *t, size_t *alloc)
{
	struct root *root = ctx_root(t->ctx);
	struct pool_set set = {0};
	struct slab_sysfs ss = {0};
	struct source_err ss_err;
	const struct slabinfo *si;
	const struct vmallocinfo *vi;
	const struct allocinfo *ai;
	struct snapshot snap;
	bool have_ss = false;
	long ps = sysconf(_SC_PAGESIZE);
	uint64_t page_size = ps > 0 ? (uint64_t)ps : 4096;

	snapshot_collect(root,
			 SRC_BIT(SRC_SLABINFO) | SRC_BIT(SRC_VMALLOCINFO) |
			     SRC_BIT(SRC_ALLOCINFO),
			 &snap);
	si = snapshot_get(&snap, SRC_SLABINFO);
	vi = snapshot_get(&snap, SRC_VMALLOCINFO);
	ai = snapshot_get(&snap, SRC_ALLOCINFO);
	if (si) {
		char **names = xcalloc(si->n_caches + 1, sizeof(char *));

		for (size_t i = 0; i < si->n_caches; i++)
			names[i] = si->caches[i].name;
		have_ss = slab_sysfs_read_names(root, names, si->n_caches,
						SA_BIT(SA_RECLAIM_ACCOUNT), &ss,
						&ss_err) == 0;
		free(names);
		pools_add_slab(&set, si, have_ss ? &ss : NULL, page_size);
		snprintf(t->proc_status, sizeof(t->proc_status), "slab%s%s",
			 vi ? ", vmalloc" : "", ai ? ", allocinfo" : "");
	} else {
		char why[200];

		snapshot_why(&snap, SRC_SLABINFO, why, sizeof(why));
		snprintf(t->proc_status, sizeof(t->proc_status),
			 "no slab rows: %s", why);
	}
	if (vi)
		pools_add_vmalloc(&set, vi, page_size);
	if (ai)
		pools_add_allocinfo(&set, ai);
	for (size_t i = 0; i < set.n; i++) {
		const struct pool_row *p = &set.rows[i];
		struct top_row *r;

		t->rows =
		    xgrow(t->rows, alloc, t->n_rows + 1, sizeof(*t->rows));
		r = &t->rows[t->n_rows++];
		memset(r, 0, sizeof(*r));
		snprintf(r->tag, sizeof(r->tag), "%s", p->tag);
		snprintf(r->source, sizeof(r->source), "%s",
			 pool_source_name(p->source));
		snprintf(r->module, sizeof(r->module), "%s",
			 p->module ? p->module : "");
		r->type = p->type;
		r->v[TC_ALLOCS] = p->allocs;
		r->v[TC_FREES] = p->frees;
		r->v[TC_DIFF] = p->diff;
		r->diff_absent = !val_has(p->diff);
		r->v[TC_BYTES] = p->bytes;
		r->v[TC_PER_ALLOC] = p->per_alloc;
	}
	pools_release(&set);
	if (have_ss)
		slab_sysfs_release(&ss);
	snapshot_release(&snap);
}

/* The free lists: one line per zone, free blocks by order. */
static void collect_free(struct top *t)
{
	struct snapshot snap;
	const struct buddyinfo *b;
	long ps = sysconf(_SC_PAGESIZE);

	freelists_release(&t->fl);
	t->have_fl = false;
	snapshot_collect(ctx_root(t->ctx),
			 SRC_BIT(SRC_BUDDYINFO) | SRC_BIT(SRC_ZONEINFO), &snap);
	b = snapshot_get(&snap, SRC_BUDDYINFO);
	if (b)
		t->have_fl =
		    freelists_build(b, snapshot_get(&snap, SRC_ZONEINFO), NULL,
				    ps > 0 ? (uint64_t)ps : 4096, &t->fl) == 0;
	if (!t->have_fl)
		snapshot_why(&snap, SRC_BUDDYINFO, t->why_no_fl,
			     sizeof(t->why_no_fl));
	snapshot_release(&snap);
}

/* Every process's memory (the processes view), read only while that view
 * is shown: walking /proc costs tens of ms with a thousand processes. */
static void collect_procs(struct top *t)
{
	struct source_err err = {0};

	if (t->have_procs)
		procs_release(&t->procs);
	memset(&t->procs, 0, sizeof(t->procs));
	t->have_procs =
	    procs_collect(ctx_root(t->ctx), NULL, 0, &t->procs, &err) == 0;
	if (!t->have_procs)
		source_err_format(&err, t->why_no_procs,
				  sizeof(t->why_no_procs));
}

static void diff_rows(struct top *t)
{
	for (size_t i = 0; i < t->n_rows; i++) {
		struct top_row *r = &t->rows[i];
		const struct top_row *p =
		    t->n_prev ? bsearch(r, t->prev, t->n_prev, sizeof(*t->prev),
					cmp_key)
			      : NULL;

		r->is_new = !p && t->refreshes > 0;
		for (int c = TC_ALLOCS; c < _TC_MAX; c++) {
			if (!p || !val_has(r->v[c]) || !val_has(p->v[c])) {
				r->d[c] = 0;
				continue;
			}
			r->d[c] = (int64_t)(r->v[c] - p->v[c]);
		}
	}
}

static void collect(struct top *t)
{
	struct snapshot snap;
	const struct meminfo *mi;
	size_t alloc = 0;

	/* header: meminfo and the accounting to 100% */
	if (t->have_acct) {
		for (int c = 0; c < _ACCT_MAX; c++)
			t->prev_acct[c] = (uint64_t)t->acct.bytes[c];
		t->have_prev_acct = true;
	}
	snapshot_collect(ctx_root(t->ctx), ACCT_SOURCES, &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	{
		long ps =
		    root_is_live(ctx_root(t->ctx)) ? sysconf(_SC_PAGESIZE) : -1;

		t->have_acct =
		    accounting_from_snapshot(
			&snap, ps > 0 ? (uint64_t)ps : 4096, &t->acct) == 0;
	}
	if (mi) {
		t->commit = mi->v[MI_COMMITTED_AS];
		t->commit_limit = mi->v[MI_COMMITLIMIT];
	} else {
		snapshot_why(&snap, SRC_MEMINFO, t->why_no_meminfo,
			     sizeof(t->why_no_meminfo));
	}
	snapshot_release(&snap);

	/* pools: keep the last rows, sorted by key, for the changes */
	free(t->prev);
	t->prev = t->rows;
	t->n_prev = t->n_rows;
	if (t->n_prev)
		qsort(t->prev, t->n_prev, sizeof(*t->prev), cmp_key);
	t->rows = NULL;
	t->n_rows = 0;
	add_bpf_rows(t, &alloc);
	add_proc_rows(t, &alloc);
	diff_rows(t);
	if (t->view == VIEW_FREE)
		collect_free(t);
	if (t->view == VIEW_PROCS)
		collect_procs(t);
	t->refreshes++;
}

/* ---- sorting and filtering ---------------------------------------------- */

static int cmp_u64(uint64_t a, uint64_t b)
{
	/* absent sorts below every value */
	if (!val_has(a) || !val_has(b))
		return val_has(a) - val_has(b);
	return a < b ? -1 : a > b;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct top *t = arg;
	const struct top_row *x = a, *y = b;
	int c;

	if (t->sort == TC_TAG)
		c = strcmp(y->tag, x->tag); /* ascending after the flip */
	else if (t->by_change)
		c = x->d[t->sort] < y->d[t->sort]   ? -1
		    : x->d[t->sort] > y->d[t->sort] ? 1
						    : 0;
	else if (t->sort == TC_DIFF)
		c = x->diff_absent || y->diff_absent
			? (int)!x->diff_absent - (int)!y->diff_absent
		    : (int64_t)x->v[TC_DIFF] < (int64_t)y->v[TC_DIFF] ? -1
		    : (int64_t)x->v[TC_DIFF] > (int64_t)y->v[TC_DIFF] ? 1
								      : 0;
	else
		c = cmp_u64(x->v[t->sort], y->v[t->sort]);
	if (!c)
		c = strcmp(y->tag, x->tag);
	/* biggest first, unless reversed */
	return t->reverse ? c : -c;
}

static bool row_shown(const struct top *t, const struct top_row *r)
{
	if (t->type == TYPE_RECLAIMABLE && r->type != POOL_RECLAIMABLE)
		return false;
	if (t->type == TYPE_UNRECLAIMABLE && r->type != POOL_UNRECLAIMABLE)
		return false;
	if (t->include[0] && fnmatch(t->include, r->tag, 0) != 0)
		return false;
	if (t->exclude[0] && fnmatch(t->exclude, r->tag, 0) == 0)
		return false;
	return true;
}

/* ---- drawing ----------------------------------------------------------- */

static const char *hb(uint64_t v, char *buf, size_t n, const struct top *t)
{
	if (!val_has(v))
		return "n/a";
	if (t->ctx->out.bytes) {
		snprintf(buf, n, "%llu", (unsigned long long)v);
		return buf;
	}
	return human_bytes(v, buf, n);
}

static void draw_header(struct top *t, int *row)
{
	static const char *const type_names[] = {"all", "reclaimable",
						 "unreclaimable"};
	static const char *const col_names[] = {"tag",	"allocs", "frees",
						"diff", "bytes",  "per-alloc"};
	char a[32], b[32], c[32], d[32], e[32], f[32];

	tui_print(*row, 0, TUI_REVERSE,
		  " memtally top - %s   every %.1f s   sort: %s%s%s   type: "
		  "%s%s%s%s%s",
		  view_names[t->view], t->interval,
		  t->by_change ? "change of " : "", col_names[t->sort],
		  t->reverse ? " (reversed)" : "", type_names[t->type],
		  t->include[0] ? "   include: " : "", t->include,
		  t->exclude[0] ? "   exclude: " : "", t->exclude);
	tui_fill(*row, TUI_REVERSE);
	(*row)++;
	if (t->have_acct) {
		const struct accounting *ac = &t->acct;
		uint64_t slab = (uint64_t)ac->bytes[ACCT_SLAB_RECLAIMABLE] +
				(uint64_t)ac->bytes[ACCT_SLAB_UNRECLAIMABLE];
		int64_t un = ac->bytes[ACCT_UNACCOUNTED];

		tui_print(*row, 0, TUI_NORMAL,
			  " total %s  available %s  free %s  slab %s  "
			  "unaccounted %s%s  commit %s / %s",
			  hb(ac->total, a, sizeof(a), t),
			  hb(ac->available, b, sizeof(b), t),
			  hb((uint64_t)ac->bytes[ACCT_FREE], c, sizeof(c), t),
			  hb(slab, d, sizeof(d), t), un < 0 ? "-" : "",
			  hb((uint64_t)(un < 0 ? -un : un), e, sizeof(e), t),
			  hb(t->commit, f, sizeof(f), t),
			  hb(t->commit_limit, a, sizeof(a), t));
	} else {
		tui_print(*row, 0, TUI_WARN, " memory totals unavailable: %s",
			  t->why_no_meminfo);
	}
	(*row)++;
	tui_print(*row, 0, t->bpf ? TUI_DIM : TUI_WARN, " sources: %s; %s",
		  t->bpf_status, t->proc_status);
	(*row)++;
}

static void draw_pools(struct top *t, int row, int rows, int cols)
{
	int tagw = cols - 8 - 14 - 11 * 3 - 10 * 2 - 12 - 8;
	size_t *idx = NULL, n = 0;
	uint64_t tot[_TC_MAX] = {0};
	int64_t totdiff = 0;
	int body, last;

	if (tagw < 16)
		tagw = 16;
	if (tagw > 48)
		tagw = 48;
	if (t->n_rows)
		qsort_r(t->rows, t->n_rows, sizeof(*t->rows), cmp_rows, t);
	idx = xcalloc(t->n_rows ? t->n_rows : 1, sizeof(*idx));
	for (size_t i = 0; i < t->n_rows; i++)
		if (row_shown(t, &t->rows[i]))
			idx[n++] = i;

	tui_print(row, 0, TUI_REVERSE,
		  " %-*s %-7s %-13s %10s %10s %10s %10s %9s  %-8s %s", tagw,
		  "TAG", "SOURCE", "TYPE", "ALLOCS", "FREES", "DIFF", "BYTES",
		  "PER-ALLOC", "MODULE", "CACHE");
	tui_fill(row, TUI_REVERSE);
	row++;
	body = rows - row - 1 - (t->totals ? 1 : 0);
	if (body < 1)
		body = 1;
	if (t->scroll > (int)n - body)
		t->scroll = (int)n - body;
	if (t->scroll < 0)
		t->scroll = 0;
	last = t->scroll + body;
	for (size_t k = 0; k < n; k++) {
		const struct top_row *r = &t->rows[idx[k]];
		char x[32], y[32], z[32];
		int col = 0;
		unsigned hl[_TC_MAX];

		for (int c = 0; c < _TC_MAX; c++)
			hl[c] = t->highlight && (r->d[c] || r->is_new)
				    ? TUI_CHANGED
				    : TUI_NORMAL;
		for (int c = TC_ALLOCS; c < _TC_MAX; c++)
			if (val_has(r->v[c]) && c != TC_DIFF)
				tot[c] += r->v[c];
		if (!r->diff_absent)
			totdiff += (int64_t)r->v[TC_DIFF];
		if ((int)k < t->scroll || (int)k >= last)
			continue;
		tui_print(row, col, r->is_new && t->highlight ? TUI_CHANGED : 0,
			  " %-*.*s", tagw, tagw, r->tag);
		col += tagw + 1;
		tui_print(row, col, 0, " %-7s %-13s", r->source,
			  pool_type_name(r->type) ? pool_type_name(r->type)
						  : "n/a");
		col += 22;
		tui_print(row, col, hl[TC_ALLOCS], " %10s",
			  val_has(r->v[TC_ALLOCS])
			      ? (snprintf(x, sizeof(x), "%llu",
					  (unsigned long long)r->v[TC_ALLOCS]),
				 x)
			      : "n/a");
		col += 11;
		tui_print(row, col, hl[TC_FREES], " %10s",
			  val_has(r->v[TC_FREES])
			      ? (snprintf(y, sizeof(y), "%llu",
					  (unsigned long long)r->v[TC_FREES]),
				 y)
			      : "n/a");
		col += 11;
		if (r->diff_absent)
			snprintf(z, sizeof(z), "n/a");
		else
			snprintf(z, sizeof(z), "%+lld",
				 (long long)(int64_t)r->v[TC_DIFF]);
		tui_print(row, col, hl[TC_DIFF], " %10s", z);
		col += 11;
		tui_print(row, col, hl[TC_BYTES], " %10s",
			  hb(r->v[TC_BYTES], x, sizeof(x), t));
		col += 11;
		tui_print(row, col, hl[TC_PER_ALLOC], " %9s",
			  hb(r->v[TC_PER_ALLOC], y, sizeof(y), t));
		col += 10;
		tui_print(row, col, 0, "  %-8s %s", r->module, r->cache);
		row++;
	}
	if (n == 0)
		tui_print(row++, 1, TUI_DIM, "%s",
			  t->n_rows ? "no tag matches the filters"
				    : "no pool rows: no source is readable "
				      "(see the header)");
	if (t->totals) {
		char x[32];

		tui_print(rows - 2, 0, TUI_BOLD,
			  " %-*s %-21s %10llu %10llu %+10lld %10s", tagw,
			  "TOTAL (shown rows)", "",
			  (unsigned long long)tot[TC_ALLOCS],
			  (unsigned long long)tot[TC_FREES], (long long)totdiff,
			  hb(tot[TC_BYTES], x, sizeof(x), t));
	}
	free(idx);
}

static void draw_usage(struct top *t, int row, int rows)
{
	char a[32], b[32];

	if (!t->have_acct) {
		tui_print(row, 1, TUI_WARN, "%s", t->why_no_meminfo);
		return;
	}
	tui_print(row, 0, TUI_REVERSE, " %-28s %12s %7s %12s  %s", "CATEGORY",
		  "BYTES", "SHARE", "CHANGE", "RECLAIM");
	tui_fill(row, TUI_REVERSE);
	row++;
	for (int c = 0; c < _ACCT_MAX && row < rows - 1; c++) {
		const struct acct_cat_info *ci = acct_cat_info(c);
		int64_t v = t->acct.bytes[c];
		int64_t d =
		    t->have_prev_acct ? v - (int64_t)t->prev_acct[c] : 0;

		if (!t->acct.present[c])
			continue;
		tui_print(row, 0, d && t->highlight ? TUI_CHANGED : 0,
			  " %-28s %12s %6.1f%% %12s  %s", ci->label,
			  v < 0 ? "negative" : hb((uint64_t)v, a, sizeof(a), t),
			  t->acct.total
			      ? 100.0 * (double)v / (double)t->acct.total
			      : 0.0,
			  d ? human_bytes_signed(d, b, sizeof(b)) : "",
			  acct_reclaim_name(ci->reclaim));
		row++;
	}
}

static void draw_free(struct top *t, int row, int rows)
{
	char h[32];

	if (!t->have_fl) {
		tui_print(row, 1, TUI_WARN, "%s", t->why_no_fl);
		return;
	}
	tui_print(row, 0, TUI_REVERSE,
		  " %-4s %-8s %10s  free blocks by order 0..%u", "NODE", "ZONE",
		  "FREE", t->fl.n_orders ? t->fl.n_orders - 1 : 0);
	tui_fill(row, TUI_REVERSE);
	row++;
	for (size_t z = 0; z < t->fl.n_zones && row < rows - 1; z++) {
		const struct freelists_zone *zn = &t->fl.zones[z];
		char line[512];
		size_t len = 0;

		for (unsigned o = 0; o < zn->o.n_orders && len < sizeof(line);
		     o++)
			len += (size_t)snprintf(
			    line + len, sizeof(line) - len, "%7llu",
			    (unsigned long long)zn->o.blocks[o]);
		line[sizeof(line) - 1] = '\0';
		tui_print(
		    row++, 0, 0, " %-4u %-8s %10s %s", zn->node, zn->zone,
		    hb(zn->o.free_pages * t->fl.page_size, h, sizeof(h), t),
		    line);
	}
}

static int cmp_pss(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a;
	const struct proc *y = *(const struct proc *const *)b;
	uint64_t px = val_has(x->sm.v[SM_PSS]) ? x->sm.v[SM_PSS] : 0;
	uint64_t py = val_has(y->sm.v[SM_PSS]) ? y->sm.v[SM_PSS] : 0;

	return px < py ? 1 : px > py ? -1 : x->pid - y->pid;
}

/* The processes view: largest PSS first, as `memtally procs` sorts. */
static void draw_procs(struct top *t, int row, int rows)
{
	const struct proc **v;
	char a[32], b[32], c[32], d[32];
	size_t n = 0;

	if (!t->have_procs) {
		tui_print(row, 1, TUI_WARN, "%s", t->why_no_procs);
		return;
	}
	tui_print(row, 0, TUI_REVERSE, " %7s  %-16s %10s %10s %10s %10s", "PID",
		  "COMMAND", "RSS", "PSS", "USS", "SWAP");
	tui_fill(row, TUI_REVERSE);
	row++;
	v = xcalloc(t->procs.n + 1, sizeof(*v));
	for (size_t i = 0; i < t->procs.n; i++)
		if (t->procs.v[i].sm.has_mm)
			v[n++] = &t->procs.v[i];
	qsort(v, n, sizeof(*v), cmp_pss);
	for (size_t i = 0; i < n && row < rows - 2; i++) {
		const struct proc *p = v[i];

		tui_print(row++, 0, TUI_NORMAL,
			  " %7d  %-16.16s %10s %10s %10s %10s", p->pid,
			  p->st.name, hb(p->sm.v[SM_RSS], a, sizeof(a), t),
			  hb(p->sm.v[SM_PSS], b, sizeof(b), t),
			  hb(proc_uss(p), c, sizeof(c), t),
			  hb(p->sm.v[SM_SWAP], d, sizeof(d), t));
	}
	if (t->procs.n_denied && row < rows - 1)
		tui_print(row, 1, TUI_DIM,
			  "%zu process(es) could not be read (not root?); "
			  "'memtally procs' names them",
			  t->procs.n_denied);
	free(v);
}

static void draw_help(int row)
{
	const char *p = cmd_top_help;
	const char *k = strstr(p, "Keys:");

	if (!k)
		return;
	while (*k) {
		const char *nl = strchr(k, '\n');
		int len = nl ? (int)(nl - k) : (int)strlen(k);

		if (len == 0 && row > 6)
			break;
		tui_print(row++, 2, TUI_NORMAL, "%.*s", len, k);
		if (!nl)
			break;
		k = nl + 1;
	}
	tui_print(row + 1, 2, TUI_BOLD, "press any key");
}

static void draw(struct top *t)
{
	int rows, cols, row = 0;

	tui_size(&rows, &cols);
	tui_clear();
	draw_header(t, &row);
	row++;
	if (t->help) {
		draw_help(row);
	} else if (t->view == VIEW_POOLS) {
		draw_pools(t, row, rows, cols);
	} else if (t->view == VIEW_USAGE) {
		draw_usage(t, row, rows);
	} else if (t->view == VIEW_FREE) {
		draw_free(t, row, rows);
	} else if (t->view == VIEW_PROCS) {
		draw_procs(t, row, rows);
	}
	tui_print(rows - 1, 0, TUI_REVERSE,
		  " q quit  h help  v view  t a f d b m sort  ( ) change  "
		  "p type  e totals  l highlight  i x filter");
	tui_fill(rows - 1, TUI_REVERSE);
	tui_flush();
}

/* ---- keys ---------------------------------------------------------------- */

static void set_sort(struct top *t, enum top_col c)
{
	if (t->sort == c)
		t->reverse = !t->reverse;
	else
		t->reverse = false;
	t->sort = c;
	t->scroll = 0;
}

/* Handle one key; false to quit. */
static bool on_key(struct top *t, int k)
{
	int rows, cols, page;

	tui_size(&rows, &cols);
	page = rows - 7 > 1 ? rows - 7 : 1;
	if (t->help && k != TUI_KEY_NONE && k != TUI_KEY_RESIZE) {
		t->help = false;
		return true;
	}
	switch (k) {
	case 'q':
	case 'Q':
		return false;
	case 't':
	case 'T':
		set_sort(t, TC_TAG);
		break;
	case 'a':
	case 'A':
		set_sort(t, TC_ALLOCS);
		break;
	case 'f':
	case 'F':
		set_sort(t, TC_FREES);
		break;
	case 'd':
	case 'D':
		set_sort(t, TC_DIFF);
		break;
	case 'b':
	case 'B':
		set_sort(t, TC_BYTES);
		break;
	case 'm':
	case 'M':
		set_sort(t, TC_PER_ALLOC);
		break;
	case '(':
		t->by_change = true;
		break;
	case ')':
		t->by_change = false;
		break;
	case 'p':
	case 'P':
		t->type = (t->type + 1) % 3;
		t->scroll = 0;
		break;
	case 'e':
	case 'E':
		t->totals = !t->totals;
		break;
	case 'l':
	case 'L':
		t->highlight = !t->highlight;
		break;
	case 'i':
	case 'I':
		tui_prompt(rows - 1,
			   "include tags matching (glob, empty: all): ",
			   t->include, sizeof(t->include));
		t->scroll = 0;
		break;
	case 'x':
	case 'X':
		tui_prompt(rows - 1,
			   "exclude tags matching (glob, empty: none): ",
			   t->exclude, sizeof(t->exclude));
		t->scroll = 0;
		break;
	case 'v':
	case 'V':
		t->view = (t->view + 1) % _VIEW_MAX;
		if (t->view == VIEW_FREE)
			collect_free(t);
		if (t->view == VIEW_PROCS)
			collect_procs(t);
		break;
	case '1':
	case '2':
	case '3':
	case '4':
		t->view = (enum top_view)(k - '1');
		if (t->view == VIEW_FREE)
			collect_free(t);
		if (t->view == VIEW_PROCS)
			collect_procs(t);
		break;
	case 'h':
	case 'H':
	case '?':
		t->help = true;
		break;
	case TUI_KEY_UP:
		t->scroll--;
		break;
	case TUI_KEY_DOWN:
		t->scroll++;
		break;
	case TUI_KEY_PGUP:
		t->scroll -= page;
		break;
	case TUI_KEY_PGDN:
		t->scroll += page;
		break;
	case TUI_KEY_HOME:
		t->scroll = 0;
		break;
	case TUI_KEY_END:
		t->scroll = 1 << 30;
		break;
	}
	if (t->scroll < 0)
		t->scroll = 0;
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_top(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"interval", required_argument, NULL, 'd'},
	    {"no-bpf", no_argument, NULL, 'N'},
	    {"view", required_argument, NULL, 'V'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct top t = {0};
	double next;
	char *end;
	int c, r;

	t.ctx = ctx;
	t.interval = 2;
	t.sort = TC_BYTES;
	t.highlight = true;
	while ((c = getopt_long(argc, argv, "d:" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			t.interval = strtod(optarg, &end);
			if (*end || t.interval < 0.1 || t.interval > 3600)
				return cli_usage_error(
				    ctx,
				    "bad interval '%s' (0.1 to 3600 "
				    "seconds)",
				    optarg);
			continue;
		case 'N':
			t.no_bpf = true;
			continue;
		case 'V': {
			bool found = false;

			for (int v = 0; v < _VIEW_MAX; v++)
				if (strncmp(optarg, view_names[v],
					    strlen(optarg)) == 0 &&
				    *optarg) {
					t.view = (enum top_view)v;
					found = true;
					break;
				}
			if (!found)
				return cli_usage_error(
				    ctx,
				    "unknown view '%s' (pools, usage, "
				    "procs, free)",
				    optarg);
			continue;
		}
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (ctx->json)
		return cli_usage_error(ctx, "top is interactive; use "
					    "'pools --json' for JSON");
	if (!tui_available()) {
		log_error("top: this memtally was built without ncurses");
		return EXIT_FAIL;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		log_error("top needs a terminal");
		return EXIT_FAIL;
	}
	if (!ctx_root(ctx))
		return EXIT_FAIL;

	if (t.no_bpf) {
		snprintf(t.bpf_status, sizeof(t.bpf_status),
			 "/proc only (--no-bpf)");
	} else {
		struct pools_bpf_opts o = {.level = -1};
		char *why = NULL;

		if (pools_bpf_start(ctx_root(ctx), &o, &t.bpf, &why) < 0) {
			snprintf(t.bpf_status, sizeof(t.bpf_status),
				 "bpf unavailable (%s); /proc sources only",
				 why ? why : "?");
			free(why);
			t.bpf = NULL;
		}
	}
	r = tui_start();
	if (r < 0) {
		pools_bpf_stop(t.bpf);
		if (r == -ENOTTY)
			log_error("top needs a terminal");
		else
			log_error_errno(r, "cannot start the full-screen view");
		return EXIT_FAIL;
	}
	collect(&t);
	draw(&t);
	next = now_s() + t.interval;
	while (!tui_stop_requested()) {
		double left = next - now_s();
		int k;

		if (left <= 0) {
			collect(&t);
			draw(&t);
			next = now_s() + t.interval;
			continue;
		}
		k = tui_getkey(left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (k == TUI_KEY_NONE)
			continue;
		if (!on_key(&t, k))
			break;
		draw(&t);
	}
	tui_stop();
	pools_bpf_stop(t.bpf);
	free(t.rows);
	free(t.prev);
	freelists_release(&t.fl);
	if (t.have_procs)
		procs_release(&t.procs);
	return EXIT_OK;
}
