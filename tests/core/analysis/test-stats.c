/* test-stats.c: statistics, percentiles and histograms against references
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-stats"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graft.h"

static GraftTensor *
make_random_f32 (GRand *rand,
                 gsize  n,
                 double spread)
{
  gsize shape[1] = { n };
  float *data = g_new (float, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -spread, spread);
  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape, data);
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* numpy.percentile's default: linear interpolation between order statistics. */
static double
reference_percentile (const double *sorted,
                      gsize         n,
                      double        level)
{
  double h = (n - 1) * level / 100.0;
  gsize k = (gsize) floor (h);
  gsize k1 = MIN (k + 1, n - 1);

  return sorted[k] + (h - k) * (sorted[k1] - sorted[k]);
}

static void
test_stats_known_values (void)
{
  float values[] = { 1.0f, -2.0f, 0.0f, NAN, INFINITY, -INFINITY, 3.5f, -0.0f, INFINITY, 4.0f };
  gsize shape[2] = { 2, 5 };
  g_autoptr(GraftTensor) t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 2, shape,
                                                    g_memdup2 (values, sizeof values));
  g_autoptr(GError) error = NULL;
  GraftStats s;
  double mean = (1.0 - 2.0 + 0 + 3.5 + 0 + 4.0) / 6.0;
  double var = 0;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (isfinite (values[i]))
      var += (values[i] - mean) * (values[i] - mean);
  var /= 6.0;

  g_assert_true (graft_stats_compute (t, &s, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.count, ==, 10);
  g_assert_cmpuint (s.n_finite, ==, 6);
  g_assert_cmpfloat (s.min, ==, -2.0);
  g_assert_cmpfloat (s.max, ==, 4.0);
  g_assert_cmpfloat_with_epsilon (s.mean, mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.std, sqrt (var), 1e-12);
  g_assert_cmpfloat_with_epsilon (s.l2, sqrt (1 + 4 + 12.25 + 16), 1e-12);
  g_assert_cmpuint (s.zeros, ==, 2);
  g_assert_cmpuint (s.nan, ==, 1);
  g_assert_cmpuint (s.pos_inf, ==, 2);
  g_assert_cmpuint (s.neg_inf, ==, 1);
}

/* Sizes around the vector width, the chunk size and the threading
 * threshold, so every tail and split is exercised. */
static const gsize test_sizes[] = { 1, 7, 8, 9, 1000, 65535, 65537, 200003, 4 * 1024 * 1024 + 13 };

