/* The cgroups view: memory per service or container, kernel memory
 * included (what neither RAMMap nor smem shows).
 *
 * The tree comes from src/model/cgroups.c (cgroup v2, or the v1 memory
 * controller, whichever holds memory on this machine); each row is one
 * cgroup with its charge and memory.stat broken into anon, file, shmem and
 * the kernel's parts. Siblings are sorted by a key, and the tree is drawn
 * with indentation down to a chosen depth. All figures of a row include
 * its descendants (v2 memory.stat is hierarchical; on v1 the total_*
 * lines are used). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "../model/cgroups.h"
#include "cgroups.h"

enum cf {
	CF_PROCS,
	CF_CURRENT,
	CF_ANON,
	CF_FILE,
	CF_SHMEM,
	CF_KERNEL,
	CF_STACK,
	CF_PTE,
	CF_PERCPU,
	CF_SOCK,
	CF_SLAB_R,
	CF_SLAB_U,
	CF_DYING,
	CF_PINNED,
	CF_DIRTY,
	CF_WRITEBACK,
	_CF_MAX,
};

static const struct {
	const char *header, *key, *sort;
	int stat;  /* enum cgroup_stat_field, or -1 */
	bool text; /* shown in text (all are in JSON; the rest with -o) */
} cf_cols[_CF_MAX] = {
    [CF_PROCS] = {"PROCS", "procs", "procs", -1, true},
    [CF_CURRENT] = {"CURRENT", "current", "current", -1, true},
    [CF_ANON] = {"ANON", "anon", "anon", CGS_ANON, true},
    [CF_FILE] = {"FILE", "file", "file", CGS_FILE, true},
    [CF_SHMEM] = {"SHMEM", "shmem", "shmem", CGS_SHMEM, true},
    [CF_KERNEL] = {"KERNEL", "kernel", "kernel", -1, true},
    [CF_STACK] = {"STACK", "kernel_stack", "stack", CGS_KERNEL_STACK, true},
    [CF_PTE] = {"PTE", "pagetables", "pte", CGS_PAGETABLES, true},
    [CF_PERCPU] = {"PERCPU", "percpu", "percpu", CGS_PERCPU, true},
    [CF_SOCK] = {"SOCK", "sock", "sock", CGS_SOCK, true},
    [CF_SLAB_R] = {"SLAB_R", "slab_reclaimable", "slab_r", CGS_SLAB_RECLAIMABLE,
		   true},
    [CF_SLAB_U] = {"SLAB_U", "slab_unreclaimable", "slab_u",
		   CGS_SLAB_UNRECLAIMABLE, true},
    [CF_DYING] = {"DYING", "dying_count", "dying", -1, true},
    [CF_PINNED] = {"PINNED", "dying_bytes", "pinned", -1, true},
    [CF_DIRTY] = {"DIRTY", "file_dirty", "dirty", CGS_FILE_DIRTY, false},
    [CF_WRITEBACK] = {"WRITEBACK", "file_writeback", "writeback",
		      CGS_FILE_WRITEBACK, false},
};

#define SORT_NAME _CF_MAX

struct sort_by {
	const struct cgroups *cg;
	int key;
	bool reverse;
};

int cgroups_sort_key(const char *s)
{
	for (int i = 0; i < _CF_MAX; i++)
		if (streq(s, cf_cols[i].sort) || streq(s, cf_cols[i].key))
			return i;
	if (streq(s, "name") || streq(s, "path"))
		return SORT_NAME;
	return -1;
}

static uint64_t node_val(const struct cgroup_node *n, int f)
{
	switch (f) {
	case CF_PROCS:
		return n->nprocs;
	case CF_CURRENT:
		return n->current;
	case CF_KERNEL:
		return n->kernel;
	case CF_DYING:
		return n->dying_count;
	case CF_PINNED:
		return n->dying_bytes;
	default:
		if (!n->has_stat)
			return VAL_ABSENT;
		return cgroup_memory_stat_get(&n->stat, cf_cols[f].stat);
	}
}

