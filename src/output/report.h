/* The HTML report of a recording: one self-contained file (inline CSS and
 * SVG, no script, nothing fetched), for people who would rather look than
 * read. report.c draws:
 *   - a stacked area chart of the usage categories over time (the stack's
 *     height is MemTotal);
 *   - the top growers found by `leaks`, one small line chart each;
 *   - the pools table at the start and the end of the window;
 *   - the leak findings with rate, confidence, time to exhaustion, owner;
 *   - which sources failed in how many samples.
 * Elements tests look for: svg#usage-chart with path.area, svg.grower,
 * table#pools, table#leaks. */
#ifndef MEMTALLY_REPORT_H
#define MEMTALLY_REPORT_H

#include <stdio.h>

#include "../analysis/leaks.h"
#include "../store/store.h"

struct report_meta {
	const char *db;	      /* the recording's path, shown in the title */
	const char *hostname; /* or NULL */
	const char *kernel;   /* or NULL */
	const char *interval; /* seconds, as text, or NULL */
};

/* Write the report to f. Returns 0 or -EIO when f reports an error. */
int report_write(FILE *f, const struct store_data *d,
		 const struct leaks_result *lr, const struct report_meta *m);

#endif
