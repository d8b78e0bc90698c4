/* Shared reader plumbing for the source modules; see source.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "source.h"

static void err_set_path(struct root *root, const char *path,
			 struct source_err *err)
{
	char *p = root_display_path(root, path);

	snprintf(err->path, sizeof(err->path), "%s", p);
	free(p);
}

int source_read_parse(struct root *root, const char *path,
		      source_parse_fn parse, void *ret, struct source_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct source_err local;
	size_t len;
	int r;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	r = root_read(root, path, &buf, &len);
	if (r < 0) {
		err->err = r;
		err_set_path(root, path, err);
		return r;
	}
	r = parse(buf, len, ret, &err->parse);
	if (r < 0) {
		err->err = r;
		err_set_path(root, path, err);
		return r;
	}
	return 0;
}

void source_err_format(const struct source_err *e, char *buf, size_t n)
{
	int en = -e->err;
	char cap[32];

	if (e->parse.msg[0]) {
		if (e->parse.line)
			snprintf(buf, n, "cannot parse '%s' line %u: %s",
				 e->path, e->parse.line, e->parse.msg);
		else
			snprintf(buf, n, "cannot parse '%s': %s", e->path,
				 e->parse.msg);
		return;
	}
	if (en == EACCES || en == EPERM)
		snprintf(buf, n, "cannot read '%s': %s (needs root)", e->path,
			 strerror(en));
	else if (en == ENOENT)
		snprintf(buf, n, "'%s' is absent (not on this kernel)",
			 e->path);
	else if (en == EFBIG)
		snprintf(
		    buf, n, "'%s' is larger than %s: not a kernel file",
		    e->path,
		    fileio_cap_str(root_read_cap(e->path), cap, sizeof(cap)));
	else if (en == EBADFD)
		snprintf(buf, n,
			 "'%s' is not a regular file (a FIFO or device "
			 "is no kernel file)",
			 e->path);
	else if (en == EXDEV)
		snprintf(buf, n,
			 "'%s' leads outside the root (a symlink out of "
			 "the tree is not followed)",
			 e->path);
	else if (en == EOPNOTSUPP)
		snprintf(buf, n,
			 "cannot read '%s': %s (switched off at boot, "
			 "e.g. psi=0)",
			 e->path, strerror(en));
	else
		snprintf(buf, n, "cannot read '%s': %s", e->path, strerror(en));
}
