/* The neutral table: typed columns and cells, notes, a row hierarchy; see
 * table.h. The renderers (render-text.c, render-json.c) read it through
 * table-priv.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "table-priv.h"

struct table *table_new(const char *title)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->title = title ? xstrdup(title) : NULL;
	return t;
}

void table_set_title(struct table *t, const char *title)
{
	free(t->title);
	t->title = title ? xstrdup(title) : NULL;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	table_clear_rows(t);
	for (size_t c = 0; c < t->ncols; c++) {
		free(t->cols[c].header);
		free(t->cols[c].key);
	}
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i]);
	free(t->notes);
	for (size_t i = 0; i < t->nwhys; i++)
		free(t->whys[i].why);
	free(t->whys);
	free(t->rows);
	free(t->cols);
	free(t->title);
	free(t);
}

size_t table_add_col(struct table *t, const char *header, const char *key,
		     enum col_type type)
{
	struct col *c;

	/* columns must all exist before the first row */
	if (t->nrows > 0)
		abort();
	t->cols =
	    xgrow(t->cols, &t->cols_alloc, t->ncols + 1, sizeof(*t->cols));
	c = &t->cols[t->ncols];
	c->header = xstrdup(header);
	c->key = xstrdup(key);
	c->type = type;
	c->left = type == COL_STR || type == COL_JSON;
	c->flags = 0;
	c->width = 0;
	return t->ncols++;
}

void table_col_flags(struct table *t, size_t col, unsigned flags)
{
	t->cols[col].flags |= flags;
}

void table_col_width(struct table *t, size_t col, int width)
{
	t->cols[col].width = width;
}

void table_col_left(struct table *t, size_t col, bool left)
{
	t->cols[col].left = left;
}

void table_clear_rows(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r].cells[c].s);
		free(t->rows[r].cells);
	}
	t->nrows = 0;
}

size_t table_add_row(struct table *t)
{
	t->rows =
	    xgrow(t->rows, &t->rows_alloc, t->nrows + 1, sizeof(*t->rows));
	t->rows[t->nrows].cells =
	    xcalloc(t->ncols ? t->ncols : 1, sizeof(struct cell));
	t->rows[t->nrows].total = false;
	t->rows[t->nrows].highlight = false;
	t->rows[t->nrows].text_only = false;
	t->rows[t->nrows].json_only = false;
	t->rows[t->nrows].parent = (size_t)-1;
	return t->nrows++;
}

void table_row_total(struct table *t, size_t row)
{
	t->rows[row].total = true;
}

void table_row_highlight(struct table *t, size_t row)
{
	t->rows[row].highlight = true;
}

void table_row_parent(struct table *t, size_t row, size_t parent)
{
	if (row >= t->nrows || parent >= row)
		abort();
	t->rows[row].parent = parent;
}

void table_row_json_only(struct table *t, size_t row)
{
	t->rows[row].json_only = true;
}

void table_row_text_only(struct table *t, size_t row)
{
	t->rows[row].text_only = true;
}

void table_json_only(struct table *t)
{
	t->json_only = true;
}

static struct cell *cell_at(struct table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		abort();
	return &t->rows[row].cells[col];
}

void table_set_str(struct table *t, size_t row, size_t col, const char *s)
{
	struct cell *c = cell_at(t, row, col);

	free(c->s);
	c->s = s ? xstrdup(s) : NULL;
	c->present = s != NULL;
}

void table_set_u64(struct table *t, size_t row, size_t col, uint64_t v)
{
	struct cell *c = cell_at(t, row, col);

	c->present = val_has(v);
	c->neg = false;
	c->u = v;
	c->i = (int64_t)v;
	c->d = (double)v;
}

void table_set_i64(struct table *t, size_t row, size_t col, int64_t v)
{
	struct cell *c = cell_at(t, row, col);

	c->present = true;
	c->neg = v < 0;
	c->i = v;
	c->u = (uint64_t)v;
	c->d = (double)v;
}

void table_set_double(struct table *t, size_t row, size_t col, double v)
{
	struct cell *c = cell_at(t, row, col);

	c->present = true;
	c->d = v;
}

void table_set_absent(struct table *t, size_t row, size_t col)
{
	struct cell *c = cell_at(t, row, col);

	free(c->s);
	c->s = NULL;
	c->present = false;
}

