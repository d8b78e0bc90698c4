/* A robust trend of one series: how fast it grows, how sure we are, since
 * when, and whether that is steady growth or a one-off jump.
 *
 * trend.c has the essay: Theil-Sen slopes over bucket medians, pairs that
 * straddle a detected step left out, a Mann-Kendall confidence, and the
 * net-growth check that keeps a sawtooth quiet. Pure arithmetic. */
#ifndef MEMTALLY_TREND_H
#define MEMTALLY_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trend {
	size_t n;	       /* points used (after bucketing) */
	double slope;	       /* units per second; 0 when n < 2 */
	double confidence;     /* 0..1 that the series really rises */
	double net;	       /* robust end level minus start level */
	double start, end;     /* robust levels at the window's ends */
	unsigned steps;	       /* one-off jumps found and set aside */
	int64_t growing_since; /* t of the last low point (same unit as t) */
	int64_t t0, t1;	       /* first and last time */
};

/* Fit v over t (n points, t ascending, in milliseconds); points where
 * absent[i] (or the whole array absent == NULL means none) are skipped.
 * Returns -EINVAL when fewer than 3 points remain. */
int trend_fit(const int64_t *t, const int64_t *v, const bool *absent, size_t n,
	      struct trend *ret);

struct trend_rules {
	double min_net;	       /* grew at least this much over the window */
	double min_rate;       /* units per hour */
	double min_confidence; /* e.g. 0.99 */
};

/* True when tr is growth worth naming: confident, steady (most of the
 * window's net growth is explained by the slope, not by jumps) and above
 * the floors in rules. */
bool trend_is_growth(const struct trend *tr, const struct trend_rules *rules);

/* The median of v[0..n) (v is reordered). n must be > 0. */
double trend_median(double *v, size_t n);

#endif
