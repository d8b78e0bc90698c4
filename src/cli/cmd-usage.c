/* `memtally usage`: RAMMap's Use Counts for Linux.
 *
 * Every byte of MemTotal in exactly one category (analysis/accounting.c
 * says why the categories are disjoint), the unaccounted remainder as its
 * own line, the LRU lists as RAMMap's columns, and a one-line verdict. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/accounting.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../model/snapshot.h"
#include "../sources/iomem.h"
#include "../sources/zoneinfo.h"
#include "cli.h"
#include "usage-exact.h"

const char cmd_usage_help[] =
    "Usage: memtally usage [options]\n"
    "\n"
    "Where every byte of RAM is: RAMMap's Use Counts for Linux. Each byte\n"
    "of MemTotal is in exactly one category, and the categories sum to\n"
    "MemTotal exactly:\n"
    "\n"
    "  free                     MemFree: on the buddy allocator's free lists\n"
    "  free on per-CPU lists    free pages cached per CPU (zoneinfo); not in\n"
    "                           MemFree, hundreds of MiB on busy 6.x kernels\n"
    "  anonymous                process private memory (heap, stacks)\n"
    "  page cache               file contents cached in RAM (Cached - Shmem)\n"
    "  shmem / tmpfs            tmpfs and /dev/shm files, SysV shared memory,\n"
    "                           shared anonymous mappings, memfd\n"
    "  buffers                  block-device cache (filesystem metadata)\n"
    "  swap cache               anonymous pages also held in swap\n"
    "  reclaimable slab         kernel caches the kernel can shrink\n"
    "                           (dentries, inodes): PoolMon's paged pool\n"
    "  unreclaimable slab       kernel objects that stay until freed:\n"
    "                           PoolMon's nonpaged pool\n"
    "  other reclaimable kernel KReclaimable beyond slab (e.g. DMA-BUF pools)\n"
    "  kernel stacks, page tables, secondary page tables (KVM, IOMMU)\n"
    "  vmalloc, per-CPU         more nonpaged kernel memory\n"
    "  HugeTLB pool             huge pages set aside, used or not\n"
    "  zswap, unaccepted, GPU   where the kernel reports them\n"
    "  unaccounted              MemTotal minus all of the above: pages that\n"
    "                           drivers and subsystems took straight from\n"
    "                           the page allocator (pipe buffers, network\n"
    "                           page pools, GPU memory, ...). No process and\n"
    "                           no slab cache shows them; a growing\n"
    "                           unaccounted line is the Linux twin of\n"
    "                           RAMMap's unexplained Nonpaged Pool growth.\n"
    "\n"
    "Each line shows its share of RAM, how the kernel can get it back under\n"
    "pressure (free, reclaimable, swappable, pinned), the nearest RAMMap Use\n"
    "Count, and the /proc/meminfo fields it comes from. A category this\n"
    "kernel does not report is left out and named in a note; its memory is\n"
    "then part of 'unaccounted'.\n"
    "\n"
    "Above the table, as root: physical RAM (the System RAM ranges of\n"
    "/proc/iomem) and how much of it the kernel reserved at boot (its own\n"
    "image, the struct page array, firmware tables, crashkernel): memory\n"
    "outside MemTotal that no category can hold.\n"
    "\n"
    "The page-list table is RAMMap's columns: pages on the LRU lists,\n"
    "active and inactive, for swap-backed memory (anonymous and shmem) and\n"
    "file-backed memory (page cache and buffers); unevictable (mlocked,\n"
    "ramfs); dirty (RAMMap's Modified) and under writeback.\n"
    "\n"
    "The verdict names the unaccounted remainder or unreclaimable slab when\n"
    "either holds 10% of RAM or more (where kernel leaks show), else the\n"
    "largest user and how much memory is available.\n"
    "\n"
    "Options:\n"
    "  -s, --sort size    order categories by size (default: fixed order)\n"
    "      --no-lists     leave out the page-list table\n"
    "  -d, --deep         also read /proc/vmallocinfo (root; the kernel\n"
    "                     takes a few ms to print it) to take vmalloc'd\n"
    "                     kernel stacks out of vmalloc: they are counted\n"
    "                     in 'kernel stacks' already\n"
    "      --exact        classify every physical page from its flags\n"
    "                     (/proc/kpageflags, root only) and show, next to\n"
    "                     each counter-based category, the bytes the page\n"
    "                     flags give, the difference and why they differ;\n"
    "                     then the use x list matrix of all pages\n";

struct usage_opts {
	bool exact; /* usage --exact: usage-exact.c */
	bool sort_size;
	bool no_lists;
	bool deep;
};

