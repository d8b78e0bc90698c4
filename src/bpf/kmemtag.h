/* kmemtag: live kernel pool tags from the kmem tracepoints.
 *
 * This header is shared by the BPF side (kmemtag.bpf.c, compiled with
 * clang -target bpf against the generated vmlinux.h) and the loader
 * (kmemtag.c). The first half is the layout of the maps both sides read;
 * the second half, hidden from the BPF compiler, is the loader's API.
 *
 * A tag is a kernel call site: the return address into the function that
 * called kmalloc(), kmem_cache_alloc(), __alloc_pages() or the per-CPU
 * allocator. For each site the collector counts allocations and bytes
 * exactly, and counts frees against the site that made the allocation
 * (PoolMon's meaning) by remembering, for each live object, which site
 * made it. kmemtag.bpf.c explains the two tables and why they are shaped
 * the way they are. */
#ifndef MEMTALLY_KMEMTAG_H
#define MEMTALLY_KMEMTAG_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* What kind of allocation a site makes. */
enum kt_kind {
	KT_KIND_SLAB = 0,    /* kmem_cache_alloc: a named cache */
	KT_KIND_KMALLOC = 1, /* kmalloc: one of the kmalloc-N caches */
	KT_KIND_PAGE = 2,    /* pages from the page allocator */
	KT_KIND_PERCPU = 3,  /* the per-CPU allocator */
};

/* kt_site.flags, decided when a site is first seen. */
#define KT_F_RECLAIMABLE 0x1 /* reclaimable cache, gfp or migratetype */
#define KT_F_ACCOUNT 0x2     /* __GFP_ACCOUNT: kmalloc-cg-N */
#define KT_F_DMA 0x4	     /* __GFP_DMA: dma-kmalloc-N */
#define KT_F_MIXED 0x8	     /* kmalloc sizes differ between calls */

#define KT_CACHE_NAME 32

/* The site table is split in two arrays indexed alike: the keys, one
 * global array written once per site, and the counters, a per-CPU array.
 * A slot is claimed by one compare-and-swap of its 64-bit key, so two CPUs
 * never hold the same site in two slots, and an object can remember its
 * site's slot index: a free then counts on this CPU's counters at that
 * index without looking the site up again.
 *
 * A row is one call site and size class (PoolMon shows a tag once per pool
 * it uses; here a kmalloc site that asks for 1 KiB and for 4 KiB is two
 * rows, one per kmalloc cache). */
struct kt_key {
	/* the low 32 bits of the call site address (x86-64 kernel and module
	 * text lies in the top 2 GiB, so the high half is always 0xffffffff)
	 * above the size class (0 for per-CPU allocations); 0 = empty slot */
	__u64 key;
	__u32 first_size; /* size of the first allocation seen */
	__u8 kind;	  /* enum kt_kind */
	__u8 flags;	  /* KT_F_* */
	__u16 pad;
	/* the first allocation's gfp flags (kmalloc) or the cache's flags
	 * (slab), raw: their bit numbers change between kernels, so the
	 * loader decodes them with the running kernel's BTF */
	__u32 raw_flags;
	__u32 pad2;
	char cache[KT_CACHE_NAME]; /* slab cache name (KT_KIND_SLAB) */
};

/* This CPU's counters for one slot. allocs and bytes count every
 * allocation; u_* the allocations that were not tracked in the object
 * table (sampled out, or their bucket was full), t_* the tracked ones that
 * were freed since. Without sampling and with room in the object table,
 * u_allocs is 0 and the frees are exact. */
struct kt_count {
	__u64 allocs;
	__u64 bytes; /* bytes allocated (what the allocator handed out) */
	__u64 u_allocs;
	__u64 u_bytes;
	__u64 t_frees;
	__u64 t_freed; /* bytes of the tracked frees */
};

#define KT_KEY(site, size) (((__u64)(__u32)(site) << 32) | (__u32)(size))

/* One live object in the global object table. ptr is the object (a slab
 * object, a struct page, a per-CPU pointer); idx its site's slot; size the
 * bytes it holds. */
struct kt_obj {
	__u64 ptr;
	__u32 idx;
	__u32 size;
};

#define KT_BUCKET_SLOTS 4 /* 4 x 16 bytes: one cache line */
struct kt_bucket {
	struct kt_obj slot[KT_BUCKET_SLOTS];
};

#define KT_SIZE_MAX 0x3fffffffu

/* Counters of what the collector did and could not do (per CPU). */
enum kt_stat {
	KT_STAT_SITES_FULL,	/* site table full: event not counted */
	KT_STAT_OBJS_FULL,	/* object bucket full: alloc not tracked */
	KT_STAT_UNMATCHED_FREE, /* freed object not in the table */
	KT_STAT_REUSED,		/* address reused: free inferred */
	KT_STAT_PAGE_MOVABLE,	/* movable page: user memory, skipped */
	KT_STAT_PAGE_SLAB,	/* page for slab or large kmalloc: skipped */
	KT_STAT_PAGE_NO_CALLER, /* no caller found in the stack */
	KT_STAT_SIZE_CLAMPED,	/* object larger than KT_SIZE_MAX */
	KT_STAT_AUDIT_FREED,	/* entry's memory no longer a slab: freed */
	KT_STAT_OBJS_RACE,	/* the free entry taken by another CPU */
	_KT_STAT_MAX,
};

