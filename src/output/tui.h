/* The full-screen terminal for `memtally top` (ncurses).
 *
 * The one rule of a full-screen tool: the terminal is given back on every
 * way out. tui_start() takes over the screen and arranges for
 * tui_stop() to run on a normal return, on exit(), on SIGINT, SIGTERM
 * and SIGHUP (which only ask the main loop to stop, so it can tidy up),
 * and on the fatal signals (SIGSEGV, SIGBUS, SIGFPE, SIGABRT: the terminal
 * is reset, then the signal is raised again). tui_stop() is idempotent.
 *
 * Without ncurses at build time tui_available() is false and tui_start()
 * returns -EOPNOTSUPP. */
#ifndef MEMTALLY_TUI_H
#define MEMTALLY_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "../basic/macro.h"
#include "table.h"

/* Keys beyond plain characters, the same on every build. */
enum tui_key {
	TUI_KEY_NONE = -1,
	TUI_KEY_UP = 0x1001,
	TUI_KEY_DOWN,
	TUI_KEY_PGUP,
	TUI_KEY_PGDN,
	TUI_KEY_HOME,
	TUI_KEY_END,
	TUI_KEY_RESIZE,
};

/* Attributes for tui_print. */
enum tui_attr {
	TUI_NORMAL = 0,
	TUI_BOLD = 1 << 0,
	TUI_REVERSE = 1 << 1,
	TUI_CHANGED = 1 << 2, /* a value that changed: bold, coloured */
	TUI_DIM = 1 << 3,
	TUI_WARN = 1 << 4,
};

bool tui_available(void);
int tui_start(void);
void tui_stop(void);
/* A SIGINT, SIGTERM or SIGHUP arrived. */
bool tui_stop_requested(void);

/* Screen size. */
void tui_size(int *ret_rows, int *ret_cols);
/* Wait up to ms for a key; TUI_KEY_NONE on timeout. */
int tui_getkey(int ms);
/* Begin a frame (clear), draw, end it (refresh). */
void tui_clear(void);
void tui_flush(void);
/* Print at (row, col), clipped to the screen width. */
void tui_print(int row, int col, unsigned attr, const char *fmt, ...)
    _printf_(4, 5);
/* Fill the rest of row with the attribute (for header bars). */
void tui_fill(int row, unsigned attr);
/* Ask for a line of text on row; returns false when cancelled (Escape
 * or an empty line gives true with an empty buf). */
bool tui_prompt(int row, const char *question, char *buf, size_t n);

/* --- a document's table on the screen (tui-doc.c) ----------------------
 *
 * The TUI draws the same tables the text renderer prints, cell by cell
 * through table_cell_text(), each value that changed since the last
 * refresh highlighted. */
struct tui_table {
	const struct table *tb;
	const struct table *prev; /* the last refresh's, or NULL */
	const size_t *match;	  /* tui_match_rows(tb, prev) */
	bool highlight;		  /* mark the values that changed */
	bool bytes;		  /* exact sizes */
};

/* Each row of cur's match in prev (the row with the same first cell and
 * text cells), or SIZE_MAX: a new row. malloc'd, a slot per row of cur
 * (cur or prev may be NULL). */
size_t *tui_match_rows(const struct table *cur, const struct table *prev);
/* The rows of tb that are not total lines, in order, into ret (a slot
 * per row); returns how many. */
size_t tui_plain_order(const struct table *tb, size_t *ret);
/* Sort order[0..n) by the change of column col since the last refresh,
 * largest first (col < 0: no change known). */
void tui_order_by_change(const struct tui_table *tt, ssize_t col, size_t *order,
			 size_t n);
/* Draw tt's title, header and rows order[0..n) from row on, starting at
 * *scroll (clamped so the rows fill the screen of rows x cols), and its
 * total lines at the bottom. */
void tui_draw_table(const struct tui_table *tt, const size_t *order, size_t n,
		    int row, int rows, int cols, int *scroll);

#endif
