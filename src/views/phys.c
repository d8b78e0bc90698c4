/* The phys view: RAMMap's Physical Pages list, from the page database.
 *
 * Every physical page's use and list (analysis/pageclass.c), its flags by
 * name, map count and memory cgroup, read from /proc/kpageflags,
 * /proc/kpagecount and /proc/kpagecgroup (model/pagescan.c). Contiguous
 * pages of the same use, list, map count and cgroup are folded into one
 * run by default; per_page lists each page. summary gives the use x list
 * matrix of the whole scan instead (page-types' summary, by use). With
 * owners, the processes and virtual addresses mapping each page come
 * from every process's /proc/PID/pagemap (model/pagemap.c).
 *
 * A listing is streamed, never held: a 24 GiB machine has 6 M pages. The
 * document's "rows" is a stream whose fill runs the scan while the
 * document is rendered, a thousand rows at a time. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "../model/cgino.h"
#include "../model/pagemap.h"
#include "pages.h"
#include "phys.h"

#define FLUSH_ROWS 1024

enum {
	C_PFN_TEXT,
	C_PFN,
	C_PAGES,
	C_ADDR_TEXT,
	C_ADDR,
	C_SIZE,
	C_USE,
	C_LIST,
	C_FLAGS,
	C_MAPS,
	C_CG_INO,
	C_CGROUP,
	C_FLAGS_TEXT,
	C_HEAD,
	C_OWNERS_TEXT,
	C_OWNERS,
	_C_MAX,
};

/* The listing's columns; the owners' two only with owners. */
static const struct {
	const char *header, *key;
	enum col_type type;
	unsigned flags;
	int width; /* text; negative: left-aligned */
} cols[_C_MAX] = {
    [C_PFN_TEXT] = {"PFN", "pfn-hex", COL_STR, COLF_TEXT_ONLY, -12},
    [C_PFN] = {"PFN-NUM", "pfn", COL_COUNT, COLF_JSON_ONLY, 0},
    [C_PAGES] = {"PAGES", "pages", COL_COUNT, 0, 8},
    [C_ADDR_TEXT] = {"ADDRESS", "address-hex", COL_STR, COLF_TEXT_ONLY, -14},
    [C_ADDR] = {"ADDRESS-NUM", "address", COL_COUNT, COLF_JSON_ONLY, 0},
    [C_SIZE] = {"SIZE", "bytes", COL_BYTES, 0, 10},
    [C_USE] = {"USE", "use", COL_STR, 0, -8},
    [C_LIST] = {"LIST", "list", COL_STR, 0, -11},
    [C_FLAGS] = {"FLAGS-JSON", "flags", COL_STR, COLF_JSON_ONLY, 0},
    [C_MAPS] = {"MAPS", "map_count", COL_COUNT, 0, 5},
    [C_CG_INO] = {"CGROUP-INO", "cgroup_ino", COL_COUNT, COLF_JSON_ONLY, 0},
    [C_CGROUP] = {"CGROUP", "cgroup", COL_STR, 0, -24},
    [C_FLAGS_TEXT] = {"FLAGS", "flags-text", COL_STR, COLF_TEXT_ONLY, -1},
    [C_HEAD] = {"HEAD", "head", COL_COUNT, COLF_JSON_ONLY | COLF_JSON_OPTIONAL,
		0},
    [C_OWNERS_TEXT] = {"OWNERS", "owners-text", COL_STR, COLF_TEXT_ONLY, -1},
    [C_OWNERS] = {"OWNERS-JSON", "owners", COL_JSON, COLF_JSON_ONLY, 0},
};

struct lister {
	struct root *root;
	struct phys_opts o;
	struct cgino_map *cg;
	struct pfn_owners owners;
	bool has_owners, only_owned;
	bool has_cg;
	uint64_t cg_ino;
	uint64_t page_size;
	struct table *t;
	struct doc_stream *s;
	/* the run being folded */
	bool have;
	struct page_run cur;
	uint64_t cur_flags;
	/* totals */
	uint64_t rows, pages;
	uint64_t by_use[_PU_MAX];
};

static void lister_free(void *p)
{
	struct lister *l = p;

	if (!l)
		return;
	cgino_map_free(l->cg);
	pfn_owners_release(&l->owners);
	free(l);
}

