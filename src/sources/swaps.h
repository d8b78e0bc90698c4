/* /proc/swaps: the active swap areas, with size and use in bytes. */
#ifndef MEMTALLY_SWAPS_H
#define MEMTALLY_SWAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct swaps_entry {
	char *filename; /* unescaped, without the " (deleted)" suffix */
	char type[16];	/* "partition", "file" or "unknown" */
	uint64_t size;	/* bytes */
	uint64_t used;	/* bytes */
	int priority;
	bool deleted; /* the swap file was unlinked while in use */
};

struct swaps {
	struct swaps_entry *v;
	size_t n; /* 0: no swap configured */
};

int swaps_parse(const char *buf, size_t len, struct swaps *ret,
		struct parse_err *err);
int swaps_read(struct root *root, struct swaps *ret, struct source_err *err);
void swaps_release(struct swaps *sw);

#endif
