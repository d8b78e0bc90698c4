/* /proc/sysvipc/shm and /proc/sysvipc/msg parsers and readers, and the
 * POSIX message queue files of an mqueue mount.
 *
 * Format (ipc/shm.c sysvipc_shm_proc_show, ipc/msg.c
 * sysvipc_msg_proc_show, ipc/util.c for the header): one header line of
 * column names, then one row per object, fields separated by spaces:
 *   shm  key shmid perms size cpid lpid nattch uid gid cuid cgid atime
 *        dtime ctime rss swap
 *   msg  key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime
 *        rtime ctime
 * key is signed decimal ("%10d"), perms octal ("%4o"), size, rss and swap
 * bytes (rss and swap were added in 4.x; older kernels stop at ctime).
 * Columns are found by name in the header, so a kernel that adds or
 * moves one still parses; unknown columns are skipped.
 *
 * POSIX queues (ipc/mqueue.c mqueue_read_file): reading /dev/mqueue/NAME
 * gives "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n"; QSIZE is
 * the bytes of the queued messages. The file is not in /proc, so there is
 * no snapshot of it: posix_mqueues_read() reads the live mount. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "sources.h"
#include "sysvipc.h"

enum col_type { C_KEY, C_DEC, C_OCT };

struct col {
	const char *name;
	enum col_type type;
	size_t off;
	bool required;
};

#define SHM(n, t, req)                                                         \
	{                                                                      \
#n, t, offsetof(struct sysvipc_shm_seg, n), req                \
	}
static const struct col shm_cols[] = {
    SHM(key, C_KEY, true),     SHM(shmid, C_DEC, true),
    SHM(perms, C_OCT, false),  SHM(size, C_DEC, true),
    SHM(cpid, C_DEC, false),   SHM(lpid, C_DEC, false),
    SHM(nattch, C_DEC, false), SHM(uid, C_DEC, false),
    SHM(gid, C_DEC, false),    SHM(cuid, C_DEC, false),
    SHM(cgid, C_DEC, false),   SHM(atime, C_DEC, false),
    SHM(dtime, C_DEC, false),  SHM(ctime, C_DEC, false),
    SHM(rss, C_DEC, false),    SHM(swap, C_DEC, false),
};
#undef SHM

#define MSG(n, t, req)                                                         \
	{                                                                      \
#n, t, offsetof(struct sysvipc_msg_queue, n), req              \
	}
static const struct col msg_cols[] = {
    MSG(key, C_KEY, true),    MSG(msqid, C_DEC, true),
    MSG(perms, C_OCT, false), MSG(cbytes, C_DEC, true),
    MSG(qnum, C_DEC, true),   MSG(lspid, C_DEC, false),
    MSG(lrpid, C_DEC, false), MSG(uid, C_DEC, false),
    MSG(gid, C_DEC, false),   MSG(cuid, C_DEC, false),
    MSG(cgid, C_DEC, false),  MSG(stime, C_DEC, false),
    MSG(rtime, C_DEC, false), MSG(ctime, C_DEC, false),
};
#undef MSG

/* The most header columns we look at; more is a garbled header. */
#define MAX_COLS 32

static int span_o64(struct span s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s.len == 0)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '7')
			return -EINVAL;
		if (v >> 61)
			return -ERANGE;
		v = (v << 3) | (uint64_t)(s.p[i] - '0');
	}
	*ret = v;
	return 0;
}

/* Parse a header-and-rows table into an array of rows of rowsize bytes
 * described by cols (each uint64_t, or int64_t for C_KEY), every field
 * VAL_ABSENT (or 0 for the key) unless its column is there. */
static int table_parse(const char *buf, size_t len, const struct col *cols,
		       size_t ncols, size_t rowsize, void **ret_rows,
		       size_t *ret_n, struct parse_err *err)
{
	int map[MAX_COLS]; /* header column -> index in cols, or -1 */
	struct line_iter it;
	struct span line;
	size_t nhdr = 0, n = 0, alloc = 0;
	char *rows = NULL;
	bool have_header = false;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[MAX_COLS + 1];
		size_t nf;
		char *row;

		if (span_trim(line).len == 0)
			continue;
		nf = span_fields(line, f, ELEMENTSOF(f));
		if (!have_header) {
			bool seen[MAX_COLS] = {0};

			if (nf > MAX_COLS)
				return parse_fail(err, it.lineno,
						  "header has more than %d "
						  "columns",
						  MAX_COLS);
			for (size_t i = 0; i < nf; i++) {
				map[i] = -1;
				for (size_t c = 0; c < ncols; c++)
					if (span_eq(f[i], cols[c].name) &&
					    !seen[c]) {
						map[i] = (int)c;
						seen[c] = true;
						break;
					}
			}
			for (size_t c = 0; c < ncols; c++)
				if (cols[c].required && !seen[c])
					return parse_fail(
					    err, it.lineno,
					    "header has no '%s' column",
					    cols[c].name);
			nhdr = nf;
			have_header = true;
			continue;
		}
		if (nf != nhdr) {
			r = parse_fail(err, it.lineno,
				       "row has %zu%s fields, the header %zu",
				       nf > MAX_COLS ? (size_t)MAX_COLS : nf,
				       nf > MAX_COLS ? "+" : "", nhdr);
			goto fail;
		}
		rows = xgrow(rows, &alloc, n + 1, rowsize);
		row = rows + n * rowsize;
		memset(row, 0, rowsize);
		for (size_t c = 0; c < ncols; c++)
			if (cols[c].type != C_KEY) {
				uint64_t absent = VAL_ABSENT;

				memcpy(row + cols[c].off, &absent,
				       sizeof(absent));
			}
		for (size_t i = 0; i < nf; i++) {
			const struct col *c;
			uint64_t v;
			int64_t k;

			if (map[i] < 0)
				continue;
			c = &cols[map[i]];
			if (c->type == C_KEY) {
				r = span_i64(f[i], &k);
				if (r >= 0)
					memcpy(row + c->off, &k, sizeof(k));
			} else {
				r = c->type == C_OCT ? span_o64(f[i], &v)
						     : span_u64(f[i], &v);
				if (r >= 0) {
					if (v == VAL_ABSENT)
						v--;
					memcpy(row + c->off, &v, sizeof(v));
				}
			}
			if (r < 0) {
				r = parse_fail_errno(err, r, it.lineno,
						     "'%s' is not a number",
						     c->name);
				goto fail;
			}
		}
		n++;
	}
	if (!have_header)
		return parse_fail(err, 0, "no header line");
	*ret_rows = rows;
	*ret_n = n;
	return 0;
