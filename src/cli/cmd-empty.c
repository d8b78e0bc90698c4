/* `memtally empty WHAT --yes`: the command. Options in, src/views/empty.c's
 * document out; the view writes to the system only with --yes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/log.h"
#include "../views/empty.h"
#include "cli.h"

const char cmd_empty_help[] =
    "Usage: memtally empty WHAT [options] --yes\n"
    "\n"
    "RAMMap's Empty menu for Linux: ask the kernel to give memory back.\n"
    "Without --yes it prints exactly what it would do and does nothing.\n"
    "With --yes it does it and shows the 'usage' categories before and\n"
    "after. Needs root. Nothing else in memtally writes to the system.\n"
    "\n"
    "WHAT:\n"
    "  workingsets  page out processes' memory (Empty Working Sets):\n"
    "               process_madvise(2) MADV_PAGEOUT on every mapping of\n"
    "               every process (or of --pid), or memory.reclaim of a\n"
    "               cgroup (--cgroup; memory.force_empty on cgroup v1).\n"
    "               Anonymous pages only go where there is swap.\n"
    "  standby      drop clean page cache (Empty Standby List): write 1 to\n"
    "               /proc/sys/vm/drop_caches. Dirty pages stay.\n"
    "  modified     write dirty pages back (Empty Modified Page List):\n"
    "               sync(2). They stay cached, now clean.\n"
    "  slab         drop reclaimable slab objects (dentries, inodes): write\n"
    "               2 to /proc/sys/vm/drop_caches.\n"
    "  compact      compact memory into large free blocks: write 1 to\n"
    "               /proc/sys/vm/compact_memory.\n"
    "\n"
    "Options:\n"
    "  -y, --yes           do it (without: only say what would be done)\n"
    "  -p, --pid LIST      workingsets: only these processes\n"
    "  -c, --cgroup PATH   workingsets: this cgroup (\"/system.slice\")\n"
    "\n"
    "Dropping caches costs I/O later, when the data is read again; it is a\n"
    "tool for measurement and tests, not for tuning.\n"
    "\n"
    "JSON: {\"action\", \"done\", \"steps\": [...], \"before\": {category:\n"
    "bytes}, \"after\": {...}, \"notes\": [...]}.\n"
    "\n"
    "Examples:\n"
    "  memtally empty standby           what it would do\n"
    "  memtally empty standby --yes\n"
    "  memtally empty workingsets --pid 1234 --yes\n";

int cmd_empty(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"yes", no_argument, NULL, 'y'},
	    {"pid", required_argument, NULL, 'p'},
	    {"cgroup", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0}};
	_cleanup_free_ int *pids = NULL;
	struct empty_opts o = {0};
	struct view_err err = {{0}};
	struct doc *d;
	int c, r, act;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "yp:c:",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'y':
			o.yes = true;
			continue;
		case 'p':
			free(pids);
			pids = NULL;
			if (cli_parse_pids(optarg, &pids, &o.npids) < 0)
				return cli_usage_error(
				    ctx, "--pid wants PIDs like 1,42, not '%s'",
				    optarg);
			o.pids = pids;
			continue;
		case 'c':
			o.cgroup = optarg;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind >= argc)
		return cli_usage_error(ctx,
				       "empty what? (workingsets, "
				       "standby, modified, slab, compact)");
	act = empty_action_from_name(argv[optind]);
	if (act < 0)
		return cli_usage_error(ctx,
				       "cannot empty '%s' (workingsets, "
				       "standby, modified, slab, compact)",
				       argv[optind]);
	o.action = (enum empty_action)act;
	if (optind + 1 < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind + 1]);
	if (empty_opts_check(&o, &err) < 0)
		return cli_usage_error(ctx, "%s", err.msg);
	if (!ctx_root(ctx))
		return EXIT_FAIL;
	r = view_empty(ctx_root(ctx), &o, &d, &err);
	return cli_view_done(ctx, r, d, &err);
}
