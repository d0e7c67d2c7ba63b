/* graft-cli-transfer.c: graft-cli transfer SOURCE TARGET -o OUT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "graft-cli-private.h"

static void
graft_cli_transfer_print (GraftTransferPlan *plan,
                          gboolean           json)
{
  if (json)
    {
      g_autoptr(JsonNode) root = graft_transfer_plan_to_json (plan);

      graft_cli_json_print_node (root);
    }
  else
    {
      g_autofree char *table = graft_transfer_plan_to_table (plan);

      fputs (table, stdout);
    }
}

/* A runnable net for @model: its own config, or a spec bound to it. */
static GraftNet *
graft_cli_transfer_net (GraftModel  *model,
                        const char  *spec,
                        GError     **error)
{
  g_autoptr(GraftNet) net = NULL;

  if (spec == NULL)
    return graft_net_new_from_model (model, error);
  net = graft_spec_load (spec, error);
  if (net == NULL || !graft_net_bind (net, model, error))
    return NULL;
  return g_steal_pointer (&net);
}

static GPtrArray *
graft_cli_transfer_run (const char  *path,
                        GraftModel  *model,
                        const char  *spec,
                        GPtrArray   *inputs,
                        GError     **error)
{
  g_autoptr(GraftNet) net = graft_cli_transfer_net (model, spec, error);

  if (net == NULL)
    {
      g_prefix_error (error, "--verify: %s: ", path);
      return NULL;
    }
  if (graft_net_get_n_inputs (net) != inputs->len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                   "--verify: %s takes %u inputs, got %u .npy files", path,
                   graft_net_get_n_inputs (net), inputs->len);
      return NULL;
    }
  return graft_net_predict (net, inputs->len, (GraftTensor *const *) inputs->pdata, error);
}

/* Runs the source, a fresh reload of it, and the written result on the
 * same inputs. The reload must agree exactly, or the comparison means
 * nothing; the result's difference per output is what the transfer did. */
static gboolean
graft_cli_transfer_verify (const char   *source_path,
                           GraftModel   *source,
                           const char   *source_spec,
                           const char   *out,
                           const char   *target_spec,
                           char        **inputs,
                           char        **expect,
                           FILE         *report,
                           GError      **error)
{
  gboolean expected = expect != NULL;
  double worst_excess = 0.0;
  guint worst_output = 0;
  g_autoptr(GPtrArray) x = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  g_autoptr(GraftModel) reloaded = NULL;
  g_autoptr(GraftModel) result = NULL;
  g_autoptr(GPtrArray) ys = NULL;
  g_autoptr(GPtrArray) ys_again = NULL;
  g_autoptr(GPtrArray) yr = NULL;

  for (guint i = 0; inputs[i] != NULL; i++)
    {
      GraftTensor *tensor = graft_npy_load (inputs[i], error);

      if (tensor == NULL)
        return FALSE;
      g_ptr_array_add (x, tensor);
    }
  result = graft_cli_load (out, error);
  if (result == NULL)
    return FALSE;
  if (expected)
    {
      /* Reference outputs, from whatever ran the source (PyTorch). */
      ys = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
      for (guint i = 0; expect[i] != NULL; i++)
        {
          GraftTensor *tensor = graft_npy_load (expect[i], error);

          if (tensor == NULL)
            return FALSE;
          g_ptr_array_add (ys, tensor);
        }
      goto run_result;
    }
  reloaded = graft_cli_load (source_path, error);
  if (reloaded == NULL)
    return FALSE;
  ys = graft_cli_transfer_run (source_path, source, source_spec, x, error);
  if (ys == NULL)
    return FALSE;
  ys_again = graft_cli_transfer_run (source_path, reloaded, source_spec, x, error);
  if (ys_again == NULL)
    return FALSE;
  for (guint i = 0; i < ys->len; i++)
    if (graft_cli_max_abs_diff (g_ptr_array_index (ys, i),
                                g_ptr_array_index (ys_again, i), NULL) != 0.0)
      {
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_FAILED,
                     "--verify: %s gives other outputs when loaded again (output %u)",
                     source_path, i);
        return FALSE;
      }
  fprintf (report, "verify: %s reloaded gives identical outputs\n", source_path);

run_result:
  yr = graft_cli_transfer_run (out, result, target_spec, x, error);
  if (yr == NULL)
    return FALSE;
  for (guint i = 0; i < MAX (ys->len, yr->len); i++)
    {
      double d, scale = 1.0;

      if (i >= ys->len || i >= yr->len)
        {
          fprintf (report, "verify: output %u: only %s has it\n", i,
                   i < ys->len ? "the source" : "the result");
          continue;
        }
      d = graft_cli_max_abs_diff (g_ptr_array_index (yr, i), g_ptr_array_index (ys, i), &scale);
      if (d < 0.0)
        {
          g_autofree char *sa = graft_tensor_format_shape (g_ptr_array_index (ys, i));
          g_autofree char *sb = graft_tensor_format_shape (g_ptr_array_index (yr, i));

          fprintf (report, "verify: output %u: shapes differ, source %s, result %s\n", i, sa, sb);
        }
      else
        fprintf (report, "verify: output %u: max |Δ| = %.9g\n", i, d);
      if (expected)
        {
          /* Within 1e-4 × max(1, max |y|) of the reference, or it fails. */
          double excess = d < 0.0 ? INFINITY : d / (1e-4 * scale);
          if (excess > 1.0 && excess > worst_excess)
            worst_excess = excess, worst_output = i;
        }
    }
  if (expected && ys->len != yr->len)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_FAILED,
                   "--verify: %s has %u outputs, --expect gives %u", out, yr->len, ys->len);
      return FALSE;
    }
  if (worst_excess > 1.0)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_FAILED,
                   "--verify: output %u of %s differs from %s by more than 1e-4 × max(1, |y|)",
                   worst_output, out, expect[worst_output]);
      return FALSE;
    }
  if (expected)
    fprintf (report, "verify: every output within 1e-4 × max(1, |y|) of the reference\n");
  return TRUE;
}

