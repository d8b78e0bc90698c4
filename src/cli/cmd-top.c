/* `memtally top`: PoolMon's screen, done for Linux.
 *
 * A header with the memory totals and what the pool rows come from; under
 * it one of four screens, each a view that returns a document: pools
 * (src/views/pools.c, with the BPF tracer's call sites when it can run),
 * usage, processes and free lists (src/views/top.c). The screens are a
 * table of {name, collect, draw, keys}; the keys are tables too, the
 * screen's own first, then the ones every screen shares. The drawing is
 * generic and lives in src/output/tui-doc.c: a document's table, cell by
 * cell, each value that changed since the last refresh highlighted.
 *
 * `top --batch` prints the same documents COUNT times, every --interval
 * seconds, as text or as JSON lines (--json), without a terminal. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../output/tui.h"
#include "../views/top.h"
#include "cli.h"

const char cmd_top_help[] =
    "Usage: memtally top [options]\n"
    "\n"
    "A live full-screen view of the kernel's pools (PoolMon's screen):\n"
    "memory totals on top, then one row per pool tag with allocations,\n"
    "frees, their difference, live bytes and bytes per allocation,\n"
    "refreshed every few seconds; values that changed since the last\n"
    "refresh are highlighted. As root with kernel BTF the tags include\n"
    "the kernel call sites traced with eBPF (see 'pools --source bpf');\n"
    "otherwise the header says why and the /proc sources are shown.\n"
    "\n"
    "Keys:\n"
    "  t a f d b m   sort by tag, allocs, frees, diff, bytes, per-alloc\n"
    "                (again: reverse)\n"
    "  ( )           sort by the change since the last refresh / by value\n"
    "  p             cycle all, reclaimable, unreclaimable\n"
    "  e             total lines on/off\n"
    "  l             highlighting of changes on/off\n"
    "  i x           include / exclude tags matching a glob (empty: clear)\n"
    "  arrows PgUp PgDn Home End   scroll\n"
    "  v, 1 2 3 4    views: pools, usage, processes, free lists\n"
    "  h ?           help\n"
    "  q             quit\n"
    "\n"
    "Options:\n"
    "  -d, --interval SECONDS  refresh interval (default 2)\n"
    "      --no-bpf            do not trace; /proc sources only\n"
    "      --view NAME         start in pools, usage, procs or free\n"
    "  -b, --batch             no screen: print each refresh to standard\n"
    "                          output (top's -b, PoolMon's /n), as text or,\n"
    "                          with --json, one JSON document a line\n"
    "  -n, --count COUNT       with --batch: COUNT refreshes, then exit\n"
    "                          (default: until interrupted)\n"
    "\n"
    "JSON (--batch --json): one line per refresh, {\"refresh\", \"view\",\n"
    "\"bpf\", \"header\": {\"memory\": [{\"total\", \"available\", \"free\",\n"
    "\"slab\", \"unaccounted\", \"commit\", \"commit_limit\"}]}, VIEW: {...}}\n"
    "where VIEW is the screen's name and its document: 'pools' is the\n"
    "pools view's ('memtally help pools'); usage {\"usage\": [{\"category\",\n"
    "\"bytes\", \"pct\", \"reclaim\"}]}, procs {\"procs\": [{\"pid\",\n"
    "\"command\", \"rss\", \"pss\", \"uss\", \"swap\"}]}, free {\"zones\":\n"
    "[{\"node\", \"zone\", \"free\", \"order0\", ...}]}. Sizes in bytes.\n";

struct top;

/* A key and what it does; false to quit. */
struct top_key {
	int key; /* lower case for letters: both cases act alike */
	bool (*fn)(struct top *t, int key);
};

/* One screen: its name (--view, the header), how to collect its
 * document, the table to draw, how to draw it and its own keys. */
struct top_view {
	const char *name;
	const char *title;
	const char *table;
	int (*collect)(struct top *t, struct doc **ret, struct view_err *err);
	void (*draw)(struct top *t, int row, int rows, int cols);
	const struct top_key *keys; /* ends with key 0 */
};

struct top {
	struct ctx *ctx;
	double interval;
	bool no_bpf, batch;
	unsigned long count; /* --batch: refreshes; 0 until interrupted */
	const struct top_view *view;
	struct pools_bpf *bpf;
	char bpf_status[256]; /* without the tracer: why */
	/* the pools screen's settings (the view sorts and filters) */
	enum pool_sort sort;
	enum pool_type_filter type;
	bool reverse, by_change, totals, highlight;
	char include[64], exclude[64];
	/* documents: the header, the screen now and at the last refresh */
	struct doc *header, *cur, *prev;
	char header_why[1024], why[1024];
	size_t *match; /* per row of cur's table: prev's row, or SIZE_MAX */
	int scroll;
	bool help;
};

