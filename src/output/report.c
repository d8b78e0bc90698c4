/* The HTML report; see report.h.
 *
 * Drawing. A recording can hold 10,080 samples a week; a chart 1,000
 * pixels wide cannot show more than one point per pixel, so each chart
 * is drawn from at most 500 columns, each column the median of its
 * samples (a stray sample does not spike the chart; the same idea as
 * trend.c's buckets). The stacked chart draws one closed path per
 * category, from the top of the previous band to its own top, in the
 * fixed category order. `free` is left out of the stack (on an idle
 * machine it would flatten every other band to a line) and given in the
 * legend with MemTotal, so the stack is the memory in use. A negative
 * unaccounted remainder (counters read at slightly different moments) is
 * drawn as zero; the tables show it as measured.
 *
 * Everything is escaped: series names come from the kernel (slab cache
 * names) and the owner JSON, and must not break the markup. */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../basic/human.h"
#include "../basic/xalloc.h"
#include "report.h"
#include "../analysis/series.h"
#include "../analysis/trend.h"

#define COLS 500
#define CHART_W 1000
#define CHART_H 360
#define PAD_L 70
#define PAD_B 28
#define PAD_T 10

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Colours for the categories, in accounting order; free is pale. */
static const char *cat_color(const char *name, size_t k)
{
	static const struct {
		const char *name, *color;
	} fixed[] = {
	    {"free", "#e8edf3"},
	    {"anonymous", "#4e79a7"},
	    {"page_cache", "#59a14f"},
	    {"shmem", "#76b7b2"},
	    {"buffers", "#8cd17d"},
	    {"swap_cache", "#b6992d"},
	    {"slab_reclaimable", "#f1ce63"},
	    {"slab_unreclaimable", "#e15759"},
	    {"kernel_reclaimable_other", "#ffbe7d"},
	    {"kernel_stack", "#b07aa1"},
	    {"page_tables", "#d4a6c8"},
	    {"sec_page_tables", "#9d7660"},
	    {"vmalloc", "#f28e2b"},
	    {"percpu", "#d7b5a6"},
	    {"hugetlb", "#499894"},
	    {"unaccounted", "#79706e"},
	};
	static const char *const spare[] = {"#86bcb6", "#fabfd2", "#bab0ac",
					    "#a0cbe8", "#ff9d9a"};

	for (size_t i = 0; i < ELEMENTSOF(fixed); i++)
		if (streq(fixed[i].name, name))
			return fixed[i].color;
	return spare[k % ELEMENTSOF(spare)];
}

/* Column c's value of series i: the median of its samples (absent ones
 * skipped); NAN when the column has none. */
static double column_value(const struct store_data *d, size_t i, size_t c,
			   size_t ncols, double *tmp)
{
	size_t from = c * d->n_times / ncols, to = (c + 1) * d->n_times / ncols;
	size_t k = 0;

	if (to <= from)
		to = from + 1;
	for (size_t j = from; j < to && j < d->n_times; j++)
		if (store_value(d, i, j) != STORE_ABSENT)
			tmp[k++] = (double)store_value(d, i, j);
	return k ? trend_median(tmp, k) : NAN;
}

static double column_time(const struct store_data *d, size_t c, size_t ncols)
{
	size_t from = c * d->n_times / ncols, to = (c + 1) * d->n_times / ncols;

	if (to <= from)
		to = from + 1;
	if (to > d->n_times)
		to = d->n_times;
	return ((double)d->t_ms[from] + (double)d->t_ms[to - 1]) / 2000.0;
}

static void fmt_time(double t, double span, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (span > 2 * 86400)
		strftime(buf, n, "%m-%d %H:%M", &tm);
	else if (span > 600)
		strftime(buf, n, "%H:%M", &tm);
	else
		strftime(buf, n, "%H:%M:%S", &tm);
}

