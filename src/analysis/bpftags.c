/* BPF call-site counters to PoolMon rows; see bpftags.h.
 *
 * Frees and their error
 * ---------------------
 * The collector counts every allocation (allocs, bytes) and tracks a
 * subset of the allocated objects in its object table: all of them by
 * default, one in 2^k with sampling, fewer when a bucket was full. For the
 * tracked ones it knows exactly how many were freed (t_frees of t_allocs)
 * and how many bytes (t_freed of t_bytes). When t_allocs == allocs the
 * frees are exact. Otherwise the tracked objects are a sample (chosen by a
 * hash of the object's address), and the freed share of the sample
 * estimates the freed share of all: frees = allocs * t_frees / t_allocs,
 * with the binomial standard error allocs * sqrt(p (1 - p) / t_allocs),
 * p = t_frees / t_allocs; we give 1.96 of those (95%), or, when none
 * or all of the sample was freed, the rule of three (allocs * 3 /
 * t_allocs). Live bytes scale the same way by bytes. The sample is by address,
 * not random: slab memory is reused, so one hot address can be always in or
 * always out of the sample, and the bound understates the error for sites with
 * few distinct addresses. The view says so.
 *
 * Page-allocation callers
 * -----------------------
 * mm_page_alloc fires deep inside the allocator. The collector walks a
 * short stack and takes the first frame outside the allocator; for that
 * it needs the allocator's address ranges, which we find here by name.
 * Names differ between kernels (the _noprof suffix of 6.10's allocation
 * profiling, .constprop/.isra clones), so a symbol matches a listed name
 * when it equals it after dropping a ".suffix" and a trailing "_noprof".
 * A second list marks slab internals and large kmallocs: their pages are
 * counted by the slab tracepoints already, so the page row is dropped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "../sources/slab_sysfs.h"
#include "bpftags.h"
#include "pools.h"

static const char *const allocator_names[] = {
    "__alloc_frozen_pages",
    "alloc_frozen_pages",
    "alloc_frozen_pages_nolock",
    "__alloc_pages",
    "alloc_pages",
    "alloc_pages_nolock",
    "__alloc_pages_slowpath",
    "__alloc_pages_direct_compact",
    "__alloc_pages_direct_reclaim",
    "__alloc_pages_may_oom",
    "alloc_pages_mpol",
    "alloc_pages_node",
    "__alloc_pages_node",
    "__folio_alloc",
    "folio_alloc",
    "folio_alloc_mpol",
    "vma_alloc_folio",
    "get_page_from_freelist",
    "rmqueue",
    "__rmqueue_pcplist",
    "rmqueue_bulk",
    "__get_free_pages",
    "get_free_pages",
    "get_zeroed_page",
    "alloc_pages_exact",
    "alloc_pages_exact_nid",
    "__page_frag_alloc_align",
    "page_frag_alloc_align",
    "__page_frag_cache_refill",
    "alloc_pages_bulk",
    "alloc_pages_bulk_mempolicy",
    "__alloc_pages_bulk",
    "prep_new_page",
    "post_alloc_hook",
    /* vmalloc's own page allocation: the tag is vmalloc's caller */
    "__vmalloc_node_range",
    "__vmalloc_node",
    "__vmalloc",
    "vmalloc",
    "vzalloc",
    "vmalloc_node",
    "vzalloc_node",
    "vmalloc_user",
    "vmalloc_huge",
    "vmalloc_huge_node",
    "__vmalloc_area_node",
    "vm_area_alloc_pages",
    "__vmalloc_array",
    "vmalloc_array",
    "vmalloc_32",
    "vmalloc_32_user",
    "__kvmalloc_node",
    "kvmalloc_node",
    "kvmalloc",
};

static const char *const ignore_names[] = {
    "allocate_slab",	    "new_slab",	       "alloc_slab_page",
    "___slab_alloc",	    "__slab_alloc",    "___kmalloc_large_node",
    "__kmalloc_large_node", "__kmalloc_large", "kmalloc_large",
    "kmalloc_large_node",   "refill_sheaf",    "alloc_from_new_slab",
};

/* name without ".suffix" and "_noprof" equals want? */
static bool name_matches(const char *name, const char *want)
{
	size_t n = strcspn(name, ".");
	size_t w = strlen(want);

	if (n >= 7 && memcmp(name + n - 7, "_noprof", 7) == 0)
		n -= 7;
	return n == w && memcmp(name, want, n) == 0;
}

