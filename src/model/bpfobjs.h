/* The BPF maps and programs loaded in the kernel, by id, with their size
 * and where they are pinned. The owners view joins them to processes
 * through "map_id:" and "prog_id:" in /proc/PID/fdinfo; an object no
 * process holds is kept alive by a pin (its bpffs path is here), a link
 * or another object. Live only; needs CAP_SYS_ADMIN (or CAP_BPF). */
#ifndef MEMTALLY_BPFOBJS_H
#define MEMTALLY_BPFOBJS_H

#include <stddef.h>
#include <stdint.h>

enum bpfobj_kind {
	BPFOBJ_MAP,
	BPFOBJ_PROG,
};

struct bpfobj {
	enum bpfobj_kind kind;
	uint32_t id;
	uint32_t type;	     /* enum bpf_map_type or bpf_prog_type */
	char type_name[32];  /* libbpf's name ("array", "kprobe") or number */
	char name[17];	     /* the object's name, "" when unnamed */
	uint32_t key_size;   /* maps; 0 for programs */
	uint32_t value_size; /* maps */
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t xlated_len; /* programs: instructions, bytes */
	uint32_t jited_len;  /* programs: machine code, bytes */
	uint64_t memlock;    /* bytes charged, fdinfo "memlock:" (for maps
				since 6.4 the kernel's map_mem_usage(), an
				estimate of its own); VAL_ABSENT if missing */
	char **pins;	     /* bpffs paths, sorted; NULL when none */
	size_t n_pins;
};

struct bpfobjs {
	struct bpfobj *v; /* maps by id, then programs by id */
	size_t n;
	size_t vanished; /* freed between listing and opening: skipped */
	int pin_err;	 /* 0, or why the bpffs walk failed (-errno) */
};

/* Enumerate maps and programs by id (bpf_map_get_next_id(),
 * bpf_*_get_fd_by_id(), bpf_obj_get_info_by_fd()), the memlock from our
 * own descriptor's /proc/self/fdinfo, closed at once; then walk every
 * bpffs mount of /proc/self/mounts and name the pinned objects. Returns 0;
 * -EPERM without the capability; -EOPNOTSUPP when built without libbpf
 * (MEMTALLY_HAVE_BPF=0). */
int bpfobjs_collect(struct bpfobjs *ret);

/* The object of that kind and id, or NULL. */
const struct bpfobj *bpfobjs_find(const struct bpfobjs *o,
				  enum bpfobj_kind kind, uint32_t id);

void bpfobjs_release(struct bpfobjs *o);

/* "map" or "prog". */
const char *bpfobj_kind_name(enum bpfobj_kind k);

/* Pure: the "memlock:" value of a BPF object's fdinfo text. -ENOENT when
 * the line is missing, -EINVAL when it is not a number. */
int bpfobjs_fdinfo_memlock(const char *buf, size_t len, uint64_t *ret);

#endif
