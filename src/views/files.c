/* The files view: page cache per file (RAMMap's File Summary).
 *
 * With paths, walks them (src/model/files.c: one filesystem, no symlinks,
 * vanishing files tolerated); without, takes the files processes map or
 * hold open plus every tmpfs file. Each file's cached, dirty, writeback,
 * evicted and recently evicted pages come from cachestat(2), or
 * mincore(2) where the kernel lacks it. The page cache has no file to
 * capture, so this view works on the live system only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "../model/files.h"
#include "files.h"

enum ff {
	FF_SIZE,
	FF_CACHED,
	FF_DIRTY,
	FF_WRITEBACK,
	FF_EVICTED,
	FF_RECENT,
	_FF_MAX,
};

static const struct {
	const char *header, *key, *sort;
} ff_cols[_FF_MAX] = {
    [FF_SIZE] = {"SIZE", "size", "size"},
    [FF_CACHED] = {"CACHED", "cached", "cached"},
    [FF_DIRTY] = {"DIRTY", "dirty", "dirty"},
    [FF_WRITEBACK] = {"WRITEBACK", "writeback", "writeback"},
    [FF_EVICTED] = {"EVICTED", "evicted", "evicted"},
    [FF_RECENT] = {"RECENT", "recently_evicted", "recent"},
};

#define SORT_PATH _FF_MAX

struct sort_by {
	int key;
	bool reverse;
};

int files_sort_key(const char *s)
{
	for (int i = 0; i < _FF_MAX; i++)
		if (streq(s, ff_cols[i].sort) || streq(s, ff_cols[i].key))
			return i;
	if (streq(s, "path"))
		return SORT_PATH;
	return -1;
}

static uint64_t pages_bytes(uint64_t pages)
{
	return val_has(pages) ? pages * pagecache_page_size() : VAL_ABSENT;
}

static uint64_t entry_val(const struct file_entry *e, int f)
{
	switch (f) {
	case FF_SIZE:
		return e->size;
	case FF_CACHED:
		return pages_bytes(e->st.cached);
	case FF_DIRTY:
		return pages_bytes(e->st.dirty);
	case FF_WRITEBACK:
		return pages_bytes(e->st.writeback);
	case FF_EVICTED:
		return pages_bytes(e->st.evicted);
	case FF_RECENT:
		return pages_bytes(e->st.recently_evicted);
	}
	return VAL_ABSENT;
}

static uint64_t round_pages(uint64_t size)
{
	uint64_t ps = pagecache_page_size();

	return (size + ps - 1) / ps * ps;
}

static int entry_cmp(const void *a, const void *b, void *arg)
{
	const struct file_entry *x = a, *y = b;
	const struct sort_by *s = arg;
	int c;

	if (s->key == SORT_PATH) {
		c = strcmp(x->path, y->path);
	} else {
		uint64_t u = entry_val(x, s->key), v = entry_val(y, s->key);

		if (val_has(u) != val_has(v))
			return val_has(u) ? -1 : 1;
		c = u > v ? -1 : u < v ? 1 : 0;
	}
	if (s->reverse)
		c = -c;
	return c ? c : strcmp(x->path, y->path);
}

/* "bash(1206),python3(77)+5": who maps or holds the file open. */
static char *holders_text(struct root *root, const struct file_entry *e)
{
	char buf[512] = "";
	size_t len = 0, n = e->nholders < FILE_HOLDERS_MAX ? e->nholders
							   : FILE_HOLDERS_MAX;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *comm = NULL;
		char path[64];
		size_t clen = 0;
		int k;

		snprintf(path, sizeof(path), "proc/%d/comm", e->holders[i]);
		if (root_read(root, path, &comm, &clen) < 0)
			comm = xstrdup("?");
		else
			comm[strcspn(comm, "\n")] = '\0';
		k = snprintf(buf + len, sizeof(buf) - len, "%s%s(%d)",
			     i ? "," : "", comm, e->holders[i]);
		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			break;
		len += (size_t)k;
	}
	if (e->nholders > n && len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "+%zu", e->nholders - n);
	return xstrdup(buf);
}

static void swap_entries(struct file_entry *a, struct file_entry *b)
{
	struct file_entry tmp = *a;

	*a = *b;
	*b = tmp;
}

