/* /proc/PID/fdinfo/N parser.
 *
 * Format (Documentation/filesystems/proc.rst, "/proc/<pid>/fdinfo/<fd>"):
 * "key:\tvalue" lines, first the four every file has (fs/proc/fd.c):
 *   pos:    decimal        flags:  octal (with O_CLOEXEC folded in)
 *   mnt_id: decimal (3.15) ino:    decimal (5.12)
 * then what the file's show_fdinfo() adds:
 *   epoll     "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx
 *              sdev:%x", one line per watched descriptor (fs/eventpoll.c)
 *   inotify   "inotify wd:%x ino:%lx sdev:%x mask:%x ..." per watch
 *   fanotify  "fanotify flags:%x event-flags:%x", then one line per mark:
 *             "fanotify ino:", "fanotify mnt_id:" or "fanotify sdev:"
 *             (fs/notify/fdinfo.c)
 *   io_uring  SqMask/CqMask (entries - 1, hex), SqThread, UserFiles with
 *             the files listed under it, UserBufs with "%5u: 0x%llx/%u"
 *             (address/length) or "%5u: <none>" per buffer; the lists are
 *             printed only when the ring's lock was free, and PollList,
 *             CqOverflowList and Personalities follow (io_uring/fdinfo.c,
 *             the same in 6.1 to 6.18 for what we read)
 *   BPF map   map_type key_size value_size max_entries memlock map_id
 *             frozen (decimal), map_flags (hex) (kernel/bpf/syscall.c)
 *   BPF prog  prog_type prog_jited prog_tag (16 hex digits) memlock
 *             prog_id run_time_ns ...
 *   eventfd   "eventfd-count: %16llx" (hex!), eventfd-id (6.8),
 *             eventfd-semaphore (fs/eventfd.c)
 *   dma-buf   size (bytes) count exp_name [name] (drivers/dma-buf/)
 *   DRM       drm-driver, drm-client-id, drm-total-REGION,
 *             drm-shared-, drm-resident-, drm-purgeable-, drm-active-REGION
 *             as "<uint> [KiB|MiB]" (bytes without a unit), legacy
 *             drm-memory-REGION; drm-engine-*, drm-cycles-*,
 *             drm-total-cycles-* and the rest are not memory and ignored
 *             (Documentation/gpu/drm-usage-stats.rst)
 * The kind is the first key only that kind prints; an epoll or inotify
 * with nothing watched looks plain (the caller knows it from the link).
 * Unknown keys and lines without ':' are ignored; a known key whose value
 * is not a number is malformed. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "fdinfo.h"
#include "kbline.h"

static const char *const kind_names[_FDINFO_KIND_MAX] = {
    [FDINFO_PLAIN] = "plain",	    [FDINFO_EPOLL] = "epoll",
    [FDINFO_INOTIFY] = "inotify",   [FDINFO_FANOTIFY] = "fanotify",
    [FDINFO_IO_URING] = "io_uring", [FDINFO_BPF_MAP] = "bpf-map",
    [FDINFO_BPF_PROG] = "bpf-prog", [FDINFO_EVENTFD] = "eventfd",
    [FDINFO_DMABUF] = "dma-buf",    [FDINFO_DRM] = "drm",
};

const char *fdinfo_kind_name(enum fdinfo_kind k)
{
	return (unsigned)k < _FDINFO_KIND_MAX ? kind_names[k] : NULL;
}

uint64_t fdinfo_drm_sum(const struct fdinfo *fi, size_t field_offset)
{
	uint64_t sum = VAL_ABSENT;

	for (size_t i = 0; i < fi->drm.n_regions; i++) {
		const char *p = (const char *)&fi->drm.regions[i];
		uint64_t v;

		memcpy(&v, p + field_offset, sizeof(v));
		if (!val_has(v))
			continue;
		sum = val_has(sum) ? sum + v : v;
		if (sum == VAL_ABSENT)
			sum--; /* saturate below "absent" */
	}
	return sum;
}

void fdinfo_release(struct fdinfo *fi)
{
	free(fi->io_uring.buf_sizes);
	fi->io_uring.buf_sizes = NULL;
	fi->io_uring.n_buf_sizes = 0;
}

