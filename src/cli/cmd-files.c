/* `memtally files`: page cache per file (RAMMap's File Summary).
 *
 * With PATHs, walks them (src/model/files.c: one filesystem, no symlinks,
 * vanishing files tolerated); without, takes the files processes map or
 * hold open plus every tmpfs file. Each file's cached, dirty, writeback,
 * evicted and recently evicted pages come from cachestat(2), or mincore(2)
 * where the kernel lacks it. The page cache has no file to capture, so
 * this view works on the live system only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/files.h"
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

enum ff {
	FF_SIZE,
	FF_CACHED,
	FF_DIRTY,
	FF_WRITEBACK,
	FF_EVICTED,
	FF_RECENT,
	_FF_MAX,
};

static const struct {
	const char *header, *key, *sort;
} ff_cols[_FF_MAX] = {
    [FF_SIZE] = {"SIZE", "size", "size"},
    [FF_CACHED] = {"CACHED", "cached", "cached"},
    [FF_DIRTY] = {"DIRTY", "dirty", "dirty"},
    [FF_WRITEBACK] = {"WRITEBACK", "writeback", "writeback"},
    [FF_EVICTED] = {"EVICTED", "evicted", "evicted"},
    [FF_RECENT] = {"RECENT", "recently_evicted", "recent"},
};

#define SORT_PATH _FF_MAX

static uint64_t pages_bytes(uint64_t pages)
{
	return val_has(pages) ? pages * pagecache_page_size() : VAL_ABSENT;
}

static uint64_t entry_val(const struct file_entry *e, int f)
{
	switch (f) {
	case FF_SIZE:
		return e->size;
	case FF_CACHED:
		return pages_bytes(e->st.cached);
	case FF_DIRTY:
		return pages_bytes(e->st.dirty);
	case FF_WRITEBACK:
		return pages_bytes(e->st.writeback);
	case FF_EVICTED:
		return pages_bytes(e->st.evicted);
	case FF_RECENT:
		return pages_bytes(e->st.recently_evicted);
	}
	return VAL_ABSENT;
}

static uint64_t round_pages(uint64_t size)
{
	uint64_t ps = pagecache_page_size();

	return (size + ps - 1) / ps * ps;
}

static int sort_key;
static bool sort_reverse;

static int entry_cmp(const void *a, const void *b)
{
	const struct file_entry *x = a, *y = b;
	int c;

	if (sort_key == SORT_PATH) {
		c = strcmp(x->path, y->path);
	} else {
		uint64_t u = entry_val(x, sort_key), v = entry_val(y, sort_key);

		if (val_has(u) != val_has(v))
			return val_has(u) ? -1 : 1;
		c = u > v ? -1 : u < v ? 1 : 0;
	}
	if (sort_reverse)
		c = -c;
	return c ? c : strcmp(x->path, y->path);
}

/* "bash(1206),python3(77)+5": who maps or holds the file open. */
static char *holders_text(const struct file_entry *e)
{
	char buf[512] = "";
	size_t len = 0, n = e->nholders < FILE_HOLDERS_MAX ? e->nholders
							   : FILE_HOLDERS_MAX;

	for (size_t i = 0; i < n; i++) {
		char path[64], comm[64] = "?";
		FILE *f;
		int k;

		snprintf(path, sizeof(path), "/proc/%d/comm", e->holders[i]);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		k = snprintf(buf + len, sizeof(buf) - len, "%s%s(%d)",
			     i ? "," : "", comm, e->holders[i]);
		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			break;
		len += (size_t)k;
	}
	if (e->nholders > n && len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "+%zu", e->nholders - n);
	return xstrdup(buf);
}

/* Move the k first (by entry_cmp) of v[0..n) to the front, unordered:
 * quickselect (Lomuto partition), so a top-N of many files does not sort
 * them all. Invariant: v[0..lo) all belong to the first k, v[hi..n) none;
 * every round places one pivot and shrinks [lo, hi). */
static void select_top(struct file_entry *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;

	while (lo < k && hi > k && hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, store = lo;
		struct file_entry tmp;

		tmp = v[mid];
		v[mid] = v[hi - 1];
		v[hi - 1] = tmp;
		for (size_t i = lo; i + 1 < hi; i++)
			if (entry_cmp(&v[i], &v[hi - 1]) < 0) {
				tmp = v[i];
				v[i] = v[store];
				v[store] = tmp;
				store++;
			}
		tmp = v[store];
		v[store] = v[hi - 1];
		v[hi - 1] = tmp;
		if (store >= k)
			hi = store;
		else
			lo = store + 1;
	}
}