static struct table *listing_table(bool owners)
{
	struct table *t = table_new(NULL);
	size_t n = owners ? _C_MAX : C_OWNERS_TEXT;

	for (size_t c = 0; c < n; c++) {
		table_add_col(t, cols[c].header, cols[c].key, cols[c].type);
		table_col_flags(t, c, cols[c].flags);
		table_col_left(t, c, cols[c].width < 0);
		table_col_width(t, c, abs(cols[c].width));
	}
	return t;
}

static void set_cgroup(struct lister *l, size_t row, uint64_t ino)
{
	const char *p;
	char buf[32];

	table_set_u64(l->t, row, C_CG_INO, ino);
	if (ino == VAL_ABSENT)
		return;
	if (ino == 0) {
		table_set_word(l->t, row, C_CGROUP, "-");
		return;
	}
	p = cgino_lookup(l->cg, ino);
	if (!p) {
		snprintf(buf, sizeof(buf), "@%" PRIu64, ino);
		p = buf;
	}
	table_set_str(l->t, row, C_CGROUP, p);
}

/* The owners of a page: text "PID:COMM@VADDR,..." (four, then how many
 * more), JSON an array of {pid, comm, vaddr}. */
static void set_owners(struct lister *l, size_t row, const struct pfn_owner *ow,
		       size_t n)
{
	struct table *a = table_new(NULL);
	char text[512] = "-";
	size_t len = 0;
	char *json;

	table_add_col(a, "PID", "pid", COL_COUNT);
	table_add_col(a, "COMM", "comm", COL_STR);
	table_add_col(a, "VADDR", "vaddr", COL_COUNT);
	for (size_t i = 0; i < n; i++) {
		const char *comm = pfn_owners_comm(&l->owners, ow[i].pid);
		size_t r = table_add_row(a);

		table_set_u64(a, r, 0, (uint64_t)ow[i].pid);
		table_set_str(a, r, 1, comm);
		table_set_u64(a, r, 2, ow[i].vaddr);
		if (i < 4 && len < sizeof(text))
			len += (size_t)snprintf(
			    text + len, sizeof(text) - len, "%s%d:%s@%#" PRIx64,
			    i ? "," : "", ow[i].pid, comm, ow[i].vaddr);
	}
	if (n > 4 && len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, ",+%zu more", n - 4);
	table_set_str(l->t, row, C_OWNERS_TEXT, text);
	json = table_json_text(a);
	table_set_json(l->t, row, C_OWNERS, json);
	free(json);
	table_free(a);
}

/* Add one row: a run (folded) or a page. */
static void add_row(struct lister *l, const struct page_run *r, uint64_t flags)
{
	const struct pfn_owner *ow = NULL;
	size_t now = 0, row;
	char fl[768], b[24];

	if (l->has_owners)
		now = pfn_owners_find(&l->owners, r->pfn, &ow);
	if (l->only_owned && now == 0)
		return;
	l->rows++;
	l->pages += r->n;
	l->by_use[r->use] += r->n;
	kpf_format(kpf_expand(flags), fl, sizeof(fl));
	row = table_add_row(l->t);
	snprintf(b, sizeof(b), "%#" PRIx64, r->pfn);
	table_set_str(l->t, row, C_PFN_TEXT, b);
	table_set_u64(l->t, row, C_PFN, r->pfn);
	table_set_u64(l->t, row, C_PAGES, r->n);
	snprintf(b, sizeof(b), "%#" PRIx64, r->pfn * l->page_size);
	table_set_str(l->t, row, C_ADDR_TEXT, b);
	table_set_u64(l->t, row, C_ADDR, r->pfn * l->page_size);
	table_set_u64(l->t, row, C_SIZE, r->n * l->page_size);
	table_set_str(l->t, row, C_USE, page_use_name(r->use));
	table_set_str(l->t, row, C_LIST, page_list_name(r->list));
	table_set_str(l->t, row, C_FLAGS, fl);
	table_set_u64(l->t, row, C_MAPS, r->count);
	set_cgroup(l, row, r->cgroup);
	table_set_str(l->t, row, C_FLAGS_TEXT, fl[0] ? fl : "-");
	if (r->head != r->pfn)
		table_set_u64(l->t, row, C_HEAD, r->head);
	if (l->has_owners)
		set_owners(l, row, ow, now);
	if (table_rows(l->t) >= FLUSH_ROWS)
		doc_stream_flush(l->s);
}

