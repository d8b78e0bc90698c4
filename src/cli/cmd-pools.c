/* `memtally pools`: PoolMon's table for the Linux kernel's memory pools:
 * slab caches, vmalloc callers and (where the kernel has it) allocation
 * call sites, with PoolMon's columns, sort keys and type filter.
 *
 * Reads /proc/slabinfo, /proc/vmallocinfo, /proc/allocinfo through the
 * snapshot, and from /sys/kernel/slab only each cache's reclaim_account
 * and the alias links (reading every sysfs attribute costs more than the
 * whole of slabinfo; see bench/pools.sh). The analysis is
 * src/analysis/pools.c. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/bpftags.h"
#include "../analysis/pools.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/snapshot.h"
#include "cli.h"
#include "pools-bpf.h"

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
	"  FREES±     (bpf) 'exact', or the 95% bound of estimated frees\n"
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

struct pools_opts {
	enum pool_sort sort;
	struct pool_filter filter;
	char **include, **exclude;
	size_t n_inc, n_exc, alloc_inc, alloc_exc;
	bool totals;
	unsigned long top;
	bool has_top;
	struct pools_bpf_opts bpf;
};

static const enum source_id pool_src_ids[] = {
    [POOL_SLAB] = SRC_SLABINFO,
    [POOL_VMALLOC] = SRC_VMALLOCINFO,
    [POOL_ALLOCINFO] = SRC_ALLOCINFO,
};

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

static json_object *json_u64(uint64_t v)
{
	return val_has(v) ? json_object_new_int64((int64_t)v) : NULL;
}

/* The tracer's own figures, for --json: what the notes say, as data. */
static json_object *tracer_json(struct pools_bpf *b,
				const struct kmemtag_result *res)
{
	json_object *o = json_object_new_object();
	json_object *c = json_object_new_object();

	json_object_object_add(o, "seconds",
			       json_object_new_double(res->elapsed));
	json_object_object_add(o, "attach",
			       json_object_new_string(pools_bpf_attach(b)));
	json_object_object_add(o, "level", json_object_new_int(res->level));
	json_object_object_add(o, "sample",
			       json_u64(1ull << res->sample_shift));
	json_object_object_add(o, "objects", json_u64(res->objects));
	json_object_object_add(o, "site_slots", json_u64(res->site_slots));
	json_object_object_add(o, "memory_bytes", json_u64(res->mem_bytes));
	json_object_object_add(o, "slab_audit",
			       json_object_new_boolean(res->audit));
	json_object_object_add(o, "kernel_skipped",
			       json_u64(res->recursion_misses));
	for (int i = 0; i < _KT_STAT_MAX; i++)
		json_object_object_add(c, kmemtag_stat_name((enum kt_stat)i),
				       json_u64(res->stats[i]));
	json_object_object_add(o, "counters", c);
	return o;
}

