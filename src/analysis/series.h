/* Series: the named numbers of one moment that record, serve and diff
 * keep over time.
 *
 * A snapshot becomes a flat list of series, each a (kind, name) pair with
 * a value, how the kernel can get that memory back (reclaim class) and an
 * owner description (JSON text: the category a pool tag belongs to, its
 * module, the meminfo fields a category comes from). Kinds:
 *   "category"  a usage category (accounting.h), name = its JSON key
 *   "meminfo"   "total" (MemTotal) and "available" (MemAvailable)
 *   "pool"      a pool tag, name "SOURCE/TAG" ("slab/kmalloc-64",
 *               "bpf/load_msg+0x6e": a call site the tracer saw)
 *   "free"      free memory by zone and order, name "NODE/ZONE/ORDER"
 *   "proc"      a process's anonymous memory, name "comm[pid]"
 *   "cgroup"    a cgroup's charge, name its path
 *   "cgroup_part" what a kept cgroup's charge is made of, by reclaim
 *               class, name "PATH:PART": page_cache (reclaimable),
 *               anon_shmem (swappable); v2 slab_reclaimable (reclaimable)
 *               and kernel_pinned (pinned), v1 kernel (unknown); for
 *               `leaks` to tell what a cgroup's growth is. Not in the
 *               Prometheus metrics nor in `diff`
 *   "owner"     kernel memory a process holds through one kind of object
 *               (analysis/owners.h), name "KIND/PID" ("pipe/4711"), or
 *               "KIND/nobody" for objects no process holds; the top N
 *               holders per kind, owner {"category", "kind", "pid",
 *               "comm", "cgroup"}
 * A source that cannot be read adds no series and is named in `failed`.
 *
 * Pure: takes a snapshot, never reads files. */
#ifndef MEMTALLY_SERIES_H
#define MEMTALLY_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/snapshot.h"
#include "../sources/slab_sysfs.h"

struct bpftag_row;
struct owner_set;
struct procs;
struct cgroups;

struct series_point {
	char kind[16];
	char name[128];
	int64_t value;	     /* bytes (counts for none so far) */
	const char *reclaim; /* "reclaimable", "pinned", ... (static) */
	char *owner;	     /* malloc'd JSON text or NULL */
};

struct series_set {
	struct series_point *v;
	size_t n, alloc;
	char *failed; /* JSON object text {"source": "why"} or NULL */
};

struct series_opts {
	size_t top_pools;	   /* keep the N biggest pool tags (0: none) */
	uint64_t pool_threshold;   /* and any tag at least this big (also for
				    * processes and cgroups) */
	size_t top_procs;	   /* processes kept (by anonymous memory) */
	size_t top_cgroups;	   /* cgroups kept (by charge), depth 1-2 */
	const struct procs *procs; /* or NULL: no "proc" series */
	const struct cgroups *cgroups; /* or NULL: no "cgroup" series */
	uint64_t page_size;	       /* 0: from vmallocinfo, else 4 KiB */
	/* slab caches' reclaim_account (slab_sysfs_read_names()), or NULL:
	 * then types come from the cache names where they say */
	const struct slab_sysfs *slab_types;
	/* the eBPF tracer's call sites now (record --bpf), or NULL */
	const struct bpftag_row *bpf_rows;
	size_t n_bpf;
	/* the owners (model/owners.h), or NULL: no "owner" series. The
	 * history layer collects them when top_owners is set */
	const struct owner_set *owners;
	size_t top_owners; /* holders kept per kind (0: none) */
};

/* The sources series_collect() looks at: pass to snapshot_collect(). */
uint64_t series_sources(void);

/* Turn a snapshot into series. Returns -ENODATA when meminfo is missing
 * (no categories; failed says why), else 0. */
int series_collect(const struct snapshot *snap, const struct series_opts *o,
		   struct series_set *ret);
void series_set_release(struct series_set *s);

/* A series' owner description (its JSON text, or NULL) as a new JSON
 * object, an empty one when there is none or it does not parse; with
 * "reclaim" added when reclaim is given. The caller owns the object. */
