/* `memtally usage`: the command. Options in, src/views/usage.c's (or,
 * with --exact, usage-exact.c's) document out; the page scan's progress
 * is drawn here. */
#include <string.h>

#include "../basic/log.h"
#include "../views/usage.h"
#include "cli.h"
#include "pages.h"

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
    "Under the table: the HugeTLB pools per page size (used, free,\n"
    "reserved for mappings not yet touched, surplus), from\n"
    "/sys/kernel/mm/hugepages; on a machine without swap, anonymous and\n"
    "shmem memory reads 'not reclaimable (no swap)'; how much of\n"
    "reclaimable slab is dentries in use (pinned); and, when unaccounted\n"
    "or shmem holds more than 5% of RAM, a pointer to 'memtally owners'\n"
    "and 'memtally files'.\n"
    "\n"
    "With --owners, what holds the categories (live, or what a snapshot\n"
    "kept in memtally/owners.json): the\n"
    "kernel objects processes hold through descriptors and IPC (see\n"
    "'memtally owners'), each counted once under one category: pipes,\n"
    "sockets, io_uring, dma-buf under unaccounted; memfd, tmpfs files and\n"
    "SysV segments under shmem; BPF maps and programs under vmalloc;\n"
    "SysV and POSIX messages, epoll, inotify and fanotify under\n"
    "unreclaimable slab; huge pages under HugeTLB; deleted files held open\n"
    "under page cache; and the rest left unexplained. A socket's memory\n"
    "is part slab (packet heads), part page fragments; it is shown whole\n"
    "under unaccounted. JSON: each category gains \"explained_by\":\n"
    "[{\"kind\", \"bytes\"}] and \"unexplained_bytes\" (null without\n"
    "--owners, or from a tree that kept no owners), \"reclaim\" and\n"
    "\"reclaimable_now\".\n"
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
    "      --owners       also walk every process's descriptors (live, root\n"
    "                     for all of them) to say what holds unaccounted,\n"
    "                     shmem, slab and vmalloc; tens of ms, more with\n"
    "                     more processes; with -f, what the snapshot\n"
    "                     kept\n"
    "      --exact        classify every physical page from its flags\n"
    "                     (/proc/kpageflags, root only) and show, next to\n"
    "                     each counter-based category, the bytes the page\n"
    "                     flags give, the difference and why they differ;\n"
    "                     then the use x list matrix of all pages\n";

/* Parse usage's own options into o; -1 to go on, else the exit code. */
static int usage_parse(int argc, char **argv, struct ctx *ctx,
		       struct usage_opts *o)
{
	static const struct option longopts[] = {
	    {"sort", required_argument, NULL, 's'},
	    {"no-lists", no_argument, NULL, 'L'},
	    {"exact", no_argument, NULL, 'X'},
	    {"deep", no_argument, NULL, 'd'},
	    {"owners", no_argument, NULL, 'O'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "s:d" CLI_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!streq(optarg, "size") && !streq(optarg, "fixed"))
				return cli_usage_error(
				    ctx, "unknown sort key '%s' (size, fixed)",
				    optarg);
			o->sort_size = streq(optarg, "size");
			continue;
		case 'L':
			o->no_lists = true;
			continue;
		case 'X':
			o->exact = true;
			continue;
		case 'd':
			o->deep = true;
			continue;
		case 'O':
			o->owners = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	return -1;
}

int cmd_usage(int argc, char **argv, struct ctx *ctx)
{
	struct usage_opts o = {0};
	struct view_err err = {{0}};
	struct pages_progress p;
	struct root *root;
	struct doc *d;
	int r;

	r = usage_parse(argc, argv, ctx, &o);
	if (r >= 0)
		return r;
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	pages_progress_start(&p);
	o.progress = pages_progress_draw;
	o.progress_data = &p;
	r = view_usage(root, &o, &d, &err);
	pages_progress_end(&p);
	return cli_view_done(ctx, r, d, &err);
}
