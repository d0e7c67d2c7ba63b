/* graft-cli-stats.c: `graft-cli stats FILE WEIGHT [--json] [--hist [BINS]]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graft-cli-private.h"

/* GOption cannot take "--hist" with or without a following number, so
 * --hist, --hist N and --hist=N are taken out of argv before parsing. */
static gboolean
graft_cli_stats_take_hist (int    *argc,
                           char  **argv,
                           guint  *n_bins,
                           char  **bad)
{
  gboolean found = FALSE;
  int out = 0;

  for (int i = 0; i < *argc; i++)
    {
      const char *arg = argv[i];
      const char *num = NULL;

      if (g_str_equal (arg, "--hist"))
        {
          found = TRUE;
          *n_bins = GRAFT_STATS_DEFAULT_BINS;
          if (i + 1 < *argc && g_ascii_isdigit (argv[i + 1][0]))
            num = argv[++i];
        }
      else if (g_str_has_prefix (arg, "--hist="))
        {
          found = TRUE;
          num = arg + strlen ("--hist=");
        }
      else
        {
          argv[out++] = argv[i];
          continue;
        }
      if (num != NULL)
        {
          guint64 v;

          if (!g_ascii_string_to_unsigned (num, 10, 1, GRAFT_STATS_MAX_BINS, &v, NULL))
            *bad = g_strdup (num);
          else
            *n_bins = (guint) v;
        }
    }
  argv[out] = NULL;
  *argc = out;
  return found;
}

static void
graft_cli_stats_print_json (const char           *file,
                            GraftWeight          *weight,
                            GraftTensor          *tensor,
                            const GraftStats     *s,
                            const double         *pct,
                            const GraftHistogram *hist)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  graft_cli_json_set_string (b, "path", graft_weight_get_path (weight));
  graft_cli_json_set_string (b, "location", graft_weight_get_location (weight));
  graft_cli_json_set_string (b, "file", file);
  json_builder_set_member_name (b, "shape");
  graft_json_add_shape (b, graft_tensor_get_rank (tensor), graft_tensor_get_shape (tensor));
  graft_cli_json_set_string (b, "dtype", graft_dtype_get_name (graft_tensor_get_dtype (tensor)));
  graft_cli_json_set_int (b, "count", s->count);
  graft_cli_json_set_int (b, "finite", s->n_finite);
  graft_cli_json_set_double (b, "min", s->min);
  graft_cli_json_set_double (b, "max", s->max);
  graft_cli_json_set_double (b, "mean", s->mean);
  graft_cli_json_set_double (b, "std", s->std);
  graft_cli_json_set_double (b, "l2", s->l2);
  graft_cli_json_set_int (b, "zeros", s->zeros);
  graft_cli_json_set_int (b, "nan", s->nan);
  graft_cli_json_set_int (b, "inf", s->pos_inf + s->neg_inf);
  graft_cli_json_set_int (b, "pos_inf", s->pos_inf);
  graft_cli_json_set_int (b, "neg_inf", s->neg_inf);
  json_builder_set_member_name (b, "percentiles");
  json_builder_begin_object (b);
  for (guint i = 0; i < GRAFT_STATS_N_PERCENTILES; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "%g", graft_stats_percentile_levels[i]);
      json_builder_set_member_name (b, name);
      graft_cli_json_add_double (b, pct[i]);
    }
  json_builder_end_object (b);
  if (hist != NULL)
    {
      json_builder_set_member_name (b, "histogram");
      json_builder_begin_object (b);
      graft_cli_json_set_double (b, "lo", hist->lo);
      graft_cli_json_set_double (b, "hi", hist->hi);
      graft_cli_json_set_int (b, "bins", hist->n_bins);
      json_builder_set_member_name (b, "counts");
      json_builder_begin_array (b);
      for (guint i = 0; i < hist->n_bins; i++)
        json_builder_add_int_value (b, hist->counts[i]);
      json_builder_end_array (b);
      graft_cli_json_set_int (b, "excluded", hist->n_excluded);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  graft_cli_json_print (b);
}

