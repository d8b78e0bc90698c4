/* `memtally pools`: the command. Options in, src/views/pools.c's
 * document out; with --source bpf, the tracer session around it
 * (src/views/pools-bpf.c): attach, trace for --duration printing every
 * --interval, print, detach. */
#include <stdlib.h>
#include <string.h>

#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../views/pools.h"
#include "cli.h"

/* clang-format off */
const char cmd_pools_help[] =
	"Usage: memtally pools [options]\n"
	"\n"
	"Where the kernel's own memory is, pool by pool: PoolMon's table for\n"
	"Linux. One row per slab cache (/proc/slabinfo), per vmalloc caller\n"
	"(/proc/vmallocinfo) and, on kernels built with\n"
	"CONFIG_MEM_ALLOC_PROFILING (6.10+), per allocation call site\n"
	"(/proc/allocinfo). These files are readable by root only; without\n"
	"root the view says which sources it could not read, and why.\n"
	"\n"
	"Options:\n"
	"  -s, --sort KEY     tag, allocs, frees, diff, bytes (default) or\n"
	"                     per-alloc; numbers sort biggest first, n/a last\n"
	"  -t, --type TYPE    reclaimable, unreclaimable or all (default)\n"
	"  -i, --include PAT  only tags matching the glob PAT ('*', '?', [..]);\n"
	"                     may be repeated (a tag matching any is kept)\n"
	"  -x, --exclude PAT  drop tags matching PAT; may be repeated\n"
	"  -e, --totals       add total lines per source and overall\n"
	"  -n, --top N        show the first N rows only (after sorting)\n"
	"      --source LIST  comma-separated sources: slab,vmalloc,allocinfo,\n"
	"                     bpf (default: slab,vmalloc,allocinfo)\n"
	"\n"
	"Live kernel pool tags with eBPF (--source bpf; root and kernel BTF):\n"
	"the kmem and percpu tracepoints are traced and every kernel call site\n"
	"becomes a tag, resolved through /proc/kallsyms to function+offset and\n"
	"module (load_msg+0x41, foo_rx_alloc+0x1c [foo]), with allocations,\n"
	"frees counted against the site that allocated, live bytes and the\n"
	"slab cache. Page allocations are tagged with the first caller outside\n"
	"the page allocator (user pages, which are movable, are left out).\n"
	"      --duration S   trace for S seconds, then print (default 5)\n"
	"      --interval S   also print every S seconds while tracing (with\n"
	"                     --json: one document per print)\n"
	"      --sample N     track 1 object in N (a power of two) for the frees:\n"
	"                     cheaper; frees, diff and bytes then estimated\n"
	"      --level L      2 (default) allocs and frees; 1 allocs only;\n"
	"                     0 attach programs that count nothing (benchmarks)\n"
	"      --objects N    live objects the tracer can follow (default\n"
	"                     1048576, over N with --sample N; rounded up to a\n"
	"                     power of two; 16 bytes each). When the table\n"
	"                     fills, the notes say so and frees become\n"
	"                     estimates\n"
	"      --attach HOW   tp_btf (default; typed programs, the cheapest) or\n"
	"                     raw_tp (what kernels without tp_btf get; for\n"
	"                     comparing the two)\n"
	"Ctrl-C ends the trace early and still prints. The programs are never\n"
	"pinned: they go away with memtally on any exit.\n"
	"Some frees have no tracepoint: kfree_rcu() (epoll items, many\n"
	"network and file-system objects) and the bulk frees of the RCU\n"
	"batches and the network stack. Such an object counts as freed when\n"
	"its address is handed out again, or when a slab audit (about once a\n"
	"second; kernels 6.13+) finds that the kernel has given its slab\n"
	"back; until then it counts as live. The notes say how many each\n"
	"found; without the audit a kfree_rcu-heavy site looks like a leak.\n"
	"\n"
	"Columns:\n"
	"  TAG        the pool: a slab cache name exactly as in\n"
	"             /proc/slabinfo; a vmalloc caller function; an allocinfo\n"
	"             call site as function@file:line\n"
	"  SOURCE     slab, vmalloc, allocinfo or bpf\n"
	"  TYPE       reclaimable (the kernel can free it under pressure, like\n"
	"             PoolMon's paged pool: dentries, inodes) or unreclaimable\n"
	"             (like the nonpaged pool); n/a when the source does not\n"
	"             say (allocinfo)\n"
	"  ALLOCS     allocations since boot, FREES frees since boot: n/a, as\n"
	"             no kernel file counts them per pool (SLUB only with\n"
	"             CONFIG_SLUB_STATS); bpf rows count them while tracing\n"
	"  DIFF       live allocations now: active objects of a slab cache,\n"
	"             areas of a vmalloc caller, live calls of a call site\n"
	"  BYTES      memory held now: a slab cache's pages (num_slabs x\n"
	"             pages per slab x page size, so free objects and per-slab\n"
	"             waste are included, as in slabtop's CACHE SIZE); the\n"
	"             pages of a caller's vmalloc areas (ioremap and vmap\n"
	"             areas are address space and hold 0 bytes of RAM); the\n"
	"             bytes of a call site\n"
	"  PER-ALLOC  BYTES / DIFF, the average size of one live allocation\n"
	"             (a slab cache's is at least its object size)\n"
	"  MODULE     the kernel module of a vmalloc caller or call site;\n"
	"             empty for built-in code\n"
	"  CACHE      (bpf) the slab cache; for a kmalloc site the cache the\n"
	"             slab audit found a live object in (kmalloc-cg-1k,\n"
	"             msg_msg-1k), else its size class ('kmalloc 1k': the\n"
	"             tracepoint does not name the cache); pages, percpu\n"
	"  FREES+-     (bpf) 'exact', or the 95% bound of estimated frees\n"
	"\n"
	"How to read it: a pool whose DIFF and BYTES keep growing between runs\n"
	"is a leak suspect; sort by bytes to see the biggest holders, by diff\n"
	"to see the most allocations. allocinfo call sites include memory that\n"
	"slab and vmalloc rows already count (a kmalloc is both a slab object\n"
	"and a call site): compare them, do not add them.\n"
	"\n"
	"PoolMon keys and their options here:\n"
	"  /p (paged/nonpaged/both)   -t reclaimable|unreclaimable|all\n"
	"  /i TAG, /x TAG             -i PAT, -x PAT (globs, as PoolMon's '*')\n"
	"  /e (totals)                -e\n"
	"  b, d, a, f, t (sort keys)  -s bytes, -s diff, -s allocs, -s frees,\n"
	"                             -s tag; -s per-alloc sorts Per Alloc\n"
	"\n"
	"JSON (--json): {\"rows\": [{\"tag\", \"source\", \"type\", \"allocs\",\n"
	"\"frees\", \"diff\", \"bytes\", \"per_alloc\", \"module\", \"objsize\",\n"
	"\"objects\"}], \"totals\": {...}, \"unavailable\": [{\"source\",\n"
	"\"reason\"}], \"notes\": [...]}; sizes are bytes, absent figures null.\n"
	"Totals cover every row that passed -t/-i/-x/--source, including rows\n"
	"cut by --top. bpf rows add \"cache\", \"estimated\" (true when frees,\n"
	"diff and bytes are estimates) and \"frees_error\" (their 95% bound,\n"
	"null when exact), and the document a \"tracer\" object: \"seconds\",\n"
	"\"attach\", \"level\", \"sample\", \"objects\", \"site_slots\",\n"
	"\"memory_bytes\", \"slab_audit\", \"kernel_skipped\" and \"counters\"\n"
	"(what the notes count: unmatched_frees, reused_addresses,\n"
	"audit_freed, objects_full, ...); with --interval, one document per\n"
	"print.\n";
