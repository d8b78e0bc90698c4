/* The cgroups view: memory per service or container, kernel memory
 * included, as a tree. */
#ifndef MEMTALLY_VIEWS_CGROUPS_H
#define MEMTALLY_VIEWS_CGROUPS_H

#include "view.h"

struct cgroups_opts {
	int sort;	   /* cgroups_sort_key()'s answer */
	bool reverse;	   /* reverse the siblings' order */
	bool have_depth;   /* depth is set */
	unsigned depth;	   /* levels below the start to show */
	const char *start; /* the cgroup to start at ("/system.slice"), or
			    * NULL for the whole tree */
};

/* The sort key named s (current, anon, ..., procs, name, or a JSON key),
 * or -1. cgroups_sort_key("current") is the default. */
int cgroups_sort_key(const char *s);

/* Fill *ret with the document: "hierarchy" ("v1", "v2"; null with
 * "reason" when no memory controller is mounted), table "rows", "notes".
 * -EINVAL when o->start names no cgroup (err says so: a usage error). */
int view_cgroups(struct root *root, const struct cgroups_opts *o,
		 struct doc **ret, struct view_err *err);

#endif
