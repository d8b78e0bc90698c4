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

#endif
