/* `memtally procs`: who holds the memory, per process (RAMMap's Processes
 * tab, smem and ps_mem for Linux).
 *
 * Reads /proc/PID/status and /proc/PID/smaps_rollup for every process
 * through the root seam (src/model/procs.c), so it works live, on a
 * captured tree (--root) and on a snapshot (-f). RSS counts every page a
 * process maps; PSS divides each shared page among its mappers, so PSS
 * sums to the memory the processes really hold; USS is what would be
 * freed if the process exited. Rows can be grouped by command or by user,
 * and the totals are set against /proc/meminfo so they tie back to
 * `memtally usage`. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/procs.h"
#include "../sources/meminfo.h"
#include "cli.h"

const char cmd_procs_help[] =
    "Usage: memtally procs [options]\n"
    "\n"
    "Memory held by each process, from /proc/PID/smaps_rollup and\n"
    "/proc/PID/status (RAMMap's Processes tab; smem and ps_mem on Linux).\n"
    "\n"
    "Columns:\n"
    "  RSS      resident set: every page the process maps, shared or not\n"
    "  PSS      proportional set: each shared page divided among the\n"
    "           processes that map it; PSS sums to what they really hold\n"
    "  ANON, FILE, SHMEM  the parts of PSS that are anonymous memory, file\n"
    "           cache and shared memory (tmpfs, SysV, memfd); n/a before\n"
    "           Linux 5.7\n"
    "  USS      unique set: Private_Clean + Private_Dirty, what exiting\n"
    "           would free\n"
    "  SWAP     swapped-out anonymous pages; SWAPPSS its proportional share\n"
    "  LOCKED   mlocked pages; PTE page tables (VmPTE)\n"
    "\n"
    "Options:\n"
    "  -s, --sort KEY     pss (default), rss, uss, anon, file, shmem, swap,\n"
    "                     swappss, locked, pte, pid, comm, user, count\n"
    "  -r, --reverse      reverse the order\n"
    "  -n, --top N        show the first N rows (totals still count all)\n"
    "  -p, --pid LIST     only these processes (comma-separated PIDs)\n"
    "  -u, --user USER    only processes whose real user is USER (name or\n"
    "                     uid)\n"
    "  -c, --comm PATTERN only processes whose name matches PATTERN (a shell\n"
    "                     glob, e.g. 'postgres*')\n"
    "  -g, --group BY     one row per command (comm) or per user (user),\n"
    "                     with the number of processes in PROCS\n"
    "\n"
    "A process that exits during the scan is skipped. One that cannot be\n"
    "read (another user's, when not root) is counted and named in a note,\n"
    "never shown as 0. Kernel threads map no memory and are not shown.\n"
    "Without filters, a note sets the PSS totals against /proc/meminfo\n"
    "(AnonPages, Shmem, file pages) so they tie back to 'memtally usage'.\n"
    "\n"
    "JSON: {\"rows\": [{\"pid\", \"comm\", \"user\", \"rss\", \"pss\",\n"
    "\"pss_anon\", \"pss_file\", \"pss_shmem\", \"uss\", \"swap\", "
    "\"swap_pss\",\n"
    "\"locked\", \"page_tables\"}], \"totals\": {...}, \"unreadable\":\n"
    "[{\"pid\", \"comm\", \"reason\"}], \"notes\": [...]}; sizes in bytes,\n"
    "absent figures null. Grouped rows have \"procs\" and no \"pid\".\n"
    "\n"
    "Examples:\n"
    "  memtally procs -n 10             the ten largest by PSS\n"
    "  memtally procs -g comm -s uss    per program, by unique memory\n"
    "  memtally procs -u postgres --json\n";

enum pf {
	PF_RSS,
	PF_PSS,
	PF_PSS_ANON,
	PF_PSS_FILE,
	PF_PSS_SHMEM,
	PF_USS,
	PF_SWAP,
	PF_SWAPPSS,
	PF_LOCKED,
	PF_PTE,
	_PF_MAX,
};

static const struct {
	const char *header, *key, *sort;
} pf_cols[_PF_MAX] = {
    [PF_RSS] = {"RSS", "rss", "rss"},
    [PF_PSS] = {"PSS", "pss", "pss"},
    [PF_PSS_ANON] = {"ANON", "pss_anon", "anon"},
    [PF_PSS_FILE] = {"FILE", "pss_file", "file"},
    [PF_PSS_SHMEM] = {"SHMEM", "pss_shmem", "shmem"},
    [PF_USS] = {"USS", "uss", "uss"},
    [PF_SWAP] = {"SWAP", "swap", "swap"},
    [PF_SWAPPSS] = {"SWAPPSS", "swap_pss", "swappss"},
    [PF_LOCKED] = {"LOCKED", "locked", "locked"},
    [PF_PTE] = {"PTE", "page_tables", "pte"},
};

enum group_by { GROUP_NONE, GROUP_COMM, GROUP_USER };
enum sort_special { SORT_PID = _PF_MAX, SORT_COMM, SORT_USER, SORT_COUNT };

struct prow {
	int pid;       /* 0 for a group */
	uint64_t uid;  /* VAL_ABSENT for a comm group */
	char comm[64]; /* "" for a user group */
	char user[64];
	uint64_t nprocs;
	uint64_t f[_PF_MAX];
};

