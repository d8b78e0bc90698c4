/* `memtally files`: the command. Options in, src/views/files.c's
 * document out, with progress on a terminal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../views/files.h"
#include "cli.h"

const char cmd_files_help[] =
    "Usage: memtally files [options] [PATH...]\n"
    "\n"
    "Page cache held by each file (RAMMap's File Summary; fincore and\n"
    "vmtouch on Linux), largest first.\n"
    "\n"
    "With PATHs, every regular file under them is measured: directories\n"
    "are walked recursively, staying on each PATH's filesystem (unless\n"
    "--cross-mounts) and never following symlinks below a PATH; files\n"
    "that vanish or cannot be opened during the walk are counted in a note.\n"
    "Without PATH, the files are those that processes map (/proc/PID/maps)\n"
    "or hold open (/proc/PID/fd, deleted files included), and every file\n"
    "on a tmpfs mount (/dev/shm, /run, ...). Each file counts once, and\n"
    "HOLDERS names up to four processes that map it or hold it open\n"
    "(command and PID; +N for more; empty for a tmpfs file nobody holds).\n"
    "\n"
    "Columns:\n"
    "  SIZE       file size\n"
    "  CACHED     bytes of the file in the page cache, and % of its size\n"
    "  DIRTY      cached bytes modified and not yet written back\n"
    "  WRITEBACK  bytes being written now\n"
    "  EVICTED    bytes that were cached and have been evicted (the kernel\n"
    "             still remembers them); RECENT the recently evicted part,\n"
    "             which would count as thrashing if read again\n"
    "\n"
    "Options:\n"
    "  -n, --top N          show the first N files (default 50; 0 = all);\n"
    "                       the totals count every file\n"
    "  -s, --sort KEY       cached (default), dirty, writeback, evicted,\n"
    "                       recent, size, path\n"
    "  -r, --reverse        reverse the order\n"
    "  -x, --cross-mounts   let the walk enter other filesystems\n"
    "\n"
    "Needs cachestat(2) (Linux 6.5) for DIRTY, WRITEBACK and EVICTED; with\n"
    "mincore(2) only CACHED is known and the rest is n/a. Live system only:\n"
    "with --root or -f the view says it is unavailable. Only root sees every\n"
    "process's files.\n"
    "\n"
    "JSON: {\"rows\": [{\"path\", \"size\", \"cached\", \"dirty\", "
    "\"writeback\",\n"
    "\"evicted\", \"recently_evicted\", \"method\", \"holders\" (without "
    "PATH)}],\n"
    "\"totals\": {...},\n"
    "\"notes\": [...]}; sizes in bytes, absent figures null.\n"
    "\n"
    "Examples:\n"
    "  memtally files                  what the running system keeps cached\n"
    "  memtally files -n 10 /var/lib/postgresql\n";

/* "memtally: N files measured" on stderr, redrawn in place. */
static void progress(void *userdata, const char *what, uint64_t done,
		     uint64_t total)
{
	bool *drawn = userdata;

	(void)total;
	*drawn = true;
	fprintf(stderr, "\rmemtally: %llu %s", (unsigned long long)done, what);
}

int cmd_files(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"top", required_argument, NULL, 'n'},
	    {"sort", required_argument, NULL, 's'},
	    {"reverse", no_argument, NULL, 'r'},
	    {"cross-mounts", no_argument, NULL, 'x'},
	    {NULL, 0, NULL, 0}};
	struct files_opts o = {.top = 50, .sort = files_sort_key("cached")};
	struct view_err err = {{0}};
	bool drawn = false;
	struct doc *d;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "n:s:rx",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_uint(optarg, &o.top) < 0)
				return cli_usage_error(
				    ctx, "--top wants a number, not '%s'",
				    optarg);
			continue;
		case 's':
			o.sort = files_sort_key(optarg);
			if (o.sort < 0)
				return cli_usage_error(
				    ctx, "unknown sort key '%s'", optarg);
			continue;
		case 'r':
			o.reverse = true;
			continue;
		case 'x':
			o.cross_mounts = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	o.paths = argv + optind;
	o.npaths = (size_t)(argc - optind);
	if (isatty(STDERR_FILENO)) {
		o.progress = progress;
		o.userdata = &drawn;
	}
	if (!ctx_root(ctx))
		return EXIT_FAIL;
	r = view_files(ctx_root(ctx), &o, &d, &err);
	if (drawn)
		fputs("\r\033[K", stderr);
	return cli_view_done(ctx, r, d, &err);
}
