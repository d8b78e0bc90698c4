/* The procs view: who holds the memory, per process (RAMMap's Processes
 * tab, smem and ps_mem for Linux).
 *
 * Reads /proc/PID/status and /proc/PID/smaps_rollup for every process
 * through the root (src/model/procs.c), so it works live, on a captured
 * tree (--root) and on a snapshot (-f). RSS counts every page a process
 * maps; PSS divides each shared page among its mappers, so PSS sums to
 * the memory the processes really hold; USS is what would be freed if
 * the process exited. Rows can be grouped by command or by user (names
 * from the root's /etc/passwd, src/sources/passwd.c), and the totals are
 * set against /proc/meminfo so they tie back to `memtally usage`. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "../analysis/owners.h"
#include "../model/owners.h"
#include "../model/procs.h"
#include "../sources/meminfo.h"
#include "../sources/passwd.h"
#include "history.h"
#include "procs.h"

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
	PF_KERNEL,
	PF_HUGETLB,
	PF_FOOTPRINT,
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
    [PF_KERNEL] = {"KERNEL", "kernel", "kernel"},
    [PF_HUGETLB] = {"HUGETLB", "hugetlb", "hugetlb"},
    [PF_FOOTPRINT] = {"FOOTPRINT", "footprint", "footprint"},
};

/* THREAD_SIZE, each thread's kernel stack: 16 KiB on x86_64 and arm64
 * (8 KiB on some 32-bit machines, 32 KiB with KASAN): an estimate. */
#define KSTACK_SIZE (16 * 1024)

/* A process holding this much through its descriptors gets a note
 * pointing at `memtally owners`. */
#define KERNEL_NOTE_MIN (64ULL << 20)

enum sort_special { SORT_PID = _PF_MAX, SORT_COMM, SORT_USER, SORT_COUNT };

struct prow {
	int pid;       /* 0 for a group */
	uint64_t uid;  /* VAL_ABSENT for a comm group */
	char comm[64]; /* "" for a user group */
	char user[64];
	uint64_t nprocs;
	uint64_t f[_PF_MAX];
	uint64_t threads;
	uint64_t fd_kernel; /* KERNEL's part held through descriptors */
	uint64_t fd_files;  /* memfd, tmpfs, deleted files, SysV shm held */
};

struct sort_by {
	int key;
	bool reverse;
};

int procs_sort_key(const char *s)
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

bool procs_sort_needs_kernel(int k)
{
	return k == PF_KERNEL || k == PF_FOOTPRINT;
}

static void user_name(const struct passwd_db *db, uint64_t uid, char *buf,
		      size_t n)
{
	const char *name = val_has(uid) ? passwd_name(db, uid) : NULL;

	if (!val_has(uid))
		snprintf(buf, n, "?");
	else if (name)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%llu", (unsigned long long)uid);
}

