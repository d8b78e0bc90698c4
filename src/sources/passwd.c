/* /etc/passwd parser and reader (passwd(5)).
 *
 * Only the first and third fields matter here: the name and the uid,
 * which `procs` shows in place of a process's real uid and accepts for
 * --user. The file is read through the root, so a captured tree or a
 * snapshot names its own users rather than this machine's. The parser is
 * lenient where the file is: comments, blank lines, NIS "+"/"-" entries
 * and lines without a numeric uid are skipped, not refused, since a
 * missing name only leaves a uid shown as a number. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/parse.h"
#include "../basic/xalloc.h"
#include "passwd.h"

/* The name and uid of one line; false if it has none. */
static bool line_entry(struct span line, struct span *ret_name,
		       uint64_t *ret_uid)
{
	const char *end = line.p + line.len, *c1, *c2, *c3;
	struct span num;

	c1 = memchr(line.p, ':', line.len);
	if (!c1 || c1 == line.p)
		return false;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2)
		return false;
	c3 = memchr(c2 + 1, ':', (size_t)(end - c2 - 1));
	if (!c3)
		return false;
	num.p = c2 + 1;
	num.len = (size_t)(c3 - c2 - 1);
	if (span_u64(num, ret_uid) < 0)
		return false;
	ret_name->p = line.p;
	ret_name->len = (size_t)(c1 - line.p);
	return true;
}

void passwd_parse(const char *buf, size_t len, struct passwd_db *ret)
{
	struct passwd_db db = {0};
	struct line_iter it;
	struct span line;
	size_t alloc = 0;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span name;
		uint64_t uid;

		if (!line_entry(line, &name, &uid))
			continue;
		db.v = xgrow(db.v, &alloc, db.n + 1, sizeof(*db.v));
		db.v[db.n].name = xstrndup(name.p, name.len);
		db.v[db.n++].uid = uid;
	}
	*ret = db;
}

int passwd_read(struct root *root, struct passwd_db *ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = root_read(root, "etc/passwd", &buf, &len);
	if (r < 0)
		return r;
	passwd_parse(buf, len, ret);
	return 0;
}

const char *passwd_name(const struct passwd_db *db, uint64_t uid)
{
	for (size_t i = 0; i < db->n; i++)
		if (db->v[i].uid == uid)
			return db->v[i].name;
	return NULL;
}

int passwd_uid(const struct passwd_db *db, const char *name, uint64_t *ret_uid)
{
	for (size_t i = 0; i < db->n; i++)
		if (streq(db->v[i].name, name)) {
			*ret_uid = db->v[i].uid;
			return 0;
		}
	return -ENOENT;
}

void passwd_release(struct passwd_db *db)
{
	for (size_t i = 0; i < db->n; i++)
		free(db->v[i].name);
	free(db->v);
	db->v = NULL;
	db->n = 0;
}
