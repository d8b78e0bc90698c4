/* The empty view: RAMMap's Empty menu for Linux. The one view that
 * writes to the system, and only when asked (yes); otherwise it says
 * what it would write where. Live system only. */
#ifndef MEMTALLY_VIEWS_EMPTY_H
#define MEMTALLY_VIEWS_EMPTY_H

#include "view.h"

enum empty_action {
	EMPTY_WORKINGSETS,
	EMPTY_STANDBY,
	EMPTY_MODIFIED,
	EMPTY_SLAB,
	EMPTY_COMPACT,
};

struct empty_opts {
	enum empty_action action;
	bool yes;	    /* do it (else only say what would be done) */
	const int *pids;    /* workingsets: only these processes */
	size_t npids;	    /* how many pids */
	const char *cgroup; /* workingsets: this cgroup ("/system.slice") */
};

/* The action named s ("standby", "workingsets", aliases), or -1. */
int empty_action_from_name(const char *s);
const char *empty_action_name(enum empty_action a);

/* Whether the options go together: --pid and --cgroup only with
 * workingsets and not both, a cgroup path starting with '/'. 0, or
 * -EINVAL with err set (a usage error). The one place that validates
 * empty's arguments; view_empty() calls it first. */
int empty_opts_check(const struct empty_opts *o, struct view_err *err);

/* Plan the action, do it when o->yes, and fill *ret with the document:
 * "action", "done", "steps", "before" {category: bytes, "available"},
 * "after" (null unless done), "notes" (what was done), and in text the
 * categories that moved. -EINVAL for options that do not go together,
 * -EOPNOTSUPP when root is not live, other -errno when the action fails
 * (err says what). */
int view_empty(struct root *root, const struct empty_opts *o, struct doc **ret,
	       struct view_err *err);

#endif
