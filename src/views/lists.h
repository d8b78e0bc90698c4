/* The lists view: LRU lists, reclaim cost, MGLRU generations, refault
 * rates (RAMMap's Priority Summary). */
#ifndef MEMTALLY_VIEWS_LISTS_H
#define MEMTALLY_VIEWS_LISTS_H

#include "view.h"

struct lists_opts {
	double interval; /* seconds between the two vmstat samples; 0: one */
};

/* Fill *ret with the document: tables "lists", "reclaim",
 * section "mglru" {"enabled", "generations"}, "counters", "interval_s",
 * "notes". Fails only when /proc/meminfo cannot be read. */
int view_lists(struct root *root, const struct lists_opts *o, struct doc **ret,
	       struct view_err *err);

#endif
