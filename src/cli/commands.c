/* The command table (git's commands[]) and the helpers every command
 * shares: global options, root opening, usage errors.
 *
 * Adding a command: see docs/HACKING.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "../views/view.h"
#include "cli.h"

const struct cmd commands[] = {
    {"usage", cmd_usage, "where every byte of RAM is, by use (default)",
     cmd_usage_help, 0, NULL},
    {"pools", cmd_pools,
     "kernel pool tags: slab caches, vmalloc callers, allocinfo sites",
     cmd_pools_help, 0, NULL},
    {"top", cmd_top,
     "live full-screen view of the kernel pools (PoolMon's screen)",
     cmd_top_help, 0, NULL},
    {"free", cmd_free,
     "free page blocks by order, zone and migrate type; fragmentation",
     cmd_free_help, 0, NULL},
    {"snapshot", cmd_snapshot,
     "save every kernel file the views read into one file", cmd_snapshot_help,
     0, NULL},
    {"sources", cmd_sources,
     "the kernel interfaces memtally reads, and whether each is readable",
     cmd_sources_help, 0, NULL},
    {"diff", cmd_diff,
     "what grew or shrank between two snapshots, and who owns it",
     cmd_diff_help, 0, NULL},
    {"record", cmd_record,
     "record samples into a database (SQLite), for leaks and report",
     cmd_record_help, 0, NULL},
    {"leaks", cmd_leaks, "what grows in a recording, how fast, and who owns it",
     cmd_leaks_help, 0, NULL},
    {"report", cmd_report,
     "a recording as one self-contained HTML report with charts",
     cmd_report_help, 0, NULL},
    {"serve", cmd_serve, "Prometheus metrics over HTTP (loopback by default)",
     cmd_serve_help, CMD_NO_JSON, "it serves Prometheus text"},
    {"procs", cmd_procs, "memory per process: RSS, PSS, USS, swap, page tables",
     cmd_procs_help, 0, NULL},
    {"cgroups", cmd_cgroups,
     "memory per cgroup (service, container), kernel memory included",
     cmd_cgroups_help, 0, NULL},
    {"owners", cmd_owners,
     "kernel memory processes hold through descriptors and IPC objects",
     cmd_owners_help, 0, NULL},
    {"files", cmd_files,
     "page cache per file: cached, dirty, writeback, evicted", cmd_files_help,
     CMD_LIVE, "it reads the live page cache"},
    {"file", cmd_file, "one file's page cache residency map", cmd_file_help,
     CMD_LIVE, "it reads the live page cache"},
    {"phys", cmd_phys,
     "physical pages one by one: use, list, flags, cgroup, owners",
     cmd_phys_help, CMD_ROOT_LIVE,
     "/proc/kpageflags is root's only (CAP_SYS_ADMIN); 'usage' and 'free' work "
     "without"},
    {"ranges", cmd_ranges,
     "physical RAM ranges by node and zone, with their pages by use",
     cmd_ranges_help, CMD_ROOT_LIVE,
     "/proc/kpageflags is root's only (CAP_SYS_ADMIN); 'usage' and 'free' work "
     "without"},
    {"lists", cmd_lists,
     "LRU lists, reclaim cost, MGLRU generations, refault rates",
     cmd_lists_help, 0, NULL},
    {"empty", cmd_empty,
     "RAMMap's Empty actions: page out, drop caches, sync, compact",
     cmd_empty_help, CMD_LIVE, "it acts on the live system"},
    {"help", cmd_help, "show help for a command", cmd_help_help, 0, NULL},
};
const size_t n_commands = ELEMENTSOF(commands);

const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < n_commands; i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cli_print_help(const struct cmd *c, FILE *f)
{
	fputs(c->help, f);
	fputs(CLI_COMMON_HELP, f);
}

/* The top-level usage: every command with its one-line summary. */
void cli_print_usage(FILE *f)
{
	fputs("Usage: memtally [global options] [COMMAND] [options]\n"
	      "\n"
	      "Where every byte of RAM is, which consumer holds it, and what "
	      "grows.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < n_commands; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nWith no command, memtally runs 'usage'.\n"
	      "'memtally help COMMAND' shows a command's options.\n",
	      f);
	fputs(CLI_COMMON_HELP, f);
}

int cli_common_opt(struct ctx *ctx, int c, const char *arg)
{
	switch (c) {
	case OPT_ROOT:
		ctx->root_dir = arg;
		return 1;
	case 'f':
		ctx->file = arg;
		return 1;
	case OPT_JSON:
		ctx->json = true;
		ctx->out.json = true;
		return 1;
	case 'o':
		ctx->out.columns = arg;
		return 1;
	case OPT_RAW:
		ctx->out.raw = true;
		return 1;
	case OPT_NOHEADINGS:
		ctx->out.noheadings = true;
		return 1;
	case OPT_BYTES:
		ctx->out.bytes = true;
		return 1;
	case OPT_COLOR:
		ctx->out.color = true;
		return 1;
	case OPT_NO_COLOR:
		ctx->out.color = false;
		return 1;
	case OPT_VERSION:
		printf("memtally %s\n", MEMTALLY_VERSION);
		return 100 + EXIT_OK;
	case 'h': {
		const struct cmd *cmd = cmd_find(ctx->cmd ? ctx->cmd : "");

		if (cmd)
			cli_print_help(cmd, stdout);
		return 100 + EXIT_OK;
	}
	case '?':
		fprintf(stderr, "Try 'memtally %s%s--help' for more.\n",
			ctx->cmd ? ctx->cmd : "", ctx->cmd ? " " : "");
		return 100 + EXIT_USAGE;
	default:
		return 0;
	}
}

