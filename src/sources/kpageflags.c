/* Flag names, symbolic printing and flag expressions for /proc/kpageflags.
 *
 * The kernel side is fs/proc/page.c, stable_page_flags(); the bits are in
 * include/uapi/linux/kernel-page-flags.h and explained in
 * Documentation/admin-guide/mm/pagemap.rst. Quirks by version:
 *   - 2.6.32 KSM, 3.4 THP, 3.18 BALLOON (renamed OFFLINE in 5.0), 4.0
 *     ZERO_PAGE, 4.3 IDLE (only with CONFIG_IDLE_PAGE_TRACKING), 4.18
 *     PGTABLE; an older kernel simply never sets them.
 *   - Since the folio conversion (5.17 onwards, complete in 6.x) the flags
 *     of a compound page's tail are those of its folio, so a THP tail says
 *     anonymous, lru, thp and compound_tail; before, a tail carried little
 *     more than compound_tail. The classifier counts tails with their head
 *     either way.
 *   - BUDDY, SLAB, PGTABLE, OFFLINE are page *types*, not flags. The
 *     kernel marks only a free block's first page PageBuddy, but
 *     stable_page_flags() reports BUDDY on every page of the block
 *     (is_free_buddy_page(); pagemap.rst still says "first page only",
 *     see model/pageclass.c). SLAB is on every page of a slab folio
 *     since 6.x (on the head only before).
 *   - ERROR is no longer set by any kernel (PG_error went in 6.9).
 *   - Bits 32-41 are raw kernel flags exported as they are: page-types
 *     hides them unless -r; we show them, named, because "reserved" and
 *     "mlocked" matter to an admin.
 * The letters are page-types', so a listing reads the same in both tools
 * (two of them clash there too: 'H' is compound_head and arch_2). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "kpageflags.h"

struct kpf_info {
	const char *name;
	char letter;
};

static const struct kpf_info info[64] = {
    [KPF_LOCKED] = {"locked", 'L'},
    [KPF_ERROR] = {"error", 'E'},
    [KPF_REFERENCED] = {"referenced", 'R'},
    [KPF_UPTODATE] = {"uptodate", 'U'},
    [KPF_DIRTY] = {"dirty", 'D'},
    [KPF_LRU] = {"lru", 'l'},
    [KPF_ACTIVE] = {"active", 'A'},
    [KPF_SLAB] = {"slab", 'S'},
    [KPF_WRITEBACK] = {"writeback", 'W'},
    [KPF_RECLAIM] = {"reclaim", 'I'},
    [KPF_BUDDY] = {"buddy", 'B'},
    [KPF_MMAP] = {"mmap", 'M'},
    [KPF_ANON] = {"anonymous", 'a'},
    [KPF_SWAPCACHE] = {"swapcache", 's'},
    [KPF_SWAPBACKED] = {"swapbacked", 'b'},
    [KPF_COMPOUND_HEAD] = {"compound_head", 'H'},
    [KPF_COMPOUND_TAIL] = {"compound_tail", 'T'},
    [KPF_HUGE] = {"huge", 'G'},
    [KPF_UNEVICTABLE] = {"unevictable", 'u'},
    [KPF_HWPOISON] = {"hwpoison", 'X'},
    [KPF_NOPAGE] = {"nopage", 'n'},
    [KPF_KSM] = {"ksm", 'x'},
    [KPF_THP] = {"thp", 't'},
    [KPF_OFFLINE] = {"offline", 'o'},
    [KPF_ZERO_PAGE] = {"zero_page", 'z'},
    [KPF_IDLE] = {"idle_page", 'i'},
    [KPF_PGTABLE] = {"pgtable", 'g'},
    [KPF_RESERVED] = {"reserved", 'r'},
    [KPF_MLOCKED] = {"mlocked", 'm'},
    [KPF_OWNER_2] = {"owner_2", 'd'},
    [KPF_PRIVATE] = {"private", 'P'},
    [KPF_PRIVATE_2] = {"private_2", 'p'},
    [KPF_OWNER_PRIVATE] = {"owner_private", 'O'},
    [KPF_ARCH] = {"arch", 'h'},
    [KPF_UNCACHED] = {"uncached", 'c'},
    [KPF_SOFTDIRTY] = {"softdirty", 'f'},
    [KPF_ARCH_2] = {"arch_2", 'H'},
    [KPF_ANON_EXCLUSIVE] = {"anon_exclusive", 'd'},
    [KPF_READAHEAD] = {"readahead", 'I'},
    [KPF_SLUB_FROZEN] = {"slub_frozen", 'A'},
    [KPF_SLUB_DEBUG] = {"slub_debug", 'E'},
    [KPF_FILE] = {"file", 'F'},
    [KPF_SWAP] = {"swap", 'w'},
    [KPF_MMAP_EXCLUSIVE] = {"mmap_exclusive", '1'},
};

/* Short names people type; page-types accepts prefixes of the long names,
 * we accept these few instead, exactly. */
static const struct {
	const char *alias;
	unsigned bit;
} aliases[] = {
    {"anon", KPF_ANON},		 {"zero", KPF_ZERO_PAGE},
    {"idle", KPF_IDLE},		 {"balloon", KPF_OFFLINE},
    {"head", KPF_COMPOUND_HEAD}, {"tail", KPF_COMPOUND_TAIL},
    {"hugetlb", KPF_HUGE},	 {"mappedtodisk", KPF_OWNER_2},
};