/* Octal, as "flags:" prints it. */
static int span_o64(struct span s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s.len == 0)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '7')
			return -EINVAL;
		if (v >> 61)
			return -ERANGE;
		v = (v << 3) | (uint64_t)(s.p[i] - '0');
	}
	*ret = v;
	return 0;
}

enum num { DEC, HEX, OCT };

/* Set *dst from value (trimmed) unless already set (the first wins). */
static int take(struct span value, enum num base, uint64_t *dst)
{
	struct span t = span_trim(value);
	uint64_t v;
	int r;

	r = base == DEC	  ? span_u64(t, &v)
	    : base == HEX ? span_x64(t, &v)
			  : span_o64(t, &v);
	if (r < 0)
		return r;
	if (v == VAL_ABSENT)
		v--;
	if (!val_has(*dst))
		*dst = v;
	return 0;
}

/* "<uint> [KiB|MiB|GiB]" in bytes. */
static int drm_amount(struct span value, uint64_t *ret)
{
	struct span f[3];
	size_t nf = span_fields(value, f, ELEMENTSOF(f));
	uint64_t v, mult = 1;
	int r;

	if (nf < 1 || nf > 2)
		return -EINVAL;
	r = span_u64(f[0], &v);
	if (r < 0)
		return r;
	if (nf == 2) {
		if (span_eq(f[1], "KiB"))
			mult = 1024;
		else if (span_eq(f[1], "MiB"))
			mult = 1024 * 1024;
		else if (span_eq(f[1], "GiB"))
			mult = 1024 * 1024 * 1024;
		else
			return -EINVAL;
	}
	r = mul_u64(v, mult, &v);
	if (r < 0)
		return r;
	*ret = v == VAL_ABSENT ? v - 1 : v;
	return 0;
}

static struct fdinfo_drm_region *drm_region(struct fdinfo *fi, struct span name)
{
	struct fdinfo_drm_region *g;

	for (size_t i = 0; i < fi->drm.n_regions; i++) {
		g = &fi->drm.regions[i];
		if (strlen(g->name) == name.len &&
		    memcmp(g->name, name.p, name.len) == 0)
			return g;
	}
	if (fi->drm.n_regions == FDINFO_DRM_REGIONS_MAX) {
		fi->drm.n_regions_dropped++;
		return NULL;
	}
	g = &fi->drm.regions[fi->drm.n_regions++];
	span_copy(name, g->name, sizeof(g->name));
	g->total = g->shared = g->resident = g->purgeable = g->active =
	    VAL_ABSENT;
	return g;
}

/* One drm-* key. Returns 0 (also for keys that are not memory) or
 * -EINVAL/-ERANGE for a memory key with a bad amount. legacy_resident
 * collects drm-memory-REGION until the end. */
static int drm_key(struct fdinfo *fi, struct span key, struct span value,
		   uint64_t *legacy, size_t nlegacy)
{
	static const struct {
		const char *prefix;
		size_t off;
	} mem[] = {
	    {"drm-total-", offsetof(struct fdinfo_drm_region, total)},
	    {"drm-shared-", offsetof(struct fdinfo_drm_region, shared)},
	    {"drm-resident-", offsetof(struct fdinfo_drm_region, resident)},
	    {"drm-purgeable-", offsetof(struct fdinfo_drm_region, purgeable)},
	    {"drm-active-", offsetof(struct fdinfo_drm_region, active)},
	    {"drm-memory-", SIZE_MAX}, /* legacy: resident */
	};
	int r;

	if (span_eq(key, "drm-driver")) {
		if (!fi->drm.driver[0])
			span_copy(span_trim(value), fi->drm.driver,
				  sizeof(fi->drm.driver));
		return 0;
	}
	if (span_eq(key, "drm-client-id"))
		return take(value, DEC, &fi->drm.client_id);
	if (span_startswith(key, "drm-total-cycles-"))
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(mem); i++) {
		size_t plen = strlen(mem[i].prefix);
		struct fdinfo_drm_region *g;
		struct span name;
		uint64_t v, *dst;

		if (!span_startswith(key, mem[i].prefix) || key.len == plen)
			continue;
		name.p = key.p + plen;
		name.len = key.len - plen;
		r = drm_amount(value, &v);
		if (r < 0)
			return r;
		g = drm_region(fi, name);
		if (!g)
			return 0;
		if (mem[i].off == SIZE_MAX) {
			size_t gi = (size_t)(g - fi->drm.regions);

			if (gi < nlegacy && !val_has(legacy[gi]))
				legacy[gi] = v;
			return 0;
		}
		dst = (uint64_t *)((char *)g + mem[i].off);
		if (!val_has(*dst))
			*dst = v;
		return 0;
	}
	return 0;
}

