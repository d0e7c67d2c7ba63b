/* graft-layer-leaky-relu.c: the LeakyReLU layer kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-leaky-relu"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-tensor.h"

typedef struct
{
  float slope;
} GraftLeakyReluPriv;

static gboolean
graft_layer_leaky_relu_setup (GraftNode   *node,
                              JsonObject  *config,
                              GError     **error)
{
  GraftLeakyReluPriv *p = g_new0 (GraftLeakyReluPriv, 1);

  node->priv = p;
  /* Keras 3 calls it negative_slope, Keras 2 alpha; both default to 0.3. */
  p->slope = (float) graft_config_get_double (config, "negative_slope",
                                              graft_config_get_double (config, "alpha", 0.3));
  return TRUE;
}

static gboolean
graft_layer_leaky_relu_forward (GraftNode          *node,
                                guint               n_in,
                                GraftTensor *const *in,
                                guint               n_out,
                                GraftTensor *const *out,
                                GError            **error)
{
  GraftLeakyReluPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);

  for (gsize i = 0; i < n; i++)
    y[i] = x[i] >= 0.0f ? x[i] : p->slope * x[i];
  return TRUE;
}

const GraftLayerClass graft_layer_leaky_relu_class = {
  .class_name = "LeakyReLU",
  .setup = graft_layer_leaky_relu_setup,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_leaky_relu_forward,
  .compute_mask = graft_layer_mask_keep,
};
