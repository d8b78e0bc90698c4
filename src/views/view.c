/* What every view shares: the error carrier. See view.h. */
#include <stdarg.h>
#include <stdio.h>

#include "view.h"

int view_fail(struct view_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
