/* The usage view, below the categories: what holds them, and what the
 * kernel can get back.
 *
 * The categories say where the bytes are; an admin's next question is
 * who holds them. Kernel memory held on behalf of processes through
 * descriptors and IPC objects (model/owners.c: pipes, sockets, BPF maps,
 * io_uring rings, memfd and tmpfs files, SysV segments and queues, epoll
 * and inotify, huge pages) lives in a few categories, and
 * analysis/owners.c says which: each object counts once, under one
 * category, so the explained parts never count a byte twice. Sockets
 * straddle two (sk_buff heads in unreclaimable slab, queued data mostly in
 * page fragments) and sock_diag gives one figure per socket: all of it is
 * shown under 'unaccounted', and a note says so. Where the objects of a
 * category add up to more than the category (estimates that are upper
 * bounds: a deleted file's blocks, a tmpfs file's pages in swap), the
 * category is explained entirely and the note says by how much the sum
 * ran over. The walk needs /proc/PID/fd: live system only; offline the
 * fields are null and a note says why.
 *
 * Also here, each in its own function: the HugeTLB pools split into used,
 * free, reserved and surplus per page size (sources/hugepages.c); what
 * "swappable" means on a machine without swap; how much of reclaimable
 * slab is pinned dentries; and pointers to `owners` and `files` when
 * unaccounted or shmem is large. usage.c calls usage_explain() once,
 * after the categories table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "../analysis/dentries.h"
#include "../analysis/owners.h"
#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "../model/owners.h"
#include "../sources/dentry_state.h"
#include "../sources/hugepages.h"
#include "../sources/slab_sysfs.h"
#include "history.h"
#include "usage.h"

/* A category above this share of RAM gets a pointer to the view that
 * names its holders. */
#define POINTER_SHARE 5.0

/* The category a row of the categories table shows, from its JSON key
 * (column 0); -1 for the total line. */
static int row_cat(const struct table *t, size_t row)
{
	struct out_opts oo = {0};
	char key[64];

	if (!table_cell_present(t, row, 0))
		return -1;
	table_cell_text(t, row, 0, &oo, key, sizeof(key));
	for (int c = 0; c < _ACCT_MAX; c++)
		if (streq(acct_cat_info(c)->key, key))
			return c;
	return -1;
}

static double pct(const struct accounting *a, int64_t b)
{
	return a->total ? 100.0 * (double)b / (double)a->total : 0;
}

/* --- reclaim: "swappable" without swap --------------------------------- */

/* Whether memory of reclaim class r can be got back now: 1, 0, or -1
 * (unknown). Swappable memory needs swap with room in it. */
static int reclaimable_now(enum acct_reclaim r, const struct meminfo *mi)
{
	uint64_t tot = mi->v[MI_SWAPTOTAL], fr = mi->v[MI_SWAPFREE];

	switch (r) {
	case RECLAIM_FREE:
	case RECLAIM_CHEAP:
		return 1;
	case RECLAIM_NEVER:
		return 0;
	case RECLAIM_SWAP:
		if (!val_has(tot))
			return -1;
		return tot > 0 && (!val_has(fr) || fr > 0);
	case RECLAIM_UNKNOWN:
		break;
	}
	return -1;
}

/* The RECLAIM column becomes text only, so that its text can say "not
 * reclaimable (no swap)" while JSON keeps the class in "reclaim" and
 * adds "reclaimable_now". */
