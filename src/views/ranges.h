/* The ranges view: RAMMap's Physical Ranges, with what each holds. */
#ifndef MEMTALLY_VIEWS_RANGES_H
#define MEMTALLY_VIEWS_RANGES_H

#include "view.h"

struct ranges_opts {
	view_progress_fn progress; /* the page scan's progress */
	void *progress_data;
};

/* Fill *ret with the document: "page_size", table "ranges" (each System
 * RAM range of /proc/iomem cut at the zones, and the gaps, each with its
 * bytes by use), table "zones" (spanned, present, managed, and what the
 * page flags say of the rest), "notes". Fails when /proc/iomem cannot be
 * read or hides its addresses, or the page scan cannot run (err says
 * why). */
int view_ranges(struct root *root, const struct ranges_opts *o,
		struct doc **ret, struct view_err *err);

#endif
