/* Capture NETLINK_SOCK_DIAG replies for the unit tests.
 *
 *   build-test/capture-sockdiag DIR
 *
 * Creates known sockets, runs the live dumps of src/model/sockets.c and
 * writes each dump's raw reply bytes to DIR/{tcp4,tcp6,udp4,udp6,unix}.bin,
 * keeping only the messages of the sockets made here (each kept message
 * byte for byte, then the kernel's NLMSG_DONE), so the fixtures hold no
 * other process's sockets. The sockets:
 *   tcp4/tcp6  a listener with one connection accepted and one left in
 *              the accept queue; on the accepted one 65536 bytes unread
 *              from the client, on the client 1000 bytes unread from the
 *              server (loopback, 127.0.0.1 / ::1)
 *   udp4/udp6  a bound socket with 3 datagrams of 1000 bytes unread
 *   unix       a stream pair with 10000 bytes queued, a dgram pair with
 *              3 x 500 bytes, a seqpacket pair with 2 x 100 bytes, a
 *              listener bound to /tmp/memtally-capture.sock and one to
 *              the abstract name "@memtally-capture"
 * Prints one line per kept socket (dump, inode, what it is). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../src/model/sockets.h"

#define MAX_KEEP 64

static struct {
	uint64_t inode;
	const char *what;
} keep[MAX_KEEP];
static size_t n_keep;

static void die(const char *what)
{
	fprintf(stderr, "capture-sockdiag: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void track(int fd, const char *what)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat");
	if (n_keep < MAX_KEEP)
		keep[n_keep++] = (typeof(keep[0])){st.st_ino, what};
}

static const char *kept(uint64_t inode)
{
	for (size_t i = 0; i < n_keep; i++)
		if (keep[i].inode == inode)
			return keep[i].what;
	return NULL;
}

static void write_all(int fd, size_t n)
{
	char buf[4096];

	memset(buf, 'm', sizeof(buf));
	while (n) {
		ssize_t w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (w < 0)
			die("write");
		n -= (size_t)w;
	}
}

/* Wait until fd has want bytes to read and nothing unacknowledged. */
static void settle(int rfd, int want, int wfd)
{
	for (int i = 0; i < 200; i++) {
		int in = 0, out = 0;

		ioctl(rfd, SIOCINQ, &in);
		ioctl(wfd, SIOCOUTQ, &out);
		if (in == want && out == 0)
			return;
		poll(NULL, 0, 10);
	}
	fprintf(stderr, "capture-sockdiag: queues did not settle\n");
	exit(1);
}

static void make_tcp(int family)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in)
					 : sizeof(struct sockaddr_in6);
	int l, c, c2, a;

	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
	}
	l = socket(family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&ss, sl) < 0 || listen(l, 8))
		die("tcp listen");
	getsockname(l, (struct sockaddr *)&ss, &sl);
	c = socket(family, SOCK_STREAM, 0);
	c2 = socket(family, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&ss, sl) < 0)
		die("tcp connect");
	a = accept(l, NULL, NULL);
	if (a < 0)
		die("accept");
	if (connect(c2, (struct sockaddr *)&ss, sl) < 0)
		die("tcp connect 2");
	write_all(c, 65536);
	write_all(a, 1000);
	settle(a, 65536, c);
	settle(c, 1000, a);
	track(l, "listener, 1 connection not accepted");
	track(a, "accepted, 65536 bytes unread");
	track(c, "client, 1000 bytes unread");
	track(c2, "client, connection not accepted");
}

static void make_udp(int family)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in)
					 : sizeof(struct sockaddr_in6);
	char buf[1000];
	int r, s;

	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
	}
	r = socket(family, SOCK_DGRAM, 0);
	s = socket(family, SOCK_DGRAM, 0);
	if (r < 0 || s < 0 || bind(r, (struct sockaddr *)&ss, sl) < 0)
		die("udp bind");
	getsockname(r, (struct sockaddr *)&ss, &sl);
	memset(buf, 'u', sizeof(buf));
	for (int i = 0; i < 3; i++)
		if (sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&ss, sl) <
		    0)
			die("udp send");
	poll(NULL, 0, 50);
	track(r, "bound, 3 datagrams of 1000 bytes unread");
	track(s, "sender, unbound until its first send");
}

