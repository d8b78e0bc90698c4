/* The dentry cache split into reclaimable and pinned; see dentries.h. */
#include <stdio.h>

#include "../basic/human.h"
#include "../basic/macro.h"
#include "dentries.h"

void dentries_split(const struct dentry_state *ds, uint64_t objsize,
		    struct dentry_split *ret)
{
	struct dentry_split s = {
	    .total = ds->nr_dentry,
	    .unused = ds->nr_unused,
	    .negative = ds->nr_negative,
	    .pinned = VAL_ABSENT,
	    .unused_bytes = VAL_ABSENT,
	    .pinned_bytes = VAL_ABSENT,
	};

	if (val_has(s.total) && val_has(s.unused) && s.unused <= s.total)
		s.pinned = s.total - s.unused;
	if (val_has(objsize) && objsize > 0 && objsize < (1u << 20)) {
		if (val_has(s.unused))
			s.unused_bytes = s.unused * objsize;
		if (val_has(s.pinned))
			s.pinned_bytes = s.pinned * objsize;
	}
	*ret = s;
}

/* "1.9M", "10.0k", "512": a count, short */
static const char *short_count(uint64_t v, char *buf, size_t n)
{
	if (v >= 1000000)
		snprintf(buf, n, "%.1fM", (double)v / 1e6);
	else if (v >= 10000)
		snprintf(buf, n, "%.1fk", (double)v / 1e3);
	else
		snprintf(buf, n, "%llu", (unsigned long long)v);
	return buf;
}

void dentries_sentence(const struct dentry_split *s, char *buf, size_t n)
{
	char t[24], u[24], p[24], g[24], ub[32], pb[32];
	char ubytes[48] = "", pbytes[48] = "", neg[48] = "";

	if (!val_has(s->total) || !val_has(s->pinned)) {
		snprintf(buf, n, "dentry cache: counts unavailable");
		return;
	}
	if (val_has(s->unused_bytes))
		snprintf(ubytes, sizeof(ubytes), ", %s",
			 human_bytes(s->unused_bytes, ub, sizeof(ub)));
	if (val_has(s->pinned_bytes))
		snprintf(pbytes, sizeof(pbytes), ", %s",
			 human_bytes(s->pinned_bytes, pb, sizeof(pb)));
	if (val_has(s->negative) && s->negative)
		snprintf(neg, sizeof(neg), "; %s negative",
			 short_count(s->negative, g, sizeof(g)));
	snprintf(buf, n,
		 "dentry cache: %s dentries, %s unused (reclaimable%s%s), %s "
		 "in use (pinned by open files, working directories and "
		 "mounts%s)",
		 short_count(s->total, t, sizeof(t)),
		 short_count(s->unused, u, sizeof(u)), ubytes, neg,
		 short_count(s->pinned, p, sizeof(p)), pbytes);
}
