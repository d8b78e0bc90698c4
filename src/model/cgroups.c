/* Collecting the memory cgroup tree; see cgroups.h.
 *
 * Files read per cgroup (Documentation/admin-guide/cgroup-v2.rst and
 * cgroup-v1/memory.rst):
 *   v2  memory.current (absent in the root cgroup), memory.stat (absent in
 *       the root before 6.x), cgroup.procs
 *   v1  memory.usage_in_bytes, memory.stat (its total_* lines are the
 *       hierarchical figures), memory.kmem.usage_in_bytes (kernel memory;
 *       gone when the kernel drops kmem accounting for v1), cgroup.procs
 *   v2  cgroup.stat (nr_dying_descendants); v1  /proc/cgroups (num_cgroups
 *       of the memory controller counts dying cgroups too) and
 *       sys/devices/system/cpu/online (the charge stock's noise)
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

int cgroups_parse_keyed(const char *buf, size_t len, const char *key,
			uint64_t *ret)
{
	struct line_iter it;
	struct span line, f[3];

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		if (span_fields(line, f, ELEMENTSOF(f)) != 2 ||
		    !span_eq(f[0], key))
			continue;
		return span_u64(f[1], ret) < 0 ? -EINVAL : 0;
	}
	return -ENOENT;
}

int cgroups_parse_proc_cgroups(const char *buf, size_t len, const char *name,
			       uint64_t *ret)
{
	struct line_iter it;
	struct span line, f[5];

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		if (span_fields(line, f, ELEMENTSOF(f)) != 4 ||
		    !span_eq(f[0], name))
			continue;
		return span_u64(f[2], ret) < 0 ? -EINVAL : 0;
	}
	return -ENOENT;
}

/* The number of CPUs in a list like "0-3,8"; 0 if it cannot be read. */
static uint64_t cpus_online(struct root *root)
{
	_cleanup_free_ char *buf = NULL;
	uint64_t n = 0;
	size_t len;

	if (root_read(root, "sys/devices/system/cpu/online", &buf, &len) < 0)
		return 0;
	for (size_t i = 0; i < len;) {
		uint64_t a = 0, b;
		size_t j = i;

		while (j < len && buf[j] >= '0' && buf[j] <= '9')
			a = a * 10 + (uint64_t)(buf[j++] - '0');
		if (j == i)
			return 0;
		b = a;
		if (j < len && buf[j] == '-') {
			size_t k = ++j;

			b = 0;
			while (j < len && buf[j] >= '0' && buf[j] <= '9')
				b = b * 10 + (uint64_t)(buf[j++] - '0');
			if (j == k || b < a)
				return 0;
		}
		n += b - a + 1;
		while (j < len && (buf[j] == ',' || buf[j] == '\n'))
			j++;
		i = j;
		if (n > 1 << 20)
			return 0;
	}
	return n;
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
	n->nr_dying = n->dying_count = n->dying_bytes = VAL_ABSENT;
	if (version == 2) {
		_cleanup_free_ char *p = xasprintf("%s/cgroup.stat", dir);
		_cleanup_free_ char *buf = NULL;
		size_t len;

		if (root_read(root, p, &buf, &len) == 0 &&
		    cgroups_parse_keyed(buf, len, "nr_dying_descendants",
					&n->nr_dying) < 0)
			n->nr_dying = VAL_ABSENT;
	}

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
	ret->v1_num_cgroups = VAL_ABSENT;
	if (version == 1) {
		_cleanup_free_ char *buf = NULL;
		size_t len;

		if (root_read(root, "proc/cgroups", &buf, &len) < 0 ||
		    cgroups_parse_proc_cgroups(buf, len, "memory",
					       &ret->v1_num_cgroups) < 0)
			ret->v1_num_cgroups = VAL_ABSENT;
		/* MEMCG_CHARGE_BATCH pages a CPU, of 4 KiB */
		ret->v1_noise = cpus_online(root) * 64 * 4096;
	}
	walk(root, ret, base, "/", 0, 0, version, max_depth);
	ret->full = max_depth < 0;
	cgroups_dying(ret);
}

