/* Collecting the memory cgroup tree; see cgroups.h.
 *
 * Files read per cgroup (Documentation/admin-guide/cgroup-v2.rst and
 * cgroup-v1/memory.rst):
 *   v2  memory.current (absent in the root cgroup), memory.stat (absent in
 *       the root before 6.x), cgroup.procs
 *   v1  memory.usage_in_bytes, memory.stat (its total_* lines are the
 *       hierarchical figures), memory.kmem.usage_in_bytes (kernel memory;
 *       gone when the kernel drops kmem accounting for v1), cgroup.procs
 * A cgroup removed while we walk is dropped silently. A child directory is
 * told from a control file by listing it: control files are not
 * directories, and names like "system.slice" contain dots, so the name
 * alone cannot tell. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../basic/xalloc.h"
#include "cgroups.h"

static int read_u64_file(struct root *root, const char *dir, const char *name,
			 uint64_t *ret)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *buf = NULL;
	struct span s;
	size_t len;
	int r;

	r = root_read(root, path, &buf, &len);
	if (r < 0)
		return r;
	s.p = buf;
	s.len = len;
	s = span_trim(s);
	if (span_eq(s, "max")) {
		*ret = VAL_ABSENT;
		return 0;
	}
	return span_u64(s, ret);
}

static bool file_has_word(struct root *root, const char *path, const char *word)
{
	_cleanup_free_ char *buf = NULL;
	struct span f[64];
	struct span s;
	size_t len, n;

	if (root_read(root, path, &buf, &len) < 0)
		return false;
	s.p = buf;
	s.len = len;
	n = span_fields(s, f, ELEMENTSOF(f));
	for (size_t i = 0; i < n; i++)
		if (span_eq(f[i], word))
			return true;
	return false;
}

const char *cgroups_memory_base(struct root *root, int *ret_version)
{
	char *buf = NULL;
	size_t len;

	if (file_has_word(root, "sys/fs/cgroup/cgroup.controllers", "memory")) {
		*ret_version = 2;
		return "sys/fs/cgroup";
	}
	if (file_has_word(root, "sys/fs/cgroup/unified/cgroup.controllers",
			  "memory")) {
		*ret_version = 2;
		return "sys/fs/cgroup/unified";
	}
	if (root_read(root, "sys/fs/cgroup/memory/memory.usage_in_bytes", &buf,
		      &len) == 0 ||
	    root_read(root, "sys/fs/cgroup/memory/memory.stat", &buf, &len) ==
		0) {
		free(buf);
		*ret_version = 1;
		return "sys/fs/cgroup/memory";
	}
	return NULL;
}

static uint64_t count_lines(struct root *root, const char *dir)
{
	_cleanup_free_ char *path = xasprintf("%s/cgroup.procs", dir);
	_cleanup_free_ char *buf = NULL;
	uint64_t n = 0;
	size_t len;

	if (root_read(root, path, &buf, &len) < 0)
		return VAL_ABSENT;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n')
			n++;
	return n;
}

/* v2 kernels before 5.18 print no "kernel" line: add up the parts */
static uint64_t kernel_parts(const struct cgroup_memory_stat *s)
{
	static const enum cgroup_stat_field parts[] = {
	    CGS_KERNEL_STACK,
	    CGS_PAGETABLES,
	    CGS_SEC_PAGETABLES,
	    CGS_PERCPU,
	    CGS_SOCK,
	    CGS_VMALLOC,
	    CGS_SLAB_RECLAIMABLE,
	    CGS_SLAB_UNRECLAIMABLE,
	};
	uint64_t sum = 0;
	bool any = false;

	for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
		uint64_t v = cgroup_memory_stat_get(s, parts[i]);

		if (val_has(v)) {
			sum += v;
			any = true;
		}
	}
	return any ? sum : VAL_ABSENT;
}

