/* `memtally sources`: the command. Options in, src/views/sources.c's
 * document out. */
#include "../basic/log.h"
#include "../views/sources.h"
#include "cli.h"

const char cmd_sources_help[] =
    "Usage: memtally sources\n"
    "\n"
    "List the kernel interfaces memtally reads, what each needs, and\n"
    "whether it can be read from the current root (/, --root DIR or a\n"
    "snapshot given with -f). An unavailable source says why: absent on\n"
    "this kernel, needs root, or malformed (with file and line).\n";

int cmd_sources(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	struct sources_opts o = {0};
	struct view_err err = {{0}};
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
	r = view_sources(root, &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
