/* Messages to the user. Only src/cli/ and main.c call these; library code
 * returns -errno and lets the command decide what to say (systemd's rule).
 *
 * Style (git): lowercase, no trailing full stop, the subject in single
 * quotes, what failed first: "cannot read '/proc/slabinfo': Permission
 * denied". */
#ifndef MEMTALLY_LOG_H
#define MEMTALLY_LOG_H

#include "macro.h"

extern const char *log_prog; /* "memtally" */

/* Print "memtally: MSG" on stderr; return -1 so callers can
 * `return log_error(...)` from int functions that then exit 1. */
int log_error(const char *fmt, ...) _printf_(1, 2);
/* Same, with ": strerror(-err)" appended. */
int log_error_errno(int err, const char *fmt, ...) _printf_(2, 3);
void log_warn(const char *fmt, ...) _printf_(1, 2);

#endif
