/* /proc/allocinfo parser and reader.
 *
 * Kernel side: lib/alloc_tag.c (allocinfo_show, alloc_tag_to_text) and
 * lib/codetag.c (codetag_to_text); documented in
 * Documentation/mm/allocation-profiling.rst. Needs
 * CONFIG_MEM_ALLOC_PROFILING (Linux 6.10+); absent otherwise. Format:
 *   allocinfo - version: 1.0
 *   #     <size>  <calls> <tag info>
 *       1234567       42 mm/slub.c:2259 func:alloc_slab_page
 *          4096        1 drivers/x/y.c:22 [ctagmod] func:ctagmod_start
 * each row printed as "%12lli %8llu " then the tag, then a space. Version
 * 2.0 (commit 39d117e04d15) may append " accurate:no" and says
 * more key:value pairs can follow; unknown ones are ignored. Other major
 * versions are refused. The file is 0400 root.
 *
 * Quirk: size is signed in the kernel (per-CPU counters summed without a
 * lock), so a racing read can show a small negative number; it is kept as
 * it is and the analysis shows it as unknown rather than as 0. */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "allocinfo.h"
#include "sources.h"

void allocinfo_release(struct allocinfo *ai)
{
	for (size_t i = 0; i < ai->n_sites; i++) {
		free(ai->sites[i].file);
		free(ai->sites[i].module);
		free(ai->sites[i].func);
	}
	free(ai->sites);
	ai->sites = NULL;
	ai->n_sites = 0;
}

static void site_free(struct allocinfo_site *s)
{
	free(s->file);
	free(s->module);
	free(s->func);
}

static int parse_version(struct span line, struct allocinfo *ai,
			 struct parse_err *err)
{
	static const char pfx[] = "allocinfo - version: ";
	struct span v, maj, min;
	const char *dot;
	uint64_t a, b;

	if (!span_startswith(line, pfx))
		return parse_fail(err, 1, "no 'allocinfo - version:' header");
	v.p = line.p + strlen(pfx);
	v.len = line.len - strlen(pfx);
	/* the version is the first word: CONFIG_DEBUG_SLAB kernels print
	 * "2.1 (statistics)" */
	if (span_fields(v, &v, 1) != 1)
		return parse_fail(err, 1, "no version number");
	dot = memchr(v.p, '.', v.len);
	if (!dot)
		return parse_fail(err, 1, "version is not N.M");
	maj.p = v.p;
	maj.len = (size_t)(dot - v.p);
	min.p = dot + 1;
	min.len = v.len - maj.len - 1;
	if (span_u64(maj, &a) < 0 || span_u64(min, &b) < 0 || b > 1000)
		return parse_fail(err, 1, "version is not N.M");
	if (a != 1 && a != 2)
		return parse_fail(err, 1,
				  "allocinfo version %llu.%llu is not "
				  "supported (expected 1.x or 2.x)",
				  (unsigned long long)a, (unsigned long long)b);
	ai->version_major = (unsigned)a;
	ai->version_minor = (unsigned)b;
	return 0;
}

static int parse_site(struct span line, unsigned lineno,
		      struct allocinfo_site *s, struct parse_err *err)
{
	struct span f[16];
	const char *colon;
	uint64_t ln;
	size_t nf, i;
	int r;

	memset(s, 0, sizeof(*s));
	nf = span_fields(line, f, ELEMENTSOF(f));
	if (nf < 4)
		return parse_fail(err, lineno,
				  "expected '<size> <calls> file:line "
				  "func:name'");
	r = span_i64(f[0], &s->bytes);
	if (r < 0)
		return parse_fail_errno(err, r, lineno,
					"size '%.*s' is not "
					"a number",
					(int)f[0].len, f[0].p);
	r = span_u64(f[1], &s->calls);
	if (r < 0)
		return parse_fail_errno(err, r, lineno,
					"calls '%.*s' is not "
					"a number",
					(int)f[1].len, f[1].p);
	/* file:line; a file name may itself hold ':' so take the last */
	colon = NULL;
	for (size_t k = f[2].len; k > 0; k--)
		if (f[2].p[k - 1] == ':') {
			colon = f[2].p + k - 1;
			break;
		}
	if (!colon || colon == f[2].p)
		return parse_fail(err, lineno, "'%.*s' is not file:line",
				  (int)f[2].len, f[2].p);
	{
		struct span l = {colon + 1,
				 f[2].len - (size_t)(colon + 1 - f[2].p)};

		if (span_u64(l, &ln) < 0 || ln > UINT32_MAX)
			return parse_fail(err, lineno,
					  "'%.*s' is not file:line",
					  (int)f[2].len, f[2].p);
	}
	s->line = (unsigned)ln;
	i = 3;
	if (f[i].len >= 2 && f[i].p[0] == '[' && f[i].p[f[i].len - 1] == ']') {
		s->module = xstrndup(f[i].p + 1, f[i].len - 2);
		i++;
	}
	if (i >= nf || !span_startswith(f[i], "func:") || f[i].len == 5) {
		free(s->module);
		s->module = NULL;
		return parse_fail(err, lineno, "no func:NAME");
	}
	s->func = xstrndup(f[i].p + 5, f[i].len - 5);
	s->file = xstrndup(f[2].p, (size_t)(colon - f[2].p));
	for (i++; i < nf; i++)
		if (span_eq(f[i], "accurate:no"))
			s->inaccurate = true;
	/* other key:value pairs: newer kernels, ignored */
	return 0;
}

int allocinfo_parse(const char *buf, size_t len, struct allocinfo *ret,
		    struct parse_err *err)
{
	struct allocinfo ai = {0};
	size_t alloc = 0;
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	if (!line_next(&it, &line))
		return parse_fail(err, 0, "empty file");
	r = parse_version(line, &ai, err);
	if (r < 0)
		return r;
	while (line_next(&it, &line)) {
		struct span t = span_trim(line);

		if (t.len == 0 || t.p[0] == '#')
			continue;
		ai.sites =
		    xgrow(ai.sites, &alloc, ai.n_sites + 1, sizeof(*ai.sites));
		r = parse_site(t, it.lineno, &ai.sites[ai.n_sites], err);
		if (r < 0) {
			site_free(&ai.sites[ai.n_sites]);
			goto fail;
		}
		ai.n_sites++;
	}
	*ret = ai;
	return 0;
fail:
	allocinfo_release(&ai);
	return r;
}

SOURCE_DEFINE_FILE(allocinfo, "proc/allocinfo", SRC_ALLOCINFO, NEEDS_ROOT,
		   "allocation call sites: bytes and live count (6.10+)");
