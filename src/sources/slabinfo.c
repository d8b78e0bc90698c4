/* /proc/slabinfo parser and reader.
 *
 * Kernel side: mm/slab_common.c (slabinfo_show, cache_show); documented in
 * Documentation/filesystems/proc.rst and the slabinfo(5) man page. Format:
 *   slabinfo - version: 2.1
 *   # name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>
 *     : tunables <limit> <batchcount> <sharedfactor>
 *     : slabdata <active_slabs> <num_slabs> <sharedavail>
 *   kmalloc-64  1815  1920  64  64  1 : tunables 0 0 0 : slabdata 30 30 0
 * Quirks: the file exists only with CONFIG_SLUB_DEBUG (SLUB) or SLAB;
 * CONFIG_DEBUG_SLAB kernels (SLAB, before 6.8) print the header as
 * "slabinfo - version: 2.1 (statistics)" and add " : globalstat ... :
 * cpustat ..." after slabdata (ignored here). SLUB (the only allocator
 * since 6.8) prints the tunables as zeros and active_slabs == num_slabs.
 * The file is 0400 root under SLUB (0600 under SLAB, whose tunables were
 * writable), so it NEEDS_ROOT.
 * Merged SLUB caches are shown once, under the name of the first cache
 * created; /sys/kernel/slab (slab_sysfs.c) knows the aliases.
 *
 * Strictness: the first line must name version 2.x; every cache line must
 * have the five numbers, ": tunables" and ": slabdata" with two numbers at
 * least; a cache whose size in bytes overflows 64 bits is -ERANGE. */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "slabinfo.h"
#include "sources.h"

void slabinfo_release(struct slabinfo *si)
{
	for (size_t i = 0; i < si->n_caches; i++)
		free(si->caches[i].name);
	free(si->caches);
	si->caches = NULL;
	si->n_caches = 0;
}

const struct slabinfo_cache *slabinfo_find(const struct slabinfo *si,
					   const char *name)
{
	for (size_t i = 0; i < si->n_caches; i++)
		if (streq(si->caches[i].name, name))
			return &si->caches[i];
	return NULL;
}

/* "slabinfo - version: 2.1" -> 2, 1. */
static int parse_version(struct span line, unsigned *ret_major,
			 unsigned *ret_minor, struct parse_err *err)
{
	static const char pfx[] = "slabinfo - version: ";
	struct span v, maj, min;
	const char *dot;
	uint64_t a, b;

	if (!span_startswith(line, pfx))
		return parse_fail(err, 1, "no 'slabinfo - version:' header");
	v.p = line.p + strlen(pfx);
	v.len = line.len - strlen(pfx);
	/* the version is the first word: CONFIG_DEBUG_SLAB kernels print
	 * "2.1 (statistics)" */
	if (span_fields(v, &v, 1) != 1)
		return parse_fail(err, 1, "no version number");
	dot = memchr(v.p, '.', v.len);
	if (!dot)
		return parse_fail(err, 1, "version '%.*s' is not N.M",
				  (int)v.len, v.p);
	maj.p = v.p;
	maj.len = (size_t)(dot - v.p);
	min.p = dot + 1;
	min.len = v.len - maj.len - 1;
	if (span_u64(maj, &a) < 0 || span_u64(min, &b) < 0 || a > 1000 ||
	    b > 1000)
		return parse_fail(err, 1, "version '%.*s' is not N.M",
				  (int)v.len, v.p);
	if (a != 2)
		return parse_fail(err, 1,
				  "slabinfo version %u.%u is not supported "
				  "(expected 2.x)",
				  (unsigned)a, (unsigned)b);
	*ret_major = (unsigned)a;
	*ret_minor = (unsigned)b;
	return 0;
}

static int parse_cache(struct span line, unsigned lineno,
		       struct slabinfo_cache *ret, struct parse_err *err)
{
	struct span f[16];
	uint64_t n[8], bytes;
	size_t nf;

	nf = span_fields(line, f, ELEMENTSOF(f));
	/* name 5 numbers : tunables 3 : slabdata 3 = 16 fields */
	if (nf < 15)
		return parse_fail(err, lineno,
				  "cache line has %zu fields, "
				  "expected 16",
				  nf);
	if (!span_eq(f[6], ":") || !span_eq(f[7], "tunables") ||
	    !span_eq(f[11], ":") || !span_eq(f[12], "slabdata"))
		return parse_fail(err, lineno,
				  "no ': tunables ... : slabdata' in '%.*s'",
				  (int)f[0].len, f[0].p);
	for (int i = 0; i < 5; i++) {
		int r = span_u64(f[1 + i], &n[i]);

		if (r < 0)
			return parse_fail_errno(
			    err, r, lineno, "'%.*s' field %d is not a number",
			    (int)f[0].len, f[0].p, 2 + i);
	}
	for (int i = 0; i < 2; i++) {
		int r = span_u64(f[13 + i], &n[5 + i]);

		if (r < 0)
			return parse_fail_errno(
			    err, r, lineno, "'%.*s' slabdata is not a number",
			    (int)f[0].len, f[0].p);
	}
	/* absurd: the bytes this cache holds do not fit in 64 bits even at
	 * the smallest page size */
	if (mul_u64(n[6], n[4], &bytes) < 0 ||
	    mul_u64(bytes, 4096, &bytes) < 0 || mul_u64(n[1], n[2], &bytes) < 0)
		return parse_fail_errno(err, -ERANGE, lineno,
					"'%.*s' is too large", (int)f[0].len,
					f[0].p);
	ret->name = xstrndup(f[0].p, f[0].len);
	ret->active_objs = n[0];
	ret->num_objs = n[1];
	ret->objsize = n[2];
	ret->objperslab = n[3];
	ret->pagesperslab = n[4];
	ret->active_slabs = n[5];
	ret->num_slabs = n[6];
	return 0;
}

int slabinfo_parse(const char *buf, size_t len, struct slabinfo *ret,
		   struct parse_err *err)
{
	struct slabinfo si = {0};
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
	r = parse_version(line, &si.version_major, &si.version_minor, err);
	if (r < 0)
		return r;
	while (line_next(&it, &line)) {
		struct span t = span_trim(line);

		if (t.len == 0 || t.p[0] == '#')
			continue;
		si.caches = xgrow(si.caches, &alloc, si.n_caches + 1,
				  sizeof(*si.caches));
		r = parse_cache(t, it.lineno, &si.caches[si.n_caches], err);
		if (r < 0)
			goto fail;
		si.n_caches++;
	}
	*ret = si;
	return 0;
fail:
	slabinfo_release(&si);
	return r;
}

SOURCE_DEFINE_FILE(slabinfo, "proc/slabinfo", SRC_SLABINFO, NEEDS_ROOT,
		   "slab caches: objects, object size, slabs");
