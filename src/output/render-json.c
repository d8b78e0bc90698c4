/* The JSON renderer: documents and tables through json-c.
 *
 * The JSON contract (DESIGN.md section 3) lives here: every size is an
 * integer number of bytes, every count an integer, a figure that cannot
 * be had is null (its reason among the notes), doubles carry two
 * decimals so outputs are stable. Keys appear in the order the view
 * added them. This file, the store and the snapshot manifest are the only
 * places that call json-c. */
#include <json-c/json.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "doc-priv.h"
#include "render-json.h"
#include "table-priv.h"

static json_object *decimal_json(double d, int decimals)
{
	char b[64];

	snprintf(b, sizeof(b), "%.*f", decimals, d);
	return json_object_new_double_s(d, b);
}

/* The length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* A JSON string of s. JSON text must be UTF-8, and json-c copies bytes as
 * they are: a kernel name or file name that is not UTF-8 (a vmalloc
 * caller, a process name set with prctl) would make the whole document
 * invalid. Each byte that does not start a valid sequence becomes
 * U+FFFD, so the output always parses and the rest of the name stays. */
static json_object *jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, o = 0, len;
	json_object *j;
	char *buf;

	for (p = (const unsigned char *)s; *p; p += n)
		if (!(n = utf8_len(p)))
			break;
	if (!*p)
		return json_object_new_string(s);
	len = strlen(s);
	buf = xmalloc(len * 3 + 1);
	for (p = (const unsigned char *)s; *p;) {
		n = utf8_len(p);
		if (n) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	buf[o] = '\0';
	j = json_object_new_string(buf);
	free(buf);
	return j;
}

static json_object *double_json(double d)
{
	/* a stable, short rendering: 12.34, not 12.339999999999 */
	return decimal_json(d, 2);
}

static json_object *cell_json(const struct col *col, const struct cell *c)
{
	if (!c->present)
		return NULL;
	switch (col->type) {
	case COL_STR:
		return jstr(c->s ? c->s : "");
	case COL_JSON:
		return c->s ? json_tokener_parse(c->s) : NULL;
	case COL_BYTES:
	case COL_COUNT:
		if (c->neg)
			return json_object_new_int64(c->i);
		return json_object_new_uint64(c->u);
	case COL_SBYTES:
	case COL_SCOUNT:
		return json_object_new_int64(c->i);
	case COL_PCT:
	case COL_FLOAT:
	case COL_DURATION:
		return double_json(c->d);
	}
	return NULL;
}

/* Row r of t as a JSON object. */
static json_object *row_json(const struct table *t, size_t r)
{
	json_object *o = json_object_new_object();

	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].flags & COLF_TEXT_ONLY)
			continue;
		if ((t->cols[c].flags & COLF_JSON_OPTIONAL) &&
		    !t->rows[r].cells[c].present)
			continue;
		json_object_object_add(
		    o, t->cols[c].key,
		    cell_json(&t->cols[c], &t->rows[r].cells[c]));
	}
	return o;
}

json_object *table_json_rows(const struct table *t)
{
	json_object *arr = json_object_new_array();

	for (size_t r = 0; r < t->nrows; r++)
		if (!t->rows[r].text_only)
			json_object_array_add(arr, row_json(t, r));
	return arr;
}

