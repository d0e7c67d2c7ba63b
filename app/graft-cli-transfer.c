/* graft-cli-transfer.c: graft-cli transfer SOURCE TARGET -o OUT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

/* The format to write OUT in: the target's own, unless OUT's name asks for
 * another one (a .h5 name fits both legacy formats). */
static GraftFormat
graft_cli_transfer_out_format (GraftModel *target,
                               const char *out)
{
  GraftFormat own = graft_model_get_format (target);
  GraftFormat guess = graft_format_guess_for_path (out);

  if (guess == GRAFT_FORMAT_UNKNOWN)
    return own;
  if (guess == GRAFT_FORMAT_LEGACY_H5 &&
      (own == GRAFT_FORMAT_LEGACY_H5 || own == GRAFT_FORMAT_LEGACY_WEIGHTS_H5))
    return own;
  return guess;
}

static void
graft_cli_transfer_print (GraftTransferPlan *plan,
                          gboolean           json)
{
  if (json)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = graft_transfer_plan_to_json (plan);
      g_autofree char *text = NULL;

      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      g_autofree char *table = graft_transfer_plan_to_table (plan);

      fputs (table, stdout);
    }
}

int
graft_cli_transfer (int    argc,
                    char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *by = NULL;
  g_auto(GStrv) maps = NULL;
  g_auto(GStrv) layers = NULL;
  gboolean skip_mismatch = FALSE, partial = FALSE, dry_run = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Where to write the changed target", "OUT" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, "Match by name (default), order, shape or location",
      "STRATEGY" },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps,
      "Map weights or layers; '*' wildcards carry over (enc/*=encoder/*)", "SRC=DST" },
    { "layer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &layers,
      "Copy one layer (with its sublayers) onto another", "SRC=DST" },
    { "skip-mismatch", 0, 0, G_OPTION_ARG_NONE, &skip_mismatch,
      "Skip a layer whose shapes disagree instead of refusing", NULL },
    { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
      "Copy the overlapping block when shapes disagree", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the plan, write nothing", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the plan as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("SOURCE TARGET -o OUT");
  g_autoptr(GraftModel) source = NULL;
  g_autoptr(GraftModel) target = NULL;
  g_autoptr(GraftTransferPlan) plan = NULL;
  g_autoptr(GraftEdit) edit = NULL;
  GError *error = NULL;
  GraftTransferStrategy strategy = GRAFT_TRANSFER_BY_NAME;
  gboolean use_strategy;

  g_option_context_set_summary (context,
                                "Copy weights from SOURCE into TARGET and write the result to OUT.\n"
                                "SOURCE and TARGET are never modified.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "transfer"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("transfer", "expected SOURCE and TARGET");
  if (out == NULL && !dry_run)
    return graft_cli_usage_error ("transfer", "-o OUT is required (or --dry-run)");
  if (by != NULL && !graft_transfer_strategy_from_name (by, &strategy))
    return graft_cli_usage_error ("transfer", "unknown --by '%s' (name, order, shape, location)", by);
  use_strategy = by != NULL || (maps == NULL && layers == NULL);

  source = graft_keras_load (argv[1], &error);
  if (source == NULL)
    return graft_cli_fail (error);
  target = graft_keras_load (argv[2], &error);
  if (target == NULL)
    return graft_cli_fail (error);

  plan = graft_transfer_plan_new (source, target);
  graft_transfer_plan_set_partial (plan, partial);
  graft_transfer_plan_set_skip_mismatch (plan, skip_mismatch);
  for (guint i = 0; layers != NULL && layers[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (layers[i], "=", 2);

      if (parts[0] == NULL || parts[1] == NULL)
        return graft_cli_usage_error ("transfer", "--layer '%s' is not SRC=DST", layers[i]);
      if (!graft_transfer_plan_add_layer (plan, parts[0], parts[1], &error))
        return graft_cli_fail (error);
    }
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    if (!graft_transfer_plan_add_rule (plan, maps[i], &error))
      return graft_cli_fail (error);
  if (use_strategy && !graft_transfer_plan_match (plan, strategy, &error))
    return graft_cli_fail (error);
  graft_transfer_plan_finish (plan);

  if (dry_run)
    {
      graft_cli_transfer_print (plan, json);
      return 0;
    }

  edit = graft_edit_new (target);
  if (!graft_transfer_plan_apply (plan, edit, &error))
    {
      if (!json)
        graft_cli_transfer_print (plan, FALSE);
      return graft_cli_fail (error);
    }
  if (!graft_edit_save (edit, out, graft_cli_transfer_out_format (target, out), GRAFT_SAVE_NONE,
                        &error))
    return graft_cli_fail (error);

  graft_cli_transfer_print (plan, json);
  if (!json)
    printf ("wrote %s\n", out);
  return 0;
}
