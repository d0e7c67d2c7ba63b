/* graft-layer-relu.c: the ReLU layer kind: max_value, negative_slope and threshold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-relu"

#include "config.h"

#include "graft-layer-ops-private.h"

#include <math.h>

#include "graft-tensor.h"

typedef struct
{
  float max_value;   /* or infinity */
  float slope;
  float threshold;
} GraftReluPriv;

static gboolean
graft_layer_relu_setup (GraftNode   *node,
                        JsonObject  *config,
                        GError     **error)
{
  GraftReluPriv *p = g_new0 (GraftReluPriv, 1);

  node->priv = p;
  p->max_value = (float) graft_config_get_double (config, "max_value", INFINITY);
  p->slope = (float) graft_config_get_double (config, "negative_slope", 0.0);
  p->threshold = (float) graft_config_get_double (config, "threshold", 0.0);
  return TRUE;
}

static gboolean
graft_layer_relu_forward (GraftNode          *node,
                          guint               n_in,
                          GraftTensor *const *in,
                          guint               n_out,
                          GraftTensor *const *out,
                          GError            **error)
{
  GraftReluPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);

  for (gsize i = 0; i < n; i++)
    {
      float v = x[i];

      v = v >= p->threshold ? v : p->slope * (v - p->threshold);
      y[i] = MIN (v, p->max_value);
    }
  return TRUE;
}

const GraftLayerClass graft_layer_relu_class = {
  .class_name = "ReLU",
  .setup = graft_layer_relu_setup,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_relu_forward,
  .compute_mask = graft_layer_mask_keep,
};
