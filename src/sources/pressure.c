/* /proc/pressure/memory parser and reader.
 *
 * Format (kernel/sched/psi.c, psi_show(); Documentation/accounting/psi.rst):
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * avgN are percentages with two decimals, total is the stall time in
 * microseconds since boot. PSI came in 4.20; memory has had both lines
 * from the start (the cpu file got its "full" line only in 5.13).
 *
 * Availability: without CONFIG_PSI the file is absent (ENOENT). With
 * CONFIG_PSI but booted with psi=0 (or CONFIG_PSI_DEFAULT_DISABLED without
 * psi=1), depending on the version, the kernel keeps the file and fails
 * the read with EOPNOTSUPP (psi_show()), or creates no /proc/pressure at
 * all (ENOENT); the reader passes either errno on and
 * source_err_format() says what EOPNOTSUPP means.
 *
 * Strictness: a line must start with "some" or "full" (other kinds are
 * ignored, for a future kernel) and carry avg10, avg60, avg300 and total;
 * unknown key=value pairs are ignored. No "some" line, a bad number or a
 * duplicate line is -EINVAL; a file cut mid-line is refused. A missing
 * "full" line leaves full.present false and its total VAL_ABSENT. */
#include <errno.h>
#include <string.h>

#include "pressure.h"
#include "sources.h"

void pressure_release(struct pressure *p)
{
	(void)p; /* nothing allocated */
}

enum { K_AVG10, K_AVG60, K_AVG300, K_TOTAL, _K_MAX };

static const char *const key_names[_K_MAX] = {"avg10", "avg60", "avg300",
					      "total"};

/* Parse the key=value pairs after "some"/"full" into *ret. */
static int parse_pairs(struct span rest, unsigned lineno,
		       struct pressure_line *ret, struct parse_err *err)
{
	struct pressure_line pl = {.present = true};
	bool seen[_K_MAX] = {false};
	struct span f[16];
	size_t nf = span_fields(rest, f, ELEMENTSOF(f));

	for (size_t i = 0; i < nf; i++) {
		const char *eq = memchr(f[i].p, '=', f[i].len);
		struct span key, val;
		int k, r;

		if (!eq)
			return parse_fail(err, lineno,
					  "'%.*s' is not key=value",
					  (int)f[i].len, f[i].p);
		key.p = f[i].p;
		key.len = (size_t)(eq - f[i].p);
		val.p = eq + 1;
		val.len = f[i].len - key.len - 1;
		for (k = 0; k < _K_MAX; k++)
			if (span_eq(key, key_names[k]))
				break;
		if (k == _K_MAX)
			continue; /* unknown key: a newer kernel's */
		if (seen[k])
			return parse_fail(err, lineno, "'%s' given twice",
					  key_names[k]);
		seen[k] = true;
		if (k == K_TOTAL) {
			r = span_u64(val, &pl.total_us);
			if (r >= 0 && pl.total_us == VAL_ABSENT)
				pl.total_us = VAL_ABSENT - 1;
		} else {
			double *d = k == K_AVG10   ? &pl.avg10
				    : k == K_AVG60 ? &pl.avg60
						   : &pl.avg300;

			r = span_double(val, d);
			if (r >= 0 && *d > 100.0)
				r = -ERANGE;
		}
		if (r < 0)
			return parse_fail_errno(
			    err, r, lineno, "'%s' is not valid: '%.*s'",
			    key_names[k], (int)val.len, val.p);
	}
	for (int k = 0; k < _K_MAX; k++)
		if (!seen[k])
			return parse_fail(err, lineno, "no '%s'", key_names[k]);
	*ret = pl;
	return 0;
}

int pressure_parse(const char *buf, size_t len, struct pressure *ret,
		   struct parse_err *err)
{
	struct pressure p = {0};
	struct line_iter it;
	struct span line;
	int r;

	p.some.total_us = VAL_ABSENT;
	p.full.total_us = VAL_ABSENT;
	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct pressure_line *dst;
		struct span kind, rest;

		line = span_trim(line);
		if (line.len == 0)
			continue;
		span_fields(line, &kind, 1);
		rest.p = kind.p + kind.len;
		rest.len = line.len - kind.len;
		if (span_eq(kind, "some"))
			dst = &p.some;
		else if (span_eq(kind, "full"))
			dst = &p.full;
		else
			continue; /* a kind a newer kernel may add */
		if (dst->present)
			return parse_fail(err, it.lineno, "second '%.*s' line",
					  (int)kind.len, kind.p);
		r = parse_pairs(rest, it.lineno, dst, err);
		if (r < 0)
			return r;
	}
	if (!p.some.present)
		return parse_fail(err, 0, "no 'some' line");
	*ret = p;
	return 0;
}

SOURCE_DEFINE_FILE(pressure, "proc/pressure/memory", SRC_PRESSURE,
		   NEEDS_NOTHING,
		   "memory pressure (PSI): share of time stalled on memory");
