/* /proc/PID/fdinfo/N: what the kernel says about one open file, and for
 * the anonymous-inode objects (epoll, inotify, fanotify, io_uring, BPF,
 * eventfd, dma-buf) and DRM device files, the figures behind the kernel
 * memory they hold.
 *
 * Every file starts with pos, flags (octal), mnt_id and ino; what follows
 * depends on the object, and the parser tells the kind from the first key
 * that only one kind prints (fdinfo_parse() says which). Counts and sizes
 * the file does not give are VAL_ABSENT, never 0. Sizes are in bytes. */
#ifndef MEMTALLY_FDINFO_H
#define MEMTALLY_FDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum fdinfo_kind {
	FDINFO_PLAIN, /* only pos/flags/mnt_id/ino: files, pipes, sockets */
	FDINFO_EPOLL,
	FDINFO_INOTIFY,
	FDINFO_FANOTIFY,
	FDINFO_IO_URING,
	FDINFO_BPF_MAP,
	FDINFO_BPF_PROG,
	FDINFO_EVENTFD,
	FDINFO_DMABUF,
	FDINFO_DRM,
	_FDINFO_KIND_MAX,
};

/* A DRM memory region ("vram", "system", "memory", ...): the
 * drm-total-/shared-/resident-/purgeable-/active-REGION keys, in bytes.
 * The legacy drm-memory-REGION key counts as resident when the region has
 * no drm-resident- key. */
struct fdinfo_drm_region {
	char name[32];
	uint64_t total, shared, resident, purgeable, active;
};

#define FDINFO_DRM_REGIONS_MAX 16

struct fdinfo {
	enum fdinfo_kind kind;
	uint64_t pos, flags, mnt_id, ino;

	/* epoll: "tfd:" lines (one per watched descriptor); inotify:
	 * "inotify wd:" lines (watches); fanotify: mark lines ("fanotify
	 * ino:", "fanotify mnt_id:", "fanotify sdev:"), the "fanotify
	 * flags:" header not counted */
	uint64_t items;

	struct {
		uint64_t sq_entries, cq_entries; /* SqMask + 1, CqMask + 1 */
		int64_t sq_thread;		 /* -1: no SQPOLL thread */
		uint64_t user_files;
		uint64_t user_bufs; /* as the "UserBufs:" line says */
		/* the buffers listed under it; the kernel lists them only
		 * when it got the ring's lock, so n_buf_sizes may be 0 while
		 * user_bufs is not; then buf_bytes is VAL_ABSENT */
		uint64_t *buf_sizes;
		size_t n_buf_sizes;
		uint64_t buf_bytes;
	} io_uring;

	struct {
		uint64_t map_type, key_size, value_size, max_entries;
		uint64_t map_flags, memlock, map_id, frozen;
	} bpf_map;

	struct {
		uint64_t prog_type, memlock, prog_id;
		char tag[17]; /* 16 hex digits; "" when absent */
	} bpf_prog;

	struct {
		uint64_t count, id, semaphore; /* eventfd-id: 6.8 */
	} eventfd;

	struct {
		uint64_t size, count;
		char exp_name[64]; /* the exporter ("system", "i915") */
		char name[64];	   /* set by DMA_BUF_SET_NAME; "" when not */
	} dmabuf;

	struct {
		char driver[32];
		uint64_t client_id;
		struct fdinfo_drm_region regions[FDINFO_DRM_REGIONS_MAX];
		size_t n_regions;
		size_t n_regions_dropped; /* beyond FDINFO_DRM_REGIONS_MAX */
	} drm;
};

/* "epoll", "io_uring", ... */
const char *fdinfo_kind_name(enum fdinfo_kind k);

/* Sum of a DRM figure over every region (offsetof one of the uint64_t
 * fields of struct fdinfo_drm_region), VAL_ABSENT when no region has it. */
uint64_t fdinfo_drm_sum(const struct fdinfo *fi, size_t field_offset);

/* Parse one fdinfo text. Unknown keys and lines are ignored (the io_uring
 * lists, PollList, Personalities); a known key with a value that is not a
 * number, a text cut inside a line, or one without "pos:" and "flags:"
 * is -EINVAL with err saying which line. */
int fdinfo_parse(const char *buf, size_t len, struct fdinfo *ret,
		 struct parse_err *err);
void fdinfo_release(struct fdinfo *fi);

#endif
