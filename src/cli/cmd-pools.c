/* `memtally pools`: placeholder until the pools view lands (being written). */
#include "cli.h"

const char cmd_pools_help[] = "Usage: memtally pools\n\nNot built yet.\n";

int cmd_pools(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return EXIT_FAIL;
}
