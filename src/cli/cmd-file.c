/* `memtally file PATH`: one file's page cache residency map (RAMMap's
 * File Details).
 *
 * The whole-file counts come from cachestat(2) (mincore(2) where the
 * kernel lacks it); the picture splits the file into equal cells and asks
 * each cell's counts; the runs of cached and of dirty pages are found by
 * bisection (src/sources/pagecache.c), so their cost follows the number of
 * runs, not the size of the file. Live system only. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../sources/pagecache.h"
#include "cli.h"

const char cmd_file_help[] =
    "Usage: memtally file [options] PATH\n"
    "\n"
    "One file's page cache: how much of it is cached, dirty, under\n"
    "writeback and evicted, a picture of the whole file, and the runs of\n"
    "cached and of dirty pages (RAMMap's File Details; fincore and\n"
    "'vmtouch -v' on Linux).\n"
    "\n"
    "The picture has one character per cell, each cell an equal part of\n"
    "the file:\n"
    "  '#' every page cached   '+' more than half   '-' some   '.' none\n"
    "  'D' some page in the cell is dirty (not yet written back)\n"
    "\n"
    "Options:\n"
    "  -w, --width N    cells in the picture (default 64, at most 4096)\n"
    "  -m, --max-runs N list at most N runs of each kind (default 50;\n"
    "                   0 = all)\n"
    "\n"
    "Uses cachestat(2) (Linux 6.5); with mincore(2) only residency is\n"
    "known, and DIRTY, WRITEBACK, EVICTED and the dirty runs are n/a.\n"
    "Live system only: with --root or -f it says it is unavailable.\n"
    "\n"
    "JSON: {\"path\", \"size\", \"pages\", \"cached\", \"dirty\", "
    "\"writeback\",\n"
    "\"evicted\", \"recently_evicted\", \"method\", \"map\", "
    "\"map_cell_bytes\",\n"
    "\"runs\": [{\"state\": \"cached\"|\"dirty\", \"offset\", \"length\"}]};\n"
    "sizes in bytes.\n"
    "\n"
    "Example:\n"
    "  memtally file /var/lib/mysql/ibdata1\n";

static uint64_t to_bytes(uint64_t pages)
{
	return val_has(pages) ? pages * pagecache_page_size() : VAL_ABSENT;
}

static json_object *json_u64_or_null(uint64_t v)
{
	return val_has(v) ? json_object_new_uint64(v) : NULL;
}

/* One character per cell; *ret_cell gets the cell size in pages. */
static int draw_map(int fd, uint64_t size, size_t width, char **ret,
		    uint64_t *ret_cell)
{
	const uint64_t ps = pagecache_page_size();
	uint64_t npages = (size + ps - 1) / ps, cell;
	size_t cells;
	char *s;

	if (npages == 0) {
		*ret = xstrdup("");
		*ret_cell = 0;
		return 0;
	}
	cell = (npages + width - 1) / width;
	cells = (size_t)((npages + cell - 1) / cell);
	s = xmalloc(cells + 1);
	for (size_t i = 0; i < cells; i++) {
		struct pagecache_stat st;
		uint64_t first = i * cell;
		uint64_t n = npages - first < cell ? npages - first : cell;
		int r = pagecache_stat_range(fd, size, first, n, &st);

		if (r < 0) {
			free(s);
			return r;
		}
		if (val_has(st.dirty) && st.dirty > 0)
			s[i] = 'D';
		else if (st.cached >= n)
			s[i] = '#';
		else if (2 * st.cached > n)
			s[i] = '+';
		else if (st.cached > 0)
			s[i] = '-';
		else
			s[i] = '.';
	}
	s[cells] = '\0';
	*ret = s;
	*ret_cell = cell;
	return 0;
}