/* Axes with a few ticks: y from 0 (or lo) to hi bytes, x over [t0, t1]. */
static void axes(FILE *f, double lo, double hi, double t0, double t1, int w,
		 int h, int xticks)
{
	char buf[32];
	int pw = w - PAD_L - 10, ph = h - PAD_B - PAD_T;

	for (int k = 0; k <= 4; k++) {
		double v = lo + (hi - lo) * k / 4;
		double y = PAD_T + ph - ph * k / 4.0;

		fprintf(f,
			"<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
			"y2=\"%.1f\"/>",
			PAD_L, PAD_L + pw, y, y);
		human_bytes(v > 0 ? (uint64_t)v : 0, buf, sizeof(buf));
		fprintf(f,
			"<text class=\"tick\" x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">%s</text>",
			PAD_L - 6, y + 4, buf);
	}
	for (int k = 0; k <= xticks; k++) {
		double t = t0 + (t1 - t0) * k / xticks;
		double x = PAD_L + pw * k / (double)xticks;

		fmt_time(t, t1 - t0, buf, sizeof(buf));
		fprintf(f,
			"<text class=\"tick\" x=\"%.1f\" y=\"%d\" "
			"text-anchor=\"%s\">%s</text>",
			x, h - 8,
			k == 0	      ? "start"
			: k == xticks ? "end"
				      : "middle",
			buf);
	}
}

static void usage_chart(FILE *f, const struct store_data *d)
{
	size_t ncols = d->n_times < COLS ? d->n_times : COLS;
	size_t cats[64], nc = 0, frees[8], nf = 0, drawn;
	_cleanup_free_ double *tmp = NULL, *base = NULL, *vals = NULL;
	double hi = 0, t0, t1;
	int pw = CHART_W - PAD_L - 10, ph = CHART_H - PAD_B - PAD_T;
	ssize_t total_i = store_data_find(d, "meminfo", "total");

	if (total_i >= 0 &&
	    (!d->n_times ||
	     store_value(d, (size_t)total_i, d->n_times - 1) == STORE_ABSENT))
		total_i = -1;

	for (size_t i = 0; i < d->n_series && nc < ELEMENTSOF(cats); i++) {
		if (!streq(d->series[i].kind, "category"))
			continue;
		/* free memory (free, free_percpu) is not drawn: the stack
		 * is the memory in use */
		if ((streq(d->series[i].name, "free") ||
		     (d->series[i].reclaim &&
		      streq(d->series[i].reclaim, "free"))) &&
		    nf < ELEMENTSOF(frees))
			frees[nf++] = i;
		else
			cats[nc++] = i;
	}
	if (ncols < 2 || nc == 0) {
		fputs("<p class=\"na\">n/a: fewer than two samples with usage "
		      "categories.</p>\n",
		      f);
		return;
	}
	tmp = xmalloc((d->n_times / ncols + 2) * sizeof(*tmp));
	base = xcalloc(ncols, sizeof(*base));
	vals = xmalloc(nc * ncols * sizeof(*vals));
	for (size_t k = 0; k < nc; k++)
		for (size_t c = 0; c < ncols; c++) {
			double v = column_value(d, cats[k], c, ncols, tmp);

			vals[k * ncols + c] = isnan(v) || v < 0 ? 0 : v;
		}
	for (size_t c = 0; c < ncols; c++) {
		double s = 0;

		for (size_t k = 0; k < nc; k++)
			s += vals[k * ncols + c];
		hi = s > hi ? s : hi;
	}
	/* a little headroom above the highest stack */
	hi = hi > 0 ? hi * 1.05 : 1;
	t0 = column_time(d, 0, ncols);
	t1 = column_time(d, ncols - 1, ncols);
	if (t1 <= t0)
		t1 = t0 + 1;

	fprintf(f,
		"<svg id=\"usage-chart\" class=\"chart\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\">"
		"<title>memory in use by category over time, stacked</title>",
		CHART_W, CHART_H, CHART_W, CHART_H);
	axes(f, 0, hi, t0, t1, CHART_W, CHART_H, 5);
	for (size_t k = 0; k < nc; k++) {
		const char *name = d->series[cats[k]].name;

		fprintf(f, "<path class=\"area\" data-series=\"");
		esc(f, name);
		fprintf(f, "\" fill=\"%s\" d=\"", cat_color(name, k));
		/* upper edge left to right, then the lower edge back */
		for (size_t c = 0; c < ncols; c++) {
			double x = PAD_L + pw *
					       (column_time(d, c, ncols) - t0) /
					       (t1 - t0);
			double y = PAD_T + ph -
				   ph * (base[c] + vals[k * ncols + c]) / hi;

			fprintf(f, "%s%.1f,%.1f", c ? "L" : "M", x, y);
		}
		for (size_t c = ncols; c-- > 0;) {
			double x = PAD_L + pw *
					       (column_time(d, c, ncols) - t0) /
					       (t1 - t0);
			double y = PAD_T + ph - ph * base[c] / hi;

			fprintf(f, "L%.1f,%.1f", x, y);
		}
		fputs("Z\"><title>", f);
		esc(f, name);
		fputs("</title></path>", f);
		for (size_t c = 0; c < ncols; c++)
			base[c] += vals[k * ncols + c];
	}
	fputs("</svg>\n<div class=\"legend\">", f);
	drawn = nc;
	for (size_t k = 0; k < nf && nc < ELEMENTSOF(cats); k++)
		cats[nc++] = frees[nf - 1 - k];
	for (size_t k = nc; k-- > 0;) {
		const char *name = d->series[cats[k]].name;
		int64_t last = STORE_ABSENT;
		char buf[32];

		for (size_t j = d->n_times; j-- > 0 && last == STORE_ABSENT;)
			last = store_value(d, cats[k], j);
		fprintf(f, "<span><i style=\"background:%s\"></i>",
			cat_color(name, k));
		esc(f, name);
		if (last != STORE_ABSENT)
			fprintf(f, " <b>%s</b>",
				last < 0
				    ? human_bytes_signed(last, buf, sizeof(buf))
				    : human_bytes((uint64_t)last, buf,
						  sizeof(buf)));
		if (k >= drawn)
			fputs(" (not drawn)", f);
		fputs("</span>", f);
	}
	fputs("</div>\n", f);
	if (total_i >= 0) {
		char buf[32];

		fprintf(f,
			"<p class=\"meta\">Memory in use, by usage category "
			"(MemTotal %s; the categories and free sum to "
			"it).</p>\n",
			human_bytes((uint64_t)store_value(d, (size_t)total_i,
							  d->n_times - 1),
				    buf, sizeof(buf)));
	}
}

