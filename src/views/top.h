/* The documents `top` shows (src/cli/cmd-top.c draws them): the header's
 * memory totals, and the usage, processes and free-lists screens. The
 * pools screen is view_pools() (pools.h).
 *
 * top_usage_doc, top_procs_doc and top_free_doc are small stand-ins for
 * the usage, procs and free views while those are converted: each fills
 * one table from the model and analyses, as the old screens showed it. */
#ifndef MEMTALLY_VIEWS_TOP_H
#define MEMTALLY_VIEWS_TOP_H

#include "view.h"

/* Table "memory": one row, TOTAL AVAILABLE FREE SLAB UNACCOUNTED COMMIT
 * COMMIT-LIMIT (JSON: total, available, free, slab, unaccounted, commit,
 * commit_limit). Fails when /proc/meminfo cannot be read. */
int view_top_header(struct root *root, struct doc **ret, struct view_err *err);
/* Table "usage": the accounting's categories (CATEGORY BYTES SHARE
 * RECLAIM). Fails when /proc/meminfo cannot be read. */
int top_usage_doc(struct root *root, struct doc **ret, struct view_err *err);
/* Table "procs": processes with memory, largest PSS first (PID COMMAND
 * RSS PSS USS SWAP); a note counts those that could not be read. */
int top_procs_doc(struct root *root, struct doc **ret, struct view_err *err);
/* Table "zones": free memory and free blocks by order per zone. Fails
 * when /proc/buddyinfo cannot be read. */
int top_free_doc(struct root *root, struct doc **ret, struct view_err *err);

#endif
