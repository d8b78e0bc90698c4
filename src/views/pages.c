/* The page views' shared helpers below the command layer; see pages.h.
 *
 * The scan's errors are worded here once for every page view: without
 * root the kpage files cannot be read on a live system (the message says
 * what the counter-based views offer instead); a captured tree without
 * them says how to capture them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "../sources/iomem.h"
#include "pages.h"

/* The top-level System RAM ranges of /proc/iomem as PFN ranges, so that
 * flagless PFNs outside them are holes; NULL (every PFN taken for RAM)
 * when iomem cannot be read or hides its addresses. */
static struct pageclass_zone *ram_ranges(struct root *root, uint64_t ps,
					 size_t *ret_n)
{
	struct pageclass_zone *v = NULL;
	size_t n = 0, alloc = 0;
	struct iomem io;

	*ret_n = 0;
	if (iomem_read(root, &io, NULL) < 0)
		return NULL;
	for (size_t i = 0; !io.addr_hidden && i < io.n; i++) {
		const struct iomem_range *g = &io.ranges[i];

		if (g->depth != 0 || !streq(g->name, "System RAM"))
			continue;
		v = xgrow(v, &alloc, n + 1, sizeof(*v));
		v[n].start = g->start / ps;
		v[n].end = (g->end + 1) / ps;
		n++;
	}
	iomem_release(&io);
	*ret_n = n;
	return v;
}

struct progress_relay {
	view_progress_fn fn;
	void *userdata;
};

static void relay_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress_relay *p = ctx;

	p->fn(p->userdata, "scanning physical pages", done, total);
}

/* The one line that says why the scan failed with r. */
static int scan_fail(struct root *root, int r, const struct source_err *se,
		     struct view_err *err)
{
	char line[512];

	if ((r == -EACCES || r == -EPERM) && root_is_live(root))
		return view_fail(err, r,
				 "reading '/proc/kpageflags' needs root "
				 "(CAP_SYS_ADMIN); without it 'memtally usage' "
				 "and 'memtally free' show the counter-based "
				 "figures");
	if (r == -ENOENT && !root_is_live(root)) {
		_cleanup_free_ char *p =
		    root_display_path(root, "proc/kpageflags");

		return view_fail(err, r,
				 "'%s' is absent: no page flags were captured "
				 "('memtally snapshot --pages' saves them)",
				 p);
	}
	if (r == -EINVAL && se->parse.msg[0])
		return view_fail(err, r, "%s", se->parse.msg);
	if (r == -ENODATA && se->parse.msg[0])
		return view_fail(err, r, "'%s' %s", se->path, se->parse.msg);
	source_err_format(se, line, sizeof(line));
	return view_fail(err, r, "%s", line);
}

int view_pages_scan(struct root *root, struct pagescan_opts *o,
		    view_progress_fn progress, void *userdata,
		    struct pagescan_result *ret, struct view_err *err)
{
	struct progress_relay relay = {progress, userdata};
	struct source_err se = {0};
	struct pageclass_zone *ram = NULL;
	bool relayed = false;
	int r;

	if (!o->ram) {
		ram = ram_ranges(root, view_pages_page_size(root), &o->n_ram);
		o->ram = ram;
	}
	/* the progress callback shares ctx with emit: only install it when
	 * the caller has no context of its own */
	if (progress && !o->progress && !o->ctx) {
		o->progress = relay_progress;
		o->ctx = &relay;
		relayed = true;
	}
	r = pagescan_run(root, o, ret, &se);
	if (ram) {
		free(ram);
		o->ram = NULL;
		o->n_ram = 0;
	}
	if (relayed) {
		o->progress = NULL;
		o->ctx = NULL;
	}
	if (r < 0)
		return scan_fail(root, r, &se, err);
	return 0;
}

uint64_t view_pages_page_size(struct root *root)
{
	return root ? root_page_size(root) : ROOT_PAGE_SIZE_ASSUMED;
}