/* --user: a name from the root's passwd, or a number. */
static int user_lookup(const struct passwd_db *db, const char *s, uint64_t *ret)
{
	struct span num = {s, strlen(s)};

	if (passwd_uid(db, s, ret) == 0)
		return 0;
	if (*s && span_u64(num, ret) == 0)
		return 0;
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

/* Huge pages the process maps: smaps_rollup's Private_Hugetlb +
 * Shared_Hugetlb, or status HugetlbPages where those are absent. */
static uint64_t proc_hugetlb(const struct proc *p)
{
	uint64_t a = p->sm.v[SM_PRIVATE_HUGETLB],
		 b = p->sm.v[SM_SHARED_HUGETLB];

	if (val_has(a) && val_has(b))
		return a + b;
	return p->st.v[ST_HUGETLBPAGES];
}

static void prow_from_proc(const struct proc *p, const struct passwd_db *db,
			   struct prow *r)
{
	memset(r, 0, sizeof(*r));
	r->pid = p->pid;
	r->uid = p->st.uid[0];
	snprintf(r->comm, sizeof(r->comm), "%s", p->st.name);
	user_name(db, r->uid, r->user, sizeof(r->user));
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
	r->f[PF_HUGETLB] = proc_hugetlb(p);
	/* filled by the owners join (kernel_join) where it can be had */
	r->f[PF_KERNEL] = r->f[PF_FOOTPRINT] = VAL_ABSENT;
	r->fd_kernel = r->fd_files = VAL_ABSENT;
	r->threads = p->st.v[ST_THREADS];
}

static void prow_add(struct prow *acc, const struct prow *r)
{
	acc->nprocs += r->nprocs;
	for (int i = 0; i < _PF_MAX; i++)
		acc->f[i] = add_abs(acc->f[i], r->f[i]);
	acc->threads = add_abs(acc->threads, r->threads);
	acc->fd_kernel = add_abs(acc->fd_kernel, r->fd_kernel);
	acc->fd_files = add_abs(acc->fd_files, r->fd_files);
}

/* Whether kind k's memory is the kernel's own (pipe buffers, socket
 * queues, BPF maps, io_uring rings, messages, epoll items, GPU buffers)
 * rather than file pages (memfd, tmpfs, SysV shm, deleted files: shmem
 * or page cache, which RSS and USS already count where mapped) or huge
 * pages (their own column). */
static bool kind_is_kernel(enum owner_kind k)
{
	enum acct_cat c = owner_kind_info(k)->cat;

	return c != ACCT_SHMEM && c != ACCT_PAGE_CACHE && c != ACCT_HUGETLB;
}

static int prow_pid_cmp(const void *a, const void *b)
{
	const struct prow *const *x = a, *const *y = b;

	return ((*x)->pid > (*y)->pid) - ((*x)->pid < (*y)->pid);
}

/* KERNEL and FOOTPRINT for each row from the owner set: the kernel
 * objects each process is the first holder of (so a shared pipe counts
 * once), plus its page tables (VmPTE) and kernel stacks (threads x
 * THREAD_SIZE). A process the owners walk did not see (unreadable, or
 * it came or went between the two walks) keeps them absent. */
static void kernel_join(struct prow *rows, size_t n,
			const struct owner_set *set)
{
	_cleanup_free_ struct prow **by = xcalloc(n ? n : 1, sizeof(*by));
	struct prow key, *kp = &key;

	for (size_t i = 0; i < n; i++) {
		by[i] = &rows[i];
		if (owner_set_find_proc(set, rows[i].pid))
			rows[i].fd_kernel = rows[i].fd_files = 0;
	}
	qsort(by, n, sizeof(*by), prow_pid_cmp);
	for (size_t i = 0; i < set->nobjs; i++) {
		const struct owner_obj *o = &set->objs[i];
		struct prow **hit;

		if (!o->nholders || !val_has(o->bytes) ||
		    o->kind == OWN_HUGETLB)
			continue;
		key.pid = o->holders[0];
		hit = bsearch(&kp, by, n, sizeof(*by), prow_pid_cmp);
		if (!hit || !val_has((*hit)->fd_kernel))
			continue;
		if (kind_is_kernel(o->kind))
			(*hit)->fd_kernel += o->bytes;
		else
			(*hit)->fd_files += o->bytes;
	}
	for (size_t i = 0; i < n; i++) {
		struct prow *r = &rows[i];

		if (!val_has(r->fd_kernel) || !val_has(r->f[PF_PTE]) ||
		    !val_has(r->threads))
			continue;
		r->f[PF_KERNEL] =
		    r->fd_kernel + r->f[PF_PTE] + r->threads * KSTACK_SIZE;
		r->f[PF_FOOTPRINT] = add_abs(r->f[PF_USS], r->f[PF_KERNEL]);
	}
}

/* Sizes and counts: biggest first; names and PIDs: ascending. Absent
 * figures go last either way. Ties fall back to PID, then name. */
static int prow_cmp(const void *a, const void *b, void *arg)
{
	const struct prow *x = a, *y = b;
	const struct sort_by *s = arg;
	int c = 0;

	if (s->key < _PF_MAX) {
		uint64_t u = x->f[s->key], v = y->f[s->key];

		if (val_has(u) != val_has(v))
			return val_has(u) ? -1 : 1;
		c = u > v ? -1 : u < v ? 1 : 0;
	} else if (s->key == SORT_PID) {
		c = x->pid - y->pid;
	} else if (s->key == SORT_COMM) {
		c = strcmp(x->comm, y->comm);
	} else if (s->key == SORT_USER) {
		c = strcmp(x->user, y->user);
	} else if (s->key == SORT_COUNT) {
		c = x->nprocs > y->nprocs ? -1 : x->nprocs < y->nprocs ? 1 : 0;
	}
	if (s->reverse)
		c = -c;
	if (c == 0)
		c = x->pid - y->pid;
	if (c == 0)
		c = strcmp(x->comm, y->comm);
	if (c == 0)
		c = strcmp(x->user, y->user);
	return c;
}

/* Rows merged by comm or user, in first-seen order. */
static size_t group_rows(struct prow *rows, size_t n, enum procs_group by)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		struct prow r = rows[i];
		size_t j;

		r.pid = 0;
		if (by == PROCS_GROUP_COMM) {
			r.uid = VAL_ABSENT;
			r.user[0] = '\0';
		} else {
			r.comm[0] = '\0';
		}
		for (j = 0; j < w; j++)
			if (by == PROCS_GROUP_COMM ? streq(rows[j].comm, r.comm)
						   : rows[j].uid == r.uid)
				break;
		if (j < w)
			prow_add(&rows[j], &r);
		else
			rows[w++] = r;
	}
	return w;
}

