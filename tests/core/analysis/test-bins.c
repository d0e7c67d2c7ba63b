/* test-bins.c: histogram bin counts chosen to suit the data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-bins"

#include "config.h"

#include <math.h>

#include "graft.h"
#include "graft-bins.h"

static GraftTensor *
make_f32 (const float *values,
          gsize        n)
{
  gsize shape[1] = { n };

  return graft_tensor_new_take (GRAFT_DTYPE_FLOAT32, 1, shape,
                                g_memdup2 (values, n * sizeof *values));
}

/* Bins, percentiles and counts as the statistics view finds them. */
static void
choose_bins (GraftTensor *t,
             GraftBins   *bins,
             GraftHistogram **hist)
{
  g_autoptr(GError) error = NULL;
  GraftStats stats, range;
  const double levels[2] = { 25, 75 };
  double q[2];
  gboolean integral;

  g_assert_true (graft_stats_compute (t, &stats, NULL, &error));
  g_assert_true (graft_stats_compute_percentiles (t, GRAFT_STATS_FLAGS_NONE, levels, 2, q, NULL,
                                                  &error));
  integral = graft_bins_is_integral (t, NULL, &error);
  g_assert_no_error (error);
  graft_bins_choose (&stats, q[0], q[1], integral, bins);
  graft_bins_apply (bins, &stats, &range);
  *hist = graft_stats_compute_histogram (t, &range, bins->n_bins, NULL, &error);
  g_assert_no_error (error);
}

static void
test_bins_freedman_diaconis (void)
{
  /* 1000 values over [0, 10] with IQR 5: width 2·5/10 = 1, 10 bins. */
  g_assert_cmpuint (graft_bins_freedman_diaconis (1000, 0, 10, 2.5, 7.5), ==, 10);
  /* 10⁶ normal-ish values, IQR 1.35, range 10: width 0.027, 371 → 256. */
  g_assert_cmpuint (graft_bins_freedman_diaconis (1000000, -5, 5, -0.675, 0.675), ==,
                    GRAFT_BINS_MAX);
  /* Few values: at least 8 bins. */
  g_assert_cmpuint (graft_bins_freedman_diaconis (5, 0, 1, 0.25, 0.75), ==, GRAFT_BINS_MIN);
  /* Quartiles equal (a spike at zero): Sturges, log2(1024) + 1 = 11. */
  g_assert_cmpuint (graft_bins_freedman_diaconis (1024, -1, 1, 0, 0), ==, 11);
  /* No range, no values. */
  g_assert_cmpuint (graft_bins_freedman_diaconis (100, 3, 3, 3, 3), ==, GRAFT_BINS_MIN);
  g_assert_cmpuint (graft_bins_freedman_diaconis (0, 0, 1, 0, 1), ==, GRAFT_BINS_MIN);
}

/* Values drawn from a uniform over [-1, 1]: Freedman–Diaconis over the
 * data's own range, every value counted. */
static void
test_bins_uniform (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  gsize n = 20000;
  g_autofree float *values = g_new (float, n);
  g_autoptr(GraftTensor) t = NULL;
  g_autoptr(GraftHistogram) hist = NULL;
  GraftBins bins;
  guint64 total = 0;

  for (gsize i = 0; i < n; i++)
    values[i] = (float) g_rand_double_range (rand, -1, 1);
  t = make_f32 (values, n);
  choose_bins (t, &bins, &hist);
  g_assert_false (bins.per_integer);
  /* IQR ≈ 1, range ≈ 2, ∛20000 ≈ 27.1: ≈ 28 bins. */
  g_assert_cmpuint (bins.n_bins, >=, 26);
  g_assert_cmpuint (bins.n_bins, <=, 30);
  g_assert_cmpuint (hist->n_bins, ==, bins.n_bins);
  for (guint i = 0; i < hist->n_bins; i++)
    total += hist->counts[i];
  g_assert_cmpuint (total, ==, n);
}

/* Integers, as floats: one bin per integer, centred on it, each counting
 * that value. */
