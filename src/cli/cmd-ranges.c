/* `memtally ranges`: RAMMap's Physical Ranges, with what each holds.
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

#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../sources/iomem.h"
#include "../sources/zoneinfo.h"
#include "pages.h"

const char cmd_ranges_help[] =
    "Usage: memtally ranges\n"
    "\n"
    "Physical memory ranges, as RAMMap's Physical Ranges tab: every\n"
    "System RAM range of /proc/iomem, cut at zone boundaries\n"
    "(/proc/zoneinfo), and the gaps between them, each with its node,\n"
    "zone, and its pages by use from the page flags (/proc/kpageflags;\n"
    "root only). Then each zone: the PFNs it spans, the RAM present in it,\n"
    "the pages the allocator manages, and what the flags say the rest is.\n"
    "\n"
    "Columns: FREE free blocks and sections not yet initialised; ANON\n"
    "anonymous, THP and KSM; FILE page cache; SHMEM tmpfs and shared\n"
    "memory; SLAB; KERNEL pages with no flag, page tables, the zero page;\n"
    "RESERVED pages the kernel kept at boot; HOLE PFNs with no RAM.\n";

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

int cmd_ranges(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	struct pieces ps = {0};
	struct pagescan_opts so = {0};
	struct pagescan_result res;
	struct zoneinfo zi;
	struct iomem io;
	struct source_err se;
	struct table *rt = NULL, *zt = NULL;
	json_object *jr = NULL;
	struct root *root;
	uint64_t pgsz, last = 0, kend = 0;
	char line[400];
	int c, r, rc = EXIT_FAIL;
	bool have_zi;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	if (iomem_read(root, &io, &se) < 0) {
		source_err_format(&se, line, sizeof(line));
		log_error("%s", line);
		return EXIT_FAIL;
	}
	if (io.addr_hidden) {
		log_error("'/proc/iomem' shows addresses to root only; "
			  "'memtally usage' gives the totals without them");
		iomem_release(&io);
		return EXIT_FAIL;
	}
	have_zi = zoneinfo_read(root, &zi, &se) == 0;
	if (!have_zi)
		memset(&zi, 0, sizeof(zi));
	pgsz = pages_page_size(ctx);
	ps.zi = &zi;
	/* cut at the end of the kpage files too: a captured slice says
	 * nothing of the ranges above it */
	if (pagescan_pfn_end(root, &kend, &se) < 0) {
		/* let the scan say why, in its words */
		struct pagescan_opts o0 = {0};

		pages_scan(ctx, &o0, &res);
		goto out;
	}

	/* System RAM ranges and the gaps between them, in address order */
	for (size_t i = 0; i < io.n; i++) {
		const struct iomem_range *g = &io.ranges[i];
		uint64_t s = g->start / pgsz, e = (g->end + 1) / pgsz;

		if (g->depth != 0 || !streq(g->name, "System RAM"))
			continue;
		if (s > last)
			add_split(&ps, last, s,
				  iomem_name_at(&io, last * pgsz + pgsz - 1),
				  kend);
		add_split(&ps, s, e, "System RAM", kend);
		if (e > last)
			last = e;
	}
	if (ps.n == 0) {
		log_error("'/proc/iomem' has no System RAM range");
		goto out;
	}
	so.emit = on_run;
	so.ctx = &ps;
	so.hi = last < kend ? last : kend;
	if (pages_scan(ctx, &so, &res) < 0)
		goto out;

	jr = json_object_new_array();
	rt = table_new(NULL);
	table_add_col(rt, "START", "start", COL_STR);
	table_add_col(rt, "END", "end", COL_STR);
	table_add_col(rt, "SIZE", "bytes", COL_BYTES);
	table_add_col(rt, "NODE", "node", COL_COUNT);
	table_add_col(rt, "ZONE", "zone", COL_STR);
	table_add_col(rt, "TYPE", "type", COL_STR);
	for (int g = 0; g < _G_MAX; g++)
		table_add_col(rt, group_cols[g][0], group_cols[g][1],
			      COL_BYTES);
	for (size_t i = 0; i < ps.n; i++) {
		const struct piece *pc = &ps.v[i];
		size_t row = table_add_row(rt);
		char a[24], b[24];
		bool scanned = pc->end <= res.pfn_end;

		snprintf(a, sizeof(a), "%#" PRIx64, pc->start * pgsz);
		snprintf(b, sizeof(b), "%#" PRIx64, pc->end * pgsz - 1);
		table_set_str(rt, row, 0, a);
		table_set_str(rt, row, 1, b);
		table_set_u64(rt, row, 2, (pc->end - pc->start) * pgsz);
		if (pc->zone >= 0) {
			table_set_u64(rt, row, 3, zi.zones[pc->zone].node);
			table_set_str(rt, row, 4, zi.zones[pc->zone].zone);
		} else {
			table_set_str(rt, row, 4, "-");
		}
		table_set_str(rt, row, 5, pc->kind);
		for (int g = 0; g < _G_MAX; g++)
			table_set_u64(rt, row, 6 + g,
				      scanned ? pc->pages[g] * pgsz
					      : VAL_ABSENT);
		{
			json_object *o = json_object_new_object(), *u = NULL;

			json_object_object_add(
			    o, "start",
			    json_object_new_uint64(pc->start * pgsz));
			json_object_object_add(
			    o, "end",
			    json_object_new_uint64(pc->end * pgsz - 1));
			json_object_object_add(
			    o, "bytes",
			    json_object_new_uint64((pc->end - pc->start) *
						   pgsz));
			json_object_object_add(
			    o, "node",
			    pc->zone >= 0 ? json_object_new_int(
						(int)zi.zones[pc->zone].node)
					  : NULL);
			json_object_object_add(
			    o, "zone",
			    pc->zone >= 0 ? json_object_new_string(
						zi.zones[pc->zone].zone)
					  : NULL);
			json_object_object_add(
			    o, "type", json_object_new_string(pc->kind));
			if (scanned) {
				u = json_object_new_object();
				for (int g = 0; g < _G_MAX; g++)
					json_object_object_add(
					    u, group_cols[g][1],
					    json_object_new_uint64(
						pc->pages[g] * pgsz));
			}
			json_object_object_add(o, "by_use", u);
			json_object_array_add(jr, o);
		}
	}
	if (res.pfn_end < last)
		table_add_note(rt,
			       "the kpage files end at PFN %#" PRIx64
			       ": ranges above show n/a",
			       res.pfn_end);
	if (!have_zi)
		table_add_note(
		    rt, "zones unavailable: %s",
		    (source_err_format(&se, line, sizeof(line)), line));
	pages_add_notes(rt, &res);

	zt = table_new(NULL);
	table_add_col(zt, "NODE", "node", COL_COUNT);
	table_add_col(zt, "ZONE", "zone", COL_STR);
	table_add_col(zt, "START PFN", "start_pfn", COL_COUNT);
	table_add_col(zt, "SPANNED", "spanned_bytes", COL_BYTES);
	table_add_col(zt, "PRESENT", "present_bytes", COL_BYTES);
	table_add_col(zt, "MANAGED", "managed_bytes", COL_BYTES);
	table_add_col(zt, "PRESENT-MANAGED", "unmanaged_bytes", COL_BYTES);
	table_add_col(zt, "RESERVED", "reserved_bytes", COL_BYTES);
	table_add_col(zt, "UNINIT", "uninit_bytes", COL_BYTES);
	for (size_t z = 0; have_zi && z < zi.n_zones; z++) {
		const struct zoneinfo_zone *zz = &zi.zones[z];
		uint64_t reserved = 0, uninit = 0;
		bool seen = false;
		size_t row;

		if (!val_has(zz->spanned) || zz->spanned == 0 ||
		    !val_has(zz->start_pfn))
			continue;
		row = table_add_row(zt);
		table_set_u64(zt, row, 0, zz->node);
		table_set_str(zt, row, 1, zz->zone);
		table_set_u64(zt, row, 2, zz->start_pfn);
		table_set_u64(zt, row, 3, zz->spanned * pgsz);
		table_set_u64(zt, row, 4,
			      val_has(zz->present) ? zz->present * pgsz
						   : VAL_ABSENT);
		table_set_u64(zt, row, 5,
			      val_has(zz->managed) ? zz->managed * pgsz
						   : VAL_ABSENT);
		if (val_has(zz->present) && val_has(zz->managed) &&
		    zz->present >= zz->managed)
			table_set_u64(zt, row, 6,
				      (zz->present - zz->managed) * pgsz);
		/* the zone's pieces hold what the scan found in it (RAM
		 * only: holes inside a zone's span are neither) */
		for (size_t i = 0; i < ps.n; i++) {
			if (ps.v[i].zone != (long)z)
				continue;
			if (ps.v[i].end > res.pfn_end) {
				seen = false;
				break;
			}
			seen = true;
			reserved += ps.v[i].pages[G_RESERVED];
			uninit += ps.v[i].uninit;
		}
		if (seen) {
			table_set_u64(zt, row, 7, reserved * pgsz);
			table_set_u64(zt, row, 8, uninit * pgsz);
		}
	}
	table_add_note(zt, "PRESENT-MANAGED is RAM the allocator was not "
			   "given: pages reserved at boot, plus, on kernels "
			   "that defer struct page init, sections not yet "
			   "initialised (UNINIT)");

	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "page_size",
				       json_object_new_uint64(pgsz));
		json_object_object_add(o, "ranges", json_object_get(jr));
		json_object_object_add(o, "zones", table_json_rows(zt));
		json_object_object_add(o, "notes", table_json_notes(rt));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		puts("Physical ranges (/proc/iomem System RAM, cut at zones):");
		table_print(rt, stdout, &ctx->out);
		puts("\nZones (/proc/zoneinfo) and what the page flags say:");
		table_print(zt, stdout, &ctx->out);
	}
	rc = EXIT_OK;
out:
	json_object_put(jr);
	table_free(rt);
	table_free(zt);
	free(ps.v);
	iomem_release(&io);
	if (have_zi)
		zoneinfo_release(&zi);
	return rc;
}