/* clang-format on */
static int parse_sources(struct ctx *ctx, const char *arg, unsigned *ret)
{
	_cleanup_free_ char *s = xstrdup(arg);
	char *save = NULL, *tok;
	unsigned m = 0;

	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int src = pool_source_from_name(tok);

		if (src < 0)
			return cli_usage_error(ctx,
					       "unknown source '%s' (slab, "
					       "vmalloc, allocinfo, bpf)",
					       tok);
		m |= POOL_SRC_BIT(src);
	}
	if (!m)
		return cli_usage_error(ctx, "empty --source list");
	*ret = m;
	return 0;
}

/* The command's options: the view's, the tracer's, and the patterns
 * (the view's filter points into include and exclude). */
struct pools_cli {
	struct pools_opts view;
	struct pools_bpf_opts bpf;
	char **include, **exclude;
	size_t n_inc, n_exc, alloc_inc, alloc_exc;
};

static int parse_type(struct ctx *ctx, const char *arg,
		      enum pool_type_filter *ret)
{
	if (streq(arg, "reclaimable"))
		*ret = POOL_FILTER_RECLAIMABLE;
	else if (streq(arg, "unreclaimable"))
		*ret = POOL_FILTER_UNRECLAIMABLE;
	else if (streq(arg, "all"))
		*ret = POOL_FILTER_ALL;
	else
		return cli_usage_error(ctx,
				       "unknown type '%s' (reclaimable, "
				       "unreclaimable, all)",
				       arg);
	return 0;
}

