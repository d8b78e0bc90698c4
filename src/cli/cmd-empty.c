/* `memtally empty WHAT --yes`: RAMMap's Empty menu for Linux.
 *
 * The one command that writes to the system, and only with --yes; without
 * it, it says exactly what it would write where, and does nothing. Each
 * action is a function of src/model/reclaim.c; around it, the `usage`
 * accounting (src/analysis/accounting.c) is taken before and after, and
 * the categories that moved are shown. Live system only. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/accounting.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/cgroups.h"
#include "../model/procs.h"
#include "../model/reclaim.h"
#include "../model/snapshot.h"
#include "../sources/meminfo.h"
#include "../sources/vmallocinfo.h"
#include "cli.h"

const char cmd_empty_help[] =
    "Usage: memtally empty WHAT [options] --yes\n"
    "\n"
    "RAMMap's Empty menu for Linux: ask the kernel to give memory back.\n"
    "Without --yes it prints exactly what it would do and does nothing.\n"
    "With --yes it does it and shows the 'usage' categories before and\n"
    "after. Needs root. Nothing else in memtally writes to the system.\n"
    "\n"
    "WHAT:\n"
    "  workingsets  page out processes' memory (Empty Working Sets):\n"
    "               process_madvise(2) MADV_PAGEOUT on every mapping of\n"
    "               every process (or of --pid), or memory.reclaim of a\n"
    "               cgroup (--cgroup; memory.force_empty on cgroup v1).\n"
    "               Anonymous pages only go where there is swap.\n"
    "  standby      drop clean page cache (Empty Standby List): write 1 to\n"
    "               /proc/sys/vm/drop_caches. Dirty pages stay.\n"
    "  modified     write dirty pages back (Empty Modified Page List):\n"
    "               sync(2). They stay cached, now clean.\n"
    "  slab         drop reclaimable slab objects (dentries, inodes): write\n"
    "               2 to /proc/sys/vm/drop_caches.\n"
    "  compact      compact memory into large free blocks: write 1 to\n"
    "               /proc/sys/vm/compact_memory.\n"
    "\n"
    "Options:\n"
    "  -y, --yes           do it (without: only say what would be done)\n"
    "  -p, --pid LIST      workingsets: only these processes\n"
    "  -c, --cgroup PATH   workingsets: this cgroup (\"/system.slice\")\n"
    "\n"
    "Dropping caches costs I/O later, when the data is read again; it is a\n"
    "tool for measurement and tests, not for tuning.\n"
    "\n"
    "JSON: {\"action\", \"done\", \"steps\": [...], \"before\": {category:\n"
    "bytes}, \"after\": {...}, \"notes\": [...]}.\n"
    "\n"
    "Examples:\n"
    "  memtally empty standby           what it would do\n"
    "  memtally empty standby --yes\n"
    "  memtally empty workingsets --pid 1234 --yes\n";

enum action {
	ACT_WORKINGSETS,
	ACT_STANDBY,
	ACT_MODIFIED,
	ACT_SLAB,
	ACT_COMPACT,
};

static const struct {
	const char *name, *alias;
} actions[] = {
    [ACT_WORKINGSETS] = {"workingsets", "workingset"},
    [ACT_STANDBY] = {"standby", NULL},
    [ACT_MODIFIED] = {"modified", NULL},
    [ACT_SLAB] = {"slab", NULL},
    [ACT_COMPACT] = {"compact", "compaction"},
};

struct steps {
	char **v;
	size_t n, alloc;
};

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

/* usage's accounting now (as `usage --deep` computes it); -errno when
 * meminfo cannot be read */
static int take(struct root *root, struct accounting *ret, uint64_t *ret_sw)
{
	struct snapshot snap;
	const struct meminfo *mi;
	long ps = sysconf(_SC_PAGESIZE);
	int r;

	snapshot_collect(root, ACCT_SOURCES_DEEP, &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	if (!mi) {
		snapshot_release(&snap);
		return -EIO;
	}
	r = accounting_from_snapshot(&snap, ps > 0 ? (uint64_t)ps : 4096, ret);
	*ret_sw = mi->v[MI_SWAPTOTAL];
	snapshot_release(&snap);
	return r;
}

static json_object *acct_json(const struct accounting *a)
{
	json_object *o = json_object_new_object();

	for (int c = 0; c < _ACCT_MAX; c++)
		if (a->present[c])
			json_object_object_add(
			    o, acct_cat_info(c)->key,
			    json_object_new_int64(a->bytes[c]));
	json_object_object_add(o, "available",
			       val_has(a->available)
				   ? json_object_new_uint64(a->available)
				   : NULL);
	return o;
}

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
	return t;
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
				 "n/a: cannot read the smaps_rollup "
				 "of PID %d",
				 ps->v[i].pid);
			return buf;
		}
	}
	return human_bytes(sum, buf, n);
}

/* Every PID asked for with --pid must exist: a PID that is not there is
 * an error, not "0 processes". Logs and returns -ESRCH for the first
 * missing one (kill(pid, 0): EPERM means it exists, as another user's). */
