/* /proc/vmstat: the kernel's virtual-memory counters, "name value" a line.
 *
 * Every pair is kept (hundreds of them; each release adds some), sorted by
 * name, so a view can ask for any counter and a newer kernel's additions
 * are still shown. Values are counts: pages for the nr_* gauges, events
 * for the rest. A counter this kernel does not print is VAL_ABSENT. */
#ifndef MEMTALLY_VMSTAT_H
#define MEMTALLY_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct vmstat_item {
	char *name;
	uint64_t value; /* VAL_ABSENT when the kernel printed a wrapped
			 * negative (see vmstat.c) */
};

struct vmstat {
	struct vmstat_item *items; /* sorted by name, names unique */
	size_t n;
	size_t n_wrapped; /* counters printed as negative or >= 2^63 */
};

/* The counter's value, or VAL_ABSENT when this kernel has none by that
 * name (or printed a wrapped negative for it). */
uint64_t vmstat_get(const struct vmstat *vs, const char *name);

int vmstat_parse(const char *buf, size_t len, struct vmstat *ret,
		 struct parse_err *err);
int vmstat_read(struct root *root, struct vmstat *ret, struct source_err *err);
void vmstat_release(struct vmstat *vs);

#endif