/* Move the k first (by entry_cmp) of v[0..n) to the front, unordered:
 * quickselect (Lomuto partition), so a top-N of many files does not sort
 * them all. Invariant: v[0..lo) all belong to the first k, v[hi..n) none;
 * every round places one pivot and shrinks [lo, hi). */
static void select_top(struct file_entry *v, size_t n, size_t k,
		       struct sort_by *by)
{
	size_t lo = 0, hi = n;

	while (lo < k && hi > k && hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, store = lo;

		swap_entries(&v[mid], &v[hi - 1]);
		for (size_t i = lo; i + 1 < hi; i++)
			if (entry_cmp(&v[i], &v[hi - 1], by) < 0)
				swap_entries(&v[i], &v[store++]);
		swap_entries(&v[store], &v[hi - 1]);
		if (store >= k)
			hi = store;
		else
			lo = store + 1;
	}
}

static struct table *rows_table_new(bool held)
{
	struct table *t = table_new(NULL);
	size_t c;

	for (int k = 0; k < _FF_MAX; k++) {
		table_add_col(t, ff_cols[k].header, ff_cols[k].key, COL_BYTES);
		if (k == FF_CACHED) {
			c = table_add_col(t, "%", "cached_pct", COL_PCT);
			table_col_flags(t, c, COLF_TEXT_ONLY);
		}
	}
	c = table_add_col(t, "METHOD", "method", COL_STR);
	table_col_flags(t, c, COLF_JSON_ONLY);
	if (held)
		table_add_col(t, "HOLDERS", "holders", COL_STR);
	table_add_col(t, "PATH", "path", COL_STR);
	return t;
}

