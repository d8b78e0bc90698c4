/* /sys/kernel/mm/hugepages: the HugeTLB pools, one per huge page size.
 *
 * Each pool directory ("hugepages-2048kB") holds the counts of its pages:
 * nr_hugepages (the pool), free_hugepages (not mapped by anyone),
 * resv_hugepages (promised to a mapping, not yet touched: part of free),
 * surplus_hugepages (above nr_overcommit, given back when freed). Every
 * count is in pages of that size; a file that cannot be read is
 * VAL_ABSENT. /proc/meminfo's HugePages_* say the same for the default
 * size only; hugepages_from_meminfo() builds that one pool where sysfs is
 * not there (a snapshot or tree without /sys). */
#ifndef MEMTALLY_HUGEPAGES_H
#define MEMTALLY_HUGEPAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meminfo.h"
#include "source.h"

struct hugepages_pool {
	uint64_t page_size; /* bytes */
	/* pages; VAL_ABSENT when unreadable */
	uint64_t nr, free, resv, surplus;
	bool is_default; /* the size meminfo's Hugepagesize names */
};

struct hugepages {
	struct hugepages_pool *v; /* by page size, smallest first */
	size_t n;
	bool from_meminfo; /* the default size only, from meminfo */
};

/* One count file ("256\n"): the pure parser and its fuzz target. */
struct hugepages_count {
	uint64_t v;
};
int hugepages_count_parse(const char *buf, size_t len,
			  struct hugepages_count *ret, struct parse_err *err);
void hugepages_count_release(struct hugepages_count *c);

/* The page size in bytes a pool directory's name gives
 * ("hugepages-1048576kB" -> 1 GiB). -EINVAL for any other name. */
int hugepages_dir_size(const char *name, uint64_t *ret);

/* Every pool under sys/kernel/mm/hugepages, read through root. The
 * default size is marked when mi (may be NULL) gives Hugepagesize.
 * -ENOENT (err says where) when the directory is not there: a kernel
 * without HugeTLB, or a tree or snapshot that lacks /sys. */
int hugepages_read_with(struct root *root, const struct meminfo *mi,
			struct hugepages *ret, struct source_err *err);
int hugepages_read(struct root *root, struct hugepages *ret,
		   struct source_err *err);
/* The default size's pool from meminfo's HugePages_Total, _Free, _Rsvd,
 * _Surp and Hugepagesize: -ENODATA when meminfo lacks them. */
int hugepages_from_meminfo(const struct meminfo *mi, struct hugepages *ret);
void hugepages_release(struct hugepages *h);

/* Pages of a pool in use: mapped (nr - free), or VAL_ABSENT. */
uint64_t hugepages_used(const struct hugepages_pool *p);

#endif