void table_set_absent_why(struct table *t, size_t row, size_t col,
			  const char *why)
{
	table_set_absent(t, row, col);
	if (!why)
		return;
	for (size_t i = 0; i < t->nwhys; i++)
		if (strcmp(t->whys[i].why, why) == 0 && t->whys[i].col == col)
			return;
	t->whys =
	    xgrow(t->whys, &t->whys_alloc, t->nwhys + 1, sizeof(*t->whys));
	t->whys[t->nwhys].col = col;
	t->whys[t->nwhys].why = xstrdup(why);
	t->nwhys++;
}

void table_set_word(struct table *t, size_t row, size_t col, const char *word)
{
	struct cell *c = cell_at(t, row, col);

	table_set_absent(t, row, col);
	c->s = word ? xstrdup(word) : NULL;
}

void table_set_json(struct table *t, size_t row, size_t col, const char *json)
{
	table_set_str(t, row, col, json);
}

void table_add_note(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	/* a forged file with a million odd lines must not print a million
	 * notes: the last slot says how many were left out */
	if (t->nnotes >= TABLE_MAX_NOTES) {
		free(t->notes[TABLE_MAX_NOTES - 1]);
		t->notes_dropped++;
		if (asprintf(&t->notes[TABLE_MAX_NOTES - 1],
			     "(%zu more notes left out)",
			     t->notes_dropped + 1) < 0)
			t->notes[TABLE_MAX_NOTES - 1] = xstrdup("(more notes)");
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("");
	va_end(ap);
	t->notes =
	    xgrow(t->notes, &t->notes_alloc, t->nnotes + 1, sizeof(*t->notes));
	t->notes[t->nnotes++] = s;
}

size_t table_rows(const struct table *t)
{
	return t->nrows;
}

size_t table_cols(const struct table *t)
{
	return t->ncols;
}

const char *table_title(const struct table *t)
{
	return t->title;
}

const char *table_col_header(const struct table *t, size_t col)
{
	return t->cols[col].header;
}

const char *table_col_key(const struct table *t, size_t col)
{
	return t->cols[col].key;
}

int table_cell_num(const struct table *t, size_t row, size_t col, double *ret)
{
	const struct cell *c;

	if (row >= t->nrows || col >= t->ncols)
		return -EINVAL;
	c = &t->rows[row].cells[col];
	switch (t->cols[col].type) {
	case COL_STR:
	case COL_JSON:
		return -EINVAL;
	default:
		break;
	}
	if (!c->present)
		return -ENODATA;
	switch (t->cols[col].type) {
	case COL_BYTES:
	case COL_COUNT:
		*ret = c->neg ? (double)c->i : (double)c->u;
		break;
	case COL_SBYTES:
	case COL_SCOUNT:
		*ret = (double)c->i;
		break;
	default:
		*ret = c->d;
	}
	return 0;
}

enum col_type table_col_type(const struct table *t, size_t col)
{
	return col < t->ncols ? t->cols[col].type : COL_STR;
}

unsigned table_col_get_flags(const struct table *t, size_t col)
{
	return col < t->ncols ? t->cols[col].flags : 0;
}

bool table_row_is_total(const struct table *t, size_t row)
{
	return row < t->nrows && t->rows[row].total;
}

bool table_row_is_text_only(const struct table *t, size_t row)
{
	return row < t->nrows && t->rows[row].text_only;
}

bool table_cell_present(const struct table *t, size_t row, size_t col)
{
	return row < t->nrows && col < t->ncols &&
	       t->rows[row].cells[col].present;
}

/* name matches header: case-insensitive, '-' or '_' matching a space */
static bool header_matches(const char *header, const char *name)
{
	for (; *header && *name; header++, name++) {
		char h = (char)tolower((unsigned char)*header);
		char n = (char)tolower((unsigned char)*name);

		if (h == ' ' && (n == '-' || n == '_'))
			continue;
		if (h != n)
			return false;
	}
	return !*header && !*name;
}

/* A column text shows first (a text FLAGS column and a JSON-only
 * "flags" in another place), then any. */
ssize_t table_find_col(const struct table *t, const char *name)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t c = 0; c < t->ncols; c++)
			if ((pass || !(t->cols[c].flags & COLF_JSON_ONLY)) &&
			    (header_matches(t->cols[c].header, name) ||
			     strcasecmp(t->cols[c].key, name) == 0))
				return (ssize_t)c;
	return -1;
}

size_t table_nwhys(const struct table *t)
{
	return t->nwhys;
}

void table_why(const struct table *t, size_t i, char *buf, size_t n)
{
	snprintf(buf, n, "%s n/a: %s", t->cols[t->whys[i].col].header,
		 t->whys[i].why);
}
