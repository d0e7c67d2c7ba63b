/* graft-layer-scale.c: Graft's Scale kind: x * w over the last axis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-scale"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-error.h"
#include "graft-tensor.h"

/* Not a Keras built-in: model specs map simple custom layers such as
 * "ScaleLayer" (one learned vector multiplied into the input) onto it. */

static gboolean
graft_layer_scale_infer (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         guint             *n_out,
                         GraftShape        *out,
                         GError           **error)
{
  *n_out = 1;
  out[0] = in[0];
  return graft_shape_check_rank (node, &in[0], 2, GRAFT_MAX_RANK, error);
}

static gboolean
graft_layer_scale_build (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         GError           **error)
{
  gsize shape[1];

  if (!graft_shape_check_known (node, &in[0], in[0].rank - 1, error))
    return FALSE;
  shape[0] = (gsize) in[0].dims[in[0].rank - 1];
  graft_node_add_weight (node, "scale", 1, shape, "ones", TRUE);
  return TRUE;
}

static gboolean
graft_layer_scale_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  const float *x = graft_tensor_cfloats (in[0]);
  const float *s = graft_node_get_weight_data (node, "scale");   /* [c] */
  float *y = graft_tensor_floats (out[0]);
  gsize c = graft_tensor_get_dim (in[0], graft_tensor_get_rank (in[0]) - 1);
  gsize n = graft_tensor_get_n_elements (in[0]);

  for (gsize i = 0; i < n; i++)
    y[i] = x[i] * s[i % c];
  return TRUE;
}

const GraftLayerClass graft_layer_scale_class = {
  .class_name = "Scale",
  .setup = graft_layer_setup_none,
  .infer = graft_layer_scale_infer,
  .build = graft_layer_scale_build,
  .forward = graft_layer_scale_forward,
};
