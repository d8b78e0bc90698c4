/* /proc/vmstat parser and reader.
 *
 * Format (mm/vmstat.c, vmstat_show(); Documentation/admin-guide/mm/ and
 * Documentation/filesystems/proc.rst mention it only in passing): one
 * counter a line, "name value\n", the name from vmstat_text[] and the
 * value written with seq_put_decimal_ull(). Counters come and go with
 * every release and config (nr_alloc_batch went in 4.10, the
 * workingset_*_anon/_file split came in 5.9, nr_free_pages_blocks in
 * 6.16, the NUMA and THP ones only with their configs), so every pair is
 * kept and looked up by name.
 *
 * Can a value be negative? The kernel prints them unsigned. The global
 * per-zone and per-node gauges can drift below zero while per-cpu deltas
 * are not folded in yet, but global_zone_page_state() and
 * global_node_page_state_pages() clamp such a sum to 0 on SMP, and the
 * event counters only grow. So a real file never says "-5"; an unclamped
 * drift (an old or patched kernel) would show as a number near 2^64. We
 * accept a leading '-' and any value >= 2^63 but store VAL_ABSENT for it
 * and count it in n_wrapped: no page count is that large, and a wrapped
 * negative is not a measurement. Any other malformed line rejects the
 * file (-EINVAL, with its line); a value over 64 bits is -ERANGE.
 * Duplicate names keep the first value. A file cut mid-line is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "sources.h"
#include "vmstat.h"

struct seq_item {
	struct vmstat_item item;
	size_t seq;
};

static int seq_item_cmp(const void *a, const void *b)
{
	const struct seq_item *x = a, *y = b;
	int c = strcmp(x->item.name, y->item.name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int key_cmp(const void *key, const void *elem)
{
	const struct vmstat_item *y = elem;

	return strcmp(key, y->name);
}

uint64_t vmstat_get(const struct vmstat *vs, const char *name)
{
	const struct vmstat_item *it;

	if (!vs->items || !name)
		return VAL_ABSENT;
	it = bsearch(name, vs->items, vs->n, sizeof(*vs->items), key_cmp);
	return it ? it->value : VAL_ABSENT;
}

void vmstat_release(struct vmstat *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->items[i].name);
	free(vs->items);
	vs->items = NULL;
	vs->n = 0;
	vs->n_wrapped = 0;
}

/* Parse one value: unsigned decimal, or '-' and decimal. A wrapped
 * negative (either spelling, see above) gives VAL_ABSENT. */
static int parse_value(struct span s, uint64_t *ret)
{
	bool neg = s.len > 1 && s.p[0] == '-';
	uint64_t v;
	int r;

	if (neg) {
		s.p++;
		s.len--;
	}
	r = span_u64(s, &v);
	if (r < 0)
		return r;
	*ret = neg || v > (uint64_t)INT64_MAX ? VAL_ABSENT : v;
	return 0;
}

int vmstat_parse(const char *buf, size_t len, struct vmstat *ret,
		 struct parse_err *err)
{
	struct vmstat vs = {0};
	struct seq_item *sorted;
	size_t alloc = 0, out;
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[3];
		uint64_t v;
		size_t nf;

		if (span_trim(line).len == 0)
			continue;
		nf = span_fields(line, f, ELEMENTSOF(f));
		if (nf != 2) {
			r = parse_fail(err, it.lineno,
				       nf < 2 ? "'%.*s' has no value"
					      : "'%.*s' has trailing text",
				       (int)f[0].len, f[0].p);
			goto fail;
		}
		r = parse_value(f[1], &v);
		if (r < 0) {
			r = parse_fail_errno(err, r, it.lineno,
					     "'%.*s' value is not a number",
					     (int)f[0].len, f[0].p);
			goto fail;
		}
		vs.items = xgrow(vs.items, &alloc, vs.n + 1, sizeof(*vs.items));
		vs.items[vs.n].name = xstrndup(f[0].p, f[0].len);
		vs.items[vs.n].value = v;
		vs.n++;
	}
	if (vs.n == 0) {
		r = parse_fail(err, 0, "no counters");
		goto fail;
	}
	/* sort by name, then by position, so that of duplicate names (a
	 * kernel never repeats one) the first seen is kept */
	sorted = xmalloc(vs.n * sizeof(*sorted));
	for (size_t i = 0; i < vs.n; i++) {
		sorted[i].item = vs.items[i];
		sorted[i].seq = i;
	}
	qsort(sorted, vs.n, sizeof(*sorted), seq_item_cmp);
	out = 0;
	vs.n_wrapped = 0;
	for (size_t i = 0; i < vs.n; i++) {
		if (out && streq(vs.items[out - 1].name, sorted[i].item.name)) {
			free(sorted[i].item.name);
			continue;
		}
		vs.items[out++] = sorted[i].item;
		if (!val_has(sorted[i].item.value))
			vs.n_wrapped++;
	}
	free(sorted);
	vs.n = out;
	*ret = vs;
	return 0;
fail:
	vmstat_release(&vs);
	return r;
}

SOURCE_DEFINE_FILE(vmstat, "proc/vmstat", SRC_VMSTAT, NEEDS_NOTHING,
		   "virtual-memory counters: LRU pages, faults, reclaim, ...");