/* A size for a note: human, or exact when the user asked for bytes. */
static const char *note_size(uint64_t v, bool exact, char *buf, size_t n)
{
	if (!exact)
		return human_bytes(v, buf, n);
	snprintf(buf, n, "%llu", (unsigned long long)v);
	return buf;
}

static void note_tieback(struct table *t, struct root *root,
			 const struct prow *tot, bool exact)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	struct meminfo mi;
	uint64_t filepages;

	if (meminfo_read(root, &mi, NULL) < 0)
		return;
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
		    note_size(tot->f[PF_PSS_ANON], exact, a, sizeof(a)),
		    note_size(mi.v[MI_ANONPAGES], exact, b, sizeof(b)),
		    note_size(tot->f[PF_PSS_SHMEM], exact, c, sizeof(c)),
		    note_size(mi.v[MI_SHMEM], exact, d, sizeof(d)),
		    note_size(tot->f[PF_PSS_FILE], exact, e, sizeof(e)),
		    note_size(filepages, exact, f, sizeof(f)));
	}
	if (val_has(tot->f[PF_PTE]) && val_has(mi.v[MI_PAGETABLES]))
		table_add_note(
		    t, "Page tables: %s of PageTables %s.",
		    note_size(tot->f[PF_PTE], exact, a, sizeof(a)),
		    note_size(mi.v[MI_PAGETABLES], exact, b, sizeof(b)));
	meminfo_release(&mi);
}

/* The processes that could not be read: a JSON-only table, and a note
 * naming the first eight under t. */
static struct table *unreadable_table(struct table *t, const struct procs *ps)
{
	struct table *u = table_new(NULL);
	char list[512] = "", why[400];
	size_t len = 0;