static void explain_reclaim(struct table *cats, const struct meminfo *mi)
{
	ssize_t rc = table_find_col(cats, "RECLAIM");
	ssize_t jr = table_find_col(cats, "RECLAIM CLASS");
	ssize_t jn = table_find_col(cats, "RECLAIMABLE NOW");
	bool noswap = val_has(mi->v[MI_SWAPTOTAL]) && mi->v[MI_SWAPTOTAL] == 0;
	bool said = false;

	if (rc < 0 || jr < 0 || jn < 0)
		return;
	for (size_t row = 0; row < table_rows(cats); row++) {
		int c = row_cat(cats, row), now;
		const struct acct_cat_info *ci;

		if (c < 0)
			continue;
		ci = acct_cat_info(c);
		table_set_str(cats, row, (size_t)jr,
			      acct_reclaim_name(ci->reclaim));
		now = reclaimable_now(ci->reclaim, mi);
		if (now >= 0)
			table_set_json(cats, row, (size_t)jn,
				       now ? "true" : "false");
		if (ci->reclaim == RECLAIM_SWAP && now == 0) {
			table_set_str(cats, row, (size_t)rc,
				      noswap ? "not reclaimable (no swap)"
					     : "not reclaimable (swap full)");
			said = true;
		}
	}
	if (said && noswap)
		table_add_note(cats,
			       "no swap (SwapTotal 0): anonymous and shmem "
			       "memory cannot be reclaimed, only freed by "
			       "its owners (or the OOM killer).");
	else if (said)
		table_add_note(cats, "swap is full (SwapFree 0): anonymous and "
				     "shmem memory cannot be reclaimed now.");
}

/* --- dentries: how much of reclaimable slab is pinned ------------------ */

/* The dentry cache's object footprint (sysfs slab_size, which is
 * /proc/slabinfo's objsize), or VAL_ABSENT. */
static uint64_t dentry_objsize(struct root *root)
{
	char *names[] = {"dentry"};
	const struct slab_sysfs_cache *c;
	struct slab_sysfs ss;
	uint64_t v = VAL_ABSENT;

	if (slab_sysfs_read_names(root, names, 1, SA_BIT(SA_SLAB_SIZE), &ss,
				  NULL) < 0)
		return VAL_ABSENT;
	c = slab_sysfs_resolve(&ss, "dentry");
	if (c)
		v = c->v[SA_SLAB_SIZE];
	slab_sysfs_release(&ss);
	return v;
}

static void explain_dentries(struct root *root, struct table *cats,
			     const struct accounting *a)
{
	struct dentry_state ds;
	struct dentry_split s;
	char h[32];

	if (!a->present[ACCT_SLAB_RECLAIMABLE] ||
	    dentry_state_read(root, &ds, NULL) < 0)
		return;
	dentries_split(&ds, dentry_objsize(root), &s);
	if (!val_has(s.pinned))
		return;
	if (val_has(s.pinned_bytes))
		table_add_note(cats,
			       "reclaimable slab includes %s of dentries in "
			       "use (%llu, pinned by open files, working "
			       "directories and mounts): the kernel cannot "
			       "reclaim those; 'memtally pools' splits the "
			       "dentry cache.",
			       human_bytes(s.pinned_bytes, h, sizeof(h)),
			       (unsigned long long)s.pinned);
	else
		table_add_note(cats,
			       "reclaimable slab includes %llu dentries in "
			       "use (pinned by open files, working "
			       "directories and mounts): the kernel cannot "
			       "reclaim those.",
			       (unsigned long long)s.pinned);
}

/* --- pointers to the views that name holders --------------------------- */

static void explain_pointers(struct table *cats, const struct accounting *a)
{
	char h[32];

	if (a->present[ACCT_UNACCOUNTED] &&
	    pct(a, a->bytes[ACCT_UNACCOUNTED]) > POINTER_SHARE)
		table_add_note(cats,
			       "unaccounted holds %s (%.1f%% of RAM): see "
			       "'memtally owners' for the pipes, sockets, "
			       "io_uring rings and other kernel objects "
			       "processes hold.",
			       human_bytes((uint64_t)a->bytes[ACCT_UNACCOUNTED],
					   h, sizeof(h)),
			       pct(a, a->bytes[ACCT_UNACCOUNTED]));
	if (a->present[ACCT_SHMEM] &&
	    pct(a, a->bytes[ACCT_SHMEM]) > POINTER_SHARE)
		table_add_note(
		    cats,
		    "shmem holds %s (%.1f%% of RAM): see 'memtally "
		    "owners' for memfd, SysV segments and tmpfs "
		    "files held open, and 'memtally files' for the "
		    "files in tmpfs and /dev/shm.",
		    human_bytes((uint64_t)a->bytes[ACCT_SHMEM], h, sizeof(h)),
		    pct(a, a->bytes[ACCT_SHMEM]));
}