static unsigned range_kind_of(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(allocator_names); i++)
		if (name_matches(name, allocator_names[i]))
			return KT_RANGE_ALLOCATOR;
	for (size_t i = 0; i < ELEMENTSOF(ignore_names); i++)
		if (name_matches(name, ignore_names[i]))
			return KT_RANGE_IGNORE;
	return 0;
}

size_t bpftags_page_ranges(const struct kallsyms *syms,
			   struct kmemtag_range *out, size_t max)
{
	size_t n = 0;

	if (!syms || syms->hidden)
		return 0;
	for (size_t i = 0; i < syms->n && n < max; i++) {
		const struct ksym *s = &syms->syms[i];
		unsigned kind;

		if (s->module)
			continue;
		kind = range_kind_of(s->name);
		if (!kind)
			continue;
		out[n].lo = s->addr;
		out[n].hi = kallsyms_end(syms, s);
		out[n].kind = kind;
		n++;
	}
	return n;
}

static const char *kind_name(unsigned k)
{
	switch (k) {
	case KT_KIND_SLAB:
		return "slab";
	case KT_KIND_KMALLOC:
		return "kmalloc";
	case KT_KIND_PAGE:
		return "page";
	case KT_KIND_PERCPU:
		return "percpu";
	}
	return "?";
}

void bpftags_cache_name(const struct kmemtag_site *s, char *buf, size_t n)
{
	const char *prefix;
	uint32_t sz = s->first_size;

	switch (s->kind) {
	case KT_KIND_SLAB:
		snprintf(buf, n, "%s", s->cache[0] ? s->cache : "?");
		return;
	case KT_KIND_PAGE:
		if (sz >= 1024 * 1024)
			snprintf(buf, n, "pages %uM", sz / (1024 * 1024));
		else
			snprintf(buf, n, "pages %uk", sz / 1024);
		return;
	case KT_KIND_PERCPU:
		snprintf(buf, n, "percpu");
		return;
	}
	/* kmalloc: the tracepoint gives the size class, not the cache (it
	 * may be a kmalloc-cg-, kmalloc-rcl-, a random copy or a dedicated
	 * kmem_buckets set such as msg_msg-1k). The slab audit names it from
	 * a live object where the kernel lets it (6.13+); else say only what
	 * is known: "kmalloc 1k", with cg / rcl / dma from the gfp flags */
	if (s->cache[0] && !(s->flags & KT_F_MIXED) && sz <= 8192) {
		snprintf(buf, n, "%s", s->cache);
		return;
	}
	prefix = s->flags & KT_F_DMA	       ? "kmalloc-dma "
		 : s->flags & KT_F_RECLAIMABLE ? "kmalloc-rcl "
		 : s->flags & KT_F_ACCOUNT     ? "kmalloc-cg "
					       : "kmalloc ";
	if (s->flags & KT_F_MIXED)
		snprintf(buf, n, "%s*", prefix);
	else if (sz > 8192)
		snprintf(buf, n, "(pages)");
	else if (sz >= 1024 && sz % 1024 == 0)
		snprintf(buf, n, "%s%uk", prefix, sz / 1024);
	else
		snprintf(buf, n, "%s%u", prefix, sz);
}

static uint64_t scale(uint64_t v, uint64_t num, uint64_t den)
{
	return (uint64_t)llround((double)v * (double)num / (double)den);
}

void bpftags_rows(const struct kmemtag_result *res, const struct kallsyms *syms,
		  struct bpftag_row **ret, size_t *ret_n)
{
	struct bpftag_row *rows =
	    xcalloc(res->n_sites ? res->n_sites : 1, sizeof(*rows));
	size_t n = 0;

