/* Robust trends; see trend.h.
 *
 * How fast does a series grow, and is it really growing?
 *
 * Least squares (what Prometheus' deriv() and predict_linear() fit) is the
 * obvious answer and the wrong one here: one sample read while a build
 * held 2 GiB of page cache, or one `echo 3 > drop_caches`, drags the line
 * anywhere. Memory series are full of such moments. So:
 *
 * 1. Buckets. A week at 60 s is 10,080 points. We cut the series into at
 *    most 256 buckets of consecutive samples and keep each bucket's
 *    median time and median value. The median throws away spikes inside
 *    a bucket (a burst that comes and goes between two samples) and
 *    bounds the work below: everything after this is on <= 256 points.
 *
 * 2. Steps. A one-off jump (a service started, a cache was dropped) is
 *    not a trend, but a trend estimator that pairs points across the jump
 *    sees it as one. We smooth the bucket values with a 3-point running
 *    median (which keeps steps and removes single outliers), look at the
 *    differences between neighbours, and call a difference a step when it
 *    is both far bigger than the typical difference (6 times the median
 *    absolute difference) and a real part of the series' range (a
 *    tenth of it). At most the three biggest steps are taken; they cut
 *    the series into segments.
 *
 * 3. Theil-Sen. The slope is the median of the slopes of every pair of
 *    points that lie in the same segment. The median of pairwise slopes
 *    shrugs off up to 29% of arbitrary outliers, and because pairs across
 *    a step are left out, a pure jump yields a slope of ~0 while a leak
 *    with a jump on top still reads at the leak's rate.
 *
 * 4. Confidence: the Mann-Kendall test over the same pairs. S is the
 *    number of rising pairs minus falling ones; under "no trend" S is
 *    near normal with variance sum n(n-1)(2n+5)/18 over the segments, and
 *    the confidence is the normal CDF of S / sqrt(var). Noise gives ~0.5,
 *    a steady rise over 30 points gives > 0.9999.
 *
 * 5. Net growth. A sawtooth (page cache filled and dropped again and
 *    again) rises steadily inside each tooth, so steps 2-4 see a
 *    confident slope. What it lacks is net growth: the median of the last
 *    tenth of the window is no higher than that of the first tenth.
 *    trend_is_growth() asks that the net growth be at least half of what
 *    the slope predicts over the window, so only growth that stays is
 *    named.
 *
 * "Growing since" is the time of the last low point of the smoothed
 * series: from there on it only went up. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "trend.h"

#define TREND_BUCKETS 256
#define TREND_MAX_STEPS 3

static void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* Hoare-style quickselect: v[k] ends as the k-th smallest. */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double pivot;

		/* median of three as the pivot */
		if (v[mid] < v[lo])
			swap_d(&v[mid], &v[lo]);
		if (v[hi] < v[lo])
			swap_d(&v[hi], &v[lo]);
		if (v[hi] < v[mid])
			swap_d(&v[hi], &v[mid]);
		pivot = v[mid];
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				swap_d(&v[i], &v[j]);
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

double trend_median(double *v, size_t n)
{
	double hi, lo;

	hi = select_kth(v, n, n / 2);
	if (n % 2)
		return hi;
	/* the largest of the lower half */
	lo = v[0];
	for (size_t i = 1; i < n / 2; i++)
		if (v[i] > lo)
			lo = v[i];
	return (lo + hi) / 2;
}

static double median3(double a, double b, double c)
{
	if (a > b)
		swap_d(&a, &b);
	if (b > c)
		swap_d(&b, &c);
	if (a > b)
		swap_d(&a, &b);
	return b;
}

/* Reduce m points (x seconds, y) to at most TREND_BUCKETS bucket medians
 * in place; returns the new count. */
static size_t bucketize(double *x, double *y, size_t m)
{
	_cleanup_free_ double *tmp = NULL;
	size_t nb;

	if (m <= TREND_BUCKETS)
		return m;
	nb = TREND_BUCKETS;
	tmp = xmalloc((m / nb + 2) * sizeof(*tmp));
	for (size_t b = 0; b < nb; b++) {
		size_t from = b * m / nb, to = (b + 1) * m / nb, k = to - from;
		double bx, by;

		memcpy(tmp, x + from, k * sizeof(*tmp));
		bx = trend_median(tmp, k);
		memcpy(tmp, y + from, k * sizeof(*tmp));
		by = trend_median(tmp, k);
		/* b <= from: writing slot b never clobbers unread input */
		x[b] = bx;
		y[b] = by;
	}
	return nb;
}

static int cmp_size_desc_by(const void *a, const void *b, void *arg)
{
	const double *d = arg;
	double x = fabs(d[*(const size_t *)a]), y = fabs(d[*(const size_t *)b]);

	return (x < y) - (x > y);
}

/* Find up to TREND_MAX_STEPS steps in the smoothed series f (n points):
 * seg[i] is the segment number of point i. Returns the number of steps. */