static void progress(size_t n, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "\rmemtally: %zu files measured", n);
}

/* Refuse politely when the root is not the live system. */
int cli_require_live(struct ctx *ctx, const char *what)
{
	struct root *root;

	if (ctx->file || (ctx->root_dir && !streq(ctx->root_dir, "/"))) {
		/* the same words for --root and -f: a snapshot replays a
		 * tree exactly */
		log_error("%s is unavailable on a captured tree or snapshot: "
			  "it reads the live page cache",
			  what);
		return -1;
	}
	root = ctx_root(ctx);
	if (!root)
		return -1;
	return 0;
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
	unsigned long top = 50;
	uint64_t tot[_FF_MAX] = {0}, tot_rounded = 0;
	bool tty = isatty(STDERR_FILENO), held;
	struct files fs;
	struct table *t;
	size_t shown;
	int c, r;

	files_init(&fs);
	sort_key = FF_CACHED;
	sort_reverse = false;
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "n:s:rx",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_uint(optarg, &top) < 0)
				return cli_usage_error(
				    ctx, "--top wants a number, not '%s'",
				    optarg);
			continue;
		case 's':
			sort_key = -1;
			for (int i = 0; i < _FF_MAX; i++)
				if (streq(optarg, ff_cols[i].sort) ||
				    streq(optarg, ff_cols[i].key))
					sort_key = i;
			if (streq(optarg, "path"))
				sort_key = SORT_PATH;
			if (sort_key < 0)
				return cli_usage_error(
				    ctx, "unknown sort key '%s'", optarg);
			continue;
		case 'r':
			sort_reverse = true;
			continue;
		case 'x':
			fs.cross_mounts = true;
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (cli_require_live(ctx, "'files'") < 0)
		return EXIT_FAIL;
	if (tty)
		fs.progress = progress;

	held = optind == argc;
	if (held) {
		r = files_add_held(&fs);
		if (r < 0) {
			files_release(&fs);
			log_error_errno(r, "cannot read '/proc'");
			return EXIT_FAIL;
		}
	}
	for (int i = optind; i < argc; i++) {
		r = files_add_path(&fs, argv[i]);
		if (r == -EINVAL) {
			files_release(&fs);
			log_error("cannot measure '%s': not a regular file or "
				  "directory",
				  argv[i]);
			return EXIT_FAIL;
		}
		if (r < 0) {
			files_release(&fs);
			if (tty)
				fputc('\n', stderr);
			log_error_errno(r, "cannot open '%s'", argv[i]);
			return EXIT_FAIL;
		}
	}
	if (tty && fs.n >= 1024)
		fputs("\r\033[K", stderr);

	shown = top && top < fs.n ? top : fs.n;
	if (shown < fs.n)
		select_top(fs.v, fs.n, shown);
	if (shown > 1)
		qsort(fs.v, shown, sizeof(*fs.v), entry_cmp);
	for (size_t i = 0; i < fs.n; i++)
		tot_rounded += round_pages(fs.v[i].size);
	for (size_t i = 0; i < fs.n; i++)
		for (int k = 0; k < _FF_MAX; k++) {
			uint64_t v = entry_val(&fs.v[i], k);

			tot[k] = val_has(v) && val_has(tot[k]) ? tot[k] + v
							       : VAL_ABSENT;
		}

	t = table_new(NULL);
	for (int k = 0; k < _FF_MAX; k++) {
		table_add_col(t, ff_cols[k].header, ff_cols[k].key, COL_BYTES);
		if (k == FF_CACHED && !ctx->json)
			table_add_col(t, "%", "cached_pct", COL_PCT);
	}
	if (ctx->json)
		table_add_col(t, "METHOD", "method", COL_STR);
	if (held)
		table_add_col(t, "HOLDERS", "holders", COL_STR);
	table_add_col(t, "PATH", "path", COL_STR);
	for (size_t i = 0; i < shown + 1; i++) {
		const struct file_entry *e = i < shown ? &fs.v[i] : NULL;
		size_t row, col = 0;

		if (!e && (ctx->json || fs.n == 0))
			break;
		row = table_add_row(t);
		if (!e)
			table_row_total(t, row);
		for (int k = 0; k < _FF_MAX; k++) {
			uint64_t v = e ? entry_val(e, k) : tot[k];

			table_set_u64(t, row, col++, v);
			if (k == FF_CACHED && !ctx->json) {
				/* of the size rounded up to whole pages,
				 * as the cache holds whole pages */
				uint64_t size =
				    e ? round_pages(e->size) : tot_rounded;

				if (size && val_has(v))
					table_set_double(t, row, col,
							 100.0 * (double)v /
							     (double)size);
				col++;
			}
		}
		if (ctx->json)
			table_set_str(t, row, col++,
				      pagecache_method_name(e->st.method));
		if (held) {
			if (e) {
				_cleanup_free_ char *h = holders_text(e);

				table_set_str(t, row, col, h);
			} else {
				table_set_str(t, row, col, "");
			}
			col++;
		}
		if (e) {
			table_set_str(t, row, col, e->path);
		} else {
			_cleanup_free_ char *label = xasprintf(
			    "total (%zu file%s)", fs.n, fs.n == 1 ? "" : "s");

			table_set_str(t, row, col, label);
		}
	}
	if (shown < fs.n)
		table_add_note(t,
			       "Showing %zu of %zu files; the total counts "
			       "them all.",
			       shown, fs.n);
	if (fs.n == 0)
		table_add_note(t, "No regular file measured.");
	if (fs.n_mincore)
		table_add_note(t,
			       "%llu file%s measured with mincore(2) "
			       "(cachestat(2) unavailable or refused): "
			       "only CACHED is known for %s.",
			       (unsigned long long)fs.n_mincore,
			       fs.n_mincore == 1 ? "" : "s",
			       fs.n_mincore == 1 ? "it" : "them");
	if (fs.n_denied) {
		char why[600];

		snprintf(why, sizeof(why), "%s: %s", fs.first_denied,
			 strerror(-fs.first_denied_err));
		table_add_note(t,
			       "%llu file%s (or process file lists) could "
			       "not be opened and %s not counted (first: "
			       "%s)%s.",
			       (unsigned long long)fs.n_denied,
			       fs.n_denied == 1 ? "" : "s",
			       fs.n_denied == 1 ? "is" : "are", why,
			       geteuid() == 0 ? ""
					      : "; run as root to see all");
	}
	if (fs.n_hidden)
		table_add_note(t,
			       "%llu file%s not measured: cachestat(2) "
			       "refused and mincore(2) shows every page of a "
			       "file you neither own nor may write as "
			       "resident; run as root.",
			       (unsigned long long)fs.n_hidden,
			       fs.n_hidden == 1 ? "" : "s");
	if (fs.n_vanished)
		table_add_note(t, "%llu file%s vanished during the scan.",
			       (unsigned long long)fs.n_vanished,
			       fs.n_vanished == 1 ? "" : "s");
	if (fs.n_other_fs && optind < argc)
		table_add_note(t,
			       "%llu mount point%s not entered (other "
			       "filesystems; --cross-mounts enters them).",
			       (unsigned long long)fs.n_other_fs,
			       fs.n_other_fs == 1 ? "" : "s");
	if (fs.n_errors)
		table_add_note(t, "%llu file%s could not be measured.",
			       (unsigned long long)fs.n_errors,
			       fs.n_errors == 1 ? "" : "s");

	if (ctx->json) {
		json_object *o = json_object_new_object();
		json_object *totals = json_object_new_object();

		json_object_object_add(o, "rows", table_json_rows(t));
		json_object_object_add(totals, "files",
				       json_object_new_uint64(fs.n));
		for (int k = 0; k < _FF_MAX; k++)
			json_object_object_add(
			    totals, ff_cols[k].key,
			    val_has(tot[k]) ? json_object_new_uint64(tot[k])
					    : NULL);
		json_object_object_add(o, "totals", totals);
		json_object_object_add(o, "notes", table_json_notes(t));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		table_print(t, stdout, &ctx->out);
	}
	table_free(t);
	files_release(&fs);
	return EXIT_OK;
}
