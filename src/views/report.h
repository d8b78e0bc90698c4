/* The report view: a recording drawn as one HTML file. */
#ifndef MEMTALLY_VIEWS_REPORT_H
#define MEMTALLY_VIEWS_REPORT_H

#include "history.h"
#include "view.h"

struct report_opts {
	const char *db;		    /* the recording */
	const char *out;	    /* the HTML file to write */
	struct history_since since; /* its window */
};

/* Write the report to o->out (under a temporary name, then renamed, so a
 * failed write leaves no half report) and fill *ret with what was
 * written: "file", "samples", "growing". Fails when the recording cannot
 * be read or the file cannot be written. */
int view_report(struct root *root, const struct report_opts *o,
		struct doc **ret, struct view_err *err);

#endif
