/* The free view: free blocks by order, fragmentation, and whether the
 * kernel's counts of free memory agree.
 *
 * Inputs are the parsed /proc/buddyinfo, /proc/zoneinfo, /proc/pagetypeinfo
 * and /proc/meminfo (see their modules); nothing here reads files.
 *
 * --- Fragmentation: the unusable free space index -----------------------
 *
 * Mel Gorman's index (mm/vmstat.c, unusable_free_index(), shown in
 * /sys/kernel/debug/extfrag/unusable_index): for a request of order j,
 * free memory in blocks smaller than 2^j pages cannot serve it. With b_i
 * free blocks of order i and F = sum_i b_i * 2^i free pages,
 *
 *     unusable(j) = (F - sum_{i >= j} b_i * 2^i) / F
 *
 * 0 means every free page sits in a block big enough for order j; 1 means
 * none does. unusable(0) is always 0 when F > 0. When F = 0 we follow the
 * kernel: "no free memory is interpreted as all free memory is unusable",
 * so unusable(j) = 1 for every j. The kernel prints thousandths; we keep
 * the double. With pagetypeinfo the same index is computed per migrate
 * type over that type's lists; a capped count (">100000") makes that
 * type's figures lower bounds, which the caller shows.
 *
 * --- Reconciliation: four views of free memory -------------------------
 *
 * What each figure counts, from mm/page_alloc.c and mm/vmstat.c (read in
 * the 6.1x sources, where account_freepages() exists since 6.10; before
 * it, back to 2.6.x, __mod_zone_freepage_state() and free_pcppages_bulk()
 * did the same accounting under other names):
 *   - buddyinfo: free_area[order].nr_free, read under the zone lock: every
 *     block on the buddy free lists, of every migrate type, isolated
 *     pageblocks included.
 *   - zoneinfo nr_free_pages ("pages free" is the same counter): the zone's
 *     NR_FREE_PAGES vmstat counter. account_freepages() (6.10+; before it
 *     __mod_zone_freepage_state() and its callers) changes it when blocks
 *     enter or leave the buddy lists, and skips MIGRATE_ISOLATE blocks. So
 *     nr_free_pages = buddy - free pages in isolated blocks. It is a vmstat
 *     counter: each CPU keeps a private delta of up to its "vm stats
 *     threshold" (printed in zoneinfo) that is folded in later, so the
 *     printed value may lag by up to the sum of the thresholds.
 *   - meminfo MemFree: global_zone_page_state(NR_FREE_PAGES), the sum of
 *     the same counter over all zones, folded at the same time.
 *   - per-CPU page lists (zoneinfo "count:" under each cpu): freed pages a
 *     CPU keeps for quick reuse. free_unref_page*() put pages there without
 *     touching NR_FREE_PAGES; free_pcppages_bulk() moves them to the buddy
 *     lists and only then counts them. So they are free but counted in
 *     neither MemFree, nr_free_pages nor buddyinfo.
 * Hence, read at one instant: MemFree = sum nr_free_pages = buddy -
 * isolated (up to counter drift), and truly free = buddy + per-CPU.
 * Measured on the 6.18 development VM (tests/fixtures/debian12-6.18-x86_64):
 * buddy - nr_free_pages = +58 pages with no isolated pages, inside the
 * 350-page tolerance; 3976 pages sat on per-CPU lists.
 *
 * The four files are read one after another, not atomically; pages move
 * between per-CPU lists and the buddy lists in batches of "batch" pages
 * (zoneinfo) meanwhile. Our tolerance is therefore the sum of the per-CPU
 * vm stat thresholds plus one batch per CPU per zone, both taken from
 * zoneinfo, never a guessed constant. On a live system the caller also
 * reads MemFree again after the other files; how far it moved bounds the
 * allocations and frees that happened during the reads (a heuristic: it
 * sees the net movement only) and is added. A difference within the
 * tolerance is agreement.
 *
 * One more explanation is checked because real kernels show it: when
 * MemTotal exceeds the zones' summed managed pages, memory is counted in
 * MemTotal (and MemFree) that no zone's free lists hold yet (for example
 * memory whose struct pages are initialised lazily after boot). If
 * MemFree - sum nr_free_pages equals that gap within tolerance, the gap
 * explains it. Anything else left over is reported as not explained. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "freelists.h"

int freelists_orders_compute(struct freelists_orders *o)
{
	uint64_t total = 0, suitable = 0;

	o->largest_order = -1;
	if (o->n_orders > BUDDYINFO_MAX_ORDERS)
		return -ERANGE;
	for (unsigned i = 0; i < o->n_orders; i++) {
		uint64_t p;

		if (o->blocks[i] &&
		    (i >= 63 || o->blocks[i] > (UINT64_MAX >> i)))
			return -ERANGE;
		p = o->blocks[i] << i;
		if (total > UINT64_MAX - p)
			return -ERANGE;
		total += p;
		if (o->blocks[i])
			o->largest_order = (int)i;
	}
	o->free_pages = total;
	/* walk down from the top order, accumulating pages in blocks of
	 * order >= j */
	for (unsigned j = o->n_orders; j-- > 0;) {
		suitable += o->blocks[j] << j;
		o->unusable[j] =
		    total == 0 ? 1.0
			       : (double)(total - suitable) / (double)total;
	}
	return 0;
}

