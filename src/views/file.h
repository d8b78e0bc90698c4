/* The file view: one file's page cache residency map (RAMMap's File
 * Details). Live system only. */
#ifndef MEMTALLY_VIEWS_FILE_H
#define MEMTALLY_VIEWS_FILE_H

#include "view.h"

struct file_opts {
	const char *path;	/* the file */
	unsigned long width;	/* cells in the map, 1 to 4096 */
	unsigned long max_runs; /* runs of each kind to list; 0: all */
};

/* Fill *ret with the document: "path", "size", "pages", "cached",
 * "dirty", "writeback", "evicted", "recently_evicted", "method", "map",
 * "map_cell_bytes", table "runs", "runs_truncated". -EOPNOTSUPP when
 * root is not live; other -errno when the file cannot be opened or
 * measured (err says why). */
int view_file(struct root *root, const struct file_opts *o, struct doc **ret,
	      struct view_err *err);

#endif
