/* The neutral table and its text and JSON renderings; see table.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "table.h"

struct cell {
	bool present;
	bool neg; /* set by table_set_i64 with a negative value */
	uint64_t u;
	int64_t i;
	double d;
	char *s;
};

struct col {
	char *header;
	char *key;
	enum col_type type;
	bool left;
};

struct row {
	struct cell *cells;
	bool total;
	bool highlight;
};

struct table {
	char *title;
	struct col *cols;
	size_t ncols, cols_alloc;
	struct row *rows;
	size_t nrows, rows_alloc;
	char **notes;
	size_t nnotes, notes_alloc;
};

struct table *table_new(const char *title)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->title = title ? xstrdup(title) : NULL;
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r].cells[c].s);
		free(t->rows[r].cells);
	}
	for (size_t c = 0; c < t->ncols; c++) {
		free(t->cols[c].header);
		free(t->cols[c].key);
	}
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i]);
	free(t->notes);
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
	c->left = type == COL_STR;
	return t->ncols++;
}

void table_col_left(struct table *t, size_t col, bool left)
{
	t->cols[col].left = left;
}

size_t table_add_row(struct table *t)
{
	t->rows =
	    xgrow(t->rows, &t->rows_alloc, t->nrows + 1, sizeof(*t->rows));
	t->rows[t->nrows].cells =
	    xcalloc(t->ncols ? t->ncols : 1, sizeof(struct cell));
	t->rows[t->nrows].total = false;
	t->rows[t->nrows].highlight = false;
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

void table_add_note(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

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

/* --- text -------------------------------------------------------------- */

static void cell_text(const struct col *col, const struct cell *c,
		      const struct out_opts *o, char *buf, size_t n)
{
	if (!c->present) {
		snprintf(buf, n, "n/a");
		return;
	}
	switch (col->type) {
	case COL_STR:
		snprintf(buf, n, "%s", c->s ? c->s : "");
		break;
	case COL_BYTES:
		if (c->neg && o->bytes)
			snprintf(buf, n, "%lld", (long long)c->i);
		else if (c->neg)
			human_bytes_signed(c->i, buf, n);
		else if (o->bytes)
			snprintf(buf, n, "%llu", (unsigned long long)c->u);
		else
			human_bytes(c->u, buf, n);
		break;
	case COL_SBYTES:
		if (o->bytes)
			snprintf(buf, n, "%+lld", (long long)c->i);
		else
			human_bytes_signed(c->i, buf, n);
		break;
	case COL_COUNT:
		snprintf(buf, n, "%llu", (unsigned long long)c->u);
		break;
	case COL_SCOUNT:
		snprintf(buf, n, "%+lld", (long long)c->i);
		break;
	case COL_PCT:
		snprintf(buf, n, "%.1f%%", c->d);
		break;
	case COL_FLOAT:
		snprintf(buf, n, "%.2f", c->d);
		break;
	}
}

void table_print(const struct table *t, FILE *f, const struct out_opts *o)
{
	size_t *width = xcalloc(t->ncols ? t->ncols : 1, sizeof(*width));
	char buf[512];
	size_t total_width = 0;

	for (size_t c = 0; c < t->ncols; c++)
		width[c] = strlen(t->cols[c].header);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			cell_text(&t->cols[c], &t->rows[r].cells[c], o, buf,
				  sizeof(buf));
			if (strlen(buf) > width[c])
				width[c] = strlen(buf);
		}
	for (size_t c = 0; c < t->ncols; c++)
		total_width += width[c] + (c ? 2 : 0);

	if (t->title)
		fprintf(f, "%s%s%s\n", o->color ? "\033[1m" : "", t->title,
			o->color ? "\033[0m" : "");
	for (size_t c = 0; c < t->ncols; c++) {
		const char *sep = c ? "  " : "";
		bool last = c + 1 == t->ncols;

		if (t->cols[c].left)
			fprintf(f, "%s%-*s", sep, last ? 0 : (int)width[c],
				t->cols[c].header);
		else
			fprintf(f, "%s%*s", sep, (int)width[c],
				t->cols[c].header);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		const struct row *row = &t->rows[r];

		if (row->total) {
			for (size_t i = 0; i < total_width; i++)
				fputc('-', f);
			fputc('\n', f);
		}
		if (o->color && (row->highlight || row->total))
			fputs(row->total ? "\033[1m" : "\033[33m", f);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *sep = c ? "  " : "";
			bool last = c + 1 == t->ncols;

			cell_text(&t->cols[c], &row->cells[c], o, buf,
				  sizeof(buf));
			if (t->cols[c].left)
				fprintf(f, "%s%-*s", sep,
					last ? 0 : (int)width[c], buf);
			else
				fprintf(f, "%s%*s", sep, (int)width[c], buf);
		}
		if (o->color && (row->highlight || row->total))
			fputs("\033[0m", f);
		fputc('\n', f);
	}
	for (size_t i = 0; i < t->nnotes; i++)
		fprintf(f, "%s%s\n", i == 0 ? "\n" : "", t->notes[i]);
	free(width);
}

/* --- JSON -------------------------------------------------------------- */

static json_object *cell_json(const struct col *col, const struct cell *c)
{
	if (!c->present)
		return NULL;
	switch (col->type) {
	case COL_STR:
		return json_object_new_string(c->s ? c->s : "");
	case COL_BYTES:
	case COL_COUNT:
		if (c->neg)
			return json_object_new_int64(c->i);
		return json_object_new_uint64(c->u);
	case COL_SBYTES:
	case COL_SCOUNT:
		return json_object_new_int64(c->i);
	case COL_PCT:
	case COL_FLOAT: {
		char b[32];

		/* a stable, short rendering: 12.34, not 12.339999999999 */
		snprintf(b, sizeof(b), "%.2f", c->d);
		return json_object_new_double_s(c->d, b);
	}
	}
	return NULL;
}

json_object *table_json_rows(const struct table *t)
{
	json_object *arr = json_object_new_array();

	for (size_t r = 0; r < t->nrows; r++) {
		json_object *o = json_object_new_object();

		for (size_t c = 0; c < t->ncols; c++)
			json_object_object_add(
			    o, t->cols[c].key,
			    cell_json(&t->cols[c], &t->rows[r].cells[c]));
		json_object_array_add(arr, o);
	}
	return arr;
}

json_object *table_json_notes(const struct table *t)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < t->nnotes; i++)
		json_object_array_add(arr, json_object_new_string(t->notes[i]));
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
