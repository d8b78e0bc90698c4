/* One "Name:  <decimal> kB" line, as /proc/PID/smaps_rollup, status and
 * meminfo print them. Shared by the per-process parsers; header-only.
 *
 * kbline_split() cuts a line at its first ':' into a trimmed name and the
 * rest; kbline_value() reads the rest as a number with or without a "kB"
 * unit and scales kB to bytes. Both return 0 or -EINVAL/-ERANGE with a
 * reason in *ret_why (a static string). */
#ifndef MEMTALLY_KBLINE_H
#define MEMTALLY_KBLINE_H

#include <errno.h>
#include <string.h>

#include "../basic/parse.h"

static inline int kbline_split(struct span line, struct span *ret_name,
			       struct span *ret_rest)
{
	const char *colon = memchr(line.p, ':', line.len);
	struct span name;

	if (!colon)
		return -EINVAL;
	name.p = line.p;
	name.len = (size_t)(colon - line.p);
	name = span_trim(name);
	if (name.len == 0)
		return -EINVAL;
	*ret_name = name;
	ret_rest->p = colon + 1;
	ret_rest->len = line.len - (size_t)(colon + 1 - line.p);
	return 0;
}

/* want_kb: the value must carry " kB" (and is returned in bytes);
 * otherwise it must be a bare number. A value of VAL_ABSENT is clamped
 * one below so that it never reads as absent. */
static inline int kbline_value(struct span rest, bool want_kb, uint64_t *ret,
			       const char **ret_why)
{
	struct span f[3];
	size_t nf = span_fields(rest, f, ELEMENTSOF(f));
	uint64_t v;
	int r;

	if (nf == 0) {
		*ret_why = "has no value";
		return -EINVAL;
	}
	if (nf > 2) {
		*ret_why = "has trailing text";
		return -EINVAL;
	}
	if (want_kb && (nf != 2 || !span_eq(f[1], "kB"))) {
		*ret_why = "should have a 'kB' unit";
		return -EINVAL;
	}
	if (!want_kb && nf != 1) {
		*ret_why = "should be a bare number";
		return -EINVAL;
	}
	r = span_u64(f[0], &v);
	if (r < 0) {
		*ret_why = r == -ERANGE ? "is too large" : "is not a number";
		return r;
	}
	if (want_kb && mul_u64(v, 1024, &v) < 0) {
		*ret_why = "is too large";
		return -ERANGE;
	}
	if (v == VAL_ABSENT)
		v = VAL_ABSENT - 1;
	*ret = v;
	return 0;
}

#endif