static const struct zoneinfo_zone *zi_find(const struct zoneinfo *zi,
					   unsigned node, const char *name)
{
	if (!zi)
		return NULL;
	for (size_t i = 0; i < zi->n_zones; i++)
		if (zi->zones[i].node == node && streq(zi->zones[i].zone, name))
			return &zi->zones[i];
	return NULL;
}

static const struct pagetypeinfo_zone *pti_find(const struct pagetypeinfo *p,
						unsigned node, const char *name)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_zones; i++)
		if (p->zones[i].node == node && streq(p->zones[i].zone, name))
			return &p->zones[i];
	return NULL;
}

/* nr_free_pages of a zone: the counter line, or "pages free" (the same
 * counter printed twice) on kernels without the line. */
static uint64_t zone_nr_free(const struct zoneinfo_zone *z)
{
	uint64_t v = zoneinfo_zone_stat(z, "nr_free_pages");

	return val_has(v) ? v : z->free;
}

void freelists_release(struct freelists *f)
{
	free(f->zones);
	f->zones = NULL;
	f->n_zones = 0;
}

static int zone_types(struct freelists_zone *fz, const struct pagetypeinfo *pti,
		      const struct pagetypeinfo_zone *pz)
{
	for (unsigned t = 0; t < pti->n_types; t++) {
		struct freelists_type *ft;
		int r;

		if (!pz->has_free[t])
			continue;
		ft = &fz->types[fz->n_types++];
		snprintf(ft->name, sizeof(ft->name), "%s", pti->types[t]);
		ft->o.n_orders = pti->n_orders;
		memcpy(ft->o.blocks, pz->free[t],
		       sizeof(uint64_t) * pti->n_orders);
		ft->o.at_least = pz->at_least[t];
		ft->pageblocks = pz->blocks[t];
		r = freelists_orders_compute(&ft->o);
		if (r < 0)
			return r;
	}
	return 0;
}

int freelists_build(const struct buddyinfo *buddy, const struct zoneinfo *zi,
		    const struct pagetypeinfo *pti, uint64_t page_size,
		    struct freelists *ret)
{
	struct freelists f = {0};
	int r;

	if (!buddy || page_size == 0)
		return -EINVAL;
	f.page_size = page_size;
	f.n_orders = buddy->n_orders;
	f.block_order = pti ? pti->block_order : 0;
	f.zones =
	    xcalloc(buddy->n_zones ? buddy->n_zones : 1, sizeof(*f.zones));
	for (size_t i = 0; i < buddy->n_zones; i++) {
		const struct buddyinfo_zone *bz = &buddy->zones[i];
		struct freelists_zone *fz = &f.zones[f.n_zones];
		const struct zoneinfo_zone *z = zi_find(zi, bz->node, bz->zone);
		const struct pagetypeinfo_zone *pz =
		    pti_find(pti, bz->node, bz->zone);

		fz->node = bz->node;
		snprintf(fz->zone, sizeof(fz->zone), "%s", bz->zone);
		fz->o.n_orders = buddy->n_orders;
		memcpy(fz->o.blocks, bz->free,
		       sizeof(uint64_t) * buddy->n_orders);
		r = freelists_orders_compute(&fz->o);
		if (r < 0)
			goto fail;
		fz->nr_free_pages = z ? zone_nr_free(z) : VAL_ABSENT;
		fz->pcp_pages = z ? zoneinfo_pcp_count(z) : VAL_ABSENT;
		fz->managed = z ? z->managed : VAL_ABSENT;
		fz->present = z ? z->present : VAL_ABSENT;
		fz->min = z ? z->min : VAL_ABSENT;
		fz->low = z ? z->low : VAL_ABSENT;
		fz->high = z ? z->high : VAL_ABSENT;
		if (pz && pti->n_orders == buddy->n_orders) {
			r = zone_types(fz, pti, pz);
			if (r < 0)
				goto fail;
			f.has_types = true;
		}
		f.n_zones++;
	}
	*ret = f;
	return 0;
fail:
	freelists_release(&f);
	return r;
}

/* --- reconciliation -------------------------------------------------- */

