/* `memtally usage`: placeholder until the usage view lands. */
#include "cli.h"

const char cmd_usage_help[] = "Usage: memtally usage\n";

int cmd_usage(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return EXIT_FAIL;
}
