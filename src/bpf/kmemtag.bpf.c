// SPDX-License-Identifier: GPL-2.0-or-later
/* kmemtag: per-call-site kernel allocation counters (the BPF side).
 *
 * PoolMon counts, for every pool tag, allocations, frees, their difference
 * and the bytes still held. On Linux the tag is the call site, and these
 * programs keep the counts from the kmem tracepoints: kmalloc and kfree,
 * kmem_cache_alloc and kmem_cache_free, mm_page_alloc and mm_page_free(_
 * batched), percpu_alloc_percpu and percpu_free_percpu.
 *
 * Where the time goes, and the two tables
 * ---------------------------------------
 * A kernel busy with open()+close() makes about three slab allocations and
 * three frees per call, a million or more a second. Each program runs on
 * every one of them, so the budget is a few tens of nanoseconds; a BPF
 * hash map update (bucket lock, element from the free list, copy) costs
 * about that on its own, and a hash keyed by object pointer, updated on
 * every alloc and deleted on every free, is what made memleak-style tracers
 * cost half the machine. So both tables here are plain BPF arrays, whose
 * lookups the verifier inlines into a few instructions, used as hash tables
 * we probe ourselves:
 *
 *   keys + counts: the call-site table, open addressing with linear
 *          probing on a multiplicative hash of (site, size class). The
 *          keys are one global array, written once per site (a slot is
 *          claimed with a compare-and-swap of its 64-bit key) and then
 *          only read, so every CPU keeps its lines in cache; the counters
 *          are a per-CPU array indexed alike, so counting needs no atomics
 *          and no cache line moves between CPUs. The loader sums the CPUs.
 *
 *   objs:  one global array of 64-byte buckets of four {ptr, slot, size}
 *          entries, indexed by a hash of the object pointer. An allocation
 *          claims a free entry in its bucket with a compare-and-swap; a
 *          free finds its pointer among the four (one cache line), clears
 *          it, and counts the free on its own CPU's counters at the slot
 *          the entry names: no second look-up of the site. No probing
 *          beyond the bucket, so no tombstones and no chains; a full
 *          bucket is counted (objs_full) and that object is not tracked.
 *
 * Slab memory is reused last-in first-out, so a loop that allocates and
 * frees hits the same few buckets and stays in cache.
 *
 * Frees the tracepoints do not show (kfree_rcu, whose batches end in
 * kfree_bulk; kmem_cache_free_bulk) leave a stale pointer behind. When the
 * address is handed out again the allocation finds it in its bucket and
 * counts the earlier object as freed (the reused counter says how often);
 * and kt_audit, run by the loader about once a second, counts as freed
 * every entry whose memory is no longer a slab (see the end of the file).
 *
 * Sampling: with sample_shift = k, only objects whose pointer hash has its
 * top k bits zero are tracked, and the free side computes the same hash,
 * so a free of an untracked object costs no table access at all. Allocs
 * and bytes stay exact; frees are then an estimate (the loader says so).
 *
 * Page allocations carry no call site: mm_page_alloc fires inside the
 * allocator. We take a short kernel stack and walk it: frames before the
 * first allocator frame are the tracing machinery, then allocator frames
 * (address ranges the loader found in kallsyms), and the first frame after
 * them is the tag. Pages for slab caches and large kmallocs are skipped
 * (their own tracepoints count them), and so are movable pages: those are
 * user memory (anonymous and page cache), not a kernel pool. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "kmemtag.h"

char LICENSE[] SEC("license") = "GPL";

/* load-time settings (the libbpf-tools idiom) */
const volatile __u32 site_bits = 13;
const volatile __u32 obj_bits = 18;
const volatile __u32 sample_shift = 0;
/* 0: programs return at once (the bench's floor); 1: count allocations
 * per site only; 2: also track objects and count frees */
const volatile __u32 level = 2;
const volatile __u32 n_ranges = 0;
const volatile __u64 range_lo[KT_MAX_RANGES] = {};
const volatile __u64 range_hi[KT_MAX_RANGES] = {};
const volatile __u8 range_kind[KT_MAX_RANGES] = {};

#define SITE_PROBES 8

#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct kt_key);
	__uint(max_entries, 1 << 13);
} keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct kt_count);
	__uint(max_entries, 1 << 13);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct kt_bucket);
	__uint(max_entries, 1 << 18);
} objs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct kt_stats);
	__uint(max_entries, 1);
} stats SEC(".maps");

static __always_inline __u64 hash64(__u64 v)
{
	return v * 0x9E3779B97F4A7C15ull;
}

