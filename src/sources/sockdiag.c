/* NETLINK_SOCK_DIAG reply parser (see sockdiag.h for the figures).
 *
 * The byte stream: netlink messages (struct nlmsghdr, 16 bytes, then the
 * payload), each starting at a 4-byte boundary (NLMSG_ALIGN), through an
 * NLMSG_DONE whose payload is an int, 0 or the dump's error. A socket is
 * one SOCK_DIAG_BY_FAMILY message; its payload's first byte is the
 * family, which says which struct follows:
 *   AF_INET, AF_INET6  struct inet_diag_msg (72 bytes, linux/inet_diag.h;
 *                      inet_diag.c, inet_sk_diag_fill()): state, ports and
 *                      addresses (network order), rqueue, wqueue, uid,
 *                      inode; then attributes, of which we read
 *                      INET_DIAG_SKMEMINFO (u32 per SK_MEMINFO_* var: 8
 *                      before 4.6, 9 since, possibly more later),
 *                      INET_DIAG_PROTOCOL (sent for some sockets only,
 *                      not TCP or UDP on 6.18: the request's protocol,
 *                      given by the caller, stands in) and
 *                      INET_DIAG_CGROUP_ID (5.7+, u64).
 *   AF_UNIX            struct unix_diag_msg (16 bytes, linux/unix_diag.h;
 *                      af_unix/diag.c, sk_diag_fill()): type, state, inode;
 *                      then UNIX_DIAG_NAME, UNIX_DIAG_PEER (u32 inode),
 *                      UNIX_DIAG_RQLEN (two u32), UNIX_DIAG_MEMINFO,
 *                      UNIX_DIAG_UID (5.3+), each only when asked for.
 * Other families (netlink_diag, packet_diag) are skipped. Attributes are
 * struct nlattr (u16 len, u16 type; the top two type bits are flags), the
 * next at NLA_ALIGN(len).
 *
 * Nothing is read in place: every header and value is copied out with
 * memcpy, so a buffer at any address and of any length is safe (the
 * fuzz target gives exactly the input's bytes). Lengths are checked
 * before every copy. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../basic/xalloc.h"
#include "sockdiag.h"

_Static_assert(sizeof(struct inet_diag_msg) == 72, "inet_diag_msg layout");
_Static_assert(sizeof(struct unix_diag_msg) == 16, "unix_diag_msg layout");

void sockdiag_release(struct sockdiag *d)
{
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

static void sock_init(struct sockdiag_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->uid = VAL_ABSENT;
	s->cgroup_id = VAL_ABSENT;
	s->rqueue = VAL_ABSENT;
	s->wqueue = VAL_ABSENT;
	for (size_t i = 0; i < _SOCKDIAG_MEM_MAX; i++)
		s->mem[i] = VAL_ABSENT;
}

/* One attribute in a message's tail, found by attr_next(). */
struct attr {
	unsigned type;
	const unsigned char *p;
	size_t len;
};

/* The attribute at *off in [base, base+end); advances *off. Returns 1 with
 * an attribute, 0 at the end, -EINVAL on a bad length. */
static int attr_next(const unsigned char *base, size_t end, size_t *off,
		     struct attr *ret)
{
	struct nlattr a;
	size_t step;

	if (*off >= end)
		return 0;
	if (end - *off < sizeof(a))
		return -EINVAL;
	memcpy(&a, base + *off, sizeof(a));
	if (a.nla_len < NLA_HDRLEN || a.nla_len > end - *off)
		return -EINVAL;
	ret->type = a.nla_type & NLA_TYPE_MASK;
	ret->p = base + *off + NLA_HDRLEN;
	ret->len = a.nla_len - NLA_HDRLEN;
	step = NLA_ALIGN(a.nla_len);
	*off += step < end - *off ? step : end - *off;
	return 1;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void read_meminfo(const struct attr *a, struct sockdiag_sock *s)
{
	size_t n = a->len / sizeof(uint32_t);

	for (size_t i = 0; i < n && i < _SOCKDIAG_MEM_MAX; i++)
		s->mem[i] = get_u32(a->p + i * sizeof(uint32_t));
}

static void copy_addr(const struct inet_diag_msg *m, bool remote,
		      struct sockdiag_addr *ret)
{
	const __be32 *a = remote ? m->id.idiag_dst : m->id.idiag_src;
	size_t n = m->idiag_family == AF_INET6 ? 16 : 4;

