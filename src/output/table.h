/* One neutral table, many renderings (libsmartcols' idea).
 *
 * A view fills a table with typed columns (text, bytes, counts, percents)
 * and rows; table_print() draws it for a terminal and table_json_rows()
 * gives the same rows as JSON objects. The typed cells are what make the
 * JSON contract hold: a bytes cell is an integer number of bytes in JSON,
 * a human size ("1.5 GiB") or an exact number (--bytes) in text, and an
 * absent cell is null in JSON and "n/a" in text, never 0.
 *
 * Notes are lines printed under the table: why a column is unavailable,
 * what a figure means. Rows marked as totals are set off by a rule.
 *
 * Ownership: the table copies every string given to it. */
#ifndef MEMTALLY_TABLE_H
#define MEMTALLY_TABLE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../basic/macro.h"

enum col_type {
	COL_STR,
	COL_BYTES,  /* uint64 bytes */
	COL_SBYTES, /* int64 bytes, a difference: printed with a sign */
	COL_COUNT,  /* uint64 */
	COL_SCOUNT, /* int64 */
	COL_PCT,    /* double, 0..100 */
	COL_FLOAT,  /* double */
};

struct out_opts {
	bool bytes; /* exact byte counts instead of human sizes */
	bool color; /* colour for the terminal */
};

struct table;

struct table *table_new(const char *title);
void table_free(struct table *t);

/* Add a column; header is for text, key for JSON. Returns its index. */
size_t table_add_col(struct table *t, const char *header, const char *key,
		     enum col_type type);
/* Left-align a column (text columns are left-aligned by default, numbers
 * right-aligned). */
void table_col_left(struct table *t, size_t col, bool left);
/* Add an empty row (all cells absent); returns its index. */
size_t table_add_row(struct table *t);
/* Mark a row as a total line (set off by a rule in text). */
void table_row_total(struct table *t, size_t row);
/* Mark a row to be drawn highlighted on a terminal. */
void table_row_highlight(struct table *t, size_t row);

void table_set_str(struct table *t, size_t row, size_t col, const char *s);
/* VAL_ABSENT leaves the cell absent. */
void table_set_u64(struct table *t, size_t row, size_t col, uint64_t v);
/* A signed value; in a COL_BYTES/COL_COUNT column a negative value is
 * printed with its sign (a remainder that dipped below zero). */
void table_set_i64(struct table *t, size_t row, size_t col, int64_t v);
void table_set_double(struct table *t, size_t row, size_t col, double v);
void table_set_absent(struct table *t, size_t row, size_t col);

void table_add_note(struct table *t, const char *fmt, ...) _printf_(2, 3);

size_t table_rows(const struct table *t);
size_t table_cols(const struct table *t);

/* Draw for a terminal or a pipe. */
void table_print(const struct table *t, FILE *f, const struct out_opts *o);
/* Rows as a JSON array of objects keyed by column key. Caller owns it. */
json_object *table_json_rows(const struct table *t);
/* Notes as a JSON array of strings. */
json_object *table_json_notes(const struct table *t);

/* Print a JSON document followed by a newline (pretty, stable). */
void json_print(FILE *f, json_object *o);

#endif