static void flush_run(struct lister *l)
{
	if (!l->have)
		return;
	add_row(l, &l->cur, l->cur_flags);
	l->have = false;
}

static void on_run(void *ctx, const struct page_run *r)
{
	struct lister *l = ctx;

	if (!(l->o.use_mask & (1u << r->use)))
		return;
	if (l->o.has_expr && !kpf_expr_match(&l->o.expr, kpf_expand(r->flags)))
		return;
	if (l->has_cg && r->cgroup != l->cg_ino)
		return;
	if (l->o.per_page) {
		struct page_run one = *r;

		one.n = 1;
		for (uint64_t i = 0; i < r->n; i++) {
			one.pfn = r->pfn + i;
			add_row(l, &one, r->flags);
		}
		return;
	}
	if (l->have && l->cur.use == r->use && l->cur.list == r->list &&
	    l->cur.count == r->count && l->cur.cgroup == r->cgroup &&
	    l->cur.pfn + l->cur.n == r->pfn) {
		l->cur.n += r->n;
		l->cur_flags |= r->flags;
		return;
	}
	flush_run(l);
	l->cur = *r;
	l->cur_flags = r->flags;
	l->have = true;
}

/* What follows the rows: the totals, the line that counts them, notes. */
static void listing_trailer(struct lister *l, struct doc *d,
			    const struct pagescan_result *res)
{
	struct doc *bu;

	doc_add_count(d, "page_size", NULL, l->page_size);
	doc_add_count(d, "pfn_end", NULL, res->pfn_end);
	doc_add_count(d, "pages_listed", NULL, l->pages);
	bu = doc_add_section(d, "bytes_by_use");
	for (int u = 0; u < _PU_MAX; u++)
		if (l->by_use[u])
			doc_add_bytes(bu, page_use_name(u), NULL,
				      l->by_use[u] * l->page_size);
	if (l->o.per_page)
		doc_add_line(d, NULL,
			     "%" PRIu64 " pages (%B) listed of PFNs %#" PRIx64
			     "-%#" PRIx64,
			     l->pages, l->pages * l->page_size, res->lo,
			     res->hi);
	else
		doc_add_line(d, NULL,
			     "%" PRIu64 " runs, %" PRIu64
			     " pages (%B) listed of PFNs %#" PRIx64
			     "-%#" PRIx64,
			     l->rows, l->pages, l->pages * l->page_size,
			     res->lo, res->hi);
	if (l->has_owners)
		doc_add_line(d, NULL,
			     "owners from %zu processes (%zu vanished or "
			     "refused during the walk)",
			     l->owners.procs_walked, l->owners.procs_skipped);
	pages_doc_notes(d, res);
}

/* The stream's fill: scan, a row per run (or page), then the trailer. */
static int listing_fill(void *ctx, struct doc *d, struct table *t,
			struct doc_stream *s, char *err, size_t errlen)
{
	struct lister *l = ctx;
	struct pagescan_opts so = l->o.scan;
	struct pagescan_result res;
	struct view_err ve = {{0}};
	int r;

	l->t = t;
	l->s = s;
	so.emit = on_run;
	so.ctx = l;
	so.threads = 1;
	r = view_pages_scan(l->root, &so, l->o.progress, l->o.progress_data,
			    &res, &ve);
	if (r < 0) {
		snprintf(err, errlen, "%s", ve.msg);
		return r;
	}
	flush_run(l);
	listing_trailer(l, d, &res);
	return 0;
}

