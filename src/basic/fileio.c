/* Reading a whole file with a cap; see fileio.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

int fileio_verify_regular(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return 0;
	return S_ISDIR(st.st_mode) ? -EISDIR : -EBADFD;
}

/* Grow the buffer geometrically, reading until read(2) says the end; one
 * byte past the cap is asked for, so a file of exactly max bytes passes
 * and one byte more is refused without reading the rest. */
int fileio_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len)
{
	size_t alloc = 16384, len = 0;
	char *buf = xmalloc(alloc);

	for (;;) {
		size_t want;
		ssize_t k;

		if (alloc - len < 4096)
			buf = xgrow(buf, &alloc, alloc + 1, 1);
		want = alloc - len - 1;
		if (want > max - len + 1)
			want = max - len + 1;
		k = read(fd, buf + len, want);
		if (k < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			return -e;
		}
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int fileio_read_file(int dirfd, const char *path, size_t max, char **ret_buf,
		     size_t *ret_len)
{
	int fd, e;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	e = fileio_verify_regular(fd);
	if (e == 0)
		e = fileio_read_fd(fd, max, ret_buf, ret_len);
	close(fd);
	return e;
}

const char *fileio_cap_str(size_t cap, char *buf, size_t n)
{
	if (cap >= ((size_t)1 << 30) && cap % ((size_t)1 << 30) == 0)
		snprintf(buf, n, "%zu GiB", cap >> 30);
	else if (cap >= ((size_t)1 << 20) && cap % ((size_t)1 << 20) == 0)
		snprintf(buf, n, "%zu MiB", cap >> 20);
	else
		snprintf(buf, n, "%zu bytes", cap);
	return buf;
}