/* A grower's line: red for what only freeing gives back, green for what
 * the kernel reclaims, amber for a cgroup's mixed or unknown growth. */
static const char *kind_color(enum leak_kind k)
{
	switch (k) {
	case LEAK_UNRECLAIMABLE:
		return "#e15759";
	case LEAK_RECLAIMABLE:
		return "#59a14f";
	case LEAK_MIXED:
	case LEAK_UNKNOWN:
		break;
	}
	return "#f28e2b";
}

static void grower_chart(FILE *f, const struct store_data *d, size_t i,
			 const struct leak_finding *lf)
{
	size_t ncols = d->n_times < COLS / 2 ? d->n_times : COLS / 2;
	_cleanup_free_ double *tmp = NULL;
	double lo = INFINITY, hi = -INFINITY, t0, t1;
	const int w = 480, h = 200;
	int pw = w - PAD_L - 10, ph = h - PAD_B - PAD_T;
	char name[256], rate[32];
	bool first = true;

	if (ncols < 2)
		return;
	tmp = xmalloc((d->n_times / ncols + 2) * sizeof(*tmp));
	for (size_t c = 0; c < ncols; c++) {
		double v = column_value(d, i, c, ncols, tmp);

		if (isnan(v))
			continue;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	if (!isfinite(lo))
		return;
	if (hi - lo < 1)
		hi = lo + 1;
	t0 = column_time(d, 0, ncols);
	t1 = column_time(d, ncols - 1, ncols);
	if (t1 <= t0)
		t1 = t0 + 1;
	leaks_series_name(d, i, name, sizeof(name));
	human_bytes_signed((int64_t)llround(lf->bytes_per_hour), rate,
			   sizeof(rate));
	fputs("<figure class=\"grower-fig\"><figcaption>", f);
	esc(f, name);
	fprintf(f, " <b>%s/h</b> (%s)</figcaption>", rate,
		leak_kind_name(lf->kind));
	fprintf(f,
		"<svg class=\"grower chart\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" "
		"height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">",
		w, h, w, h);
	axes(f, lo, hi, t0, t1, w, h, 2);
	fprintf(f, "<path class=\"line\" fill=\"none\" stroke=\"%s\" d=\"",
		kind_color(lf->kind));
	for (size_t c = 0; c < ncols; c++) {
		double v = column_value(d, i, c, ncols, tmp), x, y;

		if (isnan(v))
			continue;
		x = PAD_L + pw * (column_time(d, c, ncols) - t0) / (t1 - t0);
		y = PAD_T + ph - ph * (v - lo) / (hi - lo);
		fprintf(f, "%s%.1f,%.1f", first ? "M" : "L", x, y);
		first = false;
	}
	fputs("\"/>", f);
	/* the fitted rate, dashed, through the robust end level (the median
	 * of the last tenth, so it sits about 5% before the end) */
	{
		double ta = (double)lf->tr.t0 / 1000.0,
		       tb = (double)lf->tr.t1 / 1000.0;
		double yb = lf->tr.end + lf->tr.slope * 0.05 * (tb - ta),
		       ya = yb - lf->tr.slope * (tb - ta);
		double xa = PAD_L + pw * (ta - t0) / (t1 - t0);
		double xb = PAD_L + pw * (tb - t0) / (t1 - t0);

		fprintf(f,
			"<line class=\"trend\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\"/>",
			xa, PAD_T + ph - ph * (ya - lo) / (hi - lo), xb,
			PAD_T + ph - ph * (yb - lo) / (hi - lo));
	}
	fputs("</svg></figure>\n", f);
}

/* A size without a sign unless it is negative. */
static char *plain_bytes(int64_t v, char *buf, size_t n)
{
	return v < 0 ? human_bytes_signed(v, buf, n)
		     : human_bytes((uint64_t)v, buf, n);
}

struct pool_row {
	size_t i;
	int64_t start, end;
};

static int cmp_pool_end(const void *a, const void *b)
{
	const struct pool_row *x = a, *y = b;
	int64_t ex = x->end == STORE_ABSENT ? x->start : x->end;
	int64_t ey = y->end == STORE_ABSENT ? y->start : y->end;

	return (ex < ey) - (ex > ey);
}

static void pools_table(FILE *f, const struct store_data *d)
{
	_cleanup_free_ struct pool_row *rows = NULL;
	size_t n = 0;

	rows = xmalloc((d->n_series ? d->n_series : 1) * sizeof(*rows));
	for (size_t i = 0; i < d->n_series; i++) {
		int64_t s = STORE_ABSENT, e = STORE_ABSENT;

		if (!streq(d->series[i].kind, "pool"))
			continue;
		/* the first and the last sample: a tag that was not among
		 * the recorded top ones then is n/a, not its first value */
		if (d->n_times) {
			s = store_value(d, i, 0);
			e = store_value(d, i, d->n_times - 1);
		}
		rows[n++] = (struct pool_row){i, s, e};
	}
	fputs("<table id=\"pools\"><thead><tr><th>pool tag</th><th>type</th>"
	      "<th>start</th><th>end</th><th>change</th></tr></thead><tbody>",
	      f);
	if (n == 0)
		fputs("<tr><td colspan=\"5\" class=\"na\">n/a: no pool tags in "
		      "this recording (they need a memtally with the pools "
		      "sources, and root for /proc/slabinfo)</td></tr>",
		      f);
	qsort(rows, n, sizeof(*rows), cmp_pool_end);
	for (size_t k = 0; k < n && k < 25; k++) {
		char a[32], b[32], c[32];

		fputs("<tr><td>", f);
		esc(f, d->series[rows[k].i].name);
		fputs("</td><td>", f);
		esc(f,
		    d->series[rows[k].i].reclaim &&
			    streq(d->series[rows[k].i].reclaim, "reclaimable")
			? "reclaimable"
			: "unreclaimable");
		fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			rows[k].start == STORE_ABSENT
			    ? "n/a"
			    : plain_bytes(rows[k].start, a, sizeof(a)),
			rows[k].end == STORE_ABSENT
			    ? "n/a"
			    : plain_bytes(rows[k].end, b, sizeof(b)),
			rows[k].start == STORE_ABSENT ||
				rows[k].end == STORE_ABSENT
			    ? "n/a"
			    : human_bytes_signed(rows[k].end - rows[k].start, c,
						 sizeof(c)));
	}
	fputs("</tbody></table>\n", f);
}

