/* `memtally pools`: placeholder until the pools view lands (being written).
 * Only `--source bpf` works here for now (pools-bpf.c). */
#include <stdlib.h>
#include <string.h>

#include "pools-bpf.h"

const char cmd_pools_help[] =
	"Usage: memtally pools --source bpf [--duration S] [--interval S]\n";

int cmd_pools(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 'S' },
		{ "duration", required_argument, NULL, 'D' },
		{ "interval", required_argument, NULL, 'I' },
		{ "sample", required_argument, NULL, 'P' },
		{ "level", required_argument, NULL, 'L' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pools_bpf_opts o = { .duration = 5, .level = -1 };
	bool bpf = false;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'S':
			bpf = streq(optarg, "bpf");
			continue;
		case 'D':
			o.duration = strtod(optarg, NULL);
			continue;
		case 'I':
			o.interval = strtod(optarg, NULL);
			continue;
		case 'L':
			o.level = (int)strtol(optarg, NULL, 10);
			continue;
		case 'P':
			o.sample_shift = (unsigned)strtoul(optarg, NULL, 10);
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (!bpf)
		return EXIT_FAIL;
	return pools_bpf_run(ctx, &o);
}
