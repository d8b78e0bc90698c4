/* Unit tests for the NETLINK_SOCK_DIAG reply parser: the dumps captured
 * by tools/capture-sockdiag (tests/data/sockdiag/), every truncation of
 * them, garbled lengths, hand-built error, done and unknown messages. */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "../../src/sources/sockdiag.h"

static char *data_read(const char *name, size_t *ret_len)
{
	char path[512];
	char *buf = malloc(1 << 16);
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/sockdiag/%s", SRCDIR, name);
	f = fopen(path, "rb");
	if (!f || !buf)
		fail_msg("cannot read %s", path);
	*ret_len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static struct sockdiag parse_ok(const char *name, uint8_t proto)
{
	struct sockdiag d = {0};
	struct parse_err err = {0};
	size_t len;
	char *buf = data_read(name, &len);

	if (sockdiag_parse_append(buf, len, proto, &d, &err) != 0)
		fail_msg("%s: message %u: %s", name, err.line, err.msg);
	free(buf);
	return d;
}

static const struct sockdiag_sock *by_state_rq(const struct sockdiag *d,
					       uint8_t state, uint64_t rq)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].state == state && d->v[i].rqueue == rq)
			return &d->v[i];
	return NULL;
}

static void check_tcp(const char *name, uint8_t family, const char *lo)
{
	struct sockdiag d = parse_ok(name, IPPROTO_TCP);
	const struct sockdiag_sock *l, *a, *c;
	char buf[64];

	assert_int_equal(d.n, 4);
	assert_false(d.interrupted);
	l = by_state_rq(&d, 10 /* LISTEN */, 1);
	a = by_state_rq(&d, 1 /* ESTAB */, 65536);
	c = by_state_rq(&d, 1, 1000);
	assert_non_null(l);
	assert_non_null(a);
	assert_non_null(c);
	/* a listener's queues are the accept queue and its limit */
	assert_int_equal(l->wqueue, 8);
	assert_string_equal(sockdiag_kind(a), "tcp");
	assert_string_equal(sockdiag_state_name(l->state), "LISTEN");
	assert_int_equal(a->family, family);
	assert_int_equal(a->type, SOCK_STREAM);
	assert_true(a->inode != 0);
	assert_int_equal(a->uid, 0);
	assert_true(val_has(a->cgroup_id));
	/* 65536 bytes unread, charged with their skb overhead */
	assert_true(a->mem[SOCKDIAG_MEM_RMEM_ALLOC] >= 65536);
	assert_true(a->mem[SOCKDIAG_MEM_RMEM_ALLOC] < 2 * 65536);
	assert_true(c->mem[SOCKDIAG_MEM_RMEM_ALLOC] >= 1000);
	assert_int_equal(a->mem[SOCKDIAG_MEM_DROPS], 0); /* 9 vars on 6.18 */
	/* the accepted socket's remote port is the client's local port */
	assert_int_equal(a->remote.port, c->local.port);
	assert_int_equal(a->local.port, l->local.port);
	sockdiag_addr_format(a->family, &a->local, buf, sizeof(buf));
	assert_true(strncmp(buf, lo, strlen(lo)) == 0);
	sockdiag_release(&d);
}

static void test_tcp(void **state)
{
	(void)state;
	check_tcp("tcp4.bin", AF_INET, "127.0.0.1:");
	check_tcp("tcp6.bin", AF_INET6, "[::1]:");
}

static void test_udp(void **state)
{
	const char *names[] = {"udp4.bin", "udp6.bin"};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct sockdiag d = parse_ok(names[i], IPPROTO_UDP);
		const struct sockdiag_sock *r = NULL;

		assert_int_equal(d.n, 2);
		for (size_t k = 0; k < d.n; k++)
			if (d.v[k].rqueue > 0)
				r = &d.v[k];
		assert_non_null(r);
		assert_string_equal(sockdiag_kind(r), "udp");
		assert_int_equal(r->type, SOCK_DGRAM);
		assert_string_equal(sockdiag_state_name(r->state), "UNCONN");
		/* UDP's rqueue is the charge: 3 x 1000 bytes and overhead */
		assert_int_equal(r->rqueue, r->mem[SOCKDIAG_MEM_RMEM_ALLOC]);
		assert_true(r->rqueue >= 3000);
		sockdiag_release(&d);
	}
}

static const struct sockdiag_sock *by_inode(const struct sockdiag *d,
					    uint64_t ino)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].inode == ino)
			return &d->v[i];
	return NULL;
}