	memset(ret, 0, sizeof(*ret));
	memcpy(ret->addr, a, n);
	ret->port = ntohs(remote ? m->id.idiag_dport : m->id.idiag_sport);
}

static uint8_t type_of(uint8_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
	case IPPROTO_SCTP:
		return SOCK_STREAM;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return SOCK_DGRAM;
	case IPPROTO_RAW:
		return SOCK_RAW;
	default:
		return 0;
	}
}

/* Payload p (len bytes, attributes after hdr bytes) of an inet socket. */
static int parse_inet(const unsigned char *p, size_t len, uint8_t protocol,
		      struct sockdiag_sock *s)
{
	size_t off = NLMSG_ALIGN(sizeof(struct inet_diag_msg));
	struct inet_diag_msg m;
	struct attr a;
	int r;

	if (len < sizeof(m))
		return -EINVAL;
	memcpy(&m, p, sizeof(m));
	s->family = m.idiag_family;
	s->state = m.idiag_state;
	s->protocol = protocol;
	s->inode = m.idiag_inode;
	s->uid = m.idiag_uid;
	s->rqueue = m.idiag_rqueue;
	s->wqueue = m.idiag_wqueue;
	s->cookie = (uint64_t)m.id.idiag_cookie[1] << 32 | m.id.idiag_cookie[0];
	copy_addr(&m, false, &s->local);
	copy_addr(&m, true, &s->remote);
	while ((r = attr_next(p, len, &off, &a)) > 0) {
		if (a.type == INET_DIAG_SKMEMINFO)
			read_meminfo(&a, s);
		else if (a.type == INET_DIAG_PROTOCOL && a.len >= 1)
			s->protocol = a.p[0];
		else if (a.type == INET_DIAG_CGROUP_ID && a.len >= 8)
			memcpy(&s->cgroup_id, a.p, 8);
	}
	s->type = type_of(s->protocol);
	return r;
}

/* UNIX_DIAG_NAME's bytes (sun_path without the family) as ss(8) shows
 * them: an abstract name (leading NUL) as "@...", NULs inside as '@'. */
static void unix_path(const struct attr *a, char *buf, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < a->len && k + 1 < n; i++) {
		char c = (char)a->p[i];

		if (c == '\0' && i > 0 && a->p[0] != '\0')
			break; /* a path name ends at its NUL */
		buf[k++] = c == '\0' ? '@' : c;
	}
	buf[k] = '\0';
}

static int parse_unix(const unsigned char *p, size_t len,
		      struct sockdiag_sock *s)
{
	size_t off = NLMSG_ALIGN(sizeof(struct unix_diag_msg));
	struct unix_diag_msg m;
	struct attr a;
	int r;

	if (len < sizeof(m))
		return -EINVAL;
	memcpy(&m, p, sizeof(m));
	s->family = m.udiag_family;
	s->type = m.udiag_type;
	s->state = m.udiag_state;
	s->inode = m.udiag_ino;
	s->cookie = (uint64_t)m.udiag_cookie[1] << 32 | m.udiag_cookie[0];
	while ((r = attr_next(p, len, &off, &a)) > 0) {
		if (a.type == UNIX_DIAG_MEMINFO) {
			read_meminfo(&a, s);
		} else if (a.type == UNIX_DIAG_RQLEN && a.len >= 8) {
			s->rqueue = get_u32(a.p);
			s->wqueue = get_u32(a.p + 4);
		} else if (a.type == UNIX_DIAG_PEER && a.len >= 4) {
			s->peer_inode = get_u32(a.p);
		} else if (a.type == UNIX_DIAG_UID && a.len >= 4) {
			s->uid = get_u32(a.p);
		} else if (a.type == UNIX_DIAG_NAME) {
			unix_path(&a, s->path, sizeof(s->path));
		}
	}
	return r;
}

int sockdiag_parse_append(const void *buf, size_t len, uint8_t protocol,
			  struct sockdiag *acc, struct parse_err *err)
{
	const unsigned char *b = buf;
	size_t off = 0, old_n = acc->n, alloc = acc->n;
	bool done = false, intr = false;
	unsigned idx = 0;
	int r = 0;

