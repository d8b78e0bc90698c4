/* /proc/allocinfo: memory allocation profiling (CONFIG_MEM_ALLOC_PROFILING,
 * Linux 6.10+): bytes and live allocations per allocation call site.
 *
 * Every row is a call site "file:line [module] func:function" with the
 * bytes it holds now and the number of live allocations ("calls"). */
#ifndef MEMTALLY_ALLOCINFO_H
#define MEMTALLY_ALLOCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct allocinfo_site {
	int64_t bytes;	/* %lli in the kernel: may read negative in a race */
	uint64_t calls; /* live allocations */
	char *file;	/* "mm/slub.c" */
	unsigned line;
	char *module; /* NULL for built-in code */
	char *func;
	bool inaccurate; /* "accurate:no" (version 2.0) */
};

struct allocinfo {
	unsigned version_major, version_minor;
	struct allocinfo_site *sites;
	size_t n_sites;
};

int allocinfo_parse(const char *buf, size_t len, struct allocinfo *ret,
		    struct parse_err *err);
int allocinfo_read(struct root *root, struct allocinfo *ret,
		   struct source_err *err);
void allocinfo_release(struct allocinfo *ai);

#endif
