/* Collecting a snapshot from the source table; see snapshot.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "snapshot.h"

void snapshot_collect(struct root *root, uint64_t mask, struct snapshot *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->asked = mask;
	for (int id = 0; id < _SRC_MAX; id++) {
		const struct source_desc *d = source_get(id);
		void *data;
		int r;

		if (!(mask & SRC_BIT(id)))
			continue;
		if (!d) {
			ret->err[id].err = -ENOSYS;
			continue;
		}
		data = xcalloc(1, d->size);
		r = d->read(root, data, &ret->err[id]);
		if (r < 0) {
			if (ret->err[id].err == 0)
				ret->err[id].err = r;
			free(data);
			continue;
		}
		ret->data[id] = data;
	}
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