static __always_inline void stat_inc(int i)
{
	__u32 zero = 0;
	struct kt_stats *s = bpf_map_lookup_elem(&stats, &zero);

	if (s && i >= 0 && i < _KT_STAT_MAX)
		s->n[i]++;
}

/* The slot of (site, key_size), claimed if new (*ret_new set; the
 * caller fills in the rest of the key). -1 when the probe sequence is full
 * (counted). */
static __always_inline int site_slot(__u64 key, struct kt_key **ret_k,
				     bool *ret_new)
{
	__u32 h = (__u32)(hash64(key) >> (64 - site_bits));
	__u32 mask = (1u << site_bits) - 1;

	for (int i = 0; i < SITE_PROBES; i++) {
		__u32 slot = (h + i) & mask;
		struct kt_key *k = bpf_map_lookup_elem(&keys, &slot);
		__u64 old;

		if (!k)
			return -1;
		if (k->key == key) {
			*ret_k = k;
			return (int)slot;
		}
		if (k->key)
			continue;
		old = __sync_val_compare_and_swap(&k->key, 0, key);
		if (old == 0 || old == key) {
			*ret_new = old == 0;
			*ret_k = k;
			return (int)slot;
		}
	}
	stat_inc(KT_STAT_SITES_FULL);
	return -1;
}

static __always_inline bool sampled(__u64 ptr)
{
	if (!sample_shift)
		return true;
	return (hash64(ptr) >> (64 - sample_shift)) == 0;
}

static __always_inline struct kt_bucket *bucket_of(__u64 ptr)
{
	/* the low bits pick the bucket; sampling uses the top bits */
	__u32 k = (__u32)(hash64(ptr >> 3) >> 32) & ((1u << obj_bits) - 1);

	return bpf_map_lookup_elem(&objs, &k);
}

/* Count a free of a tracked object on this CPU's counters of the slot
 * that made it. */
static __always_inline void count_free(__u32 slot, __u32 size)
{
	struct kt_count *c = bpf_map_lookup_elem(&counts, &slot);

	if (!c)
		return;
	c->t_frees++;
	c->t_freed += size;
}

/* Remember ptr as made by the site in slot; false when it was not
 * tracked (sampled out, or its bucket full: counted). */
static __always_inline bool track(__u32 slot, __u64 ptr, __u64 size)
{
	struct kt_bucket *b;
	int empty = -1;

	if (level < 2 || !sampled(ptr))
		return false;
	b = bucket_of(ptr);
	if (!b)
		return false;
	for (int i = 0; i < KT_BUCKET_SLOTS; i++) {
		__u64 p = b->slot[i].ptr;

		if (p == ptr) {
			/* freed where no tracepoint saw it, now reused */
			count_free(b->slot[i].idx, b->slot[i].size);
			stat_inc(KT_STAT_REUSED);
			b->slot[i].idx = slot;
			b->slot[i].size = (__u32)size;
			return true;
		}
		if (!p && empty < 0)
			empty = i;
	}
	if (empty < 0 || empty >= KT_BUCKET_SLOTS) {
		stat_inc(KT_STAT_OBJS_FULL);
		return false;
	}
	if (__sync_val_compare_and_swap(&b->slot[empty].ptr, 0, ptr) != 0) {
		/* another CPU took it this instant: not a full bucket */
		stat_inc(KT_STAT_OBJS_RACE);
		return false;
	}
	b->slot[empty].idx = slot;
	b->slot[empty].size = (__u32)size;
	return true;
}

/* Forget ptr and count its free, or count it unmatched. */
static __always_inline void untrack(__u64 ptr)
{
	struct kt_bucket *b;

	if (level < 2 || !ptr || !sampled(ptr))
		return;
	b = bucket_of(ptr);
	if (!b)
		return;
	for (int i = 0; i < KT_BUCKET_SLOTS; i++) {
		if (b->slot[i].ptr != ptr)
			continue;
		{
			__u32 slot = b->slot[i].idx;
			__u32 size = b->slot[i].size;

			/* a plain store: no other CPU writes an entry that
			 * holds a live pointer (allocations only claim
			 * empty entries), and one object is freed once */
			WRITE_ONCE(b->slot[i].ptr, 0);
			count_free(slot, size);
		}
		return;
	}
	stat_inc(KT_STAT_UNMATCHED_FREE);
}

/* Count an allocation of size bytes at site, and track ptr. Returns the
 * site's key when it was new (for the caller to describe), else NULL. */
