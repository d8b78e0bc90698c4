/* /proc/pressure/memory: pressure stall information (PSI) for memory, the
 * share of time tasks waited for memory. */
#ifndef MEMTALLY_PRESSURE_H
#define MEMTALLY_PRESSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct pressure_line {
	bool present; /* the kernel printed this line */
	double avg10; /* percent of wall time, over 10 s */
	double avg60;
	double avg300;
	uint64_t total_us; /* stall time since boot, microseconds;
			    * VAL_ABSENT when !present */
};

struct pressure {
	struct pressure_line some; /* some task stalled */
	struct pressure_line full; /* every non-idle task stalled */
};

int pressure_parse(const char *buf, size_t len, struct pressure *ret,
		   struct parse_err *err);
int pressure_read(struct root *root, struct pressure *ret,
		  struct source_err *err);
void pressure_release(struct pressure *p);

#endif