static int idx_cmp(const void *a, const void *b, void *arg)
{
	const struct sort_by *s = arg;
	const struct cgroup_node *x = &s->cg->v[*(const size_t *)a];
	const struct cgroup_node *y = &s->cg->v[*(const size_t *)b];
	int c;

	if (s->key == SORT_NAME) {
		c = strcmp(x->path, y->path);
	} else {
		uint64_t u = node_val(x, s->key), v = node_val(y, s->key);

		if (val_has(u) != val_has(v))
			return val_has(u) ? -1 : 1;
		c = u > v ? -1 : u < v ? 1 : 0;
	}
	if (s->reverse)
		c = -c;
	return c ? c : strcmp(x->path, y->path);
}

/* Append node i and, sorted, its children (depth-first). */
static void emit(const struct sort_by *s, size_t i, size_t *order, size_t *n)
{
	const struct cgroups *cg = s->cg;
	size_t *kids = NULL, nk = 0, alloc = 0;

	order[(*n)++] = i;
	for (size_t j = i + 1; j < cg->n; j++)
		if (cg->v[j].parent == i && j != i) {
			kids = xgrow(kids, &alloc, nk + 1, sizeof(*kids));
			kids[nk++] = j;
		}
	if (nk > 1)
		qsort_r(kids, nk, sizeof(*kids), idx_cmp, (void *)s);
	for (size_t k = 0; k < nk; k++)
		emit(s, kids[k], order, n);
	free(kids);
}

/* The index of the cgroup at path start (trailing slashes ignored), or
 * cg->n. */
static size_t find_start(const struct cgroups *cg, const char *start)
{
	size_t len = strlen(start), top;

	while (len > 1 && start[len - 1] == '/')
		len--;
	for (top = 0; top < cg->n; top++)
		if (strlen(cg->v[top].path) == len &&
		    strncmp(cg->v[top].path, start, len) == 0)
			break;
	return top;
}

/* The columns: the indented name in text, the path and depth in JSON;
 * DIRTY and WRITEBACK in text only when asked for with -o. */
static struct table *rows_table_new(void)
{
	struct table *t = table_new(NULL);
	size_t c;

	c = table_add_col(t, "CGROUP", "path", COL_STR);
	table_col_flags(t, c, COLF_TEXT_ONLY);
	c = table_add_col(t, "CGROUP", "path", COL_STR);
	table_col_flags(t, c, COLF_JSON_ONLY);
	c = table_add_col(t, "DEPTH", "depth", COL_COUNT);
	table_col_flags(t, c, COLF_JSON_ONLY);
	for (int k = 0; k < _CF_MAX; k++) {
		c = table_add_col(t, cf_cols[k].header, cf_cols[k].key,
				  k == CF_PROCS || k == CF_DYING ? COL_COUNT
								 : COL_BYTES);
		if (!cf_cols[k].text)
			table_col_flags(t, c, COLF_HIDDEN);
	}
	return t;
}

static void rows_table_add(struct table *t, const struct cgroup_node *n,
			   int rel)
{
	const char *base = strrchr(n->path, '/');
	_cleanup_free_ char *label = NULL;
	size_t row = table_add_row(t), col = 0;

	base = rel == 0 ? n->path : base + 1;
	label = xasprintf("%*s%s", 2 * rel, "", base);
	table_set_str(t, row, col++, label);
	table_set_str(t, row, col++, n->path);
	table_set_u64(t, row, col++, (uint64_t)n->depth);
	for (int k = 0; k < _CF_MAX; k++)
		table_set_u64(t, row, col++, node_val(n, k));
}

/* How DYING and PINNED are had on this hierarchy. */
static void dying_notes(struct table *t, const struct cgroups *cg)
{
	const struct cgroup_node *r = &cg->v[0];

	if (r->version == 1 && !val_has(r->dying_count)) {
		table_add_note(t, "DYING, PINNED: n/a, no /proc/cgroups to "
				  "count removed memory cgroups.");
	} else if (r->version == 1) {
		table_add_note(t,
			       "DYING: %llu memory cgroups removed but still "
			       "charged (/proc/cgroups num_cgroups %llu less "
			       "%zu live directories); v1 has no count per "
			       "cgroup, so only the root's is known.",
			       (unsigned long long)r->dying_count,
			       (unsigned long long)cg->v1_num_cgroups, cg->n);
		table_add_note(t, "PINNED (v1, an estimate): usage_in_bytes "
				  "less the live children's, less the "
				  "cgroup's own pages (memory.stat rss + "
				  "cache) and own kernel memory, summed "
				  "down the tree; under the per-CPU charge "
				  "stock (64 pages a CPU) counts as 0.");
	} else {
		table_add_note(t, "DYING: cgroup.stat nr_dying_descendants. "
				  "PINNED (an estimate, an upper bound): where "
				  "a cgroup has dying children, its "
				  "memory.current less its live children's "
				  "(it has no processes of its own), summed "
				  "down the tree; n/a where memory.current is "
				  "(the root).");
	}
}