static const char *const sort_keys[] = {
    [POOL_SORT_TAG] = "tag",	 [POOL_SORT_ALLOCS] = "allocs",
    [POOL_SORT_FREES] = "frees", [POOL_SORT_DIFF] = "diff",
    [POOL_SORT_BYTES] = "bytes", [POOL_SORT_PER_ALLOC] = "per_alloc",
};

/* ---- collecting ---------------------------------------------------------- */

static int collect_pools(struct top *t, struct doc **ret, struct view_err *err)
{
	struct top_pools_opts o = {
	    .bpf = t->bpf,
	    .sort = t->sort,
	    .type = t->type,
	    .totals = t->totals,
	    .include = t->include,
	    .exclude = t->exclude,
	};

	return view_top_pools(ctx_root(t->ctx), &o, ret, err);
}

/* The adapters for the usage, procs and free screens: the one call each
 * to re-point when those views are converted. */
static int collect_usage(struct top *t, struct doc **ret, struct view_err *err)
{
	return top_usage_doc(ctx_root(t->ctx), ret, err);
}

static int collect_procs(struct top *t, struct doc **ret, struct view_err *err)
{
	return top_procs_doc(ctx_root(t->ctx), ret, err);
}

static int collect_free(struct top *t, struct doc **ret, struct view_err *err)
{
	return top_free_doc(ctx_root(t->ctx), ret, err);
}

/* t->match: each row of the current table's match in the previous. */
static void match_rows(struct top *t)
{
	free(t->match);
	t->match = tui_match_rows(
	    t->cur ? doc_find_table(t->cur, t->view->table) : NULL,
	    t->prev ? doc_find_table(t->prev, t->view->table) : NULL);
}

/* Collect the header and the screen. refresh: a new refresh (the current
 * document becomes the previous one); else the same refresh seen
 * differently (a sort key, a filter): the previous one stays. */
static void collect(struct top *t, bool refresh)
{
	struct view_err err = {{0}};
	struct doc *d = NULL;

	doc_free(t->header);
	t->header = NULL;
	if (view_top_header(ctx_root(t->ctx), &t->header, &err) < 0)
		snprintf(t->header_why, sizeof(t->header_why), "%s", err.msg);
	if (refresh) {
		doc_free(t->prev);
		t->prev = t->cur;
	} else {
		doc_free(t->cur);
	}
	t->cur = NULL;
	t->why[0] = '\0';
	if (t->view->collect(t, &d, &err) < 0)
		snprintf(t->why, sizeof(t->why), "%s", err.msg);
	else
		t->cur = d;
	match_rows(t);
	if (t->bpf && pools_bpf_last_status(t->bpf)[0])
		snprintf(t->bpf_status, sizeof(t->bpf_status), "%s",
			 pools_bpf_last_status(t->bpf));
}

/* ---- drawing ---------------------------------------------------------------
 */

/* The screen's table, as tui-doc.c draws it. */
static struct tui_table screen_table(const struct top *t)
{
	return (struct tui_table){
	    .tb = doc_find_table(t->cur, t->view->table),
	    .prev = t->prev ? doc_find_table(t->prev, t->view->table) : NULL,
	    .match = t->match,
	    .highlight = t->highlight,
	    .bytes = t->ctx->out.bytes,
	};
}

static void draw_plain(struct top *t, int row, int rows, int cols)
{
	struct tui_table tt = screen_table(t);
	size_t *order = xcalloc(table_rows(tt.tb) + 1, sizeof(*order));

	tui_draw_table(&tt, order, tui_plain_order(tt.tb, order), row, rows,
		       cols, &t->scroll);
	free(order);
}

/* The pools screen: the view's order, by change of the sort column with
 * '(', reversed when the sort key was pressed twice. */
static void draw_pools(struct top *t, int row, int rows, int cols)
{
	struct tui_table tt = screen_table(t);
	size_t *order = xcalloc(table_rows(tt.tb) + 1, sizeof(*order));
	size_t n = tui_plain_order(tt.tb, order);

	if (t->by_change && t->sort != POOL_SORT_TAG)
		tui_order_by_change(
		    &tt, table_find_col(tt.tb, sort_keys[t->sort]), order, n);
	for (size_t i = 0; t->reverse && i < n / 2; i++) {
		size_t x = order[i];

		order[i] = order[n - 1 - i];
		order[n - 1 - i] = x;
	}
	tui_draw_table(&tt, order, n, row, rows, cols, &t->scroll);
	free(order);
}

