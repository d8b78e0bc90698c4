/* Line and number parsing helpers for the pure kernel-file parsers.
 * See parse.h for the contract. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static int parse_vfail(struct parse_err *err, int r, unsigned line,
		       const char *fmt, va_list ap)
{
	if (err) {
		err->line = line;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return r;
}

int parse_fail(struct parse_err *err, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = parse_vfail(err, -EINVAL, line, fmt, ap);
	va_end(ap);
	return r;
}

int parse_fail_errno(struct parse_err *err, int r, unsigned line,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = parse_vfail(err, r, line, fmt, ap);
	va_end(ap);
	return r;
}

bool span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.p, lit, n) == 0;
}

bool span_startswith(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

void span_copy(struct span s, char *dst, size_t n)
{
	size_t k;

	if (n == 0)
		return;
	k = s.len < n - 1 ? s.len : n - 1;
	memcpy(dst, s.p, k);
	dst[k] = '\0';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

struct span span_trim(struct span s)
{
	while (s.len && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

void line_iter_init(struct line_iter *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = 0;
}

bool line_next(struct line_iter *it, struct span *ret_line)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	if (!nl)
		nl = it->end;
	ret_line->p = it->p;
	ret_line->len = (size_t)(nl - it->p);
	it->p = nl < it->end ? nl + 1 : nl;
	it->lineno++;
	return true;
}

bool buf_truncated(const char *buf, size_t len)
{
	return len > 0 && buf[len - 1] != '\n';
}

size_t span_fields(struct span line, struct span *fields, size_t max)
{
	const char *p = line.p, *end = line.p + line.len;
	size_t n = 0;

	while (p < end && n < max) {
		const char *start;

		while (p < end && is_space(*p))
			p++;
		if (p >= end)
			break;
		start = p;
		while (p < end && !is_space(*p))
			p++;
		fields[n].p = start;
		fields[n].len = (size_t)(p - start);
		n++;
	}
	return n;
}

int span_u64(struct span s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s.len == 0)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return -EINVAL;
		d = (unsigned)(s.p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int span_i64(struct span s, int64_t *ret)
{
	bool neg = false;
	uint64_t v;
	int r;

	if (s.len && (s.p[0] == '-' || s.p[0] == '+')) {
		neg = s.p[0] == '-';
		s.p++;
		s.len--;
	}
	r = span_u64(s, &v);
	if (r < 0)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)v;
	}
	return 0;
}

int span_x64(struct span s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s.len >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		s.p += 2;
		s.len -= 2;
	}
	if (s.len == 0)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | d;
	}
	*ret = v;
	return 0;
}

int span_double(struct span s, double *ret)
{
	struct span ip = s, fp = {NULL, 0};
	const char *dot = memchr(s.p, '.', s.len);
	uint64_t iv, fv = 0;
	double scale = 1;
	int r;

	if (dot) {
		ip.len = (size_t)(dot - s.p);
		fp.p = dot + 1;
		fp.len = s.len - ip.len - 1;
		if (fp.len == 0 || fp.len > 18)
			return -EINVAL;
	}
	r = span_u64(ip, &iv);
	if (r < 0)
		return r;
	if (fp.len) {
		r = span_u64(fp, &fv);
		if (r < 0)
			return r;
		for (size_t i = 0; i < fp.len; i++)
			scale *= 10;
	}
	*ret = (double)iv + (double)fv / scale;
	return 0;
}

int mul_u64(uint64_t a, uint64_t b, uint64_t *ret)
{
	if (a && b > UINT64_MAX / a)
		return -ERANGE;
	*ret = a * b;
	return 0;
}
