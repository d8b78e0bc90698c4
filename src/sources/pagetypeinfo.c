/* /proc/pagetypeinfo parser and reader.
 *
 * Source: mm/vmstat.c, pagetypeinfo_show() and its helpers
 * pagetypeinfo_showfree_print(), pagetypeinfo_showblockcount_print() and
 * pagetypeinfo_showmixedcount_print() (the last only with
 * CONFIG_PAGE_OWNER). Documentation/filesystems/proc.rst ("pagetypeinfo").
 * Shape:
 *   Page block order: 9
 *   Pages per block:  512
 *
 *   Free pages count per migrate type at order       0      1 ...
 *   Node    0, zone      DMA, type    Unmovable      0      0 ...
 *
 *   Number of blocks type     Unmovable      Movable ...
 *   Node 0, zone      DMA            1            7 ...
 *
 *   Number of mixed blocks    Unmovable      Movable ...   (PAGE_OWNER)
 *
 * Despite its header, the first table counts free *blocks* of each order
 * (entries on free_area[order].free_list[type]), like buddyinfo.
 *
 * Quirks: 0400 root since 5.5 (commit "mm, vmstat: hide /proc/pagetypeinfo
 * from normal users"); the same release caps each list walk at 100000
 * entries and prints ">100000" for longer lists ("mm,vmstat: reduce
 * zone->lock holding time by /proc/pagetypeinfo"), so such a cell is a
 * lower bound: we keep the number and set its at_least bit. Migrate types
 * vary: HighAtomic 4.4+, CMA with CONFIG_CMA, Isolate with
 * CONFIG_MEMORY_ISOLATION, "Reserve" before 4.4; names are taken from the
 * file. Unknown section headers (a newer kernel) are skipped with their
 * rows. */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "pagetypeinfo.h"
#include "sources.h"

enum pti_section {
	P_NONE,
	P_FREE,
	P_BLOCKS,
	P_MIXED,
};

void pagetypeinfo_release(struct pagetypeinfo *p)
{
	free(p->zones);
	p->zones = NULL;
	p->n_zones = 0;
}

int pagetypeinfo_type(const struct pagetypeinfo *p, const char *name)
{
	for (unsigned i = 0; i < p->n_types; i++)
		if (streq(p->types[i], name))
			return (int)i;
	return -1;
}

static int type_get(struct pagetypeinfo *p, struct span name)
{
	for (unsigned i = 0; i < p->n_types; i++)
		if (span_eq(name, p->types[i]))
			return (int)i;
	if (p->n_types >= PTI_MAX_TYPES || name.len >= PTI_TYPE_NAME_MAX)
		return -1;
	span_copy(name, p->types[p->n_types], PTI_TYPE_NAME_MAX);
	return (int)p->n_types++;
}