/* One file's row, or (e NULL) the text-only total of all n files. */
static void rows_table_add(struct table *t, struct root *root,
			   const struct file_entry *e, const uint64_t *tot,
			   uint64_t tot_rounded, size_t n, bool held)
{
	size_t row = table_add_row(t), col = 0;

	if (!e) {
		table_row_total(t, row);
		table_row_text_only(t, row);
	}
	for (int k = 0; k < _FF_MAX; k++) {
		uint64_t v = e ? entry_val(e, k) : tot[k];

		table_set_u64(t, row, col++, v);
		if (k == FF_CACHED) {
			/* of the size rounded up to whole pages, as the
			 * cache holds whole pages */
			uint64_t size = e ? round_pages(e->size) : tot_rounded;

			if (size && val_has(v))
				table_set_double(t, row, col,
						 100.0 * (double)v /
						     (double)size);
			col++;
		}
	}
	if (e)
		table_set_str(t, row, col, pagecache_method_name(e->st.method));
	col++;
	if (held) {
		_cleanup_free_ char *h = e ? holders_text(root, e) : NULL;

		table_set_str(t, row, col++, h ? h : "");
	}
	if (e) {
		table_set_str(t, row, col, e->path);
	} else {
		_cleanup_free_ char *label =
		    xasprintf("total (%zu file%s)", n, n == 1 ? "" : "s");

		table_set_str(t, row, col, label);
	}
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void add_notes(struct table *t, const struct files *fs, size_t shown,
		      bool walked)
{
	if (shown < fs->n)
		table_add_note(t,
			       "Showing %zu of %zu files; the total counts "
			       "them all.",
			       shown, fs->n);
	if (fs->n == 0)
		table_add_note(t, "No regular file measured.");
	if (fs->n_mincore)
		table_add_note(t,
			       "%llu file%s measured with mincore(2) "
			       "(cachestat(2) unavailable or refused): "
			       "only CACHED is known for %s.",
			       (unsigned long long)fs->n_mincore,
			       plural(fs->n_mincore),
			       fs->n_mincore == 1 ? "it" : "them");
	if (fs->n_denied)
		table_add_note(
		    t,
		    "%llu file%s (or process file lists) could "
		    "not be opened and %s not counted (first: "
		    "%s: %s)%s.",
		    (unsigned long long)fs->n_denied, plural(fs->n_denied),
		    fs->n_denied == 1 ? "is" : "are", fs->first_denied,
		    strerror(-fs->first_denied_err),
		    geteuid() == 0 ? "" : "; run as root to see all");
	if (fs->n_hidden)
		table_add_note(t,
			       "%llu file%s not measured: cachestat(2) "
			       "refused and mincore(2) shows every page of a "
			       "file you neither own nor may write as "
			       "resident; run as root.",
			       (unsigned long long)fs->n_hidden,
			       plural(fs->n_hidden));
	if (fs->n_vanished)
		table_add_note(t, "%llu file%s vanished during the scan.",
			       (unsigned long long)fs->n_vanished,
			       plural(fs->n_vanished));
	if (fs->n_other_fs && walked)
		table_add_note(t,
			       "%llu mount point%s not entered (other "
			       "filesystems; --cross-mounts enters them).",
			       (unsigned long long)fs->n_other_fs,
			       plural(fs->n_other_fs));
	if (fs->n_errors)
		table_add_note(t, "%llu file%s could not be measured.",
			       (unsigned long long)fs->n_errors,
			       plural(fs->n_errors));
}

/* The measured files to a document: the first top sorted, the total of
 * them all. */
static struct doc *fill(struct root *root, const struct files_opts *o,
			struct files *fs)
{
	struct sort_by by = {o->sort, o->reverse};
	uint64_t tot[_FF_MAX] = {0}, tot_rounded = 0;
	bool held = o->npaths == 0;
	struct doc *d = doc_new();
	struct table *t = rows_table_new(held);
	struct doc *s;
	size_t shown = o->top && o->top < fs->n ? o->top : fs->n;

	if (shown < fs->n)
		select_top(fs->v, fs->n, shown, &by);
	if (shown > 1)
		qsort_r(fs->v, shown, sizeof(*fs->v), entry_cmp, &by);
	for (size_t i = 0; i < fs->n; i++) {
		tot_rounded += round_pages(fs->v[i].size);
		for (int k = 0; k < _FF_MAX; k++) {
			uint64_t v = entry_val(&fs->v[i], k);

			tot[k] = val_has(v) && val_has(tot[k]) ? tot[k] + v
							       : VAL_ABSENT;
		}
	}
	for (size_t i = 0; i < shown; i++)
		rows_table_add(t, root, &fs->v[i], tot, tot_rounded, fs->n,
			       held);
	if (fs->n)
		rows_table_add(t, root, NULL, tot, tot_rounded, fs->n, held);
	add_notes(t, fs, shown, !held);
	doc_add_table(d, "rows", t);
	s = doc_add_section(d, "totals");
	doc_add_count(s, "files", NULL, fs->n);
	for (int k = 0; k < _FF_MAX; k++)
		doc_add_bytes(s, ff_cols[k].key, NULL, tot[k]);
	doc_add_notes(d, "notes");
	return d;
}

static void files_progress(size_t n, void *userdata)
{
	const struct files_opts *o = userdata;

	o->progress(o->userdata, "files measured", n, 0);
}

/* Measure the held files, or walk the paths, into fs. */
static int collect(struct files *fs, const struct files_opts *o,
		   struct view_err *err)
{
	int r;

	if (o->npaths == 0) {
		r = files_add_held(fs);
		if (r < 0)
			return view_fail(err, r, "cannot read '/proc': %s",
					 strerror(-r));
		return 0;
	}
	for (size_t i = 0; i < o->npaths; i++) {
		r = files_add_path(fs, o->paths[i]);
		if (r == -EINVAL)
			return view_fail(err, r,
					 "cannot measure '%s': not a regular "
					 "file or directory",
					 o->paths[i]);
		if (r < 0)
			return view_fail(err, r, "cannot open '%s': %s",
					 o->paths[i], strerror(-r));
	}
	return 0;
}

int view_files(struct root *root, const struct files_opts *o, struct doc **ret,
	       struct view_err *err)
{
	struct files fs;
	int r;

	if (!root_is_live(root))
		return view_fail(err, -EOPNOTSUPP,
				 "'files' is unavailable on a captured tree or "
				 "snapshot: it reads the live page cache");
	files_init(&fs);
	fs.cross_mounts = o->cross_mounts;
	if (o->progress) {
		fs.progress = files_progress;
		fs.userdata = (void *)o;
	}
	r = collect(&fs, o, err);
	if (r == 0)
		*ret = fill(root, o, &fs);
	files_release(&fs);
	return r;
}
