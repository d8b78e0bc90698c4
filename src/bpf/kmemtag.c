/* kmemtag loader: open, choose attach points, attach, read, detach.
 *
 * The libbpf-tools shape (oomkill.c, cachestat.c): a skeleton generated
 * at build time from kmemtag.bpf.o, load-time settings through the
 * skeleton's rodata, attach points chosen at run time, and teardown in
 * reverse order on every path. Library code: returns -errno and a reason,
 * never prints (libbpf's own messages are captured, the last one becomes
 * part of the reason).
 *
 * Choosing attach points. Each tracepoint has two programs: tp_btf (BTF
 * typed, the cheapest: the kernel calls the program straight from the
 * tracepoint with its arguments) and raw_tp (the same arguments untyped,
 * kernels without tp_btf). For each tracepoint we ask the kernel's BTF
 * whether btf_trace_NAME exists, and for kmem_cache_alloc whether its
 * arguments are the 6.1+ ones (call_site, ptr, struct kmem_cache *, ...);
 * a tracepoint that is missing or different is left out and said so.
 * If loading the tp_btf set fails as a whole, the raw_tp set is tried.
 *
 * Nothing is pinned: the programs and maps live as long as the file
 * descriptors of this process, so they go away with it on any exit,
 * signals and crashes included. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "kmemtag.h"

static const char *const stat_names[_KT_STAT_MAX] = {
    [KT_STAT_SITES_FULL] = "sites_full",
    [KT_STAT_OBJS_FULL] = "objects_full",
    [KT_STAT_UNMATCHED_FREE] = "unmatched_frees",
    [KT_STAT_REUSED] = "reused_addresses",
    [KT_STAT_PAGE_MOVABLE] = "movable_pages_skipped",
    [KT_STAT_PAGE_SLAB] = "slab_pages_skipped",
    [KT_STAT_PAGE_NO_CALLER] = "pages_without_caller",
    [KT_STAT_SIZE_CLAMPED] = "sizes_clamped",
    [KT_STAT_AUDIT_FREED] = "audit_freed",
    [KT_STAT_OBJS_RACE] = "objects_race",
};

const char *kmemtag_stat_name(enum kt_stat s)
{
	return (unsigned)s < _KT_STAT_MAX ? stat_names[s] : "?";
}

#if MEMTALLY_HAVE_BPF

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kmemtag.skel.h"

/* One tracepoint and its two programs. */
struct tp_desc {
	const char *name;  /* tracepoint name, as in btf_trace_NAME */
	const char *group; /* for display: "kmem" */
	bool page, percpu; /* which option leaves it out */
};

static const struct tp_desc tps[KMEMTAG_MAX_PROBES] = {
    {"kmalloc", "kmem", false, false},
    {"kmem_cache_alloc", "kmem", false, false},
    {"kfree", "kmem", false, false},
    {"kmem_cache_free", "kmem", false, false},
    {"mm_page_alloc", "kmem", true, false},
    {"mm_page_free", "kmem", true, false},
    {"mm_page_free_batched", "kmem", true, false},
    {"percpu_alloc_percpu", "percpu", false, true},
    {"percpu_free_percpu", "percpu", false, true},
};

static void progs_of(struct kmemtag_bpf *s, size_t i, struct bpf_program **btf,
		     struct bpf_program **raw)
{
	struct bpf_program *const b[KMEMTAG_MAX_PROBES] = {
	    s->progs.kt_kmalloc_btf,
	    s->progs.kt_cache_alloc_btf,
	    s->progs.kt_kfree_btf,
	    s->progs.kt_cache_free_btf,
	    s->progs.kt_page_alloc_btf,
	    s->progs.kt_page_free_btf,
	    s->progs.kt_page_free_batched_btf,
	    s->progs.kt_percpu_alloc_btf,
	    s->progs.kt_percpu_free_btf,
	};
	struct bpf_program *const r[KMEMTAG_MAX_PROBES] = {
	    s->progs.kt_kmalloc_raw,
	    s->progs.kt_cache_alloc_raw,
	    s->progs.kt_kfree_raw,
	    s->progs.kt_cache_free_raw,
	    s->progs.kt_page_alloc_raw,
	    s->progs.kt_page_free_raw,
	    s->progs.kt_page_free_batched_raw,
	    s->progs.kt_percpu_alloc_raw,
	    s->progs.kt_percpu_free_raw,
	};

