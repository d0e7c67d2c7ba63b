/* test-series.c: a training run's checkpoints as curves
 *
 * tests/data/series (made by tests/data/make-series.py) drifts every
 * weight by a known ε per step along a direction orthogonal to it, so each
 * figure has an exact value; σmax by power iteration equals LAPACK's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <utime.h>

#include "graft.h"
#include "test-util.h"

static double
epsilon_of (JsonObject *eps,
            const char *weight)
{
  g_assert_true (json_object_has_member (eps, weight));
  return json_object_get_double_member (eps, weight);
}

static void
test_series_known_drift (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "series", NULL);
  g_autofree char *drift_path = g_build_filename (dir, "drift.json", NULL);
  const char *args[] = { dir, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = graft_series_list_paths (args, GRAFT_SERIES_BY_NAME, &error);
  g_autoptr(GraftSeries) series = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *eps;

  g_assert_no_error (error);
  g_assert_cmpuint (paths->len, ==, 5);
  g_assert_true (json_parser_load_from_file (parser, drift_path, &error));
  eps = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "epsilon");

  series = graft_series_new (paths);
  g_assert_true (graft_series_compute (series, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (graft_series_get_n_checkpoints (series), ==, 5);
  g_assert_cmpuint (graft_series_get_n_weights (series), ==, 4);
  for (guint j = 0; j < graft_series_get_n_weights (series); j++)
    {
      double e = epsilon_of (eps, graft_series_get_weight (series, j));
      const GraftDrift *d0 = graft_series_get_drift (series, 0, j);

      g_assert_nonnull (d0);
      g_assert_true (isnan (d0->change_prev));
      for (guint t = 0; t < 5; t++)
        {
          const GraftDrift *d = graft_series_get_drift (series, t, j);
          double te = t * e;

          g_assert_cmpfloat_with_epsilon (d->change_first, te, 1e-5);
          g_assert_cmpfloat_with_epsilon (d->norm / d0->norm, sqrt (1 + te * te), 1e-5);
          g_assert_cmpfloat_with_epsilon (d->cosine_first, 1 / sqrt (1 + te * te), 1e-5);
          if (t > 0)
            g_assert_cmpfloat_with_epsilon (d->change_prev, e / sqrt (1 + (te - e) * (te - e)), 1e-5);
        }
    }
}

/* σmax by power iteration is LAPACK's largest singular value. */
static void
test_series_sigma_max (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "series", "step-3.weights.h5",
                                                 NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GraftModel) model = graft_keras_load (path, &error);

  g_assert_no_error (error);
  for (guint j = 0; j < graft_model_get_n_weights (model); j++)
    {
      GraftTensor *t = graft_weight_get_tensor (graft_model_get_weight (model, j));
      double power = graft_drift_sigma_max (t, &error);
      g_autoptr(GraftSpectrum) s = NULL;

      g_assert_no_error (error);
      if (graft_tensor_get_rank (t) < 2)
        {
          g_assert_true (isnan (power));
          continue;
        }
      s = graft_spectrum_compute (t, GRAFT_MATRIX_LAST_AXIS, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (power / graft_spectrum_get_sigma_max (s), 1.0, 1e-5);
    }
}

/* Natural order by name (step-2 before step-10), or by modification time. */
static void
test_series_order (void)
{
  g_autofree char *dir = g_dir_make_tmp ("graft-series-XXXXXX", NULL);
  const char *names[] = { "step-10.keras", "step-2.keras", "step-1.keras" };
  const char *args[] = { dir, NULL };
  g_autoptr(GPtrArray) by_name = NULL;
  g_autoptr(GPtrArray) by_time = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);
      struct utimbuf times = { 1700000000 + 10 * i, 1700000000 + 10 * i };

      g_assert_true (g_file_set_contents (p, "x", 1, NULL));
      g_assert_cmpint (g_utime (p, &times), ==, 0);
    }
  by_name = graft_series_list_paths (args, GRAFT_SERIES_BY_NAME, &error);
  g_assert_no_error (error);
  by_time = graft_series_list_paths (args, GRAFT_SERIES_BY_MTIME, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (by_name, 0), "step-1.keras"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (by_name, 1), "step-2.keras"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (by_name, 2), "step-10.keras"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (by_time, 0), "step-10.keras"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (by_time, 2), "step-1.keras"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);

      g_remove (p);
    }
  g_rmdir (dir);

  {
    const char *missing[] = { "/nonexistent/graft-series", NULL };
    g_autoptr(GPtrArray) none = graft_series_list_paths (missing, GRAFT_SERIES_BY_NAME, &error);

    g_assert_null (none);
    g_assert_error (error, GRAFT_ERROR, GRAFT_ERROR_IO);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  graft_init ();
  g_test_add_func ("/series/known-drift", test_series_known_drift);
  g_test_add_func ("/series/sigma-max", test_series_sigma_max);
  g_test_add_func ("/series/order", test_series_order);
  return g_test_run ();
}
