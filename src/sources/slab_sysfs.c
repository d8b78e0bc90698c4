/* /sys/kernel/slab reader: SLUB's per-cache attributes and alias links.
 *
 * Kernel side: mm/slub.c (sysfs_slab_add, create_unique_id, the *_show
 * attribute functions); documented in Documentation/ABI/testing/
 * sysfs-kernel-slab and Documentation/mm/slub.rst. Each attribute file holds
 * one line, a number, optionally followed by a per-node list for the
 * counting ones ("1815 N0=1815"). Only SLUB has this directory (SLAB was
 * removed in 6.8; SLOB in 6.4); the directory is world-readable, but some
 * counters (objects, slabs) walk the cache's partial lists, so reading all
 * of them is slow on a big machine: a view that needs only reclaim_account
 * asks for that alone (slab_sysfs_read_attrs).
 *
 * Aliases: when SLUB merges caches of compatible size and flags, the first
 * cache's directory is renamed to a unique id ":[flags-]0000064" and every
 * name (the first one included) becomes a symlink to it. /proc/slabinfo
 * prints the first name. We never read attributes through a symlink, only
 * from real directories, so each cache is read once. The unique id's flag
 * letters (d dma, D dma32, a reclaim account, F consistency checks, A memcg
 * account) give reclaim_account when the attribute cannot be read.
 *
 * Quirks: attributes come and go (usersize 4.16, slabs_cpu_partial 3.x,
 * skip_kfence 5.12); an unreadable one is VAL_ABSENT, never 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "slab_sysfs.h"
#include "sources.h"

static const char *const attr_names[_SA_MAX] = {
    [SA_OBJECT_SIZE] = "object_size",
    [SA_SLAB_SIZE] = "slab_size",
    [SA_OBJS_PER_SLAB] = "objs_per_slab",
    [SA_ORDER] = "order",
    [SA_OBJECTS] = "objects",
    [SA_TOTAL_OBJECTS] = "total_objects",
    [SA_SLABS] = "slabs",
    [SA_RECLAIM_ACCOUNT] = "reclaim_account",
    [SA_ALIGN] = "align",
    [SA_CACHE_DMA] = "cache_dma",
    [SA_ALIASES] = "aliases",
};

const char *slab_sysfs_attr_name(enum slab_attr a)
{
	return (unsigned)a < _SA_MAX ? attr_names[a] : NULL;
}

int slab_sysfs_attr_parse(const char *buf, size_t len,
			  struct slab_sysfs_attr *ret, struct parse_err *err)
{
	struct line_iter it;
	struct span line, f[1];
	uint64_t v;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	if (!line_next(&it, &line))
		return parse_fail(err, 0, "empty file");
	if (span_fields(line, f, 1) != 1)
		return parse_fail(err, 1, "no value");
	r = span_u64(f[0], &v);
	if (r < 0)
		return parse_fail_errno(err, r, 1, "'%.*s' is not a number",
					(int)f[0].len, f[0].p);
	if (v == VAL_ABSENT)
		return parse_fail_errno(err, -ERANGE, 1, "value too large");
	ret->v = v;
	return 0;
}

void slab_sysfs_attr_release(struct slab_sysfs_attr *a)
{
	(void)a;
}

void slab_sysfs_release(struct slab_sysfs *ss)
{
	for (size_t i = 0; i < ss->n_caches; i++)
		free(ss->caches[i].name);
	free(ss->caches);
	for (size_t i = 0; i < ss->n_aliases; i++) {
		free(ss->aliases[i].name);
		free(ss->aliases[i].target);
	}
	free(ss->aliases);
	memset(ss, 0, sizeof(*ss));
}

static const struct slab_sysfs_cache *find_cache(const struct slab_sysfs *ss,
						 const char *name)
{
	size_t lo = 0, hi = ss->n_caches;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ss->caches[mid].name, name);

		if (c == 0)
			return &ss->caches[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct slab_sysfs_cache *slab_sysfs_resolve(const struct slab_sysfs *ss,
						  const char *name)
{
	const struct slab_sysfs_cache *c = find_cache(ss, name);
	size_t lo = 0, hi = ss->n_aliases;

	if (c)
		return c;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(ss->aliases[mid].name, name);

		if (r == 0)
			return find_cache(ss, ss->aliases[mid].target);
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int slab_sysfs_name_reclaimable(const char *name)
{
	const char *dash;

	if (name[0] != ':')
		return -1;
	dash = strchr(name, '-');
	if (!dash)
		return 0; /* ":0000064": no flag letters at all */
	for (const char *p = name + 1; p < dash; p++)
		if (*p == 'a')
			return 1;
	return 0;
}

