/* `memtally phys`: RAMMap's Physical Pages list, from the page database.
 *
 * Every physical page's use and list (analysis/pageclass.c), its flags by
 * name, map count and memory cgroup, read from /proc/kpageflags,
 * /proc/kpagecount and /proc/kpagecgroup (model/pagescan.c). Contiguous
 * pages of the same use, list, map count and cgroup are folded into one
 * run by default; --pages lists each page. --summary prints the use x
 * list matrix of the whole scan instead (page-types' summary, by use).
 * With --owners, the processes and virtual addresses mapping each page
 * come from every process's /proc/PID/pagemap (model/pagemap.c).
 *
 * A listing is streamed, never held: a 24 GiB machine has 6 M pages. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../model/cgino.h"
#include "../model/pagemap.h"
#include "../sources/kpageflags.h"
#include "pages.h"

const char cmd_phys_help[] =
    "Usage: memtally phys [options]\n"
    "\n"
    "List physical memory page by page, as RAMMap's Physical Pages tab:\n"
    "PFN, physical address, use, list, flags, map count and memory\n"
    "cgroup of every page, from /proc/kpageflags, /proc/kpagecount and\n"
    "/proc/kpagecgroup (root only). Contiguous pages of the same use,\n"
    "list, map count and cgroup are folded into one run (FLAGS then shows\n"
    "every flag seen in the run).\n"
    "\n"
    "Uses: free anon thp ksm file shmem slab pgtable hugetlb zero offline\n"
    "hwpoison reserved kernel uninit hole. Lists: free active inactive\n"
    "unevictable none. 'kernel' pages carry no flag at all (drivers,\n"
    "vmalloc, kernel stacks, pipe buffers, per-CPU free lists); 'uninit'\n"
    "are whole memory sections the kernel has not initialised yet\n"
    "(deferred struct page init); 'hole' has no RAM behind it.\n"
    "\n"
    "Options:\n"
    "      --summary        the use x list matrix of all pages instead\n"
    "      --pages          one line per page instead of runs\n"
    "      --pfn RANGE      only PFNs A-B (B excluded), A+N or A; decimal\n"
    "                       or 0x hex\n"
    "      --use LIST       only these uses, comma-separated\n"
    "      --flags EXPR     only pages whose flags match EXPR: names\n"
    "                       joined by ',' (and), '~' negates, '|' joins\n"
    "                       alternatives, '=a,b' means exactly a and b;\n"
    "                       e.g. anon,~lru   slab|pgtable\n"
    "      --owners         add the processes and virtual addresses that\n"
    "                       map each page (implies --pages; reads every\n"
    "                       process's /proc/PID/pagemap)\n"
    "      --pid PID        only pages mapped by PID, with their owners\n"
    "      --cgroup CG      only pages charged to memory cgroup CG: a path\n"
    "                       in the memory hierarchy (/system.slice), a\n"
    "                       directory under /sys/fs/cgroup, or @INODE\n"
    "      --threads N      scan with N threads (default: one per CPU, up\n"
    "                       to 4; listings use one)\n"
    "      --batch PAGES    pages per read (default 65536)\n"
    "      --flags-only     read /proc/kpageflags alone: no map counts and\n"
    "                       no cgroups, a third of the reading\n"
    "\n"
    "The scan is not atomic: pages change while it runs. Tail pages of a\n"
    "compound page (THP, slab, HugeTLB) take their head's use and list.\n"
    "Free blocks by order: 'memtally free --runs'; the use x list matrix\n"
    "against the kernel's counters: 'memtally usage --exact'.\n";

enum {
	OPT_SUMMARY = _OPT_COMMON_END + 1,
	OPT_PAGES,
	OPT_PFN,
	OPT_USE,
	OPT_FLAGS,
	OPT_OWNERS,
	OPT_PID,
	OPT_CGROUP,
	OPT_THREADS,
	OPT_BATCH,
	OPT_FLAGS_ONLY,
};

struct lister {
	struct ctx *ctx;
	FILE *out;
	bool json, per_page, color;
	unsigned use_mask;
	bool has_expr;
	struct kpf_expr expr;
	struct cgino_map *cg;
	struct pfn_owners *owners; /* NULL without --owners */
	bool only_owned;
	bool has_cg;
	uint64_t cg_ino;
	uint64_t page_size;
	/* the run being folded */
	bool have, header_done;
	struct page_run cur;
	uint64_t cur_flags;
	/* totals */
	uint64_t rows, pages;
	uint64_t by_use[_PU_MAX];
};

