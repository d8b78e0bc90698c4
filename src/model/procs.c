/* Collecting the per-process table; see procs.h.
 *
 * The order of reads matters for honesty: status first (it names the
 * process and tells a kernel thread), then smaps_rollup. Either can fail
 * with ENOENT or ESRCH when the process exits between the listing and the
 * read; that is not an error, the process simply is no longer there.
 * smaps_rollup of another user's process fails with EACCES (it needs
 * PTRACE_MODE_READ, htop #1704), whereas status stays readable, so a
 * denied process is still named. A read of smaps_rollup costs the kernel a
 * walk of the whole address space under mmap_lock; it is the one expensive
 * step and is done once per process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "procs.h"

uint64_t proc_uss(const struct proc *p)
{
	uint64_t c = p->sm.v[SM_PRIVATE_CLEAN], d = p->sm.v[SM_PRIVATE_DIRTY];

	if (!val_has(c) || !val_has(d))
		return VAL_ABSENT;
	return c + d;
}

static bool is_gone(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

static int parse_pid(const char *s)
{
	uint64_t v;
	struct span sp = {s, strlen(s)};

	if (span_u64(sp, &v) < 0 || v == 0 || v > INT32_MAX)
		return -1;
	return (int)v;
}

static void add_denied(struct procs *ps, int pid, const char *comm,
		       const struct source_err *err)
{
	struct proc_denied *d;

	ps->denied = xgrow(ps->denied, &ps->denied_alloc, ps->n_denied + 1,
			   sizeof(*ps->denied));
	d = &ps->denied[ps->n_denied++];
	d->pid = pid;
	snprintf(d->comm, sizeof(d->comm), "%s", comm ? comm : "");
	d->err = *err;
}

static void collect_one(struct root *root, int pid, struct procs *ps)
{
	struct source_err err;
	struct pid_status st;
	struct pid_smaps_rollup sm;
	struct proc *p;
	int r;

	r = pid_status_read(root, pid, &st, &err);
	if (r < 0) {
		if (is_gone(r))
			ps->n_gone++;
		else
			add_denied(ps, pid, NULL, &err);
		return;
	}
	if (pid_status_is_kthread(&st) || st.state == 'Z') {
		ps->n_nomm++;
		return;
	}
	r = pid_smaps_rollup_read(root, pid, &sm, &err);
	if (r < 0) {
		if (is_gone(r))
			ps->n_gone++;
		else
			add_denied(ps, pid, st.name, &err);
		return;
	}
	if (!sm.has_mm) {
		/* exited between the two reads, or a zombie by now */
		ps->n_nomm++;
		return;
	}
	ps->v = xgrow(ps->v, &ps->alloc, ps->n + 1, sizeof(*ps->v));
	p = &ps->v[ps->n++];
	p->pid = pid;
	p->st = st;
	p->sm = sm;
}

int procs_collect(struct root *root, const int *pids, size_t npids,
		  struct procs *ret, struct source_err *err)
{
	struct procs ps = {0};
	char **names = NULL;
	size_t n = 0;
	int r;

	if (npids > 0) {
		for (size_t i = 0; i < npids; i++)
			collect_one(root, pids[i], &ps);
		*ret = ps;
		return 0;
	}
	r = root_list(root, "proc", &names, &n);
	if (r < 0) {
		if (err) {
			char *p = root_display_path(root, "proc");

			memset(err, 0, sizeof(*err));
			err->err = r;
			snprintf(err->path, sizeof(err->path), "%s", p);
			free(p);
		}
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		int pid = parse_pid(names[i]);

		if (pid > 0)
			collect_one(root, pid, &ps);
	}
	root_names_free(names, n);
	*ret = ps;
	return 0;
}

void procs_release(struct procs *ps)
{
	free(ps->v);
	free(ps->denied);
	memset(ps, 0, sizeof(*ps));
}