struct users {
	char **names;
	uint64_t *uids;
	size_t n, alloc;
};

/* /etc/passwd through the root, so that a captured tree names its own
 * users; absent or unreadable leaves uids numeric. */
static void users_load(struct root *root, struct users *u)
{
	_cleanup_free_ char *buf = NULL;
	struct line_iter it;
	struct span line;
	size_t len;

	memset(u, 0, sizeof(*u));
	if (root_read(root, "etc/passwd", &buf, &len) < 0)
		return;
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		const char *c1 = memchr(line.p, ':', line.len), *c2, *c3;
		struct span num;
		uint64_t uid;

		if (!c1)
			continue;
		c2 = memchr(c1 + 1, ':', (size_t)(line.p + line.len - c1 - 1));
		if (!c2)
			continue;
		c3 = memchr(c2 + 1, ':', (size_t)(line.p + line.len - c2 - 1));
		if (!c3)
			continue;
		num.p = c2 + 1;
		num.len = (size_t)(c3 - c2 - 1);
		if (span_u64(num, &uid) < 0)
			continue;
		u->names =
		    xgrow(u->names, &u->alloc, u->n + 1, sizeof(*u->names));
		u->uids = xrealloc(u->uids, u->alloc * sizeof(*u->uids));
		u->names[u->n] = xstrndup(line.p, (size_t)(c1 - line.p));
		u->uids[u->n++] = uid;
	}
}

static void users_release(struct users *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->names[i]);
	free(u->names);
	free(u->uids);
}

static void users_name(const struct users *u, uint64_t uid, char *buf, size_t n)
{
	if (!val_has(uid)) {
		snprintf(buf, n, "?");
		return;
	}
	for (size_t i = 0; i < u->n; i++)
		if (u->uids[i] == uid) {
			snprintf(buf, n, "%s", u->names[i]);
			return;
		}
	snprintf(buf, n, "%llu", (unsigned long long)uid);
}

static int users_lookup(const struct users *u, const char *s, uint64_t *ret)
{
	unsigned long v;

	for (size_t i = 0; i < u->n; i++)
		if (streq(u->names[i], s)) {
			*ret = u->uids[i];
			return 0;
		}
	if (cli_parse_uint(s, &v) == 0) {
		*ret = v;
		return 0;
	}
	return -ENOENT;
}

/* a + b, or VAL_ABSENT when either is or the sum would wrap (no real
 * total comes near 2^64: only a forged /proc gets there) */
static uint64_t add_abs(uint64_t a, uint64_t b)
{
	uint64_t s;

	if (!val_has(a) || !val_has(b) || __builtin_add_overflow(a, b, &s))
		return VAL_ABSENT;
	return s;
}

static void prow_from_proc(const struct proc *p, const struct users *u,
			   struct prow *r)
{
	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->uid = p->st.uid[0];
	snprintf(r->comm, sizeof(r->comm), "%s", p->st.name);
	users_name(u, r->uid, r->user, sizeof(r->user));
	r->nprocs = 1;
	r->f[PF_RSS] = p->sm.v[SM_RSS];
	r->f[PF_PSS] = p->sm.v[SM_PSS];
	r->f[PF_PSS_ANON] = p->sm.v[SM_PSS_ANON];
	r->f[PF_PSS_FILE] = p->sm.v[SM_PSS_FILE];
	r->f[PF_PSS_SHMEM] = p->sm.v[SM_PSS_SHMEM];
	r->f[PF_USS] = proc_uss(p);
	r->f[PF_SWAP] = p->sm.v[SM_SWAP];
	r->f[PF_SWAPPSS] = p->sm.v[SM_SWAPPSS];
	r->f[PF_LOCKED] = p->sm.v[SM_LOCKED];
	r->f[PF_PTE] = p->st.v[ST_VMPTE];
}