	for (size_t i = 0; i < res->n_sites; i++) {
		const struct kmemtag_site *s = &res->sites[i];
		struct bpftag_row *r;
		const char *mod = NULL;

		if (!s->allocs && !s->t_frees)
			continue;
		r = &rows[n++];
		r->site = s->site;
		if (syms)
			mod = kallsyms_format(syms, s->site, r->tag,
					      sizeof(r->tag));
		else
			snprintf(r->tag, sizeof(r->tag), "0x%llx",
				 (unsigned long long)s->site);
		snprintf(r->module, sizeof(r->module), "%s", mod ? mod : "");
		bpftags_cache_name(s, r->cache, sizeof(r->cache));
		r->kind = kind_name(s->kind);
		r->reclaimable = s->flags & KT_F_RECLAIMABLE;
		r->allocs = s->allocs;
		r->alloc_bytes = s->bytes;
		if (s->t_allocs >= s->allocs && !res->sample_shift) {
			/* every allocation was tracked: exact. Frees of
			 * objects made before tracing began are not
			 * counted (unmatched), so frees <= allocs. */
			r->frees = s->t_frees;
			r->bytes =
			    s->bytes > s->t_freed ? s->bytes - s->t_freed : 0;
		} else if (s->t_allocs) {
			double p = (double)s->t_frees / (double)s->t_allocs;

			if (p > 1)
				p = 1;
			r->estimated = true;
			r->frees = scale(s->allocs, s->t_frees, s->t_allocs);
			r->frees_err = (uint64_t)llround(
			    1.96 * (double)s->allocs *
			    sqrt(p * (1 - p) / (double)s->t_allocs));
			/* none or all of the sample freed: the normal bound
			 * is 0, the "rule of three" gives the 95% one */
			if (p == 0 || p == 1)
				r->frees_err =
				    (uint64_t)ceil(3.0 * (double)s->allocs /
						   (double)s->t_allocs);
			r->bytes = s->t_bytes && s->t_freed < s->t_bytes
				       ? s->bytes - scale(s->bytes, s->t_freed,
							  s->t_bytes)
				       : 0;
		} else {
			/* nothing tracked: frees unknown */
			r->estimated = true;
			r->frees = VAL_ABSENT;
			r->frees_err = VAL_ABSENT;
			r->bytes = VAL_ABSENT;
		}
		if (r->frees > r->allocs && val_has(r->frees))
			r->frees = r->allocs;
		r->diff =
		    val_has(r->frees) ? (int64_t)(r->allocs - r->frees) : 0;
		if (!val_has(r->frees))
			r->per_alloc =
			    r->allocs ? r->alloc_bytes / r->allocs : VAL_ABSENT;
		else if (r->diff > 0)
			r->per_alloc = r->bytes / (uint64_t)r->diff;
		else
			r->per_alloc =
			    r->allocs ? r->alloc_bytes / r->allocs : VAL_ABSENT;
	}
	*ret = rows;
	*ret_n = n;
}

void bpftags_to_pools(struct pool_set *set, const struct bpftag_row *rows,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct bpftag_row *b = &rows[i];
		struct pool_row *r;

		set->rows = xgrow(set->rows, &set->alloc, set->n + 1,
				  sizeof(*set->rows));
		r = &set->rows[set->n++];
		memset(r, 0, sizeof(*r));
		r->tag = xstrdup(b->tag);
		r->source = POOL_BPF;
		r->type =
		    b->reclaimable ? POOL_RECLAIMABLE : POOL_UNRECLAIMABLE;
		r->allocs = b->allocs;
		r->frees = b->frees;
		/* diff is live allocations: never negative, frees <= allocs */
		r->diff = val_has(b->frees) ? (uint64_t)b->diff : VAL_ABSENT;
		r->bytes = b->bytes;
		r->per_alloc = b->per_alloc;
		r->module = b->module[0] ? xstrdup(b->module) : NULL;
		r->objsize = r->objects = VAL_ABSENT;
		r->cache = xstrdup(b->cache);
		r->estimated = b->estimated;
		r->frees_err = b->estimated ? b->frees_err : VAL_ABSENT;
	}
}

/* The real cache behind name: the alias's target, or name itself when it
 * is a real cache; NULL when sysfs does not know it. */
static const char *merged_target(const struct slab_sysfs *ss, const char *name)
{
	for (size_t i = 0; i < ss->n_aliases; i++)
		if (streq(ss->aliases[i].name, name))
			return ss->aliases[i].target;
	for (size_t i = 0; i < ss->n_caches; i++)
		if (streq(ss->caches[i].name, name))
			return ss->caches[i].name;
	return NULL;
}

