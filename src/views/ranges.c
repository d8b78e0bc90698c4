/* The ranges view: RAMMap's Physical Ranges, with what each holds.
 *
 * The physical address map comes from /proc/iomem (its top-level "System
 * RAM" ranges, and what lies between them), the zones from /proc/zoneinfo
 * (start_pfn and spanned give each zone's PFN span; present is the RAM
 * inside it, managed what the page allocator was given), and the use of
 * every page from the page scan (model/pagescan.c). Each System RAM range
 * is cut at zone boundaries; each piece and each gap between ranges gets
 * a row with its pages by use. A second table shows the zones: spanned,
 * present and managed, and what the scan found for the difference
 * (reserved pages, sections not yet initialised, holes).
 *
 * iomem shows addresses to root only (4.4+ hides them otherwise, printing
 * zeros); the page scan needs root too. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "../sources/iomem.h"
#include "../sources/zoneinfo.h"
#include "pages.h"
#include "ranges.h"

enum {
	G_FREE,
	G_ANON,
	G_FILE,
	G_SHMEM,
	G_SLAB,
	G_KERNEL,
	G_RESERVED,
	G_HOLE,
	_G_MAX,
};

static const char *const group_cols[_G_MAX][2] = {
    [G_FREE] = {"FREE", "free"},
    [G_ANON] = {"ANON", "anon"},
    [G_FILE] = {"FILE", "file"},
    [G_SHMEM] = {"SHMEM", "shmem"},
    [G_SLAB] = {"SLAB", "slab"},
    [G_KERNEL] = {"KERNEL", "kernel"},
    [G_RESERVED] = {"RESERVED", "reserved"},
    [G_HOLE] = {"HOLE", "hole"},
};

static int group_of(enum page_use u)
{
	switch (u) {
	case PU_FREE:
	case PU_UNINIT:
		return G_FREE;
	case PU_ANON:
	case PU_THP:
	case PU_KSM:
		return G_ANON;
	case PU_FILE:
		return G_FILE;
	case PU_SHMEM:
	case PU_HUGETLB:
		return G_SHMEM;
	case PU_SLAB:
		return G_SLAB;
	case PU_RESERVED:
		return G_RESERVED;
	case PU_HOLE:
		return G_HOLE;
	default:
		return G_KERNEL;
	}
}

struct piece {
	uint64_t start, end; /* PFNs, [start, end) */
	const char *kind;    /* "System RAM" or the iomem name of a gap */
	long zone;	     /* index into zoneinfo, -1 none */
	uint64_t pages[_G_MAX];
	uint64_t uninit; /* of pages[G_FREE] */
};

struct pieces {
	struct piece *v;
	size_t n, alloc, cursor;
	const struct zoneinfo *zi;
};

static void add_piece(struct pieces *ps, uint64_t s, uint64_t e,
		      const char *kind, long zone)
{
	if (e <= s)
		return;
	ps->v = xgrow(ps->v, &ps->alloc, ps->n + 1, sizeof(*ps->v));
	memset(&ps->v[ps->n], 0, sizeof(ps->v[0]));
	ps->v[ps->n].start = s;
	ps->v[ps->n].end = e;
	ps->v[ps->n].kind = kind;
	ps->v[ps->n].zone = zone;
	ps->n++;
}

/* Cut [s, e) of kind at the zone boundaries. */
static void add_cut(struct pieces *ps, uint64_t s, uint64_t e, const char *kind)
{
	while (s < e) {
		uint64_t next = e;
		long zone = -1;

		for (size_t z = 0; z < ps->zi->n_zones; z++) {
			const struct zoneinfo_zone *zz = &ps->zi->zones[z];
			uint64_t zs, ze;

			if (!val_has(zz->start_pfn) || !val_has(zz->spanned) ||
			    zz->spanned == 0)
				continue;
			zs = zz->start_pfn;
			ze = zs + zz->spanned;
			if (s >= zs && s < ze) {
				zone = (long)z;
				next = ze < e ? ze : e;
				break;
			}
			if (zs > s && zs < next)
				next = zs;
		}
		add_piece(ps, s, next, kind, zone);
		s = next;
	}
}

/* add_cut, also cut at PFN k (the end of the kpage files) */
static void add_split(struct pieces *ps, uint64_t s, uint64_t e,
		      const char *kind, uint64_t k)
{
	if (s < k && k < e) {
		add_cut(ps, s, k, kind);
		add_cut(ps, k, e, kind);
	} else {
		add_cut(ps, s, e, kind);
	}
}