static double share(const struct accounting *a, int64_t b)
{
	return a->total ? 100.0 * (double)b / (double)a->total : 0;
}

static int cmp_by_size(const void *x, const void *y, void *arg)
{
	const struct accounting *a = arg;
	int cx = *(const int *)x, cy = *(const int *)y;

	/* the remainder stays last: it is what the others leave */
	if (cx == ACCT_UNACCOUNTED || cy == ACCT_UNACCOUNTED)
		return (cx == ACCT_UNACCOUNTED) - (cy == ACCT_UNACCOUNTED);
	if (a->bytes[cx] != a->bytes[cy])
		return a->bytes[cx] < a->bytes[cy] ? 1 : -1;
	return cx - cy;
}

static struct table *categories_table(const struct accounting *a,
				      const struct usage_opts *o)
{
	struct table *t = table_new(NULL);
	int order[_ACCT_MAX], n = 0;
	size_t row;

	table_add_col(t, "CATEGORY", "name", COL_STR);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "SHARE", "percent", COL_PCT);
	table_add_col(t, "RECLAIM", "reclaim", COL_STR);
	table_add_col(t, "RAMMAP", "windows", COL_STR);
	table_add_col(t, "FROM", "from", COL_STR);

	for (int c = 0; c < _ACCT_MAX; c++)
		if (a->present[c])
			order[n++] = c;
	if (o->sort_size)
		qsort_r(order, (size_t)n, sizeof(order[0]), cmp_by_size,
			(void *)a);
	for (int i = 0; i < n; i++) {
		const struct acct_cat_info *ci = acct_cat_info(order[i]);
		int64_t b = a->bytes[order[i]];

		row = table_add_row(t);
		table_set_str(t, row, 0, ci->label);
		table_set_i64(t, row, 1, b);
		table_set_double(t, row, 2, share(a, b));
		table_set_str(t, row, 3, acct_reclaim_name(ci->reclaim));
		table_set_str(t, row, 4, ci->windows);
		table_set_str(t, row, 5, ci->source);
		if (order[i] == ACCT_UNACCOUNTED)
			table_row_highlight(t, row);
	}
	row = table_add_row(t);
	table_row_total(t, row);
	table_set_str(t, row, 0, "total (MemTotal)");
	table_set_u64(t, row, 1, a->total);
	table_set_double(t, row, 2, 100.0);
	table_set_str(t, row, 3, "");
	table_set_str(t, row, 4, "Total");
	table_set_str(t, row, 5, "MemTotal");
	return t;
}

static struct table *lists_table(const struct accounting *a)
{
	char h[32];
	const struct acct_lists *l = &a->lists;
	struct table *t = table_new(NULL);
	size_t row;

	table_add_col(t, "PAGE LISTS", "name", COL_STR);
	table_add_col(t, "ACTIVE", "active", COL_BYTES);
	table_add_col(t, "INACTIVE", "inactive", COL_BYTES);
	table_add_col(t, "UNEVICTABLE", "unevictable", COL_BYTES);
	table_add_col(t, "DIRTY", "dirty", COL_BYTES);
	table_add_col(t, "WRITEBACK", "writeback", COL_BYTES);

