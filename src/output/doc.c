/* The document model: an ordered list of typed items; see doc.h.
 *
 * The one piece of logic here is the line formatter. A view writes
 * doc_add_line(d, NULL, "Memory: %B total", total) without knowing
 * whether the line will be read by a person (human size, or the exact
 * number with --bytes) or a program: the line is kept as segments, text
 * and sizes, and rendered late. The formatter walks the format once; each
 * ordinary conversion is handed to snprintf with its own spec and the
 * argument taken with the type its length modifier names, so printf's
 * semantics hold for everything but %B and %D. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "doc-priv.h"
#include "table-priv.h"

struct doc *doc_new(void)
{
	return xcalloc(1, sizeof(struct doc));
}

static void item_release(struct doc_item *it)
{
	free(it->key);
	free(it->label);
	free(it->s);
	table_free(it->table);
	doc_free(it->section);
	for (size_t i = 0; i < it->nsegs; i++)
		free(it->segs[i].text);
	free(it->segs);
	for (size_t i = 0; i < it->nstrs; i++)
		free(it->strs[i]);
	free(it->strs);
	if (it->fill_free)
		it->fill_free(it->fill_ctx);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nitems; i++)
		item_release(&d->items[i]);
	free(d->items);
	free(d);
}

static struct doc_item *add(struct doc *d, enum doc_kind kind, const char *key,
			    const char *label)
{
	struct doc_item *it;

	d->items =
	    xgrow(d->items, &d->items_alloc, d->nitems + 1, sizeof(*d->items));
	it = &d->items[d->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->key = key ? xstrdup(key) : NULL;
	it->label = label ? xstrdup(label) : NULL;
	return it;
}

struct table *doc_add_table(struct doc *d, const char *key, struct table *t)
{
	add(d, DOC_TABLE, key, NULL)->table = t;
	return t;
}

struct table *doc_add_json_table(struct doc *d, const char *key,
				 struct table *t)
{
	struct doc_item *it = add(d, DOC_TABLE, key, NULL);

	it->table = t;
	it->json_only = true;
	return t;
}

void doc_add_stream(struct doc *d, const char *key, struct table *t,
		    doc_stream_fn fill, void *ctx, void (*ctx_free)(void *))
{
	struct doc_item *it = add(d, DOC_TABLE, key, NULL);

	it->table = t;
	it->fill = fill;
	it->fill_ctx = ctx;
	it->fill_free = ctx_free;
}

bool doc_has_stream(const struct doc *d)
{
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i].fill)
			return true;
	return false;
}

void doc_stream_flush(struct doc_stream *s)
{
	if (s->t->nrows == 0)
		return;
	if (s->json)
		json_stream_rows(s);
	else
		text_stream_rows(s);
	s->rows += s->t->nrows;
	table_clear_rows(s->t);
}

int doc_stream_run(struct doc_stream *s, char *err, size_t errlen)
{
	struct doc_item *it = &s->d->items[s->index];
	int r;

	s->t = it->table;
	r = it->fill(it->fill_ctx, s->d, s->t, s, err, errlen);
	if (r < 0)
		return -ECANCELED;
	doc_stream_flush(s);
	if (!s->started) /* no row: what comes before them, and a header */
		s->json ? json_stream_rows(s) : text_stream_rows(s);
	return 0;
}

struct doc *doc_add_section(struct doc *d, const char *key)
{
	struct doc *s = doc_new();

	add(d, DOC_SECTION, key, NULL)->section = s;
	return s;
}

struct doc *doc_add_list(struct doc *d, const char *key)
{
	struct doc *s = doc_add_section(d, key);

	s->list = true;
	return s;
}

void doc_add_doc(struct doc *d, const char *key, struct doc *sub)
{
	add(d, DOC_SECTION, key, NULL)->section = sub;
}

const struct table *doc_find_table(const struct doc *d, const char *key)
{
	for (size_t i = 0; i < d->nitems; i++) {
		const struct doc_item *it = &d->items[i];
		const struct table *t;

		if (it->kind == DOC_TABLE && it->table && it->key &&
		    streq(it->key, key))
			return it->table;
		if (it->kind == DOC_SECTION) {
			t = doc_find_table(it->section, key);
			if (t)
				return t;
		}
	}
	return NULL;
}

static struct doc_item *value(struct doc *d, const char *key, const char *label,
			      enum doc_vtype t)
{
	struct doc_item *it = add(d, DOC_VALUE, key, label);

	it->vtype = t;
	return it;
}

void doc_add_bytes(struct doc *d, const char *key, const char *label,
		   uint64_t v)
{
	if (!val_has(v))
		doc_add_null(d, key, label, NULL);
	else
		value(d, key, label, DV_BYTES)->u = v;
}

