/* /proc/PID/status: who a process is (name, owner, parent) and the
 * kernel's own per-process memory counters.
 *
 * Sizes are in bytes (the file says kB). A field the kernel does not print
 * is VAL_ABSENT: kernel threads have no Vm* or Rss* lines at all; RssAnon,
 * RssFile, RssShmem came in 4.5, VmPin in 3.2, Kthread in 6.5 (before it,
 * a kernel thread is recognised by its missing VmSize). */
#ifndef MEMTALLY_PID_STATUS_H
#define MEMTALLY_PID_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum status_field {
	ST_TGID, /* count-like fields first */
	ST_PPID,
	ST_THREADS,
	ST_KTHREAD,
	ST_VMPEAK, /* sizes from here */
	ST_VMSIZE,
	ST_VMLCK,
	ST_VMPIN,
	ST_VMHWM,
	ST_VMRSS,
	ST_RSSANON,
	ST_RSSFILE,
	ST_RSSSHMEM,
	ST_VMDATA,
	ST_VMSTK,
	ST_VMEXE,
	ST_VMLIB,
	ST_VMPTE,
	ST_VMSWAP,
	ST_HUGETLBPAGES,
	_ST_MAX,
};

struct pid_status {
	char name[64];	 /* "Name:" as printed (escaped by the kernel) */
	char state;	 /* 'R', 'S', 'Z', ... or 0 when absent */
	uint64_t uid[4]; /* real, effective, saved, fs; VAL_ABSENT if absent */
	uint64_t v[_ST_MAX];
};

const char *pid_status_field_name(enum status_field f);
/* True when this is a kernel thread (Kthread: 1, or no VmSize line). */
bool pid_status_is_kthread(const struct pid_status *s);

int pid_status_parse(const char *buf, size_t len, struct pid_status *ret,
		     struct parse_err *err);
/* Read proc/PID/status through root; -ENOENT/-ESRCH when the process is
 * gone. */
int pid_status_read(struct root *root, int pid, struct pid_status *ret,
		    struct source_err *err);
void pid_status_release(struct pid_status *s);

#endif