static void set_err(struct root *root, const char *path, int r,
		    struct source_err *err)
{
	char *p = root_display_path(root, path);

	memset(err, 0, sizeof(*err));
	err->err = r;
	snprintf(err->path, sizeof(err->path), "%s", p);
	free(p);
}

static void read_cache(struct root *root, const char *name, unsigned mask,
		       struct slab_sysfs_cache *ret)
{
	ret->name = xstrdup(name);
	for (int a = 0; a < _SA_MAX; a++) {
		_cleanup_free_ char *path = NULL, *buf = NULL;
		struct slab_sysfs_attr v;
		size_t len;

		ret->v[a] = VAL_ABSENT;
		if (!(mask & SA_BIT(a)))
			continue;
		path = xasprintf("sys/kernel/slab/%s/%s", name, attr_names[a]);
		if (root_read(root, path, &buf, &len) < 0)
			continue;
		if (slab_sysfs_attr_parse(buf, len, &v, NULL) == 0)
			ret->v[a] = v.v;
	}
}

int slab_sysfs_read_attrs(struct root *root, unsigned mask,
			  struct slab_sysfs *ret, struct source_err *err)
{
	struct slab_sysfs ss = {.attrs = mask & SA_ALL};
	size_t n, alloc_c = 0, alloc_a = 0;
	struct source_err local;
	char **names;
	int r;

	if (!err)
		err = &local;
	r = root_list(root, "sys/kernel/slab", &names, &n);
	if (r < 0) {
		set_err(root, "sys/kernel/slab", r, err);
		return r;
	}
	/* root_list sorts, so both arrays come out sorted */
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL;
		char *target = NULL;

		path = xasprintf("sys/kernel/slab/%s", names[i]);
		r = root_readlink(root, path, &target);
		if (r == 0) {
			const char *base = strrchr(target, '/');

			ss.aliases =
			    xgrow(ss.aliases, &alloc_a, ss.n_aliases + 1,
				  sizeof(*ss.aliases));
			ss.aliases[ss.n_aliases].name = xstrdup(names[i]);
			ss.aliases[ss.n_aliases].target =
			    xstrdup(base ? base + 1 : target);
			ss.n_aliases++;
			free(target);
			continue;
		}
		if (r != -EINVAL)
			continue; /* gone meanwhile, or unreadable */
		ss.caches = xgrow(ss.caches, &alloc_c, ss.n_caches + 1,
				  sizeof(*ss.caches));
		read_cache(root, names[i], ss.attrs, &ss.caches[ss.n_caches]);
		ss.n_caches++;
	}
	root_names_free(names, n);
	memset(err, 0, sizeof(*err));
	*ret = ss;
	return 0;
}

static int alias_cmp(const void *a, const void *b)
{
	return strcmp(((const struct slab_sysfs_alias *)a)->name,
		      ((const struct slab_sysfs_alias *)b)->name);
}

static int cache_cmp(const void *a, const void *b)
{
	return strcmp(((const struct slab_sysfs_cache *)a)->name,
		      ((const struct slab_sysfs_cache *)b)->name);
}

/* A merged cache's unique id spells its flags (create_unique_id()), so
 * reclaim_account needs no read for it: one open+read+close saved per
 * merged cache, a third of the sysfs reads pools makes. */
static unsigned name_attrs(const char *name, unsigned mask)
{
	if (slab_sysfs_name_reclaimable(name) >= 0)
		mask &= ~SA_BIT(SA_RECLAIM_ACCOUNT);
	return mask;
}

