/* graft-torch-export.c: a Keras model's weights in PyTorch's names and layouts
 *
 * The way back from graft-match-structure.c: a PyTorch checkpoint of the
 * same architecture (the reference) gives the names, shapes and dtypes;
 * the plan matching it to the Keras model by structure says where each
 * PyTorch tensor's values are in Keras; each conversion runs backwards
 * (graft_layout_scatter()). Tensors Keras has no counterpart for
 * (BatchNorm's batch counter) keep the reference's values, and an LSTM's
 * summed bias is split as the reference splits it. The result is a
 * safetensors file PyTorch loads with load_state_dict.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-torch-export"

#include "config.h"

#include "graft-torch-export.h"

#include <string.h>

#include "graft-error.h"
#include "graft-model.h"
#include "graft-safetensors-write.h"
#include "graft-tensor-convert.h"
#include "graft-tensor.h"
#include "graft-transfer-private.h"

/**
 * graft_torch_export:
 * @keras: the Keras model whose values are written
 * @reference: a PyTorch checkpoint of the same architecture
 * @n_converted: (out) (optional): tensors written from Keras values
 * @n_kept: (out) (optional): tensors written with the reference's values
 *
 * Returns: %FALSE with @error set when a value cannot be read or the file
 *   not written (the target is then untouched)
 */
gboolean
graft_torch_export (GraftModel  *keras,
                    GraftModel  *reference,
                    const char  *path,
                    gboolean     sync,
                    guint       *n_converted,
                    guint       *n_kept,
                    GError     **error)
{
  g_autoptr(GraftTransferPlan) plan = graft_transfer_plan_new (reference, keras);
  g_autoptr(GHashTable) buffers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_tensor_unref);
  guint converted = 0, kept = 0;

  if (!graft_transfer_plan_match (plan, GRAFT_TRANSFER_BY_STRUCTURE, error))
    return FALSE;
  graft_transfer_plan_finish (plan);

  /* Every reference tensor a pair reads, as float32 to scatter into. */
  for (guint i = 0; i < plan->pairs->len; i++)
    {
      GraftTransferPair *pair = &g_array_index (plan->pairs, GraftTransferPair, i);
      GraftWeight *ws[2] = { pair->source, pair->source2 };

      if (!graft_transfer_pair_copies (pair))
        continue;
      for (guint k = 0; k < 2; k++)
        if (ws[k] != NULL && !g_hash_table_contains (buffers, ws[k]))
          {
            float *values = graft_tensor_dup_float (graft_weight_get_tensor (ws[k]), error);

            if (values == NULL)
              return FALSE;
            g_hash_table_insert (buffers, ws[k], values);
          }
    }
  for (guint i = 0; i < plan->pairs->len; i++)
    {
      GraftTransferPair *pair = &g_array_index (plan->pairs, GraftTransferPair, i);
      GraftTensor *st;
      const GraftLayout *layout;

      if (!graft_transfer_pair_copies (pair))
        continue;
      st = graft_weight_get_tensor (pair->source);
      layout = pair->layout ? pair->layout : graft_layout_find ("copy");
      if (!graft_layout_scatter (layout, &pair->params, graft_weight_get_tensor (pair->target),
                                 graft_tensor_get_rank (st), graft_tensor_get_shape (st),
                                 g_hash_table_lookup (buffers, pair->source),
                                 pair->source2 ? g_hash_table_lookup (buffers, pair->source2) : NULL,
                                 error))
        {
          g_prefix_error (error, "%s → %s: ", graft_weight_get_path (pair->target),
                          graft_weight_get_location (pair->source));
          return FALSE;
        }
    }

  for (guint i = 0; i < graft_model_get_n_weights (reference); i++)
    {
      GraftWeight *w = graft_model_get_weight (reference, i);
      GraftTensor *t = graft_weight_get_tensor (w);
      float *values = g_hash_table_lookup (buffers, w);
      GraftTensor *made;

      g_ptr_array_add (names, (gpointer) graft_weight_get_location (w));
      if (values == NULL)
        {
          g_ptr_array_add (tensors, graft_tensor_ref (t));
          kept++;
          continue;
        }
      {
        g_autoptr(GraftTensor) f32 = graft_tensor_new (GRAFT_DTYPE_FLOAT32, graft_tensor_get_rank (t),
                                                       graft_tensor_get_shape (t));

        memcpy (graft_tensor_get_data_mutable (f32), values, graft_tensor_get_n_bytes (f32));
        made = graft_tensor_convert (f32, graft_tensor_get_dtype (t), error);
        if (made == NULL)
          return FALSE;
      }
      g_ptr_array_add (tensors, made);
      converted++;
    }
  if (n_converted != NULL)
    *n_converted = converted;
  if (n_kept != NULL)
    *n_kept = kept;
  return graft_safetensors_save (path, names, tensors, "pt", sync, error);
}
