/* The empty view: RAMMap's Empty menu for Linux.
 *
 * The one view that writes to the system, and only with opts.yes;
 * without it, it says exactly what it would write where, and does
 * nothing. Each action is a function of src/model/reclaim.c; around it,
 * the `usage` accounting (src/analysis/accounting.c) is taken before and
 * after, and the categories that moved are shown. Live system only. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/accounting.h"
#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "../model/cgroups.h"
#include "../model/procs.h"
#include "../model/reclaim.h"
#include "../model/snapshot.h"
#include "../sources/meminfo.h"
#include "empty.h"

static const struct {
	const char *name, *alias;
} actions[] = {
    [EMPTY_WORKINGSETS] = {"workingsets", "workingset"},
    [EMPTY_STANDBY] = {"standby", NULL},
    [EMPTY_MODIFIED] = {"modified", NULL},
    [EMPTY_SLAB] = {"slab", NULL},
    [EMPTY_COMPACT] = {"compact", "compaction"},
};

struct steps {
	char **v;
	size_t n, alloc;
};

/* What an action works on, found before it runs. */
struct plan {
	struct accounting before;
	uint64_t swap_total;
	char *cgdir; /* workingsets --cgroup: the absolute directory */
	int version; /* its hierarchy, 1 or 2 */
	uint64_t cg_bytes;
	struct procs targets; /* workingsets without --cgroup */
	struct steps steps;   /* what would be done */
	struct steps done;    /* what was done */
};

int empty_action_from_name(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(actions); i++)
		if (streq(s, actions[i].name) ||
		    (actions[i].alias && streq(s, actions[i].alias)))
			return (int)i;
	return -1;
}

const char *empty_action_name(enum empty_action a)
{
	return actions[a].name;
}

int empty_opts_check(const struct empty_opts *o, struct view_err *err)
{
	if ((o->npids || o->cgroup) && o->action != EMPTY_WORKINGSETS)
		return view_fail(err, -EINVAL,
				 "--pid and --cgroup go with 'workingsets'");
	if (o->npids && o->cgroup)
		return view_fail(err, -EINVAL, "--pid or --cgroup, not both");
	if (o->cgroup && o->cgroup[0] != '/')
		return view_fail(err, -EINVAL,
				 "a cgroup starts with '/', not '%s'",
				 o->cgroup);
	return 0;
}

