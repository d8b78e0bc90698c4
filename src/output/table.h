/* One neutral table, many renderings (libsmartcols' idea).
 *
 * A view fills a table with typed columns (text, bytes, counts, percents,
 * durations) and rows, and puts it in a document (doc.h); the renderers
 * draw it: text through libsmartcols (render-text.c), JSON through json-c
 * (render-json.c), the TUI through table_cell_text(). The typed cells are what
 * make the JSON contract hold: a bytes cell is an integer number of bytes in
 * JSON, a human size ("1.5 GiB") or an exact number (--bytes) in text, and an
 * absent cell is null in JSON and "n/a" in text, never 0.
 *
 * Notes are lines printed under the table: why a column is unavailable,
 * what a figure means. Rows marked as totals are set off by a rule.
 *
 * Ownership: the table copies every string given to it. */
#ifndef MEMTALLY_TABLE_H
#define MEMTALLY_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../basic/macro.h"

enum col_type {
	COL_STR,
	COL_BYTES,    /* uint64 bytes */
	COL_SBYTES,   /* int64 bytes, a difference: printed with a sign */
	COL_COUNT,    /* uint64 */
	COL_SCOUNT,   /* int64 */
	COL_PCT,      /* double, 0..100 */
	COL_FLOAT,    /* double */
	COL_DURATION, /* double seconds: "1.5 s", "2 h 05 m"; JSON seconds */
	COL_JSON, /* a JSON text made elsewhere (a recording's owner object);
		   * JSON: that value; text: the string as it is */
};

/* Column flags. */
enum {
	COLF_TEXT_ONLY = 1 << 0, /* not in JSON */
	COLF_JSON_ONLY = 1 << 1, /* not in text */
	COLF_TREE = 1 << 2,	 /* text: draw the row hierarchy here */
	COLF_HIDDEN = 1 << 3,	 /* text: only when asked for with -o */
	/* JSON: leave the key out of a row whose cell is absent (an
	 * optional field such as "why"), instead of null */
	COLF_JSON_OPTIONAL = 1 << 4,
	COLF_BLANK_ABSENT = 1 << 5, /* text: an absent cell is empty, not
				     * "n/a" (built-in code has no module) */
};

/* How a document is rendered: the global output options. */
struct out_opts {
	bool json;	     /* --json */
	bool bytes;	     /* exact byte counts instead of human sizes */
	bool color;	     /* colour for the terminal */
	bool raw;	     /* --raw: tables only, no alignment, for scripts */
	bool noheadings;     /* --noheadings */
	const char *columns; /* -o LIST: the columns to show, in order */
	bool compact;	     /* JSON on one line (JSON lines) */
};

struct table;

struct table *table_new(const char *title);
/* Set or replace the title (NULL: none). */
void table_set_title(struct table *t, const char *title);
void table_free(struct table *t);

/* Add a column; header is for text, key for JSON. Returns its index. */
size_t table_add_col(struct table *t, const char *header, const char *key,
		     enum col_type type);
/* Set COLF_ flags on a column. */
void table_col_flags(struct table *t, size_t col, unsigned flags);
/* Text width of a column of a streamed table (doc_add_stream(): its rows
 * are drawn as they come, so they cannot be measured); a longer cell
 * overflows. 0, the default: no padding. */
void table_col_width(struct table *t, size_t col, int width);
/* Left-align a column (text columns are left-aligned by default, numbers
 * right-aligned). */
void table_col_left(struct table *t, size_t col, bool left);
/* Add an empty row (all cells absent); returns its index. */
size_t table_add_row(struct table *t);
/* Mark a row as a total line (set off by a rule in text). */
void table_row_total(struct table *t, size_t row);
/* Mark a row to be drawn highlighted on a terminal. */
void table_row_highlight(struct table *t, size_t row);
/* Make row a child of parent (an earlier row): text draws a tree in the
 * COLF_TREE column; JSON keeps the rows flat unless the row is text
 * only. */
