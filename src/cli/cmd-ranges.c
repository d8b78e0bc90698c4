/* `memtally ranges`: the command. Options in, src/views/ranges.c's
 * document out. */
#include "../basic/log.h"
#include "../views/ranges.h"
#include "pages.h"

const char cmd_ranges_help[] =
    "Usage: memtally ranges\n"
    "\n"
    "Physical memory ranges, as RAMMap's Physical Ranges tab: every\n"
    "System RAM range of /proc/iomem, cut at zone boundaries\n"
    "(/proc/zoneinfo), and the gaps between them, each with its node,\n"
    "zone, and its pages by use from the page flags (/proc/kpageflags;\n"
    "root only). Then each zone: the PFNs it spans, the RAM present in it,\n"
    "the pages the allocator manages, and what the flags say the rest is.\n"
    "\n"
    "Columns: FREE free blocks and sections not yet initialised; ANON\n"
    "anonymous, THP and KSM; FILE page cache; SHMEM tmpfs and shared\n"
    "memory; SLAB; KERNEL pages with no flag, page tables, the zero page;\n"
    "RESERVED pages the kernel kept at boot; HOLE PFNs with no RAM.\n";

int cmd_ranges(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	struct ranges_opts o = {0};
	struct view_err err = {{0}};
	struct pages_progress p;
	struct root *root;
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
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
	pages_progress_start(&p);
	o.progress = pages_progress_draw;
	o.progress_data = &p;
	r = view_ranges(root, &o, &d, &err);
	pages_progress_end(&p);
	return cli_view_done(ctx, r, d, &err);
}
