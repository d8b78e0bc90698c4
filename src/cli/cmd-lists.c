/* `memtally lists`: the command. Options in, src/views/lists.c's
 * document out. */
#include <errno.h>
#include <stdlib.h>

#include "../basic/log.h"
#include "../views/lists.h"
#include "cli.h"

const char cmd_lists_help[] =
    "Usage: memtally lists [options]\n"
    "\n"
    "The page lists and how costly their memory is to reclaim: RAMMap's\n"
    "Priority Summary for Linux.\n"
    "\n"
    "LRU lists (from /proc/meminfo): the kernel keeps anonymous and file\n"
    "pages on active and inactive lists and reclaims from the inactive\n"
    "tails; unevictable pages (mlocked, ramfs, SHM_LOCK) are never\n"
    "reclaimed; dirty pages (RAMMap's Modified) must be written back first.\n"
    "Anonymous here includes tmpfs and shared memory (swap-backed).\n"
    "\n"
    "Reclaim cost, from cheapest; the classes add up to the LRU total:\n"
    "  cheap           clean inactive file cache (at least this much):\n"
    "                  dropped without I/O\n"
    "  cheap, later    clean active file cache: after it is deactivated\n"
    "  after writeback dirty and writeback file pages\n"
    "  costly          anonymous pages that fit in free swap: written out\n"
    "  not at all      unevictable pages, and anonymous pages beyond free\n"
    "                  swap (all of them without swap)\n"
    "\n"
    "MGLRU (Linux 6.1+, when enabled): pages per generation, youngest\n"
    "first, summed over memory cgroups and nodes by age rank; the\n"
    "generations need root and debugfs (/sys/kernel/debug/lru_gen).\n"
    "\n"
    "Refaults (from /proc/vmstat): evicted pages read back in\n"
    "(workingset_refault), those that were part of the working set and go\n"
    "straight back to the active list (workingset_activate: thrashing) and\n"
    "those restored as recently active (workingset_restore); with scans,\n"
    "steals and swap I/O. Shown as totals since boot and as rates over\n"
    "the interval.\n"
    "\n"
    "Options:\n"
    "  -i, --interval SECONDS  sample /proc/vmstat twice, SECONDS apart, for\n"
    "                          the rates (default 1; 0 = totals only). On\n"
    "                          --root or -f there is one sample and no rate.\n"
    "\n"
    "JSON: {\"lists\": [{\"name\", \"bytes\", \"reclaim\"}], \"reclaim\":\n"
    "[{\"class\", \"bytes\"}], \"mglru\": {\"enabled\", \"generations\": "
    "[...]},\n"
    "\"counters\": [{\"name\", \"total\", \"per_second\"}], \"interval_s\",\n"
    "\"notes\"}; sizes in bytes, counts in pages or events, absent null.\n";

int cmd_lists(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"interval", required_argument, NULL, 'i'},
	    {NULL, 0, NULL, 0},
	};
	struct lists_opts o = {.interval = 1};
	struct view_err err = {{0}};
	struct doc *d;
	struct root *root;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "i:", longopts,
				NULL)) != -1) {
		if (c == 'i') {
			if (cli_parse_seconds(optarg, 3600, &o.interval) < 0)
				return cli_usage_error(
				    ctx,
				    "--interval wants 0 to 3600 seconds, "
				    "not '%s'",
				    optarg);
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
	r = view_lists(root, &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
