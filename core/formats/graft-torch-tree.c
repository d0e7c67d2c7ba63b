/* graft-torch-tree.c: dotted state_dict names as a module tree
 *
 * A state_dict is flat: "encoder.layers.0.self_attn.in_proj_weight". Its
 * dots are the module tree, so each name becomes layers (encoder → layers
 * → 0 → self_attn) holding a weight ("in_proj_weight"). The weight's path
 * joins the names with '/', as for Keras files, and its location is the
 * dotted key, which is how PyTorch and safetensors name it. Buffers a
 * module keeps but does not train (BatchNorm's running statistics and its
 * batch counter) are non-trainable state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-torch"

#include "config.h"

#include "graft-torch-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

static const char *const graft_torch_buffers[] = {
  "running_mean", "running_var", "num_batches_tracked",
};

static GraftTrainable
graft_torch_trainable (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (graft_torch_buffers); i++)
    if (g_str_equal (name, graft_torch_buffers[i]))
      return GRAFT_TRAINABLE_NO;
  return GRAFT_TRAINABLE_YES;
}

/**
 * graft_torch_tree_add:
 * @key: the state_dict name
 * @tensor: (transfer full): its values
 *
 * Returns: (transfer none): the weight, or %NULL with %GRAFT_ERROR_CORRUPT
 *   for a name with an empty part or one given twice
 */
GraftWeight *
graft_torch_tree_add (GraftModel   *model,
                      const char   *key,
                      GraftTensor  *tensor,
                      GError      **error)
{
  /* Keras-layout files name tensors by path ("dense/kernel"). */
  g_auto(GStrv) parts = g_strsplit (key, strchr (key, '/') ? "/" : ".", -1);
  guint n = g_strv_length (parts);
  GraftLayer *layer = graft_model_get_root (model);

  for (guint i = 0; i < n; i++)
    if (parts[i][0] == '\0')
      {
        graft_tensor_unref (tensor);
        g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT,
                     "%s: the tensor name '%s' has an empty part",
                     graft_model_get_filename (model), key);
        return NULL;
      }
  for (guint i = 0; i + 1 < n; i++)
    layer = graft_layer_ensure_child (layer, parts[i]);
  if (graft_layer_find_weight (layer, parts[n - 1]) != NULL)
    {
      graft_tensor_unref (tensor);
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "%s: the tensor '%s' is given twice",
                   graft_model_get_filename (model), key);
      return NULL;
    }
  return graft_model_add_weight (model, layer, parts[n - 1], key, tensor,
                                 graft_torch_trainable (parts[n - 1]));
}