static void test_unix(void **state)
{
	struct sockdiag d = parse_ok("unix.bin", 0);
	bool named = false, abstract = false;
	size_t streams = 0, dgrams = 0, seqs = 0;

	(void)state;
	assert_int_equal(d.n, 8);
	for (size_t i = 0; i < d.n; i++) {
		const struct sockdiag_sock *s = &d.v[i], *p;

		assert_int_equal(s->family, AF_UNIX);
		assert_int_equal(s->protocol, 0);
		assert_true(val_has(s->uid)); /* UDIAG_SHOW_UID, 5.3+ */
		assert_false(val_has(s->cgroup_id));
		streams += s->type == SOCK_STREAM;
		dgrams += s->type == SOCK_DGRAM;
		seqs += s->type == SOCK_SEQPACKET;
		named |= streq(s->path, "/tmp/memtally-capture.sock");
		abstract |= streq(s->path, "@memtally-capture");
		if (!s->peer_inode)
			continue;
		p = by_inode(&d, s->peer_inode);
		assert_non_null(p);
		assert_int_equal(p->peer_inode, s->inode);
		/* the receiver's queue is charged to the sender */
		if (s->rqueue > 0) {
			assert_int_equal(s->mem[SOCKDIAG_MEM_RMEM_ALLOC], 0);
			assert_true(p->mem[SOCKDIAG_MEM_WMEM_ALLOC] >=
				    s->rqueue);
			assert_int_equal(p->wqueue,
					 p->mem[SOCKDIAG_MEM_WMEM_ALLOC]);
		}
		if (s->type == SOCK_STREAM && s->rqueue > 0)
			assert_int_equal(s->rqueue, 10000);
		if (s->type == SOCK_DGRAM && s->rqueue > 0)
			assert_int_equal(s->rqueue, 500); /* first datagram */
		if (s->type == SOCK_SEQPACKET && s->rqueue > 0)
			assert_int_equal(s->rqueue, 200);
	}
	assert_int_equal(streams, 4);
	assert_int_equal(dgrams, 2);
	assert_int_equal(seqs, 2);
	assert_true(named);
	assert_true(abstract);
	sockdiag_release(&d);
}

/* Every prefix of a capture is refused cleanly: the DONE is last. */
static void test_truncated(void **state)
{
	const char *names[] = {"tcp4.bin", "tcp6.bin", "udp4.bin", "udp6.bin",
			       "unix.bin"};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		size_t len;
		char *buf = data_read(names[i], &len);

		for (size_t cut = 0; cut < len; cut++) {
			struct sockdiag d = {.n = 42};
			char *copy = malloc(cut ? cut : 1);

			memcpy(copy, buf, cut);
			assert_int_equal(sockdiag_parse(copy, cut, &d, NULL),
					 -EINVAL);
			assert_int_equal(d.n, 42); /* untouched */
			free(copy);
		}
		free(buf);
	}
}