/* Runs arrive in PFN order: walk the pieces with a cursor, splitting a
 * run where it crosses a boundary. */
static void on_run(void *arg, const struct page_run *r)
{
	struct pieces *ps = arg;
	uint64_t p = r->pfn, end = r->pfn + r->n;
	int g = group_of(r->use);

	while (p < end && ps->cursor < ps->n) {
		struct piece *pc = &ps->v[ps->cursor];
		uint64_t stop;

		if (p >= pc->end) {
			ps->cursor++;
			continue;
		}
		if (p < pc->start) {
			p = pc->start < end ? pc->start : end;
			continue;
		}
		stop = pc->end < end ? pc->end : end;
		pc->pages[g] += stop - p;
		if (r->use == PU_UNINIT)
			pc->uninit += stop - p;
		p = stop;
	}
}

/* The top-level iomem name covering PFN p, for a gap's row. */
static const char *iomem_name_at(const struct iomem *io, uint64_t addr)
{
	for (size_t i = 0; i < io->n; i++)
		if (io->ranges[i].depth == 0 && addr >= io->ranges[i].start &&
		    addr <= io->ranges[i].end)
			return io->ranges[i].name;
	return "(not described)";
}

/* The pieces of the address map: each System RAM range of io and each
 * gap between them, cut at the zones and at kend (the end of the kpage
 * files); *ret_last: the end of the last RAM range. */
static void build_pieces(struct pieces *ps, const struct iomem *io,
			 uint64_t pgsz, uint64_t kend, uint64_t *ret_last)
{
	uint64_t last = 0;

	for (size_t i = 0; i < io->n; i++) {
		const struct iomem_range *g = &io->ranges[i];
		uint64_t s = g->start / pgsz, e = (g->end + 1) / pgsz;

		if (g->depth != 0 || !streq(g->name, "System RAM"))
			continue;
		if (s > last)
			add_split(ps, last, s,
				  iomem_name_at(io, last * pgsz + pgsz - 1),
				  kend);
		add_split(ps, s, e, "System RAM", kend);
		if (e > last)
			last = e;
	}
	*ret_last = last;
}

enum {
	R_START_TEXT,
	R_START,
	R_END_TEXT,
	R_END,
	R_SIZE,
	R_NODE,
	R_ZONE,
	R_TYPE,
	R_GROUP0, /* _G_MAX columns, text only */
	R_BY_USE = R_GROUP0 + _G_MAX,
};

static struct table *ranges_table_new(void)
{
	struct table *t = table_new(
	    "Physical ranges (/proc/iomem System RAM, cut at zones):");

	table_add_col(t, "START", "start-hex", COL_STR);
	table_col_flags(t, R_START_TEXT, COLF_TEXT_ONLY);
	table_add_col(t, "START-NUM", "start", COL_COUNT);
	table_col_flags(t, R_START, COLF_JSON_ONLY);
	table_add_col(t, "END", "end-hex", COL_STR);
	table_col_flags(t, R_END_TEXT, COLF_TEXT_ONLY);
	table_add_col(t, "END-NUM", "end", COL_COUNT);
	table_col_flags(t, R_END, COLF_JSON_ONLY);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "NODE", "node", COL_COUNT);
	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "TYPE", "type", COL_STR);
	for (int g = 0; g < _G_MAX; g++) {
		table_add_col(t, group_cols[g][0], group_cols[g][1], COL_BYTES);
		table_col_flags(t, R_GROUP0 + (size_t)g, COLF_TEXT_ONLY);
	}
	table_add_col(t, "BY-USE", "by_use", COL_JSON);
	table_col_flags(t, R_BY_USE, COLF_JSON_ONLY);
	return t;
}

/* The pages by use of a piece: text a column each, JSON an object. */
static void set_by_use(struct table *t, size_t row, const struct piece *pc,
		       uint64_t pgsz)
{
	struct table *u = table_new(NULL);
	size_t ur = 0;
	char *json;

	for (int g = 0; g < _G_MAX; g++)
		table_add_col(u, group_cols[g][0], group_cols[g][1], COL_BYTES);
	ur = table_add_row(u);
	for (int g = 0; g < _G_MAX; g++) {
		table_set_u64(t, row, R_GROUP0 + (size_t)g,
			      pc->pages[g] * pgsz);
		table_set_u64(u, ur, (size_t)g, pc->pages[g] * pgsz);
	}
	json = table_row_json_text(u, ur);
	table_set_json(t, row, R_BY_USE, json);
	free(json);
	table_free(u);
}