/* Collect the owners of the PFN window (every process's pagemap). */
static int collect_owners(struct lister *l, struct view_err *err)
{
	struct pagescan_result res;
	struct source_err se;
	uint64_t end;
	int r;

	if (pagescan_pfn_end(l->root, &end, &se) < 0) {
		struct pagescan_opts so = l->o.scan;

		/* let the scan say why, in its words */
		r = view_pages_scan(l->root, &so, l->o.progress,
				    l->o.progress_data, &res, err);
		if (r < 0)
			return r;
		end = res.pfn_end;
	}
	r = pfn_owners_collect(l->root, l->o.pid, l->o.scan.lo,
			       l->o.scan.hi ? l->o.scan.hi : end, &l->owners);
	if (r == -ESRCH)
		return view_fail(err, r, "no process %d", l->o.pid);
	if (r < 0)
		return view_fail(err, r,
				 "cannot read the processes' page maps "
				 "(/proc/PID/pagemap%s): %s",
				 r == -EPERM ? ", needs CAP_SYS_ADMIN" : "",
				 strerror(-r));
	if (l->owners.procs_walked == 0)
		return view_fail(err, -ENOENT,
				 "--owners reads every process's "
				 "/proc/PID/pagemap: %s has none",
				 root_is_live(l->root)
				     ? "this system"
				     : root_describe(l->root));
	l->has_owners = true;
	l->only_owned = l->o.pid > 0;
	return 0;
}

/* The inode of the memory cgroup named by arg: @INODE, a directory
 * under /sys, or a path in the hierarchy (live only). */
static int resolve_cgroup(struct lister *l, const char *arg,
			  struct view_err *err)
{
	struct stat st;
	uint64_t ino = 0;

	if (arg[0] == '@') {
		struct span sp = {arg + 1, strlen(arg + 1)};

		if (span_u64(sp, &ino) < 0)
			ino = 0;
	} else if (strncmp(arg, "/sys/", 5) == 0 && stat(arg, &st) == 0 &&
		   S_ISDIR(st.st_mode)) {
		ino = (uint64_t)st.st_ino;
	} else {
		ino = cgino_find_path(l->cg, arg);
	}
	if (ino == 0)
		return view_fail(err, -ENOENT, "no memory cgroup '%s'%s", arg,
				 l->cg ? ""
				       : " (paths are resolved on the live "
					 "system only; give @INODE)");
	l->has_cg = true;
	l->cg_ino = ino;
	return 0;
}

static int view_phys_summary(struct root *root, const struct phys_opts *o,
			     struct doc **ret, struct view_err *err)
{
	struct pagescan_opts so = o->scan;
	struct pagescan_result res;
	struct table *t;
	struct doc *d;
	uint64_t ps;
	int r;

	r = view_pages_scan(root, &so, o->progress, o->progress_data, &res,
			    err);
	if (r < 0)
		return r;
	ps = view_pages_page_size(root);
	t = pages_matrix_table(&res.c, ps);
	table_add_note(t,
		       "PFNs %#" PRIx64 "-%#" PRIx64 " (%" PRIu64
		       " pages, %" PRIu64 " compound tails counted with "
		       "their head)",
		       res.lo, res.hi, res.c.total, res.c.compound_tails);
	table_add_note(t, "hole: PFNs without RAM behind them; kernel: pages "
			  "with no flag (drivers, vmalloc, stacks, pipes, "
			  "per-CPU free lists)");
	pages_add_notes(t, &res);
	d = doc_new();
	doc_add_count(d, "page_size", NULL, ps);
	doc_add_count(d, "pfn_end", NULL, res.pfn_end);
	doc_add_bytes(d, "total_bytes", NULL, res.c.total * ps);
	doc_add_table(d, "rows", t);
	doc_add_notes(d, "notes");
	*ret = d;
	return 0;
}

int view_phys(struct root *root, const struct phys_opts *o, struct doc **ret,
	      struct view_err *err)
{
	struct lister *l;
	struct doc *d;
	int r;

	if (o->summary)
		return view_phys_summary(root, o, ret, err);
	l = xcalloc(1, sizeof(*l));
	l->root = root;
	l->o = *o;
	l->page_size = view_pages_page_size(root);
	if (o->owners || o->pid > 0) {
		r = collect_owners(l, err);
		if (r < 0)
			goto fail;
		l->o.per_page = true;
	}
	if (root_is_live(root))
		cgino_map_build(NULL, &l->cg);
	if (o->cgroup) {
		r = resolve_cgroup(l, o->cgroup, err);
		if (r < 0)
			goto fail;
	}
	d = doc_new();
	doc_add_stream(d, "rows", listing_table(l->has_owners), listing_fill, l,
		       lister_free);
	*ret = d;
	return 0;
fail:
	lister_free(l);
	return r;
}