static int parse_sample(struct ctx *ctx, const char *arg, unsigned *ret)
{
	unsigned long n;
	unsigned k = 0;

	if (cli_parse_uint(arg, &n) < 0 || !n || (n & (n - 1)) || n > 65536)
		return cli_usage_error(ctx,
				       "--sample wants a power of two up to "
				       "65536, not '%s'",
				       arg);
	while ((1ul << k) < n)
		k++;
	*ret = k;
	return 0;
}

/* The tracer's options (codes 0x201 to 0x206). Returns 0, or EXIT_USAGE
 * with the message printed. */
static int parse_bpf_opt(struct ctx *ctx, int c, const char *arg,
			 struct pools_bpf_opts *o)
{
	unsigned long n;
	char *end;
	double v;

	switch (c) {
	case 0x201:
	case 0x202:
		v = strtod(arg, &end);
		if (*end || end == arg || v < (c == 0x201 ? 0 : 0.1) ||
		    v > 86400)
			return cli_usage_error(
			    ctx, "bad number of seconds '%s'", arg);
		*(c == 0x201 ? &o->duration : &o->interval) = v;
		return 0;
	case 0x203:
		return parse_sample(ctx, arg, &o->sample_shift);
	case 0x204:
		if (!streq(arg, "0") && !streq(arg, "1") && !streq(arg, "2"))
			return cli_usage_error(
			    ctx, "--level is 0, 1 or 2, not '%s'", arg);
		o->level = arg[0] - '0';
		return 0;
	case 0x205:
		if (cli_parse_uint(arg, &n) < 0 || n < 1024 || n > (1ul << 25))
			return cli_usage_error(ctx,
					       "--objects wants a number from "
					       "1024 to 33554432, not '%s'",
					       arg);
		o->objects = (unsigned)n;
		return 0;
	default:
		if (!streq(arg, "tp_btf") && !streq(arg, "raw_tp"))
			return cli_usage_error(
			    ctx, "--attach is tp_btf or raw_tp, not '%s'", arg);
		o->raw_tp = streq(arg, "raw_tp");
		return 0;
	}
}

/* One option of the view's. Returns 0, or EXIT_USAGE (message printed). */
static int parse_view_opt(struct ctx *ctx, int c, const char *arg,
			  struct pools_cli *o)
{
	unsigned long n;
	int r;

	switch (c) {
	case 's':
		r = pool_sort_from_name(arg);
		if (r < 0)
			return cli_usage_error(ctx,
					       "unknown sort key '%s' (tag, "
					       "allocs, frees, diff, bytes, "
					       "per-alloc)",
					       arg);
		o->view.sort = r;
		return 0;
	case 't':
		return parse_type(ctx, arg, &o->view.filter.type);
	case 'i':
		o->include = xgrow(o->include, &o->alloc_inc, o->n_inc + 1,
				   sizeof(char *));
		o->include[o->n_inc++] = (char *)arg;
		return 0;
	case 'x':
		o->exclude = xgrow(o->exclude, &o->alloc_exc, o->n_exc + 1,
				   sizeof(char *));
		o->exclude[o->n_exc++] = (char *)arg;
		return 0;
	case 'e':
		o->view.totals = true;
		return 0;
	case 'n':
		if (cli_parse_uint(arg, &n) < 0)
			return cli_usage_error(
			    ctx, "--top wants a number, not '%s'", arg);
		o->view.top = n;
		o->view.has_top = true;
		return 0;
	default:
		return parse_sources(ctx, arg, &o->view.sources);
	}
}

