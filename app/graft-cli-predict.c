/* graft-cli-predict.c: graft-cli predict, the forward pass of a checkpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

int
graft_cli_predict (int    argc,
                   char **argv)
{
  g_auto(GStrv) inputs = NULL;
  g_auto(GStrv) outputs = NULL;
  g_autofree char *spec = NULL;
  g_auto(GStrv) expect = NULL;
  GOptionEntry entries[] = {
    { "expect", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &expect,
      "A reference output .npy, once per output: fail beyond 1e-4 × max(1, |y|)", "REF.npy" },
    { "input", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, "An input .npy, once per model input", "X.npy" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &outputs, "Where to write an output .npy, once per model output", "Y.npy" },
    { "spec", 0, 0, G_OPTION_ARG_FILENAME, &spec, "A model spec for files without a runnable architecture", "MODEL.json" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftNet) net = NULL;
  g_autoptr(GPtrArray) in = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  g_autoptr(GPtrArray) out = NULL;
  GError *error = NULL;
  guint n_in, n_out;

  g_option_context_set_summary (context, "Run a model on .npy inputs and write its outputs as .npy.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "predict"))
    return 2;
  if (argc != 2)
    return graft_cli_usage_error ("predict", "expected one FILE");
  n_in = inputs ? g_strv_length (inputs) : 0;
  n_out = outputs ? g_strv_length (outputs) : 0;
  if (n_in == 0 || n_out == 0)
    return graft_cli_usage_error ("predict", "give at least one --input and one -o");

  model = graft_cli_load (argv[1], &error);
  if (model == NULL)
    return graft_cli_fail (error);
  if (spec != NULL)
    {
      net = graft_spec_load (spec, &error);
      if (net == NULL || !graft_net_bind (net, model, &error))
        return graft_cli_fail (error);
    }
  else
    {
      net = graft_net_new_from_model (model, &error);
      if (net == NULL)
        return graft_cli_fail (error);
    }

  if (n_in != graft_net_get_n_inputs (net))
    return graft_cli_usage_error ("predict", "the model takes %u inputs, got %u --input",
                                  graft_net_get_n_inputs (net), n_in);
  if (n_out > graft_net_get_n_outputs (net))
    return graft_cli_usage_error ("predict", "the model has %u outputs, got %u -o",
                                  graft_net_get_n_outputs (net), n_out);
  for (guint i = 0; i < n_in; i++)
    {
      GraftTensor *tensor = graft_npy_load (inputs[i], &error);

      if (tensor == NULL)
        return graft_cli_fail (error);
      g_ptr_array_add (in, tensor);
    }

  out = graft_net_predict (net, n_in, (GraftTensor *const *) in->pdata, &error);
  if (out == NULL)
    return graft_cli_fail (error);
  for (guint i = 0; i < n_out; i++)
    if (!graft_npy_save (g_ptr_array_index (out, i), outputs[i], &error))
      return graft_cli_fail (error);
  for (guint i = 0; expect != NULL && expect[i] != NULL; i++)
    {
      g_autoptr(GraftTensor) ref = NULL;
      g_autofree char *what = g_strdup_printf ("output %u", i);

      if (i >= out->len)
        return graft_cli_usage_error ("predict", "the model has %u outputs, got more --expect",
                                      out->len);
      ref = graft_npy_load (expect[i], &error);
      if (ref == NULL || !graft_cli_check_expected (g_ptr_array_index (out, i), ref, what, stdout,
                                                    &error))
        return graft_cli_fail (error);
    }
  return 0;
}