/* --- HugeTLB pools ----------------------------------------------------- */

static uint64_t mul(uint64_t pages, uint64_t size)
{
	return val_has(pages) ? pages * size : VAL_ABSENT;
}

/* The pools from sysfs, else meminfo's default size; *ret_used_bytes is
 * every pool's used bytes (VAL_ABSENT if any is unknown). */
static void explain_hugetlb(struct root *root, struct doc *d,
			    const struct meminfo *mi, uint64_t *ret_used_bytes)
{
	struct hugepages h;
	struct source_err err;
	struct table *t;
	uint64_t used_all = 0;
	bool any = false;

	*ret_used_bytes = VAL_ABSENT;
	if (hugepages_read_with(root, mi, &h, &err) < 0 &&
	    hugepages_from_meminfo(mi, &h) < 0) {
		doc_add_table(d, "hugetlb_pools", NULL);
		return;
	}
	t = table_new("HugeTLB pools");
	table_add_col(t, "PAGE SIZE", "page_size", COL_BYTES);
	table_add_col(t, "PAGES", "pages", COL_COUNT);
	table_add_col(t, "TOTAL", "total_bytes", COL_BYTES);
	table_add_col(t, "USED", "used_bytes", COL_BYTES);
	table_add_col(t, "FREE", "free_bytes", COL_BYTES);
	table_add_col(t, "RESERVED", "reserved_bytes", COL_BYTES);
	table_add_col(t, "SURPLUS", "surplus_bytes", COL_BYTES);
	for (int i = 0; i < 4; i++)
		table_col_flags(
		    t,
		    table_add_col(t, "",
				  (const char *[]){"used_pages", "free_pages",
						   "reserved_pages",
						   "surplus_pages"}[i],
				  COL_COUNT),
		    COLF_JSON_ONLY);
	for (size_t i = 0; i < h.n; i++) {
		const struct hugepages_pool *p = &h.v[i];
		uint64_t used = hugepages_used(p);
		size_t row = table_add_row(t);

		table_set_u64(t, row, 0, p->page_size);
		table_set_u64(t, row, 1, p->nr);
		table_set_u64(t, row, 2, mul(p->nr, p->page_size));
		table_set_u64(t, row, 3, mul(used, p->page_size));
		table_set_u64(t, row, 4, mul(p->free, p->page_size));
		table_set_u64(t, row, 5, mul(p->resv, p->page_size));
		table_set_u64(t, row, 6, mul(p->surplus, p->page_size));
		table_set_u64(t, row, 7, used);
		table_set_u64(t, row, 8, p->free);
		table_set_u64(t, row, 9, p->resv);
		table_set_u64(t, row, 10, p->surplus);
		if (val_has(p->nr) && p->nr)
			any = true;
		else if (h.n > 1)
			table_row_json_only(t, row); /* an empty pool */
		if (val_has(used) && val_has(used_all))
			used_all += used * p->page_size;
		else
			used_all = VAL_ABSENT;
	}
	if (h.from_meminfo)
		table_add_note(t, "HugeTLB: the default page size only "
				  "(/proc/meminfo): '/sys/kernel/mm/hugepages' "
				  "unavailable.");
	table_add_note(t, "HugeTLB: used pages are mapped by a process; "
			  "reserved ones are promised to a mapping but not "
			  "yet touched (part of free); surplus ones are above "
			  "vm.nr_hugepages and go back when freed.");
	if (!any)
		table_json_only(t);
	doc_add_table(d, "hugetlb_pools", t);
	*ret_used_bytes = used_all;
	hugepages_release(&h);
}

/* --- what holds the categories: the owners ----------------------------- */

/* The biggest holder of a kind's bytes, into buf ("pid 4711 (nc)",
 * "nobody" for objects no process holds); "" when the kind has none. */