static void
test_stats_random_vs_reference (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint si = 0; si < G_N_ELEMENTS (test_sizes); si++)
    {
      gsize n = test_sizes[si];
      g_autoptr(GraftTensor) t = make_random_f32 (rand, n, 3.0);
      const float *x = graft_tensor_get_data (t, NULL);
      g_autoptr(GError) error = NULL;
      double sum = 0, sumsq = 0, min = INFINITY, max = -INFINITY, mean, var = 0;
      GraftStats s;

      for (gsize i = 0; i < n; i++)
        {
          sum += x[i];
          sumsq += (double) x[i] * x[i];
          min = MIN (min, x[i]);
          max = MAX (max, x[i]);
        }
      mean = sum / n;
      for (gsize i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
      var /= n;

      g_assert_true (graft_stats_compute (t, &s, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (s.count, ==, n);
      g_assert_cmpuint (s.n_finite, ==, n);
      g_assert_cmpfloat (s.min, ==, min);
      g_assert_cmpfloat (s.max, ==, max);
      g_assert_cmpfloat_with_epsilon (s.mean, mean, 1e-9);
      g_assert_cmpfloat_with_epsilon (s.std, sqrt (var), 1e-9);
      g_assert_cmpfloat_with_epsilon (s.l2, sqrt (sumsq), 1e-9 * sqrt (sumsq));
      g_assert_cmpuint (s.nan + s.pos_inf + s.neg_inf, ==, 0);
    }
}

static void
test_stats_large_mean_small_spread (void)
{
  gsize n = 100000, shape[1] = { n };
  float *data = g_new (float, n);
  g_autoptr(GraftTensor) t = NULL;
  GraftStats s;

  /* A constant offset must not swamp the spread (no naive sum of squares). */
  for (gsize i = 0; i < n; i++)
    data[i] = 1000.0f + ((i % 2) ? 0.125f : -0.125f);
  t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape, data);
  g_assert_true (graft_stats_compute (t, &s, NULL, NULL));
  g_assert_cmpfloat_with_epsilon (s.mean, 1000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.std, 0.125, 1e-9);
}

static void
test_stats_dtypes (void)
{
  gsize shape[1] = { 5 };
  gint16 i16[] = { -3, 0, 7, 100, -32768 };
  double f64[] = { 1e300, -1e300, 0.5, NAN, -INFINITY };
  guint8 u8[] = { 0, 255, 1, 2, 3 };
  guint16 f16[] = { 0x3c00 /* 1 */, 0xc000 /* -2 */, 0x7c00 /* +Inf */, 0x0000, 0x7e00 /* NaN */ };
  g_autoptr(GraftTensor) ti = graft_tensor_new_take (GRAFT_DTYPE_INT16, 1, shape, g_memdup2 (i16, sizeof i16));
  g_autoptr(GraftTensor) td = graft_tensor_new_take (GRAFT_DTYPE_FLOAT64, 1, shape, g_memdup2 (f64, sizeof f64));
  g_autoptr(GraftTensor) tu = graft_tensor_new_take (GRAFT_DTYPE_UINT8, 1, shape, g_memdup2 (u8, sizeof u8));
  g_autoptr(GraftTensor) th = graft_tensor_new_take (GRAFT_DTYPE_FLOAT16, 1, shape, g_memdup2 (f16, sizeof f16));
  double levels[1] = { 50 }, median;
  GraftStats s;

  g_assert_true (graft_stats_compute (ti, &s, NULL, NULL));
  g_assert_cmpfloat (s.min, ==, -32768);
  g_assert_cmpfloat (s.max, ==, 100);
  g_assert_cmpuint (s.zeros, ==, 1);
  g_assert_true (graft_stats_compute_percentiles (ti, 0, levels, 1, &median, NULL, NULL));
  g_assert_cmpfloat (median, ==, 0);

  g_assert_true (graft_stats_compute (td, &s, NULL, NULL));
  g_assert_cmpfloat (s.min, ==, -1e300);
  g_assert_cmpfloat (s.max, ==, 1e300);
  g_assert_cmpuint (s.n_finite, ==, 3);
  g_assert_cmpuint (s.nan, ==, 1);
  g_assert_cmpuint (s.neg_inf, ==, 1);
  g_assert_true (graft_stats_compute_percentiles (td, 0, levels, 1, &median, NULL, NULL));
  g_assert_cmpfloat (median, ==, 0.5);

  g_assert_true (graft_stats_compute (tu, &s, NULL, NULL));
  g_assert_cmpfloat (s.max, ==, 255);
  g_assert_cmpfloat_with_epsilon (s.mean, 261.0 / 5, 1e-12);

  g_assert_true (graft_stats_compute (th, &s, NULL, NULL));
  g_assert_cmpuint (s.n_finite, ==, 3);
  g_assert_cmpuint (s.pos_inf, ==, 1);
  g_assert_cmpuint (s.nan, ==, 1);
  g_assert_cmpfloat (s.min, ==, -2);
  g_assert_cmpfloat (s.max, ==, 1);
}

static void
check_percentiles (GraftTensor *t,
                   gboolean     absolute)
{
  gsize n = graft_tensor_get_n_elements (t);
  g_autofree double *sorted = g_new (double, n);
  g_autofree double *x = g_new (double, n);
  double levels[] = { 0, 1, 5, 25, 50, 75, 95, 99, 99.5, 100, 33.333 };
  double values[G_N_ELEMENTS (levels)];
  g_autoptr(GError) error = NULL;
  gsize m = 0;

  graft_dtype_to_double (graft_tensor_get_dtype (t), graft_tensor_get_data (t, NULL), x, n);
  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]))
      sorted[m++] = absolute ? fabs (x[i]) : x[i];
  qsort (sorted, m, sizeof *sorted, cmp_double);

  g_assert_true (graft_stats_compute_percentiles (t, absolute ? GRAFT_STATS_FLAGS_ABSOLUTE : 0,
                                                  levels, G_N_ELEMENTS (levels), values,
                                                  NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    g_assert_cmpfloat_with_epsilon (values[i], reference_percentile (sorted, m, levels[i]),
                                    1e-12 * MAX (1.0, fabs (values[i])));
}

static void
test_stats_percentiles_sorted_reference (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint si = 0; si < G_N_ELEMENTS (test_sizes) - 1; si++)
    {
      g_autoptr(GraftTensor) t = make_random_f32 (rand, test_sizes[si], 2.0);

      check_percentiles (t, FALSE);
      check_percentiles (t, TRUE);
    }
}

