/* What every source module shares: how a reader reports failure.
 *
 * Contract of a source module X (see meminfo.c, the model):
 *   int X_parse(const char *buf, size_t len, struct X *ret,
 *               struct parse_err *err);
 *       pure: bytes in, struct out; no I/O, no logging, no exit. Unknown
 *       fields are ignored; absent fields are VAL_ABSENT, never 0;
 *       malformed input returns -EINVAL (or -ERANGE) with err->line and
 *       err->msg saying where and why. On failure *ret is left untouched.
 *   int X_read(struct root *root, struct X *ret, struct source_err *err);
 *       reads the kernel file(s) through the root seam and parses them.
 *   void X_release(struct X *x);
 *       frees what parse allocated; safe on a zeroed struct. */
#ifndef MEMTALLY_SOURCE_H
#define MEMTALLY_SOURCE_H

#include "../basic/parse.h"
#include "../root/root.h"

/* Why a source could not be read: the errno, the path as the user knows
 * it, and for parse errors the line and message. */
struct source_err {
	int err; /* negative errno; 0 = fine */
	char path[256];
	struct parse_err parse;
};

/* Read path through root and hand the bytes to parse(ctx-free wrapper).
 * On failure fill err (path, errno, parse details) and return -errno. */
typedef int (*source_parse_fn)(const char *buf, size_t len, void *ret,
			       struct parse_err *err);
int source_read_parse(struct root *root, const char *path,
		      source_parse_fn parse, void *ret, struct source_err *err);

/* One line for the user: "cannot read '/proc/slabinfo': Permission denied
 * (needs root)", "cannot parse '/proc/meminfo' line 3: no unit". */
void source_err_format(const struct source_err *e, char *buf, size_t n);

#endif
