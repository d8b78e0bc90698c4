/* The owners collector; see owners.h.
 *
 * Sizes, kind by kind, and how sure each is:
 *   pipe       the pages holding the queued bytes (FIONREAD, rounded up
 *              to pages) plus the ring of pipe_buffer slots: an estimate,
 *              since writes smaller than a page may each take a page
 *   socket     sock_diag's own charge: receive queue (rmem_alloc), the
 *              larger of the send queue charged (wmem_queued) and the
 *              bytes in flight below the socket (wmem_alloc), options and
 *              backlog: measured
 *   bpf        memlock, the kernel's own figure for the object: measured
 *   io_uring   the submission and completion rings, entries times their
 *              sizes (64 and 16 bytes) rounded up to pages: an estimate;
 *              registered buffers are user pages, counted in the RSS
 *   memfd, tmpfs, deleted  the file's blocks (st_blocks * 512): measured
 *              for tmpfs and memfd (shmem); for a deleted file on disk
 *              the page cache it can hold is at most that: an estimate
 *   sysv-shm   rss + swap from /proc/sysvipc/shm: measured
 *   sysv-msg, posix-mq  the queued bytes plus a 48-byte header a message,
 *              each rounded up to its kmalloc size class: an estimate
 *   hugetlb    status HugetlbPages per process: measured; a memfd made
 *              with MFD_HUGETLB or a file on hugetlbfs is a row of its
 *              own (its blocks), taken off its holder's HugetlbPages
 *              (an estimate where it holds a file it does not map)
 *   epoll, inotify, fanotify  items counted in fdinfo times the slab
 *              object size of their cache: an estimate
 *   dma-buf    the buffer's size: measured; drm: resident bytes over the
 *              client's regions: measured */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/macro.h"
#include "../sources/slab_sysfs.h"
#include "../sources/slabinfo.h"
#include "../sources/sysvipc.h"
#include "bpfobjs.h"
#include "fdwalk.h"
#include "owners.h"
#include "pipes.h"
#include "sockets.h"

#define MSG_HDR 48 /* sizeof(struct msg_msg) on 64-bit */

static uint64_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (uint64_t)p : 4096;
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

/* kmalloc's size classes: 8..8192 in powers of two, plus 96 and 192. */
static uint64_t kmalloc_size(uint64_t n)
{
	uint64_t c = 8;

	if (n > 64 && n <= 96)
		return 96;
	if (n > 128 && n <= 192)
		return 192;
	while (c < n && c < 8192)
		c <<= 1;
	return n > 8192 ? round_up(n, page_size()) : c;
}

/* Bytes a message queue's slab objects take: qnum messages of cbytes in
 * all, assumed equal; each is a header with up to 4048 bytes of data in
 * one kmalloc object, the rest in 4088-byte segments (ipc/msgutil.c). */
static uint64_t msgq_bytes(uint64_t cbytes, uint64_t qnum)
{
	uint64_t each, first, rest, sum;

	if (qnum == 0)
		return 0;
	each = cbytes / qnum;
	first = each < 4096 - MSG_HDR ? each : 4096 - MSG_HDR;
	rest = each - first;
	sum = kmalloc_size(MSG_HDR + first);
	while (rest > 0) {
		uint64_t seg = rest < 4088 ? rest : 4088;

		sum += kmalloc_size(8 + seg);
		rest -= seg;
	}
	return sum * qnum;
}

/* The object size of a slab cache, from /proc/slabinfo; VAL_ABSENT. */
static uint64_t slab_objsize(const struct slabinfo *si, const char *name)
{
	const struct slabinfo_cache *c = si ? slabinfo_find(si, name) : NULL;

	return c ? c->objsize : VAL_ABSENT;
}

struct ctx {
	struct root *root;
	struct owner_set *set;
	struct fdwalk walk;
	struct sockets socks;
	bool have_socks;
	struct bpfobjs bpf;
	bool have_bpf;
	struct slabinfo slab;
	bool have_slab;
	uint64_t page;
	size_t pipes_denied;
	uint64_t objsize[3]; /* add_items()'s caches; 0: not looked up */
};

/* The object size of a slab cache that SLUB merged into another: it has
 * no line in /proc/slabinfo (inotify_inode_mark usually), but its sysfs
 * alias names the cache it shares. VAL_ABSENT. */