	table_add_col(u, "PID", "pid", COL_COUNT);
	table_add_col(u, "COMMAND", "comm", COL_STR);
	table_add_col(u, "REASON", "reason", COL_STR);
	table_json_only(u);
	for (size_t i = 0; i < ps->n_denied; i++) {
		const struct proc_denied *d = &ps->denied[i];
		size_t r = table_add_row(u);

		source_err_format(&d->err, why, sizeof(why));
		table_set_u64(u, r, 0, (uint64_t)d->pid);
		if (d->comm[0])
			table_set_str(u, r, 1, d->comm);
		table_set_str(u, r, 2, why);
		if (i < 8 && len < sizeof(list)) {
			int k = snprintf(list + len, sizeof(list) - len,
					 "%s%s (%d)", i ? ", " : "",
					 d->comm[0] ? d->comm : "?", d->pid);

			if (k > 0)
				len += (size_t)k;
		}
	}
	if (ps->n_denied) {
		source_err_format(&ps->denied[0].err, why, sizeof(why));
		table_add_note(t,
			       "%zu process%s could not be read and %s not "
			       "counted: %s%s; first: %s",
			       ps->n_denied, ps->n_denied == 1 ? "" : "es",
			       ps->n_denied == 1 ? "is" : "are", list,
			       ps->n_denied > 8 ? ", ..." : "", why);
	}
	return u;
}

/* The columns for a grouping. The PID is a text column in text, so the
 * total row can leave it blank, and a number in JSON. */
static struct table *rows_table_new(enum procs_group group, bool kernel)
{
	struct table *t = table_new(NULL);
	size_t c;

	if (group == PROCS_GROUP_NONE) {
		c = table_add_col(t, "PID", "pid", COL_STR);
		table_col_left(t, c, false);
		table_col_flags(t, c, COLF_TEXT_ONLY);
		c = table_add_col(t, "PID", "pid", COL_COUNT);
		table_col_flags(t, c, COLF_JSON_ONLY);
	}
	if (group != PROCS_GROUP_COMM)
		table_add_col(t, "USER", "user", COL_STR);
	if (group != PROCS_GROUP_USER)
		table_add_col(t, "COMMAND", "comm", COL_STR);
	if (group != PROCS_GROUP_NONE)
		table_add_col(t, "PROCS", "procs", COL_COUNT);
	for (int i = 0; i < _PF_MAX; i++) {
		c = table_add_col(t, pf_cols[i].header, pf_cols[i].key,
				  COL_BYTES);
		/* not collected: in text only when asked for with -o */
		if (!kernel && (i == PF_KERNEL || i == PF_FOOTPRINT))
			table_col_flags(t, c, COLF_HIDDEN);
	}
	return t;
}

/* One row; total: the text-only total line under the rows. */
static void rows_table_add(struct table *t, const struct prow *pr,
			   enum procs_group group, bool total)
{
	size_t row = table_add_row(t), col = 0;

	if (total) {
		table_row_total(t, row);
		table_row_text_only(t, row);
	}
	if (group == PROCS_GROUP_NONE) {
		char b[16] = "";

		if (!total)
			snprintf(b, sizeof(b), "%d", pr->pid);
		table_set_str(t, row, col++, b);
		if (!total)
			table_set_u64(t, row, col, (uint64_t)pr->pid);
		col++;
	}
	if (group != PROCS_GROUP_COMM)
		table_set_str(t, row, col++, total ? "" : pr->user);
	if (group != PROCS_GROUP_USER)
		table_set_str(t, row, col++, total ? "total" : pr->comm);
	else if (total)
		table_set_str(t, row, 0, "total");
	if (group != PROCS_GROUP_NONE)
		table_set_u64(t, row, col++, pr->nprocs);
	for (int k = 0; k < _PF_MAX; k++)
		table_set_u64(t, row, col++, pr->f[k]);
}

/* The processes that pass the filters, as rows; *ret_n of them. */
static struct prow *select_rows(const struct procs *ps,
				const struct passwd_db *db,
				const struct procs_opts *o, uint64_t want_uid,
				size_t *ret_n)
{
	struct prow *rows = xcalloc(ps->n ? ps->n : 1, sizeof(*rows));
	size_t n = 0;

	for (size_t i = 0; i < ps->n; i++) {
		if (val_has(want_uid) && ps->v[i].st.uid[0] != want_uid)
			continue;
		if (o->comm && fnmatch(o->comm, ps->v[i].st.name, 0) != 0)
			continue;
		prow_from_proc(&ps->v[i], db, &rows[n++]);
	}
	*ret_n = n;
	return rows;
}