static void fmt_cgroup(const struct lister *l, uint64_t ino, char *buf,
		       size_t n)
{
	const char *p;

	if (ino == VAL_ABSENT)
		snprintf(buf, n, "n/a");
	else if (ino == 0)
		snprintf(buf, n, "-");
	else if ((p = cgino_lookup(l->cg, ino)))
		snprintf(buf, n, "%s", p);
	else
		snprintf(buf, n, "@%" PRIu64, ino);
}

static void print_header(struct lister *l)
{
	if (l->header_done)
		return;
	l->header_done = true;
	if (l->json) {
		fputs("{\n  \"rows\": [", l->out);
		return;
	}
	fprintf(l->out, "%-12s %8s %-14s %10s %-8s %-11s %5s %-24s %s%s\n",
		"PFN", "PAGES", "ADDRESS", "SIZE", "USE", "LIST", "MAPS",
		"CGROUP", "FLAGS", l->owners ? "  OWNERS" : "");
}

/* Emit one row: a run (folded) or a page. */
static void print_row(struct lister *l, const struct page_run *r,
		      uint64_t flags)
{
	const struct pfn_owner *ow = NULL;
	size_t now = 0;
	char fl[768], cg[256], pfn[24], addr[24], size[32], maps[24];
	uint64_t bytes = r->n * l->page_size;

	if (l->owners)
		now = pfn_owners_find(l->owners, r->pfn, &ow);
	if (l->only_owned && now == 0)
		return;
	print_header(l);
	l->rows++;
	l->pages += r->n;
	l->by_use[r->use] += r->n;
	kpf_format(kpf_expand(flags), fl, sizeof(fl));
	fmt_cgroup(l, r->cgroup, cg, sizeof(cg));
	if (l->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "pfn",
				       json_object_new_uint64(r->pfn));
		json_object_object_add(o, "pages",
				       json_object_new_uint64(r->n));
		json_object_object_add(
		    o, "address",
		    json_object_new_uint64(r->pfn * l->page_size));
		json_object_object_add(o, "bytes",
				       json_object_new_uint64(bytes));
		json_object_object_add(
		    o, "use", json_object_new_string(page_use_name(r->use)));
		json_object_object_add(
		    o, "list", json_object_new_string(page_list_name(r->list)));
		json_object_object_add(o, "flags", json_object_new_string(fl));
		json_object_object_add(o, "map_count",
				       r->count == VAL_ABSENT
					   ? NULL
					   : json_object_new_uint64(r->count));
		json_object_object_add(o, "cgroup_ino",
				       r->cgroup == VAL_ABSENT
					   ? NULL
					   : json_object_new_uint64(r->cgroup));
		json_object_object_add(o, "cgroup",
				       r->cgroup == VAL_ABSENT || r->cgroup == 0
					   ? NULL
					   : json_object_new_string(cg));
		if (r->head != r->pfn)
			json_object_object_add(o, "head",
					       json_object_new_uint64(r->head));
		if (l->owners) {
			json_object *a = json_object_new_array();

			for (size_t i = 0; i < now; i++) {
				json_object *x = json_object_new_object();

				json_object_object_add(
				    x, "pid", json_object_new_int(ow[i].pid));
				json_object_object_add(
				    x, "comm",
				    json_object_new_string(
					pfn_owners_comm(l->owners, ow[i].pid)));
				json_object_object_add(
				    x, "vaddr",
				    json_object_new_uint64(ow[i].vaddr));
				json_object_array_add(a, x);
			}
			json_object_object_add(o, "owners", a);
		}
		fprintf(
		    l->out, "%s\n    %s", l->rows > 1 ? "," : "",
		    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return;
	}
	snprintf(pfn, sizeof(pfn), "%#" PRIx64, r->pfn);
	snprintf(addr, sizeof(addr), "%#" PRIx64, r->pfn * l->page_size);
	if (l->ctx->out.bytes)
		snprintf(size, sizeof(size), "%" PRIu64, bytes);
	else
		human_bytes(bytes, size, sizeof(size));
	if (r->count == VAL_ABSENT)
		snprintf(maps, sizeof(maps), "n/a");
	else
		snprintf(maps, sizeof(maps), "%" PRIu64, r->count);
	fprintf(l->out, "%-12s %8" PRIu64 " %-14s %10s %-8s %-11s %5s %-24s %s",
		pfn, r->n, addr, size, page_use_name(r->use),
		page_list_name(r->list), maps, cg, fl[0] ? fl : "-");
	if (l->owners) {
		fputs("  ", l->out);
		for (size_t i = 0; i < now && i < 4; i++)
			fprintf(l->out, "%s%d:%s@%#" PRIx64, i ? "," : "",
				ow[i].pid,
				pfn_owners_comm(l->owners, ow[i].pid),
				ow[i].vaddr);
		if (now > 4)
			fprintf(l->out, ",+%zu more", now - 4);
		if (now == 0)
			fputs("-", l->out);
	}
	fputc('\n', l->out);
}

