/* graft-layer-batch-normalization.c: the BatchNormalization layer kind, at inference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-batch-normalization"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gint64    axis;
  double    epsilon;
  gboolean  center;
  gboolean  scale;
} GraftBatchNormPriv;

static gboolean
graft_layer_batch_normalization_setup (GraftNode   *node,
                                       JsonObject  *config,
                                       GError     **error)
{
  GraftBatchNormPriv *p = g_new0 (GraftBatchNormPriv, 1);
  JsonNode *axis = json_object_get_member (config, "axis");

  node->priv = p;
  p->axis = -1;
  if (axis != NULL && JSON_NODE_HOLDS_ARRAY (axis) && json_array_get_length (json_node_get_array (axis)) == 1)
    p->axis = json_array_get_int_element (json_node_get_array (axis), 0);
  else
    p->axis = graft_config_get_int (config, "axis", -1);
  p->epsilon = graft_config_get_double (config, "epsilon", 1e-3);
  p->center = graft_config_get_bool (config, "center", TRUE);
  p->scale = graft_config_get_bool (config, "scale", TRUE);
  return TRUE;
}

static guint
graft_layer_batch_normalization_axis (GraftBatchNormPriv *p,
                                      guint               rank)
{
  return (guint) (p->axis < 0 ? (gint64) rank + p->axis : p->axis);
}

static gboolean
graft_layer_batch_normalization_build (GraftNode         *node,
                                       guint              n_in,
                                       const GraftShape  *in,
                                       GError           **error)
{
  GraftBatchNormPriv *p = node->priv;
  guint axis = graft_layer_batch_normalization_axis (p, in[0].rank);
  gsize shape[1];

  if (!graft_shape_check_known (node, &in[0], axis, error))
    return FALSE;
  shape[0] = (gsize) in[0].dims[axis];
  if (p->scale)
    graft_node_add_weight (node, "gamma", 1, shape, "gamma_initializer", TRUE);
  if (p->center)
    graft_node_add_weight (node, "beta", 1, shape, "beta_initializer", TRUE);
  graft_node_add_weight (node, "moving_mean", 1, shape, "moving_mean_initializer", FALSE);
  graft_node_add_weight (node, "moving_variance", 1, shape, "moving_variance_initializer", FALSE);
  return TRUE;
}

static gboolean
graft_layer_batch_normalization_forward (GraftNode          *node,
                                         guint               n_in,
                                         GraftTensor *const *in,
                                         guint               n_out,
                                         GraftTensor *const *out,
                                         GError            **error)
{
  GraftBatchNormPriv *p = node->priv;
  guint rank = graft_tensor_get_rank (in[0]);
  guint axis = graft_layer_batch_normalization_axis (p, rank);
  gsize c = graft_tensor_get_dim (in[0], axis), inner = 1;
  gsize n = graft_tensor_get_n_elements (in[0]);
  const float *gamma = graft_node_get_weight_data (node, "gamma");
  const float *beta = graft_node_get_weight_data (node, "beta");
  const float *mean = graft_node_get_weight_data (node, "moving_mean");
  const float *var = graft_node_get_weight_data (node, "moving_variance");
  const float *x = graft_tensor_cfloats (in[0]);
  float *y = graft_tensor_floats (out[0]);
  g_autofree float *mul = g_new (float, c);   /* [c] */
  g_autofree float *add = g_new (float, c);   /* [c] */

  /* Keras computes (x - mean) * rsqrt(var + eps) * gamma + beta. */
  for (gsize i = 0; i < c; i++)
    {
      float inv = 1.0f / sqrtf (var[i] + (float) p->epsilon);

      mul[i] = inv * (gamma != NULL ? gamma[i] : 1.0f);
      add[i] = (beta != NULL ? beta[i] : 0.0f) - mean[i] * mul[i];
    }
  for (guint d = axis + 1; d < rank; d++)
    inner *= graft_tensor_get_dim (in[0], d);
  if (inner == 1)
    for (gsize i = 0; i < n; i += c)
      for (gsize j = 0; j < c; j++)
        y[i + j] = x[i + j] * mul[j] + add[j];
  else
    for (gsize i = 0; i < n; i++)
      {
        gsize j = (i / inner) % c;

        y[i] = x[i] * mul[j] + add[j];
      }
  return TRUE;
}

const GraftLayerClass graft_layer_batch_normalization_class = {
  .class_name = "BatchNormalization",
  .setup = graft_layer_batch_normalization_setup,
  .infer = graft_layer_infer_same,
  .build = graft_layer_batch_normalization_build,
  .forward = graft_layer_batch_normalization_forward,
  .compute_mask = graft_layer_mask_keep,
};