static void name_fill(struct slab_sysfs_cache *c, unsigned mask)
{
	int f = slab_sysfs_name_reclaimable(c->name);

	if ((mask & SA_BIT(SA_RECLAIM_ACCOUNT)) && f >= 0)
		c->v[SA_RECLAIM_ACCOUNT] = (uint64_t)f;
}

static bool cache_has_any(const struct slab_sysfs_cache *c)
{
	for (int a = 0; a < _SA_MAX; a++)
		if (val_has(c->v[a]))
			return true;
	return false;
}

static bool have_cache(const struct slab_sysfs *ss, const char *name)
{
	for (size_t i = 0; i < ss->n_caches; i++)
		if (streq(ss->caches[i].name, name))
			return true;
	return false;
}

int slab_sysfs_read_names(struct root *root, char *const *names, size_t n,
			  unsigned mask, struct slab_sysfs *ret,
			  struct source_err *err)
{
	struct slab_sysfs ss = {.attrs = mask & SA_ALL};
	size_t alloc_c = 0, alloc_a = 0, found = 0;
	struct source_err local;
	int r;

	if (!err)
		err = &local;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL, *target = NULL;
		const char *real = names[i];

		if (strchr(names[i], '/') || streq(names[i], ".") ||
		    streq(names[i], ".."))
			continue;
		path = xasprintf("sys/kernel/slab/%s", names[i]);
		r = root_readlink(root, path, &target);
		if (r == 0) {
			const char *base = strrchr(target, '/');

			real = base ? base + 1 : target;
			ss.aliases =
			    xgrow(ss.aliases, &alloc_a, ss.n_aliases + 1,
				  sizeof(*ss.aliases));
			ss.aliases[ss.n_aliases].name = xstrdup(names[i]);
			ss.aliases[ss.n_aliases].target = xstrdup(real);
			ss.n_aliases++;
			found++;
		} else if (r != -EINVAL && r != -ENOENT) {
			continue; /* unreadable */
		}
		/* -EINVAL: a real directory. -ENOENT: absent live, or a
		 * snapshot that recorded the files but not the directory;
		 * reading costs one failed open, and never goes through a
		 * link (readlink said it is none). Linear search: merged
		 * targets repeat, and n is a few hundred. */
		if (have_cache(&ss, real))
			continue;
		ss.caches = xgrow(ss.caches, &alloc_c, ss.n_caches + 1,
				  sizeof(*ss.caches));
		read_cache(root, real, name_attrs(real, ss.attrs),
			   &ss.caches[ss.n_caches]);
		name_fill(&ss.caches[ss.n_caches], ss.attrs);
		if (r == -ENOENT && !cache_has_any(&ss.caches[ss.n_caches])) {
			free(ss.caches[ss.n_caches].name);
			continue;
		}
		ss.n_caches++;
		found++;
	}
	if (n > 0 && found == 0) {
		slab_sysfs_release(&ss);
		set_err(root, "sys/kernel/slab", -ENOENT, err);
		return -ENOENT;
	}
	if (ss.n_aliases > 1)
		qsort(ss.aliases, ss.n_aliases, sizeof(*ss.aliases), alias_cmp);
	if (ss.n_caches > 1)
		qsort(ss.caches, ss.n_caches, sizeof(*ss.caches), cache_cmp);
	memset(err, 0, sizeof(*err));
	*ret = ss;
	return 0;
}

int slab_sysfs_read(struct root *root, struct slab_sysfs *ret,
		    struct source_err *err)
{
	return slab_sysfs_read_attrs(root, SA_ALL, ret, err);
}

static int slab_sysfs_read_cb(struct root *root, void *ret,
			      struct source_err *err)
{
	return slab_sysfs_read(root, ret, err);
}

static void slab_sysfs_release_cb(void *data)
{
	slab_sysfs_release(data);
}

const struct source_desc slab_sysfs_source = {
    .id = SRC_SLAB_SYSFS,
    .name = "slab_sysfs",
    .path = "/sys/kernel/slab",
    .scope = SCOPE_SYSTEM,
    .needs = NEEDS_NOTHING,
    .size = sizeof(struct slab_sysfs),
    .read = slab_sysfs_read_cb,
    .release = slab_sysfs_release_cb,
    .summary = "SLUB caches: reclaimable flag, aliases, object layout",
};
