/* The procs view: memory held by each process (RAMMap's Processes tab,
 * smem and ps_mem for Linux). */
#ifndef MEMTALLY_VIEWS_PROCS_H
#define MEMTALLY_VIEWS_PROCS_H

#include "view.h"

enum procs_group {
	PROCS_GROUP_NONE,
	PROCS_GROUP_COMM,
	PROCS_GROUP_USER,
};

struct procs_opts {
	int sort;		/* procs_sort_key()'s answer; 0: PSS */
	bool sort_given;	/* sort set (else PSS) */
	bool reverse;		/* reverse the order */
	unsigned long top;	/* show the first top rows; 0: all */
	const int *pids;	/* only these PIDs (npids > 0) */
	size_t npids;		/* how many pids */
	const char *user;	/* only this real user (name or uid) */
	const char *comm;	/* only names matching this glob */
	enum procs_group group; /* one row per comm or per user */
	bool kernel;	  /* collect KERNEL and FOOTPRINT: the owners walk of
			   * every open descriptor of the rows shown (live only) */
	bool exact_notes; /* the sizes in the tie-back note as exact bytes
			   * (--bytes), not human */
};

/* The sort key named s (pss, rss, uss, anon, ..., pid, comm, user,
 * count, or a JSON key), or -1. */
int procs_sort_key(const char *s);
/* Whether sort key k (procs_sort_key()'s answer) needs the owners walk
 * (kernel, footprint). */
bool procs_sort_needs_kernel(int k);

/* Fill *ret with the document: table "rows", section "totals" {"procs",
 * "rss", ...}, JSON-only table "unreadable" [{"pid", "comm", "reason"}],
 * "notes". -EINVAL when o->user names no user (err says so: a usage
 * error); other -errno when proc/ cannot be listed. */
int view_procs(struct root *root, const struct procs_opts *o, struct doc **ret,
	       struct view_err *err);

#endif
