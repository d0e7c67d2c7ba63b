/* graft-cli-convert.c: graft-cli convert IN OUT [--quantize int8|int4]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-cli"

#include "config.h"

#include <stdio.h>

#include "graft-cli-private.h"

/* "100", "64K", "5MiB", "2GB": bytes, with decimal or binary multiples. */
static gboolean
graft_cli_convert_parse_size (const char *text,
                              guint64    *size)
{
  static const struct { const char *suffix; guint64 factor; } units[] = {
    { "KiB", G_GUINT64_CONSTANT (1) << 10 }, { "MiB", G_GUINT64_CONSTANT (1) << 20 },
    { "GiB", G_GUINT64_CONSTANT (1) << 30 }, { "KB", 1000 }, { "MB", 1000000 },
    { "GB", 1000000000 }, { "K", 1000 }, { "M", 1000000 }, { "G", 1000000000 }, { "B", 1 },
  };
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || value <= 0)
    return FALSE;
  if (*end == '\0')
    {
      *size = (guint64) value;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (end, units[i].suffix) == 0)
      {
        *size = (guint64) (value * units[i].factor);
        return *size > 0;
      }
  return FALSE;
}

/* OUT.safetensors: the Keras weights by path as they are, or in
 * PyTorch's names and layouts after a reference checkpoint. */
static int
graft_cli_convert_safetensors (GraftModel *model,
                               const char *out,
                               const char *layout,
                               const char *like,
                               gboolean    sync)
{
  GError *error = NULL;

  if (layout == NULL || g_str_equal (layout, "keras"))
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GPtrArray) tensors = g_ptr_array_new ();

      if (like != NULL)
        return graft_cli_usage_error ("convert", "--like goes with --layout torch");
      for (guint i = 0; i < graft_model_get_n_weights (model); i++)
        {
          GraftWeight *w = graft_model_get_weight (model, i);

          g_ptr_array_add (names, (gpointer) graft_weight_get_path (w));
          g_ptr_array_add (tensors, graft_weight_get_tensor (w));
        }
      if (!graft_safetensors_save (out, names, tensors, "keras", sync, &error))
        return graft_cli_fail (error);
      printf ("wrote %s (safetensors, Keras names and layouts, %u tensors)\n", out, names->len);
      return 0;
    }
  if (!g_str_equal (layout, "torch"))
    return graft_cli_usage_error ("convert", "unknown --layout '%s' (keras, torch)", layout);
  if (like == NULL)
    return graft_cli_usage_error ("convert", "--layout torch needs --like REF.pt: the PyTorch "
                                  "names and shapes to write");
  {
    g_autoptr(GraftModel) reference = graft_cli_load (like, &error);
    guint converted = 0, kept = 0;

    if (reference == NULL)
      return graft_cli_fail (error);
    if (!graft_torch_export (model, reference, out, sync, &converted, &kept, &error))
      return graft_cli_fail (error);
    printf ("wrote %s (safetensors, PyTorch names and layouts of %s: %u tensors from the Keras "
            "model, %u kept from the reference)\n", out, like, converted, kept);
  }
  return 0;
}