	row = table_add_row(t);
	table_set_str(t, row, 0, "swap-backed (anon + shmem)");
	table_set_u64(t, row, 1, l->active_anon);
	table_set_u64(t, row, 2, l->inactive_anon);
	row = table_add_row(t);
	table_set_str(t, row, 0, "file-backed (cache + buffers)");
	table_set_u64(t, row, 1, l->active_file);
	table_set_u64(t, row, 2, l->inactive_file);
	table_set_u64(t, row, 4, l->dirty);
	table_set_u64(t, row, 5, l->writeback);
	row = table_add_row(t);
	table_set_str(t, row, 0, "not on the active/inactive lists");
	table_set_u64(t, row, 3, l->unevictable);
	table_add_note(t,
		       "n/a: the kernel keeps unevictable, dirty and writeback "
		       "pages as totals, not per list type.");
	if (val_has(l->mlocked))
		table_add_note(t,
			       "unevictable includes %s of mlocked pages, and "
			       "ramfs and locked shmem.",
			       human_bytes(l->mlocked, h, sizeof(h)));
	return t;
}

static void add_notes(struct table *t, const struct accounting *a,
		      const struct meminfo *mi)
{
	char h[32];

	if (a->n_missing) {
		char buf[512] = "";
		size_t len = 0;

		for (size_t i = 0; i < a->n_missing; i++)
			len += (size_t)snprintf(
			    buf + len,
			    len < sizeof(buf) ? sizeof(buf) - len : 0, "%s%s",
			    i ? ", " : "", a->missing[i]);
		table_add_note(
		    t,
		    "not reported by this kernel: %s; that memory is "
		    "counted in 'unaccounted'.",
		    buf);
	}
	for (size_t i = 0; i < a->n_notes; i++)
		table_add_note(t, "%s", a->notes[i]);
	if (a->bytes[ACCT_UNACCOUNTED] < 0)
		table_add_note(
		    t, "unaccounted is negative: the counters were read "
		       "at slightly different moments or overlap on this "
		       "kernel; shown as measured.");
	if (a->present[ACCT_VMALLOC] && !val_has(a->vmalloc_stacks) &&
	    a->present[ACCT_KERNEL_STACK])
		table_add_note(t,
			       "vmalloc may include kernel stacks (CONFIG_VMAP_"
			       "STACK), also counted in 'kernel stacks'; "
			       "'usage --deep' (root) tells how much.");
	if (a->present[ACCT_VMALLOC] && val_has(a->vmalloc_stacks))
		table_add_note(
		    t,
		    "vmalloc excludes %s of kernel stacks (from "
		    "/proc/vmallocinfo), counted in 'kernel stacks'.",
		    human_bytes(a->vmalloc_stacks, h, sizeof(h)));
	for (size_t i = 0; i < mi->n_extra; i++)
		if (mi->extra[i].has_unit && mi->extra[i].bytes > 0)
			table_add_note(
			    t,
			    "this kernel also reports %s = %s, which "
			    "memtally does not place in a category.",
			    mi->extra[i].name,
			    human_bytes(mi->extra[i].bytes, h, sizeof(h)));
}

/* usage --deep without /proc/vmallocinfo (it is root's only): say why
 * the view is the plain one instead of showing it silently. */
static void note_deep(struct table *t, const struct snapshot *snap)
{
	char why[400];

	if (snapshot_get(snap, SRC_VMALLOCINFO))
		return;
	snapshot_why(snap, SRC_VMALLOCINFO, why, sizeof(why));
	table_add_note(t,
		       "--deep: %s; vmalloc is shown as without --deep "
		       "(it may include kernel stacks).",
		       why);
}

/* Categories in JSON: "name" is the stable key (DESIGN.md's contract),
 * "label" the text shown in the table. Same order as the text view. */
