/* Shared command-layer helpers of the page views; see pages.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../sources/iomem.h"
#include "pages.h"

struct progress {
	bool on;
	int last;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	int pct = total ? (int)(done * 100 / total) : 100;

	if (!p->on || pct == p->last)
		return;
	p->last = pct;
	fprintf(stderr, "\rscanning physical pages: %3d%%", pct);
	if (pct >= 100)
		fputs("\r                                \r", stderr);
}

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

int pages_scan(struct ctx *ctx, struct pagescan_opts *o,
	       struct pagescan_result *ret)
{
	struct progress p = {.on = isatty(STDERR_FILENO), .last = -1};
	struct source_err err = {0};
	struct root *root = ctx_root(ctx);
	struct pageclass_zone *ram = NULL;
	char line[512];
	int r;

	if (!root)
		return -EINVAL;
	if (!o->ram) {
		ram = ram_ranges(root, pages_page_size(ctx), &o->n_ram);
		o->ram = ram;
	}
	/* the progress callback shares ctx with emit: only install it when
	 * the caller has no context of its own */
	if (!o->progress && !o->ctx) {
		o->progress = on_progress;
		o->ctx = &p;
	}
	r = pagescan_run(root, o, ret, &err);
	if (ram) {
		free(ram);
		o->ram = NULL;
		o->n_ram = 0;
	}
	if (o->ctx == &p) {
		if (p.on && p.last >= 0 && p.last < 100)
			fputs("\r                                \r", stderr);
		o->progress = NULL;
		o->ctx = NULL;
	}
	if (r == 0)
		return 0;
	if ((r == -EACCES || r == -EPERM) && root_is_live(root)) {
		log_error("reading '/proc/kpageflags' needs root "
			  "(CAP_SYS_ADMIN); without it 'memtally usage' and "
			  "'memtally free' show the counter-based figures");
		return r;
	}
	if (r == -ENOENT && !root_is_live(root)) {
		char *p2 = root_display_path(root, "proc/kpageflags");

		log_error("'%s' is absent: no page flags were captured "
			  "('memtally snapshot --pages' saves them)",
			  p2);
		free(p2);
		return r;
	}
	if (r == -EINVAL && err.parse.msg[0]) {
		log_error("%s", err.parse.msg);
		return r;
	}
	if (r == -ENODATA && err.parse.msg[0]) {
		log_error("'%s' %s", err.path, err.parse.msg);
		return r;
	}
	source_err_format(&err, line, sizeof(line));
	log_error("%s", line);
	return r;
}

uint64_t pages_page_size(struct ctx *ctx)
{
	return ctx->root ? root_page_size(ctx->root) : ROOT_PAGE_SIZE_ASSUMED;
}

void pages_add_notes(struct table *t, const struct pagescan_result *r)
{
	char line[512];

	if (!r->have_count && !r->count_err.err) {
		table_add_note(t, "map counts and cgroups not read "
				  "(--flags-only)");
		return;
	}
	if (!r->have_count) {
		source_err_format(&r->count_err, line, sizeof(line));
		table_add_note(t, "map counts unavailable: %s", line);
	}
	if (!r->have_cgroup) {
		source_err_format(&r->cgroup_err, line, sizeof(line));
		table_add_note(t, "memory cgroups unavailable: %s", line);
	}
}

int snapshot_record_pages(struct root *root, bool quiet)
{
	static const char *const paths[] = {
	    "proc/kpageflags",
	    "proc/kpagecount",
	    "proc/kpagecgroup",
	};

	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		int r = root_record_file(root, paths[i]);

		if (r == 0)
			continue;
		if (i == 0 && r != -ENOENT) {
			if (r == -EACCES || r == -EPERM)
				log_error("snapshot --pages: reading "
					  "'/proc/kpageflags' needs root "
					  "(CAP_SYS_ADMIN)");
			else
				log_error_errno(r,
						"snapshot --pages: cannot read "
						"'/%s'",
						paths[i]);
			return r;
		}
		if (!quiet && root_is_live(root))
			fprintf(stderr, "memtally: note: '/%s': %s\n", paths[i],
				strerror(-r));
	}
	return 0;
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
