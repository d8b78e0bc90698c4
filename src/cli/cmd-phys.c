/* `memtally phys`: the command. Options in, src/views/phys.c's document
 * out; the listing is streamed while it is rendered, so the scan's
 * progress line is wiped after cli_render(). */
#include <errno.h>
#include <string.h>

#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../views/phys.h"
#include "pages.h"

const char cmd_phys_help[] =
    "Usage: memtally phys [options]\n"
    "\n"
    "List physical memory page by page, as RAMMap's Physical Pages tab:\n"
    "PFN, physical address, use, list, flags, map count and memory\n"
    "cgroup of every page, from /proc/kpageflags, /proc/kpagecount and\n"
    "/proc/kpagecgroup (root only). Contiguous pages of the same use,\n"
    "list, map count and cgroup are folded into one run (FLAGS then shows\n"
    "every flag seen in the run).\n"
    "\n"
    "Uses: free anon thp ksm file shmem slab pgtable hugetlb zero offline\n"
    "hwpoison reserved kernel uninit hole. Lists: free active inactive\n"
    "unevictable none. 'kernel' pages carry no flag at all (drivers,\n"
    "vmalloc, kernel stacks, pipe buffers, per-CPU free lists); 'uninit'\n"
    "are whole memory sections the kernel has not initialised yet\n"
    "(deferred struct page init); 'hole' has no RAM behind it.\n"
    "\n"
    "Options:\n"
    "      --summary        the use x list matrix of all pages instead\n"
    "      --pages          one line per page instead of runs\n"
    "      --pfn RANGE      only PFNs A-B (B excluded), A+N or A; decimal\n"
    "                       or 0x hex\n"
    "      --use LIST       only these uses, comma-separated\n"
    "      --flags EXPR     only pages whose flags match EXPR: names\n"
    "                       joined by ',' (and), '~' negates, '|' joins\n"
    "                       alternatives, '=a,b' means exactly a and b;\n"
    "                       e.g. anon,~lru   slab|pgtable\n"
    "      --owners         add the processes and virtual addresses that\n"
    "                       map each page (implies --pages; reads every\n"
    "                       process's /proc/PID/pagemap)\n"
    "      --pid PID        only pages mapped by PID, with their owners\n"
    "      --cgroup CG      only pages charged to memory cgroup CG: a path\n"
    "                       in the memory hierarchy (/system.slice), a\n"
    "                       directory under /sys/fs/cgroup, or @INODE\n"
    "      --threads N      scan with N threads (default: one per CPU, up\n"
    "                       to 4; listings use one)\n"
    "      --batch PAGES    pages per read (default 65536)\n"
    "      --flags-only     read /proc/kpageflags alone: no map counts and\n"
    "                       no cgroups, a third of the reading\n"
    "\n"
    "Columns (for -o): PFN PAGES ADDRESS SIZE USE LIST MAPS CGROUP FLAGS,\n"
    "and OWNERS with --owners; the listing is drawn as the scan runs.\n"
    "\n"
    "The scan is not atomic: pages change while it runs. Tail pages of a\n"
    "compound page (THP, slab, HugeTLB) take their head's use and list.\n"
    "Free blocks by order: 'memtally free --runs'; the use x list matrix\n"
    "against the kernel's counters: 'memtally usage --exact'.\n";

enum {
	OPT_SUMMARY = _OPT_COMMON_END + 1,
	OPT_PAGES,
	OPT_PFN,
	OPT_USE,
	OPT_FLAGS,
	OPT_OWNERS,
	OPT_PID,
	OPT_CGROUP,
	OPT_THREADS,
	OPT_BATCH,
	OPT_FLAGS_ONLY,
};