void doc_add_sbytes(struct doc *d, const char *key, const char *label,
		    int64_t v)
{
	value(d, key, label, DV_SBYTES)->i = v;
}

void doc_add_count(struct doc *d, const char *key, const char *label,
		   uint64_t v)
{
	if (!val_has(v))
		doc_add_null(d, key, label, NULL);
	else
		value(d, key, label, DV_COUNT)->u = v;
}

void doc_add_scount(struct doc *d, const char *key, const char *label,
		    int64_t v)
{
	value(d, key, label, DV_SCOUNT)->i = v;
}

void doc_add_double(struct doc *d, const char *key, const char *label, double v)
{
	doc_add_decimal(d, key, label, v, 2);
}

void doc_add_decimal(struct doc *d, const char *key, const char *label,
		     double v, int decimals)
{
	struct doc_item *it = value(d, key, label, DV_DOUBLE);

	it->d = v;
	it->decimals = decimals < 0 ? 0 : decimals > 17 ? 17 : decimals;
}

void doc_add_pct(struct doc *d, const char *key, const char *label, double v)
{
	value(d, key, label, DV_PCT)->d = v;
}

void doc_add_duration(struct doc *d, const char *key, const char *label,
		      double seconds)
{
	value(d, key, label, DV_DURATION)->d = seconds;
}

void doc_add_str(struct doc *d, const char *key, const char *label,
		 const char *s)
{
	if (!s)
		doc_add_null(d, key, label, NULL);
	else
		value(d, key, label, DV_STR)->s = xstrdup(s);
}

void doc_add_bool(struct doc *d, const char *key, const char *label, bool b)
{
	value(d, key, label, DV_BOOL)->b = b;
}

void doc_add_null(struct doc *d, const char *key, const char *label,
		  const char *why)
{
	value(d, key, label, DV_NULL)->s = why ? xstrdup(why) : NULL;
}

void doc_add_json(struct doc *d, const char *key, const char *json)
{
	if (!json)
		doc_add_null(d, key, NULL, NULL);
	else
		value(d, key, NULL, DV_JSON)->s = xstrdup(json);
}

void doc_add_blank(struct doc *d)
{
	add(d, DOC_BLANK, NULL, NULL);
}

void doc_add_note(struct doc *d, const char *fmt, ...)
{
	struct doc_item *it;
	va_list ap;

	if (d->nnotes >= TABLE_MAX_NOTES) {
		it = &d->items[d->last_note];
		free(it->s);
		d->notes_dropped++;
		if (asprintf(&it->s, "(%zu more notes left out)",
			     d->notes_dropped + 1) < 0)
			it->s = xstrdup("(more notes)");
		return;
	}
	it = add(d, DOC_NOTE, NULL, NULL);
	d->nnotes++;
	d->last_note = d->nitems - 1;

	va_start(ap, fmt);
	if (vasprintf(&it->s, fmt, ap) < 0)
		it->s = xstrdup("");
	va_end(ap);
}

void doc_add_notes(struct doc *d, const char *key)
{
	add(d, DOC_NOTES, key, NULL);
}

void doc_add_strings(struct doc *d, const char *key, const char *const *v,
		     size_t n)
{
	struct doc_item *it = add(d, DOC_STRINGS, key, NULL);

	it->strs = xcalloc(n ? n : 1, sizeof(*it->strs));
	for (size_t i = 0; i < n; i++)
		it->strs[i] = xstrdup(v[i]);
	it->nstrs = n;
}

/* --- lines ------------------------------------------------------------ */

struct segbuf {
	struct doc_seg *segs;
	size_t n, alloc;
	char *text; /* the literal text being gathered */
	size_t tlen, talloc;
};

static void seg_text(struct segbuf *b, const char *s, size_t len)
{
	b->text = xgrow(b->text, &b->talloc, b->tlen + len + 1, 1);
	memcpy(b->text + b->tlen, s, len);
	b->tlen += len;
	b->text[b->tlen] = '\0';
}

static void seg_flush(struct segbuf *b)
{
	if (!b->tlen)
		return;
	b->segs = xgrow(b->segs, &b->alloc, b->n + 1, sizeof(*b->segs));
	b->segs[b->n++] = (struct doc_seg){.text = xstrndup(b->text, b->tlen)};
	b->tlen = 0;
}

static void seg_size(struct segbuf *b, bool sign, uint64_t u, int64_t i)
{
	seg_flush(b);
	b->segs = xgrow(b->segs, &b->alloc, b->n + 1, sizeof(*b->segs));
	b->segs[b->n++] =
	    (struct doc_seg){.size = true, .sign = sign, .u = u, .i = i};
}

