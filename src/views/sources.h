/* The sources view: every kernel interface memtally reads, and whether
 * it can be read from the root at hand. */
#ifndef MEMTALLY_VIEWS_SOURCES_H
#define MEMTALLY_VIEWS_SOURCES_H

#include "view.h"

struct sources_opts {
	char unused; /* no options yet */
};

/* Fill *ret with the document: table "rows" {name, path, scope, needs,
 * status}. Never fails: an unreadable source is a row that says why. */
int view_sources(struct root *root, const struct sources_opts *o,
		 struct doc **ret, struct view_err *err);

#endif