const char *kpf_name(unsigned bit)
{
	return bit < 64 ? info[bit].name : NULL;
}

char kpf_letter(unsigned bit)
{
	return bit < 64 ? info[bit].letter : 0;
}

int kpf_lookup(const char *name, size_t len)
{
	for (unsigned b = 0; b < 64; b++)
		if (info[b].name && strlen(info[b].name) == len &&
		    strncasecmp(info[b].name, name, len) == 0)
			return (int)b;
	for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
		if (strlen(aliases[i].alias) == len &&
		    strncasecmp(aliases[i].alias, name, len) == 0)
			return (int)aliases[i].bit;
	return -1;
}

uint64_t kpf_expand(uint64_t f)
{
	if ((f & KPF(ANON)) && (f & KPF(OWNER_2)))
		f ^= KPF(OWNER_2) | KPF(ANON_EXCLUSIVE);
	if (f & KPF(SLAB)) {
		if (f & KPF(ACTIVE))
			f ^= KPF(ACTIVE) | KPF(SLUB_FROZEN);
		if (f & KPF(ERROR))
			f ^= KPF(ERROR) | KPF(SLUB_DEBUG);
	}
	if ((f & (KPF(RECLAIM) | KPF(WRITEBACK))) == KPF(RECLAIM))
		f ^= KPF(RECLAIM) | KPF(READAHEAD);
	return f;
}

char *kpf_format(uint64_t flags, char *buf, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (unsigned b = 0; b < 64; b++) {
		int w;

		if (!(flags & (UINT64_C(1) << b)))
			continue;
		if (info[b].name)
			w = snprintf(buf + k, n - k, "%s%s", k ? "," : "",
				     info[b].name);
		else
			w = snprintf(buf + k, n - k, "%sbit%u", k ? "," : "",
				     b);
		if (w < 0 || (size_t)w >= n - k) {
			buf[k] = '\0';
			break;
		}
		k += (size_t)w;
	}
	return buf;
}

char *kpf_letters(uint64_t flags, char *buf, size_t n)
{
	size_t k = 0;

	for (unsigned b = 0; b < 64 && k + 1 < n; b++) {
		if (!info[b].letter)
			continue;
		buf[k++] = flags & (UINT64_C(1) << b) ? info[b].letter : '_';
	}
	if (n)
		buf[k < n ? k : n - 1] = '\0';
	return buf;
}

/* One name of an expression into its bit, or a parse error. */
static int expr_bit(const char *p, size_t len, struct parse_err *err,
		    uint64_t *ret)
{
	int b;

	if (len == 0)
		return parse_fail(err, 0, "empty flag name in expression");
	b = kpf_lookup(p, len);
	if (b < 0)
		return parse_fail(err, 0, "unknown page flag '%.*s'", (int)len,
				  p);
	*ret = UINT64_C(1) << b;
	return 0;
}

int kpf_expr_parse(const char *s, struct kpf_expr *ret, struct parse_err *err)
{
	struct kpf_expr e = {0};
	bool exact = false;
	uint64_t all = 0;
	const char *p = s;
	int r;

	if (!s || !*s)
		return parse_fail(err, 0, "empty flag expression");
	if (*p == '=') {
		exact = true;
		p++;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *bar = memchr(p, '|', len);
		bool neg = false;
		uint64_t bit = 0;

		if (e.n == KPF_EXPR_MAX)
			return parse_fail(err, 0,
					  "flag expression has more than %d "
					  "terms",
					  KPF_EXPR_MAX);
		if (len > 0 && *p == '~') {
			neg = true;
			p++;
			len--;
		}
		if (bar) {
			uint64_t mask = 0;
			const char *q = p, *qend = p + len;

			if (neg || exact)
				return parse_fail(err, 0,
						  "'|' cannot be combined "
						  "with '~' or '='");
			while (q <= qend) {
				const char *b2 =
				    memchr(q, '|', (size_t)(qend - q));
				size_t l2 =
				    b2 ? (size_t)(b2 - q) : (size_t)(qend - q);

				r = expr_bit(q, l2, err, &bit);
				if (r < 0)
					return r;
				mask |= bit;
				if (!b2)
					break;
				q = b2 + 1;
			}
			e.term[e.n].mask = mask;
			e.term[e.n].bits = KPF_EXPR_ANY;
			e.n++;
		} else {
			r = expr_bit(p, len, err, &bit);
			if (r < 0)
				return r;
			if (exact && neg)
				return parse_fail(err, 0,
						  "'~' has no meaning after "
						  "'='");
			all |= bit;
			e.term[e.n].mask = bit;
			e.term[e.n].bits = neg ? 0 : bit;
			e.n++;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (exact) {
		e.n = 1;
		e.term[0].mask = UINT64_MAX;
		e.term[0].bits = all;
	}
	*ret = e;
	return 0;
}

bool kpf_expr_match(const struct kpf_expr *e, uint64_t flags)
{
	for (size_t i = 0; i < e->n; i++) {
		if (e->term[i].bits == KPF_EXPR_ANY) {
			if (!(flags & e->term[i].mask))
				return false;
		} else if ((flags & e->term[i].mask) != e->term[i].bits) {
			return false;
		}
	}
	return true;
}
