/* memtally: where every byte of RAM is, which consumer grows, who owns it.
 *
 * main() reads the global options that come before the command, picks the
 * command from the table in cli/commands.c (default: usage) and runs it.
 * Everything else lives in the modules: sources/ read kernel files through
 * the root seam, model/ holds a snapshot, analysis/ computes, output/
 * renders, cli/ wires them together. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/log.h"
#include "cli/cli.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	struct ctx ctx = {0};
	const struct cmd *cmd;
	char *default_argv[] = {(char *)"usage", NULL};
	const char *nc = getenv("NO_COLOR");
	int c, r;

	/* the character set only (LC_CTYPE): libsmartcols measures and
	 * prints names in it (a UTF-8 file or process name shows as is, not
	 * as \x escapes); numbers keep the C locale's format */
	setlocale(LC_CTYPE, "");
	ctx.out.color = isatty(STDOUT_FILENO) && !(nc && *nc);

	/* global options before the command; '+' stops at the command */
	opterr = 1;
	while ((c = getopt_long(argc, argv, "+" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		if (c == 'h') {
			cli_print_usage(stdout);
			return EXIT_OK;
		}
		r = cli_common_opt(&ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(&ctx, "unknown option");
	}

	if (optind >= argc) {
		cmd = cmd_find("usage");
		argc = 1;
		argv = default_argv;
	} else {
		cmd = cmd_find(argv[optind]);
		if (!cmd)
			return cli_usage_error(&ctx, "unknown command '%s'",
					       argv[optind]);
		argc -= optind;
		argv += optind;
	}
	ctx.cmd = cmd->name;
	r = ctx.json && (cmd->needs & CMD_NO_JSON)
		? cli_check_json(cmd, 2,
				 (char *[]){(char *)"", (char *)"--json"})
		: cli_check_json(cmd, argc, argv);
	if (r >= 0)
		return r;
	optind = 0; /* let the command's getopt start afresh */
	r = cmd->fn(argc, argv, &ctx);
	ctx_release(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("cannot write output");
		return EXIT_FAIL;
	}
	return r;
}
