/* graft-layer-prelu.c: the PReLU layer kind: a learned slope per element
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-prelu"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  guint32 shared;   /* bit i: the slope is shared along input axis i */
} GraftPreluPriv;

static gboolean
graft_layer_prelu_setup (GraftNode   *node,
                         JsonObject  *config,
                         GError     **error)
{
  GraftPreluPriv *p = g_new0 (GraftPreluPriv, 1);
  JsonNode *axes = json_object_get_member (config, "shared_axes");

  node->priv = p;
  if (axes != NULL && JSON_NODE_HOLDS_ARRAY (axes))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (axes)); i++)
      p->shared |= 1u << (json_array_get_int_element (json_node_get_array (axes), i) & 31);
  else if (axes != NULL && JSON_NODE_HOLDS_VALUE (axes))
    p->shared |= 1u << (json_node_get_int (axes) & 31);
  return TRUE;
}

static gboolean
graft_layer_prelu_build (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         GError           **error)
{
  GraftPreluPriv *p = node->priv;
  gsize shape[GRAFT_MAX_RANK];

  for (guint d = 1; d < in[0].rank; d++)
    {
      if (!(p->shared & (1u << d)) && !graft_shape_check_known (node, &in[0], d, error))
        return FALSE;
      shape[d - 1] = (p->shared & (1u << d)) ? 1 : (gsize) in[0].dims[d];
    }
  graft_node_add_weight (node, "alpha", in[0].rank - 1, shape, "alpha_initializer", TRUE);
  return TRUE;
}

static gboolean
graft_layer_prelu_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  GraftPreluPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);
  guint rank = graft_tensor_get_rank (in[0]);
  const float *alpha = graft_node_get_weight_data (node, "alpha");
  gsize per_sample = n / MAX (graft_tensor_get_dim (in[0], 0), 1);

  for (gsize i = 0; i < n; i++)
    {
      gsize rest = i % per_sample, a = 0, stride = 1;

      /* Index into alpha [input shape without batch, 1 on shared axes]. */
      for (guint d = rank - 1; d >= 1; d--)
        {
          gsize dim = graft_tensor_get_dim (in[0], d), idx = rest % dim;

          rest /= dim;
          if (!(p->shared & (1u << d)))
            {
              a += idx * stride;
              stride *= dim;
            }
        }
      y[i] = x[i] >= 0.0f ? x[i] : alpha[a] * x[i];
    }
  return TRUE;
}

const GraftLayerClass graft_layer_prelu_class = {
  .class_name = "PReLU",
  .setup = graft_layer_prelu_setup,
  .infer = graft_layer_infer_same,
  .build = graft_layer_prelu_build,
  .forward = graft_layer_prelu_forward,
  .compute_mask = graft_layer_mask_keep,
};