static void make_unix(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int sp[2], dg[2], sq[2], l1, l2;
	socklen_t len;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sq) < 0)
		die("socketpair");
	write_all(sp[0], 10000);
	for (int i = 0; i < 3; i++)
		write_all(dg[0], 500);
	for (int i = 0; i < 2; i++)
		write_all(sq[0], 100);
	track(sp[0], "stream, sent 10000 bytes");
	track(sp[1], "stream, 10000 bytes unread");
	track(dg[0], "dgram, sent 3 x 500 bytes");
	track(dg[1], "dgram, 3 x 500 bytes unread");
	track(sq[0], "seqpacket, sent 2 x 100 bytes");
	track(sq[1], "seqpacket, 2 x 100 bytes unread");

	snprintf(sun.sun_path, sizeof(sun.sun_path),
		 "/tmp/memtally-capture.sock");
	unlink(sun.sun_path);
	l1 = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(l1, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(l1, 4))
		die("unix bind");
	unlink(sun.sun_path);
	track(l1, "listener /tmp/memtally-capture.sock");

	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(sun.sun_path + 1, "memtally-capture", 16);
	len = offsetof(struct sockaddr_un, sun_path) + 17;
	l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(l2, (struct sockaddr *)&sun, len) < 0 || listen(l2, 4))
		die("unix bind abstract");
	track(l2, "listener @memtally-capture");
}

/* The inode of a SOCK_DIAG_BY_FAMILY message, from its family's struct. */
static uint64_t msg_inode(const unsigned char *p, size_t plen)
{
	uint32_t ino;

	if (plen >= 16 && p[0] == AF_UNIX) {
		memcpy(&ino, p + 4, 4);
		return ino;
	}
	if (plen >= 72 && (p[0] == AF_INET || p[0] == AF_INET6)) {
		memcpy(&ino, p + 68, 4);
		return ino;
	}
	return 0;
}

static void capture(enum sockets_dump d, const char *dir)
{
	char *buf, path[4096];
	size_t len, off = 0;
	FILE *f;
	int r;

	r = sockets_dump_raw(d, 5000, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "capture-sockdiag: dump %s: %s\n",
			sockets_dump_name(d), strerror(-r));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.bin", dir, sockets_dump_name(d));
	f = fopen(path, "wb");
	if (!f)
		die(path);
	while (len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t step;
		const char *what;

		memcpy(&h, buf + off, sizeof(h));
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len - off)
			step = len - off;
		if (h.nlmsg_type != SOCK_DIAG_BY_FAMILY) {
			fwrite(buf + off, 1, step, f);
		} else if ((what = kept(msg_inode(
				(unsigned char *)buf + off + NLMSG_HDRLEN,
				h.nlmsg_len - NLMSG_HDRLEN)))) {
			fwrite(buf + off, 1, step, f);
			printf("%s\t%lu\t%s\n", sockets_dump_name(d),
			       (unsigned long)msg_inode(
				   (unsigned char *)buf + off + NLMSG_HDRLEN,
				   h.nlmsg_len - NLMSG_HDRLEN),
			       what);
		}
		off += step;
	}
	fclose(f);
	free(buf);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: capture-sockdiag DIR\n");
		return 2;
	}
	make_tcp(AF_INET);
	make_tcp(AF_INET6);
	make_udp(AF_INET);
	make_udp(AF_INET6);
	make_unix();
	for (int d = 0; d < _SOCKETS_DUMP_MAX; d++)
		capture(d, argv[1]);
	return 0;
}
