/* /proc/zoneinfo parser and reader.
 *
 * Source: mm/vmstat.c, zoneinfo_show_print(); documentation:
 * Documentation/filesystems/proc.rst ("zoneinfo") and
 * Documentation/mm/physical_memory.rst. Shape on 6.x:
 *   Node 0, zone   Normal
 *     per-node stats                 (first zone of each node only)
 *         nr_inactive_anon 587       (node counters)
 *     pages free     322732
 *           boost    0               (min, low, high, promo, spanned,
 *           ...                       present, managed, cma)
 *           protection: (0, 0, 0, 0, 0)
 *         nr_free_pages 322732       (zone counters)
 *     pagesets
 *       cpu: 0
 *                 count:    2796     (pages on this CPU's lists)
 *                 high:     4738
 *                 batch:    63
 *                 high_min: 3346     (6.7+)
 *                 high_max: 22528
 *     vm stats threshold: 20
 *     node_unreclaimable:  0
 *     start_pfn:           1048576
 * Empty zones (present 0) stop after "protection:".
 *
 * Quirks by version: "per-node stats" appeared in 4.8 (node-based LRU);
 * before it the LRU counters were per zone. "promo" is 6.1+ (memory
 * tiering), "cma" 5.x+, "boost" 5.0+, "high_min/high_max" 6.7+,
 * "nr_free_pages_blocks" 6.15+. Older kernels printed "scanned",
 * "all_unreclaimable:", "inactive_ratio:" and put "vm stats threshold"
 * under each cpu. We key on the text, not the position: "name: value"
 * lines are matched by name and unknown ones ignored; "name value" lines
 * are the counters of the current node or zone block. All figures are
 * pages. A per-CPU "count" is the number of free pages held on that CPU's
 * lists, which are in neither nr_free_pages nor /proc/buddyinfo.
 *
 * Truncation: a missing final newline is refused, except after a closing
 * ')' (see closed_last_line()). */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "sources.h"
#include "zoneinfo.h"

enum section {
	S_ZONE,
	S_NODE,
	S_PCP,
};

static void kv_free(struct zoneinfo_kv **kv, size_t *n)
{
	free(*kv);
	*kv = NULL;
	*n = 0;
}

void zoneinfo_release(struct zoneinfo *zi)
{
	for (size_t i = 0; i < zi->n_zones; i++) {
		struct zoneinfo_zone *z = &zi->zones[i];

		free(z->protection);
		kv_free(&z->stats, &z->n_stats);
		free(z->pcp);
	}
	free(zi->zones);
	for (size_t i = 0; i < zi->n_nodes; i++)
		kv_free(&zi->nodes[i].stats, &zi->nodes[i].n_stats);
	free(zi->nodes);
	memset(zi, 0, sizeof(*zi));
}

uint64_t zoneinfo_zone_stat(const struct zoneinfo_zone *z, const char *name)
{
	for (size_t i = 0; i < z->n_stats; i++)
		if (streq(z->stats[i].name, name))
			return z->stats[i].v;
	return VAL_ABSENT;
}

uint64_t zoneinfo_pcp_count(const struct zoneinfo_zone *z)
{
	uint64_t sum = 0;

	if (z->n_pcp == 0)
		return VAL_ABSENT;
	for (size_t i = 0; i < z->n_pcp; i++)
		sum = z->pcp[i].count > UINT64_MAX - sum
			  ? UINT64_MAX - 1
			  : sum + z->pcp[i].count;
	return sum;
}

/* A page count that would overflow 64 bits as bytes at 64 KiB pages is
 * not a real figure. */
static int check_pages(uint64_t v)
{
	uint64_t b;

	return mul_u64(v, 65536, &b);
}

static void kv_add(struct zoneinfo_kv **kv, size_t *n, size_t *alloc,
		   struct span name, uint64_t v)
{
	*kv = xgrow(*kv, alloc, *n + 1, sizeof(**kv));
	span_copy(name, (*kv)[*n].name, sizeof((*kv)[*n].name));
	(*kv)[*n].v = v;
	(*n)++;
}

