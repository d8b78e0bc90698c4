/* The owner set: objects merged by (kind, id); see ownerset.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "ownerset.h"

void owner_set_init(struct owner_set *s)
{
	memset(s, 0, sizeof(*s));
}

void owner_set_release(struct owner_set *s)
{
	for (size_t i = 0; i < s->nobjs; i++) {
		free(s->objs[i].object);
		free(s->objs[i].why);
		free(s->objs[i].holders);
	}
	for (size_t i = 0; i < s->nprocs; i++) {
		free(s->procs[i].comm);
		free(s->procs[i].cgroup);
	}
	for (size_t i = 0; i < s->nnotes; i++)
		free(s->notes[i]);
	free(s->notes);
	free(s->objs);
	free(s->procs);
	free(s->hash);
	memset(s, 0, sizeof(*s));
}

static size_t key_hash(enum owner_kind kind, uint64_t id)
{
	uint64_t h =
	    id * 0x9e3779b97f4a7c15ULL ^ (uint64_t)kind * 0xff51afd7ed558ccdULL;

	return (size_t)(h ^ (h >> 29));
}

static void rehash(struct owner_set *s, size_t size)
{
	free(s->hash);
	s->hash = xcalloc(size, sizeof(*s->hash));
	s->hash_size = size;
	for (size_t i = 0; i < s->nobjs; i++) {
		size_t h =
		    key_hash(s->objs[i].kind, s->objs[i].id) & (size - 1);

		while (s->hash[h])
			h = (h + 1) & (size - 1);
		s->hash[h] = i + 1;
	}
}

struct owner_obj *owner_set_obj(struct owner_set *s, enum owner_kind kind,
				uint64_t id)
{
	struct owner_obj *o;
	size_t h;

	if (s->hash_size < 2 * (s->nobjs + 1))
		rehash(s, s->hash_size ? 2 * s->hash_size : 256);
	h = key_hash(kind, id) & (s->hash_size - 1);
	while (s->hash[h]) {
		o = &s->objs[s->hash[h] - 1];
		if (o->kind == kind && o->id == id)
			return o;
		h = (h + 1) & (s->hash_size - 1);
	}
	s->objs =
	    xgrow(s->objs, &s->objs_alloc, s->nobjs + 1, sizeof(*s->objs));
	o = &s->objs[s->nobjs];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->id = id;
	o->bytes = VAL_ABSENT;
	o->creator_pid = o->last_pid = -1;
	s->hash[h] = ++s->nobjs;
	return o;
}

void owner_obj_add_holder(struct owner_obj *o, int pid)
{
	if (o->nholders && o->holders[o->nholders - 1] == pid)
		return;
	o->holders = xgrow(o->holders, &o->holders_alloc, o->nholders + 1,
			   sizeof(*o->holders));
	o->holders[o->nholders++] = pid;
}

void owner_set_proc(struct owner_set *s, int pid, const char *comm,
		    const char *cgroup)
{
	struct owner_proc *p;

	if (s->nprocs && s->procs[s->nprocs - 1].pid == pid)
		return;
	s->procs =
	    xgrow(s->procs, &s->procs_alloc, s->nprocs + 1, sizeof(*s->procs));
	p = &s->procs[s->nprocs++];
	p->pid = pid;
	p->comm = comm ? xstrdup(comm) : NULL;
	p->cgroup = cgroup ? xstrdup(cgroup) : NULL;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_proc(const void *a, const void *b)
{
	return cmp_int(&((const struct owner_proc *)a)->pid,
		       &((const struct owner_proc *)b)->pid);
}

/* biggest first, absent last, then by kind and id for a stable order */
static int cmp_obj(const void *a, const void *b)
{
	const struct owner_obj *x = a, *y = b;
	bool hx = val_has(x->bytes), hy = val_has(y->bytes);

	if (hx != hy)
		return hx ? -1 : 1;
	if (hx && x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

void owner_set_finish(struct owner_set *s)
{
	for (size_t i = 0; i < s->nobjs; i++) {
		struct owner_obj *o = &s->objs[i];
		size_t n = 0;

		if (o->nholders > 1)
			qsort(o->holders, o->nholders, sizeof(*o->holders),
			      cmp_int);
		for (size_t k = 0; k < o->nholders; k++)
			if (n == 0 || o->holders[n - 1] != o->holders[k])
				o->holders[n++] = o->holders[k];
		o->nholders = n;
	}
	if (s->nobjs > 1)
		qsort(s->objs, s->nobjs, sizeof(*s->objs), cmp_obj);
	/* the hash indexes the old order: rebuild it */
	if (s->hash_size)
		rehash(s, s->hash_size);
	if (s->nprocs > 1)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	{
		size_t n = 0;

		for (size_t k = 0; k < s->nprocs; k++) {
			if (n && s->procs[n - 1].pid == s->procs[k].pid) {
				free(s->procs[k].comm);
				free(s->procs[k].cgroup);
				continue;
			}
			s->procs[n++] = s->procs[k];
		}
		s->nprocs = n;
	}
	s->finished = true;
}

static bool in_list(const int *v, size_t n, int x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

void owner_set_keep_holders(struct owner_set *s, const int *pids, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->nobjs; i++) {
		struct owner_obj *o = &s->objs[i];
		size_t h = 0;

		for (size_t k = 0; k < o->nholders; k++)
			if (in_list(pids, n, o->holders[k]))
				o->holders[h++] = o->holders[k];
		o->nholders = h;
		if (!h) {
			free(o->object);
			free(o->why);
			free(o->holders);
			continue;
		}
		s->objs[kept++] = *o;
	}
	s->nobjs = kept;
	if (s->hash_size)
		rehash(s, s->hash_size);
}

const struct owner_proc *owner_set_find_proc(const struct owner_set *s, int pid)
{
	struct owner_proc key = {.pid = pid};

	if (!s->finished) {
		for (size_t i = 0; i < s->nprocs; i++)
			if (s->procs[i].pid == pid)
				return &s->procs[i];
		return NULL;
	}
	return bsearch(&key, s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
}

void owner_set_note(struct owner_set *s, const char *fmt, ...)
{
	va_list ap;
	char *n;

	va_start(ap, fmt);
	if (vasprintf(&n, fmt, ap) < 0)
		n = NULL;
	va_end(ap);
	if (!n)
		return;
	for (size_t i = 0; i < s->nnotes; i++)
		if (strcmp(s->notes[i], n) == 0) {
			free(n);
			return;
		}
	s->notes =
	    xgrow(s->notes, &s->notes_alloc, s->nnotes + 1, sizeof(*s->notes));
	s->notes[s->nnotes++] = n;
}