/* A JSON value as compact text (NULL: "null"), malloc'd; takes o. */
static char *compact_text(json_object *o)
{
	char *s = xstrdup(
	    o ? json_object_to_json_string_ext(
		    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
	      : "null");

	json_object_put(o);
	return s;
}

char *table_json_text(const struct table *t)
{
	return compact_text(table_json_rows(t));
}

char *table_row_json_text(const struct table *t, size_t row)
{
	return compact_text(row_json(t, row));
}

static void table_notes_into(const struct table *t, json_object *arr)
{
	char buf[1024];

	for (size_t i = 0; i < t->nnotes; i++)
		json_object_array_add(arr, jstr(t->notes[i]));
	for (size_t i = 0; i < t->nwhys; i++) {
		table_why(t, i, buf, sizeof(buf));
		json_object_array_add(arr, jstr(buf));
	}
}

json_object *table_json_notes(const struct table *t)
{
	json_object *arr = json_object_new_array();

	table_notes_into(t, arr);
	return arr;
}

void json_print(FILE *f, json_object *o)
{
	fputs(json_object_to_json_string_ext(
		  o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			 JSON_C_TO_STRING_NOSLASHESCAPE),
	      f);
	fputc('\n', f);
}

static json_object *value_json(const struct doc_item *it)
{
	switch (it->vtype) {
	case DV_BYTES:
	case DV_COUNT:
		return json_object_new_uint64(it->u);
	case DV_SBYTES:
	case DV_SCOUNT:
		return json_object_new_int64(it->i);
	case DV_DOUBLE:
		return decimal_json(it->d, it->decimals);
	case DV_PCT:
	case DV_DURATION:
		return double_json(it->d);
	case DV_STR:
		return jstr(it->s);
	case DV_BOOL:
		return json_object_new_boolean(it->b);
	case DV_JSON:
		return json_tokener_parse(it->s);
	case DV_NULL:
		return NULL;
	}
	return NULL;
}

/* The notes of d's items before index end, in order, into arr. */
static void notes_into(const struct doc *d, size_t end, json_object *arr)
{
	for (size_t i = 0; i < end && i < d->nitems; i++) {
		const struct doc_item *it = &d->items[i];

		if (it->kind == DOC_TABLE && it->table)
			table_notes_into(it->table, arr);
		else if (it->kind == DOC_SECTION)
			notes_into(it->section, it->section->nitems, arr);
		else if (it->kind == DOC_NOTE)
			json_object_array_add(arr, jstr(it->s));
	}
}

/* The JSON value of item i of d; false when the item has none (text
 * only: a blank, a note). */
static bool item_json(const struct doc *d, size_t i, json_object **ret)
{
	const struct doc_item *it = &d->items[i];

	switch (it->kind) {
	case DOC_TABLE:
		*ret = it->table ? table_json_rows(it->table) : NULL;
		return true;
	case DOC_SECTION:
		*ret = doc_json(it->section);
		return true;
	case DOC_VALUE:
		*ret = value_json(it);
		return true;
	case DOC_LINE: {
		char *s = doc_line_text(it, false);

		*ret = jstr(s);
		free(s);
		return true;
	}
	case DOC_NOTES:
		*ret = json_object_new_array();
		notes_into(d, i, *ret);
		return true;
	case DOC_STRINGS:
		*ret = json_object_new_array();
		for (size_t k = 0; k < it->nstrs; k++)
			json_object_array_add(*ret, jstr(it->strs[k]));
		return true;
	case DOC_BLANK:
	case DOC_NOTE:
		break;
	}
	return false;
}

json_object *doc_json(const struct doc *d)
{
	json_object *o =
	    d->list ? json_object_new_array() : json_object_new_object();

	for (size_t i = 0; i < d->nitems; i++) {
		const struct doc_item *it = &d->items[i];
		json_object *v = NULL;

		if (!d->list && !it->key)
			continue;
		if (!item_json(d, i, &v))
			continue;
		if (d->list)
			json_object_array_add(o, v);
		else
			json_object_object_add(o, it->key, v);
	}
	return o;
}

/* ",\n  "key": value" of item i of d (a keyed item with a value), the
 * value compact; *first: no comma yet. */
static void stream_item(const struct doc *d, size_t i, FILE *f, bool *first)
{
	json_object *v = NULL;
	_cleanup_free_ char *s = NULL;

	if (!d->items[i].key || !item_json(d, i, &v))
		return;
	s = compact_text(v);
	fprintf(f, "%s\n  \"%s\": %s", *first ? "" : ",", d->items[i].key, s);
	*first = false;
}

void json_stream_rows(struct doc_stream *s)
{
	bool first = true;

	if (!s->started) {
		s->started = true;
		fputc('{', s->f);
		for (size_t i = 0; i < s->index; i++)
			stream_item(s->d, i, s->f, &first);
		fprintf(s->f, "%s\n  \"%s\": [", first ? "" : ",",
			s->d->items[s->index].key);
	}
	for (size_t r = 0; r < s->t->nrows; r++) {
		_cleanup_free_ char *row = NULL;

		if (s->t->rows[r].text_only)
			continue;
		row = compact_text(row_json(s->t, r));
		fprintf(s->f, "%s\n    %s", s->rows + r ? "," : "", row);
	}
}

/* A document with a stream: one key a line, values compact, the rows
 * one a line, written as they come. */
static int render_streamed(const struct doc *d, FILE *f, char *err,
			   size_t errlen)
{
	struct doc_stream s = {.d = (struct doc *)d, .f = f, .json = true};
	bool first = false;
	int r;

	while (!d->items[s.index].fill)
		s.index++;
	r = doc_stream_run(&s, err, errlen);
	if (s.started)
		fputs("\n  ]", f);
	for (size_t i = s.index + 1; r == 0 && i < d->nitems; i++)
		stream_item(d, i, f, &first);
	if (s.started)
		fputs("\n}\n", f);
	return r;
}

int doc_render_json(const struct doc *d, FILE *f, bool compact, char *err,
		    size_t errlen)
{
	json_object *o;

	if (doc_has_stream(d))
		return render_streamed(d, f, err, errlen);
	o = doc_json(d);

	if (compact) {
		fputs(json_object_to_json_string_ext(
			  o, JSON_C_TO_STRING_PLAIN |
				 JSON_C_TO_STRING_NOSLASHESCAPE),
		      f);
		fputc('\n', f);
	} else {
		json_print(f, o);
	}
	json_object_put(o);
	return 0;
}