static unsigned find_steps(const double *f, size_t n, unsigned *seg)
{
	_cleanup_free_ double *d = NULL, *ad = NULL;
	_cleanup_free_ size_t *order = NULL;
	double typical, lo = f[0], hi = f[0];
	unsigned steps = 0;
	bool cut[TREND_BUCKETS + 1] = {false};

	for (size_t i = 0; i < n; i++)
		seg[i] = 0;
	if (n < 4)
		return 0;
	d = xmalloc((n - 1) * sizeof(*d));
	ad = xmalloc((n - 1) * sizeof(*ad));
	order = xmalloc((n - 1) * sizeof(*order));
	for (size_t i = 0; i + 1 < n; i++) {
		d[i] = f[i + 1] - f[i];
		ad[i] = fabs(d[i]);
		order[i] = i;
	}
	for (size_t i = 0; i < n; i++) {
		lo = f[i] < lo ? f[i] : lo;
		hi = f[i] > hi ? f[i] : hi;
	}
	typical = trend_median(ad, n - 1);
	qsort_r(order, n - 1, sizeof(*order), cmp_size_desc_by, d);
	for (size_t k = 0; k < n - 1 && steps < TREND_MAX_STEPS; k++) {
		double s = fabs(d[order[k]]);

		if (s <= 6 * typical || s < 0.1 * (hi - lo) || s == 0)
			break;
		if (order[k] < TREND_BUCKETS)
			cut[order[k]] = true;
		steps++;
	}
	for (size_t i = 1, sg = 0; i < n; i++) {
		if (i - 1 < TREND_BUCKETS && cut[i - 1])
			sg++;
		seg[i] = (unsigned)sg;
	}
	return steps;
}

/* The robust level of y over [from, to): the median. */
static double level(const double *y, size_t from, size_t to)
{
	double tmp[TREND_BUCKETS];
	size_t k = 0;

	for (size_t i = from; i < to && k < TREND_BUCKETS; i++)
		tmp[k++] = y[i];
	return trend_median(tmp, k);
}

int trend_fit(const int64_t *t, const int64_t *v, const bool *absent, size_t n,
	      struct trend *ret)
{
	_cleanup_free_ double *x = NULL, *y = NULL, *slopes = NULL;
	double f[TREND_BUCKETS];
	unsigned seg[TREND_BUCKETS];
	struct trend tr = {0};
	size_t m = 0, ns = 0, edge, lowest;
	double s = 0, var = 0, z;
	int64_t t0 = 0;

	x = xmalloc((n ? n : 1) * sizeof(*x));
	y = xmalloc((n ? n : 1) * sizeof(*y));
	for (size_t i = 0; i < n; i++) {
		if (absent && absent[i])
			continue;
		if (m == 0)
			t0 = t[i];
		x[m] = (double)(t[i] - t0) / 1000.0;
		y[m] = (double)v[i];
		if (m == 0)
			tr.t0 = t[i];
		tr.t1 = t[i];
		m++;
	}
	if (m < 3)
		return -EINVAL;
	m = bucketize(x, y, m);
	tr.n = m;

	/* smoothed copy for steps and the low point */
	for (size_t i = 0; i < m; i++)
		f[i] =
		    median3(y[i ? i - 1 : 0], y[i], y[i + 1 < m ? i + 1 : i]);
	tr.steps = find_steps(f, m, seg);

	slopes = xmalloc(m * (m - 1) / 2 * sizeof(*slopes));
	for (size_t i = 0; i < m; i++) {
		for (size_t j = i + 1; j < m; j++) {
			double dy = y[j] - y[i];

			if (seg[i] != seg[j])
				continue;
			s += (dy > 0) - (dy < 0);
			if (x[j] > x[i])
				slopes[ns++] = dy / (x[j] - x[i]);
		}
	}
	for (unsigned g = 0; g <= tr.steps; g++) {
		double k = 0;

		for (size_t i = 0; i < m; i++)
			k += seg[i] == g;
		var += k * (k - 1) * (2 * k + 5) / 18;
	}
	tr.slope = ns ? trend_median(slopes, ns) : 0;
	if (var > 0) {
		/* continuity correction: S moves in steps of 2 */
		z = (s - (s > 0 ? 1 : s < 0 ? -1 : 0)) / sqrt(var);
		tr.confidence = 0.5 * erfc(-z / M_SQRT2);
	} else {
		tr.confidence = 0.5;
	}

	edge = m / 10 < 3 ? (m < 3 ? m : 3) : m / 10;
	tr.start = level(y, 0, edge);
	tr.end = level(y, m - edge, m);
	tr.net = tr.end - tr.start;

	lowest = 0;
	for (size_t i = 1; i < m; i++)
		if (f[i] <= f[lowest])
			lowest = i;
	tr.growing_since = t0 + (int64_t)(x[lowest] * 1000.0);
	*ret = tr;
	return 0;
}

bool trend_is_growth(const struct trend *tr, const struct trend_rules *rules)
{
	double span = (double)(tr->t1 - tr->t0) / 1000.0;

	if (tr->n < 3 || tr->slope <= 0)
		return false;
	if (tr->slope * 3600 < rules->min_rate)
		return false;
	if (tr->confidence < rules->min_confidence)
		return false;
	if (tr->net < rules->min_net)
		return false;
	/* growth that stays: a sawtooth's net is far below its slope's */
	return tr->net >= 0.5 * tr->slope * span;
}
