/* /proc/net/sockstat and /proc/net/sockstat6: socket counts and the
 * memory the kernel charges to TCP, UDP and IP fragment reassembly.
 *
 * One struct holds both files: the IPv4 lines (and the global "sockets:
 * used") from sockstat, the IPv6 lines from sockstat6. A line or field
 * this kernel does not print (sockstat6 absent with IPv6 off; "UDP: mem"
 * before 2.6.25) is VAL_ABSENT. The owners view uses the totals to
 * cross-check what NETLINK_SOCK_DIAG found per socket. */
#ifndef MEMTALLY_SOCKSTAT_H
#define MEMTALLY_SOCKSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

enum sockstat_proto {
	SOCKSTAT_TCP,
	SOCKSTAT_UDP,
	SOCKSTAT_UDPLITE,
	SOCKSTAT_RAW,
	SOCKSTAT_FRAG,
	SOCKSTAT_TCP6,
	SOCKSTAT_UDP6,
	SOCKSTAT_UDPLITE6,
	SOCKSTAT_RAW6,
	SOCKSTAT_FRAG6,
	_SOCKSTAT_PROTO_MAX,
};

/* One line, "TCP: inuse 9 orphan 0 tw 19 alloc 47 mem 22". Every field is
 * VAL_ABSENT unless the line gives it. */
struct sockstat_line {
	uint64_t inuse;	       /* sockets in use, this network namespace */
	uint64_t orphan;       /* TCP: sockets no process holds any more */
	uint64_t tw;	       /* TCP: TIME_WAIT sockets */
	uint64_t alloc;	       /* TCP: allocated sockets, all states */
	uint64_t mem_pages;    /* TCP, UDP: "mem", in PAGES, all namespaces */
	uint64_t memory_bytes; /* FRAG: "memory", in bytes */
};

struct sockstat {
	uint64_t sockets_used; /* "sockets: used N", all families */
	struct sockstat_line proto[_SOCKSTAT_PROTO_MAX];
};

/* "TCP", "UDP6", ...: the line's label as the kernel prints it. */
const char *sockstat_proto_name(enum sockstat_proto p);

/* Parse one of the two files (either; a line's label says which protocol
 * it is). Lines with unknown labels (SCTP, MPTCP on some kernels) are
 * ignored; a known line with an odd number of words, or a value that is
 * not a number, is -EINVAL with its line. */
int sockstat_parse(const char *buf, size_t len, struct sockstat *ret,
		   struct parse_err *err);
/* Read proc/net/sockstat (required) and proc/net/sockstat6 (absent with
 * IPv6 off: its lines stay VAL_ABSENT) through root. */
int sockstat_read(struct root *root, struct sockstat *ret,
		  struct source_err *err);
void sockstat_release(struct sockstat *s);

#endif
