/* graft-cli-export.c: `graft-cli export FILE WEIGHT -o OUT.npy`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

int
graft_cli_export (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE WEIGHT");
  g_autoptr(GraftModel) model = NULL;
  g_autofree char *output = NULL;
  GraftWeight *weight;
  GraftTensor *tensor;
  GError *error = NULL;
  gboolean raw = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The .npy file to write", "OUT.npy" },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      "Of a quantized weight, the stored integers rather than the real values", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Writes one tensor as a NumPy .npy file in its own dtype; a quantized\n"
                                "weight as its real (dequantized) float32 values unless --raw.\n"
                                "WEIGHT is a weight path or its HDF5 dataset location.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "export"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("export", "expected FILE and WEIGHT");
  if (output == NULL)
    return graft_cli_usage_error ("export", "missing -o OUT.npy");

  model = graft_cli_load_weight (argv[1], argv[2], &weight, &error);
  if (model == NULL)
    return graft_cli_fail (error);
  tensor = raw ? graft_weight_get_tensor (weight) : graft_weight_get_values (weight);
  if (graft_tensor_get_dtype (tensor) == GRAFT_DTYPE_BFLOAT16)
    {
      g_set_error (&error, GRAFT_ERROR, GRAFT_ERROR_UNSUPPORTED,
                   "%s: weight '%s' is bfloat16, which .npy cannot describe", argv[1], argv[2]);
      return graft_cli_fail (error);
    }
  if (!graft_npy_save (tensor, output, &error))
    {
      graft_error_add_context (&error, argv[1], "weight '%s'", graft_weight_get_path (weight));
      return graft_cli_fail (error);
    }
  return 0;
}
