/* The TUI draws the same tables: a document's table on the screen, cell
 * by cell through table_cell_text(), as the text renderer would print
 * them, each value that changed since the last refresh highlighted.
 *
 * Change tracking: after each collection, every row of the new table is
 * matched to the previous refresh's row with the same key (its first cell
 * and its text cells); a row with no match is new, and all of it counts
 * as changed. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "tui.h"

/* A row's identity across refreshes: its first cell and its text cells,
 * joined (malloc'd). */
static char *row_key(const struct table *tb, size_t r)
{
	char *k = xstrdup(""), buf[256];

	for (size_t c = 0; c < table_cols(tb); c++) {
		char *n;

		if (c && table_col_type(tb, c) != COL_STR)
			continue;
		table_cell_text(tb, r, c, &(struct out_opts){.bytes = true},
				buf, sizeof(buf));
		n = xasprintf("%s%s\x1f", k, buf);
		free(k);
		k = n;
	}
	return k;
}

struct keyed {
	char *key;
	size_t row;
};

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key,
		      ((const struct keyed *)b)->key);
}

size_t *tui_match_rows(const struct table *cur, const struct table *prev)
{
	size_t n = cur ? table_rows(cur) : 0, np = prev ? table_rows(prev) : 0;
	struct keyed *pk = xcalloc(np + 1, sizeof(*pk));
	size_t *match = xcalloc(n + 1, sizeof(*match));

	for (size_t i = 0; i < np; i++)
		pk[i] = (struct keyed){row_key(prev, i), i};
	qsort(pk, np, sizeof(*pk), cmp_keyed);
	for (size_t i = 0; i < n; i++) {
		struct keyed k = {row_key(cur, i), 0}, *hit;

		hit = np ? bsearch(&k, pk, np, sizeof(*pk), cmp_keyed) : NULL;
		match[i] = hit ? hit->row : SIZE_MAX;
		free(k.key);
	}
	for (size_t i = 0; i < np; i++)
		free(pk[i].key);
	free(pk);
	return match;
}

size_t tui_plain_order(const struct table *tb, size_t *ret)
{
	size_t n = 0;

	for (size_t r = 0; r < table_rows(tb); r++)
		if (!table_row_is_total(tb, r))
			ret[n++] = r;
	return n;
}

/* Whether cell (r, c) changed since the last refresh (a new row: all). */
static bool cell_changed(const struct tui_table *tt, size_t r, size_t c)
{
	double a, b;
	int ra, rb;

	if (!tt->highlight || !tt->prev || table_row_is_total(tt->tb, r))
		return false;
	if (tt->match[r] == SIZE_MAX)
		return true;
	ra = table_cell_num(tt->tb, r, c, &a);
	rb = table_cell_num(tt->prev, tt->match[r], c, &b);
	if (ra == -EINVAL)
		return false;
	return ra != rb || (ra == 0 && a != b);
}

/* The change of cell (r, c) since the last refresh, 0 if unknown. */
static double cell_delta(const struct tui_table *tt, size_t r, ssize_t c)
{
	double a, b;

	if (c < 0 || !tt->prev || tt->match[r] == SIZE_MAX ||
	    table_cell_num(tt->tb, r, (size_t)c, &a) < 0 ||
	    table_cell_num(tt->prev, tt->match[r], (size_t)c, &b) < 0)
		return 0;
	return a - b;
}

struct change_sort {
	const struct tui_table *tt;
	ssize_t col;
};

