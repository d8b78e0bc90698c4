/* `free --runs`, called from cmd-free.c; see free-runs.c. */
#ifndef MEMTALLY_FREE_RUNS_H
#define MEMTALLY_FREE_RUNS_H

#include "cli.h"

/* Scan each zone (only node when >= 0, only zone when not NULL) and
 * print the free blocks found against /proc/buddyinfo. Returns an exit
 * code; prints its own one-line error. */
int free_runs(struct ctx *ctx, long node, const char *zone);

#endif