static int check_pids(const int *pids, size_t npids)
{
	for (size_t i = 0; i < npids; i++)
		if (kill(pids[i], 0) < 0 && errno == ESRCH)
			return log_error_errno(-ESRCH, "no process '%d'",
					       pids[i]);
	return 0;
}

/* The directory of --cgroup under the memory controller's mount base,
 * resolved beneath it (cgroups_resolve): logs and returns -errno when it
 * escapes, is not there or is not a cgroup directory. */
static int resolve_cgroup(const char *base, const char *cgroup, char **ret)
{
	_cleanup_free_ char *mount = xasprintf("/%s", base);
	int r = cgroups_resolve(mount, cgroup, ret);

	if (r == -EINVAL || r == -EXDEV)
		return log_error_errno(r,
				       "cgroup '%s' is not a path beneath "
				       "'%s' ('..' and symlinks out are "
				       "refused)",
				       cgroup, mount);
	if (r < 0)
		return log_error_errno(r, "cannot find cgroup '%s' in '%s'",
				       cgroup, mount);
	return 0;
}

int cmd_empty(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"yes", no_argument, NULL, 'y'},
	    {"pid", required_argument, NULL, 'p'},
	    {"cgroup", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0}};
	_cleanup_free_ int *pids = NULL;
	_cleanup_free_ char *cgdir = NULL;
	const char *cgroup = NULL, *base = NULL;
	struct accounting before, after;
	struct steps steps = {0}, done = {0};
	struct procs targets = {0};
	uint64_t swap_total = VAL_ABSENT, sw2, cg_bytes = 0;
	size_t npids = 0;
	bool yes = false, have_after = false;
	int c, r, act = -1, version = 0, rc = EXIT_OK;
	struct root *root;
	char h[80];

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "yp:c:",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			yes = true;
			continue;
		case 'p':
			free(pids);
			pids = NULL;
			if (cli_parse_pids(optarg, &pids, &npids) < 0)
				return cli_usage_error(
				    ctx,
				    "--pid wants PIDs like 1,42, not "
				    "'%s'",
				    optarg);
			continue;
		case 'c':
			cgroup = optarg;
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind >= argc)
		return cli_usage_error(ctx,
				       "empty what? (workingsets, "
				       "standby, modified, slab, compact)");
	for (size_t i = 0; i < ELEMENTSOF(actions); i++)
		if (streq(argv[optind], actions[i].name) ||
		    (actions[i].alias && streq(argv[optind], actions[i].alias)))
			act = (int)i;
	if (act < 0)
		return cli_usage_error(ctx,
				       "cannot empty '%s' (workingsets, "
				       "standby, modified, slab, compact)",
				       argv[optind]);
	if (optind + 1 < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind + 1]);
	if ((npids || cgroup) && act != ACT_WORKINGSETS)
		return cli_usage_error(ctx, "--pid and --cgroup go with "
					    "'workingsets'");
	if (npids && cgroup)
		return cli_usage_error(ctx, "--pid or --cgroup, not both");
	if (cgroup && cgroup[0] != '/')
		return cli_usage_error(
		    ctx, "a cgroup starts with '/', not '%s'", cgroup);
	if (cli_require_live(ctx, "'empty'") < 0)
		return EXIT_FAIL;
	root = ctx_root(ctx);
	if (take(root, &before, &swap_total) < 0) {
		log_error("cannot read '/proc/meminfo'");
		return EXIT_FAIL;
	}

	/* what exactly would be done */
	switch (act) {
	case ACT_WORKINGSETS:
		if (cgroup) {
			base = cgroups_memory_base(root, &version);
			if (!base) {
				log_error("no memory cgroup controller is "
					  "mounted");
				return EXIT_FAIL;
			}
			if (resolve_cgroup(base, cgroup, &cgdir) < 0)
				return EXIT_FAIL;
			if (version == 2) {
				_cleanup_free_ char *cur =
				    xasprintf("%s/memory.current", cgdir);
				_cleanup_free_ char *buf = NULL;
				size_t len;

				if (root_read(root, cur + 1, &buf, &len) == 0) {
					struct span s = {buf, len};

					if (span_u64(span_trim(s), &cg_bytes) <
					    0)
						cg_bytes = 0;
				}
				step_add(&steps,
					 "write %llu (its memory.current) to "
					 "%s/memory.reclaim",
					 (unsigned long long)cg_bytes, cgdir);
			} else {
				step_add(&steps,
					 "write 0 to %s/memory.force_empty "
					 "(cgroup v1)",
					 cgdir);
			}
		} else {
			r = procs_collect(root, pids, npids, &targets, NULL);
			if (r < 0) {
				log_error_errno(r, "cannot read '/proc'");
				return EXIT_FAIL;
			}
			if (check_pids(pids, npids) < 0) {
				procs_release(&targets);
				return EXIT_FAIL;
			}
			step_add(&steps,
				 "process_madvise(MADV_PAGEOUT) on every "
				 "mapping of %zu process%s (RSS now %s)",
				 targets.n, targets.n == 1 ? "" : "es",
				 procs_rss_text(&targets, h, sizeof(h)));
		}
		if (!val_has(swap_total) || swap_total == 0)
			step_add(&steps, "(no swap: only file-backed pages can "
					 "go; anonymous memory stays)");
		break;
	case ACT_STANDBY:
		step_add(&steps,
			 "write 1 to /proc/sys/vm/drop_caches (drop clean page "
			 "cache; page cache now %s)",
			 human_bytes((uint64_t)before.bytes[ACCT_PAGE_CACHE], h,
				     sizeof(h)));
		break;
	case ACT_MODIFIED:
		step_add(&steps,
			 "sync(2): write back every dirty page (dirty "
			 "now %s)",
			 human_bytes(before.lists.dirty, h, sizeof(h)));
		break;
	case ACT_SLAB:
		step_add(
		    &steps,
		    "write 2 to /proc/sys/vm/drop_caches (drop reclaimable "
		    "slab; now %s)",
		    human_bytes((uint64_t)before.bytes[ACCT_SLAB_RECLAIMABLE],
				h, sizeof(h)));
		break;
	case ACT_COMPACT:
		step_add(&steps, "write 1 to /proc/sys/vm/compact_memory "
				 "(compact every zone)");
		break;
	}

	if (yes) {
		switch (act) {
		case ACT_WORKINGSETS:
			if (cgroup) {
				r = reclaim_cgroup(cgdir, version, cg_bytes);
				if (r < 0) {
					log_error_errno(
					    r, "cannot write '%s/%s'", cgdir,
					    version == 2
						? "memory.reclaim"
						: "memory.force_empty");
					rc = EXIT_FAIL;
				}
				break;
			}
			{
				size_t nd = 0, nsk = 0, ngone = 0, nfail = 0;
				int first_err = 0;

				for (size_t i = 0; i < targets.n; i++) {
					size_t d = 0, sk = 0;

					if (targets.v[i].pid == getpid())
						continue;
					r = reclaim_process(targets.v[i].pid,
							    &d, &sk);
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
				if (nfail && nfail == targets.n) {
					log_error_errno(first_err,
							"cannot page out any "
							"process");
					rc = EXIT_FAIL;
					break;
				}
				step_add(&done,
					 "paged out %zu mappings (%zu refused: "
					 "locked, PFN or hugetlb), %zu "
					 "process%s gone, %zu failed",
					 nd, nsk, ngone, ngone == 1 ? "" : "es",
					 nfail);
			}
			break;
		case ACT_STANDBY:
			r = reclaim_drop_caches(1);
			if (r < 0) {
				log_error_errno(r,
						"cannot write "
						"'/proc/sys/vm/drop_caches'");
				rc = EXIT_FAIL;
			}
			break;
		case ACT_MODIFIED:
			reclaim_sync();
			break;
		case ACT_SLAB:
			r = reclaim_drop_caches(2);
			if (r < 0) {
				log_error_errno(r,
						"cannot write "
						"'/proc/sys/vm/drop_caches'");
				rc = EXIT_FAIL;
			}
			break;
		case ACT_COMPACT:
			r = reclaim_compact();
			if (r < 0) {
				log_error_errno(
				    r, "cannot write "
				       "'/proc/sys/vm/compact_memory'");
				rc = EXIT_FAIL;
			}
			break;
		}
		if (rc == EXIT_OK)
			have_after = take(root, &after, &sw2) == 0;
	}
	if (rc != EXIT_OK)
		goto out;

	if (ctx->json) {
		json_object *o = json_object_new_object();
		json_object *st = json_object_new_array();
		json_object *notes = json_object_new_array();

		json_object_object_add(
		    o, "action", json_object_new_string(actions[act].name));
		json_object_object_add(o, "done", json_object_new_boolean(yes));
		for (size_t i = 0; i < steps.n; i++)
			json_object_array_add(
			    st, json_object_new_string(steps.v[i]));
		json_object_object_add(o, "steps", st);
		json_object_object_add(o, "before", acct_json(&before));
		json_object_object_add(o, "after",
				       have_after ? acct_json(&after) : NULL);
		for (size_t i = 0; i < done.n; i++)
			json_object_array_add(
			    notes, json_object_new_string(done.v[i]));
		json_object_object_add(o, "notes", notes);
		json_print(stdout, o);
		json_object_put(o);
	} else if (!yes) {
		printf("memtally empty %s would:\n", actions[act].name);
		for (size_t i = 0; i < steps.n; i++)
			printf("  %s\n", steps.v[i]);
		printf("Nothing done; add --yes to do it.\n");
	} else {
		struct table *t;

		printf("memtally empty %s did:\n", actions[act].name);
		for (size_t i = 0; i < steps.n; i++)
			printf("  %s\n", steps.v[i]);
		for (size_t i = 0; i < done.n; i++)
			printf("  %s\n", done.v[i]);
		if (have_after) {
			printf("\n");
			t = diff_table(&before, &after);
			table_add_note(t,
				       "Categories of 'memtally usage' that "
				       "moved by 1 MiB or more; the rest of "
				       "the system keeps running meanwhile.");
			table_print(t, stdout, &ctx->out);
			table_free(t);
		}
	}
out:
	steps_release(&steps);
	steps_release(&done);
	procs_release(&targets);
	return rc;
}