static struct pagetypeinfo_zone *zone_get(struct pagetypeinfo *p, size_t *alloc,
					  unsigned node, struct span name)
{
	struct pagetypeinfo_zone *z;

	for (size_t i = 0; i < p->n_zones; i++)
		if (p->zones[i].node == node && span_eq(name, p->zones[i].zone))
			return &p->zones[i];
	p->zones = xgrow(p->zones, alloc, p->n_zones + 1, sizeof(*p->zones));
	z = &p->zones[p->n_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	span_copy(name, z->zone, sizeof(z->zone));
	for (unsigned t = 0; t < PTI_MAX_TYPES; t++) {
		z->blocks[t] = z->mixed[t] = VAL_ABSENT;
		for (unsigned o = 0; o < BUDDYINFO_MAX_ORDERS; o++)
			z->free[t][o] = VAL_ABSENT;
	}
	return z;
}

/* "0," -> 0; "DMA," -> "DMA" (drop one trailing comma if present). */
static struct span strip_comma(struct span s)
{
	if (s.len && s.p[s.len - 1] == ',')
		s.len--;
	return s;
}

static int parse_node(struct span s, unsigned *ret)
{
	uint64_t v;

	if (s.len < 2 || s.p[s.len - 1] != ',')
		return -EINVAL;
	s.len--;
	if (span_u64(s, &v) < 0 || v > 1u << 20)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/* A count cell: "123" or ">100000". */
static int parse_count(struct span s, uint64_t *ret, bool *ret_capped)
{
	bool capped = s.len && s.p[0] == '>';

	if (capped) {
		s.p++;
		s.len--;
	}
	*ret_capped = capped;
	return span_u64(s, ret);
}

/* blocks * 2^order pages must be bytes that fit 64 bits at 64 KiB. */
static bool too_large(uint64_t blocks, unsigned order)
{
	uint64_t b;

	if (order >= 47)
		return blocks != 0;
	return mul_u64(blocks, UINT64_C(65536) << order, &b) < 0;
}

struct pti_state {
	struct pagetypeinfo p;
	size_t alloc;
	enum pti_section sec;
	int cols[PTI_MAX_TYPES]; /* type index per column of a count table */
	unsigned n_cols;
};

static int header_types(struct pti_state *st, struct span *f, size_t nf,
			size_t first, unsigned lineno, struct parse_err *err)
{
	st->n_cols = 0;
	for (size_t i = first; i < nf; i++) {
		int t = type_get(&st->p, f[i]);

		if (t < 0 || st->n_cols >= PTI_MAX_TYPES)
			return parse_fail(err, lineno,
					  "too many migrate types");
		st->cols[st->n_cols++] = t;
	}
	if (st->n_cols == 0)
		return parse_fail(err, lineno, "no migrate type names");
	return 0;
}

static int free_row(struct pti_state *st, struct span *f, size_t nf,
		    unsigned lineno, struct parse_err *err)
{
	struct pagetypeinfo_zone *z;
	unsigned node;
	int t;

	/* Node 0, zone DMA, type Unmovable c0 c1 ... */
	if (nf < 6 || parse_node(f[1], &node) < 0 || !span_eq(f[2], "zone") ||
	    !span_eq(f[4], "type") || f[3].len < 2 ||
	    f[3].p[f[3].len - 1] != ',' ||
	    strip_comma(f[3]).len >= ZONE_NAME_MAX)
		return parse_fail(err, lineno,
				  "expected 'Node N, zone NAME, type TYPE'");
	if (nf - 6 != st->p.n_orders)
		return parse_fail(err, lineno,
				  "%zu counts, header has %u orders", nf - 6,
				  st->p.n_orders);
	t = type_get(&st->p, f[5]);
	if (t < 0)
		return parse_fail(err, lineno, "too many migrate types");
	z = zone_get(&st->p, &st->alloc, node, strip_comma(f[3]));
	if (z->has_free[t])
		return parse_fail(err, lineno, "row repeated");
	for (unsigned o = 0; o < st->p.n_orders; o++) {
		bool capped;
		int r = parse_count(f[6 + o], &z->free[t][o], &capped);

		if (r < 0)
			return parse_fail_errno(
			    err, r, lineno, "order %u count is not a number",
			    o);
		if (too_large(z->free[t][o], o))
			return parse_fail_errno(err, -ERANGE, lineno,
						"order %u count too large", o);
		if (capped)
			z->at_least[t] |= UINT64_C(1) << o;
	}
	z->has_free[t] = true;
	return 0;
}

static int blocks_row(struct pti_state *st, struct span *f, size_t nf,
		      unsigned lineno, struct parse_err *err)
{
	struct pagetypeinfo_zone *z;
	unsigned node;

	/* Node 0, zone DMA c0 c1 ... */
	if (nf < 4 || parse_node(f[1], &node) < 0 || !span_eq(f[2], "zone") ||
	    f[3].len >= ZONE_NAME_MAX)
		return parse_fail(err, lineno, "expected 'Node N, zone NAME'");
	if (nf - 4 != st->n_cols)
		return parse_fail(err, lineno,
				  "%zu counts, header has %u types", nf - 4,
				  st->n_cols);
	z = zone_get(&st->p, &st->alloc, node, f[3]);
	for (unsigned c = 0; c < st->n_cols; c++) {
		uint64_t *slot = st->sec == P_BLOCKS ? &z->blocks[st->cols[c]]
						     : &z->mixed[st->cols[c]];
		uint64_t v;
		int r = span_u64(f[4 + c], &v);

		if (r < 0)
			return parse_fail_errno(err, r, lineno,
						"block count is not a number");
		if (v > UINT64_C(1) << 40)
			return parse_fail_errno(err, -ERANGE, lineno,
						"block count too large");
		*slot = v;
	}
	return 0;
}

static int pti_line(struct pti_state *st, struct span line, unsigned lineno,
		    struct parse_err *err)
{
	struct span f[8 + BUDDYINFO_MAX_ORDERS + 1], t = span_trim(line);
	size_t nf = span_fields(t, f, ELEMENTSOF(f));
	uint64_t v;

	if (nf == ELEMENTSOF(f))
		return parse_fail(err, lineno, "too many fields");
	if (span_startswith(t, "Page block order:")) {
		if (nf != 4 || span_u64(f[3], &v) < 0 || v >= 48)
			return parse_fail(err, lineno, "bad page block order");
		st->p.block_order = (unsigned)v;
		return 0;
	}
	if (span_startswith(t, "Pages per block:")) {
		if (nf != 4 || span_u64(f[3], &v) < 0 || v == 0 ||
		    v > UINT64_C(1) << 47)
			return parse_fail(err, lineno, "bad pages per block");
		st->p.pages_per_block = v;
		return 0;
	}
	if (span_startswith(t, "Free pages count per migrate type at order")) {
		if (nf < 9 || nf - 8 > BUDDYINFO_MAX_ORDERS)
			return parse_fail(err, lineno, "bad order header");
		for (size_t i = 8; i < nf; i++)
			if (span_u64(f[i], &v) < 0 || v != i - 8)
				return parse_fail(err, lineno,
						  "orders must count from 0");
		if (st->p.n_orders && st->p.n_orders != nf - 8)
			return parse_fail(err, lineno, "order count changed");
		st->p.n_orders = (unsigned)(nf - 8);
		st->sec = P_FREE;
		return 0;
	}
	if (span_startswith(t, "Number of blocks type")) {
		st->sec = P_BLOCKS;
		return header_types(st, f, nf, 4, lineno, err);
	}
	if (span_startswith(t, "Number of mixed blocks")) {
		st->sec = P_MIXED;
		return header_types(st, f, nf, 4, lineno, err);
	}
	if (!span_eq(f[0], "Node")) {
		st->sec = P_NONE; /* a section we do not know */
		return 0;
	}
	switch (st->sec) {
	case P_FREE:
		return free_row(st, f, nf, lineno, err);
	case P_BLOCKS:
	case P_MIXED:
		return blocks_row(st, f, nf, lineno, err);
	case P_NONE:
		break;
	}
	return 0;
}

int pagetypeinfo_parse(const char *buf, size_t len, struct pagetypeinfo *ret,
		       struct parse_err *err)
{
	struct pti_state st = {0};
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		if (span_trim(line).len == 0)
			continue;
		r = pti_line(&st, line, it.lineno, err);
		if (r < 0)
			goto fail;
	}
	if (st.p.n_orders == 0 || st.p.n_zones == 0) {
		r = parse_fail(err, 0, "no free pages table");
		goto fail;
	}
	*ret = st.p;
	return 0;
fail:
	pagetypeinfo_release(&st.p);
	return r;
}

SOURCE_DEFINE_FILE(
    pagetypeinfo, "proc/pagetypeinfo", SRC_PAGETYPEINFO, NEEDS_ROOT,
    "free blocks per order and migrate type; pageblocks per type");
