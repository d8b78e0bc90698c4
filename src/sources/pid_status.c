/* /proc/PID/status parser and reader.
 *
 * Format (Documentation/filesystems/proc.rst, table 1-2, and
 * fs/proc/array.c): one "Name:\tvalue" a line. Most values are a number,
 * a number with " kB", or several numbers separated by tabs (Uid, Gid).
 * Name is the comm, escaped by the kernel (a newline shows as "\n"), and
 * may itself contain ':' and spaces, so it is taken verbatim after the
 * first tab. We keep only what memtally shows; unknown lines (Cpus_allowed,
 * Seccomp, Speculation_*, the many added over the years) are ignored, but
 * a line without ':' is malformed. Parsing stops after "Threads:", the
 * last line we keep (the rest is signal masks, capabilities and CPU
 * lists; a third of the file).
 *
 * Version notes: RssAnon/RssFile/RssShmem 4.5; VmPin 3.2; HugetlbPages
 * 4.4; Kthread 6.5. Kernel threads print no Vm* lines at all. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbline.h"
#include "pid_status.h"

static const char *const field_names[_ST_MAX] = {
    [ST_TGID] = "Tgid",		[ST_PPID] = "PPid",
    [ST_THREADS] = "Threads",	[ST_KTHREAD] = "Kthread",
    [ST_VMPEAK] = "VmPeak",	[ST_VMSIZE] = "VmSize",
    [ST_VMLCK] = "VmLck",	[ST_VMPIN] = "VmPin",
    [ST_VMHWM] = "VmHWM",	[ST_VMRSS] = "VmRSS",
    [ST_RSSANON] = "RssAnon",	[ST_RSSFILE] = "RssFile",
    [ST_RSSSHMEM] = "RssShmem", [ST_VMDATA] = "VmData",
    [ST_VMSTK] = "VmStk",	[ST_VMEXE] = "VmExe",
    [ST_VMLIB] = "VmLib",	[ST_VMPTE] = "VmPTE",
    [ST_VMSWAP] = "VmSwap",	[ST_HUGETLBPAGES] = "HugetlbPages",
};

const char *pid_status_field_name(enum status_field f)
{
	return (unsigned)f < _ST_MAX ? field_names[f] : NULL;
}

bool pid_status_is_kthread(const struct pid_status *s)
{
	if (val_has(s->v[ST_KTHREAD]))
		return s->v[ST_KTHREAD] != 0;
	return !val_has(s->v[ST_VMSIZE]);
}

void pid_status_release(struct pid_status *s)
{
	(void)s; /* nothing allocated */
}

int pid_status_parse(const char *buf, size_t len, struct pid_status *ret,
		     struct parse_err *err)
{
	struct pid_status s = {0};
	struct line_iter it;
	struct span line;
	bool have_name = false;

	for (int i = 0; i < _ST_MAX; i++)
		s.v[i] = VAL_ABSENT;
	for (size_t i = 0; i < ELEMENTSOF(s.uid); i++)
		s.uid[i] = VAL_ABSENT;
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
		if (kbline_split(line, &name, &rest) < 0)
			return parse_fail(err, it.lineno,
					  "not a 'Name: value' line");
		if (span_eq(name, "Name")) {
			/* verbatim after the one tab the kernel prints */
			if (rest.len && rest.p[0] == '\t') {
				rest.p++;
				rest.len--;
			}
			if (!have_name)
				span_copy(rest, s.name, sizeof(s.name));
			have_name = true;
			continue;
		}
		if (span_eq(name, "State")) {
			struct span t = span_trim(rest);

			if (t.len == 0)
				return parse_fail(err, it.lineno,
						  "'State' has no value");
			s.state = t.p[0];
			continue;
		}
		if (span_eq(name, "Uid")) {
			struct span f[5];
			size_t nf = span_fields(rest, f, ELEMENTSOF(f));

			if (nf != 4)
				return parse_fail(
				    err, it.lineno,
				    "'Uid' should have 4 numbers");
			for (size_t i = 0; i < 4; i++) {
				r = span_u64(f[i], &s.uid[i]);
				if (r < 0)
					return parse_fail_errno(
					    err, r, it.lineno,
					    "'Uid' is not numeric");
			}
			continue;
		}
		for (int i = 0; i < _ST_MAX; i++)
			if (field_names[i][0] == name.p[0] &&
			    span_eq(name, field_names[i])) {
				idx = i;
				break;
			}
		if (idx < 0)
			continue;
		r = kbline_value(rest, idx >= ST_VMPEAK, &v, &why);
		if (r < 0)
			return parse_fail_errno(err, r, it.lineno, "'%.*s' %s",
						(int)name.len, name.p, why);
		if (!val_has(s.v[idx]))
			s.v[idx] = v;
		/* nothing we keep comes after Threads (fs/proc/array.c
		 * prints signals, capabilities, CPU lists next) */
		if (idx == ST_THREADS)
			break;
	}
	if (!have_name)
		return parse_fail(err, 0, "no Name line");
	*ret = s;
	return 0;
}

static int parse_cb(const char *buf, size_t len, void *ret,
		    struct parse_err *err)
{
	return pid_status_parse(buf, len, ret, err);
}

int pid_status_read(struct root *root, int pid, struct pid_status *ret,
		    struct source_err *err)
{
	char path[64];

	snprintf(path, sizeof(path), "proc/%d/status", pid);
	return source_read_parse(root, path, parse_cb, ret, err);
}