static void
test_stats_percentiles_duplicates_and_specials (void)
{
  gsize n = 100003, shape[1] = { n };
  float *data = g_new (float, n);
  g_autoptr(GraftTensor) t = NULL;
  double *f64 = g_new (double, 5001);
  gsize shape64[1] = { 5001 };
  g_autoptr(GraftTensor) t64 = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);

  /* Few distinct values (many land in one radix bucket), NaN and Inf. */
  for (gsize i = 0; i < n; i++)
    data[i] = (float) (g_rand_int_range (rand, -3, 4)) * 1e-7f;
  data[10] = NAN;
  data[20] = INFINITY;
  data[30] = -INFINITY;
  data[40] = 1e30f;
  t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape, data);
  check_percentiles (t, FALSE);
  check_percentiles (t, TRUE);

  for (gsize i = 0; i < 5001; i++)
    f64[i] = g_rand_double_range (rand, -1, 1) * pow (10, g_rand_int_range (rand, -30, 30));
  t64 = graft_tensor_new_take (GRAFT_DTYPE_FLOAT64, 1, shape64, f64);
  check_percentiles (t64, FALSE);
}

static void
test_stats_percentiles_no_finite (void)
{
  float values[] = { NAN, INFINITY };
  gsize shape[1] = { 2 };
  g_autoptr(GraftTensor) t = graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape,
                                                    g_memdup2 (values, sizeof values));
  double levels[1] = { 50 }, v = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (graft_stats_compute_percentiles (t, 0, levels, 1, &v, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (isnan (v));

  levels[0] = 101;
  g_assert_false (graft_stats_compute_percentiles (t, 0, levels, 1, &v, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
}

static void
test_stats_histogram_reference (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint bins_list[] = { 1, 7, 64, 256, 1000 };

  for (guint si = 0; si < G_N_ELEMENTS (test_sizes); si++)
    for (guint bi = 0; bi < G_N_ELEMENTS (bins_list); bi++)
      {
        gsize n = test_sizes[si];
        guint n_bins = bins_list[bi];
        g_autoptr(GraftTensor) t = NULL;
        g_autoptr(GraftHistogram) h = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree guint64 *ref = g_new0 (guint64, n_bins);
        g_autofree double *sorted = NULL;
        float *x;
        guint64 total = 0, excluded = 0;
        double lo = INFINITY, hi = -INFINITY;

        if (n > 300000 && bi > 1)
          continue;
        t = make_random_f32 (rand, n, 5.0);
        x = graft_tensor_get_data_mutable (t);
        if (n > 100)
          {
            x[3] = NAN;
            x[50] = -INFINITY;
          }
        for (gsize i = 0; i < n; i++)
          if (isfinite (x[i]))
            {
              lo = MIN (lo, x[i]);
              hi = MAX (hi, x[i]);
            }
          else
            excluded++;
        if (hi == lo)
          {
            lo -= 0.5;
            hi += 0.5;
          }

        /* Reference from the sorted values: bin i ends where the rule
         * floor ((x - lo) * n_bins / (hi - lo)) first gives i + 1. */
        sorted = g_new (double, n);
        {
          gsize m = 0, pos = 0;
          double scale = n_bins / (hi - lo);

          for (gsize i = 0; i < n; i++)
            if (isfinite (x[i]))
              sorted[m++] = x[i];
          qsort (sorted, m, sizeof *sorted, cmp_double);
          for (guint b = 0; b < n_bins; b++)
            {
              gsize start = pos;

              while (pos < m && (b == n_bins - 1 || floor ((sorted[pos] - lo) * scale) <= b))
                pos++;
              ref[b] = pos - start;
            }
          g_assert_cmpuint (pos, ==, m);
        }

        h = graft_stats_compute_histogram (t, NULL, n_bins, NULL, &error);
        g_assert_no_error (error);
        g_assert_nonnull (h);
        g_assert_cmpfloat (h->lo, ==, lo);
        g_assert_cmpfloat (h->hi, ==, hi);
        g_assert_cmpuint (h->n_bins, ==, n_bins);
        g_assert_cmpuint (h->n_excluded, ==, excluded);
        for (guint b = 0; b < n_bins; b++)
          {
            g_assert_cmpuint (h->counts[b], ==, ref[b]);
            total += h->counts[b];
          }
        g_assert_cmpuint (total + excluded, ==, n);
      }
}

static void
test_stats_histogram_constant_and_invalid (void)
{
  gsize shape[1] = { 10 };
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 1, shape);
  g_autoptr(GraftHistogram) h = NULL;
  g_autoptr(GError) error = NULL;

  h = graft_stats_compute_histogram (t, NULL, 4, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (h->lo, ==, -0.5);
  g_assert_cmpfloat (h->hi, ==, 0.5);
  g_assert_cmpuint (h->counts[2], ==, 10);
  g_assert_cmpfloat (graft_histogram_get_bin_width (h), ==, 0.25);

  g_assert_null (graft_stats_compute_histogram (t, NULL, 0, NULL, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID);
}

static void
test_stats_cancelled (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GraftTensor) t = make_random_f32 (rand, 300000, 1.0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  double levels[1] = { 50 }, v;
  GraftStats s;

  g_cancellable_cancel (cancellable);
  g_assert_false (graft_stats_compute (t, &s, cancellable, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (graft_stats_compute_histogram (t, NULL, 64, cancellable, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (graft_stats_compute_percentiles (t, 0, levels, 1, &v, cancellable, &error));
  g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_CANCELLED);
}

static void
test_stats_empty (void)
{
  gsize shape[2] = { 0, 4 };
  g_autoptr(GraftTensor) t = graft_tensor_new (GRAFT_DTYPE_FLOAT32, 2, shape);
  g_autoptr(GraftHistogram) h = NULL;
  GraftStats s;

  g_assert_true (graft_stats_compute (t, &s, NULL, NULL));
  g_assert_cmpuint (s.count, ==, 0);
  g_assert_true (isnan (s.min));
  g_assert_cmpfloat (s.l2, ==, 0);
  h = graft_stats_compute_histogram (t, &s, 8, NULL, NULL);
  g_assert_nonnull (h);
  g_assert_cmpuint (h->n_excluded, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/basic/known-values", test_stats_known_values);
  g_test_add_func ("/stats/basic/random-vs-reference", test_stats_random_vs_reference);
  g_test_add_func ("/stats/basic/large-mean-small-spread", test_stats_large_mean_small_spread);
  g_test_add_func ("/stats/basic/dtypes", test_stats_dtypes);
  g_test_add_func ("/stats/basic/empty", test_stats_empty);
  g_test_add_func ("/stats/percentiles/sorted-reference", test_stats_percentiles_sorted_reference);
  g_test_add_func ("/stats/percentiles/duplicates-and-specials",
                   test_stats_percentiles_duplicates_and_specials);
  g_test_add_func ("/stats/percentiles/no-finite-values", test_stats_percentiles_no_finite);
  g_test_add_func ("/stats/histogram/sorted-reference", test_stats_histogram_reference);
  g_test_add_func ("/stats/histogram/constant-and-invalid", test_stats_histogram_constant_and_invalid);
  g_test_add_func ("/stats/cancelled", test_stats_cancelled);

  return g_test_run ();
}