void table_row_parent(struct table *t, size_t row, size_t parent);
/* A row shown in JSON only (text shows the first rows of a long list). */
void table_row_json_only(struct table *t, size_t row);
/* A row shown in text only (a drill-down line under a JSON row that
 * carries the same facts as fields). Its absent cells are blank in text,
 * not "n/a": the line says one thing, in the columns it fills. */
void table_row_text_only(struct table *t, size_t row);
/* The whole table in JSON only: text draws nothing for it (a list the
 * text tells in a note or a line, or an empty list text says in words). */
void table_json_only(struct table *t);

void table_set_str(struct table *t, size_t row, size_t col, const char *s);
/* VAL_ABSENT leaves the cell absent. */
void table_set_u64(struct table *t, size_t row, size_t col, uint64_t v);
/* A signed value; in a COL_BYTES/COL_COUNT column a negative value is
 * printed with its sign (a remainder that dipped below zero). */
void table_set_i64(struct table *t, size_t row, size_t col, int64_t v);
void table_set_double(struct table *t, size_t row, size_t col, double v);
void table_set_absent(struct table *t, size_t row, size_t col);
/* Absent, with the reason: "n/a" in text with the reason as a note
 * (each reason once), null in JSON with the reason among the notes. */
void table_set_absent_why(struct table *t, size_t row, size_t col,
			  const char *why);
/* Absent, shown in text as word instead of "n/a": for a figure that is
 * not unknown but does not exist ("none": a zone with no free block).
 * JSON null. */
void table_set_word(struct table *t, size_t row, size_t col, const char *word);
/* A COL_JSON cell: json is JSON text (copied). */
void table_set_json(struct table *t, size_t row, size_t col, const char *json);

/* Notes past TABLE_MAX_NOTES are counted, not kept: the last note then
 * says how many were left out. */
#define TABLE_MAX_NOTES 64
void table_add_note(struct table *t, const char *fmt, ...) _printf_(2, 3);

size_t table_rows(const struct table *t);
size_t table_cols(const struct table *t);
const char *table_title(const struct table *t);
const char *table_col_header(const struct table *t, size_t col);
const char *table_col_key(const struct table *t, size_t col);
/* The column whose JSON key or header (case-insensitive, '-' or '_' for
 * a space) is name, or -1; one that text shows first. */
ssize_t table_find_col(const struct table *t, const char *name);
/* Whether the cell holds a value. */
bool table_cell_present(const struct table *t, size_t row, size_t col);
/* The cell's number (sizes, counts, percents, durations; a negative
 * value keeps its sign) into *ret: 0, or -ENODATA (absent), -EINVAL (a
 * text column or out of range); *ret untouched on failure. For the TUI,
 * which sorts and compares refreshes. */
int table_cell_num(const struct table *t, size_t row, size_t col, double *ret);
enum col_type table_col_type(const struct table *t, size_t col);
/* The column's COLF_ flags. */
unsigned table_col_get_flags(const struct table *t, size_t col);
bool table_row_is_total(const struct table *t, size_t row);
bool table_row_is_text_only(const struct table *t, size_t row);
/* One cell as text, as the text renderer prints it ("n/a" if absent),
 * escaped (no control characters). For the TUI and tests. */
void table_cell_text(const struct table *t, size_t row, size_t col,
		     const struct out_opts *o, char *buf, size_t n);

/* The JSON text of t's rows (an array of objects, as in a document), or
 * of row's object, for a COL_JSON cell of another table: an array or an
 * object nested in a row. Compact; malloc'd. */
char *table_json_text(const struct table *t);
char *table_row_json_text(const struct table *t, size_t row);

/* Draw one table as text (libsmartcols), with its title and notes. -o,
 * --raw and --noheadings apply. Returns 0, or -EINVAL when -o names no
 * column of this table (nothing printed). */
int table_print(const struct table *t, FILE *f, const struct out_opts *o);

#endif
