/* `memtally sources`: the table of kernel interfaces, and for each one
 * whether it can be read here and now (or in the snapshot given). */
#include <string.h>

#include "../model/snapshot.h"
#include "cli.h"

const char cmd_sources_help[] =
    "Usage: memtally sources\n"
    "\n"
    "List the kernel interfaces memtally reads, what each needs, and\n"
    "whether it can be read from the current root (/, --root DIR or a\n"
    "snapshot given with -f). An unavailable source says why: absent on\n"
    "this kernel, needs root, or malformed (with file and line).\n";

static const char *scope_name(enum source_scope s)
{
	switch (s) {
	case SCOPE_SYSTEM:
		return "system";
	case SCOPE_NODE:
		return "node";
	case SCOPE_PROCESS:
		return "process";
	case SCOPE_CGROUP:
		return "cgroup";
	}
	return "?";
}

int cmd_sources(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
						 {NULL, 0, NULL, 0}};
	struct snapshot snap;
	struct root *root;
	struct table *t;
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		r = cli_opt_default(ctx, c, optarg);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	root = ctx_root(ctx);
	if (!root)
		return EXIT_FAIL;
	snapshot_collect(root, SRC_ALL, &snap);

	t = table_new(NULL);
	table_add_col(t, "SOURCE", "name", COL_STR);
	table_add_col(t, "PATH", "path", COL_STR);
	table_add_col(t, "SCOPE", "scope", COL_STR);
	table_add_col(t, "NEEDS", "needs", COL_STR);
	table_add_col(t, "STATUS", "status", COL_STR);
	for (int id = 0; id < _SRC_MAX; id++) {
		const struct source_desc *d = source_get(id);
		char why[400];
		size_t row;

		if (!d)
			continue;
		row = table_add_row(t);
		table_set_str(t, row, 0, d->name);
		table_set_str(t, row, 1, d->path);
		table_set_str(t, row, 2, scope_name(d->scope));
		table_set_str(t, row, 3, d->needs & NEEDS_ROOT ? "root" : "-");
		snapshot_why(&snap, id, why, sizeof(why));
		table_set_str(t, row, 4, why);
	}
	if (ctx->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "rows", table_json_rows(t));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		table_print(t, stdout, &ctx->out);
	}
	table_free(t);
	snapshot_release(&snap);
	return EXIT_OK;
}
