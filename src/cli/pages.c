/* Shared command-layer helpers of the page views; see pages.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
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

int pages_scan(struct ctx *ctx, struct pagescan_opts *o,
	       struct pagescan_result *ret)
{
	struct progress p = { .on = isatty(STDERR_FILENO), .last = -1 };
	struct source_err err = { 0 };
	struct root *root = ctx_root(ctx);
	char line[512];
	int r;

	if (!root)
		return -EINVAL;
	/* the progress callback shares ctx with emit: only install it when
	 * the caller has no context of its own */
	if (!o->progress && !o->ctx) {
		o->progress = on_progress;
		o->ctx = &p;
	}
	r = pagescan_run(root, o, ret, &err);
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

		log_error("'%s' is absent: this %s has no page flags "
			  "(capture them with %s)",
			  p2, ctx->file ? "snapshot" : "tree",
			  ctx->file ? "'memtally snapshot --pages'"
				    : "tools/capture-kpages.sh");
		free(p2);
		return r;
	}
	if (r == -EINVAL && err.parse.msg[0]) {
		log_error("%s", err.parse.msg);
		return r;
	}
	source_err_format(&err, line, sizeof(line));
	log_error("%s", line);
	return r;
}

uint64_t pages_page_size(struct ctx *ctx)
{
	long ps = sysconf(_SC_PAGESIZE);

	if (ctx->root && root_is_live(ctx->root) && ps > 0)
		return (uint64_t)ps;
	return 4096;
}

void pages_add_notes(struct table *t, const struct pagescan_result *r)
{
	char line[512];

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
		if (i == 0) {
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
		if (!quiet)
			fprintf(stderr, "memtally: note: '/%s': %s\n",
				paths[i], strerror(-r));
	}
	return 0;
}
