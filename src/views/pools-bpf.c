/* The BPF pool-tag tracer for the views; see pools-bpf.h.
 *
 * A session is kallsyms (to name call sites, and to find the page
 * allocator's address ranges for the page-allocation stack walk) plus the
 * kmemtag collector. The waits end early on SIGINT, SIGTERM and SIGHUP so
 * that `pools --source bpf` still prints its last table and detaches. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "../sources/slab_sysfs.h"
#include "pools-bpf.h"

struct pools_bpf {
	struct kallsyms syms;
	bool have_syms;
	struct kmemtag *k;
	struct slab_sysfs ss; /* the merged caches, to name them */
	bool have_ss;
	unsigned n_ranges;
	char status[160]; /* of the last read */
};

/* The live check comes first: on a captured tree the answer is the
 * same whether or not this memtally was built with BPF (golden tests). */
int pools_bpf_start(struct root *root, const struct pools_bpf_opts *o,
		    struct pools_bpf **ret, char **ret_why)
{
	struct kmemtag_range ranges[KT_MAX_RANGES];
	struct kmemtag_opts ko = {0};
	struct source_err serr;
	struct pools_bpf *b;
	size_t nr = 0;
	int r;

	if (!root) {
		*ret_why = xstrdup("cannot open the root");
		return -ENOENT;
	}
	if (!root_is_live(root)) {
		*ret_why = xstrdup("BPF tracing needs the live system, not "
				   "a captured tree or snapshot");
		return -EOPNOTSUPP;
	}
	if (!kmemtag_built()) {
		*ret_why = xstrdup("this memtally was built without BPF "
				   "(clang, bpftool, libbpf or BTF missing at "
				   "build time)");
		return -EOPNOTSUPP;
	}
	b = xcalloc(1, sizeof(*b));
	r = kallsyms_read(root, &b->syms, &serr);
	if (r == 0) {
		b->have_syms = true;
		nr = bpftags_page_ranges(&b->syms, ranges, ELEMENTSOF(ranges));
	}
	b->n_ranges = (unsigned)nr;
	/* names and links only (no attribute files): a few ms, once */
	b->have_ss = slab_sysfs_read_attrs(root, 0, &b->ss, NULL) == 0;
	ko.sample_shift = o ? o->sample_shift : 0;
	ko.objects = o ? o->objects : 0;
	ko.no_pages = o && o->no_pages;
	ko.raw_tp = o && o->raw_tp;
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
	bpftags_merged_names(*ret_rows, *ret_n, b->have_ss ? &b->ss : NULL);
	qsort(*ret_rows, *ret_n, sizeof(**ret_rows), cmp_rows);
	pools_bpf_status(b, &res, b->status, sizeof(b->status));
	*ret_res = res;
	return 0;
}

const char *pools_bpf_last_status(const struct pools_bpf *b)
{
	return b->status;
}

#define NOTE(...)                                                              \
	do {                                                                   \
		if (n < max)                                                   \
			out[n++] = xasprintf(__VA_ARGS__);                     \
	} while (0)

