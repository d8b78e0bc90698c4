/* Unit tests for the /proc/net/sockstat{,6} parser and reader: every
 * captured tree, the values of three kernels, unknown and malformed
 * lines, and a tree without sockstat6 (IPv6 off). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/sources/sockstat.h"
#include "testutil.h"

static void test_captured_all(void **state)
{
	char **names;
	size_t n = fixture_list(&names), seen = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct root *r = fixture_root(names[i]);
		struct source_err err = {0};
		struct sockstat s;
		char *buf;
		size_t len;

		buf = fixture_read_opt(names[i], "proc/net/sockstat", &len);
		if (!buf) {
			root_free(r);
			continue;
		}
		free(buf);
		if (sockstat_read(r, &s, &err) != 0)
			fail_msg("%s: %s", names[i], err.parse.msg);
		assert_true(val_has(s.sockets_used));
		assert_true(val_has(s.proto[SOCKSTAT_TCP].mem_pages));
		assert_true(val_has(s.proto[SOCKSTAT_TCP6].inuse));
		assert_true(val_has(s.proto[SOCKSTAT_FRAG6].memory_bytes));
		/* IPv6 lines have no mem, TCP no memory */
		assert_false(val_has(s.proto[SOCKSTAT_TCP6].mem_pages));
		assert_false(val_has(s.proto[SOCKSTAT_TCP].memory_bytes));
		sockstat_release(&s);
		root_free(r);
		seen++;
	}
	assert_true(seen >= 3);
	fixture_list_free(names, n);
}

static void test_values(void **state)
{
	struct root *r = fixture_root("procfs-testdata");
	struct sockstat s;

	(void)state;
	assert_int_equal(sockstat_read(r, &s, NULL), 0);
	assert_int_equal(s.sockets_used, 1602);
	assert_int_equal(s.proto[SOCKSTAT_TCP].inuse, 35);
	assert_int_equal(s.proto[SOCKSTAT_TCP].orphan, 0);
	assert_int_equal(s.proto[SOCKSTAT_TCP].tw, 4);
	assert_int_equal(s.proto[SOCKSTAT_TCP].alloc, 59);
	assert_int_equal(s.proto[SOCKSTAT_TCP].mem_pages, 22);
	assert_int_equal(s.proto[SOCKSTAT_UDP].mem_pages, 62);
	assert_false(val_has(s.proto[SOCKSTAT_UDPLITE].mem_pages));
	assert_int_equal(s.proto[SOCKSTAT_UDP6].inuse, 9);
	assert_int_equal(s.proto[SOCKSTAT_RAW6].inuse, 1);
	root_free(r);

	r = fixture_root("node-exporter-testdata");
	assert_int_equal(sockstat_read(r, &s, NULL), 0);
	assert_int_equal(s.sockets_used, 229);
	assert_int_equal(s.proto[SOCKSTAT_TCP].mem_pages, 1);
	assert_int_equal(s.proto[SOCKSTAT_TCP6].inuse, 17);
	root_free(r);

	r = fixture_root("debian12-6.18-x86_64");
	assert_int_equal(sockstat_read(r, &s, NULL), 0);
	assert_int_equal(s.sockets_used, 13);
	assert_int_equal(s.proto[SOCKSTAT_TCP].mem_pages, 70);
	assert_int_equal(s.proto[SOCKSTAT_FRAG].memory_bytes, 0);
	root_free(r);
	assert_string_equal(sockstat_proto_name(SOCKSTAT_UDPLITE6), "UDPLITE6");
}

/* A tree with sockstat but no sockstat6: the IPv6 lines stay absent. A
 * tree with neither: -ENOENT naming the file. */
static void test_no_ipv6(void **state)
{
	char dir[] = "/tmp/memtally-sockstat.XXXXXX", path[256];
	const char *text = "sockets: used 3\nTCP: inuse 1 mem 2\n";
	struct source_err err = {0};
	struct sockstat s;
	struct root *r;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(root_open_dir(dir, &r), 0);
	assert_int_equal(sockstat_read(r, &s, &err), -ENOENT);
	assert_non_null(strstr(err.path, "proc/net/sockstat"));
	snprintf(path, sizeof(path), "%s/proc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/net", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/net/sockstat", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(sockstat_read(r, &s, &err), 0);
	assert_int_equal(s.proto[SOCKSTAT_TCP].mem_pages, 2);
	assert_false(val_has(s.proto[SOCKSTAT_TCP].tw));
	assert_false(val_has(s.proto[SOCKSTAT_TCP6].inuse));
	/* a bad sockstat6 is an error, not an absence */
	snprintf(path, sizeof(path), "%s/proc/net/sockstat6", dir);
	f = fopen(path, "w");
	fputs("TCP6: inuse x\n", f);
	fclose(f);
	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(sockstat_read(r, &s, &err), -EINVAL);
	assert_non_null(strstr(err.path, "sockstat6"));
	assert_int_equal(s.sockets_used, 0x5a5a5a5a5a5a5a5aULL); /* untouched */
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/net/sockstat", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/net", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
	root_free(r);
}

static int parse_text(const char *t, struct sockstat *s, struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return sockstat_parse(t, strlen(t), s, err);
}

static void test_malformed(void **state)
{
	struct parse_err err;
	struct sockstat s;

	(void)state;
	/* unknown labels and keys are ignored; blank lines too */
	assert_int_equal(parse_text("SCTP: inuse 4 weird\nTCP: inuse 1 new 7 "
				    "mem 3\n\nsockets: used 2\n",
				    &s, &err),
			 0);
	assert_int_equal(s.proto[SOCKSTAT_TCP].inuse, 1);
	assert_int_equal(s.proto[SOCKSTAT_TCP].mem_pages, 3);
	assert_int_equal(s.sockets_used, 2);
	/* an empty file: everything absent */
	assert_int_equal(parse_text("", &s, &err), 0);
	assert_false(val_has(s.sockets_used));

	memset(&s, 0x11, sizeof(s));
	assert_int_equal(parse_text("TCP: inuse 1 mem\n", &s, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(s.sockets_used, 0x1111111111111111ULL);
	assert_int_equal(parse_text("UDP: inuse 1\nTCP: mem -3\n", &s, &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(
	    parse_text("TCP: mem 99999999999999999999\n", &s, &err), -ERANGE);
	assert_int_equal(parse_text("TCP inuse 1\n", &s, &err), -EINVAL);
	assert_int_equal(parse_text("sockets: used\n", &s, &err), -EINVAL);
	assert_int_equal(parse_text("sockets: free 3\n", &s, &err), -EINVAL);
	assert_int_equal(parse_text("TCP: inuse 1", &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	/* more words than we split: refused, not silently cut */
	assert_int_equal(
	    parse_text("TCP: a 1 b 2 c 3 d 4 e 5 f 6 g 7 h 8\n", &s, &err),
	    -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_all),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_no_ipv6),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
