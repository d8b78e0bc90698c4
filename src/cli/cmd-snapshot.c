/* `memtally snapshot -o FILE`: save every kernel file the views read.
 *
 * It reads every source in the table once through a recording root and
 * writes what was read (and what could not be, with the errno) into one
 * file; see basic/root.c for the format. Every view reads it back with
 * -f FILE, on any machine. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../analysis/owners-snap.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/owners.h"
#include "../model/scoped.h"
#include "../model/snapshot.h"
#include "cli.h"
#include "pages.h"

const char cmd_snapshot_help[] =
    "Usage: memtally snapshot -o FILE\n"
    "\n"
    "Save every kernel file that memtally's views read (meminfo, vmstat,\n"
    "slabinfo, /sys/kernel/slab, buddyinfo, pagetypeinfo, zoneinfo, iomem,\n"
    "vmallocinfo, allocinfo, swaps, pressure), and who holds which pipes,\n"
    "sockets, BPF objects and IPC objects (their metadata, never their\n"
    "contents: memtally/owners.json), into one file: a tar archive\n"
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

/* What was written: JSON the file and counts, text one line. */
static struct doc *summary(const char *file, size_t n_ok, size_t n_bad)
{
	struct doc *d = doc_new();

	doc_add_str(d, "file", NULL, file);
	doc_add_count(d, "sources_saved", NULL, n_ok);
	doc_add_count(d, "sources_unavailable", NULL, n_bad);
	doc_add_line(d, NULL, "wrote %s: %zu sources saved, %zu unavailable",
		     file, n_ok, n_bad);
	return d;
}

/* The owners' metadata (who holds which pipes, sockets, BPF objects;
 * never their contents) as the member memtally/owners.json, so diff and
 * the views name the holders offline; a note when they cannot be had. */
static void snapshot_owners(struct root *root, bool quiet)
{
	_cleanup_free_ char *text = NULL;
	struct owner_set os;
	size_t len;
	int r;

	r = owners_collect(
	    root, &(struct owners_collect_opts){.uid = (uid_t)-1}, &os);
	if (r < 0) {
		owner_set_release(&os);
		if (!quiet)
			fprintf(stderr, "memtally: note: owners: %s\n",
				strerror(-r));
		return;
	}
	text = owners_snap_format(&os, &len);
	root_record_add(root, OWNERS_SNAP_MEMBER, text, len);
	owner_set_release(&os);
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
	if (root_is_live(root)) {
		snapshot_owners(root, ctx->json);
	} else {
		/* a tree that kept the owners (tar -xf of a snapshot): read
		 * the member, and the recording keeps it */
		char *kept = NULL;
		size_t len;

		if (root_read(root, OWNERS_SNAP_MEMBER, &kept, &len) == 0)
			free(kept);
	}
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
			log_error("cannot write snapshot '%s': %s", out, why);
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
	snapshot_release(&snap);
	return cli_render(ctx, summary(out, n_ok, n_bad));
}
