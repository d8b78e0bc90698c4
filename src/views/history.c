/* The history views' shared parts; see history.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/owners-snap.h"
#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "../model/cgroups.h"
#include "../model/owners.h"
#include "../model/procs.h"
#include "../sources/slabinfo.h"
#include "history.h"

/* The slab caches' reclaim_account flags, for every cache in the
 * snapshot's slabinfo. Returns whether ret was filled. */
static bool slab_types(struct root *root, const struct snapshot *snap,
		       struct slab_sysfs *ret)
{
	const struct slabinfo *si = snapshot_get(snap, SRC_SLABINFO);
	_cleanup_free_ char **names = NULL;
	struct source_err err;

	if (!si || !si->n_caches)
		return false;
	names = xcalloc(si->n_caches, sizeof(char *));
	for (size_t i = 0; i < si->n_caches; i++)
		names[i] = si->caches[i].name;
	return slab_sysfs_read_names(root, names, si->n_caches,
				     SA_BIT(SA_RECLAIM_ACCOUNT), ret,
				     &err) == 0;
}

void history_add_holders(struct table *t, size_t row, const char *owner,
			 size_t what_col, size_t who_col)
{
	struct series_holder h[3];
	size_t n = series_owner_holders(owner, h, ELEMENTSOF(h));

	for (size_t i = 0; i < n; i++) {
		size_t r = table_add_row(t);

		table_set_str(t, r, what_col, h[i].what);
		table_set_str(t, r, who_col, h[i].who);
		table_row_parent(t, r, row);
		table_row_text_only(t, r);
	}
}

int history_owners(struct root *root, struct owner_set *ret, char **ret_why)
{
	_cleanup_free_ char *buf = NULL, *why = NULL;
	size_t len = 0;
	int r;

	if (root_is_live(root)) {
		r = owners_collect(
		    root, &(struct owners_collect_opts){.uid = (uid_t)-1}, ret);
		if (r < 0) {
			owner_set_release(ret);
			*ret_why =
			    xasprintf("cannot walk '/proc': %s", strerror(-r));
		}
		return r;
	}
	r = root_read(root, OWNERS_SNAP_MEMBER, &buf, &len);
	if (r == -ENOENT) {
		*ret_why = xstrdup("not in this snapshot or tree (the owners "
				   "are read from the live system; "
				   "'memtally snapshot' keeps them)");
		return r;
	}
	if (r < 0) {
		*ret_why = xasprintf("cannot read '%s': %s", OWNERS_SNAP_MEMBER,
				     strerror(-r));
		return r;
	}
	r = owners_snap_parse(buf, len, ret, &why);
	if (r < 0)
		*ret_why = xasprintf("'%s': %s", OWNERS_SNAP_MEMBER,
				     why ? why : strerror(-r));
	return r;
}

void history_collect_series(struct root *root, const struct series_opts *o,
			    struct snapshot *snap, struct series_set *ret)
{
	struct series_opts opts = *o;
	struct slab_sysfs ss = {0};
	struct source_err perr;
	struct procs ps = {0};
	struct cgroups cg = {0};
	struct owner_set os;
	_cleanup_free_ char *owners_why = NULL;
	bool have_types;

	snapshot_collect(root, series_sources(), snap);
	have_types = slab_types(root, snap, &ss);
	if (root_page_size_known(root) && !opts.page_size)
		opts.page_size = root_page_size(root);
	opts.slab_types = have_types ? &ss : NULL;
	if (o->top_procs && procs_collect(root, NULL, 0, &ps, &perr) == 0)
		opts.procs = &ps;
	if (o->top_cgroups) {
		cgroups_collect(root, 2, &cg);
		opts.cgroups = &cg;
	}
	if (o->top_owners && !o->owners &&
	    history_owners(root, &os, &owners_why) == 0)
		opts.owners = &os;
	series_collect(snap, &opts, ret);
	if (owners_why)
		series_set_fail(ret, "owners", owners_why);
	if (opts.owners && !o->owners)
		owner_set_release(&os);
	if (opts.procs)
		procs_release(&ps);
	if (opts.cgroups)
		cgroups_release(&cg);
	if (have_types)
		slab_sysfs_release(&ss);
}

int history_open_store(const char *path, unsigned flags, struct store **ret,
		       struct view_err *err)
{
	char *why = NULL;
	int r;

	r = store_open(path, flags, ret, &why);
	if (r < 0) {
		if (why)
			view_fail(err, r, "%s", why);
		else
			view_fail(err, r, "cannot open recording '%s': %s",
				  path, strerror(-r));
		free(why);
	}
	return r;
}

int history_load(const char *db, const struct history_since *since,
		 const char *const *meta_keys, char **ret_meta,
		 struct store_data *ret, struct view_err *err)
{
	int64_t since_ms = INT64_MIN, first, last;
	struct store *st;
	int r;

	r = history_open_store(db, STORE_RDONLY, &st, err);
	if (r < 0)
		return r;
	if (since && since->kind == SINCE_UNIX)
		since_ms = (int64_t)(since->secs * 1000);
	else if (since && since->kind == SINCE_AGO &&
		 store_range(st, &first, &last) == 0)
		since_ms = last - (int64_t)(since->secs * 1000);
	for (size_t i = 0; meta_keys && meta_keys[i]; i++) {
		ret_meta[i] = NULL;
		store_meta_get(st, meta_keys[i], &ret_meta[i]);
	}
	r = store_load(st, since_ms, INT64_MAX, ret);
	store_close(st);
	if (r < 0) {
		for (size_t i = 0; meta_keys && meta_keys[i]; i++)
			free(ret_meta[i]);
		return view_fail(err, r, "cannot read recording '%s': %s", db,
				 strerror(-r));
	}
	return 0;
}

int history_record_sample(struct root *root, struct store *st,
			  const struct series_opts *so,
			  const struct history_fails *fails, int64_t t_ms,
			  size_t *ret_points)
{
	_cleanup_free_ struct store_point *pts = NULL;
	struct series_set set;
	struct snapshot snap;
	size_t n = 0;
	int r = 0;

	history_collect_series(root, so, &snap, &set);
	pts = xmalloc((set.n ? set.n : 1) * sizeof(*pts));
	for (size_t i = 0; i < set.n; i++) {
		bool dup = false;

		r = store_series(st, set.v[i].kind, set.v[i].name,
				 set.v[i].reclaim, set.v[i].owner,
				 &pts[n].series);
		if (r < 0)
			goto out;
		/* two rows with one name (a tag truncated to the same
		 * prefix): keep the first, a sample has one value a series */
		for (size_t k = 0; k < n && !dup; k++)
			dup = pts[k].series == pts[n].series;
		if (!dup)
			pts[n++].value = set.v[i].value;
	}
	/* honest: asked for and not available, every sample */
	if (fails && fails->bpf)
		series_set_fail(&set, "bpf", fails->bpf);
	if (fails && fails->owners)
		series_set_fail(&set, "owners", fails->owners);
	r = store_append(st, t_ms, pts, n, set.failed);
	if (r == 0)
		*ret_points = n;
out:
	series_set_release(&set);
	snapshot_release(&snap);
	return r;
}