/* "N: 0xADDR/LEN" or "N: <none>" under UserBufs. Returns 1 when line is
 * such a line (its length in *ret, 0 for <none>), 0 when it is not, or
 * -EINVAL when it starts like one but is garbled. */
static int uring_buf_line(struct span line, uint64_t *ret)
{
	struct span t = span_trim(line), idx, rest;
	const char *colon = memchr(t.p, ':', t.len), *slash;
	struct span addr, len;
	uint64_t v;

	if (!colon)
		return 0;
	idx.p = t.p;
	idx.len = (size_t)(colon - t.p);
	if (span_u64(idx, &v) < 0)
		return 0;
	rest.p = colon + 1;
	rest.len = t.len - idx.len - 1;
	rest = span_trim(rest);
	if (span_eq(rest, "<none>")) {
		*ret = 0;
		return 1;
	}
	slash = memchr(rest.p, '/', rest.len);
	if (!slash)
		return -EINVAL;
	addr.p = rest.p;
	addr.len = (size_t)(slash - rest.p);
	len.p = slash + 1;
	len.len = rest.len - addr.len - 1;
	if (span_x64(addr, &v) < 0 || span_u64(len, &v) < 0 || v > UINT32_MAX)
		return -EINVAL;
	*ret = v;
	return 1;
}

static void set_kind(struct fdinfo *fi, enum fdinfo_kind k)
{
	if (fi->kind == FDINFO_PLAIN)
		fi->kind = k;
}

static void init(struct fdinfo *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->pos = fi->flags = fi->mnt_id = fi->ino = VAL_ABSENT;
	fi->items = VAL_ABSENT;
	fi->io_uring.sq_entries = fi->io_uring.cq_entries = VAL_ABSENT;
	fi->io_uring.sq_thread = -1;
	fi->io_uring.user_files = fi->io_uring.user_bufs = VAL_ABSENT;
	fi->io_uring.buf_bytes = VAL_ABSENT;
	fi->bpf_map.map_type = fi->bpf_map.key_size = VAL_ABSENT;
	fi->bpf_map.value_size = fi->bpf_map.max_entries = VAL_ABSENT;
	fi->bpf_map.map_flags = fi->bpf_map.memlock = VAL_ABSENT;
	fi->bpf_map.map_id = fi->bpf_map.frozen = VAL_ABSENT;
	fi->bpf_prog.prog_type = fi->bpf_prog.memlock = VAL_ABSENT;
	fi->bpf_prog.prog_id = VAL_ABSENT;
	fi->eventfd.count = fi->eventfd.id = VAL_ABSENT;
	fi->eventfd.semaphore = VAL_ABSENT;
	fi->dmabuf.size = fi->dmabuf.count = VAL_ABSENT;
	fi->drm.client_id = VAL_ABSENT;
}

/* A key of the common header, BPF, eventfd, dma-buf or io_uring: the
 * table of the simple "key: number" lines. */
struct simple_key {
	const char *key;
	enum fdinfo_kind kind; /* FDINFO_PLAIN: does not tell the kind */
	enum num base;
	size_t off;
};

#define K(k, kind, base, field)                                                \
	{                                                                      \
		k, kind, base, offsetof(struct fdinfo, field)                  \
	}
