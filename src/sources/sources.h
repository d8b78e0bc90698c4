/* The table of every kernel interface memtally reads.
 *
 * One row per source: its name, the path it reads, its scope, what it
 * needs, and the functions that read and release it. snapshot_collect(),
 * `memtally snapshot` and (later) record and serve iterate this table, so
 * adding a source is one module plus one row here (docs/HACKING.md). */
#ifndef MEMTALLY_SOURCES_H
#define MEMTALLY_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum source_id {
	SRC_MEMINFO,
	SRC_VMSTAT,
	SRC_SLABINFO,
	SRC_SLAB_SYSFS,
	SRC_BUDDYINFO,
	SRC_PAGETYPEINFO,
	SRC_ZONEINFO,
	SRC_IOMEM,
	SRC_VMALLOCINFO,
	SRC_ALLOCINFO,
	SRC_SWAPS,
	SRC_PRESSURE,
	SRC_DENTRY_STATE,
	SRC_SOCKSTAT,
	SRC_SYSVIPC_SHM,
	SRC_SYSVIPC_MSG,
	SRC_HUGEPAGES,
	_SRC_MAX,
};

#define SRC_BIT(id) (UINT64_C(1) << (id))
#define SRC_ALL ((UINT64_C(1) << _SRC_MAX) - 1)

enum source_scope {
	SCOPE_SYSTEM,
	SCOPE_NODE,
	SCOPE_PROCESS,
	SCOPE_CGROUP,
};

enum source_needs {
	NEEDS_NOTHING = 0,
	NEEDS_ROOT = 1 << 0, /* the file is 0400 root */
	NEEDS_BTF = 1 << 1,
};

struct source_desc {
	enum source_id id;
	const char *name; /* "meminfo" */
	const char *path; /* "/proc/meminfo", for help and docs */
	enum source_scope scope;
	unsigned needs; /* enum source_needs */
	size_t size;	/* sizeof the parsed struct */
	int (*read)(struct root *root, void *ret, struct source_err *err);
	void (*release)(void *data);
	const char *summary; /* one line: what it tells */
};

/* For a source that is one file parsed whole by NAME_parse(): defines
 * NAME_read() (declared in NAME.h) and the table row NAME_source. PATH is
 * relative to the root ("proc/meminfo"). Sources that read several files
 * (slab_sysfs) write their reader and row by hand. */
#define SOURCE_DEFINE_FILE(NAME, PATH, ID, NEEDS, SUMMARY)                     \
	static int NAME##_parse_cb(const char *buf, size_t len, void *ret,     \
				   struct parse_err *err)                      \
	{                                                                      \
		return NAME##_parse(buf, len, ret, err);                       \
	}                                                                      \
	int NAME##_read(struct root *root, struct NAME *ret,                   \
			struct source_err *err)                                \
	{                                                                      \
		return source_read_parse(root, PATH, NAME##_parse_cb, ret,     \
					 err);                                 \
	}                                                                      \
	static int NAME##_read_cb(struct root *root, void *ret,                \
				  struct source_err *err)                      \
	{                                                                      \
		return NAME##_read(root, ret, err);                            \
	}                                                                      \
	static void NAME##_release_cb(void *data)                              \
	{                                                                      \
		NAME##_release(data);                                          \
	}                                                                      \
	const struct source_desc NAME##_source = {                             \
	    .id = ID,                                                          \
	    .name = #NAME,                                                     \
	    .path = "/" PATH,                                                  \
	    .scope = SCOPE_SYSTEM,                                             \
	    .needs = NEEDS,                                                    \
	    .size = sizeof(struct NAME),                                       \
	    .read = NAME##_read_cb,                                            \
	    .release = NAME##_release_cb,                                      \
	    .summary = SUMMARY,                                                \
	}

/* The row for id; NULL when that source is not built in. */
const struct source_desc *source_get(enum source_id id);
/* Look up by name ("slabinfo"); NULL if unknown. */
const struct source_desc *source_find(const char *name);

#endif