static struct table *ranges_table(const struct pieces *ps,
				  const struct zoneinfo *zi, uint64_t pgsz,
				  uint64_t pfn_end)
{
	struct table *t = ranges_table_new();

	for (size_t i = 0; i < ps->n; i++) {
		const struct piece *pc = &ps->v[i];
		size_t row = table_add_row(t);
		char b[24];

		snprintf(b, sizeof(b), "%#" PRIx64, pc->start * pgsz);
		table_set_str(t, row, R_START_TEXT, b);
		table_set_u64(t, row, R_START, pc->start * pgsz);
		snprintf(b, sizeof(b), "%#" PRIx64, pc->end * pgsz - 1);
		table_set_str(t, row, R_END_TEXT, b);
		table_set_u64(t, row, R_END, pc->end * pgsz - 1);
		table_set_u64(t, row, R_SIZE, (pc->end - pc->start) * pgsz);
		if (pc->zone >= 0) {
			table_set_u64(t, row, R_NODE, zi->zones[pc->zone].node);
			table_set_str(t, row, R_ZONE, zi->zones[pc->zone].zone);
		} else {
			table_set_word(t, row, R_ZONE, "-");
		}
		table_set_str(t, row, R_TYPE, pc->kind);
		if (pc->end <= pfn_end)
			set_by_use(t, row, pc, pgsz);
	}
	return t;
}

/* What the scan found in zone z: its reserved and uninitialised pages;
 * false when part of the zone lies beyond the kpage files. */
static bool zone_found(const struct pieces *ps, size_t z, uint64_t pfn_end,
		       uint64_t *ret_reserved, uint64_t *ret_uninit)
{
	uint64_t reserved = 0, uninit = 0;
	bool seen = false;

	/* the zone's pieces hold what the scan found in it (RAM only:
	 * holes inside a zone's span are neither) */
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->v[i].zone != (long)z)
			continue;
		if (ps->v[i].end > pfn_end)
			return false;
		seen = true;
		reserved += ps->v[i].pages[G_RESERVED];
		uninit += ps->v[i].uninit;
	}
	*ret_reserved = reserved;
	*ret_uninit = uninit;
	return seen;
}

static struct table *zones_table_new(void)
{
	struct table *t =
	    table_new("Zones (/proc/zoneinfo) and what the page flags say:");

	table_add_col(t, "NODE", "node", COL_COUNT);
	table_add_col(t, "ZONE", "zone", COL_STR);
	table_add_col(t, "START PFN", "start_pfn", COL_COUNT);
	table_add_col(t, "SPANNED", "spanned_bytes", COL_BYTES);
	table_add_col(t, "PRESENT", "present_bytes", COL_BYTES);
	table_add_col(t, "MANAGED", "managed_bytes", COL_BYTES);
	table_add_col(t, "PRESENT-MANAGED", "unmanaged_bytes", COL_BYTES);
	table_add_col(t, "RESERVED", "reserved_bytes", COL_BYTES);
	table_add_col(t, "UNINIT", "uninit_bytes", COL_BYTES);
	return t;
}

static uint64_t pages_bytes(uint64_t pages, uint64_t pgsz)
{
	return val_has(pages) ? pages * pgsz : VAL_ABSENT;
}

static struct table *zones_table(const struct pieces *ps,
				 const struct zoneinfo *zi, uint64_t pgsz,
				 uint64_t pfn_end)
{
	struct table *t = zones_table_new();

	for (size_t z = 0; z < zi->n_zones; z++) {
		const struct zoneinfo_zone *zz = &zi->zones[z];
		uint64_t reserved, uninit;
		size_t row;

		if (!val_has(zz->spanned) || zz->spanned == 0 ||
		    !val_has(zz->start_pfn))
			continue;
		row = table_add_row(t);
		table_set_u64(t, row, 0, zz->node);
		table_set_str(t, row, 1, zz->zone);
		table_set_u64(t, row, 2, zz->start_pfn);
		table_set_u64(t, row, 3, zz->spanned * pgsz);
		table_set_u64(t, row, 4, pages_bytes(zz->present, pgsz));
		table_set_u64(t, row, 5, pages_bytes(zz->managed, pgsz));
		if (val_has(zz->present) && val_has(zz->managed) &&
		    zz->present >= zz->managed)
			table_set_u64(t, row, 6,
				      (zz->present - zz->managed) * pgsz);
		if (zone_found(ps, z, pfn_end, &reserved, &uninit)) {
			table_set_u64(t, row, 7, reserved * pgsz);
			table_set_u64(t, row, 8, uninit * pgsz);
		}
	}
	return t;
}

