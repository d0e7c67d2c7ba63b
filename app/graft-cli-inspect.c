/* graft-cli-inspect.c: `graft-cli inspect FILE [--json]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

static char *
graft_cli_inspect_thousands (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static void
graft_cli_inspect_print_layer (GraftLayer *layer,
                               guint       depth)
{
  g_autofree char *params = graft_cli_inspect_thousands (graft_layer_count_params (layer));
  g_autofree char *label = g_strdup_printf ("%*s%s", depth * 2, "", graft_layer_get_name (layer));

  printf ("%-40s %-22s %-20s %-9s %12s\n", label,
          graft_layer_get_class_name (layer) ? graft_layer_get_class_name (layer) : "-",
          "", "", params);

  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    {
      GraftWeight *w = graft_layer_get_weight (layer, i);
      GraftTensor *t = graft_weight_get_tensor (w);
      g_autofree char *shape = graft_tensor_format_shape (t);
      g_autofree char *wlabel = g_strdup_printf ("%*s%s%s", (depth + 1) * 2, "",
                                                 graft_weight_get_name (w),
                                                 graft_weight_get_trainable (w) == GRAFT_TRAINABLE_NO
                                                   ? " (non-trainable)" : "");
      g_autofree char *real = graft_tensor_format_shape (graft_weight_get_values (w));
      g_autofree char *tied = graft_weight_get_tied_to (w)
                                ? g_strdup_printf ("  (tied to %s)", graft_weight_get_tied_to (w))
                                : graft_weight_get_quantization (w)
                                ? g_strdup_printf ("  quantized: %s; real values %s",
                                                   graft_weight_get_quantization (w), real)
                                : NULL;
      g_autofree char *n = graft_cli_inspect_thousands (graft_tensor_get_n_elements (t));

      printf ("%-40s %-22s %-20s %-9s %12s%s\n", wlabel, "", shape,
              graft_dtype_get_name (graft_tensor_get_dtype (t)),
              graft_weight_get_tied_to (w) ? "0" : n, tied ? tied : "");
    }
  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    graft_cli_inspect_print_layer (graft_layer_get_child (layer, i), depth + 1);
}

static void
graft_cli_inspect_print_text (GraftModel *model)
{
  GraftLayer *root = graft_model_get_root (model);
  g_autofree char *params = graft_cli_inspect_thousands (graft_model_get_n_params (model));

  printf ("%s\n", graft_model_get_filename (model));
  printf ("  format          %s\n", graft_format_get_label (graft_model_get_format (model)));
  if (graft_format_get_framework (graft_model_get_format (model)) == GRAFT_FRAMEWORK_KERAS)
    {
      printf ("  keras version   %s\n", graft_model_get_keras_version (model) ? graft_model_get_keras_version (model) : "-");
      printf ("  backend         %s\n", graft_model_get_backend (model) ? graft_model_get_backend (model) : "-");
    }
  for (guint i = 0; i < graft_model_get_n_metadata (model); i++)
    {
      const char *value;
      const char *key = graft_model_get_metadata (model, i, &value);

      printf ("  %-15s %s = %s\n", i == 0 ? "metadata" : "", key, value);
    }
  if (graft_layer_get_class_name (root) != NULL)
    printf ("  model class     %s\n", graft_layer_get_class_name (root));
  printf ("  weights         %u tensors, %s parameters\n", graft_model_get_n_weights (model), params);
  if (graft_model_get_n_extra_weights (model) > 0)
    printf ("  other state     %u optimizer/metric tensors (not model weights)\n",
            graft_model_get_n_extra_weights (model));
  printf ("\n%-40s %-22s %-20s %-9s %12s\n", "LAYER / WEIGHT", "CLASS", "SHAPE", "DTYPE", "PARAMS");
  for (guint i = 0; i < graft_layer_get_n_children (root); i++)
    graft_cli_inspect_print_layer (graft_layer_get_child (root, i), 0);
}

static void
graft_cli_inspect_add_weight (JsonBuilder *b,
                              GraftWeight *w)
{
  GraftTensor *t = graft_weight_get_tensor (w);

  json_builder_begin_object (b);
  graft_cli_json_set_string (b, "name", graft_weight_get_name (w));
  graft_cli_json_set_string (b, "path", graft_weight_get_path (w));
  graft_cli_json_set_string (b, "location", graft_weight_get_location (w));
  json_builder_set_member_name (b, "shape");
  graft_json_add_shape (b, graft_tensor_get_rank (t), graft_tensor_get_shape (t));
  graft_cli_json_set_string (b, "dtype", graft_dtype_get_name (graft_tensor_get_dtype (t)));
  json_builder_set_member_name (b, "trainable");
  if (graft_weight_get_trainable (w) == GRAFT_TRAINABLE_UNKNOWN)
    json_builder_add_null_value (b);
  else
    json_builder_add_boolean_value (b, graft_weight_get_trainable (w) == GRAFT_TRAINABLE_YES);
  json_builder_end_object (b);
}

static void
graft_cli_inspect_add_layers (JsonBuilder *b,
                              GraftLayer  *layer)
{
  json_builder_begin_object (b);
  graft_cli_json_set_string (b, "path", graft_layer_get_path (layer));
  graft_cli_json_set_string (b, "name", graft_layer_get_name (layer));
  graft_cli_json_set_string (b, "class_name", graft_layer_get_class_name (layer));
  json_builder_set_member_name (b, "weights");
  json_builder_begin_array (b);
  for (guint i = 0; i < graft_layer_get_n_weights (layer); i++)
    graft_cli_inspect_add_weight (b, graft_layer_get_weight (layer, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  for (guint i = 0; i < graft_layer_get_n_children (layer); i++)
    graft_cli_inspect_add_layers (b, graft_layer_get_child (layer, i));
}

static void
graft_cli_inspect_print_json (GraftModel *model)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GraftLayer *root = graft_model_get_root (model);

  json_builder_begin_object (b);
  graft_cli_json_set_string (b, "file", graft_model_get_filename (model));
  graft_cli_json_set_string (b, "format", graft_format_get_name (graft_model_get_format (model)));
  graft_cli_json_set_string (b, "keras_version", graft_model_get_keras_version (model));
  graft_cli_json_set_string (b, "backend", graft_model_get_backend (model));
  graft_cli_json_set_string (b, "model_class", graft_layer_get_class_name (root));
  graft_cli_json_set_int (b, "n_weights", graft_model_get_n_weights (model));
  graft_cli_json_set_int (b, "n_params", graft_model_get_n_params (model));
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < graft_layer_get_n_children (root); i++)
    graft_cli_inspect_add_layers (b, graft_layer_get_child (root, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "other_state");
  json_builder_begin_array (b);
  for (guint i = 0; i < graft_model_get_n_extra_weights (model); i++)
    graft_cli_inspect_add_weight (b, graft_model_get_extra_weight (model, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  graft_cli_json_print (b);
}

int
graft_cli_inspect (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr(GraftModel) model = NULL;
  GError *error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object (see README)", NULL },
    { NULL }
  };

  g_option_context_set_summary (context, "Lists the layers and weights of a Keras checkpoint.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "inspect"))
    return 2;
  if (argc != 2)
    return graft_cli_usage_error ("inspect", "expected one FILE");

  model = graft_cli_load (argv[1], &error);
  if (model == NULL)
    return graft_cli_fail (error);

  if (json)
    graft_cli_inspect_print_json (model);
  else
    graft_cli_inspect_print_text (model);
  return 0;
}
