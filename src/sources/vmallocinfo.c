/* /proc/vmallocinfo parser and reader.
 *
 * Kernel side: mm/vmalloc.c (vmalloc_info_show, show_numa_info,
 * show_purge_info); documented in Documentation/filesystems/proc.rst
 * ("vmallocinfo"). One line per area:
 *   0xffffc90000000000-0xffffc90000005000   20480 kernel_clone+0x94/0x3e0
 *       pages=4 vmalloc N0=4
 *   0x...-0x...    8192 acpi_os_map_iomem+0x1bc/0x1e0 phys=0x9f000 ioremap
 *   0x...-0x...   20480 unpurged vm_area          (5.13+, lazily freed)
 *   0x...-0x...   16384 vm_map_ram                (no caller)
 * The caller is printed with %pS: "func+0xoff/0xsize", followed by
 * " [module]" for module code, or a bare address with no symbol. Flag words
 * seen: ioremap, sparse (6.9+), vmalloc, vmap, user, dma-coherent (5.7+),
 * vpages (the page array itself is vmalloc'ed); N<node>=<pages> per node
 * when NUMA is built in. Unknown words are ignored (newer kernels).
 * The file is 0400 root. Addresses are printed with %pK: hashed (as on
 * 6.18 with kptr_restrict=0, so end < start happens), zero when
 * kptr_restrict hides them, and our fixtures zero them on capture. They
 * are kept but never checked against the size column.
 *
 * Only pages=N holds RAM: N pages. The size column is address space, and
 * includes the guard page (size = (N + 1) pages for a plain vmalloc). */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "sources.h"
#include "vmallocinfo.h"

void vmallocinfo_release(struct vmallocinfo *vi)
{
	for (size_t i = 0; i < vi->n_areas; i++) {
		free(vi->areas[i].func);
		free(vi->areas[i].module);
	}
	free(vi->areas);
	vi->areas = NULL;
	vi->n_areas = 0;
}

static const struct {
	const char *word;
	unsigned flag;
} flag_words[] = {
    {"vmalloc", VMF_VMALLOC},
    {"vmap", VMF_VMAP},
    {"ioremap", VMF_IOREMAP},
    {"user", VMF_USER},
    {"vpages", VMF_VPAGES},
    {"sparse", VMF_SPARSE},
    {"dma-coherent", VMF_DMA_COHERENT},
};

/* "0xA-0xB" */
static int parse_range(struct span s, uint64_t *a, uint64_t *b)
{
	const char *dash = memchr(s.p, '-', s.len);
	struct span x, y;

	if (!dash)
		return -EINVAL;
	x.p = s.p;
	x.len = (size_t)(dash - s.p);
	y.p = dash + 1;
	y.len = s.len - x.len - 1;
	if (!span_startswith(x, "0x") || !span_startswith(y, "0x"))
		return -EINVAL;
	if (span_x64(x, a) < 0 || span_x64(y, b) < 0)
		return -EINVAL;
	return 0;
}

/* "func+0x94/0x3e0" -> func, 0x94; a bare "0xffff..." -> itself. */
static int parse_caller(struct span s, struct vmalloc_area *a)
{
	const char *plus = memchr(s.p, '+', s.len);
	struct span off;
	const char *slash;

	if (!plus) {
		a->func = xstrndup(s.p, s.len);
		return 0;
	}
	off.p = plus + 1;
	off.len = s.len - (size_t)(off.p - s.p);
	slash = memchr(off.p, '/', off.len);
	if (slash)
		off.len = (size_t)(slash - off.p);
	if (plus == s.p || span_x64(off, &a->offset) < 0)
		return -EINVAL;
	a->func = xstrndup(s.p, (size_t)(plus - s.p));
	return 0;
}

static bool looks_like_caller(struct span s)
{
	return memchr(s.p, '+', s.len) ||
	       (span_startswith(s, "0x") && !memchr(s.p, '=', s.len));
}

static int parse_area(struct span line, unsigned lineno, struct vmalloc_area *a,
		      struct parse_err *err)
{
	struct span f[32];
	size_t nf, i = 2;
	int r;