int cli_render(struct ctx *ctx, struct doc *d)
{
	char err[1200] = "";
	int r = doc_render(d, stdout, &ctx->out, err, sizeof(err));

	doc_free(d);
	if (r == -ECANCELED) { /* a stream failed while drawn */
		log_error("%s", err);
		return EXIT_FAIL;
	}
	if (r < 0)
		return cli_usage_error(ctx, "%s", err);
	return EXIT_OK;
}

int cli_view_done(struct ctx *ctx, int r, struct doc *d,
		  const struct view_err *err)
{
	if (r < 0) {
		log_error("%s", err->msg);
		return EXIT_FAIL;
	}
	return cli_render(ctx, d);
}

int cli_opt_default(struct ctx *ctx, int c, const char *arg)
{
	int r = cli_common_opt(ctx, c, arg);

	if (r >= 100)
		return r - 100;
	if (r == 0)
		return cli_usage_error(ctx, "unknown option");
	return -1;
}

int cli_usage_error(struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s%s: ", log_prog, ctx->cmd ? " " : "",
		ctx->cmd ? ctx->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'memtally %s%s--help' for more.\n",
		ctx->cmd ? ctx->cmd : "", ctx->cmd ? " " : "");
	return EXIT_USAGE;
}

static int check_needs(const struct ctx *ctx);

struct root *ctx_root(struct ctx *ctx)
{
	int r;

	if (ctx->root)
		return ctx->root;
	if (check_needs(ctx) < 0)
		return NULL;
	if (ctx->file && ctx->root_dir) {
		log_error("--root and -f cannot be used together");
		return NULL;
	}
	if (ctx->file) {
		char *why = NULL;

		r = root_open_snapshot(ctx->file, &ctx->root, &why);
		if (r < 0) {
			if (why)
				log_error("cannot open snapshot '%s': %s",
					  ctx->file, why);
			else
				log_error_errno(r, "cannot open snapshot '%s'",
						ctx->file);
			free(why);
			return NULL;
		}
		return ctx->root;
	}
	r = root_open_dir(ctx->root_dir ? ctx->root_dir : "/", &ctx->root);
	if (r < 0) {
		log_error_errno(r, "cannot open root '%s'",
				ctx->root_dir ? ctx->root_dir : "/");
		return NULL;
	}
	return ctx->root;
}

void ctx_release(struct ctx *ctx)
{
	root_free(ctx->root);
	ctx->root = NULL;
}

int cli_parse_uint(const char *s, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *ret)
{
	static const char *const suffixes[] = {"", "K", "M", "G", "T"};
	char *end;
	double v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
		const char *u = suffixes[i];
		size_t n = strlen(u);

		if (strncasecmp(end, u, n) != 0)
			continue;
		if (end[n] == '\0' || streq(end + n, "iB") ||
		    (n && (streq(end + n, "B") || streq(end + n, "ib")))) {
			double scale = 1;

			for (size_t k = 0; k < i; k++)
				scale *= 1024;
			if (v * scale > 1.8e19)
				return -ERANGE;
			*ret = (uint64_t)(v * scale);
			return 0;
		}
	}
	return -EINVAL;
}

int cli_parse_pids(const char *s, int **ret, size_t *ret_n)
{
	_cleanup_free_ char *copy = xstrdup(s);
	size_t n = 0, alloc = 0;
	char *save = NULL;
	int *v = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned long pid;

		if (cli_parse_uint(tok, &pid) < 0 || pid == 0 ||
		    pid > INT32_MAX) {
			free(v);
			return -EINVAL;
		}
		v = xgrow(v, &alloc, n + 1, sizeof(*v));
		v[n++] = (int)pid;
	}
	if (n == 0)
		return -EINVAL;
	*ret = v;
	*ret_n = n;
	return 0;
}

int cli_parse_seconds(const char *s, double max, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Refuse politely when the root is not the live system. */
int cli_check_json(const struct cmd *cmd, int argc, char **argv)
{
	if (!(cmd->needs & CMD_NO_JSON))
		return -1;
	for (int i = 1; i < argc && !streq(argv[i], "--"); i++)
		if (streq(argv[i], "--json")) {
			fprintf(stderr,
				"%s %s: --json is not available here: %s\n",
				log_prog, cmd->name, cmd->why);
			return EXIT_USAGE;
		}
	return -1;
}

/* The command's CMD_LIVE and CMD_ROOT_LIVE needs, before its root is
 * opened: 0, or -1 with the reason printed. */
static int check_needs(const struct ctx *ctx)
{
	const struct cmd *cmd = ctx->cmd ? cmd_find(ctx->cmd) : NULL;
	bool live = !ctx->file && (!ctx->root_dir || streq(ctx->root_dir, "/"));

	if (!cmd)
		return 0;
	if ((cmd->needs & CMD_LIVE) && !live) {
		/* the same words for --root and -f: a snapshot replays a
		 * tree exactly */
		log_error("'%s' is unavailable on a captured tree or "
			  "snapshot: %s",
			  cmd->name, cmd->why);
		return -1;
	}
	if ((cmd->needs & CMD_ROOT_LIVE) && live && geteuid() != 0) {
		log_error("'%s' needs root on the live system: %s", cmd->name,
			  cmd->why);
		return -1;
	}
	return 0;
}