static void add_totals(struct doc *d, const struct prow *tot)
{
	struct doc *s = doc_add_section(d, "totals");

	doc_add_count(s, "procs", NULL, tot->nprocs);
	for (int k = 0; k < _PF_MAX; k++)
		doc_add_bytes(s, pf_cols[k].key, NULL, tot->f[k]);
}

static void add_notes(struct table *t, struct root *root,
		      const struct procs_opts *o, size_t shown, size_t nrows,
		      const struct prow *tot)
{
	bool filtered = o->npids || o->user || o->comm;

	if (shown < nrows)
		table_add_note(t,
			       "Showing %zu of %zu rows; the total counts "
			       "all %zu processes.",
			       shown, nrows, (size_t)tot->nprocs);
	if (nrows && !val_has(tot->f[PF_PSS_ANON]))
		table_add_note(t, "ANON, FILE, SHMEM: n/a, this kernel's "
				  "smaps_rollup has no Pss_Anon/Pss_File/"
				  "Pss_Shmem (Linux 5.7+).");
	if (!filtered && nrows)
		note_tieback(t, root, tot, o->exact_notes);
	if (nrows == 0)
		table_add_note(t, "No process matched.");
}

/* What the owners walk gave KERNEL: whether it ran, why not, its set. */
struct kernel_walk {
	bool asked; /* --kernel */
	bool ran;
	const char *why; /* when it did not run */
	char *why_buf;	 /* malloc'd why, when why points at it */
	struct owner_set set;
};

/* Collect the owner set for the processes in rows (only those: the
 * walk costs a readlink per descriptor) and join it; on a captured tree
 * or a snapshot, what it kept of them (memtally/owners.json). */
static void kernel_collect(struct root *root, const struct procs_opts *o,
			   struct prow *rows, size_t n, struct kernel_walk *kw)
{
	_cleanup_free_ int *pids = xcalloc(n ? n : 1, sizeof(int));
	struct owners_collect_opts oo = {
	    .pids = pids, .npids = n, .uid = (uid_t)-1};

	memset(kw, 0, sizeof(*kw));
	if (!o->kernel) {
		kw->why = "not collected (--kernel walks every open "
			  "descriptor for them)";
		return;
	}
	kw->asked = true;
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		pids[i] = rows[i].pid;
	if (!root_is_live(root)) {
		/* what the snapshot kept, cut to these processes */
		if (history_owners(root, &kw->set, &kw->why_buf) < 0) {
			kw->why = kw->why_buf ? kw->why_buf
					      : "the snapshot's owners could "
						"not be read";
			return;
		}
		owner_set_keep_holders(&kw->set, pids, n);
	} else if (owners_collect(root, &oo, &kw->set) < 0) {
		owner_set_release(&kw->set);
		kw->why = "'/proc' could not be walked for descriptors";
		return;
	}
	kw->ran = true;
	kernel_join(rows, n, &kw->set);
}

/* The per-process rows (before grouping) whose descriptors hold much:
 * a pointer to `memtally owners`, the three biggest of each sort. */
static void kernel_pointer_notes(struct table *t, const struct prow *rows,
				 size_t n, bool exact)
{
	for (int files = 0; files < 2; files++) {
		uint64_t last = UINT64_MAX;

		for (int k = 0; k < 3; k++) {
			const struct prow *best = NULL;
			char b[32];

			for (size_t i = 0; i < n; i++) {
				uint64_t v = files ? rows[i].fd_files
						   : rows[i].fd_kernel;

				if (val_has(v) && v >= KERNEL_NOTE_MIN &&
				    v < last &&
				    (!best || v > (files ? best->fd_files
							 : best->fd_kernel)))
					best = &rows[i];
			}
			if (!best)
				break;
			last = files ? best->fd_files : best->fd_kernel;
			table_add_note(
			    t,
			    files
				? "pid %d (%s) holds %s in files through its "
				  "descriptors (memfd, tmpfs, deleted; not in "
				  "KERNEL, in USS where mapped): 'memtally "
				  "owners -p %d' names them."
				: "pid %d (%s) holds %s in kernel objects "
				  "through its descriptors: 'memtally owners "
				  "-p %d' names them.",
			    best->pid, best->comm,
			    note_size(last, exact, b, sizeof(b)), best->pid);
		}
	}
}