static void prow_add(struct prow *acc, const struct prow *r)
{
	acc->nprocs += r->nprocs;
	for (int i = 0; i < _PF_MAX; i++)
		acc->f[i] = add_abs(acc->f[i], r->f[i]);
}

static int sort_key;
static bool sort_reverse;

/* Sizes and counts: biggest first; names and PIDs: ascending. Absent
 * figures go last either way. Ties fall back to PID, then name. */
static int prow_cmp(const void *a, const void *b)
{
	const struct prow *x = a, *y = b;
	int c = 0;

	if (sort_key < _PF_MAX) {
		uint64_t u = x->f[sort_key], v = y->f[sort_key];

		if (val_has(u) != val_has(v))
			return val_has(u) ? -1 : 1;
		c = u > v ? -1 : u < v ? 1 : 0;
	} else if (sort_key == SORT_PID) {
		c = x->pid - y->pid;
	} else if (sort_key == SORT_COMM) {
		c = strcmp(x->comm, y->comm);
	} else if (sort_key == SORT_USER) {
		c = strcmp(x->user, y->user);
	} else if (sort_key == SORT_COUNT) {
		c = x->nprocs > y->nprocs ? -1 : x->nprocs < y->nprocs ? 1 : 0;
	}
	if (sort_reverse)
		c = -c;
	if (c == 0)
		c = x->pid - y->pid;
	if (c == 0)
		c = strcmp(x->comm, y->comm);
	if (c == 0)
		c = strcmp(x->user, y->user);
	return c;
}

static int parse_sort(const char *s)
{
	for (int i = 0; i < _PF_MAX; i++)
		if (streq(s, pf_cols[i].sort) || streq(s, pf_cols[i].key))
			return i;
	if (streq(s, "pid"))
		return SORT_PID;
	if (streq(s, "comm") || streq(s, "name"))
		return SORT_COMM;
	if (streq(s, "user"))
		return SORT_USER;
	if (streq(s, "count") || streq(s, "procs"))
		return SORT_COUNT;
	return -1;
}

/* Rows merged by comm or user, in first-seen order. */
static size_t group_rows(struct prow *rows, size_t n, enum group_by by)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		struct prow r = rows[i];
		size_t j;

		r.pid = 0;
		if (by == GROUP_COMM) {
			r.uid = VAL_ABSENT;
			r.user[0] = '\0';
		} else {
			r.comm[0] = '\0';
		}
		for (j = 0; j < w; j++)
			if (by == GROUP_COMM ? streq(rows[j].comm, r.comm)
					     : rows[j].uid == r.uid)
				break;
		if (j < w)
			prow_add(&rows[j], &r);
		else
			rows[w++] = r;
	}
	return w;
}

static void note_tieback(struct table *t, struct root *root,
			 const struct prow *tot, const struct out_opts *o)
{
	struct meminfo mi;
	char a[32], b[32], c[32], d[32], e[32], f[32];
	uint64_t filepages;

	if (meminfo_read(root, &mi, NULL) < 0)
		return;
#define H(v, buf)                                                              \
	(o->bytes                                                              \
	     ? (snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(v)),   \
		buf)                                                           \
	     : human_bytes((v), buf, sizeof(buf)))
	if (val_has(tot->f[PF_PSS_ANON]) && val_has(mi.v[MI_ANONPAGES]) &&
	    val_has(tot->f[PF_PSS_SHMEM]) && val_has(mi.v[MI_SHMEM]) &&
	    val_has(mi.v[MI_CACHED])) {
		filepages = mi.v[MI_CACHED] > mi.v[MI_SHMEM]
				? mi.v[MI_CACHED] - mi.v[MI_SHMEM]
				: 0;
		table_add_note(
		    t,
		    "Ties to /proc/meminfo: PSS anon %s of AnonPages %s; "
		    "PSS shmem %s of Shmem %s; PSS file %s of file cache %s "
		    "(the rest is cache no process maps, or memory no "
		    "process holds).",
		    H(tot->f[PF_PSS_ANON], a), H(mi.v[MI_ANONPAGES], b),
		    H(tot->f[PF_PSS_SHMEM], c), H(mi.v[MI_SHMEM], d),
		    H(tot->f[PF_PSS_FILE], e), H(filepages, f));
	}
	if (val_has(tot->f[PF_PTE]) && val_has(mi.v[MI_PAGETABLES]))
		table_add_note(t, "Page tables: %s of PageTables %s.",
			       H(tot->f[PF_PTE], a), H(mi.v[MI_PAGETABLES], b));
