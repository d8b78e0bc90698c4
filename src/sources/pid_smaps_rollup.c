/* /proc/PID/smaps_rollup parser and reader.
 *
 * Format (Documentation/filesystems/proc.rst, "smaps_rollup", Linux 4.14+):
 * a header line shaped like a mapping ("55c2...-7ffe... ---p 00000000
 * 00:00 0   [rollup]"), then the smaps fields summed over every mapping,
 * one "Name:  <decimal> kB" a line. Fields by kernel version: Pss_Anon,
 * Pss_File, Pss_Shmem 5.7; Pss_Dirty 6.0; KSM 6.7; SwapPss 4.3. Unknown
 * fields are ignored. A kernel thread's file is empty (no mm); so is a
 * zombie's. Reading another user's file needs PTRACE_MODE_READ (htop
 * #1704): the open fails with EACCES, never silently gives zeros.
 *
 * Strictness: a known field must carry " kB"; a line without ':' other
 * than the header is malformed; a file cut mid-line is refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbline.h"
#include "pid_smaps_rollup.h"

static const char *const field_names[_SM_MAX] = {
    [SM_RSS] = "Rss",
    [SM_PSS] = "Pss",
    [SM_PSS_DIRTY] = "Pss_Dirty",
    [SM_PSS_ANON] = "Pss_Anon",
    [SM_PSS_FILE] = "Pss_File",
    [SM_PSS_SHMEM] = "Pss_Shmem",
    [SM_SHARED_CLEAN] = "Shared_Clean",
    [SM_SHARED_DIRTY] = "Shared_Dirty",
    [SM_PRIVATE_CLEAN] = "Private_Clean",
    [SM_PRIVATE_DIRTY] = "Private_Dirty",
    [SM_REFERENCED] = "Referenced",
    [SM_ANONYMOUS] = "Anonymous",
    [SM_KSM] = "KSM",
    [SM_LAZYFREE] = "LazyFree",
    [SM_ANONHUGEPAGES] = "AnonHugePages",
    [SM_SHMEMPMDMAPPED] = "ShmemPmdMapped",
    [SM_FILEPMDMAPPED] = "FilePmdMapped",
    [SM_SHARED_HUGETLB] = "Shared_Hugetlb",
    [SM_PRIVATE_HUGETLB] = "Private_Hugetlb",
    [SM_SWAP] = "Swap",
    [SM_SWAPPSS] = "SwapPss",
    [SM_LOCKED] = "Locked",
};

const char *pid_smaps_rollup_field_name(enum smaps_field f)
{
	return (unsigned)f < _SM_MAX ? field_names[f] : NULL;
}

void pid_smaps_rollup_release(struct pid_smaps_rollup *s)
{
	(void)s; /* nothing allocated */
}

int pid_smaps_rollup_parse(const char *buf, size_t len,
			   struct pid_smaps_rollup *ret, struct parse_err *err)
{
	struct pid_smaps_rollup s = {0};
	struct line_iter it;
	struct span line;
	bool header = false;

	for (int i = 0; i < _SM_MAX; i++)
		s.v[i] = VAL_ABSENT;
	if (len == 0) {
		*ret = s; /* no address space */
		return 0;
	}
	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span name, rest;
		const char *why;
		uint64_t v;
		int idx = -1, r;

		if (span_trim(line).len == 0)
			continue;
		if (kbline_split(line, &name, &rest) < 0 ||
		    memchr(name.p, ' ', name.len)) {
			/* the "[rollup]" header is the only other shape */
			if (!header && it.lineno == 1 &&
			    memchr(line.p, '-', line.len)) {
				header = true;
				continue;
			}
			return parse_fail(err, it.lineno,
					  "not a 'Name: value kB' line");
		}
		for (int i = 0; i < _SM_MAX; i++)
			if (field_names[i][0] == name.p[0] &&
			    span_eq(name, field_names[i])) {
				idx = i;
				break;
			}
		if (idx < 0)
			continue; /* a newer kernel's field */
		r = kbline_value(rest, true, &v, &why);
		if (r < 0)
			return parse_fail_errno(err, r, it.lineno, "'%.*s' %s",
						(int)name.len, name.p, why);
		if (!val_has(s.v[idx]))
			s.v[idx] = v;
	}
	if (!val_has(s.v[SM_RSS]))
		return parse_fail(err, 0, "no Rss line");
	s.has_mm = true;
	*ret = s;
	return 0;
}

static int parse_cb(const char *buf, size_t len, void *ret,
		    struct parse_err *err)
{
	return pid_smaps_rollup_parse(buf, len, ret, err);
}

int pid_smaps_rollup_read(struct root *root, int pid,
			  struct pid_smaps_rollup *ret, struct source_err *err)
{
	char path[64];

	snprintf(path, sizeof(path), "proc/%d/smaps_rollup", pid);
	return source_read_parse(root, path, parse_cb, ret, err);
}