int cmd_file(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"width", required_argument, NULL, 'w'},
	    {"max-runs", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0}};
	_cleanup_free_ struct pagecache_run *cruns = NULL;
	_cleanup_free_ struct pagecache_run *druns = NULL;
	_cleanup_free_ char *map = NULL;
	unsigned long width = 64, max_runs = 50;
	size_t ncr = 0, ndr = 0;
	bool cmore = false, dmore = false, have_dirty_runs = false;
	struct pagecache_stat st;
	uint64_t cell = 0, npages, ps = pagecache_page_size();
	const char *path;
	struct stat sb;
	int c, r, fd;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "w:m:",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (cli_parse_uint(optarg, &width) < 0 || width == 0 ||
			    width > 4096)
				return cli_usage_error(
				    ctx, "--width wants 1 to 4096, not '%s'",
				    optarg);
			continue;
		case 'm':
			if (cli_parse_uint(optarg, &max_runs) < 0)
				return cli_usage_error(
				    ctx,
				    "--max-runs wants a number, not "
				    "'%s'",
				    optarg);
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind + 1 != argc)
		return cli_usage_error(ctx, optind == argc
						? "which file? (PATH missing)"
						: "one PATH only");
	path = argv[optind];
	if (cli_require_live(ctx, "'file'") < 0)
		return EXIT_FAIL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return log_error_errno(-errno, "cannot open '%s'", path),
		       EXIT_FAIL;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		log_error("cannot measure '%s': not a regular file", path);
		return EXIT_FAIL;
	}
	npages = ((uint64_t)sb.st_size + ps - 1) / ps;
	r = pagecache_stat_range(fd, (uint64_t)sb.st_size, 0, 0, &st);
	if (r == 0)
		r = draw_map(fd, (uint64_t)sb.st_size, width, &map, &cell);
	if (r == 0)
		r = pagecache_runs(fd, (uint64_t)sb.st_size, false,
				   max_runs ? max_runs : SIZE_MAX, &cruns, &ncr,
				   &cmore);
	if (r == 0 && st.method == PAGECACHE_CACHESTAT) {
		r = pagecache_runs(fd, (uint64_t)sb.st_size, true,
				   max_runs ? max_runs : SIZE_MAX, &druns, &ndr,
				   &dmore);
		have_dirty_runs = r == 0;
	}
	close(fd);
	if (r == -EPERM) {
		log_error("cannot measure '%s': cachestat(2) refused and "
			  "mincore(2) would show every page as resident (not "
			  "your file); run as root",
			  path);
		return EXIT_FAIL;
	}
	if (r < 0)
		return log_error_errno(r, "cannot measure '%s'", path),
		       EXIT_FAIL;

	if (ctx->json) {
		json_object *o = json_object_new_object();
		json_object *runs = json_object_new_array();

		json_object_object_add(o, "path", json_object_new_string(path));
		json_object_object_add(
		    o, "size", json_object_new_uint64((uint64_t)sb.st_size));
		json_object_object_add(o, "pages",
				       json_object_new_uint64(npages));
		json_object_object_add(o, "cached",
				       json_u64_or_null(to_bytes(st.cached)));
		json_object_object_add(o, "dirty",
				       json_u64_or_null(to_bytes(st.dirty)));
		json_object_object_add(
		    o, "writeback", json_u64_or_null(to_bytes(st.writeback)));
		json_object_object_add(o, "evicted",
				       json_u64_or_null(to_bytes(st.evicted)));
		json_object_object_add(
		    o, "recently_evicted",
		    json_u64_or_null(to_bytes(st.recently_evicted)));
		json_object_object_add(
		    o, "method",
		    json_object_new_string(pagecache_method_name(st.method)));
		json_object_object_add(o, "map", json_object_new_string(map));
		json_object_object_add(o, "map_cell_bytes",
				       json_object_new_uint64(cell * ps));
		for (int k = 0; k < 2; k++) {
			const struct pagecache_run *v = k ? druns : cruns;
			size_t n = k ? ndr : ncr;

			for (size_t i = 0; i < n; i++) {
				json_object *ro = json_object_new_object();

				json_object_object_add(
				    ro, "state",
				    json_object_new_string(k ? "dirty"
							     : "cached"));
				json_object_object_add(
				    ro, "offset",
				    json_object_new_uint64(v[i].first * ps));
				json_object_object_add(
				    ro, "length",
				    json_object_new_uint64(v[i].pages * ps));
				json_object_array_add(runs, ro);
			}
		}
		json_object_object_add(o, "runs", runs);
		json_object_object_add(o, "runs_truncated",
				       json_object_new_boolean(cmore || dmore));
		json_print(stdout, o);
		json_object_put(o);
		return EXIT_OK;
	}

	{
		struct table *t;
		char a[32], b[32];
		size_t row;

		printf("%s: %s, %llu pages, by %s\n", path,
		       ctx->out.bytes
			   ? (snprintf(a, sizeof(a), "%llu bytes",
				       (unsigned long long)sb.st_size),
			      a)
			   : human_bytes((uint64_t)sb.st_size, a, sizeof(a)),
		       (unsigned long long)npages,
		       pagecache_method_name(st.method));
		t = table_new(NULL);
		table_add_col(t, "CACHED", "cached", COL_BYTES);
		table_add_col(t, "%", "pct", COL_PCT);
		table_add_col(t, "DIRTY", "dirty", COL_BYTES);
		table_add_col(t, "WRITEBACK", "writeback", COL_BYTES);
		table_add_col(t, "EVICTED", "evicted", COL_BYTES);
		table_add_col(t, "RECENT", "recently_evicted", COL_BYTES);
		row = table_add_row(t);
		table_set_u64(t, row, 0, to_bytes(st.cached));
		if (sb.st_size > 0)
			table_set_double(t, row, 1,
					 100.0 * (double)st.cached /
					     (double)npages);
		table_set_u64(t, row, 2, to_bytes(st.dirty));
		table_set_u64(t, row, 3, to_bytes(st.writeback));
		table_set_u64(t, row, 4, to_bytes(st.evicted));
		table_set_u64(t, row, 5, to_bytes(st.recently_evicted));
		if (st.method == PAGECACHE_MINCORE)
			table_add_note(t, "mincore(2) tells only residency: "
					  "DIRTY, WRITEBACK, EVICTED are n/a.");
		table_print(t, stdout, &ctx->out);
		table_free(t);

		if (cell) {
			printf("\nMap: %zu cells of %s ('#' all cached, '+' "
			       "over half, '-' some, '.' none, 'D' dirty)\n",
			       strlen(map),
			       ctx->out.bytes
				   ? (snprintf(b, sizeof(b), "%llu bytes",
					       (unsigned long long)(cell * ps)),
				      b)
				   : human_bytes(cell * ps, b, sizeof(b)));
			for (size_t i = 0; i < strlen(map); i += 64)
				printf("  %.64s\n", map + i);
		}

		t = table_new(NULL);
		table_add_col(t, "STATE", "state", COL_STR);
		table_add_col(t, "OFFSET", "offset", COL_BYTES);
		table_add_col(t, "LENGTH", "length", COL_BYTES);
		table_add_col(t, "PAGES", "pages", COL_COUNT);
		for (int k = 0; k < 2; k++) {
			const struct pagecache_run *v = k ? druns : cruns;
			size_t n = k ? ndr : ncr;

			for (size_t i = 0; i < n; i++) {
				row = table_add_row(t);
				table_set_str(t, row, 0,
					      k ? "dirty" : "cached");
				table_set_u64(t, row, 1, v[i].first * ps);
				table_set_u64(t, row, 2, v[i].pages * ps);
				table_set_u64(t, row, 3, v[i].pages);
			}
		}
		if (cmore || dmore)
			table_add_note(t,
				       "More runs than shown (--max-runs "
				       "%lu); the map above covers the whole "
				       "file.",
				       max_runs);
		if (!have_dirty_runs)
			table_add_note(t, "Dirty runs: n/a (needs "
					  "cachestat(2)).");
		if (table_rows(t) > 0) {
			printf("\nRuns:\n");
			table_print(t, stdout, &ctx->out);
		} else {
			printf("\nNo page of this file is cached.\n");
		}
		table_free(t);
	}
	return EXIT_OK;
}
