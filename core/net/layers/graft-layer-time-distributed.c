/* graft-layer-time-distributed.c: the TimeDistributed wrapper kind
 *
 * The wrapped layer runs once on [batch * T, …]: the time axis is folded
 * into the batch axis, which row-major data allows without moving values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-time-distributed"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-dtype.h"
#include "graft-error.h"
#include "graft-tensor.h"

static gboolean
graft_layer_time_distributed_setup (GraftNode   *node,
                                    JsonObject  *config,
                                    GError     **error)
{
  JsonNode *layer = json_object_get_member (config, "layer");
  GraftNode *child;

  if (layer == NULL || !JSON_NODE_HOLDS_OBJECT (layer))
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_CORRUPT, "layer '%s': no wrapped layer", node->name);
      return FALSE;
    }
  child = graft_node_new (json_node_get_object (layer), error);
  if (child == NULL)
    return FALSE;
  g_ptr_array_add (node->children, child);
  return TRUE;
}

/* [batch, T, rest…] -> [batch * T, rest…] */
static gboolean
graft_layer_time_distributed_fold (GraftNode         *node,
                                   const GraftShape  *in,
                                   GraftShape        *folded,
                                   GError           **error)
{
  if (!graft_shape_check_rank (node, in, 3, GRAFT_MAX_RANK, error))
    return FALSE;
  folded->rank = in->rank - 1;
  folded->dims[0] = (in->dims[0] < 0 || in->dims[1] < 0) ? -1 : in->dims[0] * in->dims[1];
  for (guint i = 2; i < in->rank; i++)
    folded->dims[i - 1] = in->dims[i];
  return TRUE;
}

static gboolean
graft_layer_time_distributed_infer (GraftNode         *node,
                                    guint              n_in,
                                    const GraftShape  *in,
                                    guint             *n_out,
                                    GraftShape        *out,
                                    GError           **error)
{
  GraftNode *child = g_ptr_array_index (node->children, 0);
  GraftShape folded, inner[GRAFT_NODE_MAX_OUTPUTS];
  guint n;

  if (!graft_layer_time_distributed_fold (node, &in[0], &folded, error) ||
      !child->klass->infer (child, 1, &folded, &n, inner, error))
    return FALSE;
  if (inner[0].rank + 1 > GRAFT_MAX_RANK)
    return graft_shape_check_rank (node, &inner[0], 1, GRAFT_MAX_RANK - 1, error);
  *n_out = 1;
  out[0].rank = inner[0].rank + 1;
  out[0].dims[0] = in[0].dims[0];
  out[0].dims[1] = in[0].dims[1];
  for (guint i = 1; i < inner[0].rank; i++)
    out[0].dims[i + 1] = inner[0].dims[i];
  return TRUE;
}

static gboolean
graft_layer_time_distributed_build (GraftNode         *node,
                                    guint              n_in,
                                    const GraftShape  *in,
                                    GError           **error)
{
  GraftShape folded;

  return graft_layer_time_distributed_fold (node, &in[0], &folded, error) &&
         graft_node_build (g_ptr_array_index (node->children, 0), 1, &folded, error);
}

static gboolean
graft_layer_time_distributed_forward (GraftNode          *node,
                                      guint               n_in,
                                      GraftTensor *const *in,
                                      guint               n_out,
                                      GraftTensor *const *out,
                                      GError            **error)
{
  GraftNode *child = g_ptr_array_index (node->children, 0);
  GraftShape in_shape, folded, inner[GRAFT_NODE_MAX_OUTPUTS];
  g_autoptr(GraftTensor) x = NULL;
  GraftTensor *res[GRAFT_NODE_MAX_OUTPUTS] = { NULL };
  guint n;
  gboolean ok;

  graft_shape_from_tensor (&in_shape, in[0]);
  if (!graft_layer_time_distributed_fold (node, &in_shape, &folded, error) ||
      !child->klass->infer (child, 1, &folded, &n, inner, error))
    return FALSE;
  x = graft_shape_new_tensor (&folded);
  memcpy (graft_tensor_floats (x), graft_tensor_cfloats (in[0]), graft_tensor_get_n_bytes (in[0]));
  for (guint i = 0; i < n; i++)
    res[i] = graft_shape_new_tensor (&inner[i]);
  ok = child->klass->forward (child, 1, &x, n, res, error);
  if (ok)
    memcpy (graft_tensor_floats (out[0]), graft_tensor_cfloats (res[0]), graft_tensor_get_n_bytes (res[0]));
  for (guint i = 0; i < n; i++)
    graft_tensor_unref (res[i]);
  return ok;
}

const GraftLayerClass graft_layer_time_distributed_class = {
  .class_name = "TimeDistributed",
  .setup = graft_layer_time_distributed_setup,
  .infer = graft_layer_time_distributed_infer,
  .build = graft_layer_time_distributed_build,
  .forward = graft_layer_time_distributed_forward,
};
