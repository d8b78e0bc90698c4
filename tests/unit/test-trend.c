/* Unit tests for the robust trend and the leak finder on synthetic
 * series: a steady leak, noise only, a one-off jump, a leak with a jump,
 * outliers, a page-cache sawtooth, a week at 60 s; and the median. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/analysis/leaks.h"
#include "../../src/analysis/trend.h"

#define MIB (1024.0 * 1024.0)

static uint64_t rng = 88172645463325252ULL;

/* xorshift: reproducible noise */
static double noise(double amp)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return amp * ((double)(rng % 2000001) / 1000000.0 - 1.0);
}

struct series {
	int64_t t[20000];
	int64_t v[20000];
	size_t n;
};

static struct series *make(size_t n, double interval_s,
			   double (*f)(size_t i, double t))
{
	struct series *s = calloc(1, sizeof(*s));

	s->n = n;
	for (size_t i = 0; i < n; i++) {
		double t = (double)i * interval_s;

		s->t[i] = 1700000000000LL + (int64_t)(t * 1000);
		s->v[i] = (int64_t)f(i, t);
	}
	return s;
}

static struct trend_rules rules(void)
{
	struct trend_rules r;

	leaks_default_rules(&r);
	return r;
}

/* 4 MiB/s on 1 GiB with +-2 MiB noise: the pipe test's shape */
static double f_leak(size_t i, double t)
{
	(void)i;
	return 1024 * MIB + 4 * MIB * t + noise(2 * MIB);
}

static void test_steady_leak(void **state)
{
	struct series *s = make(40, 1, f_leak);
	struct trend tr;
	struct trend_rules r = rules();

	(void)state;
	assert_int_equal(trend_fit(s->t, s->v, NULL, s->n, &tr), 0);
	assert_true(fabs(tr.slope - 4 * MIB) < 0.05 * 4 * MIB);
	assert_true(tr.confidence > 0.999);
	assert_int_equal(tr.steps, 0);
	assert_true(trend_is_growth(&tr, &r));
	/* grew from the start */
	assert_true(tr.growing_since - tr.t0 <= 3000);
	free(s);
}

static double f_noise(size_t i, double t)
{
	(void)i;
	(void)t;
	return 2048 * MIB + noise(64 * MIB);
}

static void test_noise_only(void **state)
{
	struct trend_rules r = rules();
	unsigned named = 0;

	(void)state;
	for (int k = 0; k < 50; k++) {
		struct series *s = make(60, 1, f_noise);
		struct trend tr;

		assert_int_equal(trend_fit(s->t, s->v, NULL, s->n, &tr), 0);
		named += trend_is_growth(&tr, &r);
		free(s);
	}
	assert_true(named <= 1);
}

static double f_jump(size_t i, double t)
{
	(void)t;
	return 1024 * MIB + (i >= 30 ? 300 * MIB : 0) + noise(1 * MIB);
}

static void test_one_off_jump(void **state)
{
	struct series *s = make(60, 60, f_jump);
	struct trend tr;
	struct trend_rules r = rules();

	(void)state;
	assert_int_equal(trend_fit(s->t, s->v, NULL, s->n, &tr), 0);
	assert_true(tr.steps >= 1);
	assert_false(trend_is_growth(&tr, &r));
	free(s);
}

/* 10 MiB/min with a 500 MiB jump in the middle */
static double f_leak_jump(size_t i, double t)
{
	return 1024 * MIB + 10 * MIB * t / 60 + (i >= 100 ? 500 * MIB : 0) +
	       noise(1 * MIB);
}

static void test_leak_with_jump(void **state)
{
	struct series *s = make(200, 60, f_leak_jump);
	struct trend tr;
	struct trend_rules r = rules();

	(void)state;
	assert_int_equal(trend_fit(s->t, s->v, NULL, s->n, &tr), 0);
	free(s);
	assert_int_equal(tr.steps, 1);
	assert_true(fabs(tr.slope * 60 - 10 * MIB) < 0.05 * 10 * MIB);
	assert_true(trend_is_growth(&tr, &r));
}

static double f_outliers(size_t i, double t)
{
	double v = 512 * MIB + 2 * MIB * t / 60;

	if (i % 17 == 5)
		v += 4096 * MIB; /* a build's page cache for one sample */
	if (i % 23 == 7)
		v -= 400 * MIB;
	return v;
}

static void test_outliers(void **state)
{
	struct series *s = make(300, 60, f_outliers);
	struct trend tr;
	struct trend_rules r = rules();

	(void)state;
	assert_int_equal(trend_fit(s->t, s->v, NULL, s->n, &tr), 0);
	assert_true(fabs(tr.slope * 60 - 2 * MIB) < 0.05 * 2 * MIB);
	assert_true(trend_is_growth(&tr, &r));
	free(s);
}

/* page cache: fills at 20 MiB/min, dropped back every 50 minutes */
static double f_sawtooth(size_t i, double t)
{
	(void)t;
	return 1024 * MIB + (double)(i % 50) * 20 * MIB + noise(1 * MIB);
}

static void test_sawtooth(void **state)
{
	struct series *s = make(400, 60, f_sawtooth);
	struct trend tr;
	struct trend_rules r = rules();

	(void)state;
	assert_int_equal(trend_fit(s->t, s->v, NULL, s->n, &tr), 0);
	assert_false(trend_is_growth(&tr, &r));
	free(s);
}

/* a week at 60 s, 2 MiB/h under +-16 MiB of noise */
static double f_week(size_t i, double t)
{
	(void)i;
	return 3000 * MIB + 2 * MIB * t / 3600 + noise(16 * MIB);
}

static void test_week(void **state)
{
	struct series *s = make(10080, 60, f_week);
	struct trend tr;
	struct trend_rules r = rules();
	bool *absent = calloc(s->n, sizeof(*absent));

	(void)state;
	/* a few samples missing (a source failed) */
	for (size_t i = 0; i < s->n; i += 97)
		absent[i] = true;
	assert_int_equal(trend_fit(s->t, s->v, absent, s->n, &tr), 0);
	assert_int_equal(tr.n, 256);
	assert_true(fabs(tr.slope * 3600 - 2 * MIB) < 0.1 * MIB);
	assert_true(trend_is_growth(&tr, &r));
	free(absent);
	free(s);
}

static void test_too_few(void **state)
{
	int64_t t[2] = {0, 1000}, v[2] = {1, 2};
	struct trend tr;

	(void)state;
	assert_int_equal(trend_fit(t, v, NULL, 2, &tr), -EINVAL);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void test_median(void **state)
{
	(void)state;
	for (size_t n = 1; n < 200; n++) {
		double v[200], w[200], want;

		for (size_t i = 0; i < n; i++)
			v[i] = w[i] = (double)((i * 7919) % 31) + noise(0.5);
		qsort(w, n, sizeof(*w), cmp_d);
		want = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
		assert_true(trend_median(v, n) == want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steady_leak),
	    cmocka_unit_test(test_noise_only),
	    cmocka_unit_test(test_one_off_jump),
	    cmocka_unit_test(test_leak_with_jump),
	    cmocka_unit_test(test_outliers),
	    cmocka_unit_test(test_sawtooth),
	    cmocka_unit_test(test_week),
	    cmocka_unit_test(test_too_few),
	    cmocka_unit_test(test_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
