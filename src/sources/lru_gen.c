/* MGLRU generations: parser and reader of /sys/kernel/debug/lru_gen.
 *
 * Format (Documentation/admin-guide/mm/multigen_lru.rst, "Working set
 * estimation"; mm/vmscan.c lru_gen_seq_show):
 *   memcg  ID  PATH
 *     node  NID
 *       GEN  AGE_MS  NR_ANON_PAGES  NR_FILE_PAGES
 *       ... oldest generation first, youngest last
 * The verbose variant (lru_gen_full) adds per-tier columns on further
 * lines; only 4-number lines after a "node" line are taken here, and any
 * line with more than four fields is skipped as a tier line. Within a node
 * block the generations come oldest first, so ranks are assigned from the
 * end of the block (the last line is rank 0, the youngest).
 *
 * The enabled file is a hex mask of features (0x0001 core, 0x0002 walk
 * page tables, 0x0004 use the accessed bit of non-leaf PMDs); any bit set
 * means MGLRU manages the LRU lists. */
#include <errno.h>
#include <string.h>

#include "lru_gen.h"

int lru_gen_enabled_parse(const char *buf, size_t len, uint64_t *ret,
			  struct parse_err *err)
{
	struct span s = {buf, len};
	uint64_t v;

	s = span_trim(s);
	if (s.len == 0)
		return parse_fail(err, 1, "empty");
	if (span_x64(s, &v) < 0)
		return parse_fail(err, 1, "not a hex mask");
	*ret = v;
	return 0;
}

void lru_gen_release(struct lru_gen *g)
{
	(void)g; /* nothing allocated */
}

/* Fold one node block's generations (oldest first) into the ranks. */
static void fold(struct lru_gen *g, const uint64_t (*gens)[3], size_t n)
{
	if (n == 0)
		return;
	g->nlruvecs++;
	for (size_t i = 0; i < n && i < LRU_GEN_MAX_RANKS; i++) {
		const uint64_t *x = gens[n - 1 - i];
		struct lru_gen_rank *r = &g->rank[i];

		if (r->nlruvecs == 0 || x[0] < r->min_age)
			r->min_age = x[0];
		if (r->nlruvecs == 0 || x[0] > r->max_age)
			r->max_age = x[0];
		r->anon += x[1];
		r->file += x[2];
		r->nlruvecs++;
		if (i + 1 > g->nranks)
			g->nranks = i + 1;
	}
}

int lru_gen_parse(const char *buf, size_t len, struct lru_gen *ret,
		  struct parse_err *err)
{
	struct lru_gen g = {0};
	uint64_t gens[16][3];
	size_t ngens = 0;
	bool in_node = false;
	struct line_iter it;
	struct span line;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[6];
		size_t nf = span_fields(line, f, ELEMENTSOF(f));
		uint64_t v[4];

		if (nf == 0)
			continue;
		if (span_eq(f[0], "memcg")) {
			fold(&g, (const uint64_t(*)[3])gens, ngens);
			ngens = 0;
			in_node = false;
			g.nmemcgs++;
			continue;
		}
		if (span_eq(f[0], "node")) {
			fold(&g, (const uint64_t(*)[3])gens, ngens);
			ngens = 0;
			in_node = true;
			continue;
		}
		if (nf != 4)
			continue; /* tier lines of the verbose format */
		if (!in_node)
			return parse_fail(err, it.lineno,
					  "generation line outside a node");
		for (size_t i = 0; i < 4; i++) {
			/* ages can print as negative when clocks disagree */
			int r = span_u64(f[i], &v[i]);

			if (r < 0) {
				int64_t s;

				if (i == 1 && span_i64(f[i], &s) == 0) {
					v[i] = 0;
					continue;
				}
				return parse_fail_errno(
				    err, r, it.lineno,
				    "generation line: field %zu is not a "
				    "number",
				    i + 1);
			}
		}
		if (ngens < ELEMENTSOF(gens)) {
			gens[ngens][0] = v[1];
			gens[ngens][1] = v[2];
			gens[ngens][2] = v[3];
			ngens++;
		}
	}
	fold(&g, (const uint64_t(*)[3])gens, ngens);
	if (g.nmemcgs == 0)
		return parse_fail(err, 0, "no 'memcg' line");
	*ret = g;
	return 0;
}

static int parse_cb(const char *buf, size_t len, void *ret,
		    struct parse_err *err)
{
	return lru_gen_parse(buf, len, ret, err);
}

int lru_gen_read(struct root *root, struct lru_gen *ret, struct source_err *err)
{
	return source_read_parse(root, "sys/kernel/debug/lru_gen", parse_cb,
				 ret, err);
}