static void draw_status(struct top *t, int *row)
{
	static const char *const type_names[] = {"all", "reclaimable",
						 "unreclaimable"};

	tui_print(*row, 0, TUI_REVERSE,
		  " memtally top - %s   every %.1f s   sort: %s%s%s   type: "
		  "%s%s%s%s%s",
		  t->view->title, t->interval, t->by_change ? "change of " : "",
		  sort_keys[t->sort], t->reverse ? " (reversed)" : "",
		  type_names[t->type], t->include[0] ? "   include: " : "",
		  t->include, t->exclude[0] ? "   exclude: " : "", t->exclude);
	tui_fill((*row)++, TUI_REVERSE);
}

/* "no slab rows: why" for each /proc source the pools view lacks. */
static void proc_status(const struct top *t, char *buf, size_t n)
{
	const struct table *u =
	    t->cur ? doc_find_table(t->cur, "unavailable") : NULL;
	size_t len = 0;

	buf[0] = '\0';
	for (size_t r = 0; u && r < table_rows(u); r++) {
		char src[32], why[400];

		table_cell_text(u, r, 0, &(struct out_opts){0}, src,
				sizeof(src));
		table_cell_text(u, r, 1, &(struct out_opts){0}, why,
				sizeof(why));
		if (!streq(src, "bpf") && len < n)
			len += (size_t)snprintf(buf + len, n - len,
						"; no %s rows: %s", src, why);
	}
}