static const struct simple_key simple_keys[] = {
    K("pos", FDINFO_PLAIN, DEC, pos),
    K("flags", FDINFO_PLAIN, OCT, flags),
    K("mnt_id", FDINFO_PLAIN, DEC, mnt_id),
    K("ino", FDINFO_PLAIN, DEC, ino),
    K("map_type", FDINFO_BPF_MAP, DEC, bpf_map.map_type),
    K("key_size", FDINFO_BPF_MAP, DEC, bpf_map.key_size),
    K("value_size", FDINFO_BPF_MAP, DEC, bpf_map.value_size),
    K("max_entries", FDINFO_BPF_MAP, DEC, bpf_map.max_entries),
    K("map_flags", FDINFO_BPF_MAP, HEX, bpf_map.map_flags),
    K("map_id", FDINFO_BPF_MAP, DEC, bpf_map.map_id),
    K("frozen", FDINFO_BPF_MAP, DEC, bpf_map.frozen),
    K("prog_type", FDINFO_BPF_PROG, DEC, bpf_prog.prog_type),
    K("prog_id", FDINFO_BPF_PROG, DEC, bpf_prog.prog_id),
    K("eventfd-count", FDINFO_EVENTFD, HEX, eventfd.count),
    K("eventfd-id", FDINFO_EVENTFD, DEC, eventfd.id),
    K("eventfd-semaphore", FDINFO_EVENTFD, DEC, eventfd.semaphore),
    K("UserFiles", FDINFO_IO_URING, DEC, io_uring.user_files),
    K("UserBufs", FDINFO_IO_URING, DEC, io_uring.user_bufs),
};
#undef K

/* The line's key and value, with the per-kind lines that are not
 * "key: value" (epoll's tfd, inotify's and fanotify's) handled here.
 * Returns 0 or -EINVAL/-ERANGE with *ret_why set. */
static int one_line(struct fdinfo *fi, struct span line, bool *in_bufs,
		    uint64_t *legacy, size_t nlegacy, const char **ret_why)
{
	struct span key, value;
	uint64_t v;
	int r;

	if (span_startswith(line, "tfd:")) {
		set_kind(fi, FDINFO_EPOLL);
		fi->items = val_has(fi->items) ? fi->items + 1 : 1;
		return 0;
	}
	if (span_startswith(line, "inotify ")) {
		set_kind(fi, FDINFO_INOTIFY);
		fi->items = val_has(fi->items) ? fi->items + 1 : 1;
		return 0;
	}
	if (span_startswith(line, "fanotify ")) {
		set_kind(fi, FDINFO_FANOTIFY);
		if (!val_has(fi->items))
			fi->items = 0;
		if (!span_startswith(line, "fanotify flags:"))
			fi->items++;
		return 0;
	}
	if (kbline_split(line, &key, &value) < 0)
		return 0; /* PollList entries, Personalities ids */

	for (size_t i = 0; i < ELEMENTSOF(simple_keys); i++) {
		const struct simple_key *k = &simple_keys[i];

		if (k->key[0] != key.p[0] || !span_eq(key, k->key))
			continue;
		r = take(value, k->base, (uint64_t *)((char *)fi + k->off));
		if (r < 0) {
			*ret_why = "is not a number";
			return r;
		}
		if (k->kind != FDINFO_PLAIN)
			set_kind(fi, k->kind);
		if (k->off == offsetof(struct fdinfo, io_uring.user_bufs))
			*in_bufs = true;
		return 0;
	}
	if (span_eq(key, "memlock")) {
		/* BPF maps and programs both print it, after their type */
		r = take(value, DEC,
			 fi->kind == FDINFO_BPF_PROG ? &fi->bpf_prog.memlock
						     : &fi->bpf_map.memlock);
		*ret_why = "is not a number";
		return r;
	}
	if (span_eq(key, "prog_tag")) {
		struct span t = span_trim(value);

		if (t.len != 16 || span_x64(t, &v) < 0) {
			*ret_why = "is not 16 hex digits";
			return -EINVAL;
		}
		if (!fi->bpf_prog.tag[0])
			span_copy(t, fi->bpf_prog.tag,
				  sizeof(fi->bpf_prog.tag));
		set_kind(fi, FDINFO_BPF_PROG);
		return 0;
	}
	if (span_eq(key, "SqMask") || span_eq(key, "CqMask")) {
		uint64_t *dst = key.p[0] == 'S' ? &fi->io_uring.sq_entries
						: &fi->io_uring.cq_entries;

		r = span_x64(span_trim(value), &v);
		if (r < 0 || v >= UINT32_MAX) {
			*ret_why = "is not a hex mask";
			return r < 0 ? r : -ERANGE;
		}
		if (!val_has(*dst))
			*dst = v + 1;
		set_kind(fi, FDINFO_IO_URING);
		return 0;
	}
	if (span_eq(key, "SqThread")) {
		int64_t t;

		r = span_i64(span_trim(value), &t);
		if (r < 0) {
			*ret_why = "is not a number";
			return r;
		}
		fi->io_uring.sq_thread = t;
		set_kind(fi, FDINFO_IO_URING);
		return 0;
	}
	/* dma-buf: size and count come before exp_name, which tells */
	if (span_eq(key, "size") || span_eq(key, "count")) {
		/* lenient: other kinds may print these as text */
		(void)take(value, DEC,
			   key.p[0] == 's' ? &fi->dmabuf.size
					   : &fi->dmabuf.count);
		return 0;
	}
	if (span_eq(key, "exp_name") || span_eq(key, "name")) {
		char *dst =
		    key.p[0] == 'e' ? fi->dmabuf.exp_name : fi->dmabuf.name;

		if (!dst[0])
			span_copy(span_trim(value), dst, 64);
		if (key.p[0] == 'e')
			set_kind(fi, FDINFO_DMABUF);
		return 0;
	}
	if (span_startswith(key, "drm-")) {
		set_kind(fi, FDINFO_DRM);
		r = drm_key(fi, key, value, legacy, nlegacy);
		*ret_why = "is not an amount '<uint> [KiB|MiB]'";
		return r;
	}
	return 0;
}

