/* The report view: a recording as one self-contained HTML file.
 *
 * Loads the recording's window and its metadata, finds what grows
 * (analysis/leaks.c) and has output/report.c draw it. The file is written
 * under a temporary name and renamed, so a failed write leaves no half
 * report; the document says what was written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/leaks.h"
#include "../basic/outfile.h"
#include "../basic/xalloc.h"
#include "../output/report.h"
#include "report.h"

/* Write the HTML to out through basic/outfile.c: a temporary file beside
 * it, renamed over it only when whole; a target that is not a regular
 * file is refused. Returns 0 or -errno. */
static int write_atomic(const char *out, const struct store_data *d,
			const struct leaks_result *res,
			const struct report_meta *meta)
{
	struct outfile of;
	FILE *f;
	int r;

	r = outfile_open(out, &of);
	if (r < 0)
		return r;
	f = outfile_stream(&of);
	return outfile_finish(&of, f ? report_write(f, d, res, meta) : -ENOMEM);
}

int view_report(struct root *root, const struct report_opts *o,
		struct doc **ret, struct view_err *err)
{
	static const char *const keys[] = {"hostname", "kernel", "interval_s",
					   NULL};
	char *meta[ELEMENTSOF(keys)] = {NULL};
	struct trend_rules rules;
	struct leaks_result res;
	struct store_data d;
	struct doc *doc;
	int r;

	r = history_load(o->db, &o->since, keys, meta, &d, err);
	if (r < 0)
		return r;
	leaks_default_rules(&rules);
	leaks_find(&d, &rules, false, &res);
	r = write_atomic(o->out, &d, &res,
			 &(struct report_meta){.db = o->db,
					       .hostname = meta[0],
					       .kernel = meta[1],
					       .interval = meta[2]});
	if (r < 0) {
		view_fail(err, r, "cannot write '%s': %s", o->out,
			  outfile_strerror(r));
	} else {
		doc = doc_new();
		doc_add_str(doc, "file", NULL, o->out);
		doc_add_count(doc, "samples", NULL, d.n_times);
		doc_add_count(doc, "growing", NULL, res.n);
		doc_add_line(doc, NULL,
			     "wrote %s: %zu samples, %zu growing series",
			     o->out, d.n_times, res.n);
		*ret = doc;
	}
	for (size_t i = 0; i < ELEMENTSOF(meta); i++)
		free(meta[i]);
	leaks_result_release(&res);
	store_data_release(&d);
	return r;
}
