/* Small macros used everywhere: cleanup attributes, array sizes, branch hints.
 *
 * The cleanup attribute (gcc and clang) runs a function on a local when it
 * leaves scope; `_cleanup_free_ char *buf = NULL;` frees buf on every return
 * path. TAKE_PTR hands ownership out of such a local. */
#ifndef MEMTALLY_MACRO_H
#define MEMTALLY_MACRO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Return *p and set it to NULL: ownership leaves the cleanup local. */
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _tp = (p);                                       \
		(p) = NULL;                                                    \
		_tp;                                                           \
	})

/* A figure the kernel did not give. Never 0: 0 is a measurement. */
#define VAL_ABSENT UINT64_MAX
static inline int val_has(uint64_t v)
{
	return v != VAL_ABSENT;
}

#define streq(a, b) (strcmp((a), (b)) == 0)

#endif
