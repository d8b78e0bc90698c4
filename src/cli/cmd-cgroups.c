/* `memtally cgroups`: memory per service or container, kernel memory
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
#include "cli.h"

const char cmd_cgroups_help[] =
    "Usage: memtally cgroups [options] [CGROUP]\n"
    "\n"
    "Memory charged to each cgroup (systemd services and slices,\n"
    "containers), as a tree, from memory.current (v2) or\n"
    "memory.usage_in_bytes (v1) and memory.stat. Every row counts its\n"
    "descendants too.\n"
    "\n"
    "Columns:\n"
    "  PROCS    processes directly in the cgroup\n"
    "  CURRENT  all memory charged to it (user and kernel)\n"
    "  ANON     anonymous memory; FILE page cache (tmpfs included);\n"
    "           SHMEM the tmpfs, shared-anonymous and SysV part of FILE\n"
    "  KERNEL   kernel memory charged to it; v2 breaks it into STACK\n"
    "           (kernel stacks), PTE (page tables), PERCPU, SOCK (socket\n"
    "           buffers), SLAB_R and SLAB_U (reclaimable and unreclaimable\n"
    "           slab); v1 gives only the total (memory.kmem.usage_in_bytes)\n"
    "           and the parts are n/a\n"
    "\n"
    "Options:\n"
    "  -s, --sort KEY     order of siblings: current (default), anon, file,\n"
    "                     shmem, kernel, stack, pte, percpu, sock, slab_r,\n"
    "                     slab_u, procs, name\n"
    "  -r, --reverse      reverse the order\n"
    "  -d, --depth N      show N levels below the top (default: all)\n"
    "  CGROUP             start at this cgroup (\"/system.slice\")\n"
    "\n"
    "cgroup v2 is read under /sys/fs/cgroup, or /sys/fs/cgroup/unified on a\n"
    "hybrid system; the v1 memory controller under /sys/fs/cgroup/memory.\n"
    "Whichever has the memory controller is shown.\n"
    "\n"
    "JSON: {\"hierarchy\": \"v1\"|\"v2\", \"rows\": [{\"path\", \"depth\",\n"
    "\"procs\", \"current\", \"anon\", \"file\", \"shmem\", \"kernel\",\n"
    "\"kernel_stack\", \"pagetables\", \"percpu\", \"sock\",\n"
    "\"slab_reclaimable\", \"slab_unreclaimable\", \"file_dirty\",\n"
    "\"file_writeback\"}], \"notes\": [...]}; sizes in bytes, absent null.\n"
    "\n"
    "Examples:\n"
    "  memtally cgroups -d 1            the top-level slices\n"
    "  memtally cgroups -s kernel /system.slice\n";

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
	CF_DIRTY,
	CF_WRITEBACK,
	_CF_MAX,
};

static const struct {
	const char *header, *key, *sort;
	int stat;  /* enum cgroup_stat_field, or -1 */
	bool text; /* shown in text (all are in JSON) */
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
    [CF_DIRTY] = {"DIRTY", "file_dirty", "dirty", CGS_FILE_DIRTY, false},
    [CF_WRITEBACK] = {"WRITEBACK", "file_writeback", "writeback",
		      CGS_FILE_WRITEBACK, false},
};

#define SORT_NAME _CF_MAX

static uint64_t node_val(const struct cgroup_node *n, int f)
{
	switch (f) {
	case CF_PROCS:
		return n->nprocs;
	case CF_CURRENT:
		return n->current;
	case CF_KERNEL:
		return n->kernel;
	default:
		if (!n->has_stat)
			return VAL_ABSENT;
		return cgroup_memory_stat_get(&n->stat, cf_cols[f].stat);
	}
}

static const struct cgroups *sort_cg;
static int sort_key;
static bool sort_reverse;

static int idx_cmp(const void *a, const void *b)
{
	const struct cgroup_node *x = &sort_cg->v[*(const size_t *)a];
	const struct cgroup_node *y = &sort_cg->v[*(const size_t *)b];
	int c;

	if (sort_key == SORT_NAME) {
		c = strcmp(x->path, y->path);
	} else {
		uint64_t u = node_val(x, sort_key), v = node_val(y, sort_key);

		if (val_has(u) != val_has(v))
			return val_has(u) ? -1 : 1;
		c = u > v ? -1 : u < v ? 1 : 0;
	}
	if (sort_reverse)
		c = -c;
	return c ? c : strcmp(x->path, y->path);
}

/* Append node i and, sorted, its children (depth-first). */
static void emit(const struct cgroups *cg, size_t i, size_t *order, size_t *n)
{
	size_t *kids = NULL, nk = 0, alloc = 0;

	order[(*n)++] = i;
	for (size_t j = i + 1; j < cg->n; j++)
		if (cg->v[j].parent == i && j != i) {
			kids = xgrow(kids, &alloc, nk + 1, sizeof(*kids));
			kids[nk++] = j;
		}
	sort_cg = cg;
	if (nk > 1)
		qsort(kids, nk, sizeof(*kids), idx_cmp);
	for (size_t k = 0; k < nk; k++)
		emit(cg, kids[k], order, n);
	free(kids);
}

static int parse_sort(const char *s)
{
	for (int i = 0; i < _CF_MAX; i++)
		if (streq(s, cf_cols[i].sort) || streq(s, cf_cols[i].key))
			return i;
	if (streq(s, "name") || streq(s, "path"))
		return SORT_NAME;
	return -1;
}

