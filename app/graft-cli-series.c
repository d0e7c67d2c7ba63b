/* graft-cli-series.c: graft-cli series FILE|FOLDER… [--json|--csv] [--order name|mtime]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <math.h>

#include "graft-cli-private.h"

typedef double (*GraftCliFigure) (const GraftDrift *d);

static double fig_norm (const GraftDrift *d) { return d->norm; }
static double fig_prev (const GraftDrift *d) { return d->change_prev; }
static double fig_first (const GraftDrift *d) { return d->change_first; }
static double fig_cosine (const GraftDrift *d) { return d->cosine_first; }
static double fig_sigma (const GraftDrift *d) { return d->sigma_max; }

static const struct
{
  const char     *name;
  const char     *title;
  GraftCliFigure  get;
} graft_cli_figures[] = {
  { "norm", "‖W‖", fig_norm },
  { "change_prev", "Δ prev", fig_prev },
  { "change_first", "Δ first", fig_first },
  { "cosine_first", "cos first", fig_cosine },
  { "sigma_max", "σmax", fig_sigma },
};

static void
graft_cli_series_json (GraftSeries *series)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "checkpoints");
  json_builder_begin_array (b);
  for (guint i = 0; i < graft_series_get_n_checkpoints (series); i++)
    json_builder_add_string_value (b, graft_series_get_path (series, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "weights");
  json_builder_begin_array (b);
  for (guint j = 0; j < graft_series_get_n_weights (series); j++)
    {
      json_builder_begin_object (b);
      graft_cli_json_set_string (b, "path", graft_series_get_weight (series, j));
      for (guint k = 0; k < G_N_ELEMENTS (graft_cli_figures); k++)
        {
          json_builder_set_member_name (b, graft_cli_figures[k].name);
          json_builder_begin_array (b);
          for (guint i = 0; i < graft_series_get_n_checkpoints (series); i++)
            {
              const GraftDrift *d = graft_series_get_drift (series, i, j);

              graft_cli_json_add_double (b, d ? graft_cli_figures[k].get (d) : NAN);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  graft_cli_json_print (b);
}

static void
graft_cli_series_value (double   v,
                        gboolean csv)
{
  if (csv)
    isfinite (v) ? printf (",%.9g", v) : printf (",");
  else
    isfinite (v) ? printf (" %10.6g", v) : printf (" %10s", "-");
}

static void
graft_cli_series_table (GraftSeries *series,
                        gboolean     csv)
{
  if (csv)
    {
      printf ("checkpoint,weight");
      for (guint k = 0; k < G_N_ELEMENTS (graft_cli_figures); k++)
        printf (",%s", graft_cli_figures[k].name);
      printf ("\n");
    }
  for (guint j = 0; j < graft_series_get_n_weights (series); j++)
    {
      if (!csv)
        {
          printf ("%s%s\n  %-28s", j ? "\n" : "", graft_series_get_weight (series, j), "checkpoint");
          for (guint k = 0; k < G_N_ELEMENTS (graft_cli_figures); k++)
            printf (" %10s", graft_cli_figures[k].title);
          printf ("\n");
        }
      for (guint i = 0; i < graft_series_get_n_checkpoints (series); i++)
        {
          const GraftDrift *d = graft_series_get_drift (series, i, j);
          g_autofree char *base = g_path_get_basename (graft_series_get_path (series, i));

          if (csv)
            printf ("\"%s\",\"%s\"", graft_series_get_path (series, i), graft_series_get_weight (series, j));
          else
            printf ("  %-28s", base);
          for (guint k = 0; k < G_N_ELEMENTS (graft_cli_figures); k++)
            graft_cli_series_value (d ? graft_cli_figures[k].get (d) : NAN, csv);
          printf ("\n");
        }
    }
}

int
graft_cli_series (int    argc,
                  char **argv)
{
  gboolean json = FALSE, csv = FALSE;
  g_autofree char *order = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print CSV, one row per checkpoint and weight", NULL },
    { "order", 0, 0, G_OPTION_ARG_STRING, &order, "Order checkpoints by name (default) or mtime",
      "name|mtime" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("CHECKPOINT|FOLDER…");
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GraftSeries) series = NULL;
  GError *error = NULL;
  GraftSeriesOrder by = GRAFT_SERIES_BY_NAME;

  g_option_context_set_summary (context,
                                "A training run's checkpoints as curves: for every weight, in each "
                                "checkpoint, its\nnorm, its change from the previous and from the "
                                "first checkpoint (relative\nFrobenius norms), its cosine similarity "
                                "to the first, and its spectral norm.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "series"))
    return 2;
  if (argc < 2)
    return graft_cli_usage_error ("series", "expected checkpoints or a folder of them");
  if (json && csv)
    return graft_cli_usage_error ("series", "--json and --csv exclude each other");
  if (order != NULL && g_str_equal (order, "mtime"))
    by = GRAFT_SERIES_BY_MTIME;
  else if (order != NULL && !g_str_equal (order, "name"))
    return graft_cli_usage_error ("series", "unknown --order '%s' (name, mtime)", order);

  paths = graft_series_list_paths ((const char *const *) argv + 1, by, &error);
  if (paths == NULL)
    return graft_cli_fail (error);
  series = graft_series_new (paths);
  graft_cli_watch_begin (g_ptr_array_index (paths, 0));
  if (!graft_series_compute (series, NULL, &error))
    return graft_cli_fail (error);
  graft_cli_watch_end ();
  if (json)
    graft_cli_series_json (series);
  else
    graft_cli_series_table (series, csv);
  return 0;
}
