/* stderr messages for the command layer; see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

const char *log_prog = "memtally";

int log_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", log_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int log_error_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", log_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	return -1;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", log_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