static __always_inline struct kt_key *count_alloc(__u64 site, __u8 kind,
						  __u64 ptr, __u64 size)
{
	struct kt_key *k = NULL;
	struct kt_count *c;
	bool fresh = false;
	__u32 key_size;
	int slot;

	if ((site >> 32) != 0xffffffffull)
		return NULL;
	if (size > KT_SIZE_MAX) {
		stat_inc(KT_STAT_SIZE_CLAMPED);
		size = KT_SIZE_MAX;
	}
	key_size = kind == KT_KIND_PERCPU ? 0 : (__u32)size;
	slot = site_slot(KT_KEY(site, key_size), &k, &fresh);
	if (slot < 0 || !k)
		return NULL;
	c = bpf_map_lookup_elem(&counts, &slot);
	if (!c)
		return NULL;
	c->allocs++;
	c->bytes += size;
	if (level >= 2 && !track((__u32)slot, ptr, size)) {
		c->u_allocs++;
		c->u_bytes += size;
	}
	if (fresh) {
		k->first_size = (__u32)size;
		k->kind = kind;
		return k;
	}
	if (kind == KT_KIND_PERCPU && k->first_size != (__u32)size &&
	    k->first_size && !(k->flags & KT_F_MIXED))
		k->flags |= KT_F_MIXED;
	return NULL;
}

/* ---- slab ------------------------------------------------------------ */

static __always_inline int on_kmalloc(__u64 site, __u64 ptr, __u64 bytes,
				      __u64 gfp)
{
	struct kt_key *k;

	if (level == 0 || !ptr)
		return 0;
	k = count_alloc(site, KT_KIND_KMALLOC, ptr, bytes);
	if (k)
		k->raw_flags = (__u32)gfp;
	return 0;
}

/* size: the cache's object size, read by the caller (a plain load in a
 * tp_btf program, a probe read in a raw_tp one) */
static __always_inline int on_cache_alloc(__u64 site, __u64 ptr,
					  struct kmem_cache *c, __u64 size)
{
	struct kt_key *k;

	if (!ptr || !c)
		return 0;
	k = count_alloc(site, KT_KIND_SLAB, ptr, size);
	if (k) {
		const char *name = BPF_CORE_READ(c, name);

		bpf_probe_read_kernel_str(k->cache, sizeof(k->cache), name);
		k->raw_flags = (__u32)BPF_CORE_READ(c, flags);
	}
	return 0;
}

SEC("tp_btf/kmalloc")
int BPF_PROG(kt_kmalloc_btf, unsigned long call_site, const void *ptr,
	     size_t bytes_req, size_t bytes_alloc, gfp_t gfp, int node)
{
	return on_kmalloc(call_site, (__u64)ptr, bytes_alloc, gfp);
}

SEC("raw_tp/kmalloc")
int BPF_PROG(kt_kmalloc_raw, unsigned long call_site, const void *ptr,
	     size_t bytes_req, size_t bytes_alloc, gfp_t gfp, int node)
{
	return on_kmalloc(call_site, (__u64)ptr, bytes_alloc, gfp);
}

SEC("tp_btf/kmem_cache_alloc")
int BPF_PROG(kt_cache_alloc_btf, unsigned long call_site, const void *ptr,
	     struct kmem_cache *c, gfp_t gfp, int node)
{
	if (level == 0 || !c)
		return 0;
	return on_cache_alloc(call_site, (__u64)ptr, c, c->size);
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(kt_cache_alloc_raw, unsigned long call_site, const void *ptr,
	     struct kmem_cache *c, gfp_t gfp, int node)
{
	if (level == 0 || !c)
		return 0;
	return on_cache_alloc(call_site, (__u64)ptr, c, BPF_CORE_READ(c, size));
}

SEC("tp_btf/kfree")
int BPF_PROG(kt_kfree_btf, unsigned long call_site, const void *ptr)
{
	untrack((__u64)ptr);
	return 0;
}

SEC("raw_tp/kfree")
int BPF_PROG(kt_kfree_raw, unsigned long call_site, const void *ptr)
{
	untrack((__u64)ptr);
	return 0;
}

SEC("tp_btf/kmem_cache_free")
int BPF_PROG(kt_cache_free_btf, unsigned long call_site, const void *ptr)
{
	untrack((__u64)ptr);
	return 0;
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(kt_cache_free_raw, unsigned long call_site, const void *ptr)
{
	untrack((__u64)ptr);
	return 0;
}

/* ---- pages ----------------------------------------------------------- */

/* A tp_btf program sees struct page * as a typed kernel pointer, on which
 * the verifier forbids the arithmetic of our hash; copy it out as a
 * number. */
static __always_inline __u64 page_addr(struct page *page)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &page);
	return v;
}

