/* `memtally procs`: the command. Options in, src/views/procs.c's
 * document out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../basic/log.h"
#include "../views/procs.h"
#include "cli.h"

const char cmd_procs_help[] =
    "Usage: memtally procs [options]\n"
    "\n"
    "Memory held by each process, from /proc/PID/smaps_rollup and\n"
    "/proc/PID/status (RAMMap's Processes tab; smem and ps_mem on Linux).\n"
    "\n"
    "Columns:\n"
    "  RSS      resident set: every page the process maps, shared or not\n"
    "  PSS      proportional set: each shared page divided among the\n"
    "           processes that map it; PSS sums to what they really hold\n"
    "  ANON, FILE, SHMEM  the parts of PSS that are anonymous memory, file\n"
    "           cache and shared memory (tmpfs, SysV, memfd); n/a before\n"
    "           Linux 5.7\n"
    "  USS      unique set: Private_Clean + Private_Dirty, what exiting\n"
    "           would free\n"
    "  SWAP     swapped-out anonymous pages; SWAPPSS its proportional share\n"
    "  LOCKED   mlocked pages; PTE page tables (VmPTE)\n"
    "  HUGETLB  HugeTLB pages mapped (smaps_rollup Private_Hugetlb +\n"
    "           Shared_Hugetlb, else status HugetlbPages); not in USS, and\n"
    "           back to the HugeTLB pool, not to free memory, on exit\n"
    "  KERNEL   with --kernel: kernel memory the process holds: objects\n"
    "           held through its descriptors (pipe buffers, socket queues,\n"
    "           BPF maps and programs, io_uring rings, messages, epoll,\n"
    "           inotify, GPU buffers; a shared object counts once, under\n"
    "           its lowest PID), plus page tables and kernel stacks\n"
    "           (threads x 16 KiB, THREAD_SIZE on x86_64: an estimate).\n"
    "           Files held open (memfd, tmpfs, deleted) are shmem or page\n"
    "           cache, already in USS where mapped: not in KERNEL; a note\n"
    "           points to 'memtally owners' when they or KERNEL are large\n"
    "  FOOTPRINT  with --kernel: USS + KERNEL\n"
    "\n"
    "Options:\n"
    "  -s, --sort KEY     pss (default), rss, uss, anon, file, shmem, swap,\n"
    "                     swappss, locked, pte, kernel, hugetlb, footprint,\n"
    "                     pid, comm, user, count\n"
    "  -k, --kernel       collect KERNEL and FOOTPRINT: walks every open\n"
    "                     descriptor of the processes shown (about as\n"
    "                     costly as the rest of the view; with -f, what\n"
    "                     the snapshot kept of them); implied\n"
    "                     by --sort kernel|footprint and -o KERNEL|FOOTPRINT\n"
    "  -r, --reverse      reverse the order\n"
    "  -n, --top N        show the first N rows (totals still count all)\n"
    "  -p, --pid LIST     only these processes (comma-separated PIDs)\n"
    "  -u, --user USER    only processes whose real user is USER (name or\n"
    "                     uid)\n"
    "  -c, --comm PATTERN only processes whose name matches PATTERN (a shell\n"
    "                     glob, e.g. 'postgres*')\n"
    "  -g, --group BY     one row per command (comm) or per user (user),\n"
    "                     with the number of processes in PROCS\n"
    "\n"
    "Without root, other users' descriptors cannot be read: their\n"
    "KERNEL is n/a and a note says so.\n"
    "A process that exits during the scan is skipped. One that cannot be\n"
    "read (another user's, when not root) is counted and named in a note,\n"
    "never shown as 0. Kernel threads map no memory and are not shown.\n"
    "Without filters, a note sets the PSS totals against /proc/meminfo\n"
    "(AnonPages, Shmem, file pages) so they tie back to 'memtally usage'.\n"
    "\n"
    "JSON: {\"rows\": [{\"pid\", \"comm\", \"user\", \"rss\", \"pss\",\n"
    "\"pss_anon\", \"pss_file\", \"pss_shmem\", \"uss\", \"swap\", "
    "\"swap_pss\",\n"
    "\"locked\", \"page_tables\", \"kernel\", \"hugetlb\", \"footprint\"}],\n"
    "\"totals\": {...}, \"unreadable\":\n"
    "[{\"pid\", \"comm\", \"reason\"}], \"notes\": [...]}; sizes in bytes,\n"
    "absent figures null. Grouped rows have \"procs\" and no \"pid\".\n"
    "\n"
    "Examples:\n"
    "  memtally procs -n 10             the ten largest by PSS\n"
    "  memtally procs -g comm -s uss    per program, by unique memory\n"
    "  memtally procs -u postgres --json\n"
    "  memtally procs -s kernel -n 5     who holds kernel memory\n";

static int parse_group(const char *s, enum procs_group *ret)
{
	if (streq(s, "comm") || streq(s, "command"))
		*ret = PROCS_GROUP_COMM;
	else if (streq(s, "user"))
		*ret = PROCS_GROUP_USER;
	else
		return -EINVAL;
	return 0;
}

/* Whether the comma-separated list names word (any case). */
static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncasecmp(p, word, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

enum { GO_ON = -1, NOT_OURS = -2 };

/* One option of procs' own: GO_ON when handled, NOT_OURS when c is not
 * one, else the exit code of a usage error. */
static int procs_opt(struct ctx *ctx, int c, const char *arg,
		     struct procs_opts *o, int **pids)
{
	unsigned long top;

	switch (c) {
	case 's':
		o->sort = procs_sort_key(arg);
		o->sort_given = true;
		if (o->sort < 0)
			return cli_usage_error(ctx, "unknown sort key '%s'",
					       arg);
		return GO_ON;
	case 'r':
		o->reverse = true;
		return GO_ON;
	case 'k':
		o->kernel = true;
		return GO_ON;
	case 'n':
		if (cli_parse_uint(arg, &top) < 0 || top == 0)
			return cli_usage_error(
			    ctx, "--top wants a positive number, not '%s'",
			    arg);
		o->top = top;
		return GO_ON;
	case 'p':
		free(*pids);
		*pids = NULL;
		if (cli_parse_pids(arg, pids, &o->npids) < 0)
			return cli_usage_error(
			    ctx, "--pid wants PIDs like 1,42, not '%s'", arg);
		o->pids = *pids;
		return GO_ON;
	case 'u':
		o->user = arg;
		return GO_ON;
	case 'c':
		o->comm = arg;
		return GO_ON;
	case 'g':
		if (parse_group(arg, &o->group) < 0)
			return cli_usage_error(
			    ctx, "--group wants comm or user, not '%s'", arg);
		return GO_ON;
	}
	return NOT_OURS;
}

int cmd_procs(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"sort", required_argument, NULL, 's'},
	    {"reverse", no_argument, NULL, 'r'},
	    {"kernel", no_argument, NULL, 'k'},
	    {"top", required_argument, NULL, 'n'},
	    {"pid", required_argument, NULL, 'p'},
	    {"user", required_argument, NULL, 'u'},
	    {"comm", required_argument, NULL, 'c'},
	    {"group", required_argument, NULL, 'g'},
	    {NULL, 0, NULL, 0}};
	_cleanup_free_ int *pids = NULL;
	struct procs_opts o = {0};
	struct view_err err = {{0}};
	struct root *root;
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv,
				CLI_COMMON_SHORTOPTS "s:rkn:p:u:c:g:", longopts,
				NULL)) != -1) {
		r = procs_opt(ctx, c, optarg, &o, &pids);
		if (r == NOT_OURS)
			r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	o.exact_notes = ctx->out.bytes;
	if (o.sort_given && procs_sort_needs_kernel(o.sort))
		o.kernel = true;
	if (ctx->out.columns && (list_has(ctx->out.columns, "KERNEL") ||
				 list_has(ctx->out.columns, "FOOTPRINT")))
		o.kernel = true;
	r = view_procs(root, &o, &d, &err);
	if (r == -EINVAL)
		return cli_usage_error(ctx, "%s", err.msg);
	return cli_view_done(ctx, r, d, &err);
}
