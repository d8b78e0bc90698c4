/* /proc/PID/smaps_rollup: one process's memory, summed over its mappings.
 *
 * Every figure is in bytes (the file says kB, meaning KiB). A field this
 * kernel does not print is VAL_ABSENT: Pss_Anon/Pss_File/Pss_Shmem came in
 * 5.7, Pss_Dirty in 6.0, KSM in 6.7. A kernel thread has no address space
 * and an empty file: it parses to has_mm = false with every field absent. */
#ifndef MEMTALLY_PID_SMAPS_ROLLUP_H
#define MEMTALLY_PID_SMAPS_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum smaps_field {
	SM_RSS,
	SM_PSS,
	SM_PSS_DIRTY,
	SM_PSS_ANON,
	SM_PSS_FILE,
	SM_PSS_SHMEM,
	SM_SHARED_CLEAN,
	SM_SHARED_DIRTY,
	SM_PRIVATE_CLEAN,
	SM_PRIVATE_DIRTY,
	SM_REFERENCED,
	SM_ANONYMOUS,
	SM_KSM,
	SM_LAZYFREE,
	SM_ANONHUGEPAGES,
	SM_SHMEMPMDMAPPED,
	SM_FILEPMDMAPPED,
	SM_SHARED_HUGETLB,
	SM_PRIVATE_HUGETLB,
	SM_SWAP,
	SM_SWAPPSS,
	SM_LOCKED,
	_SM_MAX,
};

struct pid_smaps_rollup {
	bool has_mm; /* false: kernel thread or zombie, nothing mapped */
	uint64_t v[_SM_MAX];
};

/* The field's name as the kernel prints it ("Pss_Anon"). */
const char *pid_smaps_rollup_field_name(enum smaps_field f);

int pid_smaps_rollup_parse(const char *buf, size_t len,
			   struct pid_smaps_rollup *ret, struct parse_err *err);
/* Read proc/PID/smaps_rollup through root. -ENOENT/-ESRCH: the process
 * is gone; -EACCES/-EPERM: not ours to read (needs root). */
int pid_smaps_rollup_read(struct root *root, int pid,
			  struct pid_smaps_rollup *ret, struct source_err *err);
void pid_smaps_rollup_release(struct pid_smaps_rollup *s);

#endif