	memset(a, 0, sizeof(*a));
	a->offset = VAL_ABSENT;
	a->pages = VAL_ABSENT;
	a->phys = VAL_ABSENT;
	nf = span_fields(line, f, ELEMENTSOF(f));
	if (nf < 2)
		return parse_fail(err, lineno, "no address range and size");
	if (parse_range(f[0], &a->start, &a->end) < 0)
		return parse_fail(err, lineno, "'%.*s' is not 0xSTART-0xEND",
				  (int)f[0].len, f[0].p);
	r = span_u64(f[1], &a->size);
	if (r < 0)
		return parse_fail_errno(err, r, lineno,
					"size '%.*s' is not a number",
					(int)f[1].len, f[1].p);
	if (i < nf && span_eq(f[i], "unpurged")) {
		a->flags |= VMF_UNPURGED;
		return 0;
	}
	if (i < nf && span_eq(f[i], "vm_map_ram")) {
		a->flags |= VMF_VM_MAP_RAM;
		return 0;
	}
	if (i < nf && looks_like_caller(f[i])) {
		if (parse_caller(f[i], a) < 0)
			return parse_fail(err, lineno,
					  "caller '%.*s' is not func+0xOFF",
					  (int)f[i].len, f[i].p);
		i++;
		if (i < nf && f[i].len >= 2 && f[i].p[0] == '[' &&
		    f[i].p[f[i].len - 1] == ']') {
			a->module = xstrndup(f[i].p + 1, f[i].len - 2);
			i++;
		}
	}
	for (; i < nf; i++) {
		struct span v = f[i];

		if (span_startswith(v, "pages=")) {
			v.p += 6;
			v.len -= 6;
			r = span_u64(v, &a->pages);
			if (r < 0)
				return parse_fail_errno(err, r, lineno,
							"bad pages= value");
			if (mul_u64(a->pages, 65536, &(uint64_t){0}) < 0)
				return parse_fail_errno(err, -ERANGE, lineno,
							"pages= too large");
			continue;
		}
		if (span_startswith(v, "phys=")) {
			v.p += 5;
			v.len -= 5;
			if (span_x64(v, &a->phys) < 0)
				return parse_fail(err, lineno,
						  "bad phys= value");
			continue;
		}
		for (size_t k = 0; k < ELEMENTSOF(flag_words); k++)
			if (span_eq(v, flag_words[k].word))
				a->flags |= flag_words[k].flag;
		/* N0=4 and words of newer kernels: ignored */
	}
	return 0;
}

int vmallocinfo_parse(const char *buf, size_t len, struct vmallocinfo *ret,
		      struct parse_err *err)
{
	struct vmallocinfo vi = {0};
	size_t alloc = 0;
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		if (span_trim(line).len == 0)
			continue;
		vi.areas =
		    xgrow(vi.areas, &alloc, vi.n_areas + 1, sizeof(*vi.areas));
		r = parse_area(line, it.lineno, &vi.areas[vi.n_areas], err);
		if (r < 0) {
			free(vi.areas[vi.n_areas].func);
			free(vi.areas[vi.n_areas].module);
			goto fail;
		}
		vi.n_areas++;
	}
	*ret = vi;
	return 0;
fail:
	vmallocinfo_release(&vi);
	return r;
}

uint64_t vmallocinfo_page_size(const struct vmallocinfo *vi)
{
	/* votes for 4 KiB .. 64 KiB pages */
	size_t votes[5] = {0}, n = 0, best = 0;

	for (size_t i = 0; i < vi->n_areas; i++) {
		const struct vmalloc_area *a = &vi->areas[i];
		uint64_t ps;

		if (!val_has(a->pages) || a->pages == 0 ||
		    !(a->flags & VMF_VMALLOC))
			continue;
		n++;
		if (a->size % (a->pages + 1))
			continue;
		ps = a->size / (a->pages + 1);
		for (int k = 0; k < 5; k++)
			if (ps == UINT64_C(4096) << k)
				votes[k]++;
	}
	for (int k = 1; k < 5; k++)
		if (votes[k] > votes[best])
			best = (size_t)k;
	if (n == 0 || votes[best] * 2 <= n)
		return 0;
	return UINT64_C(4096) << best;
}

SOURCE_DEFINE_FILE(vmallocinfo, "proc/vmallocinfo", SRC_VMALLOCINFO, NEEDS_ROOT,
		   "vmalloc areas: caller, pages held, ioremap/vmap");