static void
test_bins_integers (void)
{
  const float values[] = { 0, 1, 1, 2, 2, 2, 5, 5, -1 };
  g_autoptr(GraftTensor) t = make_f32 (values, G_N_ELEMENTS (values));
  g_autoptr(GraftHistogram) hist = NULL;
  g_autoptr(GError) error = NULL;
  GraftBins bins;
  const guint64 expect[] = { 1, 1, 2, 3, 0, 0, 2 };  /* -1 … 5 */

  choose_bins (t, &bins, &hist);
  g_assert_true (bins.per_integer);
  g_assert_cmpuint (bins.n_bins, ==, 7);
  g_assert_cmpfloat (bins.lo, ==, -1.5);
  g_assert_cmpfloat (bins.hi, ==, 5.5);
  g_assert_cmpuint (hist->n_bins, ==, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpuint (hist->counts[i], ==, expect[i]);

  /* An integer dtype is integral without reading it. */
  {
    gsize shape[1] = { 3 };
    gint32 ints[] = { 4, 7, 9 };
    g_autoptr(GraftTensor) it = graft_tensor_new_take (GRAFT_DTYPE_INT32, 1, shape,
                                                       g_memdup2 (ints, sizeof ints));

    g_assert_true (graft_bins_is_integral (it, NULL, &error));
    g_assert_no_error (error);
  }

  /* One fraction, NaN and Inf aside, is enough to bin as reals. */
  {
    const float mixed[] = { 1, NAN, INFINITY, 2, 2.5f };
    g_autoptr(GraftTensor) mt = make_f32 (mixed, G_N_ELEMENTS (mixed));
    const float whole[] = { 1, NAN, -INFINITY, 2 };
    g_autoptr(GraftTensor) wt = make_f32 (whole, G_N_ELEMENTS (whole));

    g_assert_false (graft_bins_is_integral (mt, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (graft_bins_is_integral (wt, NULL, &error));
    g_assert_no_error (error);
  }
}

/* Integers spread wider than the most bins: binned as reals. */
static void
test_bins_wide_integers (void)
{
  gsize n = 1000;
  g_autofree float *values = g_new (float, n);
  g_autoptr(GraftTensor) t = NULL;
  g_autoptr(GraftHistogram) hist = NULL;
  GraftBins bins;

  for (gsize i = 0; i < n; i++)
    values[i] = (float) (i * 7);
  t = make_f32 (values, n);
  choose_bins (t, &bins, &hist);
  g_assert_false (bins.per_integer);
  g_assert_cmpuint (bins.n_bins, >=, GRAFT_BINS_MIN);
  g_assert_cmpuint (bins.n_bins, <=, GRAFT_BINS_MAX);
  g_assert_cmpfloat (bins.lo, ==, 0);
  g_assert_cmpfloat (bins.hi, ==, 999 * 7);
}

/* A constant tensor: one bin holding everything; all-zero too. */
static void
test_bins_constant (void)
{
  const float values[] = { 0.25f, 0.25f, 0.25f };
  g_autoptr(GraftTensor) t = make_f32 (values, G_N_ELEMENTS (values));
  g_autoptr(GraftHistogram) hist = NULL;
  GraftBins bins;

  choose_bins (t, &bins, &hist);
  g_assert_cmpuint (bins.n_bins, ==, 1);
  g_assert_cmpuint (hist->counts[0], ==, 3);

  {
    const float zeros[] = { 0, 0, 0, 0 };
    g_autoptr(GraftTensor) zt = make_f32 (zeros, G_N_ELEMENTS (zeros));
    g_autoptr(GraftHistogram) zh = NULL;

    choose_bins (zt, &bins, &zh);
    g_assert_true (bins.per_integer);
    g_assert_cmpuint (bins.n_bins, ==, 1);
    g_assert_cmpuint (zh->counts[0], ==, 4);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();

  g_test_add_func ("/bins/freedman-diaconis", test_bins_freedman_diaconis);
  g_test_add_func ("/bins/uniform", test_bins_uniform);
  g_test_add_func ("/bins/integers", test_bins_integers);
  g_test_add_func ("/bins/wide-integers", test_bins_wide_integers);
  g_test_add_func ("/bins/constant", test_bins_constant);

  return g_test_run ();
}
