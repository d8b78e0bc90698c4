/* The leaks view: what grows in a recording. */
#ifndef MEMTALLY_VIEWS_LEAKS_H
#define MEMTALLY_VIEWS_LEAKS_H

#include "../analysis/leaks.h"
#include "history.h"
#include "view.h"

struct leaks_opts {
	const char *db;		    /* the recording */
	struct history_since since; /* its window */
	struct trend_rules rules;   /* leaks_default_rules(), changed */
	bool all;		    /* every series' trend, growing or not */
};

/* Fill *ret with the document: "samples", "seconds", "series_analysed",
 * table "suspects" (series, kind, bytes_per_hour, start_bytes, end_bytes,
 * confidence, growing_seconds, steps_ignored, net_bytes, growing,
 * exhaustion_seconds, [exhaustion_why], owner {..., chain}); text draws
 * the owner chain as a tree (category -> pool tag -> module or process).
 * Fails when the recording cannot be read. */
int view_leaks(struct root *root, const struct leaks_opts *o, struct doc **ret,
	       struct view_err *err);

#endif
