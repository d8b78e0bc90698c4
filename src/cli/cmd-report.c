/* `memtally report --db FILE -o report.html`: the command. Options in,
 * src/views/report.c writes the file and says what it wrote. */
#include <errno.h>
#include <stdlib.h>

#include "../basic/log.h"
#include "../views/report.h"
#include "cli.h"

const char cmd_report_help[] =
    "Usage: memtally report --db FILE -o REPORT.html [options]\n"
    "\n"
    "Draw a recording made by 'memtally record' as one self-contained "
    "HTML\n"
    "file (inline SVG and CSS, no script, nothing fetched from the\n"
    "network): a stacked chart of the usage categories over time, the top\n"
    "growers found by 'memtally leaks' as line charts with their trend,\n"
    "the leak findings, the pools table at the start and the end, and\n"
    "which sources failed.\n"
    "\n"
    "Options:\n"
    "      --db FILE          the recording (required)\n"
    "  -o, --output FILE      where to write (required; replaced\n"
    "                         atomically)\n"
    "      --since T          only the last T of the recording (e.g. 6h)\n";

int cmd_report(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"output", required_argument, NULL, 'o'},
	    {"since", required_argument, NULL, 's'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct report_opts o = {0};
	struct view_err err = {{0}};
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'D':
			o.db = optarg;
			continue;
		case 'o':
			o.out = optarg;
			continue;
		case 's':
			if (cli_parse_duration(optarg, &o.since.secs) < 0)
				return cli_usage_error(ctx, "bad --since '%s'",
						       optarg);
			o.since.kind = SINCE_AGO;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (!o.db)
		return cli_usage_error(ctx, "missing --db FILE");
	if (!o.out)
		return cli_usage_error(ctx, "missing -o FILE");
	r = view_report(NULL, &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
