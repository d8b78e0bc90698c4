/* `memtally free`: placeholder until the free view lands (being written). */
#include "cli.h"

const char cmd_free_help[] = "Usage: memtally free\n\nNot built yet.\n";

int cmd_free(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return EXIT_FAIL;
}