/* Returns -1 to go on, or the exit code to return now. */
static int parse_opts(int argc, char **argv, struct ctx *ctx,
		      struct pools_cli *o)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"sort", required_argument, NULL, 's'},
	    {"type", required_argument, NULL, 't'},
	    {"include", required_argument, NULL, 'i'},
	    {"exclude", required_argument, NULL, 'x'},
	    {"totals", no_argument, NULL, 'e'},
	    {"top", required_argument, NULL, 'n'},
	    {"source", required_argument, NULL, 0x200},
	    {"duration", required_argument, NULL, 0x201},
	    {"interval", required_argument, NULL, 0x202},
	    {"sample", required_argument, NULL, 0x203},
	    {"level", required_argument, NULL, 0x204},
	    {"objects", required_argument, NULL, 0x205},
	    {"attach", required_argument, NULL, 0x206},
	    {NULL, 0, NULL, 0}};
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "s:t:i:x:en:",
				longopts, NULL)) != -1) {
		if (c == 0x200 || (c > 0 && c < 0x100 && strchr("stixen", c))) {
			r = parse_view_opt(ctx, c, optarg, o);
			if (r)
				return r;
			continue;
		}
		if (c > 0x200 && c <= 0x206) {
			r = parse_bpf_opt(ctx, c, optarg, &o->bpf);
			if (r)
				return r;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	return -1;
}

/* The view now, printed. */
static int pools_show(struct ctx *ctx, const struct pools_opts *o)
{
	struct view_err err = {{0}};
	struct doc *d;
	int r;

	if (view_pools(ctx_root(ctx), o, &d, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_FAIL;
	}
	r = cli_render(ctx, d);
	fflush(stdout);
	return r;
}

/* With bpf among the sources: attach, trace for --duration (printing
 * every --interval), print, detach. SIGINT, SIGTERM and SIGHUP end the
 * trace early; the last table is still printed, then the programs go. */
static int pools_trace(struct ctx *ctx, struct pools_cli *o)
{
	double left = o->bpf.duration > 0 ? o->bpf.duration : 5;
	char *why = NULL;
	int r;

	r = pools_bpf_start(ctx_root(ctx), &o->bpf, &o->view.bpf, &why);
	if (r < 0) {
		if (o->view.sources == POOL_SRC_BIT(POOL_BPF)) {
			log_error("cannot trace kernel allocations: %s", why);
			free(why);
			return EXIT_FAIL;
		}
		/* the other sources still show; a note says why not bpf */
		o->view.bpf_why = why;
		r = pools_show(ctx, &o->view);
		free(why);
		return r;
	}
	pools_bpf_signals(true);
	fprintf(stderr, "memtally: tracing kernel allocations for %.1f s\n",
		left);
	r = EXIT_OK;
	while (left > 0 && r == EXIT_OK) {
		double step = o->bpf.interval > 0 && o->bpf.interval < left
				  ? o->bpf.interval
				  : left;

		if (!pools_bpf_wait(o->view.bpf, step))
			break;
		left -= step;
		if (left > 0)
			r = pools_show(ctx, &o->view);
	}
	if (r == EXIT_OK)
		r = pools_show(ctx, &o->view);
	pools_bpf_stop(o->view.bpf);
	pools_bpf_signals(false);
	return r;
}

int cmd_pools(int argc, char **argv, struct ctx *ctx)
{
	struct pools_cli o = {.view.sort = POOL_SORT_BYTES};
	int r;

	o.bpf.level = -1;
	r = parse_opts(argc, argv, ctx, &o);
	if (r >= 0)
		goto out;
	o.view.filter.include = o.include;
	o.view.filter.n_include = o.n_inc;
	o.view.filter.exclude = o.exclude;
	o.view.filter.n_exclude = o.n_exc;
	if (!ctx_root(ctx))
		r = EXIT_FAIL;
	else if (o.view.sources & POOL_SRC_BIT(POOL_BPF))
		r = pools_trace(ctx, &o);
	else
		r = pools_show(ctx, &o.view);
out:
	free(o.include);
	free(o.exclude);
	return r;
}
