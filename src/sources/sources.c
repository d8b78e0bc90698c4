/* The source table; see sources.h. Each module defines its row as
 * `const struct source_desc X_source` next to its reader. */
#include <string.h>

#include "sources.h"

extern const struct source_desc meminfo_source;
extern const struct source_desc vmstat_source;
extern const struct source_desc slabinfo_source;
extern const struct source_desc slab_sysfs_source;
extern const struct source_desc buddyinfo_source;
extern const struct source_desc pagetypeinfo_source;
extern const struct source_desc zoneinfo_source;
extern const struct source_desc iomem_source;
extern const struct source_desc vmallocinfo_source;
extern const struct source_desc allocinfo_source;
extern const struct source_desc swaps_source;
extern const struct source_desc pressure_source;
extern const struct source_desc dentry_state_source;
extern const struct source_desc sockstat_source;
extern const struct source_desc sysvipc_shm_source;
extern const struct source_desc sysvipc_msg_source;
extern const struct source_desc hugepages_source;

static const struct source_desc *const table[_SRC_MAX] = {
    [SRC_MEMINFO] = &meminfo_source,

    [SRC_VMSTAT] = &vmstat_source,

    [SRC_SLABINFO] = &slabinfo_source,

    [SRC_SLAB_SYSFS] = &slab_sysfs_source,

    [SRC_BUDDYINFO] = &buddyinfo_source,

    [SRC_PAGETYPEINFO] = &pagetypeinfo_source,

    [SRC_ZONEINFO] = &zoneinfo_source,

    [SRC_IOMEM] = &iomem_source,

    [SRC_VMALLOCINFO] = &vmallocinfo_source,

    [SRC_ALLOCINFO] = &allocinfo_source,

    [SRC_SWAPS] = &swaps_source,

    [SRC_PRESSURE] = &pressure_source,

    [SRC_DENTRY_STATE] = &dentry_state_source,
    [SRC_SOCKSTAT] = &sockstat_source,
    [SRC_SYSVIPC_SHM] = &sysvipc_shm_source,

    [SRC_SYSVIPC_MSG] = &sysvipc_msg_source,

    [SRC_HUGEPAGES] = &hugepages_source,
};

const struct source_desc *source_get(enum source_id id)
{
	return (unsigned)id < _SRC_MAX ? table[id] : NULL;
}

const struct source_desc *source_find(const char *name)
{
	for (int i = 0; i < _SRC_MAX; i++)
		if (table[i] && strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}
