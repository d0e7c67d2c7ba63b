/* graft-layer-normalization.c: the Normalization preprocessing layer kind, last axis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-normalization"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gboolean invert;
} GraftNormalizationPriv;

static gboolean
graft_layer_normalization_setup (GraftNode   *node,
                                 JsonObject  *config,
                                 GError     **error)
{
  GraftNormalizationPriv *p = g_new0 (GraftNormalizationPriv, 1);

  node->priv = p;
  p->invert = graft_config_get_bool (config, "invert", FALSE);
  return TRUE;
}

static gboolean
graft_layer_normalization_build (GraftNode         *node,
                                 guint              n_in,
                                 const GraftShape  *in,
                                 GError           **error)
{
  gsize shape[1];

  if (!graft_shape_check_known (node, &in[0], in[0].rank - 1, error))
    return FALSE;
  shape[0] = (gsize) in[0].dims[in[0].rank - 1];
  graft_node_add_weight (node, "mean", 1, shape, "zeros", FALSE);
  graft_node_add_weight (node, "variance", 1, shape, "ones", FALSE);
  /* The number of samples adapt() saw: an int32 scalar, unused here. */
  graft_node_add_weight (node, "count", 0, shape, "zeros", FALSE)->dtype = GRAFT_DTYPE_INT32;
  return TRUE;
}

static gboolean
graft_layer_normalization_forward (GraftNode          *node,
                                   guint               n_in,
                                   GraftTensor *const *in,
                                   guint               n_out,
                                   GraftTensor *const *out,
                                   GError            **error)
{
  GraftNormalizationPriv *p = node->priv;
  gsize c = graft_tensor_get_dim (in[0], graft_tensor_get_rank (in[0]) - 1);
  gsize n = graft_tensor_get_n_elements (in[0]);
  const float *mean = graft_node_get_weight_data (node, "mean");
  const float *var = graft_node_get_weight_data (node, "variance");
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);

  /* Keras divides by max(sqrt(variance), epsilon) with epsilon = 1e-7. */
  for (gsize i = 0; i < n; i++)
    {
      float sd = MAX (sqrtf (var[i % c]), 1e-7f);

      y[i] = p->invert ? x[i] * sd + mean[i % c] : (x[i] - mean[i % c]) / sd;
    }
  return TRUE;
}

const GraftLayerClass graft_layer_normalization_class = {
  .class_name = "Normalization",
  .setup = graft_layer_normalization_setup,
  .infer = graft_layer_infer_same,
  .build = graft_layer_normalization_build,
  .forward = graft_layer_normalization_forward,
};
