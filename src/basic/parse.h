/* Helpers for the pure parsers in src/sources/: walking a buffer line by
 * line, splitting a line into fields, and reading numbers without the
 * pitfalls of atoi/strtoul (sign, overflow, trailing junk).
 *
 * Contract: nothing here allocates, logs or does I/O. Functions return 0 or
 * a negative errno (-EINVAL malformed, -ERANGE too big) and leave their
 * ret_ output untouched on failure. */
#ifndef MEMTALLY_PARSE_H
#define MEMTALLY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

/* Where and why a parser rejected its input. The reader adds the file name;
 * the command prints "cannot parse 'PATH' line N: MSG". */
struct parse_err {
	unsigned line; /* 1-based; 0 = not tied to a line */
	char msg[120];
};

/* Record an error (err may be NULL) and return -EINVAL. */
int parse_fail(struct parse_err *err, unsigned line, const char *fmt, ...)
    _printf_(3, 4);
/* Same, with a chosen negative errno. */
int parse_fail_errno(struct parse_err *err, int r, unsigned line,
		     const char *fmt, ...) _printf_(4, 5);

/* A read-only view of part of a buffer. Not NUL-terminated. */
struct span {
	const char *p;
	size_t len;
};

bool span_eq(struct span s, const char *lit);
bool span_startswith(struct span s, const char *lit);
/* Copy into dst (size n), truncating, always NUL-terminating. */
void span_copy(struct span s, char *dst, size_t n);
struct span span_trim(struct span s);

/* Iterate lines of buf[0..len). A final line without '\n' is still a line.
 * lineno counts from 1. */
struct line_iter {
	const char *p, *end;
	unsigned lineno;
};

void line_iter_init(struct line_iter *it, const char *buf, size_t len);
bool line_next(struct line_iter *it, struct span *ret_line);
/* True when the buffer's last byte is not '\n': the read was cut short. */
bool buf_truncated(const char *buf, size_t len);

/* Split a line into whitespace-separated fields; returns the count found
 * (at most max, further fields are ignored and *ret_more set when given). */
size_t span_fields(struct span line, struct span *fields, size_t max);

/* Decimal unsigned 64-bit; the whole span must be digits. */
int span_u64(struct span s, uint64_t *ret);
/* Decimal signed 64-bit. */
int span_i64(struct span s, int64_t *ret);
/* Hexadecimal, with or without 0x. */
int span_x64(struct span s, uint64_t *ret);
/* Decimal with an optional fraction ("0.12"). */
int span_double(struct span s, double *ret);

/* a * b with overflow check (-ERANGE). */
int mul_u64(uint64_t a, uint64_t b, uint64_t *ret);

#endif
