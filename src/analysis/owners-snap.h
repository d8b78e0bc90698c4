/* The owner set as a snapshot member: what `snapshot` keeps of the
 * owners (docs/SNAPSHOT.md, member "memtally/owners.json"), so that
 * `diff A B` and the views read offline who held what.
 *
 * Metadata only, never data contents: per object its kind, id, the text
 * `owners` shows (a pipe's inode, a socket's addresses, a file's path),
 * its size and why a size is absent or estimated, its holders and SysV
 * creator and last PIDs; per holder its PID, command name and memory
 * cgroup; and the collector's notes. Nothing read from a pipe, socket or
 * file is in it. The biggest OWNERS_SNAP_MAX_OBJS objects are kept (the
 * set is sorted biggest first), and a note says how many were left out.
 *
 * Pure: text in, owner set out, and back; no I/O. */
#ifndef MEMTALLY_OWNERS_SNAP_H
#define MEMTALLY_OWNERS_SNAP_H

#include <stddef.h>

#include "../model/ownerset.h"

#define OWNERS_SNAP_MEMBER "memtally/owners.json"
#define OWNERS_SNAP_VERSION 1
#define OWNERS_SNAP_MAX_OBJS 20000

/* The set (finished) as JSON text, malloc'd; its length in *ret_len. */
char *owners_snap_format(const struct owner_set *s, size_t *ret_len);

/* Parse text written by owners_snap_format() into ret (initialised
 * here, finished on success). Returns 0, or -EINVAL for text that is not
 * such a member (*ret_why, when given, says what is wrong; malloc'd) and
 * ret is left released. Unknown kinds are skipped. */
int owners_snap_parse(const char *buf, size_t len, struct owner_set *ret,
		      char **ret_why);

#endif