static void
graft_cli_stats_print_table (GraftWeight          *weight,
                             GraftTensor          *tensor,
                             const GraftStats     *s,
                             const double         *pct,
                             const GraftHistogram *hist)
{
  g_autofree char *shape = graft_tensor_format_shape (tensor);
  double share = s->count > 0 ? 100.0 * s->zeros / s->count : 0;

  printf ("%s  %s %s\n", graft_weight_get_path (weight), shape,
          graft_dtype_get_name (graft_tensor_get_dtype (tensor)));
  printf ("  count     %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " finite)\n", s->count, s->n_finite);
  printf ("  min       %.9g\n", s->min);
  printf ("  max       %.9g\n", s->max);
  printf ("  mean      %.9g\n", s->mean);
  printf ("  std       %.9g\n", s->std);
  printf ("  l2        %.9g\n", s->l2);
  printf ("  zeros     %" G_GUINT64_FORMAT " (%.2f%%)\n", s->zeros, share);
  printf ("  nan       %" G_GUINT64_FORMAT "\n", s->nan);
  printf ("  +inf      %" G_GUINT64_FORMAT "\n", s->pos_inf);
  printf ("  -inf      %" G_GUINT64_FORMAT "\n", s->neg_inf);
  printf ("  percentiles\n");
  for (guint i = 0; i < GRAFT_STATS_N_PERCENTILES; i++)
    printf ("    p%-4g  %.9g\n", graft_stats_percentile_levels[i], pct[i]);
  if (hist != NULL)
    {
      guint64 top = 1;
      double w = graft_histogram_get_bin_width (hist);

      for (guint i = 0; i < hist->n_bins; i++)
        top = MAX (top, hist->counts[i]);
      printf ("  histogram (%u bins, %" G_GUINT64_FORMAT " NaN/Inf excluded)\n",
              hist->n_bins, hist->n_excluded);
      for (guint i = 0; i < hist->n_bins; i++)
        {
          guint bar = (guint) llround (40.0 * hist->counts[i] / top);
          char line[41];

          memset (line, '#', bar);
          line[bar] = '\0';
          printf ("    [% .4e, % .4e) %12" G_GUINT64_FORMAT " %s\n",
                  hist->lo + i * w, hist->lo + (i + 1) * w, hist->counts[i], line);
        }
    }
}

int
graft_cli_stats (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE WEIGHT");
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftHistogram) hist = NULL;
  g_autofree char *bad_bins = NULL;
  gboolean json = FALSE, dummy_hist = FALSE, want_hist;
  gboolean raw = FALSE;
  guint n_bins = GRAFT_STATS_DEFAULT_BINS;
  double pct[GRAFT_STATS_N_PERCENTILES];
  GraftWeight *weight;
  GraftTensor *tensor;
  GraftStats s;
  GError *error = NULL;
  const GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      "Of a quantized weight, the stored integers rather than the real values", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { "hist", 0, 0, G_OPTION_ARG_NONE, &dummy_hist, "Add a histogram (default 64 bins)", "[BINS]" },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Statistics of one tensor: count, min, max, mean, std, L2 norm, zeros,\n"
                                "NaN and Inf counts, percentiles 1-99 (exact), and a histogram.\n"
                                "Figures other than the counts are over finite values.");
  g_option_context_add_main_entries (context, entries, NULL);
  want_hist = graft_cli_stats_take_hist (&argc, argv, &n_bins, &bad_bins);
  if (bad_bins != NULL)
    return graft_cli_usage_error ("stats", "--hist takes 1 to %u bins, not '%s'",
                                  GRAFT_STATS_MAX_BINS, bad_bins);
  if (!graft_cli_parse (context, &argc, &argv, "stats"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("stats", "expected FILE and WEIGHT");

  /* Reading and every pass over the values move the progress counter. */
  graft_cli_watch_begin (argv[1]);
  model = graft_cli_load_weight (argv[1], argv[2], &weight, &error);
  if (model == NULL)
    return graft_cli_fail (error);
  /* A quantized weight's real values, unless --raw. */
  tensor = raw ? graft_weight_get_tensor (weight) : graft_weight_get_values (weight);

  if (!graft_stats_compute (tensor, &s, NULL, &error) ||
      !graft_stats_compute_percentiles (tensor, GRAFT_STATS_FLAGS_NONE, graft_stats_percentile_levels,
                                        GRAFT_STATS_N_PERCENTILES, pct, NULL, &error))
    {
      graft_error_add_context (&error, argv[1], "weight '%s'", graft_weight_get_path (weight));
      return graft_cli_fail (error);
    }
  if (want_hist)
    {
      hist = graft_stats_compute_histogram (tensor, &s, n_bins, NULL, &error);
      if (hist == NULL)
        {
          graft_error_add_context (&error, argv[1], "weight '%s'", graft_weight_get_path (weight));
          return graft_cli_fail (error);
        }
    }

  if (json)
    graft_cli_stats_print_json (argv[1], weight, tensor, &s, pct, hist);
  else
    graft_cli_stats_print_table (weight, tensor, &s, pct, hist);
  return 0;
}
