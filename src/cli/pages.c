/* Shared command-layer helpers of the page views; see pages.h. The
 * scan itself, its messages and the tables are in views/pages.c; what
 * stays here prints: the progress line and the errors. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
#include "pages.h"

void pages_progress_start(struct pages_progress *p)
{
	p->on = isatty(STDERR_FILENO);
	p->last = -1;
	p->width = 0;
}

void pages_progress_draw(void *userdata, const char *what, uint64_t done,
			 uint64_t total)
{
	struct pages_progress *p = userdata;
	int pct = total ? (int)(done * 100 / total) : 100;
	int n;

	if (!p->on || pct == p->last)
		return;
	p->last = pct;
	n = fprintf(stderr, "\r%s: %3d%%", what, pct);
	if (n > p->width)
		p->width = n;
	if (pct >= 100)
		pages_progress_end(p);
}

void pages_progress_end(struct pages_progress *p)
{
	if (p->on && p->width > 0)
		fprintf(stderr, "\r%*s\r", p->width, "");
	p->width = 0;
}

int pages_scan(struct ctx *ctx, struct pagescan_opts *o,
	       struct pagescan_result *ret)
{
	struct root *root = ctx_root(ctx);
	struct view_err err = {{0}};
	struct pages_progress p;
	int r;

	if (!root)
		return -EINVAL;
	pages_progress_start(&p);
	r = view_pages_scan(root, o, pages_progress_draw, &p, ret, &err);
	pages_progress_end(&p);
	if (r < 0)
		log_error("%s", err.msg);
	return r;
}

uint64_t pages_page_size(struct ctx *ctx)
{
	return view_pages_page_size(ctx->root);
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