static void top_holder(const struct owner_set *s, enum owner_kind k, char *buf,
		       size_t n)
{
	struct pb {
		int pid;
		uint64_t bytes;
	} *v = xcalloc(s->nobjs + 1, sizeof(*v));
	size_t nv = 0;
	int best = -2;
	uint64_t best_b = 0;

	for (size_t i = 0; i < s->nobjs; i++) {
		const struct owner_obj *o = &s->objs[i];
		int pid = o->nholders ? o->holders[0] : -1;
		size_t j;

		if (o->kind != k || !val_has(o->bytes))
			continue;
		for (j = 0; j < nv && v[j].pid != pid; j++)
			;
		if (j == nv)
			v[nv++] = (struct pb){pid, 0};
		v[j].bytes += o->bytes;
		if (v[j].bytes > best_b || best == -2) {
			best_b = v[j].bytes;
			best = pid;
		}
	}
	free(v);
	if (best == -2)
		snprintf(buf, n, "%s", "");
	else if (best < 0)
		snprintf(buf, n, "nobody (no process holds it)");
	else {
		const struct owner_proc *p = owner_set_find_proc(s, best);

		snprintf(buf, n, "pid %d (%s)", best,
			 p && p->comm ? p->comm : "?");
	}
}

/* Per category: the kinds' bytes, as measured, and the unexplained
 * rest (never below 0). */
struct explained {
	struct owner_kind_total kt[_OWN_MAX];
	uint64_t sum[_ACCT_MAX];
	bool covered[_ACCT_MAX]; /* some kind lives in this category */
	uint64_t hugetlb_used;	 /* the pools' used bytes, or VAL_ABSENT */
	uint64_t hugetlb_free;	 /* free pool bytes, or VAL_ABSENT */
};

/* The kinds' bytes that count for cat: the hugetlb kind (each process's
 * HugetlbPages, where a page shared by several processes counts in each)
 * is capped at the pools' used bytes. */
static uint64_t kind_bytes(const struct explained *e, enum owner_kind k)
{
	uint64_t b = e->kt[k].bytes;

	if (k == OWN_HUGETLB && val_has(e->hugetlb_used) && b > e->hugetlb_used)
		b = e->hugetlb_used;
	return b;
}

static uint64_t unexplained(const struct accounting *a,
			    const struct explained *e, int c)
{
	int64_t cat = a->bytes[c];

	if (cat <= 0 || e->sum[c] >= (uint64_t)cat)
		return 0;
	return (uint64_t)cat - e->sum[c];
}

/* The JSON fields of each category row. */
static void explain_json_cols(struct table *cats, const struct accounting *a,
			      const struct explained *e, const char *why)
{
	ssize_t jbs = table_find_col(cats, "EXPLAINED BY");
	ssize_t jus = table_find_col(cats, "UNEXPLAINED");
	size_t jb = (size_t)jbs, ju = (size_t)jus;

	if (jbs < 0 || jus < 0)
		return;
	if (why)
		table_add_note(cats, "%s.", why);
	for (size_t row = 0; row < table_rows(cats); row++) {
		int c = row_cat(cats, row);
		char *json = NULL;

		if (c < 0)
			continue;
		if (why) {
			table_set_absent(cats, row, jb);
			table_set_absent(cats, row, ju);
			continue;
		}
		if (!e->covered[c]) {
			/* nothing processes hold lives here */
			table_set_json(cats, row, jb, "[]");
			table_set_absent(cats, row, ju);
			continue;
		}
		json = xstrdup("[");
		for (int k = 0; k < _OWN_MAX; k++) {
			char *next;

			if ((int)owner_kind_info(k)->cat != c ||
			    !e->kt[k].objects)
				continue;
			next = xasprintf("%s%s{\"kind\": \"%s\", \"bytes\": "
					 "%llu}",
					 json, json[1] ? ", " : "",
					 owner_kind_info(k)->name,
					 (unsigned long long)kind_bytes(e, k));
			free(json);
			json = next;
		}
		if (c == ACCT_HUGETLB && val_has(e->hugetlb_free) &&
		    e->hugetlb_free) {
			char *next = xasprintf(
			    "%s%s{\"kind\": \"hugetlb-free\", \"bytes\": %llu}",
			    json, json[1] ? ", " : "",
			    (unsigned long long)e->hugetlb_free);

			free(json);
			json = next;
		}
		{
			char *next = xasprintf("%s]", json);

			free(json);
			json = next;
		}
		table_set_json(cats, row, jb, json);
		table_set_u64(cats, row, ju, unexplained(a, e, c));
		free(json);
	}
}