static void kernel_notes(struct table *t, const struct kernel_walk *kw,
			 const struct prow *rows, size_t n, bool exact)
{
	if (n == 0)
		return;
	if (!kw->ran && kw->why) {
		table_add_note(t, "KERNEL, FOOTPRINT: %s%s.",
			       kw->asked ? "n/a, " : "", kw->why);
		return;
	}
	table_add_note(t, "KERNEL: kernel objects held through descriptors "
			  "(pipes, sockets, BPF, io_uring, messages, epoll; "
			  "each under its lowest holder), page tables, and "
			  "kernel stacks estimated as threads x 16 KiB. "
			  "FOOTPRINT = USS + KERNEL.");
	for (size_t i = 0; i < kw->set.nnotes; i++)
		table_add_note(t, "KERNEL: %s.", kw->set.notes[i]);
	kernel_pointer_notes(t, rows, n, exact);
}

/* Rows to document: sorted, grouped, cut to --top, with the totals. */
static struct doc *fill(struct root *root, const struct procs_opts *o,
			const struct procs *ps, const struct kernel_walk *kw,
			struct prow *rows, size_t nrows)
{
	struct sort_by by = {o->sort_given ? o->sort : PF_PSS, o->reverse};
	struct doc *d = doc_new();
	struct table *t = rows_table_new(o->group, o->kernel);
	struct prow tot;
	size_t shown;

	memset(&tot, 0, sizeof(tot));
	for (size_t i = 0; i < nrows; i++)
		prow_add(&tot, &rows[i]);
	kernel_notes(t, kw, rows, nrows, o->exact_notes);
	if (o->group != PROCS_GROUP_NONE)
		nrows = group_rows(rows, nrows, o->group);
	qsort_r(rows, nrows, sizeof(*rows), prow_cmp, &by);
	shown = o->top && o->top < nrows ? o->top : nrows;
	for (size_t i = 0; i < shown; i++)
		rows_table_add(t, &rows[i], o->group, false);
	if (nrows)
		rows_table_add(t, &tot, o->group, true);
	add_notes(t, root, o, shown, nrows, &tot);
	doc_add_table(d, "rows", t);
	add_totals(d, &tot);
	doc_add_table(d, "unreadable", unreadable_table(t, ps));
	doc_add_notes(d, "notes");
	return d;
}

int view_procs(struct root *root, const struct procs_opts *o, struct doc **ret,
	       struct view_err *err)
{
	_cleanup_free_ struct prow *rows = NULL;
	struct passwd_db db = {0};
	uint64_t want_uid = VAL_ABSENT;
	struct source_err serr;
	struct kernel_walk kw;
	struct procs ps;
	size_t nrows;
	int r;

	/* absent or unreadable: uids stay numbers */
	(void)passwd_read(root, &db);
	if (o->user && user_lookup(&db, o->user, &want_uid) < 0) {
		passwd_release(&db);
		return view_fail(err, -EINVAL, "no such user '%s'", o->user);
	}
	r = procs_collect(root, o->pids, o->npids, &ps, &serr);
	if (r < 0) {
		passwd_release(&db);
		source_err_format(&serr, err->msg, sizeof(err->msg));
		return r == -EINVAL ? -EIO : r;
	}
	rows = select_rows(&ps, &db, o, want_uid, &nrows);
	kernel_collect(root, o, rows, nrows, &kw);
	*ret = fill(root, o, &ps, &kw, rows, nrows);
	if (kw.ran)
		owner_set_release(&kw.set);
	free(kw.why_buf);
	procs_release(&ps);
	passwd_release(&db);
	return 0;
}
