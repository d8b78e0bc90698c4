/* The file view: one file's page cache residency map (RAMMap's File
 * Details).
 *
 * The whole-file counts come from cachestat(2) (mincore(2) where the
 * kernel lacks it); the picture splits the file into equal cells and asks
 * each cell's counts; the runs of cached and of dirty pages are found by
 * bisection (src/sources/pagecache.c), so their cost follows the number of
 * runs, not the size of the file. Live system only. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../basic/xalloc.h"
#include "../sources/pagecache.h"
#include "file.h"

/* What was measured. */
struct measure {
	uint64_t size, npages, cell; /* cell: pages per map cell */
	struct pagecache_stat st;
	char *map;
	struct pagecache_run *runs[2]; /* cached, dirty */
	size_t nruns[2];
	bool more[2];	      /* more runs than listed */
	bool have_dirty_runs; /* cachestat(2): dirty runs known */
};

static void measure_release(struct measure *m)
{
	free(m->map);
	free(m->runs[0]);
	free(m->runs[1]);
}

static uint64_t to_bytes(uint64_t pages)
{
	return val_has(pages) ? pages * pagecache_page_size() : VAL_ABSENT;
}

/* One character per cell; *ret_cell gets the cell size in pages. */
static int draw_map(int fd, uint64_t size, size_t width, char **ret,
		    uint64_t *ret_cell)
{
	const uint64_t ps = pagecache_page_size();
	uint64_t npages = (size + ps - 1) / ps, cell;
	size_t cells;
	char *s;

	if (npages == 0) {
		*ret = xstrdup("");
		*ret_cell = 0;
		return 0;
	}
	cell = (npages + width - 1) / width;
	cells = (size_t)((npages + cell - 1) / cell);
	s = xmalloc(cells + 1);
	for (size_t i = 0; i < cells; i++) {
		struct pagecache_stat st;
		uint64_t first = i * cell;
		uint64_t n = npages - first < cell ? npages - first : cell;
		int r = pagecache_stat_range(fd, size, first, n, &st);

		if (r < 0) {
			free(s);
			return r;
		}
		if (val_has(st.dirty) && st.dirty > 0)
			s[i] = 'D';
		else if (st.cached >= n)
			s[i] = '#';
		else if (2 * st.cached > n)
			s[i] = '+';
		else if (st.cached > 0)
			s[i] = '-';
		else
			s[i] = '.';
	}
	s[cells] = '\0';
	*ret = s;
	*ret_cell = cell;
	return 0;
}

/* The counts, the map and the runs of the open file fd. */
static int measure_fd(int fd, uint64_t size, const struct file_opts *o,
		      struct measure *m)
{
	size_t max = o->max_runs ? o->max_runs : SIZE_MAX;
	int r;

	m->size = size;
	m->npages = (size + pagecache_page_size() - 1) / pagecache_page_size();
	r = pagecache_stat_range(fd, size, 0, 0, &m->st);
	if (r == 0)
		r = draw_map(fd, size, o->width, &m->map, &m->cell);
	if (r == 0)
		r = pagecache_runs(fd, size, false, max, &m->runs[0],
				   &m->nruns[0], &m->more[0]);
	if (r == 0 && m->st.method == PAGECACHE_CACHESTAT) {
		r = pagecache_runs(fd, size, true, max, &m->runs[1],
				   &m->nruns[1], &m->more[1]);
		m->have_dirty_runs = r == 0;
	}
	return r;
}

static int measure_path(const char *path, const struct file_opts *o,
			struct measure *m, struct view_err *err)
{
	struct stat sb;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return view_fail(err, -errno, "cannot open '%s': %s", path,
				 strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return view_fail(err, -EINVAL,
				 "cannot measure '%s': not a regular file",
				 path);
	}
	r = measure_fd(fd, (uint64_t)sb.st_size, o, m);
	close(fd);
	if (r == -EPERM)
		return view_fail(err, r,
				 "cannot measure '%s': cachestat(2) refused "
				 "and mincore(2) would show every page as "
				 "resident (not your file); run as root",
				 path);
	if (r < 0)
		return view_fail(err, r, "cannot measure '%s': %s", path,
				 strerror(-r));
	return 0;
}

