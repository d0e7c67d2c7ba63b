/* graft-layer-input.c: the InputLayer kind: its output is the net's input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-input"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

static gboolean
graft_layer_input_setup (GraftNode   *node,
                         JsonObject  *config,
                         GError     **error)
{
  return TRUE;
}

static gboolean
graft_layer_input_infer (GraftNode         *node,
                         guint              n_in,
                         const GraftShape  *in,
                         guint             *n_out,
                         GraftShape        *out,
                         GError           **error)
{
  *n_out = 1;
  out[0] = in[0];
  return TRUE;
}

static gboolean
graft_layer_input_forward (GraftNode          *node,
                           guint               n_in,
                           GraftTensor *const *in,
                           guint               n_out,
                           GraftTensor *const *out,
                           GError            **error)
{
  memcpy (graft_tensor_floats (out[0]), graft_tensor_cfloats (in[0]),
          graft_tensor_get_n_elements (in[0]) * sizeof (float));
  return TRUE;
}

const GraftLayerClass graft_layer_input_class = {
  .class_name = "InputLayer",
  .setup = graft_layer_input_setup,
  .infer = graft_layer_input_infer,
  .forward = graft_layer_input_forward,
};
