/* The in-memory picture of one moment: every source that was asked for,
 * parsed, or the reason it could not be.
 *
 * A view asks for the sources it needs (a mask of SRC_BIT()s), then gets
 * each one's parsed struct with snapshot_get(), which is NULL when the
 * source is unavailable; snapshot_err() then says why. Nothing here reads
 * files except through the root given to snapshot_collect(). */
#ifndef MEMTALLY_SNAPSHOT_H
#define MEMTALLY_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "../root/root.h"
#include "../sources/sources.h"

struct snapshot {
	void *data[_SRC_MAX];		 /* parsed struct, or NULL */
	struct source_err err[_SRC_MAX]; /* why data[i] is NULL */
	uint64_t asked;			 /* mask that was collected */
};

/* Read every source in mask through root. Never fails as a whole: each
 * source is available or has its reason. */
void snapshot_collect(struct root *root, uint64_t mask, struct snapshot *ret);
void snapshot_release(struct snapshot *s);

/* The parsed struct for id (cast to the source's type), or NULL. */
const void *snapshot_get(const struct snapshot *s, enum source_id id);
/* Why id is unavailable, as one line, into buf. */
void snapshot_why(const struct snapshot *s, enum source_id id, char *buf,
		  size_t n);

#endif