static void fmt_dur(double s, char *buf, size_t n)
{
	if (s < 120)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 7200)
		snprintf(buf, n, "%.0f min", s / 60);
	else if (s < 172800)
		snprintf(buf, n, "%.1f h", s / 3600);
	else
		snprintf(buf, n, "%.1f days", s / 86400);
}

/* Who holds finding k's growth, when an owner series says: "pid 4711
 * (collector) in /system.slice/collector.service holds pipe buffers,
 * +4.0 MiB/s", on a line of its own in the owner cell. */
static void holder_sentence(FILE *f, const struct store_data *d,
			    const struct leaks_result *lr, size_t k)
{
	ssize_t h = leaks_holder(d, lr, k);
	char buf[600];

	if (h < 0)
		return;
	series_owner_sentence(d->series[lr->v[h].series].owner,
			      lr->v[h].bytes_per_hour / 3600, buf, sizeof(buf));
	if (!buf[0])
		return;
	fputs("<br><b>", f);
	esc(f, buf);
	fputs("</b>", f);
}

static void leaks_table(FILE *f, const struct store_data *d,
			const struct leaks_result *lr)
{
	fputs("<table id=\"leaks\"><thead><tr><th>series</th><th>kind</th>"
	      "<th>rate per hour</th><th>start</th><th>end</th>"
	      "<th>confidence</th><th>growing for</th><th>runs out in</th>"
	      "<th>owner</th></tr></thead><tbody>",
	      f);
	if (lr->n == 0)
		fprintf(f,
			"<tr><td colspan=\"9\" class=\"quiet\">No leaks: "
			"nothing grew steadily (%zu series "
			"analysed).</td></tr>",
			lr->n_analysed);
	for (size_t k = 0; k < lr->n; k++) {
		const struct leak_finding *lf = &lr->v[k];
		const struct store_series_info *si = &d->series[lf->series];
		char name[256], a[32], b[32], c[32], g[32], x[32];
		json_object *o = series_owner_object(si->owner, NULL);
		json_object *v;

		leaks_series_name(d, lf->series, name, sizeof(name));
		fmt_dur((double)(lf->tr.t1 - lf->tr.growing_since) / 1000.0, g,
			sizeof(g));
		if (isnan(lf->exhaustion_s))
			snprintf(x, sizeof(x), "n/a");
		else
			fmt_dur(lf->exhaustion_s, x, sizeof(x));
		fprintf(f, "<tr class=\"%s\"><td>%s", leak_kind_name(lf->kind),
			lf->is_child ? "&nbsp;&nbsp;&#8627; " : "");
		esc(f, name);
		fprintf(f,
			"</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			"<td>%.2f%%</td><td>%s</td><td>",
			leak_kind_name(lf->kind),
			human_bytes_signed((int64_t)llround(lf->bytes_per_hour),
					   a, sizeof(a)),
			plain_bytes(lf->start_bytes, b, sizeof(b)),
			plain_bytes(lf->end_bytes, c, sizeof(c)),
			lf->tr.confidence * 100, g);
		esc(f, x);
		if (isnan(lf->exhaustion_s) && lf->exhaustion_why) {
			fputs(" (", f);
			esc(f, lf->exhaustion_why);
			fputs(")", f);
		}
		fputs("</td><td>", f);
		if (o && json_object_object_get_ex(o, "from", &v)) {
			esc(f, json_object_get_string(v));
		}
		if (o && json_object_object_get_ex(o, "module", &v) &&
		    json_object_get_string(v)) {
			fputs(" module ", f);
			esc(f, json_object_get_string(v));
		}
		for (size_t ch = 0; ch < lf->n_children; ch++) {
			leaks_series_name(d, lr->v[lf->children[ch]].series,
					  name, sizeof(name));
			fputs(" &#8594; ", f);
			esc(f, name);
		}
		holder_sentence(f, d, lr, k);
		fputs("</td></tr>", f);
		json_object_put(o);
	}
	fputs("</tbody></table>\n", f);
}