#undef H
	meminfo_release(&mi);
}

static void note_unreadable(struct table *t, const struct procs *ps,
			    json_object *arr)
{
	char list[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < ps->n_denied; i++) {
		const struct proc_denied *d = &ps->denied[i];
		char why[400];

		source_err_format(&d->err, why, sizeof(why));
		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "pid",
					       json_object_new_int(d->pid));
			json_object_object_add(
			    o, "comm",
			    d->comm[0] ? json_object_new_string(d->comm)
				       : NULL);
			json_object_object_add(o, "reason",
					       json_object_new_string(why));
			json_object_array_add(arr, o);
		}
		if (i < 8 && len < sizeof(list)) {
			int k = snprintf(list + len, sizeof(list) - len,
					 "%s%s (%d)", i ? ", " : "",
					 d->comm[0] ? d->comm : "?", d->pid);

			if (k > 0)
				len += (size_t)k;
		}
	}
	if (ps->n_denied) {
		char why[400];

		source_err_format(&ps->denied[0].err, why, sizeof(why));
		table_add_note(t,
			       "%zu process%s could not be read and %s not "
			       "counted: %s%s; first: %s",
			       ps->n_denied, ps->n_denied == 1 ? "" : "es",
			       ps->n_denied == 1 ? "is" : "are", list,
			       ps->n_denied > 8 ? ", ..." : "", why);
	}
}

