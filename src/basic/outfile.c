/* Safe replacement of output files; see outfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "xalloc.h"

/* The target may be there only as a regular file. */
static int check_target(const char *path, bool *ret_exists, mode_t *ret_mode)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*ret_exists = false;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EEXIST;
	*ret_exists = true;
	*ret_mode = st.st_mode & 07777;
	return 0;
}

int outfile_open(const char *path, struct outfile *ret)
{
	static unsigned seq;
	mode_t mode = 0;
	bool exists;
	char *tmp;
	int e, fd;

	e = check_target(path, &exists, &mode);
	if (e < 0)
		return e;
	/* O_EXCL: a link or file planted at the temporary name is never
	 * followed or reused */
	tmp = xasprintf("%s.tmp.%d.%u", path, (int)getpid(), seq++);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0666);
	if (fd < 0) {
		e = -errno;
		free(tmp);
		return e;
	}
	if (exists)
		(void)fchmod(fd, mode); /* keep the replaced file's mode */
	*ret = (struct outfile){
	    .path = xstrdup(path), .tmp = tmp, .fd = fd, .existed = exists};
	return 0;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
	struct outfile *o = cookie;
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(o->fd, buf + done, n - done);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (!o->err)
				o->err = -errno;
			return 0; /* fopencookie: 0 means an error */
		}
		done += (size_t)k;
	}
	return (ssize_t)n;
}

FILE *outfile_stream(struct outfile *o)
{
	static const cookie_io_functions_t io = {.write = stream_write};

	if (!o->f)
		o->f = fopencookie(o, "w", io);
	return o->f;
}

/* Rename over the target; a target that did not exist must still not
 * exist (RENAME_NOREPLACE), one that did must still be a regular file. */
static int commit(struct outfile *o)
{
	mode_t mode;
	bool exists;
	int e;

	e = check_target(o->path, &exists, &mode);
	if (e < 0)
		return e;
	if (!exists && !o->existed) {
		if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path,
			      RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EINVAL && errno != ENOSYS)
			return -errno;
	}
	return rename(o->tmp, o->path) < 0 ? -errno : 0;
}

int outfile_finish(struct outfile *o, int status)
{
	int e = status;

	if (o->f && fclose(o->f) != 0 && e == 0)
		e = o->err ? o->err : -EIO;
	o->f = NULL;
	if (o->err)
		e = o->err;
	if (e == 0 && fsync(o->fd) < 0)
		e = -errno;
	if (close(o->fd) < 0 && e == 0)
		e = -errno;
	if (e == 0)
		e = commit(o);
	if (e < 0)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	*o = (struct outfile){.fd = -1};
	return e;
}

const char *outfile_strerror(int err)
{
	if (err == -EEXIST)
		return "exists and is not a regular file (not replaced)";
	return strerror(err < 0 ? -err : err);
}