int
graft_cli_transfer (int    argc,
                    char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *by = NULL;
  g_auto(GStrv) maps = NULL;
  g_auto(GStrv) layers = NULL;
  g_auto(GStrv) verify = NULL;
  g_auto(GStrv) expect = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *target_spec = NULL;
  gboolean skip_mismatch = FALSE, partial = FALSE, dry_run = FALSE, json = FALSE;
  gboolean no_sync = FALSE, quantize = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Where to write the changed target", "OUT" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, "Match by STRATEGY (listed below; default: structure between PyTorch and Keras, name otherwise)",
      "STRATEGY" },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps,
      "Map weights or layers; '*' wildcards carry over (enc/*=encoder/*)", "SRC=DST" },
    { "layer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &layers,
      "Copy one layer (with its sublayers) onto another", "SRC=DST" },
    { "skip-mismatch", 0, 0, G_OPTION_ARG_NONE, &skip_mismatch,
      "Skip a layer whose shapes disagree instead of refusing", NULL },
    { "quantize", 0, 0, G_OPTION_ARG_NONE, &quantize,
      "Quantize float weights onto an int8- or int4-quantized target as Keras does, in the "
      "target's mode and block size (else refused)", NULL },
    { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
      "Copy the overlapping block when shapes disagree", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the plan, write nothing", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the plan as JSON", NULL },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync,
      "Do not flush OUT to disk (still replaced atomically)", NULL },
    { "verify", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &verify,
      "Run SOURCE and OUT on these inputs (one .npy per model input) and print max |Δ| per output",
      "X.npy" },
    { "expect", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &expect,
      "With --verify: compare OUT with these reference outputs (one .npy per output) instead of "
      "running SOURCE; fails beyond 1e-4 × max(1, |y|)", "Y.npy" },
    { "spec", 0, 0, G_OPTION_ARG_FILENAME, &spec, "A model spec to run SOURCE with (--verify)",
      "MODEL.json" },
    { "target-spec", 0, 0, G_OPTION_ARG_FILENAME, &target_spec,
      "A model spec to run OUT with (--verify)", "MODEL.json" },
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
  {
    g_autoptr(GString) strategies = g_string_new ("Strategies (--by):\n");

    for (guint i = 0; i < GRAFT_N_TRANSFER_STRATEGIES; i++)
      g_string_append_printf (strategies, "  %-10s %s\n", graft_transfer_strategy_get_name (i),
                              graft_transfer_strategy_get_description (i));
    g_option_context_set_description (context, strategies->str);
  }
  if (!graft_cli_parse (context, &argc, &argv, "transfer"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("transfer", "expected SOURCE and TARGET");
  if (out == NULL && !dry_run)
    return graft_cli_usage_error ("transfer", "-o OUT is required (or --dry-run)");
  if (expect != NULL && verify == NULL)
    return graft_cli_usage_error ("transfer", "--expect needs --verify (the inputs to run)");
  if (verify != NULL && dry_run)
    return graft_cli_usage_error ("transfer", "--verify runs OUT, which --dry-run does not write");
  if (by != NULL && !graft_transfer_strategy_from_name (by, &strategy))
    {
      g_autofree char *names = graft_transfer_strategy_dup_names ();

      return graft_cli_usage_error ("transfer", "unknown --by '%s' (%s)", by, names);
    }
  use_strategy = by != NULL || (maps == NULL && layers == NULL);

  source = graft_cli_load (argv[1], &error);
  if (source == NULL)
    return graft_cli_fail (error);
  target = graft_cli_load (argv[2], &error);
  if (target == NULL)
    return graft_cli_fail (error);

  if (by == NULL)
    strategy = graft_transfer_strategy_default (source, target);
  plan = graft_transfer_plan_new (source, target);
  graft_transfer_plan_set_partial (plan, partial);
  graft_transfer_plan_set_skip_mismatch (plan, skip_mismatch);
  graft_transfer_plan_set_quantize (plan, quantize);
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
  if (!graft_edit_save (edit, out,
                        graft_format_for_save (out, GRAFT_FORMAT_UNKNOWN,
                                               graft_model_get_format (target)),
                        no_sync ? GRAFT_SAVE_NO_SYNC : GRAFT_SAVE_NONE,
                        &error))
    return graft_cli_fail (error);

  graft_cli_transfer_print (plan, json);
  if (!json)
    printf ("wrote %s\n", out);
  if (verify != NULL &&
      !graft_cli_transfer_verify (argv[1], source, spec, out, target_spec, verify, expect,
                                  json ? stderr : stdout, &error))
    return graft_cli_fail (error);
  return 0;
}
