/* graft-layer-global-average-pooling1d.c: the GlobalAveragePooling1D layer kind (see graft-layer-pool.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-global-average-pooling1d"

#include "config.h"

#include "graft-layer-families-private.h"

#include "graft-tensor.h"

/* Keras averages over the unmasked steps only: sum (x * m) / sum (m). */
static gboolean
graft_layer_global_average_pooling1d_forward_masked (GraftNode          *node,
                                                     guint               n_in,
                                                     GraftTensor *const *in,
                                                     GraftTensor *const *in_masks,
                                                     guint               n_out,
                                                     GraftTensor *const *out,
                                                     GError            **error)
{
  gboolean first = graft_config_channels_first (node->config);
  const float *x = graft_tensor_cfloats (in[0]);       /* [batch, T, C] or [batch, C, T] */
  const float *m = graft_tensor_cfloats (in_masks[0]);  /* [batch, T] */
  float *y = graft_tensor_floats (out[0]);              /* [batch, C] */
  gsize batch = graft_tensor_get_dim (in[0], 0);
  gsize steps = graft_tensor_get_dim (in[0], first ? 2 : 1);
  gsize channels = graft_tensor_get_dim (in[0], first ? 1 : 2);

  for (gsize b = 0; b < batch; b++)
    {
      float kept = 0.0f;

      for (gsize t = 0; t < steps; t++)
        kept += m[b * steps + t];
      for (gsize c = 0; c < channels; c++)
        {
          float sum = 0.0f;

          for (gsize t = 0; t < steps; t++)
            sum += m[b * steps + t] *
                   x[first ? (b * channels + c) * steps + t : (b * steps + t) * channels + c];
          y[b * channels + c] = sum / kept;
        }
    }
  return TRUE;
}

static const char *const graft_layer_global_average_pooling1d_aliases[] = { "GlobalAvgPool1D", NULL };

const GraftLayerClass graft_layer_global_average_pooling1d_class = {
  .class_name = "GlobalAveragePooling1D",
  .aliases = graft_layer_global_average_pooling1d_aliases,
  .variant = GRAFT_POOL_GLOBAL | GRAFT_POOL_1D,
  .setup = graft_layer_pool_setup,
  .infer = graft_layer_pool_infer,
  .forward = graft_layer_pool_forward,
  .forward_masked = graft_layer_global_average_pooling1d_forward_masked,
};