static json_object *rows_json(const struct pool_set *set)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < set->n; i++) {
		const struct pool_row *r = &set->rows[i];
		json_object *o = json_object_new_object();
		const char *type = pool_type_name(r->type);

		json_object_object_add(o, "tag",
				       json_object_new_string(r->tag));
		json_object_object_add(
		    o, "source",
		    json_object_new_string(pool_source_name(r->source)));
		json_object_object_add(
		    o, "type", type ? json_object_new_string(type) : NULL);
		json_object_object_add(o, "allocs", json_u64(r->allocs));
		json_object_object_add(o, "frees", json_u64(r->frees));
		json_object_object_add(o, "diff", json_u64(r->diff));
		json_object_object_add(o, "bytes", json_u64(r->bytes));
		json_object_object_add(o, "per_alloc", json_u64(r->per_alloc));
		json_object_object_add(
		    o, "module",
		    r->module ? json_object_new_string(r->module) : NULL);
		json_object_object_add(o, "objsize", json_u64(r->objsize));
		json_object_object_add(o, "objects", json_u64(r->objects));
		if (r->source == POOL_BPF) {
			json_object_object_add(
			    o, "cache", json_object_new_string(r->cache));
			json_object_object_add(
			    o, "estimated",
			    json_object_new_boolean(r->estimated));
			json_object_object_add(o, "frees_error",
					       json_u64(r->frees_err));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *totals_json(const struct pool_totals *t, unsigned srcs)
{
	json_object *o = json_object_new_object();
	json_object *by = json_object_new_object();

	for (int s = 0; s < _POOL_SOURCE_MAX; s++) {
		json_object *x;

		if (!(srcs & POOL_SRC_BIT(s)))
			continue;
		x = json_object_new_object();
		json_object_object_add(
		    x, "rows", json_object_new_int64((int64_t)t->rows[s]));
		json_object_object_add(
		    x, "diff", json_object_new_int64((int64_t)t->diff[s]));
		json_object_object_add(
		    x, "bytes", json_object_new_int64((int64_t)t->bytes[s]));
		json_object_object_add(by, pool_source_name(s), x);
	}
	json_object_object_add(o, "rows",
			       json_object_new_int64((int64_t)t->all_rows));
	json_object_object_add(o, "diff",
			       json_object_new_int64((int64_t)t->all_diff));
	json_object_object_add(o, "bytes",
			       json_object_new_int64((int64_t)t->all_bytes));
	json_object_object_add(o, "by_source", by);
	return o;
}

static void fill_row(struct table *t, size_t row, const struct pool_row *r)
{
	const char *type = pool_type_name(r->type);

	table_set_str(t, row, 0, r->tag);
	table_set_str(t, row, 1, pool_source_name(r->source));
	if (type)
		table_set_str(t, row, 2, type);
	table_set_u64(t, row, 3, r->allocs);
	table_set_u64(t, row, 4, r->frees);
	table_set_u64(t, row, 5, r->diff);
	table_set_u64(t, row, 6, r->bytes);
	table_set_u64(t, row, 7, r->per_alloc);
	table_set_str(t, row, 8, r->module ? r->module : "");
	if (table_cols(t) > 9) {
		char e[32] = "";

		if (r->estimated && val_has(r->frees_err))
			snprintf(e, sizeof(e), "±%llu",
				 (unsigned long long)r->frees_err);
		else if (r->source == POOL_BPF && !val_has(r->frees))
			snprintf(e, sizeof(e), "n/a");
		else if (r->source == POOL_BPF)
			snprintf(e, sizeof(e), "exact");
		table_set_str(t, row, 9, r->cache ? r->cache : "");
		table_set_str(t, row, 10, e);
	}
}

static void add_total(struct table *t, const char *tag, const char *src,
		      uint64_t diff, uint64_t bytes)
{
	size_t row = table_add_row(t);

	table_set_str(t, row, 0, tag);
	table_set_str(t, row, 1, src);
	table_set_str(t, row, 2, "");
	table_set_u64(t, row, 5, diff);
	table_set_u64(t, row, 6, bytes);
	table_set_str(t, row, 8, "");
	table_row_total(t, row);
}

struct notes {
	char **v;
	size_t n, alloc;
};

static void note_add(struct notes *ns, char *s)
{
	ns->v = xgrow(ns->v, &ns->alloc, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = s;
}

static void notes_release(struct notes *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

static int parse_opts(int argc, char **argv, struct ctx *ctx,
		      struct pools_opts *o)
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
		switch (c) {
		case 's':
			r = pool_sort_from_name(optarg);
			if (r < 0)
				return cli_usage_error(
				    ctx,
				    "unknown sort key '%s' (tag, allocs, "
				    "frees, diff, bytes, per-alloc)",
				    optarg);
			o->sort = r;
			continue;
		case 't':
			if (streq(optarg, "reclaimable"))
				o->filter.type = POOL_FILTER_RECLAIMABLE;
			else if (streq(optarg, "unreclaimable"))
				o->filter.type = POOL_FILTER_UNRECLAIMABLE;
			else if (streq(optarg, "all"))
				o->filter.type = POOL_FILTER_ALL;
			else
				return cli_usage_error(
				    ctx,
				    "unknown type '%s' (reclaimable, "
				    "unreclaimable, all)",
				    optarg);
			continue;
		case 'i':
			o->include = xgrow(o->include, &o->alloc_inc,
					   o->n_inc + 1, sizeof(char *));
			o->include[o->n_inc++] = optarg;
			continue;
		case 'x':
			o->exclude = xgrow(o->exclude, &o->alloc_exc,
					   o->n_exc + 1, sizeof(char *));
			o->exclude[o->n_exc++] = optarg;
			continue;
		case 'e':
			o->totals = true;
			continue;
		case 'n':
			if (cli_parse_uint(optarg, &o->top) < 0)
				return cli_usage_error(
				    ctx, "--top wants a number, not '%s'",
				    optarg);
			o->has_top = true;
			continue;
		case 0x200:
			r = parse_sources(ctx, optarg, &o->filter.sources);
			if (r)
				return r;
			continue;
		case 0x201:
		case 0x202: {
			char *end;
			double v = strtod(optarg, &end);

			if (*end || end == optarg ||
			    v < (c == 0x201 ? 0 : 0.1) || v > 86400)
				return cli_usage_error(
				    ctx, "bad number of seconds '%s'", optarg);
			if (c == 0x201)
				o->bpf.duration = v;
			else
				o->bpf.interval = v;
			continue;
		}
		case 0x203: {
			unsigned long n;
			unsigned k = 0;

			if (cli_parse_uint(optarg, &n) < 0 || !n ||
			    (n & (n - 1)) || n > 65536)
				return cli_usage_error(
				    ctx,
				    "--sample wants a power of two up to "
				    "65536, not '%s'",
				    optarg);
			while ((1ul << k) < n)
				k++;
			o->bpf.sample_shift = k;
			continue;
		}
		case 0x204:
			if (!streq(optarg, "0") && !streq(optarg, "1") &&
			    !streq(optarg, "2"))
				return cli_usage_error(
				    ctx, "--level is 0, 1 or 2, not '%s'",
				    optarg);
			o->bpf.level = optarg[0] - '0';
			continue;
		case 0x205: {
			unsigned long n;

			if (cli_parse_uint(optarg, &n) < 0 || n < 1024 ||
			    n > (1ul << 25))
				return cli_usage_error(
				    ctx,
				    "--objects wants a number from 1024 to "
				    "33554432, not '%s'",
				    optarg);
			o->bpf.objects = (unsigned)n;
			continue;
		}
		case 0x206:
			if (!streq(optarg, "tp_btf") &&
			    !streq(optarg, "raw_tp"))
				return cli_usage_error(
				    ctx,
				    "--attach is tp_btf or raw_tp, not '%s'",
				    optarg);
			o->bpf.raw_tp = streq(optarg, "raw_tp");
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

/* The page size for --root trees and snapshots: what vmallocinfo implies,
 * else 4096; live, the running kernel's. */
static uint64_t pick_page_size(struct root *root, const struct vmallocinfo *vi,
			       bool slab_read, struct notes *ns)
{
	uint64_t ps = vi ? vmallocinfo_page_size(vi) : 0;

	if (root_page_size_known(root))
		return root_page_size(root);
	if (ps)
		return ps;
	if (vi || slab_read)
		note_add(ns,
			 xstrdup("page size assumed 4096 bytes (not derivable "
				 "from this tree's vmallocinfo)"));
	return 4096;
}

/* Collect the /proc sources now, add the BPF rows (when tracing), filter,
 * sort and print one table or JSON document. bpf_why: why the bpf rows
 * are missing, when asked for and not there. */
static int pools_show(struct ctx *ctx, struct pools_opts *o, unsigned srcs,
		      struct pools_bpf *bpf, const char *bpf_why)
{
	struct notes ns = {0};
	struct pool_set set = {0};
	struct pool_totals tot;
	struct slab_sysfs ss = {0};
	bool have_ss = false;
	struct source_err ss_err;
	struct snapshot snap;
	const struct slabinfo *si;
	const struct vmallocinfo *vi;
	const struct allocinfo *ai;
	json_object *unavail, *tracer = NULL;
	struct root *root;
	uint64_t mask = 0, page_size;
	unsigned avail = 0;
	int r;

	root = ctx_root(ctx);
	if (!root) {
		r = EXIT_FAIL;
		goto out_opts;
	}
	for (int s = 0; s < POOL_BPF; s++)
		if (srcs & POOL_SRC_BIT(s))
			mask |= SRC_BIT(pool_src_ids[s]);
	snapshot_collect(root, mask, &snap);
	si = snapshot_get(&snap, SRC_SLABINFO);
	vi = snapshot_get(&snap, SRC_VMALLOCINFO);
	ai = snapshot_get(&snap, SRC_ALLOCINFO);
	page_size = pick_page_size(root, vi, si != NULL, &ns);

	unavail = json_object_new_array();
	for (int s = 0; s < POOL_BPF; s++) {
		json_object *u;
		char why[400];

		if (!(srcs & POOL_SRC_BIT(s)))
			continue;
		if (snapshot_get(&snap, pool_src_ids[s])) {
			avail |= POOL_SRC_BIT(s);
			continue;
		}
		snapshot_why(&snap, pool_src_ids[s], why, sizeof(why));
		u = json_object_new_object();
		json_object_object_add(
		    u, "source", json_object_new_string(pool_source_name(s)));
		json_object_object_add(u, "reason",
				       json_object_new_string(why));
		json_object_array_add(unavail, u);
		note_add(&ns, xasprintf("%s rows unavailable: %s",
					pool_source_name(s), why));
	}

	if (si) {
		_cleanup_free_ char **names =
		    xcalloc(si->n_caches + 1, sizeof(char *));

		for (size_t i = 0; i < si->n_caches; i++)
			names[i] = si->caches[i].name;
		have_ss = slab_sysfs_read_names(root, names, si->n_caches,
						SA_BIT(SA_RECLAIM_ACCOUNT), &ss,
						&ss_err) == 0;
		pools_add_slab(&set, si, have_ss ? &ss : NULL, page_size);
		if (!have_ss) {
			char why[400];

			source_err_format(&ss_err, why, sizeof(why));
			note_add(&ns, xasprintf("slab types from cache names "
						"only: %s",
						why));
		}
		if (set.n_type_guessed)
			note_add(&ns,
				 xasprintf("%zu slab cache type(s) inferred "
					   "from the cache name "
					   "(reclaim_account unreadable)",
					   set.n_type_guessed));
		if (set.n_type_unknown)
			note_add(&ns, xasprintf("%zu slab cache type(s) n/a: "
						"no reclaim_account in "
						"/sys/kernel/slab",
						set.n_type_unknown));
	}
	if (vi) {
		pools_add_vmalloc(&set, vi, page_size);
		note_add(&ns, xasprintf("vmalloc BYTES count pages=N only; "
					"ioremap/vmap areas are address space "
					"(0 bytes of RAM); %zu area(s) without "
					"a caller (unpurged, vm_map_ram) not "
					"shown",
					set.n_vmalloc_skipped));
	}
	if (ai) {
		pools_add_allocinfo(&set, ai);
		note_add(&ns,
			 xstrdup("allocinfo TYPE n/a: /proc/allocinfo does "
				 "not say; its bytes overlap slab and "
				 "vmalloc rows (compare, do not add)"));
		if (set.n_inaccurate)
			note_add(&ns, xasprintf("%zu allocinfo site(s) marked "
						"accurate:no by the kernel",
						set.n_inaccurate));
		if (set.n_negative)
			note_add(&ns, xasprintf("%zu allocinfo site(s) read a "
						"negative size (racing "
						"counters): BYTES n/a",
						set.n_negative));
	}
	if (srcs & POOL_SRC_BIT(POOL_BPF)) {
		struct kmemtag_result res;
		struct bpftag_row *br;
		size_t nb;

		if (bpf && pools_bpf_read(bpf, &br, &nb, &res) == 0) {
			char *bn[24];
			size_t nn =
			    pools_bpf_notes(bpf, &res, bn, ELEMENTSOF(bn));

			if (ctx->json)
				tracer = tracer_json(bpf, &res);
			bpftags_to_pools(&set, br, nb);
			for (size_t i = 0; i < nn; i++)
				note_add(&ns, bn[i]);
			avail |= POOL_SRC_BIT(POOL_BPF);
			free(br);
			kmemtag_result_release(&res);
		} else {
			json_object *u = json_object_new_object();
			const char *why =
			    bpf_why ? bpf_why : "cannot read the BPF maps";

			json_object_object_add(u, "source",
					       json_object_new_string("bpf"));
			json_object_object_add(u, "reason",
					       json_object_new_string(why));
			json_object_array_add(unavail, u);
			note_add(&ns,
				 xasprintf("bpf rows unavailable: %s", why));
		}
	}
	if (set.n && srcs != POOL_SRC_BIT(POOL_BPF))
		note_add(&ns, xstrdup("ALLOCS/FREES n/a: the kernel keeps no "
				      "per-pool allocation and free counts "
				      "(SLUB only with CONFIG_SLUB_STATS)"));

	pools_filter(&set, &o->filter);
	pools_sort(&set, o->sort);
	pools_totals(&set, &tot);
	if (o->has_top)
		pools_top(&set, o->top);

	if (ctx->json) {
		json_object *doc = json_object_new_object();
		json_object *jn = json_object_new_array();

		for (size_t i = 0; i < ns.n; i++)
			json_object_array_add(jn,
					      json_object_new_string(ns.v[i]));
		json_object_object_add(doc, "rows", rows_json(&set));
		json_object_object_add(doc, "totals", totals_json(&tot, avail));
		json_object_object_add(doc, "unavailable", unavail);
		json_object_object_add(
		    doc, "page_size",
		    json_object_new_int64((int64_t)page_size));
		if (tracer)
			json_object_object_add(doc, "tracer", tracer);
		json_object_object_add(doc, "notes", jn);
		json_print(stdout, doc);
		json_object_put(doc);
	} else {
		struct table *t = table_new(NULL);

		table_add_col(t, "TAG", "tag", COL_STR);
		table_add_col(t, "SOURCE", "source", COL_STR);
		table_add_col(t, "TYPE", "type", COL_STR);
		table_add_col(t, "ALLOCS", "allocs", COL_COUNT);
		table_add_col(t, "FREES", "frees", COL_COUNT);
		table_add_col(t, "DIFF", "diff", COL_COUNT);
		table_add_col(t, "BYTES", "bytes", COL_BYTES);
		table_add_col(t, "PER-ALLOC", "per_alloc", COL_BYTES);
		table_add_col(t, "MODULE", "module", COL_STR);
		if (srcs & POOL_SRC_BIT(POOL_BPF)) {
			table_add_col(t, "CACHE", "cache", COL_STR);
			table_add_col(t, "FREES±", "frees_error", COL_STR);
		}
		for (size_t i = 0; i < set.n; i++)
			fill_row(t, table_add_row(t), &set.rows[i]);
		if (o->totals) {
			for (int s = 0; s < _POOL_SOURCE_MAX; s++)
				if (avail & POOL_SRC_BIT(s))
					add_total(t, "total",
						  pool_source_name(s),
						  tot.diff[s], tot.bytes[s]);
			if (avail)
				add_total(t, "total", "all", tot.all_diff,
					  tot.all_bytes);
		}
		for (size_t i = 0; i < ns.n; i++)
			table_add_note(t, "%s", ns.v[i]);
		table_print(t, stdout, &ctx->out);
		table_free(t);
		json_object_put(unavail);
	}
	fflush(stdout);
	r = EXIT_OK;
	pools_release(&set);
	if (have_ss)
		slab_sysfs_release(&ss);
	snapshot_release(&snap);
out_opts:
	notes_release(&ns);
	return r;
}

/* With bpf among the sources: attach, trace for --duration (printing
 * every --interval), print, detach. SIGINT, SIGTERM and SIGHUP end the
 * trace early; the last table is still printed, then the programs go. */
static int pools_trace(struct ctx *ctx, struct pools_opts *o, unsigned srcs)
{
	struct pools_bpf *bpf = NULL;
	char *why = NULL;
	double left = o->bpf.duration > 0 ? o->bpf.duration : 5;
	int r;

	if (!ctx_root(ctx))
		return EXIT_FAIL;
	r = pools_bpf_start(ctx, &o->bpf, &bpf, &why);
	if (r < 0) {
		if (srcs == POOL_SRC_BIT(POOL_BPF)) {
			log_error("cannot trace kernel allocations: %s", why);
			free(why);
			return EXIT_FAIL;
		}
		/* the other sources still show; a note says why not bpf */
		r = pools_show(ctx, o, srcs, NULL, why);
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

		if (!pools_bpf_wait(bpf, step))
			break;
		left -= step;
		if (left > 0)
			r = pools_show(ctx, o, srcs, bpf, NULL);
	}
	if (r == EXIT_OK)
		r = pools_show(ctx, o, srcs, bpf, NULL);
	pools_bpf_stop(bpf);
	pools_bpf_signals(false);
	return r;
}

int cmd_pools(int argc, char **argv, struct ctx *ctx)
{
	struct pools_opts o = {.sort = POOL_SORT_BYTES};
	unsigned srcs;
	int r;

	o.bpf.level = -1;
	r = parse_opts(argc, argv, ctx, &o);
	if (r >= 0)
		goto out;
	o.filter.include = o.include;
	o.filter.n_include = o.n_inc;
	o.filter.exclude = o.exclude;
	o.filter.n_exclude = o.n_exc;
	srcs = o.filter.sources
		   ? o.filter.sources
		   : POOL_SRC_BIT(POOL_SLAB) | POOL_SRC_BIT(POOL_VMALLOC) |
			 POOL_SRC_BIT(POOL_ALLOCINFO);
	if (srcs & POOL_SRC_BIT(POOL_BPF))
		r = pools_trace(ctx, &o, srcs);
	else
		r = pools_show(ctx, &o, srcs, NULL, NULL);
out:
	free(o.include);
	free(o.exclude);
	return r;
}
