/* The text renderer: tables through libsmartcols, documents as text.
 *
 * util-linux's table library draws the tables (lsblk, lsmem and findmnt
 * use it): alignment, trees, raw output for scripts (--raw), no headings
 * (--noheadings), and column selection (-o) come from it, so every view
 * gets them. Cells are formatted here from their types: a size is a human
 * binary size or, with --bytes, the exact number; an absent cell is
 * "n/a", never 0; a negative size keeps its sign.
 *
 * The terminal is never trusted with a string from the kernel or a file
 * system: process names, cache names and file names are escaped (control
 * characters and DEL as \xHH) before they reach the screen, here for the
 * lines and notes and by libsmartcols for table cells. The rendering is
 * the same on a terminal and in a pipe (scols' terminal width is not
 * used), so golden tests and users see one layout. */
#include <errno.h>
#include <libsmartcols/libsmartcols.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "table-priv.h"

void text_escape(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	if (n == 0)
		return;
	for (; s && *s && o + 1 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f) {
			if (o + 5 > n)
				break;
			snprintf(buf + o, n - o, "\\x%02x", ch);
			o += 4;
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
}

static void duration_text(double s, char *buf, size_t n)
{
	if (s < 0)
		snprintf(buf, n, "-");
	else if (s < 60)
		snprintf(buf, n, "%.1f s", s);
	else if (s < 3600)
		snprintf(buf, n, "%d m %02d s", (int)(s / 60), (int)s % 60);
	else if (s < 86400 * 2)
		snprintf(buf, n, "%d h %02d m", (int)(s / 3600),
			 (int)(s / 60) % 60);
	else
		snprintf(buf, n, "%.1f d", s / 86400);
}

static void cell_format(const struct col *col, const struct cell *c,
			const struct out_opts *o, char *buf, size_t n)
{
	if (!c->present) {
		snprintf(buf, n, "%s",
			 c->s				  ? c->s
			 : col->flags & COLF_BLANK_ABSENT ? ""
							  : "n/a");
		return;
	}
	switch (col->type) {
	case COL_STR:
	case COL_JSON:
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
		if (c->neg)
			snprintf(buf, n, "%lld", (long long)c->i);
		else
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
	case COL_DURATION:
		duration_text(c->d, buf, n);
		break;
	}
}

void table_cell_text(const struct table *t, size_t row, size_t col,
		     const struct out_opts *o, char *buf, size_t n)
{
	char raw[1024];

	if (row >= t->nrows || col >= t->ncols) {
		snprintf(buf, n, "n/a");
		return;
	}
	cell_format(&t->cols[col], &t->rows[row].cells[col], o, raw,
		    sizeof(raw));
	text_escape(raw, buf, n);
}

/* The columns to draw, in order: -o's that this table has, else every
 * column that is not JSON-only or hidden. Returns how many. */
static size_t pick_cols(const struct table *t, const struct out_opts *o,
			size_t *ret)
{
	size_t n = 0;

	if (o->columns && *o->columns) {
		char *list = xstrdup(o->columns), *save = NULL;

		for (char *name = strtok_r(list, ",", &save); name;
		     name = strtok_r(NULL, ",", &save)) {
			ssize_t c = table_find_col(t, name);

			if (c >= 0 && !(t->cols[c].flags & COLF_JSON_ONLY))
				ret[n++] = (size_t)c;
		}
		free(list);
		return n;
	}
	for (size_t c = 0; c < t->ncols; c++)
		if (!(t->cols[c].flags & (COLF_JSON_ONLY | COLF_HIDDEN)))
			ret[n++] = c;
	return n;
}

/* How many columns of t text shows (none: a JSON-only table, or -o
 * names none of t's). */
static size_t table_text_cols(const struct table *t, const struct out_opts *o)
{
	_cleanup_free_ size_t *cols =
	    xcalloc(t->ncols ? t->ncols : 1, sizeof(*cols));

	return pick_cols(t, o, cols);
}

static void print_title(const char *title, FILE *f, const struct out_opts *o)
{
	char buf[512];

	text_escape(title, buf, sizeof(buf));
	fprintf(f, "%s%s%s\n", o->color ? "\033[1m" : "", buf,
		o->color ? "\033[0m" : "");
}

static void print_notes(const struct table *t, FILE *f)
{
	char buf[1024], e[1024];
	size_t shown = 0;

	for (size_t i = 0; i < t->nnotes; i++) {
		text_escape(t->notes[i], e, sizeof(e));
		fprintf(f, "%s%s\n", shown++ ? "" : "\n", e);
	}
	for (size_t i = 0; i < t->nwhys; i++) {
		table_why(t, i, buf, sizeof(buf));
		text_escape(buf, e, sizeof(e));
		fprintf(f, "%s%s\n", shown++ ? "" : "\n", e);
	}
}

static int scols_fill(const struct table *t, const struct out_opts *o,
		      const size_t *cols, size_t ncols,
		      struct libscols_table *tb)
{
	struct libscols_line **lines;
	char buf[1024];

	for (size_t i = 0; i < ncols; i++) {
		const struct col *c = &t->cols[cols[i]];
		int flags = c->left ? 0 : SCOLS_FL_RIGHT;

		if (c->flags & COLF_TREE)
			flags = SCOLS_FL_TREE;
		if (!scols_table_new_column(tb, c->header, 0, flags))
			return -ENOMEM;
	}
	lines = xcalloc(t->nrows ? t->nrows : 1, sizeof(*lines));
	for (size_t r = 0; r < t->nrows; r++) {
		const struct row *row = &t->rows[r];
		struct libscols_line *parent;

		if (row->json_only)
			continue;
		parent = row->parent != (size_t)-1 ? lines[row->parent] : NULL;

		lines[r] = scols_table_new_line(tb, parent);
		if (!lines[r]) {
			free(lines);
			return -ENOMEM;
		}
		if (o->color && (row->highlight || row->total))
			scols_line_set_color(lines[r],
					     row->total ? "bold" : "yellow");
		for (size_t i = 0; i < ncols; i++) {
			const struct cell *c = &row->cells[cols[i]];

			/* a drill-down line under a row: blank, not n/a */
			if (row->text_only && row->parent != (size_t)-1 &&
			    !c->present)
				buf[0] = '\0';
			else
				cell_format(&t->cols[cols[i]], c, o, buf,
					    sizeof(buf));
			scols_line_set_data(lines[r], i, buf);
		}
	}
	free(lines);
	return 0;
}

int table_print(const struct table *t, FILE *f, const struct out_opts *o)
{
	struct libscols_table *tb;
	size_t *cols = xcalloc(t->ncols ? t->ncols : 1, sizeof(*cols));
	size_t ncols = pick_cols(t, o, cols);
	int r;

	if (ncols == 0) {
		free(cols);
		return -EINVAL;
	}
	tb = scols_new_table();
	if (!tb) {
		free(cols);
		return -ENOMEM;
	}
	scols_table_set_stream(tb, f);
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	scols_table_enable_colors(tb, o->color);
	if (!o->raw)
		scols_table_set_column_separator(tb, "  ");
	r = scols_fill(t, o, cols, ncols, tb);
	if (r == 0) {
		if (t->title && !o->raw)
			print_title(t->title, f, o);
		fflush(f);
		r = scols_print_table(tb);
		if (!o->raw)
			print_notes(t, f);
	}
	scols_unref_table(tb);
	free(cols);
	return r;
}

/* --- documents -------------------------------------------------------- */

#include "doc-priv.h"

void doc_value_text(const struct doc_item *it, const struct out_opts *o,
		    char *buf, size_t n)
{
	struct col col = {0};
	struct cell c = {.present = true};

	switch (it->vtype) {
	case DV_BYTES:
		col.type = COL_BYTES, c.u = it->u;
		break;
	case DV_SBYTES:
		col.type = COL_SBYTES, c.i = it->i;
		break;
	case DV_COUNT:
		col.type = COL_COUNT, c.u = it->u;
		break;
	case DV_SCOUNT:
		col.type = COL_SCOUNT, c.i = it->i;
		break;
	case DV_DOUBLE:
		snprintf(buf, n, "%.*f", it->decimals, it->d);
		return;
	case DV_PCT:
		col.type = COL_PCT, c.d = it->d;
		break;
	case DV_DURATION:
		col.type = COL_DURATION, c.d = it->d;
		break;
	case DV_BOOL:
		snprintf(buf, n, "%s", it->b ? "yes" : "no");
		return;
	case DV_STR:
	case DV_JSON:
		text_escape(it->s, buf, n);
		return;
	case DV_NULL:
		if (it->s)
			snprintf(buf, n, "n/a (%s)", it->s);
		else
			snprintf(buf, n, "n/a");
		return;
	}
	cell_format(&col, &c, o, buf, n);
}

/* Does some table of d have column name? */
static bool doc_has_col(const struct doc *d, const char *name)
{
	for (size_t i = 0; i < d->nitems; i++) {
		const struct doc_item *it = &d->items[i];

		if (it->kind == DOC_TABLE && it->table &&
		    !(it->json_only || it->table->json_only) &&
		    table_find_col(it->table, name) >= 0)
			return true;
		if (it->kind == DOC_SECTION && doc_has_col(it->section, name))
			return true;
	}
	return false;
}

static void doc_list_cols(const struct doc *d, char *buf, size_t n)
{
	for (size_t i = 0; i < d->nitems; i++) {
		const struct doc_item *it = &d->items[i];

		if (it->kind == DOC_SECTION)
			doc_list_cols(it->section, buf, n);
		if (it->kind != DOC_TABLE || !it->table ||
		    (it->json_only || it->table->json_only))
			continue;
		for (size_t c = 0; c < it->table->ncols; c++) {
			const struct col *col = &it->table->cols[c];
			size_t len = strlen(buf);
			char name[64];

			if (col->flags & COLF_JSON_ONLY)
				continue;
			snprintf(name, sizeof(name), "%s", col->header);
			for (char *p = name; *p; p++)
				if (*p == ' ')
					*p = '-';
			if (strstr(buf, name))
				continue;
			snprintf(buf + len, n - len, "%s%s", len ? "," : "",
				 name);
		}
	}
}

static int check_columns(const struct doc *d, const struct out_opts *o,
			 char *err, size_t errlen)
{
	_cleanup_free_ char *list = NULL;
	char *save = NULL;

	if (!o->columns)
		return 0;
	list = xstrdup(o->columns);
	for (char *name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		if (!doc_has_col(d, name)) {
			char have[1024] = "";

			doc_list_cols(d, have, sizeof(have));
			snprintf(err, errlen,
				 "unknown column '%s' for -o (columns: %s)",
				 name, have);
			return -EINVAL;
		}
	}
	if (!*o->columns) {
		snprintf(err, errlen, "-o wants a list of columns");
		return -EINVAL;
	}
	return 0;
}

struct text_state {
	bool printed; /* anything printed yet */
	bool table;   /* the last thing printed was a table */
	int err;      /* a stream failed: stop */
	char *errbuf;
	size_t errlen;
};

struct line_buf {
	char v[4096];
	size_t n;
};

/* Append s to lb, padded with spaces to w (left: on the right); what
 * does not fit is cut (a row is far shorter). */
static void put_padded(struct line_buf *lb, const char *s, int w, bool left)
{
	size_t len = strlen(s), room = sizeof(lb->v) - 1 - lb->n;
	size_t pad = w > (int)len ? (size_t)w - len : 0;

	if (pad > room)
		pad = room;
	if (!left) {
		memset(lb->v + lb->n, ' ', pad);
		lb->n += pad, room -= pad;
	}
	if (len > room)
		len = room;
	memcpy(lb->v + lb->n, s, len);
	lb->n += len, room -= len;
	if (left) {
		pad = pad > room ? room : pad;
		memset(lb->v + lb->n, ' ', pad);
		lb->n += pad;
	}
}

/* One streamed row (or the header, row (size_t)-1): the columns padded
 * to their widths, one space apart (raw: not padded). Millions of rows
 * come through here: text cells are escaped straight from the cell, and
 * the line is written at once. */
static void stream_line(struct doc_stream *s, size_t row)
{
	const struct table *t = s->t;
	struct line_buf lb = {.n = 0};
	char raw[1024], buf[1024];

	for (size_t i = 0; i < s->ncols; i++) {
		const struct col *c = &t->cols[s->cols[i]];
		const struct cell *cell =
		    row == (size_t)-1 ? NULL : &t->rows[row].cells[s->cols[i]];
		bool last = i + 1 == s->ncols;
		int w = s->o->raw || (last && c->left) ? 0 : c->width;
		const char *v = raw;

		if (!cell)
			v = c->header;
		else if (cell->present && c->type == COL_STR)
			v = cell->s ? cell->s : "";
		else
			cell_format(c, cell, s->o, raw, sizeof(raw));
		text_escape(v, buf, sizeof(buf));
		put_padded(&lb, i ? " " : "", 0, true);
		put_padded(&lb, buf, w, c->left);
	}
	lb.v[lb.n++] = '\n';
	fwrite(lb.v, 1, lb.n, s->f);
}

void text_stream_rows(struct doc_stream *s)
{
	if (!s->started) {
		s->started = true;
		s->cols =
		    xcalloc(s->t->ncols ? s->t->ncols : 1, sizeof(*s->cols));
		s->ncols = pick_cols(s->t, s->o, s->cols);
		if (s->ncols && s->t->title && !s->o->raw)
			print_title(s->t->title, s->f, s->o);
		if (s->ncols && !s->o->noheadings)
			stream_line(s, (size_t)-1);
	}
	for (size_t r = 0; s->ncols && r < s->t->nrows; r++)
		if (!s->t->rows[r].json_only)
			stream_line(s, r);
}

/* Item i of d, a stream: run it. Items it adds to d follow. */
static void print_stream(const struct doc *d, size_t i, FILE *f,
			 const struct out_opts *o, struct text_state *st)
{
	struct doc_stream s = {
	    .d = (struct doc *)d, .index = i, .f = f, .o = o};

	if (st->printed && !o->raw)
		fputc('\n', f);
	st->err = doc_stream_run(&s, st->errbuf, st->errlen);
	st->table = false; /* a line after the rows follows them directly */
	if (st->err == 0 && s.ncols) {
		if (!o->raw)
			print_notes(s.t, f);
		st->printed = true;
	}
	free(s.cols);
}

static void print_items(const struct doc *d, FILE *f, const struct out_opts *o,
			struct text_state *st)
{
	char buf[1024];

	for (size_t i = 0; i < d->nitems && !st->err; i++) {
		const struct doc_item *it = &d->items[i];

		if (it->fill) {
			print_stream(d, i, f, o, st);
			continue;
		}
		switch (it->kind) {
		case DOC_TABLE:
			if (!it->table || it->json_only ||
			    it->table->json_only ||
			    !table_text_cols(it->table, o))
				break;
			if (st->printed && !o->raw)
				fputc('\n', f);
			if (table_print(it->table, f, o) == 0)
				st->printed = st->table = true;
			break;
		case DOC_SECTION:
			print_items(it->section, f, o, st);
			break;
		case DOC_VALUE:
			if (!it->label || o->raw)
				break;
			if (st->table)
				fputc('\n', f);
			doc_value_text(it, o, buf, sizeof(buf));
			fprintf(f, "%s: %s\n", it->label, buf);
			st->printed = true, st->table = false;
			break;
		case DOC_LINE: {
			_cleanup_free_ char *s = NULL;

			if (o->raw)
				break;
			s = doc_line_text(it, o->bytes);
			if (st->table)
				fputc('\n', f);
			text_escape(s, buf, sizeof(buf));
			fprintf(f, "%s\n", buf);
			st->printed = true, st->table = false;
			break;
		}
		case DOC_STRINGS:
			if (o->raw)
				break;
			if (st->table)
				fputc('\n', f);
			for (size_t k = 0; k < it->nstrs; k++) {
				text_escape(it->strs[k], buf, sizeof(buf));
				fprintf(f, "  %s\n", buf);
			}
			st->printed = true, st->table = false;
			break;
		case DOC_BLANK:
			if (!o->raw)
				fputc('\n', f);
			st->table = false;
			break;
		case DOC_NOTE:
		case DOC_NOTES:
			break;
		}
	}
}

static void print_doc_notes(const struct doc *d, FILE *f, bool *first)
{
	char buf[1024];

	for (size_t i = 0; i < d->nitems; i++) {
		const struct doc_item *it = &d->items[i];

		if (it->kind == DOC_SECTION)
			print_doc_notes(it->section, f, first);
		if (it->kind != DOC_NOTE)
			continue;
		text_escape(it->s, buf, sizeof(buf));
		fprintf(f, "%s%s\n", *first ? "\n" : "", buf);
		*first = false;
	}
}

int doc_render_text(const struct doc *d, FILE *f, const struct out_opts *o,
		    char *err, size_t errlen)
{
	struct text_state st = {.errbuf = err, .errlen = errlen};
	bool first = true;
	int r;

	r = check_columns(d, o, err, errlen);
	if (r < 0)
		return r;
	print_items(d, f, o, &st);
	if (st.err)
		return st.err;
	if (!o->raw)
		print_doc_notes(d, f, &first);
	return 0;
}