static void flush_run(struct lister *l)
{
	if (!l->have)
		return;
	print_row(l, &l->cur, l->cur_flags);
	l->have = false;
}

static void on_run(void *ctx, const struct page_run *r)
{
	struct lister *l = ctx;

	if (!(l->use_mask & (1u << r->use)))
		return;
	if (l->has_expr && !kpf_expr_match(&l->expr, kpf_expand(r->flags)))
		return;
	if (l->has_cg && r->cgroup != l->cg_ino)
		return;
	if (l->per_page) {
		struct page_run one = *r;

		one.n = 1;
		for (uint64_t i = 0; i < r->n; i++) {
			one.pfn = r->pfn + i;
			print_row(l, &one, r->flags);
		}
		return;
	}
	if (l->have && l->cur.use == r->use && l->cur.list == r->list &&
	    l->cur.count == r->count && l->cur.cgroup == r->cgroup &&
	    l->cur.pfn + l->cur.n == r->pfn) {
		l->cur.n += r->n;
		l->cur_flags |= r->flags;
		return;
	}
	flush_run(l);
	l->cur = *r;
	l->cur_flags = r->flags;
	l->have = true;
}

static void print_summary(struct ctx *ctx, const struct pagescan_result *res)
{
	uint64_t ps = pages_page_size(ctx);
	struct table *t = pages_matrix_table(&res->c, ps);

	table_add_note(t,
		       "PFNs %#" PRIx64 "-%#" PRIx64 " (%" PRIu64
		       " pages, %" PRIu64 " compound tails counted with "
		       "their head)",
		       res->lo, res->hi, res->c.total, res->c.compound_tails);
	table_add_note(t, "hole: PFNs without RAM behind them; kernel: pages "
			  "with no flag (drivers, vmalloc, stacks, pipes, "
			  "per-CPU free lists)");
	pages_add_notes(t, res);
	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "page_size",
				       json_object_new_uint64(ps));
		json_object_object_add(o, "pfn_end",
				       json_object_new_uint64(res->pfn_end));
		json_object_object_add(
		    o, "total_bytes",
		    json_object_new_uint64(res->c.total * ps));
		json_object_object_add(o, "rows", table_json_rows(t));
		json_object_object_add(o, "notes", table_json_notes(t));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		table_print(t, stdout, &ctx->out);
	}
	table_free(t);
}