/* Binary search of the loader's sorted ranges: the kind of addr, 0 when
 * outside them all. */
static __always_inline int classify(__u64 addr)
{
	__u32 lo = 0, hi = n_ranges;

	if (hi > KT_MAX_RANGES)
		hi = KT_MAX_RANGES;
	for (int i = 0; i < 8; i++) {
		__u32 mid;

		if (lo >= hi)
			break;
		mid = (lo + hi) / 2;
		if (mid >= KT_MAX_RANGES)
			break;
		if (addr < range_lo[mid])
			hi = mid;
		else if (addr >= range_hi[mid])
			lo = mid + 1;
		else
			return range_kind[mid];
	}
	return 0;
}

static __always_inline int on_page_alloc(void *ctx, __u64 page,
					 unsigned int order, int migratetype)
{
	__u64 stack[KT_STACK_DEPTH];
	bool in_alloc = false;
	struct kt_key *k;
	__u64 site = 0;
	long n;

	if (level == 0 || !page || !n_ranges)
		return 0;
	if (migratetype ==
	    bpf_core_enum_value(enum migratetype, MIGRATE_MOVABLE)) {
		stat_inc(KT_STAT_PAGE_MOVABLE);
		return 0;
	}
	n = bpf_get_stack(ctx, stack, sizeof(stack), 0);
	if (n <= 0) {
		stat_inc(KT_STAT_PAGE_NO_CALLER);
		return 0;
	}
	n /= sizeof(__u64);
	for (int i = 0; i < KT_STACK_DEPTH; i++) {
		int c;

		if (i >= n)
			break;
		c = classify(stack[i]);
		if (c == KT_RANGE_ALLOCATOR) {
			in_alloc = true;
			continue;
		}
		if (c == KT_RANGE_IGNORE) {
			stat_inc(KT_STAT_PAGE_SLAB);
			return 0;
		}
		if (in_alloc) {
			site = stack[i];
			break;
		}
	}
	if (!site) {
		stat_inc(KT_STAT_PAGE_NO_CALLER);
		return 0;
	}
	k = count_alloc(site, KT_KIND_PAGE, page, 4096ull << (order & 15));
	if (k && migratetype ==
		     bpf_core_enum_value(enum migratetype, MIGRATE_RECLAIMABLE))
		k->flags |= KT_F_RECLAIMABLE;
	return 0;
}

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(kt_page_alloc_btf, struct page *page, unsigned int order,
	     gfp_t gfp, int migratetype)
{
	return on_page_alloc(ctx, page_addr(page), order, migratetype);
}

SEC("raw_tp/mm_page_alloc")
int BPF_PROG(kt_page_alloc_raw, struct page *page, unsigned int order,
	     gfp_t gfp, int migratetype)
{
	return on_page_alloc(ctx, (__u64)page, order, migratetype);
}

SEC("tp_btf/mm_page_free")
int BPF_PROG(kt_page_free_btf, struct page *page, unsigned int order)
{
	untrack(page_addr(page));
	return 0;
}

SEC("raw_tp/mm_page_free")
int BPF_PROG(kt_page_free_raw, struct page *page, unsigned int order)
{
	untrack((__u64)page);
	return 0;
}

SEC("tp_btf/mm_page_free_batched")
int BPF_PROG(kt_page_free_batched_btf, struct page *page)
{
	untrack(page_addr(page));
	return 0;
}

SEC("raw_tp/mm_page_free_batched")
int BPF_PROG(kt_page_free_batched_raw, struct page *page)
{
	untrack((__u64)page);
	return 0;
}

/* ---- per-CPU allocator ----------------------------------------------- */

static __always_inline int on_percpu_alloc(__u64 site, __u64 ptr, __u64 bytes)
{
	if (level == 0 || !ptr)
		return 0;
	count_alloc(site, KT_KIND_PERCPU, ptr, bytes);
	return 0;
}

SEC("tp_btf/percpu_alloc_percpu")
int BPF_PROG(kt_percpu_alloc_btf, unsigned long call_site, bool reserved,
	     bool is_atomic, size_t size, size_t align, void *base_addr,
	     int off, void *ptr, size_t bytes_alloc, gfp_t gfp)
{
	return on_percpu_alloc(call_site, (__u64)ptr, bytes_alloc);
}

