/* Owners: what each kind of held object is, and the totals; see
 * owners.h. */
#include <stdlib.h>
#include <string.h>

#include "owners.h"

static const struct owner_kind_info kinds[_OWN_MAX] = {
    [OWN_PIPE] = {"pipe", ACCT_UNACCOUNTED, "FIONREAD", true},
    [OWN_TCP] = {"tcp", ACCT_UNACCOUNTED, "sock_diag", false},
    [OWN_UDP] = {"udp", ACCT_UNACCOUNTED, "sock_diag", false},
    [OWN_UNIX] = {"unix", ACCT_UNACCOUNTED, "sock_diag", false},
    [OWN_SOCKET] = {"socket", ACCT_UNACCOUNTED, "fd", false},
    [OWN_BPF_MAP] = {"bpf-map", ACCT_VMALLOC, "bpf", false},
    [OWN_BPF_PROG] = {"bpf-prog", ACCT_VMALLOC, "bpf", false},
    [OWN_IO_URING] = {"io_uring", ACCT_UNACCOUNTED, "fdinfo", true},
    [OWN_MEMFD] = {"memfd", ACCT_SHMEM, "stat", false},
    [OWN_DELETED] = {"deleted-file", ACCT_PAGE_CACHE, "stat", true},
    [OWN_TMPFS] = {"tmpfs-file", ACCT_SHMEM, "stat", false},
    [OWN_SYSV_SHM] = {"sysv-shm", ACCT_SHMEM, "sysvipc", false},
    [OWN_SYSV_MSG] = {"sysv-msg", ACCT_SLAB_UNRECLAIMABLE, "sysvipc", true},
    [OWN_POSIX_MQ] = {"posix-mq", ACCT_SLAB_UNRECLAIMABLE, "mqueue", true},
    [OWN_HUGETLB] = {"hugetlb", ACCT_HUGETLB, "smaps_rollup", false},
    [OWN_EPOLL] = {"epoll", ACCT_SLAB_UNRECLAIMABLE, "fdinfo", true},
    [OWN_INOTIFY] = {"inotify", ACCT_SLAB_UNRECLAIMABLE, "fdinfo", true},
    [OWN_FANOTIFY] = {"fanotify", ACCT_SLAB_UNRECLAIMABLE, "fdinfo", true},
    [OWN_DMABUF] = {"dma-buf", ACCT_UNACCOUNTED, "fdinfo", false},
    [OWN_DRM] = {"drm", ACCT_UNACCOUNTED, "fdinfo", false},
};

const struct owner_kind_info *owner_kind_info(enum owner_kind k)
{
	return (unsigned)k < _OWN_MAX ? &kinds[k] : NULL;
}

int owner_kind_from_name(const char *name)
{
	for (int k = 0; k < _OWN_MAX; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return k;
	return -1;
}

void owner_set_totals(const struct owner_set *s,
		      struct owner_kind_total ret[_OWN_MAX])
{
	memset(ret, 0, sizeof(*ret) * _OWN_MAX);
	for (size_t i = 0; i < s->nobjs; i++) {
		const struct owner_obj *o = &s->objs[i];

		ret[o->kind].objects++;
		if (val_has(o->bytes))
			ret[o->kind].bytes += o->bytes;
		else
			ret[o->kind].n_absent++;
	}
}

uint64_t owner_set_pid_bytes(const struct owner_set *s, int pid)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->nobjs; i++) {
		const struct owner_obj *o = &s->objs[i];

		if (o->nholders && o->holders[0] == pid && val_has(o->bytes))
			sum += o->bytes;
	}
	return sum;
}
