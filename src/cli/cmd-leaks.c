/* `memtally leaks --db FILE`: the command. Options in,
 * src/views/leaks.c's document out. */
#include <errno.h>
#include <stdlib.h>

#include "../basic/log.h"
#include "../views/leaks.h"
#include "cli.h"

const char cmd_leaks_help[] =
    "Usage: memtally leaks --db FILE [options]\n"
    "\n"
    "Find what grows in a recording made by 'memtally record': each usage\n"
    "category and pool tag gets a robust trend (Theil-Sen slopes over\n"
    "bucket medians, one-off jumps set aside, Mann-Kendall confidence),\n"
    "and the series that grow steadily are listed, fastest first, with:\n"
    "\n"
    "  RATE       growth in bytes per hour\n"
    "  CONF       how sure the trend is (Mann-Kendall, 0-100%)\n"
    "  GROWING    for how long it has grown (since its last low point)\n"
    "  RUNS OUT   when MemAvailable is used up at this rate (only for\n"
    "             unreclaimable growth)\n"
    "  KIND       reclaimable (page cache, reclaimable slab: the kernel\n"
    "             gives it back under pressure) or unreclaimable; a\n"
    "             cgroup's from the parts of its charge that grew (page\n"
    "             cache, anon and shmem, reclaimable slab, other kernel\n"
    "             memory): reclaimable or unreclaimable when 80% of the\n"
    "             growth is, else mixed (a note gives the shares), or\n"
    "             unknown: cgroup v1 kernel memory, which v1 does not\n"
    "             split, or a recording without the parts\n"
    "  OWNER      what the series is: a category's source, a pool tag's\n"
    "             kind; text draws the chain as a tree under it:\n"
    "             category -> pool tag -> module or process\n"
    "\n"
    "JSON has each suspect's \"kind\" and, for a cgroup, \"kind_why\"\n"
    "(mixed or unknown: why) and \"growth_split\" (each part's\n"
    "\"bytes_per_hour\", \"share_pct\" and \"reclaim\" class).\n"
    "\n"
    "A series is named only when it grew by at least --min-growth over\n"
    "the window, at --min-rate or faster, with --min-confidence; a\n"
    "sawtooth that comes back down, a single jump and noise stay quiet.\n"
    "With nothing growing it says so and exits 0.\n"
    "\n"
    "Options:\n"
    "      --db FILE             the recording (required)\n"
    "      --since T             only the last T of the recording (e.g. "
    "6h,\n"
    "                            2d) or samples since unix time @T\n"
    "      --min-growth SIZE     default 8M\n"
    "      --min-rate SIZE       per hour; default 1M\n"
    "      --min-confidence PCT  default 99.9\n"
    "      --all                 show every series' trend, growing or not\n"
    "                            (text: GROWING column says which)\n";

/* --since: "6h" (ago, relative to the recording's end) or "@UNIX". */
static int parse_since(const char *s, struct history_since *ret)
{
	if (s[0] == '@') {
		char *end;

		errno = 0;
		ret->secs = strtod(s + 1, &end);
		if (errno || end == s + 1 || *end)
			return -EINVAL;
		ret->kind = SINCE_UNIX;
		return 0;
	}
	ret->kind = SINCE_AGO;
	return cli_parse_duration(s, &ret->secs);
}

/* One option: -1 to go on, else the exit code to return now (as
 * cli_opt_default()). */
static int leaks_opt(struct ctx *ctx, int c, const char *arg,
		     struct leaks_opts *o)
{
	uint64_t sz;
	double pct;
	char *end;

	switch (c) {
	case 'D':
		o->db = arg;
		return -1;
	case 's':
		if (parse_since(arg, &o->since) < 0)
			return cli_usage_error(ctx, "bad --since '%s'", arg);
		return -1;
	case 'a':
		o->all = true;
		return -1;
	case 'G':
	case 'R':
		if (cli_parse_size(arg, &sz) < 0)
			return cli_usage_error(ctx, "bad size '%s'", arg);
		if (c == 'G')
			o->rules.min_net = (double)sz;
		else
			o->rules.min_rate = (double)sz;
		return -1;
	case 'C':
		errno = 0;
		pct = strtod(arg, &end);
		if (errno || end == arg || *end || !(pct >= 0) || pct > 100)
			return cli_usage_error(
			    ctx, "bad confidence '%s' (0-100)", arg);
		o->rules.min_confidence = pct / 100.0;
		return -1;
	}
	return cli_opt_default(ctx, c, arg);
}

int cmd_leaks(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"since", required_argument, NULL, 's'},
	    {"min-growth", required_argument, NULL, 'G'},
	    {"min-rate", required_argument, NULL, 'R'},
	    {"min-confidence", required_argument, NULL, 'C'},
	    {"all", no_argument, NULL, 'a'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct leaks_opts o = {0};
	struct view_err err = {{0}};
	struct doc *d;
	int c, r;

	leaks_default_rules(&o.rules);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		r = leaks_opt(ctx, c, optarg, &o);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (!o.db)
		return cli_usage_error(ctx, "missing --db FILE");
	r = view_leaks(NULL, &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