int cmd_cgroups(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"sort", required_argument, NULL, 's'},
	    {"reverse", no_argument, NULL, 'r'},
	    {"depth", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0}};
	_cleanup_free_ size_t *order = NULL;
	const char *start = NULL;
	unsigned long depth = 0;
	bool have_depth = false, any_summed = false, missing_stat = false;
	size_t norder = 0, top = 0;
	struct cgroups cg;
	struct root *root;
	struct table *t;
	int c, r, key = CF_CURRENT, version = 0;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "s:rd:",
				longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			key = parse_sort(optarg);
			if (key < 0)
				return cli_usage_error(
				    ctx, "unknown sort key '%s'", optarg);
			continue;
		case 'r':
			sort_reverse = true;
			continue;
		case 'd':
			if (cli_parse_uint(optarg, &depth) < 0 || depth > 1000)
				return cli_usage_error(
				    ctx, "--depth wants a number, not '%s'",
				    optarg);
			have_depth = true;
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind < argc)
		start = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (start && start[0] != '/')
		return cli_usage_error(
		    ctx, "a cgroup starts with '/', not '%s'", start);
	sort_key = key;
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	/* without a start point the walk can stop at the depth shown */
	cgroups_collect(root, have_depth && !start ? (int)depth : -1, &cg);
	if (cg.n == 0) {
		if (ctx->json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "hierarchy", NULL);
			json_object_object_add(o, "rows",
					       json_object_new_array());
			json_object_object_add(o, "reason",
					       json_object_new_string(cg.why));
			json_print(stdout, o);
			json_object_put(o);
		} else {
			printf("No memory cgroups: %s\n", cg.why);
		}
		cgroups_release(&cg);
		return EXIT_OK;
	}
	version = cg.v[0].version;
	if (start && !streq(start, "/")) {
		size_t len = strlen(start);

		while (len > 1 && start[len - 1] == '/')
			len--;
		for (top = 0; top < cg.n; top++)
			if (strlen(cg.v[top].path) == len &&
			    strncmp(cg.v[top].path, start, len) == 0)
				break;
		if (top == cg.n) {
			cgroups_release(&cg);
			return cli_usage_error(
			    ctx, "no cgroup '%s' under %s", start,
			    version == 1 ? "/sys/fs/cgroup/memory"
					 : "/sys/fs/cgroup");
		}
	}
	order = xcalloc(cg.n, sizeof(*order));
	emit(&cg, top, order, &norder);

	t = table_new(NULL);
	table_add_col(t, "CGROUP", "path", COL_STR);
	if (ctx->json)
		table_add_col(t, "DEPTH", "depth", COL_COUNT);
	for (int k = 0; k < _CF_MAX; k++)
		if (ctx->json || cf_cols[k].text)
			table_add_col(t, cf_cols[k].header, cf_cols[k].key,
				      k == CF_PROCS ? COL_COUNT : COL_BYTES);
	for (size_t i = 0; i < norder; i++) {
		const struct cgroup_node *n = &cg.v[order[i]];
		int rel = n->depth - cg.v[top].depth;
		size_t row, col = 0;

		if (have_depth && rel > (int)depth)
			continue;
		row = table_add_row(t);
		if (ctx->json) {
			table_set_str(t, row, col++, n->path);
			table_set_u64(t, row, col++, (uint64_t)n->depth);
		} else {
			const char *base = strrchr(n->path, '/');
			_cleanup_free_ char *label = NULL;

			base = rel == 0 ? n->path : base + 1;
			label = xasprintf("%*s%s", 2 * rel, "", base);
			table_set_str(t, row, col++, label);
		}
		for (int k = 0; k < _CF_MAX; k++)
			if (ctx->json || cf_cols[k].text)
				table_set_u64(t, row, col++, node_val(n, k));
		any_summed |= n->kernel_summed;
		if (!n->has_stat && !(version == 2 && n->depth == 0))
			missing_stat = true;
	}
	if (version == 1)
		table_add_note(t, "cgroup v1 memory controller "
				  "(/sys/fs/cgroup/memory): KERNEL is "
				  "memory.kmem.usage_in_bytes; v1 memory.stat "
				  "has no kernel breakdown, so STACK, PTE, "
				  "PERCPU, SOCK, SLAB_R, SLAB_U are n/a. The "
				  "root's CURRENT is its file and anonymous "
				  "pages only (how the kernel computes the v1 "
				  "root's usage), so a child's can exceed it.");
	else if (!cg.v[0].has_stat)
		table_add_note(t, "The root cgroup has no memory.stat or "
				  "memory.current before Linux 6.x; see "
				  "'memtally usage' for the whole machine.");
	if (any_summed)
		table_add_note(t, "KERNEL is the sum of the parts where this "
				  "kernel's memory.stat has no 'kernel' line "
				  "(before Linux 5.18).");
	if (missing_stat)
		table_add_note(t, "Some cgroups' memory.stat could not be "
				  "read; their figures are n/a.");

	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(
		    o, "hierarchy",
		    json_object_new_string(version == 1 ? "v1" : "v2"));
		json_object_object_add(o, "rows", table_json_rows(t));
		json_object_object_add(o, "notes", table_json_notes(t));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		table_print(t, stdout, &ctx->out);
	}
	table_free(t);
	cgroups_release(&cg);
	return EXIT_OK;
}
