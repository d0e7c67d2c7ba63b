/* graft-layer-softmax.c: the Softmax layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-softmax"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  gint64 axis;
} GraftSoftmaxPriv;

static gboolean
graft_layer_softmax_setup (GraftNode   *node,
                           JsonObject  *config,
                           GError     **error)
{
  GraftSoftmaxPriv *p = g_new0 (GraftSoftmaxPriv, 1);
  JsonNode *axis = json_object_get_member (config, "axis");

  node->priv = p;
  if (axis != NULL && JSON_NODE_HOLDS_ARRAY (axis) && json_array_get_length (json_node_get_array (axis)) == 1)
    p->axis = json_array_get_int_element (json_node_get_array (axis), 0);
  else
    p->axis = graft_config_get_int (config, "axis", -1);
  return TRUE;
}

static gboolean
graft_layer_softmax_forward (GraftNode          *node,
                             guint               n_in,
                             GraftTensor *const *in,
                             guint               n_out,
                             GraftTensor *const *out,
                             GError            **error)
{
  GraftSoftmaxPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);
  guint rank = graft_tensor_get_rank (in[0]);
  gint64 axis = p->axis < 0 ? (gint64) rank + p->axis : p->axis;
  gsize inner = 1, len;

  if (axis < 0 || axis >= (gint64) rank)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_SHAPE, "layer '%s': bad axis", node->name);
      return FALSE;
    }
  for (guint i = (guint) axis + 1; i < rank; i++)
    inner *= graft_tensor_get_dim (in[0], i);
  len = graft_tensor_get_dim (in[0], (guint) axis);
  memcpy (y, x, n * sizeof (float));
  softmax_forward (y, n / MAX (len * inner, 1), len, inner);
  return TRUE;
}

const GraftLayerClass graft_layer_softmax_class = {
  .class_name = "Softmax",
  .setup = graft_layer_softmax_setup,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_softmax_forward,
};