int fdinfo_parse(const char *buf, size_t len, struct fdinfo *ret,
		 struct parse_err *err)
{
	uint64_t legacy[FDINFO_DRM_REGIONS_MAX];
	struct fdinfo fi;
	struct line_iter it;
	struct span line;
	size_t nbufs = 0, alloc = 0;
	bool in_bufs = false;
	int r;

	init(&fi);
	for (size_t i = 0; i < ELEMENTSOF(legacy); i++)
		legacy[i] = VAL_ABSENT;
	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		const char *why = "is malformed";
		uint64_t *sizes = fi.io_uring.buf_sizes;

		if (span_trim(line).len == 0)
			continue;
		/* registered buffers are collected here, in our own count */
		if (in_bufs) {
			uint64_t v;

			r = uring_buf_line(line, &v);
			if (r < 0) {
				free(sizes);
				return parse_fail(
				    err, it.lineno,
				    "'%.*s' is not a registered buffer "
				    "'N: 0xADDR/LEN'",
				    (int)span_trim(line).len,
				    span_trim(line).p);
			}
			if (r > 0) {
				sizes = xgrow(sizes, &alloc, nbufs + 1,
					      sizeof(*sizes));
				sizes[nbufs++] = v;
				fi.io_uring.buf_sizes = sizes;
				continue;
			}
			in_bufs = false;
		}
		r = one_line(&fi, line, &in_bufs, legacy, ELEMENTSOF(legacy),
			     &why);
		if (r < 0) {
			struct span key, value;

			free(fi.io_uring.buf_sizes);
			if (kbline_split(line, &key, &value) < 0)
				key = span_trim(line);
			if (key.len > 40)
				key.len = 40;
			return parse_fail_errno(err, r, it.lineno, "'%.*s' %s",
						(int)key.len, key.p, why);
		}
	}
	fi.io_uring.n_buf_sizes = nbufs;
	if (!val_has(fi.pos) || !val_has(fi.flags)) {
		free(fi.io_uring.buf_sizes);
		return parse_fail(err, 0, "no 'pos:' and 'flags:' lines");
	}

	/* kind-specific figures of another kind are not this file's */
	if (fi.kind != FDINFO_DMABUF) {
		fi.dmabuf.size = fi.dmabuf.count = VAL_ABSENT;
		fi.dmabuf.exp_name[0] = fi.dmabuf.name[0] = 0;
	}
	if (fi.kind == FDINFO_IO_URING && val_has(fi.io_uring.user_bufs) &&
	    nbufs == fi.io_uring.user_bufs) {
		uint64_t sum = 0;

		for (size_t i = 0; i < nbufs; i++)
			sum += fi.io_uring.buf_sizes[i]; /* each < 2^32 */
		fi.io_uring.buf_bytes = sum;
	}
	for (size_t i = 0; i < fi.drm.n_regions; i++)
		if (!val_has(fi.drm.regions[i].resident))
			fi.drm.regions[i].resident = legacy[i];
	*ret = fi;
	return 0;
}