static void walk(struct root *root, struct cgroups *cg, const char *dir,
		 const char *path, int depth, size_t parent, int version,
		 int max_depth)
{
	struct cgroup_node *n;
	char **names = NULL;
	size_t nnames = 0, self;

	cg->v = xgrow(cg->v, &cg->alloc, cg->n + 1, sizeof(*cg->v));
	self = cg->n++;
	n = &cg->v[self];
	memset(n, 0, sizeof(*n));
	n->path = xstrdup(path);
	n->dir = xstrdup(dir);
	n->depth = depth;
	n->version = version;
	n->parent = depth == 0 ? self : parent;
	n->current = n->kernel = VAL_ABSENT;
	if (read_u64_file(root, dir,
			  version == 2 ? "memory.current"
				       : "memory.usage_in_bytes",
			  &n->current) < 0)
		n->current = VAL_ABSENT;
	n->has_stat =
	    cgroup_memory_stat_read(root, dir, &n->stat, &n->stat_err) == 0;
	if (version == 1) {
		if (read_u64_file(root, dir, "memory.kmem.usage_in_bytes",
				  &n->kernel) < 0)
			n->kernel = VAL_ABSENT;
	} else if (n->has_stat) {
		n->kernel = cgroup_memory_stat_get(&n->stat, CGS_KERNEL);
		if (!val_has(n->kernel)) {
			n->kernel = kernel_parts(&n->stat);
			n->kernel_summed = val_has(n->kernel);
		}
	}
	n->nprocs = count_lines(root, dir);

	if (max_depth >= 0 && depth >= max_depth)
		return;
	if (root_list(root, dir, &names, &nnames) < 0)
		return;
	for (size_t i = 0; i < nnames; i++) {
		_cleanup_free_ char *cdir = xasprintf("%s/%s", dir, names[i]);
		_cleanup_free_ char *cpath = NULL;
		char **sub = NULL;
		size_t nsub = 0;

		/* control files are not directories */
		if (root_list(root, cdir, &sub, &nsub) < 0)
			continue;
		root_names_free(sub, nsub);
		cpath = depth == 0 ? xasprintf("/%s", names[i])
				   : xasprintf("%s/%s", path, names[i]);
		walk(root, cg, cdir, cpath, depth + 1, self, version,
		     max_depth);
	}
	root_names_free(names, nnames);
}

void cgroups_collect(struct root *root, int max_depth, struct cgroups *ret)
{
	const char *base;
	int version = 0;

	memset(ret, 0, sizeof(*ret));
	base = cgroups_memory_base(root, &version);
	if (!base) {
		snprintf(ret->why, sizeof(ret->why),
			 "no memory cgroup controller is mounted (looked for "
			 "/sys/fs/cgroup/cgroup.controllers, "
			 "/sys/fs/cgroup/unified and /sys/fs/cgroup/memory)");
		return;
	}
	walk(root, ret, base, "/", 0, 0, version, max_depth);
}

void cgroups_release(struct cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->v[i].path);
		free(cg->v[i].dir);
		cgroup_memory_stat_release(&cg->v[i].stat);
	}
	free(cg->v);
	memset(cg, 0, sizeof(*cg));
}

/* Does the path have a "." or ".." component? */
static bool has_dot_component(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

int cgroups_resolve(const char *mount, const char *cgroup, char **ret)
{
	char base[PATH_MAX], real[PATH_MAX];
	_cleanup_free_ char *joined = NULL;
	struct stat st;
	size_t blen;

	if (!mount || mount[0] != '/' || !cgroup || cgroup[0] != '/' ||
	    has_dot_component(cgroup))
		return -EINVAL;
	if (!realpath(mount, base))
		return -errno;
	joined = xasprintf("%s%s", base, cgroup);
	if (!realpath(joined, real))
		return -errno;
	blen = strlen(base);
	if (!streq(base, "/") && (strncmp(real, base, blen) != 0 ||
				  (real[blen] != '\0' && real[blen] != '/')))
		return -EXDEV;
	if (stat(real, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*ret = xstrdup(real);
	return 0;
}
