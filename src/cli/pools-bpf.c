/* The BPF pool-tag tracer for the commands; see pools-bpf.h.
 *
 * pools_bpf_run() is PoolMon's logging mode: attach, wait, print the
 * table (every --interval seconds, or once at the end), detach. SIGINT,
 * SIGTERM and SIGHUP end the wait early; the final table is still printed
 * and the programs are detached before the exit. A "tracing" line on
 * stderr says when the programs are attached, so a script can start its
 * workload at the right moment. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "pools-bpf.h"

struct pools_bpf {
	struct kallsyms syms;
	bool have_syms;
	struct kmemtag *k;
	unsigned n_ranges;
};

int pools_bpf_start(struct ctx *ctx, const struct pools_bpf_opts *o,
		    struct pools_bpf **ret, char **ret_why)
{
	struct kmemtag_range ranges[KT_MAX_RANGES];
	struct kmemtag_opts ko = { 0 };
	struct source_err serr;
	struct pools_bpf *b;
	struct root *root;
	size_t nr = 0;
	int r;

	if (!kmemtag_built()) {
		*ret_why = xstrdup("this memtally was built without BPF "
				   "(clang, bpftool, libbpf or BTF missing at "
				   "build time)");
		return -EOPNOTSUPP;
	}
	root = ctx_root(ctx);
	if (!root) {
		*ret_why = xstrdup("cannot open the root");
		return -ENOENT;
	}
	if (!root_is_live(root)) {
		*ret_why = xasprintf("BPF tracing needs the live system, not "
				     "%s", root_describe(root));
		return -EOPNOTSUPP;
	}
	b = xcalloc(1, sizeof(*b));
	r = kallsyms_read(root, &b->syms, &serr);
	if (r == 0) {
		b->have_syms = true;
		nr = bpftags_page_ranges(&b->syms, ranges, ELEMENTSOF(ranges));
	}
	b->n_ranges = (unsigned)nr;
	ko.sample_shift = o ? o->sample_shift : 0;
	ko.objects = o ? o->objects : 0;
	ko.no_pages = o && o->no_pages;
	ko.level = o ? o->level : -1;
	r = kmemtag_open(&ko, ranges, nr, &b->k, ret_why);
	if (r < 0) {
		pools_bpf_stop(b);
		return r;
	}
	*ret = b;
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct bpftag_row *x = a, *y = b;
	uint64_t bx = val_has(x->bytes) ? x->bytes : 0;
	uint64_t by = val_has(y->bytes) ? y->bytes : 0;

	if (bx != by)
		return bx < by ? 1 : -1;
	if (x->allocs != y->allocs)
		return x->allocs < y->allocs ? 1 : -1;
	return strcmp(x->tag, y->tag);
}

int pools_bpf_read(struct pools_bpf *b, struct bpftag_row **ret_rows,
		   size_t *ret_n, struct kmemtag_result *ret_res)
{
	struct kmemtag_result res;
	int r;

	r = kmemtag_read(b->k, &res);
	if (r < 0)
		return r;
	bpftags_rows(&res, b->have_syms && !b->syms.hidden ? &b->syms : NULL,
		     ret_rows, ret_n);
	qsort(*ret_rows, *ret_n, sizeof(**ret_rows), cmp_rows);
	*ret_res = res;
	return 0;
}

void pools_bpf_notes(struct pools_bpf *b, const struct kmemtag_result *res,
		     struct table *t)
{
	const struct kmemtag_probe *p;
	char h[32];
	size_t np;

	p = kmemtag_probes(b->k, &np);
	for (size_t i = 0; i < np; i++)
		if (!p[i].how)
			table_add_note(t, "bpf: %s not traced: %s",
				       p[i].tracepoint,
				       p[i].why_not ? p[i].why_not : "?");
	if (res->stats[KT_STAT_SITES_FULL])
		table_add_note(t,
			       "bpf: the call-site table was full: %llu events "
			       "not counted",
			       (unsigned long long)res->stats[KT_STAT_SITES_FULL]);
	if (res->stats[KT_STAT_OBJS_FULL])
		table_add_note(t,
			       "bpf: the object table was full: %llu "
			       "allocations not tracked; their sites' frees "
			       "are estimated",
			       (unsigned long long)res->stats[KT_STAT_OBJS_FULL]);
	if (res->recursion_misses)
		table_add_note(t,
			       "bpf: %llu events skipped by the kernel (a "
			       "program was already running on that CPU)",
			       (unsigned long long)res->recursion_misses);
	if (res->level == 1)
		table_add_note(t, "bpf: counting allocations only (--level 1): "
				  "frees, diff and live bytes are not known");
	if (res->level == 0)
		table_add_note(t, "bpf: --level 0: the programs count nothing "
				  "(benchmark floor)");
	if (res->sample_shift)
		table_add_note(t,
			       "bpf: 1 object in %u tracked (by address): "
			       "frees, diff and bytes are estimates; allocs "
			       "are exact",
			       1u << res->sample_shift);
	table_add_note(t,
		       "bpf: traced %.1f s; frees count only objects "
		       "allocated while tracing (%llu earlier objects freed); "
		       "%llu frees seen only when the address was reused "
		       "(bulk frees have no tracepoint)",
		       res->elapsed,
		       (unsigned long long)res->stats[KT_STAT_UNMATCHED_FREE],
		       (unsigned long long)res->stats[KT_STAT_REUSED]);
	if (!b->have_syms || b->syms.hidden)
		table_add_note(t, "bpf: /proc/kallsyms unreadable or hidden: "
				  "tags are addresses");
	table_add_note(t,
		       "bpf: the tracer holds %s (maps and programs: %u "
		       "call-site slots a CPU, %u objects)",
		       human_bytes(res->mem_bytes, h, sizeof(h)),
		       res->sites_per_cpu, res->objects);
}

void pools_bpf_status(struct pools_bpf *b, const struct kmemtag_result *res,
		      char *buf, size_t n)
{
	const struct kmemtag_probe *p;
	size_t np, on = 0;
	char h[32];
	uint64_t lost = res->stats[KT_STAT_SITES_FULL] +
			res->stats[KT_STAT_OBJS_FULL] + res->recursion_misses;

	p = kmemtag_probes(b->k, &np);
	for (size_t i = 0; i < np; i++)
		on += p[i].how != NULL;
	snprintf(buf, n, "bpf: %zu/%zu tracepoints, tracer %s, %llu lost",
		 on, np, human_bytes(res->mem_bytes, h, sizeof(h)),
		 (unsigned long long)lost);
}

void pools_bpf_stop(struct pools_bpf *b)
{
	if (!b)
		return;
	kmemtag_free(b->k);
	if (b->have_syms)
		kallsyms_release(&b->syms);
	free(b);
}

struct table *pools_bpf_table(const struct bpftag_row *rows, size_t n)
{
	struct table *t = table_new(NULL);

	table_add_col(t, "TAG", "tag", COL_STR);
	table_add_col(t, "SOURCE", "source", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	table_add_col(t, "ALLOCS", "allocs", COL_COUNT);
	table_add_col(t, "FREES", "frees", COL_COUNT);
	table_add_col(t, "DIFF", "diff", COL_SCOUNT);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "PER ALLOC", "per_alloc", COL_BYTES);
	table_add_col(t, "MODULE", "module", COL_STR);
	table_add_col(t, "CACHE", "cache", COL_STR);
	table_add_col(t, "KIND", "kind", COL_STR);
	table_add_col(t, "EST", "estimated", COL_STR);
	for (size_t i = 0; i < n; i++) {
		const struct bpftag_row *r = &rows[i];
		size_t row = table_add_row(t);

		table_set_str(t, row, 0, r->tag);
		table_set_str(t, row, 1, "bpf");
		table_set_str(t, row, 2,
			      r->reclaimable ? "reclaimable" : "unreclaimable");
		table_set_u64(t, row, 3, r->allocs);
		table_set_u64(t, row, 4, r->frees);
		if (val_has(r->frees))
			table_set_i64(t, row, 5, r->diff);
		table_set_u64(t, row, 6, r->bytes);
		table_set_u64(t, row, 7, r->per_alloc);
		table_set_str(t, row, 8, r->module[0] ? r->module : "kernel");
		table_set_str(t, row, 9, r->cache);
		table_set_str(t, row, 10, r->kind);
		if (r->estimated) {
			char e[48];

			snprintf(e, sizeof(e), "±%llu",
				 (unsigned long long)r->frees_err);
			table_set_str(t, row, 11, e);
		} else {
			table_set_str(t, row, 11, "exact");
		}
	}
	return t;
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Sleep up to secs; false when a signal asked us to stop. */
static bool wait_for(double secs)
{
	struct timespec ts;

	if (secs <= 0)
		return !stop_requested;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (!stop_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return !stop_requested;
}

static int print_once(struct ctx *ctx, struct pools_bpf *b)
{
	struct kmemtag_result res;
	struct bpftag_row *rows;
	struct table *t;
	size_t n;
	int r;

	r = pools_bpf_read(b, &rows, &n, &res);
	if (r < 0)
		return log_error_errno(r, "cannot read the BPF maps");
	t = pools_bpf_table(rows, n);
	pools_bpf_notes(b, &res, t);
	if (ctx->json) {
		json_object *top = json_object_new_object();

		json_object_object_add(top, "elapsed",
				       json_object_new_double(res.elapsed));
		json_object_object_add(top, "rows", table_json_rows(t));
		json_object_object_add(top, "notes", table_json_notes(t));
		json_print(stdout, top);
		json_object_put(top);
	} else {
		table_print(t, stdout, &ctx->out);
	}
	fflush(stdout);
	table_free(t);
	free(rows);
	kmemtag_result_release(&res);
	return 0;
}

int pools_bpf_run(struct ctx *ctx, const struct pools_bpf_opts *o)
{
	struct sigaction sa = { 0 }, old_int, old_term, old_hup;
	struct pools_bpf *b = NULL;
	char *why = NULL;
	double left = o->duration > 0 ? o->duration : 5;
	int r;

	r = pools_bpf_start(ctx, o, &b, &why);
	if (r < 0) {
		log_error("cannot trace kernel allocations: %s", why);
		free(why);
		return EXIT_FAIL;
	}
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	fprintf(stderr, "memtally: tracing kernel allocations for %.1f s\n",
		left);
	r = 0;
	while (left > 0 && r == 0) {
		double step = o->interval > 0 && o->interval < left
				      ? o->interval
				      : left;

		if (!wait_for(step))
			break;
		left -= step;
		if (left > 0)
			r = print_once(ctx, b);
	}
	if (r == 0)
		r = print_once(ctx, b);
	pools_bpf_stop(b);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}