fail:
	free(rows);
	return r;
}

int sysvipc_shm_parse(const char *buf, size_t len, struct sysvipc_shm *ret,
		      struct parse_err *err)
{
	void *rows = NULL;
	size_t n = 0;
	int r;

	r = table_parse(buf, len, shm_cols, ELEMENTSOF(shm_cols),
			sizeof(struct sysvipc_shm_seg), &rows, &n, err);
	if (r < 0)
		return r;
	ret->v = rows;
	ret->n = n;
	return 0;
}

void sysvipc_shm_release(struct sysvipc_shm *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int sysvipc_msg_parse(const char *buf, size_t len, struct sysvipc_msg *ret,
		      struct parse_err *err)
{
	void *rows = NULL;
	size_t n = 0;
	int r;

	r = table_parse(buf, len, msg_cols, ELEMENTSOF(msg_cols),
			sizeof(struct sysvipc_msg_queue), &rows, &n, err);
	if (r < 0)
		return r;
	ret->v = rows;
	ret->n = n;
	return 0;
}

void sysvipc_msg_release(struct sysvipc_msg *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

SOURCE_DEFINE_FILE(sysvipc_shm, "proc/sysvipc/shm", SRC_SYSVIPC_SHM,
		   NEEDS_NOTHING,
		   "System V shared memory segments: size, creator, "
		   "attaches, resident and swapped bytes");
SOURCE_DEFINE_FILE(sysvipc_msg, "proc/sysvipc/msg", SRC_SYSVIPC_MSG,
		   NEEDS_NOTHING,
		   "System V message queues: bytes and messages queued");

/* --- POSIX message queues -------------------------------------------- */

int posix_mqueue_parse(const char *buf, size_t len, struct posix_mqueue *ret,
		       struct parse_err *err)
{
	struct posix_mqueue q = {.qsize = VAL_ABSENT,
				 .notify = -1,
				 .signo = -1,
				 .notify_pid = -1,
				 .uid = VAL_ABSENT};
	struct line_iter it;
	struct span line;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[8];
		size_t nf = span_fields(line, f, ELEMENTSOF(f));

		for (size_t i = 0; i < nf; i++) {
			const char *colon = memchr(f[i].p, ':', f[i].len);
			struct span k, v;
			int64_t sv;
			int r;

			if (!colon)
				return parse_fail(err, it.lineno,
						  "not 'NAME:VALUE' fields");
			k.p = f[i].p;
			k.len = (size_t)(colon - f[i].p);
			v.p = colon + 1;
			v.len = f[i].len - k.len - 1;
			if (span_eq(k, "QSIZE")) {
				r = span_u64(v, &q.qsize);
				if (r >= 0 && q.qsize == VAL_ABSENT)
					q.qsize--;
			} else if (span_eq(k, "NOTIFY") ||
				   span_eq(k, "SIGNO") ||
				   span_eq(k, "NOTIFY_PID")) {
				r = span_i64(v, &sv);
				if (r >= 0)
					*(span_eq(k, "NOTIFY") ? &q.notify
					  : span_eq(k, "SIGNO")
					      ? &q.signo
					      : &q.notify_pid) = sv;
			} else {
				continue;
			}
			if (r < 0)
				return parse_fail_errno(
				    err, r, it.lineno, "'%.*s' is not a number",
				    (int)k.len, k.p);
		}
	}
	if (!val_has(q.qsize))
		return parse_fail(err, 0, "no 'QSIZE:' field");
	*ret = q;
	return 0;
}

void posix_mqueue_release(struct posix_mqueue *q)
{
	free(q->name);
	q->name = NULL;
}

void posix_mqueues_release(struct posix_mqueues *qs)
{
	for (size_t i = 0; i < qs->n; i++)
		posix_mqueue_release(&qs->v[i]);
	free(qs->v);
	qs->v = NULL;
	qs->n = 0;
}

int posix_mqueues_read(const char *dir, struct posix_mqueues *ret)
{
	struct posix_mqueues qs = {0};
	struct dirent *de;
	size_t alloc = 0;
	int dfd;
	DIR *d;

	dfd =
	    open(dir ? dir : "/dev/mqueue", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		int r = -errno;

		close(dfd);
		return r;
	}
	while ((de = readdir(d))) {
		struct posix_mqueue q;
		struct stat st;
		char buf[256];
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT)
				qs.n_gone++;
			else
				qs.n_denied++;
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n <= 0 || fstat(fd, &st) < 0 ||
		    posix_mqueue_parse(buf, (size_t)n, &q, NULL) < 0) {
			close(fd);
			qs.n_denied++;
			continue;
		}
		close(fd);
		q.uid = st.st_uid;
		q.name = xstrdup(de->d_name);
		qs.v = xgrow(qs.v, &alloc, qs.n + 1, sizeof(*qs.v));
		qs.v[qs.n++] = q;
	}
	closedir(d);
	*ret = qs;
	return 0;
}