/* Kinds of cat with objects, biggest first. */
static size_t kinds_of(const struct explained *e, int cat, int *out)
{
	size_t n = 0;

	for (int k = 0; k < _OWN_MAX; k++)
		if ((int)owner_kind_info(k)->cat == cat && e->kt[k].objects)
			out[n++] = k;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && kind_bytes(e, out[j]) > kind_bytes(e, out[j - 1]);
		     j--) {
			int t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* The text table: per category, its kinds and the unexplained rest. */
static struct table *explained_table(const struct accounting *a,
				     const struct explained *e,
				     const struct owner_set *s)
{
	struct table *t = table_new("Explained by kernel objects that "
				    "processes hold ('memtally owners')");
	static const int order[] = {
	    ACCT_UNACCOUNTED, ACCT_SHMEM,   ACCT_SLAB_UNRECLAIMABLE,
	    ACCT_VMALLOC,     ACCT_HUGETLB, ACCT_PAGE_CACHE};

	table_col_flags(t, table_add_col(t, "CATEGORY", "category", COL_STR),
			COLF_TREE);
	table_add_col(t, "OBJECTS", "objects", COL_COUNT);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "SHARE", "percent", COL_PCT);
	table_add_col(t, "TOP HOLDER", "holder", COL_STR);
	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		int c = order[i], ks[_OWN_MAX];
		size_t nk = kinds_of(e, c, ks), parent;
		int64_t cb = a->bytes[c];
		uint64_t un = unexplained(a, e, c);

		if (!a->present[c] ||
		    (!nk && c != ACCT_UNACCOUNTED && c != ACCT_SHMEM))
			continue;
		parent = table_add_row(t);
		table_set_str(t, parent, 0, acct_cat_info(c)->label);
		table_set_word(t, parent, 1, "");
		table_set_i64(t, parent, 2, cb);
		table_set_word(t, parent, 3, "");
		table_set_str(t, parent, 4, "");
		for (size_t j = 0; j < nk; j++) {
			size_t row = table_add_row(t);
			char h[96];
			uint64_t kb = kind_bytes(e, ks[j]);

			table_row_parent(t, row, parent);
			table_set_str(t, row, 0, owner_kind_info(ks[j])->name);
			table_set_u64(t, row, 1, e->kt[ks[j]].objects);
			table_set_u64(t, row, 2, kb);
			if (cb > 0)
				table_set_double(
				    t, row, 3, 100.0 * (double)kb / (double)cb);
			top_holder(s, ks[j], h, sizeof(h));
			table_set_str(t, row, 4, h);
		}
		if (c == ACCT_HUGETLB && val_has(e->hugetlb_free) &&
		    e->hugetlb_free) {
			size_t row = table_add_row(t);

			table_row_parent(t, row, parent);
			table_set_str(t, row, 0, "free pages in the pool");
			table_set_word(t, row, 1, "");
			table_set_u64(t, row, 2, e->hugetlb_free);
			table_set_str(t, row, 4, "");
			if (cb > 0)
				table_set_double(t, row, 3,
						 100.0 *
						     (double)e->hugetlb_free /
						     (double)cb);
		}
		{
			size_t row = table_add_row(t);

			table_row_parent(t, row, parent);
			table_set_str(t, row, 0, "unexplained");
			table_set_word(t, row, 1, "");
			table_set_u64(t, row, 2, un);
			table_set_str(t, row, 4, "");
			if (cb > 0)
				table_set_double(
				    t, row, 3, 100.0 * (double)un / (double)cb);
		}
		if (cb >= 0 && e->sum[c] > (uint64_t)cb) {
			char h1[32], h2[32];

			table_add_note(
			    t,
			    "%s: its objects add up to %s, more than the "
			    "category's %s (estimates that are upper bounds, "
			    "or counters read at different moments): "
			    "explained entirely.",
			    acct_cat_info(c)->label,
			    human_bytes(e->sum[c], h1, sizeof(h1)),
			    human_bytes((uint64_t)cb, h2, sizeof(h2)));
		}
	}
	table_add_note(t, "sockets (tcp, udp, unix) are shown under "
			  "unaccounted: sock_diag gives one figure per socket, "
			  "its queued data, which lives mostly in page "
			  "fragments (unaccounted); the sk_buff heads (about "
			  "256 bytes a packet) and small kmalloc'd data are "
			  "unreclaimable slab. Not split, so no byte counts "
			  "twice; the slab part is then in unaccounted's "
			  "explained share.");
	table_add_note(t, "BPF maps and programs are shown under vmalloc "
			  "(array maps, JIT images); hash maps allocate from "
			  "slab.");
	for (size_t i = 0; i < s->nnotes; i++)
		table_add_note(t, "owners: %s", s->notes[i]);
	return t;
}

