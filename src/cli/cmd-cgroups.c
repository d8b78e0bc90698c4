/* `memtally cgroups`: the command. Options in, src/views/cgroups.c's
 * document out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/log.h"
#include "../views/cgroups.h"
#include "cli.h"

const char cmd_cgroups_help[] =
    "Usage: memtally cgroups [options] [CGROUP]\n"
    "\n"
    "Memory charged to each cgroup (systemd services and slices,\n"
    "containers), as a tree, from memory.current (v2) or\n"
    "memory.usage_in_bytes (v1) and memory.stat. Every row counts its\n"
    "descendants too.\n"
    "\n"
    "Columns:\n"
    "  PROCS    processes directly in the cgroup\n"
    "  CURRENT  all memory charged to it (user and kernel)\n"
    "  ANON     anonymous memory; FILE page cache (tmpfs included);\n"
    "           SHMEM the tmpfs, shared-anonymous and SysV part of FILE\n"
    "  KERNEL   kernel memory charged to it; v2 breaks it into STACK\n"
    "           (kernel stacks), PTE (page tables), PERCPU, SOCK (socket\n"
    "           buffers), SLAB_R and SLAB_U (reclaimable and unreclaimable\n"
    "           slab); v1 gives only the total (memory.kmem.usage_in_bytes)\n"
    "           and the parts are n/a\n"
    "  DYING    memory cgroups removed (rmdir) but still charged, kept\n"
    "           alive by the page cache or kernel objects charged to\n"
    "           them: v2 cgroup.stat nr_dying_descendants; v1 has no\n"
    "           count per cgroup, so only the root's is known\n"
    "           (/proc/cgroups num_cgroups less the live directories)\n"
    "  PINNED   the memory they pin, an estimate: v2, where a cgroup has\n"
    "           dying children, its memory.current less its live\n"
    "           children's (an upper bound: pages charged to the parent\n"
    "           itself count too); v1, usage_in_bytes less the live\n"
    "           children's, less its own pages (memory.stat rss + cache)\n"
    "           and own kernel memory. Summed down the tree like the rest\n"
    "  DIRTY, WRITEBACK  file pages not yet written back and being\n"
    "           written: in JSON, and in text with -o (-o CGROUP,DIRTY)\n"
    "\n"
    "Options:\n"
    "  -s, --sort KEY     order of siblings: current (default), anon, file,\n"
    "                     shmem, kernel, stack, pte, percpu, sock, slab_r,\n"
    "                     slab_u, dying, pinned, procs, name\n"
    "  -r, --reverse      reverse the order\n"
    "  -d, --depth N      show N levels below the top (default: all)\n"
    "  CGROUP             start at this cgroup (\"/system.slice\")\n"
    "\n"
    "cgroup v2 is read under /sys/fs/cgroup, or /sys/fs/cgroup/unified on a\n"
    "hybrid system; the v1 memory controller under /sys/fs/cgroup/memory.\n"
    "Whichever has the memory controller is shown.\n"
    "\n"
    "JSON: {\"hierarchy\": \"v1\"|\"v2\", \"rows\": [{\"path\", \"depth\",\n"
    "\"procs\", \"current\", \"anon\", \"file\", \"shmem\", \"kernel\",\n"
    "\"kernel_stack\", \"pagetables\", \"percpu\", \"sock\",\n"
    "\"slab_reclaimable\", \"slab_unreclaimable\", \"dying_count\",\n"
    "\"dying_bytes\", \"file_dirty\", \"file_writeback\"}], \"notes\": "
    "[...]};\n"
    "sizes in bytes, absent null.\n"
    "\n"
    "Examples:\n"
    "  memtally cgroups -d 1            the top-level slices\n"
    "  memtally cgroups -s kernel /system.slice\n"
    "  memtally cgroups -s pinned -d 2  where removed cgroups pin memory\n";

int cmd_cgroups(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"sort", required_argument, NULL, 's'},
	    {"reverse", no_argument, NULL, 'r'},
	    {"depth", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0}};
	struct cgroups_opts o = {.sort = cgroups_sort_key("current")};
	struct view_err err = {{0}};
	unsigned long depth;
	struct root *root;
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "s:rd:",
				longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.sort = cgroups_sort_key(optarg);
			if (o.sort < 0)
				return cli_usage_error(
				    ctx, "unknown sort key '%s'", optarg);
			continue;
		case 'r':
			o.reverse = true;
			continue;
		case 'd':
			if (cli_parse_uint(optarg, &depth) < 0 || depth > 1000)
				return cli_usage_error(
				    ctx, "--depth wants a number, not '%s'",
				    optarg);
			o.depth = (unsigned)depth;
			o.have_depth = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		o.start = argv[optind++];
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (o.start && o.start[0] != '/')
		return cli_usage_error(
		    ctx, "a cgroup starts with '/', not '%s'", o.start);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	r = view_cgroups(root, &o, &d, &err);
	if (r == -EINVAL)
		return cli_usage_error(ctx, "%s", err.msg);
	return cli_view_done(ctx, r, d, &err);
}
