/* Unit tests for the /proc/PID/fdinfo parser: every sample in
 * tests/fixtures/fdinfo/ (captured on 6.18 by tools/capture-fdinfo.sh,
 * DRM, dma-buf and two io_uring variants hand-written from the kernel's
 * formats), then every sample cut at every byte, and garbled values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/sources/fdinfo.h"
#include "testutil.h"

static const char *const samples[] = {
    "bpf-map",	       "bpf-prog",     "deleted",   "dmabuf",
    "drm-amdgpu",      "drm-panfrost", "epoll",	    "eventfd",
    "fanotify",	       "inotify",      "io_uring",  "io_uring-busy",
    "io_uring-sqpoll", "memfd",	       "pipe-read", "pipe-write",
};

static int parse_sample(const char *name, struct fdinfo *fi)
{
	struct parse_err err = {0};
	size_t len;
	char *buf = fixture_read("fdinfo", name, &len);
	int r = fdinfo_parse(buf, len, fi, &err);

	if (r < 0)
		fprintf(stderr, "%s: line %u: %s\n", name, err.line, err.msg);
	free(buf);
	return r;
}

static int parse(const char *text, struct fdinfo *fi, struct parse_err *err)
{
	memset(err, 0, sizeof(*err));
	return fdinfo_parse(text, strlen(text), fi, err);
}

static void test_plain(void **state)
{
	struct fdinfo fi;

	(void)state;
	assert_int_equal(parse_sample("pipe-write", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_PLAIN);
	assert_int_equal(fi.pos, 0);
	assert_int_equal(fi.flags, 01); /* O_WRONLY */
	assert_int_equal(fi.mnt_id, 16);
	assert_int_equal(fi.ino, 117854);
	assert_false(val_has(fi.items));
	assert_false(val_has(fi.dmabuf.size));
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("deleted", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_PLAIN);
	assert_int_equal(fi.pos, 65536);
	assert_int_equal(fi.flags, 0100002);
	assert_int_equal(fi.ino, 10952761);
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("memfd", &fi), 0);
	assert_int_equal(fi.mnt_id, 0);
	fdinfo_release(&fi);
}

