/* `memtally owners`: the command. Options in, src/views/owners.c's
 * document out. */
#include <errno.h>
#include <stdlib.h>

#include "../basic/log.h"
#include "../views/owners.h"
#include "cli.h"

const char cmd_owners_help[] =
    "Usage: memtally owners [options]\n"
    "\n"
    "Kernel memory that processes hold through their file descriptors and\n"
    "IPC objects, which no process map shows: the step after 'usage' and\n"
    "'pools' that names the process, service or object to restart, fix or\n"
    "report. Pipe buffers and socket queues live in 'unaccounted', memfd\n"
    "and tmpfs files and SysV segments in 'shmem', BPF maps in 'vmalloc',\n"
    "SysV messages and epoll/inotify marks in unreclaimable slab; each row\n"
    "says which.\n"
    "\n"
    "Kinds, and where each figure comes from:\n"
    "  pipe          queued bytes (FIONREAD on a borrowed descriptor, closed\n"
    "                at once; no data is read), rounded up to pages, plus\n"
    "                the ring: an estimate\n"
    "  tcp, udp, unix, socket\n"
    "                queues and buffers charged to the socket (sock_diag\n"
    "                SKMEMINFO / UNIX_DIAG_MEMINFO), matched by inode\n"
    "  bpf-map, bpf-prog  memlock, by id; pinned or link-held objects too\n"
    "  io_uring      the rings (fdinfo's entries times their sizes): an\n"
    "                estimate\n"
    "  memfd, tmpfs-file, deleted-file  the file's blocks (stat only)\n"
    "  sysv-shm, sysv-msg, posix-mq  /proc/sysvipc, /dev/mqueue; a segment\n"
    "                attached by nobody is an orphan and has no process\n"
    "  hugetlb       huge pages a process maps (status HugetlbPages), and\n"
    "                memfds (MFD_HUGETLB) and hugetlbfs files (their blocks)\n"
    "  epoll, inotify, fanotify  items counted in fdinfo times the slab\n"
    "                object size: an estimate\n"
    "  dma-buf, drm  fdinfo's size and drm-resident figures\n"
    "\n"
    "An object held by several processes (a pipe's two ends, a socket a\n"
    "fork inherited) counts once, under the lowest PID. Without root only\n"
    "your own processes are shown, and pipe queues and BPF objects are\n"
    "unavailable (a note says so). Processes that exit during the walk are\n"
    "skipped. With -f/--root, what the snapshot kept when it was taken\n"
    "(memtally/owners.json: who held which object and its size, never its\n"
    "contents); --user needs the live system.\n"
    "\n"
    "Options:\n"
    "  -b, --by WHAT     group by process (default), cgroup, kind, or object\n"
    "                    (no groups)\n"
    "  -k, --kind LIST   only these kinds (comma-separated names above)\n"
    "  -p, --pid LIST    only objects these processes hold\n"
    "  -u, --user USER   only this user's processes (name or uid)\n"
    "  -n, --top N       text: the N biggest groups (default 20; 0: all)\n"
    "  -O, --objects N   text: objects shown per group (default 5; 0: all)\n"
    "\n"
    "Columns for -o: OWNER, SIZE, CATEGORY, OBJECT; KIND, OBJECTS, HOW in\n"
    "the totals.\n"
    "\n"
    "JSON: {\"rows\": [{\"kind\", \"pid\", \"comm\", \"cgroup\", \"object\",\n"
    "\"bytes\", \"category\", \"source\", \"estimate\", \"holders\",\n"
    "\"creator_pid\", \"last_pid\"}], \"kinds\": [{\"kind\", \"objects\",\n"
    "\"bytes\", \"category\", \"source\", \"estimate\"}], \"notes\"}: every\n"
    "object, biggest first; pid null for an object no process holds;\n"
    "bytes null when it cannot be had (\"why\" says why).\n"
    "\n"
    "Examples:\n"
    "  memtally owners                  who holds kernel memory, by process\n"
    "  memtally owners -b kind          totals and the biggest of each kind\n"
    "  memtally owners -k pipe,tcp -n 5 --json\n"
    "  memtally -f before.mtsnap owners -b kind   who held it back then\n";

static int owners_opt(struct ctx *ctx, int c, const char *arg,
		      struct owners_opts *o, int **pids)
{
	struct view_err err = {{0}};
	unsigned long v;
	int by;

	switch (c) {
	case 'b':
		by = owners_by_parse(arg);
		if (by < 0)
			return cli_usage_error(ctx,
					       "--by wants process, cgroup, "
					       "kind or object, not '%s'",
					       arg);
		o->by = (enum owners_by)by;
		return -1;
	case 'k':
		if (owners_kinds_parse(arg, &o->kinds, &err) < 0)
			return cli_usage_error(ctx, "%s", err.msg);
		return -1;
	case 'p':
		free(*pids);
		*pids = NULL;
		if (cli_parse_pids(arg, pids, &o->npids) < 0)
			return cli_usage_error(ctx,
					       "--pid wants PID[,PID...], "
					       "not '%s'",
					       arg);
		o->pids = *pids;
		return -1;
	case 'u':
		o->user = arg;
		return -1;
	case 'n':
	case 'O':
		if (cli_parse_uint(arg, &v) < 0)
			return cli_usage_error(ctx,
					       "-%c wants a number, not "
					       "'%s'",
					       c, arg);
		*(c == 'n' ? &o->top : &o->objects) = v;
		return -1;
	}
	return cli_opt_default(ctx, c, arg);
}

int cmd_owners(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"by", required_argument, NULL, 'b'},
	    {"kind", required_argument, NULL, 'k'},
	    {"pid", required_argument, NULL, 'p'},
	    {"user", required_argument, NULL, 'u'},
	    {"top", required_argument, NULL, 'n'},
	    {"objects", required_argument, NULL, 'O'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct owners_opts o = {.top = 20, .objects = 5};
	struct view_err err = {{0}};
	_cleanup_free_ int *pids = NULL;
	struct root *root;
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, "b:k:p:u:n:O:" CLI_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		r = owners_opt(ctx, c, optarg, &o, &pids);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	r = view_owners(root, &o, &d, &err);
	if (r == -EINVAL)
		return cli_usage_error(ctx, "%s", err.msg);
	return cli_view_done(ctx, r, d, &err);
}
