/* Allocation that cannot fail: on out-of-memory the program says so and
 * exits 1 (htop, redis and util-linux do the same). Library code may use
 * these freely; a NULL check after them is dead code. */
#ifndef MEMTALLY_XALLOC_H
#define MEMTALLY_XALLOC_H

#include <stddef.h>

#include "macro.h"

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow *p (holding *alloc elements of size elem) so it holds at least need. */
void *xgrow(void *p, size_t *alloc, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

#endif
