/* BPF maps and programs by id (see bpfobjs.h).
 *
 * The kernel numbers every map and program (kernel/bpf/syscall.c, an idr
 * each); BPF_MAP_GET_NEXT_ID walks the ids, BPF_MAP_GET_FD_BY_ID opens
 * one, BPF_OBJ_GET_INFO_BY_FD describes it (bpftool map/prog list works
 * this way). All three need CAP_SYS_ADMIN, so a user gets -EPERM and the
 * view says it needs root. An object can be freed between the listing
 * and the open: -ENOENT, counted in vanished and skipped.
 *
 * Size: struct bpf_map_info has no byte count. The fdinfo of a map or
 * program descriptor has "memlock:", what the object is charged
 * (bpf_map_memory_usage() since 6.4, before that the pages of the
 * RLIMIT_MEMLOCK-era accounting). We read it from /proc/self/fdinfo of
 * our own, temporary descriptor and close the descriptor right after:
 * holding it would keep a map alive its owner meant to free.
 *
 * Pins: a pinned object is a file on a bpffs mount (fstype "bpf" in
 * /proc/self/mounts, usually /sys/fs/bpf). We walk each such mount,
 * BPF_OBJ_GET every file, tell a map from a program by the descriptor's
 * link target ("anon_inode:bpf-map", "anon_inode:bpf-prog"; links and
 * others are skipped), read its id and attach the path to that object.
 * Directories deeper than 16 levels are not walked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "bpfobjs.h"

const char *bpfobj_kind_name(enum bpfobj_kind k)
{
	return k == BPFOBJ_MAP ? "map" : k == BPFOBJ_PROG ? "prog" : "?";
}

int bpfobjs_fdinfo_memlock(const char *buf, size_t len, uint64_t *ret)
{
	struct line_iter it;
	struct span line;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[3];

		if (span_fields(line, f, ELEMENTSOF(f)) == 2 &&
		    span_eq(f[0], "memlock:"))
			return span_u64(f[1], ret);
	}
	return -ENOENT;
}

static void bpfobj_free_pins(struct bpfobj *b)
{
	for (size_t i = 0; i < b->n_pins; i++)
		free(b->pins[i]);
	free(b->pins);
	b->pins = NULL;
	b->n_pins = 0;
}

void bpfobjs_release(struct bpfobjs *o)
{
	for (size_t i = 0; i < o->n; i++)
		bpfobj_free_pins(&o->v[i]);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

const struct bpfobj *bpfobjs_find(const struct bpfobjs *o,
				  enum bpfobj_kind kind, uint32_t id)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].kind == kind && o->v[i].id == id)
			return &o->v[i];
	return NULL;
}

#if MEMTALLY_HAVE_BPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* memlock of our descriptor fd, from /proc/self/fdinfo/FD. */
static uint64_t fd_memlock(int fd)
{
	char path[64], buf[4096];
	uint64_t v;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return VAL_ABSENT;
	n = read(f, buf, sizeof(buf));
	close(f);
	if (n <= 0 || bpfobjs_fdinfo_memlock(buf, (size_t)n, &v) < 0)
		return VAL_ABSENT;
	return v;
}

/* Describe the object open as fd into b (kind already set). */
static int describe(int fd, struct bpfobj *b)
{
	const char *tn;
	__u32 len;
	int r;

	if (b->kind == BPFOBJ_MAP) {
		struct bpf_map_info mi;

		memset(&mi, 0, sizeof(mi));
		len = sizeof(mi);
		r = bpf_obj_get_info_by_fd(fd, &mi, &len);
		if (r < 0)
			return r;
		b->id = mi.id;
		b->type = mi.type;
		b->key_size = mi.key_size;
		b->value_size = mi.value_size;
		b->max_entries = mi.max_entries;
		b->map_flags = mi.map_flags;
		memcpy(b->name, mi.name, sizeof(mi.name));
		tn = libbpf_bpf_map_type_str(mi.type);
	} else {
		struct bpf_prog_info pi;

		memset(&pi, 0, sizeof(pi));
		len = sizeof(pi);
		r = bpf_obj_get_info_by_fd(fd, &pi, &len);
		if (r < 0)
			return r;
		b->id = pi.id;
		b->type = pi.type;
		b->xlated_len = pi.xlated_prog_len;
		b->jited_len = pi.jited_prog_len;
		memcpy(b->name, pi.name, sizeof(pi.name));
		tn = libbpf_bpf_prog_type_str(pi.type);
	}
	b->name[sizeof(b->name) - 1] = '\0';
	if (tn)
		snprintf(b->type_name, sizeof(b->type_name), "%s", tn);
	else
		snprintf(b->type_name, sizeof(b->type_name), "%u", b->type);
	b->memlock = fd_memlock(fd);
	return 0;
}

