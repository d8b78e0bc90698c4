/* The command layer: global options, the command table, exit codes.
 *
 * Every command is `int cmd_X(int argc, char **argv, struct ctx *ctx)`
 * in cli/cmd-X.c, listed in commands.c's table. It parses its own options
 * (the global ones are accepted before or after the command name, through
 * CLI_COMMON_LONGOPTS and cli_common_opt()), gets its root with
 * ctx_root(), builds tables and prints them. Only this layer prints
 * errors and picks exit codes:
 *   EXIT_OK 0       success
 *   EXIT_FAIL 1     failure; one line on stderr says what and why
 *   EXIT_USAGE 2    bad usage; the line suggests --help */
#ifndef MEMTALLY_CLI_H
#define MEMTALLY_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "../root/root.h"
#include "../output/doc.h"
#include "../output/render-json.h"
#include "../output/table.h"
#include "../store/store.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

#ifndef MEMTALLY_VERSION
#define MEMTALLY_VERSION "0.1.0"
#endif

struct ctx {
	const char *root_dir; /* --root DIR */
	const char *file;     /* -f FILE: a snapshot */
	bool json;	      /* --json */
	struct out_opts out;  /* --bytes, colour */
	struct root *root;    /* opened by ctx_root() */
	const char *cmd;      /* the command's name, for messages */
};

/* Long-option codes shared by every command. */
enum {
	OPT_ROOT = 0x100,
	OPT_JSON,
	OPT_BYTES,
	OPT_VERSION,
	OPT_COLOR,
	OPT_NO_COLOR,
	OPT_RAW,
	OPT_NOHEADINGS,
	_OPT_COMMON_END,
};

#define CLI_COMMON_SHORTOPTS "hf:o:"
#define CLI_COMMON_LONGOPTS                                                    \
	{"root", required_argument, NULL, OPT_ROOT},                           \
	    {"file", required_argument, NULL, 'f'},                            \
	    {"json", no_argument, NULL, OPT_JSON},                             \
	    {"bytes", no_argument, NULL, OPT_BYTES},                           \
	    {"help", no_argument, NULL, 'h'},                                  \
	    {"version", no_argument, NULL, OPT_VERSION},                       \
	    {"color", no_argument, NULL, OPT_COLOR},                           \
	    {"no-color", no_argument, NULL, OPT_NO_COLOR},                     \
	    {"output", required_argument, NULL, 'o'},                          \
	    {"raw", no_argument, NULL, OPT_RAW},                               \
	{                                                                      \
		"noheadings", no_argument, NULL, OPT_NOHEADINGS                \
	}

/* The text printed under every command's own options. */
#define CLI_COMMON_HELP                                                        \
	"\nGlobal options:\n"                                                  \
	"      --root DIR     read proc/ and sys/ under DIR instead of /\n"    \
	"  -f, --file FILE    read a snapshot written by 'memtally "           \
	"snapshot'\n"                                                          \
	"      --json         print JSON (sizes in bytes, absent figures "     \
	"null)\n"                                                              \
	"      --bytes        exact byte counts instead of KiB/MiB/GiB\n"      \
	"  -o, --output LIST  the table columns to show, in order (e.g.\n"     \
	"                     TAG,BYTES,MODULE); an unknown name lists them\n" \
	"      --raw          tables only, unaligned, for scripts\n"           \
	"      --noheadings   tables without their heading line\n"             \
	"      --color, --no-color  force colour on or off (default: on a\n"   \
	"                     terminal unless NO_COLOR is set)\n"              \
	"  -h, --help         show this help\n"                                \
	"      --version      show the version\n"

/* What a command needs, checked once for every command (git's
 * RUN_SETUP): CMD_LIVE and CMD_ROOT_LIVE by ctx_root() once the options
 * are parsed, CMD_NO_JSON by main() before the command runs. */
enum cmd_needs {
	CMD_LIVE = 1 << 0,	/* the live system: --root DIR and -f refused */
	CMD_ROOT_LIVE = 1 << 1, /* root, when it reads the live system */
	CMD_NO_JSON = 1 << 2,	/* has no JSON output: --json refused */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctx *ctx);
	const char *summary; /* one line, for `memtally --help` */
	const char *help;    /* the whole of `memtally help NAME` */
	unsigned needs;	     /* enum cmd_needs */
	const char *why;     /* what needs it: "it reads the live page cache" */
};

extern const struct cmd commands[];
extern const size_t n_commands;
const struct cmd *cmd_find(const char *name);

/* Handle a global option inside a command's getopt loop. Returns 1 if c
 * was one (handled), 0 if not, or an exit code + 100 when the program
 * should stop now (help printed: 100 + EXIT_OK; error: 100 + EXIT_USAGE). */
