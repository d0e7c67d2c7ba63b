/* graft-layer-model.c: a Sequential or Functional model used as a layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-model"

#include "config.h"

#include "graft-layer-families-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

gboolean
graft_layer_model_setup (GraftNode   *node,
                         JsonObject  *config,
                         GError     **error)
{
  node->net = graft_net_new_from_layers_config (config, node->klass->variant == 1, error);
  return node->net != NULL;
}

gboolean
graft_layer_model_infer (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         guint             *n_out,
                         GraftShape        *out,
                         GError           **error)
{
  if (graft_net_get_n_outputs (node->net) > GRAFT_NODE_MAX_OUTPUTS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "layer '%s': too many outputs", node->name);
      return FALSE;
    }
  return graft_net_propagate (node->net, n_in, in, FALSE, n_out, out, error);
}

gboolean
graft_layer_model_build (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         GError           **error)
{
  GraftShape out[GRAFT_NODE_MAX_OUTPUTS];
  guint n_out;

  if (graft_net_get_n_outputs (node->net) > GRAFT_NODE_MAX_OUTPUTS)
    {
      g_set_error (error, GRAFT_ERROR, GRAFT_ERROR_LIMIT, "layer '%s': too many outputs", node->name);
      return FALSE;
    }
  return graft_net_propagate (node->net, n_in, in, TRUE, &n_out, out, error);
}

gboolean
graft_layer_model_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  GraftTensor *res[GRAFT_NODE_MAX_OUTPUTS] = { NULL };

  if (!graft_net_run (node->net, n_in, in, res, error))
    return FALSE;
  /* The outer net allocated the outputs; the inner one made its own. */
  for (guint i = 0; i < n_out; i++)
    {
      memcpy (graft_tensor_floats (out[i]), graft_tensor_cfloats (res[i]),
              graft_tensor_get_n_elements (res[i]) * sizeof (float));
      graft_tensor_unref (res[i]);
    }
  return TRUE;
}