static void explain_owners(struct root *root, const struct usage_opts *o,
			   struct doc *d, struct table *cats,
			   const struct accounting *a, uint64_t hugetlb_used)
{
	struct explained e = {.hugetlb_used = hugetlb_used,
			      .hugetlb_free = VAL_ABSENT};
	struct owner_set s;
	_cleanup_free_ char *owhy = NULL, *why = NULL;

	if (!o->owners)
		why = xstrdup(
		    "explained_by: not collected; 'memtally usage "
		    "--owners' walks every process's descriptors to say "
		    "what holds unaccounted, shmem, slab and vmalloc "
		    "(tens of ms, more with more processes; from a snapshot, "
		    "what it kept)");
	else if (history_owners(root, &s, &owhy) < 0) /* live or kept */
		why = xasprintf("explained_by: owners %s",
				owhy ? owhy : "could not be had");
	if (why) {
		explain_json_cols(cats, a, &e, why);
		return;
	}
	owner_set_totals(&s, e.kt);
	for (int k = 0; k < _OWN_MAX; k++) {
		enum acct_cat c = owner_kind_info(k)->cat;

		e.covered[c] = true;
		e.sum[c] += kind_bytes(&e, k);
	}
	if (a->present[ACCT_HUGETLB] && val_has(hugetlb_used) &&
	    a->bytes[ACCT_HUGETLB] >= (int64_t)hugetlb_used) {
		e.hugetlb_free =
		    (uint64_t)a->bytes[ACCT_HUGETLB] - hugetlb_used;
		e.sum[ACCT_HUGETLB] += e.hugetlb_free;
	}
	explain_json_cols(cats, a, &e, NULL);
	doc_add_table(d, NULL, explained_table(a, &e, &s));
	owner_set_release(&s);
}

void usage_explain_cols(struct table *cats)
{
	ssize_t rc = table_find_col(cats, "RECLAIM");

	/* text says "not reclaimable (no swap)"; JSON keeps the class */
	if (rc >= 0)
		table_col_flags(cats, (size_t)rc, COLF_TEXT_ONLY);
	table_col_flags(
	    cats, table_add_col(cats, "RECLAIM CLASS", "reclaim", COL_STR),
	    COLF_JSON_ONLY);
	table_col_flags(
	    cats,
	    table_add_col(cats, "RECLAIMABLE NOW", "reclaimable_now", COL_JSON),
	    COLF_JSON_ONLY);
	table_col_flags(
	    cats, table_add_col(cats, "EXPLAINED BY", "explained_by", COL_JSON),
	    COLF_JSON_ONLY);
	table_col_flags(
	    cats,
	    table_add_col(cats, "UNEXPLAINED", "unexplained_bytes", COL_BYTES),
	    COLF_JSON_ONLY);
}

void usage_explain(struct root *root, const struct usage_opts *o, struct doc *d,
		   struct table *cats, const struct accounting *a,
		   const struct meminfo *mi)
{
	uint64_t hugetlb_used;

	explain_reclaim(cats, mi);
	explain_dentries(root, cats, a);
	explain_pointers(cats, a);
	explain_hugetlb(root, d, mi, &hugetlb_used);
	explain_owners(root, o, d, cats, a, hugetlb_used);
}