static uint64_t sub_clamp(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* v1: the bytes charged to node i beyond its live children's and its
 * own pages and kernel memory: what its dying children pin. */
static uint64_t v1_direct(const struct cgroups *cg, size_t i)
{
	const struct cgroup_node *n = &cg->v[i];
	uint64_t kids = 0, kids_kmem = 0, local, anon, file;
	bool kmem_known = val_has(n->kernel);

	if (!val_has(n->current) || !n->has_stat)
		return VAL_ABSENT;
	anon = n->stat.v[CGS_ANON];
	file = n->stat.v[CGS_FILE];
	if (!val_has(anon) || !val_has(file))
		return VAL_ABSENT;
	for (size_t j = i + 1; j < cg->n; j++) {
		if (cg->v[j].parent != i)
			continue;
		if (!val_has(cg->v[j].current))
			return VAL_ABSENT;
		kids += cg->v[j].current;
		if (val_has(cg->v[j].kernel))
			kids_kmem += cg->v[j].kernel;
		else
			kmem_known = false;
	}
	local = anon + file;
	/* the root's usage is its file and anon pages only: no kmem */
	if (n->depth > 0 && kmem_known)
		local += sub_clamp(n->kernel, kids_kmem);
	local = sub_clamp(n->current, kids + local);
	return local <= cg->v1_noise ? 0 : local;
}

/* v2: node i's memory.current beyond its live children's, where it has
 * dying children of its own; 0 where it has none. */
static uint64_t v2_direct(const struct cgroups *cg, size_t i)
{
	const struct cgroup_node *n = &cg->v[i];
	uint64_t kids = 0, kids_dying = 0;

	if (!val_has(n->nr_dying))
		return VAL_ABSENT;
	for (size_t j = i + 1; j < cg->n; j++)
		if (cg->v[j].parent == i && val_has(cg->v[j].nr_dying))
			kids_dying += cg->v[j].nr_dying;
	if (n->nr_dying <= kids_dying)
		return 0;
	if (!val_has(n->current))
		return VAL_ABSENT;
	for (size_t j = i + 1; j < cg->n; j++) {
		if (cg->v[j].parent != i)
			continue;
		if (!val_has(cg->v[j].current))
			return VAL_ABSENT;
		kids += cg->v[j].current;
	}
	return sub_clamp(n->current, kids);
}

void cgroups_dying(struct cgroups *cg)
{
	if (cg->n == 0 || !cg->full)
		return;
	/* children come after their parent: sum from the last node up */
	for (size_t i = cg->n; i-- > 0;) {
		struct cgroup_node *n = &cg->v[i];

		n->dying_bytes =
		    n->version == 1 ? v1_direct(cg, i) : v2_direct(cg, i);
		n->dying_count = n->version == 2 ? n->nr_dying : VAL_ABSENT;
	}
	for (size_t i = cg->n; i-- > 1;) {
		struct cgroup_node *n = &cg->v[i], *p = &cg->v[n->parent];

		if (!val_has(p->dying_bytes))
			continue;
		p->dying_bytes = val_has(n->dying_bytes)
				     ? p->dying_bytes + n->dying_bytes
				     : VAL_ABSENT;
	}
	if (cg->v[0].version == 1 && !val_has(cg->v1_num_cgroups)) {
		/* without the count, a partial tree (a capture of one
		 * subtree) reads as pinned: say nothing */
		for (size_t i = 0; i < cg->n; i++)
			cg->v[i].dying_bytes = VAL_ABSENT;
		return;
	}
	if (cg->v[0].version == 1) {
		cg->v[0].dying_count = sub_clamp(cg->v1_num_cgroups, cg->n);
		/* none dying: what is left over is noise, not pinned */
		for (size_t i = 0; cg->v[0].dying_count == 0 && i < cg->n; i++)
			if (val_has(cg->v[i].dying_bytes))
				cg->v[i].dying_bytes = 0;
	}
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

/* The live directories under dir, itself included. */
static uint64_t count_dirs(struct root *root, const char *dir)
{
	char **names = NULL;
	size_t n = 0;
	uint64_t sum = 1;

	if (root_list(root, dir, &names, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, names[i]);
		char **x = NULL;
		size_t nx = 0;

		if (root_list(root, sub, &x, &nx) < 0)
			continue;
		root_names_free(x, nx);
		sum += count_dirs(root, sub);
	}
	root_names_free(names, n);
	return sum;
}

int cgroups_dying_total(struct root *root, uint64_t *ret_count,
			uint64_t *ret_bytes)
{
	uint64_t count = VAL_ABSENT, bytes;
	struct cgroups cg;
	const char *base;
	int version = 0;
	_cleanup_free_ char *buf = NULL;
	size_t len;

	base = cgroups_memory_base(root, &version);
	if (!base)
		return -ENOENT;
	if (version == 2) {
		_cleanup_free_ char *p = xasprintf("%s/cgroup.stat", base);

		if (root_read(root, p, &buf, &len) < 0 ||
		    cgroups_parse_keyed(buf, len, "nr_dying_descendants",
					&count) < 0)
			count = VAL_ABSENT;
	} else if (root_read(root, "proc/cgroups", &buf, &len) == 0 &&
		   cgroups_parse_proc_cgroups(buf, len, "memory", &count) ==
		       0) {
		count = sub_clamp(count, count_dirs(root, base));
	} else {
		count = VAL_ABSENT;
	}
	if (count == 0) {
		*ret_count = *ret_bytes = 0;
		return 0;
	}
	cgroups_collect(root, -1, &cg);
	bytes = cg.n ? cg.v[0].dying_bytes : VAL_ABSENT;
	if (cg.n && !val_has(bytes)) {
		bytes = 0;
		for (size_t i = 1; i < cg.n; i++)
			if (cg.v[i].depth == 1 && val_has(cg.v[i].dying_bytes))
				bytes += cg.v[i].dying_bytes;
	}
	if (cg.n && val_has(cg.v[0].dying_count))
		count = cg.v[0].dying_count;
	cgroups_release(&cg);
	*ret_count = count;
	*ret_bytes = bytes;
	return 0;
}