struct json_object *series_owner_object(const char *owner, const char *reclaim);
/* The usage category an owner description names ("category"), into buf;
 * empty when none. */
void series_owner_category(const char *owner, char *buf, size_t n);

/* One finer series inside another, for an owner's "chain". */
struct series_link {
	const char *owner;  /* its owner JSON text, or NULL */
	const char *series; /* "kind:name" */
	const char *key;    /* the figure's JSON key: "change_bytes", ... */
	int64_t value;
};

/* The owner object of a series as JSON text (malloc'd): its owner
 * description (series_owner_object()), and "chain", the links in order.
 * When the description names no process and a link is an "owner" series
 * (it has "kind" and "pid"), the first such link's "pid", "comm",
 * "cgroup" and "kind" are lifted into the object: a growing category
 * then names the process that holds what grew. */
char *series_owner_json(const char *owner, const char *reclaim,
			const struct series_link *chain, size_t n);

/* What an owner text says. */
enum {
	SERIES_OWNER_CHAIN = 1 << 0,  /* " -> kind:name" for each link */
	SERIES_OWNER_HOLDER = 1 << 1, /* the module, the process and the
				       * cgroup (series_owner_holders()) */
};
/* An owner object's JSON text (series_owner_json()) as one line for a
 * table: "slab cache, built-in", "vmalloc caller, module nvidia",
 * "SUnreclaim -> pool:slab/kmalloc-cg-4k", as flags say; "..." ends a
 * line cut at n. */
void series_owner_text(const char *owner_json, unsigned flags, char *buf,
		       size_t n);

/* Who holds the memory of a series: the tail of its owner chain. */
struct series_holder {
	char what[16]; /* "module", "process", "cgroup" */
	char who[160]; /* its name, PID or path */
};
/* The holders an owner description names, at most max. Returns how
 * many. */
size_t series_owner_holders(const char *owner_json, struct series_holder *ret,
			    size_t max);
/* The "owner" series of an owner set: per kind, the bytes of the objects
 * each process is the first holder of, for the top biggest processes
 * (and, apart, the objects no process holds, as "KIND/nobody"); zero and
 * unknown sizes are left out. At most top + 1 series a kind. */
void series_add_owners(struct series_set *s, const struct owner_set *os,
		       size_t top);

/* The process an owner description names (an "owner" series' owner, or
 * a category's owner that series_owner_json() lifted it into). */
struct series_owner_proc {
	int pid;	  /* -1 when no process holds it */
	char kind[24];	  /* "pipe", "tcp", ... */
	char comm[64];	  /* "" when unknown */
	char cgroup[256]; /* "" when unknown */
	/* SysV objects no process holds: the segment's creator, or the
	 * queue's last sender (the kernel keeps no creator PID for a
	 * queue); -1 when unknown */
	int ipc_pid;
	bool ipc_creator; /* ipc_pid created it (else: sent to it last) */
};
/* Fill ret from owner_json; false when it names no owner kind. */
bool series_owner_proc(const char *owner_json, struct series_owner_proc *ret);
/* What an owner kind holds, for a sentence: "pipe buffers", "BPF maps". */
const char *series_owner_kind_text(const char *kind);
/* One line naming who holds it and how fast it grows: "pid 4711
 * (collector) in /system.slice/collector.service holds pipe buffers,
 * +4.0 MiB/s"; empty when owner_json names no owner kind. */
void series_owner_sentence(const char *owner_json, double bytes_per_s,
			   char *buf, size_t n);

/* Name a source that failed in this set (the set's "failed" object gets
 * source: why; an earlier why for it is replaced). */
void series_set_fail(struct series_set *s, const char *source, const char *why);

/* Add one series (the set copies strings; owner is taken over). */
void series_add(struct series_set *s, const char *kind, const char *name,
		int64_t value, const char *reclaim, char *owner);

/* Is source named in the set's "failed" JSON (it could not be read)? */
bool series_failed_has(const struct series_set *s, const char *source);

#endif