size_t pools_bpf_notes(struct pools_bpf *b, const struct kmemtag_result *res,
		       char **out, size_t max)
{
	const struct kmemtag_probe *p;
	size_t np, n = 0;
	char h[32];

	p = kmemtag_probes(b->k, &np);
	for (size_t i = 0; i < np; i++)
		if (!p[i].how)
			NOTE("bpf: %s not traced: %s", p[i].tracepoint,
			     p[i].why_not ? p[i].why_not : "?");
	if (streq(pools_bpf_attach(b), "raw_tp"))
		NOTE("bpf: programs attached as raw_tp (untyped arguments, "
		     "read with probe reads)");
	if (res->stats[KT_STAT_SITES_FULL])
		NOTE("bpf: the call-site table was full: %llu events not "
		     "counted",
		     (unsigned long long)res->stats[KT_STAT_SITES_FULL]);
	{
		char full[512], race[256];

		bpftags_objs_notes(res, full, sizeof(full), race, sizeof(race));
		if (full[0])
			NOTE("%s", full);
		if (race[0])
			NOTE("%s", race);
	}
	if (res->recursion_misses)
		NOTE("bpf: %llu events skipped by the kernel (a program was "
		     "already running on that CPU)",
		     (unsigned long long)res->recursion_misses);
	if (res->level == 1)
		NOTE("bpf: counting allocations only (--level 1): frees, diff "
		     "and live bytes are not known");
	if (res->level == 0)
		NOTE("bpf: --level 0: the programs count nothing (benchmark "
		     "floor)");
	if (res->sample_shift)
		NOTE("bpf: 1 object in %u tracked (by address): frees, diff "
		     "and bytes are estimates with a 95%% bound (FREES+-); "
		     "allocs are exact",
		     1u << res->sample_shift);
	NOTE("bpf: traced %.1f s; ALLOCS and FREES count since the start, "
	     "frees only of objects allocated since (%llu older objects "
	     "freed)",
	     res->elapsed,
	     (unsigned long long)res->stats[KT_STAT_UNMATCHED_FREE]);
	if (res->level >= 2 && res->audit)
		NOTE("bpf: frees with no tracepoint (kfree_rcu, bulk frees): "
		     "%llu seen when the address was reused, %llu found by the "
		     "slab audit; such objects on slabs still in use count as "
		     "live until then",
		     (unsigned long long)res->stats[KT_STAT_REUSED],
		     (unsigned long long)res->stats[KT_STAT_AUDIT_FREED]);
	else if (res->level >= 2)
		NOTE("bpf: frees with no tracepoint (kfree_rcu, bulk frees): "
		     "%llu seen when the address was reused; no slab audit on "
		     "this kernel (it needs the bpf_get_kmem_cache kfunc, "
		     "6.13+), so the rest count as live",
		     (unsigned long long)res->stats[KT_STAT_REUSED]);
	if (!b->have_syms || b->syms.hidden)
		NOTE("bpf: /proc/kallsyms unreadable or hidden: tags are "
		     "addresses");
	NOTE("bpf: the tracer holds %s (maps and programs: %u call-site slots, "
	     "%u objects)",
	     human_bytes(res->mem_bytes, h, sizeof(h)), res->site_slots,
	     res->objects);
	return n;
}

#undef NOTE

void pools_bpf_status(struct pools_bpf *b, const struct kmemtag_result *res,
		      char *buf, size_t n)
{
	const struct kmemtag_probe *p;
	size_t np, on = 0;
	char h[32];
	uint64_t lost = res->stats[KT_STAT_SITES_FULL] +
			res->stats[KT_STAT_OBJS_FULL] +
			res->stats[KT_STAT_OBJS_RACE] + res->recursion_misses;

	p = kmemtag_probes(b->k, &np);
	for (size_t i = 0; i < np; i++)
		on += p[i].how != NULL;
	snprintf(buf, n, "bpf: %zu/%zu tracepoints, tracer %s, %llu lost", on,
		 np, human_bytes(res->mem_bytes, h, sizeof(h)),
		 (unsigned long long)lost);
}

void pools_bpf_stop(struct pools_bpf *b)
{
	if (!b)
		return;
	kmemtag_free(b->k);
	if (b->have_syms)
		kallsyms_release(&b->syms);
	if (b->have_ss)
		slab_sysfs_release(&b->ss);
	free(b);
}

static volatile sig_atomic_t stop_requested;
static struct sigaction old_int, old_term, old_hup;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void pools_bpf_signals(bool on)
{
	struct sigaction sa = {0};

	if (!on) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		return;
	}
	stop_requested = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
}

const char *pools_bpf_attach(struct pools_bpf *b)
{
	const struct kmemtag_probe *p;
	size_t np;

	p = kmemtag_probes(b->k, &np);
	for (size_t i = 0; i < np; i++)
		if (p[i].how)
			return p[i].how;
	return "none";
}

void pools_bpf_audit(struct pools_bpf *b)
{
	if (b)
		kmemtag_audit(b->k);
}

bool pools_bpf_wait(struct pools_bpf *b, double secs)
{
	while (secs > 0 && !stop_requested) {
		double step = secs > 1 ? 1 : secs;
		struct timespec ts;

		ts.tv_sec = (time_t)step;
		ts.tv_nsec = (long)((step - (double)ts.tv_sec) * 1e9);
		while (!stop_requested && nanosleep(&ts, &ts) < 0 &&
		       errno == EINTR)
			;
		secs -= step;
		if (!stop_requested)
			pools_bpf_audit(b);
	}
	return !stop_requested;
}