	*btf = b[i];
	*raw = r[i];
}

struct kmemtag {
	struct kmemtag_bpf *skel;
	struct bpf_link *links[KMEMTAG_MAX_PROBES];
	struct bpf_program *prog[KMEMTAG_MAX_PROBES]; /* the attached one */
	struct kmemtag_probe probes[KMEMTAG_MAX_PROBES];
	char names[KMEMTAG_MAX_PROBES][48];
	unsigned sample_shift, site_bits, obj_bits;
	int level;
	int ncpus;
	bool audit; /* kt_audit loaded: run before each read */
	struct timespec start;
	/* flag bits of this kernel, for kt_site.raw_flags */
	uint32_t slab_reclaim, gfp_reclaim, gfp_account, gfp_dma;
};

/* The value of the enumerator name in any enum of the kernel's BTF, or
 * -1. 6.x kernels keep the gfp and slab flag bit numbers in enums
 * (___GFP_ACCOUNT_BIT, _SLAB_RECLAIM_ACCOUNT); older ones had #defines,
 * invisible to BTF, whose values the callers fall back to. */
static long long btf_enumerator(const struct btf *btf, const char *name)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!t || !btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (__u16 i = 0; i < btf_vlen(t); i++)
			if (streq(btf__name_by_offset(btf, e[i].name_off),
				  name))
				return e[i].val;
	}
	return -1;
}

static uint32_t bit_or(long long bit, uint32_t fallback)
{
	return bit >= 0 && bit < 32 ? 1u << bit : fallback;
}

static void flag_bits(struct kmemtag *k, const struct btf *vmlinux)
{
	k->slab_reclaim = bit_or(
	    btf_enumerator(vmlinux, "_SLAB_RECLAIM_ACCOUNT"), 0x00020000u);
	k->gfp_reclaim =
	    bit_or(btf_enumerator(vmlinux, "___GFP_RECLAIMABLE_BIT"), 0x10u);
	k->gfp_account =
	    bit_or(btf_enumerator(vmlinux, "___GFP_ACCOUNT_BIT"), 0x400000u);
	k->gfp_dma = bit_or(btf_enumerator(vmlinux, "___GFP_DMA_BIT"), 0x01u);
}

static uint8_t decode_flags(const struct kmemtag *k, const struct kt_key *v)
{
	uint8_t f = 0;

	if (v->kind == KT_KIND_SLAB && (v->raw_flags & k->slab_reclaim))
		f |= KT_F_RECLAIMABLE;
	if (v->kind == KT_KIND_KMALLOC) {
		if (v->raw_flags & k->gfp_reclaim)
			f |= KT_F_RECLAIMABLE;
		if (v->raw_flags & k->gfp_account)
			f |= KT_F_ACCOUNT;
		if (v->raw_flags & k->gfp_dma)
			f |= KT_F_DMA;
	}
	return f;
}

/* libbpf's messages: keep the last warning for the reason line. */
static char last_msg[256];

static int capture_print(enum libbpf_print_level level, const char *fmt,
			 va_list ap) __attribute__((format(printf, 2, 0)));
static int capture_print(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	n = strlen(last_msg);
	while (n && (last_msg[n - 1] == '\n' || last_msg[n - 1] == ' '))
		last_msg[--n] = '\0';
	return 0;
}

static unsigned log2_ceil(unsigned v, unsigned lo, unsigned hi)
{
	unsigned b = 0;

	while ((1u << b) < v && b < 31)
		b++;
	return b < lo ? lo : b > hi ? hi : b;
}