static void failures(FILE *f, const struct store_data *d)
{
	size_t n = 0;

	for (size_t j = 0; j < d->n_times; j++)
		n += d->failed[j] != NULL;
	if (!n) {
		fputs("<p>Every source was read in every sample.</p>\n", f);
		return;
	}
	fprintf(f,
		"<p>%zu of %zu samples had a source that could not be read; "
		"the last reason:</p><pre>",
		n, d->n_times);
	for (size_t j = d->n_times; j-- > 0;)
		if (d->failed[j]) {
			esc(f, d->failed[j]);
			break;
		}
	fputs("</pre>\n", f);
}

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:24px auto;max-width:1060px;color:#1d2733;background:#fff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
    "border-bottom:1px solid #dde3ea;padding-bottom:4px}"
    ".meta{color:#5b6b7c}.chart{max-width:100%;height:auto;display:block}"
    ".grid{stroke:#e3e8ee;stroke-width:1}.tick{font-size:11px;fill:#5b6b7c}"
    ".area{stroke:#fff;stroke-width:.5}.line{stroke-width:2}"
    ".trend{stroke:#1d2733;stroke-dasharray:5 4;stroke-width:1.2}"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0 0 70px;"
    "font-size:12px}.legend i{display:inline-block;width:11px;height:11px;"
    "margin-right:5px;vertical-align:-1px;border:1px solid #c9d1da}"
    ".growers{display:flex;flex-wrap:wrap;gap:12px}"
    ".grower-fig{margin:0;border:1px solid #e3e8ee;border-radius:6px;"
    "padding:8px}figcaption{font-size:13px;margin-bottom:4px}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{padding:4px 8px;border-bottom:1px solid #eef1f5;text-align:left}"
    "td:nth-child(n+2){white-space:nowrap}td:last-child{white-space:normal}"
    "th{background:#f5f7fa;font-weight:600}"
    "td:nth-child(n+3){font-variant-numeric:tabular-nums}"
    "tr.unreclaimable td:first-child{border-left:3px solid #e15759}"
    "tr.reclaimable td:first-child{border-left:3px solid #59a14f}"
    "tr.mixed td:first-child,tr.unknown td:first-child{border-left:3px "
    "solid #f28e2b}"
    ".na,.quiet{color:#5b6b7c;font-style:italic}"
    "pre{background:#f5f7fa;padding:8px;white-space:pre-wrap}";