/* --use LIST into o->use_mask; -1, or the exit code. */
static int parse_uses(struct ctx *ctx, const char *arg, struct phys_opts *o)
{
	_cleanup_free_ char *dup = xstrdup(arg);
	char *save = NULL;

	o->use_mask = 0;
	for (char *tok = strtok_r(dup, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int u = page_use_lookup(tok);

		if (u < 0)
			return cli_usage_error(ctx, "unknown use '%s'", tok);
		o->use_mask |= 1u << u;
	}
	if (!o->use_mask)
		return cli_usage_error(ctx, "empty --use");
	return -1;
}

/* The numeric options; -1, or the exit code. */
static int parse_number(struct ctx *ctx, int c, const char *arg,
			struct phys_opts *o)
{
	unsigned long v;

	switch (c) {
	case OPT_PFN:
		if (pagescan_parse_range(arg, &o->scan.lo, &o->scan.hi) < 0)
			return cli_usage_error(
			    ctx, "bad PFN range '%s' (A-B, A+N or A)", arg);
		break;
	case OPT_PID:
		if (cli_parse_uint(arg, &v) < 0 || v == 0 || v > 0x7fffffff)
			return cli_usage_error(ctx, "bad PID '%s'", arg);
		o->pid = (int)v;
		break;
	case OPT_THREADS:
		if (cli_parse_uint(arg, &v) < 0 || v == 0 ||
		    v > PAGESCAN_THREADS_MAX)
			return cli_usage_error(ctx, "--threads wants 1 to %d",
					       PAGESCAN_THREADS_MAX);
		o->scan.threads = (unsigned)v;
		break;
	case OPT_BATCH:
		if (cli_parse_uint(arg, &v) < 0 || v < 1 || v > (1ul << 24))
			return cli_usage_error(
			    ctx, "--batch wants 1 to 16777216 pages");
		o->scan.batch_pages = v;
		break;
	}
	return -1;
}

/* One option into o; -1 to go on, else the exit code. */
static int phys_opt(struct ctx *ctx, int c, const char *arg,
		    struct phys_opts *o)
{
	struct parse_err pe = {0};

	switch (c) {
	case OPT_SUMMARY:
		o->summary = true;
		return -1;
	case OPT_PAGES:
		o->per_page = true;
		return -1;
	case OPT_USE:
		return parse_uses(ctx, arg, o);
	case OPT_FLAGS:
		if (kpf_expr_parse(arg, &o->expr, &pe) < 0)
			return cli_usage_error(ctx, "--flags: %s", pe.msg);
		o->has_expr = true;
		return -1;
	case OPT_OWNERS:
		o->owners = true;
		return -1;
	case OPT_CGROUP:
		o->cgroup = arg;
		return -1;
	case OPT_FLAGS_ONLY:
		o->scan.no_count = o->scan.no_cgroup = true;
		return -1;
	case OPT_PFN:
	case OPT_PID:
	case OPT_THREADS:
	case OPT_BATCH:
		return parse_number(ctx, c, arg, o);
	}
	return cli_opt_default(ctx, c, arg);
}

/* Parse phys's options into o; -1 to go on, else the exit code. */
static int phys_parse(int argc, char **argv, struct ctx *ctx,
		      struct phys_opts *o)
{
	static const struct option longopts[] = {
	    {"summary", no_argument, NULL, OPT_SUMMARY},
	    {"pages", no_argument, NULL, OPT_PAGES},
	    {"pfn", required_argument, NULL, OPT_PFN},
	    {"use", required_argument, NULL, OPT_USE},
	    {"flags", required_argument, NULL, OPT_FLAGS},
	    {"owners", no_argument, NULL, OPT_OWNERS},
	    {"pid", required_argument, NULL, OPT_PID},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"batch", required_argument, NULL, OPT_BATCH},
	    {"flags-only", no_argument, NULL, OPT_FLAGS_ONLY},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		r = phys_opt(ctx, c, optarg, o);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (o->summary && (o->owners || o->pid || o->per_page || o->cgroup ||
			   o->has_expr || o->use_mask != ~0u))
		return cli_usage_error(ctx,
				       "--summary counts every page of the PFN "
				       "range; it takes no other filter");
	return -1;
}

int cmd_phys(int argc, char **argv, struct ctx *ctx)
{
	struct phys_opts o = {.use_mask = ~0u};
	struct view_err err = {{0}};
	struct pages_progress p;
	struct root *root;
	struct doc *d;
	int r;

	r = phys_parse(argc, argv, ctx, &o);
	if (r >= 0)
		return r;
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	pages_progress_start(&p);
	o.progress = pages_progress_draw;
	o.progress_data = &p;
	r = view_phys(root, &o, &d, &err);
	if (r < 0) {
		pages_progress_end(&p);
		log_error("%s", err.msg);
		return EXIT_FAIL;
	}
	r = cli_render(ctx, d);
	pages_progress_end(&p);
	return r;
}
