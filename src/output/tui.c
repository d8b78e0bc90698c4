/* ncurses behind a small interface, and the terminal given back on every
 * way out; see tui.h.
 *
 * Signals. SIGINT, SIGTERM and SIGHUP set a flag the main loop reads
 * between frames: it then returns through the command's normal path,
 * which detaches the BPF programs and calls tui_stop(). The handlers are
 * installed before initscr(), so ncurses keeps them instead of its own.
 * The fatal signals cannot return: their handler resets the terminal
 * (endwin is not async-signal-safe, but the process is dying and a
 * usable terminal is worth the risk, as htop does) and re-raises with the
 * default action. SIGWINCH is ncurses' own: it turns into KEY_RESIZE. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

static volatile sig_atomic_t stop_flag;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

bool tui_stop_requested(void)
{
	return stop_flag != 0;
}

#if MEMTALLY_HAVE_NCURSES

#include <curses.h>

static bool active;
static bool use_color;

bool tui_available(void)
{
	return true;
}

void tui_stop(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	fflush(stdout);
}

static void on_fatal_signal(int sig)
{
	tui_stop();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_exit_restore(void)
{
	tui_stop();
}

int tui_start(void)
{
	static bool registered;
	struct sigaction sa = {0};
	const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT};

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	for (size_t i = 0; i < ELEMENTSOF(stops); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ELEMENTSOF(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	if (!registered) {
		atexit(on_exit_restore);
		registered = true;
	}
	if (!initscr())
		return -EIO;
	active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	use_color = has_colors() && !getenv("NO_COLOR");
	if (use_color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_YELLOW, -1); /* changed */
		init_pair(2, COLOR_RED, -1);	/* warning */
	}
	return 0;
}

void tui_size(int *ret_rows, int *ret_cols)
{
	getmaxyx(stdscr, *ret_rows, *ret_cols);
}

int tui_getkey(int ms)
{
	int c;

	timeout(ms);
	c = getch();
	switch (c) {
	case ERR:
		return TUI_KEY_NONE;
	case KEY_UP:
		return TUI_KEY_UP;
	case KEY_DOWN:
		return TUI_KEY_DOWN;
	case KEY_PPAGE:
		return TUI_KEY_PGUP;
	case KEY_NPAGE:
		return TUI_KEY_PGDN;
	case KEY_HOME:
		return TUI_KEY_HOME;
	case KEY_END:
		return TUI_KEY_END;
	case KEY_RESIZE:
		return TUI_KEY_RESIZE;
	}
	return c;
}

void tui_clear(void)
{
	erase();
}

void tui_flush(void)
{
	refresh();
}

static attr_t to_curses(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & TUI_BOLD)
		r |= A_BOLD;
	if (a & TUI_REVERSE)
		r |= A_REVERSE;
	if (a & TUI_DIM)
		r |= A_DIM;
	if (a & TUI_CHANGED)
		r |= A_BOLD | (use_color ? COLOR_PAIR(1) : A_UNDERLINE);
	if (a & TUI_WARN)
		r |= use_color ? COLOR_PAIR(2) : A_BOLD;
	return r;
}

/* The screen gets ASCII: under a C locale curses refuses a whole string
 * with a byte it cannot decode (a header "FREES\xc2\xb1" drew nothing).
 * '\xc2\xb1' (plus-minus) becomes "+-"; any other non-ASCII byte '?'. */
static void ascii_only(char *s)
{
	char *o = s;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0xc2 && (unsigned char)s[1] == 0xb1) {
			*o++ = '+';
			*o++ = '-';
			s++;
		} else if (c >= 0x80) {
			*o++ = '?';
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
}

void tui_print(int row, int col, unsigned attr, const char *fmt, ...)
{
	char buf[1024];
	int rows, cols;
	va_list ap;

	getmaxyx(stdscr, rows, cols);
	if (row < 0 || row >= rows || col >= cols)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ascii_only(buf);
	attron(to_curses(attr));
	mvaddnstr(row, col, buf, cols - col);
	attroff(to_curses(attr));
}

void tui_fill(int row, unsigned attr)
{
	int rows, cols, y, x;

	getmaxyx(stdscr, rows, cols);
	if (row < 0 || row >= rows)
		return;
	getyx(stdscr, y, x);
	if (y != row)
		x = 0;
	attron(to_curses(attr));
	for (; x < cols; x++)
		mvaddch(row, x, ' ');
	attroff(to_curses(attr));
}

bool tui_prompt(int row, const char *question, char *buf, size_t n)
{
	size_t len = 0;
	int c;

	buf[0] = '\0';
	curs_set(1);
	for (;;) {
		move(row, 0);
		clrtoeol();
		tui_print(row, 0, TUI_BOLD, "%s%s", question, buf);
		refresh();
		timeout(-1);
		c = getch();
		if (c == 27) { /* Escape */
			curs_set(0);
			buf[0] = '\0';
			return false;
		}
		if (c == '\n' || c == '\r' || c == KEY_ENTER)
			break;
		if ((c == KEY_BACKSPACE || c == 127 || c == 8) && len) {
			buf[--len] = '\0';
			continue;
		}
		if (c >= 32 && c < 127 && len + 1 < n) {
			buf[len++] = (char)c;
			buf[len] = '\0';
		}
		if (stop_flag)
			break;
	}
	curs_set(0);
	return true;
}

#else /* !MEMTALLY_HAVE_NCURSES */

bool tui_available(void)
{
	return false;
}

int tui_start(void)
{
	(void)on_stop_signal;
	return -EOPNOTSUPP;
}

void tui_stop(void)
{
}

void tui_size(int *ret_rows, int *ret_cols)
{
	*ret_rows = 24;
	*ret_cols = 80;
}

int tui_getkey(int ms)
{
	(void)ms;
	return TUI_KEY_NONE;
}

void tui_clear(void)
{
}

void tui_flush(void)
{
}

void tui_print(int row, int col, unsigned attr, const char *fmt, ...)
{
	(void)row;
	(void)col;
	(void)attr;
	(void)fmt;
}

void tui_fill(int row, unsigned attr)
{
	(void)row;
	(void)attr;
}

bool tui_prompt(int row, const char *question, char *buf, size_t n)
{
	(void)row;
	(void)question;
	if (n)
		buf[0] = '\0';
	return false;
}

#endif