static void step_add(struct steps *s, const char *fmt, ...) _printf_(2, 3);
static void step_add(struct steps *s, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		p = xstrdup("?");
	va_end(ap);
	s->v = xgrow(s->v, &s->alloc, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = p;
}

static void steps_release(struct steps *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void plan_release(struct plan *p)
{
	free(p->cgdir);
	procs_release(&p->targets);
	steps_release(&p->steps);
	steps_release(&p->done);
}

/* usage's accounting now (as `usage --deep` computes it); -errno when
 * meminfo cannot be read */
static int take(struct root *root, struct accounting *ret, uint64_t *ret_sw)
{
	struct snapshot snap;
	const struct meminfo *mi;
	int r;

	snapshot_collect(root, ACCT_SOURCES_DEEP, &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	if (!mi) {
		snapshot_release(&snap);
		return -EIO;
	}
	r = accounting_from_snapshot(&snap, root_page_size(root), ret);
	*ret_sw = mi->v[MI_SWAPTOTAL];
	snapshot_release(&snap);
	return r;
}

/* The processes' RSS summed, as text: "n/a (...)" when any of them is
 * unreadable (another user's process without root), never a 0 that
 * means "could not look". */
static const char *procs_rss_text(const struct procs *ps, char *buf, size_t n)
{
	uint64_t sum = 0;

	if (ps->n_denied) {
		snprintf(buf, n, "n/a: cannot read PID %d: %s",
			 ps->denied[0].pid, strerror(-ps->denied[0].err.err));
		return buf;
	}
	for (size_t i = 0; i < ps->n; i++) {
		uint64_t v = ps->v[i].sm.v[SM_RSS];

		if (!val_has(v) || __builtin_add_overflow(sum, v, &sum)) {
			snprintf(buf, n,
				 "n/a: cannot read the smaps_rollup of PID %d",
				 ps->v[i].pid);
			return buf;
		}
	}
	return human_bytes(sum, buf, n);
}

/* Every PID asked for with --pid must exist: a PID that is not there is
 * an error, not "0 processes" (kill(pid, 0): EPERM means it exists, as
 * another user's). */
static int check_pids(const struct empty_opts *o, struct view_err *err)
{
	for (size_t i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) < 0 && errno == ESRCH)
			return view_fail(err, -ESRCH, "no process '%d'",
					 o->pids[i]);
	return 0;
}

/* workingsets --cgroup: the directory, and what would be written. */
static int plan_cgroup(struct root *root, const struct empty_opts *o,
		       struct plan *p, struct view_err *err)
{
	const char *base = cgroups_memory_base(root, &p->version);

	if (!base)
		return view_fail(err, -ENOENT,
				 "no memory cgroup controller is mounted");
	{
		_cleanup_free_ char *mount = xasprintf("/%s", base);
		int r = cgroups_resolve(mount, o->cgroup, &p->cgdir);

		if (r == -EINVAL || r == -EXDEV)
			return view_fail(err, r,
					 "cgroup '%s' is not a path beneath "
					 "'%s' ('..' and symlinks out are "
					 "refused)",
					 o->cgroup, mount);
		if (r < 0)
			return view_fail(err, r,
					 "cannot find cgroup '%s' in '%s': %s",
					 o->cgroup, mount, strerror(-r));
	}
	if (p->version != 2) {
		step_add(&p->steps,
			 "write 0 to %s/memory.force_empty (cgroup v1)",
			 p->cgdir);
		return 0;
	}
	{
		_cleanup_free_ char *cur =
		    xasprintf("%s/memory.current", p->cgdir);
		_cleanup_free_ char *buf = NULL;
		size_t len;

		if (root_read(root, cur + 1, &buf, &len) == 0) {
			struct span s = {buf, len};

			if (span_u64(span_trim(s), &p->cg_bytes) < 0)
				p->cg_bytes = 0;
		}
	}
	step_add(&p->steps,
		 "write %llu (its memory.current) to %s/memory.reclaim",
		 (unsigned long long)p->cg_bytes, p->cgdir);
	return 0;
}

static int plan_workingsets(struct root *root, const struct empty_opts *o,
			    struct plan *p, struct view_err *err)
{
	char h[160];
	int r;

	if (o->cgroup) {
		r = plan_cgroup(root, o, p, err);
		if (r < 0)
			return r;
	} else {
		r = check_pids(o, err);
		if (r < 0)
			return r;
		r = procs_collect(root, o->pids, o->npids, &p->targets, NULL);
		if (r < 0)
			return view_fail(err, r, "cannot read '/proc': %s",
					 strerror(-r));
		step_add(&p->steps,
			 "process_madvise(MADV_PAGEOUT) on every mapping of "
			 "%zu process%s (RSS now %s)",
			 p->targets.n, p->targets.n == 1 ? "" : "es",
			 procs_rss_text(&p->targets, h, sizeof(h)));
	}
	if (!val_has(p->swap_total) || p->swap_total == 0)
		step_add(&p->steps, "(no swap: only file-backed pages can go; "
				    "anonymous memory stays)");
	return 0;
}

/* What exactly would be done, into p->steps. */
static int plan_action(struct root *root, const struct empty_opts *o,
		       struct plan *p, struct view_err *err)
{
	const struct accounting *b = &p->before;
	char h[32];

	switch (o->action) {
	case EMPTY_WORKINGSETS:
		return plan_workingsets(root, o, p, err);
	case EMPTY_STANDBY:
		step_add(&p->steps,
			 "write 1 to /proc/sys/vm/drop_caches (drop clean page "
			 "cache; page cache now %s)",
			 human_bytes((uint64_t)b->bytes[ACCT_PAGE_CACHE], h,
				     sizeof(h)));
		break;
	case EMPTY_MODIFIED:
		step_add(&p->steps,
			 "sync(2): write back every dirty page (dirty now %s)",
			 human_bytes(b->lists.dirty, h, sizeof(h)));
		break;
	case EMPTY_SLAB:
		step_add(&p->steps,
			 "write 2 to /proc/sys/vm/drop_caches (drop "
			 "reclaimable slab; now %s)",
			 human_bytes((uint64_t)b->bytes[ACCT_SLAB_RECLAIMABLE],
				     h, sizeof(h)));
		break;
	case EMPTY_COMPACT:
		step_add(&p->steps, "write 1 to /proc/sys/vm/compact_memory "
				    "(compact every zone)");
		break;
	}
	return 0;
}

/* Page out every target process but ourselves. */
static int do_pageout(struct plan *p, struct view_err *err)
{
	size_t nd = 0, nsk = 0, ngone = 0, nfail = 0;
	int first_err = 0, r;

	for (size_t i = 0; i < p->targets.n; i++) {
		size_t d = 0, sk = 0;

		if (p->targets.v[i].pid == getpid())
			continue;
		r = reclaim_process(p->targets.v[i].pid, &d, &sk);
		if (r == -ESRCH || r == -ENOENT) {
			ngone++;
		} else if (r < 0) {
			nfail++;
			if (!first_err)
				first_err = r;
		}
		nd += d;
		nsk += sk;
	}
	if (nfail && nfail == p->targets.n)
		return view_fail(err, first_err,
				 "cannot page out any process: %s",
				 strerror(-first_err));
	step_add(&p->done,
		 "paged out %zu mappings (%zu refused: locked, PFN or "
		 "hugetlb), %zu process%s gone, %zu failed",
		 nd, nsk, ngone, ngone == 1 ? "" : "es", nfail);
	return 0;
}

/* Do the planned action. */
static int do_action(const struct empty_opts *o, struct plan *p,
		     struct view_err *err)
{
	int r = 0;

	switch (o->action) {
	case EMPTY_WORKINGSETS:
		if (!o->cgroup)
			return do_pageout(p, err);
		r = reclaim_cgroup(p->cgdir, p->version, p->cg_bytes);
		if (r < 0)
			return view_fail(err, r, "cannot write '%s/%s': %s",
					 p->cgdir,
					 p->version == 2 ? "memory.reclaim"
							 : "memory.force_empty",
					 strerror(-r));
		return 0;
	case EMPTY_STANDBY:
	case EMPTY_SLAB:
		r = reclaim_drop_caches(o->action == EMPTY_STANDBY ? 1 : 2);
		if (r < 0)
			return view_fail(err, r,
					 "cannot write "
					 "'/proc/sys/vm/drop_caches': %s",
					 strerror(-r));
		return 0;
	case EMPTY_MODIFIED:
		reclaim_sync();
		return 0;
	case EMPTY_COMPACT:
		r = reclaim_compact();
		if (r < 0)
			return view_fail(err, r,
					 "cannot write "
					 "'/proc/sys/vm/compact_memory': %s",
					 strerror(-r));
		return 0;
	}
	return 0;
}

/* The categories that moved by 1 MiB or more (free always), and the
 * available memory. */
static struct table *diff_table(const struct accounting *b,
				const struct accounting *a)
{
	struct table *t = table_new(NULL);

	table_add_col(t, "CATEGORY", "name", COL_STR);
	table_add_col(t, "BEFORE", "before", COL_BYTES);
	table_add_col(t, "AFTER", "after", COL_BYTES);
	table_add_col(t, "CHANGE", "change", COL_SBYTES);
	for (int c = 0; c < _ACCT_MAX; c++) {
		size_t r;

		if (!b->present[c] || !a->present[c])
			continue;
		/* small moves are noise from the rest of the system */
		if (c != ACCT_FREE &&
		    llabs(a->bytes[c] - b->bytes[c]) < (1 << 20))
			continue;
		r = table_add_row(t);
		table_set_str(t, r, 0, acct_cat_info(c)->label);
		if (b->bytes[c] >= 0)
			table_set_u64(t, r, 1, (uint64_t)b->bytes[c]);
		if (a->bytes[c] >= 0)
			table_set_u64(t, r, 2, (uint64_t)a->bytes[c]);
		table_set_i64(t, r, 3, a->bytes[c] - b->bytes[c]);
	}
	if (val_has(b->available) && val_has(a->available)) {
		size_t r = table_add_row(t);

		table_row_total(t, r);
		table_set_str(t, r, 0, "available");
		table_set_u64(t, r, 1, b->available);
		table_set_u64(t, r, 2, a->available);
		table_set_i64(t, r, 3,
			      (int64_t)a->available - (int64_t)b->available);
	}
	table_add_note(t, "Categories of 'memtally usage' that moved by 1 MiB "
			  "or more; the rest of the system keeps running "
			  "meanwhile.");
	return t;
}

/* The accounting as JSON values: category: bytes, "available". */
static void add_acct(struct doc *d, const char *key, const struct accounting *a)
{
	struct doc *s = doc_add_section(d, key);

	for (int c = 0; c < _ACCT_MAX; c++)
		if (a->present[c])
			doc_add_sbytes(s, acct_cat_info(c)->key, NULL,
				       a->bytes[c]);
	doc_add_bytes(s, "available", NULL, a->available);
}

static struct doc *fill(const struct empty_opts *o, const struct plan *p,
			const struct accounting *after)
{
	struct doc *d = doc_new();
	const char *name = actions[o->action].name;

	doc_add_line(d, NULL, "memtally empty %s %s:", name,
		     o->yes ? "did" : "would");
	doc_add_str(d, "action", NULL, name);
	doc_add_bool(d, "done", NULL, o->yes);
	doc_add_strings(d, "steps", (const char *const *)p->steps.v,
			p->steps.n);
	add_acct(d, "before", &p->before);
	if (after)
		add_acct(d, "after", after);
	else
		doc_add_null(d, "after", NULL, NULL);
	doc_add_strings(d, "notes", (const char *const *)p->done.v, p->done.n);
	if (!o->yes)
		doc_add_line(d, NULL, "Nothing done; add --yes to do it.");
	if (after)
		doc_add_table(d, NULL, diff_table(&p->before, after));
	return d;
}

int view_empty(struct root *root, const struct empty_opts *o, struct doc **ret,
	       struct view_err *err)
{
	struct plan p = {.swap_total = VAL_ABSENT};
	struct accounting after;
	bool have_after = false;
	uint64_t sw2;
	int r;

	r = empty_opts_check(o, err);
	if (r < 0)
		return r;
	if (!root_is_live(root))
		return view_fail(err, -EOPNOTSUPP,
				 "'empty' is unavailable on a captured tree or "
				 "snapshot: it reads the live page cache");
	if (take(root, &p.before, &p.swap_total) < 0)
		return view_fail(err, -EIO, "cannot read '/proc/meminfo'");
	r = plan_action(root, o, &p, err);
	if (r == 0 && o->yes) {
		r = do_action(o, &p, err);
		if (r == 0)
			have_after = take(root, &after, &sw2) == 0;
	}
	if (r == 0)
		*ret = fill(o, &p, have_after ? &after : NULL);
	plan_release(&p);
	return r;
}
