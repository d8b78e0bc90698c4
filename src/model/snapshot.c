/* Collecting a snapshot from the source table; see snapshot.h. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "snapshot.h"

/* Read one source into s. */
static void collect_one(struct root *root, struct snapshot *s, int id)
{
	const struct source_desc *d = source_get(id);
	void *data;
	int r;

	if (!d) {
		s->err[id].err = -ENOSYS;
		return;
	}
	data = xcalloc(1, d->size);
	r = d->read(root, data, &s->err[id]);
	if (r < 0) {
		if (s->err[id].err == 0)
			s->err[id].err = r;
		free(data);
		return;
	}
	s->data[id] = data;
}

/* Reading in parallel.
 *
 * Most of a view's time is the kernel printing its files (/proc/vmallocinfo
 * alone takes 1-3 ms, pagetypeinfo up to 15 ms), not our parsing, and the
 * sources are independent: each writes only its own data[id] and err[id].
 * So when a view asks for several, two threads take sources from a shared
 * counter until none is left; the files are also read closer together in
 * time, which makes them agree better. A recording root is read by one
 * thread (its record of reads is not locked). */
struct collect_job {
	struct root *root;
	struct snapshot *s;
	uint64_t mask;
	atomic_int next;
};

static void *collect_worker(void *arg)
{
	struct collect_job *j = arg;

	for (;;) {
		int id = atomic_fetch_add(&j->next, 1);

		if (id >= _SRC_MAX)
			return NULL;
		if (j->mask & SRC_BIT(id))
			collect_one(j->root, j->s, id);
	}
}

void snapshot_collect(struct root *root, uint64_t mask, struct snapshot *ret)
{
	struct collect_job job = {.root = root, .s = ret, .mask = mask};
	pthread_t helper;
	bool threaded;

	memset(ret, 0, sizeof(*ret));
	ret->asked = mask;
	atomic_init(&job.next, 0);
	threaded = __builtin_popcountll(mask) >= 2 &&
		   !root_is_recording(root) &&
		   pthread_create(&helper, NULL, collect_worker, &job) == 0;
	collect_worker(&job);
	if (threaded)
		pthread_join(helper, NULL);
}

void snapshot_release(struct snapshot *s)
{
	for (int id = 0; id < _SRC_MAX; id++) {
		const struct source_desc *d = source_get(id);

		if (!s->data[id])
			continue;
		if (d && d->release)
			d->release(s->data[id]);
		free(s->data[id]);
		s->data[id] = NULL;
	}
}

const void *snapshot_get(const struct snapshot *s, enum source_id id)
{
	return (unsigned)id < _SRC_MAX ? s->data[id] : NULL;
}

void snapshot_why(const struct snapshot *s, enum source_id id, char *buf,
		  size_t n)
{
	if ((unsigned)id >= _SRC_MAX || s->data[id]) {
		snprintf(buf, n, "available");
		return;
	}
	if (!(s->asked & SRC_BIT(id))) {
		snprintf(buf, n, "not collected");
		return;
	}
	if (s->err[id].err == -ENOSYS && !s->err[id].path[0]) {
		snprintf(buf, n, "not built into this memtally");
		return;
	}
	source_err_format(&s->err[id], buf, n);
}
