/* The views layer: a view is a function from (root, typed options) to a
 * document.
 *
 *   int view_NAME(struct root *root, const struct NAME_opts *o,
 *                 struct doc **ret, struct view_err *err);
 *
 * A view collects what it needs through the root (sources, model
 * collectors), runs the analyses and fills one document (output/doc.h).
 * It does not parse options, print, or exit: on failure it returns a
 * negative errno and says what failed in err (one line, lowercase,
 * subject in quotes), and the command layer prints it and picks the exit
 * code. A part that cannot be read is not a failure: the view marks it
 * unavailable in the document, with the reason, and goes on.
 *
 * Views that take long (page scans, every process's files) report
 * progress through a callback in their options; the command layer draws
 * it on a terminal. */
#ifndef MEMTALLY_VIEW_H
#define MEMTALLY_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "../basic/macro.h"
#include "../root/root.h"
#include "../output/doc.h"

struct view_err {
	char msg[1024];
};

/* Set err's message and return code (a negative errno). */
int view_fail(struct view_err *err, int code, const char *fmt, ...)
    _printf_(3, 4);

/* Progress of long work: done of total units so far. */
typedef void (*view_progress_fn)(void *userdata, const char *what,
				 uint64_t done, uint64_t total);

#endif