static void draw_header(struct top *t, int *row)
{
	const struct table *m =
	    t->header ? doc_find_table(t->header, "memory") : NULL;
	struct out_opts o = {.bytes = t->ctx->out.bytes};
	char v[7][32], ps[600];

	draw_status(t, row);
	for (size_t c = 0; m && c < 7; c++)
		table_cell_text(m, 0, c, &o, v[c], sizeof(v[c]));
	if (m)
		tui_print(*row, 0, TUI_NORMAL,
			  " total %s  available %s  free %s  slab %s  "
			  "unaccounted %s  commit %s / %s",
			  v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
	else
		tui_print(*row, 0, TUI_WARN, " memory totals unavailable: %s",
			  t->header_why);
	(*row)++;
	proc_status(t, ps, sizeof(ps));
	tui_print((*row)++, 0, t->bpf ? TUI_DIM : TUI_WARN, " sources: %s%s",
		  t->bpf_status, ps);
}

static void draw_help(int row)
{
	const char *k = strstr(cmd_top_help, "Keys:");

	while (k && *k) {
		const char *nl = strchr(k, '\n');
		int len = nl ? (int)(nl - k) : (int)strlen(k);

		if (len == 0 && row > 6)
			break;
		tui_print(row++, 2, TUI_NORMAL, "%.*s", len, k);
		k = nl ? nl + 1 : NULL;
	}
	tui_print(row + 1, 2, TUI_BOLD, "press any key");
}

static void draw(struct top *t)
{
	int rows, cols, row = 0;

	tui_size(&rows, &cols);
	tui_clear();
	draw_header(t, &row);
	row++;
	if (t->help)
		draw_help(row);
	else if (!t->cur)
		tui_print(row, 1, TUI_WARN, "%s", t->why);
	else if (!doc_find_table(t->cur, t->view->table))
		tui_print(row, 1, TUI_WARN, "no table '%s' in the view",
			  t->view->table);
	else
		t->view->draw(t, row, rows, cols);
	tui_print(rows - 1, 0, TUI_REVERSE,
		  " q quit  h help  v view  t a f d b m sort  ( ) change  "
		  "p type  e totals  l highlight  i x filter");
	tui_fill(rows - 1, TUI_REVERSE);
	tui_flush();
}

/* ---- keys ------------------------------------------------------------------
 */

static bool key_sort(struct top *t, int k)
{
	static const char keys[] = "tafdbm";
	enum pool_sort s = (enum pool_sort)(strchr(keys, k) - keys);

	t->reverse = t->sort == s ? !t->reverse : false;
	t->sort = s;
	t->scroll = 0;
	collect(t, false);
	return true;
}

static bool key_change(struct top *t, int k)
{
	t->by_change = k == '(';
	return true;
}

static bool key_type(struct top *t, int k)
{
	t->type = (t->type + 1) % 3;
	t->scroll = 0;
	collect(t, false);
	return true;
}

static bool key_totals(struct top *t, int k)
{
	t->totals = !t->totals;
	collect(t, false);
	return true;
}

static bool key_filter(struct top *t, int k)
{
	int rows, cols;

	tui_size(&rows, &cols);
	if (k == 'i')
		tui_prompt(rows - 1,
			   "include tags matching (glob, empty: all): ",
			   t->include, sizeof(t->include));
	else
		tui_prompt(rows - 1,
			   "exclude tags matching (glob, empty: none): ",
			   t->exclude, sizeof(t->exclude));
	t->scroll = 0;
	collect(t, false);
	return true;
}

static const struct top_key pools_keys[] = {
    {'t', key_sort}, {'a', key_sort},	{'f', key_sort},   {'d', key_sort},
    {'b', key_sort}, {'m', key_sort},	{'(', key_change}, {')', key_change},
    {'p', key_type}, {'e', key_totals}, {'i', key_filter}, {'x', key_filter},
    {0, NULL},
};

static const struct top_view views[] = {
    {"pools", "pools", "rows", collect_pools, draw_pools, pools_keys},
    {"usage", "usage", "usage", collect_usage, draw_plain, NULL},
    {"procs", "processes", "procs", collect_procs, draw_plain, NULL},
    {"free", "free lists", "zones", collect_free, draw_plain, NULL},
};

static void switch_view(struct top *t, const struct top_view *v)
{
	t->view = v;
	t->scroll = 0;
	doc_free(t->prev);
	t->prev = NULL;
	collect(t, true);
}

static bool key_quit(struct top *t, int k)
{
	return false;
}

static bool key_view(struct top *t, int k)
{
	size_t i = k == 'v' ? (size_t)(t->view - views + 1) % ELEMENTSOF(views)
			    : (size_t)(k - '1');

	switch_view(t, &views[i]);
	return true;
}

static bool key_misc(struct top *t, int k)
{
	if (k == 'l')
		t->highlight = !t->highlight;
	else
		t->help = true;
	return true;
}

static bool key_scroll(struct top *t, int k)
{
	int rows, cols, page;

	tui_size(&rows, &cols);
	page = rows - 7 > 1 ? rows - 7 : 1;
	t->scroll += k == TUI_KEY_UP	 ? -1
		     : k == TUI_KEY_DOWN ? 1
		     : k == TUI_KEY_PGUP ? -page
		     : k == TUI_KEY_PGDN ? page
		     : k == TUI_KEY_END	 ? 1 << 30
					 : -t->scroll;
	if (t->scroll < 0)
		t->scroll = 0;
	return true;
}

static const struct top_key common_keys[] = {
    {'q', key_quit},
    {'v', key_view},
    {'1', key_view},
    {'2', key_view},
    {'3', key_view},
    {'4', key_view},
    {'l', key_misc},
    {'h', key_misc},
    {'?', key_misc},
    {TUI_KEY_UP, key_scroll},
    {TUI_KEY_DOWN, key_scroll},
    {TUI_KEY_PGUP, key_scroll},
    {TUI_KEY_PGDN, key_scroll},
    {TUI_KEY_HOME, key_scroll},
    {TUI_KEY_END, key_scroll},
    {0, NULL},
};

/* Handle one key: the screen's keys, then the common ones; false to
 * quit. Any key leaves the help. */
static bool on_key(struct top *t, int k)
{
	const struct top_key *tables[] = {t->view->keys, common_keys};

	if (t->help && k != TUI_KEY_NONE && k != TUI_KEY_RESIZE) {
		t->help = false;
		return true;
	}
	if (k >= 0 && k < 0x100)
		k = tolower(k);
	for (size_t i = 0; i < ELEMENTSOF(tables); i++)
		for (const struct top_key *e = tables[i]; e && e->fn; e++)
			if (e->key == k)
				return e->fn(t, k);
	return true;
}

/* ---- running
 * ----------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_screen(struct top *t)
{
	double next;
	int r = tui_start();

	if (r < 0) {
		if (r == -ENOTTY)
			log_error("top needs a terminal");
		else
			log_error_errno(r, "cannot start the full-screen view");
		return EXIT_FAIL;
	}
	collect(t, true);
	draw(t);
	next = now_s() + t->interval;
	while (!tui_stop_requested()) {
		double left = next - now_s();
		int k;

		if (left <= 0) {
			collect(t, true);
			draw(t);
			next = now_s() + t->interval;
			continue;
		}
		k = tui_getkey(left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (k == TUI_KEY_NONE)
			continue;
		if (!on_key(t, k))
			break;
		draw(t);
	}
	tui_stop();
	return EXIT_OK;
}

/* One refresh as a document (top_refresh_doc() takes the header and
 * the screen). */
static struct doc *batch_doc(struct top *t, unsigned long n)
{
	struct top_refresh r = {
	    .n = n,
	    .view = t->view->name,
	    .title = t->view->title,
	    .bpf_status = t->bpf_status,
	    .header = t->header,
	    .header_why = t->header_why,
	    .screen = t->cur,
	    .why = t->why,
	};

	t->header = NULL;
	t->cur = NULL;
	return top_refresh_doc(&r);
}

static int run_batch(struct top *t)
{
	int r = EXIT_OK;

	t->ctx->out.compact = true;
	pools_bpf_signals(true);
	for (unsigned long n = 1; !t->count || n <= t->count; n++) {
		if (n > 1 && !pools_bpf_wait(t->bpf, t->interval))
			break;
		if (n > 1 && !t->ctx->json)
			putchar('\n');
		collect(t, true);
		r = cli_render(t->ctx, batch_doc(t, n));
		fflush(stdout);
		if (r != EXIT_OK)
			break;
	}
	pools_bpf_signals(false);
	return r;
}

static int parse_view(struct ctx *ctx, const char *arg, struct top *t)
{
	for (size_t v = 0; v < ELEMENTSOF(views); v++)
		if (*arg && (strncmp(arg, views[v].name, strlen(arg)) == 0 ||
			     strncmp(arg, views[v].title, strlen(arg)) == 0)) {
			t->view = &views[v];
			return 0;
		}
	return cli_usage_error(
	    ctx, "unknown view '%s' (pools, usage, procs, free)", arg);
}

/* Returns -1 to go on, or the exit code to return now. */
static int parse_opts(int argc, char **argv, struct ctx *ctx, struct top *t)
{
	static const struct option longopts[] = {
	    {"interval", required_argument, NULL, 'd'},
	    {"no-bpf", no_argument, NULL, 'N'},
	    {"view", required_argument, NULL, 'V'},
	    {"batch", no_argument, NULL, 'b'},
	    {"count", required_argument, NULL, 'n'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "d:bn:" CLI_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		if (c == 'd' &&
		    (cli_parse_seconds(optarg, 3600, &t->interval) < 0 ||
		     t->interval < 0.1))
			return cli_usage_error(
			    ctx, "bad interval '%s' (0.1 to 3600 seconds)",
			    optarg);
		else if (c == 'n' &&
			 (cli_parse_uint(optarg, &t->count) < 0 || !t->count))
			return cli_usage_error(
			    ctx, "--count wants a number from 1, not '%s'",
			    optarg);
		else if (c == 'V' && (r = parse_view(ctx, optarg, t)))
			return r;
		t->no_bpf |= c == 'N';
		t->batch |= c == 'b';
		if (c > 0 && c < 0x100 && strchr("dNVbn", c))
			continue;
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (t->count && !t->batch)
		return cli_usage_error(ctx, "--count goes with --batch");
	if (ctx->json && !t->batch)
		return cli_usage_error(ctx, "top is interactive; --batch "
					    "--json prints JSON lines");
	return -1;
}

static int check_screen(void)
{
	if (!tui_available()) {
		log_error("top: this memtally was built without ncurses");
		return EXIT_FAIL;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		log_error("top needs a terminal (or --batch)");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_top(int argc, char **argv, struct ctx *ctx)
{
	struct top t = {
	    .ctx = ctx,
	    .interval = 2,
	    .sort = POOL_SORT_BYTES,
	    .highlight = true,
	    .view = &views[0],
	};
	int r;

	r = parse_opts(argc, argv, ctx, &t);
	if (r >= 0)
		return r;
	if (!t.batch && (r = check_screen()) != EXIT_OK)
		return r;
	if (!ctx_root(ctx))
		return EXIT_FAIL;
	top_bpf_start(ctx_root(ctx), t.no_bpf, &t.bpf, t.bpf_status,
		      sizeof(t.bpf_status));
	r = t.batch ? run_batch(&t) : run_screen(&t);
	pools_bpf_stop(t.bpf);
	doc_free(t.header);
	doc_free(t.cur);
	doc_free(t.prev);
	free(t.match);
	return r;
}