static void put_u32(char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put_u16(char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void test_garbled(void **state)
{
	struct parse_err err = {0};
	struct sockdiag d;
	size_t len;
	char *buf = data_read("tcp4.bin", &len), *g = malloc(len);
	uint32_t first;

	(void)state;
	memcpy(&first, buf, 4);
	/* the first message shorter than its header, or past the end */
	const uint32_t bad_len[] = {0, 8, 15, (uint32_t)len + 4, 0xffffffffu};
	for (size_t i = 0; i < ELEMENTSOF(bad_len); i++) {
		memcpy(g, buf, len);
		put_u32(g, bad_len[i]);
		assert_int_equal(sockdiag_parse(g, len, &d, &err), -EINVAL);
		assert_int_equal(err.line, 1);
	}
	/* a socket payload shorter than struct inet_diag_msg */
	memcpy(g, buf, len);
	put_u32(g, NLMSG_HDRLEN + 20);
	assert_int_equal(sockdiag_parse(g, len, &d, &err), -EINVAL);
	/* the first attribute's length: too short, past the message */
	const uint16_t bad_attr[] = {0, 2, 3, 0xfff0};
	for (size_t i = 0; i < ELEMENTSOF(bad_attr); i++) {
		memcpy(g, buf, len);
		put_u16(g + NLMSG_HDRLEN + 72, bad_attr[i]);
		assert_int_equal(sockdiag_parse(g, len, &d, &err), -EINVAL);
		assert_int_equal(err.line, 1);
	}
	/* garbage after the DONE is not read */
	memcpy(g, buf, len);
	{
		char *more = malloc(len + 7);

		memcpy(more, buf, len);
		memset(more + len, 0xff, 7);
		assert_int_equal(sockdiag_parse(more, len + 7, &d, NULL), 0);
		assert_int_equal(d.n, 4);
		sockdiag_release(&d);
		free(more);
	}
	/* NLM_F_DUMP_INTR on one message marks the table */
	put_u16(g + 6, NLM_F_MULTI | NLM_F_DUMP_INTR);
	assert_int_equal(sockdiag_parse(g, len, &d, NULL), 0);
	assert_true(d.interrupted);
	sockdiag_release(&d);
	free(g);
	free(buf);
}

/* Build a message of type with payload p (n bytes) at out; its length. */
static size_t msg(char *out, uint16_t type, const void *p, size_t n)
{
	struct nlmsghdr h = {.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + n),
			     .nlmsg_type = type,
			     .nlmsg_flags = NLM_F_MULTI};

	memset(out, 0, NLMSG_ALIGN(h.nlmsg_len));
	memcpy(out, &h, sizeof(h));
	memcpy(out + NLMSG_HDRLEN, p, n);
	return NLMSG_ALIGN(h.nlmsg_len);
}

static void test_handmade(void **state)
{
	struct parse_err err = {0};
	struct sockdiag d = {0};
	char buf[512];
	size_t n = 0;
	int e = -ENOENT, zero = 0;
	unsigned char other[20] = {AF_NETLINK};
	struct inet_diag_msg m = {.idiag_family = AF_INET,
				  .idiag_state = 1,
				  .idiag_inode = 777,
				  .idiag_rqueue = 5};
	unsigned char old[NLMSG_ALIGN(sizeof(m)) + 4 + 32];

	(void)state;
	/* the kernel refuses (IPv6 off, no unix_diag): its errno */
	n = msg(buf, NLMSG_ERROR, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(buf, n, &d, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "refused"));
	/* a dump that failed midway: DONE carries the error */
	n = msg(buf, NLMSG_DONE, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(buf, n, &d, NULL), -ENOENT);
	/* an empty dump; an unknown family skipped; an old kernel's 8
	 * SK_MEMINFO vars leave drops absent; no protocol: the caller's */
	memcpy(old, &m, sizeof(m));
	put_u16((char *)old + sizeof(m), 4 + 32);
	put_u16((char *)old + sizeof(m) + 2, INET_DIAG_SKMEMINFO);
	for (uint32_t i = 0; i < 8; i++)
		put_u32((char *)old + sizeof(m) + 4 + 4 * i, 100 + i);
	n = msg(buf, SOCK_DIAG_BY_FAMILY, other, sizeof(other));
	n += msg(buf + n, SOCK_DIAG_BY_FAMILY, old, sizeof(old));
	n += msg(buf + n, NLMSG_NOOP, &zero, sizeof(zero));
	n += msg(buf + n, NLMSG_DONE, &zero, sizeof(zero));
	assert_int_equal(sockdiag_parse_append(buf, n, IPPROTO_UDP, &d, NULL),
			 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].inode, 777);
	assert_string_equal(sockdiag_kind(&d.v[0]), "udp");
	assert_int_equal(d.v[0].mem[SOCKDIAG_MEM_RMEM_ALLOC], 100);
	assert_int_equal(d.v[0].mem[SOCKDIAG_MEM_BACKLOG], 107);
	assert_false(val_has(d.v[0].mem[SOCKDIAG_MEM_DROPS]));
	assert_false(val_has(d.v[0].cgroup_id));
	/* appending a bad dump leaves the table as it was */
	assert_int_equal(
	    sockdiag_parse_append(buf, n - 4, IPPROTO_UDP, &d, NULL), -EINVAL);
	assert_int_equal(d.n, 1);
	sockdiag_release(&d);
	/* without a request protocol an inet socket is just "inet" */
	assert_int_equal(sockdiag_parse(buf, n, &d, NULL), 0);
	assert_string_equal(sockdiag_kind(&d.v[0]), "inet");
	sockdiag_release(&d);
	n = msg(buf, NLMSG_DONE, &zero, sizeof(zero));
	assert_int_equal(sockdiag_parse(buf, n, &d, NULL), 0);
	assert_int_equal(d.n, 0);
	sockdiag_release(&d);
	assert_int_equal(sockdiag_parse("", 0, &d, NULL), -EINVAL);
}

static void test_names(void **state)
{
	struct sockdiag_addr a = {.addr = {10, 1, 2, 3}, .port = 8080};
	char buf[64];

	(void)state;
	sockdiag_addr_format(AF_INET, &a, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.2.3:8080");
	sockdiag_addr_format(AF_UNIX, &a, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_string_equal(sockdiag_state_name(6), "TIME-WAIT");
	assert_string_equal(sockdiag_state_name(0), "?");
	assert_string_equal(sockdiag_state_name(200), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp),	    cmocka_unit_test(test_udp),
	    cmocka_unit_test(test_unix),    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_garbled), cmocka_unit_test(test_handmade),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
