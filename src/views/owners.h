/* The owners view: kernel memory that processes hold through descriptors
 * and IPC objects (pipes, sockets, BPF maps, io_uring, memfd and deleted
 * files, SysV, huge pages, epoll/inotify, dma-buf/DRM), by holder, kind
 * and object. The end of the hunt PoolMon leaves to a web search. */
#ifndef MEMTALLY_VIEWS_OWNERS_H
#define MEMTALLY_VIEWS_OWNERS_H

#include <sys/types.h>

#include "view.h"

enum owners_by {
	OWNERS_BY_PROCESS,
	OWNERS_BY_CGROUP,
	OWNERS_BY_KIND,
	OWNERS_BY_OBJECT,
};

struct owners_opts {
	enum owners_by by;
	unsigned long top;     /* text: groups shown (0: all) */
	unsigned long objects; /* text: objects per group (0: all) */
	unsigned kinds;	       /* bit per enum owner_kind; 0: every kind */
	const int *pids;       /* only objects these processes hold */
	size_t npids;
	const char *user; /* only this user's processes (name or uid); NULL:
			   * all (without root: one's own) */
};

/* The grouping named s, or -1. */
int owners_by_parse(const char *s);
/* The kinds in a comma-separated list of names into *ret (bits);
 * -EINVAL with the bad name in err. */
int owners_kinds_parse(const char *s, unsigned *ret, struct view_err *err);

/* Fill *ret: table "rows" (one per object, biggest first; text groups
 * them under their holder, cgroup or kind as a tree), table "kinds"
 * (totals), "notes". Live: a walk of /proc; from a snapshot or tree: its
 * memtally/owners.json (-ENOENT when it has none, -EBADMSG when it is
 * malformed). -EINVAL when o->user names no user, or is given offline (a
 * usage error); other -errno when /proc cannot be walked. */
int view_owners(struct root *root, const struct owners_opts *o,
		struct doc **ret, struct view_err *err);

#endif