/* The two tables and their notes into a new document. */
static struct doc *ranges_doc(const struct pieces *ps,
			      const struct zoneinfo *zi, bool have_zi,
			      const struct source_err *zi_err, uint64_t pgsz,
			      uint64_t last, const struct pagescan_result *res)
{
	struct doc *d = doc_new();
	struct table *rt = ranges_table(ps, zi, pgsz, res->pfn_end);
	char line[400];

	if (res->pfn_end < last)
		table_add_note(rt,
			       "the kpage files end at PFN %#" PRIx64
			       ": ranges above show n/a",
			       res->pfn_end);
	if (!have_zi) {
		source_err_format(zi_err, line, sizeof(line));
		table_add_note(rt, "zones unavailable: %s", line);
	}
	pages_add_notes(rt, res);
	doc_add_count(d, "page_size", NULL, pgsz);
	doc_add_table(d, "ranges", rt);
	doc_add_table(d, "zones", zones_table(ps, zi, pgsz, res->pfn_end));
	doc_add_notes(d, "notes");
	/* after "notes": the zones' note is text only, as it was */
	doc_add_note(d, "PRESENT-MANAGED is RAM the allocator was not given: "
			"pages reserved at boot, plus, on kernels that defer "
			"struct page init, sections not yet initialised "
			"(UNINIT)");
	return d;
}

/* Scan the pages of the pieces (up to last and the kpage files' end
 * kend) into them. */
static int scan_pieces(struct root *root, const struct ranges_opts *o,
		       struct pieces *ps, uint64_t last, uint64_t kend,
		       struct pagescan_result *res, struct view_err *err)
{
	struct pagescan_opts so = {0};

	so.emit = on_run;
	so.ctx = ps;
	so.hi = last < kend ? last : kend;
	return view_pages_scan(root, &so, o->progress, o->progress_data, res,
			       err);
}

int view_ranges(struct root *root, const struct ranges_opts *o,
		struct doc **ret, struct view_err *err)
{
	struct pieces ps = {0};
	struct pagescan_result res;
	struct zoneinfo zi = {0};
	struct source_err se, zse = {0};
	struct iomem io;
	uint64_t pgsz, last = 0, kend = 0;
	char line[400];
	bool have_zi;
	int r;

	r = iomem_read(root, &io, &se);
	if (r < 0) {
		source_err_format(&se, line, sizeof(line));
		return view_fail(err, r, "%s", line);
	}
	if (io.addr_hidden) {
		iomem_release(&io);
		return view_fail(err, -EPERM,
				 "'/proc/iomem' shows addresses to root only; "
				 "'memtally usage' gives the totals without "
				 "them");
	}
	have_zi = zoneinfo_read(root, &zi, &zse) == 0;
	if (!have_zi)
		memset(&zi, 0, sizeof(zi));
	pgsz = view_pages_page_size(root);
	ps.zi = &zi;
	/* cut at the end of the kpage files too: a captured slice says
	 * nothing of the ranges above it */
	if (pagescan_pfn_end(root, &kend, &se) < 0) {
		/* let the scan say why, in its words */
		struct pagescan_opts o0 = {0};

		r = view_pages_scan(root, &o0, o->progress, o->progress_data,
				    &res, err);
		if (r == 0)
			r = view_fail(err, -EIO, "cannot read the page files");
		goto out;
	}
	build_pieces(&ps, &io, pgsz, kend, &last);
	if (ps.n == 0) {
		r = view_fail(err, -ENOENT,
			      "'/proc/iomem' has no System RAM range");
		goto out;
	}
	r = scan_pieces(root, o, &ps, last, kend, &res, err);
	if (r == 0)
		*ret = ranges_doc(&ps, &zi, have_zi, &zse, pgsz, last, &res);
out:
	free(ps.v);
	iomem_release(&io);
	if (have_zi)
		zoneinfo_release(&zi);
	return r;
}
