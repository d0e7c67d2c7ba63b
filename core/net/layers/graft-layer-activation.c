/* graft-layer-activation.c: the Activation layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-activation"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <string.h>

#include "graft-error.h"
#include "graft-tensor.h"

typedef struct
{
  GraftActivation activation;
} GraftActivationPriv;

static gboolean
graft_layer_activation_setup (GraftNode   *node,
                              JsonObject  *config,
                              GError     **error)
{
  GraftActivationPriv *p = g_new0 (GraftActivationPriv, 1);

  node->priv = p;
  return graft_activation_parse (node, config, "activation", &p->activation, error);
}

static gboolean
graft_layer_activation_forward (GraftNode          *node,
                                guint               n_in,
                                GraftTensor *const *in,
                                guint               n_out,
                                GraftTensor *const *out,
                                GError            **error)
{
  GraftActivationPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);
  guint rank = graft_tensor_get_rank (in[0]);
  gsize last = rank > 0 ? graft_tensor_get_dim (in[0], rank - 1) : 1;

  memcpy (y, x, n * sizeof (float));
  graft_activation_apply (p->activation, y, n, last);
  return TRUE;
}

const GraftLayerClass graft_layer_activation_class = {
  .class_name = "Activation",
  .setup = graft_layer_activation_setup,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_activation_forward,
  .compute_mask = graft_layer_mask_keep,
};