static void add_notes(struct table *t, const struct cgroups *cg,
		      bool any_summed, bool missing_stat)
{
	if (cg->v[0].version == 1)
		table_add_note(t, "cgroup v1 memory controller "
				  "(/sys/fs/cgroup/memory): KERNEL is "
				  "memory.kmem.usage_in_bytes; v1 memory.stat "
				  "has no kernel breakdown, so STACK, PTE, "
				  "PERCPU, SOCK, SLAB_R, SLAB_U are n/a. The "
				  "root's CURRENT is its file and anonymous "
				  "pages only (how the kernel computes the v1 "
				  "root's usage), so a child's can exceed it.");
	else if (!cg->v[0].has_stat)
		table_add_note(t, "The root cgroup has no memory.stat or "
				  "memory.current before Linux 6.x; see "
				  "'memtally usage' for the whole machine.");
	if (any_summed)
		table_add_note(t, "KERNEL is the sum of the parts where this "
				  "kernel's memory.stat has no 'kernel' line "
				  "(before Linux 5.18).");
	dying_notes(t, cg);
	if (missing_stat)
		table_add_note(t, "Some cgroups' memory.stat could not be "
				  "read; their figures are n/a.");
}

/* The rows from top down, in order, as deep as asked. */
static struct table *rows_table(const struct cgroups *cg, size_t top,
				const struct cgroups_opts *o)
{
	_cleanup_free_ size_t *order = xcalloc(cg->n, sizeof(size_t));
	struct sort_by by = {cg, o->sort, o->reverse};
	struct table *t = rows_table_new();
	bool any_summed = false, missing_stat = false;
	int version = cg->v[0].version;
	size_t norder = 0;

	emit(&by, top, order, &norder);
	for (size_t i = 0; i < norder; i++) {
		const struct cgroup_node *n = &cg->v[order[i]];
		int rel = n->depth - cg->v[top].depth;

		if (o->have_depth && rel > (int)o->depth)
			continue;
		rows_table_add(t, n, rel);
		any_summed |= n->kernel_summed;
		if (!n->has_stat && !(version == 2 && n->depth == 0))
			missing_stat = true;
	}
	add_notes(t, cg, any_summed, missing_stat);
	return t;
}

/* No memory cgroup at all: say why. */
static struct doc *none_doc(const char *why)
{
	struct doc *d = doc_new();
	struct table *t = table_new(NULL);

	table_json_only(t);
	doc_add_null(d, "hierarchy", NULL, NULL);
	doc_add_table(d, "rows", t);
	doc_add_str(d, "reason", NULL, why);
	doc_add_line(d, NULL, "No memory cgroups: %s", why);
	return d;
}

int view_cgroups(struct root *root, const struct cgroups_opts *o,
		 struct doc **ret, struct view_err *err)
{
	struct cgroups cg;
	size_t top = 0;
	struct doc *d;

	/* the whole tree, even for a shallow view: what dying cgroups pin
	 * is read off their parent against every live child below it */
	cgroups_collect(root, -1, &cg);
	if (cg.n == 0) {
		*ret = none_doc(cg.why);
		cgroups_release(&cg);
		return 0;
	}
	if (o->start && !streq(o->start, "/")) {
		top = find_start(&cg, o->start);
		if (top == cg.n) {
			int v = cg.v[0].version;

			cgroups_release(&cg);
			return view_fail(err, -EINVAL,
					 "no cgroup '%s' under %s", o->start,
					 v == 1 ? "/sys/fs/cgroup/memory"
						: "/sys/fs/cgroup");
		}
	}
	d = doc_new();
	doc_add_str(d, "hierarchy", NULL, cg.v[0].version == 1 ? "v1" : "v2");
	doc_add_table(d, "rows", rows_table(&cg, top, o));
	doc_add_notes(d, "notes");
	cgroups_release(&cg);
	*ret = d;
	return 0;
}