static int cmp_range(const void *a, const void *b)
{
	const struct kmemtag_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Does this kernel have tracepoint name, with the arguments we expect?
 * NULL if yes, else why not. */
static const char *tp_check(const struct btf *vmlinux, const char *name)
{
	char tname[80];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(vmlinux, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return "not in this kernel";
	if (!streq(name, "kmem_cache_alloc"))
		return NULL;
	/* 6.1 changed kmem_cache_alloc to (call_site, ptr, s, gfp, node) */
	t = btf__type_by_id(vmlinux, id);
	t = t ? btf__type_by_id(vmlinux, t->type) : NULL; /* pointer */
	t = t ? btf__type_by_id(vmlinux, t->type) : NULL; /* func proto */
	if (t && btf_is_func_proto(t) && btf_vlen(t) >= 4) {
		const struct btf_param *p = btf_params(t);
		const struct btf_type *a = btf__type_by_id(vmlinux, p[3].type);

		if (a && btf_is_ptr(a)) {
			const struct btf_type *st =
			    btf__type_by_id(vmlinux, a->type);
			const char *sn =
			    st ? btf__name_by_offset(vmlinux, st->name_off)
			       : NULL;

			if (sn && streq(sn, "kmem_cache"))
				return NULL;
		}
	}
	return "arguments differ from Linux 6.1+";
}

static int fail(char **ret_why, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(char **ret_why, int r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ret_why) {
		if (last_msg[0])
			*ret_why = xasprintf("%s (libbpf: %s)", buf, last_msg);
		else
			*ret_why = xstrdup(buf);
	}
	return r;
}

/* Open the skeleton, set it up, load it with raw_tp or tp_btf programs. */
static int load(struct kmemtag *k, const struct kmemtag_opts *o,
		const struct kmemtag_range *ranges, size_t n_ranges,
		const struct btf *vmlinux, bool raw, bool audit)
{
	struct kmemtag_range sorted[KT_MAX_RANGES];
	struct kmemtag_bpf *s;
	int r;

	s = kmemtag_bpf__open();
	if (!s)
		return -errno ? -errno : -EINVAL;
	s->rodata->site_bits = k->site_bits;
	s->rodata->obj_bits = k->obj_bits;
	s->rodata->sample_shift = k->sample_shift;
	s->rodata->level = (__u32)k->level;
	if (n_ranges > KT_MAX_RANGES)
		n_ranges = KT_MAX_RANGES;
	if (n_ranges) {
		memcpy(sorted, ranges, n_ranges * sizeof(*ranges));
		qsort(sorted, n_ranges, sizeof(*sorted), cmp_range);
	}
	for (size_t i = 0; i < n_ranges; i++) {
		s->rodata->range_lo[i] = sorted[i].lo;
		s->rodata->range_hi[i] = sorted[i].hi;
		s->rodata->range_kind[i] = (__u8)sorted[i].kind;
	}
	s->rodata->n_ranges = (__u32)n_ranges;
	bpf_map__set_max_entries(s->maps.keys, 1u << k->site_bits);
	bpf_map__set_max_entries(s->maps.counts, 1u << k->site_bits);
	bpf_map__set_max_entries(s->maps.objs, 1u << k->obj_bits);

	for (size_t i = 0; i < KMEMTAG_MAX_PROBES; i++) {
		struct bpf_program *pb, *pr;
		const char *why = NULL;

		progs_of(s, i, &pb, &pr);
		if (tps[i].page && o->no_pages)
			why = "left out (--no-pages)";
		else if (tps[i].page && !n_ranges)
			why = "left out: no page-allocator symbols";
		else if (tps[i].percpu && o->no_percpu)
			why = "left out (--no-percpu)";
		else if (vmlinux)
			why = tp_check(vmlinux, tps[i].name);
		bpf_program__set_autoload(pb, !why && !raw);
		bpf_program__set_autoload(pr, !why && raw);
		k->prog[i] = why ? NULL : raw ? pr : pb;
		k->probes[i].why_not = why;
		k->probes[i].how = why ? NULL : raw ? "raw_tp" : "tp_btf";
	}
	bpf_program__set_autoload(s->progs.kt_audit, audit && k->level >= 2);
	r = kmemtag_bpf__load(s);
	if (r < 0) {
		kmemtag_bpf__destroy(s);
		return r;
	}
	k->skel = s;
	k->audit = audit && k->level >= 2;
	return 0;
}

bool kmemtag_built(void)
{
	return true;
}

int kmemtag_open(const struct kmemtag_opts *o,
		 const struct kmemtag_range *ranges, size_t n_ranges,
		 struct kmemtag **ret, char **ret_why)
{
	struct kmemtag_opts def = {0};
	struct btf *vmlinux = NULL;
	struct kmemtag *k;
	int r;

	if (!o)
		o = &def;
	last_msg[0] = '\0';
	libbpf_set_print(capture_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		return fail(ret_why, -EOPNOTSUPP,
			    "no kernel BTF at '/sys/kernel/btf/vmlinux'");
	if (geteuid() != 0)
		return fail(ret_why, -EPERM,
			    "tracing kernel allocations needs root "
			    "(CAP_BPF and CAP_PERFMON)");
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return fail(ret_why, -errno ? -errno : -EINVAL,
			    "cannot load the kernel BTF");

	k = xcalloc(1, sizeof(*k));
	k->sample_shift = o->sample_shift > 16 ? 16 : o->sample_shift;
	k->level = o->level < 0 || o->level > 2 ? 2 : o->level;
	k->site_bits = log2_ceil(o->sites ? o->sites : 8192, 8, 20);
	/* four objects a bucket; at most 2^23 buckets, bpf_loop's limit
	 * for the audit's walk. Sampling 1 in 2^k tracks 2^k times fewer
	 * objects, so the default table is that much smaller too (the same
	 * room, and fewer cache misses on every allocation) */
	k->obj_bits = log2_ceil(
	    (o->objects ? o->objects : (1u << 20) >> k->sample_shift) / 4, 8,
	    23);
	flag_bits(k, vmlinux);
	k->ncpus = libbpf_num_possible_cpus();
	if (k->ncpus <= 0) {
		r = fail(ret_why, k->ncpus ? k->ncpus : -EINVAL,
			 "cannot count the possible CPUs");
		goto fail;
	}

	/* tp_btf with the audit (it needs a 6.13+ kfunc), then tp_btf
	 * without it, then raw_tp with and without it */
	r = -EINVAL;
	if (!o->raw_tp) {
		r = load(k, o, ranges, n_ranges, vmlinux, false, true);
		if (r < 0)
			r = load(k, o, ranges, n_ranges, vmlinux, false, false);
	}
	if (r < 0) {
		char first[256];

		snprintf(first, sizeof(first), "%s", last_msg);
		r = load(k, o, ranges, n_ranges, vmlinux, true, true);
		if (r < 0)
			r = load(k, o, ranges, n_ranges, vmlinux, true, false);
		if (r < 0) {
			if (!last_msg[0])
				snprintf(last_msg, sizeof(last_msg), "%s",
					 first);
			r = fail(ret_why, r, "cannot load the BPF collector");
			goto fail;
		}
	}
	for (size_t i = 0; i < KMEMTAG_MAX_PROBES; i++) {
		snprintf(k->names[i], sizeof(k->names[i]), "%s:%s",
			 tps[i].group, tps[i].name);
		k->probes[i].tracepoint = k->names[i];
		if (!k->prog[i])
			continue;
		k->links[i] = bpf_program__attach(k->prog[i]);
		if (!k->links[i]) {
			k->links[i] = NULL;
			k->probes[i].how = NULL;
			k->probes[i].why_not = "attach failed";
		}
	}
	if (!k->links[0] && !k->links[1]) {
		r = fail(ret_why, -ENOENT,
			 "neither kmem:kmalloc nor kmem:kmem_cache_alloc "
			 "could be attached");
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &k->start);
	btf__free(vmlinux);
	*ret = k;
	return 0;
fail:
	btf__free(vmlinux);
	kmemtag_free(k);
	return r;
}

const struct kmemtag_probe *kmemtag_probes(const struct kmemtag *k,
					   size_t *ret_n)
{
	*ret_n = KMEMTAG_MAX_PROBES;
	return k->probes;
}

/* The memory a BPF object holds, from its fd's "memlock:" line. */
static uint64_t fd_memlock(int fd)
{
	char path[64], line[256];
	uint64_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "memlock:", 8) == 0) {
			v = strtoull(line + 8, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static int cmp_site(const void *a, const void *b)
{
	const struct kmemtag_site *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->key_size < y->key_size ? -1 : x->key_size > y->key_size;
}

/* Every value of an array map (n_keys * per values of size bytes, per =
 * the CPUs for a per-CPU map, else 1) into vals: one batch call where the
 * kernel has it (5.6+), else a lookup per key. One call matters: the
 * tracer's own reads are kernel allocations too, and a lookup per key
 * would put its own syscalls at the top of the table. */
static int read_array(int fd, __u32 n_keys, size_t per, size_t size, void *vals)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 out = 0, count = n_keys;
	__u32 *keys = xcalloc(n_keys, sizeof(*keys));
	int r;

	r = bpf_map_lookup_batch(fd, NULL, &out, keys, vals, &count, &opts);
	free(keys);
	if ((r == 0 || errno == ENOENT) && count == n_keys)
		return 0;
	for (__u32 key = 0; key < n_keys; key++)
		if (bpf_map_lookup_elem(fd, &key,
					(char *)vals + key * per * size) < 0)
			return -errno;
	return 0;
}

/* One row per claimed slot, its counters summed over the CPUs, sorted by
 * site and size class. */
static int read_sites(struct kmemtag *k, struct kmemtag_result *res)
{
	__u32 n_keys = 1u << k->site_bits;
	size_t ncpus = (size_t)k->ncpus, n = 0, alloc = 0;
	struct kmemtag_site *rows = NULL;
	struct kt_count *cnt;
	struct kt_key *keys;
	int r;

	keys = xcalloc(n_keys, sizeof(*keys));
	cnt = xcalloc((size_t)n_keys * ncpus, sizeof(*cnt));
	r = read_array(bpf_map__fd(k->skel->maps.keys), n_keys, 1,
		       sizeof(*keys), keys);
	if (r == 0)
		r = read_array(bpf_map__fd(k->skel->maps.counts), n_keys, ncpus,
			       sizeof(*cnt), cnt);
	if (r < 0) {
		free(keys);
		free(cnt);
		return r;
	}
	for (size_t i = 0; i < n_keys; i++) {
		const struct kt_key *v = &keys[i];
		uint64_t u_allocs = 0, u_bytes = 0;
		struct kmemtag_site *o;

		if (!v->key)
			continue;
		rows = xgrow(rows, &alloc, n + 1, sizeof(*rows));
		o = &rows[n++];
		memset(o, 0, sizeof(*o));
		o->site = 0xffffffff00000000ull | (v->key >> 32);
		o->key_size = (uint32_t)v->key;
		for (size_t c = 0; c < ncpus; c++) {
			const struct kt_count *x = &cnt[i * ncpus + c];

			o->allocs += x->allocs;
			o->bytes += x->bytes;
			u_allocs += x->u_allocs;
			u_bytes += x->u_bytes;
			o->t_frees += x->t_frees;
			o->t_freed += x->t_freed;
		}
		/* at level 1 nothing is tracked */
		if (k->level >= 2) {
			o->t_allocs =
			    o->allocs > u_allocs ? o->allocs - u_allocs : 0;
			o->t_bytes =
			    o->bytes > u_bytes ? o->bytes - u_bytes : 0;
		}
		o->first_size = o->allocs ? v->first_size : 0;
		o->kind = v->kind;
		o->flags = v->flags | decode_flags(k, v);
		memcpy(o->cache, v->cache, sizeof(o->cache));
		o->cache[sizeof(o->cache) - 1] = '\0';
	}
	free(keys);
	free(cnt);
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_site);
	res->sites = rows;
	res->n_sites = n;
	return 0;
}

void kmemtag_audit(struct kmemtag *k)
{
	LIBBPF_OPTS(bpf_test_run_opts, t);

	if (k && k->audit)
		(void)bpf_prog_test_run_opts(
		    bpf_program__fd(k->skel->progs.kt_audit), &t);
}

int kmemtag_read(struct kmemtag *k, struct kmemtag_result *ret)
{
	struct kmemtag_result res = {0};
	struct kt_stats *st;
	struct timespec now;
	__u32 zero = 0;
	int r;

	kmemtag_audit(k);
	r = read_sites(k, &res);
	if (r < 0)
		return r;
	st = xcalloc((size_t)k->ncpus, sizeof(*st));
	if (bpf_map_lookup_elem(bpf_map__fd(k->skel->maps.stats), &zero, st) ==
	    0)
		for (int c = 0; c < k->ncpus; c++)
			for (int i = 0; i < _KT_STAT_MAX; i++)
				res.stats[i] += st[c].n[i];
	free(st);
	res.mem_bytes = fd_memlock(bpf_map__fd(k->skel->maps.keys)) +
			fd_memlock(bpf_map__fd(k->skel->maps.counts)) +
			fd_memlock(bpf_map__fd(k->skel->maps.objs)) +
			fd_memlock(bpf_map__fd(k->skel->maps.stats)) +
			fd_memlock(bpf_map__fd(k->skel->maps.rodata));
	for (size_t i = 0; i < KMEMTAG_MAX_PROBES; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		if (!k->links[i])
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(k->prog[i]), &info,
					   &len) == 0)
			res.recursion_misses += info.recursion_misses;
		res.mem_bytes += fd_memlock(bpf_program__fd(k->prog[i]));
	}
	/* why allocations went untracked: count the table (16 MiB at the
	 * default size, a few ms), only when some did */
	if (res.stats[KT_STAT_OBJS_FULL]) {
		size_t nb = (size_t)1 << k->obj_bits;
		struct kt_bucket *b = xcalloc(nb, sizeof(*b));

		if (read_array(bpf_map__fd(k->skel->maps.objs), (__u32)nb, 1,
			       sizeof(*b), b) == 0) {
			kmemtag_objs_fill(b, nb, &res.objs_used,
					  &res.objs_full_buckets);
			res.objs_counted = true;
		}
		free(b);
	}
	res.sample_shift = k->sample_shift;
	res.level = k->level;
	res.audit = k->audit;
	res.site_slots = 1u << k->site_bits;
	res.objects = (1u << k->obj_bits) * KT_BUCKET_SLOTS;
	clock_gettime(CLOCK_MONOTONIC, &now);
	res.elapsed = (double)(now.tv_sec - k->start.tv_sec) +
		      (double)(now.tv_nsec - k->start.tv_nsec) / 1e9;
	*ret = res;
	return 0;
}