/* The format handed to snprintf is a piece of the view's literal format,
 * taken apart above: not user input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* One ordinary conversion: spec is "%...c"; take the argument its length
 * modifier and conversion name, and format it. */
static void conv_one(struct segbuf *b, const char *spec, size_t speclen,
		     va_list *ap)
{
	char fmt[32], out[512];
	char conv = spec[speclen - 1];
	int star[2], nstar = 0;
	bool l = false, ll = false, z = false, j = false;

	if (speclen >= sizeof(fmt))
		return;
	memcpy(fmt, spec, speclen);
	fmt[speclen] = '\0';
	for (size_t k = 1; k + 1 < speclen; k++) {
		if (spec[k] == '*' && nstar < 2)
			star[nstar++] = va_arg(*ap, int);
		else if (spec[k] == 'l' && l)
			ll = true;
		else if (spec[k] == 'l')
			l = true;
		else if (spec[k] == 'z')
			z = true;
		else if (spec[k] == 'j')
			j = true;
	}
#define EMIT(v)                                                                \
	(nstar == 2   ? snprintf(out, sizeof(out), fmt, star[0], star[1], v)   \
	 : nstar == 1 ? snprintf(out, sizeof(out), fmt, star[0], v)            \
		      : snprintf(out, sizeof(out), fmt, v))
	switch (conv) {
	case 'd':
	case 'i':
		if (ll || j)
			EMIT(va_arg(*ap, long long));
		else if (l || z)
			EMIT(va_arg(*ap, long));
		else
			EMIT(va_arg(*ap, int));
		break;
	case 'u':
	case 'x':
	case 'X':
		if (ll || j)
			EMIT(va_arg(*ap, unsigned long long));
		else if (l || z)
			EMIT(va_arg(*ap, unsigned long));
		else
			EMIT(va_arg(*ap, unsigned int));
		break;
	case 'c':
		EMIT(va_arg(*ap, int));
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);

		EMIT(s ? s : "(null)");
		break;
	}
	case 'f':
	case 'g':
	case 'e':
		EMIT(va_arg(*ap, double));
		break;
	default:
		snprintf(out, sizeof(out), "%s", fmt);
	}
#undef EMIT
	seg_text(b, out, strlen(out));
}
#pragma GCC diagnostic pop

static void line_parse(struct segbuf *b, const char *fmt, va_list *ap)
{
	const char *p = fmt;

	while (*p) {
		const char *q = strchr(p, '%');
		size_t n;

		if (!q) {
			seg_text(b, p, strlen(p));
			break;
		}
		seg_text(b, p, (size_t)(q - p));
		if (q[1] == '%') {
			seg_text(b, "%", 1);
			p = q + 2;
			continue;
		}
		if (q[1] == 'B') {
			seg_size(b, false, va_arg(*ap, uint64_t), 0);
			p = q + 2;
			continue;
		}
		if (q[1] == 'D') {
			seg_size(b, true, 0, va_arg(*ap, int64_t));
			p = q + 2;
			continue;
		}
		n = 1 + strspn(q + 1, "-+ #0123456789.*hlzj");
		if (!q[n])
			break;
		conv_one(b, q, n + 1, ap);
		p = q + n + 1;
	}
	seg_flush(b);
	free(b->text);
}

void doc_add_line(struct doc *d, const char *key, const char *fmt, ...)
{
	struct doc_item *it = add(d, DOC_LINE, key, NULL);
	struct segbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	line_parse(&b, fmt, &ap);
	va_end(ap);
	it->segs = b.segs;
	it->nsegs = b.n;
}

char *doc_line_text(const struct doc_item *it, bool bytes)
{
	struct segbuf b = {0};
	char buf[64];

	seg_text(&b, "", 0);
	for (size_t i = 0; i < it->nsegs; i++) {
		const struct doc_seg *s = &it->segs[i];

		if (!s->size) {
			seg_text(&b, s->text, strlen(s->text));
			continue;
		}
		if (s->sign && bytes)
			snprintf(buf, sizeof(buf), "%+lld", (long long)s->i);
		else if (s->sign)
			human_bytes_signed(s->i, buf, sizeof(buf));
		else if (!val_has(s->u))
			snprintf(buf, sizeof(buf), "n/a");
		else if (bytes)
			snprintf(buf, sizeof(buf), "%llu",
				 (unsigned long long)s->u);
		else
			human_bytes(s->u, buf, sizeof(buf));
		seg_text(&b, buf, strlen(buf));
	}
	return b.text;
}

int doc_render(const struct doc *d, FILE *f, const struct out_opts *o,
	       char *err, size_t errlen)
{
	if (o->json)
		return doc_render_json(d, f, o->compact, err, errlen);
	return doc_render_text(d, f, o, err, errlen);
}
