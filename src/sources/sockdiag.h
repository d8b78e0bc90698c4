/* NETLINK_SOCK_DIAG replies: one record per socket, with its queues and
 * the memory the kernel charges to it.
 *
 * A pure parser of the byte stream a SOCK_DIAG_BY_FAMILY dump returns
 * (every datagram's bytes, one after the other, through NLMSG_DONE):
 * inet_diag messages (AF_INET, AF_INET6; TCP, UDP, any state) and
 * unix_diag messages (AF_UNIX; stream, dgram, seqpacket). The live dumps
 * are src/model/sockets.c; the owners view joins the records to processes
 * by socket inode (the "socket:[INODE]" of /proc/PID/fd).
 *
 * Reading the figures (net/core/sock.c sk_get_meminfo(), ss(8) skmem):
 *   rqueue, wqueue  TCP: payload bytes not yet read / not yet
 *                   acknowledged; UDP: rqueue is the receive queue's
 *                   charge (truesize, = mem[RMEM_ALLOC]); unix
 *                   (UDIAG_SHOW_RQLEN): rqueue is the payload queued to
 *                   be read (a dgram socket: the first datagram only),
 *                   wqueue the sender's charge for what it sent and the
 *                   peer has not read (truesize, = mem[WMEM_ALLOC]). For
 *                   a LISTEN socket they are the accept queue length and
 *                   its limit, not bytes.
 *   mem[]           SK_MEMINFO_*: bytes charged (skb truesize, so more
 *                   than the payload) and the limits. A unix socket's
 *                   queued data is charged to the SENDER's wmem_alloc,
 *                   not to the receiver's rmem_alloc. */
#ifndef MEMTALLY_SOCKDIAG_H
#define MEMTALLY_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* Indexes of mem[], in the kernel's SK_MEMINFO_* order (linux/sock_diag.h).
 * An older kernel sends fewer (no drops before 4.6): those are VAL_ABSENT. */
enum sockdiag_mem {
	SOCKDIAG_MEM_RMEM_ALLOC,  /* receive queue, bytes charged */
	SOCKDIAG_MEM_RCVBUF,	  /* receive buffer limit */
	SOCKDIAG_MEM_WMEM_ALLOC,  /* send: bytes in flight below the socket */
	SOCKDIAG_MEM_SNDBUF,	  /* send buffer limit */
	SOCKDIAG_MEM_FWD_ALLOC,	  /* reserved ahead, not yet used */
	SOCKDIAG_MEM_WMEM_QUEUED, /* TCP write queue, bytes charged */
	SOCKDIAG_MEM_OPTMEM,	  /* options, filters */
	SOCKDIAG_MEM_BACKLOG,	  /* backlog queue */
	SOCKDIAG_MEM_DROPS,	  /* packets dropped (a count, not bytes) */
	_SOCKDIAG_MEM_MAX,
};

#define SOCKDIAG_PATH_MAX 109 /* sun_path (108) + NUL */

struct sockdiag_addr {
	uint8_t addr[16]; /* network order; AF_INET uses the first 4 */
	uint16_t port;	  /* host order */
};

struct sockdiag_sock {
	uint8_t family;	  /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t type;	  /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET; inet:
			     derived from protocol, 0 when not known */
	uint8_t protocol; /* IPPROTO_TCP, IPPROTO_UDP; 0 for unix, and for
			     inet when neither the reply nor the caller says */
	uint8_t state;	  /* TCP_ESTABLISHED, TCP_LISTEN, ... (unix too) */
	uint64_t inode;	  /* 0: no inode (TIME_WAIT, SYN_RECV, kernel) */
	uint64_t cookie;
	uint64_t uid;	    /* VAL_ABSENT: not sent (unix before 5.3) */
	uint64_t cgroup_id; /* inet, 5.7+: cgroup v2 id; else VAL_ABSENT */
	uint64_t rqueue;    /* VAL_ABSENT: not sent */
	uint64_t wqueue;
	uint64_t mem[_SOCKDIAG_MEM_MAX];    /* VAL_ABSENT: not sent */
	struct sockdiag_addr local, remote; /* inet only */
	uint64_t peer_inode;	      /* unix: the other end's inode; else 0 */
	char path[SOCKDIAG_PATH_MAX]; /* unix: bound name, "@..." abstract,
					 "" unbound */
};

struct sockdiag {
	struct sockdiag_sock *v;
	size_t n;
	bool interrupted; /* NLM_F_DUMP_INTR: the table changed during the
			     dump; some sockets may be missing or doubled */
};

/* Parse a dump's bytes (one or more netlink messages, ending with
 * NLMSG_DONE) into ret. Messages of other types than SOCK_DIAG_BY_FAMILY
 * and unknown attributes are ignored. Refused (-EINVAL, err says where:
 * err->line is the message's 1-based index): a message whose length runs
 * past the buffer or is shorter than its header, a payload or attribute
 * shorter than its struct, a stream that ends without NLMSG_DONE. An
 * NLMSG_ERROR message returns the kernel's (negative) error. *ret is left
 * untouched on failure. */
int sockdiag_parse(const char *buf, size_t len, struct sockdiag *ret,
		   struct parse_err *err);

/* The same, appending to acc (a parsed or zeroed struct); inet records
 * without INET_DIAG_PROTOCOL get protocol (the one the request asked
 * for). On failure acc is as it was. */
int sockdiag_parse_append(const void *buf, size_t len, uint8_t protocol,
			  struct sockdiag *acc, struct parse_err *err);

void sockdiag_release(struct sockdiag *d);

/* "tcp", "udp", "unix_stream", "unix_dgram", "unix_seqpacket", "inet"
 * (protocol unknown) or "unknown". */
const char *sockdiag_kind(const struct sockdiag_sock *s);
/* "ESTAB", "LISTEN", ... as ss(8) names TCP states; "?" for others. */
const char *sockdiag_state_name(uint8_t state);
/* "127.0.0.1:80", "[::1]:80" into buf; "" for a unix socket. */
void sockdiag_addr_format(uint8_t family, const struct sockdiag_addr *a,
			  char *buf, size_t n);

#endif