int report_write(FILE *f, const struct store_data *d,
		 const struct leaks_result *lr, const struct report_meta *m)
{
	char from[64] = "n/a", to[64] = "n/a", span[32] = "n/a";
	size_t shown = 0;

	if (d->n_times) {
		time_t a = (time_t)(d->t_ms[0] / 1000),
		       b = (time_t)(d->t_ms[d->n_times - 1] / 1000);
		struct tm tm;

		gmtime_r(&a, &tm);
		strftime(from, sizeof(from), "%Y-%m-%d %H:%M:%S UTC", &tm);
		gmtime_r(&b, &tm);
		strftime(to, sizeof(to), "%Y-%m-%d %H:%M:%S UTC", &tm);
		fmt_dur((double)(d->t_ms[d->n_times - 1] - d->t_ms[0]) / 1000.0,
			span, sizeof(span));
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<title>memtally report: ",
	      f);
	esc(f, m->hostname ? m->hostname : m->db);
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	fputs("<h1>memtally report: ", f);
	esc(f, m->hostname ? m->hostname : "unknown host");
	fputs("</h1>\n<p class=\"meta\">", f);
	if (m->kernel) {
		fputs("Linux ", f);
		esc(f, m->kernel);
		fputs(" &middot; ", f);
	}
	fprintf(f, "%zu samples", d->n_times);
	if (m->interval) {
		fputs(" every ", f);
		esc(f, m->interval);
		fputs(" s", f);
	}
	fprintf(f, " &middot; %s to %s (%s) &middot; ", from, to, span);
	esc(f, m->db);
	fputs("</p>\n", f);

	fputs("<h2>Where the memory was</h2>\n", f);
	usage_chart(f, d);

	fputs("<h2>Top growers</h2>\n<div class=\"growers\">", f);
	for (size_t k = 0; k < lr->n && shown < 6; k++) {
		if (!lr->v[k].growing)
			continue;
		grower_chart(f, d, lr->v[k].series, &lr->v[k]);
		shown++;
	}
	if (!shown)
		fputs("<p class=\"quiet\">Nothing grew steadily.</p>", f);
	fputs("</div>\n<h2>Leak findings</h2>\n", f);
	leaks_table(f, d, lr);
	fputs("<h2>Pools at the start and the end</h2>\n", f);
	pools_table(f, d);
	fputs("<h2>Sources</h2>\n", f);
	failures(f, d);
	fputs("<p class=\"meta\">Drawn by memtally " MEMTALLY_VERSION
	      "; charts show the median of each column's samples.</p>\n"
	      "</body></html>\n",
	      f);
	return ferror(f) ? -EIO : 0;
}