int cli_common_opt(struct ctx *ctx, int c, const char *arg);
/* The default case of every command's getopt loop: a global option is
 * handled and -1 returned (go on); otherwise the exit code the command
 * must return now (0 after --help or --version, EXIT_USAGE for an unknown
 * option, with the message printed). */
int cli_opt_default(struct ctx *ctx, int c, const char *arg);
/* Render a view's document as the global options say, free it, and
 * return the exit code: EXIT_OK, EXIT_USAGE when -o names an unknown
 * column, or EXIT_FAIL when a streamed table's fill failed (the message
 * printed). */
int cli_render(struct ctx *ctx, struct doc *d);
struct view_err;

/* The end of a command: when the view succeeded (r >= 0), cli_render(d);
 * else its error (err->msg) in one line and EXIT_FAIL. */
int cli_view_done(struct ctx *ctx, int r, struct doc *d,
		  const struct view_err *err);
/* Print a usage error ("memtally CMD: MSG") and return EXIT_USAGE. */
int cli_usage_error(struct ctx *ctx, const char *fmt, ...) _printf_(2, 3);
/* Open the root once (--root, -f, or /); print the error and return
 * NULL on failure. */
struct root *ctx_root(struct ctx *ctx);
void ctx_release(struct ctx *ctx);
/* The top-level usage: the command list (commands.c). */
void cli_print_usage(FILE *f);
/* Print the command's help text. */
void cli_print_help(const struct cmd *c, FILE *f);

/* A command's CMD_NO_JSON check over its arguments (main.c): a usage
 * error when --json is among them. Returns EXIT_USAGE or -1 (go on). */
int cli_check_json(const struct cmd *cmd, int argc, char **argv);

/* Parse a size with optional binary suffix ("64M", "1.5GiB", "4096"). */
int cli_parse_size(const char *s, uint64_t *ret);
/* Parse "PID[,PID...]" into a malloc'd array; -EINVAL on anything else. */
int cli_parse_pids(const char *s, int **ret, size_t *ret_n);
/* Parse a number of seconds from 0 to max ("0.5", "2"). */
int cli_parse_seconds(const char *s, double max, double *ret);
/* Parse a non-negative integer. */
int cli_parse_uint(const char *s, unsigned long *ret);

/* A duration: "90", "90s", "15m", "12h", "7d", "2w", "500ms" (seconds). */
int cli_parse_duration(const char *s, double *ret);
/* Open a recording; on failure print one line and return -errno. */
int cli_open_store(const char *path, unsigned flags, struct store **ret);

/* The commands. */
int cmd_usage(int argc, char **argv, struct ctx *ctx);
int cmd_pools(int argc, char **argv, struct ctx *ctx);
int cmd_free(int argc, char **argv, struct ctx *ctx);
int cmd_snapshot(int argc, char **argv, struct ctx *ctx);
int cmd_help(int argc, char **argv, struct ctx *ctx);
int cmd_sources(int argc, char **argv, struct ctx *ctx);
int cmd_record(int argc, char **argv, struct ctx *ctx);
int cmd_leaks(int argc, char **argv, struct ctx *ctx);
int cmd_serve(int argc, char **argv, struct ctx *ctx);
int cmd_report(int argc, char **argv, struct ctx *ctx);
int cmd_diff(int argc, char **argv, struct ctx *ctx);
int cmd_procs(int argc, char **argv, struct ctx *ctx);
int cmd_cgroups(int argc, char **argv, struct ctx *ctx);
int cmd_files(int argc, char **argv, struct ctx *ctx);
int cmd_file(int argc, char **argv, struct ctx *ctx);
int cmd_lists(int argc, char **argv, struct ctx *ctx);
int cmd_empty(int argc, char **argv, struct ctx *ctx);
int cmd_phys(int argc, char **argv, struct ctx *ctx);
int cmd_ranges(int argc, char **argv, struct ctx *ctx);
int cmd_top(int argc, char **argv, struct ctx *ctx);
int cmd_owners(int argc, char **argv, struct ctx *ctx);

extern const char cmd_usage_help[];
extern const char cmd_pools_help[];
extern const char cmd_free_help[];
extern const char cmd_snapshot_help[];
extern const char cmd_help_help[];
extern const char cmd_sources_help[];
extern const char cmd_record_help[];
extern const char cmd_leaks_help[];
extern const char cmd_serve_help[];
extern const char cmd_report_help[];
extern const char cmd_diff_help[];
extern const char cmd_procs_help[];
extern const char cmd_cgroups_help[];
extern const char cmd_files_help[];
extern const char cmd_file_help[];
extern const char cmd_lists_help[];
extern const char cmd_empty_help[];
extern const char cmd_phys_help[];
extern const char cmd_ranges_help[];
extern const char cmd_top_help[];
extern const char cmd_owners_help[];

#endif