static void test_notify(void **state)
{
	struct fdinfo fi;

	(void)state;
	assert_int_equal(parse_sample("epoll", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_EPOLL);
	assert_int_equal(fi.items, 3);
	assert_int_equal(fi.flags, 02000002);
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("inotify", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_INOTIFY);
	assert_int_equal(fi.items, 2);
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("fanotify", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_FANOTIFY);
	assert_int_equal(fi.items, 1); /* the flags line is no mark */
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("eventfd", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_EVENTFD);
	assert_int_equal(fi.eventfd.count, 5);
	assert_int_equal(fi.eventfd.id, 1);
	assert_int_equal(fi.eventfd.semaphore, 0);
	fdinfo_release(&fi);
}

static void test_io_uring(void **state)
{
	struct fdinfo fi;

	(void)state;
	assert_int_equal(parse_sample("io_uring", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_IO_URING);
	assert_int_equal(fi.io_uring.sq_entries, 64);
	assert_int_equal(fi.io_uring.cq_entries, 128);
	assert_int_equal(fi.io_uring.sq_thread, -1);
	assert_int_equal(fi.io_uring.user_files, 1);
	assert_int_equal(fi.io_uring.user_bufs, 2);
	assert_int_equal(fi.io_uring.n_buf_sizes, 2);
	assert_int_equal(fi.io_uring.buf_sizes[0], 65536);
	assert_int_equal(fi.io_uring.buf_sizes[1], 1048576);
	assert_int_equal(fi.io_uring.buf_bytes, 65536 + 1048576);
	assert_int_equal(fi.ino, 117855);
	fdinfo_release(&fi);

	/* SQPOLL, a sparse table, a personality, poll and overflow lists */
	assert_int_equal(parse_sample("io_uring-sqpoll", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_IO_URING);
	assert_int_equal(fi.io_uring.sq_entries, 256);
	assert_int_equal(fi.io_uring.cq_entries, 512);
	assert_int_equal(fi.io_uring.sq_thread, 4711);
	assert_int_equal(fi.io_uring.user_files, 2);
	assert_int_equal(fi.io_uring.user_bufs, 3);
	assert_int_equal(fi.io_uring.n_buf_sizes, 3);
	assert_int_equal(fi.io_uring.buf_sizes[1], 0);
	assert_int_equal(fi.io_uring.buf_bytes, 2097152 + 4096);
	fdinfo_release(&fi);

	/* the lock was busy: a count, no list, so no bytes */
	assert_int_equal(parse_sample("io_uring-busy", &fi), 0);
	assert_int_equal(fi.io_uring.user_bufs, 2);
	assert_int_equal(fi.io_uring.n_buf_sizes, 0);
	assert_false(val_has(fi.io_uring.buf_bytes));
	fdinfo_release(&fi);
}

static void test_bpf(void **state)
{
	struct fdinfo fi;

	(void)state;
	assert_int_equal(parse_sample("bpf-map", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_BPF_MAP);
	assert_int_equal(fi.bpf_map.map_type, 2); /* array */
	assert_int_equal(fi.bpf_map.key_size, 4);
	assert_int_equal(fi.bpf_map.value_size, 64);
	assert_int_equal(fi.bpf_map.max_entries, 1024);
	assert_int_equal(fi.bpf_map.map_flags, 0);
	assert_int_equal(fi.bpf_map.memlock, 65848);
	assert_int_equal(fi.bpf_map.map_id, 83);
	assert_int_equal(fi.bpf_map.frozen, 0);
	assert_false(val_has(fi.bpf_prog.memlock));
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("bpf-prog", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_BPF_PROG);
	assert_int_equal(fi.bpf_prog.prog_type, 1);
	assert_string_equal(fi.bpf_prog.tag, "59f4a931744dcdc6");
	assert_int_equal(fi.bpf_prog.memlock, 4096);
	assert_int_equal(fi.bpf_prog.prog_id, 210);
	assert_false(val_has(fi.bpf_map.memlock));
	fdinfo_release(&fi);
}

static void test_dmabuf_drm(void **state)
{
	struct fdinfo fi;

	(void)state;
	assert_int_equal(parse_sample("dmabuf", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_DMABUF);
	assert_int_equal(fi.dmabuf.size, 8294400);
	assert_int_equal(fi.dmabuf.count, 2);
	assert_string_equal(fi.dmabuf.exp_name, "system");
	assert_string_equal(fi.dmabuf.name, "gst-frame");
	fdinfo_release(&fi);

	assert_int_equal(parse_sample("drm-panfrost", &fi), 0);
	assert_int_equal(fi.kind, FDINFO_DRM);
	assert_string_equal(fi.drm.driver, "panfrost");
	assert_int_equal(fi.drm.client_id, 14);
	assert_int_equal(fi.drm.n_regions, 1);
	assert_string_equal(fi.drm.regions[0].name, "memory");
	assert_int_equal(fi.drm.regions[0].total, 290ull << 20);
	assert_int_equal(fi.drm.regions[0].shared, 0);
	assert_int_equal(fi.drm.regions[0].active, 226ull << 20);
	assert_int_equal(fi.drm.regions[0].resident, 36496ull << 10);
	assert_int_equal(fi.drm.regions[0].purgeable, 128ull << 10);
	fdinfo_release(&fi);

	/* legacy drm-memory- is resident; drm-total-cycles- is no region */
	assert_int_equal(parse_sample("drm-amdgpu", &fi), 0);
	assert_string_equal(fi.drm.driver, "amdgpu");
	assert_int_equal(fi.drm.client_id, 73);
	assert_int_equal(fi.drm.n_regions, 4);
	assert_string_equal(fi.drm.regions[0].name, "vram");
	assert_int_equal(fi.drm.regions[0].resident, 1048576ull << 10);
	assert_int_equal(fi.drm.regions[0].total, 1050624ull << 10);
	assert_int_equal(fi.drm.regions[0].shared, 2048ull << 10);
	assert_false(val_has(fi.drm.regions[0].purgeable));
	assert_string_equal(fi.drm.regions[1].name, "gtt");
	assert_false(val_has(fi.drm.regions[1].total));
	assert_string_equal(fi.drm.regions[3].name, "system");
	assert_int_equal(fi.drm.regions[3].total, 4096); /* bytes */
	assert_int_equal(
	    fdinfo_drm_sum(&fi, offsetof(struct fdinfo_drm_region, resident)),
	    (1048576ull + 16384) << 10);
	assert_int_equal(
	    fdinfo_drm_sum(&fi, offsetof(struct fdinfo_drm_region, total)),
	    (1050624ull << 10) + 4096);
	assert_false(val_has(
	    fdinfo_drm_sum(&fi, offsetof(struct fdinfo_drm_region, active))));
	fdinfo_release(&fi);
}

/* Every sample cut short at every byte: refused (cut inside a line) or
 * parsed; never a crash, never a leak (ASan). */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t s = 0; s < ELEMENTSOF(samples); s++) {
		size_t len;
		char *buf = fixture_read("fdinfo", samples[s], &len);

		for (size_t cut = 0; cut < len; cut++) {
			struct parse_err err = {0};
			struct fdinfo fi;
			char *copy = malloc(cut ? cut : 1);
			int r;

			memcpy(copy, buf, cut);
			r = fdinfo_parse(copy, cut, &fi, &err);
			if (cut && buf[cut - 1] != '\n')
				assert_int_equal(r, -EINVAL);
			if (r == 0)
				fdinfo_release(&fi);
			else
				assert_true(err.msg[0] != 0);
			free(copy);
		}
		free(buf);
	}
}

static void test_malformed(void **state)
{
	struct parse_err err;
	struct fdinfo fi;

	(void)state;
	assert_int_equal(parse("", &fi, &err), -EINVAL);
	assert_int_equal(parse("pos:\t0\n", &fi, &err), -EINVAL);
	assert_int_equal(parse("pos:\tx\nflags:\t0\n", &fi, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(parse("pos:\t0\nflags:\t09\n", &fi, &err), -EINVAL);
	assert_int_equal(parse("pos:\t0\nflags:\t0\nmap_id:\t-1\n", &fi, &err),
			 -EINVAL);
	assert_int_equal(parse("pos:\t0\nflags:\t0\nmap_id:\t99999999999999"
			       "999999999\n",
			       &fi, &err),
			 -ERANGE);
	assert_int_equal(
	    parse("pos:\t0\nflags:\t0\nprog_tag:\txyz\n", &fi, &err), -EINVAL);
	assert_int_equal(parse("pos:\t0\nflags:\t0\nSqMask:\tzz\n", &fi, &err),
			 -EINVAL);
	assert_int_equal(parse("pos:\t0\nflags:\t0\nUserBufs:\t1\n    0: "
			       "0x10\n",
			       &fi, &err),
			 -EINVAL);
	assert_int_equal(err.line, 4);
	assert_int_equal(
	    parse("pos:\t0\nflags:\t0\ndrm-total-vram:\t1 TiB\n", &fi, &err),
	    -EINVAL);
	assert_int_equal(parse("pos:\t0\nflags:\t0\ndrm-total-vram:\t"
			       "99999999999999999 MiB\n",
			       &fi, &err),
			 -ERANGE);
	assert_int_equal(parse("\x01\x02garbage\xff\n", &fi, &err), -EINVAL);

	/* unknown keys and lines are fine; the first value wins */
	assert_int_equal(parse("pos:\t7\nflags:\t02\nnew-key:\tzz\nno colon "
			       "here\npos:\t9\n",
			       &fi, &err),
			 0);
	assert_int_equal(fi.pos, 7);
	assert_int_equal(fi.flags, 2);
	assert_false(val_has(fi.mnt_id));
	assert_false(val_has(fi.ino));
	fdinfo_release(&fi);
}

static void test_drm_many_regions(void **state)
{
	char text[4096];
	size_t n = 0;
	struct parse_err err;
	struct fdinfo fi;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "pos:\t0\nflags:\t0\ndrm-driver:\tx\n");
	for (int i = 0; i < FDINFO_DRM_REGIONS_MAX + 3; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "drm-total-r%d:\t%d KiB\n", i, i);
	assert_int_equal(parse(text, &fi, &err), 0);
	assert_int_equal(fi.drm.n_regions, FDINFO_DRM_REGIONS_MAX);
	assert_int_equal(fi.drm.n_regions_dropped, 3);
	assert_int_equal(fi.drm.regions[2].total, 2048);
	fdinfo_release(&fi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_notify),
	    cmocka_unit_test(test_io_uring),
	    cmocka_unit_test(test_bpf),
	    cmocka_unit_test(test_dmabuf_drm),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_drm_many_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