	while (off < len && !done) {
		struct nlmsghdr h;
		const unsigned char *p;
		size_t plen, step;

		idx++;
		if (len - off < sizeof(h)) {
			r = parse_fail(err, idx, "message header cut short");
			goto fail;
		}
		memcpy(&h, b + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off) {
			r = parse_fail(err, idx,
				       "message length %u does not fit the "
				       "%zu bytes left",
				       h.nlmsg_len, len - off);
			goto fail;
		}
		p = b + off + NLMSG_HDRLEN;
		plen = h.nlmsg_len - NLMSG_HDRLEN;
		step = NLMSG_ALIGN(h.nlmsg_len);
		off += step < len - off ? step : len - off;
		if (h.nlmsg_flags & NLM_F_DUMP_INTR)
			intr = true;

		if (h.nlmsg_type == NLMSG_DONE) {
			int e = 0;

			if (plen >= sizeof(e))
				memcpy(&e, p, sizeof(e));
			if (e < 0) {
				r = parse_fail_errno(err, e < -4095 ? -EIO : e,
						     idx, "dump failed: %s",
						     strerror(-e));
				goto fail;
			}
			done = true;
		} else if (h.nlmsg_type == NLMSG_ERROR) {
			int e;

			if (plen < sizeof(e)) {
				r = parse_fail(err, idx,
					       "error message cut "
					       "short");
				goto fail;
			}
			memcpy(&e, p, sizeof(e));
			if (e == 0)
				continue; /* an acknowledgement */
			r = parse_fail_errno(
			    err, e < 0 && e >= -4095 ? e : -EIO, idx,
			    "the kernel refused the request: %s",
			    strerror(e < 0 && e >= -4095 ? -e : EIO));
			goto fail;
		} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			struct sockdiag_sock s;
			uint8_t fam;

			if (plen < 1) {
				r = parse_fail(err, idx,
					       "empty socket message");
				goto fail;
			}
			fam = p[0];
			if (fam != AF_INET && fam != AF_INET6 && fam != AF_UNIX)
				continue;
			sock_init(&s);
			r = fam == AF_UNIX ? parse_unix(p, plen, &s)
					   : parse_inet(p, plen, protocol, &s);
			if (r < 0) {
				r = parse_fail(err, idx,
					       "socket message or attribute "
					       "cut short");
				goto fail;
			}
			acc->v =
			    xgrow(acc->v, &alloc, acc->n + 1, sizeof(*acc->v));
			acc->v[acc->n++] = s;
		}
		/* other types (NLMSG_NOOP, NLMSG_OVERRUN): skipped */
	}
	if (!done) {
		r = parse_fail(err, 0, "no NLMSG_DONE: the dump is truncated");
		goto fail;
	}
	if (intr)
		acc->interrupted = true;
	return 0;
fail:
	acc->n = old_n;
	return r;
}

int sockdiag_parse(const char *buf, size_t len, struct sockdiag *ret,
		   struct parse_err *err)
{
	struct sockdiag d = {0};
	int r = sockdiag_parse_append(buf, len, 0, &d, err);

	if (r < 0) {
		sockdiag_release(&d);
		return r;
	}
	*ret = d;
	return 0;
}

const char *sockdiag_kind(const struct sockdiag_sock *s)
{
	if (s->family == AF_UNIX) {
		switch (s->type) {
		case SOCK_STREAM:
			return "unix_stream";
		case SOCK_DGRAM:
			return "unix_dgram";
		case SOCK_SEQPACKET:
			return "unix_seqpacket";
		default:
			return "unix";
		}
	}
	if (s->family != AF_INET && s->family != AF_INET6)
		return "unknown";
	switch (s->protocol) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_RAW:
		return "raw";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return "inet";
	}
}

const char *sockdiag_state_name(uint8_t state)
{
	/* include/net/tcp_states.h; ss(8) spells them this way */
	static const char *const names[] = {
	    [1] = "ESTAB",	     [2] = "SYN-SENT",	 [3] = "SYN-RECV",
	    [4] = "FIN-WAIT-1",	     [5] = "FIN-WAIT-2", [6] = "TIME-WAIT",
	    [7] = "UNCONN",	     [8] = "CLOSE-WAIT", [9] = "LAST-ACK",
	    [10] = "LISTEN",	     [11] = "CLOSING",	 [12] = "SYN-RECV",
	    [13] = "BOUND-INACTIVE",
	};

	return state < ELEMENTSOF(names) && names[state] ? names[state] : "?";
}

void sockdiag_addr_format(uint8_t family, const struct sockdiag_addr *a,
			  char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	if (n == 0)
		return;
	buf[0] = '\0';
	if (family != AF_INET && family != AF_INET6)
		return;
	if (!inet_ntop(family, a->addr, ip, sizeof(ip)))
		return;
	if (family == AF_INET6)
		snprintf(buf, n, "[%s]:%u", ip, a->port);
	else
		snprintf(buf, n, "%s:%u", ip, a->port);
}
