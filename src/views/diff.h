/* The diff view: what changed between two moments. */
#ifndef MEMTALLY_VIEWS_DIFF_H
#define MEMTALLY_VIEWS_DIFF_H

#include "view.h"

/* A moment of a recording: the first sample at or after (from) or the
 * last at or before (to) a unix time, or a time before its end. */
struct diff_when {
	enum { WHEN_EDGE, WHEN_UNIX, WHEN_AGO } kind; /* EDGE: first/last */
	double secs;
};

struct diff_opts {
	const char *db;		   /* compare two samples of a recording */
	struct diff_when from, to; /* with db */
	const char *a, *b;	   /* else: snapshot files or trees; a NULL:
				    * A is the root given to view_diff */
};

/* Fill *ret with the document: "from", "to", "seconds" (null when a side
 * has no time), table "suspects" (series, kind, bytes_per_hour,
 * start_bytes, end_bytes, change_bytes, [why], owner {..., chain}); text
 * draws the owner chain as a tree. Fails when a side cannot be opened or
 * the recording has no two samples in the window. */
int view_diff(struct root *root, const struct diff_opts *o, struct doc **ret,
	      struct view_err *err);

#endif