static int64_t sdiff(uint64_t a, uint64_t b)
{
	return a >= b ? (int64_t)(a - b) : -(int64_t)(b - a);
}

static uint64_t uabs(int64_t v)
{
	return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

static void add_u(uint64_t *acc, uint64_t v)
{
	if (!val_has(v))
		return;
	*acc = val_has(*acc) ? *acc + v : v;
}

static void append(char *buf, size_t n, const char *fmt, ...) _printf_(3, 4);
static void append(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= n - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

#define KIB(pages, ps) ((uint64_t)(pages) * (ps) / 1024)

static void zoneinfo_sums(const struct zoneinfo *zi,
			  struct freelists_reconcile *rc)
{
	uint64_t thr = VAL_ABSENT, batch = VAL_ABSENT;

	rc->zone_free = rc->managed = rc->pcp = 0;
	for (size_t i = 0; i < zi->n_zones; i++) {
		const struct zoneinfo_zone *z = &zi->zones[i];
		uint64_t nf = zone_nr_free(z), pc = zoneinfo_pcp_count(z);

		if (val_has(nf))
			rc->zone_free += nf;
		if (val_has(z->managed))
			rc->managed += z->managed;
		if (val_has(pc))
			rc->pcp += pc;
		for (size_t c = 0; c < z->n_pcp; c++) {
			add_u(&thr, z->pcp[c].stat_threshold);
			add_u(&batch, z->pcp[c].batch);
		}
	}
	rc->drift_bound = thr;
	rc->tolerance = (val_has(thr) ? thr : 0) + (val_has(batch) ? batch : 0);
}

int freelists_reconcile(const struct meminfo *mi, const struct buddyinfo *b,
			const struct zoneinfo *zi,
			const struct pagetypeinfo *pti, uint64_t page_size,
			uint64_t churn_pages, struct freelists_reconcile *ret)
{
	struct freelists_reconcile rc;
	uint64_t ps = page_size, tol, worst;
	bool unmanaged_explains = false, isolated_used = false;
	int views = 0;

	memset(&rc, 0, sizeof(rc));
	rc.page_size = ps;
	rc.memfree = rc.memtotal = rc.buddy = rc.zone_free = rc.managed =
	    rc.pcp = rc.isolated = rc.unmanaged = rc.drift_bound = VAL_ABSENT;
	if (ps == 0) {
		*ret = rc;
		return -EINVAL;
	}
	if (mi && val_has(mi->v[MI_MEMFREE])) {
		rc.memfree = mi->v[MI_MEMFREE] / ps;
		views++;
	}
	if (mi && val_has(mi->v[MI_MEMTOTAL]))
		rc.memtotal = mi->v[MI_MEMTOTAL] / ps;
	if (b) {
		rc.buddy = 0;
		for (size_t i = 0; i < b->n_zones; i++) {
			uint64_t p;

			if (buddyinfo_zone_pages(&b->zones[i], b->n_orders,
						 &p) == 0)
				rc.buddy += p;
		}
		views++;
	}
	if (zi) {
		zoneinfo_sums(zi, &rc);
		views++;
	}
	if (pti) {
		int t = pagetypeinfo_type(pti, "Isolate");

		/* no Isolate type: CONFIG_MEMORY_ISOLATION is off, so no
		 * isolated free pages can exist */
		rc.isolated = 0;
		for (size_t i = 0; t >= 0 && i < pti->n_zones; i++) {
			struct freelists_orders o = {0};

			if (!pti->zones[i].has_free[t])
				continue;
			o.n_orders = pti->n_orders;
			memcpy(o.blocks, pti->zones[i].free[t],
			       sizeof(uint64_t) * pti->n_orders);
			if (freelists_orders_compute(&o) == 0)
				rc.isolated += o.free_pages;
		}
	}
	if (val_has(rc.memtotal) && val_has(rc.managed) &&
	    rc.memtotal > rc.managed)
		rc.unmanaged = rc.memtotal - rc.managed;
	rc.churn = churn_pages;
	if (rc.tolerance > UINT64_MAX / 2 - churn_pages / 2)
		rc.tolerance = UINT64_MAX / 2;
	else
		rc.tolerance += churn_pages;
	tol = rc.tolerance;

	if (val_has(rc.memfree) && val_has(rc.zone_free)) {
		rc.memfree_vs_zone = sdiff(rc.memfree, rc.zone_free);
		rc.has_memfree_vs_zone = true;
		rc.residual_memfree = rc.memfree_vs_zone;
		if (val_has(rc.unmanaged) && rc.unmanaged > tol &&
		    uabs(rc.memfree_vs_zone - (int64_t)rc.unmanaged) <= tol) {
			rc.residual_memfree -= (int64_t)rc.unmanaged;
			unmanaged_explains = true;
		}
	}
	if (val_has(rc.buddy) && val_has(rc.zone_free)) {
		rc.buddy_vs_zone = sdiff(rc.buddy, rc.zone_free);
		rc.has_buddy_vs_zone = true;
		rc.residual_buddy = rc.buddy_vs_zone;
		if (val_has(rc.isolated))
			rc.residual_buddy -= (int64_t)rc.isolated;
	}
	if (val_has(rc.memfree) && val_has(rc.buddy)) {
		rc.memfree_vs_buddy = sdiff(rc.memfree, rc.buddy);
		rc.has_memfree_vs_buddy = true;
	}

	/* two independent comparisons; MemFree - buddy is their difference.
	 * When no explanation applies the residuals equal the differences,
	 * so explained && !agree means an explanation was used. */
	rc.agree =
	    uabs(rc.memfree_vs_zone) <= tol && uabs(rc.buddy_vs_zone) <= tol;
	rc.explained =
	    uabs(rc.residual_memfree) <= tol && uabs(rc.residual_buddy) <= tol;
	isolated_used =
	    rc.has_buddy_vs_zone && val_has(rc.isolated) && rc.isolated > 0;
	if (!rc.has_memfree_vs_zone && !rc.has_buddy_vs_zone &&
	    rc.has_memfree_vs_buddy) {
		/* no zoneinfo: only MemFree - buddy, expected -isolated,
		 * and no tolerance figure to allow for */
		rc.residual_buddy = rc.memfree_vs_buddy;
		if (val_has(rc.isolated))
			rc.residual_buddy += (int64_t)rc.isolated;
		rc.agree = uabs(rc.memfree_vs_buddy) <= tol;
		rc.explained = uabs(rc.residual_buddy) <= tol;
		isolated_used = val_has(rc.isolated) && rc.isolated > 0;
	}

	worst = uabs(rc.memfree_vs_buddy);
	if (uabs(rc.memfree_vs_zone) > worst)
		worst = uabs(rc.memfree_vs_zone);
	if (uabs(rc.buddy_vs_zone) > worst)
		worst = uabs(rc.buddy_vs_zone);
	if (views < 2) {
		snprintf(rc.verdict, sizeof(rc.verdict),
			 "cannot compare: fewer than two views of free memory");
	} else if (rc.agree) {
		snprintf(rc.verdict, sizeof(rc.verdict),
			 "agree within %" PRIu64 " KiB", KIB(worst, ps));
	} else if (rc.explained) {
		snprintf(rc.verdict, sizeof(rc.verdict),
			 "differ by %" PRIu64 " KiB, explained (%s%s%s)",
			 KIB(worst, ps),
			 unmanaged_explains ? "memory no zone manages" : "",
			 unmanaged_explains && isolated_used ? ", " : "",
			 isolated_used ? "isolated free pages" : "");
	} else {
		uint64_t left =
		    uabs(rc.residual_memfree) > uabs(rc.residual_buddy)
			? uabs(rc.residual_memfree)
			: uabs(rc.residual_buddy);

		snprintf(rc.verdict, sizeof(rc.verdict),
			 "differ by %" PRIu64 " KiB, %" PRIu64
			 " KiB not explained",
			 KIB(worst, ps), KIB(left, ps));
	}

	/* the explanation: one clause per known cause present */
	if (unmanaged_explains)
		append(rc.explanation, sizeof(rc.explanation),
		       "MemTotal exceeds the zones' managed pages by %" PRIu64
		       " KiB and MemFree exceeds their nr_free_pages by as "
		       "much: memory counted free that no zone's free lists "
		       "hold yet (e.g. lazily initialised memory)\n",
		       KIB(rc.unmanaged, ps));
	if (val_has(rc.isolated) && rc.isolated)
		append(rc.explanation, sizeof(rc.explanation),
		       "%" PRIu64 " KiB free in isolated pageblocks are in "
		       "buddyinfo but not in nr_free_pages\n",
		       KIB(rc.isolated, ps));
	if (val_has(rc.pcp) && rc.pcp)
		append(rc.explanation, sizeof(rc.explanation),
		       "%" PRIu64 " KiB more are free on per-CPU lists, "
		       "counted by none of these\n",
		       KIB(rc.pcp, ps));
	if (views >= 2)
		append(rc.explanation, sizeof(rc.explanation),
		       "Files are read one after another; tolerance %" PRIu64
		       " KiB (per-CPU counter thresholds, one batch per CPU, "
		       "and %" PRIu64 " KiB MemFree moved during the reads)\n",
		       KIB(tol, ps), KIB(churn_pages, ps));
	*ret = rc;
	return views < 2 ? -ENODATA : 0;
}