struct kt_stats {
	__u64 n[_KT_STAT_MAX];
};

/* Address ranges the page-alloc stack walk classifies (sorted by lo). */
#define KT_MAX_RANGES 64
enum kt_range_kind {
	KT_RANGE_ALLOCATOR = 1, /* inside the page allocator: skip */
	KT_RANGE_IGNORE = 2,	/* slab / large kmalloc: not a page tag */
};
#define KT_STACK_DEPTH 16

#ifndef __bpf__
/* ---- the loader's API (kmemtag.c) ------------------------------------ */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Settings; zero means the default. */
struct kmemtag_opts {
	unsigned sites;	       /* call-site slots (default 8192) */
	unsigned objects;      /* live objects tracked (default 1 Mi) */
	unsigned sample_shift; /* track 1 object in 2^shift (default 0) */
	bool no_pages;	       /* leave out mm_page_alloc/free */
	bool no_percpu;	       /* leave out the per-CPU allocator */
	bool raw_tp;	       /* raw_tp programs even where tp_btf works */
	/* 2 (default): allocs, frees, live bytes; 1: allocs and bytes per
	 * site only; 0: attach programs that do nothing (the cost of the
	 * tracing machinery itself, for benchmarks); -1 = default */
	int level;
};

/* One call site, summed over the CPUs. */
struct kmemtag_site {
	uint64_t site;
	uint32_t key_size; /* the size class of the row; 0 for per-CPU */
	uint64_t allocs, bytes;
	uint64_t t_allocs, t_bytes, t_frees, t_freed;
	uint32_t first_size;
	uint8_t kind, flags;
	char cache[KT_CACHE_NAME];
};

/* Which tracepoint ended up attached, and how. */
struct kmemtag_probe {
	const char *tracepoint; /* "kmem:kmalloc" */
	const char *how;	/* "tp_btf", "raw_tp", or NULL */
	const char *why_not;	/* reason when not attached, or NULL */
};

#define KMEMTAG_MAX_PROBES 9

struct kmemtag_result {
	struct kmemtag_site *sites; /* sorted by site, then size class */
	size_t n_sites;
	uint64_t stats[_KT_STAT_MAX];
	uint64_t recursion_misses; /* events the kernel skipped: nesting */
	uint64_t mem_bytes;	   /* the tracer's maps and programs */
	unsigned sample_shift;
	int level;  /* kmemtag_opts.level in effect */
	bool audit; /* frees without a tracepoint found by the slab audit */
	unsigned site_slots, objects; /* table sizes */
	/* with objs_counted (read when an allocation was not tracked): the
	 * object table's entries in use and its buckets with all
	 * KT_BUCKET_SLOTS entries taken, at the read */
	bool objs_counted;
	uint64_t objs_used, objs_full_buckets;
	double elapsed; /* seconds since attach */
};

struct kmemtag;

/* Address ranges of the page allocator and of the slab internals, for
 * the page-alloc stack walk (the analysis builds them from kallsyms). */
struct kmemtag_range {
	uint64_t lo, hi;
	unsigned kind; /* enum kt_range_kind */
};

/* Load the collector, choose the attach points this kernel has, attach.
 * Needs root (CAP_BPF + CAP_PERFMON) and BTF. ranges (up to
 * KT_MAX_RANGES, any order) classify page-allocation stacks; with none,
 * page allocations are left out. On failure returns -errno and, when
 * ret_why is given, a malloc'd one-line reason. Nothing stays loaded. */
int kmemtag_open(const struct kmemtag_opts *o,
		 const struct kmemtag_range *ranges, size_t n_ranges,
		 struct kmemtag **ret, char **ret_why);

/* The attach points, for the view's notes; n is set to their count. */
const struct kmemtag_probe *kmemtag_probes(const struct kmemtag *k,
					   size_t *ret_n);

/* Count as freed the tracked slab objects whose slab the kernel has given
 * back: kfree_rcu() and bulk frees have no tracepoint, and without this
 * their objects would look live (a false leak). kmemtag_read() runs it;
 * callers that trace for long between reads run it about once a second,
 * so that those entries do not fill the object table. About a millisecond;
 * a no-op on kernels without the bpf_get_kmem_cache kfunc (6.13+). */
void kmemtag_audit(struct kmemtag *k);

/* Read the counters now. The result owns its sites array. */
int kmemtag_read(struct kmemtag *k, struct kmemtag_result *ret);
void kmemtag_result_release(struct kmemtag_result *r);

/* Detach and unload; safe on NULL. */
void kmemtag_free(struct kmemtag *k);

/* Whether this build has the collector at all. */
bool kmemtag_built(void);

/* Count the object table's entries in use and its full buckets (pure:
 * for kmemtag_read() and tests). */
void kmemtag_objs_fill(const struct kt_bucket *b, size_t nbuckets,
		       uint64_t *ret_used, uint64_t *ret_full);

/* The stat's name for notes ("sites_full"). */
const char *kmemtag_stat_name(enum kt_stat s);

#endif /* !__bpf__ */
#endif
