/* `memtally diff A B`: the command. Options in, src/views/diff.c's
 * document out. */
#include <errno.h>
#include <stdlib.h>

#include "../basic/log.h"
#include "../views/diff.h"
#include "cli.h"

const char cmd_diff_help[] =
    "Usage: memtally diff [A] B\n"
    "       memtally diff --db FILE [--from T] [--to T]\n"
    "\n"
    "What changed between two moments: every usage category and pool tag\n"
    "that grew or shrank, biggest growth first, each category followed by\n"
    "the pool tags inside it that moved the most, drawn as a tree with\n"
    "the module or process that holds each (category -> tag -> module).\n"
    "PoolMon's 'save the screen and compare', done for you.\n"
    "\n"
    "A and B are snapshot files ('memtally snapshot -o FILE') or captured\n"
    "trees (directories with proc/ and sys/). With only B, A is the\n"
    "global root: the live system, --root DIR or -f FILE; so\n"
    "'memtally diff yesterday.mtsnap' compares that snapshot with now\n"
    "(A is then the live system and B the snapshot: read the signs so).\n"
    "With --db, A and B are two samples of a recording: the first and the\n"
    "last unless --from and --to pick others (T: '@UNIX' time, or a\n"
    "duration before the recording's end, e.g. 2h).\n"
    "\n"
    "RATE/H is the change per hour when both moments have a time "
    "(snapshot\n"
    "files and recordings do; directory trees do not: n/a).\n"
    "KIND is reclaimable or unreclaimable by the series' class; a\n"
    "cgroup's comes from how the parts of its charge changed, as in\n"
    "'memtally leaks' (mixed or unknown with a note saying why).\n"
    "\n"
    "Options:\n"
    "      --db FILE     compare two samples of a recording\n"
    "      --from T      the first sample at or after T (default: first)\n"
    "      --to T        the last sample at or before T (default: last)\n";

/* --from/--to: "@UNIX" or a duration before the recording's end. */
static int parse_when(const char *s, struct diff_when *ret)
{
	char *e;

	if (s[0] == '@') {
		errno = 0;
		ret->secs = strtod(s + 1, &e);
		if (errno || e == s + 1 || *e)
			return -EINVAL;
		ret->kind = WHEN_UNIX;
		return 0;
	}
	ret->kind = WHEN_AGO;
	return cli_parse_duration(s, &ret->secs);
}

/* The positional arguments and their checks; -1 to go on, else the
 * exit code. */
static int diff_args(struct ctx *ctx, int argc, char **argv,
		     struct diff_opts *o, const char *from, const char *to)
{
	int n = argc - optind;

	if (o->db) {
		if (n > 0)
			return cli_usage_error(ctx, "--db takes no A B");
		if ((from && parse_when(from, &o->from) < 0) ||
		    (to && parse_when(to, &o->to) < 0))
			return cli_usage_error(ctx, "bad --from or --to");
		return -1;
	}
	if (from || to)
		return cli_usage_error(ctx, "--from and --to need --db");
	if (n < 1 || n > 2)
		return cli_usage_error(ctx, "expected [A] B");
	if (n == 2 && (ctx->file || ctx->root_dir))
		return cli_usage_error(ctx,
				       "A B with --root or -f: give B only");
	o->a = n == 2 ? argv[optind] : NULL;
	o->b = argv[argc - 1];
	return -1;
}

int cmd_diff(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL;
	struct diff_opts o = {0};
	struct view_err err = {{0}};
	struct root *root = NULL;
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		if (c == 'D' || c == 'F' || c == 'T') {
			*(c == 'D' ? &o.db : c == 'F' ? &from : &to) = optarg;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	r = diff_args(ctx, argc, argv, &o, from, to);
	if (r >= 0)
		return r;
	if (!o.db && !o.a) {
		root = ctx_root(ctx);
		if (!root)
			return EXIT_FAIL;
	}
	r = view_diff(root, &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