/* "(0, 3019, 4427)" into a malloc'd array. */
static int parse_protection(struct span s, uint64_t **ret, size_t *ret_n)
{
	uint64_t *v = NULL;
	size_t n = 0, alloc = 0;
	const char *p, *end;

	s = span_trim(s);
	if (s.len < 2 || s.p[0] != '(' || s.p[s.len - 1] != ')')
		return -EINVAL;
	p = s.p + 1;
	end = s.p + s.len - 1;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		struct span item = {p, (size_t)((c ? c : end) - p)};
		int r;

		v = xgrow(v, &alloc, n + 1, sizeof(*v));
		r = span_u64(span_trim(item), &v[n]);
		if (r < 0) {
			free(v);
			return r;
		}
		n++;
		p = c ? c + 1 : end;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static const char *const zone_fields[] = {
    "boost",   "min",	  "low",     "high", "promo",
    "spanned", "present", "managed", "cma",
};

static uint64_t *zone_field(struct zoneinfo_zone *z, struct span name)
{
	uint64_t *slots[] = {
	    &z->boost,	 &z->min,     &z->low,	   &z->high, &z->promo,
	    &z->spanned, &z->present, &z->managed, &z->cma,
	};

	for (size_t i = 0; i < ELEMENTSOF(zone_fields); i++)
		if (span_eq(name, zone_fields[i]))
			return slots[i];
	return NULL;
}

struct zi_state {
	struct zoneinfo zi;
	size_t zones_alloc, nodes_alloc;
	size_t stats_alloc, pcp_alloc, node_stats_alloc;
	struct zoneinfo_zone *z;
	struct zoneinfo_node *node;
	struct zoneinfo_pcp *pcp;
	enum section sec;
};

static struct zoneinfo_node *node_get(struct zi_state *st, unsigned id)
{
	struct zoneinfo_node *n;

	for (size_t i = 0; i < st->zi.n_nodes; i++)
		if (st->zi.nodes[i].node == id)
			return &st->zi.nodes[i];
	st->zi.nodes = xgrow(st->zi.nodes, &st->nodes_alloc, st->zi.n_nodes + 1,
			     sizeof(*st->zi.nodes));
	n = &st->zi.nodes[st->zi.n_nodes++];
	memset(n, 0, sizeof(*n));
	n->node = id;
	return n;
}

static int zone_start(struct zi_state *st, struct span *f, size_t nf)
{
	struct span num;
	uint64_t node;
	struct zoneinfo_zone *z;

	if (nf != 4 || !span_eq(f[2], "zone"))
		return -EINVAL;
	num = f[1];
	if (num.len < 2 || num.p[num.len - 1] != ',')
		return -EINVAL;
	num.len--;
	if (span_u64(num, &node) < 0 || node > 1u << 20)
		return -EINVAL;
	if (f[3].len >= ZONE_NAME_MAX)
		return -EINVAL;
	st->zi.zones = xgrow(st->zi.zones, &st->zones_alloc, st->zi.n_zones + 1,
			     sizeof(*st->zi.zones));
	z = &st->zi.zones[st->zi.n_zones++];
	memset(z, 0, sizeof(*z));
	z->node = (unsigned)node;
	span_copy(f[3], z->zone, sizeof(z->zone));
	z->free = z->boost = z->min = z->low = z->high = z->promo = z->spanned =
	    z->present = z->managed = z->cma = z->start_pfn =
		z->node_unreclaimable = VAL_ABSENT;
	st->z = z;
	st->pcp = NULL;
	st->node = NULL;
	st->stats_alloc = st->pcp_alloc = 0;
	st->sec = S_ZONE;
	return 0;
}

/* A "name: value" line. */
static int colon_line(struct zi_state *st, struct span name, struct span val,
		      unsigned lineno, struct parse_err *err)
{
	struct zoneinfo_zone *z = st->z;
	uint64_t *slot = NULL, v;
	int r;

	if (span_eq(name, "protection")) {
		free(z->protection);
		z->protection = NULL;
		z->n_protection = 0;
		if (parse_protection(val, &z->protection, &z->n_protection))
			return parse_fail(err, lineno,
					  "protection is not '(N, N, ...)'");
		return 0;
	}
	if (span_eq(name, "cpu")) {
		if (span_u64(span_trim(val), &v) < 0 || v > 1u << 24)
			return parse_fail(err, lineno, "bad cpu number");
		z->pcp = xgrow(z->pcp, &st->pcp_alloc, z->n_pcp + 1,
			       sizeof(*z->pcp));
		st->pcp = &z->pcp[z->n_pcp++];
		st->pcp->cpu = (unsigned)v;
		st->pcp->count = 0;
		st->pcp->high = st->pcp->batch = st->pcp->high_min =
		    st->pcp->high_max = st->pcp->stat_threshold = VAL_ABSENT;
		st->sec = S_PCP;
		return 0;
	}
	if (st->pcp) {
		if (span_eq(name, "count"))
			slot = &st->pcp->count;
		else if (span_eq(name, "high"))
			slot = &st->pcp->high;
		else if (span_eq(name, "batch"))
			slot = &st->pcp->batch;
		else if (span_eq(name, "high_min"))
			slot = &st->pcp->high_min;
		else if (span_eq(name, "high_max"))
			slot = &st->pcp->high_max;
		else if (span_eq(name, "vm stats threshold"))
			slot = &st->pcp->stat_threshold;
	} else if (span_eq(name, "count")) {
		return parse_fail(err, lineno, "'count:' outside a cpu block");
	}
	if (span_eq(name, "node_unreclaimable"))
		slot = &z->node_unreclaimable;
	else if (span_eq(name, "start_pfn"))
		slot = &z->start_pfn;
	if (!slot)
		return 0; /* a label we do not use: ignored */
	r = span_u64(span_trim(val), &v);
	if (r < 0)
		return parse_fail_errno(err, r, lineno,
					"'%.*s' is not a number", (int)name.len,
					name.p);
	if (slot != &z->start_pfn && check_pages(v) < 0)
		return parse_fail_errno(err, -ERANGE, lineno,
					"'%.*s' is too large", (int)name.len,
					name.p);
	*slot = v;
	return 0;
}

static int zoneinfo_line(struct zi_state *st, struct span line, unsigned lineno,
			 struct parse_err *err)
{
	struct span t = span_trim(line), f[5], name, val;
	const char *colon;
	uint64_t v, *slot;
	size_t nf;
	int r;

	nf = span_fields(t, f, ELEMENTSOF(f));
	if (span_eq(f[0], "Node")) {
		if (zone_start(st, f, nf) < 0)
			return parse_fail(err, lineno,
					  "expected 'Node N, zone NAME'");
		return 0;
	}
	if (!st->z)
		return parse_fail(err, lineno, "text before the first zone");
	if (span_eq(t, "per-node stats")) {
		st->node = node_get(st, st->z->node);
		st->node_stats_alloc = st->node->n_stats;
		st->sec = S_NODE;
		return 0;
	}
	if (span_eq(t, "pagesets")) {
		st->sec = S_PCP;
		return 0;
	}
	colon = memchr(t.p, ':', t.len);
	if (colon) {
		name.p = t.p;
		name.len = (size_t)(colon - t.p);
		val.p = colon + 1;
		val.len = t.len - name.len - 1;
		return colon_line(st, span_trim(name), val, lineno, err);
	}
	if (nf == 3 && span_eq(f[0], "pages") && span_eq(f[1], "free")) {
		r = span_u64(f[2], &v);
		if (r < 0)
			return parse_fail_errno(err, r, lineno,
						"'pages free' is not a number");
		if (check_pages(v) < 0)
			return parse_fail_errno(err, -ERANGE, lineno,
						"'pages free' is too large");
		st->z->free = v;
		st->sec = S_ZONE;
		return 0;
	}
	if (nf != 2)
		return parse_fail(err, lineno, "expected 'name value'");
	r = span_u64(f[1], &v);
	if (r < 0)
		return parse_fail_errno(err, r, lineno,
					"'%.*s' is not a number", (int)f[0].len,
					f[0].p);
	if (st->sec == S_NODE) {
		kv_add(&st->node->stats, &st->node->n_stats,
		       &st->node_stats_alloc, f[0], v);
		return 0;
	}
	slot = zone_field(st->z, f[0]);
	if (slot) {
		if (check_pages(v) < 0)
			return parse_fail_errno(err, -ERANGE, lineno,
						"'%.*s' is too large",
						(int)f[0].len, f[0].p);
		if (!val_has(*slot))
			*slot = v;
		return 0;
	}
	if (span_startswith(f[0], "nr_free") && check_pages(v) < 0)
		return parse_fail_errno(err, -ERANGE, lineno,
					"'%.*s' is too large", (int)f[0].len,
					f[0].p);
	kv_add(&st->z->stats, &st->z->n_stats, &st->stats_alloc, f[0], v);
	return 0;
}

/* A file whose last line lacks its newline is normally refused (a number
 * may be cut in half). One exception is provably whole: a last line ending
 * in ')' (the "protection: (...)" list), which cannot be cut without losing
 * that ')'. Edited test data (node_exporter's fixture) ends that way. */
static bool closed_last_line(const char *buf, size_t len)
{
	return len > 0 && buf[len - 1] == ')';
}

int zoneinfo_parse(const char *buf, size_t len, struct zoneinfo *ret,
		   struct parse_err *err)
{
	struct zi_state st = {0};
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len) && !closed_last_line(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		if (span_trim(line).len == 0)
			continue;
		r = zoneinfo_line(&st, line, it.lineno, err);
		if (r < 0)
			goto fail;
	}
	if (st.zi.n_zones == 0) {
		r = parse_fail(err, 0, "no 'Node N, zone NAME' lines");
		goto fail;
	}
	*ret = st.zi;
	return 0;
fail:
	zoneinfo_release(&st.zi);
	return r;
}

SOURCE_DEFINE_FILE(
    zoneinfo, "proc/zoneinfo", SRC_ZONEINFO, NEEDS_NOTHING,
    "per zone: free, watermarks, sizes, counters, per-CPU lists");