/* The whole-file figures: JSON values, and a text table. */
static void add_counts(struct doc *d, const struct file_opts *o,
		       const struct measure *m)
{
	const struct pagecache_stat *st = &m->st;
	struct table *t = table_new(NULL);
	size_t row;

	doc_add_line(d, NULL, "%s: %B, %llu pages, by %s", o->path, m->size,
		     (unsigned long long)m->npages,
		     pagecache_method_name(st->method));
	doc_add_str(d, "path", NULL, o->path);
	doc_add_bytes(d, "size", NULL, m->size);
	doc_add_count(d, "pages", NULL, m->npages);
	doc_add_bytes(d, "cached", NULL, to_bytes(st->cached));
	doc_add_bytes(d, "dirty", NULL, to_bytes(st->dirty));
	doc_add_bytes(d, "writeback", NULL, to_bytes(st->writeback));
	doc_add_bytes(d, "evicted", NULL, to_bytes(st->evicted));
	doc_add_bytes(d, "recently_evicted", NULL,
		      to_bytes(st->recently_evicted));
	doc_add_str(d, "method", NULL, pagecache_method_name(st->method));
	table_add_col(t, "CACHED", "cached", COL_BYTES);
	table_add_col(t, "%", "pct", COL_PCT);
	table_add_col(t, "DIRTY", "dirty", COL_BYTES);
	table_add_col(t, "WRITEBACK", "writeback", COL_BYTES);
	table_add_col(t, "EVICTED", "evicted", COL_BYTES);
	table_add_col(t, "RECENT", "recently_evicted", COL_BYTES);
	row = table_add_row(t);
	table_set_u64(t, row, 0, to_bytes(st->cached));
	if (m->size > 0)
		table_set_double(
		    t, row, 1, 100.0 * (double)st->cached / (double)m->npages);
	table_set_u64(t, row, 2, to_bytes(st->dirty));
	table_set_u64(t, row, 3, to_bytes(st->writeback));
	table_set_u64(t, row, 4, to_bytes(st->evicted));
	table_set_u64(t, row, 5, to_bytes(st->recently_evicted));
	if (st->method == PAGECACHE_MINCORE)
		table_add_note(t, "mincore(2) tells only residency: "
				  "DIRTY, WRITEBACK, EVICTED are n/a.");
	doc_add_table(d, NULL, t);
}

/* The map: JSON the string and cell size; text 64 cells a line. */
static void add_map(struct doc *d, const struct measure *m)
{
	uint64_t ps = pagecache_page_size();
	size_t len = strlen(m->map);

	doc_add_str(d, "map", NULL, m->map);
	doc_add_bytes(d, "map_cell_bytes", NULL, m->cell * ps);
	if (!m->cell)
		return;
	doc_add_line(d, NULL,
		     "Map: %zu cells of %B ('#' all cached, '+' over half, "
		     "'-' some, '.' none, 'D' dirty)",
		     len, m->cell * ps);
	for (size_t i = 0; i < len; i += 64)
		doc_add_line(d, NULL, "  %.64s", m->map + i);
}

static void add_runs(struct doc *d, const struct file_opts *o,
		     const struct measure *m)
{
	uint64_t ps = pagecache_page_size();
	struct table *t = table_new("Runs:");
	size_t c;

	table_add_col(t, "STATE", "state", COL_STR);
	table_add_col(t, "OFFSET", "offset", COL_BYTES);
	table_add_col(t, "LENGTH", "length", COL_BYTES);
	c = table_add_col(t, "PAGES", "pages", COL_COUNT);
	table_col_flags(t, c, COLF_TEXT_ONLY);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < m->nruns[k]; i++) {
			size_t row = table_add_row(t);

			table_set_str(t, row, 0, k ? "dirty" : "cached");
			table_set_u64(t, row, 1, m->runs[k][i].first * ps);
			table_set_u64(t, row, 2, m->runs[k][i].pages * ps);
			table_set_u64(t, row, 3, m->runs[k][i].pages);
		}
	if (m->more[0] || m->more[1])
		table_add_note(t,
			       "More runs than shown (--max-runs %lu); the "
			       "map above covers the whole file.",
			       o->max_runs);
	if (!m->have_dirty_runs)
		table_add_note(t, "Dirty runs: n/a (needs cachestat(2)).");
	/* text: "Runs:" and the table after a blank line, or a sentence */
	if (table_rows(t) == 0)
		table_json_only(t);
	doc_add_table(d, "runs", t);
	if (table_rows(t) == 0) {
		if (m->cell)
			doc_add_blank(d);
		doc_add_line(d, NULL, "No page of this file is cached.");
	}
	doc_add_bool(d, "runs_truncated", NULL, m->more[0] || m->more[1]);
}

int view_file(struct root *root, const struct file_opts *o, struct doc **ret,
	      struct view_err *err)
{
	struct measure m = {0};
	struct doc *d;
	int r;

	if (!root_is_live(root))
		return view_fail(err, -EOPNOTSUPP,
				 "'file' is unavailable on a captured tree or "
				 "snapshot: it reads the live page cache");
	r = measure_path(o->path, o, &m, err);
	if (r < 0) {
		measure_release(&m);
		return r;
	}
	d = doc_new();
	add_counts(d, o, &m);
	add_map(d, &m);
	add_runs(d, o, &m);
	measure_release(&m);
	*ret = d;
	return 0;
}
