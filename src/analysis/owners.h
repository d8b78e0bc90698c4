/* Owners: the kernel memory that processes hold through descriptors and
 * IPC objects, which no process map shows.
 *
 * PoolMon's hunt ends at a driver tag; a Linux admin's ends at the process
 * or service to restart. model/ownerset.h holds what the collectors saw,
 * each object once; this module says what each kind is (its name, where
 * its figure comes from, whether that is an estimate), ties it to the
 * `usage` category its memory lives in, and totals the set per kind and
 * per holder.
 *
 * Which category: a pipe's buffers and a socket's page fragments come
 * straight from the page allocator and no counter names them
 * ("unaccounted"); socket buffer heads, SysV and POSIX messages, epoll
 * items and inotify/fanotify marks are slab objects that cannot be
 * reclaimed; BPF maps and programs are vmalloc'd (array maps, JIT images)
 * or slab; memfd and tmpfs files and SysV segments are shmem; a deleted
 * file on a disk file system holds page cache (its size is its disk
 * blocks, an upper bound on what it can keep cached: an estimate);
 * huge pages are HugeTLB. Socket memory straddles two categories (heads
 * in slab, data in fragments) and the kernel does not say the split per
 * socket: it is shown under `unaccounted`, where most of a queue's bytes
 * live, and the note says so.
 *
 * Pure: no I/O. */
#ifndef MEMTALLY_OWNERS_H
#define MEMTALLY_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/ownerset.h"
#include "accounting.h"

struct owner_kind_info {
	const char *name;   /* JSON and text: "pipe", "bpf-map" */
	enum acct_cat cat;  /* the usage category its memory lives in */
	const char *source; /* where the figure comes from */
	bool estimate;	    /* the size is an estimate (the note says how) */
};

const struct owner_kind_info *owner_kind_info(enum owner_kind k);
/* The kind named name, or -1. */
int owner_kind_from_name(const char *name);

/* Per-kind totals: bytes (absent sizes left out, counted in n_absent),
 * objects. */
struct owner_kind_total {
	uint64_t bytes;
	size_t objects;
	size_t n_absent;
};
void owner_set_totals(const struct owner_set *s,
		      struct owner_kind_total ret[_OWN_MAX]);

/* The bytes objects held by pid are shown under (pid as their first
 * holder), per kind summed. */
uint64_t owner_set_pid_bytes(const struct owner_set *s, int pid);

#endif