static json_object *categories_json(const struct accounting *a,
				    const struct usage_opts *o)
{
	json_object *arr = json_object_new_array();
	int order[_ACCT_MAX], n = 0;

	for (int c = 0; c < _ACCT_MAX; c++)
		if (a->present[c])
			order[n++] = c;
	if (o->sort_size)
		qsort_r(order, (size_t)n, sizeof(order[0]), cmp_by_size,
			(void *)a);
	for (int i = 0; i < n; i++) {
		const struct acct_cat_info *ci = acct_cat_info(order[i]);
		json_object *c = json_object_new_object();
		char p[32];

		snprintf(p, sizeof(p), "%.2f", share(a, a->bytes[order[i]]));
		json_object_object_add(c, "name",
				       json_object_new_string(ci->key));
		json_object_object_add(c, "label",
				       json_object_new_string(ci->label));
		json_object_object_add(
		    c, "bytes", json_object_new_int64(a->bytes[order[i]]));
		json_object_object_add(
		    c, "percent",
		    json_object_new_double_s(share(a, a->bytes[order[i]]), p));
		json_object_object_add(
		    c, "reclaim",
		    json_object_new_string(acct_reclaim_name(ci->reclaim)));
		json_object_object_add(c, "windows",
				       json_object_new_string(ci->windows));
		json_object_object_add(c, "from",
				       json_object_new_string(ci->source));
		json_object_array_add(arr, c);
	}
	return arr;
}

static json_object *lists_json(const struct acct_lists *l)
{
	json_object *o = json_object_new_object();

#define ADD(k, v)                                                              \
	json_object_object_add(o, k,                                           \
			       val_has(v) ? json_object_new_uint64(v) : NULL)
	ADD("active_anon", l->active_anon);
	ADD("inactive_anon", l->inactive_anon);
	ADD("active_file", l->active_file);
	ADD("inactive_file", l->inactive_file);
	ADD("unevictable", l->unevictable);
	ADD("mlocked", l->mlocked);
	ADD("dirty", l->dirty);
	ADD("writeback", l->writeback);
#undef ADD
	return o;
}

/* The page size zoneinfo's page counts are in: the running kernel's when
 * live, else 4 KiB (every fixture and snapshot we read comes from a 4 KiB
 * machine; zoneinfo gives no way to tell). */
static uint64_t zone_page_size(struct root *root)
{
	long ps = root_is_live(root) ? sysconf(_SC_PAGESIZE) : -1;

	return ps > 0 ? (uint64_t)ps : 4096;
}

/* Physical RAM from /proc/iomem's "System RAM" ranges, when readable and
 * when it is at least MemTotal (the difference is what the kernel reserved
 * at boot and never handed to the page allocator). VAL_ABSENT otherwise,
 * with the reason in why. */
static uint64_t physical_ram(const struct snapshot *snap,
			     const struct accounting *a, char *why, size_t n)
{
	const struct iomem *io = snapshot_get(snap, SRC_IOMEM);
	uint64_t ram;

	if (!io) {
		snapshot_why(snap, SRC_IOMEM, why, n);
		return VAL_ABSENT;
	}
	if (io->addr_hidden) {
		snprintf(why, n,
			 "/proc/iomem hides addresses from non-root "
			 "users");
		return VAL_ABSENT;
	}
	ram = iomem_system_ram(io);
	if (!val_has(ram)) {
		snprintf(why, n, "/proc/iomem has no System RAM range");
		return VAL_ABSENT;
	}
	if (ram < a->total) {
		snprintf(why, n,
			 "/proc/iomem's System RAM is smaller than "
			 "MemTotal (memory hotplug or ballooning?)");
		return VAL_ABSENT;
	}
	return ram;
}

