/* The sockets of this network namespace, from live NETLINK_SOCK_DIAG
 * dumps: TCP and UDP over IPv4 and IPv6 (inet_diag, with
 * INET_DIAG_SKMEMINFO, every state) and unix sockets (unix_diag, with
 * UDIAG_SHOW_MEMINFO and UDIAG_SHOW_RQLEN, every type), in one table
 * sorted by inode for the owners view to join with "socket:[INODE]" in
 * /proc/PID/fd. Live only: netlink has no root seam. */
#ifndef MEMTALLY_SOCKETS_H
#define MEMTALLY_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sources/sockdiag.h"

enum sockets_dump {
	SOCKETS_TCP4,
	SOCKETS_TCP6,
	SOCKETS_UDP4,
	SOCKETS_UDP6,
	SOCKETS_UNIX,
	_SOCKETS_DUMP_MAX,
};

#define SOCKETS_TIMEOUT_MS 5000 /* a sane default for timeout_ms */

struct sockets {
	struct sockdiag_sock *v; /* sorted by inode */
	size_t n;
	bool interrupted; /* a dump said NLM_F_DUMP_INTR (see sockdiag.h) */
	/* 0, or why that dump gave nothing: -EAFNOSUPPORT/-ENOENT (IPv6
	 * off, unix_diag not built), -ETIMEDOUT, -EINVAL (bad reply) */
	int err[_SOCKETS_DUMP_MAX];
};

/* "tcp4", "tcp6", "udp4", "udp6", "unix". */
const char *sockets_dump_name(enum sockets_dump d);

/* Run one dump and return its raw reply bytes (every datagram through
 * NLMSG_DONE or NLMSG_ERROR, as sockdiag_parse() takes them; malloc'd) in
 * *ret_buf, *ret_len. Waits at most timeout_ms in all (-ETIMEDOUT). For
 * tools/capture-sockdiag and sockets_collect(). */
int sockets_dump_raw(enum sockets_dump d, int timeout_ms, char **ret_buf,
		     size_t *ret_len);

/* Run every dump and parse them into one table. A dump that fails leaves
 * its err[] set and the others stand; returns a negative errno only when
 * no dump succeeded (the first one's error: -EPROTONOSUPPORT without
 * NETLINK_SOCK_DIAG, for example). */
int sockets_collect(int timeout_ms, struct sockets *ret);

/* The socket with this inode, or NULL (inode 0 never matches). */
const struct sockdiag_sock *sockets_find(const struct sockets *s,
					 uint64_t inode);

void sockets_release(struct sockets *s);

#endif