static int walk_ids(enum bpfobj_kind kind, struct bpfobjs *o, size_t *alloc)
{
	uint32_t id = 0, next;

	for (;;) {
		struct bpfobj b = {.kind = kind};
		int r, fd;

		r = kind == BPFOBJ_MAP ? bpf_map_get_next_id(id, &next)
				       : bpf_prog_get_next_id(id, &next);
		if (r == -ENOENT)
			return 0; /* the end */
		if (r < 0)
			return r;
		id = next;
		fd = kind == BPFOBJ_MAP ? bpf_map_get_fd_by_id(id)
					: bpf_prog_get_fd_by_id(id);
		if (fd == -ENOENT) {
			o->vanished++;
			continue;
		}
		if (fd < 0)
			return fd;
		r = describe(fd, &b);
		close(fd);
		if (r == -ENOENT) {
			o->vanished++;
			continue;
		}
		if (r < 0)
			return r;
		o->v = xgrow(o->v, alloc, o->n + 1, sizeof(*o->v));
		o->v[o->n++] = b;
	}
}

/* Undo the octal escapes of a mount point from /proc/self/mounts. */
static void unescape_mnt(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; s[i] && k + 1 < n; i++) {
		if (s[i] == '\\' && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
		    s[i + 3] <= '7') {
			out[k++] =
			    (char)((s[i + 1] - '0') * 64 +
				   (s[i + 2] - '0') * 8 + s[i + 3] - '0');
			i += 3;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
}

static void add_pin(struct bpfobjs *o, int fd, const char *path)
{
	char link[64], target[64];
	struct bpfobj probe = {0};
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	if (streq(target, "anon_inode:bpf-map"))
		probe.kind = BPFOBJ_MAP;
	else if (streq(target, "anon_inode:bpf-prog"))
		probe.kind = BPFOBJ_PROG;
	else
		return; /* a link or iterator: not a map or program */
	if (describe(fd, &probe) < 0)
		return;
	for (size_t i = 0; i < o->n; i++) {
		struct bpfobj *b = &o->v[i];

		if (b->kind != probe.kind || b->id != probe.id)
			continue;
		b->pins = xrealloc(b->pins, (b->n_pins + 1) * sizeof(char *));
		b->pins[b->n_pins++] = xstrdup(path);
		return;
	}
}

static void walk_dir(struct bpfobjs *o, const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > 16 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		_cleanup_free_ char *p = NULL;
		struct stat st;
		int fd;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk_dir(o, p, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		fd = bpf_obj_get(p);
		if (fd < 0)
			continue;
		add_pin(o, fd, p);
		close(fd);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_pins(struct bpfobjs *o)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mounts", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char src[256], mnt[2048], type[64], path[2048];

		if (sscanf(line, "%255s %2047s %63s", src, mnt, type) != 3 ||
		    !streq(type, "bpf"))
			continue;
		unescape_mnt(mnt, path, sizeof(path));
		walk_dir(o, path, 0);
	}
	fclose(f);
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].n_pins > 1)
			qsort(o->v[i].pins, o->v[i].n_pins, sizeof(char *),
			      cmp_str);
	return 0;
}

int bpfobjs_collect(struct bpfobjs *ret)
{
	struct bpfobjs o = {0};
	size_t alloc = 0;
	int r;

	r = walk_ids(BPFOBJ_MAP, &o, &alloc);
	if (r >= 0)
		r = walk_ids(BPFOBJ_PROG, &o, &alloc);
	if (r < 0) {
		bpfobjs_release(&o);
		return r;
	}
	o.pin_err = walk_pins(&o);
	*ret = o;
	return 0;
}

#else /* !MEMTALLY_HAVE_BPF */

int bpfobjs_collect(struct bpfobjs *ret)
{
	(void)ret;
	return -EOPNOTSUPP;
}

#endif
