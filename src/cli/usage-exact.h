/* `usage --exact`, called from cmd-usage.c; see usage-exact.c. */
#ifndef MEMTALLY_USAGE_EXACT_H
#define MEMTALLY_USAGE_EXACT_H

#include <stdint.h>

#include "cli.h"

/* Scan every page and print the matrix and the comparison with the
 * counters (meminfo; iomem for the RAM reserved at boot; zoneinfo for the
 * per-CPU lists). Returns an exit code; prints its own one-line error. */
int usage_exact(struct ctx *ctx);

#endif