static uint64_t sysfs_objsize(struct root *root, const char *name)
{
	char *names[] = {(char *)name};
	const struct slab_sysfs_cache *sc;
	struct slab_sysfs ss;
	struct source_err err;
	uint64_t v = VAL_ABSENT;

	if (slab_sysfs_read_names(root, names, 1, SA_BIT(SA_OBJECT_SIZE), &ss,
				  &err) < 0)
		return VAL_ABSENT;
	sc = slab_sysfs_resolve(&ss, name);
	if (sc)
		v = sc->v[SA_OBJECT_SIZE];
	slab_sysfs_release(&ss);
	return v;
}

static void set_bytes(struct owner_obj *o, uint64_t bytes, const char *why)
{
	o->bytes = bytes;
	free(o->why);
	o->why = why ? strdup(why) : NULL;
}

static void obj_text(struct owner_obj *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void obj_text(struct owner_obj *o, const char *fmt, ...)
{
	va_list ap;

	if (o->object)
		return;
	va_start(ap, fmt);
	if (vasprintf(&o->object, fmt, ap) < 0)
		o->object = NULL;
	va_end(ap);
}

static enum owner_kind socket_kind(const struct sockdiag_sock *sk)
{
	if (sk->family == 1 /* AF_UNIX */)
		return OWN_UNIX;
	if (sk->protocol == 6)
		return OWN_TCP;
	if (sk->protocol == 17)
		return OWN_UDP;
	return OWN_SOCKET;
}

static uint64_t mem(const struct sockdiag_sock *sk, enum sockdiag_mem m)
{
	return val_has(sk->mem[m]) ? sk->mem[m] : 0;
}

/* A socket's charge, as the kernel keeps it (see the top of the file). */
static uint64_t socket_bytes(const struct sockdiag_sock *sk)
{
	uint64_t w = mem(sk, SOCKDIAG_MEM_WMEM_QUEUED);

	if (!val_has(sk->mem[SOCKDIAG_MEM_RMEM_ALLOC]))
		return VAL_ABSENT;
	if (mem(sk, SOCKDIAG_MEM_WMEM_ALLOC) > w)
		w = mem(sk, SOCKDIAG_MEM_WMEM_ALLOC);
	return mem(sk, SOCKDIAG_MEM_RMEM_ALLOC) + w +
	       mem(sk, SOCKDIAG_MEM_OPTMEM) + mem(sk, SOCKDIAG_MEM_BACKLOG);
}

static void add_socket(struct ctx *c, int pid, const struct fdw_object *fo)
{
	const struct sockdiag_sock *sk =
	    c->have_socks ? sockets_find(&c->socks, fo->id) : NULL;
	struct owner_obj *o;
	char l[80], r[80];

	if (!sk) {
		o = owner_set_obj(c->set, OWN_SOCKET, fo->id);
		obj_text(o, "socket:[%llu]", (unsigned long long)fo->id);
		if (!val_has(o->bytes))
			set_bytes(o, VAL_ABSENT,
				  c->have_socks
				      ? "not in sock_diag (another family or "
					"network namespace)"
				      : "sock_diag unavailable");
		owner_obj_add_holder(o, pid);
		return;
	}
	o = owner_set_obj(c->set, socket_kind(sk), fo->id);
	if (!o->object) {
		if (sk->family == 1) {
			obj_text(o, "%s %s%s", sockdiag_kind(sk),
				 sk->path[0] ? sk->path : "(unnamed)",
				 sk->peer_inode ? "" : "");
		} else {
			sockdiag_addr_format(sk->family, &sk->local, l,
					     sizeof(l));
			sockdiag_addr_format(sk->family, &sk->remote, r,
					     sizeof(r));
			obj_text(o, "%s %s -> %s %s", sockdiag_kind(sk), l, r,
				 sockdiag_state_name(sk->state));
		}
		set_bytes(o, socket_bytes(sk), NULL);
	}
	owner_obj_add_holder(o, pid);
}

static void add_pipe(struct ctx *c, int pid, const struct fdw_object *fo)
{
	struct owner_obj *o = owner_set_obj(c->set, OWN_PIPE, fo->id);
	struct pipe_usage pu;
	int r;

	owner_obj_add_holder(o, pid);
	if (o->object)
		return;
	obj_text(o, "pipe:[%llu]", (unsigned long long)fo->id);
	r = pipes_query(pid, fo->fd, &pu);
	if (r < 0) {
		if (r == -EPERM || r == -EACCES)
			c->pipes_denied++;
		set_bytes(o, VAL_ABSENT,
			  r == -EPERM || r == -EACCES
			      ? "queue needs root (pidfd_getfd)"
			      : "the pipe closed while we looked");
		return;
	}
	free(o->object);
	o->object = NULL;
	obj_text(o, "pipe:[%llu] %llu bytes queued of %llu",
		 (unsigned long long)fo->id, (unsigned long long)pu.queued,
		 (unsigned long long)pu.capacity);
	set_bytes(o, pu.pages_est * c->page + pu.ring_bytes_est,
		  "queued bytes rounded up to pages, plus the ring");
}

static void add_bpf(struct ctx *c, int pid, const struct fdw_object *fo)
{
	bool map = fo->kind == FDW_BPF_MAP;
	struct owner_obj *o =
	    owner_set_obj(c->set, map ? OWN_BPF_MAP : OWN_BPF_PROG, fo->id);
	const struct bpfobj *b =
	    c->have_bpf ? bpfobjs_find(&c->bpf, map ? BPFOBJ_MAP : BPFOBJ_PROG,
				       (uint32_t)fo->id)
			: NULL;

	owner_obj_add_holder(o, pid);
	if (o->object)
		return;
	if (b)
		obj_text(o, "%s %u %s %s", map ? "map" : "prog", b->id,
			 b->type_name, b->name[0] ? b->name : "(unnamed)");
	else
		obj_text(o, "%s %llu", map ? "map" : "prog",
			 (unsigned long long)fo->id);
	/* memlock from the holder's fdinfo is the same figure */
	set_bytes(o,
		  val_has(fo->size) ? fo->size
		  : b		    ? b->memlock
				    : VAL_ABSENT,
		  val_has(fo->size) || b ? NULL : "memlock not shown");
}

static void add_uring(struct ctx *c, int pid, const struct fdw_object *fo)
{
	struct owner_obj *o = owner_set_obj(c->set, OWN_IO_URING, fo->id);
	uint64_t sq = fo->u.io_uring.sq_entries, cq = fo->u.io_uring.cq_entries;

	owner_obj_add_holder(o, pid);
	if (o->object)
		return;
	obj_text(o, "io_uring %u sq / %u cq entries%s", (unsigned)sq,
		 (unsigned)cq, fo->u.io_uring.sq_thread >= 0 ? ", SQPOLL" : "");
	if (!sq && !cq) {
		set_bytes(o, VAL_ABSENT, "ring sizes not in fdinfo");
		return;
	}
	/* the SQ ring (head, tail, array of u32 indexes), the SQE array and
	 * the CQ ring with its CQEs, each rounded up to pages */
	set_bytes(o,
		  round_up(64 + sq * 4, c->page) + round_up(sq * 64, c->page) +
		      round_up(64 + cq * 16, c->page),
		  "ring entries times their sizes, rounded up to pages");
}

/* The high bit keeps a hugetlbfs file's inode apart from the PIDs that
 * name the per-process huge page objects of the same kind. */
#define HUGETLB_FILE_ID (1ULL << 63)

/* A memfd (MFD_HUGETLB) or file on hugetlbfs: its blocks are huge pages
 * of the HugeTLB pool, not shmem, so it is a huge page object. */
static void add_hugetlb_file(struct ctx *c, int pid,
			     const struct fdw_object *fo)
{
	struct owner_obj *o =
	    owner_set_obj(c->set, OWN_HUGETLB, fo->id | HUGETLB_FILE_ID);

	owner_obj_add_holder(o, pid);
	if (o->object)
		return;
	obj_text(o, "%s%s (hugetlbfs%s)", fo->kind == FDW_MEMFD ? "memfd:" : "",
		 fo->name ? fo->name : "?",
		 fo->deleted && fo->kind != FDW_MEMFD ? ", deleted" : "");
	set_bytes(o, fo->resident,
		  !val_has(fo->resident) ? "stat failed" : NULL);
}

static void add_file(struct ctx *c, int pid, const struct fdw_object *fo)
{
	enum owner_kind k = fo->kind == FDW_MEMFD   ? OWN_MEMFD
			    : fo->kind == FDW_TMPFS ? OWN_TMPFS
						    : OWN_DELETED;
	struct owner_obj *o;

	if (fo->hugetlbfs) {
		add_hugetlb_file(c, pid, fo);
		return;
	}
	o = owner_set_obj(c->set, k, fo->id);

	owner_obj_add_holder(o, pid);
	if (o->object)
		return;
	obj_text(o, "%s%s%s", k == OWN_MEMFD ? "memfd:" : "",
		 fo->name ? fo->name : "?",
		 fo->deleted && k != OWN_MEMFD ? " (deleted)" : "");
	set_bytes(o, fo->resident,
		  !val_has(fo->resident) ? "stat failed"
		  : k == OWN_DELETED	 ? "disk blocks: the most it can "
					   "keep in the page cache"
					 : NULL);
}

/* epoll, inotify, fanotify: one object per descriptor (they share one
 * anonymous inode), sized as items times the slab object. */
static void add_items(struct ctx *c, int pid, const struct fdw_object *fo)
{
	static const struct {
		enum fdw_kind fk;
		enum owner_kind k;
		const char *cache, *what, *kind;
	} m[] = {
	    {FDW_EPOLL, OWN_EPOLL, "eventpoll_epi", "watched fds", "epoll"},
	    {FDW_INOTIFY, OWN_INOTIFY, "inotify_inode_mark", "watches",
	     "inotify"},
	    {FDW_FANOTIFY, OWN_FANOTIFY, "fanotify_mark", "marks", "fanotify"},
	};
	struct owner_obj *o;
	uint64_t objsize;
	size_t i = 0;

	while (m[i].fk != fo->kind)
		i++;
	/* an id no inode has: pid and fd */
	o = owner_set_obj(c->set, m[i].k,
			  (uint64_t)pid << 32 | (uint32_t)fo->fd);
	owner_obj_add_holder(o, pid);
	obj_text(o, "fd %d: %llu %s", fo->fd,
		 (unsigned long long)(val_has(fo->items) ? fo->items : 0),
		 m[i].what);
	if (!c->objsize[i]) {
		c->objsize[i] =
		    slab_objsize(c->have_slab ? &c->slab : NULL, m[i].cache);
		if (!val_has(c->objsize[i]))
			c->objsize[i] = sysfs_objsize(c->root, m[i].cache);
	}
	objsize = c->objsize[i];
	if (!val_has(fo->items) || !val_has(objsize)) {
		set_bytes(o, VAL_ABSENT,
			  !val_has(fo->items) ? "fdinfo unreadable"
					      : "slab object size unknown");
		if (val_has(fo->items))
			owner_set_note(c->set,
				       "%s sizes need the slab object size "
				       "('/proc/slabinfo' or "
				       "'/sys/kernel/slab/%s', root)",
				       m[i].kind, m[i].cache);
		return;
	}
	set_bytes(o, fo->items * objsize, "items times the slab object size");
}

static void add_gpu(struct ctx *c, int pid, const struct fdw_object *fo)
{
	bool drm = fo->kind == FDW_DRM;
	struct owner_obj *o =
	    owner_set_obj(c->set, drm ? OWN_DRM : OWN_DMABUF, fo->id);

	owner_obj_add_holder(o, pid);
	if (o->object)
		return;
	obj_text(o, "%s %s", drm ? "drm client" : "dma-buf",
		 fo->name ? fo->name : "?");
	set_bytes(o, drm ? fo->resident : fo->size,
		  drm && !val_has(fo->resident) ? "no drm-resident in fdinfo"
		  : !drm && !val_has(fo->size)	? "no size in fdinfo"
						: NULL);
}

static void add_object(struct ctx *c, int pid, const struct fdw_object *fo)
{
	switch (fo->kind) {
	case FDW_PIPE:
		add_pipe(c, pid, fo);
		break;
	case FDW_SOCKET:
		add_socket(c, pid, fo);
		break;
	case FDW_BPF_MAP:
	case FDW_BPF_PROG:
		add_bpf(c, pid, fo);
		break;
	case FDW_IO_URING:
		add_uring(c, pid, fo);
		break;
	case FDW_MEMFD:
	case FDW_TMPFS:
	case FDW_DELETED:
		add_file(c, pid, fo);
		break;
	case FDW_EPOLL:
	case FDW_INOTIFY:
	case FDW_FANOTIFY:
		add_items(c, pid, fo);
		break;
	case FDW_DMABUF:
	case FDW_DRM:
		add_gpu(c, pid, fo);
		break;
	case FDW_EVENTFD:
	case _FDW_KIND_MAX:
		break;
	}
}

static void add_procs(struct ctx *c)
{
	for (size_t i = 0; i < c->walk.n_procs; i++) {
		const struct fdw_proc *p = &c->walk.procs[i];
		uint64_t files;

		if (p->err)
			continue;
		owner_set_proc(c->set, p->pid, p->comm, p->cgroup);
		files = 0;
		for (size_t k = 0; k < p->n; k++) {
			const struct fdw_object *fo =
			    &c->walk.objs[p->first + k];

			add_object(c, p->pid, fo);
			if (fo->hugetlbfs && val_has(fo->resident))
				files += fo->resident;
		}
		/* the pages of hugetlbfs files it holds have rows of their
		 * own; where it also maps them, HugetlbPages counts them
		 * again: take them off (an estimate when it holds a file it
		 * does not map and maps other huge pages) */
		if (val_has(p->hugetlb) && p->hugetlb > files) {
			struct owner_obj *o = owner_set_obj(c->set, OWN_HUGETLB,
							    (uint64_t)p->pid);

			obj_text(o, files ? "huge pages mapped, less its "
					    "hugetlbfs files"
					  : "huge pages mapped");
			set_bytes(o, p->hugetlb - files, NULL);
			owner_obj_add_holder(o, p->pid);
		}
	}
	c->set->procs_vanished = c->walk.n_gone;
	c->set->procs_denied = c->walk.n_denied;
}

/* BPF objects no descriptor holds (pinned, or kept by a link). */
static void add_bpf_unheld(struct ctx *c)
{
	for (size_t i = 0; c->have_bpf && i < c->bpf.n; i++) {
		const struct bpfobj *b = &c->bpf.v[i];
		bool map = b->kind == BPFOBJ_MAP;
		struct owner_obj *o = owner_set_obj(
		    c->set, map ? OWN_BPF_MAP : OWN_BPF_PROG, b->id);

		if (o->object)
			continue;
		obj_text(o, "%s %u %s %s%s%s", map ? "map" : "prog", b->id,
			 b->type_name, b->name[0] ? b->name : "(unnamed)",
			 b->n_pins ? " pinned at " : "",
			 b->n_pins ? b->pins[0] : "");
		set_bytes(o, b->memlock,
			  val_has(b->memlock) ? NULL : "no memlock");
	}
}

static void add_sysv(struct ctx *c, struct root *root)
{
	struct sysvipc_shm shm;
	struct sysvipc_msg msg;
	struct source_err err;

	if (sysvipc_shm_read(root, &shm, &err) == 0) {
		for (size_t i = 0; i < shm.n; i++) {
			const struct sysvipc_shm_seg *g = &shm.v[i];
			struct owner_obj *o =
			    owner_set_obj(c->set, OWN_SYSV_SHM, g->shmid);

			obj_text(o,
				 "shmid %llu key 0x%08llx, %llu attached%s, "
				 "created by %llu",
				 (unsigned long long)g->shmid,
				 (unsigned long long)(uint32_t)g->key,
				 (unsigned long long)g->nattch,
				 g->nattch ? "" : " (orphan)",
				 (unsigned long long)g->cpid);
			o->creator_pid = (int)g->cpid;
			o->last_pid = (int)g->lpid;
			set_bytes(o,
				  val_has(g->rss) && val_has(g->swap)
				      ? g->rss + g->swap
				      : VAL_ABSENT,
				  val_has(g->rss)
				      ? NULL
				      : "no rss column (old kernel)");
		}
		sysvipc_shm_release(&shm);
	} else {
		owner_set_note(c->set, "SysV shared memory unavailable: "
				       "'/proc/sysvipc/shm' unreadable");
	}
	if (sysvipc_msg_read(root, &msg, &err) == 0) {
		for (size_t i = 0; i < msg.n; i++) {
			const struct sysvipc_msg_queue *q = &msg.v[i];
			struct owner_obj *o =
			    owner_set_obj(c->set, OWN_SYSV_MSG, q->msqid);

			/* the kernel keeps no creator PID for a queue: the
			 * last sender is what names who fills it */
			obj_text(o,
				 "msqid %llu key 0x%08llx, %llu messages, last "
				 "sent by %llu",
				 (unsigned long long)q->msqid,
				 (unsigned long long)(uint32_t)q->key,
				 (unsigned long long)q->qnum,
				 (unsigned long long)q->lspid);
			o->creator_pid = -1;
			o->last_pid = (int)q->lspid;
			set_bytes(o, msgq_bytes(q->cbytes, q->qnum),
				  "queued bytes plus headers, in kmalloc "
				  "size classes");
		}
		sysvipc_msg_release(&msg);
	} else {
		owner_set_note(c->set, "SysV message queues unavailable: "
				       "'/proc/sysvipc/msg' unreadable");
	}
}

static void add_mqueues(struct ctx *c)
{
	struct posix_mqueues qs;
	int r = posix_mqueues_read("/dev/mqueue", &qs);

	if (r < 0) {
		owner_set_note(c->set, "POSIX message queues: '/dev/mqueue' %s",
			       r == -ENOENT ? "is not mounted"
					    : "cannot be read");
		return;
	}
	for (size_t i = 0; i < qs.n; i++) {
		const struct posix_mqueue *q = &qs.v[i];
		/* the name is the identity: hash it */
		uint64_t id = 1469598103934665603ULL;
		struct owner_obj *o;

		for (const char *p = q->name ? q->name : ""; *p; p++)
			id = (id ^ (unsigned char)*p) * 1099511628211ULL;
		o = owner_set_obj(c->set, OWN_POSIX_MQ, id);
		obj_text(o, "/dev/mqueue/%s", q->name ? q->name : "?");
		/* the message count is not shown: one message assumed */
		set_bytes(
		    o, q->qsize ? msgq_bytes(q->qsize, 1) : 0,
		    "queued bytes plus a header, in kmalloc size classes");
	}
	posix_mqueues_release(&qs);
}

static void gather(struct ctx *c, struct root *root)
{
	int r;

	r = sockets_collect(SOCKETS_TIMEOUT_MS, &c->socks);
	c->have_socks = r == 0;
	if (r < 0)
		owner_set_note(c->set,
			       "socket memory unavailable: sock_diag "
			       "said %s",
			       strerror(-r));
	r = bpfobjs_collect(&c->bpf);
	c->have_bpf = r == 0;
	if (r < 0)
		owner_set_note(c->set, "BPF objects not listed: %s",
			       r == -EPERM ? "needs root (CAP_BPF)"
					   : strerror(-r));
	c->have_slab = slabinfo_read(root, &c->slab, NULL) == 0;
}

int owners_collect(struct root *root, const struct owners_collect_opts *o,
		   struct owner_set *ret)
{
	struct fdwalk_opts wo = {
	    .pids = o->pids,
	    .npids = o->npids,
	    .uid = o->uid,
	    .flags = o->smaps ? FDWALK_SMAPS : 0,
	};
	struct ctx c = {.root = root, .set = ret, .page = page_size()};
	int r;

	owner_set_init(ret);
	r = fdwalk_collect(&wo, &c.walk);
	if (r < 0)
		return r;
	gather(&c, root);
	add_procs(&c);
	/* with a filter the walk did not see every holder: an object held
	 * only outside it would pass for unheld */
	if (!o->pids && o->uid == (uid_t)-1)
		add_bpf_unheld(&c);
	if (!o->pids)
		add_sysv(&c, root);
	if (!o->pids)
		add_mqueues(&c);
	if (c.pipes_denied)
		owner_set_note(ret,
			       "%zu pipes: queue sizes need root "
			       "(pidfd_getfd)",
			       c.pipes_denied);
	if (c.walk.n_denied)
		owner_set_note(ret,
			       "%zu processes not readable (%s): their "
			       "descriptors are not shown",
			       c.walk.n_denied,
			       c.walk.first_denied_why[0]
				   ? c.walk.first_denied_why
				   : "not root");
	if (c.walk.n_gone)
		owner_set_note(ret,
			       "%zu processes exited during the scan and "
			       "were skipped",
			       c.walk.n_gone);
	owner_set_finish(ret);
	fdwalk_release(&c.walk);
	if (c.have_socks)
		sockets_release(&c.socks);
	if (c.have_bpf)
		bpfobjs_release(&c.bpf);
	if (c.have_slab)
		slabinfo_release(&c.slab);
	return 0;
}
