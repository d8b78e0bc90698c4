/* Memory cgroup inode -> path; see cgino.h.
 *
 * The hierarchy is found by its control files: a v1 memory hierarchy has
 * memory.usage_in_bytes at its top, a v2 one lists "memory" in
 * cgroup.controllers. The walk is depth-first with openat()/fstatat() on
 * directory descriptors (no path length limit), skipping symlinks, and
 * keeps a sorted array for binary search. Cgroups appear and vanish
 * during the walk; a directory that cannot be opened is skipped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "cgino.h"

struct cg_entry {
	uint64_t ino;
	char *path;
};

struct cgino_map {
	struct cg_entry *v;
	size_t n, alloc;
};

static void add(struct cgino_map *m, uint64_t ino, const char *path)
{
	m->v = xgrow(m->v, &m->alloc, m->n + 1, sizeof(*m->v));
	m->v[m->n].ino = ino;
	m->v[m->n].path = xstrdup(path);
	m->n++;
}

/* Walk dirfd (whose path relative to the hierarchy is rel), at most 64
 * levels deep. Takes ownership of dirfd. */
static void walk(struct cgino_map *m, int dirfd, const char *rel, int depth)
{
	struct dirent *de;
	DIR *d = fdopendir(dirfd);

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *sub;
		int fd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		fd = openat(dirfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		sub =
		    xasprintf("%s/%s", streq(rel, "/") ? "" : rel, de->d_name);
		add(m, (uint64_t)st.st_ino, sub);
		if (depth < 64)
			walk(m, fd, sub, depth + 1);
		else
			close(fd);
		free(sub);
	}
	closedir(d);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static bool has_memory(const char *dir)
{
	char *p = xasprintf("%s/memory.usage_in_bytes", dir);
	bool v1 = access(p, F_OK) == 0;
	char buf[512] = "";
	ssize_t k;
	int fd;

	free(p);
	if (v1)
		return true;
	p = xasprintf("%s/cgroup.controllers", dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd < 0)
		return false;
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return false;
	buf[k] = '\0';
	return strstr(buf, "memory") != NULL;
}

int cgino_map_build(const char *base, struct cgino_map **ret)
{
	static const char *const candidates[] = {
	    "/sys/fs/cgroup/memory",
	    "/sys/fs/cgroup",
	    "/sys/fs/cgroup/unified",
	};
	const char *dir = base;
	struct cgino_map *m;
	struct stat st;
	int fd;

	if (!dir) {
		for (size_t i = 0; i < ELEMENTSOF(candidates) && !dir; i++)
			if (has_memory(candidates[i]))
				dir = candidates[i];
		if (!dir)
			return -ENOENT;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	m = xcalloc(1, sizeof(*m));
	add(m, (uint64_t)st.st_ino, "/");
	walk(m, fd, "/", 0);
	qsort(m->v, m->n, sizeof(*m->v), entry_cmp);
	*ret = m;
	return 0;
}

const char *cgino_lookup(const struct cgino_map *m, uint64_t ino)
{
	struct cg_entry key = {.ino = ino}, *e;

	if (!m || m->n == 0)
		return NULL;
	e = bsearch(&key, m->v, m->n, sizeof(*m->v), entry_cmp);
	return e ? e->path : NULL;
}

uint64_t cgino_find_path(const struct cgino_map *m, const char *path)
{
	if (!m)
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->v[i].path, path))
			return m->v[i].ino;
	return 0;
}

size_t cgino_count(const struct cgino_map *m)
{
	return m ? m->n : 0;
}

void cgino_map_free(struct cgino_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m);
}
