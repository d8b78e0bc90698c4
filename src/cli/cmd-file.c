/* `memtally file PATH`: the command. Options in, src/views/file.c's
 * document out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/log.h"
#include "../views/file.h"
#include "cli.h"

const char cmd_file_help[] =
    "Usage: memtally file [options] PATH\n"
    "\n"
    "One file's page cache: how much of it is cached, dirty, under\n"
    "writeback and evicted, a picture of the whole file, and the runs of\n"
    "cached and of dirty pages (RAMMap's File Details; fincore and\n"
    "'vmtouch -v' on Linux).\n"
    "\n"
    "The picture has one character per cell, each cell an equal part of\n"
    "the file:\n"
    "  '#' every page cached   '+' more than half   '-' some   '.' none\n"
    "  'D' some page in the cell is dirty (not yet written back)\n"
    "\n"
    "Options:\n"
    "  -w, --width N    cells in the picture (default 64, at most 4096)\n"
    "  -m, --max-runs N list at most N runs of each kind (default 50;\n"
    "                   0 = all)\n"
    "\n"
    "Uses cachestat(2) (Linux 6.5); with mincore(2) only residency is\n"
    "known, and DIRTY, WRITEBACK, EVICTED and the dirty runs are n/a.\n"
    "Live system only: with --root or -f it says it is unavailable.\n"
    "\n"
    "JSON: {\"path\", \"size\", \"pages\", \"cached\", \"dirty\", "
    "\"writeback\",\n"
    "\"evicted\", \"recently_evicted\", \"method\", \"map\", "
    "\"map_cell_bytes\",\n"
    "\"runs\": [{\"state\": \"cached\"|\"dirty\", \"offset\", \"length\"}]};\n"
    "sizes in bytes.\n"
    "\n"
    "Example:\n"
    "  memtally file /var/lib/mysql/ibdata1\n";

int cmd_file(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"width", required_argument, NULL, 'w'},
	    {"max-runs", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0}};
	struct file_opts o = {.width = 64, .max_runs = 50};
	struct view_err err = {{0}};
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "w:m:",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (cli_parse_uint(optarg, &o.width) < 0 ||
			    o.width == 0 || o.width > 4096)
				return cli_usage_error(
				    ctx, "--width wants 1 to 4096, not '%s'",
				    optarg);
			continue;
		case 'm':
			if (cli_parse_uint(optarg, &o.max_runs) < 0)
				return cli_usage_error(
				    ctx, "--max-runs wants a number, not '%s'",
				    optarg);
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage_error(ctx, optind == argc
						? "which file? (PATH missing)"
						: "one PATH only");
	o.path = argv[optind];
	if (!ctx_root(ctx))
		return EXIT_FAIL;
	r = view_file(ctx_root(ctx), &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
