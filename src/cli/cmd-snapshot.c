/* `memtally snapshot -o FILE`: save every kernel file the views read.
 *
 * It reads every source in the table once through a recording root and
 * writes what was read (and what could not be, with the errno) into one
 * file; see basic/root.c for the format. Every view reads it back with
 * -f FILE, on any machine. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../model/scoped.h"
#include "../model/snapshot.h"
#include "cli.h"
#include "pages.h"

const char cmd_snapshot_help[] =
    "Usage: memtally snapshot -o FILE\n"
    "\n"
    "Save every kernel file that memtally's views read (meminfo, vmstat,\n"
    "slabinfo, /sys/kernel/slab, buddyinfo, pagetypeinfo, zoneinfo, iomem,\n"
    "vmallocinfo, allocinfo, swaps, pressure) into one file: a tar archive\n"
    "compressed with zstd, with a manifest (memtally-snapshot.json) that\n"
    "records the host, kernel and time, a checksum per file, and every file\n"
    "that could not be read and why. Any view reads it back with -f FILE,\n"
    "on any machine: memtally -f FILE usage, memtally pools -f FILE.\n"
    "'tar --zstd -tvf FILE' lists it.\n"
    "\n"
    "Files that need root (slabinfo, pagetypeinfo, vmallocinfo) are\n"
    "recorded as unavailable when run without it; the views then say so.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  where to write (required; replaced atomically)\n"
    "      --pages        also save /proc/kpageflags, kpagecount and\n"
    "                     kpagecgroup (8 bytes a page each, about a tenth\n"
    "                     of that compressed; root only), so that phys,\n"
    "                     usage --exact and free --runs work offline\n";

/* Why the directory of out cannot take a new file, as " (directory
 * 'D': strerror)", or "" when nothing is wrong with it: libarchive's
 * message names the temporary file but not the reason. */
static const char *dir_reason(const char *out, char *buf, size_t n)
{
	char copy[PATH_MAX], *dir;
	struct statvfs sv;
	int e = 0;

	snprintf(copy, sizeof(copy), "%s", out);
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) < 0)
		e = errno;
	else if (statvfs(dir, &sv) == 0 && sv.f_bavail == 0 && sv.f_blocks > 0)
		e = ENOSPC;
	if (!e)
		return "";
	snprintf(buf, n, " (directory '%s': %s)", dir, strerror(e));
	return buf;
}

int cmd_snapshot(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"pages", no_argument, NULL, 'P'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL;
	struct snapshot_meta meta = {0};
	struct snapshot snap;
	struct utsname u;
	struct root *root;
	char *why = NULL;
	char reason[PATH_MAX + 64];
	size_t n_ok = 0, n_bad = 0;
	bool pages = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		if (c == 'o') {
			out = optarg;
			continue;
		}
		if (c == 'P') {
			pages = true;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (!out)
		return cli_usage_error(ctx, "missing -o FILE");
	if (ctx->file)
		return cli_usage_error(ctx, "cannot snapshot a snapshot (-f)");

	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	root_record(root);
	snapshot_collect(root, SRC_ALL, &snap);
	/* per-process and per-cgroup files: procs, cgroups, lists */
	scoped_collect_all(root);
	if (pages && snapshot_record_pages(root, ctx->json) < 0) {
		snapshot_release(&snap);
		return EXIT_FAIL;
	}

	if (root_is_live(root) && uname(&u) == 0) {
		snprintf(meta.kernel, sizeof(meta.kernel), "%s", u.release);
		snprintf(meta.machine, sizeof(meta.machine), "%.63s",
			 u.machine);
		snprintf(meta.hostname, sizeof(meta.hostname), "%s",
			 u.nodename);
	} else {
		snprintf(meta.hostname, sizeof(meta.hostname), "%s",
			 root_describe(root));
	}
	meta.created = (int64_t)time(NULL);
	snprintf(meta.tool_version, sizeof(meta.tool_version), "%s",
		 MEMTALLY_VERSION);

	r = root_write_snapshot(root, out, &meta, &why);
	if (r < 0) {
		if (why)
			log_error("cannot write snapshot '%s': %s%s", out, why,
				  dir_reason(out, reason, sizeof(reason)));
		else
			log_error_errno(r, "cannot write snapshot '%s'", out);
		free(why);
		snapshot_release(&snap);
		return EXIT_FAIL;
	}
	for (int id = 0; id < _SRC_MAX; id++) {
		if (snapshot_get(&snap, id)) {
			n_ok++;
		} else if (source_get(id)) {
			char buf[400];

			n_bad++;
			snapshot_why(&snap, id, buf, sizeof(buf));
			if (!ctx->json)
				fprintf(stderr, "memtally: note: %s: %s\n",
					source_get(id)->name, buf);
		}
	}
	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(out));
		json_object_object_add(o, "sources_saved",
				       json_object_new_uint64(n_ok));
		json_object_object_add(o, "sources_unavailable",
				       json_object_new_uint64(n_bad));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		printf("wrote %s: %zu sources saved, %zu unavailable\n", out,
		       n_ok, n_bad);
	}
	snapshot_release(&snap);
	return EXIT_OK;
}