int cmd_procs(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"sort", required_argument, NULL, 's'},
	    {"reverse", no_argument, NULL, 'r'},
	    {"top", required_argument, NULL, 'n'},
	    {"pid", required_argument, NULL, 'p'},
	    {"user", required_argument, NULL, 'u'},
	    {"comm", required_argument, NULL, 'c'},
	    {"group", required_argument, NULL, 'g'},
	    {NULL, 0, NULL, 0}};
	_cleanup_free_ int *pids = NULL;
	_cleanup_free_ struct prow *rows = NULL;
	const char *user_arg = NULL, *comm_pat = NULL;
	enum group_by group = GROUP_NONE;
	unsigned long top = 0;
	size_t npids = 0, nrows = 0, shown;
	struct source_err serr;
	struct users users;
	struct procs ps;
	struct prow tot;
	struct root *root;
	struct table *t;
	uint64_t want_uid = VAL_ABSENT;
	bool filtered;
	int c, r;

	sort_key = PF_PSS;
	sort_reverse = false;
	while ((c = getopt_long(argc, argv,
				CLI_COMMON_SHORTOPTS "s:rn:p:u:c:g:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			sort_key = parse_sort(optarg);
			if (sort_key < 0)
				return cli_usage_error(
				    ctx, "unknown sort key '%s'", optarg);
			continue;
		case 'r':
			sort_reverse = true;
			continue;
		case 'n':
			if (cli_parse_uint(optarg, &top) < 0 || top == 0)
				return cli_usage_error(
				    ctx,
				    "--top wants a positive number, "
				    "not '%s'",
				    optarg);
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
		case 'u':
			user_arg = optarg;
			continue;
		case 'c':
			comm_pat = optarg;
			continue;
		case 'g':
			if (streq(optarg, "comm") || streq(optarg, "command"))
				group = GROUP_COMM;
			else if (streq(optarg, "user"))
				group = GROUP_USER;
			else
				return cli_usage_error(
				    ctx,
				    "--group wants comm or user, not "
				    "'%s'",
				    optarg);
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	users_load(root, &users);
	if (user_arg && users_lookup(&users, user_arg, &want_uid) < 0) {
		users_release(&users);
		return cli_usage_error(ctx, "no such user '%s'", user_arg);
	}
	r = procs_collect(root, pids, npids, &ps, &serr);
	if (r < 0) {
		char why[400];

		users_release(&users);
		source_err_format(&serr, why, sizeof(why));
		log_error("%s", why);
		return EXIT_FAIL;
	}

	rows = xcalloc(ps.n ? ps.n : 1, sizeof(*rows));
	for (size_t i = 0; i < ps.n; i++) {
		struct prow *pr = &rows[nrows];

		if (val_has(want_uid) && ps.v[i].st.uid[0] != want_uid)
			continue;
		if (comm_pat && fnmatch(comm_pat, ps.v[i].st.name, 0) != 0)
			continue;
		prow_from_proc(&ps.v[i], &users, pr);
		nrows++;
	}
	filtered = npids || user_arg || comm_pat;
	memset(&tot, 0, sizeof(tot));
	snprintf(tot.comm, sizeof(tot.comm), "total");
	for (size_t i = 0; i < nrows; i++)
		prow_add(&tot, &rows[i]);
	if (group != GROUP_NONE)
		nrows = group_rows(rows, nrows, group);
	qsort(rows, nrows, sizeof(*rows), prow_cmp);
	shown = top && top < nrows ? top : nrows;

	t = table_new(NULL);
	if (group == GROUP_NONE) {
		/* text: a string column, so the total row can leave it
		 * blank; JSON: an integer */
		table_add_col(t, "PID", "pid", ctx->json ? COL_COUNT : COL_STR);
		table_col_left(t, 0, false);
	}
	if (group != GROUP_COMM)
		table_add_col(t, "USER", "user", COL_STR);
	if (group != GROUP_USER)
		table_add_col(t, "COMMAND", "comm", COL_STR);
	if (group != GROUP_NONE)
		table_add_col(t, "PROCS", "procs", COL_COUNT);
	for (int i = 0; i < _PF_MAX; i++)
		table_add_col(t, pf_cols[i].header, pf_cols[i].key, COL_BYTES);
	for (size_t i = 0; i < shown + 1; i++) {
		const struct prow *pr = i < shown ? &rows[i] : &tot;
		size_t row, col = 0;

		if (i == shown && (ctx->json || nrows == 0))
			break;
		row = table_add_row(t);
		if (i == shown)
			table_row_total(t, row);
		if (group == GROUP_NONE) {
			if (ctx->json) {
				table_set_u64(t, row, col, (uint64_t)pr->pid);
			} else {
				char b[16] = "";

				if (i < shown)
					snprintf(b, sizeof(b), "%d", pr->pid);
				table_set_str(t, row, col, b);
			}
			col++;
		}
		if (group != GROUP_COMM) {
			table_set_str(t, row, col, i < shown ? pr->user : "");
			col++;
		}
		if (group != GROUP_USER)
			table_set_str(t, row, col++,
				      i < shown ? pr->comm : "total");
		else if (i == shown)
			table_set_str(t, row, 0, "total");
		if (group != GROUP_NONE)
			table_set_u64(t, row, col++, pr->nprocs);
		for (int k = 0; k < _PF_MAX; k++)
			table_set_u64(t, row, col++, pr->f[k]);
	}
	if (shown < nrows)
		table_add_note(t,
			       "Showing %zu of %zu rows; the total counts "
			       "all %zu processes.",
			       shown, nrows, (size_t)tot.nprocs);
	if (nrows && !val_has(tot.f[PF_PSS_ANON]))
		table_add_note(t, "ANON, FILE, SHMEM: n/a, this kernel's "
				  "smaps_rollup has no Pss_Anon/Pss_File/"
				  "Pss_Shmem (Linux 5.7+).");
	if (!filtered && nrows)
		note_tieback(t, root, &tot, &ctx->out);
	if (nrows == 0)
		table_add_note(t, "No process matched.");

	if (ctx->json) {
		json_object *o = json_object_new_object();
		json_object *totals = json_object_new_object();
		json_object *unread = json_object_new_array();

		json_object_object_add(o, "rows", table_json_rows(t));
		json_object_object_add(totals, "procs",
				       json_object_new_uint64(tot.nprocs));
		for (int k = 0; k < _PF_MAX; k++)
			json_object_object_add(
			    totals, pf_cols[k].key,
			    val_has(tot.f[k]) ? json_object_new_uint64(tot.f[k])
					      : NULL);
		json_object_object_add(o, "totals", totals);
		note_unreadable(t, &ps, unread);
		json_object_object_add(o, "unreadable", unread);
		json_object_object_add(o, "notes", table_json_notes(t));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		note_unreadable(t, &ps, NULL);
		table_print(t, stdout, &ctx->out);
	}
	table_free(t);
	procs_release(&ps);
	users_release(&users);
	return EXIT_OK;
}
