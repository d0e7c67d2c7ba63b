/* graft-layer-rescaling.c: the Rescaling layer kind: x * scale + offset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "graft-layer-rescaling"

#include "config.h"

#include "graft-layer-ops-private.h"

#include "graft-tensor.h"

typedef struct
{
  float scale;
  float offset;
} GraftRescalingPriv;

static gboolean
graft_layer_rescaling_setup (GraftNode   *node,
                             JsonObject  *config,
                             GError     **error)
{
  GraftRescalingPriv *p = g_new0 (GraftRescalingPriv, 1);

  node->priv = p;
  p->scale = (float) graft_config_get_double (config, "scale", 1.0);
  p->offset = (float) graft_config_get_double (config, "offset", 0.0);
  return TRUE;
}

static gboolean
graft_layer_rescaling_forward (GraftNode          *node,
                               guint               n_in,
                               GraftTensor *const *in,
                               guint               n_out,
                               GraftTensor *const *out,
                               GError            **error)
{
  GraftRescalingPriv *p = node->priv;
  const float *x;
  float *y;
  gsize n = graft_layer_unary_floats (in, out, &x, &y);

  for (gsize i = 0; i < n; i++)
    y[i] = x[i] * p->scale + p->offset;
  return TRUE;
}

const GraftLayerClass graft_layer_rescaling_class = {
  .class_name = "Rescaling",
  .setup = graft_layer_rescaling_setup,
  .infer = graft_layer_infer_same,
  .forward = graft_layer_rescaling_forward,
};
