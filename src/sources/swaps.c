/* /proc/swaps parser and reader.
 *
 * Format (mm/swapfile.c, swap_show(); Documentation/filesystems/proc.rst
 * lists the file): a header "Filename Type Size Used Priority", then one
 * line per active swap area: the path, "partition" or "file", the size
 * and the used part in KiB, and the priority (negative when chosen by the
 * kernel). Columns are padded with spaces and tabs; the padding changed
 * over the years (5.x widened the Size and Used columns), so we split on
 * any whitespace.
 *
 * The path is written with seq_file_path(..., " \t\n\\"): a space, tab,
 * newline or backslash in it becomes \ooo octal (\040 for a space), so the
 * path is one field, and we unescape it. A swap file unlinked while in use
 * gets d_path()'s " (deleted)" suffix, its space escaped too
 * ("/swapfile\040(deleted)"); we strip it and set deleted. (A file really
 * named "x (deleted)" cannot be told apart; the kernel makes the same
 * choice.) A file with only the header means no swap: n == 0.
 *
 * Strictness: a missing or different header, a line without five
 * fields, a bad escape or number is -EINVAL with its line; a size that
 * overflows as bytes is -ERANGE. A file cut mid-line is refused. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "sources.h"
#include "swaps.h"

#define DELETED_SUFFIX " (deleted)"

void swaps_release(struct swaps *sw)
{
	for (size_t i = 0; i < sw->n; i++)
		free(sw->v[i].filename);
	free(sw->v);
	sw->v = NULL;
	sw->n = 0;
}

static int octal(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* Undo the kernel's \ooo escapes of s into a malloc'd string. -EINVAL on
 * a backslash not followed by three octal digits or on \000. */
static int unescape(struct span s, char **ret)
{
	char *out = xmalloc(s.len + 1), *o = out;

	for (size_t i = 0; i < s.len; i++) {
		int a, b, c, v;

		if (s.p[i] != '\\') {
			*o++ = s.p[i];
			continue;
		}
		if (s.len - i < 4)
			goto bad;
		a = octal(s.p[i + 1]);
		b = octal(s.p[i + 2]);
		c = octal(s.p[i + 3]);
		if (a < 0 || b < 0 || c < 0)
			goto bad;
		v = a * 64 + b * 8 + c;
		if (v == 0 || v > 255)
			goto bad;
		*o++ = (char)v;
		i += 3;
	}
	*o = '\0';
	*ret = out;
	return 0;
bad:
	free(out);
	return -EINVAL;
}

static int parse_kib(struct span s, uint64_t *ret)
{
	uint64_t v;
	int r = span_u64(s, &v);

	if (r < 0)
		return r;
	return mul_u64(v, 1024, ret);
}

static bool is_header(struct span line)
{
	static const char *const cols[] = {"Filename", "Type", "Size", "Used",
					   "Priority"};
	struct span f[6];

	if (span_fields(line, f, ELEMENTSOF(f)) != ELEMENTSOF(cols))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(cols); i++)
		if (!span_eq(f[i], cols[i]))
			return false;
	return true;
}

int swaps_parse(const char *buf, size_t len, struct swaps *ret,
		struct parse_err *err)
{
	struct swaps sw = {0};
	bool header = false;
	struct line_iter it;
	struct span line;
	size_t alloc = 0;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct swaps_entry e = {0};
		struct span f[6];
		int64_t prio;
		size_t nf, fl;

		if (span_trim(line).len == 0)
			continue;
		if (!header) {
			if (!is_header(line)) {
				r = parse_fail(err, it.lineno,
					       "no 'Filename Type Size Used "
					       "Priority' header");
				goto fail;
			}
			header = true;
			continue;
		}
		nf = span_fields(line, f, ELEMENTSOF(f));
		if (nf != 5) {
			r = parse_fail(err, it.lineno, "%zu fields, expected 5",
				       nf);
			goto fail;
		}
		if (f[1].len >= sizeof(e.type)) {
			r = parse_fail(err, it.lineno, "type too long");
			goto fail;
		}
		r = parse_kib(f[2], &e.size);
		if (r >= 0)
			r = parse_kib(f[3], &e.used);
		if (r < 0) {
			r = parse_fail_errno(err, r, it.lineno, "%s",
					     r == -ERANGE
						 ? "size too large"
						 : "size is not a number");
			goto fail;
		}
		r = span_i64(f[4], &prio);
		if (r < 0 || prio < INT_MIN || prio > INT_MAX) {
			r = parse_fail(err, it.lineno,
				       "priority '%.*s' is not a number",
				       (int)f[4].len, f[4].p);
			goto fail;
		}
		e.priority = (int)prio;
		span_copy(f[1], e.type, sizeof(e.type));
		r = unescape(f[0], &e.filename);
		if (r < 0) {
			r = parse_fail(err, it.lineno,
				       "bad escape in file name '%.*s'",
				       (int)f[0].len, f[0].p);
			goto fail;
		}
		fl = strlen(e.filename);
		if (fl > strlen(DELETED_SUFFIX) &&
		    streq(e.filename + fl - strlen(DELETED_SUFFIX),
			  DELETED_SUFFIX)) {
			e.filename[fl - strlen(DELETED_SUFFIX)] = '\0';
			e.deleted = true;
		}
		sw.v = xgrow(sw.v, &alloc, sw.n + 1, sizeof(*sw.v));
		sw.v[sw.n++] = e;
	}
	if (!header) {
		r = parse_fail(err, 0, "empty file, no header");
		goto fail;
	}
	*ret = sw;
	return 0;
fail:
	swaps_release(&sw);
	return r;
}

SOURCE_DEFINE_FILE(swaps, "proc/swaps", SRC_SWAPS, NEEDS_NOTHING,
		   "swap areas: device or file, size, used, priority");
