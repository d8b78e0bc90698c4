/* The files view: page cache per file (RAMMap's File Summary). Live
 * system only. */
#ifndef MEMTALLY_VIEWS_FILES_H
#define MEMTALLY_VIEWS_FILES_H

#include "view.h"

struct files_opts {
	unsigned long top;	   /* show the first top files; 0: all */
	int sort;		   /* files_sort_key()'s answer */
	bool reverse;		   /* reverse the order */
	bool cross_mounts;	   /* walks may enter other filesystems */
	char *const *paths;	   /* walk these; none: the held files */
	size_t npaths;		   /* how many paths */
	view_progress_fn progress; /* files measured so far; may be NULL */
	void *userdata;		   /* for progress */
};

/* The sort key named s (cached, dirty, writeback, evicted, recent,
 * size, path, or a JSON key), or -1. */
int files_sort_key(const char *s);

/* Fill *ret with the document: table "rows", section "totals" {"files",
 * "size", "cached", ...}, "notes". -EOPNOTSUPP when root is not the live
 * system; other -errno when /proc or a path cannot be read (err says
 * which). */
int view_files(struct root *root, const struct files_opts *o, struct doc **ret,
	       struct view_err *err);

#endif
