/* graft-format.c: the checkpoint formats by name and file name
 *
 * Formats are recognised from a file's content when reading
 * (graft_keras_detect()); names only say what to write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-format"

#include "config.h"

#include "graft-format.h"

#include <string.h>

typedef struct
{
  const char      *name;       /* as options and JSON spell it */
  const char      *suffixes;   /* file names that ask for it, '|'-separated */
  GraftFramework   framework;  /* whose layouts its tensors follow */
  const char      *label;      /* what people call it */
} GraftFormatInfo;

static const GraftFormatInfo graft_formats[] = {
  [GRAFT_FORMAT_UNKNOWN] = { "unknown", NULL, GRAFT_FRAMEWORK_KERAS, "unknown" },
  [GRAFT_FORMAT_LEGACY_H5] = { "legacy-h5", ".h5|.hdf5|.hdf", GRAFT_FRAMEWORK_KERAS, "legacy HDF5 full model" },
  [GRAFT_FORMAT_LEGACY_WEIGHTS_H5] = { "legacy-weights-h5", NULL, GRAFT_FRAMEWORK_KERAS, "legacy HDF5 weights" },
  [GRAFT_FORMAT_WEIGHTS_H5] = { "weights-h5", ".weights.h5", GRAFT_FRAMEWORK_KERAS, "Keras 3 weights (.weights.h5)" },
  [GRAFT_FORMAT_KERAS] = { "keras", ".keras", GRAFT_FRAMEWORK_KERAS, "Keras 3 archive (.keras)" },
  [GRAFT_FORMAT_SHARDED] = { "sharded-weights", ".weights.json", GRAFT_FRAMEWORK_KERAS, "sharded Keras 3 weights" },
  [GRAFT_FORMAT_SAFETENSORS] = { "safetensors", ".safetensors", GRAFT_FRAMEWORK_TORCH, "safetensors" },
  [GRAFT_FORMAT_SAFETENSORS_SHARDED] = { "sharded-safetensors", ".safetensors.index.json",
                                         GRAFT_FRAMEWORK_TORCH, "sharded safetensors" },
  [GRAFT_FORMAT_TORCH] = { "torch", NULL, GRAFT_FRAMEWORK_TORCH, "PyTorch state_dict (zip)" },
  [GRAFT_FORMAT_TORCH_LEGACY] = { "torch-legacy", NULL, GRAFT_FRAMEWORK_TORCH, "PyTorch state_dict (legacy, before 1.6)" },
};
G_STATIC_ASSERT (G_N_ELEMENTS (graft_formats) == GRAFT_N_FORMATS);

/**
 * graft_format_get_name:
 *
 * Returns: "legacy-h5", "legacy-weights-h5", "weights-h5", "keras",
 *   "sharded-weights", or "unknown"
 */
const char *
graft_format_get_name (GraftFormat format)
{
  g_return_val_if_fail (format < GRAFT_N_FORMATS, "unknown");
  return graft_formats[format].name;
}

/**
 * graft_format_get_label:
 *
 * Returns: the format as a sentence names it ("Keras 3 archive (.keras)")
 */
const char *
graft_format_get_label (GraftFormat format)
{
  g_return_val_if_fail (format < GRAFT_N_FORMATS, "unknown");
  return graft_formats[format].label;
}

/**
 * graft_format_get_framework:
 *
 * Returns: whose layouts the tensors of @format follow: Keras's
 *   (channels last, kernels [in, out]) or PyTorch's ([out, in], OIHW)
 */
GraftFramework
graft_format_get_framework (GraftFormat format)
{
  g_return_val_if_fail (format < GRAFT_N_FORMATS, GRAFT_FRAMEWORK_KERAS);
  return graft_formats[format].framework;
}

/**
 * graft_format_from_name:
 * @name: a name as graft_format_get_name() spells it
 *
 * Returns: the format, or %GRAFT_FORMAT_UNKNOWN
 */
GraftFormat
graft_format_from_name (const char *name)
{
  for (GraftFormat f = GRAFT_FORMAT_UNKNOWN + 1; f < GRAFT_N_FORMATS; f++)
    if (g_strcmp0 (name, graft_formats[f].name) == 0)
      return f;
  return GRAFT_FORMAT_UNKNOWN;
}

/**
 * graft_format_guess_for_path:
 *
 * The format a file name asks for: `.keras`, `.weights.h5`,
 * `.weights.json`, and `.h5`/`.hdf5` for the legacy full-model format. The
 * longest matching ending wins (`.weights.h5` over `.h5`).
 *
 * Returns: the format, or %GRAFT_FORMAT_UNKNOWN
 */
GraftFormat
graft_format_guess_for_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  GraftFormat best = GRAFT_FORMAT_UNKNOWN;
  gsize best_len = 0;

  for (GraftFormat f = GRAFT_FORMAT_UNKNOWN + 1; f < GRAFT_N_FORMATS; f++)
    {
      g_auto(GStrv) suffixes = NULL;

      if (graft_formats[f].suffixes == NULL)
        continue;
      suffixes = g_strsplit (graft_formats[f].suffixes, "|", -1);
      for (guint i = 0; suffixes[i] != NULL; i++)
        if (g_str_has_suffix (lower, suffixes[i]) && strlen (suffixes[i]) > best_len)
          {
            best = f;
            best_len = strlen (suffixes[i]);
          }
    }
  return best;
}

/**
 * graft_format_for_save:
 * @path: the file to write
 * @chosen: a format the user chose, or %GRAFT_FORMAT_UNKNOWN
 * @own: the format of the model's own file
 *
 * The format a save writes: the one chosen, else the one @path's name asks
 * for, else the model's own. A .h5 name fits both legacy formats, so it
 * keeps a legacy model's own.
 */
GraftFormat
graft_format_for_save (const char  *path,
                       GraftFormat  chosen,
                       GraftFormat  own)
{
  GraftFormat guess = graft_format_guess_for_path (path);

  if (chosen != GRAFT_FORMAT_UNKNOWN)
    return chosen;
  if (guess == GRAFT_FORMAT_UNKNOWN)
    return own;
  if (guess == GRAFT_FORMAT_LEGACY_H5 &&
      (own == GRAFT_FORMAT_LEGACY_H5 || own == GRAFT_FORMAT_LEGACY_WEIGHTS_H5))
    return own;
  return guess;
}