static int cmp_change(const void *a, const void *b, void *arg)
{
	const struct change_sort *s = arg;
	double x = cell_delta(s->tt, *(const size_t *)a, s->col);
	double y = cell_delta(s->tt, *(const size_t *)b, s->col);

	if (x != y)
		return x < y ? 1 : -1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

void tui_order_by_change(const struct tui_table *tt, ssize_t col, size_t *order,
			 size_t n)
{
	struct change_sort cs = {.tt = tt, .col = col};

	qsort_r(order, n, sizeof(*order), cmp_change, &cs);
}

struct draw_ctx {
	const struct tui_table *tt;
	size_t cols[64], ncols;
	int width[64];
};

/* The columns text shows; returns how many (up to max). */
static size_t text_cols(const struct table *tb, size_t *ret, size_t max)
{
	size_t n = 0;

	for (size_t c = 0; c < table_cols(tb) && n < max; c++)
		if (!(table_col_get_flags(tb, c) &
		      (COLF_JSON_ONLY | COLF_HIDDEN)))
			ret[n++] = c;
	return n;
}

static void col_widths(struct draw_ctx *dc, int screen)
{
	const struct table *tb = dc->tt->tb;
	char buf[256];
	int sum = 0;

	for (size_t i = 0; i < dc->ncols; i++) {
		dc->width[i] = (int)strlen(table_col_header(tb, dc->cols[i]));
		for (size_t r = 0; r < table_rows(tb); r++) {
			int w;

			table_cell_text(tb, r, dc->cols[i],
					&(struct out_opts){0}, buf,
					sizeof(buf));
			w = (int)strlen(buf);
			if (w > dc->width[i])
				dc->width[i] = w;
		}
		if (dc->width[i] > 48)
			dc->width[i] = 48;
		sum += dc->width[i] + 2;
	}
	/* the first column gives way when the screen is narrow */
	if (dc->ncols && sum > screen && dc->width[0] > 16)
		dc->width[0] = dc->width[0] - (sum - screen) < 16
				   ? 16
				   : dc->width[0] - (sum - screen);
}

static void draw_line(const struct draw_ctx *dc, int row, size_t r)
{
	const struct table *tb = dc->tt->tb;
	struct out_opts o = {.bytes = dc->tt->bytes};
	int x = 0;

	for (size_t i = 0; i < dc->ncols; i++) {
		size_t c = dc->cols[i];
		bool left = table_col_type(tb, c) == COL_STR;
		unsigned attr = table_row_is_total(tb, r)    ? TUI_BOLD
				: cell_changed(dc->tt, r, c) ? TUI_CHANGED
							     : TUI_NORMAL;
		char buf[256];

		table_cell_text(tb, r, c, &o, buf, sizeof(buf));
		tui_print(row, x, attr, left ? " %-*.*s " : " %*.*s ",
			  dc->width[i], dc->width[i], buf);
		x += dc->width[i] + 2;
	}
}

static void draw_head(const struct draw_ctx *dc, int row)
{
	const struct table *tb = dc->tt->tb;
	int x = 0, rows, cols;

	tui_size(&rows, &cols);
	for (size_t i = 0; i < dc->ncols && x < cols; i++) {
		bool left = table_col_type(tb, dc->cols[i]) == COL_STR;

		tui_print(row, x, TUI_REVERSE, left ? " %-*.*s " : " %*.*s ",
			  dc->width[i], dc->width[i],
			  table_col_header(tb, dc->cols[i]));
		x += dc->width[i] + 2;
	}
	/* a header wider than the screen is already full: tui_fill would
	 * start the row again and blank it */
	if (x < cols)
		tui_fill(row, TUI_REVERSE);
}

void tui_draw_table(const struct tui_table *tt, const size_t *order, size_t n,
		    int row, int rows, int cols, int *scroll)
{
	struct draw_ctx dc = {.tt = tt};
	const struct table *tb = tt->tb;
	size_t ntot = 0;
	int body;

	if (table_title(tb))
		tui_print(row++, 1, TUI_BOLD, "%s", table_title(tb));
	dc.ncols = text_cols(tb, dc.cols, ELEMENTSOF(dc.cols));
	col_widths(&dc, cols);
	draw_head(&dc, row++);
	for (size_t r = 0; r < table_rows(tb); r++)
		ntot += table_row_is_total(tb, r);
	body = rows - row - 1 - (int)ntot;
	if (body < 1)
		body = 1;
	if (*scroll > (int)n - body)
		*scroll = (int)n - body;
	if (*scroll < 0)
		*scroll = 0;
	for (size_t k = (size_t)*scroll; k < n && (int)k < *scroll + body; k++)
		draw_line(&dc, row++, order[k]);
	if (n == 0)
		tui_print(row, 1, TUI_DIM, "no rows match");
	row = rows - 1 - (int)ntot;
	for (size_t r = 0; r < table_rows(tb); r++)
		if (table_row_is_total(tb, r))
			draw_line(&dc, row++, r);
}
