/* The table's insides, for the renderers in src/output/ only. Views use
 * table.h. */
#ifndef MEMTALLY_TABLE_PRIV_H
#define MEMTALLY_TABLE_PRIV_H

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
	unsigned flags; /* COLF_ */
	int width;	/* table_col_width(): streamed tables */
};

struct row {
	struct cell *cells;
	bool total;
	bool highlight;
	bool text_only;
	bool json_only;
	size_t parent; /* (size_t)-1: a top-level row */
};

struct table_why {
	size_t col;
	char *why;
};

struct table {
	char *title;
	bool json_only; /* table_json_only() */
	struct col *cols;
	size_t ncols, cols_alloc;
	struct row *rows;
	size_t nrows, rows_alloc;
	char **notes;
	size_t nnotes, notes_alloc;
	size_t notes_dropped;	/* past TABLE_MAX_NOTES */
	struct table_why *whys; /* reasons of absent cells, each once */
	size_t nwhys, whys_alloc;
};

/* Drop every row (the columns, notes and reasons stay): a streamed
 * table's rows once drawn. */
void table_clear_rows(struct table *t);

/* The reasons given with table_set_absent_why(), as note lines
 * ("PSS n/a: needs root"). */
size_t table_nwhys(const struct table *t);
void table_why(const struct table *t, size_t i, char *buf, size_t n);

/* Escape control characters (and DEL) as \xHH so that no name from the
 * kernel or a file system can move the cursor, retitle the terminal or
 * forge a row. Always NUL-terminates. */
void text_escape(const char *s, char *buf, size_t n);

#endif
