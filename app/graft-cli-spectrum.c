/* graft-cli-spectrum.c: graft-cli spectrum FILE [WEIGHT] [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <math.h>

#include "graft-cli-private.h"

/* Outside 2 … 6 a layer is over- (α < 2) or under-trained (α > 6), as
 * weightwatcher reads α. */
static const char *
graft_cli_spectrum_flag (const GraftPowerLaw *fit)
{
  if (fit == NULL)
    return "";
  return fit->alpha < 2.0 ? "α < 2" : fit->alpha > 6.0 ? "α > 6" : "";
}

static void
graft_cli_spectrum_json_entry (JsonBuilder   *b,
                               GraftWeight   *w,
                               GraftSpectrum *s,
                               gboolean       with_values)
{
  GraftTensor *t = graft_weight_get_tensor (w);
  const GraftPowerLaw *fit = s ? graft_spectrum_get_fit (s) : NULL;
  gsize rows = 0, cols = 0;

  json_builder_begin_object (b);
  graft_cli_json_set_string (b, "path", graft_weight_get_path (w));
  json_builder_set_member_name (b, "shape");
  graft_json_add_shape (b, graft_tensor_get_rank (t), graft_tensor_get_shape (t));
  json_builder_set_member_name (b, "matrix_shape");
  if (s != NULL)
    {
      gsize shape[2];

      graft_spectrum_get_matrix_shape (s, &rows, &cols);
      shape[0] = rows, shape[1] = cols;
      graft_json_add_shape (b, 2, shape);
    }
  else
    json_builder_add_null_value (b);
  graft_cli_json_set_double (b, "sigma_max", s ? graft_spectrum_get_sigma_max (s) : NAN);
  graft_cli_json_set_double (b, "frobenius", s ? graft_spectrum_get_frobenius (s) : NAN);
  graft_cli_json_set_double (b, "stable_rank", s ? graft_spectrum_get_stable_rank (s) : NAN);
  graft_cli_json_set_double (b, "effective_rank", s ? graft_spectrum_get_effective_rank (s) : NAN);
  graft_cli_json_set_double (b, "alpha", fit ? fit->alpha : NAN);
  graft_cli_json_set_double (b, "xmin", fit ? fit->xmin : NAN);
  graft_cli_json_set_double (b, "ks", fit ? fit->ks : NAN);
  json_builder_set_member_name (b, "n_tail");
  if (fit != NULL)
    json_builder_add_int_value (b, fit->n_tail);
  else
    json_builder_add_null_value (b);
  if (with_values && s != NULL)
    {
      gsize n;
      const double *sv = graft_spectrum_get_singular_values (s, &n);

      json_builder_set_member_name (b, "singular_values");
      json_builder_begin_array (b);
      for (gsize i = 0; i < n; i++)
        graft_cli_json_add_double (b, sv[i]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

static void
graft_cli_spectrum_row (GraftWeight   *w,
                        GraftSpectrum *s)
{
  g_autofree char *shape = graft_tensor_format_shape (graft_weight_get_tensor (w));
  const GraftPowerLaw *fit = s ? graft_spectrum_get_fit (s) : NULL;
  g_autofree char *matrix = NULL;
  g_autofree char *alpha = fit ? g_strdup_printf ("%.3f", fit->alpha) : g_strdup ("-");
  g_autofree char *ks = fit ? g_strdup_printf ("%.3f", fit->ks) : g_strdup ("-");
  gsize rows, cols;

  if (s == NULL)
    {
      printf ("%-36s %-18s %-14s %10s %8s %7s %6s\n", graft_weight_get_path (w), shape, "-", "-",
              "-", "-", "-");
      return;
    }
  graft_spectrum_get_matrix_shape (s, &rows, &cols);
  matrix = g_strdup_printf ("%" G_GSIZE_FORMAT "×%" G_GSIZE_FORMAT, rows, cols);
  printf ("%-36s %-18s %-14s %10.4g %8.2f %7s %6s  %s\n", graft_weight_get_path (w), shape, matrix,
          graft_spectrum_get_sigma_max (s), graft_spectrum_get_stable_rank (s), alpha, ks,
          graft_cli_spectrum_flag (fit));
}

int
graft_cli_spectrum (int    argc,
                    char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE [WEIGHT]");
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) weights = g_ptr_array_new ();
  GraftWeight *one = NULL;
  GError *error = NULL;
  GraftFramework framework;

  g_option_context_set_summary (context,
                                "The singular values of every weight matrix: spectral norm, stable "
                                "rank, and the\npower-law exponent α of the eigenvalue tail "
                                "(well-trained layers sit around 2–6).\nWith WEIGHT, that weight "
                                "alone, with its singular values.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "spectrum"))
    return 2;
  if (argc != 2 && argc != 3)
    return graft_cli_usage_error ("spectrum", "expected FILE and at most one WEIGHT");

  graft_cli_watch_begin (argv[1]);
  if (argc == 3)
    model = graft_cli_load_weight (argv[1], argv[2], &one, &error);
  else
    model = graft_cli_load (argv[1], &error);
  if (model == NULL)
    return graft_cli_fail (error);
  framework = graft_format_get_framework (graft_model_get_format (model));
  if (one != NULL)
    g_ptr_array_add (weights, one);
  else
    for (guint i = 0; i < graft_model_get_n_weights (model); i++)
      {
        GraftWeight *w = graft_model_get_weight (model, i);

        if (graft_spectrum_wants (w))
          g_ptr_array_add (weights, w);
      }

  if (json)
    {
      json_builder_begin_object (b);
      graft_cli_json_set_string (b, "file", argv[1]);
      json_builder_set_member_name (b, "weights");
      json_builder_begin_array (b);
    }
  else
    printf ("%-36s %-18s %-14s %10s %8s %7s %6s\n", "WEIGHT", "SHAPE", "MATRIX", "σMAX",
            "S.RANK", "α", "KS");
  for (guint i = 0; i < weights->len; i++)
    {
      GraftWeight *w = g_ptr_array_index (weights, i);
      g_autoptr(GError) local = NULL;
      g_autoptr(GraftSpectrum) s = graft_spectrum_compute (graft_weight_get_tensor (w),
                                                          graft_spectrum_reading_for (w, framework),
                                                          NULL, &local);

      if (s == NULL && local != NULL && !g_error_matches (local, GRAFT_ERROR, GRAFT_ERROR_INVALID))
        {
          g_prefix_error (&local, "%s: weight '%s': ", argv[1], graft_weight_get_path (w));
          return graft_cli_fail (g_steal_pointer (&local));
        }
      if (json)
        graft_cli_spectrum_json_entry (b, w, s, one != NULL);
      else
        graft_cli_spectrum_row (w, s);
      if (!json && one != NULL && s != NULL)
        {
          gsize n;
          const double *sv = graft_spectrum_get_singular_values (s, &n);

          printf ("\nsingular values (%" G_GSIZE_FORMAT ", descending):\n", n);
          for (gsize k = 0; k < n; k++)
            printf ("%.9g%s", sv[k], k + 1 == n || k % 8 == 7 ? "\n" : " ");
        }
    }
  graft_cli_watch_end ();
  if (json)
    {
      json_builder_end_array (b);
      json_builder_end_object (b);
      graft_cli_json_print (b);
    }
  return 0;
}
