/* The sources view: the table of kernel interfaces (sources/sources.c),
 * each with its path, scope and needs, and whether it can be read here
 * and now (or in the tree or snapshot given): "ok", or why not, as
 * snapshot_collect() found it. */
#include "../model/snapshot.h"
#include "sources.h"

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

static struct table *sources_table(const struct snapshot *snap)
{
	struct table *t = table_new(NULL);

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
		snapshot_why(snap, id, why, sizeof(why));
		table_set_str(t, row, 4, why);
	}
	return t;
}

int view_sources(struct root *root, const struct sources_opts *o,
		 struct doc **ret, struct view_err *err)
{
	struct snapshot snap;
	struct doc *d;

	(void)o;
	(void)err;
	snapshot_collect(root, SRC_ALL, &snap);
	d = doc_new();
	doc_add_table(d, "rows", sources_table(&snap));
	snapshot_release(&snap);
	*ret = d;
	return 0;
}
