/* `memtally free`: the command. Options in, src/views/free.c's (or, with
 * --runs, free-runs.c's) document out; the page scan's progress is drawn
 * here. */
#include "../basic/log.h"
#include "../views/free.h"
#include "cli.h"
#include "pages.h"

const char cmd_free_help[] =
    "Usage: memtally free [--node N] [--zone NAME] [--by-type | --runs]\n"
    "\n"
    "Show free memory as the page allocator holds it: free blocks by\n"
    "size in every zone, how fragmented they are, which migrate type\n"
    "owns them, and whether the kernel's counts of free memory agree.\n"
    "\n"
    "Options:\n"
    "      --node N       only zones of NUMA node N\n"
    "      --zone NAME    only zones named NAME (DMA, DMA32, Normal,\n"
    "                     HighMem, Movable; case does not matter)\n"
    "      --by-type      per migrate type: free blocks by order and the\n"
    "                     unusable index (needs /proc/pagetypeinfo, root)\n"
    "      --runs         find the free blocks page by page in\n"
    "                     /proc/kpageflags (root) and set their histogram\n"
    "                     by order beside buddyinfo's, zone by zone, with\n"
    "                     how well they agree and why they may not; the\n"
    "                     largest blocks with their addresses\n"
    "\n"
    "How to read it\n"
    "\n"
    "Free blocks by order. Linux keeps free memory in the buddy allocator:\n"
    "per zone, one free list per order, where an order-k block is 2^k\n"
    "contiguous pages (4K, 8K, 16K ... 4M with 4 KiB pages). The columns\n"
    "are the number of free blocks of each size (/proc/buddyinfo); FREE is\n"
    "their total and LARGEST the biggest block that is free now. This is\n"
    "what the Windows debugger shows when walking the nonpaged pool's free\n"
    "lists, MmNonPagedPoolFreeListHead[0..3] (free runs of 1, 2, 3 and 4\n"
    "or more pages, each run's first page an _MMFREE_POOL_ENTRY): here the\n"
    "lists are per order, and a free block's first page is marked BUDDY in\n"
    "/proc/kpageflags. Unlike the pool's runs of any length, buddy blocks\n"
    "are powers of two, aligned, and merge with their free twin (their\n"
    "\"buddy\") on release; few large blocks mean long-lived\n"
    "allocations are scattered through memory. RAMMap's Free list is\n"
    "the sum of all this (MemFree).\n"
    "\n"
    "Fragmentation. For each order, the unusable free space index is the\n"
    "share of free memory sitting in blocks too small for a request of\n"
    "that size (Mel Gorman's index, as in debugfs extfrag/unusable_index):\n"
    "0% means every free page could serve it, 100% that none could; a\n"
    "zone with no free memory is 100%. A high figure at order 9 (2 MiB)\n"
    "means huge pages will need compaction even though memory is free.\n"
    "\n"
    "Migrate types. Free blocks are further split by migrate type\n"
    "(Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate), from\n"
    "/proc/pagetypeinfo, which only root can read; BLOCKS is how many\n"
    "pageblocks (2^pageblock_order pages) each type owns. A count the\n"
    "kernel capped (\">100000\") is shown with '>' and is a lower bound.\n"
    "\n"
    "Cross-check. The kernel counts free memory several ways: MemFree\n"
    "(/proc/meminfo), nr_free_pages per zone (/proc/zoneinfo), the blocks\n"
    "on the buddy lists (/proc/buddyinfo), and the pages CPUs keep on\n"
    "their per-CPU lists (zoneinfo 'count:'), which are free but counted by\n"
    "none of the others (like Windows' per-processor lookaside lists).\n"
    "buddyinfo also holds free pages in isolated pageblocks, which\n"
    "nr_free_pages leaves out. The files are read one\n"
    "after another, so small differences are normal; the tolerance comes\n"
    "from zoneinfo (per-CPU counter thresholds and batches). The verdict\n"
    "says whether the views agree, differ for a known reason, or differ\n"
    "unexplained. The cross-check always covers the whole system.\n"
    "\n"
    "JSON: {\"zones\": [{\"node\", \"zone\", \"free_blocks\": [count per\n"
    "order], \"free_bytes\", \"largest_block_bytes\", \"unusable_index\":\n"
    "[0..1 per order], \"by_migrate_type\": {...} or null}], \"reconcile\":\n"
    "{...}, \"unavailable\": [{\"source\", \"reason\"}]}. Sizes are bytes;\n"
    "figures the kernel does not give are null.\n";

enum {
	OPT_NODE = _OPT_COMMON_END,
	OPT_ZONE,
	OPT_BY_TYPE,
	OPT_RUNS,
};

/* Parse free's own options into o; -1 to go on, else the exit code. */
static int free_parse(int argc, char **argv, struct ctx *ctx,
		      struct free_opts *o)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"node", required_argument, NULL, OPT_NODE},
	    {"zone", required_argument, NULL, OPT_ZONE},
	    {"by-type", no_argument, NULL, OPT_BY_TYPE},
	    {"runs", no_argument, NULL, OPT_RUNS},
	    {NULL, 0, NULL, 0},
	};
	unsigned long ul;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_NODE:
			if (cli_parse_uint(optarg, &ul) < 0 || ul > 1u << 20)
				return cli_usage_error(ctx, "bad node '%s'",
						       optarg);
			o->node = (long)ul;
			continue;
		case OPT_ZONE:
			o->zone = optarg;
			continue;
		case OPT_BY_TYPE:
			o->by_type = true;
			continue;
		case OPT_RUNS:
			o->runs = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (o->runs && o->by_type)
		return cli_usage_error(ctx, "--runs and --by-type do not mix");
	return -1;
}

int cmd_free(int argc, char **argv, struct ctx *ctx)
{
	struct free_opts o = {.node = -1};
	struct view_err err = {{0}};
	struct pages_progress p;
	struct root *root;
	struct doc *d;
	int r;

	r = free_parse(argc, argv, ctx, &o);
	if (r >= 0)
		return r;
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	pages_progress_start(&p);
	o.progress = pages_progress_draw;
	o.progress_data = &p;
	r = view_free(root, &o, &d, &err);
	pages_progress_end(&p);
	return cli_view_done(ctx, r, d, &err);
}