int cmd_phys(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"summary", no_argument, NULL, OPT_SUMMARY},
	    {"pages", no_argument, NULL, OPT_PAGES},
	    {"pfn", required_argument, NULL, OPT_PFN},
	    {"use", required_argument, NULL, OPT_USE},
	    {"flags", required_argument, NULL, OPT_FLAGS},
	    {"owners", no_argument, NULL, OPT_OWNERS},
	    {"pid", required_argument, NULL, OPT_PID},
	    {"cgroup", required_argument, NULL, OPT_CGROUP},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"batch", required_argument, NULL, OPT_BATCH},
	    {"flags-only", no_argument, NULL, OPT_FLAGS_ONLY},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct lister l = {.ctx = ctx, .out = stdout, .use_mask = ~0u};
	struct pagescan_opts so = {0};
	struct pagescan_result res;
	struct pfn_owners owners = {0};
	bool summary = false, want_owners = false;
	const char *cg_arg = NULL;
	unsigned long pid = 0, v;
	struct root *root;
	int c, r, rc = EXIT_FAIL;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_SUMMARY:
			summary = true;
			continue;
		case OPT_PAGES:
			l.per_page = true;
			continue;
		case OPT_PFN:
			if (pagescan_parse_range(optarg, &so.lo, &so.hi) < 0)
				return cli_usage_error(
				    ctx, "bad PFN range '%s' (A-B, A+N or A)",
				    optarg);
			continue;
		case OPT_USE: {
			char *dup = xstrdup(optarg), *save = NULL, *tok;

			l.use_mask = 0;
			for (tok = strtok_r(dup, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				int u = page_use_lookup(tok);

				if (u < 0) {
					cli_usage_error(ctx, "unknown use '%s'",
							tok);
					free(dup);
					return EXIT_USAGE;
				}
				l.use_mask |= 1u << u;
			}
			free(dup);
			if (!l.use_mask)
				return cli_usage_error(ctx, "empty --use");
			continue;
		}
		case OPT_FLAGS: {
			struct parse_err pe = {0};

			if (kpf_expr_parse(optarg, &l.expr, &pe) < 0)
				return cli_usage_error(ctx, "--flags: %s",
						       pe.msg);
			l.has_expr = true;
			continue;
		}
		case OPT_OWNERS:
			want_owners = true;
			continue;
		case OPT_PID:
			if (cli_parse_uint(optarg, &pid) < 0 || pid == 0 ||
			    pid > 0x7fffffff)
				return cli_usage_error(ctx, "bad PID '%s'",
						       optarg);
			want_owners = true;
			continue;
		case OPT_CGROUP:
			cg_arg = optarg;
			continue;
		case OPT_FLAGS_ONLY:
			so.no_count = so.no_cgroup = true;
			continue;
		case OPT_THREADS:
			if (cli_parse_uint(optarg, &v) < 0 || v == 0 ||
			    v > PAGESCAN_THREADS_MAX)
				return cli_usage_error(
				    ctx, "--threads wants 1 to %d",
				    PAGESCAN_THREADS_MAX);
			so.threads = (unsigned)v;
			continue;
		case OPT_BATCH:
			if (cli_parse_uint(optarg, &v) < 0 || v < 1 ||
			    v > (1ul << 24))
				return cli_usage_error(
				    ctx, "--batch wants 1 to 16777216 pages");
			so.batch_pages = v;
			continue;
		}
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (summary && (want_owners || l.per_page || cg_arg || l.has_expr ||
			l.use_mask != ~0u))
		return cli_usage_error(ctx,
				       "--summary counts every page of the PFN "
				       "range; it takes no other filter");
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;

	if (summary) {
		if (pages_scan(ctx, &so, &res) < 0)
			return EXIT_FAIL;
		print_summary(ctx, &res);
		return EXIT_OK;
	}

	l.json = ctx->json;
	l.page_size = pages_page_size(ctx);
	if (want_owners) {
		uint64_t end;
		struct source_err se;

		if (pagescan_pfn_end(root, &end, &se) < 0) {
			/* let the scan say why, in its words */
			if (pages_scan(ctx, &so, &res) < 0)
				return EXIT_FAIL;
			end = res.pfn_end;
		}
		r = pfn_owners_collect(root, (int)pid, so.lo,
				       so.hi ? so.hi : end, &owners);
		if (r == -ESRCH) {
			log_error("no process %lu", pid);
			return EXIT_FAIL;
		}
		if (r < 0) {
			log_error_errno(r,
					"cannot read the processes' page maps "
					"(/proc/PID/pagemap%s)",
					r == -EPERM ? ", needs CAP_SYS_ADMIN"
						    : "");
			return EXIT_FAIL;
		}
		if (owners.procs_walked == 0) {
			log_error("--owners reads every process's "
				  "/proc/PID/pagemap: %s has none",
				  root_is_live(root) ? "this system"
						     : root_describe(root));
			goto out;
		}
		l.owners = &owners;
		l.per_page = true;
		l.only_owned = pid > 0;
	}
	if (root_is_live(root))
		cgino_map_build(NULL, &l.cg);
	if (cg_arg) {
		struct stat st;
		uint64_t ino = 0;

		if (cg_arg[0] == '@') {
			struct span sp = {cg_arg + 1, strlen(cg_arg + 1)};

			if (span_u64(sp, &ino) < 0)
				ino = 0;
		} else if (strncmp(cg_arg, "/sys/", 5) == 0 &&
			   stat(cg_arg, &st) == 0 && S_ISDIR(st.st_mode)) {
			ino = (uint64_t)st.st_ino;
		} else {
			ino = cgino_find_path(l.cg, cg_arg);
		}
		if (ino == 0) {
			log_error("no memory cgroup '%s'%s", cg_arg,
				  l.cg ? ""
				       : " (paths are resolved on the live "
					 "system only; give @INODE)");
			goto out;
		}
		l.has_cg = true;
		l.cg_ino = ino;
	}

	so.emit = on_run;
	so.ctx = &l;
	so.threads = 1;
	if (pages_scan(ctx, &so, &res) < 0) {
		if (l.header_done && l.json)
			fputs("]}\n", l.out);
		goto out;
	}
	flush_run(&l);
	print_header(&l);
	if (l.json) {
		json_object *o = json_object_new_object(), *bu;

		bu = json_object_new_object();
		for (int u = 0; u < _PU_MAX; u++)
			if (l.by_use[u])
				json_object_object_add(
				    bu, page_use_name(u),
				    json_object_new_uint64(l.by_use[u] *
							   l.page_size));
		fprintf(
		    l.out,
		    "\n  ],\n  \"page_size\": %" PRIu64
		    ",\n  \"pfn_end\": %" PRIu64
		    ",\n  \"pages_listed\": %" PRIu64
		    ",\n  \"bytes_by_use\": %s\n}\n",
		    l.page_size, res.pfn_end, l.pages,
		    json_object_to_json_string_ext(bu, JSON_C_TO_STRING_PLAIN));
		json_object_put(bu);
		json_object_put(o);
	} else {
		char hb[32];

		human_bytes(l.pages * l.page_size, hb, sizeof(hb));
		if (!l.per_page)
			fprintf(l.out, "%" PRIu64 " runs, ", l.rows);
		fprintf(l.out,
			"%" PRIu64 " pages (%s) listed of PFNs %#" PRIx64
			"-%#" PRIx64 "\n",
			l.pages, hb, res.lo, res.hi);
		if (!res.have_count || !res.have_cgroup) {
			struct table *t = table_new(NULL);

			pages_add_notes(t, &res);
			table_print(t, l.out, &ctx->out);
			table_free(t);
		}
		if (l.owners)
			fprintf(l.out,
				"owners from %zu processes (%zu vanished or "
				"refused during the walk)\n",
				owners.procs_walked, owners.procs_skipped);
	}
	rc = EXIT_OK;
out:
	cgino_map_free(l.cg);
	pfn_owners_release(&owners);
	return rc;
}
