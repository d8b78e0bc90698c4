/* Live NETLINK_SOCK_DIAG dumps (see sockets.h).
 *
 * One request per (family, protocol), as ss(8) does it (iproute2
 * misc/ss.c, sockdiag_send() and the unix request): a SOCK_DIAG_BY_FAMILY
 * message with NLM_F_DUMP and
 *   inet: struct inet_diag_req_v2, all states (~0, so TIME_WAIT and
 *         SYN_RECV mini sockets come too, with inode 0), extension
 *         INET_DIAG_SKMEMINFO;
 *   unix: struct unix_diag_req, all states, UDIAG_SHOW_NAME, _PEER,
 *         _RQLEN, _MEMINFO and _UID (kernels ignore bits they lack).
 * The kernel answers with datagrams of many messages each, then
 * NLMSG_DONE (or one NLMSG_ERROR when it refuses, e.g. IPv6 off). We
 * peek each datagram's size first (MSG_PEEK | MSG_TRUNC), so a datagram
 * larger than our buffer is never cut, and poll() with what is left of
 * the deadline, so a silent kernel cannot hang us. The bytes are kept
 * whole and handed to the pure parser (src/sources/sockdiag.c), which is
 * also what the fixtures under tests/fixtures/sockdiag/ hold.
 *
 * Only the sockets of our own network namespace are dumped; sockets of
 * containers in other namespaces need a setns() first (not done here).
 * Reading is unprivileged: every user sees every socket of the
 * namespace (as ss does), and no data is read from any socket. */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "sockets.h"

static const struct {
	const char *name;
	uint8_t family, protocol;
} dumps[_SOCKETS_DUMP_MAX] = {
    [SOCKETS_TCP4] = {"tcp4", AF_INET, IPPROTO_TCP},
    [SOCKETS_TCP6] = {"tcp6", AF_INET6, IPPROTO_TCP},
    [SOCKETS_UDP4] = {"udp4", AF_INET, IPPROTO_UDP},
    [SOCKETS_UDP6] = {"udp6", AF_INET6, IPPROTO_UDP},
    [SOCKETS_UNIX] = {"unix", AF_UNIX, 0},
};

const char *sockets_dump_name(enum sockets_dump d)
{
	return (unsigned)d < _SOCKETS_DUMP_MAX ? dumps[d].name : "?";
}

static void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_request(int fd, enum sockets_dump d)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct {
		struct nlmsghdr h;
		union {
			struct inet_diag_req_v2 inet;
			struct unix_diag_req unx;
		};
	} req;
	size_t len;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = (uint32_t)d + 1;
	if (dumps[d].family == AF_UNIX) {
		req.unx.sdiag_family = AF_UNIX;
		req.unx.udiag_states = ~0U;
		req.unx.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER |
				     UDIAG_SHOW_RQLEN | UDIAG_SHOW_MEMINFO |
				     UDIAG_SHOW_UID;
		len = NLMSG_LENGTH(sizeof(req.unx));
	} else {
		req.inet.sdiag_family = dumps[d].family;
		req.inet.sdiag_protocol = dumps[d].protocol;
		req.inet.idiag_states = ~0U;
		req.inet.idiag_ext = 1U << (INET_DIAG_SKMEMINFO - 1);
		req.inet.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
		req.inet.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
		len = NLMSG_LENGTH(sizeof(req.inet));
	}
	req.h.nlmsg_len = (uint32_t)len;
	for (;;) {
		ssize_t n = sendto(fd, &req, len, 0, (struct sockaddr *)&kernel,
				   sizeof(kernel));

		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -errno : -EIO;
	}
}

/* True when the datagram [p, p+n) holds the dump's last message. */
static bool datagram_ends_dump(const unsigned char *p, size_t n)
{
	size_t off = 0;

	while (n - off >= NLMSG_HDRLEN) {
		struct nlmsghdr h;

		memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR)
			return true;
		if (h.nlmsg_len < NLMSG_HDRLEN ||
		    NLMSG_ALIGN(h.nlmsg_len) >= n - off)
			break;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	return false;
}

/* Wait for the next datagram until deadline (ms, CLOCK_MONOTONIC) and
 * append it to *buf. Returns 1 when it ended the dump, 0 when more come. */
static int recv_datagram(int fd, int64_t deadline, char **buf, size_t *len,
			 size_t *alloc)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct msghdr mh = {0};
	struct iovec iov;
	ssize_t size, n;
	int r;

	for (;;) {
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
	size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (size < 0)
		return errno == EAGAIN ? 0 : -errno;
	*buf = xgrow(*buf, alloc, *len + (size_t)size + 1, 1);
	iov.iov_base = *buf + *len;
	iov.iov_len = (size_t)size;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE; /* cannot happen after the peek */
	r = datagram_ends_dump((unsigned char *)*buf + *len, (size_t)n);
	*len += (size_t)n;
	return r;
}

int sockets_dump_raw(enum sockets_dump d, int timeout_ms, char **ret_buf,
		     size_t *ret_len)
{
	_cleanup_(closep) int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, alloc = 0;
	int64_t deadline;
	int r;

	if ((unsigned)d >= _SOCKETS_DUMP_MAX || timeout_ms <= 0)
		return -EINVAL;
	deadline = now_ms() + timeout_ms;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	r = send_request(fd, d);
	if (r < 0)
		return r;
	do
		r = recv_datagram(fd, deadline, &buf, &len, &alloc);
	while (r == 0);
	if (r < 0)
		return r;
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int cmp_inode(const void *a, const void *b)
{
	uint64_t x = ((const struct sockdiag_sock *)a)->inode;
	uint64_t y = ((const struct sockdiag_sock *)b)->inode;

	return x < y ? -1 : x > y;
}

int sockets_collect(int timeout_ms, struct sockets *ret)
{
	struct sockdiag acc = {0};
	struct sockets s = {0};
	int first = 0, ok = 0;
	int64_t deadline;

	if (timeout_ms <= 0)
		return -EINVAL;
	deadline = now_ms() + timeout_ms;
	for (int d = 0; d < _SOCKETS_DUMP_MAX; d++) {
		_cleanup_free_ char *buf = NULL;
		int64_t left = deadline - now_ms();
		size_t len;
		int r;

		r = left > 0 ? sockets_dump_raw(d, (int)left, &buf, &len)
			     : -ETIMEDOUT;
		if (r >= 0)
			r = sockdiag_parse_append(buf, len, dumps[d].protocol,
						  &acc, NULL);
		s.err[d] = r < 0 ? r : 0;
		if (r < 0 && !first)
			first = r;
		ok += r >= 0;
	}
	if (!ok) {
		sockdiag_release(&acc);
		return first;
	}
	qsort(acc.v, acc.n, sizeof(*acc.v), cmp_inode);
	s.v = acc.v;
	s.n = acc.n;
	s.interrupted = acc.interrupted;
	*ret = s;
	return 0;
}

const struct sockdiag_sock *sockets_find(const struct sockets *s,
					 uint64_t inode)
{
	struct sockdiag_sock key = {.inode = inode};

	if (inode == 0 || s->n == 0)
		return NULL;
	return bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_inode);
}

void sockets_release(struct sockets *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