int cmd_usage(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"sort", required_argument, NULL, 's'},
	    {"no-lists", no_argument, NULL, 'L'},
	    {"exact", no_argument, NULL, 'X'},
	    {"deep", no_argument, NULL, 'd'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct usage_opts o = {0};
	struct accounting a;
	struct snapshot snap;
	const struct meminfo *mi;
	struct table *cats, *lists = NULL;
	struct root *root;
	char verdict[512], h1[32], h2[32], phys_why[400];
	uint64_t phys;
	int c, r;

	while ((c = getopt_long(argc, argv, "s:d" CLI_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!streq(optarg, "size") && !streq(optarg, "fixed"))
				return cli_usage_error(
				    ctx, "unknown sort key '%s' (size, fixed)",
				    optarg);
			o.sort_size = streq(optarg, "size");
			continue;
		case 'L':
			o.no_lists = true;
			continue;
		case 'X':
			o.exact = true;
			continue;
		case 'd':
			o.deep = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	if (o.exact)
		return usage_exact(ctx);

	/* vmallocinfo costs the kernel ~3 ms to print: only with --deep */
	snapshot_collect(root,
			 (o.deep ? ACCT_SOURCES_DEEP : ACCT_SOURCES) |
			     SRC_BIT(SRC_IOMEM),
			 &snap);
	mi = snapshot_get(&snap, SRC_MEMINFO);
	if (!mi) {
		char why[400];

		snapshot_why(&snap, SRC_MEMINFO, why, sizeof(why));
		log_error("%s", why);
		snapshot_release(&snap);
		return EXIT_FAIL;
	}
	r = accounting_from_snapshot(&snap, zone_page_size(root), &a);
	if (r < 0) {
		if (r == -ERANGE)
			log_error("'/proc/meminfo' says MemTotal is more than "
				  "4 PiB, more than any machine can address");
		else
			log_error("'/proc/meminfo' lacks MemTotal or MemFree");
		snapshot_release(&snap);
		return EXIT_FAIL;
	}
	accounting_verdict(&a, verdict, sizeof(verdict));
	phys = physical_ram(&snap, &a, phys_why, sizeof(phys_why));
	cats = categories_table(&a, &o);
	add_notes(cats, &a, mi);
	if (o.deep)
		note_deep(cats, &snap);
	if (!o.no_lists)
		lists = lists_table(&a);

	if (ctx->json) {
		json_object *top = json_object_new_object();

		json_object_object_add(top, "total_bytes",
				       json_object_new_uint64(a.total));
		json_object_object_add(top, "available_bytes",
				       val_has(a.available)
					   ? json_object_new_uint64(a.available)
					   : NULL);
		json_object_object_add(top, "verdict",
				       json_object_new_string(verdict));
		json_object_object_add(
		    top, "physical_ram_bytes",
		    val_has(phys) ? json_object_new_uint64(phys) : NULL);
		json_object_object_add(
		    top, "reserved_at_boot_bytes",
		    val_has(phys) ? json_object_new_uint64(phys - a.total)
				  : NULL);
		if (!val_has(phys))
			json_object_object_add(
			    top, "physical_ram_unavailable",
			    json_object_new_string(phys_why));
		json_object_object_add(top, "categories",
				       categories_json(&a, &o));
		if (!o.no_lists)
			json_object_object_add(top, "lists",
					       lists_json(&a.lists));
		json_object_object_add(top, "notes", table_json_notes(cats));
		json_print(stdout, top);
		json_object_put(top);
	} else {
		printf("Memory: %s total",
		       human_bytes(a.total, h1, sizeof(h1)));
		if (val_has(a.available))
			printf(", %s available",
			       human_bytes(a.available, h2, sizeof(h2)));
		putchar('\n');
		if (val_has(phys)) {
			printf("Physical RAM: %s, of which %s reserved at boot "
			       "(kernel image, struct page array, firmware; "
			       "outside MemTotal)\n",
			       human_bytes(phys, h1, sizeof(h1)),
			       human_bytes(phys - a.total, h2, sizeof(h2)));
		}
		printf("Verdict: %s\n\n", verdict);
		table_print(cats, stdout, &ctx->out);
		if (lists) {
			putchar('\n');
			table_print(lists, stdout, &ctx->out);
		}
	}
	table_free(cats);
	table_free(lists);
	snapshot_release(&snap);
	return EXIT_OK;
}
