/* See scoped.h. The per-process and per-cgroup sources are not in the
 * system-wide source table (their reader needs a PID or a cgroup), so
 * snapshot_collect() does not reach them; this walks them the way the
 * views do, through the same functions, and throws the results away. */
#include <stdlib.h>

#include "cgroups.h"
#include "procs.h"
#include "scoped.h"

void scoped_collect_all(struct root *root)
{
	static const char *const extra[] = {
	    "etc/passwd",
	    "sys/kernel/mm/lru_gen/enabled",
	    "sys/kernel/debug/lru_gen",
	};
	struct procs ps;
	struct cgroups cg;

	if (procs_collect(root, NULL, 0, &ps, NULL) == 0)
		procs_release(&ps);
	cgroups_collect(root, -1, &cg);
	cgroups_release(&cg);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		char *buf = NULL;
		size_t len;

		if (root_read(root, extra[i], &buf, &len) == 0)
			free(buf);
	}
}
