/* /proc/sys/fs/dentry-state (Documentation/admin-guide/sysctl/fs.rst).
 *
 * One line of six numbers: nr_dentry nr_unused age_limit want_pages
 * nr_negative dummy. Before Linux 5.0 the fifth field was a second dummy
 * (always 0), so nr_negative is taken only where the kernel is new enough
 * to say it, which the file cannot tell: a 0 there is ambiguous, and is
 * kept as 0 (older kernels print 0, which reads as "none negative" and
 * is harmless). The dentry cache is reclaimable slab, but only its
 * unused dentries can be reclaimed: a dentry referenced by an open file,
 * a working directory or a mount is pinned until that reference goes,
 * and `pools` and `usage` split the cache that way. nr_unused counts
 * the LRU, which can briefly exceed nr_dentry's snapshot: clamped. */
#include <errno.h>

#include "../basic/parse.h"
#include "dentry_state.h"
#include "sources.h"

int dentry_state_parse(const char *buf, size_t len, struct dentry_state *ret,
		       struct parse_err *err)
{
	struct dentry_state d = {0};
	struct span line, f[6];
	struct line_iter it;
	uint64_t *dst[5] = {&d.nr_dentry, &d.nr_unused, &d.age_limit,
			    &d.want_pages, &d.nr_negative};
	size_t n;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	if (!line_next(&it, &line))
		return parse_fail(err, 0, "empty file");
	n = span_fields(span_trim(line), f, 6);
	if (n < 4)
		return parse_fail(err, 1, "%zu fields, expected 6", n);
	for (size_t i = 0; i < 5; i++) {
		if (i >= n) {
			*dst[i] = VAL_ABSENT;
			continue;
		}
		if (span_u64(f[i], dst[i]) < 0 || *dst[i] == VAL_ABSENT)
			return parse_fail(err, 1,
					  "field %zu is not a count: "
					  "'%.*s'",
					  i + 1, (int)f[i].len, f[i].p);
	}
	if (d.nr_unused > d.nr_dentry)
		d.nr_unused = d.nr_dentry;
	*ret = d;
	return 0;
}

void dentry_state_release(struct dentry_state *d)
{
	(void)d;
}

SOURCE_DEFINE_FILE(dentry_state, "proc/sys/fs/dentry-state", SRC_DENTRY_STATE,
		   NEEDS_NOTHING,
		   "dentries: all, unused (reclaimable) and negative");