void bpftags_merged_names(struct bpftag_row *rows, size_t n,
			  const struct slab_sysfs *ss)
{
	if (!ss)
		return;
	for (size_t r = 0; r < n; r++) {
		struct bpftag_row *row = &rows[r];
		const char *target;
		char buf[sizeof(row->cache)], name[sizeof(row->cache)];
		size_t len, others = 0, shown = 0;

		if (!streq(row->kind, "slab") && !streq(row->kind, "kmalloc"))
			continue;
		target = merged_target(ss, row->cache);
		if (!target)
			continue;
		for (size_t i = 0; i < ss->n_aliases; i++)
			if (streq(ss->aliases[i].target, target) &&
			    !streq(ss->aliases[i].name, row->cache))
				others++;
		if (!others)
			continue;
		snprintf(name, sizeof(name), "%s", row->cache);
		len = (size_t)snprintf(buf, sizeof(buf), "%s (merged: ", name);
		/* the aliases are sorted by name: so is the list */
		for (size_t i = 0; i < ss->n_aliases; i++) {
			const struct slab_sysfs_alias *a = &ss->aliases[i];
			size_t need = strlen(a->name) + 2;
			size_t left = others - shown;

			if (!streq(a->target, target) || streq(a->name, name))
				continue;
			/* keep room for ", +NN more)" unless this is the last
			 */
			if (len + need + (left > 1 ? 12 : 1) >= sizeof(buf)) {
				len += (size_t)snprintf(
				    buf + len, sizeof(buf) - len, "%s+%zu more",
				    shown ? ", " : "", left);
				shown = others;
				break;
			}
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", shown ? ", " : "",
						a->name);
			shown++;
		}
		if (len < sizeof(buf) - 1)
			snprintf(buf + len, sizeof(buf) - len, ")");
		snprintf(row->cache, sizeof(row->cache), "%s", buf);
	}
}

/* "66.0k", "1.0M": a count, short */
static const char *short_n(uint64_t v, char *buf, size_t n)
{
	if (v >= 1000000)
		snprintf(buf, n, "%.1fM", (double)v / 1048576.0);
	else if (v >= 10000)
		snprintf(buf, n, "%.1fk", (double)v / 1024.0);
	else
		snprintf(buf, n, "%llu", (unsigned long long)v);
	return buf;
}

void bpftags_objs_notes(const struct kmemtag_result *res, char *full,
			size_t nfull, char *race, size_t nrace)
{
	uint64_t lost = res->stats[KT_STAT_OBJS_FULL];
	uint64_t raced = res->stats[KT_STAT_OBJS_RACE];
	const char *after = "their sites' frees are estimated (FREES+-)";
	char u[24], t[24];

	full[0] = race[0] = '\0';
	if (raced)
		snprintf(race, nrace,
			 "bpf: %llu allocations not tracked: another CPU took "
			 "the same free entry of the object table at that "
			 "instant; %s",
			 (unsigned long long)raced, after);
	if (!lost)
		return;
	if (!res->objs_counted || !res->objects) {
		snprintf(full, nfull,
			 "bpf: %llu allocations not tracked: the %u-entry "
			 "bucket of the object table their address hashes to "
			 "was full; %s; --objects enlarges the table, --sample "
			 "tracks fewer",
			 (unsigned long long)lost, KT_BUCKET_SLOTS, after);
		return;
	}
	if (res->objs_used * 4 < (uint64_t)res->objects * 3) {
		snprintf(full, nfull,
			 "bpf: %llu allocations not tracked: the %u-entry "
			 "bucket their address hashes to was full (%llu of %u "
			 "buckets full), while the object table held %s of %s "
			 "entries (%.1f%%): addresses colliding, not a full "
			 "table; %s; --objects enlarges the table (fewer "
			 "collisions)%s",
			 (unsigned long long)lost, KT_BUCKET_SLOTS,
			 (unsigned long long)res->objs_full_buckets,
			 res->objects / KT_BUCKET_SLOTS,
			 short_n(res->objs_used, u, sizeof(u)),
			 short_n(res->objects, t, sizeof(t)),
			 100.0 * (double)res->objs_used / (double)res->objects,
			 after,
			 res->audit ? ""
				    : "; objects freed where no tracepoint "
				      "sees it (kfree_rcu) keep their entry "
				      "until the address is reused");
		return;
	}
	snprintf(full, nfull,
		 "bpf: %llu allocations not tracked: the object table was "
		 "full (%s of %s entries in use, %llu buckets full)%s; %s; "
		 "--objects enlarges it, --sample tracks fewer",
		 (unsigned long long)lost,
		 short_n(res->objs_used, u, sizeof(u)),
		 short_n(res->objects, t, sizeof(t)),
		 (unsigned long long)res->objs_full_buckets,
		 res->audit ? ""
			    : ", partly with objects freed where no "
			      "tracepoint sees it (kfree_rcu; no slab audit on "
			      "this kernel)",
		 after);
}
