/* Every source module's header, for code that iterates parsers (the fuzz
 * driver). Add a line when you add a source. */
#ifndef MEMTALLY_ALLPARSERS_H
#define MEMTALLY_ALLPARSERS_H

#include "dentry_state.h"
#include "hugepages.h"
#include "iomem.h"
#include "meminfo.h"
#include "pressure.h"
#include "swaps.h"
#include "vmstat.h"

/* pools */
#include "allocinfo.h"
#include "slab_sysfs.h"
#include "slabinfo.h"
#include "vmallocinfo.h"

/* free */
#include "buddyinfo.h"
#include "pagetypeinfo.h"
#include "zoneinfo.h"

/* bpf pool tags */
#include "kallsyms.h"

/* procs, cgroups, lists */
#include "cgroup_memory_stat.h"
#include "lru_gen.h"
#include "pid_smaps_rollup.h"
#include "pid_status.h"

/* owners: sockets */
#include "sockdiag.h"
#include "sockstat.h"
/* owners: descriptors and IPC objects */
#include "fdinfo.h"
#include "sysvipc.h"

#endif