/* The notes of r into v (at most two); returns how many. */
static size_t scan_notes(const struct pagescan_result *r, char v[2][600])
{
	char line[512];
	size_t n = 0;

	if (!r->have_count && !r->count_err.err) {
		snprintf(v[n++], sizeof(v[0]),
			 "map counts and cgroups not read (--flags-only)");
		return n;
	}
	if (!r->have_count) {
		source_err_format(&r->count_err, line, sizeof(line));
		snprintf(v[n++], sizeof(v[0]), "map counts unavailable: %s",
			 line);
	}
	if (!r->have_cgroup) {
		source_err_format(&r->cgroup_err, line, sizeof(line));
		snprintf(v[n++], sizeof(v[0]), "memory cgroups unavailable: %s",
			 line);
	}
	return n;
}

void pages_add_notes(struct table *t, const struct pagescan_result *r)
{
	char v[2][600];
	size_t n = scan_notes(r, v);

	for (size_t i = 0; i < n; i++)
		table_add_note(t, "%s", v[i]);
}

void pages_doc_notes(struct doc *d, const struct pagescan_result *r)
{
	char v[2][600];
	size_t n = scan_notes(r, v);

	for (size_t i = 0; i < n; i++)
		doc_add_note(d, "%s", v[i]);
}

struct table *pages_matrix_table(const struct pageclass_counts *c, uint64_t ps)
{
	uint64_t tot[_PL_MAX] = {0};
	uint64_t attr_tot[3] = {0};
	struct table *t = table_new(NULL);
	size_t row;

	table_add_col(t, "USE", "use", COL_STR);
	table_add_col(t, "PAGES", "pages", COL_COUNT);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "ACTIVE", "active", COL_BYTES);
	table_add_col(t, "INACTIVE", "inactive", COL_BYTES);
	table_add_col(t, "UNEVICT", "unevictable", COL_BYTES);
	table_add_col(t, "OFF-LRU", "none", COL_BYTES);
	table_add_col(t, "FREE", "free", COL_BYTES);
	table_add_col(t, "DIRTY", "dirty", COL_BYTES);
	table_add_col(t, "WRITEBACK", "writeback", COL_BYTES);
	table_add_col(t, "MAPPED", "mapped", COL_BYTES);
	for (int u = 0; u < _PU_MAX; u++) {
		uint64_t n = pageclass_use_pages(c, u);

		if (n == 0)
			continue;
		row = table_add_row(t);
		table_set_str(t, row, 0, page_use_name(u));
		table_set_u64(t, row, 1, n);
		table_set_u64(t, row, 2, n * ps);
		table_set_u64(t, row, 3, c->pages[u][PL_ACTIVE] * ps);
		table_set_u64(t, row, 4, c->pages[u][PL_INACTIVE] * ps);
		table_set_u64(t, row, 5, c->pages[u][PL_UNEVICTABLE] * ps);
		table_set_u64(t, row, 6, c->pages[u][PL_NONE] * ps);
		table_set_u64(t, row, 7, c->pages[u][PL_FREE] * ps);
		table_set_u64(t, row, 8, c->attr[u][PA_DIRTY] * ps);
		table_set_u64(t, row, 9, c->attr[u][PA_WRITEBACK] * ps);
		table_set_u64(t, row, 10, c->attr[u][PA_MAPPED] * ps);
		for (int l = 0; l < _PL_MAX; l++)
			tot[l] += c->pages[u][l];
		attr_tot[0] += c->attr[u][PA_DIRTY];
		attr_tot[1] += c->attr[u][PA_WRITEBACK];
		attr_tot[2] += c->attr[u][PA_MAPPED];
	}
	row = table_add_row(t);
	table_row_total(t, row);
	table_set_str(t, row, 0, "total");
	table_set_u64(t, row, 1, c->total);
	table_set_u64(t, row, 2, c->total * ps);
	table_set_u64(t, row, 3, tot[PL_ACTIVE] * ps);
	table_set_u64(t, row, 4, tot[PL_INACTIVE] * ps);
	table_set_u64(t, row, 5, tot[PL_UNEVICTABLE] * ps);
	table_set_u64(t, row, 6, tot[PL_NONE] * ps);
	table_set_u64(t, row, 7, tot[PL_FREE] * ps);
	table_set_u64(t, row, 8, attr_tot[0] * ps);
	table_set_u64(t, row, 9, attr_tot[1] * ps);
	table_set_u64(t, row, 10, attr_tot[2] * ps);
	return t;
}