int
graft_cli_convert (int    argc,
                   char **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *shard_size = NULL;
  gboolean drop_optimizer = FALSE;
  gboolean no_sync = FALSE;
  GraftSaveFlags flags;
  g_autofree char *layout = NULL;
  g_autofree char *like = NULL;
  g_autofree char *quantize = NULL;
  gint block_size = G_MININT;
  const GOptionEntry entries[] = {
    { "layout", 0, 0, G_OPTION_ARG_STRING, &layout,
      "For .safetensors: Keras's names and layouts (keras, the default) or PyTorch's (torch, "
      "with --like)", "keras|torch" },
    { "like", 0, 0, G_OPTION_ARG_FILENAME, &like,
      "With --layout torch: a PyTorch checkpoint of the same architecture whose names, shapes and "
      "dtypes to write (matched by structure)", "REF.pt" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      "legacy-h5, legacy-weights-h5, weights-h5, keras or sharded-weights (default: from "
      "OUT's name)", "FORMAT" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Take the architecture from this checkpoint (.keras or legacy .h5) when IN has none",
      "FILE" },
    { "max-shard-size", 0, 0, G_OPTION_ARG_STRING, &shard_size,
      "Most bytes of weights per shard, with K, M, G (1000s) or KiB, MiB, GiB suffixes "
      "(default 5GiB)", "SIZE" },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync,
      "Do not flush OUT to disk (still replaced atomically)", NULL },
    { "drop-optimizer", 0, 0, G_OPTION_ARG_NONE, &drop_optimizer,
      "Leave out the optimizer state", NULL },
    { "quantize", 0, 0, G_OPTION_ARG_STRING, &quantize,
      "Quantize every Dense, EinsumDense and Embedding layer (attention's too) as Keras's "
      "model.quantize() does; OUT is then .keras or .weights.h5", "int8|int4" },
    { "block-size", 0, 0, G_OPTION_ARG_INT, &block_size,
      "With --quantize int4: rows per group, with zero points (default 128, as Keras); -1 for one "
      "symmetric scale per output channel", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("IN OUT");
  g_autoptr(GraftModel) model = NULL;
  g_autoptr(GraftModel) architecture = NULL;
  g_autoptr(GPtrArray) unchanged = g_ptr_array_new ();
  GError *error = NULL;
  GraftFormat format;
  guint64 max_shard_size = 0;
  GraftQuantMode quant_mode = GRAFT_QUANT_NONE;
  guint n_quantized = 0;

  g_option_context_set_summary (context,
                                "Write checkpoint IN to OUT, in the format --format names or\n"
                                "OUT's name implies (.keras, .weights.h5, .h5). Converting to\n"
                                "IN's own format copies it with nothing lost.\n"
                                "\n"
                                "With --quantize, IN is a float model and OUT what Keras saves after\n"
                                "model.quantize(): int8 kernels and tables with their scales, or int4\n"
                                "packed two per byte with scales (and zero points and g_idx when\n"
                                "grouped), and a config whose quantized layers have a\n"
                                "QuantizedDTypePolicy or Int4DTypePolicy (attention a DTypePolicyMap\n"
                                "of its projections, which Keras needs to load it back):\n"
                                "  graft-cli convert model.keras model-int8.keras --quantize int8\n"
                                "  graft-cli convert model.keras model-int4.keras --quantize int4 --block-size 64");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!graft_cli_parse (context, &argc, &argv, "convert"))
    return 2;
  if (argc != 3)
    return graft_cli_usage_error ("convert", "expected IN and OUT");

  if (format_name != NULL)
    {
      format = graft_format_from_name (format_name);
      if (format == GRAFT_FORMAT_UNKNOWN)
        return graft_cli_usage_error ("convert", "unknown --format '%s'", format_name);
    }
  else
    format = graft_format_guess_for_path (argv[2]);

  if (shard_size != NULL && !graft_cli_convert_parse_size (shard_size, &max_shard_size))
    return graft_cli_usage_error ("convert", "bad --max-shard-size '%s'", shard_size);
  if (quantize != NULL && g_str_equal (quantize, "int8"))
    quant_mode = GRAFT_QUANT_INT8;
  else if (quantize != NULL && g_str_equal (quantize, "int4"))
    quant_mode = GRAFT_QUANT_INT4;
  else if (quantize != NULL)
    return graft_cli_usage_error ("convert", "unknown --quantize '%s' (int8, int4)", quantize);
  if (block_size != G_MININT && quant_mode != GRAFT_QUANT_INT4)
    return graft_cli_usage_error ("convert", "--block-size goes with --quantize int4");
  if (block_size == G_MININT)
    block_size = 128;
  else if (block_size == 0 || block_size < -1)
    return graft_cli_usage_error ("convert", "bad --block-size %d (a positive group size, or -1 per "
                                  "output channel)", block_size);

  model = graft_cli_load (argv[1], &error);
  if (model == NULL)
    return graft_cli_fail (error);
  if (config_path != NULL)
    {
      architecture = graft_cli_load (config_path, &error);
      if (architecture == NULL)
        return graft_cli_fail (error);
      if (graft_model_get_config (architecture) == NULL)
        {
          g_set_error (&error, GRAFT_ERROR, GRAFT_ERROR_INVALID,
                       "%s: has no model config to take the architecture from", config_path);
          return graft_cli_fail (error);
        }
    }

  if (format == GRAFT_FORMAT_UNKNOWN)
    format = graft_model_get_format (model);
  if (layout != NULL && format != GRAFT_FORMAT_SAFETENSORS)
    return graft_cli_usage_error ("convert", "--layout is for .safetensors output");
  if (quant_mode != GRAFT_QUANT_NONE)
    {
      GraftModel *quantized;

      if (format != GRAFT_FORMAT_KERAS && format != GRAFT_FORMAT_WEIGHTS_H5)
        return graft_cli_usage_error ("convert", "--quantize writes .keras or .weights.h5, not %s",
                                      graft_format_get_name (format));
      quantized = graft_quantize_model (model, architecture ? graft_model_get_config (architecture) : NULL,
                                        quant_mode, block_size, &n_quantized, &error);
      if (quantized == NULL)
        return graft_cli_fail (error);
      /* The quantized model carries its own config. */
      g_clear_pointer (&model, graft_model_unref);
      g_clear_pointer (&architecture, graft_model_unref);
      model = quantized;
    }
  if (format == GRAFT_FORMAT_SAFETENSORS)
    return graft_cli_convert_safetensors (model, argv[2], layout, like, !no_sync);
  /* A .h5 name fits both legacy formats: keep the input's when it is one,
   * and write weights only when there is no architecture to write. */
  if (format_name == NULL && format == GRAFT_FORMAT_LEGACY_H5 &&
      (graft_model_get_format (model) == GRAFT_FORMAT_LEGACY_WEIGHTS_H5 ||
       (graft_model_get_config (model) == NULL && architecture == NULL)))
    format = GRAFT_FORMAT_LEGACY_WEIGHTS_H5;
  flags = (drop_optimizer ? GRAFT_SAVE_DROP_OPTIMIZER : GRAFT_SAVE_NONE) |
          (no_sync ? GRAFT_SAVE_NO_SYNC : GRAFT_SAVE_NONE);

  /* A model just loaded has no changes: its own format is a plain copy. */
  if (format == graft_model_get_format (model))
    {
      if (!graft_keras_save (model, argv[2], format,
                             flags, unchanged,
                             &error))
        return graft_cli_fail (error);
    }
  else if (!graft_convert_save_full (model,
                                     architecture ? graft_model_get_config (architecture) : NULL,
                                     argv[2], format,
                                     flags,
                                     max_shard_size, &error))
    {
      if (g_error_matches (error, GRAFT_ERROR, GRAFT_ERROR_NO_ARCHITECTURE))
        g_prefix_error (&error, "pass --config FILE: ");
      return graft_cli_fail (error);
    }
  if (quant_mode != GRAFT_QUANT_NONE)
    {
      g_autofree char *how = quant_mode == GRAFT_QUANT_INT8 ? g_strdup ("int8")
                             : block_size < 0 ? g_strdup ("int4, per output channel")
                             : g_strdup_printf ("int4, groups of %d", block_size);

      printf ("quantized %u layer%s (%s) as Keras's model.quantize() does\n", n_quantized,
              n_quantized == 1 ? "" : "s", how);
    }
  printf ("wrote %s (%s)\n", argv[2], graft_format_get_name (format));
  return 0;
}