SEC("raw_tp/percpu_alloc_percpu")
int BPF_PROG(kt_percpu_alloc_raw, unsigned long call_site, bool reserved,
	     bool is_atomic, size_t size, size_t align, void *base_addr,
	     int off, void *ptr, size_t bytes_alloc, gfp_t gfp)
{
	return on_percpu_alloc(call_site, (__u64)ptr, bytes_alloc);
}

SEC("tp_btf/percpu_free_percpu")
int BPF_PROG(kt_percpu_free_btf, void *base_addr, int off, void *ptr)
{
	untrack((__u64)ptr);
	return 0;
}

SEC("raw_tp/percpu_free_percpu")
int BPF_PROG(kt_percpu_free_raw, void *base_addr, int off, void *ptr)
{
	untrack((__u64)ptr);
	return 0;
}

/* ---- the audit: frees no tracepoint shows ----------------------------- */

/* kfree_rcu() and the bulk frees (kmem_cache_free_bulk, kfree_bulk: the
 * RCU batches, the network stack's skb caches) return objects with no
 * tracepoint, so their entries stay behind and the site looks as if it
 * leaked. The address being handed out again catches some (reused); this
 * catches the rest whose slab has gone: an object whose memory is no
 * longer a slab page (the kernel freed the slab, which it does once every
 * object on it is free) is certainly dead. The loader runs it before each
 * read (BPF_PROG_TEST_RUN; never attached). Needs the bpf_get_kmem_cache
 * kfunc (6.13+); the loader leaves it out on kernels without it. */
extern struct kmem_cache *bpf_get_kmem_cache(__u64 addr) __ksym __weak;

/* large kmallocs come from the page allocator, not a slab: their kfree is
 * traced, and they must not be judged by their (non-slab) page */
#define KT_SLAB_MAX 8192

/* Can an object of this kind and size live on a slab of cache c? The
 * page of a freed slab is soon another cache's slab, and the object then
 * looks alive: a slab-cache object was allocated at its cache's full size
 * (kmem_cache.size), so a different size means another cache; a kmalloc
 * object needs a cache at least as big as the size asked for. A cache of
 * the same size can still hide it (counted live until its address is
 * reused: the notes say so). */
static __always_inline bool slab_fits(struct kmem_cache *c, __u8 kind,
				      __u32 size)
{
	__u32 csize = BPF_CORE_READ(c, size);

	if (kind == KT_KIND_SLAB)
		return csize == size;
	return csize >= size;
}

static long audit_bucket(__u64 i, void *data)
{
	__u64 *freed = data;
	__u32 k = (__u32)i;
	struct kt_bucket *b = bpf_map_lookup_elem(&objs, &k);

	if (!b)
		return 1;
	for (int j = 0; j < KT_BUCKET_SLOTS; j++) {
		__u64 p = b->slot[j].ptr;
		__u32 slot = b->slot[j].idx, size = b->slot[j].size;
		struct kmem_cache *c;
		struct kt_key *key;

		if (!p)
			continue;
		key = bpf_map_lookup_elem(&keys, &slot);
		if (!key)
			continue;
		if (key->kind != KT_KIND_SLAB &&
		    (key->kind != KT_KIND_KMALLOC || size > KT_SLAB_MAX))
			continue;
		c = bpf_get_kmem_cache(p);
		if (c && !slab_fits(c, key->kind, size))
			c = NULL; /* its slab went; the page is another's */
		if (c) {
			/* live, or at least its slab is: name the cache of
			 * a kmalloc site, which its tracepoint does not
			 * (kmalloc-cg-1k, a random copy, msg_msg-1k) */
			if (key->kind == KT_KIND_KMALLOC && !key->cache[0])
				bpf_probe_read_kernel_str(
				    key->cache, sizeof(key->cache),
				    BPF_CORE_READ(c, name));
			continue;
		}
		/* a compare-and-swap: an allocation that reuses this
		 * address (its page a slab again) may race with us, and
		 * only one of us may count the free */
		if (__sync_val_compare_and_swap(&b->slot[j].ptr, p, 0) != p)
			continue;
		count_free(slot, size);
		(*freed)++;
	}
	return 0;
}

SEC("raw_tp")
int kt_audit(void *ctx)
{
	__u64 freed = 0;
	__u32 zero = 0;
	struct kt_stats *s;

	if (level < 2)
		return 0;
	bpf_loop(1u << obj_bits, audit_bucket, &freed, 0);
	s = bpf_map_lookup_elem(&stats, &zero);
	if (s)
		s->n[KT_STAT_AUDIT_FREED] += freed;
	return 0;
}
