/* /etc/passwd: user names by uid, read through the root so that a
 * captured tree names its own users. */
#ifndef MEMTALLY_PASSWD_H
#define MEMTALLY_PASSWD_H

#include <stddef.h>
#include <stdint.h>

#include "../root/root.h"

struct passwd_entry {
	char *name;
	uint64_t uid;
};

struct passwd_db {
	struct passwd_entry *v;
	size_t n;
};

/* Parse passwd(5) lines "name:password:uid:..." into *ret. Pure; never
 * fails: a line without three colons or with a uid that is not a number
 * (a comment, a NIS "+" entry) is skipped. */
void passwd_parse(const char *buf, size_t len, struct passwd_db *ret);
/* Read etc/passwd under root and parse it. -errno when it cannot be
 * read (*ret untouched). */
int passwd_read(struct root *root, struct passwd_db *ret);
/* The first name of uid, or NULL. */
const char *passwd_name(const struct passwd_db *db, uint64_t uid);
/* The uid of name: 0 and *ret_uid, or -ENOENT. */
int passwd_uid(const struct passwd_db *db, const char *name, uint64_t *ret_uid);
void passwd_release(struct passwd_db *db);

#endif