void kmemtag_free(struct kmemtag *k)
{
	if (!k)
		return;
	/* detach first, in reverse order, then unload */
	for (size_t i = KMEMTAG_MAX_PROBES; i-- > 0;)
		bpf_link__destroy(k->links[i]);
	kmemtag_bpf__destroy(k->skel);
	free(k);
}

#else /* !MEMTALLY_HAVE_BPF */

struct kmemtag {
	int unused;
};

bool kmemtag_built(void)
{
	return false;
}

void kmemtag_audit(struct kmemtag *k)
{
	(void)k;
}

int kmemtag_open(const struct kmemtag_opts *o,
		 const struct kmemtag_range *ranges, size_t n_ranges,
		 struct kmemtag **ret, char **ret_why)
{
	(void)o;
	(void)ranges;
	(void)n_ranges;
	(void)ret;
	if (ret_why)
		*ret_why = xstrdup("this memtally was built without BPF "
				   "(meson -Dbpf=disabled, or clang, bpftool "
				   "or libbpf missing at build time)");
	return -EOPNOTSUPP;
}

const struct kmemtag_probe *kmemtag_probes(const struct kmemtag *k,
					   size_t *ret_n)
{
	(void)k;
	*ret_n = 0;
	return NULL;
}

int kmemtag_read(struct kmemtag *k, struct kmemtag_result *ret)
{
	(void)k;
	(void)ret;
	return -EOPNOTSUPP;
}

void kmemtag_free(struct kmemtag *k)
{
	(void)k;
}

#endif

void kmemtag_objs_fill(const struct kt_bucket *b, size_t nbuckets,
		       uint64_t *ret_used, uint64_t *ret_full)
{
	uint64_t used = 0, full = 0;

	for (size_t i = 0; i < nbuckets; i++) {
		unsigned n = 0;

		for (int j = 0; j < KT_BUCKET_SLOTS; j++)
			n += b[i].slot[j].ptr != 0;
		used += n;
		full += n == KT_BUCKET_SLOTS;
	}
	*ret_used = used;
	*ret_full = full;
}

void kmemtag_result_release(struct kmemtag_result *r)
{
	free(r->sites);
	r->sites = NULL;
	r->n_sites = 0;
}
