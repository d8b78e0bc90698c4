/* `memtally help [COMMAND]`: the same text as `memtally COMMAND --help`. */
#include <stdio.h>

#include "../basic/macro.h"
#include "cli.h"

const char cmd_help_help[] =
    "Usage: memtally help [COMMAND]\n"
    "\n"
    "Show the help of COMMAND (the same as 'memtally COMMAND --help'),\n"
    "or the list of commands.\n";

int cmd_help(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	const struct cmd *c;
	int opt, r;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				  NULL)) != -1) {
		r = cli_opt_default(ctx, opt, optarg);
		if (r >= 0)
			return r;
	}
	if (optind >= argc) {
		cli_print_usage(stdout);
		return EXIT_OK;
	}
	if (optind + 1 < argc)
		return cli_usage_error(ctx, "help takes one command name");
	c = cmd_find(argv[optind]);
	if (!c)
		return cli_usage_error(ctx, "unknown command '%s'",
				       argv[optind]);
	cli_print_help(c, stdout);
	return EXIT_OK;
}
