/* /proc/buddyinfo parser and reader.
 *
 * Source: mm/vmstat.c, frag_show_print(): for every populated zone
 *   seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, zone->name);
 *   for (order = 0; order < NR_PAGE_ORDERS; ++order)
 *           seq_printf(m, "%6lu ", zone->free_area[order].nr_free);
 * Documentation: Documentation/filesystems/proc.rst ("buddyinfo").
 *
 * Each number is free_area[order].nr_free: blocks of 2^order pages sitting
 * on the buddy free lists, all migrate types together, isolated pageblocks
 * included. Pages on the per-CPU lists are not counted here.
 *
 * Quirks: the number of orders is NR_PAGE_ORDERS (MAX_ORDER before 6.4,
 * where MAX_ORDER meant the count; from 6.4 MAX_PAGE_ORDER + 1): 11 on
 * x86_64, up to 14 on arm64 with 64 KiB pages, configurable with
 * CONFIG_ARCH_FORCE_MAX_ORDER. We accept 1..64 and insist every line has
 * the same count. Zone names are padded with spaces ("%8s"); lines end
 * with a trailing space. Empty zones are not printed. */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "buddyinfo.h"
#include "sources.h"

void buddyinfo_release(struct buddyinfo *b)
{
	free(b->zones);
	b->zones = NULL;
	b->n_zones = 0;
}

int buddyinfo_zone_pages(const struct buddyinfo_zone *z, unsigned n_orders,
			 uint64_t *ret)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n_orders && i < BUDDYINFO_MAX_ORDERS; i++) {
		uint64_t p;

		if (z->free[i] && (i >= 63 || z->free[i] > (UINT64_MAX >> i)))
			return -ERANGE;
		p = z->free[i] << i;
		if (sum > UINT64_MAX - p)
			return -ERANGE;
		sum += p;
	}
	*ret = sum;
	return 0;
}

/* Parse "Node N," + "zone" + NAME from fields f[0..3). The name field is
 * NAME (the comma belongs to "N,"). Returns 0 or -EINVAL. */
static int parse_node_zone(const struct span *f, unsigned *ret_node, char *zone,
			   size_t zone_len)
{
	struct span num = f[1];
	uint64_t node;

	if (!span_eq(f[0], "Node") || num.len < 2 ||
	    num.p[num.len - 1] != ',' || !span_eq(f[2], "zone"))
		return -EINVAL;
	num.len--;
	if (span_u64(num, &node) < 0 || node > 1u << 20)
		return -EINVAL;
	if (f[3].len == 0 || f[3].len >= zone_len)
		return -EINVAL;
	*ret_node = (unsigned)node;
	span_copy(f[3], zone, zone_len);
	return 0;
}

int buddyinfo_parse(const char *buf, size_t len, struct buddyinfo *ret,
		    struct parse_err *err)
{
	struct buddyinfo b = {0};
	size_t alloc = 0;
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[4 + BUDDYINFO_MAX_ORDERS + 1];
		struct buddyinfo_zone *z;
		size_t nf;
		unsigned n;

		if (span_trim(line).len == 0)
			continue;
		nf = span_fields(line, f, ELEMENTSOF(f));
		if (nf < 5) {
			r = parse_fail(
			    err, it.lineno,
			    "expected 'Node N, zone NAME' and counts");
			goto fail;
		}
		if (nf > 4 + BUDDYINFO_MAX_ORDERS) {
			r = parse_fail(err, it.lineno, "more than %d orders",
				       BUDDYINFO_MAX_ORDERS);
			goto fail;
		}
		n = (unsigned)(nf - 4);
		if (b.n_orders && n != b.n_orders) {
			r = parse_fail(err, it.lineno,
				       "%u orders, earlier lines had %u", n,
				       b.n_orders);
			goto fail;
		}
		b.n_orders = n;
		b.zones =
		    xgrow(b.zones, &alloc, b.n_zones + 1, sizeof(*b.zones));
		z = &b.zones[b.n_zones];
		memset(z, 0, sizeof(*z));
		if (parse_node_zone(f, &z->node, z->zone, sizeof(z->zone))) {
			r = parse_fail(err, it.lineno,
				       "expected 'Node N, zone NAME'");
			goto fail;
		}
		for (unsigned i = 0; i < n; i++) {
			r = span_u64(f[4 + i], &z->free[i]);
			if (r < 0) {
				r = parse_fail_errno(
				    err, r, it.lineno,
				    "order %u count is not a number", i);
				goto fail;
			}
		}
		{
			uint64_t pages, bytes;

			/* a count whose pages overflow 64 bits (or whose
			 * bytes would, at the largest page size) is absurd */
			if (buddyinfo_zone_pages(z, n, &pages) < 0 ||
			    mul_u64(pages, 65536, &bytes) < 0) {
				r = parse_fail_errno(
				    err, -ERANGE, it.lineno,
				    "free block counts too large");
				goto fail;
			}
		}
		b.n_zones++;
	}
	if (b.n_zones == 0) {
		r = parse_fail(err, 0, "no zone lines");
		goto fail;
	}
	*ret = b;
	return 0;
fail:
	buddyinfo_release(&b);
	return r;
}

SOURCE_DEFINE_FILE(buddyinfo, "proc/buddyinfo", SRC_BUDDYINFO, NEEDS_NOTHING,
		   "free blocks per order in each zone's buddy lists");
