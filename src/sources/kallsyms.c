/* /proc/kallsyms parser, reader and address lookup.
 *
 * Format: one symbol a line, "ADDRESS TYPE NAME" with a tab and
 * "[MODULE]" after the name for module symbols:
 *   ffffffff816c68e0 t anon_pipe_write
 *   ffffffffc0a01230 t foo_rx_alloc	[foo]
 * The file is big (over 100,000 lines), so the parser makes one copy of
 * the buffer and points the names into it instead of allocating a string
 * per symbol, then sorts the text symbols by address once. A lookup is a
 * binary search for the last symbol at or below the address.
 *
 * Strictness: a line needs an address, a one-letter type and a name; a
 * module must be bracketed. Symbols of other types (data, absolute) are
 * skipped: a call site is always in text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "kallsyms.h"

void kallsyms_release(struct kallsyms *k)
{
	free(k->syms);
	free(k->text);
	k->syms = NULL;
	k->text = NULL;
	k->n = 0;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* same address: the kernel's own symbol before a module's, then by
	 * name, so the order (and the name shown) is stable */
	if (!x->module != !y->module)
		return x->module ? 1 : -1;
	return strcmp(x->name, y->name);
}

static bool is_text_type(char c)
{
	return c == 't' || c == 'T' || c == 'w' || c == 'W';
}

int kallsyms_parse(const char *buf, size_t len, struct kallsyms *ret,
		   struct parse_err *err)
{
	struct kallsyms k = {0};
	size_t alloc = 0;
	bool any_nonzero = false;
	struct line_iter it;
	struct span line;
	char *text;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	text = xmalloc(len + 1);
	memcpy(text, buf, len);
	text[len] = '\0';
	k.text = text;

	line_iter_init(&it, text, len);
	while (line_next(&it, &line)) {
		struct span f[4];
		uint64_t addr;
		struct ksym *s;
		char *name, *mod = NULL;
		size_t nf;

		if (span_trim(line).len == 0)
			continue;
		nf = span_fields(line, f, ELEMENTSOF(f));
		if (nf < 3) {
			r = parse_fail(err, it.lineno,
				       "expected 'ADDRESS TYPE NAME'");
			goto fail;
		}
		r = span_x64(f[0], &addr);
		if (r < 0) {
			r = parse_fail_errno(err, r, it.lineno,
					     "address '%.*s' is not hex",
					     (int)f[0].len, f[0].p);
			goto fail;
		}
		if (f[1].len != 1) {
			r = parse_fail(err, it.lineno,
				       "type '%.*s' is not one "
				       "letter",
				       (int)f[1].len, f[1].p);
			goto fail;
		}
		if (nf == 4) {
			if (f[3].len < 3 || f[3].p[0] != '[' ||
			    f[3].p[f[3].len - 1] != ']') {
				r = parse_fail(err, it.lineno,
					       "module '%.*s' is not in "
					       "brackets",
					       (int)f[3].len, f[3].p);
				goto fail;
			}
			mod = (char *)f[3].p + 1;
			mod[f[3].len - 2] = '\0';
		}
		if (addr)
			any_nonzero = true;
		if (!is_text_type(f[1].p[0]))
			continue;
		if (span_startswith(f[2], "__pfx_"))
			continue;
		/* the line is ours: terminate the name in place */
		name = (char *)f[2].p;
		name[f[2].len] = '\0';
		k.syms = xgrow(k.syms, &alloc, k.n + 1, sizeof(*k.syms));
		s = &k.syms[k.n++];
		s->addr = addr;
		s->name = name;
		s->module = mod;
	}
	if (k.n)
		qsort(k.syms, k.n, sizeof(*k.syms), cmp_ksym);
	k.hidden = !any_nonzero && k.n > 0;
	*ret = k;
	return 0;
fail:
	kallsyms_release(&k);
	return r;
}

static int kallsyms_parse_cb(const char *buf, size_t len, void *ret,
			     struct parse_err *err)
{
	return kallsyms_parse(buf, len, ret, err);
}

int kallsyms_read(struct root *root, struct kallsyms *ret,
		  struct source_err *err)
{
	return source_read_parse(root, "proc/kallsyms", kallsyms_parse_cb, ret,
				 err);
}

const struct ksym *kallsyms_lookup(const struct kallsyms *k, uint64_t addr,
				   uint64_t *ret_off)
{
	size_t lo = 0, hi = k->n;

	if (k->hidden || !k->n || addr < k->syms[0].addr)
		return NULL;
	/* invariant: syms[lo].addr <= addr; answer in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* several symbols at one address: report the first (sorted so
	 * that the kernel's own comes first) */
	while (lo > 0 && k->syms[lo - 1].addr == k->syms[lo].addr)
		lo--;
	if (ret_off)
		*ret_off = addr - k->syms[lo].addr;
	return &k->syms[lo];
}

const struct ksym *kallsyms_find(const struct kallsyms *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (streq(k->syms[i].name, name))
			return &k->syms[i];
	return NULL;
}

uint64_t kallsyms_end(const struct kallsyms *k, const struct ksym *sym)
{
	size_t i = (size_t)(sym - k->syms);

	for (size_t j = i + 1; j < k->n; j++)
		if (k->syms[j].addr > sym->addr)
			return k->syms[j].addr;
	return sym->addr + 1;
}

const char *kallsyms_format(const struct kallsyms *k, uint64_t addr, char *buf,
			    size_t n)
{
	uint64_t off = 0;
	const struct ksym *s = kallsyms_lookup(k, addr, &off);

	if (!s) {
		snprintf(buf, n, "0x%llx", (unsigned long long)addr);
		return NULL;
	}
	if (off)
		snprintf(buf, n, "%s+0x%llx", s->name, (unsigned long long)off);
	else
		snprintf(buf, n, "%s", s->name);
	return s->module;
}
